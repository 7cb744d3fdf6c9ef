//! The JSON-in-string parameters: RetryStrategy, CallPriorityStrategy, ClidProperty,
//! CustomerClidWeight, UserFields, CallVariables, CallLimitStrategy.

use super::*;

/// The form CallPriorityStrategy must have.
const PRIORITY_SHAPE: &str = "must be {\"strategy\":[{\"sort\":1,\"type\":\"retryCall\",\"desc\":0},{\"sort\":2,\"type\":\"firstCall\",\"orderType\":0}]}";

impl Reader<'_> {
    pub(super) fn rounds(&mut self, path: &str, v: Option<&Value>) -> Option<Vec<RetryRound>> {
        let items = self.array_at(
            path,
            v,
            "must be an array of {\"round\":k,\"time\":\"D-H-M\"}",
        )?;
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

    pub(super) fn retry_strategy(
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

    pub(super) fn check_increasing(
        &mut self,
        path: &str,
        rounds: &[RetryRound],
        time_type: RetryTimeType,
    ) {
        if time_type != RetryTimeType::FromFirstCall {
            return;
        }
        for (i, w) in rounds.windows(2).enumerate() {
            if w[1].time.seconds() <= w[0].time.seconds() {
                self.problem(P::InvalidJson, &format!("{path}[{}].time", i + 1), w[1].time.to_string(), format!("with RetryStrategyTimeType=1 round times are measured from the first call and must strictly increase (previous round: {})", w[0].time));
            }
        }
    }

    pub(super) fn priority(&mut self) -> Vec<PriorityEntry> {
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
            self.problem(
                P::InvalidJson,
                "CallPriorityStrategy",
                v.to_string(),
                PRIORITY_SHAPE,
            );
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

    pub(super) fn clid_property(&mut self) -> Option<ClidProperty> {
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

    pub(super) fn clid_weight(&mut self) -> Vec<ClidWeight> {
        let Some(items) = self.json_array(
            "CustomerClidWeight",
            "must be a JSON array of {\"number\":\"123,345\",\"weight\":\"5\"}",
        ) else {
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

    pub(super) fn field_value(&mut self, path: &str, value: &str) {
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

    pub(super) fn user_fields(&mut self) -> Vec<(String, String)> {
        let Some(items) = self.json_array(
            "UserFields",
            "must be a JSON array of one-pair objects, e.g. [{\"name\":\"1234\"}]",
        ) else {
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

    pub(super) fn call_variables(&mut self) -> Vec<CallVariable> {
        let Some(items) = self.json_array(
            "CallVariables",
            "must be a JSON array of {\"name\":...,\"value\":...}",
        ) else {
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

    pub(super) fn call_limits(&mut self) -> Vec<CallLimit> {
        let Some(items) = self.json_array(
            "CallLimitStrategy",
            "must be a JSON array of {\"cnos\":[\"2000\"],\"limit\":\"5\"}",
        ) else {
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
}
