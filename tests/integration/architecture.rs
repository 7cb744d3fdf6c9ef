//! The map matches the territory: ARCHITECTURE.md's code map names every module of `src/` and
//! nothing else, and the top-level modules import each other in no circle.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Every `.rs` file under `dir`, relative to `src/`.
fn sources(dir: &Path, out: &mut Vec<String>) {
    for entry in std::fs::read_dir(dir).expect("readable src/") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().and_then(|e| e.to_str()) == Some("rs") {
            let rel = path.strip_prefix("src").expect("under src/");
            out.push(rel.to_string_lossy().replace('\\', "/"));
        }
    }
}

/// The module name a source file has in the map: `x` for `x.rs`, `x/` for `x/mod.rs`.
fn module_name(file: &str) -> Option<String> {
    match file {
        "lib.rs" | "main.rs" => None,
        f if f.ends_with("/mod.rs") => Some(f.trim_end_matches("mod.rs").to_string()),
        f => Some(f.trim_end_matches(".rs").to_string()),
    }
}

#[test]
fn the_code_map_lists_every_module_and_no_other() {
    let mut files = Vec::new();
    sources(Path::new("src"), &mut files);
    let modules: BTreeSet<String> = files.iter().filter_map(|f| module_name(f)).collect();
    let doc = std::fs::read_to_string("ARCHITECTURE.md").expect("ARCHITECTURE.md");
    let section = doc
        .split("## Code map")
        .nth(1)
        .and_then(|s| s.split("\n## ").next())
        .expect("a code map section");
    let mapped: BTreeSet<String> = section
        .lines()
        .filter_map(|l| l.strip_prefix("| `"))
        .filter_map(|l| l.split('`').next())
        .map(str::to_string)
        .collect();
    let missing: Vec<_> = modules.difference(&mapped).collect();
    let stale: Vec<_> = mapped.difference(&modules).collect();
    assert!(
        missing.is_empty(),
        "modules missing from the code map: {missing:?}"
    );
    assert!(stale.is_empty(), "code-map rows with no module: {stale:?}");
}

#[test]
fn top_level_modules_import_in_no_circle() {
    let mut files = Vec::new();
    sources(Path::new("src"), &mut files);
    let tops: BTreeSet<String> = files
        .iter()
        .map(|f| {
            f.split('/')
                .next()
                .unwrap_or(f)
                .trim_end_matches(".rs")
                .to_string()
        })
        .filter(|t| !matches!(t.as_str(), "lib" | "main" | "cli"))
        .collect();
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for f in &files {
        let top = f.split('/').next().unwrap_or(f).trim_end_matches(".rs");
        if !tops.contains(top) {
            continue;
        }
        let text = std::fs::read_to_string(Path::new("src").join(f)).expect("source");
        let uses = edges.entry(top.to_string()).or_default();
        for part in text.split("crate::").skip(1) {
            let name: String = part
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if name != top && tops.contains(&name) {
                uses.insert(name);
            }
        }
    }
    // Depth-first search for a back edge.
    fn visit(
        m: &str,
        edges: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(k) = path.iter().position(|x| x == m) {
            let mut circle = path[k..].to_vec();
            circle.push(m.to_string());
            return Some(circle);
        }
        if done.contains(m) {
            return None;
        }
        path.push(m.to_string());
        for next in edges.get(m).into_iter().flatten() {
            if let Some(c) = visit(next, edges, path, done) {
                return Some(c);
            }
        }
        path.pop();
        done.insert(m.to_string());
        None
    }
    let mut done = BTreeSet::new();
    for m in &tops {
        let circle = visit(m, &edges, &mut Vec::new(), &mut done);
        assert!(circle.is_none(), "an import circle: {:?}", circle);
    }
    // The direction the architecture states: the scenario does not run the world, pacing does
    // not read scenarios.
    assert!(!edges["scenario"].contains("world"));
    assert!(!edges["pacing"].contains("scenario"));
}
