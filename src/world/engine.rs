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

use crate::dist::Dist;
use crate::metrics::{Bucket, CallCounts, Percentiles, StateTimes, histogram, record};
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

/// One call record, in the platform's predictive call-record shape (times in ms since the
/// scenario start; the CLI writes them as wall-clock times).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct CallRecord {
    /// The platform's task id.
    pub task_id: u64,
    /// The task's name.
    pub task_name: String,
    /// The number's position in the task's list.
    pub number: u64,
    /// 0: the main number; k: its k-th backup number.
    pub backup: u32,
    /// The attempt at the number (0 = the first call).
    pub attempt: u32,
    /// The caller id shown to the customer.
    pub clid: Option<String>,
    /// 40 customer did not answer, 41 answered but not bridged, 42 agent did not answer (and
    /// the customer was never bridged), 43 bridged.
    pub status: u8,
    /// 1000 customer leg hung up, 1002 forcibly disconnected (platform: ring timeout, line
    /// failure, the 2-second hang-up).
    pub end_reason: u16,
    /// Dialled.
    pub start_ms: u64,
    /// Answered by the customer.
    pub answer_ms: Option<u64>,
    /// Bridged to an agent.
    pub bridge_ms: Option<u64>,
    /// Ended.
    pub end_ms: u64,
    /// From answer (or the prompt's end) to bridge, or to the customer's end when not bridged.
    pub wait_ms: Option<u64>,
    /// Bridged talk.
    pub bridge_duration_ms: Option<u64>,
    /// The agent who talked to the customer.
    pub cno: Option<String>,
}
/// The 2-second rule, ms.
pub const TWO_SECONDS_MS: u64 = 2000;
const INVALID_MS: u64 = 1000;
const BUSY_MS: u64 = 3000;
const UNREACHABLE_MS: u64 = 5000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Ev {
    Tick {
        task: u16,
    },
    Arrival {
        task: u16,
    },
    RingEnd {
        call: u32,
        epoch: u32,
    },
    PromptEnd {
        call: u32,
        epoch: u32,
    },
    TwoSeconds {
        call: u32,
        epoch: u32,
    },
    Patience {
        call: u32,
        epoch: u32,
    },
    AgentAnswer {
        call: u32,
        epoch: u32,
    },
    AgentTimeout {
        call: u32,
        epoch: u32,
    },
    TalkEnd {
        call: u32,
        epoch: u32,
    },
    IvrEnd {
        call: u32,
        epoch: u32,
    },
    WrapEnd {
        agent: u32,
        epoch: u32,
    },
    BreakStart {
        agent: u32,
    },
    BreakEnd {
        agent: u32,
    },
    /// A call the clairvoyant pacer planned is dialled now.
    Dial {
        call: u32,
        epoch: u32,
    },
    /// AutoStart: the task starts.
    AutoStart {
        task: u16,
    },
    /// AutoStop: the task pauses, or ends with ForceEndFlag.
    AutoStop {
        task: u16,
    },
    /// Midnight: RetryStrategyOnlyToday drops, daily call caps reset.
    DayEnd,
    /// An operator action of the scenario.
    Action {
        index: u16,
    },
    /// A PauseTask with PauseDuration has run its time.
    Resume {
        task: u16,
    },
}

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

/// A batch of never-called numbers (the scenario's list, or an ImportTaskTel).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct FreshBatch {
    /// Larger first.
    priority: u32,
    /// Index of its first number in the task's numbering.
    first: u64,
    count: u64,
    /// Numbers taken so far.
    cursor: u64,
    /// For an imported batch: the synthetic phone number of its first number, and how many
    /// distinct ones it had (its numbers map onto them in turn).
    tels: Option<(u64, u64)>,
}

impl TaskRun {
    /// `numbers` numbers finished after `attempts` attempts each.
    fn count_attempts(&mut self, attempts: usize, numbers: u64) {
        if self.attempts.len() <= attempts {
            self.attempts.resize(attempts + 1, 0);
        }
        self.attempts[attempts] += numbers;
    }

    /// The next never-called number, in CallPriorityStrategy's firstCall order: by batch
    /// priority (larger first, then import order; the default), by import time alone, or at
    /// random (a fixed pseudo-random permutation of each batch).
    fn take_fresh(&mut self) -> Option<u64> {
        use crate::request::FirstCallOrder as O;
        let by_priority = self.first_order != O::ImportTime;
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
        let offset = if self.first_order == O::Random {
            permute(k, b.count, u64::from(self.idx))
        } else {
            k
        };
        Some(b.first + offset)
    }

    /// Drop every never-called number; how many.
    fn drop_fresh(&mut self) -> u64 {
        for b in &mut self.batches {
            b.cursor = b.count;
        }
        std::mem::take(&mut self.fresh_left)
    }

    /// Remove up to `k` never-called numbers, the last imported first: the numbers removed,
    /// each with its synthetic phone number when it came through ImportTaskTel.
    fn delete_fresh(&mut self, k: u64) -> Vec<(u64, Option<u64>)> {
        let mut gone = Vec::new();
        for b in self.batches.iter_mut().rev() {
            while (gone.len() as u64) < k && b.cursor < b.count {
                b.count -= 1;
                let tel = b.tels.map(|(base, distinct)| base + b.count % distinct);
                gone.push((b.first + b.count, tel));
            }
        }
        self.fresh_left -= gone.len() as u64;
        gone
    }
}

/// The delay of each basic retry round, ms, by round (empty without a basic RetryStrategy).
fn basic_retry_delays(req: &crate::request::CreateTask) -> Vec<u64> {
    match &req.retry_strategy {
        Some(crate::request::RetryStrategy::Basic { strategy, .. }) => {
            let mut rounds = strategy.clone();
            rounds.sort_by_key(|r| r.round);
            rounds.iter().map(|r| r.time.seconds() * 1000).collect()
        }
        _ => Vec::new(),
    }
}

/// A fixed pseudo-random permutation of `0..n` (an affine map with a multiplier coprime to
/// `n`): random calling order without storing the list.
fn permute(k: u64, n: u64, salt: u64) -> u64 {
    if n <= 1 {
        return 0;
    }
    let mut a = (mix(salt ^ n) % n) | 1;
    while gcd(a, n) != 1 {
        a += 2;
    }
    let b = mix(salt.wrapping_add(n)) % n;
    ((u128::from(a) * u128::from(k) + u128::from(b)) % u128::from(n)) as u64
}

fn gcd(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

/// Why a task's numbers finished.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct NumberFates {
    /// Bridged to an agent (Type 1) or answered (Type 2).
    pub connected: u64,
    /// Not answered after every attempt the RetryStrategy allows (the first, without one).
    pub retries_exhausted: u64,
    /// Answered but never bridged (hung up or dropped): an abandoned call is not retried.
    pub answered_not_connected: u64,
    /// Dropped at the end of the day by RetryStrategyOnlyToday.
    pub dropped_at_day_end: u64,
    /// Left when the task ended (AutoStop with ForceEndFlag).
    pub task_ended: u64,
}

/// An operator action and what the platform store answered.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ActionRecord {
    /// Seconds since the scenario start.
    pub at_s: f64,
    /// The operation.
    pub action: String,
    /// Whether the store accepted it.
    pub accepted: bool,
    /// The store's message.
    pub message: String,
}

/// A pause of a task and its cause.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct PauseRecord {
    /// Seconds since the scenario start.
    pub at_s: f64,
    /// Seconds since the start when it resumed (null if it did not).
    pub resumed_at_s: Option<f64>,
    /// Why.
    pub cause: String,
}

/// Per-task results.
#[derive(Debug, Clone)]
pub struct TaskResult {
    /// Why numbers finished.
    pub fates: NumberFates,
    /// Numbers by the attempts they had when they finished (index = attempts).
    pub attempts: Vec<u64>,
    /// Calls that were retries (attempt 2 or later).
    pub retries_placed: u64,
    /// Calls to backup numbers.
    pub backup_calls: u64,
    /// Per caller id shown: (caller id, calls, answered).
    pub caller_ids: Vec<(String, u64, u64)>,
    /// Operator actions and the store's answers.
    pub actions: Vec<ActionRecord>,
    /// Task name.
    pub name: String,
    /// Type 1 or 2.
    pub task_type: TaskType,
    /// Pacer used.
    pub pacer: String,
    /// Call counts.
    pub counts: CallCounts,
    /// Agent times of its agents.
    pub agents: StateTimes,
    /// Customer waits (answer → bridge), ms.
    pub wait: Histogram<u64>,
    /// Agent idle gaps, ms.
    pub idle_gap: Histogram<u64>,
    /// Numbers in the list.
    pub numbers_total: u64,
    /// Numbers finished.
    pub numbers_done: u64,
    /// When the last number finished, seconds.
    pub list_finished_at_s: Option<f64>,
    /// Most calls in progress at once.
    pub max_in_progress: u32,
    /// Concurrency (0 = unlimited).
    pub concurrency: u32,
    /// Mean calls in progress.
    pub mean_lines: f64,
    /// Pauses.
    pub pauses: Vec<PauseRecord>,
    /// Status changes from the platform store.
    pub status_changes: Vec<crate::platform::StatusChange>,
    /// Final status code.
    pub status: i64,
}

/// Per-agent results.
#[derive(Debug, Clone)]
pub struct AgentResult {
    /// Agent number.
    pub cno: String,
    /// Task index it served (None if in no running task).
    pub task: Option<usize>,
    /// State times.
    pub times: StateTimes,
    /// Calls bridged.
    pub calls: u64,
    /// Calls bridged within 2 s of the answer.
    pub bridged_within_2s: u64,
}

/// Everything one run measured.
#[derive(Debug, Clone)]
pub struct RunResult {
    /// Seed used.
    pub seed: u64,
    /// Simulated length, ms.
    pub duration_ms: u64,
    /// Bucket length, ms.
    pub bucket_ms: u64,
    /// Per task.
    pub tasks: Vec<TaskResult>,
    /// Per agent.
    pub agents: Vec<AgentResult>,
    /// Time series.
    pub buckets: Vec<Bucket>,
    /// Events processed.
    pub events: u64,
    /// Little's-law ledgers, kept by two independent routes.
    pub little: Little,
    /// Call records, when asked for.
    pub calls: Vec<CallRecord>,
}

/// Little's law over the finite horizon, by two routes: the time integral of a count and the
/// sum of each customer's (clipped) stay. The two must be equal in every run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Little {
    /// ∫ (answered customers waiting for an agent) dt, ms².
    pub queue_area: u64,
    /// Σ over those customers of their time waiting (clipped at the end), ms.
    pub queue_stays: u64,
    /// Σ over agents of their talking time (agent state accounting), ms.
    pub talk_area: u64,
    /// Σ over connected calls of their talk (clipped at the end), ms.
    pub talk_stays: u64,
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

impl<'a> Engine<'a> {
    /// The number of answered customers waiting changes by `delta` now (Little's ledger).
    fn queue_change(&mut self, delta: i64) {
        self.little.queue_area += self.waiting_all * (self.now - self.waiting_since);
        self.waiting_since = self.now;
        self.waiting_all = (self.waiting_all as i64 + delta) as u64;
    }

    fn at(&self) -> jiff::civil::DateTime {
        self.sc
            .start
            .checked_add(jiff::SignedDuration::from_millis(self.now as i64))
            .unwrap_or(self.sc.start)
    }

    fn setup(&mut self, pacer_override: Option<&PacerSpec>) {
        for (i, t) in self.sc.tasks.iter().enumerate() {
            let req = &t.request;
            let spec = pacer_override.unwrap_or(&t.pacer).clone();
            let prompt_s = req
                .customer_voice
                .as_deref()
                .and_then(|v| self.sc.enterprise.voice(v))
                .map(|v| v.duration_s)
                .unwrap_or(0.0);
            let ivr = self.sc.enterprise.ivr(req.ivr_id, req.ivr_name.as_deref());
            let created = self.platform.create_task(&req.to_params(), self.sc.start);
            let platform_id = created
                .data
                .as_ref()
                .and_then(|d| d.id.as_deref())
                .and_then(|s| s.parse().ok())
                .unwrap_or(0);
            let type2_fill = req.task_type == TaskType::Automatic && spec == PacerSpec::Platform;
            let start_min = f64::from(self.sc.start.time().hour()) * 60.0
                + f64::from(self.sc.start.time().minute());
            let clock = pacing::RunClock {
                start_min,
                stop_min: start_min + self.end as f64 / 60_000.0,
            };
            let pacer: Box<dyn Pacer> =
                pacing::build(&spec, req, prompt_s, mix(self.seed ^ i as u64), clock);
            let clairvoyant = spec == PacerSpec::Clairvoyant;
            let warm_ms = u64::from(req.warm_up_s) * 1000;
            self.tasks.push(TaskRun {
                idx: i as u16,
                platform_id,
                ttype: req.task_type,
                strategy: req.call_strategy,
                pacer,
                type2_fill,
                numbers: t.numbers,
                batches: vec![FreshBatch {
                    priority: 0,
                    first: 0,
                    count: t.numbers,
                    cursor: 0,
                    tels: None,
                }],
                fresh_left: t.numbers,
                req: req.clone(),
                ticking: true,
                imported_tels: 0,
                actions: Vec::new(),
                draining: 0,
                first_order: req
                    .call_priority_strategy
                    .iter()
                    .find(|e| e.kind == crate::request::PoolKind::FirstCall)
                    .map(|e| e.order)
                    .unwrap_or(crate::request::FirstCallOrder::Priority),
                retries_placed: 0,
                backup_calls: 0,
                done_numbers: 0,
                finished_at: None,
                running: false,
                paused_by_min: false,
                warm_until: warm_ms,
                warm_ms,
                rewarm: req.rewarm,
                min_available: req.min_available_agents,
                available: 0, // counted below, once agents are assigned
                concurrency: req.concurrency,
                customer_timeout_ms: u64::from(req.customer_timeout_s) * 1000,
                agent_timeout_ms: u64::from(req.agent_timeout_s) * 1000,
                wrapup_cap_ms: u64::from(req.wrapup_s) * 1000,
                prompt_ms: ms(prompt_s),
                moh: req.customer_moh.is_some(),
                has_ivr: ivr.is_some(),
                ivr_duration: ivr
                    .map(|i| i.duration_s.clone())
                    .unwrap_or(Dist::constant(60.0)),
                queue: VecDeque::new(),
                idle: BTreeSet::new(),
                idle_pool: Vec::new(),
                pick_rng: stream(self.seed, Stream::Task, i as u64, 0),
                idle_since_sum: 0,
                wrapping: 0,
                wrap_end_sum: 0,
                talking: 0,
                waiting: 0,
                ringing: 0,
                in_progress: 0,
                max_in_progress: 0,
                counts: CallCounts::default(),
                wait: histogram(),
                idle_gap: histogram(),
                line_ms: 0,
                last_line_change: 0,
                pauses: Vec::new(),
                pacer_name: pacer_name(spec.clone()),
                clairvoyant,
                planned: 0,
                surplus: 0,
                hours: self.calling_hours(req),
                retry_delays_ms: basic_retry_delays(req),
                retry_from_first: req.retry_time_type
                    == crate::request::RetryTimeType::FromFirstCall,
                retry_future: BTreeSet::new(),
                retry_ready: BTreeSet::new(),
                retry_seq: 0,
                retry_first: {
                    let pos = |k| {
                        req.call_priority_strategy
                            .iter()
                            .find(|e| e.kind == k)
                            .map(|e| e.sort)
                    };
                    match (
                        pos(crate::request::PoolKind::RetryCall),
                        pos(crate::request::PoolKind::FirstCall),
                    ) {
                        (Some(r), Some(f)) => r <= f,
                        (None, Some(_)) => false,
                        _ => true,
                    }
                },
                retry_desc: req
                    .call_priority_strategy
                    .iter()
                    .any(|e| e.kind == crate::request::PoolKind::RetryCall && e.desc),
                ended: false,
                fates: NumberFates::default(),
                attempts: Vec::new(),
                started: false,
                agent_times: StateTimes::default(),
                backup_tels: t.backup_tels,
                backup_ready: VecDeque::new(),
                clids: self.caller_ids(req),
                clid_by_area: req.clid_type == crate::request::ClidType::ByAreaCode
                    || req.clids_category == Some(crate::request::ClidCategory::Navigation),
                clid_default_area: req.clid_property.as_ref().and_then(|p| {
                    self.sc
                        .file
                        .customers
                        .area_codes
                        .iter()
                        .position(|a| a.code == p.default_area_code)
                        .map(|i| i as u16)
                }),
                clid_stats: Vec::new(),
                advanced_retry: match &req.retry_strategy {
                    Some(crate::request::RetryStrategy::Advanced(rules)) => {
                        let mut rules = rules.clone();
                        rules.sort_by_key(|r| r.sort);
                        rules
                            .iter()
                            .map(|r| {
                                let mut rounds = r.strategy.clone();
                                rounds.sort_by_key(|x| x.round);
                                let delays: Vec<u64> = rounds
                                    .iter()
                                    .take(r.retry as usize)
                                    .map(|x| x.time.seconds() * 1000)
                                    .collect();
                                (r.sip_causes.clone(), delays)
                            })
                            .collect()
                    }
                    _ => Vec::new(),
                },
            });
            for cl in &req.call_limits {
                for cno in &cl.cnos {
                    if let Some(a) = self.sc.enterprise.agent_position(cno) {
                        self.call_cap[a as usize] = cl.limit;
                    }
                }
            }
            // AutoStart in the future: the task waits, created, until then.
            let start_at = req.auto_start.and_then(|sch| {
                let day = sch.day.unwrap_or(self.clock.start_date());
                let time = sch.time.unwrap_or(jiff::civil::Time::midnight());
                self.clock.ms_of(day.to_datetime(time))
            });
            if let Some(stop) = req.auto_stop {
                let day = stop.day.unwrap_or(self.clock.start_date());
                let time = stop.time.unwrap_or(jiff::civil::time(23, 59, 59, 0));
                match self.clock.ms_of(day.to_datetime(time)) {
                    Some(at) => self.q.push(SimTime(at), Ev::AutoStop { task: i as u16 }),
                    None => self.q.push(SimTime(0), Ev::AutoStop { task: i as u16 }),
                }
            }
            if let Some(at) = start_at.filter(|&at| at > 0) {
                self.q.push(SimTime(at), Ev::AutoStart { task: i as u16 });
                self.q.push(SimTime(0), Ev::Tick { task: i as u16 });
                for &a in &t.agents {
                    let ag = &mut self.agents[a as usize];
                    if ag.task == u16::MAX {
                        ag.task = i as u16;
                    }
                }
                continue;
            }
            let r = self.platform.start_task(
                platform_id,
                self.sc.start,
                StatusTrigger::Person,
                "scenario start",
            );
            if !r.is_ok() {
                tracing::warn!(task = i, "task did not start: {}", r.message);
                continue;
            }
            self.tasks[i].running = true;
            self.tasks[i].started = true;
            for &a in &t.agents {
                let ag = &mut self.agents[a as usize];
                if ag.task == u16::MAX {
                    ag.task = i as u16;
                }
            }
        }
        // Agents enter their task's idle pool; a task counts the agents it holds (an agent
        // listed by several tasks belongs to the first until another claims it at its start).
        for a in 0..self.agents.len() as u32 {
            let ti = self.agents[a as usize].task;
            if ti != u16::MAX {
                self.tasks[usize::from(ti)].available += 1;
                self.enter_idle(a);
            }
        }
        for b in &self.sc.file.enterprise.breaks {
            for cno in &b.cnos {
                if let Some(a) = self.sc.enterprise.agent_position(cno) {
                    self.q
                        .push(SimTime(ms(b.start_s)), Ev::BreakStart { agent: a });
                    self.q.push(
                        SimTime(ms(b.start_s + b.duration_s)),
                        Ev::BreakEnd { agent: a },
                    );
                }
            }
        }
        // Shifts: outside them agents are logged out, as a break from log-out to the next log-in.
        for sh in &self.sc.file.enterprise.shifts {
            let Ok((login, logout)) = sh.minutes() else {
                continue;
            };
            let agents = self.agents_named(&sh.cnos);
            let (first_day, _) = self.clock.day_and_time(0);
            let (last_day, _) = self.clock.day_and_time(self.end);
            let day0 = self.clock.next_midnight(0) as i64 - calendar::DAY_MS as i64;
            let at = |day: u64, min: u32| -> i64 {
                day0 + (day - first_day) as i64 * calendar::DAY_MS as i64 + i64::from(min) * 60_000
            };
            // Off periods: [logout of day d, login of day d+1), and before the first log-in.
            let mut offs: Vec<(i64, i64)> = vec![(i64::MIN, at(first_day, login))];
            for d in first_day..=last_day {
                offs.push((at(d, logout), at(d + 1, login)));
            }
            for (from, to) in offs {
                let (from, to) = (from.max(0) as u64, to.max(0) as u64);
                if to <= from || from >= self.end {
                    continue;
                }
                for &a in &agents {
                    self.q.push(SimTime(from), Ev::BreakStart { agent: a });
                    self.q.push(SimTime(to), Ev::BreakEnd { agent: a });
                }
            }
        }
        // Random breaks: per agent, gaps and lengths from the agent's own stream.
        for (k, rb) in self.sc.file.enterprise.random_breaks.iter().enumerate() {
            let agents = self.agents_named(&rb.cnos);
            for a in agents {
                let mut rng = stream(self.seed, Stream::Agent, u64::from(a), (1 << 62) | k as u64);
                let mut t = 0u64;
                loop {
                    t += ms(rb.every_s.sample(&mut rng)).max(1000);
                    if t >= self.end {
                        break;
                    }
                    let len = ms(rb.duration_s.sample(&mut rng)).max(1000);
                    self.q.push(SimTime(t), Ev::BreakStart { agent: a });
                    self.q.push(SimTime(t + len), Ev::BreakEnd { agent: a });
                    t += len;
                }
            }
        }
        for (k, a) in self.sc.file.actions.iter().enumerate() {
            let at = match (a.at_s, a.at.as_deref()) {
                (Some(x), _) => Some(ms(x)),
                (None, Some(t)) => t.parse().ok().and_then(|t| self.clock.ms_of(t)),
                _ => None,
            };
            if let Some(at) = at.filter(|&at| at < self.end) {
                self.q.push(SimTime(at), Ev::Action { index: k as u16 });
            }
        }
        if self.end > 0 {
            let midnight = self.clock.next_midnight(0);
            if midnight < self.end {
                self.q.push(SimTime(midnight), Ev::DayEnd);
            }
        }
        for i in 0..self.tasks.len() {
            if !self.tasks[i].running {
                continue;
            }
            self.check_min_available(i);
            let t = &mut self.tasks[i];
            t.pacer.restarted(true);
            if let Some(gap) = t.pacer.next_arrival_ms() {
                self.q.push(SimTime(gap), Ev::Arrival { task: i as u16 });
            }
            self.q.push(SimTime(0), Ev::Tick { task: i as u16 });
            if t.clairvoyant {
                let idle = t.idle.len() + t.idle_pool.len();
                for _ in 0..idle {
                    self.plan(i, 0);
                }
            }
        }
    }

    fn main_loop(&mut self) {
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

    fn handle(&mut self, ev: Ev) {
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

    fn live(&self, call: u32, epoch: u32) -> bool {
        let c = &self.calls[call as usize];
        c.epoch == epoch && c.state != CallState::Done
    }

    fn bucket(&mut self, t: u64) -> &mut Bucket {
        let i = ((t / self.bucket_ms) as usize).min(self.buckets.len() - 1);
        &mut self.buckets[i]
    }

    /// Add `[from, to)` of agent state time to the agent and to the buckets it spans.
    fn account(&mut self, a: u32, state: AgentState, from: u64, to: u64) {
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
        let ti = self.agents[a as usize].task;
        if ti != u16::MAX {
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

    fn set_agent(&mut self, a: u32, state: AgentState) {
        let (old, since) = {
            let ag = &self.agents[a as usize];
            (ag.state, ag.since)
        };
        self.account(a, old, since, self.now);
        let ag = &mut self.agents[a as usize];
        ag.state = state;
        ag.since = self.now;
    }

    fn lines(&mut self, ti: usize, delta: i32) {
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

    fn idle_key(&self, a: u32) -> u64 {
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

    fn enter_idle(&mut self, a: u32) {
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

    fn leave_idle(&mut self, a: u32) {
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

    fn pace_input(&self, ti: usize) -> PaceInput {
        let t = &self.tasks[ti];
        let idle = (t.idle.len() + t.idle_pool.len()) as u32;
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
    fn can_dial(&self, ti: usize) -> u64 {
        let t = &self.tasks[ti];
        let left = t.fresh_left + t.retry_ready.len() as u64 + t.backup_ready.len() as u64;
        let lines = if t.concurrency == 0 {
            u64::MAX
        } else {
            u64::from(t.concurrency.saturating_sub(t.in_progress))
        };
        left.min(lines)
    }

    fn pace(&mut self, ti: usize) {
        if !self.tasks[ti].running {
            return;
        }
        self.promote_due(ti);
        if !self.tasks[ti].hours.open(&self.clock, self.now) {
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

    fn pace_if_fill(&mut self, ti: usize) {
        if self.tasks[ti].type2_fill || self.tasks[ti].pacer.decides_on_idle() {
            self.pace(ti);
        }
        self.maybe_finish(ti);
    }

    fn place(&mut self, ti: usize) {
        let call = self.draw(ti);
        let id = self.alloc(call);
        self.launch(ti, id);
    }

    /// The next number of the task and its pre-drawn fate: from the number's own stream, so
    /// every pacer meets the same customer behind the same number.
    fn draw(&mut self, ti: usize) -> Call {
        let sc = self.sc;
        let c = &sc.file.customers;
        let (number, attempt, first_ms, backup) = self.next_target(ti);
        let now = self.now;
        let t = &mut self.tasks[ti];
        let first_ms = if attempt == 0 && backup == 0 {
            now
        } else {
            first_ms
        };
        let entity = (u64::from(t.idx) << 40) | number;
        // One stream per (number, attempt, backup number): the main number is backup 0.
        let mut rng = stream(
            self.seed,
            Stream::Number,
            entity,
            (u64::from(attempt) << 4) | u64::from(backup),
        );
        // The number's own stream, always drawn in the same order: kind, answer, time to
        // answer, patience, talk, IVR. Draws stop once the fate needs no more (a number that
        // does not answer needs no patience), which changes no value that is drawn: nothing
        // else reads this stream.
        let u_kind: f64 = rng.random();
        let u_answer: f64 = rng.random();
        let hour = ((sc.start.time().hour() as u64 * 3600
            + sc.start.time().minute() as u64 * 60
            + self.now / 1000)
            / 3600
            % 24) as usize;
        let mut p_answer = c
            .answer_probability_by_hour
            .as_ref()
            .and_then(|h| h.get(hour).copied())
            .unwrap_or(c.answer_probability);
        // The caller id shown, and its effect: from streams of their own, so that a change of
        // caller-id strategy leaves every other draw of the number as it was.
        let mut clid = u16::MAX;
        if !self.tasks[ti].clids.is_empty() {
            let mut r_area = stream(self.seed, Stream::Number, entity, 1 << 40);
            let u: f64 = r_area.random();
            let mut acc = 0.0;
            let mut area = None;
            for (i, a) in c.area_codes.iter().enumerate() {
                acc += a.share;
                if u < acc {
                    area = Some(i as u16);
                    break;
                }
            }
            let mut r_clid = stream(
                self.seed,
                Stream::Number,
                entity,
                (1 << 41) | (u64::from(attempt) << 4) | u64::from(backup),
            );
            if let Some(k) = self.pick_clid(ti, area, r_clid.random()) {
                clid = k;
                let (name, clid_area, _) = &self.tasks[ti].clids[usize::from(k)];
                if let Some(e) = &c.caller_id_effect {
                    let m = e
                        .by_clid
                        .get(name)
                        .copied()
                        .unwrap_or(match (clid_area, area) {
                            (Some(x), Some(y)) if *x == y => e.local,
                            (Some(_), _) => e.remote,
                            (None, _) => e.mobile,
                        });
                    p_answer = (p_answer * m).clamp(0.0, 1.0);
                }
            }
        }
        let t = &mut self.tasks[ti];
        let (mut tta, mut patience, mut talk, mut ivr) = (0, 0, 1, 1);
        let (fate, ring_ms) = if u_kind < c.invalid_probability {
            (Fate::Invalid, INVALID_MS)
        } else if u_kind < c.invalid_probability + c.unreachable_probability {
            (Fate::Unreachable, UNREACHABLE_MS)
        } else if u_kind < c.invalid_probability + c.unreachable_probability + c.busy_probability {
            (Fate::Busy, BUSY_MS)
        } else if u_answer < p_answer && {
            tta = ms(c.time_to_answer_s.sample(&mut rng));
            tta <= t.customer_timeout_ms || c.answers_after_timeout
        } {
            let patience_dist = if t.moh {
                c.patience_moh_s.as_ref().unwrap_or(&c.patience_s)
            } else {
                &c.patience_s
            };
            let scale = |h: &Option<Vec<f64>>| h.as_ref().and_then(|v| v.get(hour)).copied();
            patience =
                ms(patience_dist.sample(&mut rng)
                    * scale(&c.patience_scale_by_hour).unwrap_or(1.0));
            let talk_dist = c
                .talk_s
                .as_ref()
                .unwrap_or(&sc.file.enterprise.agent_behaviour.talk_s);
            talk =
                ms(talk_dist.sample(&mut rng) * scale(&c.talk_scale_by_hour).unwrap_or(1.0)).max(1);
            ivr = ms(t.ivr_duration.sample(&mut rng)).max(1);
            (Fate::Answer, tta)
        } else {
            (Fate::NoAnswer, t.customer_timeout_ms)
        };
        let _ = tta;
        Call {
            task: t.idx,
            epoch: 0,
            state: CallState::Ringing,
            fate,
            ring_ms,
            search_at: 0,
            agent: NONE,
            talk_ms: talk,
            patience_ms: patience,
            ivr_ms: ivr,
            decided_2s: false,
            overflowed: false,
            sure_at: NONE_TIME,
            number,
            placed_at: NONE_TIME,
            answered_at: NONE_TIME,
            bridged_at: NONE_TIME,
            agent_missed: false,
            end_reason: END_CUSTOMER,
            attempt,
            backup,
            clid,
            first_ms,
        }
    }

    fn alloc(&mut self, call: Call) -> u32 {
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
    fn launch(&mut self, ti: usize, id: u32) {
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

    /// Clairvoyant planning: an agent will be free at `free_at`; pass over the numbers that will
    /// not answer and time the next one that will so that its customer (after the ring and the
    /// prompt) arrives exactly then. It also passes over customers who would hang up before
    /// any agent could answer (patience not longer than the agent leg's longest answer delay,
    /// or 2 s when that delay is unbounded): the bound loses no one it could have kept.
    fn plan(&mut self, ti: usize, free_at: u64) {
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
            if self.tasks[ti].fresh_left == 0 {
                return;
            }
            let call = self.draw(ti);
            if call.fate == Fate::Answer && call.patience_ms > slowest_agent {
                break call;
            }
            self.tasks[ti].counts.skipped += 1;
            self.numbers_done(ti, 1);
        };
        let lead = call.ring_ms + self.tasks[ti].prompt_ms;
        let at = free_at.saturating_sub(lead).max(self.now);
        let id = self.alloc(Call {
            state: CallState::Planned,
            ..call
        });
        self.tasks[ti].planned += 1;
        let epoch = self.calls[id as usize].epoch;
        self.q.push(SimTime(at), Ev::Dial { call: id, epoch });
    }

    fn dial_planned(&mut self, call: u32) {
        let ti = usize::from(self.calls[call as usize].task);
        if self.tasks[ti].running
            && self.tasks[ti].hours.open(&self.clock, self.now)
            && self.can_dial(ti) > 0
        {
            self.tasks[ti].planned -= 1;
            self.launch(ti, call);
        } else {
            // Paused or out of lines: try again in a second.
            let epoch = self.calls[call as usize].epoch;
            self.q
                .push(SimTime(self.now + 1000), Ev::Dial { call, epoch });
        }
    }

    fn ring_end(&mut self, call: u32) {
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

    fn start_search(&mut self, call: u32) {
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

    /// Match waiting customers with idle agents, head of the queue first.
    fn dispatch(&mut self, ti: usize) {
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

    fn decide_2s(&mut self, call: u32, abandoned: bool) {
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

    fn two_seconds(&mut self, call: u32) {
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

    fn patience(&mut self, call: u32) {
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
    fn leave_waiting(&mut self, call: u32) {
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

    fn agent_answer(&mut self, call: u32) {
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

    fn agent_timeout(&mut self, call: u32) {
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

    fn talk_end(&mut self, call: u32) {
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

    /// The wrap-up after the agent's current call: from the agent's stream, keyed by the call's
    /// position in the agent's day, so it can be known ahead (clairvoyant) and drawn again.
    fn wrap_draw(&self, a: u32, ti: usize) -> u64 {
        let beh = &self.sc.file.enterprise.agent_behaviour;
        let served = self.agents[a as usize].served;
        let mut rng = stream(self.seed, Stream::Agent, u64::from(a), served | (1 << 63));
        ms(beh.wrapup_s.sample(&mut rng)).min(self.tasks[ti].wrapup_cap_ms)
    }

    fn wrap_end(&mut self, a: u32) {
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

    fn end_call(&mut self, call: u32) {
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

    /// A call ended: its number is finished, or waits for its next round.
    fn number_outcome(&mut self, call: u32) {
        let c = self.calls[call as usize];
        let ti = usize::from(c.task);
        let now = self.now;
        let t = &mut self.tasks[ti];
        let connected =
            c.bridged_at != NONE_TIME || (t.ttype == TaskType::Automatic && c.fate == Fate::Answer);
        // A failed attempt on a number with backups dials the next backup at once.
        if c.fate != Fate::Answer && c.backup < t.backup_tels && !t.ended {
            t.backup_ready
                .push_back((c.number, c.attempt, c.first_ms, c.backup + 1));
            return;
        }
        let round = c.attempt as usize; // the retry this failure would lead to, 0-based
        // Basic mode retries no answer, busy, unreachable and failed calls; never an answered
        // one, connected or abandoned (enumerations.md, defined by dialsim). Advanced mode
        // (Type 2) retries by the first rule, in `sort` order, naming the attempt's SIP cause.
        let delay = if t.advanced_retry.is_empty() {
            t.retry_delays_ms.get(round).copied()
        } else {
            let cause = sip_cause(c.fate);
            t.advanced_retry
                .iter()
                .find(|(causes, _)| causes.iter().any(|x| x == cause))
                .and_then(|(_, delays)| delays.get(round).copied())
        };
        if let (Some(delay), true) = (delay, c.fate != Fate::Answer && !t.ended) {
            let base = if t.retry_from_first {
                c.first_ms
            } else {
                c.placed_at
            };
            let due = (base + delay).max(now);
            t.retry_seq += 1;
            t.retry_future
                .insert((due, t.retry_seq, c.number, c.attempt + 1, c.first_ms));
            return;
        }
        if connected {
            t.fates.connected += 1;
        } else if c.fate == Fate::Answer {
            t.fates.answered_not_connected += 1;
        } else {
            t.fates.retries_exhausted += 1;
        }
        t.count_attempts(c.attempt as usize + 1, 1);
        self.numbers_done(ti, 1);
    }

    /// `k` more of the task's numbers are finished.
    fn numbers_done(&mut self, ti: usize, k: u64) {
        let t = &mut self.tasks[ti];
        t.done_numbers += k;
        if t.done_numbers == t.numbers && t.finished_at.is_none() {
            t.finished_at = Some(self.now);
        }
    }

    /// Move the retries that are due into the ready pool.
    fn promote_due(&mut self, ti: usize) {
        let now = self.now;
        let t = &mut self.tasks[ti];
        while let Some(&(due, seq, number, attempt, first)) = t.retry_future.first() {
            if due > now {
                break;
            }
            t.retry_future.pop_first();
            let key = if t.retry_desc {
                u32::MAX - attempt
            } else {
                attempt
            };
            t.retry_ready.insert((key, seq, number, attempt, first));
        }
    }

    /// The next number to dial (number, attempt, first call), by CallPriorityStrategy.
    fn next_target(&mut self, ti: usize) -> (u64, u32, u64, u32) {
        let t = &mut self.tasks[ti];
        // A failed number's backups go first: they continue the same attempt.
        if let Some((number, attempt, first, backup)) = t.backup_ready.pop_front() {
            t.backup_calls += 1;
            return (number, attempt, first, backup);
        }
        let fresh_left = t.fresh_left > 0;
        let take_retry = !t.retry_ready.is_empty() && (t.retry_first || !fresh_left);
        if take_retry && let Some((_, _, number, attempt, first)) = t.retry_ready.pop_first() {
            t.retries_placed += 1;
            return (number, attempt, first, 0);
        }
        let number = t.take_fresh().unwrap_or(0);
        (number, 0, 0, 0)
    }

    /// The caller ids a task shows, with their area codes and weights.
    fn caller_ids(&self, req: &crate::request::CreateTask) -> Vec<(String, Option<u16>, u32)> {
        use crate::request::ClidCategory as C;
        let list: Vec<String> = match req.clids_category {
            Some(C::FixedLine | C::Mobile) => req.customer_clids.clone(),
            Some(C::NumberPool | C::Navigation) => req
                .clids_group
                .as_deref()
                .and_then(|g| {
                    self.sc
                        .file
                        .enterprise
                        .clid_groups
                        .iter()
                        .find(|x| x.id == g)
                })
                .map(|g| g.clids.clone())
                .unwrap_or_default(),
            None => Vec::new(),
        };
        let codes = &self.sc.file.customers.area_codes;
        list.into_iter()
            .map(|clid| {
                // A mobile caller id has no area code; a fixed line has the longest known
                // area code it starts with.
                let area = (req.clids_category != Some(C::Mobile))
                    .then(|| {
                        codes
                            .iter()
                            .enumerate()
                            .filter(|(_, a)| clid.starts_with(&a.code))
                            .max_by_key(|(_, a)| a.code.len())
                            .map(|(i, _)| i as u16)
                    })
                    .flatten();
                let weight = if req.clid_weight_flag && !req.clid_weight.is_empty() {
                    req.clid_weight
                        .iter()
                        .find(|w| w.numbers.contains(&clid))
                        .map(|w| w.weight)
                        .unwrap_or(0)
                } else {
                    1
                };
                (clid, area, weight)
            })
            .collect()
    }

    /// The caller id for a call to a customer of area `area` (index into `clids`), drawn
    /// from `u` in [0, 1).
    fn pick_clid(&self, ti: usize, area: Option<u16>, u: f64) -> Option<u16> {
        let t = &self.tasks[ti];
        if t.clids.is_empty() {
            return None;
        }
        let pick = |cands: &[usize]| -> Option<u16> {
            let total: u64 = cands.iter().map(|&i| u64::from(t.clids[i].2)).sum();
            if total == 0 {
                return cands
                    .get(((u * cands.len() as f64) as usize).min(cands.len().saturating_sub(1)))
                    .map(|&i| i as u16);
            }
            let mut x = u * total as f64;
            for &i in cands {
                x -= f64::from(t.clids[i].2);
                if x < 0.0 {
                    return Some(i as u16);
                }
            }
            cands.last().map(|&i| i as u16)
        };
        let all: Vec<usize> = (0..t.clids.len()).collect();
        if t.clid_by_area {
            for want in [area, t.clid_default_area].into_iter().flatten() {
                let local: Vec<usize> = all
                    .iter()
                    .copied()
                    .filter(|&i| t.clids[i].1 == Some(want))
                    .collect();
                if !local.is_empty() {
                    return pick(&local);
                }
            }
        }
        pick(&all)
    }

    /// The agents a list of agent numbers names; an empty list names every agent.
    fn agents_named(&self, cnos: &[String]) -> Vec<u32> {
        if cnos.is_empty() {
            (0..self.agents.len() as u32).collect()
        } else {
            cnos.iter()
                .filter_map(|c| self.sc.enterprise.agent_position(c))
                .collect()
        }
    }

    fn calling_hours(&self, req: &crate::request::CreateTask) -> CallingHours {
        let compile = |ids: &[u64]| -> Vec<Window> {
            ids.iter()
                .filter_map(|id| self.sc.enterprise.time_condition(*id))
                .filter_map(|tc| match Window::compile(tc, self.clock.start_date()) {
                    Ok(w) => Some(w),
                    Err(e) => {
                        tracing::warn!("time condition {}: {e}", tc.id);
                        None
                    }
                })
                .collect()
        };
        CallingHours {
            forbidden: compile(&req.time_strategy),
            allowed: (req.auto_task_type == crate::request::AutoTaskType::Interval)
                .then(|| compile(&req.auto_trigger_time_strategy)),
        }
    }

    fn auto_start(&mut self, ti: usize) {
        let t = &self.tasks[ti];
        if t.running || t.ended {
            return;
        }
        let (id, at) = (t.platform_id, self.at());
        let r = self
            .platform
            .start_task(id, at, StatusTrigger::System, "AutoStart");
        if !r.is_ok() {
            tracing::warn!(task = ti, "AutoStart refused: {}", r.message);
            return;
        }
        self.begin_running(ti, true);
    }

    /// Perform an operator action through the platform store; its answer is kept in the
    /// task's `actions` log, and only an accepted operation changes the simulation.
    fn action(&mut self, k: usize) {
        use crate::scenario::ActionKind as K;
        let a = &self.sc.file.actions[k];
        let Some(ti) = self.sc.tasks.iter().position(|t| t.request.name == a.task) else {
            return;
        };
        let (id, at) = (self.tasks[ti].platform_id, self.at());
        let num =
            |key: &str, default: u64| a.params.get(key).and_then(Value::as_u64).unwrap_or(default);
        let outcome = match a.action {
            K::StartTask => {
                let r =
                    self.platform
                        .start_task(id, at, StatusTrigger::Person, "StartTask (operator)");
                if r.is_ok() {
                    self.begin_running(ti, true);
                }
                (r.is_ok(), r.message)
            }
            K::PauseTask => {
                let minutes = num("PauseDuration", 0).min(u64::from(u32::MAX)) as u32;
                let r = self.platform.pause_task(
                    id,
                    minutes,
                    at,
                    StatusTrigger::Person,
                    "PauseTask (operator)",
                );
                if r.is_ok() {
                    let now_s = self.now as f64 / 1000.0;
                    let t = &mut self.tasks[ti];
                    t.running = false;
                    t.paused_by_min = false;
                    t.pauses.push(PauseRecord {
                        at_s: now_s,
                        resumed_at_s: None,
                        cause: format!("PauseTask (operator), PauseDuration {minutes} min"),
                    });
                    if minutes > 0 {
                        self.q.push(
                            SimTime(self.now + u64::from(minutes) * 60_000),
                            Ev::Resume { task: ti as u16 },
                        );
                    }
                }
                (r.is_ok(), r.message)
            }
            K::UpdateTask => {
                let r = self.platform.update_task(id, &a.params);
                if r.is_ok()
                    && let Some(rec) = self.platform.task(id)
                {
                    let new = rec.task.clone();
                    self.apply_update(ti, new);
                }
                (r.is_ok(), r.message)
            }
            K::ImportTaskTel => {
                let count = num("count", 0);
                let dups = num("duplicates", 0).min(count);
                let t = &self.tasks[ti];
                let base = 13_000_000_000u64 + (t.idx as u64) * 100_000_000 + t.imported_tels;
                let numbers: Vec<(String, Vec<String>)> = (0..count)
                    .map(|i| {
                        // The last `dups` numbers repeat the first ones.
                        let j = if i >= count - dups {
                            i - (count - dups)
                        } else {
                            i
                        };
                        ((base + j).to_string(), Vec::new())
                    })
                    .collect();
                let batch = crate::platform::ImportBatch {
                    numbers,
                    priority: num("Priority", 0).min(u64::from(u32::MAX)) as u32,
                    dedup: a
                        .params
                        .get("IsRepeat")
                        .and_then(Value::as_u64)
                        .and_then(|c| crate::request::DedupMode::from_code(c as i64)),
                    auto_start: num("ImportTelAutoStart", 0) == 1,
                };
                let r = self.platform.import_task_tel(id, &batch, at);
                if r.is_ok() {
                    let imported = r
                        .data
                        .as_ref()
                        .and_then(|d| d.get("Imported"))
                        .and_then(Value::as_u64)
                        .unwrap_or(0);
                    let started = r
                        .data
                        .as_ref()
                        .and_then(|d| d.get("Started"))
                        .and_then(Value::as_bool)
                        .unwrap_or(false);
                    let t = &mut self.tasks[ti];
                    t.imported_tels += count;
                    t.batches.push(FreshBatch {
                        priority: batch.priority,
                        first: t.numbers,
                        count: imported,
                        cursor: 0,
                        tels: Some((base, (count - dups).max(1))),
                    });
                    t.numbers += imported;
                    t.fresh_left += imported;
                    if imported > 0 {
                        t.finished_at = None;
                        if !t.ticking {
                            t.ticking = true;
                            self.q.push(SimTime(self.now), Ev::Tick { task: ti as u16 });
                        }
                    }
                    if started {
                        self.begin_running(ti, true);
                    }
                }
                (r.is_ok(), r.message)
            }
            K::DeleteTaskTel => {
                let k = num("count", 0);
                let gone = self.tasks[ti].delete_fresh(k);
                self.tasks[ti].numbers -= gone.len() as u64;
                // The store forgets the imported ones among them (the scenario's own list is
                // the engine's alone).
                let tels: Vec<String> = gone
                    .iter()
                    .filter_map(|(_, tel)| tel.map(|t| t.to_string()))
                    .collect();
                let r = self.platform.delete_task_tel(id, &tels);
                (
                    r.is_ok(),
                    format!("{} ({} numbers removed)", r.message, gone.len()),
                )
            }
            K::DeleteTask => {
                let r = self.platform.delete_task(id);
                if r.is_ok() {
                    let t = &mut self.tasks[ti];
                    t.running = false;
                    t.ended = true;
                    let left = t.drop_fresh();
                    t.numbers -= left;
                }
                (r.is_ok(), r.message)
            }
        };
        let now_s = self.now as f64 / 1000.0;
        self.tasks[ti].actions.push(ActionRecord {
            at_s: now_s,
            action: format!("{:?}", a.action),
            accepted: outcome.0,
            message: outcome.1,
        });
        self.maybe_finish(ti);
    }

    /// The task runs (again): agents claimed, warm-up when it is a first start or IsRewarm.
    fn begin_running(&mut self, ti: usize, warm: bool) {
        let first = !self.tasks[ti].started;
        self.claim_agents(ti);
        let now = self.now;
        let t = &mut self.tasks[ti];
        t.running = true;
        t.started = true;
        t.paused_by_min = false;
        if let Some(p) = t.pauses.last_mut()
            && p.resumed_at_s.is_none()
        {
            p.resumed_at_s = Some(now as f64 / 1000.0);
        }
        let rewarm = warm && (first || t.req.rewarm);
        if rewarm {
            t.warm_until = now + t.warm_ms;
        }
        t.pacer.restarted(rewarm);
        // An open-loop pacer's arrivals begin with the task's first start.
        if first && let Some(gap) = t.pacer.next_arrival_ms() {
            self.q
                .push(SimTime(now + gap), Ev::Arrival { task: ti as u16 });
        }
        if !t.ticking {
            t.ticking = true;
            self.q.push(SimTime(now), Ev::Tick { task: ti as u16 });
        }
        self.check_min_available(ti);
    }

    fn resume_after_pause(&mut self, ti: usize) {
        let id = self.tasks[ti].platform_id;
        let waiting = self
            .platform
            .task(id)
            .is_some_and(|r| r.status == TaskStatus::Paused && r.paused_until.is_some());
        if !waiting || self.tasks[ti].running {
            return;
        }
        let r = self.platform.start_task(
            id,
            self.at(),
            StatusTrigger::System,
            "PauseDuration elapsed",
        );
        if r.is_ok() {
            self.begin_running(ti, true);
        }
    }

    /// UpdateTask accepted: the task runs on with the new parameters.
    fn apply_update(&mut self, ti: usize, new: crate::request::CreateTask) {
        let hours = self.calling_hours(&new);
        let prompt_s = new
            .customer_voice
            .as_deref()
            .and_then(|v| self.sc.enterprise.voice(v))
            .map(|v| v.duration_s)
            .unwrap_or(0.0);
        let t = &mut self.tasks[ti];
        if t.pacer_name == "platform" {
            t.pacer = Box::new(pacing::PlatformPacer::new(&new, prompt_s));
            t.pacer.restarted(false);
        }
        t.concurrency = new.concurrency;
        t.draining = t.in_progress;
        t.customer_timeout_ms = u64::from(new.customer_timeout_s) * 1000;
        t.agent_timeout_ms = u64::from(new.agent_timeout_s) * 1000;
        t.wrapup_cap_ms = u64::from(new.wrapup_s) * 1000;
        t.prompt_ms = ms(prompt_s);
        t.min_available = new.min_available_agents;
        t.rewarm = new.rewarm;
        t.warm_ms = u64::from(new.warm_up_s) * 1000;
        t.hours = hours;
        t.retry_delays_ms = basic_retry_delays(&new);
        t.retry_from_first = new.retry_time_type == crate::request::RetryTimeType::FromFirstCall;
        t.req = new;
        self.check_min_available(ti);
    }

    /// A task starts: its agents that are in no running task join it (an idle agent at once,
    /// a busy one when its wrap-up ends). The platform store has already checked that none is
    /// in another running task.
    fn claim_agents(&mut self, ti: usize) {
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

    fn auto_stop(&mut self, ti: usize) {
        let force = self.tasks[ti].req.force_end;
        let (id, at) = (self.tasks[ti].platform_id, self.at());
        if force {
            self.platform
                .end_task(id, at, "AutoStop with ForceEndFlag: ended whatever is left");
            let t = &mut self.tasks[ti];
            t.ended = true;
            t.running = false;
            t.paused_by_min = false;
            // Whatever is left is finished now: never-called numbers and waiting retries.
            let left = t.drop_fresh() + t.retry_future.len() as u64 + t.retry_ready.len() as u64;
            t.retry_future.clear();
            t.retry_ready.clear();
            t.fates.task_ended += left;
            t.done_numbers += left;
        } else if self.tasks[ti].running || self.tasks[ti].paused_by_min {
            self.platform.pause_task(
                id,
                0,
                at,
                StatusTrigger::System,
                "AutoStop: paused at the stop time",
            );
            let now_s = self.now as f64 / 1000.0;
            let t = &mut self.tasks[ti];
            t.running = false;
            t.paused_by_min = false;
            t.pauses.push(PauseRecord {
                at_s: now_s,
                resumed_at_s: None,
                cause: "AutoStop".into(),
            });
        }
    }

    /// Midnight: RetryStrategyOnlyToday, and every agent's daily call count starts again.
    fn day_end(&mut self) {
        use crate::request::RetryOnlyToday as R;
        for ti in 0..self.tasks.len() {
            let rule = self.tasks[ti].req.retry_only_today;
            let t = &mut self.tasks[ti];
            if !t.started || t.ended {
                continue;
            }
            let mut dropped = 0;
            if matches!(rule, R::DropBoth | R::DropRetries) {
                // A waiting retry's number has had `attempt` attempts.
                let waiting: Vec<u32> = t
                    .retry_future
                    .iter()
                    .map(|x| x.3)
                    .chain(t.retry_ready.iter().map(|x| x.3))
                    .collect();
                for attempt in waiting {
                    t.count_attempts(attempt as usize, 1);
                }
                dropped += t.retry_future.len() as u64 + t.retry_ready.len() as u64;
                t.retry_future.clear();
                t.retry_ready.clear();
            }
            if matches!(rule, R::DropBoth | R::DropNeverCalled) {
                let left = t.drop_fresh();
                t.count_attempts(0, left);
                dropped += left;
            }
            t.fates.dropped_at_day_end += dropped;
            self.numbers_done(ti, dropped);
            self.maybe_finish(ti);
        }
        for a in 0..self.agents.len() {
            self.day_calls[a] = 0;
            if self.capped[a] {
                self.capped[a] = false;
                let ag = &mut self.agents[a];
                if ag.task != u16::MAX && ag.state == AgentState::Break && !ag.on_break {
                    let ti = usize::from(ag.task);
                    self.tasks[ti].available += 1;
                    self.enter_idle(a as u32);
                    self.dispatch(ti);
                    self.check_min_available(ti);
                }
            }
        }
        let next = self.clock.next_midnight(self.now);
        if next < self.end {
            self.q.push(SimTime(next), Ev::DayEnd);
        }
    }

    fn record(&self, call: u32) -> CallRecord {
        let c = &self.calls[call as usize];
        let ti = usize::from(c.task);
        let opt = |t: u64| (t != NONE_TIME).then_some(t);
        let bridged = c.bridged_at != NONE_TIME;
        let status = if c.fate != Fate::Answer {
            40
        } else if bridged {
            43
        } else if c.agent_missed {
            42
        } else {
            41
        };
        let waited_from = if c.search_at > 0 || c.answered_at == 0 {
            c.search_at
        } else {
            c.answered_at
        };
        CallRecord {
            task_id: self.tasks[ti].platform_id,
            task_name: self.sc.tasks[ti].request.name.clone(),
            number: c.number,
            backup: c.backup,
            attempt: c.attempt,
            clid: (c.clid != u16::MAX)
                .then(|| {
                    self.tasks[ti]
                        .clids
                        .get(usize::from(c.clid))
                        .map(|x| x.0.clone())
                })
                .flatten(),
            status,
            end_reason: c.end_reason,
            start_ms: c.placed_at,
            answer_ms: opt(c.answered_at),
            bridge_ms: opt(c.bridged_at),
            end_ms: self.now,
            wait_ms: (c.fate == Fate::Answer && self.tasks[ti].ttype == TaskType::Predictive).then(
                || {
                    opt(c.bridged_at)
                        .unwrap_or(self.now)
                        .saturating_sub(waited_from)
                },
            ),
            bridge_duration_ms: opt(c.bridged_at).map(|b| self.now - b),
            cno: (bridged && c.agent != NONE)
                .then(|| self.sc.enterprise.agents[c.agent as usize].cno.clone()),
        }
    }

    fn maybe_finish(&mut self, ti: usize) {
        let t = &self.tasks[ti];
        if t.running
            && t.fresh_left == 0
            && t.in_progress == 0
            && t.planned == 0
            && t.retry_future.is_empty()
            && t.retry_ready.is_empty()
            && t.backup_ready.is_empty()
        {
            let id = t.platform_id;
            let auto_complete = self.tasks[ti].req.auto_complete;
            let at = self.at();
            self.tasks[ti].running = false;
            if auto_complete {
                self.platform
                    .end_task(id, at, "AutoComplete: every number finished");
            } else {
                self.platform.pause_task(
                    id,
                    0,
                    at,
                    StatusTrigger::System,
                    "AutoComplete off: every number finished, waiting for imports",
                );
            }
        }
    }

    fn check_min_available(&mut self, ti: usize) {
        let t = &self.tasks[ti];
        if t.ttype == TaskType::Automatic || t.finished_at.is_some() {
            return;
        }
        let short = t.available < t.min_available;
        let (id, at) = (t.platform_id, self.at());
        let now_s = self.now as f64 / 1000.0;
        if t.running && short {
            let cause = format!(
                "MinAvailableAgentCount: {} available agents < {}",
                t.available, t.min_available
            );
            self.platform
                .pause_task(id, 0, at, StatusTrigger::System, &cause);
            let t = &mut self.tasks[ti];
            t.running = false;
            t.paused_by_min = true;
            t.pauses.push(PauseRecord {
                at_s: now_s,
                resumed_at_s: None,
                cause,
            });
        } else if !t.running && t.paused_by_min && !short {
            let r = self.platform.start_task(
                id,
                at,
                StatusTrigger::System,
                "MinAvailableAgentCount reached again",
            );
            if r.is_ok() {
                let t = &mut self.tasks[ti];
                t.running = true;
                t.paused_by_min = false;
                if let Some(p) = t.pauses.last_mut() {
                    p.resumed_at_s = Some(now_s);
                }
                if t.rewarm {
                    t.warm_until = self.now + t.warm_ms;
                }
                t.pacer.restarted(t.rewarm);
            }
        }
    }

    fn break_start(&mut self, a: u32) {
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

    fn break_end(&mut self, a: u32) {
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

    fn finish(mut self) -> RunResult {
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
            if self.agents[a as usize].task != u16::MAX {
                self.set_agent(a, self.agents[a as usize].state);
            }
        }
        for ti in 0..self.tasks.len() {
            self.lines(ti, 0);
        }
        for c in self.calls.iter().filter(|c| c.state != CallState::Done) {
            let t = &mut self.tasks[usize::from(c.task)];
            match c.state {
                CallState::Planned => {}
                CallState::Ringing => t.counts.ringing_at_end += 1,
                CallState::Prompt
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
                task: (ag.task != u16::MAX).then_some(usize::from(ag.task)),
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
                fates: t.fates,
                attempts: t.attempts.clone(),
                retries_placed: t.retries_placed,
                backup_calls: t.backup_calls,
                actions: t.actions.clone(),
                caller_ids: t
                    .clids
                    .iter()
                    .enumerate()
                    .map(|(k, (name, _, _))| {
                        let (n, a) = t.clid_stats.get(k).copied().unwrap_or((0, 0));
                        (name.clone(), n, a)
                    })
                    .collect(),
                name: self.sc.tasks[i].request.name.clone(),
                task_type: t.ttype,
                pacer: t.pacer_name.clone(),
                counts: t.counts,
                agents: times,
                wait: t.wait,
                idle_gap: t.idle_gap,
                numbers_total: t.numbers,
                numbers_done: t.done_numbers,
                list_finished_at_s: t.finished_at.map(|f| f as f64 / 1000.0),
                max_in_progress: t.max_in_progress,
                concurrency: t.concurrency,
                mean_lines: t.line_ms as f64 / end.max(1) as f64,
                pauses: t.pauses,
                status_changes: rec.map(|r| r.history.clone()).unwrap_or_default(),
                status: rec
                    .map(|r| r.status.code())
                    .unwrap_or(TaskStatus::Initial.code()),
            });
        }
        let talk_area = agents.iter().map(|a| a.times.talking).sum();
        RunResult {
            seed: self.seed,
            duration_ms: end,
            bucket_ms: self.bucket_ms,
            tasks,
            agents,
            buckets: self.buckets,
            events: self.events,
            little: Little {
                talk_area,
                ..self.little
            },
            calls: self.cdr.take().unwrap_or_default(),
        }
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

/// Percentiles in seconds of a result histogram.
pub fn percentiles(h: &Histogram<u64>) -> Percentiles {
    Percentiles::of(h)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_calling_order_is_a_permutation() {
        for n in [1u64, 2, 10, 97, 1000, 4096] {
            let mut seen: Vec<u64> = (0..n).map(|k| permute(k, n, 7)).collect();
            let in_order = seen.iter().enumerate().all(|(i, &x)| i as u64 == x);
            seen.sort_unstable();
            assert_eq!(seen, (0..n).collect::<Vec<_>>(), "n = {n}");
            if n >= 10 {
                assert!(!in_order, "n = {n}: not shuffled");
            }
        }
    }
}
