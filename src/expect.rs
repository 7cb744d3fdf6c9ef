//! `expect` blocks: bounds on report values, evaluated the way CI needs them.
//!
//! Each expectation is a dotted path into the report JSON with `min` and/or `max`. With several
//! replications a rate is judged on its 95 % interval: a `max` on the interval's upper end and
//! a `min` on its lower end, so a check passes only when the whole interval does.

use crate::report::lookup;
use crate::scenario::Bound;
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;

/// The verdict on one expectation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Verdict {
    /// Dotted report path.
    pub path: String,
    /// The bound.
    pub min: Option<f64>,
    /// The bound.
    pub max: Option<f64>,
    /// The mean measured value (None when the path is missing or not a number).
    pub value: Option<f64>,
    /// The interval, with replications.
    pub ci95: Option<[f64; 2]>,
    /// Whether it holds.
    pub pass: bool,
}

impl std::fmt::Display for Verdict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mark = if self.pass { "PASS" } else { "FAIL" };
        let bounds = match (self.min, self.max) {
            (Some(a), Some(b)) => format!("{a} <= x <= {b}"),
            (Some(a), None) => format!("x >= {a}"),
            (None, Some(b)) => format!("x <= {b}"),
            (None, None) => String::new(),
        };
        match (self.value, self.ci95) {
            (None, _) => write!(
                f,
                "{mark}  {}: not in the report (expected {bounds})",
                self.path
            ),
            (Some(v), None) => write!(f, "{mark}  {} = {v:.6}  (expected {bounds})", self.path),
            (Some(v), Some([lo, hi])) => write!(
                f,
                "{mark}  {} = {v:.6}, 95 % [{lo:.6}, {hi:.6}]  (expected {bounds} over the interval)",
                self.path
            ),
        }
    }
}

/// Judge every expectation against a report.
pub fn evaluate(report: &Value, expect: &BTreeMap<String, Bound>) -> Vec<Verdict> {
    expect
        .iter()
        .map(|(path, b)| {
            // Numbers, and booleans as 1 (true) or 0 (false).
            let value = lookup(report, path).and_then(|v| {
                v.as_f64()
                    .or_else(|| v.as_bool().map(|b| f64::from(u8::from(b))))
            });
            let ci95 = path
                .rsplit_once('.')
                .and_then(|(parent, key)| {
                    lookup(report, parent).and_then(|p| p.get(format!("{key}_ci95")))
                })
                .and_then(Value::as_array)
                .and_then(|a| Some([a.first()?.as_f64()?, a.get(1)?.as_f64()?]));
            let (lo, hi) = match (value, ci95) {
                (Some(_), Some([lo, hi])) => (lo, hi),
                (Some(v), None) => (v, v),
                (None, _) => (f64::NAN, f64::NAN),
            };
            let pass =
                value.is_some() && b.min.is_none_or(|m| lo >= m) && b.max.is_none_or(|m| hi <= m);
            Verdict {
                path: path.clone(),
                min: b.min,
                max: b.max,
                value,
                ci95,
                pass,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn intervals_decide_with_replications() {
        let r = json!({"overall": {"abandon_rate": 0.025, "abandon_rate_ci95": [0.02, 0.031], "placed": 10}});
        let mut e = BTreeMap::new();
        e.insert(
            "overall.abandon_rate".to_string(),
            Bound {
                min: None,
                max: Some(0.03),
            },
        );
        e.insert(
            "overall.placed".to_string(),
            Bound {
                min: Some(5.0),
                max: None,
            },
        );
        e.insert(
            "overall.nothing".to_string(),
            Bound {
                min: Some(0.0),
                max: None,
            },
        );
        let v = evaluate(&r, &e);
        let by: BTreeMap<&str, bool> = v.iter().map(|x| (x.path.as_str(), x.pass)).collect();
        assert!(
            !by["overall.abandon_rate"],
            "the interval's upper end is over the cap"
        );
        assert!(by["overall.placed"]);
        assert!(!by["overall.nothing"], "a missing path fails");
    }
}
