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

mod agents;
mod calls;
mod customer;
mod dialling;
mod event;
mod ledger;
mod lifecycle;
mod numbers;
mod operator;
mod setup;

use event::Ev;
use numbers::{FreshBatch, basic_retry_delays};

pub use crate::world::result::*;

use crate::dist::Dist;
use crate::metrics::{Bucket, CallCounts, StateTimes, histogram, record};
use crate::pacing::{self, Feedback, PaceInput, Pacer};
use crate::platform::Platform;
use crate::request::{CallStrategy, Code, StatusTrigger, TaskStatus, TaskType};
use crate::scenario::{PacerSpec, Scenario};
use crate::sim::rng::{Stream, mix, stream};
use crate::sim::{EventQueue, SimTime, ms};
use crate::world::calendar::{self, CallingHours, Clock, Window};
use hdrhistogram::Histogram;
use rand::RngExt;
use serde_json::Value;
use std::collections::{BTreeSet, VecDeque};

const NONE: u32 = u32::MAX;
/// No time (a call not sure to be answered by its agent).
const NONE_TIME: u64 = u64::MAX;
/// Call record EndReason: the customer leg hung up.
const END_CUSTOMER: u16 = 1000;
/// Call record EndReason: forcibly disconnected (the platform ended it).
const END_FORCED: u16 = 1002;

pub(crate) const TWO_SECONDS_MS: u64 = 2000;
const INVALID_MS: u64 = 1000;
const BUSY_MS: u64 = 3000;
const UNREACHABLE_MS: u64 = 5000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fate {
    Invalid,
    Unreachable,
    Busy,
    NoAnswer,
    Answer,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CallState {
    /// Drawn and timed by the clairvoyant pacer, not dialled yet.
    Planned,
    Ringing,
    Prompt,
    Waiting,
    AgentRinging,
    Talking,
    InIvr,
    Done,
}

#[derive(Debug, Clone, Copy)]
struct Call {
    task: u16,
    epoch: u32,
    state: CallState,
    fate: Fate,
    ring_ms: u64,
    search_at: u64,
    agent: u32,
    talk_ms: u64,
    patience_ms: u64,
    ivr_ms: u64,
    decided_2s: bool,
    overflowed: bool,
    /// When its agent will answer, if that is certain (`NONE_TIME` otherwise).
    sure_at: u64,
    /// Its number's position in the task's list.
    number: u64,
    /// When it was dialled, answered by the customer, bridged to an agent (`NONE_TIME`: not).
    placed_at: u64,
    answered_at: u64,
    bridged_at: u64,
    /// An agent leg rang out on it.
    agent_missed: bool,
    /// The call record's EndReason when it ends (1000 customer hung up, 1002 platform).
    end_reason: u16,
    /// Which attempt at the number this is (0 = the first call).
    attempt: u32,
    /// 0: the main number; k: its k-th backup number.
    backup: u32,
    /// The caller id shown (index into the task's caller ids; u16::MAX: none).
    clid: u16,
    /// When the number was first called.
    first_ms: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AgentState {
    Idle,
    Ringing,
    Talking,
    Wrapup,
    Break,
}

#[derive(Debug, Clone)]
struct Agent {
    task: u16,
    state: AgentState,
    since: u64,
    epoch: u32,
    idle_key: u64,
    idle_pos: u32,
    wrap_end: u64,
    last_call_end: u64,
    break_pending: bool,
    on_break: bool,
    /// Breaks (and log-outs) in force: they may overlap; the agent is back when all ended.
    breaks: u16,
    /// The task the agent moves to when the current call's wrap-up ends (u16::MAX: none).
    pending_task: u16,
    served: u64,
    times: StateTimes,
    calls: u64,
    bridged_2s: u64,
    idle_gaps: u64,
}

struct TaskRun {
    idx: u16,
    platform_id: u64,
    ttype: TaskType,
    strategy: CallStrategy,
    pacer: Box<dyn Pacer>,
    type2_fill: bool,
    numbers: u64,
    /// Never-called numbers, in import batches (the scenario's list is batch 0).
    batches: Vec<FreshBatch>,
    /// Never-called numbers left over all batches.
    fresh_left: u64,
    /// The request as it stands (UpdateTask changes it).
    req: crate::request::CreateTask,
    /// Whether the task's tick chain is alive.
    ticking: bool,
    /// Synthetic phone numbers imported through the platform store so far.
    imported_tels: u64,
    /// Operator actions and the store's answers.
    actions: Vec<ActionRecord>,
    /// Calls in progress above a Concurrency that UpdateTask lowered, still finishing.
    draining: u32,
    /// CallPriorityStrategy firstCall orderType.
    first_order: crate::request::FirstCallOrder,
    /// Calls that were retries, and calls to backup numbers.
    retries_placed: u64,
    backup_calls: u64,
    done_numbers: u64,
    finished_at: Option<u64>,
    running: bool,
    paused_by_min: bool,
    warm_until: u64,
    warm_ms: u64,
    rewarm: bool,
    min_available: u32,
    available: u32,
    concurrency: u32,
    customer_timeout_ms: u64,
    agent_timeout_ms: u64,
    wrapup_cap_ms: u64,
    prompt_ms: u64,
    moh: bool,
    has_ivr: bool,
    ivr_duration: Dist,
    queue: VecDeque<u32>,
    /// Idle agents ordered by the CallStrategy key (strategies 2, 3, 4).
    idle: BTreeSet<(u64, u32)>,
    /// Idle agents in no order, for CallStrategy 1 (random pick, O(1)).
    idle_pool: Vec<u32>,
    pick_rng: rand::rngs::Xoshiro256PlusPlus,
    idle_since_sum: u64,
    wrapping: u32,
    wrap_end_sum: u64,
    talking: u32,
    waiting: u32,
    ringing: u32,
    in_progress: u32,
    max_in_progress: u32,
    counts: CallCounts,
    wait: Histogram<u64>,
    idle_gap: Histogram<u64>,
    line_ms: u64,
    last_line_change: u64,
    pauses: Vec<PauseRecord>,
    pacer_name: String,
    /// The clairvoyant pacer plans this task's calls.
    clairvoyant: bool,
    /// Planned calls not dialled yet.
    planned: u32,
    /// Planned customers with no agent to meet (an agent went on break): the next plans are
    /// skipped to even it out.
    surplus: u32,
    /// TimeStrategy and AutoTaskType windows.
    hours: CallingHours,
    /// Basic retries: the delay of each round, ms (empty: no retries).
    retry_delays_ms: Vec<u64>,
    /// RetryStrategyTimeType 1: rounds measured from the first call (else the previous one).
    retry_from_first: bool,
    /// Retries scheduled and not yet due: (due, sequence) → number.
    retry_future: BTreeSet<(u64, u64, u64, u32, u64)>,
    /// Retries due: (round order key, sequence, number, attempt, first call).
    retry_ready: BTreeSet<(u32, u64, u64, u32, u64)>,
    retry_seq: u64,
    /// CallPriorityStrategy: the retry pool before the never-called pool.
    retry_first: bool,
    /// CallPriorityStrategy retryCall desc: higher rounds first.
    retry_desc: bool,
    /// The task ended for good (AutoStop with ForceEndFlag): it never starts again.
    ended: bool,
    /// Why numbers finished.
    fates: NumberFates,
    /// Numbers by attempts made when they finished (index = attempts).
    attempts: Vec<u64>,
    /// The task has started at least once.
    started: bool,
    /// Backup numbers per number, and the backups due now (number, attempt, first call,
    /// backup index).
    backup_tels: u32,
    backup_ready: VecDeque<(u64, u32, u64, u32)>,
    /// Advanced retries (Type 2): (SIP causes, delays of the rounds, ms), by `sort`.
    advanced_retry: Vec<(Vec<String>, Vec<u64>)>,
    /// Caller ids: (clid, its area code's index in `customers.area_codes`, weight).
    clids: Vec<(String, Option<u16>, u32)>,
    /// Pick the caller id by the customer's area code (CustomerClidType 2, or navigation).
    clid_by_area: bool,
    /// ClidProperty's default area code (index), when no caller id matches the customer's.
    clid_default_area: Option<u16>,
    /// Per caller id: calls placed, answered.
    clid_stats: Vec<(u64, u64)>,
    /// Agent time spent in this task (an agent shared by tasks counts where it was).
    agent_times: StateTimes,
}

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
    /// Per agent: the day's connected calls and the cap (CallLimitStrategy), u32::MAX = none.
    day_calls: Vec<u32>,
    call_cap: Vec<u32>,
    /// Agents held back for the rest of the day by their cap.
    capped: Vec<bool>,
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
    let n_buckets = end.div_ceil(bucket_ms).max(1) as usize;
    let mut e = Engine {
        sc,
        seed,
        now: 0,
        end,
        bucket_ms,
        q: EventQueue::default(),
        calls: Vec::new(),
        free_calls: Vec::new(),
        agents: sc
            .enterprise
            .agents
            .iter()
            .map(|_| Agent {
                task: u16::MAX,
                state: AgentState::Idle,
                since: 0,
                epoch: 0,
                idle_key: 0,
                idle_pos: NONE,
                wrap_end: 0,
                last_call_end: 0,
                break_pending: false,
                on_break: false,
                breaks: 0,
                pending_task: u16::MAX,
                served: 0,
                times: StateTimes::default(),
                calls: 0,
                bridged_2s: 0,
                idle_gaps: 0,
            })
            .collect(),
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
        day_calls: vec![0; sc.enterprise.agents.len()],
        call_cap: vec![u32::MAX; sc.enterprise.agents.len()],
        capped: vec![false; sc.enterprise.agents.len()],
    };
    e.setup(pacer_override);
    e.main_loop();
    e.finish()
}

impl Engine<'_> {
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
                    task.concurrency == 0
                        || task.in_progress <= task.concurrency.max(task.draining),
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
                if tick > 0 && self.tasks[i].finished_at.is_none() {
                    self.q.push(SimTime(self.now + tick), Ev::Tick { task });
                } else {
                    self.tasks[i].ticking = false;
                }
            }
            Ev::Arrival { task } => {
                let i = usize::from(task);
                self.promote_due(i);
                if self.tasks[i].running
                    && self.tasks[i].hours.open(&self.clock, self.now)
                    && self.can_dial(i) > 0
                {
                    self.place(i);
                }
                if let Some(gap) = self.tasks[i].pacer.next_arrival_ms()
                    && self.tasks[i].fresh_left > 0
                {
                    self.q.push(SimTime(self.now + gap), Ev::Arrival { task });
                }
            }
            Ev::RingEnd { call, epoch } if self.live(call, epoch) => self.ring_end(call),
            Ev::PromptEnd { call, epoch } if self.live(call, epoch) => self.start_search(call),
            Ev::TwoSeconds { call, epoch } if self.live(call, epoch) => self.two_seconds(call),
            Ev::Patience { call, epoch } if self.live(call, epoch) => self.patience(call),
            Ev::AgentAnswer { call, epoch } if self.live(call, epoch) => self.agent_answer(call),
            Ev::AgentTimeout { call, epoch } if self.live(call, epoch) => self.agent_timeout(call),
            Ev::TalkEnd { call, epoch } if self.live(call, epoch) => self.talk_end(call),
            Ev::IvrEnd { call, epoch } if self.live(call, epoch) => {
                let ti = usize::from(self.calls[call as usize].task);
                self.tasks[ti].counts.ivr_completed += 1;
                self.end_call(call);
                self.pace_if_fill(ti);
            }
            Ev::WrapEnd { agent, epoch } if self.agents[agent as usize].epoch == epoch => {
                self.wrap_end(agent)
            }
            Ev::BreakStart { agent } => self.break_start(agent),
            Ev::BreakEnd { agent } => self.break_end(agent),
            Ev::Dial { call, epoch } if self.live(call, epoch) => self.dial_planned(call),
            Ev::AutoStart { task } => self.auto_start(usize::from(task)),
            Ev::AutoStop { task } => self.auto_stop(usize::from(task)),
            Ev::DayEnd => self.day_end(),
            Ev::Action { index } => self.action(usize::from(index)),
            Ev::Resume { task } => self.resume_after_pause(usize::from(task)),
            _ => {} // a cancelled timer
        }
    }

    pub(super) fn live(&self, call: u32, epoch: u32) -> bool {
        let c = &self.calls[call as usize];
        c.epoch == epoch && c.state != CallState::Done
    }
}

/// The SIP cause dialsim gives an attempt, for advanced retry rules: 480 no answer
/// (temporarily unavailable), 486 busy here, 404 not found (invalid number), 503 unreachable
/// (service unavailable), 200 answered.
fn sip_cause(f: Fate) -> &'static str {
    match f {
        Fate::Answer => "200",
        Fate::Busy => "486",
        Fate::Invalid => "404",
        Fate::Unreachable => "503",
        Fate::NoAnswer => "480",
    }
}

/// A pacer's name for reports.
pub fn pacer_name(p: PacerSpec) -> String {
    match p {
        PacerSpec::Platform => "platform".into(),
        PacerSpec::Progressive => "progressive".into(),
        PacerSpec::Ratio { per_idle_agent, .. } => format!("ratio({per_idle_agent})"),
        PacerSpec::Poisson { calls_per_s } => format!("poisson({calls_per_s}/s)"),
        PacerSpec::Adaptive { variant, .. } => match variant {
            pacing::AdaptiveVariant::HardLimit => "adaptive(hard_limit)".into(),
            pacing::AdaptiveVariant::Average => "adaptive(average)".into(),
            pacing::AdaptiveVariant::Tapered => "adaptive(tapered)".into(),
        },
        PacerSpec::Clairvoyant => "clairvoyant".into(),
    }
}
