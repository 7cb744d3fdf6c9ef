//! The 10 000 000-number campaign: 1 000 agents dial a list of ten million numbers with the
//! platform pacer until it is finished (about a week of simulated time, every number dialled
//! once). Prints the wall time of the run, the events, and the process's peak resident memory.
//!
//!     cargo bench --bench campaign
//!
//! Not a criterion bench: one run of several seconds is the measurement.

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
    let agents = 1000u32;
    let cnos: Vec<String> = (0..agents).map(|i| (20_000 + i).to_string()).collect();
    v["name"] = json!("campaign-10m");
    v["duration_s"] = json!(14 * 86_400);
    v["bucket_s"] = json!(3600);
    v["enterprise"]["agents"] = json!({"count": agents, "first_cno": 20_000});
    v["enterprise"]["agent_groups"] = json!([{"id": "8001", "cnos": cnos}]);
    let req = &mut v["tasks"][0]["request"];
    req["Name"] = json!("campaign-10m");
    req["CallGroupType"] = json!(2);
    req["AgentGroup"] = json!("8001");
    if let Some(m) = req.as_object_mut() {
        m.remove("Cnos");
    }
    v["tasks"][0]["numbers"] = json!({"count": 10_000_000u64});
    v["expect"] = json!({});
    let text = v.to_string();
    let sc = dialsim::scenario::parse(&text, "campaign-10m")
        .and_then(|f| f.check(&text, Path::new("campaign-10m")))
        .expect("valid scenario");
    let started = Instant::now();
    let r = dialsim::world::engine::run(&sc, 1, None);
    let wall = started.elapsed();
    let t = &r.tasks[0];
    println!(
        "campaign-10m: {} agents, {} numbers: {} dialled, list finished at {:.1} simulated hours, {} events",
        agents,
        t.numbers_total,
        t.counts.placed,
        t.list_finished_at_s.unwrap_or(f64::NAN) / 3600.0,
        r.events
    );
    println!(
        "wall {:.2} s ({:.1} M events/s), peak RSS {} MiB",
        wall.as_secs_f64(),
        r.events as f64 / wall.as_secs_f64() / 1e6,
        peak_rss_kib().map(|k| k / 1024).unwrap_or(0)
    );
}
