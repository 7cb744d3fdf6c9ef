//! `dialsim serve [--world SCENARIO] [--listen ADDR] [--keys FILE] [--data DIR] [--clock MODE]
//! [--horizon-days D]`: the platform's task API on a simulated world. The first line on
//! stdout is exactly `listening on http://HOST:PORT`; SIGTERM and Ctrl-C stop it cleanly
//! (every answered write is already on disk).

use super::{invalid, read_scenario};
use dialsim::api::http::{ClockMode, Server};
use dialsim::api::journal::Journal;
use dialsim::api::sign::{DEV_KEY, Keys};
use dialsim::api::world::World;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

/// The options of `dialsim serve`.
pub struct Options {
    pub world: Option<PathBuf>,
    pub listen: String,
    pub keys: Option<PathBuf>,
    pub data: Option<PathBuf>,
    pub clock: String,
    pub horizon_days: f64,
}

/// The world served when no `--world` is given.
const DEFAULT_WORLD: &str = include_str!("../../scenarios/quickstart.json");

/// Load, replay, bind, serve until a signal.
pub fn run(o: Options) -> anyhow::Result<ExitCode> {
    let mode = match ClockMode::parse(&o.clock) {
        Ok(m) => m,
        Err(e) => return invalid(e),
    };
    if !(o.horizon_days.is_finite() && o.horizon_days > 0.0 && o.horizon_days <= 31.0) {
        return invalid(format!(
            "--horizon-days {}: from more than 0 to 31 days",
            o.horizon_days
        ));
    }
    let file = match &o.world {
        Some(p) => match read_scenario(p) {
            Ok((_, f)) => f,
            Err(e) => return invalid(e),
        },
        None => match dialsim::scenario::parse(DEFAULT_WORLD, "scenarios/quickstart.json") {
            Ok(f) => f,
            Err(e) => return invalid(e),
        },
    };
    let keys = match &o.keys {
        Some(p) => {
            let text = match dialsim::limits::read_capped(p, dialsim::limits::MAX_INPUT_BYTES) {
                Ok(t) => t,
                Err(e) => return invalid(format!("--keys {}: {e}", p.display())),
            };
            match Keys::parse(&text) {
                Ok(k) => k,
                Err(e) => return invalid(format!("--keys {}: {e}", p.display())),
            }
        }
        None => Keys::dev(),
    };
    let mut world = match World::new(file, o.horizon_days * 86_400.0) {
        Ok(w) => w,
        Err(e) => return invalid(format!("the world scenario: {e}")),
    };
    let journal = match &o.data {
        Some(dir) => {
            let (journal, entries) = match Journal::open(dir) {
                Ok(x) => x,
                Err(e) => return invalid(e),
            };
            let n = entries.len();
            if let Err(e) = world.replay(entries) {
                return invalid(format!("{}: replaying: {e}", journal.path().display()));
            }
            tracing::info!("replayed {n} operations from {}", journal.path().display());
            Some((journal, n))
        }
        None => None,
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async move {
        let listener = match tokio::net::TcpListener::bind(&o.listen).await {
            Ok(l) => l,
            Err(e) => return invalid(format!("--listen {}: {e}", o.listen)),
        };
        let addr = listener.local_addr()?;
        let ids = keys.ids().join(", ");
        let dev = o.keys.is_none();
        let (journal, replayed) = match journal {
            Some((j, n)) => (Some(j), Some(n)),
            None => (None, None),
        };
        let state = match (&journal, replayed) {
            (Some(j), Some(n)) => {
                format!("journal {} ({n} operations replayed)", j.path().display())
            }
            _ => "state in memory only (no --data): a restart starts empty".into(),
        };
        let server = Server::new(listener, world, journal, keys, mode);
        // A reader that goes away after the first line (a script that only wanted the
        // address) does not stop the server: the rest of the banner is best effort.
        let banner = [
            format!("listening on http://{addr}"),
            if dev {
                format!(
                    "access key id {} (development pair, secret {}; see the README)",
                    DEV_KEY.0, DEV_KEY.1
                )
            } else {
                format!("access key ids: {ids}")
            },
            format!("clock: {}", o.clock),
            state,
        ];
        let mut out = std::io::stdout().lock();
        for line in banner {
            let _ = writeln!(out, "{line}");
        }
        let _ = out.flush();
        drop(out);
        server.run(shutdown()).await;
        eprintln!("dialsim serve: stopped");
        Ok(ExitCode::SUCCESS)
    })
}

/// Resolves on Ctrl-C or SIGTERM.
async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = term => {}
    }
}
