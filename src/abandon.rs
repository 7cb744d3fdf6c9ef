//! The abandon rate as regulators and modern dialers define it: a per-task setting
//! ([`AbandonDefinition`]), the per-minute tally a run keeps of it ([`AbandonTally`]), and its
//! compliance windows ([`summary`]). Pure: the engine classifies calls, this module counts.
//!
//! A definition has four parts, after the US Telemarketing Sales Rule (16 CFR 310.4(b)(4)),
//! Amazon Connect's `AbandonmentRatePacingConfig` and Genesys' denominators:
//!
//! - `threshold_s` (default 2): a call is abandoned when no agent is connected within this many
//!   seconds of the clock's start;
//! - `clock`: `queue` (default: from the agent search, after any CustomerVoice prompt: the
//!   platform's 2-second rule, as the engine has always counted it), `answer` (from the
//!   customer's answer), `greeting_end` (from the end of the customer's greeting: the TSR's
//!   "completed greeting", with the greeting drawn from `customers.greeting_s`);
//! - `denominator`: `answered` (default: every answered call), `live` (calls a live person
//!   answered: answering machines out, `IsRealAnswer` = 1), `queued` (calls that reached the
//!   agent queue);
//! - `window`: `run` (default), `day` (each calendar day), `{"rolling": {"hours": N}}`, `30d`
//!   (every 30-day period, rolling by the minute: the TSR's "per campaign per 30-day period"
//!   read strictly). Whatever the window, the report gives the whole run, the worst day and
//!   the worst 30-day period too.
//!
//! With the defaults (2 s from the queue, every answered call, the whole run) the rate is the
//! report's `abandon_rate` exactly: those calls are counted by the engine's own 2-second
//! decision. Any other threshold or clock counts a call connected at exactly the threshold as
//! connected in time. A call still open at the end of the run whose threshold has not passed is
//! in the denominator and not abandoned (as in `abandon_rate`). A live person an answering-
//! machine detector hung up on (a false positive) is abandoned under every definition whose
//! denominator holds them (`answered`, `live`).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

fn two() -> f64 {
    2.0
}

fn three() -> f64 {
    3.0
}

/// Where the abandon clock starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AbandonClock {
    /// At the agent search (after any prompt): the platform's 2-second rule.
    #[default]
    Queue,
    /// At the customer's answer.
    Answer,
    /// At the end of the customer's greeting (`customers.greeting_s`).
    GreetingEnd,
}

/// Which answered calls the rate is a share of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Denominator {
    /// Every answered call.
    #[default]
    Answered,
    /// Calls a live person answered (no answering machines).
    Live,
    /// Calls that reached the agent queue.
    Queued,
}

/// The compliance window.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum WindowSpec {
    /// The whole run.
    #[default]
    Run,
    /// Each calendar day.
    Day,
    /// Every window of this many hours, rolling by the minute.
    Rolling {
        /// The window's length, hours (1 to 720).
        hours: f64,
    },
    /// Every 30-day period, rolling by the minute.
    #[serde(rename = "30d")]
    ThirtyDays,
}

/// A task's abandon-rate definition (scenario `tasks[i].abandon`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AbandonDefinition {
    /// Seconds within which an agent must be connected (default 2).
    #[serde(default = "two")]
    pub threshold_s: f64,
    /// Where the clock starts (default `queue`).
    #[serde(default)]
    pub clock: AbandonClock,
    /// Which answered calls count (default `answered`).
    #[serde(default)]
    pub denominator: Denominator,
    /// The compliance window (default `run`).
    #[serde(default)]
    pub window: WindowSpec,
    /// The cap, percent (default 3): windows above it are counted.
    #[serde(default = "three")]
    pub cap_pct: f64,
    /// Windows holding fewer counted calls are not judged (default 100): the last minutes
    /// of a shift in a rolling hour hold a call or two, and one abandon would be 50 %.
    #[serde(default = "hundred")]
    pub min_counted: u64,
}

fn hundred() -> u64 {
    100
}

impl Default for AbandonDefinition {
    fn default() -> Self {
        AbandonDefinition {
            threshold_s: 2.0,
            clock: AbandonClock::Queue,
            denominator: Denominator::Answered,
            window: WindowSpec::Run,
            cap_pct: 3.0,
            min_counted: 100,
        }
    }
}

impl AbandonDefinition {
    /// The US Telemarketing Sales Rule: 2 s from the completed greeting, live answers, every
    /// 30-day period, 3 %.
    pub fn tsr() -> AbandonDefinition {
        AbandonDefinition {
            threshold_s: 2.0,
            clock: AbandonClock::GreetingEnd,
            denominator: Denominator::Live,
            window: WindowSpec::ThirtyDays,
            cap_pct: 3.0,
            min_counted: 100,
        }
    }

    /// Whether calls are judged by the engine's own 2-second decision (2 s from the queue).
    pub fn is_platform_rule(&self) -> bool {
        self.threshold_s == 2.0 && self.clock == AbandonClock::Queue
    }

    /// The threshold in ms.
    pub fn threshold_ms(&self) -> u64 {
        crate::sim::ms(self.threshold_s)
    }

    /// The definition's own rules: `(field, rule)` of the first broken one.
    pub fn check(&self) -> Result<(), (String, String)> {
        if !(self.threshold_s.is_finite() && (0.0..=600.0).contains(&self.threshold_s)) {
            return Err((
                "threshold_s".into(),
                format!("{} must be from 0 to 600 seconds", self.threshold_s),
            ));
        }
        if !(self.cap_pct.is_finite() && self.cap_pct > 0.0 && self.cap_pct <= 100.0) {
            return Err((
                "cap_pct".into(),
                format!("{} must be a percentage above 0", self.cap_pct),
            ));
        }
        if let WindowSpec::Rolling { hours } = self.window
            && !(hours.is_finite() && (1.0..=720.0).contains(&hours) && hours.fract() == 0.0)
        {
            return Err((
                "window.rolling.hours".into(),
                format!("{hours} must be a whole number of hours from 1 to 720"),
            ));
        }
        Ok(())
    }

    fn window_name(&self) -> String {
        match self.window {
            WindowSpec::Run => "run".into(),
            WindowSpec::Day => "day".into(),
            WindowSpec::Rolling { hours } => format!("rolling_{hours}h"),
            WindowSpec::ThirtyDays => "30d".into(),
        }
    }
}

/// Per-minute counts of one task's calls under its definition: abandoned calls and calls in
/// the denominator, by the minute of the answer.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AbandonTally {
    /// `(abandoned, counted)` per minute since the scenario start.
    pub minutes: Vec<(u32, u32)>,
}

const MINUTE_MS: u64 = 60_000;

impl AbandonTally {
    /// A tally for a run of `duration_ms`.
    pub fn new(duration_ms: u64) -> AbandonTally {
        AbandonTally {
            minutes: vec![(0, 0); (duration_ms / MINUTE_MS + 1) as usize],
        }
    }

    /// Count a call answered at `at_ms`: in the denominator, and abandoned or not.
    pub fn add(&mut self, at_ms: u64, abandoned: bool) {
        let i = ((at_ms / MINUTE_MS) as usize).min(self.minutes.len().saturating_sub(1));
        if let Some(m) = self.minutes.get_mut(i) {
            m.1 += 1;
            if abandoned {
                m.0 += 1;
            }
        }
    }

    /// Prefix sums: element `i` is (abandoned, counted) over the first `i` minutes.
    fn prefix(&self) -> Vec<(u64, u64)> {
        let mut pre = Vec::with_capacity(self.minutes.len() + 1);
        pre.push((0u64, 0u64));
        for &(a, c) in &self.minutes {
            let (x, y) = pre[pre.len() - 1];
            pre.push((x + u64::from(a), y + u64::from(c)));
        }
        pre
    }

    /// Totals: (abandoned, counted).
    pub fn totals(&self) -> (u64, u64) {
        self.minutes.iter().fold((0, 0), |(a, c), &(x, y)| {
            (a + u64::from(x), c + u64::from(y))
        })
    }
}

/// One window's figures.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WindowFigures {
    /// Start, seconds since the scenario start.
    pub start_s: f64,
    /// End (exclusive), seconds.
    pub end_s: f64,
    /// Abandoned calls in it.
    pub abandoned: u64,
    /// Calls in the denominator.
    pub counted: u64,
}

impl WindowFigures {
    /// The rate (0 with an empty denominator).
    pub fn rate(&self) -> f64 {
        rate(self.abandoned, self.counted)
    }

    fn json(&self) -> Value {
        json!({
            "start_s": self.start_s,
            "end_s": self.end_s,
            "abandoned": self.abandoned,
            "counted": self.counted,
            "rate": round6(self.rate()),
        })
    }
}

/// `abandoned / counted`, 0 with an empty denominator.
fn rate(abandoned: u64, counted: u64) -> f64 {
    if counted == 0 {
        0.0
    } else {
        abandoned as f64 / counted as f64
    }
}

fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}

/// The windows of one kind: each window's figures, in time order. `midnight_ms` is the first
/// midnight after the scenario start (ms since the start); `duration_ms` the run's length.
pub fn windows(
    tally: &AbandonTally,
    kind: WindowSpec,
    duration_ms: u64,
    midnight_ms: u64,
) -> Vec<WindowFigures> {
    let n = tally.minutes.len();
    let pre = tally.prefix();
    let span = |a: usize, b: usize, start_ms: u64, end_ms: u64| {
        let (a, b) = (a.min(n), b.min(n));
        WindowFigures {
            start_s: start_ms as f64 / 1000.0,
            end_s: end_ms as f64 / 1000.0,
            abandoned: pre[b].0 - pre[a].0,
            counted: pre[b].1 - pre[a].1,
        }
    };
    let minutes_of = |ms: u64| (ms / MINUTE_MS) as usize;
    let rolling = |len_ms: u64| -> Vec<WindowFigures> {
        if duration_ms <= len_ms {
            return vec![span(0, n, 0, duration_ms)];
        }
        let len = minutes_of(len_ms);
        (0..=minutes_of(duration_ms - len_ms))
            .map(|s| {
                let start = s as u64 * MINUTE_MS;
                span(s, s + len, start, start + len_ms)
            })
            .collect()
    };
    match kind {
        WindowSpec::Run => vec![span(0, n, 0, duration_ms)],
        WindowSpec::Day => {
            // Days are cut at midnight; a midnight falls on a minute boundary of the run
            // only when the run starts on a whole minute, which scenarios do.
            let mut out = Vec::new();
            let mut start = 0;
            let mut end = midnight_ms.min(duration_ms);
            // `end > start` throughout: the first midnight is after the start.
            while start < duration_ms {
                out.push(span(minutes_of(start), minutes_of(end), start, end));
                start = end;
                end = (end + 86_400_000).min(duration_ms);
            }
            out
        }
        WindowSpec::Rolling { hours } => rolling((hours * 3_600_000.0) as u64),
        WindowSpec::ThirtyDays => rolling(30 * 86_400_000),
    }
}

/// The worst judged window (at least `min` counted calls; the highest rate, the earliest
/// among equals) and how many judged windows are over `cap`.
fn worst(ws: &[WindowFigures], cap: f64, min: u64) -> Value {
    let judged: Vec<&WindowFigures> = ws.iter().filter(|w| w.counted >= min.max(1)).collect();
    let best = judged
        .iter()
        .copied()
        .fold(None, |acc: Option<&WindowFigures>, w| match acc {
            Some(a) if a.rate() >= w.rate() => Some(a),
            _ => Some(w),
        });
    json!({
        "windows": ws.len(),
        "judged": judged.len(),
        "over_cap": judged.iter().filter(|w| w.rate() > cap).count(),
        "worst": best.map(WindowFigures::json),
    })
}

/// The report's figures of a task's tally under its definition: the rate over the run, the
/// definition's window (worst, count over the cap), the worst day and the worst 30-day
/// period, and the rolling series for the run page (the definition's window ending at each
/// bucket's end, when the window is rolling).
pub fn summary(
    def: &AbandonDefinition,
    tally: &AbandonTally,
    duration_ms: u64,
    midnight_ms: u64,
    bucket_ms: u64,
) -> Value {
    let cap = def.cap_pct / 100.0;
    let (abandoned, counted) = tally.totals();
    let own = windows(tally, def.window, duration_ms, midnight_ms);
    let day = windows(tally, WindowSpec::Day, duration_ms, midnight_ms);
    let thirty = windows(tally, WindowSpec::ThirtyDays, duration_ms, midnight_ms);
    let rolling = match def.window {
        WindowSpec::Rolling { hours } => {
            let len = (hours * 60.0) as usize;
            let pre = tally.prefix();
            let n = tally.minutes.len();
            let step = (bucket_ms / MINUTE_MS).max(1) as usize;
            let mut series = Vec::new();
            let mut end = step;
            while end <= n {
                let from = end.saturating_sub(len);
                let (a, c) = (pre[end].0 - pre[from].0, pre[end].1 - pre[from].1);
                series.push(json!([
                    (end as u64 * MINUTE_MS) as f64 / 1000.0,
                    round6(rate(a, c))
                ]));
                end += step;
            }
            Value::Array(series)
        }
        _ => Value::Null,
    };
    let min = def.min_counted;
    let own_worst = worst(&own, cap, min);
    json!({
        "definition": def,
        "window": def.window_name(),
        "abandoned": abandoned,
        "counted": counted,
        "rate": round6(rate(abandoned, counted)),
        "worst_window_rate": own_worst["worst"]["rate"].clone(),
        "windows": own_worst,
        "worst_day": worst(&day, cap, min),
        "worst_30d": worst(&thirty, cap, min),
        "rolling": rolling,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tally(minutes: &[(u32, u32)]) -> AbandonTally {
        AbandonTally {
            minutes: minutes.to_vec(),
        }
    }

    #[test]
    fn rolling_windows_match_a_direct_recount() {
        // 10 minutes; a 3-minute window (0.05 h) is not a setting (whole hours only), so
        // recount 1-hour windows over a 3-hour run of varied minutes.
        let m: Vec<(u32, u32)> = (0..180u32).map(|i| (i % 7 / 5, 3 + i % 4)).collect();
        let t = tally(&m);
        let ws = windows(&t, WindowSpec::Rolling { hours: 1.0 }, 180 * 60_000, 0);
        assert_eq!(ws.len(), 121);
        for (s, w) in ws.iter().enumerate() {
            let (a, c) = m[s..s + 60].iter().fold((0, 0), |(a, c), &(x, y)| {
                (a + u64::from(x), c + u64::from(y))
            });
            assert_eq!((w.abandoned, w.counted), (a, c), "window {s}");
            assert_eq!(w.start_s, s as f64 * 60.0);
            assert_eq!(w.end_s, w.start_s + 3600.0);
        }
    }

    #[test]
    fn days_are_cut_at_midnight() {
        // A run from 22:00 for 27 hours: 2 h, then 24 h, then 1 h.
        let m: Vec<(u32, u32)> = (0..27 * 60).map(|i| (u32::from(i < 120), 1)).collect();
        let t = tally(&m);
        let ws = windows(&t, WindowSpec::Day, 27 * 3_600_000, 2 * 3_600_000);
        let spans: Vec<(f64, f64, u64, u64)> = ws
            .iter()
            .map(|w| (w.start_s, w.end_s, w.abandoned, w.counted))
            .collect();
        assert_eq!(
            spans,
            [
                (0.0, 7200.0, 120, 120),
                (7200.0, 93_600.0, 0, 1440),
                (93_600.0, 97_200.0, 0, 60)
            ]
        );
        let s = summary(
            &AbandonDefinition {
                window: WindowSpec::Day,
                ..AbandonDefinition::default()
            },
            &t,
            27 * 3_600_000,
            2 * 3_600_000,
            900_000,
        );
        assert_eq!(s["window"], "day");
        // 27 hours hold one 30-day period: the whole run.
        assert_eq!(s["worst_30d"]["windows"], 1);
        assert_eq!(s["worst_30d"]["worst"]["counted"], 1620);
        assert_eq!(s["worst_day"]["worst"]["rate"], 1.0);
        assert_eq!(s["worst_day"]["over_cap"], 1);
        assert_eq!(s["windows"]["windows"], 3);
        assert_eq!(s["abandoned"], 120);
        assert_eq!(s["counted"], 1620);
    }

    #[test]
    fn definitions_are_checked() {
        assert!(AbandonDefinition::default().check().is_ok());
        assert!(AbandonDefinition::tsr().check().is_ok());
        assert!(AbandonDefinition::default().is_platform_rule());
        assert!(!AbandonDefinition::tsr().is_platform_rule());
        for (bad, field) in [
            (
                AbandonDefinition {
                    threshold_s: -1.0,
                    ..AbandonDefinition::default()
                },
                "threshold_s",
            ),
            (
                AbandonDefinition {
                    cap_pct: 0.0,
                    ..AbandonDefinition::default()
                },
                "cap_pct",
            ),
            (
                AbandonDefinition {
                    window: WindowSpec::Rolling { hours: 0.5 },
                    ..AbandonDefinition::default()
                },
                "window.rolling.hours",
            ),
        ] {
            assert_eq!(bad.check().expect_err("invalid").0, field);
        }
        let parsed: AbandonDefinition = serde_json::from_str(
            r#"{"clock":"greeting_end","denominator":"live","window":{"rolling":{"hours":24}}}"#,
        )
        .expect("json");
        assert_eq!(parsed.window, WindowSpec::Rolling { hours: 24.0 });
        let thirty: AbandonDefinition = serde_json::from_str(r#"{"window":"30d"}"#).expect("30d");
        assert_eq!(thirty.window, WindowSpec::ThirtyDays);
        // An empty definition is the platform's rule with a 3 % cap and 100-call windows.
        let empty: AbandonDefinition = serde_json::from_str("{}").expect("empty");
        assert_eq!(empty, AbandonDefinition::default());
        assert_eq!(
            (empty.threshold_s, empty.cap_pct, empty.min_counted),
            (2.0, 3.0, 100)
        );
        // Rolling windows: whole hours from 1 to 720.
        for hours in [1.5, 721.0, f64::NAN] {
            let d = AbandonDefinition {
                window: WindowSpec::Rolling { hours },
                ..AbandonDefinition::default()
            };
            assert!(d.check().is_err(), "{hours}");
        }
        for hours in [1.0, 720.0] {
            let d = AbandonDefinition {
                window: WindowSpec::Rolling { hours },
                ..AbandonDefinition::default()
            };
            assert!(d.check().is_ok(), "{hours}");
        }
    }

    #[test]
    fn the_worst_window_is_the_highest_rate_and_the_earliest_among_equals() {
        let w = |start_s: f64, abandoned: u64| WindowFigures {
            start_s,
            end_s: start_s + 60.0,
            abandoned,
            counted: 100,
        };
        let ws = [w(0.0, 1), w(60.0, 5), w(120.0, 2), w(180.0, 5)];
        let v = worst(&ws, 0.03, 100);
        assert_eq!(v["worst"]["start_s"], 60.0);
        assert_eq!(v["over_cap"], 2);
        assert_eq!(v["judged"], 4);
        // Windows under the minimum are not judged.
        let v = worst(&ws, 0.03, 101);
        assert_eq!(
            (v["judged"].as_u64(), v["worst"].is_null()),
            (Some(0), true)
        );
    }

    #[test]
    fn the_rolling_series_is_the_window_ending_at_each_bucket() {
        // Three hours; abandons only in the second hour's first half.
        let m: Vec<(u32, u32)> = (0..181u32)
            .map(|i| (u32::from((60..90).contains(&i)), 2))
            .collect();
        let t = tally(&m);
        let def = AbandonDefinition {
            window: WindowSpec::Rolling { hours: 1.0 },
            ..AbandonDefinition::default()
        };
        let s = summary(&def, &t, 3 * 3_600_000, 10 * 3_600_000, 30 * 60_000);
        let series = s["rolling"].as_array().expect("series");
        assert_eq!(series.len(), 6);
        for (k, p) in series.iter().enumerate() {
            let end = (k + 1) * 30;
            let from = end.saturating_sub(60);
            let (a, c) = m[from..end].iter().fold((0u64, 0u64), |(a, c), &(x, y)| {
                (a + u64::from(x), c + u64::from(y))
            });
            assert_eq!(p[0], json!(end as f64 * 60.0), "bucket {k}");
            assert_eq!(p[1], json!(round6(a as f64 / c as f64)), "bucket {k}");
        }
        // The hour ending at 90 minutes holds all 30 abandons of 120 calls.
        assert_eq!(series[2][1], json!(0.25));
        let empty = AbandonTally::new(3_600_000);
        let s = summary(&def, &empty, 3_600_000, 10 * 3_600_000, 30 * 60_000);
        assert_eq!(s["rolling"][0][1], json!(0.0));
        assert!(s["worst_window_rate"].is_null());
    }
}
