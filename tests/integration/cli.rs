//! The command line: exit codes and output of `dialsim validate`.

use super::support::{dialsim, temp};

#[test]
fn validate_exit_codes() {
    dialsim()
        .args(["validate", "scenarios/requests/api-page-example.json"])
        .assert()
        .code(0);
    let dir = temp("cli");
    let bad = dir.join("bad.json");
    std::fs::write(
        &bad,
        r#"{"EnterpriseId": 36, "Name": "x", "Type": 1, "Cnos": "1000", "Wrapup": 0}"#,
    )
    .expect("write");
    let out = dialsim()
        .args(["validate", bad.to_str().expect("utf-8"), "--json"])
        .assert()
        .code(2)
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).expect("JSON");
    assert_eq!(v["Code"], "InvalidParameter");
    assert!(v.get("Data").is_none());
    assert!(v["Message"].as_str().is_some_and(|m| m.contains("Wrapup")));
    let q = dir.join("q.txt");
    std::fs::write(
        &q,
        "EnterpriseId=36&Name=a&Type=1&Cnos=1000&MinAvailableAgentCount=1",
    )
    .expect("write");
    dialsim()
        .args(["validate", q.to_str().expect("utf-8")])
        .assert()
        .code(0);
    dialsim()
        .args(["validate", "/nonexistent/file.json"])
        .assert()
        .code(2);
}

#[test]
fn run_prints_the_headline_and_json_is_reproducible() {
    let out = dialsim()
        .args(["run", "scenarios/quickstart.json"])
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).expect("utf-8");
    assert!(
        text.contains("abandon rate (2-second rule)") && text.contains("agent utilisation"),
        "{text}"
    );
    let a = dialsim()
        .args(["run", "scenarios/quickstart.json", "--json"])
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let b = dialsim()
        .args(["run", "scenarios/quickstart.json", "--json"])
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    assert_eq!(a, b, "same scenario and seed must give identical bytes");
    let v: serde_json::Value = serde_json::from_slice(&a).expect("JSON");
    for key in [
        "placed",
        "answered",
        "no_answer",
        "busy",
        "failed",
        "connected",
        "abandoned",
        "hung_up",
        "ivr_overflow",
        "abandon_rate",
        "hangup_rate",
        "utilisation",
        "occupancy",
        "wait_s",
        "agent_idle_s",
        "numbers_total",
        "numbers_done",
        "list_finished_at_s",
    ] {
        assert!(v["overall"].get(key).is_some(), "overall.{key} missing");
        assert!(v["tasks"][0].get(key).is_some(), "tasks[0].{key} missing");
    }
    for key in [
        "start_s",
        "placed",
        "answered",
        "connected",
        "abandoned",
        "utilisation",
    ] {
        assert!(
            v["timeseries"][0].get(key).is_some(),
            "timeseries[0].{key} missing"
        );
    }
}

#[test]
fn scenario_errors_point_at_file_line_column_and_path() {
    let dir = std::env::temp_dir().join(format!("dialsim-cli-sc-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let text = std::fs::read_to_string("scenarios/quickstart.json")
        .expect("present")
        .replace("\"Quotiety\": 3,", "\"Quotiety\": 30,");
    let bad = dir.join("bad.json");
    std::fs::write(&bad, &text).expect("write");
    let line = text
        .lines()
        .position(|l| l.contains("\"Quotiety\": 30"))
        .expect("edited")
        + 1;
    let err = dialsim()
        .args(["run", bad.to_str().expect("utf-8")])
        .assert()
        .code(2)
        .get_output()
        .stderr
        .clone();
    let err = String::from_utf8(err).expect("utf-8");
    assert!(err.contains(&format!("bad.json:{line}:")), "{err}");
    assert!(err.contains("tasks[0].request.Quotiety"), "{err}");
    dialsim()
        .args(["run", "scenarios/quickstart.json", "--pacer", "nonsense"])
        .assert()
        .code(2);
    dialsim().args(["schema"]).assert().code(0);
}
