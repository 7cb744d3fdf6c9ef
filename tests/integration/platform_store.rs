//! The platform store: limits, AutoDelete, lifecycle, exclusivity, imports.

use dialsim::enterprise::{Agent, AgentGroup, Enterprise};
use dialsim::platform::{ImportBatch, MAX_BATCH, MAX_TASKS, Platform};
use dialsim::request::{DedupMode, StatusTrigger, TaskStatus};
use jiff::civil::{DateTime, date};
use serde_json::{Map, Value, json};

fn at(min: i8) -> DateTime {
    date(2026, 1, 5).at(9, min, 0, 0)
}

fn platform() -> Platform {
    Platform::new(Enterprise {
        id: 36,
        agents: (1000..1010).map(|c| Agent { cno: c.to_string() }).collect(),
        agent_groups: vec![AgentGroup {
            id: "33".into(),
            cnos: vec!["1000".into(), "1001".into()],
        }],
        ..Enterprise::default()
    })
}

fn req(name: &str, extra: Value) -> Map<String, Value> {
    let mut m = json!({"EnterpriseId": 36, "Name": name, "Type": 1, "Cnos": "1000,1001"})
        .as_object()
        .cloned()
        .expect("object");
    m.extend(extra.as_object().cloned().unwrap_or_default());
    m
}

fn create(p: &mut Platform, name: &str, extra: Value) -> u64 {
    let r = p.create_task(&req(name, extra), at(0));
    assert!(r.is_ok(), "{}", r.message);
    r.data
        .and_then(|d| d.id)
        .and_then(|i| i.parse().ok())
        .expect("id")
}

#[test]
fn task_limit_fails_whole_and_changes_nothing() {
    let mut p = platform();
    for i in 0..MAX_TASKS {
        create(&mut p, &format!("t{i}"), json!({}));
    }
    let r = p.create_task(&req("one-too-many", json!({})), at(1));
    assert_eq!(r.code, "LimitExceeded.Task");
    assert!(r.data.is_none());
    assert_eq!(p.tasks().count(), MAX_TASKS);
    // AutoDelete with no ended task fails too.
    let r = p.create_task(&req("auto", json!({"AutoDelete": 1})), at(1));
    assert_eq!(r.code, "LimitExceeded.Task");
    assert_eq!(p.tasks().count(), MAX_TASKS);
}

#[test]
fn auto_delete_removes_the_earliest_ended_task() {
    let mut p = platform();
    for i in 0..MAX_TASKS {
        create(&mut p, &format!("t{i}"), json!({}));
    }
    p.end_task(7, at(2), "test");
    p.end_task(3, at(3), "test");
    let r = p.create_task(&req("auto", json!({"AutoDelete": 1})), at(4));
    assert!(r.is_ok(), "{}", r.message);
    assert!(p.task(3).is_none(), "the earliest-created ended task goes");
    assert!(p.task(7).is_some());
    assert_eq!(p.tasks().count(), MAX_TASKS);
}

fn batch(range: std::ops::Range<u64>) -> ImportBatch {
    ImportBatch {
        numbers: range.map(|n| (format!("138{n:08}"), vec![])).collect(),
        ..ImportBatch::default()
    }
}

#[test]
fn import_limits_and_dedup() {
    let mut p = platform();
    let id = create(&mut p, "t", json!({}));
    let r = p.import_task_tel(id, &batch(0..(MAX_BATCH as u64 + 1)), at(1));
    assert_eq!(r.code, "LimitExceeded.Number");
    assert_eq!(p.numbers_total(), 0);
    let r = p.import_task_tel(id, &batch(0..100), at(1));
    assert_eq!(
        r.data.as_ref().map(|d| d["Imported"].clone()),
        Some(json!(100))
    );
    let r = p.import_task_tel(id, &batch(50..150), at(1));
    assert_eq!(
        r.data
            .as_ref()
            .map(|d| (d["Imported"].clone(), d["Duplicates"].clone())),
        Some((json!(50), json!(50)))
    );
    let none = ImportBatch {
        dedup: Some(DedupMode::None),
        ..batch(0..10)
    };
    p.import_task_tel(id, &none, at(1));
    assert_eq!(p.numbers_total(), 160);
    let r = p.delete_task_tel(id, &["13800000000".to_string()]);
    assert_eq!(r.data.map(|d| d["Deleted"].clone()), Some(json!(2)));
    assert_eq!(p.numbers_total(), 158);
}

#[test]
fn per_task_number_limit() {
    let mut p = platform();
    let id = create(&mut p, "t", json!({}));
    for b in 0..10u64 {
        let r = p.import_task_tel(id, &batch(b * 100_000..(b + 1) * 100_000), at(1));
        assert!(r.is_ok(), "{}", r.message);
    }
    let r = p.import_task_tel(id, &batch(2_000_000..2_000_001), at(1));
    assert_eq!(r.code, "LimitExceeded.Number");
    assert_eq!(p.numbers_total(), 1_000_000);
}

#[test]
fn an_agent_is_in_one_running_task() {
    let mut p = platform();
    let a = create(&mut p, "a", json!({"Cnos": "1000,1001"}));
    let b = create(&mut p, "b", json!({"Cnos": "1001,1002"}));
    let c = create(&mut p, "c", json!({"Cnos": "1003"}));
    assert!(
        p.start_task(a, at(1), StatusTrigger::Person, "StartTask")
            .is_ok()
    );
    let r = p.start_task(b, at(1), StatusTrigger::Person, "StartTask");
    assert_eq!(r.code, "Conflict.AgentBusy");
    assert!(r.message.contains("1001"));
    assert!(
        p.start_task(c, at(1), StatusTrigger::Person, "StartTask")
            .is_ok()
    );
    assert!(
        p.pause_task(a, 0, at(2), StatusTrigger::Person, "PauseTask")
            .is_ok()
    );
    assert!(
        p.start_task(b, at(3), StatusTrigger::Person, "StartTask")
            .is_ok()
    );
}

#[test]
fn a_group_runs_one_task_at_a_time() {
    let mut p = platform();
    let g = json!({"CallGroupType": 2, "AgentGroup": "33", "Cnos": null});
    let mut r1 = req("g1", json!({}));
    r1.remove("Cnos");
    r1.extend(
        g.as_object()
            .cloned()
            .unwrap_or_default()
            .into_iter()
            .filter(|(_, v)| !v.is_null()),
    );
    let mut r2 = r1.clone();
    r2.insert("Name".into(), json!("g2"));
    let a = p
        .create_task(&r1, at(0))
        .data
        .and_then(|d| d.id)
        .and_then(|i| i.parse::<u64>().ok())
        .expect("created");
    let b = p
        .create_task(&r2, at(0))
        .data
        .and_then(|d| d.id)
        .and_then(|i| i.parse::<u64>().ok())
        .expect("created");
    assert!(
        p.start_task(a, at(1), StatusTrigger::Person, "StartTask")
            .is_ok()
    );
    assert_eq!(
        p.start_task(b, at(1), StatusTrigger::Person, "StartTask")
            .code,
        "Conflict.AgentGroupBusy"
    );
}

#[test]
fn lifecycle_and_deletion_rules() {
    let mut p = platform();
    let id = create(&mut p, "t", json!({}));
    p.import_task_tel(id, &batch(0..10), at(0));
    assert!(
        p.start_task(id, at(1), StatusTrigger::Person, "StartTask")
            .is_ok()
    );
    assert_eq!(p.delete_task(id).code, "InvalidStatus.Task");
    assert!(
        p.pause_task(id, 30, at(2), StatusTrigger::Person, "PauseTask")
            .is_ok()
    );
    assert_eq!(
        p.task(id).and_then(|t| t.paused_until),
        Some(date(2026, 1, 5).at(9, 32, 0, 0))
    );
    p.end_task(id, at(3), "AutoComplete");
    assert_eq!(
        p.start_task(id, at(4), StatusTrigger::Person, "StartTask")
            .code,
        "InvalidStatus.Task"
    );
    *p.call_records.entry(id).or_default() += 10;
    assert!(p.delete_task(id).is_ok());
    assert_eq!(p.numbers_total(), 0);
    assert_eq!(
        p.call_records.get(&id),
        Some(&10),
        "call records outlive the task"
    );
    let statuses: Vec<i64> = vec![0, 1, 2, 3];
    let _ = statuses; // history checked below on a fresh task
    let id2 = create(&mut p, "u", json!({}));
    p.start_task(id2, at(5), StatusTrigger::Person, "StartTask");
    let h: Vec<(i64, i64)> = p
        .task(id2)
        .map(|t| t.history.iter().map(|c| (c.status, c.trigger)).collect())
        .unwrap_or_default();
    assert_eq!(h, vec![(0, 1), (1, 1)]);
    assert_eq!(p.task(id2).map(|t| t.status), Some(TaskStatus::Running));
}

#[test]
fn update_refuses_immutable_parameters_and_revalidates() {
    let mut p = platform();
    let id = create(&mut p, "t", json!({}));
    assert_eq!(
        p.update_task(id, json!({"Type": 2}).as_object().expect("o"))
            .code,
        "InvalidParameter.Immutable"
    );
    assert_eq!(
        p.update_task(id, json!({"Wrapup": 0}).as_object().expect("o"))
            .code,
        "InvalidParameter"
    );
    assert!(
        p.update_task(id, json!({"Wrapup": 60}).as_object().expect("o"))
            .is_ok()
    );
    assert_eq!(p.task(id).map(|t| t.task.wrapup_s), Some(60));
}

#[test]
fn is_random_reports_a_random_first_call_order_only() {
    let mut p = platform();
    let is_random = |p: &mut Platform, name: &str, strategy: Value| {
        let r = p.create_task(
            &req(name, json!({"CallPriorityStrategy": strategy.to_string()})),
            at(0),
        );
        assert!(r.is_ok(), "{}", r.message);
        r.data.and_then(|d| d.is_random).expect("IsRandom")
    };
    let random = json!({"strategy": [{"sort": 1, "type": "firstCall", "orderType": 1}]});
    assert_eq!(is_random(&mut p, "random", random), "1");
    let by_priority = json!({"strategy": [{"sort": 1, "type": "firstCall", "orderType": 0}]});
    assert_eq!(is_random(&mut p, "priority", by_priority), "0");
    // A random order given to the retry pool is not the first call's.
    let retry_random = json!({"strategy": [
        {"sort": 1, "type": "retryCall", "orderType": 1},
        {"sort": 2, "type": "firstCall", "orderType": 2}
    ]});
    assert_eq!(is_random(&mut p, "retry", retry_random), "0");
    // A refusal is not OK.
    let refused = p.start_task(999, at(1), StatusTrigger::Person, "test");
    assert!(!refused.is_ok());
    assert_eq!(refused.code, "NotFound.Task");
}
