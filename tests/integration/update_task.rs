//! UpdateTask mid-run: every parameter the store accepts takes effect at the update's instant
//! (read from the call records), and what the simulated platform cannot change is refused.

use super::support::from_json;
use dialsim::scenario::Scenario;
use dialsim::world::engine::run_with;
use dialsim::world::result::{CallRecord, RunResult};
use serde_json::{Value, json};
use std::collections::BTreeMap;

const H: u64 = 3_600_000;
const MIN: u64 = 60_000;

/// 10 agents from Monday 09:00 for 4 hours; `request` merged into the task's request, an
/// UpdateTask with `changes` at 10:00, `edit` applied last.
fn scenario(request: Value, changes: Value, edit: impl Fn(&mut Value)) -> Scenario {
    let cnos: Vec<String> = (1000..1010).map(|c| c.to_string()).collect();
    let mut v = json!({
        "name": "update",
        "seed": 11,
        "start": "2026-01-05T09:00:00",
        "duration_s": 4 * 3600,
        "enterprise": {
            "id": 36,
            "agents": {"count": 10, "first_cno": 1000},
            "agent_behaviour": {"talk_s": {"exponential": {"mean": 60}}, "wrapup_s": 5, "answer_delay_s": 1},
            "ivrs": [{"id": 42, "name": "ivr", "duration_s": 30}],
            "voices": [{"path": "moh-1", "duration_s": 30}]
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
        }],
        "actions": [{"at_s": 3600, "task": "t", "action": "UpdateTask", "params": changes}]
    });
    if let (Some(r), Some(x)) = (
        v["tasks"][0]["request"].as_object_mut(),
        request.as_object(),
    ) {
        r.extend(x.clone());
    }
    edit(&mut v);
    from_json(&v, "update")
}

fn run(sc: &Scenario) -> RunResult {
    let r = run_with(sc, sc.file.seed, None, true);
    let a = &r.tasks[0].actions;
    assert!(!a.is_empty(), "the update ran");
    r
}

fn accepted(r: &RunResult) -> bool {
    r.tasks[0].actions[0].accepted
}

/// Records of calls placed before the update, and after it (plus `margin` ms).
fn split(r: &RunResult, margin: u64) -> (Vec<&CallRecord>, Vec<&CallRecord>) {
    let before = r.calls.iter().filter(|c| c.start_ms < H).collect();
    let after = r
        .calls
        .iter()
        .filter(|c| c.start_ms >= H + margin)
        .collect();
    (before, after)
}

/// Light load (Poisson, 0.05 calls a second), CallStrategy 2 (in order) until the update at
/// 10:00, 4 (longest idle) after it; the update accepted.
fn in_order_then_longest_idle() -> RunResult {
    let sc = scenario(
        json!({"CallStrategy": "2"}),
        json!({"CallStrategy": "4"}),
        |v| {
            v["tasks"][0]["pacer"] = json!({"poisson": {"calls_per_s": 0.05}});
        },
    );
    let r = run(&sc);
    assert!(accepted(&r));
    r
}

#[test]
fn call_strategy_takes_effect() {
    // Light load: about 0.02 answered calls a second, 66 s held (talk 60, wrap-up 5, agent
    // leg 1): 1.3 Erlang. In order (CallStrategy 2) agent 1000 takes every call it is free
    // for: Erlang B with one server, B(1, 1.3) = 1.3 / 2.3, so it carries 1 − B ≈ 43 % of the
    // calls. Longest idle (4) rotates: 10 % each. Over ~70 bridged calls an hour a share's
    // standard error is at most 0.06; the bounds sit 2.5 of them inside each expectation.
    let r = in_order_then_longest_idle();
    let share = |calls: &[&CallRecord]| {
        let bridged: Vec<_> = calls.iter().filter(|c| c.cno.is_some()).collect();
        let first = bridged
            .iter()
            .filter(|c| c.cno.as_deref() == Some("1000"))
            .count();
        (first as f64 / bridged.len() as f64, bridged.len())
    };
    let (before, after) = split(&r, 5 * MIN);
    let (b, nb) = share(&before);
    let (a, na) = share(&after);
    assert!(nb > 40 && na > 100, "{nb} {na}");
    assert!(b > 0.28, "in order: agent 1000 took {b} of {nb}");
    assert!(a < 0.2, "longest idle: agent 1000 took {a} of {na}");
}

#[test]
fn a_new_call_strategy_orders_the_agents_already_idle() {
    // In order (2) until 10:00 at light load: the low agents take the calls and the high ones
    // sit idle from 09:00. Longest idle (4) from 10:00 applies at once to the agents idle at
    // that instant: the next three calls go to three agents who had none before.
    let r = in_order_then_longest_idle();
    let mut bridged: Vec<&CallRecord> = r.calls.iter().filter(|c| c.bridge_ms.is_some()).collect();
    bridged.sort_by_key(|c| c.bridge_ms);
    let (before, after): (Vec<&CallRecord>, Vec<&CallRecord>) =
        bridged.into_iter().partition(|c| c.bridge_ms < Some(H));
    let worked: std::collections::BTreeSet<&str> =
        before.iter().filter_map(|c| c.cno.as_deref()).collect();
    assert!(
        worked.len() < 8,
        "some agents idle all the first hour: {worked:?}"
    );
    let next: Vec<&str> = after
        .iter()
        .take(3)
        .filter_map(|c| c.cno.as_deref())
        .collect();
    assert_eq!(next.len(), 3);
    assert!(
        next.iter().all(|a| !worked.contains(a)),
        "{next:?} after {worked:?}"
    );
    let distinct: std::collections::BTreeSet<&&str> = next.iter().collect();
    assert_eq!(distinct.len(), 3, "{next:?}");
}

#[test]
fn customer_moh_takes_effect() {
    // Overloaded (3 lines per idle agent, an IVR to overflow to) so that customers wait.
    // Patience is 100 s in silence and exactly 0.5 s under music on hold: once CustomerMoh
    // is set, every answered customer who is not bridged hangs up at 0.5 s.
    let sc = scenario(json!({"IvrId": 42}), json!({"CustomerMoh": "moh-1"}), |v| {
        v["customers"]["patience_s"] = json!(100);
        v["customers"]["patience_moh_s"] = json!(0.5);
        v["tasks"][0]["pacer"] = json!({"ratio": {"per_idle_agent": 3}});
    });
    let r = run(&sc);
    assert!(accepted(&r));
    let (before, after) = split(&r, 0);
    let hung_up_at_half = |calls: &[&CallRecord]| {
        calls
            .iter()
            .filter(|c| c.status == 41 && c.end_reason == 1000 && c.wait_ms == Some(500))
            .count()
    };
    assert_eq!(hung_up_at_half(&before), 0);
    assert!(hung_up_at_half(&after) > 50, "{}", hung_up_at_half(&after));
    // After the update no unbridged customer waits longer than the MOH patience.
    assert!(
        after
            .iter()
            .filter(|c| c.status == 41)
            .all(|c| c.wait_ms.is_some_and(|w| w <= 500)),
        "MOH patience applies"
    );
}

#[test]
fn ivr_takes_effect() {
    // Without an IVR a customer not bridged within 2 s is hung up at 2 s (EndReason 1002);
    // with one (IvrId set at 10:00) the customer overflows there and keeps waiting.
    let sc = scenario(json!({}), json!({"IvrId": 42}), |v| {
        v["customers"]["patience_s"] = json!(30);
        v["tasks"][0]["pacer"] = json!({"ratio": {"per_idle_agent": 3}});
    });
    let r = run(&sc);
    assert!(accepted(&r));
    // Before: calls over before the update (a customer answered at 9:59:59 meets the IVR).
    let before: Vec<&CallRecord> = r.calls.iter().filter(|c| c.end_ms < H).collect();
    let after: Vec<&CallRecord> = r.calls.iter().filter(|c| c.start_ms >= H).collect();
    let waited_past_2s = |calls: &[&CallRecord]| {
        calls
            .iter()
            .filter(|c| c.wait_ms.is_some_and(|w| w > 2000))
            .count()
    };
    assert_eq!(waited_past_2s(&before), 0, "dropped at 2 s before the IVR");
    assert!(
        before
            .iter()
            .filter(|c| c.status == 41)
            .all(|c| c.end_reason == 1002 && c.wait_ms == Some(2000))
    );
    let dropped = |calls: &[&CallRecord]| {
        calls
            .iter()
            .filter(|c| c.status == 41 && c.end_reason == 1002)
            .count()
    };
    assert!(
        dropped(&before) > 0,
        "the overload drops customers at 2 s before the update"
    );
    assert_eq!(
        dropped(&after),
        0,
        "nobody is hung up at 2 s once there is an IVR"
    );
    // Every customer who waited past 2 s overflowed to the IVR; the count differs only by
    // calls with no record yet at the end: still waiting, or talking (one per agent at most).
    let counts = &r.tasks[0].counts;
    let overflowed = waited_past_2s(&r.calls.iter().collect::<Vec<_>>()) as u64;
    assert!(overflowed > 0);
    assert!(
        counts.ivr_overflow >= overflowed
            && counts.ivr_overflow - overflowed <= counts.answered_open_at_end + 10,
        "{} overflows, {overflowed} records past 2 s",
        counts.ivr_overflow
    );
}

#[test]
fn caller_ids_take_effect() {
    let sc = scenario(
        json!({"CustomerClidsCategory": 1, "CustomerClids": "01088880000"}),
        json!({"CustomerClids": "02188880000"}),
        |_| {},
    );
    let r = run(&sc);
    assert!(accepted(&r));
    let (before, after) = split(&r, 0);
    assert!(
        before
            .iter()
            .all(|c| c.clid.as_deref() == Some("01088880000"))
    );
    assert!(
        after
            .iter()
            .all(|c| c.clid.as_deref() == Some("02188880000"))
    );
    // The per-caller-id table keeps both, each with its own calls.
    let ids = &r.tasks[0].caller_ids;
    assert_eq!(ids.len(), 2);
    assert_eq!(ids[0].0, "01088880000");
    assert_eq!(ids[1].0, "02188880000");
    assert!(ids[0].1 as usize >= before.len());
    assert!(ids[1].1 as usize >= after.len());
}

#[test]
fn advanced_retry_strategy_takes_effect() {
    // Type 2: busy (486) is retried after 5 minutes until 10:00, then no answer (480) is.
    let rule = |cause: &str| {
        format!(
            "[{{\"condition\":{{\"sipCause\":[\"{cause}\"]}},\"retry\":1,\"sort\":1,\"strategy\":[{{\"round\":1,\"time\":\"0-0-5\"}}]}}]"
        )
    };
    let sc = scenario(
        json!({"Type": 2, "IvrId": 42, "Concurrency": 5, "RetryStrategy": rule("486"),
               "RetryStrategyTimeType": 2, "CallGroupType": null, "Cnos": null,
               "MinAvailableAgentCount": null, "CustomerTimeout": 20}),
        json!({"RetryStrategy": rule("480")}),
        |v| {
            v["customers"]["busy_probability"] = json!(0.3);
            v["customers"]["answer_probability"] = json!(0.2);
            v["tasks"][0]["pacer"] = json!("platform");
            let r = v["tasks"][0]["request"].as_object_mut().expect("request");
            r.retain(|_, x| !x.is_null());
        },
    );
    let r = run(&sc);
    assert!(accepted(&r), "{:?}", r.tasks[0].actions);
    let mut by_number: BTreeMap<u64, Vec<&CallRecord>> = BTreeMap::new();
    for c in &r.calls {
        by_number.entry(c.number).or_default().push(c);
    }
    let (mut busy_retried, mut no_answer_retried) = (0, 0);
    for calls in by_number.values_mut() {
        calls.sort_by_key(|c| c.start_ms);
        if calls.len() < 2 {
            continue;
        }
        let first = calls[0];
        let ring = first.end_ms - first.start_ms;
        // The rule in force when the first attempt ended decides.
        if first.end_ms < H {
            assert_eq!(ring, 3000, "before 10:00 only busy lines are retried");
            busy_retried += 1;
        } else {
            assert_eq!(
                ring, 20_000,
                "after 10:00 only unanswered calls are retried"
            );
            no_answer_retried += 1;
        }
    }
    assert!(
        busy_retried > 20 && no_answer_retried > 20,
        "{busy_retried} {no_answer_retried}"
    );
}

#[test]
fn call_priority_strategy_takes_effect() {
    // Never-called numbers first: with 50 000 numbers no retry is reached. At 10:00 the retry
    // pool goes first, and due retries are dialled from then on.
    let sc = scenario(
        json!({
            "RetryStrategy": "{\"retry\":1,\"strategy\":[{\"round\":1,\"time\":\"0-0-1\"}]}",
            "CallPriorityStrategy": "{\"strategy\":[{\"sort\":1,\"type\":\"firstCall\",\"orderType\":0},{\"sort\":2,\"type\":\"retryCall\",\"desc\":0}]}"
        }),
        json!({"CallPriorityStrategy": "{\"strategy\":[{\"sort\":1,\"type\":\"retryCall\",\"desc\":0},{\"sort\":2,\"type\":\"firstCall\",\"orderType\":0}]}"}),
        |_| {},
    );
    let r = run(&sc);
    assert!(accepted(&r));
    let (before, after) = split(&r, 0);
    assert_eq!(before.iter().filter(|c| c.attempt > 0).count(), 0);
    assert!(after.iter().filter(|c| c.attempt > 0).count() > 100);
}

#[test]
fn first_call_order_takes_effect_and_calls_each_number_once() {
    let sc = scenario(
        json!({"CallPriorityStrategy": "{\"strategy\":[{\"sort\":1,\"type\":\"firstCall\",\"orderType\":0}]}"}),
        json!({"CallPriorityStrategy": "{\"strategy\":[{\"sort\":1,\"type\":\"firstCall\",\"orderType\":1}]}"}),
        |_| {},
    );
    let r = run(&sc);
    assert!(accepted(&r));
    let (before, after) = split(&r, 0);
    // In order before: numbers 0, 1, 2, ... with no gap.
    let mut early: Vec<u64> = before.iter().map(|c| c.number).collect();
    early.sort_unstable();
    assert!(early.iter().enumerate().all(|(i, &n)| n == i as u64));
    // Random after: the next twenty reach far into the list.
    assert!(after.iter().take(20).any(|c| c.number >= 10_000));
    let mut all: Vec<u64> = r.calls.iter().map(|c| c.number).collect();
    let n = all.len();
    all.sort_unstable();
    all.dedup();
    assert_eq!(all.len(), n, "each number called once");
}

#[test]
fn call_limit_strategy_takes_effect() {
    // Each agent takes at most 3 calls a day: 30 bridged calls, then nothing. At 11:00 the
    // cap is raised to 100 and the agents are back at once.
    let cnos: Vec<String> = (1000..1010).map(|c| c.to_string()).collect();
    let limit = |n: u32| format!("[{{\"cnos\":{:?},\"limit\":\"{n}\"}}]", cnos);
    let sc = scenario(
        json!({"CallLimitStrategy": limit(3)}),
        json!({"CallLimitStrategy": limit(100)}),
        |v| v["actions"][0]["at_s"] = json!(7200),
    );
    let r = run(&sc);
    assert!(r.tasks[0].actions[0].accepted, "{:?}", r.tasks[0].actions);
    let bridged_before = r
        .calls
        .iter()
        .filter(|c| c.bridge_ms.is_some_and(|b| b < 2 * H))
        .count();
    let bridged_after = r
        .calls
        .iter()
        .filter(|c| c.bridge_ms.is_some_and(|b| b >= 2 * H))
        .count();
    assert_eq!(bridged_before, 30);
    assert!(bridged_after > 100, "{bridged_after}");
}

#[test]
fn a_new_cap_equal_to_the_calls_taken_keeps_the_agent_held() {
    // Three calls a day each; at 11:00 the first five agents keep a cap of 3 and the other
    // five get 4: the first five, at their cap, stay held; the others take one call more.
    let cnos: Vec<String> = (1000..1010).map(|c| c.to_string()).collect();
    let entry = |cnos: &[String], n: u32| format!("{{\"cnos\":{cnos:?},\"limit\":\"{n}\"}}");
    let sc = scenario(
        json!({"CallLimitStrategy": format!("[{}]", entry(&cnos, 3))}),
        json!({"CallLimitStrategy": format!("[{},{}]", entry(&cnos[..5], 3), entry(&cnos[5..], 4))}),
        |v| v["actions"][0]["at_s"] = json!(7200),
    );
    let r = run(&sc);
    assert!(r.tasks[0].actions[0].accepted, "{:?}", r.tasks[0].actions);
    let bridged = |cno: &str| {
        r.calls
            .iter()
            .filter(|c| c.bridge_ms.is_some() && c.cno.as_deref() == Some(cno))
            .count()
    };
    for (k, cno) in cnos.iter().enumerate() {
        assert_eq!(bridged(cno), if k < 5 { 3 } else { 4 }, "{cno}");
    }
}

#[test]
fn agents_held_back_by_their_cap_are_not_available() {
    // Agents 1000 to 1002 take at most 2 calls a day; MinAvailableAgentCount 8 of 10. Once
    // the third of them has taken its second call and wrapped up (5 s), 7 agents are
    // available: the task pauses and places no more calls (the caps hold until midnight).
    let capped: Vec<String> = (1000..1003).map(|c| c.to_string()).collect();
    let sc = scenario(
        json!({"CallLimitStrategy": format!("[{{\"cnos\":{capped:?},\"limit\":\"2\"}}]"),
               "MinAvailableAgentCount": 8}),
        json!({"Name": "t2"}),
        |_| {},
    );
    let r = run(&sc);
    let mut last_capped_end = 0;
    for cno in &capped {
        let mine: Vec<&CallRecord> = r
            .calls
            .iter()
            .filter(|c| c.cno.as_deref() == Some(cno.as_str()))
            .collect();
        assert_eq!(mine.len(), 2, "{cno}");
        last_capped_end = last_capped_end.max(mine.iter().map(|c| c.end_ms).max().unwrap_or(0));
    }
    let paused_at = last_capped_end + 5_000;
    assert!(paused_at < H, "capped early: {paused_at}");
    assert!(r.calls.iter().any(|c| c.start_ms > paused_at - MIN));
    assert!(
        r.calls.iter().all(|c| c.start_ms <= paused_at),
        "a call placed after the pause at {paused_at} ms"
    );
}

#[test]
fn agents_on_a_break_before_their_task_starts_join_it_on_their_break() {
    // Agents 1000 to 1004 are on a break from 09:00 to 10:00; the task is created at 09:30
    // and starts at 09:31 by its AutoStart, so no task holds them when their break begins.
    // They join it on their break: no call reaches them before 10:00, the other five take
    // the calls, and from 10:00 all ten do.
    let on_break: Vec<String> = (1000..1005).map(|c| c.to_string()).collect();
    let sc = scenario(
        json!({"AutoStart": 1, "AutoStartTime": "09:31:00"}),
        json!({"Name": "t2"}),
        |v| {
            v["enterprise"]["breaks"] =
                json!([{"cnos": on_break, "start_s": 0, "duration_s": 3600}]);
            v["tasks"][0]["created_at_s"] = json!(1800);
        },
    );
    let r = run(&sc);
    let by = |c: &CallRecord| on_break.iter().any(|b| c.cno.as_deref() == Some(b));
    let bridged = |from: u64, to: u64| -> Vec<&CallRecord> {
        r.calls
            .iter()
            .filter(|c| c.bridge_ms.is_some_and(|b| b >= from && b < to))
            .collect()
    };
    let early = bridged(0, H);
    assert!(early.len() > 10, "{}", early.len());
    assert!(
        !early.iter().any(|c| by(c)),
        "a call reached an agent on a break"
    );
    assert!(bridged(H, 4 * H).iter().filter(|c| by(c)).count() > 20);
}

/// The task still dialled at `still_at` ms and placed no call from `stop` on.
fn dials_until(r: &RunResult, still_at: u64, stop: u64) {
    assert!(
        r.calls.iter().any(|c| c.start_ms >= still_at),
        "no call from {still_at} ms"
    );
    assert!(
        r.calls.iter().all(|c| c.start_ms < stop),
        "a call placed after the stop at {stop} ms"
    );
}

#[test]
fn auto_stop_takes_effect() {
    // AutoStop at 12:00 becomes 11:00: no call is placed after 11:00.
    let sc = scenario(
        json!({"AutoStop": 1, "AutoStopTime": "12:00:00"}),
        json!({"AutoStopTime": "11:00:00"}),
        |_| {},
    );
    let r = run(&sc);
    assert!(accepted(&r));
    dials_until(&r, H + 30 * MIN, 2 * H);
}

#[test]
fn a_moved_schedule_voids_the_old_one() {
    // AutoStop at 11:00 becomes 12:00 at 10:00: the task dials on past 11:00 and stops at
    // 12:00 (the 11:00 stop, scheduled before the update, is void).
    let sc = scenario(
        json!({"AutoStop": 1, "AutoStopTime": "11:00:00"}),
        json!({"AutoStopTime": "12:00:00"}),
        |_| {},
    );
    let r = run(&sc);
    assert!(accepted(&r));
    dials_until(&r, 2 * H + 30 * MIN, 3 * H);
    // AutoStart at 10:30 becomes 11:00 before the task has started: no call before 11:00.
    let sc = scenario(
        json!({"AutoStart": 1, "AutoStartTime": "10:30:00"}),
        json!({"AutoStartTime": "11:00:00"}),
        |_| {},
    );
    let r = run(&sc);
    assert!(accepted(&r));
    let first = r.calls.iter().map(|c| c.start_ms).min();
    assert_eq!(first, Some(2 * H), "started at 11:00");
}

#[test]
fn poisson_and_clairvoyant_tasks_place_no_call_while_stopped() {
    // Arrivals keep coming, and the clairvoyant pacer's planned calls fall due, while the task
    // is paused by its AutoStop: none is dialled; nor is one while Concurrency's three lines
    // are busy.
    for pacer in [
        json!({"poisson": {"calls_per_s": 0.5}}),
        json!("clairvoyant"),
    ] {
        let sc = scenario(
            json!({"AutoStop": 1, "AutoStopTime": "12:00:00", "Concurrency": 3}),
            json!({"AutoStopTime": "11:00:00"}),
            |v| v["tasks"][0]["pacer"] = pacer.clone(),
        );
        let r = run(&sc);
        assert!(accepted(&r), "{pacer}");
        dials_until(&r, H + 30 * MIN, 2 * H);
        // Lines in use, from the records: +1 at a dial, -1 at an end (ends first at a tie).
        let mut edges: Vec<(u64, i32)> = r
            .calls
            .iter()
            .flat_map(|c| [(c.start_ms, 1), (c.end_ms, -1)])
            .collect();
        edges.sort();
        let most = edges
            .iter()
            .scan(0, |lines, &(_, d)| {
                *lines += d;
                Some(*lines)
            })
            .max();
        assert_eq!(most, Some(3), "{pacer}: Concurrency 3, kept full");
    }
}

#[test]
fn name_takes_effect_in_the_records() {
    let sc = scenario(json!({}), json!({"Name": "renamed"}), |_| {});
    let r = run(&sc);
    assert!(accepted(&r));
    assert!(
        r.calls
            .iter()
            .filter(|c| c.end_ms < H)
            .all(|c| c.task_name == "t")
    );
    assert!(
        r.calls
            .iter()
            .filter(|c| c.end_ms > H)
            .all(|c| c.task_name == "renamed")
    );
}

#[test]
fn agents_cannot_change_and_the_refusal_is_recorded() {
    let sc = scenario(json!({}), json!({"Cnos": "1000"}), |_| {});
    let r = run(&sc);
    let a = &r.tasks[0].actions[0];
    assert!(!a.accepted);
    assert!(a.message.contains("Cnos"), "{}", a.message);
    // The team is as it was: agents other than 1000 still take calls after the refusal.
    assert!(
        r.calls
            .iter()
            .filter(|c| c.start_ms > H)
            .any(|c| c.cno.as_deref().is_some_and(|x| x != "1000"))
    );
}

#[test]
fn customer_timeout_takes_effect() {
    // Nobody answers: a call rings for CustomerTimeout, 30 s, then 10 s from 10:00.
    let sc = scenario(
        json!({"CustomerTimeout": 30}),
        json!({"CustomerTimeout": 10}),
        |v| {
            v["customers"]["answer_probability"] = json!(0.0);
        },
    );
    let r = run(&sc);
    assert!(accepted(&r));
    let (before, after) = split(&r, 0);
    assert!(before.iter().all(|c| c.end_ms - c.start_ms == 30_000));
    assert!(!after.is_empty() && after.iter().all(|c| c.end_ms - c.start_ms == 10_000));
}

#[test]
fn customer_voice_takes_effect() {
    // A 4 s prompt from 10:00: a customer answered after it is bridged no sooner than 4 s
    // after the answer (the agent search starts when the prompt ends); before it, agents
    // answer within 1 s (answer delay 1 s, agents free: a progressive dialer).
    let sc = scenario(json!({}), json!({"CustomerVoice": "prompt-4"}), |v| {
        v["enterprise"]["voices"] = json!([{"path": "prompt-4", "duration_s": 4}]);
    });
    let r = run(&sc);
    assert!(accepted(&r));
    let delay = |c: &&CallRecord| c.bridge_ms.zip(c.answer_ms).map(|(b, a)| b - a);
    let before: Vec<u64> = r
        .calls
        .iter()
        .filter(|c| c.end_ms < H)
        .filter_map(|c| delay(&c))
        .collect();
    let after: Vec<u64> = r
        .calls
        .iter()
        .filter(|c| c.answer_ms.is_some_and(|a| a >= H))
        .filter_map(|c| delay(&c))
        .collect();
    assert!(!before.is_empty() && !after.is_empty());
    assert!(
        before.iter().all(|&d| d < 4000),
        "{:?}",
        before.iter().max()
    );
    assert!(after.iter().all(|&d| d >= 4000), "{:?}", after.iter().min());
}

#[test]
fn time_strategy_takes_effect() {
    // A forbidden window 10:30-11:00 added at 10:00: no call is placed in it, calls resume
    // after it.
    let sc = scenario(json!({}), json!({"TimeStrategy": "5"}), |v| {
        v["enterprise"]["time_conditions"] = json!([{"Id": 5, "Name": "quiet", "Type": 1,
            "DayOfWeek": "1,2,3,4,5,6,7", "StartTime": "10:30", "EndTime": "11:00", "Priority": 1}]);
    });
    let r = run(&sc);
    assert!(accepted(&r));
    let window = H + 30 * MIN..2 * H;
    assert!(
        r.calls
            .iter()
            .any(|c| (H..H + 30 * MIN).contains(&c.start_ms))
    );
    assert!(!r.calls.iter().any(|c| window.contains(&c.start_ms)));
    assert!(r.calls.iter().any(|c| c.start_ms >= 2 * H));
}

#[test]
fn min_available_agent_count_takes_effect() {
    // The task's 9 agents (of 12): MinAvailableAgentCount 10 from 10:00 pauses the task; no
    // call is placed after the update.
    let sc = scenario(json!({}), json!({"MinAvailableAgentCount": 10}), |v| {
        v["enterprise"]["agents"]["count"] = json!(12);
        v["tasks"][0]["request"]["Cnos"] = json!("1000,1001,1002,1003,1004,1005,1006,1007,1008");
    });
    let r = run(&sc);
    assert!(accepted(&r));
    let (before, after) = split(&r, 0);
    assert!(!before.is_empty());
    assert!(after.is_empty(), "{} calls after the pause", after.len());
    assert!(
        r.tasks[0]
            .pauses
            .iter()
            .any(|p| p.at_s == 3600.0 && p.cause.contains("MinAvailableAgentCount"))
    );
}

#[test]
fn agent_timeout_takes_effect() {
    // Agents answer their leg after 8 s. AgentTimeout 20 s: every leg is answered. From
    // 10:00 AgentTimeout 5 s, or 8 s (a leg answered only at the timeout is too late): every
    // leg rings out, the customer goes back to the queue, and nobody is bridged (records end
    // with status 42).
    for timeout in [5, 8] {
        let sc = scenario(
            json!({"AgentTimeout": 20, "IvrId": 42}),
            json!({ "AgentTimeout": timeout }),
            |v| {
                v["enterprise"]["agent_behaviour"]["answer_delay_s"] = json!(8);
                v["customers"]["patience_s"] = json!(60);
            },
        );
        let r = run(&sc);
        assert!(accepted(&r));
        let before: Vec<&CallRecord> = r.calls.iter().filter(|c| c.end_ms < H).collect();
        let after: Vec<&CallRecord> = r.calls.iter().filter(|c| c.start_ms >= H + MIN).collect();
        assert!(before.iter().filter(|c| c.status == 43).count() > 50);
        assert!(before.iter().all(|c| c.status != 42));
        assert!(
            after.iter().all(|c| c.status != 43),
            "no leg is answered within {timeout} s"
        );
        assert!(after.iter().filter(|c| c.status == 42).count() > 20);
    }
}

#[test]
fn agents_come_back_to_their_first_task_counted_once() {
    // Tasks t and u list the same ten agents; t needs all ten (MinAvailableAgentCount 10).
    // t is paused at 09:25; u, created at 09:30 and started a second later, claims the ten;
    // u is paused at 10:00 and t started again at 10:00:01, claiming them back. When agent
    // 1000 takes a break at 10:30, t has nine available agents, fewer than ten: it pauses,
    // and resumes when the break ends at 10:40. (Each move counts an agent out of the task
    // it leaves; if it did not, t would count more than ten and never pause.)
    let sc = scenario(json!({"MinAvailableAgentCount": 10}), json!({}), |v| {
        let mut u = v["tasks"][0].clone();
        u["request"]["Name"] = json!("u");
        u["request"]["MinAvailableAgentCount"] = json!(1);
        u["created_at_s"] = json!(1800);
        v["tasks"].as_array_mut().expect("tasks").push(u);
        v["enterprise"]["breaks"] = json!([{"cnos": ["1000"], "start_s": 5400, "duration_s": 600}]);
        v["actions"] = json!([
            {"at_s": 1500, "task": "t", "action": "PauseTask", "params": {"PauseDuration": 0}},
            {"at_s": 1801, "task": "u", "action": "StartTask"},
            {"at_s": 3600, "task": "u", "action": "PauseTask", "params": {"PauseDuration": 0}},
            {"at_s": 3601, "task": "t", "action": "StartTask"}
        ]);
    });
    let r = run_with(&sc, sc.file.seed, None, true);
    let pauses: Vec<(f64, Option<f64>, &str)> = r.tasks[0]
        .pauses
        .iter()
        .map(|p| (p.at_s, p.resumed_at_s, p.cause.as_str()))
        .collect();
    assert_eq!(
        pauses,
        vec![
            (
                1500.0,
                Some(3601.0),
                "PauseTask (operator), PauseDuration 0 min"
            ),
            (
                5400.0,
                Some(6000.0),
                "MinAvailableAgentCount: 9 available agents < 10"
            ),
        ]
    );
    // u's agents took its calls while it ran, and t's after it started again.
    let bridged = |task: &str, from: u64, to: u64| {
        r.calls
            .iter()
            .any(|c| c.task_name == task && c.bridge_ms.is_some_and(|b| (from..to).contains(&b)))
    };
    assert!(bridged("u", 1_800_000, H), "u bridged no call");
    assert!(bridged("t", H + 1000, H + 30 * MIN), "t bridged no call");
}

#[test]
fn retry_call_desc_given_by_an_update_reorders_the_retries_already_due() {
    // Nobody answers; 200 numbers on 10 agents' lines, never-called first, retries 1 and 1
    // minute after the previous call (two rounds). The first rounds pile up while the list
    // is called; ten minutes in, second rounds are due among them. UpdateTask then asks for
    // the higher rounds first: the next calls are second rounds, though first rounds were
    // due before them.
    let order = |desc: u8| {
        format!(
            "{{\"strategy\":[{{\"sort\":1,\"type\":\"firstCall\",\"orderType\":0}},{{\"sort\":2,\"type\":\"retryCall\",\"desc\":{desc}}}]}}"
        )
    };
    let sc = scenario(
        json!({
            "RetryStrategy": "{\"retry\":2,\"strategy\":[{\"round\":1,\"time\":\"0-0-1\"},{\"round\":2,\"time\":\"0-0-1\"}]}",
            "RetryStrategyTimeType": 2,
            "CustomerTimeout": 20,
            "CallPriorityStrategy": order(0)
        }),
        json!({"CallPriorityStrategy": order(1)}),
        |v| {
            v["customers"]["answer_probability"] = json!(0.0);
            v["tasks"][0]["numbers"] = json!({"count": 200});
            v["actions"][0]["at_s"] = json!(600);
        },
    );
    let r = run(&sc);
    assert!(r.tasks[0].actions[0].accepted, "{:?}", r.tasks[0].actions);
    let mut calls: Vec<&CallRecord> = r.calls.iter().collect();
    calls.sort_by_key(|c| (c.start_ms, c.number));
    let before: Vec<u32> = calls
        .iter()
        .filter(|c| c.start_ms < 600_000)
        .map(|c| c.attempt)
        .collect();
    let after: Vec<u32> = calls
        .iter()
        .filter(|c| c.start_ms >= 600_000)
        .map(|c| c.attempt)
        .take(10)
        .collect();
    // Right before, first rounds were being called: they were due, and still are.
    assert!(before.ends_with(&[1; 10]), "{before:?}");
    assert_eq!(after, [2; 10]);
}
