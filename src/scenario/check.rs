//! Checking a scenario file: every part in its own function around one problems collector,
//! so that a scenario with several mistakes gets all of them at once, each with its JSON path.

use super::*;
use crate::calendar::Window;
use crate::limits;
use std::collections::HashSet;

/// The problems found so far, each with the file it is in.
struct Problems {
    name: String,
    list: Vec<ScenarioProblem>,
}

impl Problems {
    fn new(name: &str) -> Problems {
        Problems {
            name: name.to_string(),
            list: Vec::new(),
        }
    }

    /// A problem at `json_path` of the file.
    fn bad(&mut self, json_path: String, message: String) {
        self.list.push(ScenarioProblem {
            location: self.name.clone(),
            json_path,
            message,
            request_problem: None,
        });
    }
}

impl ScenarioFile {
    /// Resolve and check everything; `text` and `path` are only for error locations and for
    /// number files relative to the scenario.
    pub fn check(self, text: &str, path: &Path) -> Result<Scenario, ScenarioError> {
        let no_tasks = self.tasks.is_empty();
        let mut checked = self.check_world(text, path);
        if no_tasks {
            let problem = ScenarioProblem {
                location: path.display().to_string(),
                json_path: "tasks".into(),
                message: "a scenario needs at least one task".into(),
                request_problem: None,
            };
            checked = match checked {
                Ok(_) => Err(ScenarioError::Invalid(vec![problem])),
                Err(ScenarioError::Invalid(mut list)) => {
                    list.push(problem);
                    Err(ScenarioError::Invalid(list))
                }
                Err(e) => Err(e),
            };
        }
        checked
    }

    /// [`ScenarioFile::check`] of a world that may have no task yet (`dialsim serve`'s world,
    /// whose tasks come from requests).
    pub fn check_world(self, text: &str, path: &Path) -> Result<Scenario, ScenarioError> {
        let name = path.display().to_string();
        let mut p = Problems::new(&name);
        let start = self.check_run(&mut p);
        let agents = self.check_agents(&mut p);
        self.check_distributions(&mut p);
        self.check_probabilities(&mut p);
        self.check_voices(&mut p);
        self.check_actions(&mut p);
        self.check_caller_ids(&mut p);
        self.check_breaks(&agents, &mut p);
        self.check_expect(&mut p);
        let windows = self.compile_windows(start, &mut p);
        let enterprise = self.resolve_enterprise(agents, &mut p);
        // The tasks' problems come after the rest, as they always have.
        let mut requests = Problems::new(&name);
        let (tasks, warnings) = self.check_tasks(text, path, &enterprise, &mut requests);
        p.list.extend(requests.list);
        if !p.list.is_empty() {
            return Err(ScenarioError::Invalid(p.list));
        }
        Ok(Scenario {
            file: self,
            enterprise,
            start,
            tasks,
            warnings,
            windows,
        })
    }

    /// The run: start, length, buckets, replications. The start (a default one when it is
    /// invalid, so that the other checks can go on).
    fn check_run(&self, p: &mut Problems) -> DateTime {
        let start = match self.start.parse::<DateTime>() {
            Ok(s) => s,
            Err(e) => {
                p.bad(
                    "start".into(),
                    format!(
                        "{:?} is not a date-time yyyy-MM-ddTHH:mm:ss: {e}",
                        self.start
                    ),
                );
                DateTime::default()
            }
        };
        if !(self.duration_s.is_finite()
            && self.duration_s > 0.0
            && self.duration_s <= 366.0 * 86_400.0)
        {
            p.bad(
                "duration_s".into(),
                format!(
                    "{} must be > 0 and at most a year of seconds",
                    self.duration_s
                ),
            );
        }
        if self.bucket_s == Some(0) {
            p.bad("bucket_s".into(), "must be at least 1 second".into());
        }
        if self.reps == Some(0) {
            p.bad("reps".into(), "must be at least 1".into());
        }
        if let Some(r) = self.reps.filter(|&r| r > limits::MAX_REPS) {
            p.bad(
                "reps".into(),
                format!("{r}: at most {} replications", limits::MAX_REPS),
            );
        }
        start
    }

    /// The agents, listed or counted; none twice.
    fn check_agents(&self, p: &mut Problems) -> Vec<Agent> {
        // The limit is checked before anything is allocated.
        let n = match &self.enterprise.agents {
            AgentsSpec::List(list) => list.len() as u64,
            AgentsSpec::Count { count, .. } => u64::from(*count),
        };
        if n > limits::MAX_AGENTS {
            p.bad(
                "enterprise.agents".into(),
                format!(
                    "{n} agents: at most {} in an enterprise",
                    limits::MAX_AGENTS
                ),
            );
            return Vec::new();
        }
        let agents: Vec<Agent> = match &self.enterprise.agents {
            AgentsSpec::List(list) => list.clone(),
            AgentsSpec::Count { count, first_cno } => (0..u64::from(*count))
                .map(|i| Agent {
                    cno: (first_cno + i).to_string(),
                })
                .collect(),
        };
        let mut seen_cnos = HashSet::new();
        for (i, a) in agents.iter().enumerate() {
            if !seen_cnos.insert(a.cno.as_str()) {
                p.bad(
                    format!("enterprise.agents[{i}].cno"),
                    format!("agent {} is listed twice", a.cno),
                );
            }
        }
        agents
    }

    /// Every duration distribution of the agents, customers and IVRs.
    fn check_distributions(&self, p: &mut Problems) {
        let beh = &self.enterprise.agent_behaviour;
        let c = &self.customers;
        let mut dists: Vec<(String, &Dist)> = vec![
            ("enterprise.agent_behaviour.talk_s".into(), &beh.talk_s),
            ("enterprise.agent_behaviour.wrapup_s".into(), &beh.wrapup_s),
            (
                "enterprise.agent_behaviour.answer_delay_s".into(),
                &beh.answer_delay_s,
            ),
            ("customers.time_to_answer_s".into(), &c.time_to_answer_s),
            ("customers.patience_s".into(), &c.patience_s),
        ];
        if let Some(d) = &c.patience_moh_s {
            dists.push(("customers.patience_moh_s".into(), d));
        }
        if let Some(d) = &c.talk_s {
            dists.push(("customers.talk_s".into(), d));
        }
        if let Some(d) = &c.greeting_s {
            dists.push(("customers.greeting_s".into(), d));
        }
        if let Some(d) = &c.machine_message_s {
            dists.push(("customers.machine_message_s".into(), d));
        }
        for (i, t) in self.tasks.iter().enumerate() {
            if let Some(a) = &t.amd {
                dists.push((format!("tasks[{i}].amd.detection_s"), &a.detection_s));
            }
        }
        for (i, ivr) in self.enterprise.ivrs.iter().enumerate() {
            dists.push((format!("enterprise.ivrs[{i}].duration_s"), &ivr.duration_s));
        }
        for (path, d) in dists {
            if let Err(e) = d.check() {
                p.bad(path, e.to_string());
            }
        }
    }

    /// Probabilities, hourly arrays (24 values) and their sums.
    fn check_probabilities(&self, p: &mut Problems) {
        let beh = &self.enterprise.agent_behaviour;
        let c = &self.customers;
        let mut probs = vec![
            (
                "enterprise.agent_behaviour.answer_probability".to_string(),
                beh.answer_probability,
            ),
            ("customers.answer_probability".into(), c.answer_probability),
            ("customers.busy_probability".into(), c.busy_probability),
            (
                "customers.invalid_probability".into(),
                c.invalid_probability,
            ),
            (
                "customers.unreachable_probability".into(),
                c.unreachable_probability,
            ),
            ("customers.machine_share".into(), c.machine_share),
        ];
        for (i, t) in self.tasks.iter().enumerate() {
            if let Some(a) = &t.amd {
                probs.push((format!("tasks[{i}].amd.true_positive"), a.true_positive));
                probs.push((format!("tasks[{i}].amd.false_positive"), a.false_positive));
            }
        }
        for (key, scales) in [
            ("patience_scale_by_hour", &c.patience_scale_by_hour),
            ("talk_scale_by_hour", &c.talk_scale_by_hour),
        ] {
            if let Some(h) = scales {
                if h.len() != 24 {
                    p.bad(
                        format!("customers.{key}"),
                        format!("{} values: give 24, one per hour from 00:00", h.len()),
                    );
                }
                for (i, x) in h.iter().enumerate() {
                    if !(x.is_finite() && *x > 0.0) {
                        p.bad(format!("customers.{key}[{i}]"), format!("{x} must be > 0"));
                    }
                }
            }
        }
        // Hourly probabilities: 24 values, each a probability.
        for (key, hourly) in [
            ("answer_probability_by_hour", &c.answer_probability_by_hour),
            ("machine_share_by_hour", &c.machine_share_by_hour),
        ] {
            if let Some(h) = hourly {
                if h.len() != 24 {
                    p.bad(
                        format!("customers.{key}"),
                        format!("needs 24 values, one per hour (got {})", h.len()),
                    );
                }
                probs.extend(
                    h.iter()
                        .enumerate()
                        .map(|(i, p)| (format!("customers.{key}[{i}]"), *p)),
                );
            }
        }
        for (path, v) in probs {
            if !(0.0..=1.0).contains(&v) {
                p.bad(path, format!("{v} is not a probability in [0, 1]"));
            }
        }
        let lost = c.busy_probability + c.invalid_probability + c.unreachable_probability;
        if lost > 1.0 {
            p.bad(
                "customers".into(),
                format!("busy + invalid + unreachable probabilities add up to {lost}, over 1"),
            );
        }
    }

    /// Voices (prompt and music-on-hold lengths).
    fn check_voices(&self, p: &mut Problems) {
        for (i, v) in self.enterprise.voices.iter().enumerate() {
            if !(v.duration_s.is_finite() && v.duration_s >= 0.0) {
                p.bad(
                    format!("enterprise.voices[{i}].duration_s"),
                    format!("{} must be >= 0", v.duration_s),
                );
            }
        }
    }

    /// Operator actions: when, which task, numeric parameters.
    fn check_actions(&self, p: &mut Problems) {
        if self.actions.len() > limits::MAX_ACTIONS {
            p.bad(
                "actions".into(),
                format!(
                    "{} actions: at most {}",
                    self.actions.len(),
                    limits::MAX_ACTIONS
                ),
            );
            return;
        }
        for (i, a) in self.actions.iter().enumerate() {
            // An import is one batch: the platform's batch limit applies before anything is
            // allocated for it.
            if a.action == ActionKind::ImportTaskTel
                && let Some(count) = a.params.get("count").and_then(Value::as_u64)
                && count > crate::platform::MAX_BATCH as u64
            {
                p.bad(
                    format!("actions[{i}].params.count"),
                    format!(
                        "{count}: at most {} numbers in one ImportTaskTel batch",
                        crate::platform::MAX_BATCH
                    ),
                );
            }
            match (a.at_s, &a.at) {
                (Some(x), None) if x.is_finite() && x >= 0.0 => {}
                (None, Some(t)) => {
                    if t.parse::<DateTime>().is_err() {
                        p.bad(
                            format!("actions[{i}].at"),
                            format!("{t:?} is not yyyy-MM-ddTHH:mm:ss"),
                        );
                    }
                }
                _ => p.bad(
                    format!("actions[{i}]"),
                    "give exactly one of at_s (>= 0) and at".into(),
                ),
            }
            self.check_action_target(i, a, p);
            for key in [
                "count",
                "duplicates",
                "PauseDuration",
                "Priority",
                "IsRepeat",
                "ImportTelAutoStart",
            ] {
                if a.action != ActionKind::UpdateTask
                    && let Some(v) = a.params.get(key)
                    && v.as_u64().is_none()
                {
                    p.bad(
                        format!("actions[{i}].params.{key}"),
                        format!("{v} must be a whole number >= 0"),
                    );
                }
            }
        }
    }

    /// What an action acts on: a task by its Name or its TaskId (exactly one), or an agent
    /// by its `Cno`; and the phone numbers an import or a deletion lists.
    fn check_action_target(&self, i: usize, a: &ActionSpec, p: &mut Problems) {
        if a.action.is_agent() {
            let cno = a.params.get("Cno").and_then(Value::as_str);
            if !a.task.is_empty() || a.task_id.is_some() {
                p.bad(
                    format!("actions[{i}].task"),
                    format!("{:?} acts on an agent (params.Cno), not a task", a.action),
                );
            }
            if cno.is_none() {
                p.bad(
                    format!("actions[{i}].params.Cno"),
                    format!("{:?} needs the agent's Cno as a string", a.action),
                );
            }
            return;
        }
        match (a.task.is_empty(), a.task_id) {
            (false, None) => {
                if !self
                    .tasks
                    .iter()
                    .any(|t| t.request.get("Name").and_then(Value::as_str) == Some(a.task.as_str()))
                {
                    p.bad(
                        format!("actions[{i}].task"),
                        format!("{:?} is not the Name of a task", a.task),
                    );
                }
            }
            (true, Some(id)) if id > 0 => {}
            _ => p.bad(
                format!("actions[{i}]"),
                "give exactly one of task (a Name) and task_id (a TaskId > 0)".into(),
            ),
        }
        for key in ["numbers", "tels"] {
            let Some(v) = a.params.get(key) else { continue };
            let list = v.as_array();
            let ok = list.is_some_and(|l| l.iter().all(Value::is_string));
            if !ok {
                p.bad(
                    format!("actions[{i}].params.{key}"),
                    "must be an array of phone numbers as strings".into(),
                );
            } else if list.is_some_and(|l| l.len() > crate::platform::MAX_BATCH) {
                p.bad(
                    format!("actions[{i}].params.{key}"),
                    format!(
                        "{} numbers: at most {} in one batch",
                        list.map_or(0, Vec::len),
                        crate::platform::MAX_BATCH
                    ),
                );
            }
        }
    }

    /// Customers' area codes and the caller-id effect on answering.
    fn check_caller_ids(&self, p: &mut Problems) {
        let c = &self.customers;
        let mut total_share = 0.0;
        for (i, a) in c.area_codes.iter().enumerate() {
            if !(a.share.is_finite() && (0.0..=1.0).contains(&a.share)) {
                p.bad(
                    format!("customers.area_codes[{i}].share"),
                    format!("{} must be from 0 to 1", a.share),
                );
            }
            if a.code.is_empty() || !a.code.bytes().all(|b| b.is_ascii_digit()) {
                p.bad(
                    format!("customers.area_codes[{i}].code"),
                    format!("{:?} must be digits", a.code),
                );
            }
            total_share += a.share;
        }
        if total_share > 1.0 + 1e-9 {
            p.bad(
                "customers.area_codes".into(),
                format!("shares add up to {total_share}, more than 1"),
            );
        }
        if let Some(e) = &c.caller_id_effect {
            let all = [
                ("local", e.local),
                ("remote", e.remote),
                ("mobile", e.mobile),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .chain(e.by_clid.iter().map(|(k, v)| (format!("by_clid.{k}"), *v)));
            for (k, v) in all {
                if !(v.is_finite() && v >= 0.0) {
                    p.bad(
                        format!("customers.caller_id_effect.{k}"),
                        format!("{v} must be a multiplier >= 0"),
                    );
                }
            }
        }
    }

    /// Random breaks, shifts and fixed breaks (of agents the enterprise has).
    fn check_breaks(&self, agents: &[Agent], p: &mut Problems) {
        let seen_cnos: HashSet<&str> = if self.enterprise.breaks.is_empty() {
            HashSet::new()
        } else {
            agents.iter().map(|a| a.cno.as_str()).collect()
        };
        for (i, rb) in self.enterprise.random_breaks.iter().enumerate() {
            for (key, d) in [("every_s", &rb.every_s), ("duration_s", &rb.duration_s)] {
                if let Err(e) = d.check() {
                    p.bad(
                        format!("enterprise.random_breaks[{i}].{key}"),
                        e.to_string(),
                    );
                }
            }
        }
        if let Some(r) = self
            .enterprise
            .login_ramp_s
            .filter(|r| !(r.is_finite() && *r >= 0.0))
        {
            p.bad(
                "enterprise.login_ramp_s".into(),
                format!("{r} must be a number of seconds >= 0"),
            );
        }
        for (i, sh) in self.enterprise.shifts.iter().enumerate() {
            if let Err(e) = sh.minutes() {
                p.bad(format!("enterprise.shifts[{i}]"), e);
            }
        }
        for (i, b) in self.enterprise.breaks.iter().enumerate() {
            if !(b.start_s.is_finite()
                && b.start_s >= 0.0
                && b.duration_s.is_finite()
                && b.duration_s > 0.0)
            {
                p.bad(
                    format!("enterprise.breaks[{i}]"),
                    "start_s must be >= 0 and duration_s > 0".into(),
                );
            }
            for cno in &b.cnos {
                if !seen_cnos.contains(cno.as_str()) {
                    p.bad(
                        format!("enterprise.breaks[{i}].cnos"),
                        format!("agent {cno} is not an agent of the enterprise"),
                    );
                }
            }
        }
    }

    /// The `expect` block, and that there is a task.
    fn check_expect(&self, p: &mut Problems) {
        for (k, b) in &self.expect {
            if b.min.is_none() && b.max.is_none() {
                p.bad(format!("expect.{k}"), "needs min or max".into());
            }
            if [b.min, b.max].iter().flatten().any(|x| !x.is_finite()) {
                p.bad(
                    format!("expect.{k}"),
                    "min and max must be finite numbers".into(),
                );
            }
            if let (Some(lo), Some(hi)) = (b.min, b.max)
                && lo > hi
            {
                p.bad(
                    format!("expect.{k}"),
                    format!("min {lo} is above max {hi}: no value can hold"),
                );
            }
        }
    }

    /// The enterprise's time conditions, compiled for the scenario's calendar.
    fn compile_windows(&self, start: DateTime, p: &mut Problems) -> Vec<(u64, Window)> {
        // Time conditions are compiled here, once: a malformed one is an input error, never a
        // window the engine would drop (a forbidden window must not silently vanish).
        let mut windows = Vec::new();
        for (i, tc) in self.enterprise.time_conditions.iter().enumerate() {
            match Window::compile(tc, start.date()) {
                Ok(w) => windows.push((tc.id, w)),
                Err(e) => p.bad(
                    format!("enterprise.time_conditions[{i}]"),
                    format!("time condition {}: {e}", tc.id),
                ),
            }
        }
        windows
    }

    /// The enterprise the requests are validated against; its groups name its agents.
    fn resolve_enterprise(&self, agents: Vec<Agent>, p: &mut Problems) -> Enterprise {
        let mut enterprise = Enterprise {
            id: self.enterprise.id,
            agents,
            agent_groups: self.enterprise.agent_groups.clone(),
            ivrs: self.enterprise.ivrs.clone(),
            voices: self.enterprise.voices.clone(),
            time_conditions: self.enterprise.time_conditions.clone(),
            templates: self.enterprise.templates.clone(),
            overflow_on_agent_no_answer: self.enterprise.overflow_on_agent_no_answer,
            agent_index: Default::default(),
        };
        enterprise.index_agents();
        for (gi, g) in enterprise.agent_groups.iter().enumerate() {
            for cno in &g.cnos {
                if !enterprise.has_agent(cno) {
                    p.bad(
                        format!("enterprise.agent_groups[{gi}].cnos"),
                        format!("agent {cno} is not an agent of the enterprise"),
                    );
                }
            }
        }
        enterprise
    }

    /// Each task: its request validated against the enterprise (problems located at
    /// file:line:col), its numbers, its pacer, its agents.
    fn check_tasks(
        &self,
        text: &str,
        path: &Path,
        enterprise: &Enterprise,
        p: &mut Problems,
    ) -> (Vec<Task>, Vec<(String, Warning)>) {
        let name = p.name.clone();
        let beh = &self.enterprise.agent_behaviour;
        let c = &self.customers;
        let talk_mean = c.talk_s.as_ref().unwrap_or(&beh.talk_s).mean();
        let mut tasks = Vec::new();
        let mut warnings = Vec::new();
        if self.tasks.len() > crate::platform::MAX_TASKS {
            p.bad(
                "tasks".into(),
                format!(
                    "{} tasks: at most {} in an enterprise (the platform's limit)",
                    self.tasks.len(),
                    crate::platform::MAX_TASKS
                ),
            );
            return (tasks, warnings);
        }
        for (ti, spec) in self.tasks.iter().enumerate() {
            if let Some(c) = spec.created_at_s
                && !(c.is_finite() && c >= 0.0)
            {
                p.bad(
                    format!("tasks[{ti}].created_at_s"),
                    format!("{c}: must be a number of seconds >= 0"),
                );
            }
            let v = validate_with(&spec.request, Some(enterprise), Some(talk_mean));
            for w in v.warnings {
                warnings.push((format!("tasks[{ti}].request.{}", w.param), w));
            }
            for problem in v.problems {
                let key = problem
                    .param
                    .split(['.', '[', '/'])
                    .next()
                    .unwrap_or("")
                    .to_string();
                let location = match locate(text, ti, &key) {
                    Some((l, col)) => format!("{name}:{l}:{col}"),
                    None => name.clone(),
                };
                p.list.push(ScenarioProblem {
                    location,
                    json_path: format!("tasks[{ti}].request.{}", problem.param),
                    message: problem.to_string(),
                    request_problem: Some(problem),
                });
            }
            let numbers = match &spec.numbers {
                NumbersSpec::Count { count, backup_tels } => {
                    if *count > crate::platform::MAX_TASK_NUMBERS as u64 {
                        p.list.push(ScenarioProblem {
                            location: name.clone(),
                            json_path: format!("tasks[{ti}].numbers.count"),
                            message: format!(
                                "{count}: at most {} numbers in a task (the platform's limit)",
                                crate::platform::MAX_TASK_NUMBERS
                            ),
                            request_problem: None,
                        });
                    }
                    if *backup_tels > 8 {
                        p.list.push(ScenarioProblem {
                            location: name.clone(),
                            json_path: format!("tasks[{ti}].numbers.backup_tels"),
                            message: format!(
                                "{backup_tels}: at most 8 backup numbers per number (ImportTaskTel BackupTels)"
                            ),
                            request_problem: None,
                        });
                    }
                    *count
                }
                NumbersSpec::File { file } => {
                    let full = path.parent().unwrap_or(Path::new(".")).join(file);
                    match count_numbers(&full) {
                        Ok(n) => n,
                        Err(e) => {
                            p.list.push(ScenarioProblem {
                                location: name.clone(),
                                json_path: format!("tasks[{ti}].numbers.file"),
                                message: e,
                                request_problem: None,
                            });
                            0
                        }
                    }
                }
            };
            if let Err(e) = spec.pacer.check() {
                p.list.push(ScenarioProblem {
                    location: name.clone(),
                    json_path: format!("tasks[{ti}].pacer.{}", e.field_name()),
                    message: e.rule().to_string(),
                    request_problem: None,
                });
            }
            if let Some(def) = &spec.abandon {
                if let Err((field, rule)) = def.check() {
                    p.list.push(ScenarioProblem {
                        location: name.clone(),
                        json_path: format!("tasks[{ti}].abandon.{field}"),
                        message: rule,
                        request_problem: None,
                    });
                }
                if v.task
                    .as_ref()
                    .is_some_and(|r| r.task_type == crate::request::TaskType::Automatic)
                {
                    p.list.push(ScenarioProblem {
                        location: name.clone(),
                        json_path: format!("tasks[{ti}].abandon"),
                        message: "an abandon definition is for Type 1 (predictive) tasks: a Type 2 task's answered calls go to the IVR, never to an agent".into(),
                        request_problem: None,
                    });
                }
            }
            if let Some(request) = v.task {
                let cnos: Vec<String> = match request.call_group_type {
                    crate::request::CallGroupType::AgentList => request.cnos.clone(),
                    crate::request::CallGroupType::AgentGroup => request
                        .agent_group
                        .as_deref()
                        .and_then(|g| enterprise.group(g))
                        .map(|g| g.cnos.clone())
                        .unwrap_or_default(),
                };
                let agents = if request.task_type == crate::request::TaskType::Automatic {
                    Vec::new()
                } else {
                    cnos.iter()
                        .filter_map(|c| enterprise.agent_position(c))
                        .collect()
                };
                tasks.push(Task {
                    request,
                    numbers,
                    pacer: spec.pacer.clone(),
                    agents,
                    backup_tels: match spec.numbers {
                        NumbersSpec::Count { backup_tels, .. } => backup_tels.min(8),
                        NumbersSpec::File { .. } => 0,
                    },
                    abandon: spec.abandon.clone(),
                    amd: spec.amd.clone(),
                    created_at_s: spec.created_at_s,
                });
            }
        }
        let total: u64 = tasks.iter().map(|t| t.numbers).sum();
        if total > crate::platform::MAX_NUMBERS {
            p.bad(
                "tasks".into(),
                format!(
                    "{total} numbers over all tasks: at most {} in an enterprise (the platform's limit)",
                    crate::platform::MAX_NUMBERS
                ),
            );
        }
        (tasks, warnings)
    }
}
