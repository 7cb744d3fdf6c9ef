//! The `dialsim` command line: parse, call the library, map results to exit codes.

use std::process::ExitCode;

mod cli;

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .with_writer(std::io::stderr)
        .init();
    match cli::run() {
        Ok(code) => code,
        // The reader of stdout went away (`dialsim run ... | head`): end quietly.
        Err(e) if e.downcast_ref::<cli::StdoutClosed>().is_some() => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("dialsim: error: {e:#}");
            ExitCode::from(2)
        }
    }
}
