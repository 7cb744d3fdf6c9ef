//! Engine throughput on the reference model dialer-ref v1 (`scenarios/dialer-ref-v1-100.json`
//! with the team resized): events per second at 100, 1 000 and 5 000 agents, one simulated
//! hour per iteration. criterion reports the throughput in events (elements) per second.

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use dialsim::scenario::{self, Scenario};
use serde_json::Value;
use std::hint::black_box;
use std::path::Path;

/// The reference scenario with `agents` agents and `hours` simulated hours.
pub fn reference(agents: u32, hours: u32) -> Scenario {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/scenarios/dialer-ref-v1-100.json"
    );
    let text = std::fs::read_to_string(path).expect("reference scenario");
    let mut v: Value = serde_json::from_str(&text).expect("JSON");
    v["duration_s"] = Value::from(hours * 3600);
    v["enterprise"]["agents"]["count"] = Value::from(agents);
    let first = v["enterprise"]["agents"]["first_cno"]
        .as_u64()
        .expect("first_cno");
    let cnos: Vec<String> = (0..u64::from(agents))
        .map(|i| (first + i).to_string())
        .collect();
    v["enterprise"]["agent_groups"][0]["cnos"] = Value::from(cnos);
    // The platform holds at most 1 000 000 numbers a task: plenty for an hour (or eight).
    v["tasks"][0]["numbers"]["count"] = Value::from((u64::from(agents) * 2000).min(1_000_000));
    let text = v.to_string();
    scenario::parse(&text, path)
        .and_then(|f| f.check(&text, Path::new(path)))
        .expect("valid scenario")
}

fn throughput(c: &mut Criterion) {
    let mut g = c.benchmark_group("engine_reference_model_1h");
    g.sample_size(10);
    for agents in [100u32, 1_000, 5_000] {
        let sc = reference(agents, 1);
        let events = dialsim::world::engine::run(&sc, 1, None).events;
        g.throughput(Throughput::Elements(events));
        g.bench_with_input(BenchmarkId::from_parameter(agents), &sc, |b, sc| {
            b.iter(|| black_box(dialsim::world::engine::run(sc, 1, None).events));
        });
    }
    g.finish();
}

criterion_group!(benches, throughput);
criterion_main!(benches);
