//! The HTML report: one self-contained page (no network fetches, no scripts to run) with the
//! headline figures and SVG charts drawn by plotters, for a run ([`run_page`]), a sweep
//! ([`sweep_page`]) or a comparison of pacers ([`compare_page`]). Pure: report JSON in, HTML text out; the CLI writes the file.
//!
//! Every chart is a `<figure id="chart-…">` holding the SVG and, beside it, the exact series
//! it plots as a JSON data island (`<script type="application/json" class="series">`), so a
//! reader (or a test) can check the picture against the report's numbers.

use plotters::prelude::*;
use serde_json::{Value, json};

/// Chart size, pixels.
const W: u32 = 900;
const H: u32 = 330;

/// One plotted line.
struct Line {
    name: String,
    ys: Vec<f64>,
    color: RGBColor,
}

const BLUE_: RGBColor = RGBColor(31, 119, 180);
const ORANGE_: RGBColor = RGBColor(255, 127, 14);
const GREEN_: RGBColor = RGBColor(44, 160, 44);
const RED_: RGBColor = RGBColor(214, 39, 40);
const PURPLE_: RGBColor = RGBColor(148, 103, 189);
const GREY_: RGBColor = RGBColor(127, 127, 127);

/// Why a page could not be drawn (the chart library refused a drawing).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PageError {
    /// A chart could not be drawn.
    #[error("chart: {0}")]
    Chart(String),
}

fn err(e: impl std::fmt::Display) -> PageError {
    PageError::Chart(e.to_string())
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn top(ys: impl Iterator<Item = f64>, at_least: f64) -> f64 {
    let m = ys.filter(|y| y.is_finite()).fold(at_least, f64::max);
    if m <= 0.0 { 1.0 } else { m * 1.08 }
}

/// What a line chart shows around its lines.
struct Frame<'a> {
    title: &'a str,
    x_desc: &'a str,
    y_desc: &'a str,
    /// The x axis runs at least to here (the end of the run).
    x_end: f64,
    /// The y axis counts things: whole-number labels only.
    counts: bool,
}

/// Lines over a common x axis, with an optional horizontal target line. The y axis leaves
/// room above the highest line for the legend, so the legend never covers a line.
fn line_chart(
    frame: &Frame,
    xs: &[f64],
    lines: &[Line],
    target: Option<(f64, &str)>,
) -> Result<String, PageError> {
    let Frame {
        title,
        x_desc,
        y_desc,
        x_end,
        counts,
    } = *frame;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (W, H)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let x0 = xs.first().copied().unwrap_or(0.0);
        let x1 = xs.last().copied().unwrap_or(1.0).max(x_end).max(x0 + 1e-9);
        // Each legend entry takes about 8 % of the plot's height, at its top.
        let entries = lines.len() + usize::from(target.is_some());
        let room = 1.0 + 0.08 * entries as f64;
        let y1 = top(
            lines.iter().flat_map(|l| l.ys.iter().copied()),
            target.map(|t| t.0).unwrap_or(0.0),
        ) * room;
        let y1 = if counts { y1.ceil().max(1.0) } else { y1 };
        let mut chart = ChartBuilder::on(&root)
            .caption(title, ("sans-serif", 18))
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(60)
            .build_cartesian_2d(x0..x1, 0f64..y1)
            .map_err(err)?;
        // Counts are labelled with whole numbers only (no "2.5 calls").
        let label_y = |y: &f64| {
            if !counts {
                format!("{y}")
            } else if (y - y.round()).abs() < 1e-9 {
                format!("{y:.0}")
            } else {
                String::new()
            }
        };
        chart
            .configure_mesh()
            .x_desc(x_desc)
            .y_desc(y_desc)
            .y_label_formatter(&label_y)
            .light_line_style(WHITE.mix(0.0))
            .draw()
            .map_err(err)?;
        for l in lines {
            let c = l.color;
            chart
                .draw_series(LineSeries::new(
                    xs.iter().copied().zip(l.ys.iter().copied()),
                    c.stroke_width(2),
                ))
                .map_err(err)?
                .label(l.name.clone())
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], c));
        }
        if let Some((v, name)) = target {
            chart
                .draw_series(DashedLineSeries::new(
                    vec![(x0, v), (x1, v)],
                    6,
                    4,
                    RED_.stroke_width(1),
                ))
                .map_err(err)?
                .label(name.to_string())
                .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], RED_));
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK)
            .draw()
            .map_err(err)?;
        root.present().map_err(err)?;
    }
    Ok(svg)
}

/// Bars: one per label, each label centred under its bar.
fn bar_chart(
    title: &str,
    x_desc: &str,
    y_desc: &str,
    labels: &[String],
    values: &[f64],
    color: RGBColor,
) -> Result<String, PageError> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (W, H)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let n = values.len().max(1) as u32;
        let y1 = top(values.iter().copied(), 0.0);
        let mut chart = ChartBuilder::on(&root)
            .caption(title, ("sans-serif", 18))
            .margin(12)
            .x_label_area_size(45)
            .y_label_area_size(60)
            .build_cartesian_2d((0..n - 1).into_segmented(), 0f64..y1)
            .map_err(err)?;
        // At most about 24 labels: every k-th bar's.
        let every = (n as usize).div_ceil(24).max(1);
        let label_of = |v: &SegmentValue<u32>| match v {
            SegmentValue::CenterOf(i) if (*i as usize).is_multiple_of(every) => {
                labels.get(*i as usize).cloned().unwrap_or_default()
            }
            _ => String::new(),
        };
        chart
            .configure_mesh()
            .disable_x_mesh()
            .light_line_style(WHITE.mix(0.0))
            .x_desc(x_desc)
            .y_desc(y_desc)
            .x_labels(n as usize)
            .x_label_formatter(&label_of)
            .draw()
            .map_err(err)?;
        chart
            .draw_series(values.iter().enumerate().map(|(i, &v)| {
                let i = i as u32;
                let mut bar = Rectangle::new(
                    [
                        (SegmentValue::Exact(i), 0.0),
                        (SegmentValue::Exact(i + 1), v),
                    ],
                    color.filled(),
                );
                bar.set_margin(0, 0, 2, 2);
                bar
            }))
            .map_err(err)?;
        root.present().map_err(err)?;
    }
    Ok(svg)
}

fn figure(id: &str, svg: &str, series: &Value, caption: &str) -> String {
    format!(
        "<figure id=\"chart-{id}\">\n{svg}\n<figcaption>{}</figcaption>\n<script type=\"application/json\" class=\"series\">{}</script>\n</figure>\n",
        escape(caption),
        // A data island must not close its own script element.
        series.to_string().replace("</", "<\\/")
    )
}

fn num(v: &Value, k: &str) -> f64 {
    v.get(k).and_then(Value::as_f64).unwrap_or(0.0)
}

fn pct(x: f64) -> String {
    format!("{:.2} %", x * 100.0)
}

const STYLE: &str = "body{font-family:sans-serif;margin:24px;max-width:960px;color:#222}\
h1{font-size:22px}h2{font-size:18px;margin-top:28px}\
.tiles{display:flex;flex-wrap:wrap;gap:12px}.tile{border:1px solid #ccc;border-radius:6px;padding:10px 14px;min-width:180px}\
.tile b{display:block;font-size:22px}.ok{color:#2a7a2a}.bad{color:#b22}\
figure{margin:18px 0}figcaption{font-size:13px;color:#555}table{border-collapse:collapse;font-size:13px}\
td,th{border:1px solid #ddd;padding:3px 8px;text-align:right}th{background:#f4f4f4}";

fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{}</title><style>{STYLE}</style></head>\n<body>\n{body}</body></html>\n",
        escape(title)
    )
}

/// The page of a run report (`dialsim run --out`). Errors only if a chart cannot be drawn.
pub fn run_page(report: &Value) -> Result<String, PageError> {
    let o = &report["overall"];
    let ts: Vec<Value> = report["timeseries"].as_array().cloned().unwrap_or_default();
    let hours: Vec<f64> = ts.iter().map(|b| num(b, "start_s") / 3600.0).collect();
    let col = |k: &str, scale: f64| -> Vec<f64> { ts.iter().map(|b| num(b, k) * scale).collect() };
    // The x axes run to the end of the run (buckets are plotted at their start).
    let end_h = num(report, "duration_s") / 3600.0;
    let target_pct = report["tasks"]
        .as_array()
        .and_then(|t| t.first())
        .map(|t| num(t, "quotiety_pct"))
        .unwrap_or(3.0);
    let abandon = num(o, "abandon_rate");
    let mut body = format!(
        "<h1>dialsim: {}</h1>\n<p>seed {}, {} replication(s), {:.1} simulated hours, {} task(s).</p>\n",
        escape(report["scenario"].as_str().unwrap_or("")),
        report["seed"],
        report["reps"],
        num(report, "duration_s") / 3600.0,
        report["tasks"].as_array().map(Vec::len).unwrap_or(0)
    );
    let finished = match o.get("list_finished_at_s").and_then(Value::as_f64) {
        Some(s) => format!("finished at {:.1} h", s / 3600.0),
        None => "not finished".into(),
    };
    body += &format!(
        "<div class=\"tiles\">\
<div class=\"tile\" id=\"tile-abandon\">abandon rate (2-second rule)<b class=\"{}\">{}</b>target (Quotiety) {target_pct:.2} %</div>\
<div class=\"tile\" id=\"tile-utilisation\">agent utilisation<b>{}</b>occupancy {}</div>\
<div class=\"tile\" id=\"tile-calls\">calls placed<b>{:.0}</b>answered {:.0}, connected {:.0}</div>\
<div class=\"tile\" id=\"tile-list\">list completion<b>{}</b>{finished}</div></div>\n",
        if abandon * 100.0 <= target_pct {
            "ok"
        } else {
            "bad"
        },
        pct(abandon),
        pct(num(o, "utilisation")),
        pct(num(o, "occupancy")),
        num(o, "placed"),
        num(o, "answered"),
        num(o, "connected"),
        pct(num(o, "list_penetration")),
    );

    let rates = [
        Line {
            name: "abandon rate %".into(),
            ys: col("abandon_rate", 100.0),
            color: RED_,
        },
        Line {
            name: "utilisation %".into(),
            ys: col("utilisation", 100.0),
            color: BLUE_,
        },
    ];
    let frame = |title, y_desc, counts| Frame {
        title,
        x_desc: "hours since start",
        y_desc,
        x_end: end_h,
        counts,
    };
    let svg = line_chart(
        &frame(
            "Abandon rate (2-second rule) against the Quotiety target",
            "abandon rate %",
            false,
        ),
        &hours,
        &rates[..1],
        Some((target_pct, "Quotiety target %")),
    )? + &line_chart(
        &frame("Agent utilisation", "utilisation %", false),
        &hours,
        &rates[1..],
        None,
    )?;
    body += "<h2>Over time</h2>\n";
    body += &figure(
        "rates",
        &svg,
        &json!({"x_hours": hours, "abandon_rate_pct": rates[0].ys, "utilisation_pct": rates[1].ys, "target_pct": target_pct}),
        "Per bucket: answered calls not connected within 2 s over answered calls, and agent busy time over available time; the dashed line is the task's Quotiety.",
    );

    // The rolling abandon rate of each task whose definition has a rolling window.
    for (i, t) in report["tasks"].as_array().into_iter().flatten().enumerate() {
        let a = &t["abandon_defined"];
        let Some(series) = a["rolling"].as_array().filter(|s| !s.is_empty()) else {
            continue;
        };
        let xs: Vec<f64> = series
            .iter()
            .map(|p| p[0].as_f64().unwrap_or(0.0) / 3600.0)
            .collect();
        let ys: Vec<f64> = series
            .iter()
            .map(|p| p[1].as_f64().unwrap_or(0.0) * 100.0)
            .collect();
        let cap = a["definition"]["cap_pct"].as_f64().unwrap_or(3.0);
        let window = a["window"].as_str().unwrap_or("");
        let svg = line_chart(
            &frame(
                "Abandon rate under the task's definition, over its rolling window",
                "abandon rate %",
                false,
            ),
            &xs,
            &[Line {
                name: format!("{window} abandon rate %"),
                ys: ys.clone(),
                color: RED_,
            }],
            Some((cap, "cap %")),
        )?;
        body += &figure(
            &format!("rolling-abandon-{i}"),
            &svg,
            &json!({"x_hours": xs, "rolling_abandon_rate_pct": ys, "cap_pct": cap, "window": window}),
            &format!(
                "Task {}: at the end of each bucket, abandoned over counted calls in the window that ends there ({window}, definition: {}); the dashed line is the cap.",
                escape(t["name"].as_str().unwrap_or("")),
                escape(&a["definition"].to_string())
            ),
        );
    }

    let calls = [
        Line {
            name: "placed".into(),
            ys: col("placed", 1.0),
            color: GREY_,
        },
        Line {
            name: "answered".into(),
            ys: col("answered", 1.0),
            color: GREEN_,
        },
        Line {
            name: "abandoned".into(),
            ys: col("abandoned", 1.0),
            color: RED_,
        },
    ];
    // Abandoned calls are a few per bucket beside hundreds placed: on an axis of their own,
    // so the series is visible.
    let svg = line_chart(
        &frame("Calls per bucket", "calls", true),
        &hours,
        &calls[..2],
        None,
    )? + &line_chart(
        &frame("Abandoned calls per bucket (2-second rule)", "calls", true),
        &hours,
        &calls[2..],
        None,
    )?;
    body += &figure(
        "calls",
        &svg,
        &json!({"x_hours": hours, "placed": calls[0].ys, "answered": calls[1].ys, "abandoned": calls[2].ys}),
        "Calls placed and answered in each bucket, and below, on its own scale, the calls abandoned (2-second rule).",
    );

    let pacer = vec![
        Line {
            name: "dial rate (calls/min)".into(),
            ys: col("dial_rate_per_min", 1.0),
            color: ORANGE_,
        },
        Line {
            name: "calls in flight (mean)".into(),
            ys: col("mean_lines", 1.0),
            color: PURPLE_,
        },
    ];
    let svg = line_chart(
        &frame("The pacer: dial rate and calls in flight", "calls", false),
        &hours,
        &pacer,
        None,
    )?;
    body += &figure(
        "pacer",
        &svg,
        &json!({"x_hours": hours, "dial_rate_per_min": pacer[0].ys, "mean_lines": pacer[1].ys}),
        "Calls placed per minute, and the mean number of calls in progress (every state), per bucket.",
    );

    let states = vec![
        Line {
            name: "idle".into(),
            ys: col("agents_idle", 1.0),
            color: GREY_,
        },
        Line {
            name: "talking".into(),
            ys: col("agents_talking", 1.0),
            color: BLUE_,
        },
        Line {
            name: "wrap-up".into(),
            ys: col("agents_wrapup", 1.0),
            color: GREEN_,
        },
        Line {
            name: "ringing".into(),
            ys: col("agents_ringing", 1.0),
            color: ORANGE_,
        },
        Line {
            name: "paused (break)".into(),
            ys: col("agents_break", 1.0),
            color: RED_,
        },
    ];
    let svg = line_chart(
        &frame("Agent states", "agents (mean)", false),
        &hours,
        &states,
        None,
    )?;
    body += &figure(
        "agents",
        &svg,
        &json!({"x_hours": hours, "idle": states[0].ys, "talking": states[1].ys, "wrapup": states[2].ys, "ringing": states[3].ys, "break": states[4].ys}),
        "Mean number of agents in each state, per bucket.",
    );

    body += "<h2>Distributions</h2>\n";
    for (id, key, title, unit) in [
        (
            "wait-histogram",
            "wait_histogram",
            "Customer wait for an agent",
            "wait (s)",
        ),
        (
            "idle-histogram",
            "agent_idle_histogram",
            "Agent idle gaps",
            "idle gap (s)",
        ),
    ] {
        let bins: Vec<Value> = o[key].as_array().cloned().unwrap_or_default();
        let labels: Vec<String> = bins
            .iter()
            .map(|b| match b["to_s"].as_f64() {
                Some(hi) => format!("{}-{}", num(b, "from_s"), hi),
                None => format!("{}+", num(b, "from_s")),
            })
            .collect();
        let counts: Vec<f64> = bins.iter().map(|b| num(b, "count")).collect();
        let svg = bar_chart(title, unit, "count", &labels, &counts, BLUE_)?;
        body += &figure(
            id,
            &svg,
            &json!({"bins": labels, "counts": counts}),
            &format!("{title}: counts per bin ({unit}); p50/p90/p99 in report.json."),
        );
    }

    let agents: Vec<Value> = report["agents"].as_array().cloned().unwrap_or_default();
    let names: Vec<String> = agents
        .iter()
        .map(|a| a["cno"].as_str().unwrap_or("").to_string())
        .collect();
    let util: Vec<f64> = agents
        .iter()
        .map(|a| num(a, "utilisation") * 100.0)
        .collect();
    let svg = bar_chart(
        "Utilisation per agent",
        "agent",
        "utilisation %",
        &names,
        &util,
        GREEN_,
    )?;
    body += "<h2>Agents</h2>\n";
    body += &figure(
        "agent-utilisation",
        &svg,
        &json!({"agents": names, "utilisation_pct": util}),
        "Busy (talk, wrap-up, agent ringing) over available time, per agent.",
    );
    body += "<table><tr><th>agent</th><th>calls</th><th>utilisation</th><th>AgentAvgIdleTime (s)</th><th>BridgeIn2sRate</th></tr>\n";
    for a in &agents {
        body += &format!(
            "<tr><td>{}</td><td>{:.0}</td><td>{}</td><td>{:.1}</td><td>{}</td></tr>\n",
            escape(a["cno"].as_str().unwrap_or("")),
            num(a, "calls"),
            pct(num(a, "utilisation")),
            num(a, "AgentAvgIdleTime"),
            pct(num(a, "BridgeIn2sRate")),
        );
    }
    body += "</table>\n<p>Files beside this page: report.json, timeseries.csv, agents.csv, tasks.csv.</p>\n";
    Ok(page(
        &format!("dialsim: {}", report["scenario"].as_str().unwrap_or("")),
        &body,
    ))
}

/// The chart of utilisation against abandon rate the sweep and compare pages share.
type AbandonChart<'a, 'b> = ChartContext<
    'a,
    SVGBackend<'b>,
    Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>,
>;

/// Utilisation-against-abandon axes from 0 to `x1` % abandon, utilisation ranged on `ys` (%),
/// with the cap drawn as a dashed line at `cap` %.
fn abandon_axes<'a, 'b>(
    root: &'a DrawingArea<SVGBackend<'b>, plotters::coord::Shift>,
    caption: &str,
    x1: f64,
    ys: impl Iterator<Item = f64> + Clone,
    cap: f64,
) -> Result<AbandonChart<'a, 'b>, PageError> {
    let y0 = ys.clone().fold(100.0, f64::min).min(100.0) * 0.95;
    let y1 = top(ys, 0.0).min(105.0);
    let mut chart = ChartBuilder::on(root)
        .caption(caption, ("sans-serif", 18))
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(60)
        .build_cartesian_2d(0f64..x1, y0..y1)
        .map_err(err)?;
    chart
        .configure_mesh()
        .light_line_style(WHITE.mix(0.0))
        .x_desc("abandon rate %")
        .y_desc("utilisation %")
        .draw()
        .map_err(err)?;
    chart
        .draw_series(DashedLineSeries::new(
            vec![(cap, y0), (cap, y1)],
            6,
            4,
            RED_.stroke_width(1),
        ))
        .map_err(err)?
        .label(format!("cap {cap:.2} %"))
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], RED_));
    Ok(chart)
}

/// The legend of an abandon chart, lower right.
fn legend_box<'a, 'b: 'a>(chart: &mut AbandonChart<'a, 'b>) -> Result<(), PageError> {
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::LowerRight)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .draw()
        .map_err(err)
}

/// The page of a sweep (`dialsim sweep --out`): the utilisation-versus-abandon frontier with
/// the cap and the recommended cell, and a heat map of utilisation when two parameters vary.
pub fn sweep_page(answer: &Value, scenario: &str) -> Result<String, PageError> {
    let cells: Vec<Value> = answer["cells"].as_array().cloned().unwrap_or_default();
    let cap = num(answer, "max_abandon") * 100.0;
    let key = answer["abandon_figure"].as_str().unwrap_or("abandon_rate");
    let label = |c: &Value| -> String {
        c["params"]
            .as_object()
            .map(|m| {
                m.iter()
                    .map(|(k, v)| match v {
                        Value::String(s) => format!("{k}={s}"),
                        v => format!("{k}={v}"),
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .unwrap_or_default()
    };
    let xs: Vec<f64> = cells
        .iter()
        .map(|c| num(&c["overall"], key) * 100.0)
        .collect();
    let ys: Vec<f64> = cells
        .iter()
        .map(|c| num(&c["overall"], "utilisation") * 100.0)
        .collect();
    let labels: Vec<String> = cells.iter().map(label).collect();
    let best = &answer["recommended"];
    let best_xy = (!best.is_null()).then(|| {
        (
            num(&best["overall"], key) * 100.0,
            num(&best["overall"], "utilisation") * 100.0,
        )
    });
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (W, 420)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let x1 = top(xs.iter().copied(), cap);
        let mut chart = abandon_axes(
            &root,
            "Utilisation against abandon rate, one point per cell",
            x1,
            ys.iter().copied(),
            cap,
        )?;
        chart
            .draw_series(
                xs.iter()
                    .zip(&ys)
                    .map(|(&x, &y)| Circle::new((x, y), 4, BLUE_.filled())),
            )
            .map_err(err)?
            .label("cell")
            .legend(|(x, y)| Circle::new((x + 9, y), 4, BLUE_.filled()));
        if let Some((bx, by)) = best_xy {
            chart
                .draw_series(std::iter::once(Circle::new(
                    (bx, by),
                    9,
                    GREEN_.stroke_width(3),
                )))
                .map_err(err)?
                .label("recommended")
                .legend(|(x, y)| Circle::new((x + 9, y), 6, GREEN_.stroke_width(3)));
        }
        legend_box(&mut chart)?;
        root.present().map_err(err)?;
    }
    let mut body = format!(
        "<h1>dialsim sweep: {}</h1>\n<p>{} cell(s), {} replication(s) each, abandon cap {cap:.2} %.</p>\n",
        escape(scenario),
        cells.len(),
        answer["reps"]
    );
    body += &match best_xy {
        Some((bx, by)) => format!(
            "<div class=\"tiles\"><div class=\"tile\" id=\"tile-recommended\">recommended<b>{}</b>abandon {bx:.2} %, utilisation {by:.2} %</div></div>\n",
            escape(&label(best))
        ),
        None => format!(
            "<div class=\"tiles\"><div class=\"tile\" id=\"tile-recommended\">recommended<b class=\"bad\">none</b>no cell keeps the abandon rate within {cap:.2} %</div></div>\n"
        ),
    };
    body += &figure(
        "frontier",
        &svg,
        &json!({"cells": labels, "abandon_rate_pct": xs, "utilisation_pct": ys, "cap_pct": cap, "recommended": best_xy.map(|(x, y)| json!([x, y]))}),
        "Each point is a cell (mean over replications); the dashed line is the cap; the ringed point is the recommendation.",
    );
    // A heat map when exactly two parameters vary.
    let keys: Vec<String> = cells
        .first()
        .and_then(|c| c["params"].as_object())
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();
    if keys.len() == 2 {
        body += &heat_map(&cells, &keys[0], &keys[1])?;
    }
    body += "<table><tr><th>cell</th><th>abandon %</th><th>utilisation %</th></tr>\n";
    for ((l, x), y) in labels.iter().zip(&xs).zip(&ys) {
        body += &format!(
            "<tr><td>{}</td><td>{x:.2}</td><td>{y:.2}</td></tr>\n",
            escape(l)
        );
    }
    body += "</table>\n<p>Files beside this page: sweep.json, sweep.csv, cells.jsonl.</p>\n";
    Ok(page(&format!("dialsim sweep: {scenario}"), &body))
}

/// The page of a comparison (`dialsim compare --out`): every pacer's cells and frontier on one
/// utilisation-against-abandon chart with the cap line, and the table of readings at equal
/// abandon.
pub fn compare_page(answer: &Value, cap_pct: f64) -> Result<String, PageError> {
    const COLORS: [RGBColor; 6] = [
        BLUE_,
        ORANGE_,
        GREEN_,
        PURPLE_,
        RGBColor(140, 86, 75),
        GREY_,
    ];
    let pacers: Vec<Value> = answer["pacers"].as_array().cloned().unwrap_or_default();
    // Per pacer: its name, its cells (abandon %, utilisation %) and its frontier in abandon
    // order.
    type Points = Vec<(f64, f64)>;
    let series: Vec<(String, Points, Points)> = pacers
        .iter()
        .map(|p| {
            let cells: Vec<(f64, f64)> = p["cells"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|c| {
                    (
                        num(c, "abandon_rate") * 100.0,
                        num(c, "utilisation") * 100.0,
                    )
                })
                .collect();
            let front: Vec<(f64, f64)> = p["frontier"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|i| i.as_u64().and_then(|i| cells.get(i as usize)).copied())
                .collect();
            (p["pacer"].as_str().unwrap_or("").to_string(), cells, front)
        })
        .collect();
    // The chart shows abandon rates up to 2.5 times the largest of the cap and the rates read:
    // the region a tuning decision is made in. Cells beyond it stay in compare.json and the
    // frontier lines run to the chart's edge.
    let at_max = answer["at_pct"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_f64)
        .fold(cap_pct, f64::max);
    let x_max = at_max * 2.5;
    let clip = |front: &[(f64, f64)]| -> Vec<(f64, f64)> {
        let mut out: Vec<(f64, f64)> = Vec::new();
        for &(x, y) in front {
            if x <= x_max {
                out.push((x, y));
            } else {
                if let Some(&(px, py)) = out.last() {
                    out.push((x_max, py + (y - py) * (x_max - px) / (x - px)));
                }
                break;
            }
        }
        out
    };
    let series: Vec<(String, Points, Points)> = series
        .into_iter()
        .map(|(n, cells, front)| {
            let shown = cells.into_iter().filter(|&(x, _)| x <= x_max).collect();
            let front = clip(&front);
            (n, shown, front)
        })
        .collect();
    let all = || series.iter().flat_map(|(_, c, _)| c.iter().copied());
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (W, 460)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let x1 = top(all().map(|(x, _)| x), cap_pct).min(x_max);
        let mut chart = abandon_axes(
            &root,
            "Utilisation against abandon rate: each pacer's knob swept",
            x1,
            all().map(|(_, y)| y),
            cap_pct,
        )?;
        for (k, (name, cells, front)) in series.iter().enumerate() {
            let color = COLORS[k % COLORS.len()];
            chart
                .draw_series(cells.iter().map(|&(x, y)| Circle::new((x, y), 3, color)))
                .map_err(err)?;
            chart
                .draw_series(LineSeries::new(
                    front.iter().copied(),
                    color.stroke_width(2),
                ))
                .map_err(err)?
                .label(name.clone())
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 18, y)], color));
            chart
                .draw_series(
                    front
                        .iter()
                        .map(|&(x, y)| Circle::new((x, y), 4, color.filled())),
                )
                .map_err(err)?;
        }
        legend_box(&mut chart)?;
        root.present().map_err(err)?;
    }
    let mut body = format!(
        "<h1>dialsim compare: {}</h1>\n<p>{} pacer(s), {} replication(s) a cell on the same customers (seed {}). Each pacer's aggressiveness knob is swept; the line joins the cells of its frontier (no cell of lower abandon has higher utilisation); hollow points are the other cells.</p>\n",
        escape(answer["scenario"].as_str().unwrap_or("")),
        pacers.len(),
        answer["reps"],
        answer["seed"],
    );
    body += &figure(
        "frontiers",
        &svg,
        &json!({
            "pacers": series.iter().map(|(n, c, f)| json!({"pacer": n, "cells_pct": c, "frontier_pct": f})).collect::<Vec<_>>(),
            "cap_pct": cap_pct,
        }),
        &format!(
            "Utilisation against abandon rate for every cell up to {x_max:.1} % abandon (the rest are in compare.json); each pacer's frontier drawn as a line; the dashed line is the cap."
        ),
    );
    let at: Vec<f64> = answer["at_pct"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_f64).collect())
        .unwrap_or_default();
    body += "<table id=\"equal-abandon\"><tr><th>pacer (knob)</th>";
    for a in &at {
        body += &format!("<th>utilisation at {a} % abandon</th>");
    }
    body += "</tr>\n";
    for p in &pacers {
        let knob = p["knob"]
            .as_str()
            .map(|k| format!(" ({k})"))
            .unwrap_or_default();
        body += &format!(
            "<tr><td>{}{}</td>",
            escape(p["pacer"].as_str().unwrap_or("")),
            escape(&knob)
        );
        for r in p["at"].as_array().into_iter().flatten() {
            body += &match r["utilisation"].as_f64() {
                Some(u) => format!(
                    "<td>{:.1} % [{:.1}, {:.1}]{}</td>",
                    u * 100.0,
                    r["utilisation_ci95"][0].as_f64().unwrap_or(u) * 100.0,
                    r["utilisation_ci95"][1].as_f64().unwrap_or(u) * 100.0,
                    if r["status"] == "beyond_range" {
                        " +"
                    } else {
                        ""
                    }
                ),
                None => "<td>below range</td>".into(),
            };
        }
        body += "</tr>\n";
    }
    body += "</table>\n<p>+ : the knob's most aggressive cell stays below this abandon rate (its figure is shown). Below range: the knob's most careful cell abandons more. Intervals are interpolated between the two neighbouring cells' 95 % intervals.</p>\n<p>Files beside this page: compare.json.</p>\n";
    Ok(page(
        &format!(
            "dialsim compare: {}",
            answer["scenario"].as_str().unwrap_or("")
        ),
        &body,
    ))
}

fn heat_map(cells: &[Value], a: &str, b: &str) -> Result<String, PageError> {
    let text = |v: &Value| match v {
        Value::String(s) => s.clone(),
        v => v.to_string(),
    };
    let mut xa: Vec<String> = Vec::new();
    let mut yb: Vec<String> = Vec::new();
    for c in cells {
        let (va, vb) = (text(&c["params"][a]), text(&c["params"][b]));
        if !xa.contains(&va) {
            xa.push(va);
        }
        if !yb.contains(&vb) {
            yb.push(vb);
        }
    }
    let util: Vec<f64> = cells
        .iter()
        .map(|c| num(&c["overall"], "utilisation"))
        .collect();
    let (lo, hi) = util
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), &u| {
            (l.min(u), h.max(u))
        });
    let mut grid = Vec::new();
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (W, 420)).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        let (xa2, yb2) = (xa.clone(), yb.clone());
        let mut chart = ChartBuilder::on(&root)
            .caption(
                format!("Utilisation by {a} and {b} (darker is higher)"),
                ("sans-serif", 18),
            )
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(70)
            .build_cartesian_2d(
                (0..xa.len() as u32 - 1).into_segmented(),
                (0..yb.len() as u32 - 1).into_segmented(),
            )
            .map_err(err)?;
        let centre = |v: &SegmentValue<u32>, names: &[String]| match v {
            SegmentValue::CenterOf(i) => names.get(*i as usize).cloned().unwrap_or_default(),
            _ => String::new(),
        };
        chart
            .configure_mesh()
            .disable_mesh()
            .x_desc(a)
            .y_desc(b)
            .x_labels(xa.len() + 1)
            .y_labels(yb.len() + 1)
            .x_label_formatter(&|x| centre(x, &xa2))
            .y_label_formatter(&|y| centre(y, &yb2))
            .draw()
            .map_err(err)?;
        let mut rects = Vec::new();
        for (c, &u) in cells.iter().zip(&util) {
            let i = xa
                .iter()
                .position(|v| *v == text(&c["params"][a]))
                .unwrap_or(0);
            let j = yb
                .iter()
                .position(|v| *v == text(&c["params"][b]))
                .unwrap_or(0);
            let f = if hi > lo { (u - lo) / (hi - lo) } else { 1.0 };
            let shade = (230.0 - 190.0 * f) as u8;
            let (i, j) = (i as u32, j as u32);
            rects.push(Rectangle::new(
                [
                    (SegmentValue::Exact(i), SegmentValue::Exact(j)),
                    (SegmentValue::Exact(i + 1), SegmentValue::Exact(j + 1)),
                ],
                RGBColor(shade, shade, 255).filled(),
            ));
            grid.push(json!({a: c["params"][a], b: c["params"][b], "utilisation": u, "abandon_rate": num(&c["overall"], "abandon_rate")}));
        }
        chart.draw_series(rects).map_err(err)?;
        root.present().map_err(err)?;
    }
    Ok(figure(
        "heatmap",
        &svg,
        &json!({"x": a, "y": b, "cells": grid}),
        "Mean utilisation of each cell; see the table for the abandon rates.",
    ))
}

/// The page of a fit (`dialsim fit --out`): survival curves with their Kaplan–Meier bands
/// against the chosen fits (time to answer, patience), a QQ plot of talk time, the answered
/// share by hour with its intervals, and the back-test table.
pub fn fit_page(fit: &Value, est: &crate::fit::Estimates) -> Result<String, PageError> {
    let mut body = String::from("<h1>dialsim fit</h1>\n");
    let r = &fit["records"];
    body += &format!(
        "<p>{} records read, {} used, {} duplicates, {} rejected.</p>\n",
        r["read"], r["used"], r["duplicates"], r["rejected"]
    );
    for (name, d) in &est.durations {
        let Some(best) = d.best() else {
            body += &format!(
                "<h2>{}</h2><p>Too few observations for a fit.</p>\n",
                escape(name)
            );
            continue;
        };
        let steps = &d.km;
        if steps.is_empty() {
            continue;
        }
        let share = best.cure_share().map_or(1.0, |(p, _)| p);
        let model = |t: f64| 1.0 - share * (1.0 - best.family.sf(best.params(), t));
        body += &format!("<h2>{}</h2>\n", escape(name));
        if *name == "talk" {
            // QQ: the fitted quantile of each step's probability against the step's time.
            let (mut xs, mut ys) = (Vec::new(), Vec::new());
            for s in steps.iter().filter(|s| s.s > 0.0 && s.s < 1.0) {
                let q = 1.0 - s.s;
                let (mut lo, mut hi) = (0.0, s.t.max(1.0) * 4.0 + 100.0);
                for _ in 0..60 {
                    let mid = (lo + hi) / 2.0;
                    if 1.0 - best.family.sf(best.params(), mid) < q {
                        lo = mid;
                    } else {
                        hi = mid;
                    }
                }
                xs.push((lo + hi) / 2.0);
                ys.push(s.t + 0.5);
            }
            let x_end = xs.last().copied().unwrap_or(1.0);
            let svg = line_chart(
                &Frame {
                    title: "talk time: recorded against fitted quantiles",
                    x_desc: "fitted quantile (s)",
                    y_desc: "recorded (s)",
                    x_end,
                    counts: false,
                },
                &xs,
                &[
                    Line {
                        name: "recorded".into(),
                        ys: ys.clone(),
                        color: BLUE_,
                    },
                    Line {
                        name: "equal".into(),
                        ys: xs.clone(),
                        color: GREY_,
                    },
                ],
                None,
            )?;
            body += &figure(
                "talk-qq",
                &svg,
                &json!({"fitted_quantile_s": xs, "recorded_s": ys}),
                &format!(
                    "Recorded talk time against the {} fit's quantiles; on the grey line they agree.",
                    best.family.name()
                ),
            );
            continue;
        }
        let xs: Vec<f64> = steps.iter().map(|s| s.t).collect();
        let lines = [
            Line {
                name: "Kaplan–Meier".into(),
                ys: steps.iter().map(|s| s.s).collect(),
                color: BLUE_,
            },
            Line {
                name: "95 % band".into(),
                ys: steps.iter().map(|s| s.lo).collect(),
                color: GREY_,
            },
            Line {
                name: "95 % band (upper)".into(),
                ys: steps.iter().map(|s| s.hi).collect(),
                color: GREY_,
            },
            Line {
                name: format!("{} fit", best.family.name()),
                ys: xs.iter().map(|&t| model(t)).collect(),
                color: ORANGE_,
            },
        ];
        let title = format!("{name}: survival");
        let svg = line_chart(
            &Frame {
                title: &title,
                x_desc: "seconds",
                y_desc: "still waiting",
                x_end: xs.last().copied().unwrap_or(1.0),
                counts: false,
            },
            &xs,
            &lines,
            None,
        )?;
        let id = name.replace(' ', "-");
        body += &figure(
            &id,
            &svg,
            &json!({"t_s": xs, "km": lines[0].ys, "lo": lines[1].ys, "hi": lines[2].ys, "fit": lines[3].ys}),
            "Kaplan–Meier estimate of the censored observations with its 95 % band, and the chosen fit.",
        );
    }
    if !est.by_hour.is_empty() {
        let xs: Vec<f64> = est.by_hour.iter().map(|h| h.0 as f64).collect();
        let share: Vec<f64> = est
            .by_hour
            .iter()
            .map(|h| h.1 as f64 / h.2.max(1) as f64)
            .collect();
        let ci: Vec<(f64, f64)> = est
            .by_hour
            .iter()
            .map(|h| crate::fit::wilson(h.1, h.2).unwrap_or((0.0, 1.0)))
            .collect();
        let lines = [
            Line {
                name: "answered share".into(),
                ys: share.clone(),
                color: BLUE_,
            },
            Line {
                name: "95 % interval".into(),
                ys: ci.iter().map(|c| c.0).collect(),
                color: GREY_,
            },
            Line {
                name: "95 % interval (upper)".into(),
                ys: ci.iter().map(|c| c.1).collect(),
                color: GREY_,
            },
        ];
        let svg = line_chart(
            &Frame {
                title: "answered share of ringing calls by hour",
                x_desc: "hour of day",
                y_desc: "share",
                x_end: xs.last().copied().unwrap_or(23.0),
                counts: false,
            },
            &xs,
            &lines,
            None,
        )?;
        body += "<h2>answer by hour</h2>\n";
        body += &figure(
            "answer-by-hour",
            &svg,
            &json!({"hour": xs, "share": share, "lo": lines[1].ys, "hi": lines[2].ys}),
            "The share of ringing calls answered, by the hour the call rang, with Wilson 95 % intervals.",
        );
    }
    if let Some(lines) = fit["backtest"]["figures"].as_array() {
        body += "<h2>back-test</h2>\n<table><tr><th>figure</th><th>recorded</th><th>95 %</th><th>simulated</th><th>95 %</th><th></th></tr>\n";
        let cell = |v: &Value| v.as_f64().map_or("-".to_string(), |x| format!("{x:.4}"));
        let pair = |v: &Value| match v.as_array() {
            Some(a) if a.len() == 2 => format!("{} – {}", cell(&a[0]), cell(&a[1])),
            _ => "-".into(),
        };
        for l in lines {
            body += &format!(
                "<tr><td style=\"text-align:left\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"{}\">{}</td></tr>\n",
                escape(l["figure"].as_str().unwrap_or("")),
                cell(&l["recorded"]),
                pair(&l["recorded_ci95"]),
                cell(&l["simulated"]),
                pair(&l["simulated_ci95"]),
                if l["disagrees"] == true { "bad" } else { "ok" },
                if l["disagrees"] == true {
                    "disagrees"
                } else {
                    "agrees"
                },
            );
        }
        body += "</table>\n";
    }
    Ok(page("dialsim fit", &body))
}
