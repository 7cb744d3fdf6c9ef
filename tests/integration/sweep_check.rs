//! `dialsim sweep`, `dialsim merge` and `dialsim check` through the binary: thread-count
//! independence, resume after a kill, shards joined by merge, and exit codes.

use super::support::{dialsim, temp};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// The quickstart scenario cut to one hour, so that a sweep of several cells takes a second.
fn short_scenario(dir: &Path, expect: Value) -> PathBuf {
    let text = std::fs::read_to_string("scenarios/quickstart.json").expect("quickstart");
    let mut v: Value = serde_json::from_str(&text).expect("JSON");
    v["duration_s"] = Value::from(3600);
    v["expect"] = expect;
    let path = dir.join("short.json");
    std::fs::write(&path, serde_json::to_string_pretty(&v).expect("JSON")).expect("write");
    path
}

fn json_of(out: &[u8]) -> Value {
    serde_json::from_slice(out).expect("JSON on stdout")
}

fn sweep(args: &[&str]) -> (Value, String) {
    let out = dialsim()
        .arg("sweep")
        .args(args)
        .assert()
        .code(0)
        .get_output()
        .clone();
    (
        json_of(&out.stdout),
        String::from_utf8(out.stderr).expect("utf-8"),
    )
}

#[test]
fn sweep_is_independent_of_threads_and_recommends_the_best_cell_under_the_cap() {
    let dir = temp("sweep-threads");
    let sc = short_scenario(&dir, serde_json::json!({}));
    let sc = sc.to_str().expect("utf-8");
    let common = [sc, "--set", "Quotiety=1..4:1", "--reps", "2", "--json"];
    let (one, _) = sweep(&[&common[..], &["--threads", "1"]].concat());
    let (two, _) = sweep(&[&common[..], &["--threads", "2"]].concat());
    assert_eq!(one, two, "thread count changed the results");

    let cells = one["cells"].as_array().expect("cells");
    assert_eq!(cells.len(), 4);
    let ok: Vec<&Value> = cells
        .iter()
        .filter(|c| {
            c["overall"]["abandon_rate"].as_f64().unwrap_or(1.0) <= 0.03
                && c["overall"]["abandon_rate_ci95"][1].as_f64().unwrap_or(1.0) <= 0.03
        })
        .collect();
    let best = ok.iter().max_by(|a, b| {
        let u = |c: &Value| c["overall"]["utilisation"].as_f64().unwrap_or(0.0);
        u(a).total_cmp(&u(b))
    });
    match best {
        Some(b) => assert_eq!(one["recommended"]["params"], b["params"]),
        None => assert!(one["recommended"].is_null()),
    }
    // More tolerance must not lower utilisation on the same customers.
    let u: Vec<f64> = cells
        .iter()
        .map(|c| c["overall"]["utilisation"].as_f64().expect("utilisation"))
        .collect();
    assert!(
        u[3] > u[0],
        "Quotiety 4 should keep agents busier than 1: {u:?}"
    );
}

#[test]
fn an_interrupted_sweep_resumes_and_loses_nothing() {
    let dir = temp("sweep-resume");
    let sc = short_scenario(&dir, serde_json::json!({}));
    let sc = sc.to_str().expect("utf-8");
    let out = dir.join("out");
    let out_s = out.to_str().expect("utf-8");
    let args = [sc, "--set", "Quotiety=1,2,3", "--json", "--out", out_s];
    let (full, _) = sweep(&args);
    let csv = std::fs::read_to_string(out.join("sweep.csv")).expect("csv");
    assert_eq!(csv.lines().count(), 4, "header and three cells");

    // Simulate a kill: keep the first finished cell and half a line of the second.
    let cells = std::fs::read_to_string(out.join("cells.jsonl")).expect("cells");
    let lines: Vec<&str> = cells.lines().collect();
    assert_eq!(lines.len(), 3);
    let cut = format!("{}\n{}", lines[0], &lines[1][..lines[1].len() / 2]);
    std::fs::write(out.join("cells.jsonl"), cut).expect("truncate");
    std::fs::remove_file(out.join("sweep.json")).expect("remove");

    let (resumed, stderr) = sweep(&args);
    assert!(stderr.contains("ran 2 cell(s), skipped 1"), "{stderr}");
    assert_eq!(resumed, full);
    let stored: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("sweep.json")).expect("json"))
            .expect("JSON");
    assert_eq!(stored, full);

    // A different grid into the same directory is refused, not mixed in.
    dialsim()
        .args(["sweep", sc, "--set", "Quotiety=1,2", "--out", out_s])
        .assert()
        .code(2);
}

#[test]
fn shards_merge_into_the_whole_sweep() {
    let dir = temp("sweep-shards");
    let sc = short_scenario(&dir, serde_json::json!({}));
    let sc = sc.to_str().expect("utf-8");
    let grid = ["--set", "Quotiety=1,3", "--set", "Wrapup=10,30"];
    let (whole, _) = sweep(&[&[sc][..], &grid, &["--json"]].concat());
    let mut dirs = Vec::new();
    for i in 0..3 {
        let d = dir.join(format!("shard{i}"));
        let shard = format!("{i}/3");
        let d_s = d.to_str().expect("utf-8").to_string();
        sweep(
            &[
                &[sc][..],
                &grid,
                &["--json", "--shard", &shard, "--out", &d_s],
            ]
            .concat(),
        );
        dirs.push(d_s);
    }
    let merged_dir = dir.join("merged");
    let mut cmd = dialsim();
    cmd.arg("merge")
        .args(&dirs[..2])
        .args(["--out", merged_dir.to_str().expect("utf-8")]);
    cmd.assert().code(2); // shard 2 missing
    let out = dialsim()
        .arg("merge")
        .args(&dirs)
        .args(["--json", "--out", merged_dir.to_str().expect("utf-8")])
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    assert_eq!(json_of(&out), whole);
}

#[test]
fn an_invalid_cell_is_refused_before_anything_runs() {
    let dir = temp("sweep-invalid");
    let sc = short_scenario(&dir, serde_json::json!({}));
    let out = dialsim()
        .args(["sweep", sc.to_str().expect("utf-8"), "--set", "Wrapup=30,0"])
        .assert()
        .code(2)
        .get_output()
        .clone();
    let err = String::from_utf8(out.stderr).expect("utf-8");
    assert!(err.contains("cell 1") && err.contains("Wrapup"), "{err}");
    dialsim()
        .args(["sweep", sc.to_str().expect("utf-8"), "--set", "Quotity=1"])
        .assert()
        .code(2);
}

#[test]
fn check_exit_codes_follow_the_expectations() {
    let dir = temp("check");
    let pass = short_scenario(
        &dir,
        serde_json::json!({"overall.placed": {"min": 1}, "overall.abandon_rate": {"max": 0.5}}),
    );
    let out = dialsim()
        .args(["check", pass.to_str().expect("utf-8")])
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).expect("utf-8");
    assert!(text.contains("overall.placed"), "{text}");

    let failing = dir.join("failing.json");
    let mut v: Value =
        serde_json::from_str(&std::fs::read_to_string(&pass).expect("read")).expect("JSON");
    v["expect"] = serde_json::json!({"overall.utilisation": {"min": 0.999}});
    std::fs::write(&failing, v.to_string()).expect("write");
    dialsim()
        .args(["check", failing.to_str().expect("utf-8")])
        .assert()
        .code(1);

    let broken = dir.join("broken.json");
    std::fs::write(&broken, "{\"name\": 1}").expect("write");
    dialsim()
        .args([
            "check",
            pass.to_str().expect("utf-8"),
            broken.to_str().expect("utf-8"),
        ])
        .assert()
        .code(2);
}

#[test]
fn a_sweep_killed_halfway_resumes_without_rerunning_finished_cells() {
    let dir = temp("sweep-kill");
    // The whole four-hour quickstart per cell: slow enough in a test build to kill midway.
    let text = std::fs::read_to_string("scenarios/quickstart.json").expect("quickstart");
    let sc = dir.join("q.json");
    std::fs::write(&sc, text).expect("write");
    let sc = sc.to_str().expect("utf-8");
    let out = dir.join("out");
    let out_s = out.to_str().expect("utf-8");
    // Twenty cells of about half a second each in a test build: the kill, right after the
    // first cell is stored, lands long before the last.
    let grid = ["--set", "Quotiety=1..20:1", "--threads", "1"];
    let bin = assert_cmd::cargo::cargo_bin("dialsim");
    let mut child = std::process::Command::new(&bin)
        .args(["sweep", sc])
        .args(grid)
        .args(["--json", "--out", out_s])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("sweep starts");
    let cells = out.join("cells.jsonl");
    let started = std::time::Instant::now();
    // Complete lines only: a line cut by the kill is run again, not skipped.
    let lines = |p: &Path| {
        std::fs::read_to_string(p)
            .map(|t| t.matches('\n').count())
            .unwrap_or(0)
    };
    while lines(&cells) < 1 {
        // A sweep that died is not waited for; one that hangs is not waited for forever.
        if let Some(status) = child.try_wait().expect("wait") {
            panic!("the sweep ended ({status}) before storing a cell");
        }
        assert!(
            started.elapsed() < std::time::Duration::from_secs(120),
            "no cell stored in 120 s"
        );
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    child.kill().expect("kill");
    let _ = child.wait();
    let done_before = lines(&cells);
    assert!(done_before >= 1, "no cell finished before the kill");
    assert!(
        done_before < 20,
        "the sweep finished before the kill: resuming was not exercised"
    );
    let (resumed, stderr) = sweep(&[&[sc][..], &grid, &["--json", "--out", out_s]].concat());
    assert!(
        stderr.contains(&format!("skipped {done_before} already done")),
        "{stderr}"
    );
    let (whole, _) = sweep(&[&[sc][..], &grid, &["--json"]].concat());
    assert_eq!(
        resumed, whole,
        "the resumed sweep differs from an uninterrupted one"
    );
}

#[test]
fn a_sweep_can_hold_the_worst_window_of_the_tasks_definition_to_the_cap() {
    let dir = temp("sweep-figure");
    let text = std::fs::read_to_string("scenarios/compliance-tsr-30d.json").expect("scenario");
    let mut v: Value = serde_json::from_str(&text).expect("JSON");
    // Two days, judged by the worst rolling 24 hours.
    v["duration_s"] = Value::from(2 * 86_400);
    v["tasks"][0]["abandon"]["window"] = serde_json::json!({"rolling": {"hours": 24}});
    let sc = dir.join("tsr.json");
    std::fs::write(&sc, v.to_string()).expect("write");
    let sc = sc.to_str().expect("utf-8");
    let grid = [
        "--set",
        "Quotiety=0.5,1,2,4",
        "--reps",
        "4",
        "--max-abandon",
        "4",
    ];
    let (worst, _) = sweep(
        &[
            &[sc][..],
            &grid,
            &["--abandon-figure", "worst-window", "--json"],
        ]
        .concat(),
    );
    let (plain, _) = sweep(&[&[sc][..], &grid, &["--json"]].concat());
    assert_eq!(worst["abandon_figure"], "abandon_worst_window_rate");
    let rec = &worst["recommended"]["overall"];
    assert!(
        rec["abandon_worst_window_rate_ci95"][1]
            .as_f64()
            .expect("upper end")
            <= 0.04
    );
    // The worst 24 hours under the TSR's definition (detection's false positives, the
    // greeting's clock) are stricter than the 2-second rule over the run: the recommendation
    // is more careful.
    let q = |a: &Value| {
        a["recommended"]["params"]["Quotiety"]
            .as_f64()
            .expect("a cell")
    };
    assert!(q(&worst) < q(&plain), "{} vs {}", q(&worst), q(&plain));
    // Every cell of higher utilisation breaks the cap on that figure.
    for c in worst["cells"].as_array().expect("cells") {
        let o = &c["overall"];
        if o["utilisation"].as_f64() > rec["utilisation"].as_f64() {
            assert!(
                o["abandon_worst_window_rate_ci95"][1]
                    .as_f64()
                    .expect("end")
                    > 0.04
            );
        }
    }
    // Without a definition there is no such figure.
    let out = dialsim()
        .args([
            "sweep",
            "scenarios/quickstart.json",
            "--set",
            "Quotiety=1,2",
        ])
        .args(["--abandon-figure", "worst-window"])
        .assert()
        .code(2)
        .get_output()
        .clone();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("defines its abandon rate"), "{err}");
}
