//! The sweep grid: `--set` arguments (one a line) parse or are refused, never panic; a grid
//! within the limits prepares its cells on the bundled quickstart scenario.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::path::Path;

const QUICKSTART: &str = include_str!("../../scenarios/quickstart.json");

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let axes: Result<Vec<_>, _> = text.lines().take(4).map(dialsim::sweep::parse_set).collect();
    let Ok(axes) = axes else {
        return;
    };
    let cells: usize = axes.iter().map(|a| a.values.len()).product();
    if axes.is_empty() || cells > 8 {
        return;
    }
    let file = dialsim::scenario::parse(QUICKSTART, "quickstart.json").expect("bundled scenario");
    let _ = dialsim::sweep::prepare(&file, QUICKSTART, Path::new("quickstart.json"), &axes);
});
