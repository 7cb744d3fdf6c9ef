//! All integration tests, one binary (matklad's "Delete Cargo Integration Tests"), one file per
//! behaviour.

mod abandon_definition;
mod api_page;
mod architecture;
mod calendar_rules;
mod cli;
mod compare;
mod engine_pacing;
mod fidelity;
mod fit;
mod golden;
mod hostile;
mod live;
mod pacer_comparison;
mod platform_store;
mod queue_order;
mod reference_model;
mod replay;
mod report_page;
mod request_props;
mod request_rules;
mod scenario_checks;
mod serve;
mod support;
mod sweep_check;
mod update_task;
