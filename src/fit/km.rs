//! The Kaplan–Meier estimate of a survival curve from grouped, right-censored observations,
//! with Greenwood's standard error and a pointwise 95 % band.

use super::family::{Group, Kind, Z95};
use serde::Serialize;

/// One step of the curve.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Step {
    /// Seconds.
    pub t: f64,
    /// At risk just before `t`.
    pub at_risk: u64,
    /// Events at `t`.
    pub events: u64,
    /// Censored at `t` (at risk at `t`, gone after it).
    pub censored: u64,
    /// S(t), just after `t`.
    pub s: f64,
    /// Greenwood's standard error of S(t).
    pub se: f64,
    /// Lower end of the pointwise 95 % band.
    pub lo: f64,
    /// Upper end.
    pub hi: f64,
}

/// Where a group's observations sit on the curve's time axis: the middle of a cut second, the
/// value itself otherwise.
pub fn time_of(g: &Group) -> f64 {
    match g.kind {
        Kind::Second => g.value + 0.5,
        Kind::Exact | Kind::Stamps => g.value,
    }
}

/// The Kaplan–Meier curve of `groups` (any order); censored observations at a time of
/// events are at risk at it.
pub fn kaplan_meier(groups: &[Group]) -> Vec<Step> {
    let mut by_t: Vec<(f64, u64, u64)> = groups
        .iter()
        .map(|g| (time_of(g), g.events, g.censored))
        .collect();
    by_t.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut merged: Vec<(f64, u64, u64)> = Vec::new();
    for (t, e, c) in by_t {
        match merged.last_mut() {
            Some(last) if last.0 == t => {
                last.1 += e;
                last.2 += c;
            }
            _ => merged.push((t, e, c)),
        }
    }
    let mut at_risk: u64 = merged.iter().map(|m| m.1 + m.2).sum();
    let (mut s, mut green) = (1.0f64, 0.0f64);
    let mut out = Vec::with_capacity(merged.len());
    for (t, e, c) in merged {
        if at_risk == 0 {
            break;
        }
        let n = at_risk as f64;
        s *= 1.0 - e as f64 / n;
        if e > 0 && e < at_risk {
            green += e as f64 / (n * (n - e as f64));
        }
        let se = s * green.sqrt();
        out.push(Step {
            t,
            at_risk,
            events: e,
            censored: c,
            s,
            se,
            lo: (s - Z95 * se).max(0.0),
            hi: (s + Z95 * se).min(1.0),
        });
        at_risk -= e + c;
    }
    out
}

/// S(t) of a curve: the last step at or before `t` (1 before the first).
pub fn at(curve: &[Step], t: f64) -> f64 {
    curve
        .iter()
        .take_while(|s| s.t <= t)
        .last()
        .map_or(1.0, |s| s.s)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The 6-MP arm of Freireich et al. (1963), weeks in remission, `*` censored: the worked
    /// example of Kaplan–Meier in Kleinbaum & Klein, *Survival Analysis* (ch. 2) and of
    /// Greenwood's formula in Collett, *Modelling Survival Data in Medical Research* (2.1.3).
    #[test]
    fn the_six_mp_remission_curve_of_the_textbooks() {
        let data: [(f64, bool); 21] = [
            (6.0, true),
            (6.0, true),
            (6.0, true),
            (6.0, false),
            (7.0, true),
            (9.0, false),
            (10.0, true),
            (10.0, false),
            (11.0, false),
            (13.0, true),
            (16.0, true),
            (17.0, false),
            (19.0, false),
            (20.0, false),
            (22.0, true),
            (23.0, true),
            (25.0, false),
            (32.0, false),
            (32.0, false),
            (34.0, false),
            (35.0, false),
        ];
        let groups: Vec<Group> = data
            .iter()
            .map(|&(v, ev)| Group {
                value: v,
                kind: Kind::Exact,
                events: u64::from(ev),
                censored: u64::from(!ev),
            })
            .collect();
        let km = kaplan_meier(&groups);
        let published = [
            (6.0, 0.857, 0.0764),
            (7.0, 0.807, 0.0869),
            (10.0, 0.753, 0.0963),
            (13.0, 0.690, 0.1068),
            (16.0, 0.627, 0.1141),
            (22.0, 0.538, 0.1282),
            (23.0, 0.448, 0.1346),
        ];
        for (t, s, se) in published {
            let step = km
                .iter()
                .find(|k| k.t == t)
                .expect("a step at every event time");
            assert!(
                (step.s - s).abs() < 5e-4,
                "S({t}) = {} (published {s})",
                step.s
            );
            assert!(
                (step.se - se).abs() < 5e-4,
                "se({t}) = {} (published {se})",
                step.se
            );
        }
        assert_eq!(km[0].at_risk, 21);
        assert_eq!(at(&km, 5.0), 1.0);
        assert!((at(&km, 40.0) - 0.448).abs() < 5e-4, "the curve ends flat");
    }
}
