//! What a task's request means to the engine, worked out in one place: [`TaskParams`] is built
//! from the request at setup and again, from the updated request, when an UpdateTask is
//! accepted, so the two can never drift apart. Plain data: nothing here reaches into the
//! engine.

use super::customer::ClidTable;
use crate::calendar::{CallingHours, Clock};
use crate::dist::Dist;
use crate::request::{
    AutoTaskType, CallStrategy, CreateTask, FirstCallOrder, PoolKind, RetryStrategy, RetryTimeType,
};
use crate::scenario::Scenario;
use crate::sim::ms;

/// The engine's view of a task's request.
#[derive(Debug, Clone)]
pub(super) struct TaskParams {
    /// CallStrategy: which idle agent gets the next answered call.
    pub strategy: CallStrategy,
    /// Concurrency (0 = unlimited).
    pub concurrency: u32,
    /// CustomerTimeout, ms.
    pub customer_timeout_ms: u64,
    /// AgentTimeout, ms.
    pub agent_timeout_ms: u64,
    /// Wrapup: the cap on an agent's after-call work, ms.
    pub wrapup_cap_ms: u64,
    /// The CustomerVoice prompt's length, seconds (0: none).
    pub prompt_s: f64,
    /// The same, ms.
    pub prompt_ms: u64,
    /// CustomerMoh is set: waiting customers hear it (their patience is `patience_moh_s`).
    pub moh: bool,
    /// The task has an IVR (IvrId or IvrName): Type 1 overflow, Type 2 destination.
    pub has_ivr: bool,
    /// How long an answered customer stays in the IVR (60 s when the task has none).
    pub ivr_duration: Dist,
    /// MinAvailableAgentCount.
    pub min_available: u32,
    /// IsRewarm.
    pub rewarm: bool,
    /// WarmUpDuration, ms.
    pub warm_ms: u64,
    /// TimeStrategy and AutoTaskType windows.
    pub hours: CallingHours,
    /// RetryStrategy, RetryStrategyTimeType and CallPriorityStrategy.
    pub retry: RetryPolicy,
    /// CallPriorityStrategy's firstCall order.
    pub first_order: FirstCallOrder,
    /// The caller ids shown (CustomerClidsCategory and the parameters that go with it).
    pub clids: ClidTable,
    /// CallLimitStrategy: (agent, daily cap of answered calls).
    pub call_limits: Vec<(u32, u32)>,
    /// AutoStart: when the task starts, ms since the scenario start (None: no AutoStart).
    pub auto_start_ms: Option<u64>,
    /// AutoStop: when the task stops, ms (0 when the stop time is before the start).
    pub auto_stop_ms: Option<u64>,
}

/// How failed numbers are dialled again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct RetryPolicy {
    /// Basic RetryStrategy: the delay of each round, ms (empty: no basic retries).
    pub basic_delays_ms: Vec<u64>,
    /// Advanced RetryStrategy (Type 2): rules in `sort` order.
    pub advanced: Vec<AdvancedRetry>,
    /// RetryStrategyTimeType 1: a round's delay counts from the first call (else from the
    /// previous one).
    pub from_first: bool,
    /// CallPriorityStrategy: the retry pool goes before the never-called pool.
    pub retry_first: bool,
    /// CallPriorityStrategy retryCall desc: higher rounds first.
    pub retry_desc: bool,
}

/// One advanced retry rule: the SIP causes it covers and the delay of each round.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct AdvancedRetry {
    /// SIP causes (as the platform writes them, e.g. "486").
    pub sip_causes: Vec<String>,
    /// The delay of each round, ms.
    pub delays_ms: Vec<u64>,
}

impl RetryPolicy {
    /// The delay before retry round `round` (0-based) of an attempt that ended with
    /// `sip_cause`, or None when the number is not retried.
    pub fn delay_ms(&self, round: usize, sip_cause: &str) -> Option<u64> {
        if self.advanced.is_empty() {
            self.basic_delays_ms.get(round).copied()
        } else {
            self.advanced
                .iter()
                .find(|r| r.sip_causes.iter().any(|x| x == sip_cause))
                .and_then(|r| r.delays_ms.get(round).copied())
        }
    }

    fn from_request(req: &CreateTask) -> RetryPolicy {
        let (basic_delays_ms, advanced) = match &req.retry_strategy {
            Some(RetryStrategy::Basic { strategy, .. }) => {
                let mut rounds = strategy.clone();
                rounds.sort_by_key(|r| r.round);
                let delays = rounds.iter().map(|r| r.time.seconds() * 1000).collect();
                (delays, Vec::new())
            }
            Some(RetryStrategy::Advanced(rules)) => {
                let mut rules = rules.clone();
                rules.sort_by_key(|r| r.sort);
                let advanced = rules
                    .iter()
                    .map(|r| {
                        let mut rounds = r.strategy.clone();
                        rounds.sort_by_key(|x| x.round);
                        AdvancedRetry {
                            sip_causes: r.sip_causes.clone(),
                            delays_ms: rounds
                                .iter()
                                .take(r.retry as usize)
                                .map(|x| x.time.seconds() * 1000)
                                .collect(),
                        }
                    })
                    .collect();
                (Vec::new(), advanced)
            }
            None => (Vec::new(), Vec::new()),
        };
        let pos = |k| {
            req.call_priority_strategy
                .iter()
                .find(|e| e.kind == k)
                .map(|e| e.sort)
        };
        RetryPolicy {
            basic_delays_ms,
            advanced,
            from_first: req.retry_time_type == RetryTimeType::FromFirstCall,
            retry_first: match (pos(PoolKind::RetryCall), pos(PoolKind::FirstCall)) {
                (Some(r), Some(f)) => r <= f,
                (None, Some(_)) => false,
                _ => true,
            },
            retry_desc: req
                .call_priority_strategy
                .iter()
                .any(|e| e.kind == PoolKind::RetryCall && e.desc),
        }
    }
}

impl TaskParams {
    /// What `req` means in scenario `sc` (whose calendar is `clock`). Everything it refers
    /// to was checked when the request was validated against the enterprise and when the
    /// scenario's time conditions were compiled; what is missing is treated as absent.
    pub fn from_request(req: &CreateTask, sc: &Scenario, clock: &Clock) -> TaskParams {
        let prompt_s = req
            .customer_voice
            .as_deref()
            .and_then(|v| sc.enterprise.voice(v))
            .map(|v| v.duration_s)
            .unwrap_or(0.0);
        let ivr = sc.enterprise.ivr(req.ivr_id, req.ivr_name.as_deref());
        let windows = |ids: &[u64]| ids.iter().filter_map(|id| sc.window(*id)).collect();
        let call_limits = req
            .call_limits
            .iter()
            .flat_map(|cl| {
                cl.cnos
                    .iter()
                    .filter_map(|cno| sc.enterprise.agent_position(cno))
                    .map(|a| (a, cl.limit))
            })
            .collect();
        let auto_start_ms = req.auto_start.and_then(|sch| {
            let day = sch.day.unwrap_or(clock.start_date());
            let time = sch.time.unwrap_or(jiff::civil::Time::midnight());
            clock.ms_of(day.to_datetime(time))
        });
        let auto_stop_ms = req.auto_stop.map(|stop| {
            let day = stop.day.unwrap_or(clock.start_date());
            let time = stop.time.unwrap_or(jiff::civil::time(23, 59, 59, 0));
            clock.ms_of(day.to_datetime(time)).unwrap_or(0)
        });
        TaskParams {
            strategy: req.call_strategy,
            concurrency: req.concurrency,
            customer_timeout_ms: u64::from(req.customer_timeout_s) * 1000,
            agent_timeout_ms: u64::from(req.agent_timeout_s) * 1000,
            wrapup_cap_ms: u64::from(req.wrapup_s) * 1000,
            prompt_s,
            prompt_ms: ms(prompt_s),
            moh: req.customer_moh.is_some(),
            has_ivr: ivr.is_some(),
            ivr_duration: ivr
                .map(|i| i.duration_s.clone())
                .unwrap_or(Dist::constant(60.0)),
            min_available: req.min_available_agents,
            rewarm: req.rewarm,
            warm_ms: u64::from(req.warm_up_s) * 1000,
            hours: CallingHours {
                forbidden: windows(&req.time_strategy),
                allowed: (req.auto_task_type == AutoTaskType::Interval)
                    .then(|| windows(&req.auto_trigger_time_strategy)),
            },
            retry: RetryPolicy::from_request(req),
            first_order: req
                .call_priority_strategy
                .iter()
                .find(|e| e.kind == PoolKind::FirstCall)
                .map(|e| e.order)
                .unwrap_or(FirstCallOrder::Priority),
            clids: ClidTable::from_request(req, &sc.file),
            call_limits,
            auto_start_ms,
            auto_stop_ms,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::RetryPolicy;
    use serde_json::json;

    /// The retry policy of a one-task scenario whose request has CallPriorityStrategy
    /// `strategy` (None: not given).
    fn policy(strategy: Option<serde_json::Value>) -> RetryPolicy {
        let request = match strategy {
            Some(s) => json!({"CallPriorityStrategy": json!({ "strategy": s }).to_string()}),
            None => json!({}),
        };
        let sc = super::super::one_task_scenario(request);
        RetryPolicy::from_request(&sc.tasks[0].request)
    }

    fn order(p: &RetryPolicy) -> (bool, bool) {
        (p.retry_first, p.retry_desc)
    }

    #[test]
    fn the_retry_pool_goes_first_unless_the_strategy_puts_the_never_called_first() {
        assert_eq!(
            order(&policy(None)),
            (true, false),
            "the platform's default"
        );
        let retry = |sort: u32, desc: u32| json!({"sort": sort, "type": "retryCall", "desc": desc});
        let first = |sort: u32| json!({"sort": sort, "type": "firstCall", "orderType": 0});
        assert_eq!(
            order(&policy(Some(json!([retry(1, 0), first(2)])))),
            (true, false)
        );
        assert_eq!(
            order(&policy(Some(json!([retry(2, 1), first(1)])))),
            (false, true)
        );
        assert_eq!(
            order(&policy(Some(json!([first(1)])))),
            (false, false),
            "firstCall alone: the never-called pool first"
        );
        assert_eq!(
            order(&policy(Some(json!([retry(1, 1)])))),
            (true, true),
            "retryCall alone"
        );
    }

    #[test]
    fn only_the_retry_entry_s_desc_orders_the_rounds() {
        let strategy = json!([
            {"sort": 1, "type": "retryCall", "desc": 0},
            {"sort": 2, "type": "firstCall", "orderType": 0, "desc": 1}
        ]);
        assert_eq!(order(&policy(Some(strategy))), (true, false));
    }
}
