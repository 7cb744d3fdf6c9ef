//! The typed, defaulted CreateTask: what every other part of dialsim consumes.
//!
//! Every parameter of the API page is a field here with its default applied, enumerations
//! are enums, comma lists are vectors and JSON-in-string parameters are parsed types.
//! [`CreateTask::to_params`] writes the task back in the API's own request shape, so a valid
//! request round-trips: `parse(to_params(t)) == t`.

use super::codes::*;
use jiff::civil::{Date, Time};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// A Quotiety (tolerated abandon rate, percent) held exactly, in hundredths of a percent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Quotiety(pub u32);

impl Quotiety {
    /// The platform default, 1 %.
    pub const DEFAULT: Quotiety = Quotiety(100);
    /// As a percentage.
    pub fn percent(self) -> f64 {
        f64::from(self.0) / 100.0
    }
    /// As a fraction of answered calls (3 % is 0.03).
    pub fn fraction(self) -> f64 {
        f64::from(self.0) / 10_000.0
    }
}

impl std::fmt::Display for Quotiety {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (whole, frac) = (self.0 / 100, self.0 % 100);
        match frac {
            0 => write!(f, "{whole}"),
            x if x % 10 == 0 => write!(f, "{whole}.{}", x / 10),
            x => write!(f, "{whole}.{x:02}"),
        }
    }
}

/// A retry delay "D-H-M" (days-hours-minutes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetryDelay {
    /// Days.
    pub days: u32,
    /// Hours, 0..=23.
    pub hours: u32,
    /// Minutes, 0..=59.
    pub minutes: u32,
}

impl RetryDelay {
    /// The delay in seconds.
    pub fn seconds(self) -> u64 {
        u64::from(self.days) * 86_400 + u64::from(self.hours) * 3_600 + u64::from(self.minutes) * 60
    }
}

impl std::fmt::Display for RetryDelay {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}-{}-{}", self.days, self.hours, self.minutes)
    }
}

/// One round of a basic retry strategy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetryRound {
    /// Which retry this is, from 1.
    pub round: u32,
    /// When it is due (from the first or the previous call, per RetryStrategyTimeType).
    pub time: RetryDelay,
}

/// One rule of an advanced retry strategy (Type 2 only), keyed on call-result codes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdvancedRetryRule {
    /// The call-result (SIP cause) codes this rule applies to.
    pub sip_causes: Vec<String>,
    /// Retries at most.
    pub retry: u32,
    /// Order among rules, smaller first.
    pub sort: u32,
    /// The rounds.
    pub strategy: Vec<RetryRound>,
}

/// `RetryStrategy`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum RetryStrategy {
    /// `{"retry":n,"strategy":[{"round":k,"time":"D-H-M"}]}`.
    Basic {
        /// Retries at most.
        retry: u32,
        /// One entry per round, rounds 1..=retry.
        strategy: Vec<RetryRound>,
    },
    /// An array of rules keyed on call-result codes (Type 2 only).
    Advanced(Vec<AdvancedRetryRule>),
}

/// Which pool a CallPriorityStrategy entry orders.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PoolKind {
    /// Numbers waiting for a retry (`retryCall`).
    RetryCall,
    /// Numbers never called (`firstCall`).
    FirstCall,
}

/// Order inside the never-called pool (`orderType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum FirstCallOrder {
    /// 0: by priority (larger first).
    Priority,
    /// 1: random.
    Random,
    /// 2: by import time.
    ImportTime,
}

/// One entry of CallPriorityStrategy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriorityEntry {
    /// Order of this pool against the other, smaller first.
    pub sort: u32,
    /// The pool.
    pub kind: PoolKind,
    /// retryCall: false = lower rounds first, true = higher rounds first.
    pub desc: bool,
    /// firstCall: the order inside the pool.
    pub order: FirstCallOrder,
}

/// `ClidProperty`: caller-id selection by area code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClidProperty {
    /// Area code used when none matches.
    pub default_area_code: String,
    /// Whether to fall back to the province capital's caller id.
    pub match_capital: bool,
}

/// One entry of `CustomerClidWeight`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClidWeight {
    /// The caller ids sharing this weight.
    pub numbers: Vec<String>,
    /// Relative weight.
    pub weight: u32,
}

/// One entry of `CallVariables`: a SIP header set on the agent leg.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallVariable {
    /// Variable name.
    pub name: String,
    /// Value, at most 1000 characters.
    pub value: String,
}

/// One entry of `CallLimitStrategy`: a daily cap on answered calls for some agents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallLimit {
    /// Agents the cap applies to.
    pub cnos: Vec<String>,
    /// Answered calls per agent per day.
    pub limit: u32,
}

/// A scheduled start or stop (`AutoStart*` / `AutoStop*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Schedule {
    /// The day; `None` = the day the task is created ("today").
    pub day: Option<Date>,
    /// The time of day; `None` = the documented default (00:00:00 for start, 23:59:59 for stop).
    pub time: Option<Time>,
}

/// A valid CreateTask request with every default applied.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CreateTask {
    /// `EnterpriseId`.
    pub enterprise_id: u64,
    /// `Name`, URL-decoded.
    pub name: String,
    /// `Description`, URL-decoded.
    pub description: Option<String>,
    /// `Type`.
    pub task_type: TaskType,
    /// `TemplateName`.
    pub template_name: Option<String>,
    /// `AutoStart=1` with its day and time.
    pub auto_start: Option<Schedule>,
    /// `AutoStop=1` with its day and time.
    pub auto_stop: Option<Schedule>,
    /// `ForceEndFlag`.
    pub force_end: bool,
    /// `AutoTaskType`.
    pub auto_task_type: AutoTaskType,
    /// `AutoTriggerTimeStrategy`: time-condition ids.
    pub auto_trigger_time_strategy: Vec<u64>,
    /// `AutoComplete` (default on).
    pub auto_complete: bool,
    /// `RetryStrategy`.
    pub retry_strategy: Option<RetryStrategy>,
    /// `RetryStrategyTimeType` (default 1).
    pub retry_time_type: RetryTimeType,
    /// `RetryStrategyOnlyToday` (default 0).
    pub retry_only_today: RetryOnlyToday,
    /// `CallPriorityStrategy` (empty = platform default order).
    pub call_priority_strategy: Vec<PriorityEntry>,
    /// `CustomerClidsCategory`.
    pub clids_category: Option<ClidCategory>,
    /// `CustomerClids`.
    pub customer_clids: Vec<String>,
    /// `CustomerClidType` (default 1).
    pub clid_type: ClidType,
    /// `ClidProperty`.
    pub clid_property: Option<ClidProperty>,
    /// `CustomerClidWeightFlag`.
    pub clid_weight_flag: bool,
    /// `CustomerClidWeight`.
    pub clid_weight: Vec<ClidWeight>,
    /// `CustomerClidsGroup`.
    pub clids_group: Option<String>,
    /// `CustomerTimeout`, seconds (default 30).
    pub customer_timeout_s: u32,
    /// `CallRouteStrategy` (default 1).
    pub call_route_strategy: CallRouteStrategy,
    /// `IvrId`.
    pub ivr_id: Option<u64>,
    /// `IvrName`.
    pub ivr_name: Option<String>,
    /// `Concurrency` (0 = unlimited for Type 1).
    pub concurrency: u32,
    /// `UserFields`: one (key, value) pair per entry.
    pub user_fields: Vec<(String, String)>,
    /// `CallVariables`.
    pub call_variables: Vec<CallVariable>,
    /// `TimeStrategy`: forbidden windows, time-condition ids.
    pub time_strategy: Vec<u64>,
    /// `AutoDelete` (a call option, not a task property).
    pub auto_delete: bool,
    /// `CallGroupType` (default 1).
    pub call_group_type: CallGroupType,
    /// `Cnos`.
    pub cnos: Vec<String>,
    /// `AgentGroup`.
    pub agent_group: Option<String>,
    /// `CallStrategy` (default "1").
    pub call_strategy: CallStrategy,
    /// `AgentTimeout`, seconds (default 10).
    pub agent_timeout_s: u32,
    /// `Wrapup`, seconds (default 30).
    pub wrapup_s: u32,
    /// `MaxWaitTime`, seconds (default 40).
    pub max_wait_time_s: u32,
    /// `MinAvailableAgentCount` (default 10).
    pub min_available_agents: u32,
    /// `Quotiety` (default 1 %).
    pub quotiety: Quotiety,
    /// `PredictAdjust`, percent (default 100).
    pub predict_adjust: u32,
    /// `CallLimitStrategy`.
    pub call_limits: Vec<CallLimit>,
    /// `CustomerMoh`: voice path.
    pub customer_moh: Option<String>,
    /// `CustomerVoice`: voice path.
    pub customer_voice: Option<String>,
    /// `AnswerRate`, percent (default 50).
    pub answer_rate: u32,
    /// `WarmUpDuration`, seconds (default 300).
    pub warm_up_s: u32,
    /// `IsRewarm` (default on).
    pub rewarm: bool,
}

fn s(v: impl ToString) -> Value {
    Value::String(v.to_string())
}

fn bit(b: bool) -> Value {
    s(u8::from(b))
}

fn join<T: ToString>(items: &[T]) -> String {
    items.iter().map(T::to_string).collect::<Vec<_>>().join(",")
}

impl CreateTask {
    /// The task written back as API request parameters (strings, as the query-string API
    /// carries them). Defaults are written out explicitly; absent options are omitted.
    pub fn to_params(&self) -> Map<String, Value> {
        let mut m = Map::new();
        let mut put = |k: &str, v: Value| {
            m.insert(k.to_string(), v);
        };
        put("EnterpriseId", s(self.enterprise_id));
        put("Name", s(super::wire::url_encode(&self.name)));
        if let Some(d) = &self.description {
            put("Description", s(super::wire::url_encode(d)));
        }
        put("Type", s(self.task_type.code()));
        if let Some(t) = &self.template_name {
            put("TemplateName", s(t));
        }
        for (prefix, sched) in [
            ("AutoStart", &self.auto_start),
            ("AutoStop", &self.auto_stop),
        ] {
            put(prefix, bit(sched.is_some()));
            if let Some(sc) = sched {
                if let Some(d) = sc.day {
                    put(&format!("{prefix}Day"), s(d.strftime("%Y-%m-%d")));
                }
                if let Some(t) = sc.time {
                    put(&format!("{prefix}Time"), s(t.strftime("%H:%M:%S")));
                }
            }
        }
        put("ForceEndFlag", bit(self.force_end));
        put("AutoTaskType", s(self.auto_task_type.code()));
        if !self.auto_trigger_time_strategy.is_empty() {
            put(
                "AutoTriggerTimeStrategy",
                s(join(&self.auto_trigger_time_strategy)),
            );
        }
        put("AutoComplete", bit(self.auto_complete));
        if let Some(r) = &self.retry_strategy {
            put("RetryStrategy", s(retry_json(r)));
        }
        put("RetryStrategyTimeType", s(self.retry_time_type.code()));
        put("RetryStrategyOnlyToday", s(self.retry_only_today.code()));
        if !self.call_priority_strategy.is_empty() {
            put(
                "CallPriorityStrategy",
                s(priority_json(&self.call_priority_strategy)),
            );
        }
        if let Some(c) = self.clids_category {
            put("CustomerClidsCategory", s(c.code()));
        }
        if !self.customer_clids.is_empty() {
            put("CustomerClids", s(join(&self.customer_clids)));
        }
        put("CustomerClidType", s(self.clid_type.code()));
        if let Some(p) = &self.clid_property {
            let v = serde_json::json!({"defaultAreaCode": p.default_area_code,
                "isMatchCapital": if p.match_capital {"1"} else {"0"}});
            put("ClidProperty", s(v));
        }
        put("CustomerClidWeightFlag", bit(self.clid_weight_flag));
        if !self.clid_weight.is_empty() {
            let v: Vec<Value> = self
                .clid_weight
                .iter()
                .map(|w| serde_json::json!({"number": join(&w.numbers), "weight": w.weight.to_string()}))
                .collect();
            put("CustomerClidWeight", s(Value::Array(v)));
        }
        if let Some(g) = &self.clids_group {
            put("CustomerClidsGroup", s(g));
        }
        put("CustomerTimeout", s(self.customer_timeout_s));
        put("CallRouteStrategy", s(self.call_route_strategy.code()));
        if let Some(i) = self.ivr_id {
            put("IvrId", s(i));
        }
        if let Some(n) = &self.ivr_name {
            put("IvrName", s(n));
        }
        put("Concurrency", s(self.concurrency));
        if !self.user_fields.is_empty() {
            let v: Vec<Value> = self
                .user_fields
                .iter()
                .map(|(k, v)| {
                    let mut o = Map::new();
                    o.insert(k.clone(), Value::String(v.clone()));
                    Value::Object(o)
                })
                .collect();
            put("UserFields", s(Value::Array(v)));
        }
        if !self.call_variables.is_empty() {
            let v: Vec<Value> = self
                .call_variables
                .iter()
                .map(|c| serde_json::json!({"name": c.name, "value": c.value}))
                .collect();
            put("CallVariables", s(Value::Array(v)));
        }
        if !self.time_strategy.is_empty() {
            put("TimeStrategy", s(join(&self.time_strategy)));
        }
        put("AutoDelete", bit(self.auto_delete));
        // A Type 2 task with no agents had no CallGroupType (given explicitly, it would need
        // Cnos or AgentGroup).
        let agentless = self.task_type == TaskType::Automatic
            && self.cnos.is_empty()
            && self.agent_group.is_none();
        if !agentless {
            put("CallGroupType", s(self.call_group_type.code()));
        }
        if !self.cnos.is_empty() {
            put("Cnos", s(join(&self.cnos)));
        }
        if let Some(g) = &self.agent_group {
            put("AgentGroup", s(g));
        }
        put("CallStrategy", s(self.call_strategy.code()));
        put("AgentTimeout", s(self.agent_timeout_s));
        put("Wrapup", s(self.wrapup_s));
        put("MaxWaitTime", s(self.max_wait_time_s));
        put("MinAvailableAgentCount", s(self.min_available_agents));
        put("Quotiety", s(self.quotiety));
        put("PredictAdjust", s(self.predict_adjust));
        if !self.call_limits.is_empty() {
            let v: Vec<Value> = self
                .call_limits
                .iter()
                .map(|c| serde_json::json!({"cnos": c.cnos, "limit": c.limit.to_string()}))
                .collect();
            put("CallLimitStrategy", s(Value::Array(v)));
        }
        if let Some(v) = &self.customer_moh {
            put("CustomerMoh", s(v));
        }
        if let Some(v) = &self.customer_voice {
            put("CustomerVoice", s(v));
        }
        put("AnswerRate", s(self.answer_rate));
        put("WarmUpDuration", s(self.warm_up_s));
        put("IsRewarm", bit(self.rewarm));
        m
    }
}

fn rounds_json(rounds: &[RetryRound]) -> Vec<Value> {
    rounds
        .iter()
        .map(|r| serde_json::json!({"round": r.round, "time": r.time.to_string()}))
        .collect()
}

fn retry_json(r: &RetryStrategy) -> Value {
    match r {
        RetryStrategy::Basic { retry, strategy } => {
            serde_json::json!({"retry": retry, "strategy": rounds_json(strategy)})
        }
        RetryStrategy::Advanced(rules) => Value::Array(
            rules
                .iter()
                .map(|rule| {
                    serde_json::json!({"condition": {"sipCause": rule.sip_causes},
                        "retry": rule.retry, "sort": rule.sort,
                        "strategy": rounds_json(&rule.strategy)})
                })
                .collect(),
        ),
    }
}

fn priority_json(entries: &[PriorityEntry]) -> Value {
    let list: Vec<Value> = entries
        .iter()
        .map(|e| match e.kind {
            PoolKind::RetryCall => {
                serde_json::json!({"sort": e.sort, "type": "retryCall", "desc": u8::from(e.desc)})
            }
            PoolKind::FirstCall => serde_json::json!({"sort": e.sort, "type": "firstCall",
                "orderType": match e.order {
                    FirstCallOrder::Priority => 0, FirstCallOrder::Random => 1, FirstCallOrder::ImportTime => 2 }}),
        })
        .collect();
    serde_json::json!({ "strategy": list })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotiety_prints_as_given() {
        let shown: Vec<String> = [300, 250, 205, 5, 110]
            .iter()
            .map(|&q| Quotiety(q).to_string())
            .collect();
        assert_eq!(shown, ["3", "2.5", "2.05", "0.05", "1.1"]);
    }

    #[test]
    fn to_params_validates_back_to_the_same_task_and_leaves_out_empty_lists() {
        let base = serde_json::json!({
            "EnterpriseId": 36, "Name": "t", "Type": 1, "CallGroupType": 1,
            "Cnos": "1000,1001", "Quotiety": 2.5
        });
        let rich = serde_json::json!({
            "EnterpriseId": 36, "Name": "t", "Type": 1, "CallGroupType": 1,
            "Cnos": "1000,1001", "Quotiety": 2.05, "CustomerClidsCategory": 1,
            "CustomerClids": "01012345678,01087654321",
            "CallPriorityStrategy": "{\"strategy\":[{\"sort\":1,\"type\":\"firstCall\",\"orderType\":1}]}"
        });
        let lists = serde_json::json!({
            "EnterpriseId": 36, "Name": "t", "Type": 1, "CallGroupType": 1,
            "Cnos": "1000,1001",
            "UserFields": [{"region": "north"}],
            "CallVariables": [{"name": "a", "value": "1"}],
            "TimeStrategy": "9,10",
            "CallLimitStrategy": [{"cnos": ["1000"], "limit": "7"}]
        });
        let ivr_only = serde_json::json!({"EnterpriseId": 36, "Name": "t", "Type": 2, "IvrId": 42, "Concurrency": 5});
        let ivr_with_agents = serde_json::json!({
            "EnterpriseId": 36, "Name": "t", "Type": 2, "IvrId": 42, "Concurrency": 5,
            "CallGroupType": 1, "Cnos": "1000"
        });
        for raw in [base, rich, lists, ivr_only, ivr_with_agents] {
            let raw = raw.as_object().cloned().unwrap_or_default();
            let task = crate::request::validate(&raw, None).task.expect("valid");
            let params = task.to_params();
            let v = crate::request::validate(&params, None);
            let problems: Vec<String> = v.problems.iter().map(|p| p.to_string()).collect();
            let again = v.task.unwrap_or_else(|| panic!("{problems:?}"));
            assert_eq!(again, task);
            for key in [
                "CallPriorityStrategy",
                "CustomerClids",
                "UserFields",
                "CallVariables",
                "TimeStrategy",
                "CallLimitStrategy",
                "CallGroupType",
                "Cnos",
            ] {
                assert_eq!(params.contains_key(key), raw.contains_key(key), "{key}");
            }
        }
    }

    #[test]
    fn quotiety_reads_as_percent_and_fraction() {
        assert_eq!(Quotiety(250).percent(), 2.5);
        assert_eq!(Quotiety(250).fraction(), 0.025);
        assert_eq!(Quotiety::DEFAULT.percent(), 1.0);
    }
}
