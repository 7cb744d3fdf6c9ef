//! The one owner of the served world: the world scenario (enterprise and customers), the
//! journal of accepted operations with their simulated instants, and the run of both up to
//! now. Pure: no I/O, no wall clock (the server gives every call its instant, and journals
//! what [`World::prepare`] accepted before it [`World::commit`]s it).
//!
//! The state at instant T is, by construction, the run of [`World::scenario_file`] to T: the
//! world scenario whose tasks are the accepted CreateTasks (each `created_at_s` its instant)
//! and whose `actions` are the other accepted operations (each naming its task by TaskId).
//! A write is tried on a fresh run of the journal with the operation added, up to the
//! operation's answer; accepted, that run becomes the world's; refused, it is dropped and
//! nothing changes. Reads advance the current run to now.

use super::ops::{self, Answer};
use crate::scenario::{
    ActionKind, ActionSpec, NumbersSpec, PacerSpec, Scenario, ScenarioFile, TaskSpec,
};
use crate::world::engine::Live;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use std::path::Path;

/// The clock operation kept in the journal (manual mode's advances).
pub const ADVANCE: &str = "dialsim:Advance";

/// One accepted operation, as journaled.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    /// Its simulated instant, ms since the world's start.
    pub at_ms: u64,
    /// The operation: `CloudCreateTask`, ..., or [`ADVANCE`].
    pub action: String,
    /// Its parameters as received (the signature's own removed).
    pub params: Map<String, Value>,
}

self_cell::self_cell!(
    /// A checked scenario and its run in steps, owned together.
    struct Run {
        owner: Scenario,
        #[covariant]
        dependent: Live,
    }
);

/// A write tried and accepted, not yet committed: the run that performed it.
pub struct Prepared {
    entry: Entry,
    run: Run,
    answer: Answer,
}

impl Prepared {
    /// The entry to journal before committing.
    pub fn entry(&self) -> &Entry {
        &self.entry
    }
}

/// The served world.
pub struct World {
    base: ScenarioFile,
    seed: u64,
    horizon_ms: u64,
    journal: Vec<Entry>,
    run: Run,
    /// The latest instant an operation or an advance reached.
    clock_ms: u64,
    /// The Unix second of the world's start.
    epoch_s: i64,
}

/// Parameters every request may carry that are not the operation's own.
const COMMON: &[&str] = &[
    "Action",
    "Version",
    "Format",
    "AccessKeyId",
    "SignatureMethod",
    "SignatureVersion",
    "SignatureNonce",
    "SignatureType",
    "Timestamp",
    "RegionId",
    "SecurityToken",
    "OwnerId",
    "ResourceOwnerAccount",
    "ResourceOwnerId",
];

impl World {
    /// The world of scenario `base` (its tasks, actions and `expect` are dropped: tasks come
    /// from requests), simulated for at most `horizon_s` seconds.
    pub fn new(mut base: ScenarioFile, horizon_s: f64) -> Result<World, String> {
        base.tasks.clear();
        base.actions.clear();
        base.expect.clear();
        base.reps = Some(1);
        let seed = crate::replication_seed_for(base.seed, 0);
        let horizon_ms = crate::sim::ms(horizon_s);
        let run = build(&base, &[], horizon_ms, seed)?;
        let epoch_s = crate::cdr::epoch_of(run.borrow_owner().start, crate::cdr::PLATFORM_TZ)?;
        Ok(World {
            base,
            seed,
            horizon_ms,
            journal: Vec::new(),
            run,
            clock_ms: 0,
            epoch_s,
        })
    }

    /// Replay a journal (a restart): the world is then in the state those operations left.
    pub fn replay(&mut self, entries: Vec<Entry>) -> Result<(), String> {
        self.clock_ms = entries.iter().map(|e| e.at_ms).max().unwrap_or(0);
        self.run = build(&self.base, &entries, self.horizon_ms, self.seed)?;
        self.journal = entries;
        Ok(())
    }

    /// The journal so far.
    pub fn journal(&self) -> &[Entry] {
        &self.journal
    }

    /// The latest instant reached by an operation or an advance, ms.
    pub fn clock_ms(&self) -> u64 {
        self.clock_ms
    }

    /// The simulated horizon, ms: the world does not run past it.
    pub fn horizon_ms(&self) -> u64 {
        self.horizon_ms
    }

    /// The Unix second of the world's start (the records' stamps are read from it).
    pub fn epoch_s(&self) -> i64 {
        self.epoch_s
    }

    /// Try a state-changing operation at `now_ms`: refused, its answer (nothing changes);
    /// accepted, the [`Prepared`] write to journal and then [`World::commit`].
    pub fn prepare(
        &self,
        action: &str,
        params: &Map<String, Value>,
        now_ms: u64,
    ) -> Result<Prepared, Answer> {
        let now_ms = now_ms.max(self.clock_ms).min(self.horizon_ms);
        let mut params = params.clone();
        for k in COMMON {
            params.remove(*k);
        }
        let entry = Entry {
            at_ms: now_ms,
            action: action.to_string(),
            params,
        };
        // The operation's own shape first (a missing TaskId, a bad list), then the run.
        ops::check_write(&entry).map_err(|m| Answer::invalid(&m))?;
        let mut entries = self.journal.clone();
        entries.push(entry.clone());
        let mut run = build(&self.base, &entries, self.horizon_ms, self.seed)
            .map_err(|m| Answer::invalid(&m))?;
        let index = entries.len() - 1;
        let store_answer = run.with_dependent_mut(|_, live| {
            answer_of(live, &entries, index, self.horizon_ms).cloned()
        });
        let Some(store_answer) = store_answer else {
            return Err(Answer::invalid(&format!(
                "{action} at {now_ms} ms is past the world's horizon of {} ms",
                self.horizon_ms
            )));
        };
        let answer = ops::write_answer(&entry, &store_answer);
        if answer.status != 200 {
            return Err(answer);
        }
        Ok(Prepared { entry, run, answer })
    }

    /// Make a prepared write the world's (after it was journaled): its answer.
    pub fn commit(&mut self, p: Prepared) -> Answer {
        self.clock_ms = self.clock_ms.max(p.entry.at_ms);
        self.journal.push(p.entry);
        self.run = p.run;
        p.answer
    }

    /// Manual clock: the entry that moves it to `to_ms` (at most the horizon; never back).
    pub fn advance_entry(&self, to_ms: u64) -> Entry {
        let to = to_ms.clamp(self.clock_ms, self.horizon_ms);
        Entry {
            at_ms: to,
            action: ADVANCE.into(),
            params: Map::new(),
        }
    }

    /// Record a clock entry (after it was journaled).
    pub fn commit_advance(&mut self, e: Entry) {
        self.clock_ms = self.clock_ms.max(e.at_ms);
        self.journal.push(e);
    }

    /// Answer a read at `now_ms`.
    pub fn read(&mut self, action: &str, params: &Map<String, Value>, now_ms: u64) -> Answer {
        let now_ms = now_ms.max(self.clock_ms).min(self.horizon_ms);
        let epoch = self.epoch_s;
        self.run.with_dependent_mut(|_, live| {
            live.advance(now_ms);
            ops::read(action, params, live, epoch)
        })
    }

    /// The scenario whose run to `now_ms` is this world at `now_ms`: `dialsim run` of it
    /// writes the records the API answers.
    pub fn scenario_file(&self, now_ms: u64) -> ScenarioFile {
        let now_ms = now_ms.min(self.horizon_ms);
        file_of(&self.base, &self.journal, now_ms)
    }

    /// The usual report JSON of the world up to `now_ms` (the run of
    /// [`World::scenario_file`]).
    pub fn report(&self, now_ms: u64) -> Result<Value, String> {
        let now_ms = now_ms.max(self.clock_ms).min(self.horizon_ms).max(1);
        let sc = check(file_of(&self.base, &self.journal, now_ms))?;
        Ok(crate::simulate(&sc, sc.file.seed, 1, None))
    }
}

/// The world file with the journal's operations, run for `duration_ms`.
fn file_of(base: &ScenarioFile, entries: &[Entry], duration_ms: u64) -> ScenarioFile {
    let mut f = base.clone();
    f.duration_s = duration_ms as f64 / 1000.0;
    for e in entries {
        let at_s = e.at_ms as f64 / 1000.0;
        if e.action == "CloudCreateTask" {
            f.tasks.push(TaskSpec {
                request: e.params.clone(),
                numbers: NumbersSpec::Count {
                    count: 0,
                    backup_tels: 0,
                },
                pacer: PacerSpec::Platform,
                abandon: None,
                amd: None,
                created_at_s: Some(at_s),
            });
        } else if let Some(a) = action_of(e, at_s) {
            f.actions.push(a);
        }
    }
    f
}

/// The scenario action an entry is (None: a clock entry or a read).
fn action_of(e: &Entry, at_s: f64) -> Option<ActionSpec> {
    let p = &e.params;
    let int = |k: &str| p.get(k).and_then(ops::as_u64);
    let mut params = Map::new();
    let mut put = |k: &str, v: Option<Value>| {
        if let Some(v) = v {
            params.insert(k.to_string(), v);
        }
    };
    let action = match e.action.as_str() {
        "CloudStartTask" => ActionKind::StartTask,
        "CloudPauseTask" => {
            put("PauseDuration", int("PauseDuration").map(Value::from));
            ActionKind::PauseTask
        }
        "CloudUpdateTask" => {
            for (k, v) in p {
                if k != "TaskId" {
                    put(k, Some(v.clone()));
                }
            }
            ActionKind::UpdateTask
        }
        "CloudImportTaskTel" => {
            put("numbers", Some(json!(ops::task_tels(p))));
            for k in ["Priority", "IsRepeat", "ImportTelAutoStart"] {
                put(k, int(k).map(Value::from));
            }
            ActionKind::ImportTaskTel
        }
        "CloudDeleteTaskTel" => {
            put("tels", Some(json!(ops::tels(p))));
            ActionKind::DeleteTaskTel
        }
        "CloudDeleteTask" => ActionKind::DeleteTask,
        "CloudAgentLogin" | "CloudAgentLogout" => {
            put("Cno", p.get("Cno").map(|v| Value::String(ops::text(v))));
            if e.action == "CloudAgentLogin" {
                ActionKind::AgentLogin
            } else {
                ActionKind::AgentLogout
            }
        }
        _ => return None,
    };
    Some(ActionSpec {
        at_s: Some(at_s),
        at: None,
        task: String::new(),
        task_id: (!action.is_agent()).then(|| int("TaskId").unwrap_or(0)),
        action,
        params,
    })
}

/// A scenario file checked as `dialsim run` checks it.
fn check(f: ScenarioFile) -> Result<Scenario, String> {
    let text = serde_json::to_string_pretty(&f).map_err(|e| e.to_string())?;
    f.check_world(&text, Path::new("journal"))
        .map_err(|e| e.to_string())
}

/// The run of the world with `entries`, set up and at instant 0.
fn build(
    base: &ScenarioFile,
    entries: &[Entry],
    horizon_ms: u64,
    seed: u64,
) -> Result<Run, String> {
    let sc = check(file_of(base, entries, horizon_ms))?;
    Ok(Run::new(sc, |sc| Live::new(sc, seed)))
}

/// Advance `live` to the store's answer to entry `index`, and return it (None: past the
/// horizon).
fn answer_of<'a>(
    live: &'a mut Live<'_>,
    entries: &[Entry],
    index: usize,
    horizon_ms: u64,
) -> Option<&'a Value> {
    let e = &entries[index];
    let before = &entries[..index];
    if e.action == "CloudCreateTask" {
        let task = before
            .iter()
            .filter(|x| x.action == "CloudCreateTask")
            .count();
        live.advance_to_creation(task, horizon_ms)
    } else {
        let k = before
            .iter()
            .filter(|x| action_of(x, 0.0).is_some())
            .count();
        live.advance_to_action(k, horizon_ms)
    }
}
