//! Helpers the test files share: building scenarios, running the binary, temporary directories.

use assert_cmd::Command;
use dialsim::scenario::{self, Scenario};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// A checked scenario from its JSON; `name` stands for the file in messages.
pub fn from_json(v: &Value, name: &str) -> Scenario {
    let text = serde_json::to_string_pretty(v).expect("serialises");
    scenario::parse(&text, name)
        .and_then(|f| f.check(&text, Path::new(name)))
        .unwrap_or_else(|e| panic!("invalid test scenario {name}: {e}"))
}

/// A bundled scenario, edited before it is checked.
pub fn load(path: &str, edit: impl Fn(&mut Value)) -> Scenario {
    let text = std::fs::read_to_string(path).expect("scenario present");
    let mut v: Value = serde_json::from_str(&text).expect("JSON");
    edit(&mut v);
    from_json(&v, path)
}

/// The `dialsim` binary.
pub fn dialsim() -> Command {
    Command::cargo_bin("dialsim").expect("binary built")
}

/// A fresh temporary directory per test.
pub fn temp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("dialsim-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}
