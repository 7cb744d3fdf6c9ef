//! `dialsim fit`: records of known simulated worlds, fitted, give intervals that cover the
//! true values at their nominal rate across seeds, and the true family is chosen; censoring
//! and the whole-second cut are handled; bad rows are named; the command's files load.

use crate::support::{dialsim, temp};
use dialsim::fit::family::{Family, Fitted};
use dialsim::fit::{Accumulator, Estimates, records};
use serde_json::{Value, json};

/// The quickstart enterprise with a world of our own: 20 agents for 4 hours, an open-loop
/// Poisson dialler that overloads them (so customers wait and some hang up), an IVR that keeps
/// waiting customers in line (so no one is cut at 2 s), `customers` as given.
fn world(customers: Value, timeout_s: u32, seed: u64) -> dialsim::scenario::Scenario {
    let mut sc: Value = serde_json::from_str(
        &std::fs::read_to_string("scenarios/quickstart.json").expect("quickstart"),
    )
    .expect("JSON");
    sc["seed"] = json!(seed);
    sc["enterprise"]["login_ramp_s"] = json!(0);
    sc["enterprise"]["ivrs"][0]["duration_s"] = json!(36_000);
    sc["customers"] = customers;
    let t = &mut sc["tasks"][0];
    t["request"]["IvrId"] = json!(42);
    t["request"]["CustomerTimeout"] = json!(timeout_s);
    t["pacer"] = json!({"poisson": {"calls_per_s": 0.4}});
    sc.as_object_mut().expect("object").remove("expect");
    let text = sc.to_string();
    dialsim::scenario::parse(&text, "world")
        .and_then(|f| f.check(&text, std::path::Path::new("scenarios/quickstart.json")))
        .expect("the world loads")
}

/// Run `sc`, read its call records back through the platform shape, fit.
fn fitted(sc: &dialsim::scenario::Scenario) -> (Estimates, Accumulator) {
    let (_, calls) = dialsim::simulate_with_calls(sc, sc.file.seed, 1, None, true);
    let epoch = dialsim::cdr::epoch_of(sc.start, dialsim::cdr::PLATFORM_TZ).expect("zone");
    let mut acc = Accumulator::new(dialsim::cdr::PLATFORM_TZ).expect("zone");
    for c in &calls {
        let row = records::row_of(&dialsim::cdr::record(c, epoch)).expect("a valid record");
        acc.add(&row);
    }
    (acc.estimate(), acc)
}

/// The fit of `family` to the named duration.
fn fit_of<'a>(e: &'a Estimates, what: &str, family: Family) -> &'a Fitted {
    let d = &e
        .durations
        .iter()
        .find(|(n, _)| *n == what)
        .expect("a duration")
        .1;
    d.fits
        .iter()
        .find(|f| f.family == family)
        .unwrap_or_else(|| panic!("{what}: no {family:?} fit"))
}

fn chosen(e: &Estimates, what: &str) -> Option<Family> {
    e.durations
        .iter()
        .find(|(n, _)| *n == what)
        .and_then(|(_, d)| d.best())
        .map(|f| f.family)
}

fn covers(ci: Option<(f64, f64)>, truth: f64) -> bool {
    ci.is_some_and(|(lo, hi)| lo <= truth && truth <= hi)
}

/// The most misses of a 95 % interval in `n` independent seeds that are not evidence of
/// under-coverage: the smallest k with P(Binomial(n, 0.05) > k) < 0.001.
fn allowed_misses(n: u64) -> u64 {
    let p: f64 = 0.05;
    let mut cdf = 0.0;
    for k in 0..=n {
        let ln_choose: f64 = (1..=k).map(|i| ((n - k + i) as f64 / i as f64).ln()).sum();
        cdf += (ln_choose + k as f64 * p.ln() + (n - k) as f64 * (1.0 - p).ln()).exp();
        if 1.0 - cdf < 0.001 {
            return k;
        }
    }
    n
}

const SEEDS: u64 = 40;

/// Four known worlds in two runs a seed. World A: lognormal talk (mean 180, sd 90),
/// exponential patience (mean 30), answer probability varying by hour (0.25, 0.35, 0.45,
/// 0.30 from 09:00). World B: lognormal patience (mean 20, sd 15) and a CustomerTimeout of
/// 10 s against a lognormal time to answer of mean 12 (sd 6), so that most ring times are
/// censored, with answer probability 0.5.
#[test]
fn intervals_cover_the_true_worlds_at_their_nominal_rate() {
    let hours = [0.25, 0.35, 0.45, 0.30];
    let a = json!({
        "answer_probability": 0.35,
        "answer_probability_by_hour": (0..24).map(|h| if (9..13).contains(&h) { hours[h - 9] } else { 0.35 }).collect::<Vec<f64>>(),
        "busy_probability": 0.05,
        "time_to_answer_s": {"lognormal": {"mean": 9, "sd": 4}},
        "patience_s": {"exponential": {"mean": 30}},
        "talk_s": null
    });
    let b = json!({
        "answer_probability": 0.5,
        "time_to_answer_s": {"lognormal": {"mean": 12, "sd": 6}},
        "patience_s": {"lognormal": {"mean": 20, "sd": 15}},
        "talk_s": null
    });
    // F(30 s) of the lognormal of mean 9 and sd 4: the share of would-be answerers who
    // answer before the timeout.
    let s2 = (1.0f64 + 16.0 / 81.0).ln();
    let f30 = 1.0 - Family::Lognormal.sf(&[9f64.ln() - s2 / 2.0, 0.5 * s2.ln()], 30.0);
    let mut misses: Vec<(&str, u64)> = vec![
        ("talk mean", 0),
        ("exponential patience mean", 0),
        ("answered share by hour", 0),
        ("answer probability (10 s timeout)", 0),
        ("time to answer mean (10 s timeout)", 0),
        ("lognormal patience mean", 0),
    ];
    // Per seed: the six misses, the hourly checks made, the four right families.
    use rayon::prelude::*;
    let per_seed: Vec<([u64; 6], u64, [u64; 4])> = (1..=SEEDS)
        .into_par_iter()
        .map(|seed| {
            let mut m = [0u64; 6];
            let mut fam = [0u64; 4];
            let mut checks = 0;
            let (ea, _) = fitted(&world(a.clone(), 30, seed));
            let mean_of = |p: &[f64]| Family::Lognormal.mean_sd(&p[..2]).0;
            let talk = fit_of(&ea, "talk", Family::Lognormal);
            m[0] = u64::from(!covers(talk.interval(mean_of), 180.0));
            let pat = fit_of(&ea, "patience", Family::Exponential);
            m[1] = u64::from(!covers(pat.interval(|p| p[0].exp()), 30.0));
            // The last hour is left out: calls in progress when the run ends have no record
            // (as on the platform), and those are more often answered ones.
            for h in ea.by_hour.iter().filter(|h| (9..12).contains(&h.0)) {
                checks += 1;
                let truth = hours[h.0 - 9] * f30;
                m[2] += u64::from(!covers(dialsim::fit::wilson(h.1, h.2), truth));
            }
            fam[0] = u64::from(chosen(&ea, "talk") == Some(Family::Lognormal));
            fam[1] = u64::from(chosen(&ea, "patience") == Some(Family::Exponential));

            let (eb, _) = fitted(&world(b.clone(), 10, seed));
            let tta = fit_of(&eb, "time to answer", Family::Lognormal);
            m[3] = u64::from(!covers(tta.cure_share().map(|c| c.1), 0.5));
            m[4] = u64::from(!covers(tta.interval(mean_of), 12.0));
            let pat = fit_of(&eb, "patience", Family::Lognormal);
            m[5] = u64::from(!covers(pat.interval(mean_of), 20.0));
            fam[2] = u64::from(chosen(&eb, "time to answer") == Some(Family::Lognormal));
            fam[3] = u64::from(chosen(&eb, "patience") == Some(Family::Lognormal));
            (m, checks, fam)
        })
        .collect();
    let mut right_family = [0u64; 4];
    let mut hour_checks = 0;
    for (m, checks, fam) in &per_seed {
        for i in 0..6 {
            misses[i].1 += m[i];
        }
        for i in 0..4 {
            right_family[i] += fam[i];
        }
        hour_checks += checks;
    }
    eprintln!("misses over {SEEDS} seeds: {misses:?}; true family chosen: {right_family:?}");
    for (name, m) in &misses {
        let n = if *name == "answered share by hour" {
            hour_checks
        } else {
            SEEDS
        };
        assert!(
            *m <= allowed_misses(n),
            "{name}: the 95 % interval missed the truth in {m} of {n} seeds (at most {} expected)",
            allowed_misses(n)
        );
    }
    for (i, n) in right_family.iter().enumerate() {
        assert!(
            *n * 2 > SEEDS,
            "world {i}: the true family chosen in only {n} of {SEEDS} seeds"
        );
    }
}

/// Patience is heavily censored when most customers are bridged: the mean of the abandoners'
/// waits (the classic error) is far below the truth, the censored fit is not.
#[test]
fn ignoring_censoring_underestimates_patience_badly() {
    let customers = json!({
        "answer_probability": 0.35,
        "time_to_answer_s": {"lognormal": {"mean": 9, "sd": 4}},
        "patience_s": {"exponential": {"mean": 30}},
        "talk_s": null
    });
    let (e, _) = fitted(&world(customers, 30, 5));
    let p = &e.json["patience"];
    let censored = p["censored"].as_u64().expect("censored");
    let events = p["events"].as_u64().expect("events");
    assert!(
        censored > 2 * events,
        "mostly censored: {censored} vs {events}"
    );
    let naive = p["naive_mean_of_abandons_s"].as_f64().expect("naive");
    assert!(
        naive < 15.0,
        "the abandoners' mean wait {naive} s is under half the truth"
    );
    let fit = fit_of(&e, "patience", Family::Exponential);
    assert!(covers(fit.interval(|p| p[0].exp()), 30.0));
    // The closed form, abandons ÷ waiting time, agrees with the likelihood's estimate (which
    // treats each cut second as an interval) to within a few percent.
    let closed = p["exponential_closed_form"]["mean_s"]
        .as_f64()
        .expect("closed form");
    assert!(
        (closed / fit.theta[0].exp() - 1.0).abs() < 0.03,
        "{closed} vs {}",
        fit.theta[0].exp()
    );
}

/// The three shapes the platform's records come in give the same fit; a file read twice
/// counts each record once; the fitted scenario runs; the back-test agrees with the records.
#[test]
fn the_command_reads_every_shape_and_its_scenario_runs() {
    let dir = temp("shapes");
    let csv = dir.join("calls.csv");
    let arr = dir.join("calls.json");
    dialsim()
        .args(["run", "scenarios/quickstart.json", "--cdr"])
        .arg(&csv)
        .assert()
        .code(0);
    dialsim()
        .args(["run", "scenarios/quickstart.json", "--cdr"])
        .arg(&arr)
        .assert()
        .code(0);
    let list: Value =
        serde_json::from_str(&std::fs::read_to_string(&arr).expect("json")).expect("array");
    let n = list.as_array().expect("array").len() as u64;
    // A whole API response, as the SDK receives it.
    let response = dir.join("response.json");
    let body = json!({"RequestId": "r", "Code": "OK", "Message": "OK",
                      "Data": {"List": list, "Total": n.to_string()}});
    std::fs::write(
        &response,
        serde_json::to_string_pretty(&body).expect("json"),
    )
    .expect("write");
    let lines = dir.join("calls.jsonl");
    let text: String = list
        .as_array()
        .expect("array")
        .iter()
        .map(|r| r.to_string() + "\n")
        .collect();
    std::fs::write(&lines, text).expect("write");
    let fit_json = |files: &[&std::path::Path]| -> Value {
        let out = dialsim()
            .arg("fit")
            .args(files)
            .arg("--json")
            .assert()
            .code(0)
            .get_output()
            .stdout
            .clone();
        serde_json::from_slice(&out).expect("fit JSON")
    };
    let a = fit_json(&[&csv]);
    assert_eq!(a["records"]["used"].as_u64(), Some(n));
    for other in [&response, &lines, &arr] {
        let b = fit_json(&[other.as_path()]);
        assert_eq!(
            a["time_to_answer"],
            b["time_to_answer"],
            "{}",
            other.display()
        );
        assert_eq!(a["talk"], b["talk"], "{}", other.display());
    }
    // Hours are read in --tz: the same instants are eight hours earlier in UTC.
    let utc: Value = serde_json::from_slice(
        &dialsim()
            .arg("fit")
            .arg(&csv)
            .args(["--tz", "UTC", "--json"])
            .assert()
            .code(0)
            .get_output()
            .stdout,
    )
    .expect("JSON");
    let hours = |v: &Value| -> Vec<u64> {
        v["answer"]["by_hour"]
            .as_array()
            .expect("by hour")
            .iter()
            .filter_map(|h| h["hour"].as_u64())
            .collect()
    };
    assert_eq!(hours(&a), vec![9, 10, 11, 12]);
    assert_eq!(hours(&utc), vec![1, 2, 3, 4]);
    let bad_tz = dialsim()
        .arg("fit")
        .arg(&csv)
        .args(["--tz", "Mars/Olympus"])
        .assert()
        .code(2)
        .get_output()
        .clone();
    assert!(String::from_utf8_lossy(&bad_tz.stderr).contains("Mars/Olympus"));
    let twice = fit_json(&[&csv, &lines]);
    assert_eq!(twice["records"]["duplicates"].as_u64(), Some(n));
    assert_eq!(twice["talk"], a["talk"]);

    let out = dir.join("fit");
    dialsim()
        .arg("fit")
        .arg(&csv)
        .args([
            "--base",
            "scenarios/quickstart.json",
            "--backtest",
            "--reps",
            "5",
            "--out",
        ])
        .arg(&out)
        .assert()
        .code(0);
    for f in ["scenario.json", "fit.json", "index.html"] {
        assert!(out.join(f).exists(), "{f}");
    }
    // The page: a chart for each fitted duration and the hours, each with its series as a
    // data island that parses, and nothing fetched from elsewhere.
    let page = std::fs::read_to_string(out.join("index.html")).expect("page");
    for id in ["time-to-answer", "talk-qq", "answer-by-hour"] {
        assert!(page.contains(&format!("id=\"chart-{id}\"")), "chart {id}");
    }
    let islands: Vec<Value> = page
        .split("<script type=\"application/json\" class=\"series\">")
        .skip(1)
        .map(|s| {
            serde_json::from_str(s.split("</script>").next().expect("closed")).expect("series JSON")
        })
        .collect();
    assert_eq!(islands.len(), 3);
    let hours = &islands[2];
    assert_eq!(hours["hour"], json!([9.0, 10.0, 11.0, 12.0]));
    assert!(!page.contains("src=") && !page.contains("<link"));
    assert!(page.contains("back-test") && !page.contains(">disagrees<"));
    let fit: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("fit.json")).expect("fit"))
            .expect("JSON");
    let figures = fit["backtest"]["figures"].as_array().expect("figures");
    assert_eq!(figures.len(), 6);
    for f in figures {
        assert_eq!(
            f["disagrees"], false,
            "the back-test of a fitted simulated run: {f}"
        );
    }
    dialsim()
        .args(["run", "--json"])
        .arg(out.join("scenario.json"))
        .assert()
        .code(0);
}

/// A malformed row is named by file and line with its field and value, counted and skipped;
/// `--strict` makes it an error.
#[test]
fn bad_rows_are_named_counted_and_strict_refuses_them() {
    let dir = temp("bad");
    let csv = dir.join("calls.csv");
    dialsim()
        .args(["run", "scenarios/quickstart.json", "--cdr"])
        .arg(&csv)
        .assert()
        .code(0);
    let mut text = std::fs::read_to_string(&csv).expect("csv");
    let good = text.lines().count();
    text += "1,t,x.1,1,,,客户未接听,40,1002,480,17675x,0,0,0,1767575071,,,1,\n";
    text += "1,t,x.2,1,,,客户未接听,47,1002,480,1767575070,0,0,0,1767575071,,,1,\n";
    std::fs::write(&csv, text).expect("write");
    let out = dialsim()
        .arg("fit")
        .arg(&csv)
        .arg("--json")
        .assert()
        .code(0)
        .get_output()
        .clone();
    let fit: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(fit["records"]["rejected"].as_u64(), Some(2));
    assert_eq!(fit["records"]["used"].as_u64(), Some(good as u64 - 1));
    let shown = fit["records"]["first_rejected"].to_string();
    assert!(
        shown.contains(&format!(
            "calls.csv:line {}: StartTime = \\\"17675x\\\"",
            good + 1
        )),
        "{shown}"
    );
    assert!(shown.contains("StatusCode = \\\"47\\\""), "{shown}");
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(err.contains("2 rejected"), "{err}");
    let strict = dialsim()
        .arg("fit")
        .arg(&csv)
        .arg("--strict")
        .assert()
        .code(2)
        .get_output()
        .clone();
    let err = String::from_utf8_lossy(&strict.stderr).to_string();
    assert!(
        err.contains("StartTime") && err.contains("17675x") && err.contains("--strict"),
        "{err}"
    );
    // Not records at all: an error naming the file, never a panic.
    let junk = dir.join("junk.json");
    std::fs::write(&junk, "{\"Data\": {\"List\": [1, ").expect("write");
    let out = dialsim()
        .arg("fit")
        .arg(&junk)
        .assert()
        .code(2)
        .get_output()
        .clone();
    assert!(String::from_utf8_lossy(&out.stderr).contains("junk.json"));
    dialsim()
        .args(["fit", "/nonexistent/calls.csv"])
        .assert()
        .code(2);
}
