//! The readers of a stored sweep: cell lines (`cells.jsonl`) and reports to merge never
//! panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut reports = Vec::new();
    for line in text.lines().take(16) {
        let _ = serde_json::from_str::<dialsim::sweep::CellResult>(line);
        if let Ok(v) = serde_json::from_str::<serde_json::Value>(line) {
            reports.push(v);
        }
    }
    if !reports.is_empty() {
        let _ = dialsim::report::merge(&reports);
    }
});
