//! The simulated world: agents, customers, calls, the IVR and lines, run as discrete events.
//!
//! [`engine::run`] takes a checked [`Scenario`](crate::scenario::Scenario) and a seed and
//! returns the [`RunResult`](engine::RunResult). It is pure: no I/O, no clock, no global RNG.

pub mod engine;
pub mod result;
