//! The campaign calendar, rule by rule, on small scenarios, read from the call records:
//! AutoStart, forbidden and interval windows, AutoStop with and without ForceEndFlag, retry
//! delays to the millisecond, the only-today rule, attempts per number, shared agents, daily
//! call caps and shifts.

use super::support::from_json;
use dialsim::scenario::Scenario;
use dialsim::world::engine::run_with;
use dialsim::world::result::{CallRecord, RunResult};
use serde_json::{Value, json};
use std::collections::BTreeMap;

const H: u64 = 3_600_000;
const MIN: u64 = 60_000;

/// 10 agents from Monday 2026-01-05 09:00, a progressive dialer (so dials happen at every tick
/// with free agents), `extra` merged into the request, `edit` applied to the whole scenario.
fn scenario(extra: Value, edit: impl Fn(&mut Value)) -> Scenario {
    let cnos: Vec<String> = (1000..1010).map(|c| c.to_string()).collect();
    let mut v = json!({
        "name": "calendar",
        "seed": 3,
        "start": "2026-01-05T09:00:00",
        "duration_s": 8 * 3600,
        "enterprise": {
            "id": 36,
            "agents": {"count": 10, "first_cno": 1000},
            "agent_behaviour": {"talk_s": {"exponential": {"mean": 60}}, "wrapup_s": 5, "answer_delay_s": 1},
            "time_conditions": [
                {"Id": 1, "Name": "lunch", "Type": 1, "DayOfWeek": "2,3,4,5,6", "StartTime": "12:00", "EndTime": "13:00", "Priority": 1},
                {"Id": 2, "Name": "morning", "Type": 1, "DayOfWeek": "2,3,4,5,6", "StartTime": "10:00", "EndTime": "11:00", "Priority": 2}
            ]
        },
        "customers": {
            "answer_probability": 0.4,
            "time_to_answer_s": {"exponential": {"mean": 8}},
            "patience_s": {"exponential": {"mean": 20}}
        },
        "tasks": [{
            "request": {"EnterpriseId": 36, "Name": "t", "Type": 1, "CallGroupType": 1,
                        "Cnos": cnos.join(","), "MinAvailableAgentCount": 1},
            "numbers": {"count": 50_000},
            "pacer": "progressive"
        }]
    });
    if let (Some(r), Some(x)) = (v["tasks"][0]["request"].as_object_mut(), extra.as_object()) {
        r.extend(x.clone());
    }
    edit(&mut v);
    from_json(&v, "calendar")
}

fn run(sc: &Scenario) -> RunResult {
    run_with(sc, sc.file.seed, None, true)
}

/// Calls in progress (customer legs and talks) after each start and end, in time order; an
/// end goes before a start at the same instant.
fn calls_at_once(r: &RunResult) -> Vec<(u64, i32)> {
    let mut edges: Vec<(u64, i32)> = Vec::new();
    for c in &r.calls {
        edges.push((c.start_ms, 1));
        edges.push((c.end_ms, -1));
    }
    edges.sort();
    let mut level = 0;
    edges
        .into_iter()
        .map(|(t, d)| {
            level += d;
            (t, level)
        })
        .collect()
}

fn starts(r: &RunResult) -> Vec<u64> {
    r.calls.iter().map(|c| c.start_ms).collect()
}

#[test]
fn no_call_before_auto_start() {
    let sc = scenario(json!({"AutoStart": 1, "AutoStartTime": "10:30:00"}), |_| {});
    let r = run(&sc);
    let s = starts(&r);
    assert!(!s.is_empty());
    assert_eq!(
        s.iter().min(),
        Some(&(90 * MIN)),
        "first call exactly at 10:30"
    );
}

#[test]
fn no_call_inside_a_forbidden_window_and_calls_in_progress_finish() {
    let sc = scenario(json!({"TimeStrategy": "1"}), |_| {});
    let r = run(&sc);
    let lunch = 3 * H..4 * H;
    assert!(starts(&r).iter().all(|t| !lunch.contains(t)));
    assert!(
        starts(&r).iter().any(|t| *t >= 4 * H),
        "calls resume at 13:00"
    );
    assert!(
        r.calls
            .iter()
            .any(|c| c.start_ms < 3 * H && c.end_ms > 3 * H),
        "a call in progress at 12:00 finishes"
    );
}

#[test]
fn interval_calling_stays_inside_its_windows() {
    let sc = scenario(
        json!({"AutoTaskType": 1, "AutoTriggerTimeStrategy": "2"}),
        |_| {},
    );
    let r = run(&sc);
    let s = starts(&r);
    assert!(!s.is_empty());
    assert!(s.iter().all(|t| (H..2 * H).contains(t)), "only 10:00-11:00");
}

#[test]
fn auto_stop_pauses_and_force_end_ends_for_good() {
    for force in [0, 1] {
        let sc = scenario(
            json!({"AutoStop": 1, "AutoStopTime": "11:00:00", "ForceEndFlag": force}),
            |_| {},
        );
        let r = run(&sc);
        assert!(starts(&r).iter().all(|t| *t < 2 * H), "no call after 11:00");
        let t = &r.tasks[0];
        let last = t.status_changes.last().expect("status changes");
        if force == 1 {
            assert_eq!(t.status, 3, "ended");
            assert!(t.fates.task_ended > 0, "numbers left count as task ended");
        } else {
            assert_eq!(t.status, 2, "paused: {last:?}");
            assert_eq!(t.fates.task_ended, 0);
        }
    }
}

fn by_number(r: &RunResult) -> BTreeMap<u64, Vec<&CallRecord>> {
    let mut m: BTreeMap<u64, Vec<&CallRecord>> = BTreeMap::new();
    for c in &r.calls {
        m.entry(c.number).or_default().push(c);
    }
    for v in m.values_mut() {
        v.sort_by_key(|c| c.start_ms);
    }
    m
}

fn retry_scenario(time_type: u8) -> Scenario {
    // Nobody answers: every number is retried until its rounds run out; 40 agents for 20
    // numbers, so a retry is dialled the moment it is due.
    scenario(
        json!({
            "RetryStrategy": "{\"retry\":2,\"strategy\":[{\"round\":1,\"time\":\"0-0-2\"},{\"round\":2,\"time\":\"0-0-7\"}]}",
            "RetryStrategyTimeType": time_type,
            "CustomerTimeout": 20
        }),
        |v| {
            v["customers"]["answer_probability"] = json!(0.0);
            v["tasks"][0]["numbers"] = json!({"count": 20});
            v["enterprise"]["agents"]["count"] = json!(40);
        },
    )
}

#[test]
fn a_poisson_task_dials_the_retries_that_fall_due_after_its_fresh_numbers_run_out() {
    // A call a second on average: the 20 numbers are called within the first minute, their
    // retries fall due 2 and 7 minutes after (RetryStrategyTimeType 2), when no never-called
    // number is left. Each is dialled at the first arrival after it is due, and the list
    // finishes: 20 numbers × 3 attempts.
    let sc = retry_scenario(2);
    let mut v = serde_json::to_value(&sc.file).expect("serialises");
    v["tasks"][0]["pacer"] = json!({"poisson": {"calls_per_s": 1.0}});
    let r = run(&from_json(&v, "poisson-retries"));
    let m = by_number(&r);
    assert_eq!(m.len(), 20);
    for (n, calls) in &m {
        assert_eq!(calls.len(), 3, "number {n}: 1 + retry attempts");
        // Dialled after it fell due, at an arrival: within a minute (e^-60 to miss it).
        for (k, delay) in [(1, 2 * MIN), (2, 7 * MIN)] {
            let late = calls[k].start_ms - calls[k - 1].start_ms - delay;
            assert!(late < MIN, "number {n}, round {k}: {late} ms late");
        }
    }
    let t = &r.tasks[0];
    assert_eq!(t.fates.retries_exhausted, 20);
    assert_eq!(t.retries_placed, 40);
    assert!(t.list_finished_at_s.is_some(), "the list finished");
}

#[test]
fn retry_delays_are_exact_and_attempts_bounded() {
    for (time_type, second_gap) in [(1u8, 7 * MIN - 2 * MIN), (2, 7 * MIN)] {
        let r = run(&retry_scenario(time_type));
        let m = by_number(&r);
        assert_eq!(m.len(), 20);
        for (n, calls) in &m {
            assert_eq!(calls.len(), 3, "number {n}: 1 + retry attempts");
            assert_eq!(calls[1].start_ms - calls[0].start_ms, 2 * MIN, "round 1");
            assert_eq!(
                calls[2].start_ms - calls[1].start_ms,
                second_gap,
                "round 2, RetryStrategyTimeType {time_type}"
            );
        }
        let t = &r.tasks[0];
        assert_eq!(t.fates.retries_exhausted, 20);
        assert_eq!(t.attempts.get(3), Some(&20));
        assert_eq!(t.retries_placed, 40);
    }
}

#[test]
fn only_today_drops_what_waits_at_midnight() {
    // Start at 23:50; retries are due after midnight; rule 2 drops the waiting retries.
    let sc = scenario(
        json!({
            "RetryStrategy": "{\"retry\":1,\"strategy\":[{\"round\":1,\"time\":\"0-0-20\"}]}",
            "RetryStrategyOnlyToday": 2,
            "CustomerTimeout": 20
        }),
        |v| {
            v["start"] = json!("2026-01-05T23:50:00");
            v["duration_s"] = json!(3600);
            v["customers"]["answer_probability"] = json!(0.0);
            v["tasks"][0]["numbers"] = json!({"count": 15});
        },
    );
    let r = run(&sc);
    assert!(
        r.calls.iter().all(|c| c.start_ms < 10 * MIN),
        "no retry after midnight"
    );
    assert_eq!(r.tasks[0].fates.dropped_at_day_end, 15);
    assert_eq!(r.tasks[0].retries_placed, 0);
}

#[test]
fn an_agent_is_never_in_two_running_tasks() {
    // Task 0 is force-ended at 11:00; task 1, on the same agents, starts at 11:00.
    let sc = scenario(
        json!({"AutoStop": 1, "AutoStopTime": "11:00:00", "ForceEndFlag": 1}),
        |v| {
            let mut second = v["tasks"][0].clone();
            second["request"]["Name"] = json!("second");
            let r = second["request"].as_object_mut().expect("object");
            r.remove("AutoStop");
            r.remove("AutoStopTime");
            r.remove("ForceEndFlag");
            r.insert("AutoStart".into(), json!(1));
            r.insert("AutoStartTime".into(), json!("11:00:00"));
            v["tasks"].as_array_mut().expect("tasks").push(second);
        },
    );
    let r = run(&sc);
    let (a, b): (Vec<&CallRecord>, Vec<&CallRecord>) =
        r.calls.iter().partition(|c| c.task_name == "t");
    assert!(!a.is_empty() && !b.is_empty());
    // Every bridge of the second task starts after the agent's last call in the first ended.
    let mut last_in_first: BTreeMap<&str, u64> = BTreeMap::new();
    for c in &a {
        if let Some(cno) = &c.cno {
            let e = last_in_first.entry(cno.as_str()).or_default();
            *e = (*e).max(c.end_ms);
        }
    }
    for c in &b {
        if let (Some(cno), Some(bridge)) = (&c.cno, c.bridge_ms) {
            assert!(bridge >= 2 * H, "second task bridged before it started");
            if let Some(&end) = last_in_first.get(cno.as_str()) {
                assert!(bridge >= end, "agent {cno} in both tasks at once");
            }
        }
    }
}

#[test]
fn call_limit_caps_each_agents_day_exactly() {
    let sc = scenario(
        json!({"CallLimitStrategy": "[{\"cnos\":[\"1000\",\"1001\"],\"limit\":7}]"}),
        |_| {},
    );
    let r = run(&sc);
    let bridged = |cno: &str| {
        r.calls
            .iter()
            .filter(|c| c.cno.as_deref() == Some(cno))
            .count()
    };
    assert_eq!(bridged("1000"), 7);
    assert_eq!(bridged("1001"), 7);
    assert!(bridged("1002") > 7, "agents without a cap keep working");
}

#[test]
fn shifts_log_agents_out_and_pause_the_task() {
    let sc = scenario(json!({"MinAvailableAgentCount": 3, "IsRewarm": 1}), |v| {
        v["start"] = json!("2026-01-05T08:00:00");
        v["duration_s"] = json!(24 * 3600);
        v["enterprise"]["shifts"] = json!([{"login": "09:00", "logout": "17:00"}]);
    });
    let r = run(&sc);
    let s = starts(&r);
    assert!(
        s.iter().all(|t| (H..9 * H).contains(t)),
        "calls only while logged in"
    );
    let pauses = &r.tasks[0].pauses;
    assert!(
        pauses.iter().any(|p| p.at_s == 0.0),
        "paused before the shift"
    );
    assert!(
        pauses.iter().any(|p| p.at_s >= 9.0 * 3600.0),
        "paused at log-out"
    );
    // Logged out 08:00-09:00 and 17:00-08:00: 16 h, less the end of a call in progress at
    // 17:00 (an agent leaves after its wrap-up).
    for a in &r.agents {
        let off = a.times.on_break;
        assert!(
            (15 * H..=16 * H).contains(&off),
            "agent {}: {off} ms logged out",
            a.cno
        );
    }
}

#[test]
fn an_answered_call_is_never_retried() {
    // Everyone answers, one agent on long calls, a ratio dialer: most answered customers are
    // dropped or hang up. With retries configured, none of them is called again.
    let sc = scenario(
        json!({
            "RetryStrategy": "{\"retry\":2,\"strategy\":[{\"round\":1,\"time\":\"0-0-1\"},{\"round\":2,\"time\":\"0-0-2\"}]}",
            "RetryStrategyTimeType": 2
        }),
        |v| {
            v["customers"]["answer_probability"] = json!(1.0);
            v["enterprise"]["agents"]["count"] = json!(1);
            v["tasks"][0]["request"]["Cnos"] = json!("1000");
            v["tasks"][0]["pacer"] = json!({"ratio": {"per_idle_agent": 3}});
            v["tasks"][0]["numbers"] = json!({"count": 300});
            v["duration_s"] = json!(2 * 3600);
        },
    );
    let r = run(&sc);
    let m = by_number(&r);
    let mut answered_not_bridged = 0;
    for calls in m.values() {
        for (i, c) in calls.iter().enumerate() {
            if c.answer_ms.is_some() {
                assert_eq!(
                    i + 1,
                    calls.len(),
                    "number {} called again after an answer",
                    c.number
                );
                if c.bridge_ms.is_none() {
                    answered_not_bridged += 1;
                }
            }
        }
    }
    assert!(answered_not_bridged > 10, "the scenario must abandon calls");
    assert!(r.tasks[0].fates.answered_not_connected > 10);
}

#[test]
fn backup_numbers_are_dialled_when_the_main_number_fails() {
    let sc = scenario(json!({"CustomerTimeout": 20}), |v| {
        v["customers"]["answer_probability"] = json!(0.5);
        v["tasks"][0]["numbers"] = json!({"count": 200, "backup_tels": 2});
        v["enterprise"]["agents"]["count"] = json!(10);
    });
    let r = run(&sc);
    let m = by_number(&r);
    let mut with_backups = 0;
    for (n, calls) in &m {
        let mut calls = calls.clone();
        calls.sort_by_key(|c| (c.attempt, c.backup));
        // Backups in turn, each only after the previous one failed, none after an answer.
        for (i, c) in calls.iter().enumerate() {
            assert_eq!(c.backup as usize, i, "number {n}: backups in order");
            if i > 0 {
                assert!(
                    calls[i - 1].answer_ms.is_none(),
                    "number {n}: backup after an answer"
                );
                assert!(c.start_ms >= calls[i - 1].end_ms);
            }
        }
        assert!(calls.len() <= 3);
        with_backups += usize::from(calls.len() > 1);
    }
    assert!(
        with_backups > 50,
        "about half the numbers fail first: {with_backups}"
    );
    assert_eq!(r.tasks[0].backup_calls as usize, r.calls.len() - m.len());
}

#[test]
fn advanced_retries_follow_the_rule_of_the_sip_cause() {
    // Type 2: busy (486) is retried once after 5 minutes; no answer (480) is not retried.
    let sc = scenario(
        json!({
            "Type": 2, "IvrId": 42, "Concurrency": 5,
            "RetryStrategy": "[{\"condition\":{\"sipCause\":[\"486\"]},\"retry\":1,\"sort\":1,\"strategy\":[{\"round\":1,\"time\":\"0-0-5\"}]}]",
            "RetryStrategyTimeType": 2
        }),
        |v| {
            v["enterprise"]["ivrs"] = json!([{"id": 42, "name": "ivr", "duration_s": 30}]);
            v["customers"]["busy_probability"] = json!(0.3);
            v["customers"]["answer_probability"] = json!(0.2);
            v["tasks"][0]["numbers"] = json!({"count": 300});
            v["tasks"][0]["pacer"] = json!("platform");
        },
    );
    let r = run(&sc);
    let m = by_number(&r);
    let mut retried = 0;
    for calls in m.values() {
        assert!(calls.len() <= 2);
        if calls.len() == 2 {
            retried += 1;
            // Only busy first attempts (3 s ring) come back, 5 min later or at the first line
            // free after that (the task keeps its Concurrency lines full; due retries go first).
            let gap = calls[1].start_ms - calls[0].start_ms;
            assert!((5 * MIN..5 * MIN + MIN).contains(&gap), "{gap}");
            assert_eq!(
                calls[0].end_ms - calls[0].start_ms,
                3000,
                "a busy line rings 3 s"
            );
        }
    }
    assert!(retried > 30, "{retried}");
}

#[test]
fn talk_follows_the_hour() {
    let base = |scale: f64| {
        let sc = scenario(json!({}), move |v| {
            v["customers"]["talk_s"] = json!({"exponential": {"mean": 60}});
            v["customers"]["talk_scale_by_hour"] = json!(vec![scale; 24]);
        });
        let r = run(&sc);
        let talks: Vec<u64> = r
            .calls
            .iter()
            .filter_map(|c| c.bridge_duration_ms)
            .collect();
        talks.iter().sum::<u64>() as f64 / talks.len() as f64
    };
    let (short, long) = (base(1.0), base(2.0));
    assert!(
        long > 1.8 * short && long < 2.2 * short,
        "{short} vs {long}"
    );
}

#[test]
fn answering_follows_the_clock_hour_from_a_start_on_the_half_hour() {
    // From 08:30, customers answer (after exactly 5 s) with probability 1 in the 08:00 hour
    // and 0 in the 09:00 hour: every call placed in the first 30 minutes is answered, none
    // placed in the next hour is. The hour is the clock's (08:30 + the time since the
    // start), not the run's.
    let mut by_hour = vec![0.5; 24];
    by_hour[8] = 1.0;
    by_hour[9] = 0.0;
    let sc = scenario(json!({}), move |v| {
        v["start"] = json!("2026-01-05T08:30:00");
        v["duration_s"] = json!(5400);
        v["customers"]["time_to_answer_s"] = json!(5);
        v["customers"]["answer_probability_by_hour"] = json!(by_hour.clone());
    });
    let r = run(&sc);
    let answered = |from: u64, to: u64| -> (usize, usize) {
        let placed: Vec<_> = r
            .calls
            .iter()
            .filter(|c| (from..to).contains(&c.start_ms))
            .collect();
        let answered = placed.iter().filter(|c| c.answer_ms.is_some()).count();
        (answered, placed.len())
    };
    let (a, n) = answered(0, 30 * MIN);
    assert!(n > 100 && a == n, "08:30 to 09:00: {a} of {n} answered");
    let (a, n) = answered(30 * MIN, 90 * MIN);
    assert!(n > 100 && a == 0, "09:00 to 10:00: {a} of {n} answered");
}

#[test]
fn patience_follows_the_hour() {
    // Patience is exactly 10 s, scaled by 0.5 from 11:00: overloaded (3 lines per idle
    // agent, an IVR so nobody is cut at 2 s), the customers who hang up do so after exactly
    // 10 s of waiting when their call was placed before 11:00, and 5 s after.
    let mut scale = vec![1.0; 11];
    scale.extend(vec![0.5; 13]);
    let sc = scenario(json!({"IvrId": 42}), move |v| {
        v["customers"]["patience_s"] = json!(10);
        v["customers"]["patience_scale_by_hour"] = json!(scale.clone());
        v["enterprise"]["ivrs"] = json!([{"id": 42, "name": "ivr", "duration_s": 30}]);
        v["tasks"][0]["pacer"] = json!({"ratio": {"per_idle_agent": 3}});
    });
    let r = run(&sc);
    let hang_ups = |early: bool| -> Vec<u64> {
        r.calls
            .iter()
            .filter(|c| c.status == 41 && c.end_reason == 1000 && (c.start_ms < 2 * H) == early)
            .filter_map(|c| c.wait_ms)
            .collect()
    };
    let (before, after) = (hang_ups(true), hang_ups(false));
    assert!(
        !before.is_empty() && !after.is_empty(),
        "{} {}",
        before.len(),
        after.len()
    );
    assert!(before.iter().all(|&w| w == 10_000), "{before:?}");
    assert!(after.iter().all(|&w| w == 5_000), "{after:?}");
}

#[test]
fn random_breaks_take_their_share_of_the_day_and_overlap_shifts_safely() {
    let sc = scenario(json!({}), |v| {
        // Mean gap 1 h, mean length 10 min: an agent is away 10 / 70 of the time.
        v["enterprise"]["random_breaks"] = json!([{
            "every_s": {"exponential": {"mean": 3600}},
            "duration_s": {"uniform": {"min": 300, "max": 900}}
        }]);
        v["enterprise"]["agents"]["count"] = json!(30);
        let cnos: Vec<String> = (1000..1030).map(|c: u32| c.to_string()).collect();
        v["tasks"][0]["request"]["Cnos"] = json!(cnos.join(","));
        v["duration_s"] = json!(24 * 3600);
        v["enterprise"]["shifts"] = json!([{"login": "09:00", "logout": "17:00"}]);
    });
    let r = run(&sc);
    // Within the shift (8 of the 24 hours) the breaks take about 1/7 of the time; outside
    // it the agent is logged out whatever breaks fall there.
    let shift_ms = 8 * H;
    let share: f64 = r
        .agents
        .iter()
        .map(|a| (a.times.on_break as f64 - 16.0 * H as f64) / shift_ms as f64)
        .sum::<f64>()
        / r.agents.len() as f64;
    // 30 agents × ~7 breaks: the share's standard error is about 0.01.
    let offs: Vec<f64> = r
        .agents
        .iter()
        .map(|a| a.times.on_break as f64 / H as f64)
        .collect();
    assert!(
        (share - 1.0 / 7.0).abs() < 0.05,
        "break share {share}: {offs:?}"
    );
    // Nobody is back from a break while logged out: no call outside the shift.
    assert!(r.calls.iter().all(|c| c.start_ms < 8 * H));
}

fn caller_id_scenario(extra: Value) -> Scenario {
    let mut req = json!({
        "CustomerClidsCategory": 1,
        "CustomerClids": "01088880000,02188880000",
        "CustomerTimeout": 60
    });
    if let (Some(r), Some(x)) = (req.as_object_mut(), extra.as_object()) {
        r.extend(x.clone());
    }
    scenario(req, |v| {
        v["customers"]["answer_probability"] = json!(0.3);
        v["customers"]["area_codes"] =
            json!([{"code": "010", "share": 0.5}, {"code": "021", "share": 0.5}]);
        v["customers"]["caller_id_effect"] = json!({"local": 1.5, "remote": 0.7});
        v["enterprise"]["agents"]["count"] = json!(10);
    })
}

/// (answered, placed) over the run, from the per-caller-id table.
fn answered_placed(r: &RunResult) -> (f64, f64) {
    let t = &r.tasks[0];
    let (a, n) = t
        .caller_ids
        .iter()
        .fold((0, 0), |(a, n), (_, calls, ans)| (a + ans, n + calls));
    (a as f64, n as f64)
}

#[test]
fn the_caller_id_strategy_changes_the_answer_rate() {
    // Random caller ids: half the customers see their own area code: p = 0.3 × (1.5 + 0.7) / 2.
    // By area code: everyone sees a local caller id: p = 0.3 × 1.5. (Time to answer is within
    // the timeout with probability 1 − e^{−60/8}, ignored: 0.06 %.)
    let random = run(&caller_id_scenario(json!({"CustomerClidType": 1})));
    let local = run(&caller_id_scenario(json!({"CustomerClidType": 2})));
    for (r, p) in [(&random, 0.33), (&local, 0.45)] {
        let (a, n) = answered_placed(r);
        let rate = a / n;
        // A binomial proportion: 4 standard errors.
        let tol = 4.0 * (p * (1.0 - p) / n).sqrt();
        assert!(
            (rate - p).abs() < tol,
            "answer rate {rate} vs {p} ± {tol} over {n} calls"
        );
    }
    // Both caller ids are used about equally in both strategies (the customers split 50/50).
    for r in [&random, &local] {
        let c = &r.tasks[0].caller_ids;
        let share = c[0].1 as f64 / (c[0].1 + c[1].1) as f64;
        assert!((share - 0.5).abs() < 0.05, "{c:?}");
    }
    // The records name the caller id shown.
    assert!(local.calls.iter().all(|c| c.clid.is_some()));
}

#[test]
fn caller_id_weights_share_the_calls() {
    let r = run(&caller_id_scenario(json!({
        "CustomerClidWeightFlag": 1,
        "CustomerClidWeight": "[{\"number\":\"01088880000\",\"weight\":\"3\"},{\"number\":\"02188880000\",\"weight\":\"1\"}]"
    })));
    let c = &r.tasks[0].caller_ids;
    let n = (c[0].1 + c[1].1) as f64;
    let share = c[0].1 as f64 / n;
    let tol = 4.0 * (0.75 * 0.25 / n).sqrt();
    assert!((share - 0.75).abs() < tol, "{c:?}");
}

fn with_actions(actions: Value) -> Scenario {
    scenario(json!({"AutoComplete": 0}), move |v| {
        v["actions"] = actions.clone();
    })
}

#[test]
fn operator_pause_with_a_duration_resumes_by_itself() {
    let sc = with_actions(json!([
        {"at": "2026-01-05T10:00:00", "task": "t", "action": "PauseTask", "params": {"PauseDuration": 30}}
    ]));
    let r = run(&sc);
    assert!(starts(&r).iter().all(|t| !(H..H + 30 * MIN).contains(t)));
    assert!(
        starts(&r).iter().any(|t| *t >= H + 30 * MIN),
        "resumed at 10:30"
    );
    let t = &r.tasks[0];
    assert!(t.actions[0].accepted, "{:?}", t.actions);
    let h: Vec<(String, String)> = t
        .status_changes
        .iter()
        .map(|c| {
            (
                serde_json::to_value(c).expect("json")["cause"].to_string(),
                serde_json::to_value(c).expect("json")["trigger"].to_string(),
            )
        })
        .collect();
    assert!(
        h.iter().any(|(c, _)| c.contains("PauseTask (operator)")),
        "{h:?}"
    );
    assert!(
        h.iter().any(|(c, _)| c.contains("PauseDuration elapsed")),
        "{h:?}"
    );
}

#[test]
fn an_imported_batch_with_a_higher_priority_is_dialled_first() {
    let sc = with_actions(json!([
        {"at_s": 3600, "task": "t", "action": "ImportTaskTel",
         "params": {"count": 60, "duplicates": 10, "Priority": 5, "IsRepeat": 1}}
    ]));
    let r = run(&sc);
    let t = &r.tasks[0];
    assert!(t.actions[0].accepted, "{:?}", t.actions);
    assert_eq!(
        t.numbers_total,
        50_000 + 50,
        "ten duplicates removed by IsRepeat 1"
    );
    // From 01:00 on, the first 50 fresh numbers dialled are the imported ones.
    let mut fresh_after: Vec<&CallRecord> = r
        .calls
        .iter()
        .filter(|c| c.start_ms >= H && c.attempt == 0)
        .collect();
    fresh_after.sort_by_key(|c| (c.start_ms, c.number));
    assert!(fresh_after.len() > 50);
    assert!(fresh_after[..50].iter().all(|c| c.number >= 50_000));
}

#[test]
fn update_task_changes_a_running_task_and_the_store_refuses_what_it_must() {
    let sc = with_actions(json!([
        {"at_s": 3600, "task": "t", "action": "UpdateTask", "params": {"Concurrency": 2}},
        {"at_s": 3600, "task": "t", "action": "UpdateTask", "params": {"Type": 2}},
        {"at_s": 3700, "task": "t", "action": "DeleteTask"}
    ]));
    let r = run(&sc);
    let a = &r.tasks[0].actions;
    assert!(a[0].accepted && !a[1].accepted && !a[2].accepted, "{a:?}");
    assert!(a[1].message.contains("Type"), "{}", a[1].message);
    // Calls in progress (customer legs and talks) never exceed 2 once the lines have drained.
    let worst_late = calls_at_once(&r)
        .into_iter()
        .filter(|&(t, _)| t > H + 30 * MIN)
        .map(|(_, level)| level)
        .max()
        .unwrap_or(0);
    assert!(
        worst_late <= 2,
        "{worst_late} calls at once after Concurrency 2"
    );
}

#[test]
fn first_call_order_by_import_time_ignores_batch_priority() {
    let sc = scenario(
        json!({"CallPriorityStrategy": "{\"strategy\":[{\"sort\":1,\"type\":\"retryCall\",\"desc\":0},{\"sort\":2,\"type\":\"firstCall\",\"orderType\":2}]}"}),
        |v| {
            v["actions"] = json!([{"at_s": 3600, "task": "t", "action": "ImportTaskTel",
                                   "params": {"count": 50, "Priority": 9}}]);
        },
    );
    let r = run(&sc);
    assert!(
        r.calls.iter().all(|c| c.number < 50_000),
        "imported numbers wait their turn"
    );
    let random = run(&scenario(
        json!({"CallPriorityStrategy": "{\"strategy\":[{\"sort\":1,\"type\":\"firstCall\",\"orderType\":1}]}"}),
        |_| {},
    ));
    let mut first: Vec<u64> = random.calls.iter().map(|c| c.number).collect();
    assert!(
        first.iter().take(20).any(|&n| n >= 1000),
        "random order reaches far into the list"
    );
    let n = first.len();
    first.sort_unstable();
    first.dedup();
    assert_eq!(first.len(), n, "each number once");
}

#[test]
fn predictive_and_automatic_tasks_run_side_by_side() {
    let sc = scenario(json!({}), |v| {
        v["enterprise"]["ivrs"] = json!([{"id": 42, "name": "ivr", "duration_s": 30}]);
        let mut auto = v["tasks"][0].clone();
        auto["request"] = json!({"EnterpriseId": 36, "Name": "robot", "Type": 2, "IvrId": 42,
                                 "Concurrency": 5});
        auto["pacer"] = json!("platform");
        v["tasks"].as_array_mut().expect("tasks").push(auto);
    });
    let r = run(&sc);
    let (people, robot) = (&r.tasks[0], &r.tasks[1]);
    assert!(people.counts.connected > 100, "agents talk on task 0");
    assert!(robot.counts.ivr_completed > 100, "the IVR serves task 1");
    assert!(robot.max_in_progress <= 5);
    assert_eq!(robot.counts.connected, 0, "no agent on the automatic task");
}

#[test]
fn auto_complete_off_pauses_and_an_import_with_auto_start_resumes() {
    let sc = scenario(json!({"AutoComplete": 0, "CustomerTimeout": 20}), |v| {
        v["customers"]["answer_probability"] = json!(0.0);
        v["tasks"][0]["numbers"] = json!({"count": 20});
        // The second import is a number the first one holds: nothing is imported.
        v["actions"] = json!([{"at_s": 7200, "task": "t", "action": "ImportTaskTel",
                               "params": {"count": 30, "ImportTelAutoStart": 1}},
                              {"at_s": 10_800, "task": "t", "action": "ImportTaskTel",
                               "params": {"numbers": ["13000000000"]}}]);
    });
    let r = run(&sc);
    let t = &r.tasks[0];
    // The list finished when its last number did, the import's last call, and an import of
    // nothing new leaves it finished.
    let last_end = r.calls.iter().map(|c| c.end_ms).max().unwrap_or(0);
    assert!(last_end > 2 * H);
    assert_eq!(t.list_finished_at_s, Some(last_end as f64 / 1000.0));
    assert!(t.actions[1].accepted, "{:?}", t.actions);
    let causes: Vec<String> = t
        .status_changes
        .iter()
        .map(|c| serde_json::to_value(c).expect("json")["cause"].to_string())
        .collect();
    assert!(
        causes.iter().any(|c| c.contains("AutoComplete off")),
        "{causes:?}"
    );
    assert_eq!(r.calls.iter().filter(|c| c.start_ms < 2 * H).count(), 20);
    assert_eq!(
        r.calls.iter().filter(|c| c.start_ms >= 2 * H).count(),
        30,
        "imports dialled"
    );
    assert_eq!(t.status, 2, "paused again, waiting for imports");
}

#[test]
fn a_malformed_time_condition_is_an_input_error_not_a_dropped_window() {
    // A forbidden window the engine could not compile used to be logged and dropped, so calls
    // were placed in hours the task forbids. It is now refused when the scenario is checked.
    let mut v: Value = serde_json::from_str(
        &std::fs::read_to_string("scenarios/campaign-3day.json").expect("read"),
    )
    .expect("JSON");
    v["enterprise"]["time_conditions"][0]["StartTime"] = json!("25:00");
    let dir = super::support::temp("bad-window");
    let path = dir.join("bad.json");
    std::fs::write(&path, v.to_string()).expect("write");
    let out = super::support::dialsim()
        .arg("validate")
        .arg(&path)
        .assert()
        .code(2)
        .get_output()
        .clone();
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    assert!(text.contains("enterprise.time_conditions[0]"), "{text}");
    assert!(text.contains("25:00"), "{text}");
    super::support::dialsim()
        .arg("run")
        .arg(&path)
        .assert()
        .code(2);
}

#[test]
fn agents_log_in_over_the_ramp() {
    // Ten agents over a 600 s ramp: agent k logs in at k · 60 s, so none talks before then.
    let sc = scenario(json!({}), |v| v["enterprise"]["login_ramp_s"] = json!(600));
    let r = run(&sc);
    for k in 0..10u64 {
        let cno = (1000 + k).to_string();
        let first = r
            .calls
            .iter()
            .filter(|c| c.cno.as_deref() == Some(cno.as_str()))
            .filter_map(|c| c.bridge_ms)
            .min()
            .expect("every agent talks");
        assert!(
            first >= k * 60_000,
            "agent {cno} talked at {first} ms, before its log-in"
        );
    }
    // Without a ramp everyone is available at once: the rule above binds, since some agent
    // talks before the time the ramp would have logged it in.
    let flat = run(&scenario(json!({}), |_| {}));
    let early = (1..10u64).any(|k| {
        let cno = (1000 + k).to_string();
        flat.calls
            .iter()
            .filter(|c| c.cno.as_deref() == Some(cno.as_str()))
            .filter_map(|c| c.bridge_ms)
            .any(|b| b < k * 60_000)
    });
    assert!(
        early,
        "without a ramp no agent talked before its ramp log-in time"
    );
}

#[test]
fn a_poisson_task_started_by_auto_start_dials_from_that_instant() {
    // One call a second on average from 10:00: in the next ten minutes 600 arrivals
    // (Poisson: within 4 standard deviations, 4 sqrt(600) < 100), none before.
    let sc = scenario(json!({"AutoStart": 1, "AutoStartTime": "10:00:00"}), |v| {
        v["tasks"][0]["pacer"] = json!({"poisson": {"calls_per_s": 1.0}});
        v["duration_s"] = json!(3600 + 600);
    });
    let r = run(&sc);
    let s = starts(&r);
    // The first arrival one exponential gap after the start (at least 1 ms), not at it.
    assert!(s.iter().all(|&t| t > H), "a call at or before AutoStart");
    assert!(
        (500..700).contains(&s.len()),
        "{} calls in ten minutes",
        s.len()
    );
}

#[test]
fn an_auto_start_begins_with_the_warm_up() {
    // WarmUpDuration 300 s from the AutoStart at 10:00 (a first start warms up even with
    // IsRewarm 0): until 10:05 the platform pacer takes the answer rate to be AnswerRate
    // (100 %: a line per free agent), then the measured one (0.4: two and a half lines per
    // free agent). Without the warm-up the first minutes dial as many as the next.
    let sc = scenario(
        json!({"AutoStart": 1, "AutoStartTime": "10:00:00", "WarmUpDuration": 300,
               "AnswerRate": 100, "IsRewarm": 0}),
        |v| {
            v["tasks"][0]["pacer"] = json!("platform");
            v["duration_s"] = json!(3600 + 600);
        },
    );
    let r = run(&sc);
    let (mut warm_peak, mut later_peak) = (0, 0);
    for (t, level) in calls_at_once(&r) {
        if t < H + 5 * MIN {
            warm_peak = warm_peak.max(level);
        } else {
            later_peak = later_peak.max(level);
        }
    }
    let placed = |from: u64| {
        r.calls
            .iter()
            .filter(|c| (from..from + 5 * MIN).contains(&c.start_ms))
            .count()
    };
    let (warm, after) = (placed(H), placed(H + 5 * MIN));
    assert!(
        warm < after,
        "{warm} calls placed in the warm-up, {after} after"
    );
    assert!(
        warm_peak < later_peak,
        "{warm_peak} lines at once, {later_peak} after"
    );
}

#[test]
fn a_pause_timer_of_an_earlier_pause_does_not_end_a_later_pause() {
    // Paused for 10 minutes at 01:00, started again by hand at 01:02 and paused with no
    // duration at 01:04: the first pause's timer (01:10) must not resume the task.
    let sc = with_actions(json!([
        {"at_s": 3600, "task": "t", "action": "PauseTask", "params": {"PauseDuration": 10}},
        {"at_s": 3720, "task": "t", "action": "StartTask"},
        {"at_s": 3840, "task": "t", "action": "PauseTask"}
    ]));
    let r = run(&sc);
    assert!(
        r.tasks[0].actions.iter().all(|a| a.accepted),
        "{:?}",
        r.tasks[0].actions
    );
    let s = starts(&r);
    assert!(
        s.iter().any(|&t| (3720 * 1000..3840 * 1000).contains(&t)),
        "started again"
    );
    assert_eq!(
        s.iter().filter(|&&t| t >= 3840 * 1000).count(),
        0,
        "paused for good"
    );
}

#[test]
fn imports_of_synthetic_numbers_are_distinct_from_the_earlier_ones() {
    let sc = with_actions(json!([
        {"at_s": 3600, "task": "t", "action": "ImportTaskTel", "params": {"count": 20}},
        {"at_s": 3700, "task": "t", "action": "ImportTaskTel", "params": {"count": 30}}
    ]));
    let r = run(&sc);
    assert_eq!(
        r.tasks[0].numbers_total,
        50_000 + 20 + 30,
        "none taken for a duplicate"
    );
}

#[test]
fn deleting_imported_numbers_deletes_their_phone_numbers_with_every_copy() {
    // 60 numbers, the last 10 repeating the first 10, kept (IsRepeat 0); DeleteTaskTel count
    // 5 takes the last 5 slots, whose phone numbers are the 6th to the 10th: the store holds
    // each twice and deletes both copies.
    let sc = with_actions(json!([
        {"at_s": 3600, "task": "t", "action": "ImportTaskTel",
         "params": {"count": 60, "duplicates": 10, "IsRepeat": 0}},
        {"at_s": 3600, "task": "t", "action": "DeleteTaskTel", "params": {"count": 5}}
    ]));
    let mut live = dialsim::world::engine::Live::new(&sc, sc.file.seed);
    let imported = live.advance_to_action(0, 2 * H).expect("imported").clone();
    assert_eq!(imported["Data"]["Imported"], json!(60));
    let deleted = live.advance_to_action(1, 2 * H).expect("deleted").clone();
    assert_eq!(deleted["Data"]["Deleted"], json!(10), "{deleted}");
    let left: Vec<u64> = live
        .platform()
        .task(1)
        .expect("task 1")
        .numbers
        .entries
        .iter()
        .map(|e| e.tel.to_string().parse().expect("digits"))
        .collect();
    let base = 13_000_000_000u64;
    let expected: Vec<u64> = (0..50)
        .chain(0..5)
        .filter(|k| !(5..10).contains(k))
        .map(|k| base + k)
        .collect();
    assert_eq!(left, expected);
    let r = run(&sc);
    assert!(
        r.tasks[0].actions[1]
            .message
            .ends_with("(5 numbers removed)")
    );
}

#[test]
fn delete_task_of_a_task_not_yet_started_forgets_its_numbers() {
    let sc = scenario(json!({"AutoStart": 1, "AutoStartTime": "12:00:00"}), |v| {
        v["actions"] = json!([{"at_s": 3600, "task": "t", "action": "DeleteTask"}]);
    });
    let r = run(&sc);
    let t = &r.tasks[0];
    assert!(t.actions[0].accepted, "{:?}", t.actions);
    assert_eq!((t.numbers_total, r.calls.len()), (0, 0));
}

#[test]
fn auto_complete_ends_the_task_when_the_last_call_ends() {
    // 20 numbers, nobody answers (15 s of ringing): the task ends (AutoComplete, on by
    // default) when the last of the 20 calls ends, not before and not later.
    let sc = scenario(json!({"CustomerTimeout": 15}), |v| {
        v["customers"]["answer_probability"] = json!(0.0);
        v["tasks"][0]["numbers"] = json!({"count": 20});
    });
    let r = run(&sc);
    let t = &r.tasks[0];
    assert_eq!(
        (r.calls.len(), t.status),
        (20, 3),
        "every number called, then ended"
    );
    let last_end = r.calls.iter().map(|c| c.end_ms).max().unwrap_or(0);
    let ended: Vec<Value> = t
        .status_changes
        .iter()
        .map(|c| serde_json::to_value(c).expect("json"))
        .filter(|c| {
            c["cause"]
                .as_str()
                .is_some_and(|s| s.starts_with("AutoComplete"))
        })
        .collect();
    assert_eq!(ended.len(), 1, "{:?}", t.status_changes);
    let s = 9 * 3600 + last_end / 1000; // the scenario starts at 09:00:00
    let at = format!(
        "2026-01-05 {:02}:{:02}:{:02}",
        s / 3600,
        s / 60 % 60,
        s % 60
    );
    assert_eq!(
        ended[0]["at"],
        json!(at),
        "the last call ended at {last_end} ms"
    );
}

#[test]
fn synthetic_numbers_are_numbered_by_task_and_import() {
    // Task k's synthetic numbers start at 13 000 000 000 + k x 100 000 000, each import
    // after the one before: no two tasks, and no two imports, share a phone number.
    let sc = scenario(json!({"AutoComplete": 0}), |v| {
        let mut u = v["tasks"][0].clone();
        u["request"]["Name"] = json!("u");
        u["request"]["AutoStart"] = json!(1);
        u["request"]["AutoStartTime"] = json!("23:00:00");
        v["tasks"].as_array_mut().expect("tasks").push(u);
        v["actions"] = json!([
            {"at_s": 3600, "task": "t", "action": "ImportTaskTel", "params": {"count": 2}},
            {"at_s": 3600, "task": "u", "action": "ImportTaskTel", "params": {"count": 2}},
            {"at_s": 3601, "task": "t", "action": "ImportTaskTel", "params": {"count": 3}}
        ]);
    });
    let mut live = dialsim::world::engine::Live::new(&sc, sc.file.seed);
    live.advance(3602 * 1000);
    let tels = |id: u64| -> Vec<String> {
        live.platform()
            .task(id)
            .map(|t| {
                t.numbers
                    .entries
                    .iter()
                    .map(|e| e.tel.to_string())
                    .collect()
            })
            .unwrap_or_default()
    };
    assert_eq!(
        tels(1),
        [
            "13000000000",
            "13000000001",
            "13000000002",
            "13000000003",
            "13000000004"
        ]
    );
    assert_eq!(tels(2), ["13100000000", "13100000001"]);
}

#[test]
fn logging_in_or_out_twice_changes_nothing_the_second_time() {
    // Agent 1000 is logged out twice (01:00, 01:05) and in once (01:10): it is back from
    // 01:10. Agent 1001 is on a break from 01:00 to 02:00 and "logged in" at 01:10 while
    // not logged out: the break goes on.
    let sc = scenario(json!({}), |v| {
        v["enterprise"]["breaks"] =
            json!([{"cnos": ["1001"], "start_s": 3600, "duration_s": 3600}]);
        v["actions"] = json!([
            {"at_s": 3600, "action": "AgentLogout", "params": {"Cno": "1000"}},
            {"at_s": 3900, "action": "AgentLogout", "params": {"Cno": "1000"}},
            {"at_s": 4200, "action": "AgentLogin", "params": {"Cno": "1000"}},
            {"at_s": 4200, "action": "AgentLogin", "params": {"Cno": "1001"}}
        ]);
    });
    let r = run(&sc);
    let bridged = |cno: &str, from_s: u64, to_s: u64| {
        r.calls
            .iter()
            .filter(|c| c.cno.as_deref() == Some(cno))
            .filter_map(|c| c.bridge_ms)
            .filter(|&b| (from_s * 1000..to_s * 1000).contains(&b))
            .count()
    };
    // A call bridged before the log-out or the break may run on past it (talks are 60 s on
    // average): none is bridged from five minutes in.
    assert_eq!(bridged("1000", 3900, 4200), 0, "logged out");
    assert!(bridged("1000", 4200, 7200) > 10, "back after one log-in");
    assert_eq!(bridged("1001", 3900, 7200), 0, "still on its break");
    assert!(bridged("1001", 7200, 10_800) > 10, "back after the break");
}

#[test]
fn an_auto_start_at_the_scenario_start_is_the_system_starting_the_task() {
    let sc = scenario(json!({"AutoStart": 1, "AutoStartTime": "09:00:00"}), |_| {});
    let r = run(&sc);
    let first = serde_json::to_value(&r.tasks[0].status_changes[1]).expect("json");
    assert_eq!(
        (
            &first["status"],
            &first["trigger"],
            &first["cause"],
            &first["at"]
        ),
        (
            &json!(1),
            &json!(0),
            &json!("AutoStart"),
            &json!("2026-01-05 09:00:00")
        ),
        "{:?}",
        r.tasks[0].status_changes
    );
    assert_eq!(starts(&r).iter().min(), Some(&0), "dialling from the start");
}

#[test]
fn a_login_ramp_of_zero_logs_everyone_in_at_once() {
    // Every agent is needed (MinAvailableAgentCount 10): with a ramp of 0 s nobody is logged
    // out for an instant, so the task never pauses.
    let sc = scenario(json!({"MinAvailableAgentCount": 10}), |v| {
        v["enterprise"]["login_ramp_s"] = json!(0);
    });
    let r = run(&sc);
    assert_eq!(r.tasks[0].pauses.len(), 0, "{:?}", r.tasks[0].pauses);
    assert!(r.calls.len() > 1000);
}

#[test]
fn a_shift_that_begins_with_the_run_logs_nobody_out_at_the_start() {
    // The run starts at 09:00, the shift too: no log-out before it, not even for an instant
    // (every agent is needed, so one would pause the task); the first pause is the 17:00
    // log-out.
    let sc = scenario(json!({"MinAvailableAgentCount": 10}), |v| {
        v["enterprise"]["shifts"] = json!([{"login": "09:00", "logout": "17:00"}]);
        v["duration_s"] = json!(10 * 3600);
    });
    let r = run(&sc);
    let pauses = &r.tasks[0].pauses;
    assert!(!pauses.is_empty(), "paused at the log-out");
    assert_eq!(pauses[0].at_s, 8.0 * 3600.0, "{pauses:?}");
}
