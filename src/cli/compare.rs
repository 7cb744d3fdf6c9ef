//! `dialsim compare`: each pacer's knob swept on the same customers, read at equal abandon.
//! With `--out DIR`: `DIR/compare.json` and `DIR/index.html` (every frontier on one chart),
//! written atomically.

use super::output::write_atomic;
use super::{EXIT_OK, invalid};
use dialsim::compare;
use dialsim::sweep::{self, CellResult};
use rayon::prelude::*;
use std::path::PathBuf;
use std::process::ExitCode;

/// The options of `dialsim compare`.
pub struct Options {
    pub scenario: PathBuf,
    pub pacers: String,
    pub reps: Option<u32>,
    pub seed: Option<u64>,
    pub at: String,
    pub cap_pct: f64,
    pub json: bool,
    pub out: Option<PathBuf>,
    pub threads: Option<usize>,
}

/// Run a comparison.
pub fn run(o: Options) -> anyhow::Result<ExitCode> {
    let (text, file) = match super::read_scenario(&o.scenario) {
        Ok(x) => x,
        Err(e) => return invalid(e),
    };
    let contenders = match compare::contenders(&o.pacers) {
        Ok(c) => c,
        Err(e) => return invalid(e),
    };
    let at = match compare::parse_at(&o.at) {
        Ok(a) => a,
        Err(e) => return invalid(e),
    };
    if !(o.cap_pct.is_finite() && o.cap_pct > 0.0 && o.cap_pct <= 100.0) {
        return invalid(format!(
            "--cap {}: a percentage above 0 and at most 100",
            o.cap_pct
        ));
    }
    // Intervals need at least two replications; five by default.
    let reps = o.reps.or(file.reps).unwrap_or(5);
    if let Err(e) = super::check_reps_threads(reps, o.threads) {
        return invalid(e);
    }
    let prepared = match compare::prepare(&file, &text, &o.scenario, &contenders) {
        Ok(p) => p,
        Err(e) => return invalid(e),
    };
    let seed = o.seed.unwrap_or(file.seed);
    let work = || -> Vec<Vec<CellResult>> {
        prepared
            .par_iter()
            .map(|cells| {
                cells
                    .par_iter()
                    .map(|p| sweep::run_cell(p, seed, reps))
                    .collect()
            })
            .collect()
    };
    let results = match o.threads {
        Some(n) => rayon::ThreadPoolBuilder::new()
            .num_threads(n.max(1))
            .build()?
            .install(work),
        None => work(),
    };
    let answer = compare::answer(&file.name, seed, reps, &at, &contenders, &results);
    if let Some(dir) = &o.out {
        std::fs::create_dir_all(dir).map_err(|e| anyhow::anyhow!("{}: {e}", dir.display()))?;
        write_atomic(
            &dir.join("compare.json"),
            serde_json::to_string_pretty(&answer)?.as_bytes(),
        )?;
        let page = dialsim::page::compare_page(&answer, o.cap_pct)?;
        write_atomic(&dir.join("index.html"), page.as_bytes())?;
        eprintln!("wrote {}", dir.join("index.html").display());
    }
    if o.json {
        outln!("{}", serde_json::to_string_pretty(&answer)?);
    } else {
        outln!("{}", compare::table(&answer));
    }
    Ok(ExitCode::from(EXIT_OK))
}
