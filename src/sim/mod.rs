//! The discrete-event core: simulated time, the event queue, per-entity random streams.
//! Nothing here does I/O or reads the wall clock.

pub mod rng;
