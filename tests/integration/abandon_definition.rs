//! The abandon rate under a task's own definition (issue 14): each definition against a
//! recount of the same run's call records, the defaults against the engine's 2-second rule,
//! answering machines and detection, and rolling windows against a direct recount.

use super::support::load;
use dialsim::world::result::CallRecord;
use serde_json::{Value, json};

/// A run's report (one replication) and its call records.
fn run(path: &str, edit: impl Fn(&mut Value)) -> (Value, Vec<CallRecord>) {
    let sc = load(path, edit);
    dialsim::simulate_with_calls(&sc, sc.file.seed, 1, None, true)
}

/// compliance-3pct with its 4-second voice as the CustomerVoice prompt (so that the clocks
/// differ), cut to two hours with a list that runs out after about an hour, so that every
/// answered call has ended, and so has a record, before the run does.
fn finished_run(abandon: Value, extra: impl Fn(&mut Value)) -> (Value, Vec<CallRecord>) {
    let (r, calls) = run("scenarios/compliance-3pct.json", |v| {
        v["duration_s"] = json!(7200);
        v["tasks"][0]["numbers"] = json!({"count": 1500});
        v["tasks"][0]["request"]["CustomerVoice"] = json!("60000011533526918819");
        v["tasks"][0]["abandon"] = abandon.clone();
        extra(v);
    });
    let t = &r["tasks"][0];
    assert!(
        t["list_finished_at_s"].as_f64().is_some_and(|s| s < 6000.0),
        "the list must run out well before the end: {}",
        t["list_finished_at_s"]
    );
    assert_eq!(t["answered_open_at_end"], 0);
    (r, calls)
}

#[derive(Clone, Copy)]
enum Clock {
    Queue,
    Answer,
    /// The greeting's constant length, ms.
    Greeting(u64),
}

/// The definition recounted from the records: (abandoned, counted).
fn recount(calls: &[CallRecord], threshold_ms: u64, clock: Clock, live_only: bool) -> (u64, u64) {
    let mut out = (0, 0);
    for c in calls {
        let Some(answer) = c.answer_ms else { continue };
        if live_only && c.real_answer == Some(false) {
            continue;
        }
        // The wait runs from the agent search to the bridge (or to the end).
        let queue_start = c.bridge_ms.unwrap_or(c.end_ms) - c.wait_ms.expect("a wait");
        let start = match clock {
            Clock::Queue => queue_start,
            Clock::Answer => answer,
            Clock::Greeting(g) => answer + g,
        };
        let abandoned = c.bridge_ms.is_none_or(|b| b > start + threshold_ms);
        out.0 += u64::from(abandoned);
        out.1 += 1;
    }
    out
}

fn defined(r: &Value) -> (u64, u64, f64) {
    let a = &r["tasks"][0]["abandon_defined"];
    (
        a["abandoned"].as_u64().expect("abandoned"),
        a["counted"].as_u64().expect("counted"),
        a["rate"].as_f64().expect("rate"),
    )
}

#[test]
fn the_default_definition_is_the_two_second_rule_exactly() {
    for path in [
        "scenarios/quickstart.json",
        "scenarios/small-team-8.json",
        "scenarios/mid-team-50.json",
        "scenarios/compliance-3pct.json",
        "scenarios/campaign-3day.json",
    ] {
        let sc = load(path, |v| {
            for t in v["tasks"].as_array_mut().expect("tasks") {
                t["abandon"] = json!({});
            }
        });
        let r = dialsim::simulate(&sc, sc.file.seed, 1, None);
        for t in r["tasks"].as_array().expect("tasks") {
            let a = &t["abandon_defined"];
            assert_eq!(a["abandoned"], t["abandoned"], "{path}");
            assert_eq!(a["counted"], t["answered"], "{path}");
            assert_eq!(a["rate"], t["abandon_rate"], "{path}");
        }
        assert_eq!(
            r["overall"]["abandon_defined_rate"], r["overall"]["abandon_rate"],
            "{path}"
        );
    }
}

#[test]
fn each_definition_matches_a_recount_of_the_call_records() {
    let (base, calls) = finished_run(json!({}), |_| {});
    let (a0, c0, rate0) = defined(&base);
    assert_eq!((a0, c0), recount(&calls, 2000, Clock::Queue, false));

    // A shorter threshold: more abandons, the same denominator.
    let (r, calls) = finished_run(json!({"threshold_s": 1}), |_| {});
    let (a, c, rate) = defined(&r);
    assert_eq!((a, c), recount(&calls, 1000, Clock::Queue, false));
    assert!(rate > rate0 && c == c0, "{rate} vs {rate0}");
    // A longer one changes nothing here: the platform hangs up at 2 s on a customer no
    // agent took (this task has no IVR to overflow to), so no call is connected later.
    let (r, calls) = finished_run(json!({"threshold_s": 5}), |_| {});
    assert_eq!(defined(&r), (a0, c0, rate0));
    assert_eq!((a0, c0), recount(&calls, 5000, Clock::Queue, false));

    // From the answer: the 4-second prompt counts, so nearly every call is abandoned.
    let (r, calls) = finished_run(json!({"clock": "answer"}), |_| {});
    let (a, c, rate_answer) = defined(&r);
    assert_eq!((a, c), recount(&calls, 2000, Clock::Answer, false));
    assert!(rate_answer > 0.9, "{rate_answer}");

    // From the end of a 3-second greeting: between the two (it ends a second before the
    // prompt, so a customer an agent takes within a second of the queue is in time).
    let greeting = |v: &mut Value| v["customers"]["greeting_s"] = json!(3);
    let (r, calls) = finished_run(json!({"clock": "greeting_end"}), greeting);
    let (a, c, rate_greeting) = defined(&r);
    assert_eq!((a, c), recount(&calls, 2000, Clock::Greeting(3000), false));
    assert!(rate0 < rate_greeting && rate_greeting < rate_answer);
    // The greeting only moves the clock: the run is the same.
    assert_eq!(r["tasks"][0]["abandoned"], base["tasks"][0]["abandoned"]);

    // Live answers only, with a fifth of the answers by machines and no detection: the
    // machines reach agents like people and drop out of the denominator.
    let machines = |v: &mut Value| v["customers"]["machine_share"] = json!(0.2);
    let (r, calls) = finished_run(json!({"denominator": "live"}), machines);
    let (a, c, _) = defined(&r);
    assert_eq!((a, c), recount(&calls, 2000, Clock::Queue, true));
    let t = &r["tasks"][0];
    let machines_answered = t["machine_answered"].as_u64().expect("machines");
    assert_eq!(
        c + machines_answered,
        t["answered"].as_u64().expect("answered")
    );
    let flagged = calls
        .iter()
        .filter(|c| c.real_answer == Some(false))
        .count() as u64;
    assert_eq!(
        flagged, machines_answered,
        "IsRealAnswer = 0 on every machine"
    );
    // A fifth of the answers are machines: a binomial share, within 4 standard errors.
    let n = (c + machines_answered) as f64;
    let share = machines_answered as f64 / n;
    let tol = 4.0 * (0.2 * 0.8 / n).sqrt();
    assert!(
        (share - 0.2).abs() < tol,
        "machine share {share} of {n} answers, 0.2 ± {tol}"
    );
}

#[test]
fn a_queued_denominator_leaves_out_the_calls_detection_hung_up() {
    // Detection hangs up on the machines it finds and on 5 % of the people; the queue's
    // 2-second rule over the calls that reached the queue is the platform's own count.
    let (r, _) = finished_run(json!({"denominator": "queued"}), |v| {
        v["customers"]["machine_share"] = json!(0.3);
        v["tasks"][0]["amd"] =
            json!({"detection_s": 0.5, "true_positive": 0.9, "false_positive": 0.05});
    });
    let t = &r["tasks"][0];
    let n = |k: &str| t[k].as_u64().unwrap_or_else(|| panic!("{k}"));
    assert!(n("amd_false_positive") > 0 && n("amd_hung_up") > n("amd_false_positive"));
    let (a, c, _) = defined(&r);
    assert_eq!(
        (a, c),
        (n("abandoned"), n("answered") - n("amd_hung_up")),
        "{t}"
    );
}

#[test]
fn detection_that_never_errs_and_no_machines_change_nothing() {
    let (plain, plain_calls) = run("scenarios/quickstart.json", |_| {});
    let (amd, amd_calls) = run("scenarios/quickstart.json", |v| {
        v["tasks"][0]["amd"] = json!({"detection_s": 0, "false_positive": 0});
    });
    assert_eq!(plain, amd);
    assert_eq!(plain_calls, amd_calls);
}

#[test]
fn false_positives_are_abandoned_under_the_tsr() {
    let tsr = json!({"clock": "greeting_end", "denominator": "live", "window": "30d"});
    let edit = |fp: f64| {
        let tsr = tsr.clone();
        move |v: &mut Value| {
            // No prompt: the greeting and detection are what delay the agent.
            if let Some(r) = v["tasks"][0]["request"].as_object_mut() {
                r.remove("CustomerVoice");
            }
            v["customers"]["machine_share"] = json!(0.3);
            v["customers"]["greeting_s"] = json!(1.5);
            v["tasks"][0]["amd"] =
                json!({"detection_s": 0.5, "true_positive": 0.9, "false_positive": fp});
            v["tasks"][0]["abandon"] = tsr.clone();
        }
    };
    let (clean, _) = finished_run(json!(null), edit(0.0));
    let (r, calls) = finished_run(json!(null), edit(0.05));
    let t = &r["tasks"][0];
    let fp = t["amd_false_positive"].as_u64().expect("false positives");
    assert!(fp > 0);
    // Every live person hung up on is an abandon under the TSR: the recount (never
    // connected = abandoned) finds them, and the rate rises over the run without errors.
    let (a, c, rate) = defined(&r);
    assert_eq!((a, c), recount(&calls, 2000, Clock::Greeting(1500), true));
    let hung_up_live = calls
        .iter()
        .filter(|c| c.real_answer == Some(true) && c.bridge_ms.is_none() && c.end_reason == 1002)
        .count() as u64;
    assert!(hung_up_live >= fp);
    assert!(rate > defined(&clean).2);
    // Detected machines and false positives occupy lines but end without an agent.
    assert_eq!(
        t["amd_hung_up"].as_u64().expect("hung up")
            + t["connected"].as_u64().expect("connected")
            + t["hung_up"].as_u64().expect("hung up")
            + t["dropped"].as_u64().expect("dropped"),
        t["answered"].as_u64().expect("answered")
    );
}

#[test]
fn rolling_windows_match_a_direct_recount_of_the_records() {
    let (r, calls) = finished_run(json!({"window": {"rolling": {"hours": 1}}}), |_| {});
    let a = &r["tasks"][0]["abandon_defined"];
    // Per minute of the answer, from the records.
    let mut minutes = vec![(0u64, 0u64); 121];
    for c in &calls {
        let Some(answer) = c.answer_ms else { continue };
        let queue_start = c.bridge_ms.unwrap_or(c.end_ms) - c.wait_ms.expect("a wait");
        let m = &mut minutes[(answer / 60_000) as usize];
        m.1 += 1;
        m.0 += u64::from(c.bridge_ms.is_none_or(|b| b > queue_start + 2000));
    }
    let windows: Vec<(usize, u64, u64)> = (0..=60)
        .map(|s| {
            let (x, y) = minutes[s..s + 60]
                .iter()
                .fold((0, 0), |(x, y), &(a, c)| (x + a, y + c));
            (s, x, y)
        })
        .collect();
    let rate = |x: u64, y: u64| if y == 0 { 0.0 } else { x as f64 / y as f64 };
    // Windows with fewer than 100 counted calls are not judged (the default min_counted).
    let judged: Vec<&(usize, u64, u64)> = windows.iter().filter(|w| w.2 >= 100).collect();
    assert!(judged.len() > 30, "most hours must be judged");
    let worst = judged
        .iter()
        .copied()
        .fold(None, |best: Option<&(usize, u64, u64)>, w| match best {
            Some(b) if rate(b.1, b.2) >= rate(w.1, w.2) => Some(b),
            _ => Some(w),
        })
        .expect("a window");
    let got = &a["windows"]["worst"];
    assert_eq!(got["start_s"], json!(worst.0 as f64 * 60.0));
    assert_eq!(got["abandoned"], json!(worst.1));
    assert_eq!(got["counted"], json!(worst.2));
    assert_eq!(a["windows"]["windows"], json!(61));
    assert_eq!(a["window"], "rolling_1h");
    let over = judged.iter().filter(|w| rate(w.1, w.2) > 0.03).count();
    assert_eq!(a["windows"]["over_cap"], json!(over));
    assert_eq!(a["windows"]["judged"], json!(judged.len()));
    // The rolling series the run page draws: one point per 15-minute bucket.
    assert_eq!(a["rolling"].as_array().expect("series").len(), 8);
}

#[test]
fn bad_definitions_and_amd_settings_are_named() {
    let sc = |edit: fn(&mut Value)| {
        let text = std::fs::read_to_string("scenarios/quickstart.json").expect("read");
        let mut v: Value = serde_json::from_str(&text).expect("json");
        edit(&mut v);
        let text = serde_json::to_string(&v).expect("json");
        dialsim::scenario::parse(&text, "t.json")
            .and_then(|f| f.check(&text, std::path::Path::new("t.json")))
            .expect_err("invalid")
            .to_string()
    };
    for (edit, path) in [
        (
            (|v: &mut Value| v["tasks"][0]["abandon"] = json!({"threshold_s": -1}))
                as fn(&mut Value),
            "tasks[0].abandon.threshold_s",
        ),
        (
            |v: &mut Value| {
                v["tasks"][0]["abandon"] = json!({"window": {"rolling": {"hours": 0.5}}})
            },
            "tasks[0].abandon.window.rolling.hours",
        ),
        (
            |v: &mut Value| v["tasks"][0]["amd"] = json!({"false_positive": 1.5}),
            "tasks[0].amd.false_positive",
        ),
        (
            |v: &mut Value| v["customers"]["machine_share"] = json!(-0.1),
            "customers.machine_share",
        ),
    ] {
        let msg = sc(edit);
        assert!(msg.contains(path), "{path}: {msg}");
    }
}

#[test]
fn the_run_page_draws_the_rolling_rate_against_the_cap() {
    let (r, _) = run("scenarios/quickstart.json", |v| {
        v["tasks"][0]["abandon"] = json!({"window": {"rolling": {"hours": 1}}, "cap_pct": 2.5});
    });
    let page = dialsim::page::run_page(&r).expect("page");
    let at = page
        .find("id=\"chart-rolling-abandon-0\"")
        .expect("the rolling chart");
    let island = &page[at..];
    let from = island.find("class=\"series\">").expect("data island") + "class=\"series\">".len();
    let to = island[from..].find("</script>").expect("end") + from;
    let series: Value = serde_json::from_str(&island[from..to]).expect("JSON");
    assert_eq!(series["cap_pct"], 2.5);
    let rolling = r["tasks"][0]["abandon_defined"]["rolling"]
        .as_array()
        .expect("series");
    let ys = series["rolling_abandon_rate_pct"].as_array().expect("ys");
    assert_eq!(ys.len(), rolling.len());
    for (y, p) in ys.iter().zip(rolling) {
        let want = p[1].as_f64().expect("rate") * 100.0;
        assert!((y.as_f64().expect("y") - want).abs() < 1e-9);
    }
}

#[test]
fn a_type_2_task_plays_its_message_to_detected_machines() {
    let edit = |on_detect: &'static str| {
        move |v: &mut Value| {
            v["customers"]["machine_share"] = json!(0.5);
            v["tasks"][0]["amd"] = json!({"detection_s": 1, "on_detect": on_detect});
        }
    };
    let (message, _) = run("scenarios/ivr-automatic.json", edit("message"));
    let (hang_up, _) = run("scenarios/ivr-automatic.json", edit("hang_up"));
    let n = |r: &Value, k: &str| r["tasks"][0][k].as_u64().unwrap_or(0);
    for r in [&message, &hang_up] {
        assert!(n(r, "machine_answered") > 0);
        assert_eq!(
            n(r, "ivr_completed") + n(r, "amd_hung_up") + n(r, "answered_open_at_end"),
            n(r, "answered"),
        );
    }
    // With `message` every detected machine (and person taken for one) hears the IVR.
    assert_eq!(n(&message, "amd_hung_up"), 0);
    // With `hang_up` they are hung up on: about 90 % of the machines.
    let (machines, hung_up) = (n(&hang_up, "machine_answered"), n(&hang_up, "amd_hung_up"));
    assert!(
        hung_up > machines * 8 / 10 && hung_up < machines,
        "{hung_up} of {machines}"
    );
}

/// Two agents who answer their leg 1 s after it rings and then talk for an hour, a ratio
/// pacer placing three lines per idle agent at the start, customers who all answer exactly
/// `answer_s` after the dial and wait for an hour (in IVR 42 after their 2 s), and a run of
/// `duration_s`: six calls answered together, two of them bridged 1 s later, and none ended
/// when the run does. One replication's report.
fn six_open_calls(duration_s: u64, answer_s: u64, abandon: Value) -> Value {
    let sc = super::support::from_json(
        &json!({
            "name": "open-at-end",
            "seed": 3,
            "start": "2026-01-05T08:00:00",
            "duration_s": duration_s,
            "enterprise": {
                "id": 36,
                "agents": {"count": 2, "first_cno": 6000},
                "agent_behaviour": {"talk_s": 3600, "wrapup_s": 0, "answer_delay_s": 1},
                "ivrs": [{"id": 42, "name": "hold", "duration_s": 3600}]
            },
            "customers": {"answer_probability": 1.0, "time_to_answer_s": answer_s,
                          "patience_s": 3600},
            "tasks": [{
                "request": {"EnterpriseId": 36, "Name": "open", "Type": 1, "CallGroupType": 1,
                            "Cnos": "6000,6001", "MinAvailableAgentCount": 1, "IvrId": 42},
                "numbers": {"count": 100},
                "pacer": {"ratio": {"per_idle_agent": 3}},
                "abandon": abandon
            }]
        }),
        "open-at-end",
    );
    dialsim::simulate(&sc, sc.file.seed, 1, None)
}

#[test]
fn a_call_still_open_at_the_end_is_abandoned_only_once_its_threshold_has_passed() {
    // Answered at 5 s, the run ends at 60 s: the four customers never bridged (in the IVR)
    // are abandoned under a threshold from the answer of 54 s (60 > 5 + 54), and not under
    // 55 s (connected at exactly the threshold is in time, and so is not being connected by
    // then) or 56 s. The two bridged at 6 s are in time under all three; all six are counted.
    for (threshold, abandoned) in [(54, 4), (55, 0), (56, 0)] {
        let r = six_open_calls(60, 5, json!({"threshold_s": threshold, "clock": "answer"}));
        let t = &r["tasks"][0];
        assert_eq!(
            (t["answered"].as_u64(), t["answered_open_at_end"].as_u64()),
            (Some(6), Some(4)),
            "{t}"
        );
        let (a, counted, _) = defined(&r);
        assert_eq!((a, counted), (abandoned, 6), "threshold {threshold} s: {t}");
    }
}

#[test]
fn a_call_still_waiting_at_the_end_within_its_two_seconds_is_in_a_queued_denominator() {
    // Answered (and queued) at 9 s, the run ends at 10 s, before the agents' legs answer and
    // before the 2-second decision: all six calls reached the queue, so a queued denominator
    // counts six, none abandoned (10 < 9 + 2).
    let r = six_open_calls(10, 9, json!({"denominator": "queued"}));
    let t = &r["tasks"][0];
    assert_eq!(t["answered_open_at_end"].as_u64(), Some(6), "{t}");
    let (a, counted, _) = defined(&r);
    assert_eq!((a, counted), (0, 6), "{t}");
}
