//! The run in steps, for `dialsim serve`: [`Live`] advances a run to an instant and reads the
//! figures there (a task's live counts, its agents, the call records so far, the store's
//! answers to the operations performed). Stepping changes nothing in how events fire: a run
//! advanced in any steps to T has handled exactly the events before T that a whole run
//! handles.

use super::*;

/// A run of a scenario that advances in steps. Call records are kept.
pub struct Live<'a> {
    e: Engine<'a>,
}

/// A task's figures at the current instant (CloudMonitorTask).
#[derive(Debug, Clone, PartialEq)]
pub struct TaskNow {
    /// Its index among the scenario's tasks.
    pub index: usize,
    /// The store's TaskId.
    pub task_id: u64,
    /// Its agents.
    pub agents: u32,
    /// Its agents logged in and not on break.
    pub available: u32,
    /// Its agents idle.
    pub idle: u32,
    /// Its agents whose leg is ringing.
    pub agent_ringing: u32,
    /// Its agents talking.
    pub talking: u32,
    /// Its agents in wrap-up.
    pub wrapping: u32,
    /// Calls in progress.
    pub in_progress: u32,
    /// Customers ringing.
    pub customers_ringing: u32,
    /// Answered customers waiting for an agent.
    pub waiting: u32,
    /// Calls placed so far.
    pub placed: u64,
    /// Calls answered so far.
    pub answered: u64,
    /// Calls bridged to an agent so far.
    pub connected: u64,
    /// Numbers never called yet.
    pub uncalled: u64,
    /// Numbers in the list.
    pub numbers: u64,
}

/// An agent's figures at the current instant (CloudMonitorTask's AgentStatisticList,
/// CloudListOnlineAgent, CloudListFreeAgent).
#[derive(Debug, Clone, PartialEq)]
pub struct AgentNow {
    /// Agent number.
    pub cno: String,
    /// The task it works in, by index.
    pub task: Option<usize>,
    /// `idle`, `ringing`, `talking`, `wrapup`, `break` or `offline` (logged out).
    pub state: &'static str,
    /// Since when it is in that state, ms.
    pub since_ms: u64,
    /// Logged out by an AgentLogout.
    pub logged_out: bool,
    /// Calls offered to it.
    pub offered: u64,
    /// Calls bridged to it within 2 s of the answer.
    pub bridged_2s: u64,
    /// Idle time so far, ms (the current idle spell included).
    pub idle_ms: u64,
    /// Calls connected today.
    pub today: u32,
    /// Its daily cap, if any.
    pub cap: Option<u32>,
}

impl<'a> Live<'a> {
    /// A run of `sc` with `seed`, set up and at instant 0 (nothing handled yet).
    pub fn new(sc: &'a Scenario, seed: u64) -> Live<'a> {
        let end = ms(sc.file.duration_s);
        let bucket_ms = sc.file.bucket_s.unwrap_or(900).max(1) * 1000;
        let mut e = Engine::new(sc, seed, end, bucket_ms, true);
        e.setup(None);
        Live { e }
    }

    /// Handle every event before `to_ms` (and before the scenario's end); the run is then at
    /// `to_ms`. An instant at or before the current one changes nothing.
    pub fn advance(&mut self, to_ms: u64) {
        let limit = to_ms.min(self.e.end);
        while let Some(t) = self.e.q.peek_time() {
            if t.0 >= limit {
                break;
            }
            let Some((t, ev)) = self.e.q.pop() else { break };
            self.e.now = t.0;
            self.e.events += 1;
            self.e.handle(ev);
        }
        self.e.now = self.e.now.max(limit);
    }

    /// Handle events until operator action `k` has been performed (its instant's earlier
    /// events first, as a whole run does), or until `limit_ms`; its answer, if performed.
    pub fn advance_to_action(&mut self, k: usize, limit_ms: u64) -> Option<&serde_json::Value> {
        self.advance_while(limit_ms, |l| l.answer(k).is_none());
        self.answer(k)
    }

    /// Handle events until task `index` (one with `created_at_s`) has been created, or until
    /// `limit_ms`; the store's answer to its CreateTask, if created.
    pub fn advance_to_creation(
        &mut self,
        index: usize,
        limit_ms: u64,
    ) -> Option<&serde_json::Value> {
        self.advance_while(limit_ms, |l| l.creation(index).is_none());
        self.creation(index)
    }

    /// Handle events one by one while `pending` holds, before `limit_ms`.
    fn advance_while(&mut self, limit_ms: u64, pending: impl Fn(&Live<'_>) -> bool) {
        let limit = limit_ms.min(self.e.end);
        while pending(self) {
            match self.e.q.peek_time() {
                Some(t) if t.0 < limit => {}
                _ => break,
            }
            let Some((t, ev)) = self.e.q.pop() else { break };
            self.e.now = t.0;
            self.e.events += 1;
            self.e.handle(ev);
        }
    }

    /// The current instant, ms since the start.
    pub fn now_ms(&self) -> u64 {
        self.e.now
    }

    /// Events handled so far.
    pub fn events(&self) -> u64 {
        self.e.events
    }

    /// The store's answer to operator action `k`, once performed.
    pub fn answer(&self, k: usize) -> Option<&serde_json::Value> {
        self.e.answers.iter().find(|(i, _)| *i == k).map(|(_, v)| v)
    }

    /// The store's answer to the CreateTask of task `index` (a task with `created_at_s`),
    /// once created.
    pub fn creation(&self, index: usize) -> Option<&serde_json::Value> {
        self.e
            .creations
            .iter()
            .find(|(i, _)| *i == index)
            .map(|(_, v)| v)
    }

    /// The platform store as it stands now.
    pub fn platform(&self) -> &Platform {
        &self.e.platform
    }

    /// The records of the calls ended so far, in the order they ended.
    pub fn records(&self) -> &[CallRecord] {
        self.e.cdr.as_deref().unwrap_or(&[])
    }

    /// The figures of the task with TaskId `id`, if the run has it.
    pub fn task(&self, id: u64) -> Option<TaskNow> {
        let (index, t) = self
            .e
            .tasks
            .iter()
            .enumerate()
            .find(|(_, t)| t.platform_id == id && id != 0)?;
        Some(TaskNow {
            index,
            task_id: id,
            agents: t.agents.len() as u32,
            available: t.available,
            idle: t.idle.len() as u32,
            agent_ringing: t
                .agents
                .iter()
                .filter(|&&a| {
                    let ag = &self.e.agents[a as usize];
                    ag.task == Some(index as u16) && ag.state == AgentState::Ringing
                })
                .count() as u32,
            talking: t.talking,
            wrapping: t.wrapping,
            in_progress: t.in_progress,
            customers_ringing: t.ringing,
            waiting: t.waiting,
            placed: t.counts.placed,
            answered: t.counts.answered,
            connected: t.counts.connected,
            uncalled: t.pool.fresh_left(),
            numbers: t.pool.total,
        })
    }

    /// Calls in progress over every task.
    pub fn channels(&self) -> u32 {
        self.e.tasks.iter().map(|t| t.in_progress).sum()
    }

    /// Every agent of the enterprise, in its order.
    pub fn agents(&self) -> Vec<AgentNow> {
        let now = self.e.now;
        self.e
            .agents
            .iter()
            .enumerate()
            .map(|(a, ag)| {
                let logged_out = self.e.logged_out[a];
                // Logged out is offline, whatever the agent is finishing or whether a task
                // holds it; a break taken (or pending after the call) is a break.
                let state = match ag.state {
                    _ if logged_out => "offline",
                    _ if ag.on_break => "break",
                    AgentState::Idle => "idle",
                    AgentState::Ringing => "ringing",
                    AgentState::Talking => "talking",
                    AgentState::Wrapup => "wrapup",
                    AgentState::Break => "break",
                };
                let current_idle = if ag.state == AgentState::Idle && ag.task.is_some() {
                    now.saturating_sub(ag.since)
                } else {
                    0
                };
                AgentNow {
                    cno: self.e.sc.enterprise.agents[a].cno.clone(),
                    task: ag.task.map(usize::from),
                    state,
                    since_ms: ag.since,
                    logged_out,
                    offered: ag.calls,
                    bridged_2s: ag.bridged_2s,
                    idle_ms: ag.times.idle + current_idle,
                    today: self.e.day_calls[a],
                    cap: self.e.call_cap[a],
                }
            })
            .collect()
    }
}
