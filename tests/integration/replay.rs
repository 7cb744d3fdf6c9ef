//! A run's past does not depend on its end: the call records of a run cut at T are exactly
//! the records ending before T of the same run carried on. `dialsim serve` (issue 10) answers
//! a read at simulated instant T by running the world to T, which is only right if this holds.

use crate::support::load;
use serde_json::json;

fn records_until(path: &str, duration_s: f64) -> Vec<dialsim::world::result::CallRecord> {
    let sc = load(path, |v| {
        v["duration_s"] = json!(duration_s);
        if let Some(m) = v.as_object_mut() {
            m.remove("expect");
        }
    });
    dialsim::simulate_with_calls(&sc, sc.file.seed, 1, None, true).1
}

#[test]
fn records_before_an_instant_are_the_same_whenever_the_run_ends() {
    for path in [
        "scenarios/quickstart.json",
        "scenarios/small-team-8.json",
        "scenarios/ivr-automatic.json",
    ] {
        let full_s = serde_json::from_str::<serde_json::Value>(
            &std::fs::read_to_string(path).expect("scenario"),
        )
        .expect("JSON")["duration_s"]
            .as_f64()
            .expect("duration");
        let cut_s = (full_s / 2.0).floor();
        let cut_ms = (cut_s * 1000.0) as u64;
        let short = records_until(path, cut_s);
        let long = records_until(path, full_s);
        let before: Vec<_> = long.iter().filter(|c| c.end_ms < cut_ms).cloned().collect();
        assert!(
            before.len() > 100,
            "{path}: {} records before the cut",
            before.len()
        );
        assert_eq!(
            short.iter().filter(|c| c.end_ms < cut_ms).count(),
            short.len(),
            "{path}: the short run records nothing after its end"
        );
        assert_eq!(short, before, "{path}: the records before {cut_s} s differ");
    }
}
