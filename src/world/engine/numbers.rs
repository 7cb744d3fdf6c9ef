//! Number pools: never-called batches, retries and backup numbers, and how a finished call
//! decides its number's fate.

use super::*;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct FreshBatch {
    /// Larger first.
    pub(super) priority: u32,
    /// Index of its first number in the task's numbering.
    pub(super) first: u64,
    pub(super) count: u64,
    /// Numbers taken so far.
    pub(super) cursor: u64,
    /// For an imported batch: the synthetic phone number of its first number, and how many
    /// distinct ones it had (its numbers map onto them in turn).
    pub(super) tels: Option<(u64, u64)>,
}

impl TaskRun {
    /// `numbers` numbers finished after `attempts` attempts each.
    pub(super) fn count_attempts(&mut self, attempts: usize, numbers: u64) {
        if self.attempts.len() <= attempts {
            self.attempts.resize(attempts + 1, 0);
        }
        self.attempts[attempts] += numbers;
    }

    /// The next never-called number, in CallPriorityStrategy's firstCall order: by batch
    /// priority (larger first, then import order; the default), by import time alone, or at
    /// random (a fixed pseudo-random permutation of each batch).
    pub(super) fn take_fresh(&mut self) -> Option<u64> {
        use crate::request::FirstCallOrder as O;
        let by_priority = self.first_order != O::ImportTime;
        let mut best: Option<usize> = None;
        for (i, b) in self.batches.iter().enumerate() {
            if b.cursor < b.count
                && best.is_none_or(|j| by_priority && b.priority > self.batches[j].priority)
            {
                best = Some(i);
            }
        }
        let b = &mut self.batches[best?];
        let k = b.cursor;
        b.cursor += 1;
        self.fresh_left -= 1;
        let offset = if self.first_order == O::Random {
            permute(k, b.count, u64::from(self.idx))
        } else {
            k
        };
        Some(b.first + offset)
    }

    /// Drop every never-called number; how many.
    pub(super) fn drop_fresh(&mut self) -> u64 {
        for b in &mut self.batches {
            b.cursor = b.count;
        }
        std::mem::take(&mut self.fresh_left)
    }

    /// Remove up to `k` never-called numbers, the last imported first: the numbers removed,
    /// each with its synthetic phone number when it came through ImportTaskTel.
    pub(super) fn delete_fresh(&mut self, k: u64) -> Vec<(u64, Option<u64>)> {
        let mut gone = Vec::new();
        for b in self.batches.iter_mut().rev() {
            while (gone.len() as u64) < k && b.cursor < b.count {
                b.count -= 1;
                let tel = b.tels.map(|(base, distinct)| base + b.count % distinct);
                gone.push((b.first + b.count, tel));
            }
        }
        self.fresh_left -= gone.len() as u64;
        gone
    }
}

/// The delay of each basic retry round, ms, by round (empty without a basic RetryStrategy).
pub(super) fn basic_retry_delays(req: &crate::request::CreateTask) -> Vec<u64> {
    match &req.retry_strategy {
        Some(crate::request::RetryStrategy::Basic { strategy, .. }) => {
            let mut rounds = strategy.clone();
            rounds.sort_by_key(|r| r.round);
            rounds.iter().map(|r| r.time.seconds() * 1000).collect()
        }
        _ => Vec::new(),
    }
}

/// A fixed pseudo-random permutation of `0..n` (an affine map with a multiplier coprime to
/// `n`): random calling order without storing the list.
fn permute(k: u64, n: u64, salt: u64) -> u64 {
    if n <= 1 {
        return 0;
    }
    let mut a = (mix(salt ^ n) % n) | 1;
    while gcd(a, n) != 1 {
        a += 2;
    }
    let b = mix(salt.wrapping_add(n)) % n;
    ((u128::from(a) * u128::from(k) + u128::from(b)) % u128::from(n)) as u64
}

fn gcd(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

impl Engine<'_> {
    /// A call ended: its number is finished, or waits for its next round.
    pub(super) fn number_outcome(&mut self, call: u32) {
        let c = self.calls[call as usize];
        let ti = usize::from(c.task);
        let now = self.now;
        let t = &mut self.tasks[ti];
        let connected =
            c.bridged_at != NONE_TIME || (t.ttype == TaskType::Automatic && c.fate == Fate::Answer);
        // A failed attempt on a number with backups dials the next backup at once.
        if c.fate != Fate::Answer && c.backup < t.backup_tels && !t.ended {
            t.backup_ready
                .push_back((c.number, c.attempt, c.first_ms, c.backup + 1));
            return;
        }
        let round = c.attempt as usize; // the retry this failure would lead to, 0-based
        // Basic mode retries no answer, busy, unreachable and failed calls; never an answered
        // one, connected or abandoned (enumerations.md, defined by dialsim). Advanced mode
        // (Type 2) retries by the first rule, in `sort` order, naming the attempt's SIP cause.
        let delay = if t.advanced_retry.is_empty() {
            t.retry_delays_ms.get(round).copied()
        } else {
            let cause = sip_cause(c.fate);
            t.advanced_retry
                .iter()
                .find(|(causes, _)| causes.iter().any(|x| x == cause))
                .and_then(|(_, delays)| delays.get(round).copied())
        };
        if let (Some(delay), true) = (delay, c.fate != Fate::Answer && !t.ended) {
            let base = if t.retry_from_first {
                c.first_ms
            } else {
                c.placed_at
            };
            let due = (base + delay).max(now);
            t.retry_seq += 1;
            t.retry_future
                .insert((due, t.retry_seq, c.number, c.attempt + 1, c.first_ms));
            return;
        }
        if connected {
            t.fates.connected += 1;
        } else if c.fate == Fate::Answer {
            t.fates.answered_not_connected += 1;
        } else {
            t.fates.retries_exhausted += 1;
        }
        t.count_attempts(c.attempt as usize + 1, 1);
        self.numbers_done(ti, 1);
    }

    /// `k` more of the task's numbers are finished.
    pub(super) fn numbers_done(&mut self, ti: usize, k: u64) {
        let t = &mut self.tasks[ti];
        t.done_numbers += k;
        if t.done_numbers == t.numbers && t.finished_at.is_none() {
            t.finished_at = Some(self.now);
        }
    }

    /// Move the retries that are due into the ready pool.
    pub(super) fn promote_due(&mut self, ti: usize) {
        let now = self.now;
        let t = &mut self.tasks[ti];
        while let Some(&(due, seq, number, attempt, first)) = t.retry_future.first() {
            if due > now {
                break;
            }
            t.retry_future.pop_first();
            let key = if t.retry_desc {
                u32::MAX - attempt
            } else {
                attempt
            };
            t.retry_ready.insert((key, seq, number, attempt, first));
        }
    }

    /// The next number to dial (number, attempt, first call), by CallPriorityStrategy.
    pub(super) fn next_target(&mut self, ti: usize) -> (u64, u32, u64, u32) {
        let t = &mut self.tasks[ti];
        // A failed number's backups go first: they continue the same attempt.
        if let Some((number, attempt, first, backup)) = t.backup_ready.pop_front() {
            t.backup_calls += 1;
            return (number, attempt, first, backup);
        }
        let fresh_left = t.fresh_left > 0;
        let take_retry = !t.retry_ready.is_empty() && (t.retry_first || !fresh_left);
        if take_retry && let Some((_, _, number, attempt, first)) = t.retry_ready.pop_first() {
            t.retries_placed += 1;
            return (number, attempt, first, 0);
        }
        let number = t.take_fresh().unwrap_or(0);
        (number, 0, 0, 0)
    }
}

#[cfg(test)]
mod tests {
    use super::permute;

    #[test]
    fn random_calling_order_is_a_permutation() {
        for n in [1u64, 2, 10, 97, 1000, 4096] {
            let mut seen: Vec<u64> = (0..n).map(|k| permute(k, n, 7)).collect();
            let in_order = seen.iter().enumerate().all(|(i, &x)| i as u64 == x);
            seen.sort_unstable();
            assert_eq!(seen, (0..n).collect::<Vec<_>>(), "n = {n}");
            if n >= 10 {
                assert!(!in_order, "n = {n}: not shuffled");
            }
        }
    }
}
