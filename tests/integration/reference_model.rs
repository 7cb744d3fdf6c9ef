//! dialsim against the SimPy reference model dialer-ref v1
//! (`../shared/reference/dialer-ref-v1/simpy_dialer.py`), expressed as
//! `scenarios/dialer-ref-v1-100.json`.
//!
//! `tests/fixtures/dialer-ref-v1-simpy-100.jsonl` holds SimPy's figures for seeds 1..=20
//! (recorded by `benches/simpy-reference.sh`, so CI needs no Python). dialsim runs 20
//! replications of the same model; each figure's two means must agree within a Welch
//! two-sample interval, `|m₁ − m₂| ≤ t · √(se₁² + se₂²)`, with `t` at a family-wise 95 %
//! level over the figures compared (Bonferroni). Different random streams, same model: only
//! sampling error separates them.
//!
//! Semantic differences, and how the scenario removes them: the platform stops ringing at
//! CustomerTimeout, the model lets a late customer answer (`answers_after_timeout: true`);
//! the platform hangs up on a customer not connected within 2 s unless an IVR takes the
//! overflow, the model keeps them waiting (an IVR is configured); the agent leg answers at
//! once (`answer_delay_s: 0`). Patience is drawn when the call is placed rather than at the
//! answer (the same distribution, independent of everything else), and times are whole
//! milliseconds.

use dialsim::scenario;
use dialsim::stats;
use rayon::prelude::*;
use serde_json::Value;

const FIGURES: [&str; 7] = [
    "placed",
    "answered",
    "answer_rate",
    "hangup_rate",
    "two_second_rule_rate",
    "utilisation",
    "mean_wait_connected_s",
];

fn simpy() -> Vec<[f64; 7]> {
    let text = std::fs::read_to_string("tests/fixtures/dialer-ref-v1-simpy-100.jsonl")
        .expect("SimPy fixture");
    text.lines()
        .map(|l| {
            let r: Value = serde_json::from_str(l).expect("JSON line");
            let f = |k: &str| r[k].as_f64().unwrap_or_else(|| panic!("{k}"));
            [
                f("calls_placed"),
                f("calls_answered"),
                f("calls_answered") / (f("calls_answered") + f("calls_no_answer")),
                f("abandon_rate"),
                f("two_second_rule_rate"),
                f("agent_utilisation"),
                f("mean_wait_connected"),
            ]
        })
        .collect()
}

fn dialsim_figures(reps: u32) -> Vec<[f64; 7]> {
    let sc = scenario::load(std::path::Path::new("scenarios/dialer-ref-v1-100.json"))
        .expect("reference scenario");
    (0..reps)
        .into_par_iter()
        .map(|r| {
            let rep = dialsim::run_replication(&sc, sc.file.seed, r, None);
            let o = &rep["overall"];
            let f = |k: &str| o[k].as_f64().unwrap_or_else(|| panic!("{k}"));
            [
                f("placed"),
                f("answered"),
                // The model's answer rate counts calls that ended ringing.
                f("answered") / (f("placed") - f("ringing_at_end")),
                f("hangup_rate"),
                f("abandon_rate"),
                f("utilisation"),
                o["wait_s"]["mean"].as_f64().expect("mean wait"),
            ]
        })
        .collect()
}

#[test]
fn dialsim_agrees_with_the_simpy_reference_model() {
    let a = simpy();
    assert!(a.len() >= 20, "fixture has {} seeds", a.len());
    let b = dialsim_figures(a.len() as u32);
    let t = stats::t_quantile(
        1.0 - 0.05 / FIGURES.len() as f64 / 2.0,
        a.len().min(b.len()) - 1,
    );
    for (i, name) in FIGURES.iter().enumerate() {
        let xa: Vec<f64> = a.iter().map(|r| r[i]).collect();
        let xb: Vec<f64> = b.iter().map(|r| r[i]).collect();
        let (ma, mb) = (stats::mean(&xa), stats::mean(&xb));
        let se = (stats::sd(&xa).powi(2) / xa.len() as f64
            + stats::sd(&xb).powi(2) / xb.len() as f64)
            .sqrt();
        eprintln!(
            "{name}: SimPy {ma:.6}, dialsim {mb:.6}, |diff| {:.6} <= {:.6}?",
            (ma - mb).abs(),
            t * se
        );
        assert!(
            (ma - mb).abs() <= t * se,
            "{name}: SimPy {ma} vs dialsim {mb}, allowed {}",
            t * se
        );
    }
}
