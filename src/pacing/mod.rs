//! Pacers: how many new calls a task launches at a decision point.
//!
//! Every pacer sees the same O(1) summary of the task ([`PaceInput`]), maintained
//! incrementally by the engine: no decision scans the agents.
//!
//! # The platform pacer (Type 1)
//!
//! At each decision (every second), with `now` the current time:
//!
//! - **Answer probability** `p`: during warm-up (`WarmUpDuration` seconds after the start, and
//!   after a pause when `IsRewarm=1`) `p = AnswerRate / 100`; afterwards the measured
//!   answered / finished attempts (once 20 attempts have finished; until then the warm-up
//!   value).
//! - **Horizon** `H`: the mean time from dialling to answer (measured, else CustomerTimeout/3),
//!   plus the CustomerVoice prompt.
//! - **Agents free within H**:
//!   `F = idle + wrapping · min(1, H / (2·r̄_w)) + talking · (1 − exp(−H / T̄))`,
//!   where `r̄_w` is the mean *known* remaining wrap-up (kept as a running sum of end times,
//!   so O(1)) and `T̄` the measured mean talk time (memoryless estimate of the remaining talk).
//! - **Agents to fill**: `F' = F · PredictAdjust / 100 − W`, with `W` the answered customers
//!   already waiting for an agent (PredictAdjust scales the prediction; 100 = as predicted).
//! - **Tolerated excess** `α`: `q* · c`, where `q* = 0.85 · Quotiety / 100` (aiming 15 % under
//!   the tolerated rate so the realised rate stays at or under it) and the controller `c`
//!   (starting at 1) follows the campaign's measured rate: every decision, from the first
//!   decided call on, `c ← clamp(c · exp(η · clamp((q* − a) / q*, −3, 3)), 0.1, 4)`, with `a` the
//!   2-second-rule abandon rate of all answered calls since the task started (the rate the law
//!   measures: early abandons are paid back later) and `η = 0.005`.
//! - **MaxWaitTime**: with `ī` the mean current idle time of the idle agents, if
//!   `ī > MaxWaitTime` then `α` is multiplied by `min(2, ī / MaxWaitTime)`: agents idling too
//!   long make the pacer accept more risk and dial more.
//! - **Dials**: the answers still to come are `A ~ Binomial(R + n, p)` for the `R` calls still
//!   ringing and `n` new ones. The pacer launches the largest `n` whose expected excess of
//!   answers over agents stays within the tolerance:
//!   `E[(A − F')⁺] ≤ α · E[A]`, with the normal approximation
//!   `E[(A − F')⁺] = σ·φ(z) + (μ − F')·(1 − Φ(z))`, `μ = (R + n)p`, `σ² = (R + n)p(1 − p)`,
//!   `z = (F' − μ)/σ`; `n` is found by doubling and bisection (O(log n)). Then Concurrency (when
//!   not 0) minus calls in progress, and the numbers left, cap it.
//! - **MinAvailableAgentCount**: the engine pauses the task (no dials) while fewer agents are
//!   available (logged in, not on break) and resumes it when enough are back.
//!
//! # Simple pacers
//! - `progressive`: `n = idle − R − W`.
//! - `ratio`: every `tick_s`, `n = floor(r · idle) − R` (the reference model dialer-ref v1).
//! - `poisson`: open loop; calls arrive as a Poisson process of the given rate.
//!
//! # The adaptive pacer (VICIdial's adaptive dial level)
//!
//! After VICIdial 2.x (`../shared/reference/pacing-anchors.md`), two scripts: `AST_VDadapt.pl`
//! moves the dial level, `AST_VDauto_dial.pl` places calls from it. Each rule below names
//! the script and the variable it comes from; each has a hand-checked test.
//!
//! Placing calls (`AST_VDauto_dial.pl`), every dialling round (`loop_s`, default 1 s; VICIdial
//! loops every 2.5 s): `n = round(level · agents) − existing`.
//! - Agents counted (`$DBIPcount`): the campaign's agents in READY, QUEUE, INCALL and DONE;
//!   an agent in wrap-up is dispositioning, which VICIdial counts as PAUSED: here,
//!   available agents (logged in, not on break) minus those in wrap-up. `existing`
//!   (`$DBIPexistcalls`): every call of the task in progress (SENT, RINGING, LIVE, XFER,
//!   CLOSER).
//! - `available_only` (`available_only_ratio_tally = Y`): agents counted are the READY ones
//!   (`$DBIPACTIVEcount`, here the idle agents), and the calls already with an agent are
//!   added back to the goal (`$tally_xfer_line_counter`), so that
//!   `n = round(level · idle) − (in progress − talking)`.
//! - `diff_target` with `diff_target_method: calls_placed` (`dl_diff_target_method`) is added
//!   to the agents counted (at least 0); with `adapt_calc_only`, VICIdial's default, only
//!   the level update below sees it.
//!
//! Moving the level (`AST_VDadapt.pl`), once a second; the level starts at `start_level`
//! (default 1.0: VICIdial carries `auto_dial_level` over from the day before; a multi-day
//! run carries it over midnight).
//! - Every second the pacer samples `D = idle − waiting` (READY/DONE agents minus LIVE calls)
//!   and `A`, the available agents (wrap-up included); it keeps the last 20 samples.
//! - Every 60 s it recomputes its drop statistics: calls that ended ringing and 2-second-rule
//!   drops in the last minute, and drops ÷ live answers today (since midnight: the counts
//!   start again at each midnight of the run, the level does not).
//! - Every 15 s (with agents logged in): `m = (D̄ + diff_target) / Ā`, scaled
//!   by the intensity `i = intensity / 100` (`m·(1 + i)` when `m ≥ 0`, `m·|i − 1|` when
//!   `m < 0`), then `level ← clamp(level · (1 + m), 1, max_level)`.
//!   Then the drop brakes: more than 20 calls in the last minute with over half dropped halves
//!   the level; more than 50 live answers today with the drop rate above the target
//!   applies the variant: `hard_limit` sets the level to 1.0, `average` halves it, `tapered`
//!   multiplies it by `min(1, (stop − now) / 1000)` with the times as HHMM numbers (stop = the
//!   end of the run; 1.0 after the stop time, as VICIdial does).

use crate::request::CreateTask;
use std::collections::VecDeque;

mod spec;
pub use spec::{AdaptiveSpec, DiffTargetMethod, PacerError, PacerSpec, with_nearest_field};

/// The O(1) summary of a task a pacer decides on.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct PaceInput {
    /// Now, ms.
    pub now_ms: u64,
    /// Idle agents.
    pub idle: u32,
    /// Agents in wrap-up.
    pub wrapping: u32,
    /// Sum over wrapping agents of their remaining wrap-up, ms.
    pub wrap_remaining_ms: u64,
    /// Agents talking.
    pub talking: u32,
    /// Sum over idle agents of their current idle time, ms.
    pub idle_time_ms: u64,
    /// Answered customers waiting for an agent (including those whose agent leg rings).
    pub waiting: u32,
    /// Customer legs still ringing.
    pub ringing: u32,
    /// Calls in progress (all states).
    pub in_progress: u32,
    /// Whether the task is in warm-up.
    pub warming_up: bool,
    /// Agents logged in to the task and not on break.
    pub available: u32,
}

/// Measurements the engine feeds back to pacers.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Feedback {
    /// An attempt's ringing ended: answered or not, after `ring_ms`.
    AttemptEnded {
        /// Answered by a person.
        answered: bool,
        /// Dial-to-answer (or to failure) time.
        ring_ms: u64,
    },
    /// An answered call was decided under the 2-second rule.
    TwoSecondRule {
        /// Not connected within 2 s.
        abandoned: bool,
    },
    /// An answered call was counted under the task's own abandon definition (only for tasks
    /// that have one; see [`crate::abandon`]), when it ended.
    Defined {
        /// Abandoned under the definition.
        abandoned: bool,
        /// When it was answered, ms.
        at_ms: u64,
    },
    /// A talk ended after `talk_ms`.
    TalkEnded {
        /// Its length.
        talk_ms: u64,
    },
}

/// A pacing algorithm.
pub trait Pacer: Send {
    /// How many calls to launch now (before the engine's caps).
    fn decide(&mut self, input: &PaceInput) -> u32;
    /// Period of decisions, ms.
    fn tick_ms(&self) -> u64;
    /// Take a measurement.
    fn feedback(&mut self, _f: Feedback) {}
    /// Whether the pacer also decides whenever an agent becomes idle.
    fn decides_on_idle(&self) -> bool {
        false
    }
    /// For open-loop pacers, the next arrival gap in ms (drawn from the pacer's stream).
    fn next_arrival_ms(&mut self) -> Option<u64> {
        None
    }
    /// The task was (re)started; `warm` says whether a warm-up begins.
    fn restarted(&mut self, _warm: bool) {}
    /// The task's abandon target changed (an UpdateTask of Quotiety), as a fraction: a pacer
    /// that targets it follows; the others ignore it.
    fn retarget(&mut self, _target: f64) {}
    /// The task has its own abandon definition: a pacer that steers by the abandon rate
    /// steers by that one (its cap, its window) and is fed [`Feedback::Defined`]; the others,
    /// the platform pacer among them (it keeps Quotiety's meaning), ignore it.
    fn set_definition(&mut self, _def: &crate::abandon::AbandonDefinition) {}
}

/// The platform's predictive pacer (see the module docs for the formulae).
#[derive(Debug, Clone)]
pub struct PlatformPacer {
    answer_rate: f64,
    gain: f64,
    target: f64,
    max_wait_ms: f64,
    prompt_ms: f64,
    default_ring_ms: f64,
    control: f64,
    attempts: u64,
    answered: u64,
    ring_sum_ms: f64,
    talks: u64,
    talk_sum_ms: f64,
    decided_2s: u64,
    abandoned: u64,
    /// The previous decision's line count and free agents, where the next search starts.
    last_lines: u32,
    last_free: f64,
    last_dtdf: f64,
    /// H / T̄ of the previous decision and 1 − exp(−H/T̄) for it.
    talk_ratio: f64,
    talk_end_p: f64,
}

/// Controller step.
const ETA: f64 = 0.005;
/// Controller bounds: from a tenth of the prediction to four times it.
const CONTROL_MIN: f64 = 0.1;
const CONTROL_MAX: f64 = 4.0;
/// The controller aims this fraction of the Quotiety.
const TARGET_MARGIN: f64 = 0.85;

impl PlatformPacer {
    /// A pacer for this task; `prompt_s` is the CustomerVoice length (0 without one).
    pub fn new(task: &CreateTask, prompt_s: f64) -> PlatformPacer {
        PlatformPacer {
            answer_rate: f64::from(task.answer_rate) / 100.0,
            gain: f64::from(task.predict_adjust) / 100.0,
            target: TARGET_MARGIN * task.quotiety.fraction(),
            max_wait_ms: f64::from(task.max_wait_time_s) * 1000.0,
            prompt_ms: prompt_s * 1000.0,
            default_ring_ms: f64::from(task.customer_timeout_s) * 1000.0 / 3.0,
            control: 1.0,
            attempts: 0,
            answered: 0,
            ring_sum_ms: 0.0,
            talks: 0,
            talk_sum_ms: 0.0,
            decided_2s: 0,
            abandoned: 0,
            last_lines: 1,
            last_free: 0.0,
            last_dtdf: 0.0,
            talk_ratio: f64::NAN,
            talk_end_p: 0.0,
        }
    }

    /// The current controller value (for tests and reports).
    pub fn control(&self) -> f64 {
        self.control
    }
}

impl Pacer for PlatformPacer {
    fn decide(&mut self, x: &PaceInput) -> u32 {
        let measured = self.attempts >= 20;
        let p = if x.warming_up || !measured {
            self.answer_rate
        } else {
            (self.answered as f64 / self.attempts as f64).max(0.01)
        };
        let ring = if self.answered > 0 {
            self.ring_sum_ms / self.answered as f64
        } else {
            self.default_ring_ms
        };
        let horizon = ring + self.prompt_ms;
        let talk = if self.talks > 0 {
            self.talk_sum_ms / self.talks as f64
        } else {
            180_000.0
        };
        // No agent wrapping: no remainder, and nobody to free.
        let wrapping = f64::from(x.wrapping);
        let mean_rem = x.wrap_remaining_ms as f64 / wrapping.max(1.0);
        let wrap_free = wrapping * (horizon / (2.0 * mean_rem.max(1.0))).min(1.0);
        // P(a talk ends within H) = 1 − exp(−H/T̄): recomputed only when H or T̄ moved.
        let ratio = horizon / talk.max(1.0);
        if ratio != self.talk_ratio {
            self.talk_ratio = ratio;
            self.talk_end_p = -(-ratio).exp_m1();
        }
        let talk_free = f64::from(x.talking) * self.talk_end_p;
        let free = (f64::from(x.idle) + wrap_free + talk_free) * self.gain - f64::from(x.waiting);
        if self.decided_2s > 0 {
            let rate = self.abandoned as f64 / self.decided_2s as f64;
            let err = (self.target - rate) / self.target.max(1e-4);
            // exp(x) for |x| ≤ 3·ETA = 0.015 by its Taylor series to x⁴ (relative error below
            // 1e-11), which spares a libm call on every decision.
            let x = ETA * err.clamp(-3.0, 3.0);
            let step = 1.0 + x * (1.0 + x * (0.5 + x * (1.0 / 6.0 + x / 24.0)));
            self.control = (self.control * step).clamp(CONTROL_MIN, CONTROL_MAX);
        }
        let mut allowed = self.target * self.control;
        // Idling past MaxWaitTime scales the tolerance by the overrun, up to twice; under it
        // (no idle agent: no idle time) the factor is 1.
        let mean_idle = x.idle_time_ms as f64 / f64::from(x.idle.max(1));
        allowed *= (mean_idle / self.max_wait_ms).clamp(1.0, 2.0);
        // The search starts from the previous answer moved by the change in F along dT/dF
        // (first order): in steady dialling that is the answer, whatever the size of the floor.
        let hint = next_hint(self.last_lines, self.last_dtdf, self.last_free, free);
        let (lines, dtdf) = search_lines(p, free, allowed, hint);
        self.last_lines = lines;
        self.last_dtdf = dtdf;
        self.last_free = free;
        lines.saturating_sub(x.ringing)
    }

    fn tick_ms(&self) -> u64 {
        1000
    }

    fn feedback(&mut self, f: Feedback) {
        match f {
            Feedback::AttemptEnded { answered, ring_ms } => {
                self.attempts += 1;
                if answered {
                    self.answered += 1;
                    self.ring_sum_ms += ring_ms as f64;
                }
            }
            Feedback::TwoSecondRule { abandoned } => {
                self.decided_2s += 1;
                self.abandoned += u64::from(abandoned);
            }
            Feedback::TalkEnded { talk_ms } => {
                self.talks += 1;
                self.talk_sum_ms += talk_ms as f64;
            }
            // The platform pacer keeps Quotiety's meaning: the 2-second rule.
            Feedback::Defined { .. } => {}
        }
    }
}

/// Where the next search starts: the previous answer `lines` moved by the change in the free
/// agents (from `last_free` to `free`) along `dT/dF` (first order). Only the search's cost
/// depends on it: [`search_lines`] gives the same answer from any hint.
fn next_hint(lines: u32, dtdf: f64, last_free: f64, free: f64) -> u32 {
    let shifted = f64::from(lines) + (free - last_free) * dtdf;
    if shifted.is_finite() {
        shifted.floor().clamp(0.0, f64::from(u32::MAX)) as u32
    } else {
        lines
    }
}

/// The most new calls `n` such that, with `A ~ Binomial(ringing + n, p)` answers (normal
/// approximation) meeting `free` agents, the expected excess `E[(A − free)+]` stays within
/// `allowed · E[A]`.
pub fn max_dials(ringing: f64, p: f64, free: f64, allowed: f64) -> u32 {
    let lines = max_lines(p, free, allowed, 1);
    (f64::from(lines) - ringing).max(0.0) as u32
}

/// The most lines `T` (calls ringing plus new ones) whose answers `A ~ Binomial(T, p)` keep
/// `E[(A − free)+] ≤ allowed · E[A]`. The condition depends on `T` alone, not on how many
/// already ring, and holds for every `T` up to the answer.
pub fn max_lines(p: f64, free: f64, allowed: f64, hint: u32) -> u32 {
    search_lines(p, free, allowed, hint).0
}

/// [`max_lines`] plus `dT/dF` at the answer, the sensitivity of the answer to the free agents
/// (by the implicit function theorem on `h(T, F) = E[(A − F)+] − α·T·p`:
/// `dT/dF = (1 − Φ(z)) / (p·(dE/dμ − α))`), so that the next decision can start from
/// `T + ΔF · dT/dF`. The search probes the hint and the line above it together (two
/// independent chains of sqrt, division and exp that the CPU overlaps): when the hint is
/// right, as it is in steady dialling, that is the whole cost; otherwise it gallops from the
/// hint and bisects, O(log |answer − hint|).
pub fn search_lines(p: f64, free: f64, allowed: f64, hint: u32) -> (u32, f64) {
    const CAP: u32 = 1 << 24;
    // (holds, dT/dF) at T.
    let probe = |t: u32| -> (bool, f64) {
        let mu = f64::from(t) * p;
        if mu <= 0.0 {
            return (true, 1.0 / p.max(1e-9));
        }
        let sd = (mu * (1.0 - p)).max(0.0).sqrt();
        if sd <= 0.0 {
            // p = 1: every line answers, the excess is certain; one more agent, one more line.
            return ((mu - free).max(0.0) <= allowed * mu, 1.0);
        }
        let z = (free - mu) / sd;
        let (pdf, tail) = pdf_and_upper_tail(z);
        let excess = sd * pdf + (mu - free) * tail;
        let slope = tail + pdf * (1.0 - p) / (2.0 * sd);
        let dtdf = if slope > allowed {
            tail / (p * (slope - allowed))
        } else {
            1.0 / p
        };
        (excess <= allowed * mu, dtdf)
    };
    let hint = hint.min(CAP);
    let ((a, da), (b, db)) = (probe(hint), probe(hint + 1));
    if a && !b {
        return (hint, da);
    }
    let (mut lo, mut hi, mut d_lo);
    if a {
        (lo, d_lo) = (hint + 1, db);
        let mut step = 2u32;
        loop {
            let c = lo.saturating_add(step).min(CAP);
            if c == lo {
                return (lo, d_lo);
            }
            let (ok, d) = probe(c);
            if !ok {
                hi = c;
                break;
            }
            (lo, d_lo) = (c, d);
            step = step.saturating_mul(2);
        }
    } else {
        hi = hint;
        let mut step = 1u32;
        loop {
            let c = hi.saturating_sub(step);
            let (ok, d) = probe(c);
            if c == 0 || ok {
                (lo, d_lo) = (c, d);
                break;
            }
            hi = c;
            step = step.saturating_mul(2);
        }
    }
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        let (ok, d) = probe(mid);
        if ok {
            (lo, d_lo) = (mid, d);
        } else {
            hi = mid
        }
    }
    (lo, d_lo)
}

/// `E[(X − f)+]` for `X ~ Normal(mu, var)`: `σφ(z) + (μ − f)(1 − Φ(z))` with `z = (f − μ)/σ`.
pub fn expected_excess(mu: f64, var: f64, f: f64) -> f64 {
    if var <= 0.0 {
        return (mu - f).max(0.0);
    }
    let sd = var.sqrt();
    let z = (f - mu) / sd;
    let (pdf, upper_tail) = pdf_and_upper_tail(z);
    sd * pdf + (mu - f) * upper_tail
}

/// φ(z) and 1 − Φ(z), sharing one `exp(−z²/2)` (A&S 7.1.26, as [`normal_cdf`]).
fn pdf_and_upper_tail(z: f64) -> (f64, f64) {
    let e = (-0.5 * z * z).exp();
    let pdf = e * (1.0 / (2.0 * std::f64::consts::PI).sqrt());
    let t = 1.0 / (1.0 + 0.327_591_1 * z.abs() / std::f64::consts::SQRT_2);
    let poly = t
        * (0.254_829_592
            + t * (-0.284_496_736
                + t * (1.421_413_741 + t * (-1.453_152_027 + t * 1.061_405_429))));
    let q = 0.5 * poly * e;
    (pdf, if z >= 0.0 { q } else { 1.0 - q })
}

/// Φ(z) by Abramowitz & Stegun 7.1.26 (absolute error below 1.5e-7).
pub fn normal_cdf(z: f64) -> f64 {
    let x = z.abs() / std::f64::consts::SQRT_2;
    let t = 1.0 / (1.0 + 0.327_591_1 * x);
    let poly = t
        * (0.254_829_592
            + t * (-0.284_496_736
                + t * (1.421_413_741 + t * (-1.453_152_027 + t * 1.061_405_429))));
    let erf = 1.0 - poly * (-x * x).exp();
    if z >= 0.0 {
        0.5 * (1.0 + erf)
    } else {
        0.5 * (1.0 - erf)
    }
}

/// One call per idle agent.
#[derive(Debug, Clone, Default)]
pub struct Progressive;

impl Pacer for Progressive {
    fn decide(&mut self, x: &PaceInput) -> u32 {
        x.idle.saturating_sub(x.ringing + x.waiting)
    }
    fn tick_ms(&self) -> u64 {
        1000
    }
    fn decides_on_idle(&self) -> bool {
        true
    }
}

/// `floor(ratio · idle) − ringing`, every tick.
#[derive(Debug, Clone)]
pub struct Ratio {
    /// Lines per idle agent.
    pub ratio: f64,
    /// Tick, ms.
    pub tick_ms: u64,
}

impl Pacer for Ratio {
    fn decide(&mut self, x: &PaceInput) -> u32 {
        let target = (self.ratio * f64::from(x.idle) + 1e-9).floor() as u32;
        target.saturating_sub(x.ringing)
    }
    fn tick_ms(&self) -> u64 {
        self.tick_ms
    }
}

/// Open-loop Poisson arrivals.
#[derive(Debug, Clone)]
pub struct Poisson {
    rate_per_ms: f64,
    rng: crate::sim::rng::Counter,
}

impl Poisson {
    /// Calls per second, with the pacer's own stream.
    pub fn new(calls_per_s: f64, seed: u64) -> Poisson {
        Poisson {
            rate_per_ms: calls_per_s / 1000.0,
            rng: crate::sim::rng::stream(seed, crate::sim::rng::Stream::Pacer, 0, 0),
        }
    }
}

impl Pacer for Poisson {
    fn decide(&mut self, _x: &PaceInput) -> u32 {
        0
    }
    fn tick_ms(&self) -> u64 {
        0
    }
    fn next_arrival_ms(&mut self) -> Option<u64> {
        use rand::RngExt;
        let u: f64 = self.rng.random::<f64>();
        Some(((-(1.0 - u).ln() / self.rate_per_ms).round() as u64).max(1))
    }
}

/// What the adaptive pacer does when the drop rate since the start exceeds its target.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Default,
    serde::Serialize,
    serde::Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum AdaptiveVariant {
    /// Level back to 1.0.
    HardLimit,
    /// Level halved.
    #[default]
    Average,
    /// Level tapered by the time left before the stop time.
    Tapered,
}

/// VICIdial-style adaptive dial level (see the module docs).
#[derive(Debug, Clone)]
pub struct Adaptive {
    level: f64,
    target: f64,
    max_level: f64,
    intensity: f64,
    diff_target: f64,
    /// `diff_target` also added to the agents counted when placing calls (CALLS_PLACED).
    diff_in_calls: bool,
    /// Count only agents waiting for a call (`available_only_ratio_tally`).
    available_only: bool,
    variant: AdaptiveVariant,
    /// Time of day of the run's start and its stop, minutes since midnight.
    start_min: f64,
    stop_hhmm: f64,
    /// Decision period, ms: 1 000, or 500 when the dialling loop is not whole seconds.
    tick_ms: u64,
    /// Decisions per dialling round.
    loop_ticks: u64,
    ticks: u64,
    samples: [(f64, f64); 20],
    n_samples: usize,
    seconds: u64,
    minute_calls: u64,
    minute_drops: u64,
    last_minute: (u64, u64),
    /// The calendar day (since the run's start day) the drop statistics are for.
    day: u64,
    answered_today: u64,
    drops_today: u64,
    rate_today: Option<f64>,
    /// Steering by the task's own definition: its window's counts.
    defined: Option<DefinedWindow>,
    /// The drop target came from the scenario's pacer settings (a definition's cap does not
    /// replace it).
    own_target: bool,
}

/// The adaptive pacer's drop statistic under a task's definition: answered calls counted and
/// abandoned, per minute of the answer, over the definition's window.
#[derive(Debug, Clone)]
struct DefinedWindow {
    /// Minutes the window spans (0: the whole run).
    span: u64,
    /// Calendar-day windows: the counts start again at midnight.
    daily: bool,
    /// (minute, abandoned, counted), oldest first.
    minutes: VecDeque<(u64, u64, u64)>,
    abandoned: u64,
    counted: u64,
}

impl DefinedWindow {
    fn add(&mut self, at_ms: u64, abandoned: bool) {
        let m = at_ms / 60_000;
        match self.minutes.back_mut() {
            Some(last) if last.0 == m => {
                last.1 += u64::from(abandoned);
                last.2 += 1;
            }
            _ => self.minutes.push_back((m, u64::from(abandoned), 1)),
        }
        self.abandoned += u64::from(abandoned);
        self.counted += 1;
    }

    /// Forget the minutes that have left the window ending at `now_ms`.
    fn trim(&mut self, now_ms: u64) {
        if self.span == 0 {
            return;
        }
        let from = (now_ms / 60_000).saturating_sub(self.span - 1);
        while let Some(&(m, a, c)) = self.minutes.front() {
            if m >= from {
                break;
            }
            self.minutes.pop_front();
            self.abandoned -= a;
            self.counted -= c;
        }
    }

    fn clear(&mut self) {
        self.minutes.clear();
        self.abandoned = 0;
        self.counted = 0;
    }
}

impl Adaptive {
    /// An adaptive pacer with `spec`'s settings aiming at `target` (a fraction) for a run
    /// that happens at `clock`.
    pub fn new(spec: &AdaptiveSpec, target: f64, clock: RunClock) -> Adaptive {
        let loop_ms = crate::sim::ms(spec.loop_s).max(500);
        let tick_ms = if loop_ms.is_multiple_of(1000) {
            1000
        } else {
            500
        };
        Adaptive {
            level: spec.start_level.clamp(1.0, spec.max_level.max(1.0)),
            target,
            max_level: spec.max_level.max(1.0),
            intensity: spec.intensity / 100.0,
            diff_target: spec.diff_target,
            diff_in_calls: spec.diff_target_method == DiffTargetMethod::CallsPlaced,
            available_only: spec.available_only,
            variant: spec.variant,
            start_min: clock.start_min,
            stop_hhmm: hhmm(clock.stop_min),
            tick_ms,
            loop_ticks: (loop_ms / tick_ms).max(1),
            ticks: 0,
            samples: [(0.0, 0.0); 20],
            n_samples: 0,
            seconds: 0,
            minute_calls: 0,
            minute_drops: 0,
            last_minute: (0, 0),
            day: 0,
            answered_today: 0,
            drops_today: 0,
            rate_today: None,
            defined: None,
            own_target: spec.drop_target_pct.is_some(),
        }
    }

    /// The current dial level.
    pub fn level(&self) -> f64 {
        self.level
    }

    /// `AST_VDadapt.pl`: every 15 s, the level follows the agents' surplus, then the brakes.
    fn update_level(&mut self, now_ms: u64) {
        let k = self.n_samples.min(self.samples.len());
        if k == 0 {
            return;
        }
        let (d, a) = self.samples[..k]
            .iter()
            .fold((0.0, 0.0), |(d, a), &(x, y)| (d + x, a + y));
        let (d, a) = (d / k as f64, a / k as f64);
        if a <= 0.0 {
            return;
        }
        let mut m = (d + self.diff_target) / a;
        m *= if m >= 0.0 {
            1.0 + self.intensity
        } else {
            (self.intensity - 1.0).abs()
        };
        self.level = (self.level * (1.0 + m)).clamp(1.0, self.max_level);
        let (calls, drops) = self.last_minute;
        if calls > 20 && drops * 2 > calls {
            self.level = (self.level / 2.0).max(1.0);
        }
        if self.answered_today > 50 && self.rate_today.is_some_and(|r| r > self.target) {
            self.level = match self.variant {
                AdaptiveVariant::HardLimit => 1.0,
                AdaptiveVariant::Average => self.level / 2.0,
                AdaptiveVariant::Tapered => {
                    let now_hhmm = hhmm(self.start_min + now_ms as f64 / 60_000.0);
                    let left = self.stop_hhmm - now_hhmm;
                    if left <= 0.0 {
                        1.0
                    } else {
                        self.level * (left / 1000.0).min(1.0)
                    }
                }
            }
            .max(1.0);
        }
    }

    /// The once-a-second part: a sample, the minute's statistics, the 15 s update, and the
    /// daily reset of the drop statistics at midnight.
    fn every_second(&mut self, x: &PaceInput) {
        let day = ((self.start_min * 60_000.0) as u64 + x.now_ms) / 86_400_000;
        if day != self.day {
            // VICIdial's drop statistics are today's: the level carries over, the counts
            // start again.
            self.day = day;
            self.answered_today = 0;
            self.drops_today = 0;
            self.rate_today = None;
            if let Some(w) = self.defined.as_mut().filter(|w| w.daily) {
                w.clear();
            }
        }
        let i = self.n_samples % self.samples.len();
        self.samples[i] = (
            f64::from(x.idle) - f64::from(x.waiting),
            f64::from(x.available),
        );
        self.n_samples += 1;
        self.seconds += 1;
        if self.seconds.is_multiple_of(60) {
            self.last_minute = (self.minute_calls, self.minute_drops);
            self.minute_calls = 0;
            self.minute_drops = 0;
            if let Some(w) = &mut self.defined {
                // Steering by the task's definition: its window's rate.
                w.trim(x.now_ms);
                self.answered_today = w.counted;
                self.drops_today = w.abandoned;
            }
            if self.answered_today > 0 {
                self.rate_today = Some(self.drops_today as f64 / self.answered_today as f64);
            }
        }
        if self.seconds.is_multiple_of(15) && x.available > 0 {
            self.update_level(x.now_ms);
        }
    }

    /// `AST_VDauto_dial.pl`: the calls to place in a dialling round.
    fn calls_to_place(&self, x: &PaceInput) -> u32 {
        // The agents counted: READY, QUEUE, INCALL (and DONE); an agent in wrap-up
        // (dispositioning) is PAUSED and not counted. With the available-only tally, only
        // READY agents count, and calls already with an agent are not subtracted.
        let (agents, existing) = if self.available_only {
            (x.idle, x.in_progress.saturating_sub(x.talking))
        } else {
            (x.available.saturating_sub(x.wrapping), x.in_progress)
        };
        let agents = if self.diff_in_calls {
            (f64::from(agents) + self.diff_target).max(0.0)
        } else {
            f64::from(agents)
        };
        let goal = (self.level * agents).round() as u32;
        goal.saturating_sub(existing)
    }
}

/// Minutes since midnight as VICIdial's HHMM number (e.g. 17:30 → 1730), wrapping at 24 h.
fn hhmm(minutes: f64) -> f64 {
    let m = minutes.rem_euclid(1440.0).floor();
    (m / 60.0).floor() * 100.0 + m % 60.0
}

impl Pacer for Adaptive {
    fn retarget(&mut self, target: f64) {
        // A task with its own definition keeps that definition's cap.
        if self.defined.is_none() {
            self.target = target;
        }
    }
    fn decide(&mut self, x: &PaceInput) -> u32 {
        self.ticks += 1;
        if (self.ticks * self.tick_ms).is_multiple_of(1000) {
            self.every_second(x);
        }
        if self.ticks.is_multiple_of(self.loop_ticks) {
            self.calls_to_place(x)
        } else {
            0
        }
    }

    fn tick_ms(&self) -> u64 {
        self.tick_ms
    }

    fn feedback(&mut self, f: Feedback) {
        match f {
            Feedback::AttemptEnded { .. } => self.minute_calls += 1,
            Feedback::TwoSecondRule { abandoned } => {
                // The minute brake reads the platform's drops; the day's rate does too,
                // unless the task has its own definition.
                if abandoned {
                    self.minute_drops += 1;
                }
                if self.defined.is_none() {
                    self.answered_today += 1;
                    self.drops_today += u64::from(abandoned);
                }
            }
            Feedback::Defined { abandoned, at_ms } => {
                if let Some(w) = &mut self.defined {
                    w.add(at_ms, abandoned);
                }
            }
            Feedback::TalkEnded { .. } => {}
        }
    }

    fn set_definition(&mut self, def: &crate::abandon::AbandonDefinition) {
        use crate::abandon::WindowSpec;
        if !self.own_target {
            self.target = def.cap_pct / 100.0;
        }
        let (span, daily) = match def.window {
            WindowSpec::Run => (0, false),
            WindowSpec::Day => (0, true),
            WindowSpec::Rolling { hours } => ((hours * 60.0) as u64, false),
            WindowSpec::ThirtyDays => (30 * 24 * 60, false),
        };
        self.defined = Some(DefinedWindow {
            span,
            daily,
            minutes: VecDeque::new(),
            abandoned: 0,
            counted: 0,
        });
    }

    fn restarted(&mut self, _warm: bool) {
        self.n_samples = 0;
    }
}

/// The clairvoyant bound: the engine itself plans its calls from the pre-drawn outcomes (see
/// `world::engine`); as a pacer it never dials on its own.
#[derive(Debug, Clone, Default)]
pub struct Clairvoyant;

impl Pacer for Clairvoyant {
    fn decide(&mut self, _x: &PaceInput) -> u32 {
        0
    }
    fn tick_ms(&self) -> u64 {
        1000
    }
}

/// When the run happens, for pacers that read the clock (adaptive's tapered variant).
#[derive(Debug, Clone, Copy, Default)]
pub struct RunClock {
    /// Start, minutes after midnight.
    pub start_min: f64,
    /// Stop, minutes after midnight of the start day (may exceed 1440).
    pub stop_min: f64,
}

impl RunClock {
    /// A run that starts at `start` (to the minute) and lasts `duration_ms`.
    pub fn of(start: jiff::civil::DateTime, duration_ms: u64) -> RunClock {
        let start_min = f64::from(start.hour()) * 60.0 + f64::from(start.minute());
        RunClock {
            start_min,
            stop_min: start_min + duration_ms as f64 / 60_000.0,
        }
    }
}

/// The adaptive pacer's drop target when the scenario names none: the task's Quotiety, or
/// 3 % when it is 0 (a fraction).
pub fn adaptive_drop_target(task: &CreateTask) -> f64 {
    let pct = if task.quotiety.fraction() > 0.0 {
        task.quotiety.fraction() * 100.0
    } else {
        3.0
    };
    pct / 100.0
}

/// Build the pacer a task asks for.
pub fn build(
    spec: &PacerSpec,
    task: &CreateTask,
    prompt_s: f64,
    seed: u64,
    clock: RunClock,
) -> Box<dyn Pacer> {
    match spec {
        PacerSpec::Platform => Box::new(PlatformPacer::new(task, prompt_s)),
        PacerSpec::Progressive => Box::new(Progressive),
        PacerSpec::Ratio {
            per_idle_agent,
            tick_s,
        } => Box::new(Ratio {
            ratio: *per_idle_agent,
            tick_ms: crate::sim::ms(*tick_s).max(1),
        }),
        PacerSpec::Poisson { calls_per_s } => Box::new(Poisson::new(*calls_per_s, seed)),
        PacerSpec::Adaptive(a) => Box::new(Adaptive::new(
            a,
            a.drop_target_pct
                .map_or_else(|| adaptive_drop_target(task), |p| p / 100.0),
            clock,
        )),
        PacerSpec::Clairvoyant => Box::new(Clairvoyant),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::abandon::{AbandonDefinition, WindowSpec};
    use crate::request::Quotiety;

    /// A valid Type 1 task (enterprise 36, agent 1000) with `params` added.
    fn task_with(params: serde_json::Value) -> CreateTask {
        let mut raw = serde_json::json!({
            "EnterpriseId": 36, "Name": "pacing", "Type": 1, "CallGroupType": 1, "Cnos": "1000",
            "MinAvailableAgentCount": 1
        });
        if let (Some(raw), Some(params)) = (raw.as_object_mut(), params.as_object()) {
            raw.extend(params.clone());
        }
        let raw = raw.as_object().expect("an object").clone();
        crate::request::validate(&raw, None)
            .task
            .expect("a valid request")
    }

    /// Decides on `x` at each second of `seconds`.
    fn each_second(p: &mut dyn Pacer, seconds: std::ops::RangeInclusive<u64>, x: PaceInput) {
        for s in seconds {
            p.decide(&PaceInput {
                now_ms: s * 1000,
                ..x
            });
        }
    }

    #[test]
    fn normal_cdf_matches_tables() {
        for (z, want) in [
            (0.0, 0.5),
            (1.0, 0.841_344_7),
            (-1.959_964, 0.025),
            (3.0, 0.998_650_1),
        ] {
            assert!((normal_cdf(z) - want).abs() < 2e-7, "Φ({z})");
        }
    }

    #[test]
    fn more_tolerance_or_free_agents_means_more_dials() {
        let base = max_dials(2.0, 0.3, 5.0, 0.03);
        assert!(max_dials(2.0, 0.3, 5.0, 0.10) > base);
        assert!(max_dials(2.0, 0.3, 10.0, 0.03) > base);
        assert!(max_dials(10.0, 0.3, 5.0, 0.03) < base.max(1));
        assert_eq!(
            max_dials(0.0, 0.3, -1.0, 0.03),
            0,
            "no agent to fill: no dial"
        );
        // The dials are the lines less those already ringing, never below none.
        let lines = max_lines(0.3, 5.0, 0.03, 1);
        assert!(lines > 3, "{lines}");
        for ringing in [0, 1, 3, lines, lines + 5] {
            assert_eq!(
                max_dials(f64::from(ringing), 0.3, 5.0, 0.03),
                lines.saturating_sub(ringing)
            );
        }
    }

    #[test]
    fn the_search_finds_the_same_answer_from_any_hint() {
        for (p, free, allowed) in [(0.3, 5.0, 0.03), (0.35, 900.0, 0.0255), (0.05, 2.0, 0.2)] {
            let exact = max_lines(p, free, allowed, 1);
            // The answer is the last T where the condition holds.
            let ok = |t: u32| {
                let mu = f64::from(t) * p;
                expected_excess(mu, mu * (1.0 - p), free) <= allowed * mu
            };
            assert!(ok(exact) && !ok(exact + 1), "{p} {free} {allowed}: {exact}");
            for hint in [0, 1, exact / 2, exact, exact + 1, exact * 3, 1 << 30] {
                assert_eq!(max_lines(p, free, allowed, hint), exact, "hint {hint}");
            }
        }
    }

    #[test]
    fn the_search_gives_the_slope_of_its_answer_in_the_free_agents() {
        // dT/dF against the answer's own change over ±δ agents (central difference), on floors
        // large enough that the answer moves smoothly: each of the two answers is a whole
        // number of lines, off the smooth curve by less than one, so the difference is within
        // 1/(2δ) of the slope (the curvature over ±δ is far smaller here).
        for (p, free, allowed, delta) in [
            (0.35, 900.0, 0.0255, 100.0),
            (0.3, 200.0, 0.03, 50.0),
            (0.6, 3000.0, 0.01, 300.0),
            (0.2, 500.0, 0.1, 100.0),
        ] {
            let (_, slope) = search_lines(p, free, allowed, 1);
            let up = f64::from(max_lines(p, free + delta, allowed, 1));
            let down = f64::from(max_lines(p, free - delta, allowed, 1));
            let central = (up - down) / (2.0 * delta);
            assert!(
                (slope - central).abs() < 1.0 / (2.0 * delta),
                "p {p}, F {free}: dT/dF {slope}, against {central}"
            );
        }
        // Where one more line adds more excess than it may (dE/dμ ≤ α at the answer), the
        // slope is 1/p: T = 1 for p = 0.8, F = 1, α = 0.4 (dE/dμ = 0.397 there).
        assert_eq!(search_lines(0.8, 1.0, 0.4, 1), (1, 1.25));
        // No answer expected: 1/p.
        assert_eq!(search_lines(0.25, -3.0, 0.03, 0).1, 4.0);
        // Every line answers (p = 1): T − F ≤ α·T, so T ≤ F / (1 − α) = 11.1 for F = 10 and
        // α = 0.1, from any hint; one more agent is one more line.
        for hint in [0, 11, 40] {
            assert_eq!(search_lines(1.0, 10.0, 0.1, hint), (11, 1.0));
        }
        // Nothing answers (p = 0): no excess, ever; the lines stop at the search's cap.
        assert_eq!(max_lines(0.0, 5.0, 0.03, 1), 1 << 24);
        assert_eq!(max_lines(0.0, 5.0, 0.03, u32::MAX), 1 << 24);
    }

    #[test]
    fn hhmm_numbers() {
        assert_eq!(hhmm(17.0 * 60.0 + 30.0), 1730.0);
        assert_eq!(hhmm(1440.0 + 65.0), 105.0);
    }

    const NINE_TO_FIVE: RunClock = RunClock {
        start_min: 9.0 * 60.0,
        stop_min: 17.0 * 60.0,
    };

    fn adaptive(variant: AdaptiveVariant) -> Adaptive {
        let spec = AdaptiveSpec {
            variant,
            ..AdaptiveSpec::default()
        };
        Adaptive::new(&spec, 0.03, NINE_TO_FIVE)
    }

    fn tick(p: &mut Adaptive, idle: u32, waiting: u32, now_s: u64) -> u32 {
        p.decide(&PaceInput {
            now_ms: now_s * 1000,
            idle,
            waiting,
            available: 10,
            in_progress: 10 - idle,
            ..PaceInput::default()
        })
    }

    #[test]
    fn adaptive_level_rises_with_idle_agents_and_is_capped() {
        let mut p = adaptive(AdaptiveVariant::Average);
        for s in 1..=14 {
            tick(&mut p, 5, 0, s);
        }
        assert_eq!(p.level(), 1.0, "no update before 15 s");
        tick(&mut p, 5, 0, 15);
        // D̄ = 5, Ā = 10: m = 0.5, level 1.5.
        assert!((p.level() - 1.5).abs() < 1e-12, "{}", p.level());
        for s in 16..=600 {
            tick(&mut p, 5, 0, s);
        }
        assert_eq!(p.level(), 3.0, "clamped at max_level");
        // Waiting customers and no idle agents lower it.
        for s in 601..=700 {
            tick(&mut p, 0, 5, s);
        }
        assert_eq!(p.level(), 1.0);
    }

    #[test]
    fn adaptive_variants_brake_on_the_drop_rate() {
        let run = |variant| {
            let mut p = adaptive(variant);
            for _ in 0..100 {
                p.feedback(Feedback::TwoSecondRule { abandoned: false });
            }
            for _ in 0..10 {
                p.feedback(Feedback::TwoSecondRule { abandoned: true });
            }
            // Idle agents push the level up; the 60 s statistics then see 9 % drops.
            for s in 1..=75 {
                tick(&mut p, 5, 0, s);
            }
            p.level()
        };
        let free = {
            let mut p = adaptive(AdaptiveVariant::Average);
            for s in 1..=75 {
                tick(&mut p, 5, 0, s);
            }
            p.level()
        };
        assert_eq!(run(AdaptiveVariant::HardLimit), 1.0);
        assert!(run(AdaptiveVariant::Average) < free);
        // Tapered at 09:01 against a 17:00 stop: 1700 − 901 = 799 HHMM units left, so the
        // level is scaled by 0.799 (VICIdial's arithmetic on HHMM numbers, not minutes).
        let tapered = run(AdaptiveVariant::Tapered);
        assert!((tapered - free * 0.799).abs() < 1e-9, "{tapered} vs {free}");
    }

    #[test]
    fn ratio_pacer_is_the_reference_rule() {
        let mut r = Ratio {
            ratio: 8.0,
            tick_ms: 1000,
        };
        let x = PaceInput {
            idle: 3,
            ringing: 10,
            ..PaceInput::default()
        };
        assert_eq!(r.decide(&x), 14);
    }

    fn input(idle: u32, ringing: u32, waiting: u32, talking: u32, wrapping: u32) -> PaceInput {
        PaceInput {
            idle,
            ringing,
            waiting,
            talking,
            wrapping,
            in_progress: ringing + waiting + talking,
            available: idle + talking + wrapping,
            ..PaceInput::default()
        }
    }

    fn adaptive_with(spec: AdaptiveSpec) -> Adaptive {
        Adaptive::new(&spec, 0.03, NINE_TO_FIVE)
    }

    #[test]
    fn adaptive_counts_agents_as_vicidial_does() {
        // 5 idle, 10 talking, 5 in wrap-up; 3 calls ringing and 1 waiting; 14 in progress.
        let x = input(5, 3, 1, 10, 5);
        let start = |available_only| {
            adaptive_with(AdaptiveSpec {
                start_level: 2.0,
                available_only,
                ..AdaptiveSpec::default()
            })
        };
        // Counted: 20 available − 5 in wrap-up (PAUSED) = 15; round(2 · 15) − 14 = 16.
        assert_eq!(start(false).decide(&x), 16);
        // Available-only tally: round(2 · 5 idle) − (14 − 10 talking) = 6.
        assert_eq!(start(true).decide(&x), 6);
    }

    #[test]
    fn adaptive_diff_target_applies_where_its_method_says() {
        let x = input(5, 3, 1, 10, 5);
        let mk = |method| {
            adaptive_with(AdaptiveSpec {
                diff_target: 2.0,
                diff_target_method: method,
                ..AdaptiveSpec::default()
            })
        };
        // adapt_calc_only: 15 counted, level 1: 15 − 14 = 1.
        assert_eq!(mk(DiffTargetMethod::AdaptCalcOnly).decide(&x), 1);
        // calls_placed: 15 + 2 = 17 counted: 17 − 14 = 3.
        assert_eq!(mk(DiffTargetMethod::CallsPlaced).decide(&x), 3);
        // And in the level update: D = 5 − 1 = 4, A = 20, m = (4 + 2) / 20 = 0.3 at 15 s.
        let mut p = mk(DiffTargetMethod::AdaptCalcOnly);
        for s in 1..=15 {
            p.decide(&PaceInput {
                now_ms: s * 1000,
                ..x
            });
        }
        assert!((p.level() - 1.3).abs() < 1e-12, "{}", p.level());
    }

    #[test]
    fn adaptive_dials_every_loop_and_samples_every_second() {
        let mut p = adaptive_with(AdaptiveSpec {
            loop_s: 2.5,
            ..AdaptiveSpec::default()
        });
        assert_eq!(p.tick_ms(), 500);
        let x = input(5, 0, 0, 0, 0);
        let dials: Vec<u32> = (1..=10)
            .map(|k| {
                p.decide(&PaceInput {
                    now_ms: k * 500,
                    ..x
                })
            })
            .collect();
        // Rounds at 2.5 s and 5 s only: 5 idle agents, nothing in progress, level 1.
        assert_eq!(dials, [0, 0, 0, 0, 5, 0, 0, 0, 0, 5]);
        // Samples once a second: the level moves at 15 s (30 decisions), not 7.5 s.
        for k in 11..=29 {
            p.decide(&PaceInput {
                now_ms: k * 500,
                ..x
            });
        }
        assert_eq!(p.level(), 1.0);
        p.decide(&PaceInput {
            now_ms: 15_000,
            ..x
        });
        // D̄ = 5, Ā = 5: m = 1, level 2.
        assert_eq!(p.level(), 2.0);
    }

    #[test]
    fn adaptive_starts_at_its_level_and_forgets_drops_at_midnight() {
        // Start level 2.5: the first round dials round(2.5 · 4) = 10.
        let mut p = adaptive_with(AdaptiveSpec {
            start_level: 2.5,
            ..AdaptiveSpec::default()
        });
        assert_eq!(p.decide(&input(4, 0, 0, 0, 0)), 10);
        // A run from 23:58: 100 answers with 10 drops before midnight.
        let late = RunClock {
            start_min: 23.0 * 60.0 + 58.0,
            stop_min: 24.0 * 60.0 + 60.0,
        };
        let mut p = Adaptive::new(&AdaptiveSpec::default(), 0.03, late);
        for k in 0..110 {
            p.feedback(Feedback::TwoSecondRule { abandoned: k < 10 });
        }
        let x = input(5, 0, 0, 0, 0);
        for s in 1..=60 {
            p.decide(&PaceInput {
                now_ms: s * 1000,
                ..x
            });
        }
        assert_eq!(p.rate_today, Some(10.0 / 110.0));
        // Midnight (two minutes in): the counts start again, the level carries over.
        for s in 61..=121 {
            p.decide(&PaceInput {
                now_ms: s * 1000,
                ..x
            });
        }
        assert_eq!(
            (p.answered_today, p.drops_today, p.rate_today),
            (0, 0, None)
        );
        assert!(p.level() > 1.0, "the level carried over: {}", p.level());
    }

    #[test]
    fn adaptive_minute_brake_halves_the_level() {
        // Level 3 held by idle agents; then a minute of 30 calls with 20 dropped.
        let mut p = adaptive_with(AdaptiveSpec {
            start_level: 3.0,
            ..AdaptiveSpec::default()
        });
        for _ in 0..30 {
            p.feedback(Feedback::AttemptEnded {
                answered: true,
                ring_ms: 5000,
            });
        }
        for k in 0..30 {
            // 30 answers, 20 dropped: 20 > 50 but the rate brake needs > 50 answers today.
            p.feedback(Feedback::TwoSecondRule { abandoned: k < 20 });
        }
        let x = input(0, 0, 0, 10, 0);
        each_second(&mut p, 1..=59, x);
        // D̄ = 0: m = 0 keeps 3 at 15, 30 and 45 s.
        assert_eq!(p.level(), 3.0);
        // At 60 s the minute's statistics (30 calls, 20 dropped) are taken, then the update
        // halves the level; the 75 s update reads the same minute and halves it again.
        each_second(&mut p, 60..=60, x);
        assert_eq!(p.level(), 1.5);
        each_second(&mut p, 61..=75, x);
        assert_eq!(p.level(), 1.0);
    }

    #[test]
    fn adaptive_steers_by_the_tasks_definition_and_its_window() {
        use crate::abandon::{AbandonDefinition, WindowSpec};
        let mut p = adaptive_with(AdaptiveSpec {
            start_level: 2.0,
            variant: AdaptiveVariant::HardLimit,
            ..AdaptiveSpec::default()
        });
        p.set_definition(&AbandonDefinition {
            window: WindowSpec::Rolling { hours: 1.0 },
            cap_pct: 2.0,
            ..AbandonDefinition::default()
        });
        assert_eq!(p.target, 0.02, "the definition's cap is the target");
        // The platform's 2-second drops no longer feed the rate brake...
        for _ in 0..100 {
            p.feedback(Feedback::TwoSecondRule { abandoned: true });
        }
        // ...the definition's counts do: 100 answers in minute 0, 3 abandoned (3 % > 2 %).
        for k in 0..100 {
            p.feedback(Feedback::Defined {
                abandoned: k < 3,
                at_ms: 1_000,
            });
        }
        let x = input(0, 0, 0, 10, 0);
        let at = |p: &mut Adaptive, s: u64| {
            p.decide(&PaceInput {
                now_ms: s * 1000,
                ..x
            })
        };
        for s in 1..=60 {
            at(&mut p, s);
        }
        assert_eq!((p.answered_today, p.drops_today), (100, 3));
        assert_eq!(p.level(), 1.0, "hard limit on 3 % over a 2 % cap");
        // An hour later minute 0 has left the window.
        for s in 61..=3660 {
            at(&mut p, s);
        }
        assert_eq!((p.answered_today, p.drops_today), (0, 0));
        // The retarget of an UpdateTask (Quotiety) does not replace the definition's cap.
        p.retarget(0.05);
        assert_eq!(p.target, 0.02);
    }

    #[test]
    fn the_normal_tail_and_the_excess_match_tables() {
        // φ(z) and 1 − Φ(z) from the standard normal table; A&S 7.1.26 is within 1.5e-7 on erf,
        // so within 7.5e-8 on the tail.
        for (z, pdf, tail) in [
            (0.0, 0.398_942_280, 0.5),
            (1.0, 0.241_970_725, 0.158_655_254),
            (-1.0, 0.241_970_725, 0.841_344_746),
            (2.0, 0.053_990_967, 0.022_750_132),
            (-2.5, 0.017_528_300, 0.993_790_335),
            (3.0, 0.004_431_848, 0.001_349_898),
        ] {
            let (got_pdf, got_tail) = pdf_and_upper_tail(z);
            assert!((got_pdf - pdf).abs() < 1e-9, "φ({z}) = {got_pdf}");
            assert!((got_tail - tail).abs() < 1e-7, "1 − Φ({z}) = {got_tail}");
        }
        // E[(X − f)+], X ~ N(μ, σ²): σφ(z) + (μ − f)(1 − Φ(z)), z = (f − μ)/σ.
        // N(0, 1) at 0: φ(0).
        assert!((expected_excess(0.0, 1.0, 0.0) - 0.398_942_280).abs() < 1e-7);
        // N(10, 4) at 12: 2·φ(1) − 2·(1 − Φ(1)) = 0.483 941 450 − 0.317 310 508.
        assert!((expected_excess(10.0, 4.0, 12.0) - 0.166_630_942).abs() < 2e-7);
        // N(10, 4) at 7: z = −1.5, 2·φ(1.5) + 3·Φ(1.5) = 0.259 035 191 + 2.799 578 397.
        assert!((expected_excess(10.0, 4.0, 7.0) - 3.058_613_588).abs() < 4e-7);
        // No variance: the excess itself.
        assert_eq!(expected_excess(5.0, 0.0, 3.0), 2.0);
        assert_eq!(expected_excess(5.0, 0.0, 7.0), 0.0);
    }

    /// The module docs' formulae for the platform pacer, written out plainly (exp, a scan
    /// from no line upward) as an oracle for [`PlatformPacer`]'s incremental version.
    struct PlatformOracle {
        answer_rate: f64,
        gain: f64,
        target: f64,
        max_wait_ms: f64,
        prompt_ms: f64,
        timeout_ms: f64,
        control: f64,
        attempts: u64,
        answered: u64,
        ring_ms: Vec<f64>,
        talk_ms: Vec<f64>,
        decided: u64,
        abandoned: u64,
    }

    impl PlatformOracle {
        fn feedback(&mut self, f: Feedback) {
            match f {
                Feedback::AttemptEnded { answered, ring_ms } => {
                    self.attempts += 1;
                    if answered {
                        self.answered += 1;
                        self.ring_ms.push(ring_ms as f64);
                    }
                }
                Feedback::TwoSecondRule { abandoned } => {
                    self.decided += 1;
                    self.abandoned += u64::from(abandoned);
                }
                Feedback::TalkEnded { talk_ms } => self.talk_ms.push(talk_ms as f64),
                Feedback::Defined { .. } => {}
            }
        }

        fn decide(&mut self, x: &PaceInput) -> u32 {
            let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
            let p = if x.warming_up || self.attempts < 20 {
                self.answer_rate
            } else {
                (self.answered as f64 / self.attempts as f64).max(0.01)
            };
            let ring = if self.ring_ms.is_empty() {
                self.timeout_ms / 3.0
            } else {
                mean(&self.ring_ms)
            };
            let h = ring + self.prompt_ms;
            let talk = if self.talk_ms.is_empty() {
                180_000.0
            } else {
                mean(&self.talk_ms)
            };
            let wrapping = f64::from(x.wrapping);
            let wrap_free = if x.wrapping == 0 {
                0.0
            } else {
                let r = (x.wrap_remaining_ms as f64 / wrapping).max(1.0);
                wrapping * (h / (2.0 * r)).min(1.0)
            };
            let talk_free = f64::from(x.talking) * (1.0 - (-h / talk.max(1.0)).exp());
            let free =
                (f64::from(x.idle) + wrap_free + talk_free) * self.gain - f64::from(x.waiting);
            if self.decided > 0 {
                let a = self.abandoned as f64 / self.decided as f64;
                let err = ((self.target - a) / self.target).clamp(-3.0, 3.0);
                self.control = (self.control * (ETA * err).exp()).clamp(0.1, 4.0);
            }
            let mut allowed = self.target * self.control;
            if x.idle > 0 {
                let idle = x.idle_time_ms as f64 / f64::from(x.idle);
                if idle > self.max_wait_ms {
                    allowed *= (idle / self.max_wait_ms).min(2.0);
                }
            }
            let holds = |t: u32| {
                let mu = f64::from(t) * p;
                expected_excess(mu, mu * (1.0 - p), free) <= allowed * mu
            };
            // (A wrong normal tail could hold forever: the scan stops at 100 000.)
            let mut lines = 0;
            while lines < 100_000 && holds(lines + 1) {
                lines += 1;
            }
            lines.saturating_sub(x.ringing)
        }
    }

    #[test]
    fn the_platform_pacer_decides_as_its_formulae_say() {
        let task = task_with(serde_json::json!({
            "Quotiety": 4, "PredictAdjust": 120, "AnswerRate": 40, "MaxWaitTime": 20,
            "CustomerTimeout": 24
        }));
        let mut pacer = PlatformPacer::new(&task, 6.0);
        let mut oracle = PlatformOracle {
            answer_rate: 0.40,
            gain: 1.20,
            target: 0.85 * 0.04,
            max_wait_ms: 20_000.0,
            prompt_ms: 6_000.0,
            timeout_ms: 24_000.0,
            control: 1.0,
            attempts: 0,
            answered: 0,
            ring_ms: Vec::new(),
            talk_ms: Vec::new(),
            decided: 0,
            abandoned: 0,
        };
        // A floor that moves through every branch: warm-up, nothing measured yet, idle agents
        // waiting past MaxWaitTime or not, agents wrapping with long and short remainders,
        // customers waiting, calls already ringing.
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = |m: u64| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state % m
        };
        let mut seen = std::collections::BTreeSet::new();
        let (mut ups, mut downs) = (0, 0);
        for second in 0..400u64 {
            let idle = next(12) as u32;
            let wrapping = next(6) as u32;
            let x = PaceInput {
                now_ms: second * 1000,
                idle,
                wrapping,
                wrap_remaining_ms: u64::from(wrapping) * (1_000 + next(40_000)),
                talking: next(30) as u32,
                idle_time_ms: u64::from(idle) * next(45_000),
                waiting: next(4) as u32 * u32::from(second % 5 == 0),
                ringing: next(25) as u32,
                warming_up: second < 60,
                ..PaceInput::default()
            };
            let before = oracle.control;
            let (got, want) = (pacer.decide(&x), oracle.decide(&x));
            ups += u32::from(oracle.control > before);
            downs += u32::from(oracle.control < before);
            assert_eq!(got, want, "second {second}: {x:?}");
            assert!(
                (pacer.control() - oracle.control).abs() < 1e-9,
                "second {second}: control {} against {}",
                pacer.control(),
                oracle.control
            );
            seen.insert(got.min(3));
            // What the engine would report after this second: some attempts end (answered
            // about one in three, the first ones only after a while), some answered calls
            // are decided under the 2-second rule (a burst of abandons mid-run), talks end.
            if second >= 30 {
                for _ in 0..next(3) {
                    let f = Feedback::AttemptEnded {
                        answered: second >= 45 && next(3) == 0,
                        ring_ms: 2_000 + next(20_000),
                    };
                    pacer.feedback(f);
                    oracle.feedback(f);
                }
            }
            if second >= 30 {
                for _ in 0..3 {
                    let f = Feedback::TwoSecondRule {
                        abandoned: (150..165).contains(&second),
                    };
                    pacer.feedback(f);
                    oracle.feedback(f);
                }
            }
            if second >= 90 && next(4) == 0 {
                let f = Feedback::TalkEnded {
                    talk_ms: 30_000 + next(200_000),
                };
                pacer.feedback(f);
                oracle.feedback(f);
            }
            let defined = Feedback::Defined {
                abandoned: true,
                at_ms: second * 1000,
            };
            pacer.feedback(defined);
            oracle.feedback(defined);
        }
        assert_eq!(
            seen.len(),
            4,
            "decisions of 0, 1, 2 and more calls all occur"
        );
        // No abandon at first, a burst mid-run, none after: the controller moved both ways
        // (up, down past the target, up again as the burst is diluted).
        assert!(ups > 50 && downs > 50, "{ups} rises, {downs} falls");
    }

    #[test]
    fn closed_loop_pacers_decide_on_the_clock_and_progressive_on_idle_too() {
        let task = task_with(serde_json::json!({"Quotiety": 3}));
        let mut closed: Vec<(Box<dyn Pacer>, u64)> = vec![
            (Box::new(PlatformPacer::new(&task, 0.0)), 1000),
            (
                Box::new(Ratio {
                    ratio: 1.5,
                    tick_ms: 2500,
                }),
                2500,
            ),
            (Box::new(adaptive(AdaptiveVariant::Average)), 1000),
            (Box::new(Clairvoyant), 1000),
        ];
        assert_eq!(
            Clairvoyant.decide(&input(9, 0, 0, 0, 0)),
            0,
            "the engine plans"
        );
        for (pacer, tick) in &mut closed {
            assert_eq!(pacer.tick_ms(), *tick);
            assert!(!pacer.decides_on_idle());
            assert_eq!(pacer.next_arrival_ms(), None, "no arrival process");
        }
        // Progressive: one call per idle agent not yet covered by a ringing call or a waiting
        // customer, every second and whenever an agent becomes idle.
        let mut p = Progressive;
        assert_eq!(p.decide(&input(5, 1, 2, 0, 0)), 2);
        assert_eq!(p.decide(&input(7, 0, 0, 4, 0)), 7);
        assert_eq!(p.decide(&input(2, 1, 2, 0, 0)), 0);
        assert_eq!(p.tick_ms(), 1000);
        assert!(p.decides_on_idle());
    }

    #[test]
    fn poisson_gaps_are_exponential_at_the_rate() {
        // 4 calls a second: gaps of mean 250 ms, standard deviation 250 ms.
        let mut p = Poisson::new(4.0, 7);
        assert_eq!(p.decide(&input(5, 0, 0, 0, 0)), 0, "open loop: no decision");
        assert_eq!(p.tick_ms(), 0, "no clock");
        let n = 40_000u32;
        let gaps: Vec<u64> = (0..n)
            .map(|_| p.next_arrival_ms().expect("an arrival process"))
            .collect();
        assert!(gaps.iter().all(|&g| g >= 1), "two calls never share a ms");
        let mean = gaps.iter().sum::<u64>() as f64 / f64::from(n);
        // Four standard errors (250 / √40 000 = 1.25 ms each), plus the half ms of rounding.
        assert!((mean - 250.0).abs() < 5.5, "mean gap {mean} ms");
        // Memoryless: P(gap > 500 ms) = e^-2 = 0.1353, standard error √(p(1 − p)/n) = 0.0017.
        let over = gaps.iter().filter(|&&g| g > 500).count() as f64 / f64::from(n);
        assert!(
            (over - (-2.0f64).exp()).abs() < 4.0 * 0.0017,
            "P(gap > 500) {over}"
        );
    }

    #[test]
    fn a_defined_window_counts_by_minute_and_forgets_what_leaves_it() {
        let window = |span| DefinedWindow {
            span,
            daily: false,
            minutes: VecDeque::new(),
            abandoned: 0,
            counted: 0,
        };
        let mut w = window(60);
        w.add(10_000, true);
        w.add(50_000, false);
        w.add(61_000, false);
        w.add(185_000, true);
        assert_eq!(w.minutes, [(0, 1, 2), (1, 0, 1), (3, 1, 1)]);
        assert_eq!((w.abandoned, w.counted), (2, 4));
        // At minute 59 the hour's window is minutes 0 to 59: nothing leaves.
        w.trim(59 * 60_000 + 59_999);
        assert_eq!((w.abandoned, w.counted), (2, 4));
        // At minute 60 it is minutes 1 to 60: minute 0 (two answers, one abandoned) leaves.
        w.trim(60 * 60_000);
        assert_eq!(w.minutes, [(1, 0, 1), (3, 1, 1)]);
        assert_eq!((w.abandoned, w.counted), (1, 2));
        // At minute 62 it is minutes 3 to 62: minute 1 leaves, minute 3 stays.
        w.trim(62 * 60_000);
        assert_eq!(w.minutes, [(3, 1, 1)]);
        assert_eq!((w.abandoned, w.counted), (1, 1));
        w.clear();
        assert_eq!((w.abandoned, w.counted, w.minutes.len()), (0, 0, 0));
        // A whole-run window forgets nothing.
        let mut run = window(0);
        run.add(0, true);
        run.trim(40 * 86_400_000);
        assert_eq!((run.abandoned, run.counted), (1, 1));
    }

    #[test]
    fn adaptive_intensity_scales_the_step_each_way() {
        let run = |idle: u32, waiting: u32| {
            let mut p = adaptive_with(AdaptiveSpec {
                start_level: 2.0,
                intensity: 20.0,
                ..AdaptiveSpec::default()
            });
            for s in 1..=15 {
                p.decide(&PaceInput {
                    now_ms: s * 1000,
                    idle,
                    waiting,
                    available: 10,
                    ..PaceInput::default()
                });
            }
            p.level()
        };
        // D̄ = 3 of Ā = 10: m = 0.3 · (1 + 0.2) = 0.36, level 2 · 1.36.
        assert!((run(3, 0) - 2.72).abs() < 1e-12, "{}", run(3, 0));
        // D̄ = −4: m = −0.4 · |0.2 − 1| = −0.32, level 2 · 0.68.
        assert!((run(0, 4) - 1.36).abs() < 1e-12, "{}", run(0, 4));
    }

    #[test]
    fn adaptive_minute_brake_needs_over_twenty_calls_over_half_dropped() {
        let level_after_a_minute = |calls: u32, dropped: u32| {
            let mut p = adaptive_with(AdaptiveSpec {
                start_level: 3.0,
                ..AdaptiveSpec::default()
            });
            for k in 0..calls {
                p.feedback(Feedback::AttemptEnded {
                    answered: true,
                    ring_ms: 5000,
                });
                p.feedback(Feedback::TwoSecondRule {
                    abandoned: k < dropped,
                });
            }
            each_second(&mut p, 1..=60, input(0, 0, 0, 10, 0));
            p.level()
        };
        assert_eq!(
            level_after_a_minute(21, 11),
            1.5,
            "21 calls, 11 dropped: halved"
        );
        assert_eq!(
            level_after_a_minute(20, 11),
            3.0,
            "20 calls are not over 20"
        );
        assert_eq!(
            level_after_a_minute(22, 11),
            3.0,
            "11 of 22 is not over half"
        );
    }

    #[test]
    fn adaptive_rate_brake_needs_over_fifty_answers_over_the_target() {
        // Answers and drops of the day (no call ended: the minute brake stays off), level 3
        // held by D̄ = 0; the first minute's statistics and the update at 60 s.
        let level_after_a_minute = |answered: u32, dropped: u32| {
            let mut p = adaptive_with(AdaptiveSpec {
                start_level: 3.0,
                variant: AdaptiveVariant::Average,
                ..AdaptiveSpec::default()
            });
            for k in 0..answered {
                p.feedback(Feedback::TwoSecondRule {
                    abandoned: k < dropped,
                });
            }
            each_second(&mut p, 1..=60, input(0, 0, 0, 10, 0));
            p.level()
        };
        assert_eq!(
            level_after_a_minute(51, 10),
            1.5,
            "51 answers over 3 %: halved"
        );
        assert_eq!(
            level_after_a_minute(50, 10),
            3.0,
            "50 answers are not over 50"
        );
        assert_eq!(
            level_after_a_minute(100, 3),
            3.0,
            "3 % is not over the 3 % target"
        );
        assert_eq!(level_after_a_minute(100, 4), 1.5, "4 % is");
    }

    #[test]
    fn adaptive_tapered_scales_by_the_time_left_to_the_stop() {
        // A run from 12:00 to 17:00; at 12:01 (the first update that sees the day's rate),
        // 1700 − 1201 = 499 HHMM units left: the level is scaled by 0.499.
        let spec = AdaptiveSpec {
            start_level: 4.0,
            max_level: 5.0,
            variant: AdaptiveVariant::Tapered,
            ..AdaptiveSpec::default()
        };
        let noon = RunClock {
            start_min: 12.0 * 60.0,
            stop_min: 17.0 * 60.0,
        };
        let mut p = Adaptive::new(&spec, 0.03, noon);
        for k in 0..100 {
            p.feedback(Feedback::TwoSecondRule { abandoned: k < 10 });
        }
        each_second(&mut p, 1..=60, input(0, 0, 0, 10, 0));
        assert!((p.level() - 4.0 * 0.499).abs() < 1e-12, "{}", p.level());
    }

    #[test]
    fn adaptive_target_follows_the_task_unless_a_definition_or_the_scenario_sets_it() {
        let mut task = task_with(serde_json::json!({"Quotiety": 2.5}));
        // The drop target is the task's Quotiety, or 3 % when it is 0.
        assert_eq!(adaptive_drop_target(&task), 0.025);
        task.quotiety = Quotiety(0);
        assert_eq!(adaptive_drop_target(&task), 0.03);
        task.quotiety = Quotiety(1);
        assert_eq!(adaptive_drop_target(&task), 0.0001);
        // An UpdateTask of Quotiety retargets a pacer without a definition of its own.
        let mut p = adaptive(AdaptiveVariant::Average);
        p.retarget(0.05);
        assert_eq!(p.target, 0.05);
        // A definition's window: its span in minutes, and whether it is a calendar day.
        let spans = [
            (WindowSpec::Rolling { hours: 1.5 }, 90, false),
            (WindowSpec::ThirtyDays, 43_200, false),
            (WindowSpec::Day, 0, true),
            (WindowSpec::Run, 0, false),
        ];
        for (window, span, daily) in spans {
            let mut p = adaptive(AdaptiveVariant::Average);
            p.set_definition(&AbandonDefinition {
                window,
                cap_pct: 4.0,
                ..AbandonDefinition::default()
            });
            let w = p.defined.as_ref().expect("a definition");
            assert_eq!((w.span, w.daily), (span, daily), "{window:?}");
            assert_eq!(p.target, 0.04, "the definition's cap");
        }
        // A drop target in the scenario's pacer settings stays.
        let mut own = adaptive_with(AdaptiveSpec {
            drop_target_pct: Some(2.0),
            ..AdaptiveSpec::default()
        });
        own.set_definition(&AbandonDefinition::default());
        assert_eq!(
            own.target, 0.03,
            "the target given to new, not the definition's cap"
        );
    }

    #[test]
    fn adaptive_forgets_its_samples_on_a_restart_and_waits_for_agents() {
        // Ten seconds of 6 idle agents of 10, a restart, then five of none idle: the update at
        // 15 s averages only the five (m = 0, the level stays 2).
        let spec = AdaptiveSpec {
            start_level: 2.0,
            ..AdaptiveSpec::default()
        };
        let mut p = adaptive_with(spec.clone());
        let at = |p: &mut Adaptive, s: u64, idle: u32, available: u32| {
            p.decide(&PaceInput {
                now_ms: s * 1000,
                idle,
                available,
                ..PaceInput::default()
            });
        };
        for s in 1..=10 {
            at(&mut p, s, 6, 10);
        }
        p.restarted(false);
        for s in 11..=15 {
            at(&mut p, s, 0, 10);
        }
        assert_eq!(p.level(), 2.0);
        // Fourteen seconds of 3 idle of 10, then nobody logged in at 15 s: no update (VICIdial
        // moves the level only with agents logged in).
        let mut p = adaptive_with(spec);
        for s in 1..=14 {
            at(&mut p, s, 3, 10);
        }
        at(&mut p, 15, 0, 0);
        assert_eq!(p.level(), 2.0);
    }

    #[test]
    fn a_run_clock_counts_minutes_from_the_start_day_s_midnight() {
        let at = |text: &str| text.parse::<jiff::civil::DateTime>().expect("a time");
        let c = RunClock::of(at("2026-01-05T09:30:40"), 8 * 3_600_000);
        assert_eq!((c.start_min, c.stop_min), (570.0, 570.0 + 480.0));
        let c = RunClock::of(at("2026-01-05T23:58:00"), 4 * 60_000 + 30_000);
        assert_eq!((c.start_min, c.stop_min), (1438.0, 1442.5), "past midnight");
    }
}
