//! The engine and the platform pacer: each behaviour compared on the same customers (same
//! seed, common random numbers), plus determinism, Type 2, pauses and conservation.

use super::support::load;
use dialsim::scenario::Scenario;
use serde_json::Value;

fn run(sc: &Scenario) -> Value {
    dialsim::simulate(sc, sc.file.seed, 1, None)
}

fn f(r: &Value, path: &str) -> f64 {
    dialsim::report::lookup(r, path)
        .and_then(Value::as_f64)
        .unwrap_or_else(|| panic!("{path} missing"))
}

fn quick(edit: impl Fn(&mut Value)) -> Value {
    run(&load("scenarios/quickstart.json", edit))
}

fn set(v: &mut Value, key: &str, value: Value) {
    v["tasks"][0]["request"][key] = value;
}

#[test]
fn same_seed_gives_identical_json() {
    let sc = load("scenarios/quickstart.json", |_| {});
    let a = serde_json::to_string(&run(&sc)).expect("json");
    let b = serde_json::to_string(&run(&sc)).expect("json");
    assert_eq!(a, b);
}

#[test]
fn raising_quotiety_raises_abandon_and_utilisation() {
    let low = quick(|v| set(v, "Quotiety", 1.into()));
    let high = quick(|v| set(v, "Quotiety", 8.into()));
    assert!(f(&high, "overall.abandon_rate") > f(&low, "overall.abandon_rate"));
    assert!(f(&high, "overall.utilisation") > f(&low, "overall.utilisation"));
}

#[test]
fn raising_predict_adjust_dials_more() {
    let low = quick(|v| set(v, "PredictAdjust", 50.into()));
    let high = quick(|v| set(v, "PredictAdjust", 200.into()));
    assert!(f(&high, "overall.placed") > f(&low, "overall.placed") * 1.05);
}

#[test]
fn lower_max_wait_time_dials_more_when_agents_idle() {
    // A tiny Quotiety keeps the controller low, so agents idle for long stretches.
    let idle = |mwt: u32| {
        quick(move |v| {
            set(v, "Quotiety", "0.1".into());
            set(v, "MaxWaitTime", mwt.into());
        })
    };
    let (short, long) = (idle(10), idle(600));
    assert!(
        f(&long, "overall.agent_idle_s.p90") > 10.0,
        "agents must idle for the test to mean anything"
    );
    assert!(f(&short, "overall.placed") > f(&long, "overall.placed"));
}

#[test]
fn concurrency_is_never_exceeded() {
    // Debug builds also assert it at every event.
    let r = quick(|v| set(v, "Concurrency", 6.into()));
    assert_eq!(f(&r, "tasks.0.max_in_progress"), 6.0);
}

fn with_break(rewarm: u8, answer_rate: u32) -> Value {
    quick(move |v| {
        set(v, "MinAvailableAgentCount", 10.into());
        set(v, "IsRewarm", rewarm.into());
        set(v, "AnswerRate", answer_rate.into());
        set(v, "WarmUpDuration", 300.into());
        v["bucket_s"] = 60.into();
        // The whole team from the first instant: the pause this tests is the break's, not
        // that of a team still logging in.
        v["enterprise"]["login_ramp_s"] = Value::Null;
        v["enterprise"]["breaks"] = serde_json::json!([{"cnos": (1000..1011).map(|c| c.to_string()).collect::<Vec<_>>(), "start_s": 3600, "duration_s": 1800}]);
    })
}

#[test]
fn team_below_min_available_pauses_and_resumes() {
    let r = with_break(1, 35);
    let pauses = r["tasks"][0]["pauses"].as_array().expect("pauses");
    assert_eq!(pauses.len(), 1, "{pauses:?}");
    assert_eq!(pauses[0]["at_s"], 3600.0);
    assert_eq!(pauses[0]["resumed_at_s"], 5400.0);
    let statuses: Vec<i64> = r["tasks"][0]["status_changes"]
        .as_array()
        .expect("changes")
        .iter()
        .filter_map(|c| c["status"].as_i64())
        .collect();
    assert_eq!(statuses, vec![0, 1, 2, 1]);
    // No call is placed while paused (buckets are one minute).
    let placed_while_paused: f64 = (61..90)
        .map(|m| f(&r, &format!("timeseries.{m}.placed")))
        .sum();
    assert_eq!(placed_while_paused, 0.0);
}

#[test]
fn resume_warms_up_again_with_is_rewarm() {
    // AnswerRate 100 is far above the real rate (about 0.3), so a warm-up dials less.
    let minutes = |r: &Value, from: usize, to: usize| {
        (from..to)
            .map(|m| f(r, &format!("timeseries.{m}.placed")))
            .sum::<f64>()
    };
    let rewarm = with_break(1, 100);
    let no_rewarm = with_break(0, 100);
    // Before the pause both runs are identical.
    assert_eq!(minutes(&rewarm, 0, 60), minutes(&no_rewarm, 0, 60));
    // In the five minutes after the resume, the re-warmed task trusts AnswerRate and dials less.
    assert!(
        minutes(&rewarm, 90, 95) < minutes(&no_rewarm, 90, 95),
        "{} vs {}",
        minutes(&rewarm, 90, 95),
        minutes(&no_rewarm, 90, 95)
    );
}

#[test]
fn warm_up_follows_answer_rate_in_the_first_minutes() {
    let run_with = |ar: u32| {
        quick(move |v| {
            set(v, "AnswerRate", ar.into());
            set(v, "WarmUpDuration", 300.into());
            v["bucket_s"] = 300.into();
        })
    };
    let (low, high) = (run_with(10), run_with(90));
    // Assuming 10 % answer, the pacer dials far more during warm-up than assuming 90 %.
    assert!(f(&low, "timeseries.0.placed") > 2.0 * f(&high, "timeseries.0.placed"));
    // Once measured statistics take over, the two runs dial at similar rates.
    let later = |r: &Value| {
        (24..48)
            .map(|b| f(r, &format!("timeseries.{b}.placed")))
            .sum::<f64>()
    };
    let ratio = later(&low) / later(&high);
    assert!((0.8..1.25).contains(&ratio), "ratio {ratio}");
}

#[test]
fn quotiety_three_stays_under_the_cap_over_a_full_day() {
    for (path, min_util) in [
        ("scenarios/quickstart.json", 0.74),
        ("scenarios/mid-team-50.json", 0.75),
    ] {
        let r = run(&load(path, |v| v["duration_s"] = 28_800.into()));
        let (a, u) = (f(&r, "overall.abandon_rate"), f(&r, "overall.utilisation"));
        assert!(a <= 0.03, "{path}: abandon {a}");
        assert!(u >= min_util, "{path}: utilisation {u}");
    }
}

#[test]
fn automatic_task_keeps_its_lines_busy() {
    let r = run(&load("scenarios/ivr-automatic.json", |_| {}));
    assert!(f(&r, "tasks.0.line_utilisation") > 0.95);
    assert!(f(&r, "tasks.0.max_in_progress") <= 30.0);
    assert!(f(&r, "tasks.0.ivr_completed") > 0.0);
    assert_eq!(f(&r, "tasks.0.connected"), 0.0);
}

#[test]
fn every_call_ends_once_and_agent_times_add_up() {
    for path in [
        "scenarios/quickstart.json",
        "scenarios/mid-team-50.json",
        "scenarios/ivr-automatic.json",
    ] {
        let r = run(&load(path, |v| v["duration_s"] = 7200.into()));
        let o = &r["overall"];
        let g = |k: &str| o[k].as_f64().unwrap_or(f64::NAN);
        assert_eq!(
            g("placed"),
            g("no_answer") + g("busy") + g("failed") + g("answered") + g("ringing_at_end"),
            "{path}"
        );
        assert_eq!(
            g("answered"),
            g("connected")
                + g("hung_up")
                + g("dropped")
                + g("ivr_completed")
                + g("answered_open_at_end"),
            "{path}"
        );
        for a in r["agents"].as_array().into_iter().flatten() {
            let sum: f64 = ["talk_s", "wrapup_s", "ringing_s", "idle_s", "break_s"]
                .iter()
                .map(|k| a[k].as_f64().unwrap_or(0.0))
                .sum();
            assert!(
                (sum - 7200.0).abs() < 1e-6,
                "{path}: agent {} sums to {sum}",
                a["cno"]
            );
        }
    }
}

#[test]
fn replications_add_intervals() {
    let sc = load("scenarios/quickstart.json", |v| {
        v["duration_s"] = 3600.into()
    });
    let r = dialsim::simulate(&sc, 7, 3, None);
    assert_eq!(r["reps"], 3);
    let ci = r["overall"]["abandon_rate_ci95"]
        .as_array()
        .expect("interval");
    let (lo, hi, m) = (
        ci[0].as_f64().unwrap_or(1.0),
        ci[1].as_f64().unwrap_or(0.0),
        f(&r, "overall.abandon_rate"),
    );
    // By hand from the three replications: the mean, and the Student-t interval
    // m ± t(0.975; 2 df) · s / √3 with t = 4.302653 (the published table value).
    let xs: Vec<f64> = (0..3)
        .map(|k| {
            f(
                &dialsim::run_replication(&sc, 7, k, None),
                "overall.abandon_rate",
            )
        })
        .collect();
    let mean = xs.iter().sum::<f64>() / 3.0;
    let s = (xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / 2.0).sqrt();
    let half = 4.302_653 * s / 3f64.sqrt();
    assert!(s > 0.0, "the replications differ: {xs:?}");
    // The report rounds to 6 decimals, and its t table has 3 (4.303): a tolerance of the
    // rounding plus 1e-4 of the half-width.
    let tol = 1e-6 + 1e-4 * half;
    assert!((m - mean).abs() <= 1e-6, "{m} vs {mean} from {xs:?}");
    assert!((lo - (mean - half)).abs() <= tol, "{lo} vs {}", mean - half);
    assert!((hi - (mean + half)).abs() <= tol, "{hi} vs {}", mean + half);
}
