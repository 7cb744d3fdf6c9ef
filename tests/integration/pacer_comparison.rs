//! The pacers side by side on the same customers: the clairvoyant bound beats every real pacer,
//! and the adaptive pacer's drop brakes do what VICIdial's variants do.

use super::support::load;
use dialsim::scenario::{PacerSpec, Scenario};
use serde_json::Value;

fn mid_team() -> Scenario {
    load("scenarios/mid-team-50.json", |v| {
        v["duration_s"] = Value::from(4 * 3600)
    })
}

/// Replications of each comparison: "A beats B" is judged on the 95 % intervals (A's lower
/// end above B's upper end), never on one seed.
const REPS: u32 = 5;

fn run(sc: &Scenario, pacer: &str) -> Value {
    let spec = PacerSpec::from_cli(pacer).expect("pacer");
    dialsim::simulate(sc, sc.file.seed, REPS, Some(&spec))["overall"].clone()
}

fn f(o: &Value, k: &str) -> f64 {
    o[k].as_f64().unwrap_or_else(|| panic!("{k} missing"))
}

/// The 95 % interval of a rate (`[x, x]` for a figure without one).
fn ci(o: &Value, k: &str) -> (f64, f64) {
    match o.get(format!("{k}_ci95")).and_then(Value::as_array) {
        Some(a) => (
            a[0].as_f64().unwrap_or(f64::NAN),
            a[1].as_f64().unwrap_or(f64::NAN),
        ),
        None => (f(o, k), f(o, k)),
    }
}

/// Whether `a`'s figure `k` is above `b`'s, interval clear of interval.
fn clearly_above(a: &Value, b: &Value, k: &str) -> bool {
    ci(a, k).0 > ci(b, k).1
}

#[test]
fn clairvoyant_bounds_every_real_pacer() {
    let sc = mid_team();
    let bound = run(&sc, "clairvoyant");
    // It dials only the numbers that answer.
    assert!(
        (f(&bound, "placed") - f(&bound, "answered") - f(&bound, "ringing_at_end")).abs() < 1e-6,
        "{bound}"
    );
    assert!(f(&bound, "skipped") > 0.0);
    for pacer in [
        "platform",
        "progressive",
        "adaptive",
        r#"{"ratio":{"per_idle_agent":3}}"#,
    ] {
        let o = run(&sc, pacer);
        assert!(
            clearly_above(&bound, &o, "utilisation"),
            "{pacer} is not clearly below the bound on utilisation: {o} vs {bound}"
        );
    }
    // Only customers whose patience is shorter than the agent's answer delay are lost.
    assert!(f(&bound, "abandon_rate") < 0.005, "{bound}");
    assert!(f(&bound, "utilisation") > 0.99, "{bound}");
}

#[test]
fn adaptive_brakes_lower_the_drop_rate() {
    let sc = mid_team();
    let free = run(&sc, r#"{"adaptive":{"drop_target_pct":100}}"#);
    let hard = run(
        &sc,
        r#"{"adaptive":{"variant":"hard_limit","drop_target_pct":1}}"#,
    );
    assert!(
        clearly_above(&free, &hard, "abandon_rate"),
        "hard limit {hard} vs no brake {free}"
    );
    assert!(clearly_above(&free, &hard, "utilisation"));
    // Level 1.0 is one line per available agent: never more calls than agents, so with the
    // level held at 1 the pacer cannot drop more than a progressive dialer does by much.
    let one = run(&sc, r#"{"adaptive":{"max_level":1}}"#);
    assert!(f(&one, "abandon_rate") < 0.005, "{one}");
}

#[test]
fn bad_pacer_settings_are_refused_with_the_field() {
    let e = PacerSpec::from_cli(r#"{"adaptive":{"max_level":0.5}}"#).expect_err("invalid");
    assert_eq!(e.field_name(), "adaptive.max_level");
    assert!(e.to_string().contains("0.5"), "{e}");
    let e = PacerSpec::from_cli(r#"{"ratio":{"per_idle_agent":0}}"#).expect_err("invalid");
    assert_eq!(e.field_name(), "ratio.per_idle_agent", "{e}");
    let e = PacerSpec::from_cli("clever").expect_err("no such pacer");
    assert!(
        matches!(e, dialsim::pacing::PacerError::Unknown { .. }),
        "{e}"
    );
    assert!(e.to_string().contains("\"clever\""), "{e}");
}

#[test]
fn unknown_keys_in_a_pacer_are_refused_naming_them() {
    // They used to run silently with the defaults.
    for (json, key, expected) in [
        (r#"{"ratio":{"tik_s":1}}"#, "tik_s", "tick_s"),
        (r#"{"adaptive":{"bogus_key":1}}"#, "bogus_key", "max_level"),
    ] {
        let e = PacerSpec::from_cli(json).expect_err("an unknown key");
        let msg = e.to_string();
        assert!(msg.contains(key) && msg.contains(expected), "{msg}");
    }
}
