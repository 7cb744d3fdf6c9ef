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
//! - [`request`]: the CreateTask model (typed parameters, validation, response, codes).
//! - [`enterprise`]: the objects a request refers to (agents, groups, IVRs, voices, …).
//! - [`platform`]: the platform store and its operations (limits, lifecycle, exclusivity).
//! - [`scenario`]: the scenario file, loaded and checked into typed tasks.
//! - [`dist`]: named duration distributions.
//! - [`sim`]: time, the event queue, per-entity random streams.
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

pub mod dist;
pub mod enterprise;
pub mod metrics;
pub mod pacing;
pub mod platform;
pub mod report;
pub mod request;
pub mod scenario;
pub mod sim;
pub mod stats;
pub mod world;

/// Run a scenario `reps` times (replication `r` uses seed `mix(seed, r)`, replication 0 the
/// seed itself) and return the report JSON, merged with 95 % intervals when `reps > 1`.
pub fn simulate(
    sc: &scenario::Scenario,
    seed: u64,
    reps: u32,
    pacer: Option<&scenario::PacerSpec>,
) -> serde_json::Value {
    let reports: Vec<serde_json::Value> = (0..u64::from(reps.max(1)))
        .map(|r| {
            let s = if r == 0 {
                seed
            } else {
                sim::rng::mix(
                    seed ^ sim::rng::mix(r ^ (sim::rng::Stream::Replication as u64) << 56),
                )
            };
            report::run_json(sc, &world::engine::run(sc, s, pacer))
        })
        .collect();
    report::merge(&reports)
}
