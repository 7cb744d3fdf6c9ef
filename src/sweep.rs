//! Sweeps: a grid of request parameters (or the pacer), each cell run on the same customers.
//!
//! `--set Param=v1,v2` or `--set Param=a..b:step` gives an axis; the cells are the cartesian
//! product (first axis slowest). Every cell is validated before anything runs. Each cell runs
//! `reps` replications with the same seeds as every other cell (common random numbers), so
//! differences between cells are the parameters', not the dice's. The recommendation is the
//! cell with the highest utilisation whose abandon rate is within the cap (its mean, and with
//! replications the upper end of its 95 % interval). This module does no I/O: the CLI stores,
//! resumes and merges.

use crate::scenario::{PacerSpec, Scenario, ScenarioError, ScenarioFile};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::path::Path;

/// One axis of the grid.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Axis {
    /// A CreateTask parameter, or `pacer`.
    pub param: String,
    /// Its values.
    pub values: Vec<Value>,
}

/// Split on commas outside brackets and braces, so JSON values survive.
pub fn split_top(text: &str) -> Vec<String> {
    let (mut out, mut cur, mut depth) = (Vec::new(), String::new(), 0i32);
    for ch in text.chars() {
        match ch {
            '{' | '[' => depth += 1,
            '}' | ']' => depth -= 1,
            ',' if depth == 0 => {
                out.push(std::mem::take(&mut cur));
                continue;
            }
            _ => {}
        }
        cur.push(ch);
    }
    out.push(cur);
    out.into_iter().map(|s| s.trim().to_string()).collect()
}

/// A grid value as JSON: rounded to 9 decimals, whole numbers as integers (so `1.0` is `1`).
pub fn number(x: f64) -> Value {
    let r = (x * 1e9).round() / 1e9;
    if r.fract() == 0.0 && r.abs() < 1e15 {
        Value::from(r as i64)
    } else {
        serde_json::Number::from_f64(r)
            .map(Value::Number)
            .unwrap_or(Value::Null)
    }
}

/// Why a sweep cannot run: a `--set` axis that cannot be read, or a cell that is invalid.
/// Found before any cell runs.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum SweepError {
    /// A `--set` argument is not `Param=v1,v2` or `Param=a..b:step`.
    #[error("--set {arg:?}: expected Param=v1,v2 or Param=a..b:step")]
    Syntax {
        /// The argument given.
        arg: String,
    },
    /// The parameter is neither a CreateTask parameter nor `pacer`.
    #[error("--set {param}: not a CreateTask parameter (nor `pacer`); did you mean {nearest}?")]
    UnknownParam {
        /// The parameter given.
        param: String,
        /// The nearest known parameter.
        nearest: &'static str,
    },
    /// A value or range of the axis breaks its rule.
    #[error("--set {param}: {rule}")]
    BadValues {
        /// The parameter.
        param: String,
        /// The rule broken, with the value.
        rule: String,
    },
    /// The same parameter is swept by two `--set`.
    #[error("--set {param} is given twice: give each parameter one axis")]
    DuplicateAxis {
        /// The parameter.
        param: String,
    },
    /// The grid has more cells than a sweep may run.
    #[error("{cells} cells: a sweep runs at most {max} (split it into several sweeps)")]
    TooManyCells {
        /// Cells the axes make.
        cells: u128,
        /// The limit.
        max: usize,
    },
    /// A cell's pacer is not one.
    #[error("cell {cell}: pacer {name}: {source}")]
    Pacer {
        /// The cell's index.
        cell: usize,
        /// The pacer given.
        name: String,
        /// Why it is refused.
        source: crate::pacing::PacerError,
    },
    /// A cell's scenario does not check (its request, usually).
    #[error("cell {cell} ({params}): invalid:\n{problems}")]
    InvalidCell {
        /// The cell's index.
        cell: usize,
        /// The cell's parameter values, as JSON.
        params: String,
        /// The problems, one per line.
        problems: String,
    },
    /// A cell's scenario could not be loaded.
    #[error("cell {cell}: {message}")]
    Cell {
        /// The cell's index.
        cell: usize,
        /// What went wrong.
        message: String,
    },
}

/// Parse `Param=v1,v2,...` or `Param=a..b:step` (inclusive of `b`).
pub fn parse_set(arg: &str) -> Result<Axis, SweepError> {
    let (param, rest) = arg.split_once('=').ok_or_else(|| SweepError::Syntax {
        arg: arg.to_string(),
    })?;
    let param = param.trim().to_string();
    if param != "pacer" && !crate::request::PARAMS.contains(&param.as_str()) {
        return Err(SweepError::UnknownParam {
            nearest: crate::request::parse::nearest_param(&param),
            param,
        });
    }
    let values = if let Some((range, step)) = rest.split_once(':').filter(|(r, _)| r.contains(".."))
    {
        let (a, b) = range.split_once("..").unwrap_or((range, range));
        let parse = |s: &str| {
            s.trim().parse::<f64>().map_err(|_| SweepError::BadValues {
                param: param.clone(),
                rule: format!("{s:?} is not a number in {rest:?}"),
            })
        };
        let (a, b, step) = (parse(a)?, parse(b)?, parse(step)?);
        let finite = a.is_finite() && b.is_finite() && step.is_finite();
        if !finite || step <= 0.0 || b < a || (b - a) / step > 10_000.0 {
            return Err(SweepError::BadValues {
                param,
                rule: format!(
                    "range {rest:?} needs a <= b and a step > 0 giving at most 10 000 values"
                ),
            });
        }
        let n = ((b - a) / step + 1e-9).floor() as usize;
        (0..=n).map(|i| number(a + step * i as f64)).collect()
    } else {
        split_top(rest)
            .into_iter()
            .map(|v| {
                // Agent numbers and caller ids keep their leading zeros as strings.
                let keep_string =
                    param == "pacer" || (v.len() > 1 && v.starts_with('0') && !v.starts_with("0."));
                match v.parse::<f64>() {
                    Ok(x) if !keep_string && x.is_finite() => Ok(number(x)),
                    Ok(x) if !keep_string => Err(SweepError::BadValues {
                        param: param.clone(),
                        rule: format!("{x} is not a finite number"),
                    }),
                    _ => Ok(Value::String(v)),
                }
            })
            .collect::<Result<Vec<_>, _>>()?
    };
    if values.is_empty() || values.iter().any(|v| v.as_str() == Some("")) {
        return Err(SweepError::BadValues {
            param,
            rule: format!("empty value in {rest:?}"),
        });
    }
    Ok(Axis { param, values })
}

/// One cell of the grid.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cell {
    /// Position in the grid (first axis slowest).
    pub index: usize,
    /// Parameter values.
    pub params: Map<String, Value>,
}

/// The cartesian product of the axes.
pub fn cells(axes: &[Axis]) -> Vec<Cell> {
    let mut out = vec![Map::new()];
    for axis in axes {
        out = out
            .into_iter()
            .flat_map(|m| {
                axis.values.iter().map(move |v| {
                    let mut m = m.clone();
                    m.insert(axis.param.clone(), v.clone());
                    m
                })
            })
            .collect();
    }
    out.into_iter()
        .enumerate()
        .map(|(index, params)| Cell { index, params })
        .collect()
}

/// A cell ready to run: its scenario and pacer override.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// The cell.
    pub cell: Cell,
    /// Its scenario (every task's request with the cell's parameters).
    pub scenario: Scenario,
    /// The pacer of the cell, if the grid sweeps `pacer`.
    pub pacer: Option<PacerSpec>,
}

/// Apply every cell to the scenario and validate it; the first invalid cell is an error naming
/// the cell, before anything runs.
pub fn prepare(
    file: &ScenarioFile,
    text: &str,
    path: &Path,
    axes: &[Axis],
) -> Result<Vec<Prepared>, SweepError> {
    let mut seen = std::collections::HashSet::new();
    for a in axes {
        if !seen.insert(a.param.as_str()) {
            return Err(SweepError::DuplicateAxis {
                param: a.param.clone(),
            });
        }
    }
    // The grid's size is known before a cell is made or validated.
    let size = axes
        .iter()
        .fold(1u128, |n, a| n.saturating_mul(a.values.len() as u128));
    if size > crate::limits::MAX_CELLS as u128 {
        return Err(SweepError::TooManyCells {
            cells: size,
            max: crate::limits::MAX_CELLS,
        });
    }
    cells(axes)
        .into_iter()
        .map(|cell| {
            let mut f = file.clone();
            let mut pacer = None;
            for (k, v) in &cell.params {
                if k == "pacer" {
                    let name = v
                        .as_str()
                        .map(str::to_string)
                        .unwrap_or_else(|| v.to_string());
                    pacer =
                        Some(
                            PacerSpec::from_cli(&name).map_err(|source| SweepError::Pacer {
                                cell: cell.index,
                                name: name.clone(),
                                source,
                            })?,
                        );
                } else {
                    for t in &mut f.tasks {
                        t.request.insert(k.clone(), v.clone());
                    }
                }
            }
            let scenario = f.check(text, path).map_err(|e| match e {
                ScenarioError::Invalid(list) => SweepError::InvalidCell {
                    cell: cell.index,
                    params: Value::Object(cell.params.clone()).to_string(),
                    problems: list
                        .iter()
                        .map(|p| format!("  {p}"))
                        .collect::<Vec<_>>()
                        .join("\n"),
                },
                other => SweepError::Cell {
                    cell: cell.index,
                    message: other.to_string(),
                },
            })?;
            Ok(Prepared {
                cell,
                scenario,
                pacer,
            })
        })
        .collect()
}

/// What identifies a stored sweep (`sweep-meta.json`), so a resume or a merge never mixes
/// two different ones.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SweepMeta {
    /// The scenario's name.
    pub scenario: String,
    /// A digest of the scenario's text.
    pub scenario_digest: String,
    /// The grid.
    pub axes: Vec<Axis>,
    /// Replications per cell.
    pub reps: u32,
    /// The master seed.
    pub seed: u64,
    /// Cells in the grid.
    pub cells: usize,
}

/// The cells of a stored `cells.jsonl` for a merge: a line that does not parse is an error
/// naming its line (`LINE: ...`), unless it is the last (a shard killed while writing: its cell
/// is missing and is reported as such); a cell index outside the grid of `count` cells is an
/// error.
pub fn parse_cells(text: &str, count: usize) -> Result<BTreeMap<usize, CellResult>, String> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = BTreeMap::new();
    for (i, line) in lines.iter().enumerate() {
        let cell = match serde_json::from_str::<CellResult>(line) {
            Ok(c) => c,
            Err(_) if i + 1 == lines.len() => continue,
            Err(e) => return Err(format!("{}: not a cell result: {e}", i + 1)),
        };
        if cell.index >= count {
            return Err(format!(
                "{}: cell {} is outside the grid of {count} cells",
                i + 1,
                cell.index
            ));
        }
        out.insert(cell.index, cell);
    }
    Ok(out)
}

/// A finished cell.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CellResult {
    /// Position in the grid.
    pub index: usize,
    /// Parameter values.
    pub params: Map<String, Value>,
    /// The report's `overall`, merged over replications.
    pub overall: Value,
}

/// Run one cell: `reps` replications in parallel, merged.
pub fn run_cell(p: &Prepared, seed: u64, reps: u32) -> CellResult {
    let reports: Vec<Value> = (0..reps.max(1))
        .into_par_iter()
        .map(|r| crate::run_replication(&p.scenario, seed, r, p.pacer.as_ref()))
        .collect();
    let merged = crate::report::merge(&reports);
    CellResult {
        index: p.cell.index,
        params: p.cell.params.clone(),
        overall: merged["overall"].clone(),
    }
}

fn upper(overall: &Value, key: &str) -> Option<f64> {
    overall
        .get(format!("{key}_ci95"))
        .and_then(|c| c.get(1))
        .and_then(Value::as_f64)
        .or_else(|| overall.get(key).and_then(Value::as_f64))
}

/// Which abandon figure a recommendation holds to the cap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AbandonFigure {
    /// The platform's 2-second rule over the run (`abandon_rate`).
    #[default]
    TwoSecond,
    /// The rate under the tasks' own definitions over the run (`abandon_defined_rate`).
    Defined,
    /// The worst window of the tasks' own definitions (`abandon_worst_window_rate`).
    WorstWindow,
}

impl AbandonFigure {
    /// The report key it reads.
    pub fn key(self) -> &'static str {
        match self {
            AbandonFigure::TwoSecond => "abandon_rate",
            AbandonFigure::Defined => "abandon_defined_rate",
            AbandonFigure::WorstWindow => "abandon_worst_window_rate",
        }
    }

    /// From its command-line name: `two-second`, `defined`, `worst-window`.
    pub fn parse(name: &str) -> Option<AbandonFigure> {
        match name {
            "two-second" => Some(AbandonFigure::TwoSecond),
            "defined" => Some(AbandonFigure::Defined),
            "worst-window" => Some(AbandonFigure::WorstWindow),
            _ => None,
        }
    }
}

/// The cell with the highest utilisation whose abandon figure (mean, and the upper end of its
/// interval when there is one) is at most `max_abandon`; ties go to the earlier cell. Cells run
/// with the `clairvoyant` pacer are a bound, not a setting anyone can launch, so they are never
/// recommended. A cell without the figure (no task defines its abandon rate) is never
/// recommended.
pub fn recommend(
    results: &[CellResult],
    max_abandon: f64,
    figure: AbandonFigure,
) -> Option<&CellResult> {
    let key = figure.key();
    results
        .iter()
        .filter(|c| c.params.get("pacer").and_then(Value::as_str) != Some("clairvoyant"))
        .filter(|c| {
            let mean = c
                .overall
                .get(key)
                .and_then(Value::as_f64)
                .unwrap_or(f64::INFINITY);
            mean <= max_abandon && upper(&c.overall, key).unwrap_or(f64::INFINITY) <= max_abandon
        })
        .fold(None, |best: Option<&CellResult>, c| {
            let u = |x: &CellResult| {
                x.overall
                    .get("utilisation")
                    .and_then(Value::as_f64)
                    .unwrap_or(0.0)
            };
            match best {
                Some(b) if u(b) >= u(c) => Some(b),
                _ => Some(c),
            }
        })
}

/// The sweep's JSON answer.
pub fn answer(results: &[CellResult], max_abandon: f64, reps: u32, figure: AbandonFigure) -> Value {
    let cell = |c: &CellResult| serde_json::json!({"params": c.params, "overall": c.overall});
    serde_json::json!({
        "cells": results.iter().map(cell).collect::<Vec<_>>(),
        "recommended": recommend(results, max_abandon, figure).map(cell),
        "max_abandon": max_abandon,
        "abandon_figure": figure.key(),
        "reps": reps,
    })
}

/// Figures in the CSV, each with `_lo`/`_hi` columns when intervals exist.
pub const CSV_FIGURES: &[&str] = &[
    "abandon_rate",
    "hangup_rate",
    "utilisation",
    "occupancy",
    "contacts_per_agent_hour",
    "list_penetration",
    "placed",
    "answered",
    "connected",
    "abandoned",
];

/// The results as CSV (one row per cell, parameters first), written by [`crate::report::csv`].
pub fn csv(results: &[CellResult]) -> String {
    let rows: Vec<Value> = results
        .iter()
        .map(|c| {
            let mut row = c.params.clone();
            for f in CSV_FIGURES {
                let ci = c.overall.get(format!("{f}_ci95"));
                let end = |i: usize| ci.and_then(|x| x.get(i)).cloned().unwrap_or(Value::Null);
                row.insert(
                    (*f).to_string(),
                    c.overall.get(*f).cloned().unwrap_or(Value::Null),
                );
                row.insert(format!("{f}_lo"), end(0));
                row.insert(format!("{f}_hi"), end(1));
            }
            Value::Object(row)
        })
        .collect();
    if rows.is_empty() {
        // No cell (an empty shard): the header of the figures alone.
        let header: Vec<String> = CSV_FIGURES
            .iter()
            .flat_map(|f| [f.to_string(), format!("{f}_lo"), format!("{f}_hi")])
            .collect();
        return header.join(",") + "\n";
    }
    crate::report::csv(&rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn ranges_and_lists() {
        let a = parse_set("Quotiety=0.5..2:0.5").expect("range");
        assert_eq!(a.values, vec![json!(0.5), json!(1), json!(1.5), json!(2)]);
        let b = parse_set(r#"pacer=platform,{"ratio":{"per_idle_agent":2}}"#).expect("list");
        assert_eq!(b.values.len(), 2);
        assert!(matches!(
            parse_set("Quotity=1,2").unwrap_err(),
            SweepError::UnknownParam {
                nearest: "Quotiety",
                ..
            }
        ));
        let c = parse_set("Cnos=0100,0200").expect("strings keep leading zeros");
        assert_eq!(c.values, vec![json!("0100"), json!("0200")]);
    }

    #[test]
    fn cells_are_the_product_first_axis_slowest() {
        let axes = vec![
            parse_set("Quotiety=1,2").expect("a"),
            parse_set("Wrapup=10,20,30").expect("b"),
        ];
        let c = cells(&axes);
        assert_eq!(c.len(), 6);
        assert_eq!(c[1].params["Wrapup"], json!(20));
        assert_eq!(c[3].params["Quotiety"], json!(2));
    }

    #[test]
    fn recommendation_respects_the_cap_and_interval() {
        let cell = |i: usize, a: f64, hi: f64, u: f64| CellResult {
            index: i,
            params: Map::new(),
            overall: json!({"abandon_rate": a, "abandon_rate_ci95": [0.0, hi], "utilisation": u}),
        };
        let r = vec![
            cell(0, 0.01, 0.012, 0.80),
            cell(1, 0.028, 0.033, 0.90),
            cell(2, 0.02, 0.025, 0.85),
            cell(3, 0.05, 0.06, 0.95),
        ];
        assert_eq!(
            recommend(&r, 0.03, AbandonFigure::TwoSecond).map(|c| c.index),
            Some(2)
        );
        assert_eq!(
            recommend(&r, 0.001, AbandonFigure::TwoSecond).map(|c| c.index),
            None
        );
        // Cells without a defined rate are never recommended on it.
        assert_eq!(recommend(&r, 0.03, AbandonFigure::WorstWindow), None);
    }
}
