//! Tasks created during the run, phone numbers imported by list, agents logging in and out,
//! and the run in steps (`world::engine::Live`), which `dialsim serve` is built on.

use crate::support::load;
use dialsim::world::engine::{Live, run_with};
use dialsim::world::result::CallRecord;
use serde_json::{Value, json};
use std::collections::HashSet;

/// 3 000 phone numbers, leading zeros kept.
fn phone_numbers() -> Vec<String> {
    (0..3000).map(|i| format!("0138{:07}", i * 7)).collect()
}

/// The quickstart world with its task created by an operation at 60 s, numbers imported by
/// list at 120 s, started at 180 s; agent 1003 logged out from 1 800 s to 3 600 s; ten numbers
/// deleted at 600 s.
fn scripted(duration_s: f64) -> dialsim::scenario::Scenario {
    scripted_with(duration_s, |_| {})
}

/// [`scripted`], with `edit` applied last.
fn scripted_with(duration_s: f64, edit: impl Fn(&mut Value)) -> dialsim::scenario::Scenario {
    let numbers = phone_numbers();
    let deleted: Vec<String> = numbers[2900..2910].to_vec();
    load("scenarios/quickstart.json", move |v| {
        v["duration_s"] = json!(duration_s);
        v["tasks"][0]["numbers"] = json!({"count": 0});
        v["tasks"][0]["created_at_s"] = json!(60);
        v["enterprise"]
            .as_object_mut()
            .expect("object")
            .remove("login_ramp_s");
        v.as_object_mut().expect("object").remove("expect");
        v["actions"] = json!([
            {"at_s": 120, "task_id": 1, "action": "ImportTaskTel",
             "params": {"numbers": numbers, "Priority": 5}},
            {"at_s": 180, "task_id": 1, "action": "StartTask"},
            {"at_s": 600, "task_id": 1, "action": "DeleteTaskTel", "params": {"tels": deleted}},
            {"at_s": 1800, "action": "AgentLogout", "params": {"Cno": "1003"}},
            {"at_s": 3600, "action": "AgentLogin", "params": {"Cno": "1003"}},
            {"at_s": 3700, "task_id": 99, "action": "PauseTask"},
        ]);
        edit(v);
    })
}

fn field(r: &CallRecord) -> String {
    dialsim::cdr::record(r, 0)["CustomerNumber"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

#[test]
fn a_task_created_by_an_operation_calls_its_listed_numbers_once_started() {
    let sc = scripted(7200.0);
    let records = run_with(&sc, sc.file.seed, None, true).calls;
    assert!(records.len() > 500, "{} records", records.len());
    let numbers: HashSet<String> = phone_numbers().into_iter().collect();
    let deleted: HashSet<String> = phone_numbers()[2900..2910].iter().cloned().collect();
    for r in &records {
        assert_eq!(r.task_id, 1, "the store's first TaskId");
        assert!(r.start_ms >= 180_000, "a call before StartTask: {r:?}");
        let n = field(r);
        assert!(numbers.contains(&n), "{n} was not imported");
        assert!(
            !deleted.contains(&n),
            "{n} was deleted before it was called"
        );
    }
    // Agent 1003 takes no new call while logged out.
    let during: Vec<_> = records
        .iter()
        .filter(|r| r.cno.as_deref() == Some("1003"))
        .filter_map(|r| r.bridge_ms)
        .filter(|&b| b > 1_800_000 && b < 3_600_000)
        .collect();
    assert_eq!(
        during,
        Vec::<u64>::new(),
        "bridges to 1003 while logged out"
    );
    let after = records
        .iter()
        .filter(|r| r.cno.as_deref() == Some("1003") && r.bridge_ms > Some(3_600_000))
        .count();
    assert!(after > 0, "1003 takes calls again after logging in");
}

#[test]
fn the_operations_answer_as_the_store_does() {
    let sc = scripted(7200.0);
    let mut live = Live::new(&sc, sc.file.seed);
    assert_eq!(live.creation(0), None, "not created before 60 s");
    live.advance(60_001);
    let created = live.creation(0).expect("created at 60 s").clone();
    assert_eq!(created["Code"], "OK");
    assert_eq!(created["Data"]["Id"], "1");
    assert_eq!(
        created["Data"]["Status"], "0",
        "a created task waits for StartTask"
    );
    let imported = live
        .advance_to_action(0, 7_200_000)
        .expect("performed")
        .clone();
    assert_eq!(imported["Data"]["Imported"], json!(3000));
    assert_eq!(live.now_ms(), 120_000);
    let task = live.task(1).expect("task 1");
    assert_eq!((task.numbers, task.uncalled, task.placed), (3000, 3000, 0));
    live.advance(600_001);
    let deleted = live.answer(2).expect("DeleteTaskTel performed");
    assert_eq!(deleted["Data"]["Deleted"], json!(10));
    assert_eq!(live.task(1).expect("task 1").numbers, 2990);
    live.advance(1_800_001);
    let a = live.agents();
    assert_eq!(a[3].cno, "1003");
    assert!(a[3].logged_out);
    live.advance(3_700_001);
    let missing = live.answer(5).expect("answered");
    assert_eq!(missing["Code"], "NotFound.Task");
    assert!(!live.agents()[3].logged_out);
}

#[test]
fn a_run_in_steps_is_the_whole_run() {
    let sc = scripted(7200.0);
    let whole = run_with(&sc, sc.file.seed, None, true).calls;
    let mut live = Live::new(&sc, sc.file.seed);
    // Uneven steps, some landing exactly on an action's instant.
    let mut t = 0;
    for step in [
        1, 59_999, 60_000, 1, 999, 600_000, 1_140_000, 3_333_333, 10_000_000,
    ] {
        t += step;
        live.advance(t);
        let now: Vec<&CallRecord> = whole.iter().filter(|c| c.end_ms < t).collect();
        let got: Vec<&CallRecord> = live.records().iter().collect();
        assert_eq!(got, now, "records at {t} ms");
    }
    assert_eq!(live.records(), &whole[..]);
    // And a run cut at T has the records before T.
    let cut = scripted(3000.0);
    let short = run_with(&cut, cut.file.seed, None, true).calls;
    let before: Vec<CallRecord> = whole
        .iter()
        .filter(|c| c.end_ms < 3_000_000)
        .cloned()
        .collect();
    assert_eq!(short, before);
}

#[test]
fn an_import_of_listed_numbers_is_checked_by_name() {
    let bad = |params: Value| {
        let text = std::fs::read_to_string("scenarios/quickstart.json").expect("scenario");
        let mut v: Value = serde_json::from_str(&text).expect("JSON");
        v["actions"] = json!([{"at_s": 1, "task": "spring-renewals",
                               "action": "ImportTaskTel", "params": params}]);
        let text = serde_json::to_string(&v).expect("JSON");
        dialsim::scenario::parse(&text, "t.json")
            .and_then(|f| f.check(&text, std::path::Path::new("t.json")))
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default()
    };
    let e = bad(json!({"numbers": [13800000000u64]}));
    assert!(e.contains("actions[0].params.numbers"), "{e}");
    let e = bad(json!({"numbers": vec!["1"; 100_001]}));
    assert!(e.contains("100001 numbers: at most 100000"), "{e}");
    assert_eq!(bad(json!({"numbers": ["13800000000"]})), "");
}

#[test]
fn agents_and_tasks_seen_second_by_second_agree_with_themselves() {
    // The scripted run with agent 1005 on a break from 900 s to 1 200 s; agent 1003 is
    // logged out from 1 800 s to 3 600 s. Sampled every second until 2 400 s.
    let sc = scripted_with(7200.0, |v| {
        v["enterprise"]["breaks"] = json!([{"cnos": ["1005"], "start_s": 900, "duration_s": 300}]);
    });
    let mut live = Live::new(&sc, sc.file.seed);
    assert_eq!(
        (live.task(0), live.task(1)),
        (None, None),
        "not created yet"
    );
    // Up to a limit, not through it: the creation at 60 s is not reached by 60 s.
    assert_eq!(live.advance_to_creation(0, 30_000), None);
    assert_eq!(live.advance_to_creation(0, 60_000), None);
    assert!(live.now_ms() < 60_000, "{}", live.now_ms());
    let created = live
        .advance_to_creation(0, 7_200_000)
        .expect("created")
        .clone();
    assert_eq!(
        (created["Code"].as_str(), live.now_ms()),
        (Some("OK"), 60_000)
    );
    let mut before = live.agents();
    let (mut seen_ringing, mut busiest) = (0, 0);
    for s in 61..2400u64 {
        live.advance(s * 1000);
        let now = live.agents();
        for (a, (x, y)) in before.iter().zip(&now).enumerate() {
            assert_eq!(
                y.state == "offline",
                y.logged_out,
                "{s} s, agent {a}: {y:?}"
            );
            if y.cno == "1003" {
                assert_eq!(y.logged_out, (1801..3601).contains(&s), "{s} s");
            }
            if y.cno == "1005" && (901..1200).contains(&s) {
                assert_eq!(y.state, "break", "{s} s: a break, pending or taken");
            }
            // Idle time grows with the clock while the agent sits idle in a task, and only
            // then.
            if (x.state, x.since_ms, x.task) == (y.state, y.since_ms, y.task) {
                let idle_in_task = y.state == "idle" && y.task.is_some();
                let grew = y.idle_ms - x.idle_ms;
                assert_eq!(
                    grew,
                    if idle_in_task { 1000 } else { 0 },
                    "{s} s: {x:?} {y:?}"
                );
            }
        }
        if let Some(t) = live.task(1) {
            assert_eq!(t.index, 0);
            let ringing = now
                .iter()
                .filter(|y| y.task == Some(t.index) && y.state == "ringing")
                .count() as u32;
            let away = now
                .iter()
                .filter(|y| y.task == Some(t.index) && (y.state == "break" || y.logged_out))
                .count() as u32;
            assert!(
                (ringing..=ringing + away).contains(&t.agent_ringing),
                "{s} s: {} agents ringing by the task, {ringing} by the agents",
                t.agent_ringing
            );
            seen_ringing += ringing;
            assert_eq!(live.channels(), t.in_progress, "{s} s: one task, its calls");
            busiest = busiest.max(t.in_progress);
        }
        before = now;
    }
    assert!(seen_ringing > 100, "{seen_ringing}: agents' legs ring");
    assert!(busiest > 1, "{busiest} calls at once at most");
    live.advance(7_200_000);
    let whole = run_with(&sc, sc.file.seed, None, true);
    assert_eq!(live.events(), whole.events, "every event handled once");
}
