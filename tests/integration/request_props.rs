//! Property tests: accepted requests round-trip; no input panics the validator.

use dialsim::request::parse::is_common_param;
use dialsim::request::{PARAMS, validate};
use proptest::prelude::*;
use serde_json::{Map, Value, json};

fn scalar() -> impl Strategy<Value = Value> {
    prop_oneof![
        any::<i64>().prop_map(Value::from),
        (-1000i64..1000).prop_map(Value::from),
        (0.0f64..50.0).prop_map(|f| json!(f)),
        "[0-9]{1,4}".prop_map(Value::from),
        "[0-9]{1,2}\\.[0-9]{1,3}".prop_map(Value::from),
        ".{0,12}".prop_map(Value::from),
        Just(json!(null)),
        Just(json!(true)),
        Just(json!([1, "a"])),
        Just(json!({"retry": 1, "strategy": [{"round": 1, "time": "0-0-5"}]})),
        Just(json!("[{\"name\":\"a\",\"value\":\"b\"}]")),
        Just(json!(
            "{\"strategy\":[{\"sort\":1,\"type\":\"firstCall\",\"orderType\":1}]}"
        )),
        Just(json!("1000,1001")),
        Just(json!("2026-02-03")),
        Just(json!("09:30:00")),
    ]
}

fn request() -> impl Strategy<Value = Map<String, Value>> {
    proptest::collection::vec((0..PARAMS.len(), scalar()), 0..20).prop_map(|pairs| {
        let mut m: Map<String, Value> =
            json!({"EnterpriseId": 36, "Name": "n", "Type": 1, "Cnos": "1000"})
                .as_object()
                .cloned()
                .unwrap_or_default();
        for (i, v) in pairs {
            m.insert(PARAMS[i].to_string(), v);
        }
        m
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn validator_never_panics_and_accepted_requests_round_trip(raw in request()) {
        let v = validate(&raw, None);
        prop_assert_eq!(v.task.is_some(), v.problems.is_empty());
        if let Some(task) = v.task {
            let params = task.to_params();
            let text = serde_json::to_string(&params).expect("serialises");
            let back: Map<String, Value> = serde_json::from_str(&text).expect("parses");
            let again = validate(&back, None);
            prop_assert!(again.problems.is_empty(), "{:?}", again.problems);
            prop_assert_eq!(again.task, Some(task));
        }
    }

    #[test]
    fn an_unknown_key_is_named_and_never_panics(key in ".{0,20}", value in scalar()) {
        // A valid request plus one key that is neither a parameter nor a common one: the
        // request becomes invalid, and a problem names that key (a typo must not pass).
        prop_assume!(!PARAMS.contains(&key.as_str()) && !is_common_param(&key));
        let mut raw: Map<String, Value> =
            json!({"EnterpriseId": 36, "Name": "n", "Type": 1, "Cnos": "1000"})
                .as_object()
                .cloned()
                .unwrap_or_default();
        prop_assert!(validate(&raw, None).task.is_some(), "the base request is valid");
        raw.insert(key.clone(), value);
        let v = validate(&raw, None);
        prop_assert!(v.task.is_none());
        prop_assert!(v.problems.iter().any(|p| p.param == key), "{:?}", v.problems);
    }
}
