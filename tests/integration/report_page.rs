//! The report files of `dialsim run --out` and `--cdr`: the page's charts plot the report's own
//! series, the files agree with the JSON, the call records add up to the report's counts, and
//! the page renders in headless Chromium.

use super::support::{dialsim, temp};
use serde_json::Value;
use std::path::Path;

fn quickstart_report() -> Value {
    let sc = dialsim::scenario::load(Path::new("scenarios/quickstart.json")).expect("scenario");
    dialsim::simulate(&sc, sc.file.seed, 1, None)
}

/// The `<figure id="chart-ID">` element's text.
fn figure<'a>(page: &'a str, id: &str) -> &'a str {
    let start = page
        .find(&format!("<figure id=\"chart-{id}\">"))
        .unwrap_or_else(|| panic!("chart {id} missing"));
    let end = page[start..].find("</figure>").expect("closed") + start;
    &page[start..end]
}

fn data_island(fig: &str) -> Value {
    let tag = "<script type=\"application/json\" class=\"series\">";
    let start = fig.find(tag).expect("data island") + tag.len();
    let end = fig[start..].find("</script>").expect("closed") + start;
    serde_json::from_str(&fig[start..end].replace("<\\/", "</")).expect("JSON")
}

/// The y pixel coordinates of every polyline with exactly `n` points.
fn polylines(fig: &str, n: usize) -> Vec<Vec<f64>> {
    fig.split("<polyline")
        .skip(1)
        .filter_map(|p| {
            let start = p.find("points=\"")? + 8;
            let end = p[start..].find('"')? + start;
            let ys: Vec<f64> = p[start..end]
                .split_whitespace()
                .filter_map(|xy| xy.split_once(',')?.1.parse().ok())
                .collect();
            (ys.len() == n).then_some(ys)
        })
        .collect()
}

/// Does the polyline draw `values` (pixel y = a + b·value, b < 0, within a pixel's rounding)?
fn draws(ys: &[f64], values: &[f64]) -> bool {
    let (i, j) = match (0..values.len())
        .flat_map(|i| (0..values.len()).map(move |j| (i, j)))
        .max_by(|a, b| {
            (values[a.0] - values[a.1])
                .abs()
                .total_cmp(&(values[b.0] - values[b.1]).abs())
        }) {
        Some(p) if values[p.0] != values[p.1] => p,
        _ => return ys.windows(2).all(|w| (w[0] - w[1]).abs() <= 1.0),
    };
    let b = (ys[i] - ys[j]) / (values[i] - values[j]);
    let a = ys[i] - b * values[i];
    b < 0.0
        && ys
            .iter()
            .zip(values)
            .all(|(y, v)| (y - (a + b * v)).abs() <= 1.5)
}

#[test]
fn the_charts_plot_the_reports_time_series() {
    let report = quickstart_report();
    let page = dialsim::page::run_page(&report).expect("page");
    let ts = report["timeseries"].as_array().expect("timeseries");
    let col = |k: &str, scale: f64| -> Vec<f64> {
        ts.iter()
            .map(|b| b[k].as_f64().expect("number") * scale)
            .collect()
    };
    for (chart, series) in [
        (
            "rates",
            vec![
                ("abandon_rate_pct", col("abandon_rate", 100.0)),
                ("utilisation_pct", col("utilisation", 100.0)),
            ],
        ),
        (
            "calls",
            vec![
                ("placed", col("placed", 1.0)),
                ("answered", col("answered", 1.0)),
                ("abandoned", col("abandoned", 1.0)),
            ],
        ),
        (
            "pacer",
            vec![
                ("dial_rate_per_min", col("dial_rate_per_min", 1.0)),
                ("mean_lines", col("mean_lines", 1.0)),
            ],
        ),
        (
            "agents",
            vec![
                ("idle", col("agents_idle", 1.0)),
                ("talking", col("agents_talking", 1.0)),
                ("wrapup", col("agents_wrapup", 1.0)),
            ],
        ),
    ] {
        let fig = figure(&page, chart);
        let data = data_island(fig);
        let lines = polylines(fig, ts.len());
        for (key, want) in series {
            let got: Vec<f64> = data[key]
                .as_array()
                .expect("series")
                .iter()
                .map(|v| v.as_f64().expect("number"))
                .collect();
            // serde_json parses floats to within an ulp (no `float_roundtrip`): compare so.
            assert_eq!(got.len(), want.len(), "{chart}.{key}: length");
            for (g, w) in got.iter().zip(&want) {
                assert!(
                    (g - w).abs() <= 1e-12 * w.abs().max(1.0),
                    "{chart}.{key}: the data island is not the report's ({g} vs {w})"
                );
            }
            assert!(
                lines.iter().any(|ys| draws(ys, &want)),
                "{chart}.{key}: no line in the SVG draws the report's series"
            );
        }
    }
    // The target line of the rates chart is the Quotiety.
    assert_eq!(data_island(figure(&page, "rates"))["target_pct"], 3.0);
    for id in ["wait-histogram", "idle-histogram", "agent-utilisation"] {
        assert!(figure(&page, id).contains("<svg"), "{id} has no SVG");
    }
    // Self-contained: nothing fetched from anywhere.
    // (The only URL is the SVG namespace name, which is never fetched.)
    let urls = page.matches("http").count();
    let namespaces = page.matches("xmlns=\"http://www.w3.org/2000/svg\"").count();
    assert_eq!(urls, namespaces, "a URL besides the SVG namespace");
    assert!(!page.contains("src=") && !page.contains("<link") && !page.contains("url("));
}

#[test]
fn out_writes_the_report_csvs_and_page_and_cdr_adds_up() {
    let dir = temp("run-out");
    let out = dir.join("report");
    let cdr = dir.join("calls.jsonl");
    let stdout = dialsim()
        .args(["run", "scenarios/quickstart.json", "--json", "--out"])
        .arg(&out)
        .arg("--cdr")
        .arg(&cdr)
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let printed: Value = serde_json::from_slice(&stdout).expect("JSON");
    let written: Value = serde_json::from_str(
        &std::fs::read_to_string(out.join("report.json")).expect("report.json"),
    )
    .expect("JSON");
    assert_eq!(printed, written);
    let ts = std::fs::read_to_string(out.join("timeseries.csv")).expect("csv");
    assert_eq!(
        ts.lines().count(),
        1 + written["timeseries"].as_array().expect("ts").len()
    );
    let agents = std::fs::read_to_string(out.join("agents.csv")).expect("csv");
    assert!(agents.starts_with("cno,") && agents.contains("AgentAvgIdleTime"));
    assert!(out.join("tasks.csv").exists() && out.join("index.html").exists());
    let leftovers: Vec<_> = std::fs::read_dir(&out)
        .expect("dir")
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().contains(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left behind");

    // Every finished call has one record; statuses add up to the report's counts.
    let o = &written["overall"];
    let n = |k: &str| o[k].as_u64().expect(k);
    let records: Vec<Value> = std::fs::read_to_string(&cdr)
        .expect("cdr")
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON line"))
        .collect();
    // Every field a string, as the SDK's model has it; timestamps Unix seconds.
    let text = |r: &Value, k: &str| r[k].as_str().expect(k).to_string();
    let num = |r: &Value, k: &str| text(r, k).parse::<i64>().expect(k);
    let count = |s: i64| records.iter().filter(|r| num(r, "StatusCode") == s).count() as u64;
    assert_eq!(count(40), n("no_answer") + n("busy") + n("failed"));
    assert_eq!(count(41) + count(42), n("hung_up") + n("dropped"));
    assert!(count(43) <= n("connected"));
    // 2026-01-05T09:00:00 in Asia/Shanghai is 01:00 UTC.
    let start = 1_767_574_800;
    let end = start + 14_400;
    for r in &records {
        assert!((start..=end).contains(&num(r, "StartTime")));
        assert!(num(r, "EndTime") >= num(r, "StartTime"));
        // Whole seconds: the total is the difference of the cut stamps or one less.
        let diff = num(r, "EndTime") - num(r, "StartTime");
        assert!((diff - 1..=diff).contains(&num(r, "TotalDuration")));
    }
    for r in records.iter().filter(|r| num(r, "StatusCode") == 43) {
        assert_eq!(text(r, "Status"), "双方接听");
        assert!(!text(r, "Cno").is_empty() && num(r, "BridgeDuration") >= 0);
        assert!(num(r, "BridgeTime") >= num(r, "AnswerTime") && num(r, "AnswerTime") > 0);
        assert_eq!(num(r, "SipCause"), 200);
    }
    let bridged_2s = records
        .iter()
        .filter(|r| num(r, "StatusCode") == 43 && num(r, "WaitDuration") < 2)
        .count() as u64;
    assert!(bridged_2s <= n("connected_within_2s"));
}

#[test]
fn the_page_renders_in_headless_chromium() {
    let chromium = ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|c| {
            std::process::Command::new(c)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        });
    let Some(chromium) = chromium else {
        // Under CI a missing Chromium is a failure, not a pass: .ci/run installs it.
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI=true and no Chromium: the page cannot be rendered"
        );
        eprintln!(
            "SKIPPED the_page_renders_in_headless_chromium: no Chromium on this machine (.ci/run installs the Debian package chromium)"
        );
        return;
    };
    let dir = temp("page-render");
    let out = dir.join("quickstart");
    dialsim()
        .args(["run", "scenarios/quickstart.json", "--out"])
        .arg(&out)
        .assert()
        .code(0);
    let page = out.join("index.html");
    let url = format!("file://{}", page.display());
    let flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--enable-logging=stderr",
        "--v=0",
    ];
    let dom = std::process::Command::new(chromium)
        .args(flags)
        .arg("--dump-dom")
        .arg(&url)
        .output()
        .expect("chromium runs");
    let html = String::from_utf8_lossy(&dom.stdout);
    let log = String::from_utf8_lossy(&dom.stderr);
    assert!(
        !log.contains("Uncaught") && !log.contains(":CONSOLE"),
        "console messages: {log}"
    );
    for id in [
        "rates",
        "calls",
        "pacer",
        "agents",
        "wait-histogram",
        "idle-histogram",
        "agent-utilisation",
    ] {
        let start = html
            .find(&format!("id=\"chart-{id}\""))
            .unwrap_or_else(|| panic!("chart {id} not in the rendered DOM"));
        assert!(html[start..].contains("<svg"), "chart {id} has no SVG");
    }
    // The screenshot is kept as an artifact of the test run.
    let artifacts = Path::new(env!("CARGO_TARGET_TMPDIR")).join("artifacts");
    std::fs::create_dir_all(&artifacts).expect("artifacts dir");
    let shot = artifacts.join("quickstart-report.png");
    let status = std::process::Command::new(chromium)
        .args(flags)
        .arg(format!("--screenshot={}", shot.display()))
        .arg("--window-size=1000,3200")
        .arg(&url)
        .output()
        .expect("chromium runs");
    assert!(status.status.success(), "screenshot failed");
    assert!(
        std::fs::metadata(&shot).is_ok_and(|m| m.len() > 10_000),
        "no screenshot at {}",
        shot.display()
    );
    eprintln!("screenshot: {}", shot.display());
}

#[test]
fn the_sweep_page_marks_the_cap_and_the_recommended_cell() {
    use dialsim::sweep::{self, CellResult};
    let cell = |i: usize, q: f64, pa: u32, a: f64, u: f64| CellResult {
        index: i,
        params: serde_json::json!({"Quotiety": q, "PredictAdjust": pa})
            .as_object()
            .cloned()
            .expect("object"),
        overall: serde_json::json!({"abandon_rate": a, "utilisation": u}),
    };
    let cells = vec![
        cell(0, 1.0, 80, 0.010, 0.80),
        cell(1, 1.0, 120, 0.020, 0.85),
        cell(2, 3.0, 80, 0.028, 0.90),
        cell(3, 3.0, 120, 0.045, 0.95),
    ];
    let answer = sweep::answer(&cells, 0.03, 1, sweep::AbandonFigure::TwoSecond);
    let page = dialsim::page::sweep_page(&answer, "test").expect("page");
    let data = data_island(figure(&page, "frontier"));
    assert_eq!(data["cap_pct"], 3.0);
    let xs: Vec<f64> = data["abandon_rate_pct"]
        .as_array()
        .expect("xs")
        .iter()
        .filter_map(Value::as_f64)
        .collect();
    assert_eq!(xs.len(), 4);
    assert!((xs[3] - 4.5).abs() < 1e-9);
    // The recommended cell is the best under the cap: Quotiety 3, PredictAdjust 80.
    let rec = data["recommended"].as_array().expect("recommended");
    assert!((rec[0].as_f64().expect("x") - 2.8).abs() < 1e-9);
    assert!(
        page.contains("Quotiety=3.0, PredictAdjust=80")
            || page.contains("Quotiety=3, PredictAdjust=80")
    );
    // Two parameters swept: a heat map of four cells.
    let heat = data_island(figure(&page, "heatmap"));
    assert_eq!(heat["cells"].as_array().map(Vec::len), Some(4));
}
