//! Reading and validating a raw CreateTask request into a [`CreateTask`].
//!
//! The raw request is a JSON object of API parameters (or the query-string form). Values may be
//! JSON strings or numbers; JSON-in-string parameters may also be given as JSON values. The
//! reader records every problem it meets and keeps going, so one answer lists all of them.
//! Rules that need an enterprise (do the agents, group, IVR, voices, time conditions and
//! template exist?) run only when an [`Enterprise`] is given.

use super::codes::*;
use super::problem::{Problem, ProblemCode as P, Warning, WarningCode as W};
use super::task::*;
use super::wire::{bad_encoding, form_decode};
use crate::enterprise::Enterprise;
use jiff::civil::{Date, Time};
use serde_json::{Map, Value};

/// Every CreateTask parameter, in the order of the API page.
pub const PARAMS: &[&str] = &[
    "EnterpriseId",
    "Name",
    "Description",
    "Type",
    "TemplateName",
    "AutoStart",
    "AutoStartDay",
    "AutoStartTime",
    "AutoStop",
    "AutoStopDay",
    "AutoStopTime",
    "ForceEndFlag",
    "AutoTaskType",
    "AutoTriggerTimeStrategy",
    "AutoComplete",
    "RetryStrategy",
    "RetryStrategyTimeType",
    "RetryStrategyOnlyToday",
    "CallPriorityStrategy",
    "CustomerClidsCategory",
    "CustomerClids",
    "CustomerClidType",
    "ClidProperty",
    "CustomerClidWeightFlag",
    "CustomerClidWeight",
    "CustomerClidsGroup",
    "CustomerTimeout",
    "CallRouteStrategy",
    "IvrId",
    "IvrName",
    "Concurrency",
    "UserFields",
    "CallVariables",
    "TimeStrategy",
    "AutoDelete",
    "CallGroupType",
    "Cnos",
    "AgentGroup",
    "CallStrategy",
    "AgentTimeout",
    "Wrapup",
    "MaxWaitTime",
    "MinAvailableAgentCount",
    "Quotiety",
    "PredictAdjust",
    "CallLimitStrategy",
    "CustomerMoh",
    "CustomerVoice",
    "AnswerRate",
    "WarmUpDuration",
    "IsRewarm",
];

/// The API's common request parameters: accepted and ignored, so a request copied from an
/// integration's logs validates as it is. Any key starting with `Signature` is also common.
pub const COMMON_PARAMS: &[&str] = &[
    "Action",
    "Version",
    "Format",
    "RegionId",
    "AccessKeyId",
    "Timestamp",
    "SecurityToken",
];

/// Most characters a UserFields or CallVariables value may have.
pub const MAX_FIELD_VALUE_CHARS: usize = 1000;
/// Most CallVariables entries.
pub const MAX_CALL_VARIABLES: usize = 5;
/// Quotiety above this many percent draws a warning (the common 3 % legal cap).
pub const LEGAL_ABANDON_CAP_PERCENT: u32 = 3;
/// WarmUpDuration under this many mean talk times draws a warning: fewer calls than that end
/// during warm-up, so measured statistics are thin when it ends.
pub const WARM_UP_TALK_TIMES: f64 = 3.0;

/// What validation found: the task when there are no problems, and the warnings either way.
#[derive(Debug, Clone, PartialEq)]
pub struct Validation {
    /// The typed task, present exactly when `problems` is empty.
    pub task: Option<CreateTask>,
    /// Everything that makes the request invalid.
    pub problems: Vec<Problem>,
    /// Risks in a request (reported even when it is also invalid).
    pub warnings: Vec<Warning>,
}

impl Validation {
    /// True when the request is valid.
    pub fn is_valid(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Is `key` a common API parameter (ignored)?
pub fn is_common_param(key: &str) -> bool {
    COMMON_PARAMS.contains(&key) || key.starts_with("Signature")
}

/// The known parameter nearest to `key` (case-insensitive edit distance).
pub fn nearest_param(key: &str) -> &'static str {
    let lower = key.to_lowercase();
    PARAMS
        .iter()
        .copied()
        .min_by_key(|p| strsim::levenshtein(&lower, &p.to_lowercase()))
        .unwrap_or("EnterpriseId")
}

/// Validate a raw request. With an enterprise, the rules that need one run too, and the named
/// template's parameters are applied as defaults under the request's own.
pub fn validate(raw: &Map<String, Value>, enterprise: Option<&Enterprise>) -> Validation {
    validate_with(raw, enterprise, None)
}

/// As [`validate`], also given the agents' mean talk time (seconds) from a scenario, which the
/// WarmUpDuration warning compares against.
pub fn validate_with(
    raw: &Map<String, Value>,
    enterprise: Option<&Enterprise>,
    mean_talk_s: Option<f64>,
) -> Validation {
    let mut merged = Map::new();
    let mut pre = Vec::new();
    if let (Some(ent), Some(Value::String(tpl))) = (enterprise, raw.get("TemplateName")) {
        match ent.templates.iter().find(|t| &t.name == tpl) {
            Some(t) => merged.extend(t.params.clone()),
            None => pre.push(Problem {
                code: P::NotFound,
                param: "TemplateName".into(),
                value: tpl.clone(),
                rule: format!(
                    "must name a task template of enterprise {} (it has: {})",
                    ent.id,
                    names(ent.templates.iter().map(|t| t.name.as_str()))
                ),
            }),
        }
    }
    merged.extend(raw.clone());
    let mut r = Reader {
        map: &merged,
        problems: pre,
        warnings: Vec::new(),
    };
    let task = r.read_task();
    if let (Some(t), Some(ent)) = (&task, enterprise) {
        r.check_enterprise(t, ent);
    }
    if let Some(t) = &task {
        r.warn(t, enterprise, mean_talk_s);
    }
    let Reader {
        mut problems,
        warnings,
        ..
    } = r;
    problems.dedup();
    Validation {
        task: if problems.is_empty() { task } else { None },
        problems,
        warnings,
    }
}

fn names<'a>(it: impl Iterator<Item = &'a str>) -> String {
    let v: Vec<&str> = it.collect();
    if v.is_empty() {
        "none".into()
    } else {
        v.join(", ")
    }
}

mod enterprise_rules;
mod json_params;
mod reader;
mod task;
mod warnings;

use reader::*;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hundredths_are_exact() {
        assert!(matches!(parse_hundredths("17.62"), Hundredths::Ok(1762)));
        assert!(matches!(parse_hundredths("3"), Hundredths::Ok(300)));
        assert!(matches!(parse_hundredths("0.50"), Hundredths::Ok(50)));
        assert!(matches!(parse_hundredths("1.234"), Hundredths::TooPrecise));
        assert!(matches!(parse_hundredths("-1"), Hundredths::NotANumber));
        assert!(matches!(parse_hundredths("1e2"), Hundredths::NotANumber));
        assert!(matches!(
            parse_hundredths("123456789012345678901234.5"),
            Hundredths::Ok(i64::MAX)
        ));
        assert!(matches!(
            parse_hundredths("92233720368547758.07"),
            Hundredths::Ok(i64::MAX)
        ));
    }

    #[test]
    fn delays_parse_days_hours_minutes() {
        assert_eq!(parse_delay("1-1-1").map(RetryDelay::seconds), Some(90_060));
        assert_eq!(parse_delay("0-0-0"), None);
        assert_eq!(parse_delay("0-24-0"), None);
        assert_eq!(parse_delay("0-0"), None);
    }

    #[test]
    fn nearest_param_catches_typos() {
        assert_eq!(nearest_param("Quotity"), "Quotiety");
        assert_eq!(nearest_param("maxwaittime"), "MaxWaitTime");
    }
}
