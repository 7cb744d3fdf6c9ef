//! The queue is first-in-first-out, read from the call records: no customer is bridged ahead
//! of one who answered earlier and was still waiting; none is dropped before their own two
//! seconds are up, nor after them when no IVR takes the overflow (however sure the agent's
//! answer); detection's listening comes before the queue.

use super::support::from_json;
use dialsim::world::engine::run_with;
use serde_json::json;

#[test]
fn no_customer_is_bridged_ahead_of_an_earlier_one_still_waiting() {
    // Overloaded Erlang-A (10 agents, 13 Erlang offered, patience 20 s, an IVR to keep the
    // overflow waiting): customers hang up all the time, so call slots are reused while
    // others wait. Agents answer their leg at once and always, so an agent is taken exactly
    // when the customer is bridged, and bridging order is the queue's order.
    let cnos: Vec<String> = (0..10).map(|i| (6000 + i).to_string()).collect();
    let sc = from_json(
        &json!({
            "name": "fifo",
            "seed": 5,
            "start": "2026-01-05T08:00:00",
            "duration_s": 4 * 3600,
            "enterprise": {
                "id": 36,
                "agents": {"count": 10, "first_cno": 6000},
                "agent_groups": [{"id": "1", "cnos": cnos}],
                "agent_behaviour": {"talk_s": {"exponential": {"mean": 120}}, "wrapup_s": 0,
                                    "answer_delay_s": 0},
                "ivrs": [{"id": 42, "name": "hold", "duration_s": 60}]
            },
            "customers": {"answer_probability": 1.0, "time_to_answer_s": 5,
                          "patience_s": {"exponential": {"mean": 20}}},
            "tasks": [{
                "request": {"EnterpriseId": 36, "Name": "fifo", "Type": 1, "CallGroupType": 2,
                            "AgentGroup": "1", "MinAvailableAgentCount": 1, "IvrId": 42},
                "numbers": {"count": 100_000},
                "pacer": {"poisson": {"calls_per_s": 13.0 / 120.0}}
            }]
        }),
        "fifo",
    );
    let run = run_with(&sc, sc.file.seed, None, true);
    // (answered, left the queue: bridged or ended, bridged?)
    let mut waits: Vec<(u64, u64, bool)> = run
        .calls
        .iter()
        .filter_map(|c| {
            let answered = c.answer_ms?;
            Some((
                answered,
                c.bridge_ms.unwrap_or(c.end_ms),
                c.bridge_ms.is_some(),
            ))
        })
        .collect();
    waits.sort_unstable();
    let bridged = waits.iter().filter(|w| w.2).count();
    let waited = waits.iter().filter(|w| w.1 > w.0).count();
    assert!(
        bridged > 1000 && waited > 300,
        "{bridged} bridged, {waited} waited"
    );
    // Scan in order of answer: a bridged customer B with an earlier-answered customer A still
    // in the queue when B was bridged (A leaves after B's bridge) is a FIFO violation.
    let mut overtaken = Vec::new();
    let mut latest_leave: Option<(u64, u64)> = None; // (leave time, answer) of an earlier customer
    for &(answered, left, was_bridged) in &waits {
        if let Some((leave, earlier)) = latest_leave
            && was_bridged
            && earlier < answered
            && leave > left
        {
            overtaken.push((earlier, answered, left));
        }
        if latest_leave.is_none_or(|(l, _)| left > l) {
            latest_leave = Some((left, answered));
        }
    }
    assert!(
        overtaken.is_empty(),
        "{} customers bridged ahead of an earlier one still waiting, e.g. (earlier answer, later answer, its bridge) {:?}",
        overtaken.len(),
        &overtaken[..overtaken.len().min(5)]
    );
}

#[test]
fn no_customer_is_dropped_before_their_two_seconds() {
    // One agent who talks 0.3 s and wraps up 1.5 s, customers who answer 0.1 s after the
    // dial and arrive five a second, no IVR: the queue is never empty, customers are dropped
    // at 2 s all the time, and a call slot freed by a short call is reused by a customer who
    // is waiting when the freed call's own 2-second timer comes. Each drop must be the
    // dropped customer's own: exactly 2 s after they began to wait.
    let sc = from_json(
        &json!({
            "name": "drops",
            "seed": 3,
            "start": "2026-01-05T08:00:00",
            "duration_s": 600,
            "enterprise": {
                "id": 36,
                "agents": {"count": 1, "first_cno": 6000},
                "agent_behaviour": {"talk_s": 0.3, "wrapup_s": 1.5, "answer_delay_s": 0}
            },
            "customers": {"answer_probability": 1.0, "time_to_answer_s": 0.1,
                          "patience_s": 100},
            "tasks": [{
                "request": {"EnterpriseId": 36, "Name": "drops", "Type": 1, "CallGroupType": 1,
                            "Cnos": "6000", "MinAvailableAgentCount": 1},
                "numbers": {"count": 100_000},
                "pacer": {"poisson": {"calls_per_s": 5.0}}
            }]
        }),
        "drops",
    );
    let run = run_with(&sc, sc.file.seed, None, true);
    let dropped: Vec<_> = run
        .calls
        .iter()
        .filter(|c| c.answer_ms.is_some() && c.bridge_ms.is_none() && c.end_reason == 1002)
        .collect();
    assert!(dropped.len() > 1000, "{} dropped", dropped.len());
    for c in &dropped {
        assert_eq!(c.wait_ms, Some(2000), "{c:?}");
    }
    let bridged = run.calls.iter().filter(|c| c.bridge_ms.is_some()).count();
    assert!(bridged > 200, "{bridged} bridged");
}

/// Ten idle agents, customers who always answer after 5 s and wait 100 s, a progressive
/// pacer for 30 minutes, no IVR; `edit` applied last.
fn light_load(edit: impl Fn(&mut serde_json::Value)) -> dialsim::scenario::Scenario {
    let mut v = json!({
        "name": "light",
        "seed": 9,
        "start": "2026-01-05T08:00:00",
        "duration_s": 1800,
        "enterprise": {
            "id": 36,
            "agents": {"count": 10, "first_cno": 6000},
            "agent_behaviour": {"talk_s": 30, "wrapup_s": 5, "answer_delay_s": 1}
        },
        "customers": {"answer_probability": 1.0, "time_to_answer_s": 5, "patience_s": 100},
        "tasks": [{
            "request": {"EnterpriseId": 36, "Name": "light", "Type": 1, "CallGroupType": 1,
                        "Cnos": "6000,6001,6002,6003,6004,6005,6006,6007,6008,6009",
                        "MinAvailableAgentCount": 1},
            "numbers": {"count": 100_000},
            "pacer": "progressive"
        }]
    });
    edit(&mut v);
    from_json(&v, "light")
}

#[test]
fn an_agent_sure_to_answer_after_two_seconds_is_too_late_without_an_ivr() {
    // Agents answer their leg 3 s after it rings, always: each customer is dropped at 2 s
    // (the platform hangs up without an IVR), before the agent answers, although the agent
    // would surely have answered.
    let sc = light_load(|v| v["enterprise"]["agent_behaviour"]["answer_delay_s"] = json!(3));
    let run = run_with(&sc, sc.file.seed, None, true);
    let answered: Vec<_> = run.calls.iter().filter(|c| c.answer_ms.is_some()).collect();
    assert!(answered.len() > 100, "{}", answered.len());
    for c in &answered {
        assert_eq!(
            (c.bridge_ms, c.wait_ms, c.end_reason),
            (None, Some(2000), 1002),
            "{c:?}"
        );
    }
}

#[test]
fn detection_listens_before_a_person_it_passes_reaches_the_queue() {
    // Detection listens 3 s and takes nobody for a machine (no machines, no false
    // positives): every customer is bridged 3 s (listening) + 1 s (the agent's leg) after
    // the answer.
    let sc = light_load(|v| {
        v["tasks"][0]["amd"] =
            json!({"detection_s": 3, "true_positive": 0.9, "false_positive": 0.0});
    });
    let run = run_with(&sc, sc.file.seed, None, true);
    let bridged: Vec<_> = run.calls.iter().filter(|c| c.bridge_ms.is_some()).collect();
    assert!(bridged.len() > 100, "{}", bridged.len());
    for c in &bridged {
        assert_eq!(
            c.bridge_ms.zip(c.answer_ms).map(|(b, a)| b - a),
            Some(4000),
            "{c:?}"
        );
    }
}

#[test]
fn a_customer_bridged_at_exactly_two_seconds_is_not_abandoned() {
    // Idle agents answer their leg exactly 2 s after it rings: every customer is bridged at
    // 2 s, within the 2-second rule (bridged later than 2 s is abandoned, at 2 s is not).
    let sc = light_load(|v| v["enterprise"]["agent_behaviour"]["answer_delay_s"] = json!(2));
    let r = dialsim::simulate(&sc, sc.file.seed, 1, None);
    let t = &r["tasks"][0];
    assert!(t["connected"].as_f64().is_some_and(|n| n > 100.0), "{t}");
    assert_eq!(t["abandoned"], 0, "{t}");
    assert_eq!(t["connected_within_2s"], t["connected"], "{t}");
}

#[test]
fn a_call_detection_hangs_up_on_waited_from_its_answer() {
    // Every answer is a machine and detection, listening 3 s, finds every machine: each call
    // ends 3 s after its answer without reaching the agent queue, and its record's wait is
    // those 3 s (from the answer, as no search began).
    let sc = light_load(|v| {
        v["customers"]["machine_share"] = json!(1.0);
        v["tasks"][0]["amd"] =
            json!({"detection_s": 3, "true_positive": 1.0, "false_positive": 0.0});
    });
    let run = run_with(&sc, sc.file.seed, None, true);
    let answered: Vec<_> = run.calls.iter().filter(|c| c.answer_ms.is_some()).collect();
    assert!(answered.len() > 100, "{}", answered.len());
    for c in &answered {
        assert_eq!(
            (c.bridge_ms, c.end_ms - c.answer_ms.unwrap_or(0), c.wait_ms),
            (None, 3000, Some(3000)),
            "{c:?}"
        );
    }
}
