//! The scenario loader: parsing and checking any text never panics (number files are left
//! out: reading them is I/O, bounded by `limits`, not parsing).
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if text.contains("\"file\"") {
        return;
    }
    if let Ok(file) = dialsim::scenario::parse(text, "fuzz.json") {
        let _ = file.check(text, Path::new("fuzz.json"));
    }
});
