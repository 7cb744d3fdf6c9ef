//! The engine: one run of a scenario with one seed.
//!
//! # Calls
//! A placed call draws its whole fate at placement from its own stream (seed, number,
//! attempt): invalid (fails after 1 s), unreachable (fails after 5 s), busy (after 3 s), or it
//! rings and the customer answers with the hour's answer probability after the time to
//! answer, unless that exceeds CustomerTimeout (then no answer at CustomerTimeout). Its
//! patience, talk time and IVR time are drawn at the same moment, so two runs differing only
//! in pacing see the same customers.
//!
//! # After the answer (Type 1)
//! The CustomerVoice prompt plays (if any); then the customer joins the task's single FIFO and
//! the 2-second clock starts. A customer not bridged within 2 s counts as abandoned (the
//! 2-second rule); with an IVR the customer overflows there and keeps their place, without one
//! the platform hangs up. Patience (`patience_moh_s` under CustomerMoh) ends the wait. The
//! agent leg rings for the agent's answer delay; an agent who does not answer within
//! AgentTimeout sends the customer back to the head of the queue (or to the IVR when the
//! enterprise enables it). After talking the agent wraps up for the drawn time capped by
//! Wrapup.
//!
//! # Type 2
//! Answered calls go to the IVR for its `duration_s`; the lines (Concurrency) are the
//! resource, kept full.
//!
//! # Determinism
//! Events at equal times fire in scheduling order (see [`crate::sim`]). Cancelled timers carry a
//! stale generation and are skipped.

//!
//! # Where things live
//! One `Engine` owns the shared tables (calls, agents, tasks, the event queue) and the single
//! event dispatch (`Engine::handle`); the handlers live in sibling modules by what they own:
//!
//! | Module | Owns |
//! |---|---|
//! | `event` | the events and their generations |
//! | `setup` | building the run: tasks, agents, breaks, shifts, actions, first events |
//! | `params` | `TaskParams`: what a request means to the engine, for setup and UpdateTask alike |
//! | `numbers` | the number pool: never-called batches, retries, backups; a number's fate |
//! | `customer` | the customer draw and the caller ids |
//! | `calls` | the call lifecycle: ring, prompt, queue, 2-second rule, agent leg, talk, IVR, end |
//! | `agents` | the idle index, matching customers to agents, wrap-up, breaks, caps |
//! | `dialling` | what the pacer sees, the caps on dialling, placing calls, the clairvoyant plan |
//! | `lifecycle` | start, stop, pause, MinAvailableAgentCount, the end of the day, completion |
//! | `operator` | the scenario's operator actions, one function each |
//! | `live` | the run in steps for `dialsim serve`: advance to an instant, read the figures there |
//! | `ledger` | state times, line time, buckets, Little's-law sums, call records, the result |

mod agents;
mod calls;
mod customer;
mod dialling;
mod event;
mod ledger;
mod lifecycle;
mod live;
mod numbers;
mod operator;
mod params;
mod setup;

use agents::{Agent, AgentState, IdleIndex};
use calls::{Call, CallState, EndReason, Fate, When};
use event::Ev;
use numbers::{FreshBatch, NumberPool};
use params::TaskParams;

pub use crate::world::result::*;
pub use live::{AgentNow, Live, TaskNow};

use crate::calendar::{self, Clock};
use crate::metrics::{Bucket, CallCounts, StateTimes, histogram, record};
use crate::pacing::{self, Feedback, PaceInput, Pacer};
use crate::platform::Platform;
use crate::request::{CallStrategy, Code, StatusTrigger, TaskStatus, TaskType};
use crate::scenario::{PacerSpec, Scenario};
use crate::sim::rng::mix;
use crate::sim::{EventQueue, SimTime, ms};
use hdrhistogram::Histogram;
use rand::RngExt;
use std::collections::{BTreeSet, VecDeque};

pub(crate) const TWO_SECONDS_MS: u64 = 2000;
const INVALID_MS: u64 = 1000;
const BUSY_MS: u64 = 3000;
const UNREACHABLE_MS: u64 = 5000;

/// One task of the run: its request and what the engine made of it, its numbers, its live
/// counts (kept up to date so that a pacing decision is O(1)), and its ledgers.
struct TaskRun {
    idx: u16,
    platform_id: u64,
    ttype: TaskType,
    /// The request as it stands (UpdateTask changes it).
    req: crate::request::CreateTask,
    /// What the request means to the engine (rebuilt on UpdateTask).
    params: TaskParams,
    pacer: Box<dyn Pacer>,
    pacer_spec: PacerSpec,
    pacer_name: String,
    /// A Type 2 task under the platform pacer keeps its lines full.
    type2_fill: bool,
    /// The clairvoyant pacer plans this task's calls.
    clairvoyant: bool,
    /// Its numbers and where each stands.
    pool: NumberPool,
    /// The agents the task calls with (indices into the enterprise's agents).
    agents: Vec<u32>,

    // Status.
    /// Whether the task's tick chain is alive.
    ticking: bool,
    running: bool,
    /// The task has started at least once.
    started: bool,
    /// The task ended for good (AutoStop with ForceEndFlag, DeleteTask): it never starts again.
    ended: bool,
    paused_by_min: bool,
    warm_until: u64,
    /// The generation of the AutoStart/AutoStop events in force (UpdateTask reschedules).
    schedule_gen: u32,

    // Live counts.
    /// Agents logged in and not on break (MinAvailableAgentCount).
    available: u32,
    idle: IdleIndex,
    idle_since_sum: u64,
    wrapping: u32,
    wrap_end_sum: u64,
    talking: u32,
    waiting: u32,
    ringing: u32,
    in_progress: u32,
    /// Calls in progress above a Concurrency that UpdateTask lowered, still finishing.
    draining: u32,
    /// Planned (clairvoyant) calls not dialled yet.
    planned: u32,
    /// Planned customers with no agent to meet (an agent went on break): the next plans are
    /// skipped to even it out.
    surplus: u32,
    /// Answered customers waiting for an agent, in the order they began to wait.
    queue: VecDeque<QueueEntry>,

    // Ledgers.
    counts: CallCounts,
    wait: Histogram<u64>,
    idle_gap: Histogram<u64>,
    line_ms: u64,
    last_line_change: u64,
    max_in_progress: u32,
    pauses: Vec<PauseRecord>,
    /// Operator actions and the store's answers.
    actions: Vec<ActionRecord>,
    /// Every caller id the task has shown or may show, with its calls and answers.
    caller_ids: Vec<ClidStat>,
    /// For each of `params.clids`, its entry in `caller_ids`.
    clid_stat: Vec<u16>,
    /// Agent time spent in this task (an agent shared by tasks counts where it was).
    agent_times: StateTimes,
    /// The task's abandon definition and its per-minute tally, when the scenario gives one.
    abandon: Option<(
        crate::abandon::AbandonDefinition,
        crate::abandon::AbandonTally,
    )>,
}

/// A place in the task's queue: the call slot and the call's generation, so that a later call
/// in the same slot never inherits the place of a customer who left.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct QueueEntry {
    call: u32,
    epoch: u32,
}

/// Calls placed and answered under one caller id.
#[derive(Debug, Clone, PartialEq, Eq)]
struct ClidStat {
    number: String,
    placed: u64,
    answered: u64,
}

/// One run: the shared tables and the event loop. The handlers are in the sibling modules.
struct Engine<'a> {
    sc: &'a Scenario,
    seed: u64,
    now: u64,
    end: u64,
    bucket_ms: u64,
    q: EventQueue<Ev>,
    calls: Vec<Call>,
    free_calls: Vec<u32>,
    agents: Vec<Agent>,
    tasks: Vec<TaskRun>,
    buckets: Vec<Bucket>,
    platform: Platform,
    events: u64,
    agent_dist_answer: f64,
    little: Little,
    waiting_all: u64,
    waiting_since: u64,
    cdr: Option<Vec<CallRecord>>,
    clock: Clock,
    /// Per agent: the day's connected calls.
    day_calls: Vec<u32>,
    /// Per agent: the daily cap of CallLimitStrategy, if any.
    call_cap: Vec<Option<u32>>,
    /// Agents held back for the rest of the day by their cap.
    capped: Vec<bool>,
    /// Agents logged out by an AgentLogout action.
    logged_out: Vec<bool>,
    /// The store's answer to each operator action performed, by the action's index.
    answers: Vec<(usize, serde_json::Value)>,
    /// The store's answer to each CreateTask of a task with `created_at_s`, by task index.
    creations: Vec<(usize, serde_json::Value)>,
}

/// Run a scenario once with `seed`, optionally forcing every task's pacer.
pub fn run(sc: &Scenario, seed: u64, pacer_override: Option<&PacerSpec>) -> RunResult {
    run_with(sc, seed, pacer_override, false)
}

/// [`run`], keeping every finished call's record in [`RunResult::calls`] when `record_calls`
/// (calls still in progress at the end are not recorded: the platform writes a record when a
/// call ends).
pub fn run_with(
    sc: &Scenario,
    seed: u64,
    pacer_override: Option<&PacerSpec>,
    record_calls: bool,
) -> RunResult {
    let end = ms(sc.file.duration_s);
    let bucket_ms = sc.file.bucket_s.unwrap_or(900).max(1) * 1000;
    let mut e = Engine::new(sc, seed, end, bucket_ms, record_calls);
    e.setup(pacer_override);
    e.main_loop();
    e.finish()
}

impl<'a> Engine<'a> {
    /// An engine for `sc` at instant 0, not set up yet.
    fn new(sc: &'a Scenario, seed: u64, end: u64, bucket_ms: u64, record_calls: bool) -> Self {
        let n_buckets = end.div_ceil(bucket_ms).max(1) as usize;
        let n_agents = sc.enterprise.agents.len();
        Engine {
            sc,
            seed,
            now: 0,
            end,
            bucket_ms,
            q: EventQueue::default(),
            calls: Vec::new(),
            free_calls: Vec::new(),
            agents: (0..n_agents).map(|_| Agent::new()).collect(),
            tasks: Vec::new(),
            buckets: vec![Bucket::default(); n_buckets],
            platform: Platform::new(sc.enterprise.clone()),
            events: 0,
            agent_dist_answer: sc.file.enterprise.agent_behaviour.answer_probability,
            little: Little::default(),
            waiting_all: 0,
            waiting_since: 0,
            cdr: record_calls.then(Vec::new),
            clock: Clock::new(sc.start),
            day_calls: vec![0; n_agents],
            call_cap: vec![None; n_agents],
            capped: vec![false; n_agents],
            logged_out: vec![false; n_agents],
            answers: Vec::new(),
            creations: Vec::new(),
        }
    }
}

impl Engine<'_> {
    /// Schedule `ev` `delay` ms from now.
    #[inline]
    fn schedule_in(&mut self, delay: u64, ev: Ev) {
        self.q.push(SimTime(self.now).plus(delay), ev);
    }

    /// Schedule `ev` at `at` ms since the scenario start.
    #[inline]
    fn schedule_at(&mut self, at: u64, ev: Ev) {
        self.q.push(SimTime(at), ev);
    }

    /// Schedule `ev` at `at` ms when that is before the end (an event at or after the end is
    /// never handled: the main loop stops there).
    fn schedule_before_end(&mut self, at: u64, ev: Ev) {
        if at < self.end {
            self.schedule_at(at, ev);
        }
    }

    pub(super) fn at(&self) -> jiff::civil::DateTime {
        self.sc
            .start
            .checked_add(jiff::SignedDuration::from_millis(self.now as i64))
            .unwrap_or(self.sc.start)
    }

    pub(super) fn main_loop(&mut self) {
        while let Some((t, ev)) = self.q.pop() {
            if t.0 >= self.end {
                break;
            }
            self.now = t.0;
            self.events += 1;
            self.handle(ev);
            #[cfg(debug_assertions)]
            for task in &self.tasks {
                // Calls in progress when an UpdateTask lowered Concurrency finish (`draining`).
                debug_assert!(
                    task.params.concurrency == 0
                        || task.in_progress <= task.params.concurrency.max(task.draining),
                    "Concurrency exceeded"
                );
            }
        }
        self.now = self.end;
    }

    pub(super) fn handle(&mut self, ev: Ev) {
        match ev {
            Ev::Tick { task } => {
                let i = usize::from(task);
                self.check_min_available(i);
                self.pace(i);
                let tick = self.tasks[i].pacer.tick_ms();
                if tick > 0 && self.tasks[i].pool.finished_at.is_none() {
                    self.schedule_in(tick, Ev::Tick { task });
                } else {
                    self.tasks[i].ticking = false;
                }
            }
            Ev::Arrival { task } => {
                let i = usize::from(task);
                self.promote_due(i);
                if self.tasks[i].running
                    && self.tasks[i].params.hours.open(&self.clock, self.now)
                    && self.can_dial(i) > 0
                {
                    self.place(i);
                }
                // Arrivals go on when nothing is dialable: a retry may fall due, or a batch
                // be imported, later.
                if let Some(gap) = self.tasks[i].pacer.next_arrival_ms() {
                    self.schedule_in(gap, Ev::Arrival { task });
                }
            }
            // A ringing call, one in detection or in the prompt, a talk, an IVR stay and a
            // wrap-up end only at their own timer: those timers are never stale (asserted).
            Ev::RingEnd { call, epoch } => {
                debug_assert!(self.live(call, epoch), "a ring ended twice");
                self.ring_end(call)
            }
            Ev::PromptEnd { call, epoch } => {
                debug_assert!(self.live(call, epoch), "a prompt ended twice");
                self.start_search(call)
            }
            Ev::AmdEnd { call, epoch } => {
                debug_assert!(self.live(call, epoch), "a detection ended twice");
                self.amd_end(call)
            }
            Ev::TalkEnd { call, epoch } => {
                debug_assert!(self.live(call, epoch), "a talk ended twice");
                self.talk_end(call)
            }
            Ev::IvrEnd { call, epoch } => {
                debug_assert!(self.live(call, epoch), "an IVR stay ended twice");
                let ti = usize::from(self.calls[call as usize].task);
                self.tasks[ti].counts.ivr_completed += 1;
                self.end_call(call);
                self.pace_if_fill(ti);
            }
            Ev::WrapEnd { agent, epoch } => {
                debug_assert!(
                    self.agents[agent as usize].epoch == epoch,
                    "a wrap-up ended twice"
                );
                self.wrap_end(agent)
            }
            // A waiting customer's timers and an agent leg's outcome may outlive the wait
            // (connected, hung up, dropped; the slot reused by a later call).
            Ev::TwoSeconds { call, epoch } if self.live(call, epoch) => self.two_seconds(call),
            Ev::Patience { call, epoch } if self.live(call, epoch) => self.patience(call),
            Ev::AgentAnswer { call, epoch } if self.live(call, epoch) => self.agent_answer(call),
            Ev::AgentTimeout { call, epoch } if self.live(call, epoch) => self.agent_timeout(call),
            Ev::BreakStart { agent } => self.break_start(agent),
            Ev::BreakEnd { agent } => self.break_end(agent),
            Ev::Dial { call, epoch } if self.live(call, epoch) => self.dial_planned(call),
            Ev::AutoStart { task, generation }
                if self.tasks[usize::from(task)].schedule_gen == generation =>
            {
                self.auto_start(usize::from(task))
            }
            Ev::AutoStop { task, generation }
                if self.tasks[usize::from(task)].schedule_gen == generation =>
            {
                self.auto_stop(usize::from(task))
            }
            Ev::DayEnd => self.day_end(),
            Ev::Action { index } => self.action(usize::from(index)),
            Ev::Resume { task } => self.resume_after_pause(usize::from(task)),
            Ev::Create { task } => self.create(usize::from(task)),
            _ => {} // a cancelled timer or a replaced schedule
        }
    }

    pub(super) fn live(&self, call: u32, epoch: u32) -> bool {
        let c = &self.calls[call as usize];
        c.epoch == epoch && c.state != CallState::Done
    }
}

/// A checked one-task scenario for the engine's unit tests: one agent (6000), a minimal
/// predictive request with `request` added, ten numbers; the world knows the area codes 010,
/// 0101 and 021 and the caller-id pools "1" and "2".
#[cfg(test)]
fn one_task_scenario(request: serde_json::Value) -> Scenario {
    let mut v = serde_json::json!({
        "name": "unit",
        "seed": 1,
        "start": "2026-01-05T09:00:00",
        "duration_s": 60,
        "enterprise": {
            "id": 36,
            "agents": {"count": 1, "first_cno": 6000},
            "clid_groups": [{"id": "1", "clids": ["01011110000"]},
                            {"id": "2", "clids": ["02122220000", "01022220000"]}]
        },
        "customers": {"answer_probability": 0.5, "time_to_answer_s": 5, "patience_s": 20,
                      "area_codes": [{"code": "010", "share": 0.5},
                                     {"code": "0101", "share": 0.25},
                                     {"code": "021", "share": 0.25}]},
        "tasks": [{
            "request": {"EnterpriseId": 36, "Name": "t", "Type": 1, "CallGroupType": 1,
                        "Cnos": "6000", "MinAvailableAgentCount": 1},
            "numbers": {"count": 10}
        }]
    });
    if let (Some(r), Some(x)) = (
        v["tasks"][0]["request"].as_object_mut(),
        request.as_object(),
    ) {
        r.extend(x.clone());
    }
    let text = v.to_string();
    crate::scenario::parse(&text, "unit")
        .and_then(|f| f.check(&text, std::path::Path::new("unit")))
        .unwrap_or_else(|e| panic!("{e}"))
}
