//! `dialsim validate FILE [--json]`.

use super::{EXIT_INVALID, EXIT_OK};
use dialsim::request::{
    ApiResponse, TaskData, TaskFacts, parse_query_string, response::request_id, validate,
};
use dialsim::scenario::{self, ScenarioError};
use serde_json::{Map, Value, json};
use std::path::Path;
use std::process::ExitCode;

enum Input {
    Request(Map<String, Value>),
    Scenario,
}

fn classify(text: &str) -> Result<Input, String> {
    let trimmed = text.trim_start();
    if !trimmed.starts_with('{') {
        // JSON that is not an object (an array, a number, a string) is no request; anything
        // else is read as the query-string form.
        if let Ok(v) = serde_json::from_str::<Value>(text) {
            let kind = match v {
                Value::Array(_) => "an array",
                Value::String(_) => "a string",
                Value::Number(_) => "a number",
                Value::Bool(_) => "a boolean",
                Value::Null => "null",
                Value::Object(_) => "an object",
            };
            return Err(format!(
                "not a JSON object (it is {kind}): a request is a JSON object of API parameters, or the query-string form"
            ));
        }
        return parse_query_string(text)
            .map(Input::Request)
            .map_err(|p| p.to_string());
    }
    let value: Value = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
    match value {
        Value::Object(m) if m.contains_key("tasks") && m.contains_key("enterprise") => {
            Ok(Input::Scenario)
        }
        Value::Object(m) => Ok(Input::Request(m)),
        _ => Err("a request is a JSON object of API parameters".into()),
    }
}

/// Validate a request or a scenario; print problems then warnings.
pub fn run(path: &Path, as_json: bool) -> anyhow::Result<ExitCode> {
    let text = match dialsim::limits::read_capped(path, dialsim::limits::MAX_INPUT_BYTES) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("{}: cannot read: {e}", path.display());
            return Ok(ExitCode::from(EXIT_INVALID));
        }
    };
    // A byte-order mark is not part of the request.
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text).to_string();
    let input = match classify(&text) {
        Ok(i) => i,
        Err(e) => {
            eprintln!("{}: {e}", path.display());
            return Ok(ExitCode::from(EXIT_INVALID));
        }
    };
    match input {
        Input::Request(raw) => {
            let v = validate(&raw, None);
            let rid = request_id(1, &text);
            let response = match &v.task {
                Some(task) => {
                    let facts = TaskFacts {
                        id: 1,
                        status: 0,
                        create_time: "1970-01-01 00:00:00".into(),
                        start_time: None,
                        over_time: None,
                        ivr_id: None,
                    };
                    ApiResponse::ok(rid, TaskData::of(task, &facts))
                }
                None => ApiResponse::invalid(rid, &v.problems),
            };
            if as_json {
                let mut out = serde_json::to_value(&response)?;
                if let Value::Object(o) = &mut out {
                    o.insert("Problems".into(), serde_json::to_value(&v.problems)?);
                    o.insert("Warnings".into(), serde_json::to_value(&v.warnings)?);
                }
                outln!("{}", serde_json::to_string_pretty(&out)?);
            } else {
                print_text(
                    path,
                    &v.problems
                        .iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>(),
                    &v.warnings
                        .iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>(),
                )?;
            }
            Ok(ExitCode::from(if v.is_valid() {
                EXIT_OK
            } else {
                EXIT_INVALID
            }))
        }
        Input::Scenario => {
            let result = scenario::parse(&text, &path.display().to_string())
                .and_then(|f| f.check(&text, path));
            let (problems, warnings): (Vec<String>, Vec<String>) = match &result {
                Ok(s) => (
                    Vec::new(),
                    s.warnings
                        .iter()
                        .map(|(p, w)| format!("{p}: {w}"))
                        .collect(),
                ),
                Err(ScenarioError::Invalid(list)) => {
                    (list.iter().map(ToString::to_string).collect(), Vec::new())
                }
                Err(e) => (vec![e.to_string()], Vec::new()),
            };
            if as_json {
                let rid = request_id(1, &text);
                let out = json!({"RequestId": rid, "Code": if problems.is_empty() {"OK"} else {"InvalidParameter"},
                    "Message": if problems.is_empty() {"OK".to_string()} else {problems.join("\n")},
                    "Problems": problems, "Warnings": warnings});
                outln!("{}", serde_json::to_string_pretty(&out)?);
            } else {
                print_text(path, &problems, &warnings)?;
            }
            Ok(ExitCode::from(if problems.is_empty() {
                EXIT_OK
            } else {
                EXIT_INVALID
            }))
        }
    }
}

fn print_text(path: &Path, problems: &[String], warnings: &[String]) -> anyhow::Result<()> {
    if problems.is_empty() {
        outln!("{}: valid", path.display());
    } else {
        outln!(
            "{}: invalid, {} problem(s):",
            path.display(),
            problems.len()
        );
        for p in problems {
            outln!("  error: {p}");
        }
    }
    if !warnings.is_empty() {
        outln!("{} warning(s):", warnings.len());
        for w in warnings {
            outln!("  warning: {w}");
        }
    }
    Ok(())
}
