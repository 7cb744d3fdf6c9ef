//! # dialsim — a predictive-dialer simulation engine
//!
//! A cloud call-centre creates outbound call tasks with one API request, **CreateTask**. A
//! predictive task dials customers before agents are free; its pacing parameters decide
//! whether agents sit idle or answered customers are dropped. dialsim validates the exact
//! request, runs the task in a discrete-event simulation against simulated agents and
//! customers, and reports abandon rate and agent utilisation.
//!
//! Data flows one way: request → scenario → engine (sim + world + pacing) → metrics → report.
//!
//! ```text
//! raw request ──► request::validate ──► CreateTask ─┐
//! scenario file ──► scenario::parse ──► check ──────┴─► Scenario ──► world::engine::run
//!                                                        ──► world::result::RunResult ──► report
//! ```
//!
//! The modules, in that order (ARCHITECTURE.md has the full map, with what each must not know):
//!
//! - [`request`]: the CreateTask model (typed parameters, validation, wire encoding, response, codes).
//! - [`enterprise`]: the objects a request refers to (agents, groups, IVRs, voices, …).
//! - [`platform`]: the platform store and its operations (limits, lifecycle, exclusivity).
//! - [`abandon`]: the abandon-rate definition of a task, its per-minute tally and compliance windows.
//! - [`calendar`]: wall-clock time of simulated instants, time conditions as windows.
//! - [`dist`]: named duration distributions.
//! - [`scenario`]: the scenario file, loaded and checked into typed tasks.
//! - [`sim`]: simulated time, the event queue, per-entity random streams.
//! - [`pacing`]: the pacers and the `PacerSpec` that names one.
//! - [`world`]: the engine that runs a scenario, and what a run measured.
//! - [`metrics`]: counts, state times, buckets, percentiles.
//! - [`stats`]: means and Student-t intervals.
//! - [`theory`]: Erlang A and Erlang C, and the analytic estimate of a scenario that is that model.
//! - [`report`]: the report JSON, replication merge, the terminal table, CSV.
//! - [`expect`]: a scenario's `expect` block evaluated on a report.
//! - [`sweep`]: grids of parameters or pacers on the same customers, the recommendation.
//! - [`compare`]: pacers at equal abandon, read along each pacer's utilisation-against-abandon frontier.
//! - [`page`]: the HTML report pages with their charts.
//! - [`cdr`]: call records in the platform's `CloudQueryPredictiveCallCdr` shape.
//! - [`fit`]: the world fitted from call records: survival estimates, censored likelihood, back-test.
//!
//! ```
//! use serde_json::json;
//! let raw = json!({"EnterpriseId": 36, "Name": "spring", "Type": 1, "Cnos": "1000,1001",
//!                  "Quotiety": "3"});
//! let v = dialsim::request::validate(raw.as_object().unwrap(), None);
//! let task = v.task.expect("valid");
//! assert_eq!(task.quotiety.percent(), 3.0);
//! assert_eq!(task.wrapup_s, 30); // the platform default
//! ```

#![warn(missing_docs)]

pub mod abandon;
pub mod api;
pub mod calendar;
pub mod cdr;
pub mod compare;
pub mod dist;
pub mod enterprise;
pub mod expect;
pub mod fit;
pub mod limits;
pub mod metrics;
pub mod pacing;
pub mod page;
pub mod platform;
pub mod report;
pub mod request;
pub mod scenario;
pub mod sim;
pub mod stats;
pub mod sweep;
pub mod theory;
pub mod world;

/// The seed of replication `r`: replication 0 uses `seed` itself, replication `r` the seed
/// `mix(seed ^ mix(r ^ tag))`, so every cell of a sweep sees the same customers in the same
/// replication.
pub fn replication_seed_for(seed: u64, r: u32) -> u64 {
    if r == 0 {
        seed
    } else {
        sim::rng::mix(
            seed ^ sim::rng::mix(u64::from(r) ^ (sim::rng::Stream::Replication as u64) << 56),
        )
    }
}

/// The report JSON of replication `r` of a scenario (replication 0 uses `seed` itself, replication r a seed mixed from it).
pub fn run_replication(
    sc: &scenario::Scenario,
    seed: u64,
    r: u32,
    pacer: Option<&scenario::PacerSpec>,
) -> serde_json::Value {
    let s = replication_seed_for(seed, r);
    report::run_json(sc, &world::engine::run(sc, s, pacer))
}

/// Run a scenario `reps` times (see [`run_replication`]) and return the report JSON, merged
/// with 95 % intervals when `reps > 1`. Replications run in parallel; the result does not
/// depend on the thread count.
pub fn simulate(
    sc: &scenario::Scenario,
    seed: u64,
    reps: u32,
    pacer: Option<&scenario::PacerSpec>,
) -> serde_json::Value {
    simulate_with_calls(sc, seed, reps, pacer, false).0
}

/// [`simulate`], also returning the call records of replication 0 when `record_calls`
/// (that replication is run once, recording as it goes).
pub fn simulate_with_calls(
    sc: &scenario::Scenario,
    seed: u64,
    reps: u32,
    pacer: Option<&scenario::PacerSpec>,
    record_calls: bool,
) -> (serde_json::Value, Vec<world::result::CallRecord>) {
    use rayon::prelude::*;
    let runs: Vec<(serde_json::Value, Vec<world::result::CallRecord>)> = (0..reps.max(1))
        .into_par_iter()
        .map(|r| {
            let mut run = world::engine::run_with(
                sc,
                replication_seed_for(seed, r),
                pacer,
                record_calls && r == 0,
            );
            let calls = std::mem::take(&mut run.calls);
            (report::run_json(sc, &run), calls)
        })
        .collect();
    let mut calls = Vec::new();
    let mut reports = Vec::with_capacity(runs.len());
    for (i, (report, c)) in runs.into_iter().enumerate() {
        if i == 0 {
            calls = c;
        }
        reports.push(report);
    }
    (report::merge(&reports), calls)
}
