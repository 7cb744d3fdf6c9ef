//! Reading and validating a raw CreateTask request into a [`CreateTask`].
//!
//! The raw request is a JSON object of API parameters (or the query-string form). Values may be
//! JSON strings or numbers; JSON-in-string parameters may also be given as JSON values. The
//! reader records every problem it meets and keeps going, so one answer lists all of them.
//! Rules that need an enterprise (do the agents, group, IVR, voices, time conditions and
//! template exist?) run only when an [`Enterprise`] is given.

use super::codes::*;
use super::problem::{Problem, ProblemCode as P, Warning, WarningCode as W};
use super::task::*;
use super::wire::{bad_encoding, form_decode};
use crate::enterprise::Enterprise;
use jiff::civil::{Date, Time};
use serde_json::{Map, Value};

/// Every CreateTask parameter, in the order of the API page.
pub const PARAMS: &[&str] = &[
    "EnterpriseId",
    "Name",
    "Description",
    "Type",
    "TemplateName",
    "AutoStart",
    "AutoStartDay",
    "AutoStartTime",
    "AutoStop",
    "AutoStopDay",
    "AutoStopTime",
    "ForceEndFlag",
    "AutoTaskType",
    "AutoTriggerTimeStrategy",
    "AutoComplete",
    "RetryStrategy",
    "RetryStrategyTimeType",
    "RetryStrategyOnlyToday",
    "CallPriorityStrategy",
    "CustomerClidsCategory",
    "CustomerClids",
    "CustomerClidType",
    "ClidProperty",
    "CustomerClidWeightFlag",
    "CustomerClidWeight",
    "CustomerClidsGroup",
    "CustomerTimeout",
    "CallRouteStrategy",
    "IvrId",
    "IvrName",
    "Concurrency",
    "UserFields",
    "CallVariables",
    "TimeStrategy",
    "AutoDelete",
    "CallGroupType",
    "Cnos",
    "AgentGroup",
    "CallStrategy",
    "AgentTimeout",
    "Wrapup",
    "MaxWaitTime",
    "MinAvailableAgentCount",
    "Quotiety",
    "PredictAdjust",
    "CallLimitStrategy",
    "CustomerMoh",
    "CustomerVoice",
    "AnswerRate",
    "WarmUpDuration",
    "IsRewarm",
];

/// The API's common request parameters: accepted and ignored, so a request copied from an
/// integration's logs validates as it is. Any key starting with `Signature` is also common.
pub const COMMON_PARAMS: &[&str] = &[
    "Action",
    "Version",
    "Format",
    "RegionId",
    "AccessKeyId",
    "Timestamp",
    "SecurityToken",
];

/// Most characters a UserFields or CallVariables value may have.
pub const MAX_FIELD_VALUE_CHARS: usize = 1000;
/// Most CallVariables entries.
pub const MAX_CALL_VARIABLES: usize = 5;
/// Quotiety above this many percent draws a warning (the common 3 % legal cap).
pub const LEGAL_ABANDON_CAP_PERCENT: u32 = 3;
/// WarmUpDuration under this many mean talk times draws a warning: fewer calls than that end
/// during warm-up, so measured statistics are thin when it ends.
pub const WARM_UP_TALK_TIMES: f64 = 3.0;

/// What validation found: the task when there are no problems, and the warnings either way.
#[derive(Debug, Clone, PartialEq)]
pub struct Validation {
    /// The typed task, present exactly when `problems` is empty.
    pub task: Option<CreateTask>,
    /// Everything that makes the request invalid.
    pub problems: Vec<Problem>,
    /// Risks in a request (reported even when it is also invalid).
    pub warnings: Vec<Warning>,
}

impl Validation {
    /// True when the request is valid.
    pub fn is_valid(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Is `key` a common API parameter (ignored)?
pub fn is_common_param(key: &str) -> bool {
    COMMON_PARAMS.contains(&key) || key.starts_with("Signature")
}

/// The known parameter nearest to `key` (case-insensitive edit distance).
pub fn nearest_param(key: &str) -> &'static str {
    let lower = key.to_lowercase();
    PARAMS
        .iter()
        .copied()
        .min_by_key(|p| strsim::levenshtein(&lower, &p.to_lowercase()))
        .unwrap_or("EnterpriseId")
}

/// Validate a raw request. With an enterprise, the rules that need one run too, and the named
/// template's parameters are applied as defaults under the request's own.
pub fn validate(raw: &Map<String, Value>, enterprise: Option<&Enterprise>) -> Validation {
    validate_with(raw, enterprise, None)
}

/// As [`validate`], also given the agents' mean talk time (seconds) from a scenario, which the
/// WarmUpDuration warning compares against.
pub fn validate_with(
    raw: &Map<String, Value>,
    enterprise: Option<&Enterprise>,
    mean_talk_s: Option<f64>,
) -> Validation {
    let mut merged = Map::new();
    let mut pre = Vec::new();
    if let (Some(ent), Some(Value::String(tpl))) = (enterprise, raw.get("TemplateName")) {
        match ent.templates.iter().find(|t| &t.name == tpl) {
            Some(t) => merged.extend(t.params.clone()),
            None => pre.push(Problem {
                code: P::NotFound,
                param: "TemplateName".into(),
                value: tpl.clone(),
                rule: format!(
                    "must name a task template of enterprise {} (it has: {})",
                    ent.id,
                    names(ent.templates.iter().map(|t| t.name.as_str()))
                ),
            }),
        }
    }
    merged.extend(raw.clone());
    let mut r = Reader {
        map: &merged,
        problems: pre,
        warnings: Vec::new(),
    };
    let task = r.read_task();
    if let (Some(t), Some(ent)) = (&task, enterprise) {
        r.check_enterprise(t, ent);
    }
    if let Some(t) = &task {
        r.warn(t, enterprise, mean_talk_s);
    }
    let Reader {
        mut problems,
        warnings,
        ..
    } = r;
    problems.dedup();
    Validation {
        task: if problems.is_empty() { task } else { None },
        problems,
        warnings,
    }
}

fn names<'a>(it: impl Iterator<Item = &'a str>) -> String {
    let v: Vec<&str> = it.collect();
    if v.is_empty() {
        "none".into()
    } else {
        v.join(", ")
    }
}

struct Reader<'a> {
    map: &'a Map<String, Value>,
    problems: Vec<Problem>,
    warnings: Vec<Warning>,
}

/// Render a raw value for a message: strings as they are, anything else as JSON.
fn shown(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

impl<'a> Reader<'a> {
    fn problem(&mut self, code: P, param: &str, value: impl Into<String>, rule: impl Into<String>) {
        self.problems.push(Problem {
            code,
            param: param.to_string(),
            value: value.into(),
            rule: rule.into(),
        });
    }

    fn warning(&mut self, code: W, param: &str, value: impl Into<String>, rule: impl Into<String>) {
        self.warnings.push(Warning {
            code,
            param: param.to_string(),
            value: value.into(),
            rule: rule.into(),
        });
    }

    /// The value of a parameter; JSON null counts as absent.
    fn raw(&self, name: &str) -> Option<&'a Value> {
        self.map.get(name).filter(|v| !v.is_null())
    }

    fn present(&self, name: &str) -> bool {
        self.raw(name).is_some()
    }

    /// A scalar as text: strings as they are, numbers in their JSON spelling.
    fn text(&mut self, name: &str) -> Option<String> {
        match self.raw(name)? {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            other => {
                let v = shown(other);
                self.problem(P::InvalidType, name, v, "must be a string or a number");
                None
            }
        }
    }

    /// An integer in `lo..=hi`; `None` when absent or invalid (the problem is recorded).
    fn int(&mut self, name: &str, lo: i64, hi: i64) -> Option<i64> {
        let text = self.text(name)?;
        match parse_int(&text) {
            Some(n) if (lo..=hi).contains(&n) => Some(n),
            Some(_) => {
                let rule = if hi == i64::MAX {
                    format!("must be at least {lo}")
                } else {
                    format!("must be an integer from {lo} to {hi}")
                };
                self.problem(P::OutOfRange, name, text, rule);
                None
            }
            None => {
                self.problem(P::InvalidType, name, text, "must be an integer");
                None
            }
        }
    }

    fn int_or(&mut self, name: &str, lo: i64, hi: i64, default: i64) -> i64 {
        self.int(name, lo, hi).unwrap_or(default)
    }

    fn code<E: Code>(&mut self, name: &str) -> Option<E> {
        let text = self.text(name)?;
        match parse_int(&text).and_then(E::from_code) {
            Some(e) => Some(e),
            None => {
                let rule = format!("must be one of {}", E::allowed());
                self.problem(P::InvalidCode, name, text, rule);
                None
            }
        }
    }

    fn flag(&mut self, name: &str) -> Option<bool> {
        let text = self.text(name)?;
        match text.as_str() {
            "0" => Some(false),
            "1" => Some(true),
            _ => {
                self.problem(P::InvalidCode, name, text, "must be 0 (off) or 1 (on)");
                None
            }
        }
    }

    /// A non-empty string.
    fn string(&mut self, name: &str) -> Option<String> {
        let text = self.text(name)?;
        if text.trim().is_empty() {
            self.problem(P::InvalidFormat, name, text, "must not be empty");
            return None;
        }
        Some(text)
    }

    /// A comma-separated list of non-empty, distinct items.
    fn list(&mut self, name: &str, item_ok: fn(&str) -> bool, item_rule: &str) -> Vec<String> {
        let Some(text) = self.text(name) else {
            return Vec::new();
        };
        let items: Vec<String> = text.split(',').map(|s| s.trim().to_string()).collect();
        let mut ok = true;
        for (i, item) in items.iter().enumerate() {
            if item.is_empty() || !item_ok(item) {
                let rule = format!("item {} of the comma-separated list {item_rule}", i + 1);
                self.problem(P::InvalidFormat, name, text.clone(), rule);
                ok = false;
                break;
            }
            if items[..i].contains(item) {
                let rule = format!("lists {item} more than once");
                self.problem(P::Conflict, name, text.clone(), rule);
                ok = false;
                break;
            }
        }
        if ok { items } else { Vec::new() }
    }

    fn id_list(&mut self, name: &str) -> Vec<u64> {
        self.list(
            name,
            |s| s.parse::<u64>().is_ok(),
            "must be a time-condition id",
        )
        .iter()
        .filter_map(|s| s.parse().ok())
        .collect()
    }

    /// A URL-encoded UTF-8 label, decoded, shorter than `limit` characters.
    fn label(&mut self, name: &str, limit: usize) -> Option<String> {
        let text = self.text(name)?;
        let Some(decoded) = form_decode(&text) else {
            self.problems.push(bad_encoding(name, &text));
            return None;
        };
        let chars = decoded.chars().count();
        if chars >= limit {
            let rule = format!(
                "must be shorter than {limit} characters once URL-decoded (it has {chars})"
            );
            self.problem(P::TooLong, name, text, rule);
            return None;
        }
        Some(decoded)
    }

    fn date(&mut self, name: &str) -> Option<Date> {
        let text = self.text(name)?;
        let shape = text.len() == 10
            && text.bytes().enumerate().all(|(i, b)| match i {
                4 | 7 => b == b'-',
                _ => b.is_ascii_digit(),
            });
        match shape.then(|| text.parse::<Date>().ok()).flatten() {
            Some(d) => Some(d),
            None => {
                self.problem(
                    P::InvalidFormat,
                    name,
                    text,
                    "must be a real date as yyyy-MM-dd, e.g. 2026-01-01",
                );
                None
            }
        }
    }

    fn time(&mut self, name: &str) -> Option<Time> {
        let text = self.text(name)?;
        let shape = text.len() == 8
            && text.bytes().enumerate().all(|(i, b)| match i {
                2 | 5 => b == b':',
                _ => b.is_ascii_digit(),
            });
        match shape
            .then(|| Time::strptime("%H:%M:%S", &text).ok())
            .flatten()
        {
            Some(t) => Some(t),
            None => {
                self.problem(
                    P::InvalidFormat,
                    name,
                    text,
                    "must be a time of day as HH:mm:ss, e.g. 08:00:00",
                );
                None
            }
        }
    }

    /// A JSON-in-string parameter: a string holding JSON, or the JSON value itself.
    fn json(&mut self, name: &str) -> Option<Value> {
        match self.raw(name)? {
            Value::String(s) => match serde_json::from_str::<Value>(s) {
                Ok(v) => Some(v),
                Err(e) => {
                    self.problem(
                        P::InvalidJson,
                        name,
                        s.clone(),
                        format!("must hold JSON: {e}"),
                    );
                    None
                }
            },
            v @ (Value::Array(_) | Value::Object(_)) => Some(v.clone()),
            other => {
                let v = shown(other);
                self.problem(
                    P::InvalidJson,
                    name,
                    v,
                    "must be a JSON string (or JSON value)",
                );
                None
            }
        }
    }

    fn quotiety(&mut self) -> Quotiety {
        let Some(text) = self.text("Quotiety") else {
            return Quotiety::DEFAULT;
        };
        match parse_hundredths(&text) {
            Hundredths::Ok(h) if (1..=2000).contains(&h) => Quotiety(h as u32),
            Hundredths::Ok(_) => {
                self.problem(
                    P::OutOfRange,
                    "Quotiety",
                    text,
                    "must be greater than 0 and at most 20",
                );
                Quotiety::DEFAULT
            }
            Hundredths::TooPrecise => {
                self.problem(
                    P::InvalidPrecision,
                    "Quotiety",
                    text,
                    "has at most two decimals",
                );
                Quotiety::DEFAULT
            }
            Hundredths::NotANumber => {
                self.problem(P::InvalidType, "Quotiety", text, "must be a decimal number");
                Quotiety::DEFAULT
            }
        }
    }

    fn schedule(&mut self, flag: &str, day: &str, time: &str) -> Option<Schedule> {
        let on = self.flag(flag).unwrap_or(false);
        let d = self.date(day);
        let t = self.time(time);
        if !on {
            for p in [day, time] {
                if self.present(p) {
                    let v = self.text(p).unwrap_or_default();
                    self.warning(W::Ignored, p, v, format!("takes effect only with {flag}=1"));
                }
            }
            return None;
        }
        if !self.present(day) && !self.present(time) {
            self.problem(
                P::ConditionallyRequired,
                &format!("{day}/{time}"),
                "",
                format!("{flag}=1 needs {day} or {time}"),
            );
        }
        Some(Schedule { day: d, time: t })
    }

    fn read_task(&mut self) -> Option<CreateTask> {
        for key in self.map.keys() {
            if !PARAMS.contains(&key.as_str()) && !is_common_param(key) {
                let near = nearest_param(key);
                self.problems.push(Problem {
                    code: P::UnknownParameter,
                    param: key.clone(),
                    value: self.map.get(key).map(shown).unwrap_or_default(),
                    rule: format!("is not a CreateTask parameter; did you mean {near}?"),
                });
            }
        }
        for req in ["EnterpriseId", "Name", "Type"] {
            if !self.present(req) {
                self.problem(P::MissingParameter, req, "", "is required");
            }
        }
        let enterprise_id = self.int("EnterpriseId", 1, i64::MAX);
        let name = self.label("Name", 50);
        if name.as_deref().is_some_and(|n| n.trim().is_empty()) {
            self.problem(P::InvalidFormat, "Name", "", "must not be empty");
        }
        let description = self.label("Description", 200);
        let task_type = self.code::<TaskType>("Type");
        let template_name = self.string("TemplateName");
        let auto_start = self.schedule("AutoStart", "AutoStartDay", "AutoStartTime");
        let auto_stop = self.schedule("AutoStop", "AutoStopDay", "AutoStopTime");
        let force_end = self.flag("ForceEndFlag").unwrap_or(false);
        if force_end && auto_stop.is_none() {
            self.warning(
                W::Ignored,
                "ForceEndFlag",
                "1",
                "takes effect only with AutoStop=1",
            );
        }
        if let (Some(a), Some(b)) = (auto_start, auto_stop) {
            let start = (a.day, a.time.unwrap_or(Time::midnight()));
            let stop = (b.day, b.time.unwrap_or(Time::constant(23, 59, 59, 0)));
            // Absent days both mean "today", so they compare equal.
            if start.0.is_some() == stop.0.is_some() && stop <= start {
                self.problem(
                    P::Conflict,
                    "AutoStopDay/AutoStopTime",
                    "",
                    "the scheduled stop must come after the scheduled start",
                );
            }
        }
        let auto_task_type = self
            .code::<AutoTaskType>("AutoTaskType")
            .unwrap_or(AutoTaskType::Continuous);
        let auto_trigger_time_strategy = self.id_list("AutoTriggerTimeStrategy");
        if auto_task_type == AutoTaskType::Interval && !self.present("AutoTriggerTimeStrategy") {
            self.problem(
                P::ConditionallyRequired,
                "AutoTriggerTimeStrategy",
                "",
                "AutoTaskType=1 (interval calling) needs the time-condition ids of its windows",
            );
        }
        let auto_complete = self.flag("AutoComplete").unwrap_or(true);
        let retry_time_type = self
            .code::<RetryTimeType>("RetryStrategyTimeType")
            .unwrap_or(RetryTimeType::FromFirstCall);
        let retry_strategy = self.retry_strategy(task_type, retry_time_type);
        let retry_only_today = self
            .code::<RetryOnlyToday>("RetryStrategyOnlyToday")
            .unwrap_or(RetryOnlyToday::Off);
        let call_priority_strategy = self.priority();
        let clids_category = self.code::<ClidCategory>("CustomerClidsCategory");
        let customer_clids =
            self.list("CustomerClids", is_phone, "must be a phone number (digits)");
        let clids_group = self.string("CustomerClidsGroup");
        match clids_category {
            Some(ClidCategory::FixedLine | ClidCategory::Mobile)
                if !self.present("CustomerClids") =>
            {
                self.problem(
                    P::ConditionallyRequired,
                    "CustomerClids",
                    "",
                    "CustomerClidsCategory 1 or 2 needs CustomerClids",
                )
            }
            Some(ClidCategory::NumberPool | ClidCategory::Navigation)
                if !self.present("CustomerClidsGroup") =>
            {
                self.problem(
                    P::ConditionallyRequired,
                    "CustomerClidsGroup",
                    "",
                    "CustomerClidsCategory 4 or 5 needs CustomerClidsGroup",
                )
            }
            _ => {}
        }
        let clid_type = self
            .code::<ClidType>("CustomerClidType")
            .unwrap_or(ClidType::Random);
        let clid_property = self.clid_property();
        let clid_weight_flag = self.flag("CustomerClidWeightFlag").unwrap_or(false);
        let clid_weight = self.clid_weight();
        if clid_weight_flag && !self.present("CustomerClidWeight") {
            self.problem(
                P::ConditionallyRequired,
                "CustomerClidWeight",
                "",
                "CustomerClidWeightFlag=1 needs CustomerClidWeight",
            );
        }
        if clid_weight_flag && clids_category != Some(ClidCategory::FixedLine) {
            self.warning(
                W::Ignored,
                "CustomerClidWeightFlag",
                "1",
                "takes effect only with CustomerClidsCategory=1",
            );
        }
        let customer_timeout_s = self.int_or("CustomerTimeout", 5, 60, 30) as u32;
        let call_route_strategy = self
            .code::<CallRouteStrategy>("CallRouteStrategy")
            .unwrap_or(CallRouteStrategy::Direct);
        let ivr_id = self.int("IvrId", 1, i64::MAX).map(|v| v as u64);
        let ivr_name = self.string("IvrName");
        if task_type == Some(TaskType::Automatic)
            && !self.present("IvrId")
            && !self.present("IvrName")
        {
            self.problem(
                P::ConditionallyRequired,
                "IvrId/IvrName",
                "",
                "Type=2 (automatic) needs IvrId or IvrName: answered calls go to that IVR",
            );
        }
        if call_route_strategy == CallRouteStrategy::AiFirst
            && !self.present("IvrId")
            && !self.present("IvrName")
        {
            self.problem(
                P::ConditionallyRequired,
                "IvrId/IvrName",
                "",
                "CallRouteStrategy=2 (AI first) needs the IVR whose bot answers first",
            );
        }
        let concurrency = self.int_or("Concurrency", 0, i64::from(u32::MAX), 0) as u32;
        if task_type == Some(TaskType::Automatic) && self.present("Concurrency") && concurrency == 0
        {
            self.problem(P::OutOfRange, "Concurrency", "0", "must be at least 1 for Type=2: an automatic task has no agents to pace by, so 0 would place no call");
        }
        let user_fields = self.user_fields();
        let call_variables = self.call_variables();
        let time_strategy = self.id_list("TimeStrategy");
        let auto_delete = self.flag("AutoDelete").unwrap_or(false);
        let call_group_type = self
            .code::<CallGroupType>("CallGroupType")
            .unwrap_or(CallGroupType::AgentList);
        let cnos = self.list(
            "Cnos",
            is_cno,
            "must be an agent number (letters and digits)",
        );
        let agent_group = self.string("AgentGroup");
        if task_type != Some(TaskType::Automatic) {
            match call_group_type {
                CallGroupType::AgentList if !self.present("Cnos") => self.problem(
                    P::ConditionallyRequired,
                    "Cnos",
                    "",
                    "CallGroupType=1 needs Cnos, the task's agent numbers",
                ),
                CallGroupType::AgentGroup if !self.present("AgentGroup") => self.problem(
                    P::ConditionallyRequired,
                    "AgentGroup",
                    "",
                    "CallGroupType=2 needs AgentGroup, the outbound group number",
                ),
                _ => {}
            }
        }
        let call_strategy = self
            .code::<CallStrategy>("CallStrategy")
            .unwrap_or(CallStrategy::Random);
        let agent_timeout_s = self.int_or("AgentTimeout", 5, 60, 10) as u32;
        let wrapup_s = self.int_or("Wrapup", 1, 10_800, 30) as u32;
        let max_wait_time_s = self.int_or("MaxWaitTime", 10, 600, 40) as u32;
        let min_available_agents = self.int_or("MinAvailableAgentCount", 1, 10, 10) as u32;
        let quotiety = self.quotiety();
        let predict_adjust = self.int_or("PredictAdjust", 50, 400, 100) as u32;
        let call_limits = self.call_limits();
        let customer_moh = self.string("CustomerMoh");
        let customer_voice = self.string("CustomerVoice");
        let answer_rate = self.int_or("AnswerRate", 1, 100, 50) as u32;
        let warm_up_s = self.int_or("WarmUpDuration", 60, 600, 300) as u32;
        let rewarm = self.flag("IsRewarm").unwrap_or(true);

        // Built whenever the required fields read, even beside other problems, so the
        // enterprise checks and warnings still run; `validate` drops it if anything is wrong.
        Some(CreateTask {
            enterprise_id: enterprise_id? as u64,
            name: name?,
            description,
            task_type: task_type?,
            template_name,
            auto_start,
            auto_stop,
            force_end,
            auto_task_type,
            auto_trigger_time_strategy,
            auto_complete,
            retry_strategy,
            retry_time_type,
            retry_only_today,
            call_priority_strategy,
            clids_category,
            customer_clids,
            clid_type,
            clid_property,
            clid_weight_flag,
            clid_weight,
            clids_group,
            customer_timeout_s,
            call_route_strategy,
            ivr_id,
            ivr_name,
            concurrency,
            user_fields,
            call_variables,
            time_strategy,
            auto_delete,
            call_group_type,
            cnos,
            agent_group,
            call_strategy,
            agent_timeout_s,
            wrapup_s,
            max_wait_time_s,
            min_available_agents,
            quotiety,
            predict_adjust,
            call_limits,
            customer_moh,
            customer_voice,
            answer_rate,
            warm_up_s,
            rewarm,
        })
    }

    fn rounds(&mut self, path: &str, v: Option<&Value>) -> Option<Vec<RetryRound>> {
        let Some(Value::Array(items)) = v else {
            self.problem(
                P::InvalidJson,
                path,
                v.map(shown).unwrap_or_default(),
                "must be an array of {\"round\":k,\"time\":\"D-H-M\"}",
            );
            return None;
        };
        let mut out = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let p = format!("{path}[{i}]");
            let round = self.json_uint(&format!("{p}.round"), item.get("round"), 1);
            let time = match item.get("time") {
                Some(Value::String(t)) => match parse_delay(t) {
                    Some(d) => Some(d),
                    None => {
                        self.problem(P::InvalidFormat, &format!("{p}.time"), t.clone(), "must be days-hours-minutes \"D-H-M\" with hours 0-23, minutes 0-59, and not 0-0-0");
                        None
                    }
                },
                other => {
                    self.problem(
                        P::InvalidJson,
                        &format!("{p}.time"),
                        other.map(shown).unwrap_or_default(),
                        "must be a string \"D-H-M\"",
                    );
                    None
                }
            };
            if let Some(obj) = item.as_object() {
                for k in obj.keys().filter(|k| *k != "round" && *k != "time") {
                    self.problem(
                        P::InvalidJson,
                        &format!("{p}.{k}"),
                        "",
                        "is not a retry round field (round, time)",
                    );
                }
            }
            out.push(RetryRound {
                round: round?,
                time: time?,
            });
        }
        for (i, r) in out.iter().enumerate() {
            if r.round as usize != i + 1 {
                self.problem(
                    P::InvalidJson,
                    &format!("{path}[{i}].round"),
                    r.round.to_string(),
                    format!("rounds are numbered 1, 2, ... in order; expected {}", i + 1),
                );
                return None;
            }
        }
        Some(out)
    }

    fn json_uint(&mut self, path: &str, v: Option<&Value>, min: u64) -> Option<u32> {
        let parsed = match v {
            Some(Value::Number(n)) => n.as_u64(),
            Some(Value::String(s)) => parse_int(s).and_then(|n| u64::try_from(n).ok()),
            _ => None,
        };
        match parsed
            .filter(|n| *n >= min)
            .and_then(|n| u32::try_from(n).ok())
        {
            Some(n) => Some(n),
            None => {
                self.problem(
                    P::InvalidJson,
                    path,
                    v.map(shown).unwrap_or_default(),
                    format!("must be an integer of at least {min}"),
                );
                None
            }
        }
    }

    fn json_text(&mut self, path: &str, v: Option<&Value>) -> Option<String> {
        match v {
            Some(Value::String(s)) => Some(s.clone()),
            Some(Value::Number(n)) => Some(n.to_string()),
            other => {
                self.problem(
                    P::InvalidJson,
                    path,
                    other.map(shown).unwrap_or_default(),
                    "must be a string",
                );
                None
            }
        }
    }

    fn retry_strategy(
        &mut self,
        task_type: Option<TaskType>,
        time_type: RetryTimeType,
    ) -> Option<RetryStrategy> {
        let v = self.json("RetryStrategy")?;
        let strategy = match &v {
            Value::Object(o) => {
                for k in o.keys().filter(|k| *k != "retry" && *k != "strategy") {
                    self.problem(
                        P::InvalidJson,
                        &format!("RetryStrategy.{k}"),
                        "",
                        "is not a basic retry field (retry, strategy)",
                    );
                }
                let retry = self.json_uint("RetryStrategy.retry", o.get("retry"), 0);
                let rounds = self.rounds("RetryStrategy.strategy", o.get("strategy"));
                let (retry, rounds) = (retry?, rounds?);
                if rounds.len() != retry as usize {
                    self.problem(
                        P::InvalidJson,
                        "RetryStrategy.strategy",
                        rounds.len().to_string(),
                        format!("must list exactly `retry` = {retry} rounds"),
                    );
                    return None;
                }
                self.check_increasing("RetryStrategy.strategy", &rounds, time_type);
                RetryStrategy::Basic {
                    retry,
                    strategy: rounds,
                }
            }
            Value::Array(rules) => {
                if task_type == Some(TaskType::Predictive) {
                    self.problem(
                        P::Conflict,
                        "RetryStrategy",
                        v.to_string(),
                        "the advanced mode (an array of sipCause rules) is for Type=2 tasks only",
                    );
                }
                let mut out = Vec::new();
                for (i, rule) in rules.iter().enumerate() {
                    let p = format!("RetryStrategy[{i}]");
                    let causes = match rule.get("condition").and_then(|c| c.get("sipCause")) {
                        Some(Value::Array(c)) if !c.is_empty() => c
                            .iter()
                            .enumerate()
                            .filter_map(|(j, x)| {
                                self.json_text(&format!("{p}.condition.sipCause[{j}]"), Some(x))
                            })
                            .collect(),
                        other => {
                            self.problem(
                                P::InvalidJson,
                                &format!("{p}.condition.sipCause"),
                                other.map(shown).unwrap_or_default(),
                                "must be a non-empty array of call-result codes",
                            );
                            Vec::new()
                        }
                    };
                    let retry = self.json_uint(&format!("{p}.retry"), rule.get("retry"), 0);
                    let sort = match rule.get("sort") {
                        None => Some(i as u32 + 1),
                        s => self.json_uint(&format!("{p}.sort"), s, 0),
                    };
                    let rounds = self.rounds(&format!("{p}.strategy"), rule.get("strategy"));
                    if let (Some(retry), Some(sort), Some(rounds)) = (retry, sort, rounds) {
                        if rounds.len() != retry as usize {
                            self.problem(
                                P::InvalidJson,
                                &format!("{p}.strategy"),
                                rounds.len().to_string(),
                                format!("must list exactly `retry` = {retry} rounds"),
                            );
                        }
                        self.check_increasing(&format!("{p}.strategy"), &rounds, time_type);
                        out.push(AdvancedRetryRule {
                            sip_causes: causes,
                            retry,
                            sort,
                            strategy: rounds,
                        });
                    }
                }
                RetryStrategy::Advanced(out)
            }
            other => {
                self.problem(
                    P::InvalidJson,
                    "RetryStrategy",
                    other.to_string(),
                    "must be {\"retry\":n,\"strategy\":[...]} or an array of rules",
                );
                return None;
            }
        };
        Some(strategy)
    }

    fn check_increasing(&mut self, path: &str, rounds: &[RetryRound], time_type: RetryTimeType) {
        if time_type != RetryTimeType::FromFirstCall {
            return;
        }
        for (i, w) in rounds.windows(2).enumerate() {
            if w[1].time.seconds() <= w[0].time.seconds() {
                self.problem(P::InvalidJson, &format!("{path}[{}].time", i + 1), w[1].time.to_string(), format!("with RetryStrategyTimeType=1 round times are measured from the first call and must strictly increase (previous round: {})", w[0].time));
            }
        }
    }

    fn priority(&mut self) -> Vec<PriorityEntry> {
        // The page's own example value is "0": no strategy, the platform's default order.
        if matches!(
            self.text("CallPriorityStrategy").as_deref(),
            Some("0") | Some("")
        ) {
            return Vec::new();
        }
        let Some(v) = self.json("CallPriorityStrategy") else {
            return Vec::new();
        };
        let Some(Value::Array(items)) = v.get("strategy") else {
            self.problem(P::InvalidJson, "CallPriorityStrategy", v.to_string(), "must be {\"strategy\":[{\"sort\":1,\"type\":\"retryCall\",\"desc\":0},{\"sort\":2,\"type\":\"firstCall\",\"orderType\":0}]}");
            return Vec::new();
        };
        let mut out: Vec<PriorityEntry> = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let p = format!("CallPriorityStrategy.strategy[{i}]");
            let sort = self.json_uint(&format!("{p}.sort"), item.get("sort"), 0);
            let kind = match item.get("type").and_then(Value::as_str) {
                Some("retryCall") => Some(PoolKind::RetryCall),
                Some("firstCall") => Some(PoolKind::FirstCall),
                other => {
                    self.problem(
                        P::InvalidJson,
                        &format!("{p}.type"),
                        other.unwrap_or_default(),
                        "must be \"retryCall\" or \"firstCall\"",
                    );
                    None
                }
            };
            let desc = match item.get("desc") {
                None => Some(false),
                d => match self.json_uint(&format!("{p}.desc"), d, 0) {
                    Some(0) => Some(false),
                    Some(1) => Some(true),
                    Some(x) => {
                        self.problem(
                            P::InvalidJson,
                            &format!("{p}.desc"),
                            x.to_string(),
                            "must be 0 (lower rounds first) or 1 (higher rounds first)",
                        );
                        None
                    }
                    None => None,
                },
            };
            let order = match item.get("orderType") {
                None => Some(FirstCallOrder::Priority),
                o => match self.json_uint(&format!("{p}.orderType"), o, 0) {
                    Some(0) => Some(FirstCallOrder::Priority),
                    Some(1) => Some(FirstCallOrder::Random),
                    Some(2) => Some(FirstCallOrder::ImportTime),
                    Some(x) => {
                        self.problem(
                            P::InvalidJson,
                            &format!("{p}.orderType"),
                            x.to_string(),
                            "must be 0 (priority), 1 (random) or 2 (import time)",
                        );
                        None
                    }
                    None => None,
                },
            };
            if let (Some(sort), Some(kind), Some(desc), Some(order)) = (sort, kind, desc, order) {
                if out.iter().any(|e| e.kind == kind) {
                    self.problem(
                        P::InvalidJson,
                        &format!("{p}.type"),
                        format!("{kind:?}"),
                        "each pool (retryCall, firstCall) may appear once",
                    );
                }
                out.push(PriorityEntry {
                    sort,
                    kind,
                    desc,
                    order,
                });
            }
        }
        out
    }

    fn clid_property(&mut self) -> Option<ClidProperty> {
        let v = self.json("ClidProperty")?;
        let area = self.json_text("ClidProperty.defaultAreaCode", v.get("defaultAreaCode"));
        if area
            .as_deref()
            .is_some_and(|a| a.is_empty() || !a.bytes().all(|b| b.is_ascii_digit()))
        {
            self.problem(
                P::InvalidJson,
                "ClidProperty.defaultAreaCode",
                area.clone().unwrap_or_default(),
                "must be an area code of digits, e.g. \"010\"",
            );
            return None;
        }
        let capital = match v.get("isMatchCapital") {
            None => Some(false),
            c => match self.json_text("ClidProperty.isMatchCapital", c).as_deref() {
                Some("0") => Some(false),
                Some("1") => Some(true),
                Some(x) => {
                    self.problem(
                        P::InvalidJson,
                        "ClidProperty.isMatchCapital",
                        x,
                        "must be \"0\" or \"1\"",
                    );
                    None
                }
                None => None,
            },
        };
        Some(ClidProperty {
            default_area_code: area?,
            match_capital: capital?,
        })
    }

    fn clid_weight(&mut self) -> Vec<ClidWeight> {
        let Some(v) = self.json("CustomerClidWeight") else {
            return Vec::new();
        };
        let Value::Array(items) = v else {
            self.problem(
                P::InvalidJson,
                "CustomerClidWeight",
                v.to_string(),
                "must be a JSON array of {\"number\":\"123,345\",\"weight\":\"5\"}",
            );
            return Vec::new();
        };
        let mut out = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let p = format!("CustomerClidWeight[{i}]");
            let numbers = self.json_text(&format!("{p}.number"), item.get("number"));
            let weight = self.json_uint(&format!("{p}.weight"), item.get("weight"), 1);
            if let (Some(n), Some(w)) = (numbers, weight) {
                let numbers: Vec<String> = n.split(',').map(|s| s.trim().to_string()).collect();
                if numbers.iter().any(|x| !is_phone(x)) {
                    self.problem(
                        P::InvalidJson,
                        &format!("{p}.number"),
                        n,
                        "must be a comma-separated list of caller ids (digits)",
                    );
                    continue;
                }
                out.push(ClidWeight { numbers, weight: w });
            }
        }
        out
    }

    fn field_value(&mut self, path: &str, value: &str) {
        let chars = value.chars().count();
        if chars > MAX_FIELD_VALUE_CHARS {
            self.problem(
                P::TooLong,
                path,
                format!("{}…", value.chars().take(40).collect::<String>()),
                format!(
                    "a field value has at most {MAX_FIELD_VALUE_CHARS} characters (it has {chars})"
                ),
            );
        }
    }

    fn user_fields(&mut self) -> Vec<(String, String)> {
        let Some(v) = self.json("UserFields") else {
            return Vec::new();
        };
        let Value::Array(items) = v else {
            self.problem(
                P::InvalidJson,
                "UserFields",
                v.to_string(),
                "must be a JSON array of one-pair objects, e.g. [{\"name\":\"1234\"}]",
            );
            return Vec::new();
        };
        let mut out = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let p = format!("UserFields[{i}]");
            let Some((k, val)) = item.as_object().and_then(|o| o.iter().next()) else {
                self.problem(
                    P::InvalidJson,
                    &p,
                    item.to_string(),
                    "must be an object with one key-value pair",
                );
                continue;
            };
            if item.as_object().is_some_and(|o| o.len() > 1) {
                self.warning(
                    W::Ignored,
                    &p,
                    item.to_string(),
                    "only the first key-value pair of each entry is kept, as the platform does",
                );
            }
            if let Some(val) = self.json_text(&format!("{p}.{k}"), Some(val)) {
                self.field_value(&format!("{p}.{k}"), &val);
                out.push((k.clone(), val));
            }
        }
        out
    }

    fn call_variables(&mut self) -> Vec<CallVariable> {
        let Some(v) = self.json("CallVariables") else {
            return Vec::new();
        };
        let Value::Array(items) = v else {
            self.problem(
                P::InvalidJson,
                "CallVariables",
                v.to_string(),
                "must be a JSON array of {\"name\":...,\"value\":...}",
            );
            return Vec::new();
        };
        if items.len() > MAX_CALL_VARIABLES {
            self.problem(
                P::TooMany,
                "CallVariables",
                items.len().to_string(),
                format!("at most {MAX_CALL_VARIABLES} variables"),
            );
        }
        let mut out = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let p = format!("CallVariables[{i}]");
            let name = self.json_text(&format!("{p}.name"), item.get("name"));
            let value = self.json_text(&format!("{p}.value"), item.get("value"));
            if let (Some(name), Some(value)) = (name, value) {
                if name.trim().is_empty() {
                    self.problem(
                        P::InvalidJson,
                        &format!("{p}.name"),
                        name,
                        "must not be empty",
                    );
                    continue;
                }
                self.field_value(&format!("{p}.value"), &value);
                out.push(CallVariable { name, value });
            }
        }
        out
    }

    fn call_limits(&mut self) -> Vec<CallLimit> {
        let Some(v) = self.json("CallLimitStrategy") else {
            return Vec::new();
        };
        let Value::Array(items) = v else {
            self.problem(
                P::InvalidJson,
                "CallLimitStrategy",
                v.to_string(),
                "must be a JSON array of {\"cnos\":[\"2000\"],\"limit\":\"5\"}",
            );
            return Vec::new();
        };
        let mut out = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let p = format!("CallLimitStrategy[{i}]");
            let cnos = match item.get("cnos") {
                Some(Value::Array(c)) if !c.is_empty() => c
                    .iter()
                    .enumerate()
                    .filter_map(|(j, x)| self.json_text(&format!("{p}.cnos[{j}]"), Some(x)))
                    .collect::<Vec<_>>(),
                other => {
                    self.problem(
                        P::InvalidJson,
                        &format!("{p}.cnos"),
                        other.map(shown).unwrap_or_default(),
                        "must be a non-empty array of agent numbers",
                    );
                    continue;
                }
            };
            if let Some(limit) = self.json_uint(&format!("{p}.limit"), item.get("limit"), 1) {
                out.push(CallLimit { cnos, limit });
            }
        }
        out
    }

    fn check_enterprise(&mut self, t: &CreateTask, ent: &Enterprise) {
        if t.enterprise_id != ent.id {
            self.problem(
                P::NotFound,
                "EnterpriseId",
                t.enterprise_id.to_string(),
                format!("the scenario's enterprise is {}", ent.id),
            );
        }
        for cno in &t.cnos {
            if !ent.has_agent(cno) {
                self.problem(
                    P::NotFound,
                    "Cnos",
                    cno.clone(),
                    format!("agent {cno} is not an agent of enterprise {}", ent.id),
                );
            }
        }
        if let Some(g) = &t.agent_group
            && ent.group(g).is_none()
        {
            let rule = format!(
                "must name an agent group of the enterprise (it has: {})",
                names(ent.agent_groups.iter().map(|g| g.id.as_str()))
            );
            self.problem(P::NotFound, "AgentGroup", g.clone(), rule);
        }
        if let Some(id) = t.ivr_id {
            if ent.ivrs.iter().all(|i| i.id != id) {
                let rule = format!(
                    "must name an IVR of the enterprise (ids: {})",
                    names(
                        ent.ivrs
                            .iter()
                            .map(|i| i.id.to_string())
                            .collect::<Vec<_>>()
                            .iter()
                            .map(String::as_str)
                    )
                );
                self.problem(P::NotFound, "IvrId", id.to_string(), rule);
            }
        } else if let Some(n) = &t.ivr_name
            && ent.ivrs.iter().all(|i| &i.name != n)
        {
            let rule = format!(
                "must name an IVR of the enterprise (names: {})",
                names(ent.ivrs.iter().map(|i| i.name.as_str()))
            );
            self.problem(P::NotFound, "IvrName", n.clone(), rule);
        }
        for (param, voice) in [
            ("CustomerMoh", &t.customer_moh),
            ("CustomerVoice", &t.customer_voice),
        ] {
            if let Some(path) = voice
                && ent.voice(path).is_none()
            {
                self.problem(
                    P::NotFound,
                    param,
                    path.clone(),
                    "must be the path of a voice file of the enterprise",
                );
            }
        }
        for (param, ids) in [
            ("TimeStrategy", &t.time_strategy),
            ("AutoTriggerTimeStrategy", &t.auto_trigger_time_strategy),
        ] {
            for id in ids {
                if ent.time_condition(*id).is_none() {
                    self.problem(
                        P::NotFound,
                        param,
                        id.to_string(),
                        format!("time condition {id} is not defined in the enterprise"),
                    );
                }
            }
        }
        for (i, limit) in t.call_limits.iter().enumerate() {
            for cno in &limit.cnos {
                if !ent.has_agent(cno) {
                    self.problem(
                        P::NotFound,
                        &format!("CallLimitStrategy[{i}].cnos"),
                        cno.clone(),
                        "names an agent the enterprise does not have",
                    );
                }
            }
        }
    }

    fn warn(&mut self, t: &CreateTask, ent: Option<&Enterprise>, mean_talk_s: Option<f64>) {
        if t.quotiety.0 > LEGAL_ABANDON_CAP_PERCENT * 100 {
            self.warning(W::QuotietyAboveLegalCap, "Quotiety", t.quotiety.to_string(), format!("tolerates more than {LEGAL_ABANDON_CAP_PERCENT} % abandoned calls, over the common legal cap (US FCC, UK Ofcom)"));
        }
        if t.task_type == TaskType::Automatic {
            return;
        }
        let team = match (t.call_group_type, ent) {
            (CallGroupType::AgentList, _) => Some(t.cnos.len()),
            (CallGroupType::AgentGroup, Some(e)) => t
                .agent_group
                .as_deref()
                .and_then(|g| e.group(g))
                .map(|g| g.cnos.len()),
            (CallGroupType::AgentGroup, None) => None,
        };
        if let Some(team) = team {
            if t.min_available_agents as usize > team {
                self.warning(W::MinAvailableAboveTeam, "MinAvailableAgentCount", t.min_available_agents.to_string(), format!("the task has only {team} agents, so it pauses itself as soon as it starts; set it to {team} or less"));
            }
            if t.concurrency == 0 && team < 10 {
                self.warning(W::UnlimitedConcurrencySmallTeam, "Concurrency", "0", format!("unlimited concurrency with {team} agents (under 10): the platform advises a cap for small teams"));
            }
        }
        if let Some(talk) = mean_talk_s
            && f64::from(t.warm_up_s) < WARM_UP_TALK_TIMES * talk
        {
            self.warning(W::ShortWarmUp, "WarmUpDuration", t.warm_up_s.to_string(), format!("shorter than {WARM_UP_TALK_TIMES} mean talk times ({:.0} s): few calls end during warm-up, so pacing switches to thin measurements", WARM_UP_TALK_TIMES * talk));
        }
        if let Some(stop) = t.auto_stop
            && !t.force_end
        {
            let when = format!(
                "{}{}",
                stop.day.map(|d| format!("{d} ")).unwrap_or_default(),
                stop.time
                    .map(|x| x.to_string())
                    .unwrap_or_else(|| "23:59:59".into())
            );
            self.warning(W::AutoStopPausesOnly, "AutoStop", "1", format!("without ForceEndFlag=1 the task only pauses at {when} and can be started again; set ForceEndFlag=1 if calling must end then"));
        }
    }
}

fn is_phone(s: &str) -> bool {
    s.len() <= 20 && s.bytes().all(|b| b.is_ascii_digit())
}

fn is_cno(s: &str) -> bool {
    s.len() <= 32 && s.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// An integer written plainly: optional `-`, digits (a JSON number like `30.0` counts).
fn parse_int(text: &str) -> Option<i64> {
    if let Ok(n) = text.parse::<i64>() {
        return Some(n);
    }
    let f: f64 = text.parse().ok()?;
    (f.is_finite()
        && f.fract() == 0.0
        && f.abs() < 9.0e15
        && !text.contains(['e', 'E', 'i', 'n', 'N']))
    .then_some(f as i64)
}

enum Hundredths {
    Ok(i64),
    TooPrecise,
    NotANumber,
}

/// Parse a decimal like `17.62` exactly into hundredths.
fn parse_hundredths(text: &str) -> Hundredths {
    let (whole, frac) = text.split_once('.').unwrap_or((text, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || !digits(whole) || !digits(frac) || whole.len() > 9 {
        return Hundredths::NotANumber;
    }
    let frac = frac.trim_end_matches('0');
    if frac.len() > 2 {
        return Hundredths::TooPrecise;
    }
    let w: i64 = whole.parse().unwrap_or(i64::MAX / 1000);
    let f: i64 = format!("{frac:0<2}").parse().unwrap_or(0);
    Hundredths::Ok(w * 100 + f)
}

/// Parse "D-H-M".
fn parse_delay(text: &str) -> Option<RetryDelay> {
    let mut parts = text.split('-').map(|p| p.trim().parse::<u32>().ok());
    let d = RetryDelay {
        days: parts.next()??,
        hours: parts.next()??,
        minutes: parts.next()??,
    };
    (parts.next().is_none() && d.hours < 24 && d.minutes < 60 && d.seconds() > 0 && d.days <= 365)
        .then_some(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hundredths_are_exact() {
        assert!(matches!(parse_hundredths("17.62"), Hundredths::Ok(1762)));
        assert!(matches!(parse_hundredths("3"), Hundredths::Ok(300)));
        assert!(matches!(parse_hundredths("0.50"), Hundredths::Ok(50)));
        assert!(matches!(parse_hundredths("1.234"), Hundredths::TooPrecise));
        assert!(matches!(parse_hundredths("-1"), Hundredths::NotANumber));
        assert!(matches!(parse_hundredths("1e2"), Hundredths::NotANumber));
    }

    #[test]
    fn delays_parse_days_hours_minutes() {
        assert_eq!(parse_delay("1-1-1").map(RetryDelay::seconds), Some(90_060));
        assert_eq!(parse_delay("0-0-0"), None);
        assert_eq!(parse_delay("0-24-0"), None);
        assert_eq!(parse_delay("0-0"), None);
    }

    #[test]
    fn nearest_param_catches_typos() {
        assert_eq!(nearest_param("Quotity"), "Quotiety");
        assert_eq!(nearest_param("maxwaittime"), "MaxWaitTime");
    }
}
