//! Setting a run up: tasks from their requests, agents, breaks, shifts, actions, first events.

use super::*;

/// The TaskId a CreateTask answer gives (None: refused).
fn created_id(r: &crate::request::ApiResponse) -> Option<u64> {
    r.data
        .as_ref()
        .and_then(|d| d.id.as_deref())
        .and_then(|s| s.parse().ok())
}

impl Engine<'_> {
    pub(super) fn setup(&mut self, pacer_override: Option<&PacerSpec>) {
        for (i, t) in self.sc.tasks.iter().enumerate() {
            let req = &t.request;
            let spec = pacer_override.unwrap_or(&t.pacer).clone();
            let params = TaskParams::from_request(req, self.sc, &self.clock);
            // A task created later has no id until then.
            let later = t.created_at_s.is_some();
            let platform_id = if later {
                0
            } else {
                created_id(&self.platform.create_task(&req.to_params(), self.sc.start)).unwrap_or(0)
            };
            let clock = pacing::RunClock::of(self.sc.start, self.end);
            let mut pacer: Box<dyn Pacer> = pacing::build(
                &spec,
                req,
                params.prompt_s,
                mix(self.seed ^ i as u64),
                clock,
            );
            if let Some(def) = &t.abandon {
                pacer.set_definition(def);
            }
            let caller_ids = params
                .clids
                .ids
                .iter()
                .map(|c| ClidStat {
                    number: c.number.clone(),
                    placed: 0,
                    answered: 0,
                })
                .collect();
            let pool = NumberPool::new(t.numbers, t.backup_tels, params.first_order, i as u64);
            self.tasks.push(TaskRun {
                idx: i as u16,
                platform_id,
                ttype: req.task_type,
                req: req.clone(),
                pacer,
                type2_fill: req.task_type == TaskType::Automatic && spec == PacerSpec::Platform,
                clairvoyant: spec == PacerSpec::Clairvoyant,
                pacer_name: spec.name(),
                pacer_spec: spec,
                pool,
                agents: t.agents.clone(),
                ticking: !later,
                running: false,
                started: false,
                ended: false,
                paused_by_min: false,
                warm_until: params.warm_ms,
                schedule_gen: 0,
                available: 0, // counted below, once agents are assigned
                idle: IdleIndex::new(self.seed, i),
                idle_since_sum: 0,
                wrapping: 0,
                wrap_end_sum: 0,
                talking: 0,
                waiting: 0,
                ringing: 0,
                in_progress: 0,
                draining: 0,
                planned: 0,
                surplus: 0,
                queue: VecDeque::new(),
                counts: CallCounts::default(),
                wait: histogram(),
                idle_gap: histogram(),
                line_ms: 0,
                last_line_change: 0,
                max_in_progress: 0,
                pauses: Vec::new(),
                abandon: t
                    .abandon
                    .clone()
                    .map(|d| (d, crate::abandon::AbandonTally::new(self.end))),
                actions: Vec::new(),
                clid_stat: (0..params.clids.ids.len() as u16).collect(),
                caller_ids,
                agent_times: StateTimes::default(),
                params,
            });
            if let Some(c) = t.created_at_s {
                self.schedule_before_end(ms(c), Ev::Create { task: i as u16 });
                continue;
            }
            for &(a, limit) in &self.tasks[i].params.call_limits {
                self.call_cap[a as usize] = Some(limit);
            }
            if let Some(at) = self.tasks[i].params.auto_stop_ms {
                let stop = Ev::AutoStop {
                    task: i as u16,
                    generation: 0,
                };
                self.schedule_at(at, stop);
            }
            // AutoStart: the task waits, created, until then (at the very start too: it is
            // the system that starts it, for AutoStart).
            if let Some(at) = self.tasks[i].params.auto_start_ms {
                let start = Ev::AutoStart {
                    task: i as u16,
                    generation: 0,
                };
                self.schedule_at(at, start);
                self.schedule_at(0, Ev::Tick { task: i as u16 });
                for &a in &t.agents {
                    let ag = &mut self.agents[a as usize];
                    ag.task = ag.task.or(Some(i as u16));
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
                ag.task = ag.task.or(Some(i as u16));
            }
        }
        // Agents enter their task's idle pool; a task counts the agents it holds (an agent
        // listed by several tasks belongs to the first until another claims it at its start).
        for a in 0..self.agents.len() as u32 {
            if let Some(ti) = self.agents[a as usize].task {
                self.tasks[usize::from(ti)].available += 1;
                self.enter_idle(a);
            }
        }
        for b in &self.sc.file.enterprise.breaks {
            for cno in &b.cnos {
                if let Some(a) = self.sc.enterprise.agent_position(cno) {
                    self.schedule_at(ms(b.start_s), Ev::BreakStart { agent: a });
                    self.schedule_at(ms(b.start_s + b.duration_s), Ev::BreakEnd { agent: a });
                }
            }
        }
        // A log-in ramp: agent k of n is logged out (a break) until k/n of the ramp.
        if let Some(ramp) = self.sc.file.enterprise.login_ramp_s {
            let n = self.agents.len() as f64;
            for a in 1..self.agents.len() as u32 {
                let login = ms(ramp * f64::from(a) / n).min(self.end);
                if login > 0 {
                    self.schedule_at(0, Ev::BreakStart { agent: a });
                    self.schedule_at(login, Ev::BreakEnd { agent: a });
                }
            }
        }
        // Shifts: outside them agents are logged out, as a break from log-out to the next log-in.
        for sh in &self.sc.file.enterprise.shifts {
            let Ok((login, logout)) = sh.minutes() else {
                continue;
            };
            let agents = self.agents_named(&sh.cnos);
            // Days from the start date (day 0: the run starts on it).
            let (last_day, _) = self.clock.day_and_time(self.end);
            let day0 = self.clock.next_midnight(0) as i64 - calendar::DAY_MS as i64;
            let at = |day: u64, min: u32| -> i64 {
                day0 + day as i64 * calendar::DAY_MS as i64 + i64::from(min) * 60_000
            };
            // Off periods: [logout of day d, login of day d+1), and before the first log-in.
            let mut offs: Vec<(i64, i64)> = vec![(i64::MIN, at(0, login))];
            for d in 0..=last_day {
                offs.push((at(d, logout), at(d + 1, login)));
            }
            for (from, to) in offs {
                let (from, to) = (from.max(0) as u64, to.max(0) as u64);
                if to <= from || from >= self.end {
                    continue;
                }
                for &a in &agents {
                    self.schedule_at(from, Ev::BreakStart { agent: a });
                    self.schedule_at(to, Ev::BreakEnd { agent: a });
                }
            }
        }
        // Random breaks: per agent, gaps and lengths from the agent's own stream.
        for (k, rb) in self.sc.file.enterprise.random_breaks.iter().enumerate() {
            let agents = self.agents_named(&rb.cnos);
            for a in agents {
                let mut rng = crate::sim::rng::agent::random_breaks(self.seed, a, k);
                let mut t = 0u64;
                loop {
                    t += ms(rb.every_s.sample(&mut rng)).max(1000);
                    if t >= self.end {
                        break;
                    }
                    let len = ms(rb.duration_s.sample(&mut rng)).max(1000);
                    self.schedule_at(t, Ev::BreakStart { agent: a });
                    self.schedule_at(t + len, Ev::BreakEnd { agent: a });
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
            if let Some(at) = at {
                self.schedule_before_end(at, Ev::Action { index: k as u16 });
            }
        }
        let midnight = self.clock.next_midnight(0);
        self.schedule_before_end(midnight, Ev::DayEnd);
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
                let idle = t.idle.len();
                for _ in 0..idle {
                    self.plan(i, 0);
                }
            }
        }
    }

    /// The agents a list of agent numbers names; an empty list names every agent.
    pub(super) fn agents_named(&self, cnos: &[String]) -> Vec<u32> {
        if cnos.is_empty() {
            (0..self.agents.len() as u32).collect()
        } else {
            cnos.iter()
                .filter_map(|c| self.sc.enterprise.agent_position(c))
                .collect()
        }
    }

    /// A task with `created_at_s` is created through the store now: it waits in status 0
    /// for a StartTask or its AutoStart. Refused (the enterprise's task limit), it never
    /// exists.
    pub(super) fn create(&mut self, ti: usize) {
        let params = self.tasks[ti].req.to_params();
        let r = self.platform.create_task(&params, self.at());
        let whole = serde_json::to_value(&r).unwrap_or(serde_json::Value::Null);
        self.creations.push((ti, whole));
        let Some(id) = created_id(&r) else {
            tracing::warn!(task = ti, "CreateTask refused: {}", r.message);
            return;
        };
        self.tasks[ti].platform_id = id;
        for &(a, limit) in &self.tasks[ti].params.call_limits {
            self.call_cap[a as usize] = Some(limit);
        }
        let (task, generation, now) = (ti as u16, self.tasks[ti].schedule_gen, self.now);
        if let Some(at) = self.tasks[ti].params.auto_stop_ms {
            self.schedule_at(at.max(now), Ev::AutoStop { task, generation });
        }
        if let Some(at) = self.tasks[ti].params.auto_start_ms {
            self.schedule_at(at.max(now), Ev::AutoStart { task, generation });
        }
    }
}
