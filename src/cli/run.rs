//! `dialsim run SCENARIO [--seed N] [--reps N] [--pacer NAME] [--json] [--out DIR] [--cdr FILE]`.

use super::output::write_atomic;
use super::{EXIT_OK, invalid};
use dialsim::scenario::{self, PacerSpec, Scenario};
use dialsim::world::result::CallRecord;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The options of `dialsim run`.
pub struct Options {
    pub path: PathBuf,
    pub seed: Option<u64>,
    pub reps: Option<u32>,
    pub pacer: Option<String>,
    pub json: bool,
    pub out: Option<PathBuf>,
    pub cdr: Option<PathBuf>,
}

/// Load, simulate, print, and write the files asked for.
pub fn run(o: Options) -> anyhow::Result<ExitCode> {
    let sc = match scenario::load(&o.path) {
        Ok(sc) => sc,
        Err(e) => return invalid(e),
    };
    let pacer = match o.pacer.as_deref().map(PacerSpec::from_cli).transpose() {
        Ok(p) => p,
        Err(e) => return invalid(format!("--pacer: {e}")),
    };
    if let Some(r) = o
        .reps
        .filter(|r| !(1..=dialsim::limits::MAX_REPS).contains(r))
    {
        return invalid(format!(
            "--reps {r}: from 1 to {}",
            dialsim::limits::MAX_REPS
        ));
    }
    for (path, w) in &sc.warnings {
        eprintln!("warning: {path}: {w}");
    }
    let seed = o.seed.unwrap_or(sc.file.seed);
    let (mut report, calls) = dialsim::simulate_with_calls(
        &sc,
        seed,
        o.reps.or(sc.file.reps).unwrap_or(1),
        pacer.as_ref(),
        o.cdr.is_some(),
    );
    // Where the scenario is the Erlang-A model, the analytic steady state goes beside the run.
    let theory = dialsim::theory::estimate_for(&sc, pacer.as_ref());
    // The scenario is the model but cannot be solved within bounds: say so, never hang.
    if let Err(e) = &theory
        && !matches!(e, dialsim::theory::TheoryError::NotTheModel(_))
    {
        eprintln!("note: the Erlang-A estimate is skipped: {e}");
    }
    if let Ok(t) = &theory {
        report["theory"] = serde_json::json!({
            "model": "Erlang A (M/M/n+M), steady state",
            "hangup_rate": t.p_abandon,
            "abandon_rate": t.p_not_connected_2s,
            "occupancy": t.occupancy,
            "p_wait": t.p_wait,
            // The report's wait_s is of served customers; theory gives both.
            "mean_wait_s": t.mean_wait_s,
            "mean_wait_served_s": t.mean_wait_served_s,
        });
    }
    if let Some(dir) = &o.out {
        write_out(dir, &report)?;
    }
    if let Some(file) = &o.cdr {
        write_cdr(file, &sc, &calls)?;
    }
    if o.json {
        outln!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        out!("{}", dialsim::report::table(&report));
        if let Ok(t) = theory {
            outln!(
                "Erlang A (steady state, the run starts empty): abandon (2 s) {:.2} %, hang-up {:.2} %, occupancy {:.1} %, P(wait) {:.1} %, mean wait of served customers {:.1} s (of all customers {:.1} s)",
                t.p_not_connected_2s * 100.0,
                t.p_abandon * 100.0,
                t.occupancy * 100.0,
                t.p_wait * 100.0,
                t.mean_wait_served_s,
                t.mean_wait_s
            );
        }
        if let Some(dir) = &o.out {
            outln!("wrote {}", dir.join("index.html").display());
        }
    }
    Ok(ExitCode::from(EXIT_OK))
}

fn rows(v: &Value) -> Vec<Value> {
    v.as_array().cloned().unwrap_or_default()
}

/// report.json, the CSVs and index.html, each written atomically.
fn write_out(dir: &Path, report: &Value) -> anyhow::Result<()> {
    let page = dialsim::page::run_page(report).map_err(|e| anyhow::anyhow!(e))?;
    write_atomic(
        &dir.join("report.json"),
        (serde_json::to_string_pretty(report)? + "\n").as_bytes(),
    )?;
    write_atomic(
        &dir.join("timeseries.csv"),
        dialsim::report::csv(&rows(&report["timeseries"])).as_bytes(),
    )?;
    write_atomic(
        &dir.join("agents.csv"),
        dialsim::report::csv(&rows(&report["agents"])).as_bytes(),
    )?;
    write_atomic(
        &dir.join("tasks.csv"),
        dialsim::report::csv(&rows(&report["tasks"])).as_bytes(),
    )?;
    write_atomic(&dir.join("index.html"), page.as_bytes())?;
    Ok(())
}

/// The call records of replication 0 (the master seed) in the platform's shape: CSV, a JSON
/// array (`.json`) or JSON lines (`.jsonl`).
fn write_cdr(file: &Path, sc: &Scenario, calls: &[CallRecord]) -> anyhow::Result<()> {
    let epoch = dialsim::cdr::epoch_of(sc.start, dialsim::cdr::PLATFORM_TZ)
        .map_err(|e| anyhow::anyhow!(e))?;
    let text = dialsim::cdr::text(calls, epoch, dialsim::cdr::Format::of(file));
    write_atomic(file, text.as_bytes())
}
