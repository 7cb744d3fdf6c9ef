//! `dialsim compare` through the binary: its cells are the cells a hand-run sweep gives, its
//! readings sit between the neighbouring frontier cells, and its files are written.

use super::support::{dialsim, temp};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// The quickstart scenario cut to 90 minutes, so that a comparison takes a second or two.
fn short_scenario(dir: &Path) -> PathBuf {
    let text = std::fs::read_to_string("scenarios/quickstart.json").expect("quickstart");
    let mut v: Value = serde_json::from_str(&text).expect("JSON");
    v["duration_s"] = Value::from(5400);
    let path = dir.join("short.json");
    std::fs::write(&path, serde_json::to_string_pretty(&v).expect("JSON")).expect("write");
    path
}

fn run_json(args: &[&str]) -> Value {
    let out = dialsim().args(args).assert().code(0).get_output().clone();
    serde_json::from_slice(&out.stdout).expect("JSON on stdout")
}

fn f(v: &Value, k: &str) -> f64 {
    v[k].as_f64().unwrap_or_else(|| panic!("{k} in {v}"))
}

#[test]
fn compare_cells_are_the_cells_of_hand_run_sweeps() {
    let dir = temp("compare-sweeps");
    let sc = short_scenario(&dir);
    let sc = sc.to_str().expect("utf-8 path");
    let cmp = run_json(&[
        "compare",
        sc,
        "--pacers",
        r#"platform,{"ratio":{"per_idle_agent":1,"tick_s":1}}"#,
        "--reps",
        "3",
        "--json",
    ]);
    let pacers = cmp["pacers"].as_array().expect("pacers");
    // The platform pacer's cells against `sweep --set pacer=platform --set Quotiety=…`.
    let quotiety = dialsim::compare::QUOTIETY_GRID
        .iter()
        .map(f64::to_string)
        .collect::<Vec<_>>()
        .join(",");
    let sweep = run_json(&[
        "sweep",
        sc,
        "--set",
        "pacer=platform",
        "--set",
        &format!("Quotiety={quotiety}"),
        "--reps",
        "3",
        "--json",
    ]);
    // The ratio pacer's cells against `sweep --set pacer={"ratio":…},…`.
    let ratios = dialsim::compare::RATIO_GRID
        .iter()
        .map(|r| format!(r#"{{"ratio":{{"per_idle_agent":{r:?},"tick_s":1.0}}}}"#))
        .collect::<Vec<_>>()
        .join(",");
    let ratio_sweep = run_json(&[
        "sweep",
        sc,
        "--set",
        &format!("pacer={ratios}"),
        "--reps",
        "3",
        "--json",
    ]);
    for (p, by_hand) in pacers.iter().zip([&sweep, &ratio_sweep]) {
        let cells = p["cells"].as_array().expect("cells");
        let hand = by_hand["cells"].as_array().expect("cells");
        assert_eq!(cells.len(), hand.len(), "{}", p["pacer"]);
        for (c, h) in cells.iter().zip(hand) {
            assert_eq!(c["params"], h["params"]);
            for k in ["abandon_rate", "utilisation"] {
                assert_eq!(f(c, k), f(&h["overall"], k), "{k} of {}", c["params"]);
            }
        }
    }
}

#[test]
fn readings_sit_between_the_neighbouring_frontier_cells() {
    let dir = temp("compare-readings");
    let sc = short_scenario(&dir);
    let out = dir.join("out");
    let cmp = run_json(&[
        "compare",
        sc.to_str().expect("utf-8"),
        "--pacers",
        "platform,ratio,progressive,clairvoyant",
        "--reps",
        "3",
        "--at",
        "0.5,1,2,3",
        "--json",
        "--out",
        out.to_str().expect("utf-8"),
    ]);
    let mut interpolated = 0;
    for p in cmp["pacers"].as_array().expect("pacers") {
        let cells = p["cells"].as_array().expect("cells");
        let front: Vec<usize> = p["frontier"]
            .as_array()
            .expect("frontier")
            .iter()
            .map(|i| i.as_u64().expect("index") as usize)
            .collect();
        // The frontier rises: more abandon, more utilisation.
        for w in front.windows(2) {
            let (a, b) = (&cells[w[0]], &cells[w[1]]);
            assert!(f(a, "abandon_rate") <= f(b, "abandon_rate"));
            assert!(f(a, "utilisation") < f(b, "utilisation"));
        }
        for r in p["at"].as_array().expect("readings") {
            let at = f(r, "abandon_pct") / 100.0;
            match r["status"].as_str().expect("status") {
                "interpolated" => {
                    interpolated += 1;
                    // The two frontier cells around `at`.
                    let (lo, hi) = front
                        .windows(2)
                        .map(|w| (&cells[w[0]], &cells[w[1]]))
                        .find(|(a, b)| f(a, "abandon_rate") <= at && at <= f(b, "abandon_rate"))
                        .expect("neighbours");
                    let u = f(r, "utilisation");
                    assert!(
                        f(lo, "utilisation") <= u && u <= f(hi, "utilisation"),
                        "{u} outside [{}, {}]",
                        lo["utilisation"],
                        hi["utilisation"]
                    );
                    assert_eq!(r["between"][0], lo["knob"]);
                    assert_eq!(r["between"][1], hi["knob"]);
                    let ci = &r["utilisation_ci95"];
                    let (l, h) = (ci[0].as_f64().expect("lo"), ci[1].as_f64().expect("hi"));
                    assert!(l <= u && u <= h, "{ci} around {u}");
                }
                "beyond_range" => {
                    let last = &cells[*front.last().expect("a frontier")];
                    assert!(at >= f(last, "abandon_rate"));
                    assert_eq!(f(r, "utilisation"), f(last, "utilisation"));
                }
                "below_range" => {
                    assert!(at < f(&cells[front[0]], "abandon_rate"));
                    assert!(r["utilisation"].is_null());
                }
                other => panic!("status {other}"),
            }
        }
    }
    assert!(
        interpolated >= 2,
        "the test must exercise interpolation: {cmp}"
    );
    // The files: the same JSON, and a page with one chart holding every pacer.
    let stored: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("compare.json")).expect("json"))
            .expect("JSON");
    assert_eq!(stored, cmp);
    let page = std::fs::read_to_string(out.join("index.html")).expect("page");
    assert!(page.contains("id=\"chart-frontiers\"") && page.contains("id=\"equal-abandon\""));
    for name in ["platform", "ratio", "progressive", "clairvoyant"] {
        assert!(page.contains(name), "{name} on the page");
    }
}

#[test]
fn compare_refuses_what_it_cannot_compare() {
    let dir = temp("compare-bad");
    let sc = short_scenario(&dir);
    let sc = sc.to_str().expect("utf-8");
    for (args, says) in [
        (
            vec!["--pacers", r#"{"poisson":{"calls_per_s":1}}"#],
            "no aggressiveness knob",
        ),
        (vec!["--pacers", "platfrom"], "platfrom"),
        (vec!["--at", "0"], "--at"),
        (vec!["--at", "1,x"], "\"x\""),
        (vec!["--cap=0"], "--cap"),
    ] {
        let out = dialsim()
            .arg("compare")
            .arg(sc)
            .args(&args)
            .assert()
            .code(2)
            .get_output()
            .clone();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(says), "{args:?}: {err}");
    }
}
