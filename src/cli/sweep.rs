//! `dialsim sweep` and `dialsim merge`: run a grid, store each finished cell as it finishes,
//! resume, shard, and join shards.
//!
//! With `--out DIR`: `DIR/sweep-meta.json` names the sweep (scenario digest, grid, reps, seed);
//! `DIR/cells.jsonl` gets one line per finished cell, appended and flushed as the cell ends, so
//! a killed sweep loses at most the cells in flight; re-running the same sweep into the same
//! directory skips the cells already there. At the end `DIR/sweep.json` and `DIR/sweep.csv` are
//! written atomically.

use super::output::write_atomic;
use super::{EXIT_OK, invalid};
use dialsim::sweep::{self, Axis, CellResult, SweepMeta as Meta};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Mutex;

fn digest(text: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text.bytes() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// The options of `dialsim sweep`.
pub struct Options {
    pub scenario: PathBuf,
    pub sets: Vec<String>,
    pub reps: Option<u32>,
    pub seed: Option<u64>,
    pub max_abandon_pct: f64,
    pub abandon_figure: String,
    pub json: bool,
    pub out: Option<PathBuf>,
    pub shard: Option<String>,
    pub threads: Option<usize>,
}

fn parse_shard(s: &str) -> Result<(usize, usize), String> {
    let (i, n) = s
        .split_once('/')
        .ok_or_else(|| format!("--shard {s:?}: expected i/N, e.g. 0/4"))?;
    let (i, n) = (
        i.trim()
            .parse::<usize>()
            .map_err(|_| format!("--shard {s:?}: i is not a number"))?,
        n.trim()
            .parse::<usize>()
            .map_err(|_| format!("--shard {s:?}: N is not a number"))?,
    );
    if n == 0 || i >= n {
        return Err(format!("--shard {s:?}: needs 0 <= i < N"));
    }
    Ok((i, n))
}

/// The cells a resumed sweep finds done (none when there is no `cells.jsonl` yet).
fn read_cells(path: &Path, count: usize) -> Result<BTreeMap<usize, CellResult>, String> {
    let text = match read_input(path) {
        Ok(Some(t)) => t,
        Ok(None) => return Ok(BTreeMap::new()),
        Err(e) => return Err(e),
    };
    // A line cut short by a kill does not parse and is simply run again.
    Ok(text
        .lines()
        .filter_map(|l| serde_json::from_str::<CellResult>(l).ok())
        .filter(|c| c.index < count)
        .map(|c| (c.index, c))
        .collect())
}

/// A stored sweep file, read within the input limit: None when it does not exist.
fn read_input(path: &Path) -> Result<Option<String>, String> {
    match dialsim::limits::read_capped(path, dialsim::limits::MAX_INPUT_BYTES) {
        Ok(t) => Ok(Some(t)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(format!("{}: cannot read: {e}", path.display())),
    }
}

/// The cells of a shard's `cells.jsonl` for `merge` (see [`sweep::parse_cells`]).
fn read_cells_checked(path: &Path, count: usize) -> Result<BTreeMap<usize, CellResult>, String> {
    let Some(text) = read_input(path)? else {
        return Ok(BTreeMap::new());
    };
    sweep::parse_cells(&text, count).map_err(|e| format!("{}:{e}", path.display()))
}

/// Run a sweep.
pub fn run(o: Options) -> anyhow::Result<ExitCode> {
    let (text, file) = match super::read_scenario(&o.scenario) {
        Ok(x) => x,
        Err(e) => return invalid(e),
    };
    let axes: Vec<Axis> = match o.sets.iter().map(|s| sweep::parse_set(s)).collect() {
        Ok(a) => a,
        Err(e) => return invalid(e),
    };
    if axes.is_empty() {
        return invalid("sweep: give at least one --set Param=v1,v2");
    }
    if !(o.max_abandon_pct.is_finite() && (0.0..=100.0).contains(&o.max_abandon_pct)) {
        return invalid(format!(
            "--max-abandon {}: a percentage from 0 to 100",
            o.max_abandon_pct
        ));
    }
    let figure = match parse_figure(&o.abandon_figure) {
        Ok(f) => f,
        Err(e) => return invalid(e),
    };
    if figure != sweep::AbandonFigure::TwoSecond && file.tasks.iter().all(|t| t.abandon.is_none()) {
        return invalid(format!(
            "--abandon-figure {}: no task of {} defines its abandon rate (tasks[i].abandon)",
            o.abandon_figure,
            o.scenario.display()
        ));
    }
    let shard = match o.shard.as_deref().map(parse_shard).transpose() {
        Ok(s) => s,
        Err(e) => return invalid(e),
    };
    let reps = o.reps.or(file.reps).unwrap_or(1);
    if let Err(e) = super::check_reps_threads(reps, o.threads) {
        return invalid(e);
    }
    let prepared = match sweep::prepare(&file, &text, &o.scenario, &axes) {
        Ok(p) => p,
        Err(e) => return invalid(e),
    };
    let seed = o.seed.unwrap_or(file.seed);
    let meta = Meta {
        scenario: file.name.clone(),
        scenario_digest: digest(&text),
        axes: axes.clone(),
        reps,
        seed,
        cells: prepared.len(),
    };
    let mut done = BTreeMap::new();
    let mut sink = None;
    if let Some(dir) = &o.out {
        let meta_path = dir.join("sweep-meta.json");
        let existing = match read_input(&meta_path) {
            Ok(e) => e,
            Err(e) => return invalid(e),
        };
        match existing {
            Some(existing) => match serde_json::from_str::<Meta>(&existing) {
                Ok(m) if m == meta => {
                    done = match read_cells(&dir.join("cells.jsonl"), meta.cells) {
                        Ok(d) => d,
                        Err(e) => return invalid(e),
                    }
                }
                Err(e) => {
                    return invalid(format!(
                        "{}: corrupt (not the sweep description dialsim writes): {e}; remove it or use another --out directory",
                        meta_path.display()
                    ));
                }
                Ok(_) => {
                    return invalid(format!(
                        "{}: holds a different sweep (scenario, grid, reps or seed differ); use another --out directory",
                        dir.display()
                    ));
                }
            },
            None => write_atomic(&meta_path, serde_json::to_string_pretty(&meta)?.as_bytes())?,
        }
        let f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(dir.join("cells.jsonl"))
            .map_err(|e| anyhow::anyhow!("{}: {e}", dir.display()))?;
        sink = Some(Mutex::new(f));
    }
    let mine: Vec<&sweep::Prepared> = prepared
        .iter()
        .filter(|p| shard.is_none_or(|(i, n)| p.cell.index % n == i))
        .collect();
    let todo: Vec<&sweep::Prepared> = mine
        .iter()
        .copied()
        .filter(|p| !done.contains_key(&p.cell.index))
        .collect();
    if !done.is_empty() {
        eprintln!(
            "resuming: {} cell(s) already done, running {}",
            mine.len() - todo.len(),
            todo.len()
        );
    }
    let bar = ProgressBar::with_draw_target(
        Some(todo.len() as u64),
        if std::io::stderr().is_terminal() {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        },
    );
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} cells, {elapsed} elapsed, eta {eta}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let work = || -> anyhow::Result<Vec<CellResult>> {
        todo.par_iter()
            .map(|p| {
                let r = sweep::run_cell(p, seed, reps);
                if let Some(s) = &sink {
                    let line = serde_json::to_string(&r)? + "\n";
                    let mut f = s
                        .lock()
                        .map_err(|_| anyhow::anyhow!("results file lock poisoned"))?;
                    f.write_all(line.as_bytes())?;
                    f.flush()?;
                }
                bar.inc(1);
                Ok(r)
            })
            .collect()
    };
    let fresh = match o.threads {
        Some(n) => rayon::ThreadPoolBuilder::new()
            .num_threads(n.max(1))
            .build()?
            .install(work)?,
        None => work()?,
    };
    bar.finish_and_clear();
    eprintln!(
        "ran {} cell(s), skipped {} already done",
        fresh.len(),
        mine.len() - todo.len()
    );
    for r in fresh {
        done.insert(r.index, r);
    }
    let results: Vec<CellResult> = mine
        .iter()
        .filter_map(|p| done.get(&p.cell.index).cloned())
        .collect();
    finish(
        &file.name,
        &results,
        o.max_abandon_pct / 100.0,
        reps,
        figure,
        o.json,
        o.out.as_deref(),
    )
}

/// The `--abandon-figure` of sweep and merge.
fn parse_figure(name: &str) -> Result<sweep::AbandonFigure, String> {
    sweep::AbandonFigure::parse(name).ok_or_else(|| {
        format!("--abandon-figure {name:?}: use two-second, defined or worst-window")
    })
}

fn finish(
    scenario: &str,
    results: &[CellResult],
    max_abandon: f64,
    reps: u32,
    figure: sweep::AbandonFigure,
    json: bool,
    out: Option<&Path>,
) -> anyhow::Result<ExitCode> {
    let answer = sweep::answer(results, max_abandon, reps, figure);
    if let Some(dir) = out {
        let page = dialsim::page::sweep_page(&answer, scenario).map_err(|e| anyhow::anyhow!(e))?;
        write_atomic(&dir.join("index.html"), page.as_bytes())?;
        write_atomic(
            &dir.join("sweep.json"),
            serde_json::to_string_pretty(&answer)?.as_bytes(),
        )?;
        write_atomic(&dir.join("sweep.csv"), sweep::csv(results).as_bytes())?;
    }
    if json {
        outln!("{}", serde_json::to_string_pretty(&answer)?);
    } else {
        out!("{}", table(results, &answer, max_abandon, figure.key()));
    }
    Ok(ExitCode::from(EXIT_OK))
}

fn table(
    results: &[CellResult],
    answer: &serde_json::Value,
    max_abandon: f64,
    key: &str,
) -> String {
    let best = answer["recommended"]["params"].clone();
    let params: Vec<String> = results
        .first()
        .map(|c| c.params.keys().cloned().collect())
        .unwrap_or_default();
    let mut s = String::new();
    let width: Vec<usize> = params
        .iter()
        .map(|p| {
            results
                .iter()
                .map(|c| match &c.params[p] {
                    serde_json::Value::String(x) => x.len(),
                    v => v.to_string().len(),
                })
                .chain([p.len()])
                .max()
                .unwrap_or(8)
                + 2
        })
        .collect();
    for (p, w) in params.iter().zip(&width) {
        s += &format!("{p:>w$}");
    }
    let head = match key {
        "abandon_rate" => "abandon %".to_string(),
        k => format!("{} %", k.trim_end_matches("_rate")),
    };
    s += &format!("{head:>26}{:>22}{:>10}\n", "utilisation %", "placed");
    let fmt = |c: &CellResult, k: &str| {
        let m = c.overall[k].as_f64().unwrap_or(f64::NAN) * 100.0;
        match c
            .overall
            .get(format!("{k}_ci95"))
            .and_then(|v| v.as_array())
        {
            Some(a) => format!(
                "{m:.2} [{:.2},{:.2}]",
                a[0].as_f64().unwrap_or(0.0) * 100.0,
                a[1].as_f64().unwrap_or(0.0) * 100.0
            ),
            None => format!("{m:.2}"),
        }
    };
    for c in results {
        for (p, w) in params.iter().zip(&width) {
            let v = match &c.params[p] {
                serde_json::Value::String(x) => x.clone(),
                v => v.to_string(),
            };
            s += &format!("{v:>w$}");
        }
        let mark = if serde_json::Value::Object(c.params.clone()) == best {
            "  <- recommended"
        } else {
            ""
        };
        s += &format!(
            "{:>26}{:>22}{:>10}{mark}\n",
            fmt(c, key),
            fmt(c, "utilisation"),
            format!("{:.0}", c.overall["placed"].as_f64().unwrap_or(0.0))
        );
    }
    if best.is_null() {
        s += &format!(
            "no cell keeps the abandon rate within {:.2} %\n",
            max_abandon * 100.0
        );
    }
    s
}

/// `dialsim merge DIR... --out DIR`: join shard outputs of one sweep.
pub fn merge(
    dirs: &[PathBuf],
    out: &Path,
    max_abandon_pct: f64,
    abandon_figure: &str,
    json: bool,
) -> anyhow::Result<ExitCode> {
    if !(max_abandon_pct.is_finite() && (0.0..=100.0).contains(&max_abandon_pct)) {
        return invalid(format!(
            "--max-abandon {max_abandon_pct}: a percentage from 0 to 100"
        ));
    }
    let figure = match parse_figure(abandon_figure) {
        Ok(f) => f,
        Err(e) => return invalid(e),
    };
    let mut meta: Option<Meta> = None;
    let mut cells = BTreeMap::new();
    for d in dirs {
        let meta_path = d.join("sweep-meta.json");
        let text = match read_input(&meta_path) {
            Ok(Some(t)) => t,
            Ok(None) => {
                return invalid(format!(
                    "{}: no sweep-meta.json: not a sweep output directory",
                    d.display()
                ));
            }
            Err(e) => return invalid(e),
        };
        let m: Meta = match serde_json::from_str(&text) {
            Ok(m) => m,
            Err(e) => {
                return invalid(format!(
                    "{}: corrupt (not the sweep description dialsim writes): {e}",
                    meta_path.display()
                ));
            }
        };
        if meta.as_ref().is_some_and(|x| *x != m) {
            return invalid(format!(
                "{}: a different sweep from {}",
                d.display(),
                dirs[0].display()
            ));
        }
        let count = m.cells;
        meta = Some(m);
        match read_cells_checked(&d.join("cells.jsonl"), count) {
            Ok(c) => cells.extend(c),
            Err(e) => return invalid(e),
        }
    }
    let Some(meta) = meta else {
        return invalid("merge: give at least one directory");
    };
    let missing: Vec<usize> = (0..meta.cells).filter(|i| !cells.contains_key(i)).collect();
    if !missing.is_empty() {
        return invalid(format!(
            "merge: cells {missing:?} are in none of the directories; run the missing shards first"
        ));
    }
    write_atomic(
        &out.join("sweep-meta.json"),
        serde_json::to_string_pretty(&meta)?.as_bytes(),
    )?;
    let lines: String = cells
        .values()
        .map(|c| serde_json::to_string(c).unwrap_or_default() + "\n")
        .collect();
    write_atomic(&out.join("cells.jsonl"), lines.as_bytes())?;
    let results: Vec<CellResult> = cells.into_values().collect();
    finish(
        &meta.scenario,
        &results,
        max_abandon_pct / 100.0,
        meta.reps,
        figure,
        json,
        Some(out),
    )
}
