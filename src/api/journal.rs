//! The journal on disk: `DIR/journal.jsonl`, one accepted operation a line, each written and
//! flushed to the disk (`fsync`) before the operation is answered. A last line cut short by a
//! crash was never answered, so it is dropped on reading (and said so); any other bad line is
//! an error naming its line.

use super::world::Entry;
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

/// An open journal.
#[derive(Debug)]
pub struct Journal {
    path: PathBuf,
    file: File,
}

impl Journal {
    /// Open (or create) the journal in `dir`, and read what it holds.
    pub fn open(dir: &Path) -> Result<(Journal, Vec<Entry>), String> {
        std::fs::create_dir_all(dir).map_err(|e| format!("--data {}: {e}", dir.display()))?;
        let path = dir.join("journal.jsonl");
        let mut entries = Vec::new();
        let mut good_len = 0u64;
        if path.exists() {
            let f = File::open(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            let mut reader = BufReader::new(f);
            let mut line = String::new();
            let mut n = 0;
            loop {
                line.clear();
                let read = reader
                    .read_line(&mut line)
                    .map_err(|e| format!("{}: {e}", path.display()))?;
                if read == 0 {
                    break;
                }
                n += 1;
                if !line.ends_with('\n') {
                    tracing::warn!(
                        "{}:{n}: a line cut short (a crash while writing it; it was never answered): dropped",
                        path.display()
                    );
                    break;
                }
                let e: Entry = serde_json::from_str(&line)
                    .map_err(|e| format!("{}:{n}: {e}", path.display()))?;
                entries.push(e);
                good_len += read as u64;
            }
        }
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .map_err(|e| format!("{}: {e}", path.display()))?;
        // Drop a torn tail so that the next line starts clean.
        file.set_len(good_len)
            .map_err(|e| format!("{}: {e}", path.display()))?;
        Ok((Journal { path, file }, entries))
    }

    /// Append one entry and flush it to the disk.
    pub fn append(&mut self, e: &Entry) -> Result<(), String> {
        let mut line = serde_json::to_string(e).map_err(|e| e.to_string())?;
        line.push('\n');
        self.file
            .write_all(line.as_bytes())
            .and_then(|()| self.file.sync_data())
            .map_err(|err| format!("{}: {err}", self.path.display()))
    }

    /// Where it is.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Map;

    fn entry(at_ms: u64) -> Entry {
        Entry {
            at_ms,
            action: "CloudStartTask".into(),
            params: Map::new(),
        }
    }

    #[test]
    fn a_torn_last_line_is_dropped_and_the_rest_kept() {
        let dir = std::env::temp_dir().join(format!("dialsim-journal-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let (mut j, none) = Journal::open(&dir).expect("opens");
        assert!(none.is_empty());
        j.append(&entry(1)).expect("append");
        j.append(&entry(2)).expect("append");
        drop(j);
        let path = dir.join("journal.jsonl");
        let mut text = std::fs::read_to_string(&path).expect("read");
        text.push_str("{\"at_ms\": 3, \"act");
        std::fs::write(&path, &text).expect("write");
        let (mut j, entries) = Journal::open(&dir).expect("opens");
        assert_eq!(entries, vec![entry(1), entry(2)]);
        // The torn tail is gone: the next line starts clean.
        j.append(&entry(4)).expect("append");
        drop(j);
        let (_, entries) = Journal::open(&dir).expect("opens");
        assert_eq!(entries, vec![entry(1), entry(2), entry(4)]);
        // A bad line that is not the last is an error naming it.
        std::fs::write(&path, "not json\n{}\n").expect("write");
        let e = Journal::open(&dir).expect_err("bad line");
        assert!(e.contains("journal.jsonl:1:"), "{e}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
