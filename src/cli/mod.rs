//! clap definitions and one function per subcommand. Only this layer reads files and prints.

#[macro_use]
mod output;
mod check;
mod compare;
mod fit;
mod run;
mod serve;
mod sweep;
mod validate;

pub use output::StdoutClosed;

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

/// Exit code: success / all expectations hold.
pub const EXIT_OK: u8 = 0;
/// Exit code: invalid input (request, scenario, flags).
pub const EXIT_INVALID: u8 = 2;

const CODES_HELP: &str = "\
Enumeration codes (1 = on, 0 = off for switches):
  Type 1 predictive, 2 automatic (IVR)      CallGroupType 1 Cnos list, 2 AgentGroup
  AutoTaskType 0 continuous, 1 interval     CallStrategy \"1\" random, \"2\" in order,
  CustomerClidsCategory 1 fixed, 2 mobile,    \"3\" longest since last call, \"4\" longest idle
    4 number pool, 5 navigation (no 3)      RetryStrategyTimeType 1 from first call, 2 from previous
  CallRouteStrategy 1 direct (defined by    RetryStrategyOnlyToday 0 off, 1 drop retries and
    dialsim), 2 AI first                      never-called, 2 drop retries, 3 drop never-called
  Task status 0 initial, 1 running, 2 paused, 3 ended.
Codes the platform does not document (CallRouteStrategy's default, basic-mode retried outcomes,
the end-of-day moment of RetryStrategyOnlyToday, SIP causes, call-record EndReason) are defined
by dialsim; see README.md, \"Rules dialsim defines where the platform is silent\".";

/// dialsim: validate and simulate cloud call-centre CreateTask outbound tasks.
#[derive(Debug, Parser)]
#[command(name = "dialsim", version, about, after_help = CODES_HELP)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Validate a CreateTask request (JSON object or query string) or a scenario file.
    /// Exit 0 valid, 2 invalid.
    Validate {
        /// The request or scenario file.
        file: PathBuf,
        /// Print the API response shape (JSON) instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Simulate a scenario: abandon rate, utilisation, waits, per task, per agent, over time.
    /// Exit 0, or 2 on invalid input.
    Run {
        /// The scenario file.
        scenario: PathBuf,
        /// Master seed (default: the scenario's).
        #[arg(long)]
        seed: Option<u64>,
        /// Replications, each with a seed derived from the master seed; rates gain 95 % intervals.
        #[arg(long)]
        reps: Option<u32>,
        /// Override every task's pacer: platform, progressive, adaptive, adaptive-hard-limit,
        /// adaptive-tapered, adaptive-average, clairvoyant, or JSON such as
        /// '{"ratio":{"per_idle_agent":2,"tick_s":1}}', '{"poisson":{"calls_per_s":0.5}}' or
        /// '{"adaptive":{"variant":"tapered","max_level":3}}'.
        #[arg(long)]
        pacer: Option<String>,
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
        /// Also write DIR/report.json, timeseries.csv, agents.csv, tasks.csv and index.html
        /// (a self-contained page with charts).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Write the call records of the run (replication 0) to FILE in the platform's
        /// CloudQueryPredictiveCallCdr shape: CSV, a JSON array (.json) or JSON lines (.jsonl).
        #[arg(long)]
        cdr: Option<PathBuf>,
    },
    /// Run a grid of CreateTask parameters (or `pacer`) on the same customers and recommend the
    /// cell with the highest utilisation under the abandon cap. Exit 0, or 2 on invalid input.
    Sweep {
        /// The scenario file.
        scenario: PathBuf,
        /// An axis: Param=v1,v2,... or Param=a..b:step (any CreateTask parameter, or pacer).
        #[arg(long = "set", required = true)]
        sets: Vec<String>,
        /// Replications per cell (same seeds in every cell).
        #[arg(long)]
        reps: Option<u32>,
        /// Master seed (default: the scenario's).
        #[arg(long)]
        seed: Option<u64>,
        /// The abandon cap in percent for the recommendation.
        #[arg(long, default_value_t = 3.0)]
        max_abandon: f64,
        /// The abandon figure held to --max-abandon: two-second (the platform's 2-second rule
        /// over the run), defined (the tasks' own definitions over the run) or worst-window
        /// (the worst window of the tasks' own definitions)
        #[arg(long, default_value = "two-second")]
        abandon_figure: String,
        /// Print JSON: {"cells": [...], "recommended": ...}.
        #[arg(long)]
        json: bool,
        /// Store cells as they finish (resumable), plus sweep.json and sweep.csv.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Run only cells whose index % N == i (0-based), for batch schedulers.
        #[arg(long)]
        shard: Option<String>,
        /// Worker threads (default: all cores). Results do not depend on it.
        #[arg(long)]
        threads: Option<usize>,
    },
    /// Join the --out directories of a sharded sweep. Exit 0; 2 when a cell is in none of
    /// the directories, the directories hold different sweeps, or an input is invalid.
    Merge {
        /// Shard output directories.
        #[arg(required = true)]
        dirs: Vec<PathBuf>,
        /// Where to write the merged sweep.
        #[arg(long)]
        out: PathBuf,
        /// The abandon cap in percent for the recommendation.
        #[arg(long, default_value_t = 3.0)]
        max_abandon: f64,
        /// The abandon figure held to --max-abandon: two-second (the platform's 2-second rule
        /// over the run), defined (the tasks' own definitions over the run) or worst-window
        /// (the worst window of the tasks' own definitions)
        #[arg(long, default_value = "two-second")]
        abandon_figure: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Run each scenario's `expect` block. Exit 0 all hold, 1 any fails, 2 invalid.
    Check {
        /// Scenario files.
        #[arg(required = true)]
        scenarios: Vec<PathBuf>,
    },
    /// Compare pacers at equal abandon: sweep each pacer's aggressiveness knob on the same
    /// customers (Quotiety for platform, max_level for adaptive, per_idle_agent for ratio),
    /// keep its utilisation-against-abandon frontier and read it at the given abandon rates.
    /// Exit 0, or 2 on invalid input
    Compare {
        /// The scenario file
        scenario: PathBuf,
        /// Pacers, comma-separated: names (platform, adaptive, adaptive-tapered, ratio,
        /// progressive, clairvoyant) or a pacer's JSON, whose settings besides the knob are kept
        #[arg(
            long,
            default_value = "platform,adaptive,ratio,progressive,clairvoyant"
        )]
        pacers: String,
        /// Replications per cell (default: the scenario's, else 5)
        #[arg(long)]
        reps: Option<u32>,
        /// Master seed (default: the scenario's)
        #[arg(long)]
        seed: Option<u64>,
        /// Abandon rates to read the frontiers at, percent
        #[arg(long, default_value = "1,2,3")]
        at: String,
        /// The cap line drawn on the page, percent
        #[arg(long, default_value_t = 3.0)]
        cap: f64,
        /// Print JSON instead of the table
        #[arg(long)]
        json: bool,
        /// Write compare.json and index.html (every frontier on one chart) into this directory
        #[arg(long)]
        out: Option<PathBuf>,
        /// Worker threads (default: all cores). Results do not depend on it
        #[arg(long)]
        threads: Option<usize>,
    },
    /// Fit the simulated world from the platform's call records (CloudQueryPredictiveCallCdr
    /// responses, their Data.List arrays, JSON lines or CSV with the SDK's field names):
    /// outcome shares, answer probability by hour, time to answer, talk time and patience
    /// with censoring, each with its 95 % interval. Exit 0, or 2 on invalid input
    Fit {
        /// Record files, any number, any order; duplicates by UniqueId count once
        #[arg(required = true)]
        records: Vec<PathBuf>,
        /// The scenario whose customers and talk time the fit replaces (default: the bundled
        /// quickstart)
        #[arg(long)]
        base: Option<PathBuf>,
        /// Write scenario.json (the fitted scenario), fit.json and index.html here
        #[arg(long)]
        out: Option<PathBuf>,
        /// Print fit.json instead of the summary
        #[arg(long)]
        json: bool,
        /// The enterprise's time zone, in which hours and weekdays are read
        #[arg(long, default_value = "Asia/Shanghai")]
        tz: String,
        /// Any malformed row is an error (exit 2) instead of counted and skipped
        #[arg(long)]
        strict: bool,
        /// Simulate the fitted scenario and compare its figures with the records'
        #[arg(long)]
        backtest: bool,
        /// Replications of the back-test
        #[arg(long, default_value_t = 5)]
        reps: u32,
    },
    /// Serve the platform's task API (CloudCreateTask, CloudImportTaskTel, CloudStartTask,
    /// CloudMonitorTask, CloudQueryPredictiveCallCdr, ...) on a simulated world, for the
    /// official SDK and your own integration. The first line printed is `listening on
    /// http://HOST:PORT`
    Serve {
        /// The world: any scenario; its enterprise and customers are served, its tasks are
        /// not (tasks come from requests). Default: the bundled quickstart
        #[arg(long)]
        world: Option<PathBuf>,
        /// Address to listen on (port 0: the system picks one)
        #[arg(long, default_value = "127.0.0.1:8090")]
        listen: String,
        /// Access key pairs, one `ID SECRET` a line (default: the development pair of the
        /// README)
        #[arg(long)]
        keys: Option<PathBuf>,
        /// Keep the journal of accepted operations here and replay it on start (default:
        /// state in memory only)
        #[arg(long)]
        data: Option<PathBuf>,
        /// Simulated time: real, speed:N (N simulated seconds a second) or manual (moved by
        /// POST /dialsim/advance)
        #[arg(long, default_value = "real")]
        clock: String,
        /// How far the world may run, days
        #[arg(long, default_value_t = 7.0)]
        horizon_days: f64,
    },
    /// Print the scenario JSON Schema.
    Schema,
}

/// Print `msg` to stderr; exit 2 (invalid input).
fn invalid(msg: impl std::fmt::Display) -> anyhow::Result<ExitCode> {
    eprintln!("{msg}");
    Ok(ExitCode::from(EXIT_INVALID))
}

/// A scenario file's text (within the input limit) and its parsed shape, or the message.
fn read_scenario(
    path: &std::path::Path,
) -> Result<(String, dialsim::scenario::ScenarioFile), String> {
    let text = dialsim::limits::read_capped(path, dialsim::limits::MAX_INPUT_BYTES)
        .map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
    let file =
        dialsim::scenario::parse(&text, &path.display().to_string()).map_err(|e| e.to_string())?;
    Ok((text, file))
}

/// `--reps` and `--threads` within their limits (the message names the flag).
fn check_reps_threads(reps: u32, threads: Option<usize>) -> Result<(), String> {
    if !(1..=dialsim::limits::MAX_REPS).contains(&reps) {
        return Err(format!(
            "--reps {reps}: from 1 to {}",
            dialsim::limits::MAX_REPS
        ));
    }
    if let Some(t) = threads.filter(|&t| t > dialsim::limits::MAX_THREADS) {
        return Err(format!(
            "--threads {t}: at most {}",
            dialsim::limits::MAX_THREADS
        ));
    }
    Ok(())
}

/// Run the command line.
pub fn run() -> anyhow::Result<ExitCode> {
    let cli = Cli::parse();
    match cli.command {
        Command::Validate { file, json } => validate::run(&file, json),
        Command::Run {
            scenario,
            seed,
            reps,
            pacer,
            json,
            out,
            cdr,
        } => run::run(run::Options {
            path: scenario,
            seed,
            reps,
            pacer,
            json,
            out,
            cdr,
        }),
        Command::Sweep {
            scenario,
            sets,
            reps,
            seed,
            max_abandon,
            abandon_figure,
            json,
            out,
            shard,
            threads,
        } => sweep::run(sweep::Options {
            scenario,
            sets,
            reps,
            seed,
            max_abandon_pct: max_abandon,
            abandon_figure,
            json,
            out,
            shard,
            threads,
        }),
        Command::Merge {
            dirs,
            out,
            max_abandon,
            abandon_figure,
            json,
        } => sweep::merge(&dirs, &out, max_abandon, &abandon_figure, json),
        Command::Check { scenarios } => check::run(&scenarios),
        Command::Serve {
            world,
            listen,
            keys,
            data,
            clock,
            horizon_days,
        } => serve::run(serve::Options {
            world,
            listen,
            keys,
            data,
            clock,
            horizon_days,
        }),
        Command::Fit {
            records,
            base,
            out,
            json,
            tz,
            strict,
            backtest,
            reps,
        } => fit::run(fit::Options {
            records,
            base,
            out,
            json,
            tz,
            strict,
            backtest,
            reps,
        }),
        Command::Compare {
            scenario,
            pacers,
            reps,
            seed,
            at,
            cap,
            json,
            out,
            threads,
        } => compare::run(compare::Options {
            scenario,
            pacers,
            reps,
            seed,
            at,
            cap_pct: cap,
            json,
            out,
            threads,
        }),
        Command::Schema => {
            outln!(
                "{}",
                serde_json::to_string_pretty(&dialsim::scenario::schema())?
            );
            Ok(ExitCode::from(EXIT_OK))
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn clap_definition_is_valid() {
        use clap::CommandFactory;
        super::Cli::command().debug_assert();
    }
}
