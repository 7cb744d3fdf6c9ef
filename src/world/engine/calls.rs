//! The call lifecycle: ringing, the prompt, the queue and the 2-second rule, the agent leg, talk,
//! the IVR, the end of a call.

use super::*;

/// What the number's customer will do, drawn when the call is placed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Fate {
    /// The number does not exist: the call fails after 1 s.
    Invalid,
    /// Unreachable: fails after 5 s.
    Unreachable,
    /// Busy: after 3 s.
    Busy,
    /// Rings until CustomerTimeout.
    NoAnswer,
    /// Answers after the drawn time to answer.
    Answer,
}

/// Where a call stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum CallState {
    /// Drawn and timed by the clairvoyant pacer, not dialled yet.
    Planned,
    Ringing,
    /// Answered, heard by answering-machine detection.
    Amd,
    /// Answered, hearing the CustomerVoice prompt.
    Prompt,
    /// Answered, waiting for an agent.
    Waiting,
    /// An agent's leg is ringing.
    AgentRinging,
    Talking,
    InIvr,
    Done,
}

/// Why a call ended, as the call record's EndReason says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum EndReason {
    /// 1000: the customer leg hung up.
    CustomerHungUp,
    /// 1002: forcibly disconnected (the platform ended it: ring timeout, line failure, the
    /// 2-second hang-up).
    Forced,
}

impl EndReason {
    /// The platform's code.
    pub fn code(self) -> u16 {
        match self {
            EndReason::CustomerHungUp => 1000,
            EndReason::Forced => 1002,
        }
    }
}

/// An instant that may not have come yet (ms since the scenario start), in 8 bytes: a call is
/// copied whole by its handlers, so its size is paid at every event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(super) struct When(Option<std::num::NonZeroU64>);

impl When {
    /// Not (yet).
    pub const NEVER: When = When(None);

    /// At `t` ms.
    #[inline]
    pub fn at(t: u64) -> When {
        When(std::num::NonZeroU64::new(t.saturating_add(1)))
    }

    /// The instant, if it has come.
    #[inline]
    pub fn get(self) -> Option<u64> {
        self.0.map(|x| x.get() - 1)
    }

    /// Whether it has come.
    #[inline]
    pub fn is_some(self) -> bool {
        self.0.is_some()
    }
}

/// One call: its pre-drawn fate and where it stands. Slots are reused; `epoch` tells a later
/// call in the same slot from this one.
#[derive(Debug, Clone, Copy)]
pub(super) struct Call {
    pub task: u16,
    pub epoch: u32,
    pub state: CallState,
    pub fate: Fate,
    /// How long it rings (to the answer, or to the failure or timeout).
    pub ring_ms: u64,
    /// When the agent search began (the answer, or the prompt's end); 0 before.
    pub search_at: u64,
    /// The agent whose leg rings or who talks.
    pub agent: Option<u32>,
    pub talk_ms: u64,
    pub patience_ms: u64,
    pub ivr_ms: u64,
    /// The 2-second rule has been decided for it.
    pub decided_2s: bool,
    /// ... and the decision was "abandoned".
    pub abandoned_2s: bool,
    /// The customer's greeting after the answer, ms (0 unless `customers.greeting_s`).
    pub greeting_ms: u32,
    /// An answering machine answered.
    pub machine: bool,
    /// Detection will take it for a machine (rightly or not).
    pub amd_detect: bool,
    /// How long detection listens, ms.
    pub amd_ms: u32,
    /// Detection hung up on it.
    pub amd_hung_up: bool,
    pub overflowed: bool,
    /// When its agent will answer, if that is certain.
    pub sure_at: When,
    /// Its number's position in the task's list.
    pub number: u64,
    /// When it was dialled.
    pub placed_at: u64,
    /// When the customer answered.
    pub answered_at: When,
    /// When it was bridged to an agent.
    pub bridged_at: When,
    /// An agent leg rang out on it.
    pub agent_missed: bool,
    /// The call record's EndReason when it ends.
    pub end_reason: EndReason,
    /// Which attempt at the number this is (0 = the first call).
    pub attempt: u32,
    /// 0: the main number; k: its k-th backup number.
    pub backup: u32,
    /// The caller id shown (index into the task's `caller_ids`).
    pub clid: Option<u16>,
    /// When the number was first called.
    pub first_ms: u64,
}

/// The SIP cause dialsim gives an attempt, for advanced retry rules: 480 no answer
/// (temporarily unavailable), 486 busy here, 404 not found (invalid number), 503 unreachable
/// (service unavailable), 200 answered.
pub(super) fn sip_code(f: Fate) -> u16 {
    match f {
        Fate::Answer => 200,
        Fate::Busy => 486,
        Fate::Invalid => 404,
        Fate::Unreachable => 503,
        Fate::NoAnswer => 480,
    }
}

/// [`sip_code`] as the text the retry rules match.
pub(super) fn sip_cause(f: Fate) -> &'static str {
    match f {
        Fate::Answer => "200",
        Fate::Busy => "486",
        Fate::Invalid => "404",
        Fate::Unreachable => "503",
        Fate::NoAnswer => "480",
    }
}

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
        if let Some(k) = self.calls[id as usize].clid {
            self.tasks[ti].caller_ids[usize::from(k)].placed += 1;
        }
        let ring_ms = self.calls[id as usize].ring_ms;
        let t = &mut self.tasks[ti];
        t.counts.placed += 1;
        t.ringing += 1;
        self.lines(ti, 1);
        debug_assert!(
            self.tasks[ti].params.concurrency == 0
                || self.tasks[ti].in_progress <= self.tasks[ti].params.concurrency,
            "a call placed beyond Concurrency"
        );
        self.bucket(self.now).placed += 1;
        let epoch = self.calls[id as usize].epoch;
        self.schedule_in(ring_ms, Ev::RingEnd { call: id, epoch });
    }

    pub(super) fn ring_end(&mut self, call: u32) {
        let c = self.calls[call as usize];
        let ti = usize::from(c.task);
        let t = &mut self.tasks[ti];
        t.ringing -= 1;
        // What a real pacer sees: a call detection takes for a machine is no answer.
        t.pacer.feedback(Feedback::AttemptEnded {
            answered: c.fate == Fate::Answer && !c.amd_detect,
            ring_ms: c.ring_ms,
        });
        match c.fate {
            Fate::Invalid | Fate::Unreachable => t.counts.failed += 1,
            Fate::Busy => t.counts.busy += 1,
            Fate::NoAnswer => t.counts.no_answer += 1,
            Fate::Answer => {}
        }
        if c.fate != Fate::Answer {
            self.calls[call as usize].end_reason = EndReason::Forced;
            self.end_call(call);
            self.pace_if_fill(ti);
            return;
        }
        t.counts.answered += 1;
        if c.machine {
            t.counts.machine_answered += 1;
        }
        if let Some(k) = c.clid {
            t.caller_ids[usize::from(k)].answered += 1;
        }
        self.calls[call as usize].answered_at = When::at(self.now);
        self.bucket(self.now).answered += 1;
        // Detection that neither listens nor hangs up is no step at all.
        if self.sc.tasks[ti].amd.is_some() && (c.amd_ms > 0 || c.amd_detect) {
            self.calls[call as usize].state = CallState::Amd;
            self.schedule_in(
                u64::from(c.amd_ms),
                Ev::AmdEnd {
                    call,
                    epoch: c.epoch,
                },
            );
            return;
        }
        self.after_answer(call);
    }

    /// Detection has listened: a call it takes for a machine is hung up (or, for a Type 2
    /// task set to `message`, hears the IVR message); the others go on as answered calls.
    pub(super) fn amd_end(&mut self, call: u32) {
        let c = self.calls[call as usize];
        let ti = usize::from(c.task);
        if !c.amd_detect {
            self.after_answer(call);
            return;
        }
        let message = self.sc.tasks[ti]
            .amd
            .as_ref()
            .is_some_and(|a| a.on_detect == crate::scenario::AmdAction::Message);
        if message && self.tasks[ti].ttype == TaskType::Automatic {
            // The machine records the task's IVR message.
            self.enter_ivr(call);
            return;
        }
        let t = &mut self.tasks[ti];
        t.counts.amd_hung_up += 1;
        if !c.machine {
            t.counts.amd_false_positive += 1;
        }
        let cc = &mut self.calls[call as usize];
        cc.amd_hung_up = true;
        cc.end_reason = EndReason::Forced;
        self.end_call(call);
        self.pace_if_fill(ti);
    }

    /// The call hears the task's IVR for its drawn IVR time.
    fn enter_ivr(&mut self, call: u32) {
        let c = &mut self.calls[call as usize];
        c.state = CallState::InIvr;
        let (ivr_ms, epoch) = (c.ivr_ms, c.epoch);
        self.schedule_in(ivr_ms, Ev::IvrEnd { call, epoch });
    }

    /// An answered call (past any detection): the IVR of a Type 2 task, else the prompt or
    /// the agent search.
    fn after_answer(&mut self, call: u32) {
        let c = self.calls[call as usize];
        let ti = usize::from(c.task);
        let t = &mut self.tasks[ti];
        if t.ttype == TaskType::Automatic {
            self.enter_ivr(call);
            return;
        }
        if t.params.prompt_ms > 0 {
            self.calls[call as usize].state = CallState::Prompt;
            let at = self.now + t.params.prompt_ms;
            self.schedule_at(
                at,
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
        t.queue.push_back(QueueEntry { call, epoch });
        t.waiting += 1;
        self.queue_change(1);
        self.dispatch(ti);
        // The 2-second and patience timers, unless they are sure to find the customer already
        // connected (an agent took the call at once and will answer before either runs out):
        // most answered calls, so most timers are never scheduled at all.
        let c = &self.calls[call as usize];
        let sure_wait = match c.state {
            CallState::Talking => Some(0),
            CallState::AgentRinging => c.sure_at.get().map(|at| at - self.now),
            _ => None,
        };
        if sure_wait.is_none_or(|w| w > TWO_SECONDS_MS) {
            self.schedule_in(TWO_SECONDS_MS, Ev::TwoSeconds { call, epoch });
        }
        if sure_wait.is_none_or(|w| patience < w) {
            self.schedule_in(patience, Ev::Patience { call, epoch });
        }
    }

    /// An agent's leg answers this call at this very instant: a timer running out at the
    /// same instant loses the tie, whichever event was scheduled first. Connected at exactly
    /// 2 s is within the 2-second rule, and a customer whose patience ends as the agent
    /// answers is connected (as [`Engine::start_search`] already has it when the answer is
    /// known at the search).
    fn answers_now(&self, c: &Call) -> bool {
        c.state == CallState::AgentRinging && c.sure_at.get() == Some(self.now)
    }

    pub(super) fn decide_2s(&mut self, call: u32, abandoned: bool) {
        let c = &mut self.calls[call as usize];
        if c.decided_2s {
            return;
        }
        c.decided_2s = true;
        c.abandoned_2s = abandoned;
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
        if !matches!(c.state, CallState::Waiting | CallState::AgentRinging) || self.answers_now(&c)
        {
            return;
        }
        self.decide_2s(call, true);
        let ti = usize::from(c.task);
        if self.tasks[ti].params.has_ivr {
            self.tasks[ti].counts.ivr_overflow += 1;
            self.calls[call as usize].overflowed = true;
        } else {
            self.tasks[ti].counts.dropped += 1;
            self.calls[call as usize].end_reason = EndReason::Forced;
            self.leave_waiting(call);
            self.end_call(call);
            if self.tasks[ti].clairvoyant {
                self.plan(ti, self.now);
            }
        }
    }

    pub(super) fn patience(&mut self, call: u32) {
        let c = self.calls[call as usize];
        if !matches!(c.state, CallState::Waiting | CallState::AgentRinging) || self.answers_now(&c)
        {
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
        if c.state == CallState::AgentRinging
            && let Some(a) = c.agent
        {
            self.enter_idle(a);
            self.dispatch(ti);
        }
    }

    pub(super) fn agent_answer(&mut self, call: u32) {
        let c = self.calls[call as usize];
        let ti = usize::from(c.task);
        let a = c
            .agent
            .expect("an agent answers only a call whose leg rings");
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
        self.calls[call as usize].bridged_at = When::at(self.now);
        if self.tasks[ti].clairvoyant {
            let wrap = self.wrap_draw(a, ti);
            self.plan(ti, self.now + c.talk_ms + wrap);
        }
        self.schedule_in(
            c.talk_ms,
            Ev::TalkEnd {
                call,
                epoch: c.epoch,
            },
        );
    }

    pub(super) fn agent_timeout(&mut self, call: u32) {
        let c = self.calls[call as usize];
        let ti = usize::from(c.task);
        let a = c
            .agent
            .expect("an agent leg times out only on a call whose leg rings");
        self.enter_idle(a);
        let cc = &mut self.calls[call as usize];
        cc.state = CallState::Waiting;
        cc.agent = None;
        cc.agent_missed = true;
        if self.sc.enterprise.overflow_on_agent_no_answer
            && self.tasks[ti].params.has_ivr
            && !cc.overflowed
        {
            cc.overflowed = true;
            self.tasks[ti].counts.ivr_overflow += 1;
        }
        // Back to the head of the queue: the customer keeps the place they had.
        let epoch = self.calls[call as usize].epoch;
        self.tasks[ti].queue.push_front(QueueEntry { call, epoch });
        self.dispatch(ti);
    }

    pub(super) fn talk_end(&mut self, call: u32) {
        let c = self.calls[call as usize];
        let ti = usize::from(c.task);
        let a = c.agent.expect("a talking call has its agent");
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
        self.schedule_in(wrap, Ev::WrapEnd { agent: a, epoch });
    }

    /// Count an answered call under its task's abandon definition (at its end, or at the end
    /// of the run for a call still open): see [`crate::abandon`] for the rules.
    pub(super) fn tally_abandon(&mut self, call: u32) {
        let c = self.calls[call as usize];
        let ti = usize::from(c.task);
        let Some((def, tally)) = &mut self.tasks[ti].abandon else {
            return;
        };
        let Some(answered) = c.answered_at.get() else {
            return;
        };
        use crate::abandon::{AbandonClock, Denominator};
        let queued = c.search_at > 0 || c.decided_2s;
        let counted = match def.denominator {
            Denominator::Answered => true,
            Denominator::Live => !c.machine,
            Denominator::Queued => queued,
        };
        if !counted {
            return;
        }
        let abandoned = if c.amd_hung_up {
            // A live person detection hung up on was never connected; a detected machine
            // (counted only by an `answered` denominator) was no abandon.
            !c.machine
        } else if def.is_platform_rule() {
            c.abandoned_2s
        } else {
            let start = match def.clock {
                AbandonClock::Queue => queued.then_some(c.search_at),
                AbandonClock::Answer => Some(answered),
                AbandonClock::GreetingEnd => Some(answered + u64::from(c.greeting_ms)),
            };
            match (start, c.bridged_at.get()) {
                (None, _) => false,
                (Some(s), Some(b)) => b > s + def.threshold_ms(),
                // Never bridged: abandoned once the call has ended, or once its threshold
                // has passed (a call still open at the end of the run).
                (Some(s), None) => c.state == CallState::Done || self.now > s + def.threshold_ms(),
            }
        };
        tally.add(answered, abandoned);
        self.tasks[ti].pacer.feedback(Feedback::Defined {
            abandoned,
            at_ms: answered,
        });
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
        self.tally_abandon(call);
        self.free_calls.push(call);
        self.lines(ti, -1);
        self.number_outcome(call);
        self.maybe_finish(ti);
    }
}
