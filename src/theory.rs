//! Queueing theory: Erlang A (M/M/n+M) and Erlang C (M/M/n), exact in steady state.
//!
//! The model: answered customers arrive as a Poisson process of rate `λ`, `n` agents serve
//! them in exponential times of rate `μ` (no wrap-up), and a waiting customer hangs up after an
//! exponential patience of rate `θ` (`θ = 0` is Erlang C, stable only when `λ < nμ`).
//!
//! The number in the system is a birth–death chain with birth rate `λ` and death rate
//! `min(k, n)·μ + (k − n)⁺·θ` in state `k`; its stationary law `π` is computed in log space
//! (no overflow at thousands of agents) and truncated where `π_k` falls below `1e-20` of its
//! peak. From it, by PASTA (arrivals see time averages):
//!
//! - `P(wait) = Σ_{k ≥ n} π_k`, `L_q = Σ (k − n)⁺ π_k`;
//! - `P(abandon) = θ·L_q / λ` (the rate of hang-ups over the rate of arrivals);
//! - occupancy `= Σ min(k, n)·π_k / n`; mean wait of all customers `= L_q / λ` (Little);
//! - `P(not connected within t)`: an arrival that finds `q = k − n` customers ahead is
//!   connected after `q + 1` advances of the queue, each at rate `nμ + iθ` while `i` are
//!   ahead, unless its own patience (rate `θ`) ends first. That absorbing chain is solved by
//!   uniformisation for all `q` at once, started from `π_{n+q}`.
//!
//! dialsim uses it to print an analytic estimate beside a run whose scenario is this model
//! (see [`estimate_for`]) and the fidelity tests compare the engine against it.

use crate::dist::{Dist, NamedDist};
use crate::scenario::{PacerSpec, Scenario};
use serde::Serialize;

/// An M/M/n+M queue.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ErlangA {
    /// Arrival rate λ, per second.
    pub arrival_per_s: f64,
    /// Service rate μ of one agent, per second.
    pub service_per_s: f64,
    /// Abandonment rate θ of a waiting customer, per second (0: Erlang C).
    pub abandon_per_s: f64,
    /// Agents n.
    pub agents: u32,
}

/// Why the model cannot be solved, or a scenario is not the model.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum TheoryError {
    /// The model is too large to solve within dialsim's bounds (states, or work of the
    /// 2-second computation): the estimate is skipped.
    #[error("too large to solve: {what} {size} (at most {max})")]
    TooLarge {
        /// What is too large.
        what: &'static str,
        /// How large it is.
        size: u128,
        /// The bound.
        max: u128,
    },
    /// The scenario is not the Erlang-A model (the reason says which assumption fails).
    #[error("not the Erlang-A model: {0}")]
    NotTheModel(&'static str),
    /// A rate is not a positive finite number (θ may be 0).
    #[error("{0} must be a positive finite number")]
    BadRate(&'static str),
    /// Without abandonment the queue grows without bound.
    #[error("unstable: λ = {arrival} ≥ nμ = {capacity} and no abandonment")]
    Unstable {
        /// λ.
        arrival: f64,
        /// nμ.
        capacity: f64,
    },
}

/// The steady state of an [`ErlangA`] queue.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Steady {
    /// Probability that an arrival waits (finds every agent busy).
    pub p_wait: f64,
    /// Probability that an arrival hangs up before an agent takes it.
    pub p_abandon: f64,
    /// Mean agents busy ÷ agents.
    pub occupancy: f64,
    /// Mean number waiting.
    pub mean_queue: f64,
    /// Mean wait of all arrivals, seconds (served or not: an abandoning customer's wait is
    /// the time to hanging up).
    pub mean_wait_s: f64,
    /// Probability that an arrival is served (connected to an agent) at all.
    pub p_served: f64,
    /// Mean wait of the served customers, seconds (the report's `wait_s.mean`).
    pub mean_wait_served_s: f64,
    /// Probability that an arrival is not connected within 2 s (the 2-second rule).
    pub p_not_connected_2s: f64,
}

impl ErlangA {
    /// Erlang C: no abandonment.
    pub fn erlang_c(arrival_per_s: f64, service_per_s: f64, agents: u32) -> ErlangA {
        ErlangA {
            arrival_per_s,
            service_per_s,
            abandon_per_s: 0.0,
            agents,
        }
    }

    fn check(&self) -> Result<(), TheoryError> {
        let pos = |x: f64| x.is_finite() && x > 0.0;
        if !pos(self.arrival_per_s) {
            return Err(TheoryError::BadRate("arrival rate"));
        }
        if !pos(self.service_per_s) {
            return Err(TheoryError::BadRate("service rate"));
        }
        if !(self.abandon_per_s.is_finite() && self.abandon_per_s >= 0.0) {
            return Err(TheoryError::BadRate("abandonment rate"));
        }
        if self.agents == 0 {
            return Err(TheoryError::BadRate("agents"));
        }
        let capacity = f64::from(self.agents) * self.service_per_s;
        if self.abandon_per_s == 0.0 && self.arrival_per_s >= capacity {
            return Err(TheoryError::Unstable {
                arrival: self.arrival_per_s,
                capacity,
            });
        }
        Ok(())
    }

    fn death(&self, k: usize) -> f64 {
        let n = self.agents as usize;
        k.min(n) as f64 * self.service_per_s + k.saturating_sub(n) as f64 * self.abandon_per_s
    }

    /// The stationary law `π_0..π_K` (normalised, truncated at a negligible tail).
    pub fn stationary(&self) -> Result<Vec<f64>, TheoryError> {
        self.check()?;
        let ln_l = self.arrival_per_s.ln();
        let mut logs = vec![0.0f64];
        let mut peak = 0.0f64;
        let n = self.agents as usize;
        let mut k = 1usize;
        loop {
            let prev = logs[k - 1];
            let x = prev + ln_l - self.death(k).ln();
            peak = peak.max(x);
            logs.push(x);
            // Past n the terms eventually fall geometrically (or faster): stop when negligible.
            if k > n && x < peak - 46.0 && x < prev {
                break;
            }
            if k >= crate::limits::MAX_THEORY_STATES {
                return Err(TheoryError::TooLarge {
                    what: "states",
                    size: k as u128 + 1,
                    max: crate::limits::MAX_THEORY_STATES as u128,
                });
            }
            k += 1;
        }
        let mut p: Vec<f64> = logs.iter().map(|x| (x - peak).exp()).collect();
        let total: f64 = p.iter().sum();
        p.iter_mut().for_each(|x| *x /= total);
        Ok(p)
    }

    /// The steady state.
    pub fn solve(&self) -> Result<Steady, TheoryError> {
        let pi = self.stationary()?;
        let n = self.agents as usize;
        let p_wait: f64 = pi.iter().skip(n).sum();
        let mean_queue: f64 = pi
            .iter()
            .enumerate()
            .skip(n)
            .map(|(k, p)| (k - n) as f64 * p)
            .sum();
        let busy: f64 = pi
            .iter()
            .enumerate()
            .map(|(k, p)| k.min(n) as f64 * p)
            .sum();
        let (p_served, wait_served) = self.served(&pi);
        Ok(Steady {
            p_wait,
            p_abandon: self.abandon_per_s * mean_queue / self.arrival_per_s,
            occupancy: busy / n as f64,
            mean_queue,
            mean_wait_s: mean_queue / self.arrival_per_s,
            p_served,
            // Nobody served: no served wait either (0 / the smallest positive number).
            mean_wait_served_s: wait_served / p_served.max(f64::MIN_POSITIVE),
            p_not_connected_2s: 1.0 - self.p_connected_within(&pi, 2.0)?,
        })
    }

    /// P(served) and E[W · 1{served}] of an arrival, given `π`. A customer who finds `i`
    /// waiting ahead moves up at rate nμ + iθ (a service, or someone ahead hanging up) and
    /// hangs up at rate θ: with `r_i = nμ + iθ + θ` and `p_i = (nμ + iθ) / r_i`, the
    /// probability of service from position i is `s_i = p_i s_{i−1}` and the served part of
    /// the wait `m_i = p_i (s_{i−1} / r_i + m_{i−1})`, from `s_{−1} = 1`, `m_{−1} = 0`.
    fn served(&self, pi: &[f64]) -> (f64, f64) {
        let n = self.agents as usize;
        let nmu = n as f64 * self.service_per_s;
        let theta = self.abandon_per_s;
        let (mut s_prev, mut m_prev) = (1.0f64, 0.0f64);
        let mut p_served: f64 = pi.iter().take(n).sum();
        let mut wait_served = 0.0f64;
        for (i, &p) in pi.iter().skip(n).enumerate() {
            let up = nmu + i as f64 * theta;
            let r = up + theta;
            let s = up / r * s_prev;
            let m = up / r * (s_prev / r + m_prev);
            p_served += p * s;
            wait_served += p * m;
            (s_prev, m_prev) = (s, m);
        }
        (p_served, wait_served)
    }

    /// P(W > t | served): the probability that a served customer waited longer than `t`
    /// seconds for the agent.
    pub fn p_wait_over_given_served(&self, t: f64) -> Result<f64, TheoryError> {
        let pi = self.stationary()?;
        let (p_served, _) = self.served(&pi);
        let within = self.p_connected_within(&pi, t)?;
        Ok(((p_served - within) / p_served.max(f64::MIN_POSITIVE)).max(0.0))
    }

    /// Probability that an arrival is connected within `t` seconds, given `π`.
    fn p_connected_within(&self, pi: &[f64], t: f64) -> Result<f64, TheoryError> {
        let n = self.agents as usize;
        let immediate: f64 = pi.iter().take(n).sum();
        // Start: i customers ahead with probability π_{n+i}. Within no time (or less), only
        // those connected at once: the sum below is then its first term, 0.
        let mut v: Vec<f64> = pi.iter().skip(n).copied().collect();
        let t = t.max(0.0);
        let q = v.len();
        let nmu = n as f64 * self.service_per_s;
        let theta = self.abandon_per_s;
        let big = nmu + q as f64 * theta + theta;
        let lt = big * t;
        // Σ_k Poisson(k; Λt) · P(served after k uniformised steps).
        let (mut served, mut result) = (0.0f64, 0.0f64);
        let mut ln_w = -lt;
        let steps = (lt + 10.0 * lt.sqrt() + 30.0).ceil();
        // The work is steps × states: bounded, so a huge rate cannot hang the solver.
        const MAX_WORK: f64 = 2e8;
        if steps.is_nan() || steps * q as f64 > MAX_WORK {
            return Err(TheoryError::TooLarge {
                what: "uniformisation steps × states",
                size: (steps * q as f64).min(u128::MAX as f64) as u128,
                max: MAX_WORK as u128,
            });
        }
        let steps = steps as usize;
        let mut next = vec![0.0; q];
        for k in 0..=steps {
            if k > 0 {
                ln_w += lt.ln() - (k as f64).ln();
                // One uniformised step.
                next.iter_mut().for_each(|x| *x = 0.0);
                for (i, &m) in v.iter().enumerate() {
                    if m == 0.0 {
                        continue;
                    }
                    let adv = nmu + i as f64 * theta;
                    let out = adv + theta;
                    next[i] += m * (1.0 - out / big);
                    if i == 0 {
                        served += m * adv / big;
                    } else {
                        next[i - 1] += m * adv / big;
                    }
                }
                std::mem::swap(&mut v, &mut next);
            }
            result += ln_w.exp() * served;
        }
        Ok(immediate + result)
    }
}

/// An Erlang-A estimate of a scenario, when the scenario is that model: one Type 1 task with
/// the `poisson` pacer, exponential talk and patience (no CustomerMoh), no wrap-up, an agent
/// leg answered at once, an IVR so nobody is cut at 2 s, no prompt, and an answer probability
/// that does not change by hour. Otherwise [`TheoryError::NotTheModel`] with the reason.
/// `pacer` overrides the task's pacer, as `dialsim run --pacer` does.
pub fn estimate_for(sc: &Scenario, pacer: Option<&PacerSpec>) -> Result<Steady, TheoryError> {
    erlang_a_model(sc, pacer)?.solve()
}

/// The Erlang-A model a scenario is, when it is one (see [`estimate_for`]).
pub fn erlang_a_model(sc: &Scenario, pacer: Option<&PacerSpec>) -> Result<ErlangA, TheoryError> {
    use TheoryError::NotTheModel as Not;
    let [task] = sc.tasks.as_slice() else {
        return Err(Not("more than one task"));
    };
    let req = &task.request;
    let PacerSpec::Poisson { calls_per_s } = *pacer.unwrap_or(&task.pacer) else {
        return Err(Not("the pacer is not poisson"));
    };
    if req.task_type != crate::request::TaskType::Predictive {
        return Err(Not("not a predictive (Type 1) task"));
    }
    let c = &sc.file.customers;
    let b = &sc.file.enterprise.agent_behaviour;
    let exp_mean = |d: &Dist| match d {
        Dist::Named(NamedDist::Exponential { mean }) => Some(*mean),
        _ => None,
    };
    let is_zero = |d: &Dist| match d {
        Dist::Bare(x) | Dist::Named(NamedDist::Constant(x)) => *x == 0.0,
        _ => false,
    };
    let talk = exp_mean(c.talk_s.as_ref().unwrap_or(&b.talk_s))
        .ok_or(Not("talk time is not exponential"))?;
    if req.customer_moh.is_some() {
        return Err(Not("CustomerMoh changes patience"));
    }
    let patience = exp_mean(&c.patience_s).ok_or(Not("patience is not exponential"))?;
    if !is_zero(&b.wrapup_s) || !is_zero(&b.answer_delay_s) || b.answer_probability < 1.0 {
        return Err(Not("wrap-up or the agent leg is not instantaneous"));
    }
    if sc
        .enterprise
        .ivr(req.ivr_id, req.ivr_name.as_deref())
        .is_none()
    {
        return Err(Not("no IVR: the platform cuts waiting customers at 2 s"));
    }
    if req.customer_voice.is_some() || c.answer_probability_by_hour.is_some() {
        return Err(Not("a prompt or an hourly answer probability"));
    }
    let in_time = if c.answers_after_timeout {
        1.0
    } else {
        let timeout = f64::from(req.customer_timeout_s);
        match &c.time_to_answer_s {
            Dist::Bare(x) | Dist::Named(NamedDist::Constant(x)) => {
                if *x <= timeout {
                    1.0
                } else {
                    0.0
                }
            }
            Dist::Named(NamedDist::Exponential { mean }) => 1.0 - (-timeout / mean).exp(),
            _ => return Err(Not("time to answer is neither constant nor exponential")),
        }
    };
    let reach = 1.0 - c.busy_probability - c.invalid_probability - c.unreachable_probability;
    let p = reach * c.answer_probability * in_time;
    Ok(ErlangA {
        arrival_per_s: calls_per_s * p,
        service_per_s: 1.0 / talk,
        abandon_per_s: 1.0 / patience,
        agents: task.agents.len() as u32,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn erlang_c_matches_the_closed_form() {
        // Erlang C for n = 10, A = λ/μ = 8: C = 0.40918 (standard tables).
        let m = ErlangA::erlang_c(8.0 / 180.0, 1.0 / 180.0, 10);
        let s = m.solve().expect("stable");
        assert!((s.p_wait - 0.409_18).abs() < 1e-4, "{}", s.p_wait);
        assert_eq!(s.p_abandon, 0.0);
        assert!((s.occupancy - 0.8).abs() < 1e-9);
        // P(W > t) = C·exp(−(nμ − λ)t); mean wait = C / (nμ − λ).
        let gap: f64 = 10.0 / 180.0 - 8.0 / 180.0;
        let want = s.p_wait * (-gap * 2.0).exp();
        assert!(
            (s.p_not_connected_2s - want).abs() < 1e-9,
            "{}",
            s.p_not_connected_2s
        );
        assert!((s.mean_wait_s - s.p_wait / gap).abs() < 1e-6);
        // Nobody hangs up: everyone is served, and the served wait is the wait.
        assert!((s.p_served - 1.0).abs() < 1e-9, "{}", s.p_served);
        assert!((s.mean_wait_served_s - s.mean_wait_s).abs() < 1e-6);
        // P(W > 30 s | served) = C·exp(−(nμ − λ)·30).
        let over = m.p_wait_over_given_served(30.0).expect("solves");
        assert!(
            (over - s.p_wait * (-gap * 30.0).exp()).abs() < 1e-9,
            "{over}"
        );
    }

    #[test]
    fn every_erlang_a_arrival_is_served_or_hangs_up() {
        // Two independent routes: P(served) from the tagged customer's position chain, and
        // P(abandon) = θ·E[Q]/λ from the stationary queue. They must add up to 1.
        for (n, load, theta) in [
            (1u32, 0.8, 1.0 / 30.0),
            (10, 13.0, 1.0 / 20.0),
            (100, 90.0, 0.1),
        ] {
            let m = ErlangA {
                arrival_per_s: load / 120.0,
                service_per_s: 1.0 / 120.0,
                abandon_per_s: theta,
                agents: n,
            };
            let s = m.solve().expect("solves");
            assert!(
                (s.p_served + s.p_abandon - 1.0).abs() < 1e-9,
                "n = {n}: served {} + abandoned {}",
                s.p_served,
                s.p_abandon
            );
            // A served customer's mean wait is positive and, at these loads, under the mean
            // patience.
            assert!(s.mean_wait_served_s > 0.0 && s.mean_wait_served_s < 1.0 / theta);
        }
    }

    #[test]
    fn single_agent_erlang_a_by_hand() {
        // n = 1, λ = 1, μ = 2, θ = 1: π_k ∝ 1, 1/2, 1/6, 1/24, … = 1/(k+1)! · 1 → π_0 = 1/(e − 1).
        let m = ErlangA {
            arrival_per_s: 1.0,
            service_per_s: 2.0,
            abandon_per_s: 1.0,
            agents: 1,
        };
        let pi = m.stationary().expect("stable");
        let e1 = std::f64::consts::E - 1.0;
        assert!((pi[0] - 1.0 / e1).abs() < 1e-12);
        assert!((pi[2] - 1.0 / (6.0 * e1)).abs() < 1e-12);
        let s = m.solve().expect("stable");
        // Flow balance: served + abandoned = arrivals.
        let served = s.occupancy * 2.0;
        assert!((served + s.p_abandon * 1.0 - 1.0).abs() < 1e-9);
    }

    #[test]
    fn large_teams_do_not_overflow() {
        let m = ErlangA {
            arrival_per_s: 5000.0 / 180.0,
            service_per_s: 1.0 / 180.0,
            abandon_per_s: 0.1,
            agents: 5000,
        };
        let s = m.solve().expect("solves");
        assert!(s.occupancy > 0.9 && s.occupancy < 1.0, "{s:?}");
        assert!((0.0..=s.p_wait).contains(&s.p_not_connected_2s), "{s:?}");
    }

    #[test]
    fn uniformisation_agrees_with_direct_integration() {
        // The tagged-customer chain integrated by RK4 with a small step, independently of the
        // uniformisation (over load, with abandonment, so many customers are ahead).
        let m = ErlangA {
            arrival_per_s: 12.0 / 120.0,
            service_per_s: 1.0 / 120.0,
            abandon_per_s: 1.0 / 20.0,
            agents: 10,
        };
        let pi = m.stationary().expect("stable");
        let n = 10usize;
        let (nmu, th) = (10.0 / 120.0, 1.0 / 20.0);
        let q = pi.len() - n;
        // State: [ahead_0..ahead_{q-1}, served].
        let deriv = |x: &[f64]| {
            let mut d = vec![0.0; q + 1];
            for i in 0..q {
                let adv = nmu + i as f64 * th;
                d[i] -= x[i] * (adv + th);
                if i == 0 {
                    d[q] += x[i] * adv;
                } else {
                    d[i - 1] += x[i] * adv;
                }
            }
            d
        };
        let mut x: Vec<f64> = pi[n..].to_vec();
        x.push(0.0);
        let h = 1e-3;
        for _ in 0..2000 {
            let k1 = deriv(&x);
            let x2: Vec<f64> = x.iter().zip(&k1).map(|(a, b)| a + h / 2.0 * b).collect();
            let k2 = deriv(&x2);
            let x3: Vec<f64> = x.iter().zip(&k2).map(|(a, b)| a + h / 2.0 * b).collect();
            let k3 = deriv(&x3);
            let x4: Vec<f64> = x.iter().zip(&k3).map(|(a, b)| a + h * b).collect();
            let k4 = deriv(&x4);
            for j in 0..=q {
                x[j] += h / 6.0 * (k1[j] + 2.0 * k2[j] + 2.0 * k3[j] + k4[j]);
            }
        }
        let direct = 1.0 - (pi[..n].iter().sum::<f64>() + x[q]);
        let s = m.solve().expect("solves");
        assert!(
            (s.p_not_connected_2s - direct).abs() < 1e-9,
            "{} vs {direct}",
            s.p_not_connected_2s
        );
        assert!(s.p_not_connected_2s > 0.3, "over load most wait: {s:?}");
    }

    #[test]
    fn the_served_wait_is_the_integral_of_its_tail() {
        // E[W | served] = ∫₀^∞ P(W > t | served) dt: the recursion behind mean_wait_served_s
        // against the uniformisation behind p_wait_over_given_served, integrated by Simpson's
        // rule over 0 to 20 s (past 20 s the tail is below e^-34: it decays at least at
        // nμ + θ = 1.7 a second).
        let m = ErlangA {
            arrival_per_s: 1.0,
            service_per_s: 0.6,
            abandon_per_s: 0.5,
            agents: 2,
        };
        let s = m.solve().expect("stable");
        let tail = |t: f64| m.p_wait_over_given_served(t).expect("solves");
        // At 0: the served who waited at all, (p_served − P(no wait)) / p_served.
        let at_zero = (s.p_served - (1.0 - s.p_wait)) / s.p_served;
        assert!(
            (tail(0.0) - at_zero).abs() < 1e-12,
            "{} vs {at_zero}",
            tail(0.0)
        );
        assert_eq!(tail(-1.0), tail(0.0), "no time, or less: the same");
        let (h, intervals) = (0.02, 1000);
        let integral = (0..=intervals)
            .map(|k| {
                let weight = if k == 0 || k == intervals {
                    1.0
                } else if k % 2 == 1 {
                    4.0
                } else {
                    2.0
                };
                weight * tail(f64::from(k) * h)
            })
            .sum::<f64>()
            * h
            / 3.0;
        assert!(
            (integral - s.mean_wait_served_s).abs() < 1e-7,
            "∫ tail = {integral}, mean_wait_served_s = {}",
            s.mean_wait_served_s
        );
        assert!(s.mean_wait_served_s > 0.1 && s.p_served < 0.99, "{s:?}");
    }

    /// Every rate must be a positive finite number (abandonment may be 0), with at least one
    /// agent; the error names the rate. The edges: 0 and the smallest positive rate.
    #[test]
    fn bad_rates_are_refused_by_name() {
        let m = |a: f64, s: f64, t: f64, n: u32| ErlangA {
            arrival_per_s: a,
            service_per_s: s,
            abandon_per_s: t,
            agents: n,
        };
        for bad in [0.0, -1.0, f64::NAN, f64::INFINITY] {
            assert!(
                matches!(
                    m(bad, 1.0, 0.1, 3).solve(),
                    Err(TheoryError::BadRate("arrival rate"))
                ),
                "{bad}"
            );
            assert!(
                matches!(
                    m(1.0, bad, 0.1, 3).solve(),
                    Err(TheoryError::BadRate("service rate"))
                ),
                "{bad}"
            );
        }
        for bad in [-1e-9, f64::NAN, f64::INFINITY] {
            assert!(
                matches!(
                    m(1.0, 1.0, bad, 3).solve(),
                    Err(TheoryError::BadRate("abandonment rate"))
                ),
                "{bad}"
            );
        }
        assert!(matches!(
            m(1.0, 1.0, 0.1, 0).solve(),
            Err(TheoryError::BadRate("agents"))
        ));
        // Just inside: the smallest positive rates and no abandonment on a stable team.
        assert!(m(f64::MIN_POSITIVE, 1.0, 0.0, 1).solve().is_ok());
        assert!(m(0.5, 1.0, 0.0, 1).stationary().is_ok());
    }

    #[test]
    fn too_much_uniformisation_work_is_refused_with_its_size() {
        // Customers who hang up within a ten-millionth of a second: few states, but the
        // uniformisation over 2 s takes Λ·2 ≈ 10^8 steps for each of them.
        let m = ErlangA {
            arrival_per_s: 50.0,
            service_per_s: 1.0,
            abandon_per_s: 1e7,
            agents: 1,
        };
        let q = m.stationary().expect("few states").len() - 1;
        let lt = (1.0 + q as f64 * 1e7 + 1e7) * 2.0;
        let steps = (lt + 10.0 * lt.sqrt() + 30.0).ceil();
        assert!(steps * q as f64 > 2e8, "{q} states, {steps} steps");
        assert_eq!(
            m.solve(),
            Err(TheoryError::TooLarge {
                what: "uniformisation steps × states",
                size: (steps * q as f64) as u128,
                max: 200_000_000,
            })
        );
    }

    /// A model whose distribution needs more than the state bound is refused with the state
    /// it stopped at: 2 000 000 agents, so the tail is never reached.
    #[test]
    fn too_many_states_name_where_they_stopped() {
        let m = ErlangA {
            arrival_per_s: 1e6,
            service_per_s: 1.0,
            abandon_per_s: 0.1,
            agents: 2_000_000,
        };
        let max = crate::limits::MAX_THEORY_STATES as u128;
        assert_eq!(
            m.stationary().map(|p| p.len()),
            Err(TheoryError::TooLarge {
                what: "states",
                size: max + 1,
                max
            })
        );
    }

    #[test]
    fn unstable_erlang_c_is_an_error() {
        assert!(matches!(
            ErlangA::erlang_c(1.0, 0.1, 5).solve(),
            Err(TheoryError::Unstable { .. })
        ));
    }
}
