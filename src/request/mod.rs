//! The CreateTask model: typed parameters, validation, the response shape, the codes.
//!
//! Data flows `raw JSON object → validate → CreateTask` (or the full list of problems).
//! Nothing here does I/O; the CLI reads files and prints.

pub mod codes;
pub mod parse;
pub mod problem;
pub mod response;
pub mod task;
pub mod wire;

pub use codes::*;
pub use parse::{PARAMS, Validation, validate, validate_with};
pub use problem::{Problem, ProblemCode, Warning, WarningCode};
pub use response::{ApiResponse, ErrorCode, TaskData, TaskFacts};
pub use task::*;
pub use wire::parse_query_string;
