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
    Adaptive(AdaptiveSpec),
    /// The bound no real pacer can beat: dials only the numbers that will answer, timed from
    /// the pre-drawn outcomes so that each answers as an agent frees.
    Clairvoyant,
}

fn three() -> f64 {
    3.0
}

/// The settings of the adaptive pacer, named after VICIdial's campaign fields.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AdaptiveSpec {
    /// What happens when the drop rate today exceeds the target (VICIdial's dial method
    /// ADAPT_HARD_LIMIT, ADAPT_AVERAGE, ADAPT_TAPERED).
    #[serde(default)]
    pub variant: super::AdaptiveVariant,
    /// Drop-rate target in percent (`adaptive_dropped_percentage`; default: the task's
    /// Quotiety, or 3 when it is 0).
    #[serde(default)]
    pub drop_target_pct: Option<f64>,
    /// Highest dial level (`adaptive_maximum_level`, VICIdial's default 3.0).
    #[serde(default = "three")]
    pub max_level: f64,
    /// `adaptive_intensity`, −40 to 40 (default 0).
    #[serde(default)]
    pub intensity: f64,
    /// `adaptive_dl_diff_target`, in agents (default 0): how many agents to keep waiting
    /// (negative: calls to keep waiting).
    #[serde(default)]
    pub diff_target: f64,
    /// Where `diff_target` applies (`dl_diff_target_method`, default `adapt_calc_only`).
    #[serde(default)]
    pub diff_target_method: DiffTargetMethod,
    /// `available_only_ratio_tally`: count only the agents waiting for a call (default
    /// false, as in VICIdial).
    #[serde(default)]
    pub available_only: bool,
    /// Seconds between dialling rounds (`AST_VDauto_dial.pl`'s loop delay; VICIdial runs
    /// 2.5). A multiple of 0.5 from 0.5 to 10; default 1.
    #[serde(default = "one_f")]
    pub loop_s: f64,
    /// The dial level the run starts at (VICIdial's `auto_dial_level` carried over from the
    /// day before); from 1 to `max_level`, default 1.
    #[serde(default = "one_f")]
    pub start_level: f64,
}

impl Default for AdaptiveSpec {
    fn default() -> Self {
        AdaptiveSpec {
            variant: super::AdaptiveVariant::default(),
            drop_target_pct: None,
            max_level: 3.0,
            intensity: 0.0,
            diff_target: 0.0,
            diff_target_method: DiffTargetMethod::default(),
            available_only: false,
            loop_s: 1.0,
            start_level: 1.0,
        }
    }
}

/// Where the adaptive pacer's `diff_target` applies (VICIdial's `dl_diff_target_method`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DiffTargetMethod {
    /// Only in the dial-level update (`AST_VDadapt.pl`), VICIdial's default.
    #[default]
    AdaptCalcOnly,
    /// Also added to the agents counted when placing calls (`AST_VDauto_dial.pl`).
    CallsPlaced,
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
            PacerSpec::Adaptive(a) => a.check(),
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
                Ok(PacerSpec::Adaptive(AdaptiveSpec {
                    variant: match name {
                        "adaptive-hard-limit" => V::HardLimit,
                        "adaptive-tapered" => V::Tapered,
                        _ => V::Average,
                    },
                    ..AdaptiveSpec::default()
                }))
            }
            other if other.trim_start().starts_with('{') => {
                serde_json::from_str(other).map_err(|e| PacerError::Json {
                    text: other.to_string(),
                    message: with_nearest_field(&e.to_string()),
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
            PacerSpec::Adaptive(AdaptiveSpec { variant, .. }) => match variant {
                super::AdaptiveVariant::HardLimit => "adaptive(hard_limit)".into(),
                super::AdaptiveVariant::Average => "adaptive(average)".into(),
                super::AdaptiveVariant::Tapered => "adaptive(tapered)".into(),
            },
            PacerSpec::Clairvoyant => "clairvoyant".into(),
        }
    }
}

impl AdaptiveSpec {
    /// The adaptive pacer's own rules.
    pub fn check(&self) -> Result<(), PacerError> {
        let AdaptiveSpec {
            max_level,
            intensity,
            drop_target_pct,
            diff_target,
            loop_s,
            start_level,
            ..
        } = *self;
        if !(max_level.is_finite() && max_level >= 1.0) {
            return Err(PacerError::field(
                "adaptive.max_level",
                format!("{max_level} must be at least 1.0"),
            ));
        }
        if !(-40.0..=40.0).contains(&intensity) {
            return Err(PacerError::field(
                "adaptive.intensity",
                format!("{intensity} must be from -40 to 40"),
            ));
        }
        if let Some(t) = drop_target_pct
            && !(t.is_finite() && t > 0.0 && t <= 100.0)
        {
            return Err(PacerError::field(
                "adaptive.drop_target_pct",
                format!("{t} must be a percentage above 0"),
            ));
        }
        if !diff_target.is_finite() {
            return Err(PacerError::field(
                "adaptive.diff_target",
                format!("{diff_target} must be a number"),
            ));
        }
        if !((0.5..=10.0).contains(&loop_s) && (loop_s * 2.0).fract() == 0.0) {
            return Err(PacerError::field(
                "adaptive.loop_s",
                format!("{loop_s} must be a multiple of 0.5 from 0.5 to 10"),
            ));
        }
        if !(start_level >= 1.0 && start_level <= max_level) {
            return Err(PacerError::field(
                "adaptive.start_level",
                format!("{start_level} must be from 1 to max_level ({max_level})"),
            ));
        }
        Ok(())
    }
}

/// serde's message for an unknown key (`unknown field `x`, expected one of `a`, `b``), with
/// the nearest valid key named; any other message as it is.
pub fn with_nearest_field(message: &str) -> String {
    let Some(rest) = message.strip_prefix("unknown field `") else {
        return message.to_string();
    };
    let Some((key, rest)) = rest.split_once('`') else {
        return message.to_string();
    };
    let nearest = rest
        .split('`')
        .skip(1)
        .step_by(2)
        .min_by_key(|valid| strsim::levenshtein(key, valid));
    match nearest {
        Some(n) => format!("{message} (nearest: `{n}`)"),
        None => message.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pacing::AdaptiveVariant;

    fn field_of(json: &str) -> String {
        PacerSpec::from_cli(json)
            .expect_err(json)
            .field_name()
            .to_string()
    }

    #[test]
    fn each_rule_names_its_field() {
        assert_eq!(
            field_of(r#"{"ratio":{"per_idle_agent":2,"tick_s":0}}"#),
            "ratio.tick_s"
        );
        assert_eq!(
            field_of(r#"{"poisson":{"calls_per_s":0}}"#),
            "poisson.calls_per_s"
        );
        for bad in ["0", "-1", "100.5", "1e400"] {
            let json = format!(r#"{{"adaptive":{{"drop_target_pct":{bad}}}}}"#);
            // 1e400 is infinite to serde_json: an error of its own or of the rule.
            match PacerSpec::from_cli(&json) {
                Err(e) if bad != "1e400" => {
                    assert_eq!(e.field_name(), "adaptive.drop_target_pct", "{bad}")
                }
                Err(_) => {}
                Ok(_) => panic!("{bad} accepted"),
            }
        }
        for good in ["0.1", "3", "100"] {
            let json = format!(r#"{{"adaptive":{{"drop_target_pct":{good}}}}}"#);
            assert!(PacerSpec::from_cli(&json).is_ok(), "{good}");
        }
        assert!(PacerSpec::from_cli(r#"{"poisson":{"calls_per_s":0.5}}"#).is_ok());
        assert!(PacerSpec::from_cli(r#"{"ratio":{"per_idle_agent":2,"tick_s":0.5}}"#).is_ok());
    }

    #[test]
    fn adaptive_names_choose_the_variant_and_reports_name_every_pacer() {
        for (cli, variant, name) in [
            ("adaptive", AdaptiveVariant::Average, "adaptive(average)"),
            (
                "adaptive-average",
                AdaptiveVariant::Average,
                "adaptive(average)",
            ),
            (
                "adaptive-hard-limit",
                AdaptiveVariant::HardLimit,
                "adaptive(hard_limit)",
            ),
            (
                "adaptive-tapered",
                AdaptiveVariant::Tapered,
                "adaptive(tapered)",
            ),
        ] {
            let spec = PacerSpec::from_cli(cli).expect(cli);
            match &spec {
                PacerSpec::Adaptive(a) => assert_eq!(a.variant, variant, "{cli}"),
                other => panic!("{cli}: {other:?}"),
            }
            assert_eq!(spec.name(), name);
        }
        for (cli, name) in [
            ("platform", "platform"),
            ("progressive", "progressive"),
            ("clairvoyant", "clairvoyant"),
            (r#"{"ratio":{"per_idle_agent":2.5}}"#, "ratio(2.5)"),
            (r#"{"poisson":{"calls_per_s":0.5}}"#, "poisson(0.5/s)"),
        ] {
            assert_eq!(PacerSpec::from_cli(cli).expect(cli).name(), name);
        }
    }
}
