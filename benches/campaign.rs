//! The 10 000 000-number campaign: 1 000 agents dial ten million numbers with the platform
//! pacer until the lists are finished (about a week of simulated time, every number dialled
//! once). The platform holds at most 1 000 000 numbers a task, so the campaign is ten tasks of
//! a million numbers and 100 agents each, running side by side. Prints the wall time of the
//! run, the events, and the process's peak resident memory.
//!
//!     cargo bench --bench campaign
//!
//! Not a criterion bench: one run of several seconds is the measurement. With `--test`
//! (`cargo bench -- --test`, as CI runs every bench) it runs a campaign a hundred times
//! smaller and checks that every list is finished, so the bench never rots.

use serde_json::{Value, json};
use std::path::Path;
use std::time::Instant;

fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
}

fn main() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/mid-team-50.json");
    let text = std::fs::read_to_string(path).expect("scenario");
    let mut v: Value = serde_json::from_str(&text).expect("JSON");
    let quick = std::env::args().any(|a| a == "--test");
    let agents = 1000u32;
    let tasks = 10u32;
    let per_task_numbers: u64 = if quick { 10_000 } else { 1_000_000 };
    let per_task = agents / tasks;
    v["name"] = json!("campaign-10m");
    v["duration_s"] = json!(14 * 86_400);
    v["bucket_s"] = json!(3600);
    v["enterprise"]["agents"] = json!({"count": agents, "first_cno": 20_000});
    let groups: Vec<Value> = (0..tasks)
        .map(|k| {
            let cnos: Vec<String> = (0..per_task)
                .map(|i| (20_000 + k * per_task + i).to_string())
                .collect();
            json!({"id": (8001 + k).to_string(), "cnos": cnos})
        })
        .collect();
    v["enterprise"]["agent_groups"] = json!(groups);
    let template = v["tasks"][0].clone();
    let task_specs: Vec<Value> = (0..tasks)
        .map(|k| {
            let mut t = template.clone();
            let req = &mut t["request"];
            req["Name"] = json!(format!("campaign-10m-{k}"));
            req["CallGroupType"] = json!(2);
            req["AgentGroup"] = json!((8001 + k).to_string());
            if let Some(m) = req.as_object_mut() {
                m.remove("Cnos");
            }
            t["numbers"] = json!({"count": per_task_numbers});
            t
        })
        .collect();
    v["tasks"] = json!(task_specs);
    v["expect"] = json!({});
    let text = v.to_string();
    let sc = dialsim::scenario::parse(&text, "campaign-10m")
        .and_then(|f| f.check(&text, Path::new("campaign-10m")))
        .expect("valid scenario");
    let started = Instant::now();
    let r = dialsim::world::engine::run(&sc, 1, None);
    let wall = started.elapsed();
    let numbers: u64 = r.tasks.iter().map(|t| t.numbers_total).sum();
    assert!(
        r.tasks.iter().all(|t| t.list_finished_at_s.is_some()),
        "every list is dialled to the end"
    );
    let placed: u64 = r.tasks.iter().map(|t| t.counts.placed).sum();
    let finished = r
        .tasks
        .iter()
        .map(|t| t.list_finished_at_s.unwrap_or(f64::NAN))
        .fold(0.0f64, f64::max);
    println!(
        "campaign-10m: {agents} agents in {tasks} tasks, {numbers} numbers: {placed} dialled, every list finished at {:.1} simulated hours, {} events",
        finished / 3600.0,
        r.events
    );
    println!(
        "wall {:.2} s ({:.1} M events/s), peak RSS {} MiB",
        wall.as_secs_f64(),
        r.events as f64 / wall.as_secs_f64() / 1e6,
        peak_rss_kib().map(|k| k / 1024).unwrap_or(0)
    );
}
