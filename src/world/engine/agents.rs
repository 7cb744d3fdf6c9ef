//! Agents: the idle index, matching waiting customers to agents, wrap-up, breaks, daily caps,
//! and moves between tasks.

use super::*;
use crate::sim::rng;

/// What an agent is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum AgentState {
    Idle,
    Ringing,
    Talking,
    Wrapup,
    /// On a break, logged out, or held back by the day's cap.
    Break,
}

/// One agent.
#[derive(Debug, Clone)]
pub(super) struct Agent {
    /// The task the agent works in (None: in no task yet).
    pub task: Option<u16>,
    pub state: AgentState,
    /// Since when it is in `state`.
    pub since: u64,
    /// Generation of its wrap-up timer (checked: a wrap-up end is never stale).
    pub epoch: u32,
    /// Its key in the task's ordered idle index.
    pub idle_key: u64,
    /// Its position in the task's unordered idle pool (CallStrategy 1).
    pub idle_pos: Option<u32>,
    pub wrap_end: u64,
    pub last_call_end: u64,
    /// A break is due when the current call's wrap-up ends.
    pub break_pending: bool,
    pub on_break: bool,
    /// Breaks (and log-outs) in force: they may overlap; the agent is back when all ended.
    pub breaks: u16,
    /// The task the agent moves to when the current call's wrap-up ends.
    pub pending_task: Option<u16>,
    /// Calls offered to the agent (the key of its random draws).
    pub served: u64,
    pub times: StateTimes,
    pub calls: u64,
    pub bridged_2s: u64,
}

impl Agent {
    /// An agent in no task yet, idle.
    pub fn new() -> Agent {
        Agent {
            task: None,
            state: AgentState::Idle,
            since: 0,
            epoch: 0,
            idle_key: 0,
            idle_pos: None,
            wrap_end: 0,
            last_call_end: 0,
            break_pending: false,
            on_break: false,
            breaks: 0,
            pending_task: None,
            served: 0,
            times: StateTimes::default(),
            calls: 0,
            bridged_2s: 0,
        }
    }
}

/// A task's idle agents, indexed for its CallStrategy: an unordered pool with a random pick
/// (strategy 1, O(1)), or a set ordered by the strategy's key (2, 3, 4: O(log n)).
#[derive(Debug, Clone)]
pub(super) struct IdleIndex {
    /// Ordered by (key, agent): in order, longest since the last call, longest idle.
    pub ordered: BTreeSet<(u64, u32)>,
    /// In no order, for the random pick.
    pub pool: Vec<u32>,
    /// The random pick's stream (the task's own).
    pub rng: rng::Counter,
}

impl IdleIndex {
    /// An empty index for task `task` of a run seeded with `seed`.
    pub fn new(seed: u64, task: usize) -> IdleIndex {
        IdleIndex {
            ordered: BTreeSet::new(),
            pool: Vec::new(),
            rng: rng::stream(seed, rng::Stream::Task, task as u64, 0),
        }
    }

    /// Idle agents.
    pub fn len(&self) -> usize {
        self.ordered.len() + self.pool.len()
    }

    /// No idle agent.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Engine<'_> {
    /// Agent `a`'s key in its task's ordered idle index, under the task's CallStrategy
    /// (called once the agent is idle: longest idle is keyed by when it became idle).
    pub(super) fn idle_key(&self, a: u32) -> u64 {
        let ag = &self.agents[a as usize];
        let strategy = match ag.task {
            None => CallStrategy::InOrder,
            Some(ti) => self.tasks[usize::from(ti)].params.strategy,
        };
        match strategy {
            CallStrategy::Random => 0, // kept in the unordered pool instead
            CallStrategy::InOrder => u64::from(a),
            CallStrategy::LongestSinceLastCall => ag.last_call_end,
            CallStrategy::LongestIdle => ag.since,
        }
    }

    /// Put agent `a` in its task's idle index under the task's CallStrategy.
    #[inline]
    fn index_idle(&mut self, a: u32, ti: usize) {
        let t = &mut self.tasks[ti];
        if t.params.strategy == CallStrategy::Random {
            self.agents[a as usize].idle_pos = Some(t.idle.pool.len() as u32);
            t.idle.pool.push(a);
        } else {
            t.idle.ordered.insert((self.agents[a as usize].idle_key, a));
        }
    }

    /// CallStrategy changed (UpdateTask): the idle agents are indexed again under the new
    /// strategy, each keyed as if it had become idle under it (longest idle: since it became
    /// idle).
    pub(super) fn reindex_idle(&mut self, ti: usize) {
        let t = &mut self.tasks[ti];
        let mut idle: Vec<u32> = t.idle.pool.drain(..).collect();
        idle.extend(
            std::mem::take(&mut t.idle.ordered)
                .into_iter()
                .map(|(_, a)| a),
        );
        idle.sort_unstable();
        for a in idle {
            let key = self.idle_key(a);
            let ag = &mut self.agents[a as usize];
            ag.idle_key = key;
            ag.idle_pos = None;
            self.index_idle(a, ti);
        }
    }

    pub(super) fn enter_idle(&mut self, a: u32) {
        let ti = self.agents[a as usize].task;
        if self.agents[a as usize].break_pending {
            self.agents[a as usize].break_pending = false;
            self.set_agent(a, AgentState::Break);
            return;
        }
        self.set_agent(a, AgentState::Idle);
        let key = self.idle_key(a);
        self.agents[a as usize].idle_key = key;
        if let Some(ti) = ti {
            let ti = usize::from(ti);
            self.index_idle(a, ti);
            self.tasks[ti].idle_since_sum += self.now;
        }
    }

    pub(super) fn leave_idle(&mut self, a: u32) {
        let ag = &self.agents[a as usize];
        let (ti, key, since) = (ag.task, ag.idle_key, ag.since);
        let ti = usize::from(ti.expect("an idle agent in an index belongs to a task"));
        let t = &mut self.tasks[ti];
        if let Some(pos) = self.agents[a as usize].idle_pos.take() {
            let pos = pos as usize;
            t.idle.pool.swap_remove(pos);
            if let Some(&moved) = t.idle.pool.get(pos) {
                self.agents[moved as usize].idle_pos = Some(pos as u32);
            }
        } else {
            t.idle.ordered.remove(&(key, a));
        }
        t.idle_since_sum -= since;
        record(&mut t.idle_gap, self.now - since);
    }

    /// Match waiting customers with idle agents, head of the queue first.
    pub(super) fn dispatch(&mut self, ti: usize) {
        loop {
            let t = &mut self.tasks[ti];
            if t.idle.is_empty() {
                return;
            }
            let call = loop {
                match t.queue.pop_front() {
                    None => return,
                    // The entry's call is still this one (not a later call in the same slot)
                    // and still waiting: first in, first out.
                    Some(QueueEntry { call, epoch })
                        if self.calls[call as usize].epoch == epoch
                            && self.calls[call as usize].state == CallState::Waiting =>
                    {
                        break call;
                    }
                    Some(_) => continue, // left the queue (hung up, dropped, or its slot reused)
                }
            };
            let t = &mut self.tasks[ti];
            let a = if !t.idle.pool.is_empty() {
                let k = t.idle.rng.random_range(0..t.idle.pool.len());
                t.idle.pool[k]
            } else {
                match t.idle.ordered.first() {
                    Some(&(_, a)) => a,
                    None => return,
                }
            };
            self.leave_idle(a);
            self.set_agent(a, AgentState::Ringing);
            let beh = &self.sc.file.enterprise.agent_behaviour;
            let ag = &mut self.agents[a as usize];
            ag.served += 1;
            let mut rng = rng::agent::answer(self.seed, a, ag.served);
            let delay = ms(beh.answer_delay_s.sample(&mut rng));
            let picks_up = rng.random::<f64>() < self.agent_dist_answer;
            let c = &mut self.calls[call as usize];
            c.state = CallState::AgentRinging;
            c.agent = Some(a);
            c.sure_at = When::NEVER;
            let epoch = c.epoch;
            let timeout = self.tasks[ti].params.agent_timeout_ms;
            if picks_up && delay < timeout {
                c.sure_at = When::at(self.now + delay);
                if delay == 0 {
                    // Answered at once: connect now rather than through the queue.
                    self.agent_answer(call);
                } else {
                    self.schedule_in(delay, Ev::AgentAnswer { call, epoch });
                }
            } else {
                self.schedule_in(timeout, Ev::AgentTimeout { call, epoch });
            }
        }
    }

    /// The wrap-up after the agent's current call: from the agent's stream, keyed by the call's
    /// position in the agent's day, so it can be known ahead (clairvoyant) and drawn again.
    pub(super) fn wrap_draw(&self, a: u32, ti: usize) -> u64 {
        let beh = &self.sc.file.enterprise.agent_behaviour;
        let served = self.agents[a as usize].served;
        let mut rng = rng::agent::wrapup(self.seed, a, served);
        ms(beh.wrapup_s.sample(&mut rng)).min(self.tasks[ti].params.wrapup_cap_ms)
    }

    pub(super) fn wrap_end(&mut self, a: u32) {
        let ti = self.agents[a as usize].task;
        let ti = usize::from(ti.expect("an agent wrapping up belongs to a task"));
        let t = &mut self.tasks[ti];
        t.wrapping -= 1;
        t.wrap_end_sum -= self.agents[a as usize].wrap_end;
        let ti = if let Some(pending) = self.agents[a as usize].pending_task.take() {
            // The agent moves to the task that claimed it; its wrap-up is accounted to the
            // task the call was in before the move.
            self.set_agent(a, AgentState::Wrapup);
            self.agents[a as usize].task = Some(pending);
            usize::from(pending)
        } else if self.call_cap[a as usize].is_some_and(|cap| self.day_calls[a as usize] >= cap) {
            // CallLimitStrategy: the day's cap is reached; no more calls until midnight.
            self.capped[a as usize] = true;
            self.set_agent(a, AgentState::Break);
            self.tasks[ti].available -= 1;
            self.check_min_available(ti);
            return;
        } else {
            ti
        };
        self.enter_idle(a);
        self.dispatch(ti);
        self.pace_if_fill(ti);
    }

    pub(super) fn break_start(&mut self, a: u32) {
        let ag = &mut self.agents[a as usize];
        ag.breaks += 1;
        let Some(ti) = ag.task.filter(|_| !ag.on_break) else {
            return;
        };
        ag.on_break = true;
        let ti = usize::from(ti);
        self.tasks[ti].available -= 1;
        if self.tasks[ti].clairvoyant {
            // One customer fewer is needed: cancel the latest planned call not dialled yet
            // (its number counts as passed over), else skip the next plan.
            let latest = (0..self.calls.len() as u32)
                .filter(|&c| {
                    let x = &self.calls[c as usize];
                    x.state == CallState::Planned && usize::from(x.task) == ti
                })
                .max_by_key(|&c| (self.calls[c as usize].ring_ms, c));
            match latest {
                Some(c) => {
                    self.calls[c as usize].state = CallState::Done;
                    self.free_calls.push(c);
                    let t = &mut self.tasks[ti];
                    t.planned -= 1;
                    t.counts.skipped += 1;
                    self.numbers_done(ti, 1);
                }
                None => self.tasks[ti].surplus += 1,
            }
        }
        if self.agents[a as usize].state == AgentState::Idle {
            self.leave_idle(a);
            self.set_agent(a, AgentState::Break);
        } else {
            self.agents[a as usize].break_pending = true;
        }
        self.check_min_available(ti);
    }

    pub(super) fn break_end(&mut self, a: u32) {
        let ag = &mut self.agents[a as usize];
        ag.breaks = ag.breaks.saturating_sub(1);
        if !ag.on_break || ag.breaks > 0 {
            return;
        }
        ag.on_break = false;
        ag.break_pending = false;
        let ti = usize::from(ag.task.expect("an agent on a break belongs to a task"));
        self.tasks[ti].available += 1;
        if self.tasks[ti].clairvoyant {
            self.plan(ti, self.now);
        }
        if self.agents[a as usize].state == AgentState::Break {
            self.enter_idle(a);
            self.dispatch(ti);
        }
        self.check_min_available(ti);
    }

    /// A task starts: its agents that are in no running task join it (an idle agent at once,
    /// a busy one when its wrap-up ends). The platform store has already checked that none is
    /// in another running task.
    pub(super) fn claim_agents(&mut self, ti: usize) {
        for k in 0..self.tasks[ti].agents.len() {
            let a = self.tasks[ti].agents[k];
            let from = self.agents[a as usize].task.map(usize::from);
            if from == Some(ti) {
                continue;
            }
            if from.is_none() && self.agents[a as usize].breaks > 0 {
                // Logged out (or on a break) before any task held it: it joins on its break.
                let ag = &mut self.agents[a as usize];
                ag.on_break = true;
                ag.task = Some(ti as u16);
                self.set_agent(a, AgentState::Break);
                continue;
            }
            if from.is_some_and(|f| self.tasks[f].running) {
                continue;
            }
            let on_break = self.agents[a as usize].on_break || self.capped[a as usize];
            if let Some(f) = from
                && !on_break
            {
                self.tasks[f].available -= 1;
            }
            if !on_break {
                self.tasks[ti].available += 1;
            }
            match self.agents[a as usize].state {
                AgentState::Idle => {
                    if from.is_some() {
                        self.leave_idle(a);
                    }
                    self.agents[a as usize].task = Some(ti as u16);
                    self.enter_idle(a);
                }
                AgentState::Break => self.agents[a as usize].task = Some(ti as u16),
                _ => self.agents[a as usize].pending_task = Some(ti as u16),
            }
        }
        self.dispatch(ti);
    }
}
