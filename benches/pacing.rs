//! One pacing decision of the platform pacer at 10, 100, 1 000 and 10 000 agents.
//!
//! The input is the O(1) summary the engine maintains, for a busy floor (about 10 % idle, 20 %
//! in wrap-up, the rest talking, a ringing backlog of 1.5 calls per idle agent) that moves
//! from second to second as a real one does: a fixed pseudo-random walk of 1 024 inputs,
//! replayed in order. The pacer has measured answer rate, ring and talk times as after an
//! hour of dialling.

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use dialsim::pacing::{Feedback, PaceInput, Pacer, PlatformPacer};
use dialsim::request::validate;
use std::hint::black_box;

fn pacer() -> PlatformPacer {
    let raw = serde_json::json!({
        "EnterpriseId": 36, "Name": "bench", "Type": 1, "CallGroupType": 1, "Cnos": "1000",
        "Quotiety": 3, "MinAvailableAgentCount": 1
    });
    let raw = raw.as_object().expect("an object").clone();
    let task = validate(&raw, None).task.expect("valid request");
    let mut p = PlatformPacer::new(&task, 0.0);
    for i in 0..1000u64 {
        p.feedback(Feedback::AttemptEnded {
            answered: i % 3 == 0,
            ring_ms: 9000,
        });
        p.feedback(Feedback::TwoSecondRule {
            abandoned: i % 40 == 0,
        });
        p.feedback(Feedback::TalkEnded { talk_ms: 180_000 });
    }
    p
}

/// A walk of inputs: idle and ringing agents drift by a few percent per second.
fn walk(agents: u32) -> Vec<PaceInput> {
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let base_idle = f64::from(agents) / 10.0;
    let mut drift = 0.0f64;
    (0..1024u64)
        .map(|i| {
            drift = (drift + (next() % 201) as f64 / 100.0 - 1.0).clamp(-5.0, 5.0);
            let idle = (base_idle * (1.0 + drift / 20.0)).round().max(0.0) as u32;
            let wrapping = agents / 5;
            let ringing = idle * 3 / 2 + (next() % 3) as u32;
            PaceInput {
                now_ms: 3_600_000 + i * 1000,
                idle,
                wrapping,
                wrap_remaining_ms: u64::from(wrapping) * 10_000,
                talking: agents.saturating_sub(idle + wrapping),
                idle_time_ms: u64::from(idle) * 5_000,
                waiting: agents / 200,
                ringing,
                in_progress: agents + ringing,
                warming_up: false,
                available: agents,
            }
        })
        .collect()
}

fn decision(c: &mut Criterion) {
    let mut g = c.benchmark_group("platform_pacer_decision");
    for agents in [10u32, 100, 1_000, 10_000] {
        let inputs = walk(agents);
        g.bench_with_input(BenchmarkId::from_parameter(agents), &inputs, |b, inputs| {
            let mut p = pacer();
            let mut i = 0usize;
            b.iter(|| {
                i = (i + 1) & 1023;
                black_box(p.decide(black_box(&inputs[i])))
            });
        });
    }
    g.finish();
}

criterion_group!(benches, decision);
criterion_main!(benches);
