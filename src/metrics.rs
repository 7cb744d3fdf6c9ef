//! Counters, histograms and time series of a run, and their conservation checks.
//!
//! The engine records into these; the report module turns them into JSON and tables. No I/O.

use hdrhistogram::Histogram;
use serde::Serialize;

/// What happened to calls, per task (and summed overall).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CallCounts {
    /// Calls placed.
    pub placed: u64,
    /// Answered by a person.
    pub answered: u64,
    /// Rang out (CustomerTimeout) or answered too late.
    pub no_answer: u64,
    /// Line busy.
    pub busy: u64,
    /// Invalid or unreachable number.
    pub failed: u64,
    /// Bridged to an agent (at any wait).
    pub connected: u64,
    /// Not connected to an agent within 2 s of answer (or of the prompt's end).
    pub abandoned: u64,
    /// Hung up before an agent answered.
    pub hung_up: u64,
    /// Hung up by the platform at 2 s (no IVR to overflow to).
    pub dropped: u64,
    /// Overflowed to the IVR at 2 s (kept their place in the queue).
    pub ivr_overflow: u64,
    /// Type 2: calls that finished their IVR session.
    pub ivr_completed: u64,
    /// Connected within 2 s.
    pub connected_within_2s: u64,
    /// Calls still ringing when the run ended.
    pub ringing_at_end: u64,
    /// Answered calls still unresolved (prompt, waiting, in the IVR) when the run ended.
    pub answered_open_at_end: u64,
    /// Numbers the clairvoyant pacer passed over because they would not answer (never dialled).
    pub skipped: u64,
    /// Answers by an answering machine (part of `answered`).
    pub machine_answered: u64,
    /// Answered calls hung up by answering-machine detection (machines detected, and live
    /// people taken for machines).
    pub amd_hung_up: u64,
    /// Of those, live people (detection's false positives).
    pub amd_false_positive: u64,
}

impl CallCounts {
    /// Add another's counts.
    pub fn add(&mut self, o: &CallCounts) {
        self.placed += o.placed;
        self.answered += o.answered;
        self.skipped += o.skipped;
        self.no_answer += o.no_answer;
        self.busy += o.busy;
        self.failed += o.failed;
        self.connected += o.connected;
        self.abandoned += o.abandoned;
        self.hung_up += o.hung_up;
        self.dropped += o.dropped;
        self.ivr_overflow += o.ivr_overflow;
        self.ivr_completed += o.ivr_completed;
        self.connected_within_2s += o.connected_within_2s;
        self.ringing_at_end += o.ringing_at_end;
        self.answered_open_at_end += o.answered_open_at_end;
        self.machine_answered += o.machine_answered;
        self.amd_hung_up += o.amd_hung_up;
        self.amd_false_positive += o.amd_false_positive;
    }

    /// Every placed call ends in exactly one outcome; every answered call in exactly one
    /// resolution. `Err` names the broken balance.
    pub fn check_conservation(&self) -> Result<(), String> {
        let ends = self.no_answer + self.busy + self.failed + self.answered + self.ringing_at_end;
        if ends != self.placed {
            return Err(format!(
                "placed {} != no_answer+busy+failed+answered+ringing {}",
                self.placed, ends
            ));
        }
        let resolved = self.connected
            + self.hung_up
            + self.dropped
            + self.ivr_completed
            + self.amd_hung_up
            + self.answered_open_at_end;
        if resolved != self.answered {
            return Err(format!(
                "answered {} != connected+hung_up+dropped+ivr_completed+amd_hung_up+open {}",
                self.answered, resolved
            ));
        }
        if self.amd_false_positive > self.amd_hung_up || self.machine_answered > self.answered {
            return Err("detection's counts exceed the answers they are part of".into());
        }
        if self.connected_within_2s + self.abandoned > self.answered {
            return Err("connected within 2 s + abandoned exceeds answered".into());
        }
        Ok(())
    }
}

/// Time an agent spent in each state, ms.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct StateTimes {
    /// Idle (available, no call).
    pub idle: u64,
    /// Agent leg ringing.
    pub ringing: u64,
    /// Talking.
    pub talking: u64,
    /// Wrap-up.
    pub wrapup: u64,
    /// On break (not available).
    pub on_break: u64,
}

impl StateTimes {
    /// Logged in and not on break.
    pub fn available(&self) -> u64 {
        self.idle + self.ringing + self.talking + self.wrapup
    }
    /// Busy (ringing, talking, wrap-up).
    pub fn busy(&self) -> u64 {
        self.ringing + self.talking + self.wrapup
    }
    /// Add another's times.
    pub fn add(&mut self, o: &StateTimes) {
        self.idle += o.idle;
        self.ringing += o.ringing;
        self.talking += o.talking;
        self.wrapup += o.wrapup;
        self.on_break += o.on_break;
    }
}

/// One time-series bucket.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Bucket {
    /// Calls placed in it.
    pub placed: u64,
    /// Answered in it.
    pub answered: u64,
    /// Connected in it.
    pub connected: u64,
    /// 2-second-rule abandons decided in it.
    pub abandoned: u64,
    /// Customers who hung up while waiting, in it.
    pub hung_up: u64,
    /// Agent time in it.
    pub agents: StateTimes,
    /// Sum over the bucket of calls in progress × ms (for mean lines in use).
    pub line_ms: u64,
}

impl Bucket {
    /// Add another bucket's figures (to sum buckets over a day, say).
    pub fn add(&mut self, o: &Bucket) {
        self.placed += o.placed;
        self.answered += o.answered;
        self.connected += o.connected;
        self.abandoned += o.abandoned;
        self.hung_up += o.hung_up;
        self.agents.add(&o.agents);
        self.line_ms += o.line_ms;
    }
}

/// A histogram of durations in ms (3 significant figures, up to 30 days).
pub fn histogram() -> Histogram<u64> {
    Histogram::new_with_bounds(1, 30 * 86_400_000, 3).expect("constant bounds are valid")
}

/// Record `ms` (0 is recorded as 0 via the saturating path of hdrhistogram).
pub fn record(h: &mut Histogram<u64>, ms: u64) {
    h.saturating_record(ms);
}

/// Percentiles of a histogram, seconds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Percentiles {
    /// Median.
    pub p50: f64,
    /// 90th percentile.
    pub p90: f64,
    /// 99th percentile.
    pub p99: f64,
    /// Maximum.
    pub max: f64,
    /// Mean.
    pub mean: f64,
    /// Samples.
    pub count: u64,
}

impl Percentiles {
    /// From a histogram of ms.
    pub fn of(h: &Histogram<u64>) -> Percentiles {
        if h.is_empty() {
            return Percentiles::default();
        }
        let s = |ms: u64| ms as f64 / 1000.0;
        Percentiles {
            p50: s(h.value_at_quantile(0.5)),
            p90: s(h.value_at_quantile(0.9)),
            p99: s(h.value_at_quantile(0.99)),
            max: s(h.max()),
            mean: (h.mean() / 1000.0 * 1000.0).round() / 1000.0,
            count: h.len(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conservation_catches_a_lost_call() {
        let mut c = CallCounts {
            placed: 3,
            answered: 1,
            no_answer: 1,
            busy: 1,
            connected: 1,
            ..Default::default()
        };
        assert!(c.check_conservation().is_ok());
        c.placed = 4;
        assert!(c.check_conservation().is_err());
    }
}
