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
    // The nearest valid key is named.
    for (json, nearest) in [
        (r#"{"ratio":{"tik_s":1}}"#, "tick_s"),
        (r#"{"adaptive":{"avilable_only":true}}"#, "available_only"),
        (r#"{"adaptive":{"max_levle":2}}"#, "max_level"),
    ] {
        let msg = PacerSpec::from_cli(json).expect_err("a typo").to_string();
        assert!(msg.ends_with(&format!("(nearest: `{nearest}`)")), "{msg}");
    }
}

#[test]
fn adaptive_settings_outside_their_ranges_are_refused() {
    for (json, field) in [
        (r#"{"adaptive":{"loop_s":0.3}}"#, "adaptive.loop_s"),
        (r#"{"adaptive":{"loop_s":1.2}}"#, "adaptive.loop_s"),
        (r#"{"adaptive":{"loop_s":10.5}}"#, "adaptive.loop_s"),
        (
            r#"{"adaptive":{"start_level":0.9}}"#,
            "adaptive.start_level",
        ),
        (
            r#"{"adaptive":{"start_level":3.5,"max_level":3}}"#,
            "adaptive.start_level",
        ),
    ] {
        let e = PacerSpec::from_cli(json).expect_err(json);
        assert_eq!(e.field_name(), field, "{e}");
    }
    for json in [
        r#"{"adaptive":{"loop_s":0.5}}"#,
        r#"{"adaptive":{"loop_s":2.5}}"#,
        r#"{"adaptive":{"loop_s":10}}"#,
        r#"{"adaptive":{"start_level":3,"max_level":3}}"#,
        r#"{"adaptive":{"available_only":true,"diff_target_method":"calls_placed"}}"#,
    ] {
        PacerSpec::from_cli(json).expect(json);
    }
}

/// Issue 16's acceptance: on mid-team-50, the adaptive pacer with the available-only tally
/// and a maximum level of 3 reaches at least 88 % utilisation at no more than 3 % abandon
/// over 10 replications (the lower end of utilisation's 95 % interval and the upper end of
/// the abandon rate's, so that the claim holds for the replications' mean, not one draw).
#[test]
fn available_only_adaptive_reaches_88_percent_on_mid_team_50() {
    let sc = load("scenarios/mid-team-50.json", |_| {});
    let spec = PacerSpec::from_cli(r#"{"adaptive":{"available_only":true,"max_level":3}}"#)
        .expect("pacer");
    let o = dialsim::simulate(&sc, sc.file.seed, 10, Some(&spec))["overall"].clone();
    let util_lo = o["utilisation_ci95"][0]
        .as_f64()
        .expect("utilisation interval");
    let abandon_hi = o["abandon_rate_ci95"][1]
        .as_f64()
        .expect("abandon interval");
    assert!(util_lo >= 0.88, "utilisation {o}");
    assert!(abandon_hi <= 0.03, "abandon {o}");
}

#[test]
fn clairvoyant_accounts_for_every_number_through_breaks_and_the_end_of_the_list() {
    // small-team-8 (three agents on a 30-minute break at 11:00) with 1 500 numbers, which
    // last past the break: the clairvoyant pacer places the numbers that will answer and
    // passes over the rest, one by one, and loses nobody, cancelling a planned call for each
    // agent who goes on a break. Its last planned calls are dialled although the list has no
    // number left (their numbers are drawn), so the list finishes.
    let mut sc = load("scenarios/small-team-8.json", |v| {
        v["tasks"][0]["numbers"] = serde_json::json!({"count": 1500});
    });
    sc.tasks[0].pacer = PacerSpec::from_cli("clairvoyant").expect("pacer");
    let r = dialsim::simulate(&sc, sc.file.seed, 1, None);
    let t = &r["tasks"][0];
    assert_eq!(f(t, "placed") + f(t, "skipped"), 1500.0, "{t}");
    assert_eq!(f(t, "placed"), f(t, "connected"), "{t}");
    assert_eq!(f(t, "abandoned"), 0.0, "{t}");
    let finished = f(t, "list_finished_at_s");
    assert!(finished > 9000.0 && finished < 21600.0, "{finished}");
    // ... and with nothing planned left, the task is done (its last status change says why).
    let last = t["status_changes"]
        .as_array()
        .and_then(|a| a.last())
        .expect("status changes");
    assert!(
        last["cause"]
            .as_str()
            .is_some_and(|c| c.contains("every number finished")),
        "{last}"
    );
}

/// [`one_agent`] with the agent's one break of 100 s from `break_s`.
fn one_agent_one_break(break_s: u64) -> Vec<dialsim::world::result::CallRecord> {
    one_agent(|v| {
        v["enterprise"]["breaks"] =
            serde_json::json!([{"cnos": ["6000"], "start_s": break_s, "duration_s": 100}]);
    })
}

/// One agent who answers its leg at once, talks exactly 60 s and needs no wrap-up, customers
/// who all answer exactly 5 s after the dial and hang up after 100 s, no IVR, the clairvoyant
/// pacer, ten minutes; `edit` applied last. The call records.
fn one_agent(edit: impl Fn(&mut Value)) -> Vec<dialsim::world::result::CallRecord> {
    let sc = one_agent_world(edit);
    dialsim::world::engine::run_with(&sc, sc.file.seed, None, true).calls
}

/// [`one_agent`]'s scenario.
fn one_agent_world(edit: impl Fn(&mut Value)) -> Scenario {
    let mut v = serde_json::json!({
        "name": "one-agent",
        "seed": 4,
        "start": "2026-01-05T08:00:00",
        "duration_s": 600,
        "enterprise": {
            "id": 36,
            "agents": {"count": 1, "first_cno": 6000},
            "agent_behaviour": {"talk_s": 60, "wrapup_s": 0, "answer_delay_s": 0}
        },
        "customers": {"answer_probability": 1.0, "time_to_answer_s": 5, "patience_s": 100},
        "tasks": [{
            "request": {"EnterpriseId": 36, "Name": "b", "Type": 1, "CallGroupType": 1,
                        "Cnos": "6000", "MinAvailableAgentCount": 1},
            "numbers": {"count": 1000},
            "pacer": "clairvoyant"
        }]
    });
    edit(&mut v);
    super::support::from_json(&v, "one-agent")
}

#[test]
fn clairvoyant_dials_ahead_by_the_ring_and_the_prompt() {
    // A 3-second CustomerVoice prompt before the agent search: each customer is dialled 8 s
    // (5 s ring + 3 s prompt) before the agent is free, so the one agent is bridged at 8 s
    // and then every 60 s without an idle moment, and no customer waits.
    let calls = one_agent(|v| {
        v["enterprise"]["voices"] = serde_json::json!([{"path": "p", "duration_s": 3}]);
        v["tasks"][0]["request"]["CustomerVoice"] = serde_json::json!("p");
    });
    let bridged: Vec<u64> = calls.iter().filter_map(|c| c.bridge_ms).collect();
    // The last call bridged (at 548 s) is still talking at the end: no record.
    let expected: Vec<u64> = (8..548).step_by(60).map(|s| s * 1000).collect();
    assert_eq!(bridged, expected);
    assert!(calls.iter().all(|c| c.wait_ms == Some(0)), "{calls:?}");
}

#[test]
fn clairvoyant_gives_up_one_customer_for_each_break() {
    // Without a break the clairvoyant pacer dials each customer 5 s before the agent is free:
    // bridged at 5 s, 65 s, 125 s, ... The break takes the agent away after its current call.
    //
    // At 30 s the next customer is only planned (to be dialled at 60 s): the plan is
    // cancelled; the agent leaves at 65 s for the rest of the break (to 130 s), then the next
    // customer is dialled at once and bridged at 135 s. Nobody is dropped.
    //
    // At 62 s the next customer is already ringing: they answer at 65 s as the agent leaves,
    // wait, and are dropped at 67 s (the 2-second rule without an IVR). The pacer owes the
    // break one customer fewer, so it does not replace them; after the break (to 162 s) the
    // next customer is dialled and bridged at 167 s. Exactly one customer is dropped.
    for (break_s, resume_s, dropped) in [(30, 135, 0), (62, 167, 1)] {
        let calls = one_agent_one_break(break_s);
        let bridged: Vec<u64> = calls.iter().filter_map(|c| c.bridge_ms).collect();
        let expected: Vec<u64> = [5]
            .into_iter()
            .chain((resume_s..600).step_by(60))
            .map(|s| s * 1000)
            .collect();
        // The last call bridged before the end is still talking: it has no record.
        assert_eq!(
            bridged,
            expected[..expected.len() - 1],
            "break at {break_s} s"
        );
        let lost: Vec<_> = calls.iter().filter(|c| c.bridge_ms.is_none()).collect();
        assert_eq!(lost.len(), dropped, "break at {break_s} s: {lost:?}");
        for c in lost {
            assert_eq!((c.answer_ms, c.end_ms), (Some(65_000), 67_000), "{c:?}");
        }
    }
}

#[test]
fn clairvoyant_passes_over_customers_who_would_hang_up_before_an_agent_answers() {
    // Agents answer their leg exactly 2 s after it rings; half the customers answer, and
    // their patience is uniform on [0, 4] s. The clairvoyant pacer times each answer to an
    // agent's free instant and passes over (never dials) a customer whose patience is
    // shorter than the agent's 2 s: nobody hangs up or is dropped, and everyone dialled who
    // answers is connected at exactly 2 s.
    let t = patience_run(serde_json::json!({"uniform": {"min": 0, "max": 4}}));
    assert!(t["connected"].as_u64().is_some_and(|n| n > 100), "{t}");
    assert!(t["skipped"].as_u64().is_some_and(|n| n > 100), "{t}");
    for k in ["hung_up", "dropped", "abandoned"] {
        assert_eq!(t[k], 0, "{k}: {t}");
    }
    assert_eq!(t["connected_within_2s"], t["connected"], "{t}");
}

#[test]
fn clairvoyant_keeps_customers_whose_patience_is_exactly_the_agent_leg() {
    // Patience exactly 2 s, agents answering exactly 2 s after their leg rings: the answer
    // and the hang-up fall on the same instant and the answer wins, so every customer can be
    // kept; none is passed over for patience (the skipped are the non-answers alone).
    let t = patience_run(serde_json::json!(2));
    assert!(t["connected"].as_u64().is_some_and(|n| n > 100), "{t}");
    for k in ["hung_up", "dropped", "abandoned"] {
        assert_eq!(t[k], 0, "{k}: {t}");
    }
    assert_eq!(t["connected_within_2s"], t["connected"], "{t}");
}

/// Three agents who answer their leg exactly 2 s after it rings and talk 60 s, customers
/// who answer half the time after 5 s with patience `patience_s`, the clairvoyant pacer, an
/// hour: the task's report.
fn patience_run(patience_s: Value) -> Value {
    let sc = one_agent_world(|v| {
        v["duration_s"] = serde_json::json!(3600);
        v["enterprise"]["agents"]["count"] = serde_json::json!(3);
        v["enterprise"]["agent_behaviour"]["answer_delay_s"] = serde_json::json!(2);
        v["customers"]["answer_probability"] = serde_json::json!(0.5);
        v["customers"]["patience_s"] = patience_s.clone();
        v["tasks"][0]["request"]["Cnos"] = serde_json::json!("6000,6001,6002");
        v["tasks"][0]["numbers"] = serde_json::json!({"count": 10_000});
    });
    dialsim::simulate(&sc, sc.file.seed, 1, None)["tasks"][0].clone()
}
