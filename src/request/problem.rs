//! Validation problems (errors) and warnings, each with a stable machine code.
//!
//! A [`Problem`] makes a request invalid; a [`Warning`] leaves it valid but risky. Both name
//! the parameter, the offending value and the rule, so a message is actionable on its own.
//! The codes are part of the stable contract: scripts match on them, so they are never
//! renamed (new ones may be added).

use serde::{Deserialize, Serialize};
use std::fmt;

/// Why a request is invalid. The string form (`as_str`) is the stable code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum ProblemCode {
    /// A required parameter is absent.
    MissingParameter,
    /// A parameter required by another parameter's value is absent.
    ConditionallyRequired,
    /// A key that is not a CreateTask parameter (the message suggests the nearest one).
    UnknownParameter,
    /// A value of the wrong JSON type, or a string that is not a number.
    InvalidType,
    /// A number outside its range.
    OutOfRange,
    /// An integer code that is not one of the enumeration's codes.
    InvalidCode,
    /// A string longer than allowed.
    TooLong,
    /// A date, time, list or encoding not in its format.
    InvalidFormat,
    /// A JSON-in-string parameter that does not parse or has the wrong shape.
    InvalidJson,
    /// More than two decimals where two is the precision.
    InvalidPrecision,
    /// A list with too many entries.
    TooMany,
    /// Parameters that contradict each other.
    Conflict,
    /// A reference (agent, group, IVR, voice, time condition, template) the enterprise lacks.
    NotFound,
}

impl ProblemCode {
    /// The stable code string, e.g. `InvalidParameter.OutOfRange`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::MissingParameter => "MissingParameter",
            Self::ConditionallyRequired => "MissingParameter.Conditional",
            Self::UnknownParameter => "InvalidParameter.Unknown",
            Self::InvalidType => "InvalidParameter.Type",
            Self::OutOfRange => "InvalidParameter.OutOfRange",
            Self::InvalidCode => "InvalidParameter.Code",
            Self::TooLong => "InvalidParameter.TooLong",
            Self::InvalidFormat => "InvalidParameter.Format",
            Self::InvalidJson => "InvalidParameter.Json",
            Self::InvalidPrecision => "InvalidParameter.Precision",
            Self::TooMany => "InvalidParameter.TooMany",
            Self::Conflict => "InvalidParameter.Conflict",
            Self::NotFound => "InvalidParameter.NotFound",
        }
    }
}

/// Why a valid request is risky. The string form (`as_str`) is the stable code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum WarningCode {
    /// Quotiety above 3 %: over the common legal abandon cap.
    QuotietyAboveLegalCap,
    /// MinAvailableAgentCount above the agents the task can have: it will pause itself.
    MinAvailableAboveTeam,
    /// Concurrency 0 (unlimited) with fewer than 10 agents.
    UnlimitedConcurrencySmallTeam,
    /// WarmUpDuration shorter than a few average talk times.
    ShortWarmUp,
    /// AutoStop without ForceEndFlag: the task pauses at the stop time, it does not end.
    AutoStopPausesOnly,
    /// A parameter that only takes effect with another one, given without it.
    Ignored,
}

impl WarningCode {
    /// The stable code string.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::QuotietyAboveLegalCap => "Risk.QuotietyAboveLegalCap",
            Self::MinAvailableAboveTeam => "Risk.MinAvailableAboveTeam",
            Self::UnlimitedConcurrencySmallTeam => "Risk.UnlimitedConcurrencySmallTeam",
            Self::ShortWarmUp => "Risk.ShortWarmUp",
            Self::AutoStopPausesOnly => "Risk.AutoStopPausesOnly",
            Self::Ignored => "Notice.Ignored",
        }
    }
}

/// One thing wrong with a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    /// Stable machine code.
    pub code: ProblemCode,
    /// The parameter (with a path inside JSON-in-string values, e.g. `RetryStrategy.strategy[1].time`).
    pub param: String,
    /// The offending value as given (empty when absent).
    pub value: String,
    /// The rule that was broken, in words.
    pub rule: String,
}

/// One risk in a valid request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Warning {
    /// Stable machine code.
    pub code: WarningCode,
    /// The parameter concerned.
    pub param: String,
    /// Its value.
    pub value: String,
    /// What the risk is, in words.
    pub rule: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.value.is_empty() {
            write!(f, "[{}] {}: {}", self.code.as_str(), self.param, self.rule)
        } else {
            write!(
                f,
                "[{}] {} = {:?}: {}",
                self.code.as_str(),
                self.param,
                self.value,
                self.rule
            )
        }
    }
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "[{}] {} = {:?}: {}",
            self.code.as_str(),
            self.param,
            self.value,
            self.rule
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The codes in the first column of the README's "Problem codes (stable)" table.
    fn readme_problem_codes() -> Vec<String> {
        let readme = include_str!("../../README.md");
        let table = readme
            .split("### Problem codes (stable)")
            .nth(1)
            .and_then(|t| t.split("\n\n").nth(1))
            .expect("the README's problem code table");
        table
            .lines()
            .skip(2)
            .filter_map(|l| l.split('`').nth(1).map(str::to_string))
            .collect()
    }

    #[test]
    fn the_codes_are_the_readme_tables() {
        use ProblemCode as P;
        let all = [
            P::MissingParameter,
            P::ConditionallyRequired,
            P::UnknownParameter,
            P::InvalidType,
            P::OutOfRange,
            P::InvalidCode,
            P::TooLong,
            P::InvalidFormat,
            P::InvalidJson,
            P::InvalidPrecision,
            P::TooMany,
            P::Conflict,
            P::NotFound,
        ];
        let codes: Vec<&str> = all.iter().map(|c| c.as_str()).collect();
        assert_eq!(codes, readme_problem_codes());
        use WarningCode as W;
        let readme = include_str!("../../README.md");
        let warnings = readme
            .split("Warnings: ")
            .nth(1)
            .and_then(|t| t.split("\n\n").next())
            .expect("the README's warnings");
        let documented: Vec<&str> = warnings.split('`').skip(1).step_by(2).collect();
        let all = [
            W::QuotietyAboveLegalCap,
            W::MinAvailableAboveTeam,
            W::UnlimitedConcurrencySmallTeam,
            W::ShortWarmUp,
            W::AutoStopPausesOnly,
            W::Ignored,
        ];
        let codes: Vec<&str> = all.iter().map(|c| c.as_str()).collect();
        assert_eq!(codes, documented);
    }

    #[test]
    fn problems_and_warnings_read_code_parameter_value_and_rule() {
        let w = Warning {
            code: WarningCode::QuotietyAboveLegalCap,
            param: "Quotiety".into(),
            value: "3.5".into(),
            rule: "over 3".into(),
        };
        assert_eq!(
            w.to_string(),
            "[Risk.QuotietyAboveLegalCap] Quotiety = \"3.5\": over 3"
        );
        let p = Problem {
            code: ProblemCode::MissingParameter,
            param: "Name".into(),
            value: String::new(),
            rule: "is required".into(),
        };
        assert_eq!(p.to_string(), "[MissingParameter] Name: is required");
        let p = Problem {
            value: "x".into(),
            ..p
        };
        assert_eq!(
            p.to_string(),
            "[MissingParameter] Name = \"x\": is required"
        );
    }
}
