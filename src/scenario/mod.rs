//! The scenario file (SPEC section 7): an enterprise, a customer population and tasks, each a
//! CreateTask request with its numbers and pacer, plus optional `expect` bounds.
//!
//! Loading is two-step, raw → checked: serde reads the file into [`ScenarioFile`] (a syntax or
//! shape error names file, line, column and JSON path), then [`ScenarioFile::check`] resolves
//! the agents, checks every distribution and validates every task's request against the
//! enterprise, producing a [`Scenario`] whose tasks hold typed [`CreateTask`]s. The engine
//! never sees raw JSON.

use crate::calendar::Window;

mod check;
use crate::dist::Dist;
use crate::enterprise::{Agent, AgentGroup, Enterprise, Ivr, TaskTemplate, TimeCondition, Voice};
pub use crate::pacing::PacerSpec;
use crate::request::{CreateTask, Problem, Warning, validate_with};
use jiff::civil::DateTime;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A scenario as written in the file.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScenarioFile {
    /// Name, echoed in the report.
    pub name: String,
    /// What the scenario shows, for people.
    #[serde(default)]
    pub comment: Option<String>,
    /// Master seed (default 1).
    #[serde(default = "one")]
    pub seed: u64,
    /// Wall-clock start, `yyyy-MM-ddTHH:mm:ss`.
    pub start: String,
    /// Simulated length, seconds.
    pub duration_s: f64,
    /// Replications run by `dialsim check` (and `run` without `--reps`).
    #[serde(default)]
    pub reps: Option<u32>,
    /// Time-series bucket, seconds (default 900).
    #[serde(default)]
    pub bucket_s: Option<u64>,
    /// The enterprise.
    pub enterprise: EnterpriseSpec,
    /// The customer population.
    pub customers: CustomerSpec,
    /// The tasks.
    pub tasks: Vec<TaskSpec>,
    /// Bounds on report values, by dotted path.
    #[serde(default)]
    pub expect: BTreeMap<String, Bound>,
    /// Operator actions at given times, through the platform store (its rules apply).
    #[serde(default)]
    pub actions: Vec<ActionSpec>,
}

fn one() -> u64 {
    1
}

/// `min` and/or `max` on one report value.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, JsonSchema, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Bound {
    /// Lower bound, inclusive.
    #[serde(default)]
    pub min: Option<f64>,
    /// Upper bound, inclusive.
    #[serde(default)]
    pub max: Option<f64>,
}

/// Agents: a list, or a count with the first agent number.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum AgentsSpec {
    /// `[{"cno": "1000"}, ...]`.
    List(Vec<Agent>),
    /// `{"count": 50, "first_cno": 1000}`.
    Count {
        /// How many.
        count: u32,
        /// The first agent number; the others follow.
        first_cno: u64,
    },
}

/// How agents behave.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AgentBehaviour {
    /// Talk time, seconds (used when the customers give none).
    #[serde(default = "default_talk")]
    pub talk_s: Dist,
    /// Actual after-call work, seconds, capped by the task's Wrapup.
    #[serde(default = "default_wrapup")]
    pub wrapup_s: Dist,
    /// Delay before the agent picks up the agent leg, seconds.
    #[serde(default = "default_answer_delay")]
    pub answer_delay_s: Dist,
    /// Probability that the agent picks up at all (else AgentTimeout runs out).
    #[serde(default = "one_f")]
    pub answer_probability: f64,
}

fn default_talk() -> Dist {
    Dist::Named(crate::dist::NamedDist::Lognormal {
        mean: 180.0,
        sd: 90.0,
    })
}
fn default_wrapup() -> Dist {
    Dist::constant(20.0)
}
fn default_answer_delay() -> Dist {
    Dist::constant(1.0)
}
fn one_f() -> f64 {
    1.0
}

impl Default for AgentBehaviour {
    fn default() -> Self {
        AgentBehaviour {
            talk_s: default_talk(),
            wrapup_s: default_wrapup(),
            answer_delay_s: default_answer_delay(),
            answer_probability: 1.0,
        }
    }
}

/// The enterprise as written.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EnterpriseSpec {
    /// EnterpriseId.
    pub id: u64,
    /// Agents.
    pub agents: AgentsSpec,
    /// Outbound groups.
    #[serde(default)]
    pub agent_groups: Vec<AgentGroup>,
    /// Agent behaviour.
    #[serde(default)]
    pub agent_behaviour: AgentBehaviour,
    /// IVRs.
    #[serde(default)]
    pub ivrs: Vec<Ivr>,
    /// Voice files.
    #[serde(default)]
    pub voices: Vec<Voice>,
    /// Time conditions.
    #[serde(default)]
    pub time_conditions: Vec<TimeCondition>,
    /// Task templates.
    #[serde(default)]
    pub templates: Vec<TaskTemplate>,
    /// Send a call to the task's IVR when the agent does not answer (enterprise setting).
    #[serde(default)]
    pub overflow_on_agent_no_answer: bool,
    /// Agent breaks: while on break an agent is not available (MinAvailableAgentCount).
    #[serde(default)]
    pub breaks: Vec<BreakSpec>,
    /// Daily shifts: outside them an agent is logged out (not available, no calls, and its
    /// time does not count in utilisation). Agents in no shift are logged in throughout.
    #[serde(default)]
    pub shifts: Vec<ShiftSpec>,
    /// Random breaks: each agent takes breaks at random times (gaps between breaks and their
    /// lengths from the given distributions, drawn from the agent's own stream).
    #[serde(default)]
    pub random_breaks: Vec<RandomBreakSpec>,
    /// Start of shift as it happens: the agents log in one by one, evenly over the first
    /// `login_ramp_s` seconds of the run, in their order (the first at once), instead of all
    /// being idle at the first instant.
    #[serde(default)]
    pub login_ramp_s: Option<f64>,
    /// Caller-id groups for CustomerClidsCategory 4 (number pool) and 5 (navigation).
    #[serde(default)]
    pub clid_groups: Vec<ClidGroup>,
}

/// Random breaks of some agents.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RandomBreakSpec {
    /// The agents (empty: every agent).
    #[serde(default)]
    pub cnos: Vec<String>,
    /// Time from the end of one break (or the start) to the next, seconds (at least 1 s).
    pub every_s: Dist,
    /// Length of a break, seconds (at least 1 s).
    pub duration_s: Dist,
}

/// An operation an operator performs during the run.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ActionSpec {
    /// When, seconds since the start (or give `at`).
    #[serde(default)]
    pub at_s: Option<f64>,
    /// When, as a wall-clock time `yyyy-MM-ddTHH:mm:ss` (or give `at_s`).
    #[serde(default)]
    pub at: Option<String>,
    /// The task, by its Name (task actions give this or `task_id`; agent actions neither).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub task: String,
    /// The task, by the TaskId the platform store gave it when it was created (tasks are
    /// numbered in creation order from the store's first id), instead of its Name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub task_id: Option<u64>,
    /// The platform operation.
    pub action: ActionKind,
    /// Its parameters: PauseTask `PauseDuration` (minutes, 0 = until started again);
    /// UpdateTask any CreateTask parameter but Type, CallGroupType, TemplateName, AutoDelete;
    /// ImportTaskTel `count` (synthetic phone numbers: the k-th task's, from 0, start at
    /// 13 000 000 000 + k × 100 000 000 and each import goes on from the one before),
    /// `duplicates` (numbers of the batch that repeat another), or
    /// `numbers` (the batch's phone numbers as strings, instead of `count` synthetic ones),
    /// `Priority` (0–999999, larger first), `IsRepeat` (0–3), `ImportTelAutoStart` (0/1);
    /// DeleteTaskTel `count` (never-called numbers removed, the last imported first) or
    /// `tels` (these phone numbers, those not called yet); AgentLogin and AgentLogout `Cno`.
    #[serde(default)]
    pub params: Map<String, Value>,
}

/// The sibling operations an action may perform.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum ActionKind {
    /// Start (or resume) the task.
    StartTask,
    /// Pause it, for `PauseDuration` minutes or until started again.
    PauseTask,
    /// Change its parameters.
    UpdateTask,
    /// Import a batch of numbers.
    ImportTaskTel,
    /// Remove numbers not yet called.
    DeleteTaskTel,
    /// Delete the task (only before it starts or after it ended).
    DeleteTask,
    /// An agent (`params.Cno`) logs in: available again once no break or shift holds it.
    AgentLogin,
    /// An agent (`params.Cno`) logs out: not available (a call in progress ends first).
    AgentLogout,
}

impl ActionKind {
    /// Whether the action names an agent rather than a task.
    pub fn is_agent(self) -> bool {
        matches!(self, ActionKind::AgentLogin | ActionKind::AgentLogout)
    }
}

/// A share of customers with an area code.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AreaCodeShare {
    /// The area code, e.g. "010".
    pub code: String,
    /// Share of the numbers, 0..=1.
    pub share: f64,
}

/// Answer-probability multipliers by the caller id shown.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CallerIdEffect {
    /// A fixed-line caller id of the customer's own area code (default 1).
    #[serde(default = "one_f")]
    pub local: f64,
    /// A fixed-line caller id of another area code (default 1).
    #[serde(default = "one_f")]
    pub remote: f64,
    /// A mobile caller id, or one whose area code is unknown (default 1).
    #[serde(default = "one_f")]
    pub mobile: f64,
    /// Per caller id, overriding the above.
    #[serde(default)]
    pub by_clid: std::collections::BTreeMap<String, f64>,
}

/// A caller-id group (number pool or navigation) that CustomerClidsGroup names.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ClidGroup {
    /// The group's id, as CustomerClidsGroup names it.
    pub id: String,
    /// Its caller ids.
    pub clids: Vec<String>,
}

/// A daily shift.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ShiftSpec {
    /// The agents (empty: every agent).
    #[serde(default)]
    pub cnos: Vec<String>,
    /// Log-in time, HH:mm, every day.
    pub login: String,
    /// Log-out time, HH:mm, the same day (after the log-in).
    pub logout: String,
}

impl ShiftSpec {
    /// Log-in and log-out as minutes of the day, or the rule broken.
    pub fn minutes(&self) -> Result<(u32, u32), String> {
        let m = |s: &str| -> Result<u32, String> {
            let (h, mm) = s
                .split_once(':')
                .ok_or_else(|| format!("{s:?} is not HH:mm"))?;
            match (h.parse::<u32>(), mm.parse::<u32>()) {
                (Ok(h), Ok(mm)) if h <= 24 && mm < 60 && h * 60 + mm <= 1440 => Ok(h * 60 + mm),
                _ => Err(format!("{s:?} is not a time of day HH:mm")),
            }
        };
        let (a, b) = (m(&self.login)?, m(&self.logout)?);
        if a >= b {
            return Err(format!(
                "login {} must be before logout {}",
                self.login, self.logout
            ));
        }
        Ok((a, b))
    }
}

/// A break taken by some agents.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BreakSpec {
    /// The agents.
    pub cnos: Vec<String>,
    /// Start, seconds since the scenario start (a busy agent goes after the wrap-up).
    pub start_s: f64,
    /// Length, seconds.
    pub duration_s: f64,
}

/// The customers.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CustomerSpec {
    /// Probability that a ringing customer answers (before CustomerTimeout).
    pub answer_probability: f64,
    /// The customers' area codes: shares of the population (the rest have none known). A
    /// number keeps its area code over every attempt.
    #[serde(default)]
    pub area_codes: Vec<AreaCodeShare>,
    /// How the caller id shown changes the answer probability.
    #[serde(default)]
    pub caller_id_effect: Option<CallerIdEffect>,
    /// Optional 24 values, one per hour of day, replacing `answer_probability` in that hour.
    #[serde(default)]
    pub answer_probability_by_hour: Option<Vec<f64>>,
    /// Optional: 24 multipliers of patience by hour of day (customers are more patient in
    /// the evening, say).
    #[serde(default)]
    pub patience_scale_by_hour: Option<Vec<f64>>,
    /// Optional: 24 multipliers of talk time by hour of day.
    #[serde(default)]
    pub talk_scale_by_hour: Option<Vec<f64>>,
    /// Probability that the line is busy.
    #[serde(default)]
    pub busy_probability: f64,
    /// Probability that the number is invalid (empty number).
    #[serde(default)]
    pub invalid_probability: f64,
    /// Probability that the number cannot be reached (switched off, out of area).
    #[serde(default)]
    pub unreachable_probability: f64,
    /// Time from ringing to answer, seconds (answers later than CustomerTimeout are no-answers).
    pub time_to_answer_s: Dist,
    /// Patience after answer while hearing silence, seconds.
    pub patience_s: Dist,
    /// Patience while hearing CustomerMoh (default: `patience_s`).
    #[serde(default)]
    pub patience_moh_s: Option<Dist>,
    /// Talk time; `null` uses the agents' talk time.
    #[serde(default)]
    pub talk_s: Option<Dist>,
    /// Whether a customer who would answer after CustomerTimeout still answers (default
    /// false: the platform stops ringing at CustomerTimeout and the call is a no-answer). The
    /// reference model dialer-ref v1 does not truncate answers.
    #[serde(default)]
    pub answers_after_timeout: bool,
    /// The customer's greeting after answering ("Hello?"), seconds: where an abandon clock of
    /// `greeting_end` starts. Drawn last from the number's stream, so giving it changes no
    /// other draw. None: no greeting (the clock starts at the answer).
    #[serde(default)]
    pub greeting_s: Option<Dist>,
    /// Share of answers that are answering machines (0 to 1, default 0).
    #[serde(default)]
    pub machine_share: f64,
    /// Optional 24 values, one per hour of day, replacing `machine_share` in that hour.
    #[serde(default)]
    pub machine_share_by_hour: Option<Vec<f64>>,
    /// How long an answering machine keeps the line (its greeting, the beep and the longest
    /// message it records), seconds; default 20. An undetected machine that reaches an agent
    /// holds the agent for it; one left waiting hangs up when it ends.
    #[serde(default)]
    pub machine_message_s: Option<Dist>,
}

/// What a task's answering-machine detection does (scenario `tasks[i].amd`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AmdSpec {
    /// How long detection needs after the customer's greeting (`customers.greeting_s`; with
    /// none, after the answer) before it decides, seconds (default 3): the customer hears
    /// silence meanwhile.
    #[serde(default = "default_amd_detection")]
    pub detection_s: Dist,
    /// Share of machines detected (default 0.9).
    #[serde(default = "default_amd_tp")]
    pub true_positive: f64,
    /// Share of live people taken for a machine and hung up on (default 0.03).
    #[serde(default = "default_amd_fp")]
    pub false_positive: f64,
    /// What a detected machine gets: `hang_up` (default), or `message` (a Type 2 task plays
    /// its IVR message to the machine, which records it).
    #[serde(default)]
    pub on_detect: AmdAction,
}

fn default_amd_detection() -> Dist {
    Dist::Bare(3.0)
}
fn default_amd_tp() -> f64 {
    0.9
}
fn default_amd_fp() -> f64 {
    0.03
}

/// What a detected machine gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum AmdAction {
    /// The dialer hangs up.
    #[default]
    HangUp,
    /// A Type 2 task plays its IVR message to the machine.
    Message,
}

/// A task's numbers.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum NumbersSpec {
    /// `{"count": N}`: N synthetic numbers.
    Count {
        /// How many.
        count: u64,
        /// Backup numbers per number (0..=8, the platform's BackupTels), dialled in turn when
        /// the main number's attempt fails.
        #[serde(default)]
        backup_tels: u32,
    },
    /// `{"file": "list.csv"}`: one number per line (first column), relative to the scenario.
    File {
        /// Path.
        file: PathBuf,
    },
}

fn default_pacer() -> PacerSpec {
    PacerSpec::Platform
}

/// One task of the scenario.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TaskSpec {
    /// The CreateTask request, exactly as it would be sent.
    pub request: Map<String, Value>,
    /// Its numbers.
    pub numbers: NumbersSpec,
    /// Its pacer.
    #[serde(default = "default_pacer")]
    pub pacer: PacerSpec,
    /// How its abandon rate is defined and judged (see [`crate::abandon`]); none: the
    /// platform's 2-second rule over the whole run only.
    #[serde(default)]
    pub abandon: Option<crate::abandon::AbandonDefinition>,
    /// Answering-machine detection for the task's calls; none: no detection (machines are
    /// answered like people).
    #[serde(default)]
    pub amd: Option<AmdSpec>,
    /// When the task is created through the platform store, seconds since the start. None:
    /// at the start, and started at once (unless its AutoStart is later). Given: the task
    /// does not exist before then, and once created it waits in status 0 for a StartTask
    /// action or its AutoStart, as a task created through the API does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at_s: Option<f64>,
}

/// A checked task: typed request, number count, pacer.
#[derive(Debug, Clone)]
pub struct Task {
    /// The validated request.
    pub request: CreateTask,
    /// How many numbers.
    pub numbers: u64,
    /// The pacer.
    pub pacer: PacerSpec,
    /// The agents (indices into `Scenario::enterprise.agents`).
    pub agents: Vec<u32>,
    /// Backup numbers per number.
    pub backup_tels: u32,
    /// Its abandon-rate definition, if the scenario gives one.
    pub abandon: Option<crate::abandon::AbandonDefinition>,
    /// Its answering-machine detection, if any.
    pub amd: Option<AmdSpec>,
    /// When it is created, if not at the start (see [`TaskSpec::created_at_s`]).
    pub created_at_s: Option<f64>,
}

/// A checked scenario, ready for the engine.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// The file as written (for echoing and sweeps).
    pub file: ScenarioFile,
    /// The resolved enterprise.
    pub enterprise: Enterprise,
    /// Start time.
    pub start: DateTime,
    /// The tasks.
    pub tasks: Vec<Task>,
    /// Warnings of every task's request, with their paths.
    pub warnings: Vec<(String, Warning)>,
    /// The enterprise's time conditions, compiled for this scenario's calendar: (id, window).
    pub windows: Vec<(u64, Window)>,
}

impl Scenario {
    /// The compiled window of time condition `id` (None: the enterprise has no such id).
    pub fn window(&self, id: u64) -> Option<Window> {
        self.windows
            .iter()
            .find(|(x, _)| *x == id)
            .map(|(_, w)| w.clone())
    }
}

/// Why a scenario cannot run.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ScenarioError {
    /// The file cannot be read.
    #[error("{path}: cannot read: {source}")]
    Io {
        /// File.
        path: String,
        /// Cause.
        source: std::io::Error,
    },
    /// Not JSON, or the wrong shape.
    #[error("{path}:{line}:{column}: at {json_path}: {message}")]
    Syntax {
        /// File.
        path: String,
        /// Line, from 1.
        line: usize,
        /// Column, from 1.
        column: usize,
        /// JSON path of the field.
        json_path: String,
        /// What is wrong.
        message: String,
    },
    /// Shape fine, values wrong (every problem listed).
    #[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
    Invalid(Vec<ScenarioProblem>),
}

/// One problem in a scenario's values.
#[derive(Debug, Clone, PartialEq)]
pub struct ScenarioProblem {
    /// `file:line:col` where known, else the file.
    pub location: String,
    /// JSON path, e.g. `tasks[0].request.Quotiety`.
    pub json_path: String,
    /// What is wrong (for requests, the validator's problem).
    pub message: String,
    /// The request problem, when it is one.
    pub request_problem: Option<Problem>,
}

impl std::fmt::Display for ScenarioProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: at {}: {}",
            self.location, self.json_path, self.message
        )
    }
}

/// Read and check a scenario file.
pub fn load(path: &Path) -> Result<Scenario, ScenarioError> {
    let text =
        crate::limits::read_capped(path, crate::limits::MAX_INPUT_BYTES).map_err(|source| {
            ScenarioError::Io {
                path: path.display().to_string(),
                source,
            }
        })?;
    // A byte-order mark is not part of the JSON.
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let file = parse(text, &path.display().to_string())?;
    file.check(text, path)
}

/// Parse scenario text (syntax and shape only).
pub fn parse(text: &str, name: &str) -> Result<ScenarioFile, ScenarioError> {
    let de = &mut serde_json::Deserializer::from_str(text);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let json_path = e.path().to_string();
        let inner = e.into_inner();
        ScenarioError::Syntax {
            path: name.to_string(),
            line: inner.line(),
            column: inner.column(),
            json_path,
            message: crate::pacing::with_nearest_field(&inner.to_string()),
        }
    })
}

/// Best-effort `line:col` of a key inside the n-th task's request in the source text.
pub(crate) fn locate(text: &str, task: usize, key: &str) -> Option<(usize, usize)> {
    let mut from = 0;
    for _ in 0..=task {
        from += text[from..].find("\"request\"")? + 1;
    }
    let at = from + text[from..].find(&format!("\"{key}\""))?;
    let line = text[..at].matches('\n').count() + 1;
    let col = at - text[..at].rfind('\n').map(|i| i + 1).unwrap_or(0) + 1;
    Some((line, col))
}

/// Count the numbers in a list file: non-empty lines whose first column is 3 to 19 digits
/// (a header line is allowed); any other line is an error naming it. Read as a stream, at most
/// [`crate::limits::MAX_NUMBER_FILE_BYTES`], and refused past the platform's numbers per task.
pub(crate) fn count_numbers(path: &Path) -> Result<u64, String> {
    use std::io::{BufRead, Read};
    let cap = crate::limits::MAX_NUMBER_FILE_BYTES;
    let file = std::fs::File::open(path)
        .map_err(|e| format!("cannot read number list {}: {e}", path.display()))?;
    let mut reader = std::io::BufReader::new(file.take(cap + 1));
    let (mut n, mut read, mut line) = (0u64, 0u64, String::new());
    for i in 0.. {
        line.clear();
        let got = reader
            .read_line(&mut line)
            .map_err(|e| format!("{}:{}: cannot read: {e}", path.display(), i + 1))?;
        if got == 0 {
            break;
        }
        read += got as u64;
        if read > cap {
            return Err(format!(
                "{}: larger than {} MiB, the most dialsim reads",
                path.display(),
                cap >> 20
            ));
        }
        let first = line.split([',', ';', '\t']).next().unwrap_or("").trim();
        if first.is_empty() || (i == 0 && !first.bytes().all(|b| b.is_ascii_digit())) {
            continue;
        }
        if crate::platform::Tel::parse(first).is_none() {
            return Err(format!(
                "{}:{}: {first:?} is not a phone number of 3 to 19 digits",
                path.display(),
                i + 1
            ));
        }
        n += 1;
        if n > crate::platform::MAX_TASK_NUMBERS as u64 {
            return Err(format!(
                "{}: more than {} numbers, the platform's most per task",
                path.display(),
                crate::platform::MAX_TASK_NUMBERS
            ));
        }
    }
    Ok(n)
}

/// The scenario JSON Schema.
pub fn schema() -> Value {
    serde_json::to_value(schemars::schema_for!(ScenarioFile)).unwrap_or(Value::Null)
}
