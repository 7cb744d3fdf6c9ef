//! The task's numbers: never-called batches, retries and backup numbers ([`NumberPool`], plain
//! data), and how a finished call decides its number's fate (the engine's side).
//!
//! Ask here how retries are scheduled: [`Engine::number_outcome`] decides, the pool keeps
//! them until due, [`NumberPool::next_target`] orders them against the never-called numbers.

use super::calls::sip_cause;
use super::params::RetryPolicy;
use super::*;
use crate::request::FirstCallOrder;

/// What to dial next: a number, its attempt, when it was first called, which of its numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct Target {
    /// Its position in the task's list.
    pub number: u64,
    /// The attempt (0 = the first call).
    pub attempt: u32,
    /// When the number was first called, ms (0 for a first call: the call's own time).
    pub first_ms: u64,
    /// 0: the main number; k: its k-th backup number.
    pub backup: u32,
}

/// A retry scheduled and not yet due. Ordered by due time, then by scheduling order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct PendingRetry {
    due_ms: u64,
    seq: u64,
    number: u64,
    attempt: u32,
    first_ms: u64,
}

/// A retry that is due. Ordered by the round's key (CallPriorityStrategy retryCall: lower
/// rounds first, or higher with desc), then by scheduling order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct ReadyRetry {
    round_key: u32,
    seq: u64,
    number: u64,
    attempt: u32,
    first_ms: u64,
}

/// A batch of never-called numbers (the scenario's list, or an ImportTaskTel).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct FreshBatch {
    /// Larger first.
    pub priority: u32,
    /// Index of its first number in the task's numbering.
    pub first: u64,
    /// Numbers in the batch (deleted ones, the last slots, no longer count).
    pub count: u64,
    /// Numbers taken so far.
    pub cursor: u64,
    /// For an imported batch: the synthetic phone number of its first number, and how many
    /// distinct ones it had (its numbers map onto them in turn).
    pub tels: Option<(u64, u64)>,
    /// Which number each slot holds.
    pub order: SlotOrder,
}

/// How a batch's slots map to its numbers (offsets from `first`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum SlotOrder {
    /// Slot k holds offset k.
    Sequential,
    /// Slot k holds `permute(k, n, salt)`: a fixed pseudo-random order of `n` numbers.
    Permuted {
        /// The batch's size when it was shuffled (fixed, so slots never move).
        n: u64,
        /// The permutation's salt.
        salt: u64,
    },
    /// Slot k holds `offsets[k]` (a batch reordered after calling began).
    Listed(Vec<u64>),
}

impl SlotOrder {
    #[inline]
    fn offset(&self, k: u64) -> u64 {
        match self {
            SlotOrder::Sequential => k,
            SlotOrder::Permuted { n, salt } => permute(k, *n, *salt),
            SlotOrder::Listed(offsets) => offsets[k as usize],
        }
    }
}

impl FreshBatch {
    /// A batch of `count` numbers from `first`, in import order (the pool shuffles it when
    /// the firstCall order is random).
    pub fn new(priority: u32, first: u64, count: u64, tels: Option<(u64, u64)>) -> FreshBatch {
        FreshBatch {
            priority,
            first,
            count,
            cursor: 0,
            tels,
            order: SlotOrder::Sequential,
        }
    }
}

/// Every number of one task and where it stands: never called (in batches), waiting for a
/// retry round, due for a retry, due for a backup number, or finished (and why).
#[derive(Debug, Clone)]
pub(super) struct NumberPool {
    /// Numbers in the list (imports add, DeleteTaskTel and DeleteTask remove).
    pub total: u64,
    /// Numbers finished.
    pub done: u64,
    /// When the last number finished, ms.
    pub finished_at: Option<u64>,
    /// Why numbers finished.
    pub fates: NumberFates,
    /// Numbers by attempts made when they finished (index = attempts).
    pub attempts: Vec<u64>,
    /// Calls that were retries, and calls to backup numbers.
    pub retries_placed: u64,
    /// Calls to backup numbers.
    pub backup_calls: u64,
    /// Backup numbers per number.
    pub backup_tels: u32,
    /// Synthetic phone numbers imported through the platform store so far.
    pub imported_tels: u64,
    /// The firstCall order in force.
    first_order: FirstCallOrder,
    /// The task's index: the salt of its random calling order.
    salt: u64,
    batches: Vec<FreshBatch>,
    fresh_left: u64,
    pending: BTreeSet<PendingRetry>,
    ready: BTreeSet<ReadyRetry>,
    retry_seq: u64,
    backups: VecDeque<Target>,
    /// Batches imported with their phone numbers listed (ImportTaskTel `numbers`).
    listed: Vec<ListedBatch>,
    /// Never-called numbers removed by DeleteTaskTel `tels`, still in their batch's slots
    /// (passed over when reached, and kept here: withdrawn twice, a number counts out once).
    withdrawn: std::collections::HashSet<u64>,
}

/// An imported batch whose phone numbers are known: positions `first..first + tels.len()`.
#[derive(Debug, Clone)]
struct ListedBatch {
    first: u64,
    tels: Vec<crate::platform::Tel>,
    /// Which of them have been taken for a first call.
    called: Vec<bool>,
}

impl NumberPool {
    /// A pool holding the scenario's list of `numbers`, each with `backup_tels` backups.
    pub fn new(numbers: u64, backup_tels: u32, first_order: FirstCallOrder, salt: u64) -> Self {
        let mut pool = NumberPool {
            total: numbers,
            done: 0,
            finished_at: None,
            fates: NumberFates::default(),
            attempts: Vec::new(),
            retries_placed: 0,
            backup_calls: 0,
            backup_tels,
            imported_tels: 0,
            first_order,
            salt,
            batches: Vec::new(),
            fresh_left: 0,
            pending: BTreeSet::new(),
            ready: BTreeSet::new(),
            retry_seq: 0,
            backups: VecDeque::new(),
            listed: Vec::new(),
            withdrawn: Default::default(),
        };
        pool.add_batch(FreshBatch::new(0, 0, numbers, None));
        pool
    }

    /// Never-called numbers left.
    pub fn fresh_left(&self) -> u64 {
        self.fresh_left
    }

    /// Numbers that can be dialled now: never called, retries due, backups due.
    pub fn dialable(&self) -> u64 {
        self.fresh_left + self.ready.len() as u64 + self.backups.len() as u64
    }

    /// Nothing left to dial, now or later.
    pub fn exhausted(&self) -> bool {
        self.fresh_left == 0
            && self.pending.is_empty()
            && self.ready.is_empty()
            && self.backups.is_empty()
    }

    /// Retries scheduled, due or not.
    pub fn retries_waiting(&self) -> u64 {
        self.pending.len() as u64 + self.ready.len() as u64
    }

    /// A new batch of never-called numbers (numbered from `batch.first`).
    pub fn add_batch(&mut self, mut batch: FreshBatch) {
        if self.first_order == FirstCallOrder::Random {
            batch.order = SlotOrder::Permuted {
                n: batch.count,
                salt: self.salt,
            };
        }
        // A new batch: none of its numbers taken yet.
        debug_assert_eq!(batch.cursor, 0);
        self.fresh_left += batch.count;
        self.batches.push(batch);
    }

    /// `numbers` numbers finished after `attempts` attempts each.
    pub fn count_attempts(&mut self, attempts: usize, numbers: u64) {
        if self.attempts.len() <= attempts {
            self.attempts.resize(attempts + 1, 0);
        }
        self.attempts[attempts] += numbers;
    }

    /// `k` more numbers finished at `now`.
    pub fn finished(&mut self, k: u64, now: u64) {
        self.done += k;
        if self.done == self.total && self.finished_at.is_none() {
            self.finished_at = Some(now);
        }
    }

    /// CallPriorityStrategy's firstCall order changes: the numbers not yet called are
    /// reordered, those already called stay called.
    pub fn set_first_order(&mut self, order: FirstCallOrder) {
        if order == self.first_order {
            return;
        }
        // Priority and import-time orders differ only in which batch goes first; within a
        // batch both call in import order. Random shuffles what is left of each batch.
        let was_random = self.first_order == FirstCallOrder::Random;
        let now_random = order == FirstCallOrder::Random;
        self.first_order = order;
        if was_random == now_random {
            return;
        }
        for b in &mut self.batches {
            let mut left: Vec<u64> = (b.cursor..b.count).map(|k| b.order.offset(k)).collect();
            left.sort_unstable();
            if now_random {
                let n = left.len() as u64;
                left = (0..n)
                    .map(|k| left[permute(k, n, self.salt) as usize])
                    .collect();
            }
            let mut offsets: Vec<u64> = (0..b.cursor).map(|k| b.order.offset(k)).collect();
            offsets.extend(left);
            b.order = SlotOrder::Listed(offsets);
        }
    }

    /// The next never-called number, in CallPriorityStrategy's firstCall order: by batch
    /// priority (larger first, then import order; the default), by import time alone, or at
    /// random (a fixed pseudo-random permutation of each batch).
    #[inline]
    pub fn take_fresh(&mut self) -> Option<u64> {
        loop {
            let n = self.take_slot()?;
            if self.listed.is_empty() {
                return Some(n);
            }
            if self.withdrawn.contains(&n) {
                // Counted out when it was withdrawn.
                self.fresh_left += 1;
                continue;
            }
            if let Some((b, k)) = self.listed_at(n) {
                self.listed[b].called[k] = true;
            }
            return Some(n);
        }
    }

    /// The batch and index of position `n` among the listed batches.
    fn listed_at(&self, n: u64) -> Option<(usize, usize)> {
        let b = self
            .listed
            .partition_point(|l| l.first <= n)
            .checked_sub(1)?;
        let k = usize::try_from(n - self.listed[b].first).ok()?;
        (k < self.listed[b].tels.len()).then_some((b, k))
    }

    /// The phone number of position `n`, when its batch listed them.
    pub fn tel_of(&self, n: u64) -> Option<crate::platform::Tel> {
        self.listed_at(n).map(|(b, k)| self.listed[b].tels[k])
    }

    /// A batch of listed phone numbers, numbered from `first` (its [`FreshBatch`] is added
    /// separately).
    pub fn add_listed(&mut self, first: u64, tels: Vec<crate::platform::Tel>) {
        let called = vec![false; tels.len()];
        self.listed.push(ListedBatch {
            first,
            tels,
            called,
        });
    }

    /// Withdraw the never-called numbers among `tels` (DeleteTaskTel): how many.
    pub fn withdraw(&mut self, tels: &std::collections::HashSet<crate::platform::Tel>) -> u64 {
        let mut gone = 0;
        for l in &self.listed {
            for (k, tel) in l.tels.iter().enumerate() {
                let n = l.first + k as u64;
                if !l.called[k] && tels.contains(tel) && self.withdrawn.insert(n) {
                    gone += 1;
                }
            }
        }
        self.fresh_left -= gone;
        self.total -= gone;
        gone
    }

    #[inline]
    fn take_slot(&mut self) -> Option<u64> {
        let by_priority = self.first_order != FirstCallOrder::ImportTime;
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
        Some(b.first + b.order.offset(k))
    }

    /// Drop every never-called number; how many.
    pub fn drop_fresh(&mut self) -> u64 {
        for b in &mut self.batches {
            b.cursor = b.count;
        }
        for l in &mut self.listed {
            l.called.fill(true);
        }
        self.withdrawn.clear();
        std::mem::take(&mut self.fresh_left)
    }

    /// Remove up to `k` never-called numbers, the last imported first: the numbers removed,
    /// each with its synthetic phone number when it came through ImportTaskTel.
    pub fn delete_fresh(&mut self, k: u64) -> Vec<(u64, Option<u64>)> {
        let mut gone = Vec::new();
        for b in self.batches.iter_mut().rev() {
            while (gone.len() as u64) < k && b.cursor < b.count {
                b.count -= 1;
                let offset = b.order.offset(b.count);
                if self.withdrawn.contains(&(b.first + offset)) {
                    // Withdrawn already, and counted out then.
                    continue;
                }
                let tel = b.tels.map(|(base, distinct)| base + offset % distinct);
                gone.push((b.first + offset, tel));
            }
        }
        self.fresh_left -= gone.len() as u64;
        self.total -= gone.len() as u64;
        for &(n, _) in &gone {
            if let Some((b, k)) = self.listed_at(n) {
                self.listed[b].called[k] = true;
            }
        }
        gone
    }

    /// A failed attempt's next backup number is due now.
    pub fn push_backup(&mut self, t: Target) {
        self.backups.push_back(t);
    }

    /// Schedule retry `attempt` of `number` (first called at `first_ms`), due at `due_ms`.
    pub fn schedule_retry(&mut self, due_ms: u64, number: u64, attempt: u32, first_ms: u64) {
        self.retry_seq += 1;
        self.pending.insert(PendingRetry {
            due_ms,
            seq: self.retry_seq,
            number,
            attempt,
            first_ms,
        });
    }

    /// Move the retries due at `now` into the ready pool, keyed by `policy`'s order.
    pub fn promote_due(&mut self, now: u64, policy: &RetryPolicy) {
        while let Some(&r) = self.pending.first() {
            if r.due_ms > now {
                break;
            }
            self.pending.pop_first();
            self.ready.insert(ReadyRetry {
                round_key: round_key(r.attempt, policy.retry_desc),
                seq: r.seq,
                number: r.number,
                attempt: r.attempt,
                first_ms: r.first_ms,
            });
        }
    }

    /// The retry order changed (CallPriorityStrategy retryCall desc): re-key the due retries.
    pub fn rekey_ready(&mut self, policy: &RetryPolicy) {
        self.ready = std::mem::take(&mut self.ready)
            .into_iter()
            .map(|r| ReadyRetry {
                round_key: round_key(r.attempt, policy.retry_desc),
                ..r
            })
            .collect();
    }

    /// Drop every waiting retry (due or not), counting each number's attempts; how many.
    pub fn drop_retries(&mut self) -> u64 {
        let attempts: Vec<u32> = self
            .pending
            .iter()
            .map(|r| r.attempt)
            .chain(self.ready.iter().map(|r| r.attempt))
            .collect();
        for a in &attempts {
            self.count_attempts(*a as usize, 1);
        }
        self.pending.clear();
        self.ready.clear();
        attempts.len() as u64
    }

    /// Drop every waiting retry without counting attempts (the task ended); how many.
    pub fn clear_retries(&mut self) -> u64 {
        let n = self.retries_waiting();
        self.pending.clear();
        self.ready.clear();
        n
    }

    /// The next number to dial, by CallPriorityStrategy: a failed number's backups first
    /// (they continue the same attempt), then the retry pool and the never-called pool in
    /// the policy's order.
    #[inline]
    pub fn next_target(&mut self, policy: &RetryPolicy) -> Target {
        if let Some(t) = self.backups.pop_front() {
            self.backup_calls += 1;
            return t;
        }
        let take_retry = !self.ready.is_empty() && (policy.retry_first || self.fresh_left == 0);
        if take_retry && let Some(r) = self.ready.pop_first() {
            self.retries_placed += 1;
            return Target {
                number: r.number,
                attempt: r.attempt,
                first_ms: r.first_ms,
                backup: 0,
            };
        }
        Target {
            number: self.take_fresh().unwrap_or(0),
            attempt: 0,
            first_ms: 0,
            backup: 0,
        }
    }
}

/// The ready pool's key of a retry at `attempt`.
fn round_key(attempt: u32, desc: bool) -> u32 {
    if desc { u32::MAX - attempt } else { attempt }
}

/// A fixed pseudo-random permutation of `0..n` (an affine map with a multiplier coprime to
/// `n`): random calling order without storing the list.
fn permute(k: u64, n: u64, salt: u64) -> u64 {
    if n <= 1 {
        return 0;
    }
    let (a, b) = affine_map(n, salt);
    ((u128::from(a) * u128::from(k) + u128::from(b)) % u128::from(n)) as u64
}

/// The multiplier (odd, coprime to `n`) and offset of [`permute`]'s map for `n` numbers.
fn affine_map(n: u64, salt: u64) -> (u64, u64) {
    let mut a = (mix(salt ^ n) % n) | 1;
    while gcd(a, n) != 1 {
        a += 2;
    }
    (a, mix(salt.wrapping_add(n)) % n)
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
            c.bridged_at.is_some() || (t.ttype == TaskType::Automatic && c.fate == Fate::Answer);
        // A failed attempt on a number with backups dials the next backup at once.
        if c.fate != Fate::Answer && c.backup < t.pool.backup_tels && !t.ended {
            t.pool.push_backup(Target {
                number: c.number,
                attempt: c.attempt,
                first_ms: c.first_ms,
                backup: c.backup + 1,
            });
            return;
        }
        // Basic mode retries no answer, busy, unreachable and failed calls; never an answered
        // one, connected or abandoned (enumerations.md, defined by dialsim). Advanced mode
        // (Type 2) retries by the first rule, in `sort` order, naming the attempt's SIP cause.
        let round = c.attempt as usize; // the retry this failure would lead to, 0-based
        let delay = t.params.retry.delay_ms(round, sip_cause(c.fate));
        if let (Some(delay), true) = (delay, c.fate != Fate::Answer && !t.ended) {
            let base = if t.params.retry.from_first {
                c.first_ms
            } else {
                c.placed_at
            };
            let due = (base + delay).max(now);
            t.pool
                .schedule_retry(due, c.number, c.attempt + 1, c.first_ms);
            return;
        }
        let fates = &mut t.pool.fates;
        if connected {
            fates.connected += 1;
        } else if c.fate == Fate::Answer {
            fates.answered_not_connected += 1;
        } else {
            fates.retries_exhausted += 1;
        }
        t.pool.count_attempts(c.attempt as usize + 1, 1);
        self.numbers_done(ti, 1);
    }

    /// `k` more of the task's numbers are finished.
    pub(super) fn numbers_done(&mut self, ti: usize, k: u64) {
        let now = self.now;
        self.tasks[ti].pool.finished(k, now);
    }

    /// Move the task's retries that are due into the ready pool.
    pub(super) fn promote_due(&mut self, ti: usize) {
        let now = self.now;
        let t = &mut self.tasks[ti];
        t.pool.promote_due(now, &t.params.retry);
    }
}

#[cfg(test)]
mod tests {
    use super::{FreshBatch, NumberPool, RetryPolicy, permute};
    use crate::platform::Tel;
    use crate::request::FirstCallOrder;
    use std::collections::HashSet;

    fn tel(text: &str) -> Tel {
        Tel::parse(text).unwrap_or_else(|| panic!("{text} is a phone number"))
    }

    /// A pool of `numbers` scenario numbers in the default (priority) order, no backups.
    fn pool(numbers: u64) -> NumberPool {
        NumberPool::new(numbers, 0, FirstCallOrder::Priority, 0)
    }

    /// A batch imported with its phone numbers listed, after what the pool holds.
    fn import_listed(p: &mut NumberPool, tels: &[Tel]) {
        let first = p.total;
        p.add_batch(FreshBatch::new(0, first, tels.len() as u64, None));
        p.add_listed(first, tels.to_vec());
        p.total += tels.len() as u64;
    }

    /// `numbers` scenario numbers, then three imported by list of which DeleteTaskTel
    /// withdrew the middle one (asserted counted out once); the pool and the three.
    fn middle_one_withdrawn(numbers: u64) -> (NumberPool, [Tel; 3]) {
        let tels = [tel("13800000000"), tel("13800000001"), tel("13800000002")];
        let mut p = pool(numbers);
        import_listed(&mut p, &tels);
        assert_eq!(p.withdraw(&HashSet::from([tels[1]])), 1);
        (p, tels)
    }

    /// The never-called numbers left, in calling order (at most 100: a pool that never runs
    /// dry fails the test instead of hanging it).
    fn take_all(p: &mut NumberPool) -> Vec<u64> {
        std::iter::from_fn(|| p.take_fresh()).take(100).collect()
    }

    fn retries(first: bool, desc: bool) -> RetryPolicy {
        RetryPolicy {
            basic_delays_ms: vec![60_000],
            advanced: Vec::new(),
            from_first: false,
            retry_first: first,
            retry_desc: desc,
        }
    }

    #[test]
    fn batches_of_equal_priority_are_called_in_import_order() {
        let mut p = pool(2);
        p.add_batch(FreshBatch::new(0, 2, 2, None));
        p.add_batch(FreshBatch::new(3, 4, 1, None));
        p.total += 3;
        let order: Vec<u64> = take_all(&mut p);
        assert_eq!(
            order,
            [4, 0, 1, 2, 3],
            "priority 3 first, then the two 0s in turn"
        );
        assert!(p.exhausted());
    }

    #[test]
    fn deleting_never_called_numbers_takes_the_last_imported_first() {
        // Ten scenario numbers, then five imported synthetic ones over three distinct phone
        // numbers (base, base + 1, base + 2, base, base + 1).
        let base = 13_000_000_000;
        let mut p = pool(10);
        p.add_batch(FreshBatch::new(0, 10, 5, Some((base, 3))));
        p.total += 5;
        assert_eq!((p.take_fresh(), p.take_fresh()), (Some(0), Some(1)));
        let gone = p.delete_fresh(7);
        assert_eq!(
            gone,
            [
                (14, Some(base + 1)),
                (13, Some(base)),
                (12, Some(base + 2)),
                (11, Some(base + 1)),
                (10, Some(base)),
                (9, None),
                (8, None)
            ]
        );
        assert_eq!((p.fresh_left(), p.total), (15 - 2 - 7, 15 - 7));
        let rest: Vec<u64> = take_all(&mut p);
        assert_eq!(rest, [2, 3, 4, 5, 6, 7]);
        assert_eq!(p.delete_fresh(3), [], "nothing left to delete");
    }

    #[test]
    fn a_deletion_passes_over_withdrawn_numbers_and_a_withdrawal_over_deleted_ones() {
        let (mut p, tels) = middle_one_withdrawn(4);
        assert_eq!((p.fresh_left(), p.total), (6, 6));
        // Slots 6, 5 (withdrawn: counted out already) and 4.
        assert_eq!(p.delete_fresh(2), [(6, None), (4, None)]);
        assert_eq!((p.fresh_left(), p.total), (4, 4));
        assert_eq!(p.withdraw(&HashSet::from(tels)), 0, "none left to withdraw");
        assert_eq!(p.tel_of(4), Some(tels[0]));
        assert_eq!(p.tel_of(6), Some(tels[2]));
        assert_eq!(p.tel_of(7), None, "past the listed batch");
        assert_eq!(p.tel_of(3), None, "a scenario number");
    }

    #[test]
    fn a_withdrawn_number_is_passed_over_and_the_count_comes_out_even() {
        let (mut p, tels) = middle_one_withdrawn(3);
        assert_eq!(p.fresh_left(), 5);
        let order: Vec<u64> = take_all(&mut p);
        assert_eq!(order, [0, 1, 2, 3, 5]);
        assert_eq!(p.fresh_left(), 0);
        assert!(p.exhausted());
        assert_eq!(
            p.withdraw(&HashSet::from(tels)),
            0,
            "called numbers stay called"
        );
    }

    #[test]
    fn due_retries_go_by_round_lower_or_higher_first() {
        let mut p = pool(0);
        p.schedule_retry(100, 7, 1, 0);
        p.schedule_retry(100, 8, 2, 0);
        p.schedule_retry(100, 9, 1, 0);
        p.schedule_retry(200, 6, 3, 0);
        let (asc, desc) = (retries(true, false), retries(true, true));
        p.promote_due(100, &asc);
        assert_eq!(p.retries_waiting(), 4);
        let mut asc_pool = p.clone();
        let asc_order: Vec<(u64, u32)> = (0..3)
            .map(|_| asc_pool.next_target(&asc))
            .map(|t| (t.number, t.attempt))
            .collect();
        assert_eq!(asc_order, [(7, 1), (9, 1), (8, 2)]);
        // retryCall desc given while the three wait: they are re-keyed, the latest round first.
        p.rekey_ready(&desc);
        let first = p.next_target(&desc);
        assert_eq!((first.number, first.attempt), (8, 2));
        p.promote_due(200, &desc);
        let order: Vec<u64> = (0..3).map(|_| p.next_target(&desc).number).collect();
        assert_eq!(
            order,
            [6, 7, 9],
            "round 3, then round 1 in scheduling order"
        );
        assert_eq!(p.retries_placed, 4);
    }

    #[test]
    fn never_called_numbers_go_first_unless_the_retry_pool_is_first() {
        let mut p = pool(2);
        p.schedule_retry(0, 9, 1, 0);
        let fresh_first = retries(false, false);
        p.promote_due(0, &fresh_first);
        let order: Vec<u64> = (0..3).map(|_| p.next_target(&fresh_first).number).collect();
        assert_eq!(
            order,
            [0, 1, 9],
            "the retry waits for the fresh pool to run dry"
        );
        let mut q = pool(2);
        q.schedule_retry(0, 9, 1, 0);
        q.promote_due(0, &retries(true, false));
        assert_eq!(q.next_target(&retries(true, false)).number, 9);
    }

    #[test]
    fn random_calling_order_is_a_permutation() {
        for n in [1u64, 2, 10, 97, 1000, 4096] {
            let mut seen: Vec<u64> = (0..n).map(|k| permute(k, n, 7)).collect();
            let in_order = seen.iter().enumerate().all(|(i, &x)| i as u64 == x);
            seen.sort_unstable();
            assert_eq!(seen, (0..n).collect::<Vec<_>>(), "n = {n}");
            if n >= 10 {
                assert!(!in_order, "n = {n}: not shuffled");
                // Nor a rotation: consecutive slots seldom hold neighbouring numbers (an
                // affine map k -> a k + b moves by a each step, never by 1 unless a = 1).
                let order: Vec<u64> = (0..n).map(|k| permute(k, n, 7)).collect();
                let neighbours = order
                    .windows(2)
                    .filter(|w| w[0].abs_diff(w[1]) == 1 || w[0].abs_diff(w[1]) == n - 1)
                    .count();
                assert!(neighbours * 10 < n as usize, "n = {n}: {order:?}");
            }
        }
    }
}
