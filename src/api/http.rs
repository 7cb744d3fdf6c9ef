//! The server: HTTP/1.1 on tokio and hyper, and the one owner of the world.
//!
//! The world ([`World`], its journal and the simulated clock) lives on one thread, the
//! actor; every request reaches it through a bounded channel and is handled whole before the
//! next, so concurrent clients are serialised and no read sees a half-applied operation. An
//! operation takes effect at the simulated instant the actor takes it. A write is journaled
//! and flushed to the disk before it is answered.
//!
//! Routes: the platform's API (`POST /` or `GET /`, the operation in `x-acs-action` or
//! `Action`, signed as the SDK signs); and dialsim's own control endpoints under `/dialsim/`,
//! with HTTP Basic authentication by a key pair (`curl -u ID:SECRET`):
//!
//! | Route | What |
//! |---|---|
//! | `GET /dialsim/clock` | the simulated instant (`now_s`), the mode, the horizon |
//! | `POST /dialsim/advance?by=S` or `?to=S` | manual clock: move simulated time forward by S seconds or to S seconds since the start |
//! | `GET /dialsim/report` | the usual report JSON of the world so far |
//! | `GET /dialsim/scenario` | the scenario whose `dialsim run` is the world so far |
//!
//! Limits: [`MAX_BODY`] per body, [`MAX_HEAD`] for the request line and headers (the query
//! string with them), [`MAX_CONNECTIONS`] connections at once (more wait to be accepted),
//! [`CONNECTION_TIMEOUT`] per connection and [`HEADER_TIMEOUT`] to send the headers,
//! [`QUEUE`] requests waiting for the world (more are answered 503).

use super::journal::Journal;
use super::ops::{self, Answer};
use super::sign::{Incoming, Keys, Verifier};
use super::world::{Entry, World};
use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming as Body;
use hyper::{Request, Response, StatusCode};
use serde_json::{Map, Value, json};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};
use tokio::net::TcpListener;
use tokio::sync::{Semaphore, oneshot};

/// Most bytes in a request body.
pub const MAX_BODY: usize = 8 << 20;
/// Most bytes in the request line and headers.
pub const MAX_HEAD: usize = 8 << 20;
/// Most connections served at once.
pub const MAX_CONNECTIONS: usize = 512;
/// Longest a connection may stay open.
pub const CONNECTION_TIMEOUT: Duration = Duration::from_secs(120);
/// Longest a client may take to send a request's headers.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// Most requests waiting for the world.
pub const QUEUE: usize = 4096;

/// How simulated time moves.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ClockMode {
    /// Only when told (`/dialsim/advance`).
    Manual,
    /// N simulated seconds per wall-clock second (`real` is 1).
    Speed(f64),
}

impl ClockMode {
    /// `real`, `manual` or `speed:N` (N > 0).
    pub fn parse(s: &str) -> Result<ClockMode, String> {
        match s {
            "real" => Ok(ClockMode::Speed(1.0)),
            "manual" => Ok(ClockMode::Manual),
            _ => match s.strip_prefix("speed:").map(str::parse::<f64>) {
                Some(Ok(n)) if n.is_finite() && n > 0.0 => Ok(ClockMode::Speed(n)),
                _ => Err(format!(
                    "--clock {s:?}: expected real, manual or speed:N with N > 0 simulated seconds per second"
                )),
            },
        }
    }

    fn name(self) -> String {
        match self {
            ClockMode::Manual => "manual".into(),
            ClockMode::Speed(1.0) => "real".into(),
            ClockMode::Speed(n) => format!("speed:{n}"),
        }
    }
}

/// What the actor is asked.
enum Msg {
    Op {
        action: String,
        params: Map<String, Value>,
        reply: oneshot::Sender<Answer>,
    },
    Advance {
        by_ms: Option<u64>,
        to_ms: Option<u64>,
        reply: oneshot::Sender<Answer>,
    },
    Clock(oneshot::Sender<Answer>),
    Report(oneshot::Sender<Answer>),
    Scenario(oneshot::Sender<Answer>),
    /// Stop after the requests queued before this one.
    Stop,
}

/// The simulated clock: manual (the world's own), or running from a base at a speed.
struct SimClock {
    mode: ClockMode,
    base_ms: u64,
    since: Instant,
}

impl SimClock {
    fn now(&self, world: &World) -> u64 {
        match self.mode {
            ClockMode::Manual => world.clock_ms(),
            ClockMode::Speed(n) => {
                let run = self.since.elapsed().as_secs_f64() * n * 1000.0;
                (self.base_ms as f64 + run).min(world.horizon_ms() as f64) as u64
            }
        }
    }
}

/// The actor: owns the world, its journal and its clock; answers messages in turn until the
/// channel closes.
fn actor(mut world: World, mut journal: Option<Journal>, mode: ClockMode, rx: mpsc::Receiver<Msg>) {
    let clock = SimClock {
        mode,
        base_ms: world.clock_ms(),
        since: Instant::now(),
    };
    let mut persist = |e: &Entry| -> Result<(), String> {
        match journal.as_mut() {
            Some(j) => j.append(e),
            None => Ok(()),
        }
    };
    while let Ok(msg) = rx.recv() {
        let now = clock.now(&world);
        match msg {
            Msg::Stop => break,
            Msg::Op {
                action,
                params,
                reply,
            } => {
                let answer = if ops::WRITES.contains(&action.as_str()) {
                    match world.prepare(&action, &params, now) {
                        Err(refused) => refused,
                        Ok(p) => match persist(p.entry()) {
                            Ok(()) => world.commit(p),
                            Err(e) => {
                                tracing::error!("journal: {e}");
                                Answer::error(500, "InternalError", &format!("journal: {e}"))
                            }
                        },
                    }
                } else {
                    world.read(&action, &params, now)
                };
                let _ = reply.send(answer);
            }
            Msg::Advance {
                by_ms,
                to_ms,
                reply,
            } => {
                let answer = if mode != ClockMode::Manual {
                    Answer::error(
                        409,
                        "InvalidStatus.Clock",
                        &format!(
                            "the clock is {}: only --clock manual is advanced",
                            mode.name()
                        ),
                    )
                } else {
                    let target = to_ms.unwrap_or_else(|| now.saturating_add(by_ms.unwrap_or(0)));
                    let e = world.advance_entry(target);
                    match persist(&e) {
                        Ok(()) => {
                            world.commit_advance(e);
                            clock_answer(&world, &clock)
                        }
                        Err(e) => Answer::error(500, "InternalError", &format!("journal: {e}")),
                    }
                };
                let _ = reply.send(answer);
            }
            Msg::Clock(reply) => {
                let _ = reply.send(clock_answer(&world, &clock));
            }
            Msg::Report(reply) => {
                let answer = match world.report(now) {
                    Ok(r) => Answer {
                        status: 200,
                        body: r,
                    },
                    Err(e) => Answer::error(500, "InternalError", &e),
                };
                let _ = reply.send(answer);
            }
            Msg::Scenario(reply) => {
                let f = world.scenario_file(now);
                let body = serde_json::to_value(&f).unwrap_or(Value::Null);
                let _ = reply.send(Answer { status: 200, body });
            }
        }
    }
}

fn clock_answer(world: &World, clock: &SimClock) -> Answer {
    let now = clock.now(world);
    Answer {
        status: 200,
        body: json!({
            "now_s": now as f64 / 1000.0,
            "now_unix_s": world.epoch_s() + (now / 1000) as i64,
            "mode": clock.mode.name(),
            "horizon_s": world.horizon_ms() as f64 / 1000.0,
            "operations": world.journal().len(),
        }),
    }
}

/// What the handlers share.
struct App {
    tx: mpsc::SyncSender<Msg>,
    keys: Keys,
    verifier: Mutex<Verifier>,
    requests: AtomicU64,
}

/// The server, bound and ready.
pub struct Server {
    listener: TcpListener,
    app: Arc<App>,
    actor: std::thread::JoinHandle<()>,
}

impl Server {
    /// Bind `listener`'s server on `world` (replayed from `journal`'s entries already).
    pub fn new(
        listener: TcpListener,
        world: World,
        journal: Option<Journal>,
        keys: Keys,
        mode: ClockMode,
    ) -> Server {
        let (tx, rx) = mpsc::sync_channel(QUEUE);
        let actor = std::thread::Builder::new()
            .name("dialsim-world".into())
            .spawn(move || actor(world, journal, mode, rx))
            .expect("a thread for the world");
        Server {
            listener,
            app: Arc::new(App {
                tx,
                verifier: Mutex::new(Verifier::new(keys.clone())),
                keys,
                requests: AtomicU64::new(0),
            }),
            actor,
        }
    }

    /// The address it listens on.
    pub fn local_addr(&self) -> std::io::Result<std::net::SocketAddr> {
        self.listener.local_addr()
    }

    /// Serve until `shutdown` resolves; then stop accepting, let the world finish the
    /// request in hand (its journal line is on disk before its answer) and return.
    pub async fn run(self, shutdown: impl std::future::Future<Output = ()>) {
        let permits = Arc::new(Semaphore::new(MAX_CONNECTIONS));
        tokio::pin!(shutdown);
        loop {
            let permit = tokio::select! {
                _ = &mut shutdown => break,
                p = permits.clone().acquire_owned() => match p { Ok(p) => p, Err(_) => break },
            };
            let (stream, _) = tokio::select! {
                _ = &mut shutdown => break,
                a = self.listener.accept() => match a {
                    Ok(a) => a,
                    Err(e) => {
                        tracing::warn!("accept: {e}");
                        continue;
                    }
                },
            };
            let app = self.app.clone();
            tokio::spawn(async move {
                let io = hyper_util::rt::TokioIo::new(stream);
                let service = hyper::service::service_fn(move |req| {
                    let app = app.clone();
                    async move { Ok::<_, std::convert::Infallible>(handle(app, req).await) }
                });
                let conn = hyper::server::conn::http1::Builder::new()
                    .timer(hyper_util::rt::TokioTimer::new())
                    .header_read_timeout(HEADER_TIMEOUT)
                    .max_buf_size(MAX_HEAD)
                    .serve_connection(io, service);
                if tokio::time::timeout(CONNECTION_TIMEOUT, conn)
                    .await
                    .is_err()
                {
                    tracing::debug!("a connection timed out");
                }
                drop(permit);
            });
        }
        // The world answers the requests queued before the stop, then stops; connections
        // still open (keep-alive clients) are answered 503 until the runtime ends.
        let Server { app, actor, .. } = self;
        let _ = app.tx.send(Msg::Stop);
        let _ = tokio::task::spawn_blocking(move || actor.join()).await;
    }
}

/// A JSON response with a fresh `RequestId` (for objects that have `Code`).
fn respond(app: &App, a: Answer) -> Response<Full<Bytes>> {
    let n = app.requests.fetch_add(1, Ordering::Relaxed);
    let mut body = a.body;
    if let Some(m) = body.as_object_mut().filter(|m| m.contains_key("Code")) {
        m.insert(
            "RequestId".into(),
            json!(format!("D1A15100-0000-4000-8000-{n:012X}")),
        );
    }
    let text = serde_json::to_vec(&body).unwrap_or_default();
    Response::builder()
        .status(StatusCode::from_u16(a.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR))
        .header("content-type", "application/json;charset=utf-8")
        .body(Full::new(Bytes::from(text)))
        .unwrap_or_else(|_| Response::new(Full::new(Bytes::new())))
}

/// Ask the actor; 503 when the world's queue is full or it has stopped.
async fn ask(app: &App, make: impl FnOnce(oneshot::Sender<Answer>) -> Msg) -> Answer {
    let (reply, rx) = oneshot::channel();
    if app.tx.try_send(make(reply)).is_err() {
        return Answer::error(503, "ServiceUnavailable", "the world is busy: try again");
    }
    rx.await
        .unwrap_or_else(|_| Answer::error(503, "ServiceUnavailable", "the world has stopped"))
}

async fn handle(app: Arc<App>, req: Request<Body>) -> Response<Full<Bytes>> {
    let (parts, body) = req.into_parts();
    let body = match Limited::new(body, MAX_BODY).collect().await {
        Ok(b) => b.to_bytes(),
        Err(_) => {
            return respond(
                &app,
                Answer::error(
                    413,
                    "InvalidParameter.TooLarge",
                    &format!("the body is over {MAX_BODY} bytes or was cut short"),
                ),
            );
        }
    };
    let path = parts.uri.path().to_string();
    let query = parts.uri.query().unwrap_or("").to_string();
    let headers: Vec<(String, String)> = parts
        .headers
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().to_string(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    if let Some(control) = path.strip_prefix("/dialsim/") {
        return respond(
            &app,
            control_route(&app, control, parts.method.as_str(), &query, &headers).await,
        );
    }
    if path != "/" {
        return respond(
            &app,
            Answer::error(
                404,
                "InvalidAction.NotFound",
                &format!("no route {path:?}: the API is at /"),
            ),
        );
    }
    let incoming = Incoming {
        method: parts.method.as_str(),
        path: &path,
        query: &query,
        headers: &headers,
        body: &body,
    };
    let wall = jiff::Timestamp::now().as_second();
    let verified = match app.verifier.lock() {
        Ok(mut v) => v.verify(&incoming, wall),
        Err(_) => {
            return respond(
                &app,
                Answer::error(500, "InternalError", "the verifier failed"),
            );
        }
    };
    let caller = match verified {
        Ok(c) => c,
        Err(e) => return respond(&app, Answer::error(e.status(), e.code(), &e.to_string())),
    };
    let Some(action) = caller.action.filter(|a| !a.is_empty()) else {
        return respond(
            &app,
            Answer::error(
                400,
                "MissingAction",
                "no operation: give x-acs-action or Action",
            ),
        );
    };
    tracing::debug!(key = caller.key_id, action, "request");
    let answer = if ops::WRITES.contains(&action.as_str()) || ops::READS.contains(&action.as_str())
    {
        let params = caller.params;
        ask(&app, |reply| Msg::Op {
            action,
            params,
            reply,
        })
        .await
    } else {
        ops::unknown(&action)
    };
    respond(&app, answer)
}

/// The key pair of an HTTP Basic `authorization` header, if it holds one of ours.
fn basic_ok(keys: &Keys, headers: &[(String, String)]) -> bool {
    use base64::Engine as _;
    let Some((_, v)) = headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("authorization"))
    else {
        return false;
    };
    let Some(b64) = v.strip_prefix("Basic ") else {
        return false;
    };
    let Ok(raw) = base64::engine::general_purpose::STANDARD.decode(b64.trim()) else {
        return false;
    };
    let Ok(text) = String::from_utf8(raw) else {
        return false;
    };
    text.split_once(':')
        .is_some_and(|(id, secret)| keys.matches(id, secret))
}

/// A number of seconds from a query parameter, as ms.
fn seconds_param(query: &str, key: &str) -> Result<Option<u64>, String> {
    let params = crate::request::wire::parse_query_string(query)
        .map_err(|p| format!("query string: {}", p.rule))?;
    let Some(v) = params.get(key).and_then(Value::as_str) else {
        return Ok(None);
    };
    match v.parse::<f64>() {
        Ok(s) if s.is_finite() && s >= 0.0 => Ok(Some(crate::sim::ms(s))),
        _ => Err(format!("{key} = {v:?}: must be a number of seconds >= 0")),
    }
}

async fn control_route(
    app: &App,
    route: &str,
    method: &str,
    query: &str,
    headers: &[(String, String)],
) -> Answer {
    if !basic_ok(&app.keys, headers) {
        return Answer::error(
            403,
            "InvalidAccessKeyId.NotFound",
            "the control endpoints take HTTP Basic authentication with a key pair (curl -u ID:SECRET)",
        );
    }
    match (method, route) {
        ("GET", "clock") => ask(app, Msg::Clock).await,
        ("GET", "report") => ask(app, Msg::Report).await,
        ("GET", "scenario") => ask(app, Msg::Scenario).await,
        ("POST", "advance") => {
            let (by_ms, to_ms) = match (seconds_param(query, "by"), seconds_param(query, "to")) {
                (Ok(b), Ok(t)) if b.is_some() != t.is_some() => (b, t),
                (Err(e), _) | (_, Err(e)) => return Answer::invalid(&e),
                _ => {
                    return Answer::invalid(
                        "advance takes exactly one of by=SECONDS and to=SECONDS",
                    );
                }
            };
            ask(app, |reply| Msg::Advance {
                by_ms,
                to_ms,
                reply,
            })
            .await
        }
        _ => Answer::error(
            404,
            "InvalidAction.NotFound",
            &format!(
                "no control endpoint {method} /dialsim/{route}: GET clock, report, scenario; POST advance"
            ),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_modes_parse_or_say_what_is_wrong() {
        assert_eq!(ClockMode::parse("real"), Ok(ClockMode::Speed(1.0)));
        assert_eq!(ClockMode::parse("manual"), Ok(ClockMode::Manual));
        assert_eq!(ClockMode::parse("speed:60"), Ok(ClockMode::Speed(60.0)));
        for bad in ["speed:0", "speed:-1", "speed:inf", "speed:", "fast"] {
            let e = ClockMode::parse(bad).expect_err(bad);
            assert!(e.contains(bad) && e.contains("speed:N"), "{e}");
        }
        assert_eq!(ClockMode::Speed(1.0).name(), "real");
        assert_eq!(ClockMode::Speed(60.0).name(), "speed:60");
    }

    #[test]
    fn seconds_parameters_are_whole_or_named() {
        assert_eq!(seconds_param("by=1.5&x=1", "by"), Ok(Some(1500)));
        assert_eq!(seconds_param("to=60", "by"), Ok(None));
        let e = seconds_param("by=-5", "by").expect_err("negative");
        assert!(e.contains("by = \"-5\""), "{e}");
    }

    #[test]
    fn basic_authentication_takes_a_known_pair_only() {
        use base64::Engine as _;
        let keys = Keys::dev();
        let header = |s: &str| {
            vec![(
                "Authorization".to_string(),
                format!(
                    "Basic {}",
                    base64::engine::general_purpose::STANDARD.encode(s)
                ),
            )]
        };
        assert!(basic_ok(&keys, &header("dialsim-dev:dialsim-dev-secret")));
        assert!(!basic_ok(&keys, &header("dialsim-dev:wrong")));
        assert!(!basic_ok(&keys, &header("nobody:dialsim-dev-secret")));
        assert!(!basic_ok(&keys, &header("no-colon")));
        assert!(!basic_ok(&keys, &[]));
    }
}
