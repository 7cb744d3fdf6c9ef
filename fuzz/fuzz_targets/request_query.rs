//! The query-string form: parsing and validation never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(raw) = dialsim::request::parse_query_string(text) {
        let _ = dialsim::request::validate(&raw, None);
    }
});
