//! All integration tests, one binary (matklad's "Delete Cargo Integration Tests"), one file per
//! behaviour.

mod api_page;
mod cli;
mod engine_pacing;
mod pacer_comparison;
mod platform_store;
mod request_props;
mod request_rules;
mod sweep_check;
