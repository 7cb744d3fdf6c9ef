//! Setting a run up: tasks from their requests, agents, breaks, shifts, actions, first events.

use super::*;

impl Engine<'_> {
    pub(super) fn setup(&mut self, pacer_override: Option<&PacerSpec>) {
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

    pub(super) fn calling_hours(&self, req: &crate::request::CreateTask) -> CallingHours {
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

    /// The caller ids a task shows, with their area codes and weights.
    pub(super) fn caller_ids(
        &self,
        req: &crate::request::CreateTask,
    ) -> Vec<(String, Option<u16>, u32)> {
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
}
