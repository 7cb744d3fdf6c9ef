//! Reports: the run's figures as JSON (the stable keys of SPEC section 7), replications merged
//! with 95 % intervals, and a terminal table. Pure: returns values and strings, never prints.

use crate::metrics::{CallCounts, Percentiles, StateTimes};
use crate::request::TaskType;
use crate::scenario::Scenario;
use crate::stats;
use crate::world::result::{RunResult, TaskResult, percentiles};
use hdrhistogram::Histogram;
use serde_json::{Map, Value, json};

/// Report keys that are rates: with several replications each gains a `<key>_ci95` sibling.
pub const RATE_KEYS: &[&str] = &[
    "abandon_rate",
    "abandon_defined_rate",
    "abandon_worst_window_rate",
    "hangup_rate",
    "answer_rate",
    "utilisation",
    "occupancy",
    "line_utilisation",
    "list_penetration",
    "contacts_per_agent_hour",
];

fn ratio(a: u64, b: u64) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

/// Bin edges (seconds) of the customer-wait histogram; the last bin is open-ended.
pub const WAIT_EDGES_S: &[f64] = &[
    0.0, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0, 5.0, 7.5, 10.0, 15.0, 20.0, 30.0, 60.0,
];
/// Bin edges (seconds) of the agent idle-gap histogram; the last bin is open-ended.
pub const IDLE_EDGES_S: &[f64] = &[
    0.0, 5.0, 10.0, 20.0, 30.0, 45.0, 60.0, 90.0, 120.0, 180.0, 300.0, 600.0,
];

/// Counts of a histogram (ms values) in the bins `[edge_i, edge_{i+1})`, the last open:
/// one pass over the recorded values.
fn bins(h: &Histogram<u64>, edges: &[f64]) -> Value {
    let ms: Vec<u64> = edges.iter().map(|s| (s * 1000.0).round() as u64).collect();
    let mut counts = vec![0u64; edges.len()];
    for v in h.iter_recorded() {
        let x = v.value_iterated_to();
        // The last edge at or below x.
        let i = ms.partition_point(|&e| e <= x).saturating_sub(1);
        counts[i] += v.count_at_value();
    }
    Value::Array(
        edges
            .iter()
            .enumerate()
            .map(|(i, &lo)| json!({"from_s": lo, "to_s": edges.get(i + 1), "count": counts[i]}))
            .collect(),
    )
}

fn figures(
    counts: &CallCounts,
    times: &StateTimes,
    wait: &Histogram<u64>,
    idle: &Histogram<u64>,
    numbers_total: u64,
    numbers_done: u64,
) -> Map<String, Value> {
    let avail_h = times.available() as f64 / 3_600_000.0;
    let p = |x: Percentiles| json!({"p50": x.p50, "p90": x.p90, "p99": x.p99, "max": x.max, "mean": x.mean});
    let v = json!({
        "placed": counts.placed,
        "answered": counts.answered,
        "no_answer": counts.no_answer,
        "busy": counts.busy,
        "failed": counts.failed,
        "connected": counts.connected,
        "abandoned": counts.abandoned,
        "hung_up": counts.hung_up,
        "dropped": counts.dropped,
        "ivr_overflow": counts.ivr_overflow,
        "ivr_completed": counts.ivr_completed,
        "connected_within_2s": counts.connected_within_2s,
        "ringing_at_end": counts.ringing_at_end,
        "answered_open_at_end": counts.answered_open_at_end,
        "skipped": counts.skipped,
        "abandon_rate": round6(ratio(counts.abandoned, counts.answered)),
        "hangup_rate": round6(ratio(counts.hung_up, counts.answered)),
        "answer_rate": round6(ratio(counts.answered, counts.placed - counts.ringing_at_end)),
        "utilisation": round6(ratio(times.busy(), times.available())),
        "occupancy": round6(ratio(times.talking, times.available())),
        "wait_s": p(percentiles(wait)),
        "agent_idle_s": p(percentiles(idle)),
        "wait_histogram": bins(wait, WAIT_EDGES_S),
        "agent_idle_histogram": bins(idle, IDLE_EDGES_S),
        "contacts_per_agent_hour": round6(if avail_h > 0.0 { counts.connected as f64 / avail_h } else { 0.0 }),
        "numbers_total": numbers_total,
        "numbers_done": numbers_done,
        "list_penetration": round6(ratio(numbers_done, numbers_total)),
    });
    let mut m = match v {
        Value::Object(m) => m,
        _ => Map::new(),
    };
    // Answering machines and their detection, in reports of runs that have them.
    if counts.machine_answered + counts.amd_hung_up > 0 {
        m.insert("machine_answered".into(), json!(counts.machine_answered));
        m.insert("amd_hung_up".into(), json!(counts.amd_hung_up));
        m.insert(
            "amd_false_positive".into(),
            json!(counts.amd_false_positive),
        );
    }
    m
}

fn task_json(t: &TaskResult, duration_ms: u64) -> Value {
    let mut m = Map::new();
    m.insert("name".into(), json!(t.name));
    m.insert(
        "type".into(),
        json!(match t.task_type {
            TaskType::Predictive => 1,
            TaskType::Automatic => 2,
        }),
    );
    m.insert("pacer".into(), json!(t.pacer));
    m.extend(figures(
        &t.counts,
        &t.agents,
        &t.wait,
        &t.idle_gap,
        t.numbers_total,
        t.numbers_done,
    ));
    m.insert("list_finished_at_s".into(), json!(t.list_finished_at_s));
    m.insert("concurrency".into(), json!(t.concurrency));
    m.insert("max_in_progress".into(), json!(t.max_in_progress));
    m.insert("mean_lines".into(), json!(round6(t.mean_lines)));
    let lu = if t.concurrency > 0 {
        t.mean_lines / f64::from(t.concurrency)
    } else {
        0.0
    };
    m.insert("line_utilisation".into(), json!(round6(lu)));
    m.insert("status".into(), json!(t.status));
    m.insert("status_changes".into(), json!(t.status_changes));
    m.insert("pauses".into(), json!(t.pauses));
    m.insert("numbers_finished".into(), json!(t.fates));
    let attempts: Map<String, Value> = t
        .attempts
        .iter()
        .enumerate()
        .filter(|(_, n)| **n > 0)
        .map(|(k, n)| (k.to_string(), json!(n)))
        .collect();
    m.insert("attempts_per_number".into(), Value::Object(attempts));
    m.insert("retries_placed".into(), json!(t.retries_placed));
    m.insert("backup_calls".into(), json!(t.backup_calls));
    m.insert("actions".into(), json!(t.actions));
    m.insert(
        "caller_ids".into(),
        json!(
            t.caller_ids
                .iter()
                .map(|(clid, calls, answered)| json!({
                    "clid": clid,
                    "calls": calls,
                    "answered": answered,
                    "answer_rate": round6(ratio(*answered, *calls)),
                }))
                .collect::<Vec<_>>()
        ),
    );
    if let Some(a) = &t.abandon {
        m.insert("abandon_defined".into(), a.clone());
    }
    let _ = duration_ms;
    Value::Object(m)
}

/// The report of one run.
pub fn run_json(sc: &Scenario, r: &RunResult) -> Value {
    let mut counts = CallCounts::default();
    let mut times = StateTimes::default();
    let mut wait = crate::metrics::histogram();
    let mut idle = crate::metrics::histogram();
    let (mut total, mut done) = (0, 0);
    for t in &r.tasks {
        counts.add(&t.counts);
        times.add(&t.agents);
        // Same bounds on both sides, so adding cannot fail.
        let _ = wait.add(&t.wait);
        let _ = idle.add(&t.idle_gap);
        total += t.numbers_total;
        done += t.numbers_done;
    }
    let mut overall = figures(&counts, &times, &wait, &idle, total, done);
    let finished = r
        .tasks
        .iter()
        .map(|t| t.list_finished_at_s)
        .collect::<Option<Vec<f64>>>()
        .map(|v| v.into_iter().fold(0.0, f64::max));
    overall.insert("list_finished_at_s".into(), json!(finished));
    // Under the tasks' own abandon definitions (when any task gives one): the rate over
    // every such task's counted calls, and the worst window of any of them.
    let defined: Vec<&Value> = r.tasks.iter().filter_map(|t| t.abandon.as_ref()).collect();
    if !defined.is_empty() {
        let sum = |k: &str| {
            defined
                .iter()
                .map(|a| a[k].as_u64().unwrap_or(0))
                .sum::<u64>()
        };
        overall.insert(
            "abandon_defined_rate".into(),
            json!(round6(ratio(sum("abandoned"), sum("counted")))),
        );
        // The worst judged window of any task (null when no window holds enough calls to be
        // judged: a sweep then never recommends the cell on it).
        let worst = defined
            .iter()
            .filter_map(|a| a["worst_window_rate"].as_f64())
            .reduce(f64::max);
        overall.insert("abandon_worst_window_rate".into(), json!(worst));
    }
    let agents: Vec<Value> = r
        .agents
        .iter()
        .filter(|a| a.task.is_some())
        .map(|a| {
            let s = |ms: u64| round6(ms as f64 / 1000.0);
            let idle_s = a.times.idle as f64 / 1000.0;
            json!({
                "cno": a.cno,
                "task": a.task.map(|i| r.tasks[i].name.clone()),
                "calls": a.calls,
                "talk_s": s(a.times.talking),
                "wrapup_s": s(a.times.wrapup),
                "ringing_s": s(a.times.ringing),
                "idle_s": s(a.times.idle),
                "break_s": s(a.times.on_break),
                "utilisation": round6(ratio(a.times.busy(), a.times.available())),
                "occupancy": round6(ratio(a.times.talking, a.times.available())),
                "AgentAvgIdleTime": round6(if a.calls > 0 { idle_s / a.calls as f64 } else { idle_s }),
                "BridgeIn2sRate": round6(ratio(a.bridged_within_2s, a.calls)),
            })
        })
        .collect();
    let timeseries: Vec<Value> = r
        .buckets
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let span = (r.duration_ms - (i as u64 * r.bucket_ms))
                .min(r.bucket_ms)
                .max(1);
            let at = sc
                .start
                .checked_add(jiff::SignedDuration::from_millis(
                    (i as u64 * r.bucket_ms) as i64,
                ))
                .unwrap_or(sc.start);
            json!({
                "start_s": i as u64 * r.bucket_ms / 1000,
                "at": at.strftime("%Y-%m-%dT%H:%M:%S").to_string(),
                "placed": b.placed,
                "answered": b.answered,
                "connected": b.connected,
                "abandoned": b.abandoned,
                "hung_up": b.hung_up,
                "utilisation": round6(ratio(b.agents.busy(), b.agents.available())),
                "occupancy": round6(ratio(b.agents.talking, b.agents.available())),
                "mean_lines": round6(b.line_ms as f64 / span as f64),
                "abandon_rate": round6(ratio(b.abandoned, b.answered)),
                "dial_rate_per_min": round6(b.placed as f64 * 60_000.0 / span as f64),
                "agents_idle": round6(b.agents.idle as f64 / span as f64),
                "agents_ringing": round6(b.agents.ringing as f64 / span as f64),
                "agents_talking": round6(b.agents.talking as f64 / span as f64),
                "agents_wrapup": round6(b.agents.wrapup as f64 / span as f64),
                "agents_break": round6(b.agents.on_break as f64 / span as f64),
            })
        })
        .collect();
    // Calendar days: the buckets summed by their date.
    let mut days: Vec<(String, crate::metrics::Bucket)> = Vec::new();
    for (b, row) in r.buckets.iter().zip(&timeseries) {
        let date = row["at"].as_str().and_then(|a| a.get(..10)).unwrap_or("");
        match days.last_mut() {
            Some((d, sum)) if d == date => sum.add(b),
            _ => days.push((date.to_string(), b.clone())),
        }
    }
    let days: Vec<Value> = days
        .iter()
        .map(|(date, b)| {
            json!({
                "date": date,
                "placed": b.placed,
                "answered": b.answered,
                "connected": b.connected,
                "abandoned": b.abandoned,
                "abandon_rate": round6(ratio(b.abandoned, b.answered)),
                "utilisation": round6(ratio(b.agents.busy(), b.agents.available())),
            })
        })
        .collect();
    json!({
        "scenario": sc.file.name,
        "seed": r.seed,
        "reps": 1,
        "days": days,
        "duration_s": r.duration_ms as f64 / 1000.0,
        "overall": Value::Object(overall),
        "tasks": r
            .tasks
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let mut v = task_json(t, r.duration_ms);
                if let (Some(req), Value::Object(m)) = (sc.tasks.get(i), &mut v) {
                    m.insert(
                        "quotiety_pct".into(),
                        json!(req.request.quotiety.fraction() * 100.0),
                    );
                }
                v
            })
            .collect::<Vec<_>>(),
        "agents": agents,
        "timeseries": timeseries,
        "events": r.events,
    })
}

/// Rows of JSON objects as CSV: one column per scalar field, nested objects flattened with
/// dotted names (`wait_s.p50`), arrays left out; the columns of the first row, in order.
pub fn csv(rows: &[Value]) -> String {
    fn flatten(prefix: &str, v: &Value, out: &mut Vec<(String, String)>) {
        match v {
            Value::Object(m) => {
                for (k, x) in m {
                    let name = if prefix.is_empty() {
                        k.clone()
                    } else {
                        format!("{prefix}.{k}")
                    };
                    flatten(&name, x, out);
                }
            }
            Value::Array(_) => {}
            Value::Null => out.push((prefix.to_string(), String::new())),
            Value::String(s) => out.push((prefix.to_string(), neutralise(s))),
            other => out.push((prefix.to_string(), other.to_string())),
        }
    }
    // CSV injection (OWASP): a text cell a spreadsheet would read as a formula (it starts
    // with = + - @, a tab or a carriage return) gets a leading apostrophe. Numbers are
    // written as numbers and never touched.
    fn neutralise(s: &str) -> String {
        if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
            format!("'{s}")
        } else {
            s.to_string()
        }
    }
    let quote = |s: &str| {
        if s.contains([',', '"', '\n', '\r']) {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s.to_string()
        }
    };
    let flat: Vec<Vec<(String, String)>> = rows
        .iter()
        .map(|r| {
            let mut out = Vec::new();
            flatten("", r, &mut out);
            out
        })
        .collect();
    let Some(first) = flat.first() else {
        return String::new();
    };
    let header: Vec<String> = first.iter().map(|(k, _)| k.clone()).collect();
    let mut text = header
        .iter()
        .map(|h| quote(h))
        .collect::<Vec<_>>()
        .join(",")
        + "\n";
    for row in &flat {
        let line: Vec<String> = header
            .iter()
            .map(|h| {
                row.iter()
                    .find(|(k, _)| k == h)
                    .map(|(_, v)| quote(v))
                    .unwrap_or_default()
            })
            .collect();
        text += &(line.join(",") + "\n");
    }
    text
}

/// Merge replications: every number becomes the mean over replications (null if any is null),
/// and every rate key gains `<key>_ci95: [lo, hi]`. Strings and structure come from the first.
pub fn merge(reports: &[Value]) -> Value {
    let Some(first) = reports.first() else {
        return Value::Null;
    };
    if reports.len() == 1 {
        return first.clone();
    }
    let mut out = merge_values(reports);
    if let Value::Object(m) = &mut out {
        m.insert("reps".into(), json!(reports.len()));
        m.insert("seed".into(), first["seed"].clone());
    }
    out
}

fn merge_values(vs: &[Value]) -> Value {
    match &vs[0] {
        Value::Number(_) => {
            let xs: Option<Vec<f64>> = vs.iter().map(Value::as_f64).collect();
            match xs {
                Some(xs) => json!(round6(stats::mean(&xs))),
                None => Value::Null,
            }
        }
        Value::Null => {
            let xs: Option<Vec<f64>> = vs.iter().map(Value::as_f64).collect();
            xs.map(|xs| json!(round6(stats::mean(&xs))))
                .unwrap_or(Value::Null)
        }
        Value::Object(first) => {
            let mut m = Map::new();
            for (k, v0) in first {
                let col: Vec<Value> = vs
                    .iter()
                    .map(|v| v.get(k).cloned().unwrap_or(Value::Null))
                    .collect();
                m.insert(
                    k.clone(),
                    if matches!(v0, Value::String(_)) {
                        v0.clone()
                    } else {
                        merge_values(&col)
                    },
                );
                if RATE_KEYS.contains(&k.as_str())
                    && let Some(xs) = col.iter().map(Value::as_f64).collect::<Option<Vec<f64>>>()
                {
                    // Rates cannot leave [0, 1] (contacts per hour only cannot go below 0): the
                    // t-interval is clipped to what the figure can be.
                    let [lo, hi] = stats::ci95(&xs);
                    let top = if k == "contacts_per_agent_hour" {
                        f64::INFINITY
                    } else {
                        1.0
                    };
                    let (lo, hi) = (lo.clamp(0.0, top), hi.clamp(0.0, top));
                    m.insert(format!("{k}_ci95"), json!([round6(lo), round6(hi)]));
                }
            }
            Value::Object(m)
        }
        Value::Array(first) => {
            if first.is_empty()
                || vs
                    .iter()
                    .any(|v| v.as_array().map(Vec::len) != Some(first.len()))
            {
                return Value::Array(first.clone());
            }
            // Status histories and pauses differ in length between replications: keep the first.
            Value::Array(
                (0..first.len())
                    .map(|i| {
                        let col: Vec<Value> = vs.iter().map(|v| v[i].clone()).collect();
                        merge_values(&col)
                    })
                    .collect(),
            )
        }
        other => other.clone(),
    }
}

/// Look up a dotted path (`overall.abandon_rate`, `tasks.0.utilisation`) in a report.
pub fn lookup<'a>(report: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.').try_fold(report, |v, key| match v {
        Value::Array(a) => key
            .parse::<usize>()
            .ok()
            .and_then(|i| a.get(i))
            .or_else(|| {
                a.iter()
                    .find(|t| t.get("name").and_then(Value::as_str) == Some(key))
            }),
        Value::Object(m) => m.get(key),
        _ => None,
    })
}

fn pct(v: &Value) -> String {
    v.as_f64()
        .map(|x| format!("{:.2} %", x * 100.0))
        .unwrap_or_else(|| "-".into())
}

fn ci(v: &Value, key: &str) -> String {
    match v.get(format!("{key}_ci95")).and_then(Value::as_array) {
        Some(a) if a.len() == 2 => format!(
            "  [{:.2}, {:.2}]",
            a[0].as_f64().unwrap_or(0.0) * 100.0,
            a[1].as_f64().unwrap_or(0.0) * 100.0
        ),
        _ => String::new(),
    }
}

/// A terminal table of the headline figures.
pub fn table(report: &Value) -> String {
    let mut s = String::new();
    let o = &report["overall"];
    s.push_str(&format!(
        "scenario {}  seed {}  reps {}  simulated {:.1} h\n\n",
        report["scenario"].as_str().unwrap_or("?"),
        report["seed"],
        report["reps"],
        report["duration_s"].as_f64().unwrap_or(0.0) / 3600.0
    ));
    s.push_str(&format!(
        "{:<28}{:>14}{:>14}{:>14}{:>12}{:>12}{:>12}\n",
        "task", "placed", "answered", "connected", "abandon", "util", "list done"
    ));
    let mut rows: Vec<(String, &Value)> = report["tasks"]
        .as_array()
        .map(|ts| {
            ts.iter()
                .map(|t| (t["name"].as_str().unwrap_or("?").to_string(), t))
                .collect()
        })
        .unwrap_or_default();
    rows.push(("OVERALL".into(), o));
    for (name, t) in rows {
        let n = |k: &str| t[k].as_f64().map(|x| format!("{x:.0}")).unwrap_or_default();
        s.push_str(&format!(
            "{:<28}{:>14}{:>14}{:>14}{:>12}{:>12}{:>12}\n",
            name.chars().take(27).collect::<String>(),
            n("placed"),
            n("answered"),
            n("connected"),
            pct(&t["abandon_rate"]),
            pct(&t["utilisation"]),
            pct(&t["list_penetration"])
        ));
    }
    s.push_str(&format!(
        "\nabandon rate (2-second rule): {}{}\nhang-up rate:                 {}{}\nagent utilisation:            {}{}\noccupancy (talk only):        {}{}\n",
        pct(&o["abandon_rate"]), ci(o, "abandon_rate"),
        pct(&o["hangup_rate"]), ci(o, "hangup_rate"),
        pct(&o["utilisation"]), ci(o, "utilisation"),
        pct(&o["occupancy"]), ci(o, "occupancy"),
    ));
    s.push_str(&format!(
        "customer wait (s):            p50 {}  p90 {}  p99 {}  max {}\nagent idle gap (s):           p50 {}  p90 {}  p99 {}  max {}\ncontacts per agent-hour:      {:.1}\nlist finished at:             {}\n",
        o["wait_s"]["p50"], o["wait_s"]["p90"], o["wait_s"]["p99"], o["wait_s"]["max"],
        o["agent_idle_s"]["p50"], o["agent_idle_s"]["p90"], o["agent_idle_s"]["p99"], o["agent_idle_s"]["max"],
        o["contacts_per_agent_hour"].as_f64().unwrap_or(0.0),
        o["list_finished_at_s"].as_f64().map(|x| format!("{:.0} s", x)).unwrap_or_else(|| "not finished".into()),
    ));
    for t in report["tasks"].as_array().into_iter().flatten() {
        if t["type"] == 2 {
            s.push_str(&format!(
                "{}: line utilisation {} (mean {} of {} lines), IVR completions {}\n",
                t["name"].as_str().unwrap_or("?"),
                pct(&t["line_utilisation"]),
                t["mean_lines"],
                t["concurrency"],
                t["ivr_completed"]
            ));
        }
        for p in t["pauses"].as_array().into_iter().flatten() {
            s.push_str(&format!(
                "{}: paused at {} s ({}), resumed at {}\n",
                t["name"].as_str().unwrap_or("?"),
                p["at_s"],
                p["cause"].as_str().unwrap_or(""),
                p["resumed_at_s"]
            ));
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merge_averages_every_number_and_adds_intervals_to_rates() {
        let reps = [
            json!({"scenario": "s", "seed": 1, "overall": {"placed": 10, "abandon_rate": 0.01,
                   "wait_s": {"p50": 1.0}, "list_finished_at_s": null, "name": "a"}}),
            json!({"scenario": "s", "seed": 2, "overall": {"placed": 20, "abandon_rate": 0.02,
                   "wait_s": {"p50": 2.0}, "list_finished_at_s": 5.0, "name": "b"}}),
            json!({"scenario": "s", "seed": 3, "overall": {"placed": 30, "abandon_rate": 0.03,
                   "wait_s": {"p50": 6.0}, "list_finished_at_s": 7.0, "name": "c"}}),
        ];
        let m = merge(&reps);
        let o = &m["overall"];
        assert_eq!(m["reps"], 3);
        assert_eq!(m["seed"], 1, "the master seed is replication 0's");
        assert_eq!(o["placed"], json!(20.0));
        assert_eq!(o["wait_s"]["p50"], json!(3.0));
        assert_eq!(o["name"], "a", "strings come from the first");
        assert_eq!(
            o["list_finished_at_s"],
            Value::Null,
            "null when any is null"
        );
        // Rates: the mean 0.02 and the Student-t interval 0.02 ± 4.303 · 0.01 / √3
        // = 0.02 ± 0.02484, clipped at 0 (a rate cannot be negative).
        assert_eq!(o["abandon_rate"], json!(0.02));
        let ci = o["abandon_rate_ci95"].as_array().expect("an interval");
        let half = 4.303 * 0.01 / 3f64.sqrt();
        assert_eq!(ci[0].as_f64(), Some(0.0));
        assert!((ci[1].as_f64().unwrap_or(f64::NAN) - (0.02 + half)).abs() < 1e-6);
        assert!(o.get("placed_ci95").is_none(), "counts get no interval");
        // One replication is returned as it is.
        assert_eq!(merge(&reps[..1]), reps[0]);
    }
}
