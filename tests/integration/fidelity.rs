//! Fidelity: the engine against queueing theory (Erlang A and C) and Little's law.
//!
//! Each parameter set runs `REPS` independent replications of 11 simulated hours; the first
//! hour is discarded (the run starts empty, theory is the steady state), and each replication
//! gives one estimate per figure from its 15-minute buckets. The engine agrees with theory
//! when `|mean − theory| ≤ t · SE`, with `SE` the standard error over replications and `t` the
//! Student quantile at a family-wise 95 % level over every comparison of this file
//! (Bonferroni: each at `1 − 0.05 / COMPARISONS`, two-sided). Nothing is tuned: a correct
//! engine fails this file with probability at most 5 %, and with fixed seeds the outcome is
//! reproducible.

use super::support::from_json;
use dialsim::scenario::{self, Scenario};
use dialsim::stats;
use dialsim::theory::{ErlangA, Steady};
use rayon::prelude::*;
use serde_json::{Value, json};

const REPS: u32 = 30;
const WARMUP_BUCKETS: usize = 4;
/// Six parameter sets, three figures each; two of them also two order-dependent figures.
const COMPARISONS: f64 = 22.0;

struct Case {
    name: &'static str,
    agents: u32,
    talk_s: f64,
    /// Mean patience, or None for customers who never hang up (Erlang C).
    patience_s: Option<f64>,
    calls_per_s: f64,
}

fn scenario_for(c: &Case) -> Scenario {
    let cnos: Vec<String> = (0..c.agents).map(|i| (6000 + i).to_string()).collect();
    let patience = match c.patience_s {
        Some(m) => json!({"exponential": {"mean": m}}),
        None => json!({"constant": 1.0e9}),
    };
    let v = json!({
        "name": c.name,
        "seed": 11,
        "start": "2026-01-05T08:00:00",
        "duration_s": 11 * 3600,
        "enterprise": {
            "id": 36,
            "agents": {"count": c.agents, "first_cno": 6000},
            "agent_groups": [{"id": "1", "cnos": cnos}],
            "agent_behaviour": {
                "talk_s": {"exponential": {"mean": c.talk_s}},
                "wrapup_s": 0,
                "answer_delay_s": 0
            },
            "ivrs": [{"id": 42, "name": "hold", "duration_s": 60}]
        },
        "customers": {
            "answer_probability": 1.0,
            "time_to_answer_s": 5,
            "patience_s": patience
        },
        "tasks": [{
            "request": {"EnterpriseId": 36, "Name": c.name, "Type": 1, "CallGroupType": 2,
                        "AgentGroup": "1", "MinAvailableAgentCount": 1, "IvrId": 42},
            "numbers": {"count": 1_000_000},
            "pacer": {"poisson": {"calls_per_s": c.calls_per_s}}
        }]
    });
    from_json(&v, c.name)
}

/// Steady-state figures of one replication: (hang-up rate, 2-second-rule rate, occupancy).
fn steady(report: &Value) -> [f64; 3] {
    let buckets = report["timeseries"].as_array().expect("timeseries");
    let after = &buckets[WARMUP_BUCKETS..];
    let sum = |k: &str| {
        after
            .iter()
            .map(|b| b[k].as_f64().unwrap_or(0.0))
            .sum::<f64>()
    };
    let answered = sum("answered");
    let occupancy = after
        .iter()
        .map(|b| b["occupancy"].as_f64().unwrap_or(0.0))
        .sum::<f64>()
        / after.len() as f64;
    [
        sum("hung_up") / answered,
        sum("abandoned") / answered,
        occupancy,
    ]
}

fn check(c: &Case, theory: &Steady) {
    let sc = scenario_for(c);
    let samples: Vec<[f64; 3]> = (0..REPS)
        .into_par_iter()
        .map(|r| steady(&dialsim::run_replication(&sc, sc.file.seed, r, None)))
        .collect();
    let want = [
        theory.p_abandon,
        theory.p_not_connected_2s,
        theory.occupancy,
    ];
    let figures = ["hang-up rate", "2-second-rule rate", "occupancy"];
    agrees(c.name, &figures, &samples, &want);
}

/// Each figure's mean over the replications `samples` agrees with theory's `want` within
/// `t · SE` (the family-wise quantile of this file; see its docs).
fn agrees<const N: usize>(name: &str, figures: &[&str; N], samples: &[[f64; N]], want: &[f64; N]) {
    let t = stats::t_quantile(1.0 - 0.05 / COMPARISONS / 2.0, REPS as usize - 1);
    for (i, figure) in figures.iter().enumerate() {
        let xs: Vec<f64> = samples.iter().map(|s| s[i]).collect();
        let m = stats::mean(&xs);
        let se = stats::sd(&xs) / f64::from(REPS).sqrt();
        eprintln!(
            "{name}: {figure} simulated {m:.5}, Erlang {:.5}, |diff| {:.5} <= {:.5}?",
            want[i],
            (m - want[i]).abs(),
            t * se
        );
        assert!(
            (m - want[i]).abs() <= t * se,
            "{name}: {figure} simulated {m:.5} ± {:.5} (t·SE) vs Erlang {:.5}",
            t * se,
            want[i]
        );
    }
}

/// Order-dependent figures of one replication, from its call records: the mean wait of the
/// served customers and P(wait > 2 s | served), over customers answered between the end of
/// the warm-up and ten minutes before the end (a customer still waiting at the end has no
/// record yet: leaving out the last ten minutes, many patience times long, keeps the long
/// waits in).
fn served_waits(sc: &Scenario, r: u32) -> [f64; 2] {
    let seed = dialsim::replication_seed_for(sc.file.seed, r);
    let run = dialsim::world::engine::run_with(sc, seed, None, true);
    let from = WARMUP_BUCKETS as u64 * 900_000;
    let to = (sc.file.duration_s as u64 - 600) * 1000;
    let waits: Vec<f64> = run
        .calls
        .iter()
        .filter(|c| c.answer_ms.is_some_and(|a| (from..to).contains(&a)))
        .filter_map(|c| Some((c.bridge_ms? - c.answer_ms?) as f64 / 1000.0))
        .collect();
    let n = waits.len() as f64;
    [
        waits.iter().sum::<f64>() / n,
        waits.iter().filter(|&&w| w > 2.0).count() as f64 / n,
    ]
}

/// The order-dependent Erlang-A figures: which customer an agent takes decides them, so a
/// queue that is not first-in-first-out fails here while the order-blind figures still pass.
fn check_order(c: &Case) {
    let sc = scenario_for(c);
    let model = dialsim::theory::erlang_a_model(&sc, None).expect("the scenario is the model");
    let theory = model.solve().expect("solves");
    let want = [
        theory.mean_wait_served_s,
        model.p_wait_over_given_served(2.0).expect("solves"),
    ];
    let samples: Vec<[f64; 2]> = (0..REPS)
        .into_par_iter()
        .map(|r| served_waits(&sc, r))
        .collect();
    let figures = ["mean wait of served customers", "P(wait > 2 s | served)"];
    agrees(c.name, &figures, &samples, &want);
}

#[test]
fn served_waits_follow_first_in_first_out() {
    for (name, load) in [
        ("erlang-a-10-balanced", 9.0),
        ("erlang-a-10-overloaded", 13.0),
    ] {
        check_order(&Case {
            name,
            agents: 10,
            talk_s: 120.0,
            patience_s: Some(20.0),
            calls_per_s: load / 120.0,
        });
    }
}

fn erlang_a(c: &Case) -> Steady {
    // Through the same path `dialsim run` uses to print its estimate.
    dialsim::theory::estimate_for(&scenario_for(c), None).expect("the scenario is the model")
}

#[test]
fn one_agent_under_load() {
    let c = Case {
        name: "erlang-a-1",
        agents: 1,
        talk_s: 60.0,
        patience_s: Some(30.0),
        calls_per_s: 0.8 / 60.0,
    };
    check(&c, &erlang_a(&c));
}

#[test]
fn ten_agents_under_and_over_load() {
    for (name, load) in [("erlang-a-10-under", 9.0), ("erlang-a-10-over", 13.0)] {
        let c = Case {
            name,
            agents: 10,
            talk_s: 120.0,
            patience_s: Some(20.0),
            calls_per_s: load / 120.0,
        };
        check(&c, &erlang_a(&c));
    }
}

#[test]
fn hundred_agents_near_full_load() {
    let c = Case {
        name: "erlang-a-100",
        agents: 100,
        talk_s: 180.0,
        patience_s: Some(10.0),
        calls_per_s: 0.5,
    };
    check(&c, &erlang_a(&c));
}

#[test]
fn three_hundred_agents_over_load() {
    let c = Case {
        name: "erlang-a-300",
        agents: 300,
        talk_s: 180.0,
        patience_s: Some(10.0),
        calls_per_s: 330.0 / 180.0,
    };
    check(&c, &erlang_a(&c));
}

#[test]
fn erlang_c_without_abandonment() {
    let c = Case {
        name: "erlang-c-20",
        agents: 20,
        talk_s: 120.0,
        patience_s: None,
        calls_per_s: 17.0 / 120.0,
    };
    let theory = ErlangA::erlang_c(17.0 / 120.0, 1.0 / 120.0, 20)
        .solve()
        .expect("stable");
    check(&c, &theory);
}

/// Little's law and conservation on every bundled scenario: the time integral of the queue
/// equals the sum of the customers' waits, the agents' talking time equals the sum of the
/// calls' talks (two independent ledgers of the engine), and every call ends once.
#[test]
fn littles_law_and_conservation_hold_on_every_scenario() {
    let mut seen = 0;
    for entry in std::fs::read_dir("scenarios").expect("scenarios/") {
        let path = entry.expect("entry").path();
        if path.extension().and_then(|e| e.to_str()) != Some("json") {
            continue;
        }
        let sc = scenario::load(&path).expect("bundled scenarios are valid");
        let r = dialsim::world::engine::run(&sc, sc.file.seed, None);
        let l = r.little;
        assert_eq!(l.queue_area, l.queue_stays, "{}: queue", path.display());
        assert_eq!(l.talk_area, l.talk_stays, "{}: talk", path.display());
        for t in &r.tasks {
            t.counts
                .check_conservation()
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        }
        seen += 1;
    }
    assert!(seen >= 5, "only {seen} scenarios found");
}

/// `estimate_for` says which assumption of the Erlang-A model a scenario breaks, one by one.
#[test]
fn estimate_for_refuses_scenarios_that_are_not_the_model() {
    use dialsim::theory::TheoryError;
    let base = Case {
        name: "not-the-model",
        agents: 10,
        talk_s: 120.0,
        patience_s: Some(20.0),
        calls_per_s: 0.05,
    };
    let edited = |edit: &dyn Fn(&mut Value)| {
        let sc = scenario_for(&base);
        let mut v = serde_json::to_value(&sc.file).expect("serialises");
        edit(&mut v);
        from_json(&v, "not-the-model")
    };
    assert!(erlang_a(&base).p_served > 0.0, "the base case is the model");
    // (the word the reason must contain, the edit)
    type Edit<'a> = (&'a str, &'a dyn Fn(&mut Value));
    let cases: [Edit; 8] = [
        ("poisson", &|v| {
            v["tasks"][0]["pacer"] = json!("progressive")
        }),
        ("talk", &|v| {
            v["enterprise"]["agent_behaviour"]["talk_s"] = json!({"constant": 120})
        }),
        ("patience", &|v| {
            v["customers"]["patience_s"] = json!({"constant": 20})
        }),
        ("wrap-up", &|v| {
            v["enterprise"]["agent_behaviour"]["wrapup_s"] = json!(5)
        }),
        ("agent leg", &|v| {
            v["enterprise"]["agent_behaviour"]["answer_probability"] = json!(0.9)
        }),
        ("agent leg", &|v| {
            v["enterprise"]["agent_behaviour"]["answer_delay_s"] = json!(2)
        }),
        ("IVR", &|v| {
            if let Some(r) = v["tasks"][0]["request"].as_object_mut() {
                r.remove("IvrId");
            }
        }),
        ("prompt", &|v| {
            v["enterprise"]["voices"] = json!([{"path": "p", "duration_s": 3}]);
            v["tasks"][0]["request"]["CustomerVoice"] = json!("p");
        }),
    ];
    for (what, edit) in cases {
        let sc = edited(edit);
        match dialsim::theory::estimate_for(&sc, None) {
            Err(TheoryError::NotTheModel(reason)) => {
                assert!(reason.contains(what), "{what}: the reason is {reason:?}");
            }
            other => panic!("{what}: expected a refusal, got {other:?}"),
        }
    }
}

/// The model's arrivals are the calls that reach a person who answers before CustomerTimeout:
/// λ = calls/s · (1 − busy − invalid − unreachable) · P(answer) · P(time to answer ≤ timeout).
#[test]
fn the_models_arrivals_are_the_calls_answered_in_time() {
    let base = Case {
        name: "arrivals",
        agents: 10,
        talk_s: 120.0,
        patience_s: Some(20.0),
        calls_per_s: 0.05,
    };
    let mut v = serde_json::to_value(&scenario_for(&base).file).expect("serialises");
    let c = &mut v["customers"];
    c["busy_probability"] = json!(0.1);
    c["invalid_probability"] = json!(0.05);
    c["unreachable_probability"] = json!(0.02);
    c["answer_probability"] = json!(0.8);
    c["time_to_answer_s"] = json!({"exponential": {"mean": 10}});
    v["tasks"][0]["request"]["CustomerTimeout"] = json!(30);
    let m = dialsim::theory::erlang_a_model(&from_json(&v, "arrivals"), None).expect("the model");
    // P(exponential of mean 10 s ≤ 30 s) = 1 − e^-3.
    let want = 0.05 * (1.0 - 0.1 - 0.05 - 0.02) * 0.8 * (1.0 - (-3.0f64).exp());
    assert!(
        (m.arrival_per_s - want).abs() < 1e-15,
        "{} vs {want}",
        m.arrival_per_s
    );
    assert!((m.service_per_s - 1.0 / 120.0).abs() < 1e-15);
    assert!((m.abandon_per_s - 1.0 / 20.0).abs() < 1e-15);
    assert_eq!(m.agents, 10);
}
