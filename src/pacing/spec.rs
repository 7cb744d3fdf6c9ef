//! The pacer a scenario or the command line names ([`PacerSpec`]), its checks and its name in
//! reports. The scenario module depends on this one, never the reverse.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Why a pacer given in a scenario or on the command line cannot be used.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum PacerError {
    /// A field breaks its rule (e.g. `ratio.per_idle_agent` must be > 0).
    #[error("{field}: {rule}")]
    Field {
        /// The field, as `pacer.field`.
        field: String,
        /// The rule and the value.
        rule: String,
    },
    /// The name is no pacer.
    #[error(
        "unknown pacer {name:?}: use platform, progressive, adaptive (or adaptive-hard-limit, adaptive-tapered, adaptive-average), clairvoyant, or JSON such as {{\"ratio\":{{\"per_idle_agent\":2}}}} or {{\"poisson\":{{\"calls_per_s\":0.5}}}}"
    )]
    Unknown {
        /// What was given.
        name: String,
    },
    /// JSON that names a pacer but does not fit it (an unknown key, a missing field, a wrong
    /// type): serde's message names the key and the keys the pacer has.
    #[error("pacer {text}: {message}")]
    Json {
        /// What was given.
        text: String,
        /// What is wrong with it.
        message: String,
    },
}

impl PacerError {
    fn field(field: &str, rule: String) -> PacerError {
        PacerError::Field {
            field: field.to_string(),
            rule,
        }
    }

    /// The field at fault (empty for an unknown pacer).
    pub fn field_name(&self) -> &str {
        match self {
            PacerError::Field { field, .. } => field,
            PacerError::Unknown { .. } | PacerError::Json { .. } => "",
        }
    }

    /// The rule broken, in words.
    pub fn rule(&self) -> String {
        match self {
            PacerError::Field { rule, .. } => rule.clone(),
            other => other.to_string(),
        }
    }
}

fn one_f() -> f64 {
    1.0
}

/// Which pacer dials for a task.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase", deny_unknown_fields)]
pub enum PacerSpec {
    /// The platform's predictive pacer (default), driven by the request's pacing parameters.
    Platform,
    /// One call per idle agent.
    Progressive,
    /// A fixed number of lines per idle agent, topped up every tick.
    Ratio {
        /// Calls in progress per idle agent.
        per_idle_agent: f64,
        /// Tick, seconds (default 1).
        #[serde(default = "one_f")]
        tick_s: f64,
    },
    /// Open-loop Poisson arrivals of calls.
    Poisson {
        /// Calls per second.
        calls_per_s: f64,
    },
    /// VICIdial's adaptive dial level (see `pacing`).
    Adaptive {
        /// What happens when the drop rate since the start exceeds the target.
        #[serde(default)]
        variant: super::AdaptiveVariant,
        /// Drop-rate target in percent (default: the task's Quotiety, or 3 when it is 0).
        #[serde(default)]
        drop_target_pct: Option<f64>,
        /// Highest dial level (VICIdial's default 3.0).
        #[serde(default = "three")]
        max_level: f64,
        /// VICIdial's adaptive_intensity, −40 to 40 (default 0).
        #[serde(default)]
        intensity: f64,
        /// VICIdial's adaptive_dl_diff_target, in agents (default 0).
        #[serde(default)]
        diff_target: f64,
    },
    /// The bound no real pacer can beat: dials only the numbers that will answer, timed from
    /// the pre-drawn outcomes so that each answers as an agent frees.
    Clairvoyant,
}

fn three() -> f64 {
    3.0
}

impl PacerSpec {
    /// The pacer's own rules: `Err((field, rule))` when a value breaks one.
    pub fn check(&self) -> Result<(), PacerError> {
        let positive = |x: f64| x.is_finite() && x > 0.0;
        match self {
            PacerSpec::Ratio { per_idle_agent, .. } if !positive(*per_idle_agent) => {
                Err(PacerError::field(
                    "ratio.per_idle_agent",
                    format!("{per_idle_agent} must be > 0"),
                ))
            }
            PacerSpec::Ratio { tick_s, .. } if !positive(*tick_s) => Err(PacerError::field(
                "ratio.tick_s",
                format!("{tick_s} must be > 0"),
            )),
            PacerSpec::Poisson { calls_per_s } if !positive(*calls_per_s) => Err(
                PacerError::field("poisson.calls_per_s", format!("{calls_per_s} must be > 0")),
            ),
            PacerSpec::Adaptive { max_level, .. }
                if !(max_level.is_finite() && *max_level >= 1.0) =>
            {
                Err(PacerError::field(
                    "adaptive.max_level",
                    format!("{max_level} must be at least 1.0"),
                ))
            }
            PacerSpec::Adaptive { intensity, .. } if !(-40.0..=40.0).contains(intensity) => {
                Err(PacerError::field(
                    "adaptive.intensity",
                    format!("{intensity} must be from -40 to 40"),
                ))
            }
            PacerSpec::Adaptive {
                drop_target_pct: Some(t),
                ..
            } if !(t.is_finite() && *t > 0.0 && *t <= 100.0) => Err(PacerError::field(
                "adaptive.drop_target_pct",
                format!("{t} must be a percentage above 0"),
            )),
            PacerSpec::Adaptive { diff_target, .. } if !diff_target.is_finite() => {
                Err(PacerError::field(
                    "adaptive.diff_target",
                    format!("{diff_target} must be a number"),
                ))
            }
            _ => Ok(()),
        }
    }

    /// Parse a pacer given by name on the command line.
    pub fn from_cli(name: &str) -> Result<PacerSpec, PacerError> {
        let spec = PacerSpec::parse_cli(name)?;
        spec.check()?;
        Ok(spec)
    }

    fn parse_cli(name: &str) -> Result<PacerSpec, PacerError> {
        match name {
            "platform" => Ok(PacerSpec::Platform),
            "progressive" => Ok(PacerSpec::Progressive),
            "clairvoyant" => Ok(PacerSpec::Clairvoyant),
            "adaptive" | "adaptive-average" | "adaptive-hard-limit" | "adaptive-tapered" => {
                use super::AdaptiveVariant as V;
                Ok(PacerSpec::Adaptive {
                    variant: match name {
                        "adaptive-hard-limit" => V::HardLimit,
                        "adaptive-tapered" => V::Tapered,
                        _ => V::Average,
                    },
                    drop_target_pct: None,
                    max_level: 3.0,
                    intensity: 0.0,
                    diff_target: 0.0,
                })
            }
            other if other.trim_start().starts_with('{') => {
                serde_json::from_str(other).map_err(|e| PacerError::Json {
                    text: other.to_string(),
                    message: e.to_string(),
                })
            }
            other => Err(PacerError::Unknown {
                name: other.to_string(),
            }),
        }
    }
}

impl PacerSpec {
    /// The pacer's name in reports.
    pub fn name(&self) -> String {
        match self {
            PacerSpec::Platform => "platform".into(),
            PacerSpec::Progressive => "progressive".into(),
            PacerSpec::Ratio { per_idle_agent, .. } => format!("ratio({per_idle_agent})"),
            PacerSpec::Poisson { calls_per_s } => format!("poisson({calls_per_s}/s)"),
            PacerSpec::Adaptive { variant, .. } => match variant {
                super::AdaptiveVariant::HardLimit => "adaptive(hard_limit)".into(),
                super::AdaptiveVariant::Average => "adaptive(average)".into(),
                super::AdaptiveVariant::Tapered => "adaptive(tapered)".into(),
            },
            PacerSpec::Clairvoyant => "clairvoyant".into(),
        }
    }
}
