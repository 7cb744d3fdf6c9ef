//! The platform's task API as `dialsim serve` answers it (issue 10). This first part owns who
//! is asking: [`sign`] authenticates a request signed the way the official SDK signs it
//! (ACS3-HMAC-SHA256) or the way older clients do (signature v1, HMAC-SHA1), refuses stale
//! dates and reused nonces, and hands on the request's parameters.

pub mod sign;
