//! Operator actions of the scenario, performed through the platform store in simulated time:
//! one function per action. Only an accepted operation changes the simulation; every answer
//! is kept in the task's `actions` log.
//!
//! Ask here what UpdateTask may change: [`Engine::apply_update`] rebuilds the task's
//! [`TaskParams`] from the updated request (the same function setup uses) and carries every
//! change into the running task at the update's instant.

use super::*;
use crate::scenario::{ActionKind, ActionSpec};
use serde_json::Value;

/// What the store answered: accepted or not, its message, and the whole answer in the API's
/// shape (kept in [`Engine::answers`] for `dialsim serve`).
type Outcome = (bool, String, Value);

/// The store's answer as an [`Outcome`].
fn outcome<D: serde::Serialize>(r: &crate::request::ApiResponse<D>) -> Outcome {
    let whole = serde_json::to_value(r).unwrap_or(Value::Null);
    (r.code == "OK", r.message.clone(), whole)
}

/// A numeric parameter of an action (`default` when absent).
fn num(a: &ActionSpec, key: &str, default: u64) -> u64 {
    a.params.get(key).and_then(Value::as_u64).unwrap_or(default)
}

/// A list of strings among an action's parameters (empty when absent).
fn strings(a: &ActionSpec, key: &str) -> Vec<String> {
    a.params
        .get(key)
        .and_then(Value::as_array)
        .map(|l| {
            l.iter()
                .filter_map(Value::as_str)
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

impl Engine<'_> {
    /// Perform operator action `k` of the scenario.
    pub(super) fn action(&mut self, k: usize) {
        let a = &self.sc.file.actions[k];
        if a.action.is_agent() {
            let (accepted, message, whole) = self.agent_action(a);
            self.answer(k, accepted, message, whole);
            return;
        }
        let ti = match a.task_id {
            Some(id) => self.tasks.iter().position(|t| t.platform_id == id),
            None => self.sc.tasks.iter().position(|t| t.request.name == a.task),
        };
        let Some(ti) = ti else {
            let id = a
                .task_id
                .map_or_else(|| a.task.clone(), |id| id.to_string());
            let message = format!("{:?}: task {id} does not exist", a.action);
            let whole = serde_json::json!({
                "RequestId": format!("dialsim-action-{k}"),
                "Code": crate::request::ErrorCode::TaskNotFound.as_str(),
                "Message": message,
            });
            self.answer(k, false, message, whole);
            return;
        };
        let (accepted, message, whole) = match a.action {
            ActionKind::StartTask => self.start_task(ti),
            ActionKind::PauseTask => self.pause_task(ti, a),
            ActionKind::UpdateTask => self.update_task(ti, a),
            ActionKind::ImportTaskTel => self.import_task_tel(ti, a),
            ActionKind::DeleteTaskTel => self.delete_task_tel(ti, a),
            ActionKind::DeleteTask => self.delete_task(ti),
            ActionKind::AgentLogin | ActionKind::AgentLogout => unreachable!("handled above"),
        };
        let now_s = self.now as f64 / 1000.0;
        self.tasks[ti].actions.push(ActionRecord {
            at_s: now_s,
            action: format!("{:?}", a.action),
            accepted,
            message,
        });
        self.answers.push((k, whole));
        self.maybe_finish(ti);
    }

    /// Keep the answer to an action that belongs to no task's log.
    fn answer(&mut self, k: usize, accepted: bool, message: String, whole: Value) {
        tracing::debug!(action = k, accepted, "{message}");
        self.answers.push((k, whole));
    }

    /// AgentLogin and AgentLogout: a log-out holds the agent like a break (a busy agent goes
    /// after its wrap-up); a log-in releases it. Logging in an agent who is logged in, or out
    /// one who is out, changes nothing.
    fn agent_action(&mut self, a: &ActionSpec) -> Outcome {
        let cno = a.params.get("Cno").and_then(Value::as_str).unwrap_or("");
        let rid = format!("dialsim-agent-{}-{}", cno, self.now);
        let Some(ag) = self.sc.enterprise.agent_position(cno) else {
            let message = format!(
                "{:?}: Cno {cno:?} is not an agent of the enterprise",
                a.action
            );
            let whole = serde_json::json!({
                "RequestId": rid, "Code": "InvalidParameter", "Message": message,
            });
            return (false, message, whole);
        };
        let out = self.logged_out[ag as usize];
        match a.action {
            ActionKind::AgentLogout if !out => {
                self.logged_out[ag as usize] = true;
                self.break_start(ag);
            }
            ActionKind::AgentLogin if out => {
                self.logged_out[ag as usize] = false;
                self.break_end(ag);
            }
            _ => {}
        }
        let whole = serde_json::json!({
            "RequestId": rid, "Code": "OK", "Message": "OK", "Data": {"Result": 1},
        });
        (true, "OK".into(), whole)
    }

    fn start_task(&mut self, ti: usize) -> Outcome {
        let (id, at) = (self.tasks[ti].platform_id, self.at());
        let r = self
            .platform
            .start_task(id, at, StatusTrigger::Person, "StartTask (operator)");
        if r.is_ok() {
            self.begin_running(ti);
        }
        outcome(&r)
    }

    /// PauseTask, with PauseDuration minutes (0: until started again).
    fn pause_task(&mut self, ti: usize, a: &ActionSpec) -> Outcome {
        let (id, at) = (self.tasks[ti].platform_id, self.at());
        let minutes = num(a, "PauseDuration", 0).min(u64::from(u32::MAX)) as u32;
        let r = self.platform.pause_task(
            id,
            minutes,
            at,
            StatusTrigger::Person,
            "PauseTask (operator)",
        );
        if r.is_ok() {
            let cause = format!("PauseTask (operator), PauseDuration {minutes} min");
            self.stop_running(ti, cause, false);
            if minutes > 0 {
                self.schedule_in(u64::from(minutes) * 60_000, Ev::Resume { task: ti as u16 });
            }
        }
        outcome(&r)
    }

    fn update_task(&mut self, ti: usize, a: &ActionSpec) -> Outcome {
        let id = self.tasks[ti].platform_id;
        let r = self.platform.update_task(id, &a.params);
        let (ok, message, mut whole) = outcome(&r);
        if ok && let Some(rec) = self.platform.task(id) {
            // The answer carries the task as it now stands.
            whole["Task"] = serde_json::to_value(self.platform.data(rec)).unwrap_or(Value::Null);
            let new = rec.task.clone();
            self.apply_update(ti, new);
        }
        (ok, message, whole)
    }

    /// ImportTaskTel: `numbers` (the batch's phone numbers), or `count` synthetic numbers
    /// (the last `duplicates` repeat the first); a batch `Priority`, `IsRepeat` and
    /// `ImportTelAutoStart` as the API takes them.
    fn import_task_tel(&mut self, ti: usize, a: &ActionSpec) -> Outcome {
        let (id, at) = (self.tasks[ti].platform_id, self.at());
        let listed = a.params.contains_key("numbers");
        let (numbers, count, dups, base) = if listed {
            let numbers: Vec<(String, Vec<String>)> = strings(a, "numbers")
                .into_iter()
                .map(|n| (n, Vec::new()))
                .collect();
            (numbers, 0, 0, 0)
        } else {
            let count = num(a, "count", 0);
            let dups = num(a, "duplicates", 0).min(count);
            let t = &self.tasks[ti];
            let base = 13_000_000_000u64 + (t.idx as u64) * 100_000_000 + t.pool.imported_tels;
            let numbers = (0..count)
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
            (numbers, count, dups, base)
        };
        let batch = crate::platform::ImportBatch {
            numbers,
            priority: num(a, "Priority", 0).min(u64::from(u32::MAX)) as u32,
            dedup: a
                .params
                .get("IsRepeat")
                .and_then(Value::as_u64)
                .and_then(|c| crate::request::DedupMode::from_code(c as i64)),
            auto_start: num(a, "ImportTelAutoStart", 0) == 1,
        };
        let r = self.platform.import_task_tel(id, &batch, at);
        if r.is_ok() {
            let field = |key: &str| r.data.as_ref().and_then(|d| d.get(key));
            let imported = field("Imported").and_then(Value::as_u64).unwrap_or(0);
            let started = field("Started").and_then(Value::as_bool).unwrap_or(false);
            // The numbers the store kept are the last `imported` of its list.
            let kept: Vec<crate::platform::Tel> = if listed {
                let entries = self
                    .platform
                    .task(id)
                    .map_or(&[][..], |rec| &rec.numbers.entries[..]);
                let from = entries.len().saturating_sub(imported as usize);
                entries[from..].iter().map(|e| e.tel).collect()
            } else {
                Vec::new()
            };
            let t = &mut self.tasks[ti];
            t.pool.imported_tels += count;
            let first = t.pool.total;
            let tels = (!listed).then_some((base, (count - dups).max(1)));
            t.pool
                .add_batch(FreshBatch::new(batch.priority, first, imported, tels));
            if listed {
                t.pool.add_listed(first, kept);
            }
            t.pool.total += imported;
            if imported > 0 {
                t.pool.finished_at = None;
                if !t.ticking {
                    t.ticking = true;
                    self.schedule_at(self.now, Ev::Tick { task: ti as u16 });
                }
            }
            if started {
                self.begin_running(ti);
            }
        }
        outcome(&r)
    }

    /// DeleteTaskTel: the numbers `tels` lists that are not called yet, or up to `count`
    /// never-called numbers, the last imported first.
    fn delete_task_tel(&mut self, ti: usize, a: &ActionSpec) -> Outcome {
        let id = self.tasks[ti].platform_id;
        if a.params.contains_key("tels") {
            let tels = strings(a, "tels");
            let set = tels
                .iter()
                .filter_map(|t| crate::platform::Tel::parse(t))
                .collect();
            let gone = self.tasks[ti].pool.withdraw(&set);
            let r = self.platform.delete_task_tel(id, &tels);
            let (ok, message, whole) = outcome(&r);
            return (ok, format!("{message} ({gone} numbers removed)"), whole);
        }
        let gone = self.tasks[ti].pool.delete_fresh(num(a, "count", 0));
        // The store forgets the imported ones among them (the scenario's own list is the
        // engine's alone).
        let pool = &self.tasks[ti].pool;
        let tels: Vec<String> = gone
            .iter()
            .filter_map(|&(n, tel)| {
                tel.map(|t| t.to_string())
                    .or_else(|| pool.tel_of(n).map(|t| t.to_string()))
            })
            .collect();
        let r = self.platform.delete_task_tel(id, &tels);
        let (ok, message, whole) = outcome(&r);
        (
            ok,
            format!("{message} ({} numbers removed)", gone.len()),
            whole,
        )
    }

    fn delete_task(&mut self, ti: usize) -> Outcome {
        let r = self.platform.delete_task(self.tasks[ti].platform_id);
        if r.is_ok() {
            let t = &mut self.tasks[ti];
            t.running = false;
            t.ended = true;
            let left = t.pool.drop_fresh();
            t.pool.total -= left;
        }
        outcome(&r)
    }

    /// UpdateTask accepted: the task runs on with the new parameters, every one of them in
    /// force from now. Calls already placed keep what was drawn for them (their ring time,
    /// patience, talk); what happens next to them (the queue, the IVR, the agent leg, the
    /// wrap-up cap, retries) follows the new parameters. Changes the store refuses (the
    /// task's Type, agents, template) never reach here.
    pub(super) fn apply_update(&mut self, ti: usize, new: crate::request::CreateTask) {
        let params = TaskParams::from_request(&new, self.sc, &self.clock);
        let old = std::mem::replace(&mut self.tasks[ti].params, params);
        let t = &mut self.tasks[ti];
        // The pacer: the platform pacer is rebuilt from the new pacing parameters; an adaptive
        // pacer whose drop target is the task's Quotiety follows it.
        if t.pacer_spec == PacerSpec::Platform {
            t.pacer = Box::new(pacing::PlatformPacer::new(&new, t.params.prompt_s));
            t.pacer.restarted(false);
        } else if let PacerSpec::Adaptive(pacing::AdaptiveSpec {
            drop_target_pct: None,
            ..
        }) = t.pacer_spec
        {
            t.pacer.retarget(pacing::adaptive_drop_target(&new));
        }
        t.draining = t.in_progress;
        // Caller ids: each keeps its counts; a new one gets its own.
        t.clid_stat = t
            .params
            .clids
            .ids
            .iter()
            .map(|c| {
                match t.caller_ids.iter().position(|s| s.number == c.number) {
                    Some(k) => k,
                    None => {
                        t.caller_ids.push(ClidStat {
                            number: c.number.clone(),
                            placed: 0,
                            answered: 0,
                        });
                        t.caller_ids.len() - 1
                    }
                }
                .min(usize::from(u16::MAX)) as u16
            })
            .collect();
        t.pool.set_first_order(t.params.first_order);
        if t.params.retry.retry_desc != old.retry.retry_desc {
            t.pool.rekey_ready(&t.params.retry);
        }
        let strategy_changed = t.params.strategy != old.strategy;
        let schedule_changed = (t.params.auto_start_ms, t.params.auto_stop_ms)
            != (old.auto_start_ms, old.auto_stop_ms);
        t.req = new;
        if strategy_changed {
            self.reindex_idle(ti);
        }
        if schedule_changed {
            self.reschedule(ti);
        }
        self.update_call_limits(ti, &old.call_limits);
        // The next tick paces under the new parameters.
        self.check_min_available(ti);
    }

    /// AutoStart or AutoStop changed: the old schedule's events are void, the new ones are
    /// due (an AutoStart only while the task has not started; a stop time already past stops
    /// it now).
    fn reschedule(&mut self, ti: usize) {
        let t = &mut self.tasks[ti];
        t.schedule_gen += 1;
        let (generation, task, now) = (t.schedule_gen, ti as u16, self.now);
        if let Some(at) = t.params.auto_stop_ms {
            let stop = Ev::AutoStop { task, generation };
            self.q.push(SimTime(at.max(now)), stop);
        }
        if !t.started
            && let Some(at) = t.params.auto_start_ms
        {
            let start = Ev::AutoStart { task, generation };
            self.schedule_at(at.max(now), start);
        }
    }

    /// CallLimitStrategy changed: each agent's cap is the new one (or none); an agent held
    /// back by a cap that no longer holds is back at once.
    fn update_call_limits(&mut self, ti: usize, old: &[(u32, u32)]) {
        if self.tasks[ti].params.call_limits == old {
            return;
        }
        for &(a, _) in old {
            self.call_cap[a as usize] = None;
        }
        for k in 0..self.tasks[ti].params.call_limits.len() {
            let (a, limit) = self.tasks[ti].params.call_limits[k];
            self.call_cap[a as usize] = Some(limit);
        }
        for a in 0..self.agents.len() {
            let cap = self.call_cap[a];
            if self.capped[a] && cap.is_none_or(|c| self.day_calls[a] < c) {
                self.release_cap(a as u32);
            }
        }
    }
}
