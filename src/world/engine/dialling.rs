//! Dialling: what the pacer is shown, how many calls the caps allow, placing them, and the
//! clairvoyant plan.

use super::*;

impl Engine<'_> {
    pub(super) fn pace_input(&self, ti: usize) -> PaceInput {
        let t = &self.tasks[ti];
        let idle = t.idle.len() as u32;
        PaceInput {
            now_ms: self.now,
            idle,
            wrapping: t.wrapping,
            wrap_remaining_ms: t
                .wrap_end_sum
                .saturating_sub(u64::from(t.wrapping) * self.now),
            talking: t.talking,
            idle_time_ms: (u64::from(idle) * self.now).saturating_sub(t.idle_since_sum),
            waiting: t.waiting,
            ringing: t.ringing,
            in_progress: t.in_progress,
            warming_up: self.now < t.warm_until,
            available: t.available,
        }
    }

    /// Calls the caps allow now: Concurrency and the numbers left.
    pub(super) fn can_dial(&self, ti: usize) -> u64 {
        self.tasks[ti].pool.dialable().min(self.lines_free(ti))
    }

    /// Lines Concurrency leaves free now (unbounded without a cap).
    fn lines_free(&self, ti: usize) -> u64 {
        let t = &self.tasks[ti];
        if t.params.concurrency == 0 {
            u64::MAX
        } else {
            u64::from(t.params.concurrency.saturating_sub(t.in_progress))
        }
    }

    pub(super) fn pace(&mut self, ti: usize) {
        if !self.tasks[ti].running {
            return;
        }
        self.promote_due(ti);
        if !self.tasks[ti].params.hours.open(&self.clock, self.now) {
            return;
        }
        let want = if self.tasks[ti].type2_fill {
            u64::MAX
        } else {
            let x = self.pace_input(ti);
            u64::from(self.tasks[ti].pacer.decide(&x))
        };
        let n = want.min(self.can_dial(ti));
        for _ in 0..n {
            self.place(ti);
        }
        self.maybe_finish(ti);
    }

    pub(super) fn pace_if_fill(&mut self, ti: usize) {
        if self.tasks[ti].type2_fill || self.tasks[ti].pacer.decides_on_idle() {
            self.pace(ti);
        }
        self.maybe_finish(ti);
    }

    pub(super) fn place(&mut self, ti: usize) {
        let call = self.draw(ti);
        let id = self.alloc(call);
        self.launch(ti, id);
    }

    /// Clairvoyant planning: an agent will be free at `free_at`; pass over the numbers that will
    /// not answer and time the next one that will so that its customer (after the ring and the
    /// prompt) arrives exactly then. It also passes over customers who would hang up before
    /// any agent could answer (patience shorter than the agent leg's longest answer delay, or
    /// 2 s when that delay is unbounded; an answer at the instant of the hang-up connects):
    /// the bound loses no one it could have kept.
    pub(super) fn plan(&mut self, ti: usize, free_at: u64) {
        if self.tasks[ti].surplus > 0 {
            self.tasks[ti].surplus -= 1;
            return;
        }
        let slowest_agent = ms(self
            .sc
            .file
            .enterprise
            .agent_behaviour
            .answer_delay_s
            .upper_bound()
            .unwrap_or(2.0));
        let call = loop {
            if self.tasks[ti].pool.fresh_left() == 0 {
                return;
            }
            let call = self.draw(ti);
            if call.fate == Fate::Answer && call.patience_ms >= slowest_agent {
                break call;
            }
            self.tasks[ti].counts.skipped += 1;
            self.numbers_done(ti, 1);
        };
        let lead = call.ring_ms + self.tasks[ti].params.prompt_ms;
        let at = free_at.saturating_sub(lead).max(self.now);
        let id = self.alloc(Call {
            state: CallState::Planned,
            ..call
        });
        self.tasks[ti].planned += 1;
        let epoch = self.calls[id as usize].epoch;
        self.schedule_at(at, Ev::Dial { call: id, epoch });
    }

    pub(super) fn dial_planned(&mut self, call: u32) {
        let ti = usize::from(self.calls[call as usize].task);
        // Its number is drawn already: only a line is needed, not a number left in the list.
        if self.tasks[ti].running
            && self.tasks[ti].params.hours.open(&self.clock, self.now)
            && self.lines_free(ti) > 0
        {
            self.tasks[ti].planned -= 1;
            self.launch(ti, call);
        } else {
            // Paused or out of lines: try again in a second.
            let epoch = self.calls[call as usize].epoch;
            self.schedule_in(1000, Ev::Dial { call, epoch });
        }
    }
}
