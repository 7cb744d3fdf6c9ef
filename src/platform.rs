//! The platform store: an in-memory enterprise with its tasks and numbers, and the
//! platform's operations on it (CreateTask, StartTask, PauseTask, UpdateTask, ImportTaskTel,
//! DeleteTaskTel, DeleteTask), each answering in the API's response shape.
//!
//! Rules kept here (SPEC section 3): at most [`MAX_TASKS`] tasks and [`MAX_NUMBERS`] numbers
//! per enterprise, [`MAX_BATCH`] per import and [`MAX_TASK_NUMBERS`] per task; a call that
//! would pass a limit fails whole and changes nothing. AutoDelete deletes the
//! earliest-created ended task. Status runs 0 initial → 1 running ⇄ 2 paused → 3 ended
//! (terminal), each change recorded with who made it. An agent is in at most one running task;
//! a group runs one task at a time. The store never reads a clock: every operation is given
//! the (simulated) time at which it happens.

use crate::enterprise::Enterprise;
use crate::request::{
    ApiResponse, CallGroupType, Code, CreateTask, DedupMode, ErrorCode, StatusTrigger, TaskData,
    TaskFacts, TaskStatus, TaskType, response::request_id, validate,
};
use jiff::civil::DateTime;
use serde::Serialize;
use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, HashSet};

/// Most tasks per enterprise.
pub const MAX_TASKS: usize = 100;
/// Most numbers per enterprise, over all tasks.
pub const MAX_NUMBERS: u64 = 10_000_000;
/// Most numbers per task.
pub const MAX_TASK_NUMBERS: usize = 1_000_000;
/// Most numbers per import batch.
pub const MAX_BATCH: usize = 100_000;
/// Most backup numbers per number.
pub const MAX_BACKUP_TELS: usize = 8;
/// Parameters UpdateTask may not change.
pub const IMMUTABLE: &[&str] = &["Type", "CallGroupType", "TemplateName", "AutoDelete"];

/// A phone number packed into 9 bytes of digits and length (leading zeros kept).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Tel {
    digits: u64,
    len: u8,
}

impl Tel {
    /// Parse 3 to 19 digits.
    pub fn parse(text: &str) -> Option<Tel> {
        let ok = (3..=19).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_digit());
        Some(Tel {
            digits: if ok { text.parse().ok()? } else { return None },
            len: text.len() as u8,
        })
    }
}

impl std::fmt::Display for Tel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:0width$}", self.digits, width = usize::from(self.len))
    }
}

/// One imported number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NumberEntry {
    /// The number.
    pub tel: Tel,
    /// Batch priority, 0–999 999, larger first.
    pub priority: u32,
    /// Import order (batch sequence), for "by import time".
    pub batch: u32,
}

/// A task's numbers, stored compactly; backup numbers only where there are some.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NumberList {
    /// Main numbers in import order.
    pub entries: Vec<NumberEntry>,
    /// Backup numbers by index into `entries`.
    pub backups: BTreeMap<u32, Vec<Tel>>,
}

/// A status change with its cause.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StatusChange {
    /// When, `yyyy-MM-dd HH:mm:ss`.
    pub at: String,
    /// New status code.
    pub status: i64,
    /// 0 system, 1 person.
    pub trigger: i64,
    /// Why, in words.
    pub cause: String,
}

/// A task as the platform keeps it.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskRecord {
    /// Task id.
    pub id: u64,
    /// The validated request, as updated since.
    pub task: CreateTask,
    /// Current status.
    pub status: TaskStatus,
    /// Every status change, oldest first.
    pub history: Vec<StatusChange>,
    /// Its numbers.
    pub numbers: NumberList,
    /// When created.
    pub created: DateTime,
    /// When first started.
    pub started: Option<DateTime>,
    /// When ended.
    pub ended: Option<DateTime>,
    /// A PauseTask with PauseDuration resumes by itself at this time.
    pub paused_until: Option<DateTime>,
}

/// One import batch (ImportTaskTel).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ImportBatch {
    /// Numbers with up to 8 backup numbers each.
    pub numbers: Vec<(String, Vec<String>)>,
    /// Batch priority 0–999 999.
    pub priority: u32,
    /// IsRepeat dedup mode (default within the task).
    pub dedup: Option<DedupMode>,
    /// ImportTelAutoStart: start the task after importing.
    pub auto_start: bool,
}

/// The enterprise's tasks and numbers.
#[derive(Debug, Clone)]
pub struct Platform {
    /// The enterprise (agents, groups, IVRs, …).
    pub enterprise: Enterprise,
    tasks: BTreeMap<u64, TaskRecord>,
    next_id: u64,
    numbers_total: u64,
    seq: u64,
    /// Call records kept per task id; they outlive DeleteTask.
    pub call_records: BTreeMap<u64, u64>,
}

/// A response whose Data is a small JSON object.
pub type OpResponse = ApiResponse<Value>;

/// A platform time stamp, `yyyy-MM-dd HH:mm:ss`.
pub(crate) fn fmt_time(t: DateTime) -> String {
    t.strftime("%Y-%m-%d %H:%M:%S").to_string()
}

impl Platform {
    /// An enterprise with no tasks.
    pub fn new(enterprise: Enterprise) -> Platform {
        Platform {
            enterprise,
            tasks: BTreeMap::new(),
            next_id: 1,
            numbers_total: 0,
            seq: 0,
            call_records: BTreeMap::new(),
        }
    }

    fn rid(&mut self, what: &str) -> String {
        self.seq += 1;
        request_id(self.seq, what)
    }

    /// All tasks, by id.
    pub fn tasks(&self) -> impl Iterator<Item = &TaskRecord> {
        self.tasks.values()
    }

    /// One task.
    pub fn task(&self, id: u64) -> Option<&TaskRecord> {
        self.tasks.get(&id)
    }

    /// Numbers held by all tasks.
    pub fn numbers_total(&self) -> u64 {
        self.numbers_total
    }

    /// CreateTask.
    pub fn create_task(&mut self, raw: &Map<String, Value>, at: DateTime) -> ApiResponse {
        let rid = self.rid("CreateTask");
        let v = validate(raw, Some(&self.enterprise));
        let Some(task) = v.task else {
            return ApiResponse::invalid(rid, &v.problems);
        };
        if self.tasks.len() >= MAX_TASKS {
            let oldest_ended = self
                .tasks
                .values()
                .filter(|t| t.status == TaskStatus::Ended)
                .min_by_key(|t| (t.created, t.id))
                .map(|t| t.id);
            match (task.auto_delete, oldest_ended) {
                (true, Some(id)) => self.remove(id),
                (true, None) => {
                    return ApiResponse::error(
                        rid,
                        ErrorCode::TaskLimitExceeded,
                        format!(
                            "the enterprise has {MAX_TASKS} tasks, the limit, and AutoDelete=1 found no ended task to delete"
                        ),
                    );
                }
                (false, _) => {
                    return ApiResponse::error(
                        rid,
                        ErrorCode::TaskLimitExceeded,
                        format!(
                            "the enterprise has {MAX_TASKS} tasks, the limit; delete an ended task or pass AutoDelete=1"
                        ),
                    );
                }
            }
        }
        if self.numbers_total >= MAX_NUMBERS {
            return ApiResponse::error(
                rid,
                ErrorCode::NumberLimitExceeded,
                format!(
                    "the enterprise holds {} numbers, the limit of {MAX_NUMBERS}: a new task could import none",
                    self.numbers_total
                ),
            );
        }
        let id = self.next_id;
        self.next_id += 1;
        let record = TaskRecord {
            id,
            task,
            status: TaskStatus::Initial,
            history: vec![StatusChange {
                at: fmt_time(at),
                status: 0,
                trigger: StatusTrigger::Person.code(),
                cause: "CreateTask".into(),
            }],
            numbers: NumberList::default(),
            created: at,
            started: None,
            ended: None,
            paused_until: None,
        };
        let data = self.data(&record);
        self.tasks.insert(id, record);
        ApiResponse::ok(rid, data)
    }

    /// The `Data` object of a task.
    pub fn data(&self, r: &TaskRecord) -> TaskData {
        let ivr = self
            .enterprise
            .ivr(r.task.ivr_id, r.task.ivr_name.as_deref())
            .map(|i| i.id);
        TaskData::of(
            &r.task,
            &TaskFacts {
                id: r.id,
                status: r.status.code(),
                create_time: fmt_time(r.created),
                start_time: r.started.map(fmt_time),
                over_time: r.ended.map(fmt_time),
                ivr_id: ivr,
            },
        )
    }

    fn remove(&mut self, id: u64) {
        if let Some(t) = self.tasks.remove(&id) {
            self.numbers_total -= t.numbers.entries.len() as u64;
        }
    }

    /// The agents a task uses (its Cnos, or its group's agents).
    pub fn task_agents(&self, task: &CreateTask) -> Vec<String> {
        if task.task_type == TaskType::Automatic {
            return Vec::new();
        }
        match task.call_group_type {
            CallGroupType::AgentList => task.cnos.clone(),
            CallGroupType::AgentGroup => task
                .agent_group
                .as_deref()
                .and_then(|g| self.enterprise.group(g))
                .map(|g| g.cnos.clone())
                .unwrap_or_default(),
        }
    }

    fn not_found(&mut self, op: &str, id: u64) -> OpResponse {
        let rid = self.rid(op);
        ApiResponse::error(
            rid,
            ErrorCode::TaskNotFound,
            format!("{op}: no task {id} in enterprise {}", self.enterprise.id),
        )
    }

    fn set_status(
        &mut self,
        id: u64,
        status: TaskStatus,
        at: DateTime,
        trigger: StatusTrigger,
        cause: &str,
    ) {
        if let Some(t) = self.tasks.get_mut(&id) {
            t.status = status;
            if status == TaskStatus::Running && t.started.is_none() {
                t.started = Some(at);
            }
            if status == TaskStatus::Ended {
                t.ended = Some(at);
            }
            if status != TaskStatus::Paused {
                t.paused_until = None;
            }
            t.history.push(StatusChange {
                at: fmt_time(at),
                status: status.code(),
                trigger: trigger.code(),
                cause: cause.to_string(),
            });
        }
    }

    /// StartTask: initial or paused → running, unless an agent or the group is busy elsewhere.
    pub fn start_task(
        &mut self,
        id: u64,
        at: DateTime,
        trigger: StatusTrigger,
        cause: &str,
    ) -> OpResponse {
        if !self.tasks.contains_key(&id) {
            return self.not_found("StartTask", id);
        }
        let rid = self.rid("StartTask");
        let t = &self.tasks[&id]; // present: checked above
        match t.status {
            TaskStatus::Initial | TaskStatus::Paused => {}
            s => {
                return ApiResponse::error(
                    rid,
                    ErrorCode::InvalidTaskStatus,
                    format!(
                        "StartTask: task {id} is {} (status {}); only an initial (0) or paused (2) task starts{}",
                        s.describe(),
                        s.code(),
                        if s == TaskStatus::Ended {
                            ": an ended task can never start again"
                        } else {
                            ""
                        }
                    ),
                );
            }
        }
        let mine: HashSet<String> = self.task_agents(&t.task).into_iter().collect();
        for other in self
            .tasks
            .values()
            .filter(|o| o.id != id && o.status == TaskStatus::Running)
        {
            if t.task.call_group_type == CallGroupType::AgentGroup
                && other.task.call_group_type == CallGroupType::AgentGroup
                && other.task.agent_group == t.task.agent_group
            {
                return ApiResponse::error(
                    rid,
                    ErrorCode::AgentGroupBusy,
                    format!(
                        "StartTask: agent group {} is running task {}; a group runs one task at a time",
                        t.task.agent_group.clone().unwrap_or_default(),
                        other.id
                    ),
                );
            }
            let mut busy: Vec<String> = self
                .task_agents(&other.task)
                .into_iter()
                .filter(|c| mine.contains(c))
                .collect();
            if !busy.is_empty() {
                busy.sort();
                return ApiResponse::error(
                    rid,
                    ErrorCode::AgentBusy,
                    format!(
                        "StartTask: agents {} are in running task {}; an agent can be in only one running task",
                        busy.join(","),
                        other.id
                    ),
                );
            }
        }
        self.set_status(id, TaskStatus::Running, at, trigger, cause);
        ApiResponse::ok(rid, json!({"Id": id.to_string(), "Status": "1"}))
    }

    /// PauseTask: running → paused; `pause_minutes` > 0 resumes by itself after that long.
    pub fn pause_task(
        &mut self,
        id: u64,
        pause_minutes: u32,
        at: DateTime,
        trigger: StatusTrigger,
        cause: &str,
    ) -> OpResponse {
        if !self.tasks.contains_key(&id) {
            return self.not_found("PauseTask", id);
        }
        let rid = self.rid("PauseTask");
        let t = &self.tasks[&id]; // present: checked above
        if t.status != TaskStatus::Running {
            let s = t.status;
            return ApiResponse::error(
                rid,
                ErrorCode::InvalidTaskStatus,
                format!(
                    "PauseTask: task {id} is {} (status {}); only a running task pauses",
                    s.describe(),
                    s.code()
                ),
            );
        }
        self.set_status(id, TaskStatus::Paused, at, trigger, cause);
        if pause_minutes > 0
            && let Some(t) = self.tasks.get_mut(&id)
        {
            t.paused_until = at
                .checked_add(jiff::SignedDuration::from_mins(i64::from(pause_minutes)))
                .ok();
        }
        ApiResponse::ok(rid, json!({"Id": id.to_string(), "Status": "2"}))
    }

    /// End a task (AutoComplete or AutoStop with ForceEndFlag; there is no StopTask).
    pub fn end_task(&mut self, id: u64, at: DateTime, cause: &str) {
        if self
            .tasks
            .get(&id)
            .is_some_and(|t| t.status != TaskStatus::Ended)
        {
            self.set_status(id, TaskStatus::Ended, at, StatusTrigger::System, cause);
        }
    }

    /// UpdateTask: any create parameter but the immutable ones; the result is validated whole.
    pub fn update_task(&mut self, id: u64, changes: &Map<String, Value>) -> OpResponse {
        if !self.tasks.contains_key(&id) {
            return self.not_found("UpdateTask", id);
        }
        let rid = self.rid("UpdateTask");
        let t = &self.tasks[&id]; // present: checked above
        if t.status == TaskStatus::Ended {
            return ApiResponse::error(
                rid,
                ErrorCode::InvalidTaskStatus,
                format!("UpdateTask: task {id} has ended"),
            );
        }
        let refused: Vec<&str> = IMMUTABLE
            .iter()
            .copied()
            .filter(|k| changes.contains_key(*k))
            .collect();
        if !refused.is_empty() {
            return ApiResponse::error(
                rid,
                ErrorCode::ImmutableParameter,
                format!(
                    "UpdateTask cannot change {} after creation",
                    refused.join(", ")
                ),
            );
        }
        let mut params = t.task.to_params();
        params.remove("TemplateName"); // the template applied at creation; its values are in the task
        params.extend(changes.clone());
        let v = validate(&params, Some(&self.enterprise));
        let Some(new) = v.task else {
            return ApiResponse::invalid(rid, &v.problems);
        };
        // A task's agents are fixed at creation (dialsim defines this: the simulated platform
        // does not move agents between tasks through UpdateTask). Refused, never ignored.
        if new.cnos != t.task.cnos || new.agent_group != t.task.agent_group {
            return ApiResponse::error(
                rid,
                ErrorCode::ImmutableParameter,
                format!(
                    "UpdateTask cannot change the agents of task {id} (Cnos, AgentGroup): dialsim fixes them at creation"
                ),
            );
        }
        if let Some(t) = self.tasks.get_mut(&id) {
            let template = t.task.template_name.clone();
            t.task = CreateTask {
                template_name: template,
                ..new
            };
        }
        ApiResponse::ok(rid, json!({"Id": id.to_string()}))
    }

    /// ImportTaskTel: one batch, deduplicated, within the batch/task/enterprise limits.
    pub fn import_task_tel(&mut self, id: u64, batch: &ImportBatch, at: DateTime) -> OpResponse {
        if !self.tasks.contains_key(&id) {
            return self.not_found("ImportTaskTel", id);
        }
        let rid = self.rid("ImportTaskTel");
        let t = &self.tasks[&id]; // present: checked above
        if t.status == TaskStatus::Ended {
            return ApiResponse::error(
                rid,
                ErrorCode::InvalidTaskStatus,
                format!("ImportTaskTel: task {id} has ended"),
            );
        }
        if batch.numbers.len() > MAX_BATCH {
            return ApiResponse::error(
                rid,
                ErrorCode::NumberLimitExceeded,
                format!(
                    "ImportTaskTel: a batch holds at most {MAX_BATCH} numbers (got {})",
                    batch.numbers.len()
                ),
            );
        }
        if batch.priority > 999_999 {
            return ApiResponse::error(
                rid,
                ErrorCode::InvalidParameter,
                format!(
                    "[InvalidParameter.OutOfRange] Priority = \"{}\": must be from 0 to 999999",
                    batch.priority
                ),
            );
        }
        let mut parsed = Vec::with_capacity(batch.numbers.len());
        let mut bad = Vec::new();
        for (i, (main, backups)) in batch.numbers.iter().enumerate() {
            let tel = Tel::parse(main);
            let b: Option<Vec<Tel>> = backups.iter().map(|x| Tel::parse(x)).collect();
            match (tel, b) {
                (Some(tel), Some(b)) if b.len() <= MAX_BACKUP_TELS => parsed.push((tel, b)),
                _ => bad.push(format!("number {} ({main}): a number is 3 to 19 digits with at most {MAX_BACKUP_TELS} backup numbers", i + 1)),
            }
        }
        if !bad.is_empty() {
            bad.truncate(20);
            return ApiResponse::error(rid, ErrorCode::InvalidParameter, bad.join("\n"));
        }
        let dedup = batch.dedup.unwrap_or(DedupMode::WithinTask);
        let mut seen: HashSet<Tel> = match dedup {
            DedupMode::WithinTask => t.numbers.entries.iter().map(|e| e.tel).collect(),
            _ => HashSet::new(),
        };
        let before = parsed.len();
        if dedup != DedupMode::None {
            // One call carries one batch, so "within the import" and "within the batch" agree.
            parsed.retain(|(tel, _)| seen.insert(*tel));
        }
        let duplicates = before - parsed.len();
        let task_total = t.numbers.entries.len() + parsed.len();
        if task_total > MAX_TASK_NUMBERS {
            return ApiResponse::error(
                rid,
                ErrorCode::NumberLimitExceeded,
                format!(
                    "ImportTaskTel: task {id} would hold {task_total} numbers, over the {MAX_TASK_NUMBERS} per task"
                ),
            );
        }
        let ent_total = self.numbers_total + parsed.len() as u64;
        if ent_total > MAX_NUMBERS {
            return ApiResponse::error(
                rid,
                ErrorCode::NumberLimitExceeded,
                format!(
                    "ImportTaskTel: the enterprise would hold {ent_total} numbers, over the {MAX_NUMBERS} limit"
                ),
            );
        }
        let imported = parsed.len();
        if let Some(t) = self.tasks.get_mut(&id) {
            let batch_no = t.numbers.entries.last().map(|e| e.batch + 1).unwrap_or(0);
            for (tel, backups) in parsed {
                let idx = t.numbers.entries.len() as u32;
                t.numbers.entries.push(NumberEntry {
                    tel,
                    priority: batch.priority,
                    batch: batch_no,
                });
                if !backups.is_empty() {
                    t.numbers.backups.insert(idx, backups);
                }
            }
        }
        self.numbers_total = ent_total;
        let started = batch.auto_start
            && self
                .tasks
                .get(&id)
                .is_some_and(|t| matches!(t.status, TaskStatus::Initial | TaskStatus::Paused))
            && self
                .start_task(id, at, StatusTrigger::Person, "ImportTelAutoStart")
                .is_ok();
        ApiResponse::ok(
            rid,
            json!({"Imported": imported, "Duplicates": duplicates, "Started": started}),
        )
    }

    /// DeleteTaskTel: remove these numbers from the task.
    pub fn delete_task_tel(&mut self, id: u64, tels: &[String]) -> OpResponse {
        if !self.tasks.contains_key(&id) {
            return self.not_found("DeleteTaskTel", id);
        }
        let rid = self.rid("DeleteTaskTel");
        let gone: HashSet<Tel> = tels.iter().filter_map(|t| Tel::parse(t)).collect();
        let mut removed = 0u64;
        if let Some(t) = self.tasks.get_mut(&id) {
            let old = std::mem::take(&mut t.numbers);
            for (i, e) in old.entries.into_iter().enumerate() {
                if gone.contains(&e.tel) {
                    removed += 1;
                    continue;
                }
                if let Some(b) = old.backups.get(&(i as u32)) {
                    t.numbers
                        .backups
                        .insert(t.numbers.entries.len() as u32, b.clone());
                }
                t.numbers.entries.push(e);
            }
        }
        self.numbers_total -= removed;
        ApiResponse::ok(rid, json!({"Deleted": removed}))
    }

    /// DeleteTask: only initial (0) or ended (3); numbers go, call records stay.
    pub fn delete_task(&mut self, id: u64) -> OpResponse {
        if !self.tasks.contains_key(&id) {
            return self.not_found("DeleteTask", id);
        }
        let rid = self.rid("DeleteTask");
        let t = &self.tasks[&id]; // present: checked above
        if !matches!(t.status, TaskStatus::Initial | TaskStatus::Ended) {
            let s = t.status;
            return ApiResponse::error(
                rid,
                ErrorCode::InvalidTaskStatus,
                format!(
                    "DeleteTask: task {id} is {} (status {}); only an initial (0) or ended (3) task can be deleted",
                    s.describe(),
                    s.code()
                ),
            );
        }
        self.remove(id);
        ApiResponse::ok(rid, json!({"Id": id.to_string()}))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tel_keeps_leading_zeros() {
        let t = Tel::parse("01012345678").expect("valid");
        assert_eq!(t.to_string(), "01012345678");
        assert_eq!(Tel::parse("12"), None);
        assert_eq!(Tel::parse("12a45"), None);
        assert!(std::mem::size_of::<NumberEntry>() <= 24);
    }
}
