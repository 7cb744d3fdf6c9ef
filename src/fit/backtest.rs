//! The back-test: the fitted scenario simulated, its call records read by the same code as the
//! platform's, and the figures compared side by side with their intervals.

use super::{Accumulator, Observed, wilson};
use crate::scenario::Scenario;
use serde_json::{Value, json};

/// One compared figure.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Line {
    /// What it is.
    pub figure: &'static str,
    /// In the records.
    pub recorded: Option<f64>,
    /// Its 95 % interval.
    pub recorded_ci95: Option<[f64; 2]>,
    /// Mean over the simulated replications.
    pub simulated: Option<f64>,
    /// Student-t 95 % interval over the replications.
    pub simulated_ci95: Option<[f64; 2]>,
    /// The intervals do not overlap.
    pub disagrees: bool,
}

fn share(s: super::Share) -> Option<f64> {
    (s.n > 0).then(|| s.yes as f64 / s.n as f64)
}

fn hours(o: &Observed) -> Option<f64> {
    o.span
        .map(|(a, b)| ((b - a) as f64 / 3600.0).max(1.0 / 3600.0))
}

fn wait_q(o: &Observed, q: f64) -> Option<f64> {
    super::quantile(&o.waits, q).map(|v| v as f64)
}

/// The order-statistic 95 % interval of quantile `q` of the recorded waits.
fn wait_q_ci(o: &Observed, q: f64) -> Option<[f64; 2]> {
    let n: u64 = o.waits.values().sum();
    if n < 10 {
        return None;
    }
    let nf = n as f64;
    let half = super::Z95 * (nf * q * (1.0 - q)).sqrt();
    let at =
        |rank: f64| super::at_rank(&o.waits, rank.clamp(1.0, nf) as u64).map_or(0.0, |v| v as f64);
    Some([at((nf * q - half).floor()), at((nf * q + half).ceil())])
}

type Figure = (&'static str, fn(&Observed) -> Option<f64>);

const FIGURES: [Figure; 6] = [
    ("answer rate (of ringing calls)", |o| share(o.answered)),
    ("abandon rate (2-second rule)", |o| share(o.abandoned_2s)),
    ("calls per hour", |o| {
        hours(o).map(|h| o.attempts as f64 / h)
    }),
    ("wait p50 (s)", |o| wait_q(o, 0.5)),
    ("wait p90 (s)", |o| wait_q(o, 0.9)),
    ("talk share of agent time", |o| {
        let h = hours(o)?;
        (o.agents > 0).then(|| o.talk_s / (o.agents as f64 * h * 3600.0))
    }),
];

fn recorded_ci(i: usize, o: &Observed) -> Option<[f64; 2]> {
    match i {
        0 => wilson(o.answered.yes, o.answered.n).map(|(a, b)| [a, b]),
        1 => wilson(o.abandoned_2s.yes, o.abandoned_2s.n).map(|(a, b)| [a, b]),
        2 => {
            let h = hours(o)?;
            let n = o.attempts as f64;
            let half = super::Z95 * n.sqrt();
            Some([(n - half) / h, (n + half) / h])
        }
        3 => wait_q_ci(o, 0.5),
        4 => wait_q_ci(o, 0.9),
        _ => None,
    }
}

/// Simulate `sc` `reps` times (seeds from the scenario's) and compare with `recorded`.
pub fn run(sc: &Scenario, reps: u32, recorded: &Observed) -> Vec<Line> {
    let epoch = crate::cdr::epoch_of(sc.start, crate::cdr::PLATFORM_TZ).unwrap_or(0);
    let sims: Vec<Observed> = (0..reps.max(1))
        .map(|r| {
            let seed = sc.file.seed.wrapping_add(u64::from(r));
            let (_, calls) = crate::simulate_with_calls(sc, seed, 1, None, true);
            // The zone is in the bundled database; UTC is the fallback that cannot fail.
            let zone =
                jiff::tz::TimeZone::get(crate::cdr::PLATFORM_TZ).unwrap_or(jiff::tz::TimeZone::UTC);
            let mut acc = Accumulator::in_zone(zone);
            for c in &calls {
                if let Ok(row) = super::records::row_of(&crate::cdr::record(c, epoch)) {
                    acc.add(&row);
                }
            }
            acc.observed
        })
        .collect();
    FIGURES
        .iter()
        .enumerate()
        .map(|(i, (name, f))| {
            let vals: Vec<f64> = sims.iter().filter_map(f).collect();
            let (sim, sim_ci) = if vals.is_empty() {
                (None, None)
            } else {
                let ci = if vals.len() > 1 {
                    Some(crate::stats::ci95(&vals))
                } else {
                    None
                };
                (Some(crate::stats::mean(&vals)), ci)
            };
            let rec = f(recorded);
            let rec_ci = recorded_ci(i, recorded);
            let disagrees = match (rec_ci.or(rec.map(|r| [r, r])), sim_ci) {
                (Some([a, b]), Some([c, d])) => b < c || d < a,
                _ => false,
            };
            Line {
                figure: name,
                recorded: rec,
                recorded_ci95: rec_ci,
                simulated: sim,
                simulated_ci95: sim_ci,
                disagrees,
            }
        })
        .collect()
}

/// The lines as JSON.
pub fn to_json(lines: &[Line], reps: u32) -> Value {
    json!({"reps": reps, "figures": lines})
}

/// Breaks that leave as many agents at work in each hour of the run as the records show for
/// that hour of day: agents beyond the count (in the enterprise's order) are on break for the
/// hour. `start_of_day_s` is the run's start as seconds after midnight. Also the hours in
/// which the records show more agents than the enterprise has.
pub fn breaks_for(
    agents: &[String],
    start_of_day_s: f64,
    duration_s: f64,
    by_hour: &[Option<f64>; 24],
) -> (Vec<Value>, Vec<String>) {
    let (mut breaks, mut short) = (Vec::new(), Vec::new());
    let hours = (duration_s / 3600.0).ceil().max(0.0) as u64;
    for k in 0..hours {
        let from = k as f64 * 3600.0;
        let clock = (((start_of_day_s + from) / 3600.0).floor() as u64 % 24) as usize;
        let Some(n) = by_hour[clock] else { continue };
        let n = n.round() as usize;
        if n > agents.len() {
            short.push(format!(
                "hour {clock:02}: the records show {n} agents, the scenario has {}",
                agents.len()
            ));
        } else if n < agents.len() {
            breaks.push(json!({
                "cnos": agents[n..],
                "start_s": from,
                "duration_s": (duration_s - from).min(3600.0),
            }));
        }
    }
    (breaks, short)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn agents_beyond_the_hours_count_take_that_hour_off() {
        let agents: Vec<String> = (1000..1005).map(|c| c.to_string()).collect();
        let mut by_hour = [None; 24];
        by_hour[9] = Some(4.6); // 5: nobody off
        by_hour[10] = Some(2.2); // 2: three off
        by_hour[11] = Some(7.0); // more than there are
        // A 2.5-hour run from 09:30: run hours 0 (09:30, clock 9), 1 (10:30, clock 10),
        // 2 (11:30, clock 11, half an hour long).
        let (breaks, short) = breaks_for(&agents, 9.5 * 3600.0, 9000.0, &by_hour);
        assert_eq!(
            breaks,
            vec![
                json!({"cnos": ["1002", "1003", "1004"], "start_s": 3600.0, "duration_s": 3600.0})
            ]
        );
        assert_eq!(
            short,
            vec!["hour 11: the records show 7 agents, the scenario has 5"]
        );
    }
}
