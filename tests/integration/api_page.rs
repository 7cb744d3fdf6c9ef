//! The API page's own example request validates, and its example response round-trips.

use dialsim::request::{ApiResponse, TaskType, validate};
use serde_json::Value;

fn fixture(path: &str) -> Value {
    let text = std::fs::read_to_string(path).expect("fixture present");
    serde_json::from_str(&text).expect("fixture is JSON")
}

#[test]
fn example_request_validates() {
    let raw = fixture("scenarios/requests/api-page-example.json");
    let v = validate(raw.as_object().expect("object"), None);
    assert!(v.problems.is_empty(), "{:#?}", v.problems);
    let t = v.task.expect("valid");
    assert_eq!(t.task_type, TaskType::Predictive);
    assert_eq!(t.quotiety.0, 1762);
    assert_eq!(t.description.as_deref(), Some("Task Description"));
    assert_eq!(t.cnos, vec!["1111", "2222"]);
    assert_eq!(
        t.user_fields,
        vec![
            ("name".into(), "1234".into()),
            ("name1".into(), "12345".into())
        ]
    );
    assert_eq!(t.warm_up_s, 93);
    assert!(!t.rewarm);
}

#[test]
fn example_response_round_trips() {
    let value = fixture("tests/fixtures/api-page-response.json");
    let parsed: ApiResponse = serde_json::from_value(value.clone()).expect("deserialises");
    assert_eq!(parsed.data.as_ref().and_then(|d| d.auto_complete), Some(1));
    assert_eq!(serde_json::to_value(&parsed).expect("serialises"), value);
}
