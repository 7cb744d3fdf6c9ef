//! Agents: the idle index, matching waiting customers to agents, wrap-up, breaks and moves
//! between tasks.

use super::*;

impl Engine<'_> {
    pub(super) fn idle_key(&self, a: u32) -> u64 {
        let ag = &self.agents[a as usize];
        let strategy = if ag.task == u16::MAX {
            CallStrategy::InOrder
        } else {
            self.tasks[usize::from(ag.task)].strategy
        };
        match strategy {
            CallStrategy::Random => 0, // kept in the unordered pool instead
            CallStrategy::InOrder => u64::from(a),
            CallStrategy::LongestSinceLastCall => ag.last_call_end,
            CallStrategy::LongestIdle => self.now,
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
        if ti != u16::MAX {
            let t = &mut self.tasks[usize::from(ti)];
            if t.strategy == CallStrategy::Random {
                self.agents[a as usize].idle_pos = t.idle_pool.len() as u32;
                t.idle_pool.push(a);
            } else {
                t.idle.insert((key, a));
            }
            t.idle_since_sum += self.now;
        }
    }

    pub(super) fn leave_idle(&mut self, a: u32) {
        let ag = &self.agents[a as usize];
        let (ti, key, since) = (ag.task, ag.idle_key, ag.since);
        let t = &mut self.tasks[usize::from(ti)];
        if t.strategy == CallStrategy::Random {
            let pos = self.agents[a as usize].idle_pos as usize;
            t.idle_pool.swap_remove(pos);
            if let Some(&moved) = t.idle_pool.get(pos) {
                self.agents[moved as usize].idle_pos = pos as u32;
            }
            self.agents[a as usize].idle_pos = NONE;
        } else {
            t.idle.remove(&(key, a));
        }
        let t = &mut self.tasks[usize::from(ti)];
        t.idle_since_sum -= since;
        record(&mut t.idle_gap, self.now - since);
        self.agents[a as usize].idle_gaps += 1;
    }

    /// Match waiting customers with idle agents, head of the queue first.
    pub(super) fn dispatch(&mut self, ti: usize) {
        loop {
            let t = &mut self.tasks[ti];
            if t.idle.is_empty() && t.idle_pool.is_empty() {
                return;
            }
            let call = loop {
                match t.queue.pop_front() {
                    None => return,
                    Some(c)
                        if self.calls[c as usize].state == CallState::Waiting
                            && u32::from(self.calls[c as usize].task) == ti as u32 =>
                    {
                        break c;
                    }
                    Some(_) => continue, // left the queue (hung up or dropped)
                }
            };
            let t = &mut self.tasks[ti];
            let a = if t.strategy == CallStrategy::Random {
                let k = t.pick_rng.random_range(0..t.idle_pool.len());
                t.idle_pool[k]
            } else {
                match t.idle.first() {
                    Some(&(_, a)) => a,
                    None => return,
                }
            };
            self.leave_idle(a);
            self.set_agent(a, AgentState::Ringing);
            let beh = &self.sc.file.enterprise.agent_behaviour;
            let ag = &mut self.agents[a as usize];
            ag.served += 1;
            let mut rng = stream(self.seed, Stream::Agent, u64::from(a), ag.served);
            let delay = ms(beh.answer_delay_s.sample(&mut rng));
            let picks_up = rng.random::<f64>() < self.agent_dist_answer;
            let c = &mut self.calls[call as usize];
            c.state = CallState::AgentRinging;
            c.agent = a;
            c.sure_at = NONE_TIME;
            let epoch = c.epoch;
            let timeout = self.tasks[ti].agent_timeout_ms;
            if picks_up && delay < timeout {
                c.sure_at = self.now + delay;
                if delay == 0 {
                    // Answered at once: connect now rather than through the queue.
                    self.agent_answer(call);
                } else {
                    self.q
                        .push(SimTime(self.now + delay), Ev::AgentAnswer { call, epoch });
                }
            } else {
                self.q.push(
                    SimTime(self.now + timeout),
                    Ev::AgentTimeout { call, epoch },
                );
            }
        }
    }

    /// The wrap-up after the agent's current call: from the agent's stream, keyed by the call's
    /// position in the agent's day, so it can be known ahead (clairvoyant) and drawn again.
    pub(super) fn wrap_draw(&self, a: u32, ti: usize) -> u64 {
        let beh = &self.sc.file.enterprise.agent_behaviour;
        let served = self.agents[a as usize].served;
        let mut rng = stream(self.seed, Stream::Agent, u64::from(a), served | (1 << 63));
        ms(beh.wrapup_s.sample(&mut rng)).min(self.tasks[ti].wrapup_cap_ms)
    }

    pub(super) fn wrap_end(&mut self, a: u32) {
        let ti = usize::from(self.agents[a as usize].task);
        let t = &mut self.tasks[ti];
        t.wrapping -= 1;
        t.wrap_end_sum -= self.agents[a as usize].wrap_end;
        let pending = self.agents[a as usize].pending_task;
        let ti = if pending != u16::MAX {
            // The agent moves to the task that claimed it; its wrap-up is accounted to the
            // task the call was in before the move.
            self.set_agent(a, AgentState::Wrapup);
            self.agents[a as usize].pending_task = u16::MAX;
            self.agents[a as usize].task = pending;
            usize::from(pending)
        } else if self.day_calls[a as usize] >= self.call_cap[a as usize] {
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
        if ag.on_break || ag.task == u16::MAX {
            return;
        }
        ag.on_break = true;
        let ti = usize::from(ag.task);
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
        let ti = usize::from(ag.task);
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
        for &a in &self.sc.tasks[ti].agents {
            let from = self.agents[a as usize].task;
            if usize::from(from) == ti {
                continue;
            }
            if from != u16::MAX && self.tasks[usize::from(from)].running {
                continue;
            }
            let on_break = self.agents[a as usize].on_break || self.capped[a as usize];
            if from != u16::MAX && !on_break {
                self.tasks[usize::from(from)].available -= 1;
            }
            if !on_break {
                self.tasks[ti].available += 1;
            }
            match self.agents[a as usize].state {
                AgentState::Idle => {
                    if from != u16::MAX {
                        self.leave_idle(a);
                    }
                    self.agents[a as usize].task = ti as u16;
                    self.enter_idle(a);
                }
                AgentState::Break => self.agents[a as usize].task = ti as u16,
                _ => self.agents[a as usize].pending_task = ti as u16,
            }
        }
        self.dispatch(ti);
    }
}
