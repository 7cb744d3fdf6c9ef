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
    let report = dialsim::simulate(
        &sc,
        seed.unwrap_or(sc.file.seed),
        reps.or(sc.file.reps).unwrap_or(1),
        pacer.as_ref(),
    );
    if json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{}", dialsim::report::table(&report));
    }
    Ok(ExitCode::from(EXIT_OK))
}
