//! The readers of a stored sweep never panic: `sweep-meta.json`, `cells.jsonl` as a resume
//! reads it (line by line) and as a merge reads it (`parse_cells`, strict), and the reports
//! a merge averages.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = serde_json::from_str::<dialsim::sweep::SweepMeta>(text);
    let _ = dialsim::sweep::parse_cells(text, 8);
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
