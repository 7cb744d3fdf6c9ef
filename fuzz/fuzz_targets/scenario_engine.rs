//! Structure-aware: small scenarios built from arbitrary parts (team, customers, pacer,
//! pacing parameters, IVR, prompt, music on hold, retries, breaks, operator actions) that
//! reach the engine. Built with debug assertions (cargo fuzz's default), so every engine
//! invariant is checked at every event: Concurrency, conservation of calls, agent state
//! times. The call records are checked too.
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use serde_json::{Value, json};
use std::path::Path;

#[derive(Arbitrary, Debug)]
struct Action {
    at_s: u16,
    kind: u8,
    value: u16,
}

#[derive(Arbitrary, Debug)]
struct Break {
    agent: u8,
    start_s: u16,
    duration_s: u16,
}

#[derive(Arbitrary, Debug)]
struct Fuzzed {
    agents: u8,
    numbers: u16,
    duration_min: u8,
    answer_pct: u8,
    busy_pct: u8,
    patience_s: u8,
    talk_s: u8,
    wrapup_s: u8,
    pacer: u8,
    quotiety: u16,
    concurrency: u8,
    call_strategy: u8,
    min_available: u8,
    agent_timeout: u8,
    customer_timeout: u8,
    ivr: bool,
    prompt: bool,
    moh: bool,
    automatic: bool,
    retry: bool,
    actions: Vec<Action>,
    breaks: Vec<Break>,
}

fn scenario(f: &Fuzzed) -> Value {
    let agents = u32::from(f.agents % 30) + 1;
    let cnos: Vec<String> = (0..agents).map(|i| (1000 + i).to_string()).collect();
    let pacer = match f.pacer % 7 {
        0 => json!("platform"),
        1 => json!("progressive"),
        2 => json!({"ratio": {"per_idle_agent": 1.0 + f64::from(f.pacer % 3)}}),
        3 => json!({"poisson": {"calls_per_s": 0.05 + f64::from(f.pacer % 5) * 0.2}}),
        4 => json!("adaptive"),
        5 => json!("adaptive-tapered"),
        _ => json!("clairvoyant"),
    };
    let mut request = json!({
        "EnterpriseId": 36, "Name": "t",
        "Type": if f.automatic { 2 } else { 1 },
        "Quotiety": format!("{:.2}", f64::from(f.quotiety % 2000 + 1) / 100.0),
        "Concurrency": f.concurrency % 40,
        "CallStrategy": (f.call_strategy % 4 + 1).to_string(),
        "MinAvailableAgentCount": f.min_available % 10 + 1,
        "AgentTimeout": f.agent_timeout % 56 + 5,
        "CustomerTimeout": f.customer_timeout % 56 + 5,
        "Wrapup": u32::from(f.wrapup_s) + 1,
    });
    let r = request.as_object_mut().expect("object");
    if f.automatic {
        r.insert("IvrId".into(), json!(42));
        r.insert("Concurrency".into(), json!(f.concurrency % 20 + 1));
    } else {
        r.insert("Cnos".into(), json!(cnos.join(",")));
        if f.ivr {
            r.insert("IvrId".into(), json!(42));
        }
    }
    if f.prompt {
        r.insert("CustomerVoice".into(), json!("prompt"));
    }
    if f.moh {
        r.insert("CustomerMoh".into(), json!("moh"));
    }
    if f.retry {
        r.insert(
            "RetryStrategy".into(),
            json!("{\"retry\":1,\"strategy\":[{\"round\":1,\"time\":\"0-0-1\"}]}"),
        );
    }
    let ops = ["StartTask", "PauseTask", "UpdateTask", "ImportTaskTel", "DeleteTaskTel", "DeleteTask"];
    let actions: Vec<Value> = f
        .actions
        .iter()
        .take(4)
        .map(|a| {
            let op = ops[usize::from(a.kind) % ops.len()];
            let params = match op {
                "PauseTask" => json!({"PauseDuration": a.value % 10}),
                "UpdateTask" => match a.value % 4 {
                    0 => json!({"Concurrency": a.value % 30}),
                    1 => json!({"CallStrategy": ((a.value % 4) + 1).to_string()}),
                    2 => json!({"Quotiety": (a.value % 20) + 1}),
                    _ => json!({"Wrapup": (a.value % 100) + 1}),
                },
                "ImportTaskTel" | "DeleteTaskTel" => json!({"count": a.value % 500}),
                _ => json!({}),
            };
            json!({"at_s": a.at_s % 7200, "task": "t", "action": op, "params": params})
        })
        .collect();
    let breaks: Vec<Value> = f
        .breaks
        .iter()
        .take(4)
        .map(|b| {
            json!({"cnos": [(1000 + u32::from(b.agent) % agents).to_string()],
                   "start_s": b.start_s % 7200, "duration_s": u32::from(b.duration_s % 3600) + 1})
        })
        .collect();
    json!({
        "name": "fuzz",
        "seed": 7,
        "start": "2026-01-05T09:00:00",
        "duration_s": (u32::from(f.duration_min % 120) + 1) * 60,
        "enterprise": {
            "id": 36,
            "agents": {"count": agents, "first_cno": 1000},
            "agent_behaviour": {"talk_s": {"exponential": {"mean": u32::from(f.talk_s) + 1}},
                                "wrapup_s": {"exponential": {"mean": u32::from(f.wrapup_s) + 1}},
                                "answer_delay_s": 1},
            "ivrs": [{"id": 42, "name": "ivr", "duration_s": 20}],
            "voices": [{"path": "prompt", "duration_s": 3}, {"path": "moh", "duration_s": 30}],
            "breaks": breaks
        },
        "customers": {
            "answer_probability": f64::from(f.answer_pct % 101) / 100.0,
            "busy_probability": f64::from(f.busy_pct % 31) / 100.0,
            "time_to_answer_s": {"exponential": {"mean": 8}},
            "patience_s": {"exponential": {"mean": u32::from(f.patience_s) + 1}}
        },
        "tasks": [{"request": request, "numbers": {"count": f.numbers % 3000}, "pacer": pacer}],
        "actions": actions
    })
}

fuzz_target!(|f: Fuzzed| {
    let text = scenario(&f).to_string();
    let Ok(file) = dialsim::scenario::parse(&text, "fuzz.json") else {
        return;
    };
    let Ok(sc) = file.check(&text, Path::new("fuzz.json")) else {
        return;
    };
    let run = dialsim::world::engine::run_with(&sc, 7, None, true);
    for c in &run.calls {
        assert!(c.end_ms >= c.start_ms, "a call ends before it starts: {c:?}");
        assert!((40..=43).contains(&c.status), "status {c:?}");
        if let (Some(a), Some(b)) = (c.answer_ms, c.bridge_ms) {
            assert!(b >= a, "bridged before answered: {c:?}");
        }
    }
    let _ = dialsim::report::run_json(&sc, &run);
});
