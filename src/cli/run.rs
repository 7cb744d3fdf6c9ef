//! `dialsim run SCENARIO [--seed N] [--reps N] [--pacer NAME] [--json]`.

use super::{EXIT_INVALID, EXIT_OK};
use dialsim::scenario::{self, PacerSpec};
use std::path::Path;
use std::process::ExitCode;

/// Load, simulate, print.
pub fn run(
    path: &Path,
    seed: Option<u64>,
    reps: Option<u32>,
    pacer: Option<&str>,
    json: bool,
) -> anyhow::Result<ExitCode> {
    let sc = match scenario::load(path) {
        Ok(sc) => sc,
        Err(e) => {
            eprintln!("{e}");
            return Ok(ExitCode::from(EXIT_INVALID));
        }
    };
    let pacer = match pacer.map(PacerSpec::from_cli).transpose() {
        Ok(p) => p,
        Err(e) => {
            eprintln!("--pacer: {e}");
            return Ok(ExitCode::from(EXIT_INVALID));
        }
    };
    if reps == Some(0) {
        eprintln!("--reps: must be at least 1");
        return Ok(ExitCode::from(EXIT_INVALID));
    }
    for (path, w) in &sc.warnings {
        eprintln!("warning: {path}: {w}");
    }
    let mut report = dialsim::simulate(
        &sc,
        seed.unwrap_or(sc.file.seed),
        reps.or(sc.file.reps).unwrap_or(1),
        pacer.as_ref(),
    );
    // Where the scenario is the Erlang-A model, the analytic steady state goes beside the run.
    let theory = dialsim::theory::estimate_for(&sc, pacer.as_ref());
    if let Ok(t) = &theory {
        report["theory"] = serde_json::json!({
            "model": "Erlang A (M/M/n+M), steady state",
            "hangup_rate": t.p_abandon,
            "abandon_rate": t.p_not_connected_2s,
            "occupancy": t.occupancy,
            "p_wait": t.p_wait,
            "mean_wait_s": t.mean_wait_s,
        });
    }
    if json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{}", dialsim::report::table(&report));
        if let Ok(t) = theory {
            println!(
                "Erlang A (steady state, the run starts empty): abandon (2 s) {:.2} %, hang-up {:.2} %, occupancy {:.1} %, P(wait) {:.1} %, mean wait {:.1} s",
                t.p_not_connected_2s * 100.0,
                t.p_abandon * 100.0,
                t.occupancy * 100.0,
                t.p_wait * 100.0,
                t.mean_wait_s
            );
        }
    }
    Ok(ExitCode::from(EXIT_OK))
}
