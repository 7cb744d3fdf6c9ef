//! `dialsim check SCENARIO...`: run each scenario's `expect` block.

use dialsim::expect::evaluate;
use dialsim::scenario;
use std::path::PathBuf;
use std::process::ExitCode;

/// Exit 0 when every expectation of every scenario holds, 1 when any fails, 2 on invalid input.
pub fn run(paths: &[PathBuf]) -> anyhow::Result<ExitCode> {
    let (mut failed, mut invalid) = (0, 0);
    for path in paths {
        let sc = match scenario::load(path) {
            Ok(sc) => sc,
            Err(e) => {
                eprintln!("{e}");
                invalid += 1;
                continue;
            }
        };
        if sc.file.expect.is_empty() {
            outln!("{}: no expectations", path.display());
            continue;
        }
        let reps = sc.file.reps.unwrap_or(1);
        let report = dialsim::simulate(&sc, sc.file.seed, reps, None);
        outln!(
            "{} (seed {}, {} replication{}):",
            path.display(),
            sc.file.seed,
            reps,
            if reps == 1 { "" } else { "s" }
        );
        for v in evaluate(&report, &sc.file.expect) {
            // A path the report does not have is a mistake in the scenario, not a failed run.
            if dialsim::report::lookup(&report, &v.path).is_none() {
                eprintln!(
                    "{}: at expect.{}: the report has no such value (see `dialsim run --json`)",
                    path.display(),
                    v.path
                );
                invalid += 1;
                continue;
            }
            outln!("  {v}");
            if !v.pass {
                failed += 1;
            }
        }
    }
    let code = if invalid > 0 {
        2
    } else if failed > 0 {
        1
    } else {
        0
    };
    if failed > 0 {
        outln!("{failed} expectation(s) failed");
    }
    Ok(ExitCode::from(code))
}
