//! What one run measured: the engine's output, read by the report. Plain data; nothing here
//! reaches back into the engine.

use crate::metrics::{Bucket, CallCounts, Percentiles, StateTimes};
use crate::request::TaskType;
use hdrhistogram::Histogram;

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
    /// The platform's IsRealAnswer: a person answered (true), a machine (false); none when
    /// nobody answered.
    pub real_answer: Option<bool>,
    /// The SIP cause of the attempt: 200 answered, 480 no answer, 486 busy, 404 invalid
    /// number, 503 unreachable.
    pub sip_cause: u16,
    /// The phone number dialled, when the number came from a list of phone numbers
    /// (ImportTaskTel `numbers`); none for the scenario's synthetic numbers.
    pub tel: Option<String>,
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
    /// The abandon rate under the task's definition (see [`crate::abandon::summary`]), when
    /// the scenario gives one.
    pub abandon: Option<serde_json::Value>,
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

/// Percentiles in seconds of a result histogram.
pub fn percentiles(h: &Histogram<u64>) -> Percentiles {
    Percentiles::of(h)
}
