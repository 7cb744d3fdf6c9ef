//! Golden reports: `dialsim run --json` and the `--cdr` call records of every bundled scenario,
//! compared byte for byte with the files in `tests/golden/`.
//!
//! The report is kept whole (`NAME.report.json`); the call records, up to 13 MB a scenario,
//! are kept as their line count, byte count and SHA-256 (`NAME.cdr.sha256`), which a change
//! of any byte alters. A change meant to alter results regenerates them with
//!
//! ```sh
//! DIALSIM_BLESS=1 cargo test --test integration golden
//! ```
//!
//! and its commit says why. They run in debug builds too, so every engine invariant
//! (Concurrency, conservation) is asserted on every bundled scenario.

use super::support::{dialsim, temp};
use sha2::{Digest, Sha256};
use std::path::PathBuf;

fn golden_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

/// `NAME.cdr.sha256`'s text for the call records `bytes`.
fn cdr_digest(bytes: &[u8]) -> String {
    let lines = bytes.iter().filter(|&&b| b == b'\n').count();
    let hash: String = Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("lines {lines}\nbytes {}\nsha256 {hash}\n", bytes.len())
}

/// Run the bundled scenario `name` and compare (or, with DIALSIM_BLESS=1, rewrite) its goldens.
fn check(name: &str) {
    let dir = temp(&format!("golden-{name}"));
    let cdr = dir.join("calls.csv");
    let scenario = format!("scenarios/{name}.json");
    let out = dialsim()
        .args(["run", &scenario, "--json", "--cdr"])
        .arg(&cdr)
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let calls = std::fs::read(&cdr).expect("the call records were written");
    let report_path = golden_dir().join(format!("{name}.report.json"));
    let cdr_path = golden_dir().join(format!("{name}.cdr.sha256"));
    let digest = cdr_digest(&calls);
    if std::env::var_os("DIALSIM_BLESS").is_some() {
        std::fs::write(&report_path, &out).expect("write golden report");
        std::fs::write(&cdr_path, &digest).expect("write golden digest");
        return;
    }
    let want = std::fs::read(&report_path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; regenerate with DIALSIM_BLESS=1 (see this file's docs)",
            report_path.display()
        )
    });
    if want != out {
        let (got, want) = (
            String::from_utf8_lossy(&out),
            String::from_utf8_lossy(&want),
        );
        let first = got
            .lines()
            .zip(want.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(got.lines().count().min(want.lines().count()));
        panic!(
            "{name}: the report differs from {} at line {}:\n  golden: {}\n  now:    {}",
            report_path.display(),
            first + 1,
            want.lines().nth(first).unwrap_or("<end>"),
            got.lines().nth(first).unwrap_or("<end>")
        );
    }
    let want = std::fs::read_to_string(&cdr_path).expect("golden digest present");
    assert_eq!(
        digest,
        want,
        "{name}: the call records differ from {}",
        cdr_path.display()
    );
}

#[test]
fn quickstart() {
    check("quickstart");
}

#[test]
fn small_team_8() {
    check("small-team-8");
}

#[test]
fn ivr_automatic() {
    check("ivr-automatic");
}

#[test]
fn erlang_a_100() {
    check("erlang-a-100");
}

#[test]
fn mid_team_50() {
    check("mid-team-50");
}

#[test]
fn compliance_3pct() {
    check("compliance-3pct");
}

#[test]
fn compliance_tsr_30d() {
    check("compliance-tsr-30d");
}

#[test]
fn campaign_3day() {
    check("campaign-3day");
}

#[test]
fn large_floor_500() {
    check("large-floor-500");
}

#[test]
fn dialer_ref_v1_100() {
    check("dialer-ref-v1-100");
}

/// Every bundled scenario has its golden test above.
#[test]
fn every_bundled_scenario_has_goldens() {
    let mut missing = Vec::new();
    for entry in std::fs::read_dir("scenarios").expect("scenarios/") {
        let path = entry.expect("entry").path();
        if path.extension().and_then(|e| e.to_str()) != Some("json") {
            continue;
        }
        let name = path
            .file_stem()
            .and_then(|s| s.to_str())
            .expect("utf-8 name");
        let source = include_str!("golden.rs");
        if !source.contains(&format!("check(\"{name}\")")) {
            missing.push(name.to_string());
        }
    }
    assert!(
        missing.is_empty(),
        "scenarios without a golden test: {missing:?}"
    );
}
