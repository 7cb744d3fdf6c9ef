//! Hostile input never hurts: one regression test per defect found by trying to break
//! dialsim (issue 15), each feeding the input it names (generated here, never committed).

use super::support::{dialsim, temp};
use assert_cmd::cargo::CommandCargoExt;
use std::os::unix::fs::FileTypeExt;
use std::process::{Command, Stdio};

/// The binary as a plain `std::process::Command` (for custom stdio).
fn bin() -> Command {
    Command::cargo_bin("dialsim").expect("binary built")
}

// Row 1: output files that are not regular files.

#[test]
fn cdr_to_a_fifo_is_written_through_and_stays_a_fifo() {
    let dir = temp("fifo");
    let fifo = dir.join("calls.csv");
    let made = Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    let reader_path = fifo.clone();
    let reader = std::thread::spawn(move || std::fs::read(&reader_path).expect("read fifo"));
    dialsim()
        .args(["run", "scenarios/quickstart.json", "--cdr"])
        .arg(&fifo)
        .assert()
        .code(0);
    let got = reader.join().expect("reader");
    assert!(
        got.len() > 1000,
        "the records went through the FIFO: {} bytes",
        got.len()
    );
    let ft = std::fs::symlink_metadata(&fifo)
        .expect("still there")
        .file_type();
    assert!(ft.is_fifo(), "the FIFO was replaced by a {ft:?}");
}

#[test]
fn cdr_to_a_device_is_written_through_and_the_device_survives() {
    dialsim()
        .args(["run", "scenarios/quickstart.json", "--cdr", "/dev/null"])
        .assert()
        .code(0);
    let ft = std::fs::symlink_metadata("/dev/null")
        .expect("/dev/null")
        .file_type();
    assert!(ft.is_char_device(), "/dev/null was replaced");
}

#[test]
fn cdr_through_a_symlink_writes_its_target_and_keeps_the_link() {
    let dir = temp("symlink");
    let target = dir.join("real.csv");
    let link = dir.join("link.csv");
    std::os::unix::fs::symlink("real.csv", &link).expect("symlink");
    dialsim()
        .args(["run", "scenarios/quickstart.json", "--cdr"])
        .arg(&link)
        .assert()
        .code(0);
    assert!(
        std::fs::symlink_metadata(&link)
            .expect("link")
            .file_type()
            .is_symlink()
    );
    assert!(std::fs::read(&target).expect("target written").len() > 1000);
}

// Row 2: stdout that cannot be written.

#[test]
fn a_closed_stdout_pipe_ends_quietly() {
    let mut child = bin()
        .args(["run", "scenarios/quickstart.json", "--json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    drop(child.stdout.take()); // the reader goes away at once
    let out = child.wait_with_output().expect("wait");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(out.status.code(), Some(0), "{stderr}");
}

#[test]
fn a_full_stdout_is_a_clean_error() {
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .expect("/dev/full");
    let out = bin()
        .args(["validate", "scenarios/quickstart.json"])
        .stdout(Stdio::from(full))
        .output()
        .expect("run");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("stdout"), "{stderr}");
}

/// The quickstart scenario, edited, written to a fresh file; its path.
fn scenario_file(name: &str, edit: impl Fn(&mut serde_json::Value)) -> std::path::PathBuf {
    let text = std::fs::read_to_string("scenarios/quickstart.json").expect("quickstart");
    let mut v: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    edit(&mut v);
    let dir = temp(&format!("{name}-{}", unique()));
    let path = dir.join("scenario.json");
    std::fs::write(&path, v.to_string()).expect("write");
    path
}

/// Run `dialsim ARGS`, expecting exit 2 within `secs` seconds and a message (stdout or
/// stderr) that contains each of `needles`; no panic.
fn refused(args: &[&std::ffi::OsStr], secs: u64, needles: &[&str]) {
    let dir = temp(&format!("refused-{}", unique()));
    let (out_path, err_path) = (dir.join("stdout"), dir.join("stderr"));
    let mut child = bin()
        .args(args)
        .stdout(std::fs::File::create(&out_path).expect("stdout file"))
        .stderr(std::fs::File::create(&err_path).expect("stderr file"))
        .spawn()
        .expect("spawn");
    let started = std::time::Instant::now();
    loop {
        if child.try_wait().expect("wait").is_some() {
            break;
        }
        if started.elapsed().as_secs() >= secs {
            let _ = child.kill();
            panic!("{args:?} still running after {secs} s");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let status = child.wait().expect("wait");
    let stderr = std::fs::read_to_string(&err_path).unwrap_or_default()
        + &std::fs::read_to_string(&out_path).unwrap_or_default();
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(status.code(), Some(2), "{args:?}: {stderr}");
    for n in needles {
        assert!(stderr.contains(n), "{args:?}: {n:?} not in {stderr}");
    }
}

/// A number no other call in this test binary gets (for distinct temporary directories).
fn unique() -> usize {
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

fn os(s: &str) -> &std::ffi::OsStr {
    std::ffi::OsStr::new(s)
}

// Row 3: counts that would allocate without bound.

#[test]
fn an_import_of_a_trillion_numbers_is_refused_before_allocating() {
    for count in [1_000_000_000_000u64, 1 << 31] {
        let path = scenario_file("import-huge", |v| {
            v["actions"] = serde_json::json!([{"at_s": 60, "task": v["tasks"][0]["request"]["Name"],
                "action": "ImportTaskTel", "params": {"count": count}}]);
        });
        for cmd in ["run", "validate"] {
            refused(
                &[os(cmd), path.as_os_str()],
                10,
                &["actions[0].params.count", "100000"],
            );
        }
    }
}

#[test]
fn two_billion_agents_are_refused_before_allocating() {
    let path = scenario_file("agents-huge", |v| {
        v["enterprise"]["agents"] = serde_json::json!({"count": 2147483648u64, "first_cno": 1000});
    });
    refused(
        &[os("validate"), path.as_os_str()],
        10,
        &["enterprise.agents", "100000"],
    );
}

// Row 4: a long Cnos list is validated in linear time.

#[test]
fn two_hundred_thousand_cnos_validate_quickly() {
    let cnos: Vec<String> = (0..200_000u32).map(|i| format!("a{i}")).collect();
    let dir = temp("cnos");
    let path = dir.join("q.txt");
    std::fs::write(
        &path,
        format!("EnterpriseId=36&Name=x&Type=1&Cnos={}", cnos.join(",")),
    )
    .expect("write");
    // Quadratic took over 120 s; linear takes well under a second. The bound (30 s) only
    // guards against a hang: the figure itself is not a timing assertion.
    let mut child = bin()
        .arg("validate")
        .arg(&path)
        .stdout(Stdio::null())
        .spawn()
        .expect("spawn");
    let started = std::time::Instant::now();
    while child.try_wait().expect("wait").is_none() {
        assert!(
            started.elapsed().as_secs() < 30,
            "validation of 200 000 Cnos hangs"
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

// Row 5: the theory solver is bounded.

#[test]
fn the_erlang_a_solver_never_hangs() {
    let base = std::fs::read_to_string("scenarios/erlang-a-100.json").expect("erlang-a");
    for (name, edit) in [
        ("fast", r#"{"poisson":{"calls_per_s":100000}}"#),
        ("impatient", ""),
    ] {
        let mut v: serde_json::Value = serde_json::from_str(&base).expect("JSON");
        if edit.is_empty() {
            v["customers"]["patience_s"] = serde_json::json!({"exponential": {"mean": 1e-9}});
        } else {
            v["tasks"][0]["pacer"] = serde_json::from_str(edit).expect("pacer");
        }
        let dir = temp(&format!("theory-{name}"));
        let path = dir.join("s.json");
        std::fs::write(&path, v.to_string()).expect("write");
        let out = bin().arg("run").arg(&path).output().expect("run");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{stderr}");
        assert!(stderr.contains("Erlang-A estimate is skipped"), "{stderr}");
    }
    use dialsim::theory::{ErlangA, TheoryError};
    let huge = ErlangA {
        arrival_per_s: 1e9,
        service_per_s: 1.0,
        abandon_per_s: 1e-9,
        agents: 10,
    };
    assert!(matches!(huge.solve(), Err(TheoryError::TooLarge { .. })));
}

// Row 6: sweep grids and threads have caps.

#[test]
fn a_huge_sweep_grid_and_thread_count_are_refused_at_once() {
    refused(
        &[
            os("sweep"),
            os("scenarios/quickstart.json"),
            os("--set"),
            os("Quotiety=0.01..20:0.01"),
            os("--set"),
            os("Wrapup=1..351:1"),
        ],
        10,
        &["cells", "10000"],
    );
    refused(
        &[
            os("sweep"),
            os("scenarios/quickstart.json"),
            os("--set"),
            os("Quotiety=1,2"),
            os("--threads"),
            os("100000"),
        ],
        10,
        &["--threads", "256"],
    );
}

// Row 7: the platform's number limits apply to scenario numbers.

#[test]
fn scenario_numbers_beyond_the_platform_limits_are_refused() {
    for count in [1_000_000_000u64, u64::MAX] {
        let path = scenario_file("numbers-huge", |v| {
            v["tasks"][0]["numbers"] = serde_json::json!({"count": count});
        });
        refused(
            &[os("validate"), path.as_os_str()],
            10,
            &["tasks[0].numbers.count", "1000000"],
        );
    }
    // A number file past a million numbers, read as a stream.
    let dir = temp("number-file");
    let list = dir.join("list.csv");
    let mut text = String::with_capacity(13 * 1_000_010);
    for i in 0..1_000_001u64 {
        text.push_str(&format!("{}\n", 13_000_000_000u64 + i));
    }
    std::fs::write(&list, text).expect("write list");
    let path = dir.join("s.json");
    let mut v: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string("scenarios/quickstart.json").expect("quickstart"),
    )
    .expect("JSON");
    v["tasks"][0]["numbers"] = serde_json::json!({"file": "list.csv"});
    std::fs::write(&path, v.to_string()).expect("write");
    refused(
        &[os("validate"), path.as_os_str()],
        30,
        &["more than 1000000 numbers"],
    );
}

// Row 8: ten million agents.

#[test]
fn ten_million_agents_are_refused_at_once() {
    let path = scenario_file("agents-10m", |v| {
        v["enterprise"]["agents"] = serde_json::json!({"count": 10_000_000, "first_cno": 1000});
    });
    refused(&[os("validate"), path.as_os_str()], 10, &["at most 100000"]);
}

// Rows 9, 10, 11, 17: request problems get their proper codes.

fn validate_json(text: &str) -> serde_json::Value {
    let dir = temp(&format!("validate-json-{}", unique()));
    let path = dir.join("r.txt");
    std::fs::write(&path, text).expect("write");
    let out = bin()
        .args(["validate", "--json"])
        .arg(&path)
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2), "{text}");
    serde_json::from_slice(&out.stdout).expect("JSON answer")
}

fn codes(answer: &serde_json::Value, param: &str) -> Vec<String> {
    answer["Problems"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|p| p["param"] == param || p["Param"] == param)
        .map(|p| {
            p.get("code")
                .or_else(|| p.get("Code"))
                .and_then(|c| c.as_str())
                .unwrap_or_default()
                .to_string()
        })
        .collect()
}

#[test]
fn a_malformed_percent_encoding_is_a_format_problem() {
    for name in ["ab%ZZc%", "abc%4"] {
        let a = validate_json(&format!(
            r#"{{"EnterpriseId": 36, "Name": "{name}", "Type": 1, "Cnos": "1000"}}"#
        ));
        assert_eq!(codes(&a, "Name"), ["InvalidFormat"], "{name}: {a}");
    }
}

#[test]
fn numbers_beyond_every_range_are_out_of_range_not_of_the_wrong_type() {
    for (param, value) in [
        ("Quotiety", "-1"),
        ("Quotiety", "1e9"),
        ("Concurrency", "100000000000000000000"),
        ("EnterpriseId", "18446744073709551616"),
    ] {
        let a = validate_json(&format!(
            r#"{{"EnterpriseId": 36, "Name": "x", "Type": 1, "Cnos": "1000", "{param}": "{value}"}}"#
        ));
        assert_eq!(codes(&a, param), ["OutOfRange"], "{param}={value}: {a}");
    }
}

#[test]
fn json_that_is_not_an_object_is_said_to_be_so() {
    for text in ["[1, 2]", "42", "\"EnterpriseId=36\""] {
        let dir = temp(&format!("not-object-{}", unique()));
        let path = dir.join("r.json");
        std::fs::write(&path, text).expect("write");
        refused(
            &[os("validate"), path.as_os_str()],
            10,
            &["not a JSON object"],
        );
    }
    // A byte-order mark is skipped.
    let dir = temp("bom");
    let path = dir.join("r.json");
    std::fs::write(
        &path,
        "\u{feff}{\"EnterpriseId\": 36, \"Name\": \"x\", \"Type\": 1, \"Cnos\": \"1000\", \"MinAvailableAgentCount\": 1}",
    )
    .expect("write");
    dialsim().arg("validate").arg(&path).assert().code(0);
}

#[test]
fn an_explicit_call_group_type_1_needs_cnos_even_on_an_automatic_task() {
    let a = validate_json(
        r#"{"EnterpriseId": 36, "Name": "x", "Type": 2, "IvrId": 1, "Concurrency": 5, "CallGroupType": 1}"#,
    );
    assert_eq!(codes(&a, "Cnos"), ["ConditionallyRequired"], "{a}");
    // Without CallGroupType an automatic task needs no agents.
    let dir = temp("auto-ok");
    let path = dir.join("r.json");
    std::fs::write(
        &path,
        r#"{"EnterpriseId": 36, "Name": "x", "Type": 2, "IvrId": 1, "Concurrency": 5}"#,
    )
    .expect("write");
    dialsim().arg("validate").arg(&path).assert().code(0);
}

// Rows 12, 13: sweep and merge inputs.

#[test]
fn merge_refuses_a_cell_outside_the_grid() {
    let dir = temp("merge-bad");
    let out = dir.join("shard");
    dialsim()
        .args([
            "sweep",
            "scenarios/quickstart.json",
            "--set",
            "Quotiety=1,2",
            "--out",
        ])
        .arg(&out)
        .assert()
        .code(0);
    let cells = out.join("cells.jsonl");
    let text = std::fs::read_to_string(&cells).expect("cells");
    let mut line: serde_json::Value =
        serde_json::from_str(text.lines().next().expect("a line")).expect("JSON");
    line["index"] = serde_json::json!(99);
    std::fs::write(&cells, format!("{text}{line}\n")).expect("write");
    refused(
        &[
            os("merge"),
            out.as_os_str(),
            os("--out"),
            dir.join("m").as_os_str(),
        ],
        30,
        &["cells.jsonl:3", "outside the grid"],
    );
    // A corrupt sweep-meta.json is called corrupt, not missing.
    std::fs::write(out.join("sweep-meta.json"), "{not json").expect("write");
    refused(
        &[
            os("merge"),
            out.as_os_str(),
            os("--out"),
            dir.join("m").as_os_str(),
        ],
        30,
        &["corrupt"],
    );
}

#[test]
fn nan_ranges_duplicate_axes_and_nan_caps_are_refused() {
    let sc = os("scenarios/quickstart.json");
    refused(
        &[os("sweep"), sc, os("--set"), os("Quotiety=1..NaN:1")],
        10,
        &["Quotiety"],
    );
    refused(
        &[os("sweep"), sc, os("--set"), os("Quotiety=NaN,1")],
        10,
        &["finite"],
    );
    refused(
        &[
            os("sweep"),
            sc,
            os("--set"),
            os("Quotiety=1,2"),
            os("--set"),
            os("Quotiety=3"),
        ],
        10,
        &["twice"],
    );
    refused(
        &[
            os("sweep"),
            sc,
            os("--set"),
            os("Quotiety=1"),
            os("--max-abandon"),
            os("NaN"),
        ],
        10,
        &["--max-abandon"],
    );
    let dir = temp("merge-nan");
    refused(
        &[
            os("merge"),
            dir.as_os_str(),
            os("--out"),
            dir.join("m").as_os_str(),
            os("--max-abandon"),
            os("NaN"),
        ],
        10,
        &["--max-abandon"],
    );
}

// Row 14: an expectation that cannot be judged is an invalid scenario.

#[test]
fn check_refuses_a_missing_path_and_min_above_max() {
    let missing = scenario_file("expect-missing", |v| {
        v["expect"] = serde_json::json!({"overall.no_such_figure": {"max": 1}});
    });
    refused(
        &[os("check"), missing.as_os_str()],
        60,
        &["overall.no_such_figure"],
    );
    let crossed = scenario_file("expect-crossed", |v| {
        v["expect"] = serde_json::json!({"overall.abandon_rate": {"min": 0.5, "max": 0.1}});
    });
    refused(
        &[os("check"), crossed.as_os_str()],
        10,
        &["expect.overall.abandon_rate", "above max"],
    );
}

// Row 15: endless input.

#[test]
fn dev_zero_is_refused_by_size() {
    refused(&[os("validate"), os("/dev/zero")], 30, &["MiB"]);
    refused(&[os("run"), os("/dev/zero")], 30, &["MiB"]);
    let path = scenario_file("zero-numbers", |v| {
        v["tasks"][0]["numbers"] = serde_json::json!({"file": "/dev/zero"});
    });
    refused(
        &[os("validate"), path.as_os_str()],
        60,
        &["tasks[0].numbers.file"],
    );
}

#[test]
fn an_endless_stored_sweep_is_refused_on_resume() {
    let dir = temp(&format!("zero-cells-{}", unique()));
    let out = dir.join("out");
    let args = [
        "sweep",
        "scenarios/quickstart.json",
        "--set",
        "Quotiety=1,2",
        "--out",
    ];
    dialsim().args(args).arg(&out).assert().code(0);
    let cells = out.join("cells.jsonl");
    std::fs::remove_file(&cells).expect("remove");
    std::os::unix::fs::symlink("/dev/zero", &cells).expect("symlink");
    let mut full: Vec<&std::ffi::OsStr> = args.iter().map(|a| os(a)).collect();
    full.push(out.as_os_str());
    refused(&full, 30, &["cells.jsonl", "MiB"]);
}

// Row 16: CSV injection.

#[test]
fn csv_cells_that_a_spreadsheet_would_run_are_neutralised() {
    let rows = vec![
        serde_json::json!({"name": "=HYPERLINK(\"http://x\",\"y\")", "n": -3}),
        serde_json::json!({"name": "+1", "n": 2}),
        serde_json::json!({"name": "@SUM(A1)", "n": 1}),
        serde_json::json!({"name": "-cmd", "n": 0}),
        serde_json::json!({"name": "plain", "n": 5}),
    ];
    let csv = dialsim::report::csv(&rows);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[1], "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",-3");
    assert_eq!(lines[2], "'+1,2");
    assert_eq!(lines[3], "'@SUM(A1),1");
    assert_eq!(lines[4], "'-cmd,0");
    assert_eq!(lines[5], "plain,5", "numbers and plain text untouched");
}

// Row 18: replications.

#[test]
fn replications_beyond_the_cap_are_refused() {
    refused(
        &[
            os("run"),
            os("scenarios/quickstart.json"),
            os("--reps"),
            os("1000000"),
        ],
        10,
        &["--reps"],
    );
    let path = scenario_file("reps-huge", |v| v["reps"] = serde_json::json!(31_000_000));
    refused(&[os("run"), path.as_os_str()], 10, &["reps", "10000"]);
}
