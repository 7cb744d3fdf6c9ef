//! `dialsim fit RECORDS... [--base SCENARIO] [--out DIR] [--json] [--tz TZ] [--strict]
//! [--backtest] [--reps N]`: the world fitted from call records.

use super::output::write_atomic;
use super::{EXIT_OK, invalid};
use dialsim::fit::{Accumulator, backtest, records};
use serde_json::{Value, json};
use std::path::PathBuf;
use std::process::ExitCode;

/// The options of `dialsim fit`.
pub struct Options {
    pub records: Vec<PathBuf>,
    pub base: Option<PathBuf>,
    pub out: Option<PathBuf>,
    pub json: bool,
    pub tz: String,
    pub strict: bool,
    pub backtest: bool,
    pub reps: u32,
}

/// The scenario a fit starts from when no `--base` is given.
const DEFAULT_BASE: &str = include_str!("../../scenarios/quickstart.json");

/// The fitted scenario: the base with its customers and the agents' talk time replaced.
fn fitted_scenario(base: &Value, est: &dialsim::fit::Estimates, from: &str) -> Value {
    let mut sc = base.clone();
    let mut customers = base["customers"].as_object().cloned().unwrap_or_default();
    for (k, v) in &est.customers {
        customers.insert(k.clone(), v.clone());
    }
    // The fit is of the platform's ringing: answers after CustomerTimeout are lost.
    customers.remove("answers_after_timeout");
    if !est.customers.contains_key("answer_probability_by_hour") {
        customers.remove("answer_probability_by_hour");
    }
    sc["customers"] = Value::Object(customers);
    if let Some(t) = &est.talk {
        sc["enterprise"]["agent_behaviour"]["talk_s"] = t.clone();
    }
    let name = base["name"].as_str().unwrap_or("scenario");
    sc["name"] = json!(format!("{name}-fitted"));
    sc["comment"] = json!(format!(
        "{name} with its customers and talk time fitted by dialsim fit from {from}"
    ));
    // The base's bounds were set for its own world.
    if let Some(m) = sc.as_object_mut() {
        m.remove("expect");
    }
    sc
}

/// Read, fit, print, write.
pub fn run(o: Options) -> anyhow::Result<ExitCode> {
    if !(1..=dialsim::limits::MAX_REPS).contains(&o.reps) {
        return invalid(format!(
            "--reps {}: from 1 to {}",
            o.reps,
            dialsim::limits::MAX_REPS
        ));
    }
    let mut acc = match Accumulator::new(&o.tz) {
        Ok(a) => a,
        Err(e) => return invalid(e),
    };
    let (base_text, base_path) = match &o.base {
        Some(p) => match dialsim::limits::read_capped(p, dialsim::limits::MAX_INPUT_BYTES) {
            Ok(t) => (t, p.clone()),
            Err(e) => return invalid(format!("--base {}: cannot read: {e}", p.display())),
        },
        None => (
            DEFAULT_BASE.to_string(),
            PathBuf::from("scenarios/quickstart.json"),
        ),
    };
    // The base must itself be a valid scenario.
    if let Err(e) = dialsim::scenario::parse(&base_text, &base_path.display().to_string())
        .and_then(|f| f.check(&base_text, &base_path))
    {
        return invalid(format!("--base: {e}"));
    }
    let base: Value = serde_json::from_str(&base_text)?;
    let mut first_reject: Option<String> = None;
    for file in &o.records {
        let mut sink = |r: Result<records::Row, records::Rejected>| match r {
            Ok(row) => acc.add(&row),
            Err(rej) => {
                if first_reject.is_none() {
                    first_reject = Some(rej.to_string());
                }
                acc.reject(&rej);
            }
        };
        if let Err(e) = records::read(file, &mut sink) {
            return invalid(e);
        }
        if o.strict
            && let Some(r) = &first_reject
        {
            return invalid(format!("{r} (--strict: any malformed row is an error)"));
        }
    }
    let rejected: u64 = acc.rejected.values().sum();
    eprintln!(
        "records: {} read, {} used, {} duplicate{}, {} rejected",
        acc.read,
        acc.used,
        acc.duplicates,
        if acc.duplicates == 1 { "" } else { "s" },
        rejected
    );
    for (rule, n) in &acc.rejected {
        eprintln!("  rejected {n}: {rule}");
    }
    for r in acc.shown_rejects().iter().take(5) {
        eprintln!("  e.g. {r}");
    }
    if acc.used == 0 {
        return invalid("no usable call records: nothing to fit");
    }
    let est = acc.estimate();
    let from = o
        .records
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ");
    let scenario = fitted_scenario(&base, &est, &from);
    let scenario_text = serde_json::to_string_pretty(&scenario)? + "\n";
    // The fitted scenario must load as it is: a failure here is dialsim's bug, said plainly.
    let checked = dialsim::scenario::parse(&scenario_text, "fitted scenario")
        .and_then(|f| f.check(&scenario_text, &base_path));
    let sc = match checked {
        Ok(sc) => sc,
        Err(e) => anyhow::bail!("the fitted scenario does not load (a dialsim bug): {e}"),
    };
    let mut fit = est.json.clone();
    fit["scenario"] = json!({
        "base": o.base.as_ref().map_or("bundled scenarios/quickstart.json".to_string(), |p| p.display().to_string()),
        "customers": est.customers,
    });
    if o.backtest {
        // The records' agents by hour: those beyond each hour's count are on break for it.
        let agents: Vec<String> = sc.enterprise.agents.iter().map(|a| a.cno.clone()).collect();
        let t = sc.start.time();
        let start_of_day = f64::from(t.hour()) * 3600.0 + f64::from(t.minute()) * 60.0;
        let (breaks, short) = backtest::breaks_for(
            &agents,
            start_of_day,
            sc.file.duration_s,
            &acc.agents_by_hour(),
        );
        let mut bt = scenario.clone();
        let mut all = bt["enterprise"]["breaks"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let added = breaks.len();
        all.extend(breaks);
        bt["enterprise"]["breaks"] = Value::Array(all);
        let bt_text = bt.to_string();
        let bt_sc = match dialsim::scenario::parse(&bt_text, "back-test scenario")
            .and_then(|f| f.check(&bt_text, &base_path))
        {
            Ok(s) => s,
            Err(e) => anyhow::bail!("the back-test scenario does not load (a dialsim bug): {e}"),
        };
        let lines = backtest::run(&bt_sc, o.reps, &acc.observed);
        fit["backtest"] = backtest::to_json(&lines, o.reps);
        fit["backtest"]["agents_by_hour"] = json!(acc.agents_by_hour());
        fit["backtest"]["hour_breaks_added"] = json!(added);
        fit["backtest"]["agents_short"] = json!(short);
    }
    if let Some(dir) = &o.out {
        std::fs::create_dir_all(dir)
            .map_err(|e| anyhow::anyhow!("--out {}: {e}", dir.display()))?;
        let page = dialsim::page::fit_page(&fit, &est).map_err(|e| anyhow::anyhow!(e))?;
        write_atomic(&dir.join("scenario.json"), scenario_text.as_bytes())?;
        write_atomic(
            &dir.join("fit.json"),
            (serde_json::to_string_pretty(&fit)? + "\n").as_bytes(),
        )?;
        write_atomic(&dir.join("index.html"), page.as_bytes())?;
    }
    if o.json {
        outln!("{}", serde_json::to_string_pretty(&fit)?);
    } else {
        out!("{}", table(&fit));
        if let Some(dir) = &o.out {
            outln!(
                "wrote {}, {} and {}",
                dir.join("scenario.json").display(),
                dir.join("fit.json").display(),
                dir.join("index.html").display()
            );
        }
    }
    Ok(ExitCode::from(EXIT_OK))
}

fn ci(v: &Value) -> String {
    match v.as_array() {
        Some(a) if a.len() == 2 => format!(
            "[{}, {}]",
            a[0].as_f64().map_or("-".into(), |x| format!("{x:.4}")),
            a[1].as_f64().map_or("-".into(), |x| format!("{x:.4}"))
        ),
        _ => "-".into(),
    }
}

/// The terminal summary.
fn table(fit: &Value) -> String {
    let mut s = String::new();
    let a = &fit["answer"];
    s += &format!(
        "answered share of ringing calls  {:.4} {}  (n {})\n",
        a["answered_share"]["share"].as_f64().unwrap_or(0.0),
        ci(&a["answered_share"]["ci95"]),
        a["ringing"]
    );
    if let Some(p) = a["answer_probability"].as_f64() {
        s += &format!(
            "answer probability (cure model)  {p:.4} {}\n",
            ci(&a["answer_probability_ci95"])
        );
    }
    for (k, name) in [
        ("time_to_answer", "time to answer"),
        ("talk", "talk"),
        ("patience", "patience"),
    ] {
        let d = &fit[k];
        s += &format!(
            "\n{name}: n {}, events {}, censored {}\n",
            d["n"], d["events"], d["censored"]
        );
        match d["fits"].as_array() {
            None => s += &format!("  {}\n", d["reason"].as_str().unwrap_or("no fit")),
            Some(fits) => {
                s += "  family        mean_s  95 % interval          sd_s      AIC          KS\n";
                for f in fits {
                    let fam = f["family"].as_str().unwrap_or("");
                    let mark = if d["chosen"].as_str() == Some(fam) {
                        "*"
                    } else {
                        " "
                    };
                    s += &format!(
                        " {mark}{fam:<12} {:>7.2}  {:<22} {:>6.2} {:>10.1} {:>8.4}\n",
                        f["mean_s"].as_f64().unwrap_or(0.0),
                        ci(&f["mean_ci95"]),
                        f["sd_s"].as_f64().unwrap_or(0.0),
                        f["aic"].as_f64().unwrap_or(0.0),
                        f["ks"].as_f64().unwrap_or(0.0)
                    );
                }
            }
        }
    }
    if let Some(m) = fit["patience"]["exponential_closed_form"]["mean_s"].as_f64()
        && fit["patience"]["events"].as_u64() >= Some(dialsim::fit::MIN_EVENTS)
    {
        s += &format!(
            "  abandons ÷ waiting time: mean patience {m:.2} s (the naive mean of abandoners' waits: {:.2} s)\n",
            fit["patience"]["naive_mean_of_abandons_s"]
                .as_f64()
                .unwrap_or(0.0)
        );
    }
    if let Some(lines) = fit["backtest"]["figures"].as_array() {
        s += &format!(
            "\nback-test ({} replications of the fitted scenario)\n",
            fit["backtest"]["reps"]
        );
        s += "  figure                           recorded  95 % interval          simulated  95 % interval\n";
        for l in lines {
            s += &format!(
                "  {:<32} {:>8.4}  {:<22} {:>9.4}  {:<22}{}\n",
                l["figure"].as_str().unwrap_or(""),
                l["recorded"].as_f64().unwrap_or(f64::NAN),
                ci(&l["recorded_ci95"]),
                l["simulated"].as_f64().unwrap_or(f64::NAN),
                ci(&l["simulated_ci95"]),
                if l["disagrees"] == true {
                    "  DISAGREES"
                } else {
                    ""
                }
            );
        }
    }
    for w in fit["warnings"].as_array().into_iter().flatten() {
        s += &format!("warning: {}\n", w.as_str().unwrap_or(""));
    }
    s
}
