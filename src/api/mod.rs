//! The platform's task API as `dialsim serve` answers it (issue 10): [`sign`] authenticates
//! a request signed the way the official SDK signs it (ACS3-HMAC-SHA256) or the way older
//! clients do (signature v1, HMAC-SHA1); [`ops`] answers each operation in the SDK's shapes;
//! [`world`] owns the world and its journal (pure); [`journal`] keeps the journal on disk;
//! [`http`] serves it all on tokio and hyper, with the simulated clock.

pub mod http;
pub mod journal;
pub mod ops;
pub mod sign;
pub mod world;
