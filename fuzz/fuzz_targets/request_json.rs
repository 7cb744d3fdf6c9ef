//! The request reader on arbitrary JSON: validation never panics, and a valid request
//! round-trips through `to_params`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(serde_json::Value::Object(raw)) = serde_json::from_str::<serde_json::Value>(text) else {
        return;
    };
    let v = dialsim::request::validate(&raw, None);
    if let Some(task) = v.task {
        let again = dialsim::request::validate(&task.to_params(), None);
        assert_eq!(again.task.as_ref(), Some(&task), "a valid request round-trips");
    }
});
