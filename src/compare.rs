//! `dialsim compare`: pacers judged at equal abandon.
//!
//! Comparing pacers at their own abandon rates says little: one pacer's extra utilisation may
//! be bought with abandons. This module owns the fair comparison. For each pacer it sweeps the
//! pacer's aggressiveness knob on the same customers (the same seeds and replications in every
//! cell, exactly the cells `dialsim sweep` would run), keeps the cells on the pacer's
//! utilisation-against-abandon frontier, and reads the frontier at the requested abandon
//! rates.
//!
//! - The knobs ([`Contender::knob`]): Quotiety for `platform` (0.5 to 10), the maximum dial
//!   level for `adaptive` (1 to 10; its other settings as given), lines per idle agent for
//!   `ratio` (1 to 8). `progressive` and `clairvoyant` have none: one cell each; the
//!   clairvoyant cell is the bound no real pacer can beat.
//! - The frontier: the cells sorted by mean abandon rate, keeping each whose mean utilisation
//!   is above every cell of lower abandon (the upper-left envelope).
//! - At an abandon rate `a` between two frontier cells, utilisation is interpolated linearly
//!   between them, and so are the ends of their 95 % intervals (an approximation: the
//!   interval of the line between two estimates, not a fitted model's). Below the frontier's
//!   first cell, the pacer cannot be that careful within its knob's range: no figure. Beyond
//!   its last cell, more abandon buys nothing within the range: the last cell's figure,
//!   marked `beyond_range`.

use crate::pacing::{AdaptiveSpec, PacerSpec};
use crate::scenario::ScenarioFile;
use crate::sweep::{self, Axis, CellResult, Prepared, SweepError};
use serde_json::{Value, json};
use std::path::Path;

/// Why a comparison cannot run.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum CompareError {
    /// A pacer of the list cannot be compared (unknown, or without a knob to sweep).
    #[error("--pacers: {item:?}: {rule}")]
    Pacer {
        /// The list item.
        item: String,
        /// What is wrong.
        rule: String,
    },
    /// An abandon rate of `--at` is not a percentage above 0.
    #[error("--at: {value:?} must be a percentage above 0 and at most 100")]
    At {
        /// The value given.
        value: String,
    },
    /// A cell of the comparison is invalid (the scenario with the knob's value).
    #[error(transparent)]
    Sweep(#[from] SweepError),
}

/// One pacer of the comparison and the cells that sweep its knob.
#[derive(Debug, Clone, PartialEq)]
pub struct Contender {
    /// The pacer as listed.
    pub label: String,
    /// The knob swept (`Quotiety`, `max_level`, `per_idle_agent`), or none.
    pub knob: Option<&'static str>,
    /// The knob's values, in order (one `null` when there is no knob).
    pub knob_values: Vec<Value>,
    /// The sweep axes of its cells (`pacer`, and `Quotiety` for the platform pacer).
    pub axes: Vec<Axis>,
    /// The clairvoyant bound, not a pacer anyone can launch.
    pub bound: bool,
}

/// Quotiety values swept for the platform pacer (percent).
pub const QUOTIETY_GRID: &[f64] = &[0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 7.0, 10.0];
/// Maximum dial levels swept for the adaptive pacer.
pub const MAX_LEVEL_GRID: &[f64] = &[1.0, 1.25, 1.5, 2.0, 2.5, 3.0, 4.0, 6.0, 8.0, 10.0];
/// Lines per idle agent swept for the ratio pacer.
pub const RATIO_GRID: &[f64] = &[1.0, 1.25, 1.5, 1.75, 2.0, 2.5, 3.0, 4.0, 6.0, 8.0];

fn num(x: f64) -> Value {
    sweep::number(x)
}

fn pacer_axis(values: Vec<String>) -> Axis {
    Axis {
        param: "pacer".into(),
        values: values.into_iter().map(Value::String).collect(),
    }
}

/// The contenders of a `--pacers` list: names (`platform`, `adaptive`, `adaptive-tapered`,
/// `ratio`, `progressive`, `clairvoyant`, …) or a pacer's JSON, whose settings other than
/// the knob are kept, separated by commas outside braces.
pub fn contenders(list: &str) -> Result<Vec<Contender>, CompareError> {
    let items = sweep::split_top(list);
    if items.iter().all(String::is_empty) {
        return Err(CompareError::Pacer {
            item: list.into(),
            rule: "name at least one pacer".into(),
        });
    }
    items.iter().map(|item| contender(item)).collect()
}

fn contender(item: &str) -> Result<Contender, CompareError> {
    let bad = |rule: String| CompareError::Pacer {
        item: item.to_string(),
        rule,
    };
    let spec = if item == "ratio" {
        PacerSpec::Ratio {
            per_idle_agent: 1.0,
            tick_s: 1.0,
        }
    } else {
        PacerSpec::from_cli(item).map_err(|e| bad(e.to_string()))?
    };
    let single = |bound| Contender {
        label: item.to_string(),
        knob: None,
        knob_values: vec![Value::Null],
        axes: vec![pacer_axis(vec![item.to_string()])],
        bound,
    };
    Ok(match spec {
        PacerSpec::Platform => Contender {
            label: item.to_string(),
            knob: Some("Quotiety"),
            knob_values: QUOTIETY_GRID.iter().map(|&q| num(q)).collect(),
            axes: vec![
                pacer_axis(vec!["platform".into()]),
                Axis {
                    param: "Quotiety".into(),
                    values: QUOTIETY_GRID.iter().map(|&q| num(q)).collect(),
                },
            ],
            bound: false,
        },
        PacerSpec::Adaptive(base) => {
            let specs: Vec<String> = MAX_LEVEL_GRID
                .iter()
                .map(|&max_level| {
                    let a = AdaptiveSpec {
                        max_level,
                        start_level: base.start_level.min(max_level),
                        ..base.clone()
                    };
                    json!({ "adaptive": a }).to_string()
                })
                .collect();
            Contender {
                label: item.to_string(),
                knob: Some("max_level"),
                knob_values: MAX_LEVEL_GRID.iter().map(|&m| num(m)).collect(),
                axes: vec![pacer_axis(specs)],
                bound: false,
            }
        }
        PacerSpec::Ratio { tick_s, .. } => Contender {
            label: item.to_string(),
            knob: Some("per_idle_agent"),
            knob_values: RATIO_GRID.iter().map(|&r| num(r)).collect(),
            axes: vec![pacer_axis(
                RATIO_GRID
                    .iter()
                    .map(|&r| json!({"ratio": {"per_idle_agent": r, "tick_s": tick_s}}).to_string())
                    .collect(),
            )],
            bound: false,
        },
        PacerSpec::Progressive => single(false),
        PacerSpec::Clairvoyant => single(true),
        PacerSpec::Poisson { .. } => {
            return Err(bad(
                "an open-loop pacer has no aggressiveness knob to sweep; compare platform, adaptive, ratio, progressive or clairvoyant".into(),
            ));
        }
    })
}

/// The abandon rates of `--at`, in percent (e.g. `1,2,3`).
pub fn parse_at(text: &str) -> Result<Vec<f64>, CompareError> {
    text.split(',')
        .map(|v| {
            v.trim()
                .parse::<f64>()
                .ok()
                .filter(|x| x.is_finite() && *x > 0.0 && *x <= 100.0)
                .ok_or_else(|| CompareError::At {
                    value: v.trim().to_string(),
                })
        })
        .collect()
}

/// Every contender's cells, validated before anything runs.
pub fn prepare(
    file: &ScenarioFile,
    text: &str,
    path: &Path,
    contenders: &[Contender],
) -> Result<Vec<Vec<Prepared>>, CompareError> {
    contenders
        .iter()
        .map(|c| sweep::prepare(file, text, path, &c.axes).map_err(CompareError::from))
        .collect()
}

/// One cell's figures: mean and 95 % interval (the mean twice with one replication).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point {
    /// Abandon rate (fraction).
    pub abandon: f64,
    /// Its interval.
    pub abandon_ci: (f64, f64),
    /// Utilisation (fraction).
    pub utilisation: f64,
    /// Its interval.
    pub utilisation_ci: (f64, f64),
}

impl Point {
    /// The figures of a cell's merged `overall`.
    pub fn of(overall: &Value) -> Point {
        let f = |k: &str| overall.get(k).and_then(Value::as_f64).unwrap_or(0.0);
        let ci = |k: &str, mean: f64| {
            let c = overall.get(format!("{k}_ci95"));
            let end = |i: usize| c.and_then(|c| c.get(i)).and_then(Value::as_f64);
            (end(0).unwrap_or(mean), end(1).unwrap_or(mean))
        };
        let (a, u) = (f("abandon_rate"), f("utilisation"));
        Point {
            abandon: a,
            abandon_ci: ci("abandon_rate", a),
            utilisation: u,
            utilisation_ci: ci("utilisation", u),
        }
    }
}

/// The indices of the frontier's cells, by increasing abandon rate: each has a higher mean
/// utilisation than every cell of lower (or equal) abandon.
pub fn frontier(points: &[Point]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..points.len()).collect();
    order.sort_by(|&a, &b| {
        points[a]
            .abandon
            .total_cmp(&points[b].abandon)
            .then(points[b].utilisation.total_cmp(&points[a].utilisation))
    });
    let mut best = f64::NEG_INFINITY;
    order
        .into_iter()
        .filter(|&i| {
            let keep = points[i].utilisation > best;
            best = best.max(points[i].utilisation);
            keep
        })
        .collect()
}

/// Where an abandon rate falls on a frontier.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Reading {
    /// Between two frontier cells (or on one): interpolated.
    Interpolated {
        /// Utilisation.
        utilisation: f64,
        /// Its interval, interpolated from the cells' intervals.
        ci: (f64, f64),
        /// The frontier cells it lies between (equal when on one).
        between: (usize, usize),
    },
    /// Beyond the frontier's last cell: the last cell's figures.
    BeyondRange {
        /// Utilisation of the last cell.
        utilisation: f64,
        /// Its interval.
        ci: (f64, f64),
        /// The cell.
        cell: usize,
    },
    /// Below the frontier's first cell: the knob's range does not dial that carefully.
    BelowRange,
}

impl Reading {
    /// The utilisation read, if any.
    pub fn utilisation(&self) -> Option<f64> {
        match *self {
            Reading::Interpolated { utilisation, .. }
            | Reading::BeyondRange { utilisation, .. } => Some(utilisation),
            Reading::BelowRange => None,
        }
    }
}

/// Read the frontier `front` (indices into `points`) at abandon rate `at` (a fraction).
pub fn read(points: &[Point], front: &[usize], at: f64) -> Reading {
    let (Some(&first), Some(&last)) = (front.first(), front.last()) else {
        return Reading::BelowRange;
    };
    if at < points[first].abandon {
        return Reading::BelowRange;
    }
    if at >= points[last].abandon {
        return Reading::BeyondRange {
            utilisation: points[last].utilisation,
            ci: points[last].utilisation_ci,
            cell: last,
        };
    }
    for w in front.windows(2) {
        let (p, q) = (points[w[0]], points[w[1]]);
        if at >= p.abandon && at <= q.abandon {
            let t = if q.abandon > p.abandon {
                (at - p.abandon) / (q.abandon - p.abandon)
            } else {
                0.0
            };
            let lerp = |a: f64, b: f64| a + t * (b - a);
            return Reading::Interpolated {
                utilisation: lerp(p.utilisation, q.utilisation),
                ci: (
                    lerp(p.utilisation_ci.0, q.utilisation_ci.0),
                    lerp(p.utilisation_ci.1, q.utilisation_ci.1),
                ),
                between: (w[0], w[1]),
            };
        }
    }
    Reading::BelowRange
}

fn reading_json(r: &Reading, contender: &Contender, at_pct: f64) -> Value {
    let knob = |i: usize| contender.knob_values.get(i).cloned().unwrap_or(Value::Null);
    match *r {
        Reading::Interpolated {
            utilisation,
            ci,
            between,
        } => json!({
            "abandon_pct": at_pct,
            "status": "interpolated",
            "utilisation": utilisation,
            "utilisation_ci95": [ci.0, ci.1],
            "between": [knob(between.0), knob(between.1)],
        }),
        Reading::BeyondRange {
            utilisation,
            ci,
            cell,
        } => json!({
            "abandon_pct": at_pct,
            "status": "beyond_range",
            "utilisation": utilisation,
            "utilisation_ci95": [ci.0, ci.1],
            "between": [knob(cell), knob(cell)],
        }),
        Reading::BelowRange => json!({
            "abandon_pct": at_pct,
            "status": "below_range",
            "utilisation": Value::Null,
        }),
    }
}

/// The comparison's JSON: per pacer its cells (knob value, params, figures), its frontier
/// and its readings at each of `at_pct`.
pub fn answer(
    scenario: &str,
    seed: u64,
    reps: u32,
    at_pct: &[f64],
    contenders: &[Contender],
    results: &[Vec<CellResult>],
) -> Value {
    let pacers: Vec<Value> = contenders
        .iter()
        .zip(results)
        .map(|(c, cells)| {
            let points: Vec<Point> = cells.iter().map(|r| Point::of(&r.overall)).collect();
            let front = frontier(&points);
            let cells_json: Vec<Value> = cells
                .iter()
                .zip(&points)
                .enumerate()
                .map(|(i, (r, p))| {
                    json!({
                        "knob": c.knob_values.get(i).cloned().unwrap_or(Value::Null),
                        "params": r.params,
                        "abandon_rate": p.abandon,
                        "abandon_rate_ci95": [p.abandon_ci.0, p.abandon_ci.1],
                        "utilisation": p.utilisation,
                        "utilisation_ci95": [p.utilisation_ci.0, p.utilisation_ci.1],
                        "on_frontier": front.contains(&i),
                    })
                })
                .collect();
            json!({
                "pacer": c.label,
                "knob": c.knob,
                "bound": c.bound,
                "cells": cells_json,
                "frontier": front,
                "at": at_pct
                    .iter()
                    .map(|&a| reading_json(&read(&points, &front, a / 100.0), c, a))
                    .collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({
        "scenario": scenario,
        "seed": seed,
        "reps": reps,
        "at_pct": at_pct,
        "pacers": pacers,
    })
}

/// The comparison as a text table: each pacer's utilisation at each abandon rate.
pub fn table(answer: &Value) -> String {
    let at: Vec<f64> = answer["at_pct"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_f64).collect())
        .unwrap_or_default();
    let name_of = |p: &Value| match p["knob"].as_str() {
        Some(k) => format!("{} ({k})", p["pacer"].as_str().unwrap_or("")),
        None if p["bound"].as_bool() == Some(true) => {
            format!("{} (bound)", p["pacer"].as_str().unwrap_or(""))
        }
        None => p["pacer"].as_str().unwrap_or("").to_string(),
    };
    let pacers: Vec<&Value> = answer["pacers"].as_array().into_iter().flatten().collect();
    let width = pacers
        .iter()
        .map(|p| name_of(p).chars().count())
        .max()
        .unwrap_or(0)
        .max(12)
        + 2;
    let mut out = format!(
        "scenario {}  seed {}  reps {}\n\nutilisation at equal abandon (interpolated along each pacer's frontier; 95 % interval)\n\n{:<width$}",
        answer["scenario"].as_str().unwrap_or(""),
        answer["seed"],
        answer["reps"],
        "pacer (knob)"
    );
    for a in &at {
        out += &format!("{:>26}", format!("at {a} % abandon"));
    }
    out += "\n";
    for p in pacers {
        out += &format!("{:<width$}", name_of(p));
        for r in p["at"].as_array().into_iter().flatten() {
            let cell = match (r["utilisation"].as_f64(), r["status"].as_str()) {
                (Some(u), status) => {
                    let lo = r["utilisation_ci95"][0].as_f64().unwrap_or(u);
                    let hi = r["utilisation_ci95"][1].as_f64().unwrap_or(u);
                    let mark = if status == Some("beyond_range") {
                        "+"
                    } else {
                        " "
                    };
                    format!(
                        "{:.1} % [{:.1}, {:.1}]{mark}",
                        u * 100.0,
                        lo * 100.0,
                        hi * 100.0
                    )
                }
                (None, _) => "below range ".into(),
            };
            out += &format!("{cell:>26}");
        }
        out += "\n";
    }
    out += "\n+ : the knob's most aggressive cell stays below this abandon rate (its figure is shown).\n";
    out += "below range: the knob's most careful cell abandons more than this.\n";
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(abandon: f64, utilisation: f64) -> Point {
        Point {
            abandon,
            abandon_ci: (abandon - 0.001, abandon + 0.001),
            utilisation,
            utilisation_ci: (utilisation - 0.01, utilisation + 0.01),
        }
    }

    #[test]
    fn the_frontier_keeps_the_upper_left_envelope() {
        // Cell 2 is dominated by cell 1 (more abandon, less utilisation).
        let pts = [p(0.01, 0.80), p(0.02, 0.86), p(0.025, 0.84), p(0.04, 0.90)];
        assert_eq!(frontier(&pts), vec![0, 1, 3]);
    }

    #[test]
    fn readings_interpolate_between_neighbours() {
        let pts = [p(0.01, 0.80), p(0.03, 0.90)];
        let front = frontier(&pts);
        // Halfway: 0.85, interval halfway between the intervals.
        match read(&pts, &front, 0.02) {
            Reading::Interpolated {
                utilisation,
                ci,
                between,
            } => {
                assert!((utilisation - 0.85).abs() < 1e-12);
                assert!((ci.0 - 0.84).abs() < 1e-12 && (ci.1 - 0.86).abs() < 1e-12);
                assert_eq!(between, (0, 1));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(read(&pts, &front, 0.005), Reading::BelowRange);
        assert!(matches!(
            read(&pts, &front, 0.05),
            Reading::BeyondRange { cell: 1, .. }
        ));
        // On a cell: its own figure.
        assert_eq!(read(&pts, &front, 0.01).utilisation(), Some(0.80));
    }

    #[test]
    fn pacer_lists_name_their_knobs() {
        let c = contenders(
            r#"platform,{"adaptive":{"available_only":true}},ratio,progressive,clairvoyant"#,
        )
        .expect("list");
        let knobs: Vec<_> = c.iter().map(|c| c.knob).collect();
        assert_eq!(
            knobs,
            [
                Some("Quotiety"),
                Some("max_level"),
                Some("per_idle_agent"),
                None,
                None
            ]
        );
        assert!(c[4].bound && !c[3].bound);
        // The adaptive cells keep the given settings.
        let first = c[1].axes[0].values[0].as_str().expect("json");
        assert!(first.contains("\"available_only\":true") && first.contains("\"max_level\":1.0"));
        let e = contenders(r#"{"poisson":{"calls_per_s":1}}"#).expect_err("no knob");
        assert!(e.to_string().contains("no aggressiveness knob"), "{e}");
        assert!(contenders("platfrom").is_err());
        assert!(parse_at("1,2,x").is_err());
        assert_eq!(parse_at("1, 2.5").expect("at"), [1.0, 2.5]);
    }
}
