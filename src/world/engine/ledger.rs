//! The ledgers: agent state time, line time and buckets, Little's-law sums, call records, and
//! the result a finished run hands to the report.

use super::*;

impl Engine<'_> {
    /// The number of answered customers waiting changes by `delta` now (Little's ledger).
    pub(super) fn queue_change(&mut self, delta: i64) {
        self.little.queue_area += self.waiting_all * (self.now - self.waiting_since);
        self.waiting_since = self.now;
        self.waiting_all = (self.waiting_all as i64 + delta) as u64;
    }

    pub(super) fn bucket(&mut self, t: u64) -> &mut Bucket {
        let i = ((t / self.bucket_ms) as usize).min(self.buckets.len() - 1);
        &mut self.buckets[i]
    }

    /// Add `[from, to)` of agent state time to the agent and to the buckets it spans.
    pub(super) fn account(&mut self, a: u32, state: AgentState, from: u64, to: u64) {
        if to <= from {
            return;
        }
        let add = |s: &mut StateTimes, d: u64| match state {
            AgentState::Idle => s.idle += d,
            AgentState::Ringing => s.ringing += d,
            AgentState::Talking => s.talking += d,
            AgentState::Wrapup => s.wrapup += d,
            AgentState::Break => s.on_break += d,
        };
        add(&mut self.agents[a as usize].times, to - from);
        if let Some(ti) = self.agents[a as usize].task {
            add(&mut self.tasks[usize::from(ti)].agent_times, to - from);
        }
        let mut t = from;
        while t < to {
            let b_end = ((t / self.bucket_ms) + 1) * self.bucket_ms;
            let seg = b_end.min(to) - t;
            add(&mut self.bucket(t).agents, seg);
            t += seg;
        }
    }

    pub(super) fn set_agent(&mut self, a: u32, state: AgentState) {
        let (old, since) = {
            let ag = &self.agents[a as usize];
            (ag.state, ag.since)
        };
        self.account(a, old, since, self.now);
        let ag = &mut self.agents[a as usize];
        ag.state = state;
        ag.since = self.now;
    }

    pub(super) fn lines(&mut self, ti: usize, delta: i32) {
        let now = self.now;
        let t = &mut self.tasks[ti];
        let span = now - t.last_line_change;
        let inprog = u64::from(t.in_progress);
        t.line_ms += inprog * span;
        t.last_line_change = now;
        // Spread the line-time over the buckets (cheap: usually one).
        let from = now - span;
        let mut x = from;
        while x < now {
            let b_end = ((x / self.bucket_ms) + 1) * self.bucket_ms;
            let seg = b_end.min(now) - x;
            self.bucket(x).line_ms += inprog * seg;
            x += seg;
        }
        let t = &mut self.tasks[ti];
        t.in_progress = (t.in_progress as i32 + delta) as u32;
        t.draining = t.draining.min(t.in_progress);
        t.max_in_progress = t.max_in_progress.max(t.in_progress);
    }

    pub(super) fn record(&self, call: u32) -> CallRecord {
        let c = &self.calls[call as usize];
        let ti = usize::from(c.task);
        let bridged = c.bridged_at.is_some();
        let status = if c.fate != Fate::Answer {
            40
        } else if bridged {
            43
        } else if c.agent_missed {
            42
        } else {
            41
        };
        // The wait runs from the agent search; a call that never reached it (answered and
        // ended during the prompt) waited from its answer.
        let waited_from = match c.answered_at.get() {
            Some(answered) if c.search_at == 0 => answered,
            _ => c.search_at,
        };
        CallRecord {
            task_id: self.tasks[ti].platform_id,
            task_name: self.tasks[ti].req.name.clone(),
            number: c.number,
            backup: c.backup,
            attempt: c.attempt,
            clid: c
                .clid
                .map(|k| self.tasks[ti].caller_ids[usize::from(k)].number.clone()),
            status,
            end_reason: c.end_reason.code(),
            start_ms: c.placed_at,
            answer_ms: c.answered_at.get(),
            bridge_ms: c.bridged_at.get(),
            end_ms: self.now,
            wait_ms: (c.fate == Fate::Answer && self.tasks[ti].ttype == TaskType::Predictive).then(
                || {
                    c.bridged_at
                        .get()
                        .unwrap_or(self.now)
                        .saturating_sub(waited_from)
                },
            ),
            bridge_duration_ms: c.bridged_at.get().map(|b| self.now - b),
            cno: c
                .agent
                .filter(|_| bridged)
                .map(|a| self.sc.enterprise.agents[a as usize].cno.clone()),
            real_answer: c.answered_at.is_some().then_some(!c.machine),
            sip_cause: super::calls::sip_code(c.fate),
            tel: (c.backup == 0)
                .then(|| self.tasks[ti].pool.tel_of(c.number))
                .flatten()
                .map(|t| t.to_string()),
        }
    }

    pub(super) fn finish(mut self) -> RunResult {
        let end = self.end;
        self.queue_change(0);
        for c in self
            .calls
            .iter()
            .filter(|c| matches!(c.state, CallState::Waiting | CallState::AgentRinging))
        {
            self.little.queue_stays += end - c.search_at;
        }
        for a in 0..self.agents.len() as u32 {
            if self.agents[a as usize].task.is_some() {
                self.set_agent(a, self.agents[a as usize].state);
            }
        }
        for ti in 0..self.tasks.len() {
            self.lines(ti, 0);
        }
        // Answered calls still open count under the abandon definitions too.
        for call in 0..self.calls.len() as u32 {
            if !matches!(
                self.calls[call as usize].state,
                CallState::Done | CallState::Planned
            ) {
                self.tally_abandon(call);
            }
        }
        let midnight = self.clock.next_midnight(0);
        for c in self.calls.iter().filter(|c| c.state != CallState::Done) {
            let t = &mut self.tasks[usize::from(c.task)];
            match c.state {
                CallState::Planned => {}
                CallState::Ringing => t.counts.ringing_at_end += 1,
                CallState::Amd
                | CallState::Prompt
                | CallState::Waiting
                | CallState::AgentRinging
                | CallState::InIvr => t.counts.answered_open_at_end += 1,
                CallState::Talking | CallState::Done => {}
            }
        }
        let mut agents = Vec::new();
        for (i, ag) in self.agents.iter().enumerate() {
            agents.push(AgentResult {
                cno: self.sc.enterprise.agents[i].cno.clone(),
                task: ag.task.map(usize::from),
                times: ag.times,
                calls: ag.calls,
                bridged_within_2s: ag.bridged_2s,
            });
        }
        let mut tasks = Vec::new();
        for (i, t) in self.tasks.into_iter().enumerate() {
            #[cfg(debug_assertions)]
            if let Err(e) = t.counts.check_conservation() {
                panic!("conservation broken in task {i}: {e}");
            }
            let times = t.agent_times;
            let rec = self.platform.task(t.platform_id);
            tasks.push(TaskResult {
                fates: t.pool.fates,
                attempts: t.pool.attempts.clone(),
                retries_placed: t.pool.retries_placed,
                backup_calls: t.pool.backup_calls,
                actions: t.actions.clone(),
                caller_ids: t
                    .caller_ids
                    .iter()
                    .map(|c| (c.number.clone(), c.placed, c.answered))
                    .collect(),
                name: self.sc.tasks[i].request.name.clone(),
                task_type: t.ttype,
                pacer: t.pacer_name.clone(),
                counts: t.counts,
                agents: times,
                wait: t.wait,
                idle_gap: t.idle_gap,
                numbers_total: t.pool.total,
                numbers_done: t.pool.done,
                list_finished_at_s: t.pool.finished_at.map(|f| f as f64 / 1000.0),
                max_in_progress: t.max_in_progress,
                concurrency: t.params.concurrency,
                mean_lines: t.line_ms as f64 / end.max(1) as f64,
                pauses: t.pauses,
                abandon: t.abandon.as_ref().map(|(def, tally)| {
                    crate::abandon::summary(def, tally, end, midnight, self.bucket_ms)
                }),
                status_changes: rec.map(|r| r.history.clone()).unwrap_or_default(),
                status: rec
                    .map(|r| r.status.code())
                    .unwrap_or(TaskStatus::Initial.code()),
            });
        }
        let talk_area = agents.iter().map(|a| a.times.talking).sum();
        let little = Little {
            talk_area,
            ..self.little
        };
        // Little's law by its two routes: each ledger is kept apart from the other, so a
        // wrong line in either shows here, in every debug run.
        debug_assert_eq!(
            little.queue_area, little.queue_stays,
            "Little's law: the queue's area and its customers' waits differ"
        );
        debug_assert_eq!(
            little.talk_area, little.talk_stays,
            "Little's law: the agents' talking time and the calls' talks differ"
        );
        RunResult {
            seed: self.seed,
            duration_ms: end,
            bucket_ms: self.bucket_ms,
            tasks,
            agents,
            buckets: self.buckets,
            events: self.events,
            little,
            calls: self.cdr.take().unwrap_or_default(),
        }
    }
}
