//! Resource bounds, in one place: every input beyond one of these is refused with a clear
//! error before any work starts (exit 2), so no input can exhaust the machine. The platform's
//! own limits ([`crate::platform`]) apply to scenarios exactly as to API calls.
//!
//! | What | Limit | Why |
//! |---|---|---|
//! | a scenario, request or sweep file | [`MAX_INPUT_BYTES`] (64 MiB) | `/dev/zero` must not be read forever |
//! | a number list file | [`MAX_NUMBER_FILE_BYTES`] (256 MiB) | a million numbers fit many times over |
//! | agents in an enterprise | [`MAX_AGENTS`] (100 000) | |
//! | numbers per task / per batch / per enterprise | the platform's 1 000 000 / 100 000 / 10 000 000 | |
//! | tasks per scenario | the platform's 100 per enterprise | |
//! | operator actions | [`MAX_ACTIONS`] (10 000) | |
//! | replications (`--reps`, `reps`) | [`MAX_REPS`] (10 000) | |
//! | sweep cells | [`MAX_CELLS`] (10 000) | every cell is validated before any runs |
//! | sweep threads (`--threads`) | [`MAX_THREADS`] (256) | |
//! | Erlang-A states | [`MAX_THEORY_STATES`] (1 000 000) | beyond it the estimate is skipped with a note |

/// Largest scenario, request or sweep file read, bytes.
pub const MAX_INPUT_BYTES: u64 = 64 << 20;
/// Largest number list file read, bytes.
pub const MAX_NUMBER_FILE_BYTES: u64 = 256 << 20;
/// Most agents an enterprise may have.
pub const MAX_AGENTS: u64 = 100_000;
/// Most operator actions in a scenario.
pub const MAX_ACTIONS: usize = 10_000;
/// Most replications of a run.
pub const MAX_REPS: u32 = 10_000;
/// Most cells in a sweep grid.
pub const MAX_CELLS: usize = 10_000;
/// Most worker threads of a sweep.
pub const MAX_THREADS: usize = 256;
/// Most states of the Erlang-A chain the theory solver builds.
pub const MAX_THEORY_STATES: usize = 1_000_000;

/// Read a text file of at most `cap` bytes; a larger one (or an endless one, such as
/// `/dev/zero`) is an error naming the cap, found after reading at most `cap + 1` bytes.
pub fn read_capped(path: &std::path::Path, cap: u64) -> std::io::Result<String> {
    use std::io::Read;
    let file = std::fs::File::open(path)?;
    let mut bytes = Vec::new();
    file.take(cap + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > cap {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            format!("larger than {} MiB, the most dialsim reads", cap >> 20),
        ));
    }
    String::from_utf8(bytes)
        .map_err(|_| std::io::Error::new(std::io::ErrorKind::InvalidData, "not UTF-8 text"))
}
