//! The call lifecycle: ringing, the prompt, the queue and the 2-second rule, the agent leg, talk,
//! the IVR, the end of a call.

use super::*;

impl Engine<'_> {
    pub(super) fn alloc(&mut self, call: Call) -> u32 {
        match self.free_calls.pop() {
            Some(id) => {
                let epoch = self.calls[id as usize].epoch.wrapping_add(1);
                self.calls[id as usize] = Call { epoch, ..call };
                id
            }
            None => {
                self.calls.push(call);
                (self.calls.len() - 1) as u32
            }
        }
    }

    /// Dial an allocated call now.
    pub(super) fn launch(&mut self, ti: usize, id: u32) {
        self.calls[id as usize].state = CallState::Ringing;
        self.calls[id as usize].placed_at = self.now;
        let clid = self.calls[id as usize].clid;
        if clid != u16::MAX {
            let stats = &mut self.tasks[ti].clid_stats;
            if stats.len() <= usize::from(clid) {
                stats.resize(usize::from(clid) + 1, (0, 0));
            }
            stats[usize::from(clid)].0 += 1;
        }
        let ring_ms = self.calls[id as usize].ring_ms;
        let t = &mut self.tasks[ti];
        t.counts.placed += 1;
        t.ringing += 1;
        self.lines(ti, 1);
        debug_assert!(
            self.tasks[ti].concurrency == 0
                || self.tasks[ti].in_progress <= self.tasks[ti].concurrency,
            "a call placed beyond Concurrency"
        );
        self.bucket(self.now).placed += 1;
        let epoch = self.calls[id as usize].epoch;
        self.q
            .push(SimTime(self.now + ring_ms), Ev::RingEnd { call: id, epoch });
    }

    pub(super) fn ring_end(&mut self, call: u32) {
        let c = self.calls[call as usize];
        let ti = usize::from(c.task);
        let t = &mut self.tasks[ti];
        t.ringing -= 1;
        t.pacer.feedback(Feedback::AttemptEnded {
            answered: c.fate == Fate::Answer,
            ring_ms: c.ring_ms,
        });
        match c.fate {
            Fate::Invalid | Fate::Unreachable => t.counts.failed += 1,
            Fate::Busy => t.counts.busy += 1,
            Fate::NoAnswer => t.counts.no_answer += 1,
            Fate::Answer => {}
        }
        if c.fate != Fate::Answer {
            self.calls[call as usize].end_reason = END_FORCED;
            self.end_call(call);
            self.pace_if_fill(ti);
            return;
        }
        t.counts.answered += 1;
        if c.clid != u16::MAX
            && let Some(x) = t.clid_stats.get_mut(usize::from(c.clid))
        {
            x.1 += 1;
        }
        self.calls[call as usize].answered_at = self.now;
        self.bucket(self.now).answered += 1;
        let t = &mut self.tasks[ti];
        if t.ttype == TaskType::Automatic {
            self.calls[call as usize].state = CallState::InIvr;
            self.q.push(
                SimTime(self.now + c.ivr_ms),
                Ev::IvrEnd {
                    call,
                    epoch: c.epoch,
                },
            );
            return;
        }
        if t.prompt_ms > 0 {
            self.calls[call as usize].state = CallState::Prompt;
            let at = self.now + t.prompt_ms;
            self.q.push(
                SimTime(at),
                Ev::PromptEnd {
                    call,
                    epoch: c.epoch,
                },
            );
        } else {
            self.start_search(call);
        }
    }

    pub(super) fn start_search(&mut self, call: u32) {
        let c = &mut self.calls[call as usize];
        c.state = CallState::Waiting;
        c.search_at = self.now;
        let (epoch, patience, ti) = (c.epoch, c.patience_ms, usize::from(c.task));
        let t = &mut self.tasks[ti];
        t.queue.push_back(call);
        t.waiting += 1;
        self.queue_change(1);
        self.dispatch(ti);
        // The 2-second and patience timers, unless they are sure to find the customer already
        // connected (an agent took the call at once and will answer before either runs out):
        // most answered calls, so most timers are never scheduled at all.
        let c = &self.calls[call as usize];
        let sure_wait = match c.state {
            CallState::Talking => Some(0),
            CallState::AgentRinging if c.sure_at != NONE_TIME => Some(c.sure_at - self.now),
            _ => None,
        };
        if sure_wait.is_none_or(|w| w > TWO_SECONDS_MS) {
            self.q.push(
                SimTime(self.now + TWO_SECONDS_MS),
                Ev::TwoSeconds { call, epoch },
            );
        }
        if sure_wait.is_none_or(|w| patience < w) {
            self.q
                .push(SimTime(self.now + patience), Ev::Patience { call, epoch });
        }
    }

    pub(super) fn decide_2s(&mut self, call: u32, abandoned: bool) {
        let c = &mut self.calls[call as usize];
        if c.decided_2s {
            return;
        }
        c.decided_2s = true;
        let ti = usize::from(c.task);
        let t = &mut self.tasks[ti];
        t.pacer.feedback(Feedback::TwoSecondRule { abandoned });
        if abandoned {
            t.counts.abandoned += 1;
            self.bucket(self.now).abandoned += 1;
        } else {
            t.counts.connected_within_2s += 1;
        }
    }

    pub(super) fn two_seconds(&mut self, call: u32) {
        let c = self.calls[call as usize];
        if !matches!(c.state, CallState::Waiting | CallState::AgentRinging) {
            return;
        }
        self.decide_2s(call, true);
        let ti = usize::from(c.task);
        if self.tasks[ti].has_ivr {
            self.tasks[ti].counts.ivr_overflow += 1;
            self.calls[call as usize].overflowed = true;
        } else {
            self.tasks[ti].counts.dropped += 1;
            self.calls[call as usize].end_reason = END_FORCED;
            self.leave_waiting(call);
            self.end_call(call);
            if self.tasks[ti].clairvoyant {
                self.plan(ti, self.now);
            }
        }
    }

    pub(super) fn patience(&mut self, call: u32) {
        let c = self.calls[call as usize];
        if !matches!(c.state, CallState::Waiting | CallState::AgentRinging) {
            return;
        }
        self.decide_2s(call, true);
        let ti = usize::from(c.task);
        self.tasks[ti].counts.hung_up += 1;
        self.bucket(self.now).hung_up += 1;
        self.leave_waiting(call);
        self.end_call(call);
        if self.tasks[ti].clairvoyant {
            self.plan(ti, self.now);
        }
    }

    /// A waiting customer leaves (hung up or dropped): free a ringing agent.
    pub(super) fn leave_waiting(&mut self, call: u32) {
        let c = self.calls[call as usize];
        let ti = usize::from(c.task);
        self.tasks[ti].waiting -= 1;
        self.queue_change(-1);
        self.little.queue_stays += self.now - c.search_at;
        if c.state == CallState::AgentRinging && c.agent != NONE {
            let a = c.agent;
            self.agents[a as usize].epoch += 1;
            self.enter_idle(a);
            self.dispatch(ti);
        }
    }

    pub(super) fn agent_answer(&mut self, call: u32) {
        let c = self.calls[call as usize];
        let ti = usize::from(c.task);
        let a = c.agent;
        let wait = self.now - c.search_at;
        self.decide_2s(call, wait > TWO_SECONDS_MS);
        self.queue_change(-1);
        self.little.queue_stays += wait;
        self.little.talk_stays += c.talk_ms.min(self.end - self.now);
        let t = &mut self.tasks[ti];
        t.waiting -= 1;
        t.talking += 1;
        t.counts.connected += 1;
        record(&mut t.wait, wait);
        self.bucket(self.now).connected += 1;
        self.day_calls[a as usize] += 1;
        let ag = &mut self.agents[a as usize];
        ag.calls += 1;
        if wait <= TWO_SECONDS_MS {
            ag.bridged_2s += 1;
        }
        self.set_agent(a, AgentState::Talking);
        self.calls[call as usize].state = CallState::Talking;
        self.calls[call as usize].bridged_at = self.now;
        if self.tasks[ti].clairvoyant {
            let wrap = self.wrap_draw(a, ti);
            self.plan(ti, self.now + c.talk_ms + wrap);
        }
        self.q.push(
            SimTime(self.now + c.talk_ms),
            Ev::TalkEnd {
                call,
                epoch: c.epoch,
            },
        );
    }

    pub(super) fn agent_timeout(&mut self, call: u32) {
        let c = self.calls[call as usize];
        let ti = usize::from(c.task);
        let a = c.agent;
        self.enter_idle(a);
        let cc = &mut self.calls[call as usize];
        cc.state = CallState::Waiting;
        cc.agent = NONE;
        cc.agent_missed = true;
        if self.sc.enterprise.overflow_on_agent_no_answer
            && self.tasks[ti].has_ivr
            && !cc.overflowed
        {
            cc.overflowed = true;
            self.tasks[ti].counts.ivr_overflow += 1;
        }
        self.tasks[ti].queue.push_front(call);
        self.dispatch(ti);
    }

    pub(super) fn talk_end(&mut self, call: u32) {
        let c = self.calls[call as usize];
        let ti = usize::from(c.task);
        let a = c.agent;
        self.tasks[ti].talking -= 1;
        self.tasks[ti]
            .pacer
            .feedback(Feedback::TalkEnded { talk_ms: c.talk_ms });
        self.end_call(call);
        let wrap = self.wrap_draw(a, ti);
        let ag = &mut self.agents[a as usize];
        ag.last_call_end = self.now;
        ag.epoch += 1;
        let epoch = ag.epoch;
        ag.wrap_end = self.now + wrap;
        self.set_agent(a, AgentState::Wrapup);
        let t = &mut self.tasks[ti];
        t.wrapping += 1;
        t.wrap_end_sum += self.now + wrap;
        self.q
            .push(SimTime(self.now + wrap), Ev::WrapEnd { agent: a, epoch });
    }

    pub(super) fn end_call(&mut self, call: u32) {
        let ti = usize::from(self.calls[call as usize].task);
        if self.cdr.is_some() {
            let rec = self.record(call);
            if let Some(cdr) = &mut self.cdr {
                cdr.push(rec);
            }
        }
        self.calls[call as usize].state = CallState::Done;
        self.free_calls.push(call);
        self.lines(ti, -1);
        self.number_outcome(call);
        self.maybe_finish(ti);
    }
}
