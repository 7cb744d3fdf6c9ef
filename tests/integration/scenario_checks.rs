//! The scenario file's own checks, one table: each edit of the bundled quickstart must be
//! refused with a problem at the JSON path it names, saying what is wrong.

use dialsim::scenario::{self, ScenarioError};
use serde_json::{Value, json};
use std::path::Path;

/// The quickstart with `edit` applied must be invalid with a problem at `path` whose message
/// contains `words`.
fn check(edit: impl Fn(&mut Value), path: &str, words: &str) {
    let text = std::fs::read_to_string("scenarios/quickstart.json").expect("quickstart");
    let mut v: Value = serde_json::from_str(&text).expect("JSON");
    edit(&mut v);
    let text = v.to_string();
    let result = scenario::parse(&text, "q.json").and_then(|f| f.check(&text, Path::new("q.json")));
    let problems = match result {
        Err(ScenarioError::Invalid(p)) => p,
        Err(other) => panic!("{path}: {other}"),
        Ok(_) => panic!("{path}: accepted"),
    };
    assert!(
        problems
            .iter()
            .any(|p| p.json_path == path && p.message.contains(words)),
        "{path} / {words:?} not in {problems:#?}"
    );
}

#[test]
fn every_scenario_rule_names_its_path() {
    check(
        |v| v["enterprise"]["agents"] = json!([{"cno": "1000"}, {"cno": "1000"}]),
        "enterprise.agents[1].cno",
        "listed twice",
    );
    check(
        |v| v["customers"]["answer_probability_by_hour"] = json!(vec![0.3; 23]),
        "customers.answer_probability_by_hour",
        "24 values",
    );
    check(
        |v| v["customers"]["talk_scale_by_hour"] = json!(vec![1.0; 25]),
        "customers.talk_scale_by_hour",
        "give 24",
    );
    check(
        |v| v["customers"]["patience_scale_by_hour"] = json!(vec![0.0; 24]),
        "customers.patience_scale_by_hour[0]",
        "must be > 0",
    );
    check(
        |v| v["customers"]["answer_probability"] = json!(1.5),
        "customers.answer_probability",
        "not a probability",
    );
    check(
        |v| {
            v["customers"]["busy_probability"] = json!(0.6);
            v["customers"]["invalid_probability"] = json!(0.6);
        },
        "customers",
        "add up to 1.2",
    );
    check(
        |v| {
            v["customers"]["area_codes"] =
                json!([{"code": "010", "share": 0.7}, {"code": "021", "share": 0.6}])
        },
        "customers.area_codes",
        "more than 1",
    );
    check(
        |v| v["actions"] = json!([{"at_s": 10, "task": "no-such-task", "action": "PauseTask"}]),
        "actions[0].task",
        "not the Name of a task",
    );
    check(
        |v| {
            let name = v["tasks"][0]["request"]["Name"].clone();
            v["actions"] = json!([{"at_s": -5, "task": name, "action": "PauseTask"}]);
        },
        "actions[0]",
        "exactly one of at_s",
    );
    check(
        |v| {
            let name = v["tasks"][0]["request"]["Name"].clone();
            v["actions"] = json!([{"at": "tomorrow", "task": name, "action": "PauseTask"}]);
        },
        "actions[0].at",
        "yyyy-MM-ddTHH:mm:ss",
    );
    check(
        |v| v["tasks"][0]["pacer"] = json!({"ratio": {"per_idle_agent": 0}}),
        "tasks[0].pacer.ratio.per_idle_agent",
        "must be > 0",
    );
    check(
        |v| v["tasks"][0]["pacer"] = json!({"adaptive": {"intensity": 50}}),
        "tasks[0].pacer.adaptive.intensity",
        "-40 to 40",
    );
    check(
        |v| v["enterprise"]["breaks"] = json!([{"cnos": ["9999"], "start_s": 0, "duration_s": 60}]),
        "enterprise.breaks[0].cnos",
        "not an agent",
    );
    check(
        |v| v["enterprise"]["shifts"] = json!([{"login": "17:00", "logout": "09:00"}]),
        "enterprise.shifts[0]",
        "before logout",
    );
}
