//! Operator actions of the scenario, performed through the platform store.

use super::*;

impl Engine<'_> {
    /// Perform an operator action through the platform store; its answer is kept in the
    /// task's `actions` log, and only an accepted operation changes the simulation.
    pub(super) fn action(&mut self, k: usize) {
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

    /// UpdateTask accepted: the task runs on with the new parameters.
    pub(super) fn apply_update(&mut self, ti: usize, new: crate::request::CreateTask) {
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
}
