//! Output: printing to stdout without panicking, and writing files atomically.
//!
//! stdout: a closed pipe (`dialsim run ... | head`) ends the program quietly with exit 0
//! ([`StdoutClosed`]); any other write error (a full device) is a clean error and a non-zero
//! exit. Files: a regular file (or a new one) is written to a temporary file in the same
//! directory and renamed into place, so an interrupted run never leaves a half-written file;
//! a FIFO or a device is written through, never replaced; a symbolic link is followed and its
//! target written atomically.

use std::io::Write;
use std::path::Path;

/// The reader of stdout has gone (a closed pipe): the program stops quietly.
#[derive(Debug, thiserror::Error)]
#[error("stdout was closed")]
pub struct StdoutClosed;

/// Write `text` to stdout; a closed pipe is [`StdoutClosed`], anything else an error.
pub fn stdout(text: &str) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Err(StdoutClosed.into()),
        Err(e) => Err(anyhow::anyhow!("writing to stdout: {e}")),
    }
}

/// `print!` that never panics: see [`stdout`].
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::cli::output::stdout(&format!($($arg)*))?
    };
}

/// `println!` that never panics: see [`stdout`].
macro_rules! outln {
    ($($arg:tt)*) => {
        $crate::cli::output::stdout(&format!("{}\n", format_args!($($arg)*)))?
    };
}

/// Write `bytes` to `path`: atomically for a regular or new file, through for a FIFO or a
/// device, at the target of a symbolic link. A directory is refused.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    write_following(path, bytes, 0)
}

/// [`write_atomic`], `depth` links deep.
fn write_following(path: &Path, bytes: &[u8], depth: u32) -> anyhow::Result<()> {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => {
            if depth >= 16 {
                return Err(anyhow::anyhow!(
                    "{}: too many levels of symbolic links",
                    path.display()
                ));
            }
            let link = std::fs::read_link(path)
                .map_err(|e| anyhow::anyhow!("{}: cannot read the link: {e}", path.display()))?;
            let target = match path.parent() {
                Some(dir) if link.is_relative() => dir.join(link),
                _ => link,
            };
            write_following(&target, bytes, depth + 1)
        }
        Ok(m) if m.is_dir() => Err(anyhow::anyhow!("{}: is a directory", path.display())),
        Ok(m) if !m.is_file() => {
            // A FIFO, a character or block device, a socket: write through, never replace.
            let mut f = std::fs::OpenOptions::new()
                .write(true)
                .open(path)
                .map_err(|e| anyhow::anyhow!("{}: cannot write: {e}", path.display()))?;
            f.write_all(bytes)
                .and_then(|()| f.flush())
                .map_err(|e| anyhow::anyhow!("{}: cannot write: {e}", path.display()))
        }
        _ => replace_atomically(path, bytes),
    }
}

fn replace_atomically(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)
        .map_err(|e| anyhow::anyhow!("{}: cannot create directory: {e}", dir.display()))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "out".into());
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let written = (|| -> std::io::Result<()> {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()
    })();
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(anyhow::anyhow!("{}: cannot write: {e}", tmp.display()));
    }
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        anyhow::anyhow!("{}: cannot rename into place: {e}", path.display())
    })
}
