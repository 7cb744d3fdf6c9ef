//! The command line: exit codes and output of `dialsim validate`.

use assert_cmd::Command;

fn dialsim() -> Command {
    Command::cargo_bin("dialsim").expect("binary built")
}

#[test]
fn validate_exit_codes() {
    dialsim()
        .args(["validate", "scenarios/requests/api-page-example.json"])
        .assert()
        .code(0);
    let dir = std::env::temp_dir().join(format!("dialsim-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
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
