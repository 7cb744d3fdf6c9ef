//! `dialsim serve` under load, on loopback: requests per second for CloudGetTask and
//! CloudMonitorTask (signed requests on keep-alive connections from client threads), and the
//! simulated-to-wall speed a 100-agent task reaches (the engine behind a read, in manual mode
//! and at `--clock speed:N`). `cargo bench --bench serve_load` (figures in benches/README.md);
//! with `--test` (as `.ci/run` runs every bench) it does one short round of each.

use dialsim::api::sign::{DEV_KEY, signed_v1_query};
use serde_json::{Map, Value, json};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

struct Server {
    child: Child,
    port: u16,
    _out: BufReader<std::process::ChildStdout>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(args: &[&str]) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_dialsim"))
        .args(["serve", "--listen", "127.0.0.1:0"])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("dialsim serve");
    let mut out = BufReader::new(child.stdout.take().expect("stdout"));
    let mut line = String::new();
    out.read_line(&mut line).expect("banner");
    let port = line
        .trim()
        .rsplit(':')
        .next()
        .and_then(|p| p.parse().ok())
        .expect("port");
    Server {
        child,
        port,
        _out: out,
    }
}

/// A keep-alive connection sending signed requests.
struct Conn {
    reader: BufReader<TcpStream>,
    n: u64,
    tag: String,
}

impl Conn {
    fn new(port: u16, tag: &str) -> Conn {
        let s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
        s.set_read_timeout(Some(Duration::from_secs(120)))
            .expect("timeout");
        s.set_nodelay(true).expect("nodelay");
        Conn {
            reader: BufReader::new(s),
            n: 0,
            tag: tag.into(),
        }
    }

    fn raw(&mut self, method: &str, target: &str, extra: &str) -> (u16, Value) {
        let req = format!(
            "{method} {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n{extra}\r\n"
        );
        self.reader
            .get_mut()
            .write_all(req.as_bytes())
            .expect("send");
        let mut status = 0;
        let mut len = 0usize;
        let mut line = String::new();
        loop {
            line.clear();
            self.reader.read_line(&mut line).expect("head");
            let l = line.trim_end();
            if l.is_empty() {
                break;
            }
            if let Some(code) = l.strip_prefix("HTTP/1.1 ") {
                status = code[..3].parse().expect("status");
            } else if let Some((k, v)) = l.split_once(':')
                && k.eq_ignore_ascii_case("content-length")
            {
                len = v.trim().parse().expect("length");
            }
        }
        let mut body = vec![0; len];
        self.reader.read_exact(&mut body).expect("body");
        (status, serde_json::from_slice(&body).unwrap_or(Value::Null))
    }

    fn call(&mut self, action: &str, params: &[(&str, &str)]) -> (u16, Value) {
        self.n += 1;
        let mut p = Map::new();
        p.insert("Action".into(), json!(action));
        for (k, v) in params {
            p.insert((*k).into(), json!(v));
        }
        let stamp = jiff::Timestamp::now()
            .strftime("%Y-%m-%dT%H:%M:%SZ")
            .to_string();
        let nonce = format!("{}-{}-{}", std::process::id(), self.tag, self.n);
        let q = signed_v1_query("POST", &p, DEV_KEY, &nonce, &stamp);
        self.raw("POST", &format!("/?{q}"), "")
    }

    fn control(&mut self, method: &str, path: &str) -> (u16, Value) {
        use base64::Engine as _;
        let auth = base64::engine::general_purpose::STANDARD
            .encode(format!("{}:{}", DEV_KEY.0, DEV_KEY.1));
        self.raw(
            method,
            &format!("/dialsim/{path}"),
            &format!("Authorization: Basic {auth}\r\n"),
        )
    }
}

/// A task of `agents` agents (from `first`) with `numbers` numbers, started.
fn task(c: &mut Conn, agents: u64, first: u64, numbers: u64) -> String {
    let cnos: Vec<String> = (first..first + agents).map(|a| a.to_string()).collect();
    let cnos = cnos.join(",");
    let (st, b) = c.call(
        "CloudCreateTask",
        &[
            ("EnterpriseId", "36"),
            ("Name", "load"),
            ("Type", "1"),
            ("CallGroupType", "1"),
            ("Cnos", &cnos),
            ("Quotiety", "2"),
            ("MinAvailableAgentCount", "1"),
        ],
    );
    assert_eq!(st, 200, "{b}");
    let id = b["Data"]["Id"].as_str().expect("id").to_string();
    for k in (0..numbers).step_by(1000) {
        let list: Vec<Value> = (k..(k + 1000).min(numbers))
            .map(|i| json!({"Tel": format!("137{i:08}")}))
            .collect();
        let list = Value::Array(list).to_string();
        let (st, b) = c.call(
            "CloudImportTaskTel",
            &[("TaskId", &id), ("TaskTelList", &list)],
        );
        assert_eq!(st, 200, "{b}");
    }
    let (st, b) = c.call("CloudStartTask", &[("TaskId", &id)]);
    assert_eq!(st, 200, "{b}");
    id
}

/// Requests per second of `action` from `clients` threads for `secs`.
fn rate(port: u16, id: &str, action: &'static str, clients: usize, secs: f64) -> f64 {
    let start = Instant::now();
    let threads: Vec<_> = (0..clients)
        .map(|k| {
            let id = id.to_string();
            std::thread::spawn(move || {
                let mut c = Conn::new(port, &format!("{action}-{clients}-{k}"));
                let mut n = 0u64;
                while start.elapsed().as_secs_f64() < secs {
                    let (st, _b) = c.call(action, &[("TaskId", &id)]);
                    assert_eq!(st, 200, "{_b}");
                    n += 1;
                }
                n
            })
        })
        .collect();
    let total: u64 = threads.into_iter().map(|t| t.join().expect("client")).sum();
    total as f64 / start.elapsed().as_secs_f64()
}

fn main() {
    let quick = std::env::args().any(|a| a == "--test");
    let secs = if quick { 0.2 } else { 5.0 };
    // Requests per second, the quickstart world with a 20-agent task an hour in.
    {
        let s = serve(&["--clock", "manual"]);
        let mut c = Conn::new(s.port, "setup");
        let id = task(&mut c, 20, 1000, 5000);
        let (st, _) = c.control("POST", "advance?to=3600");
        assert_eq!(st, 200);
        c.call("CloudMonitorTask", &[("TaskId", &id)]);
        for clients in [1, 4, 16] {
            for action in ["CloudGetTask", "CloudMonitorTask"] {
                let r = rate(s.port, &id, action, clients, secs);
                println!("serve: {action}, {clients} clients: {r:.0} requests/s");
            }
        }
    }
    // A 100-agent task: the engine's simulated seconds per wall second behind a read.
    let hours = if quick { 1 } else { 8 };
    let world = "scenarios/dialer-ref-v1-100.json";
    {
        let s = serve(&["--clock", "manual", "--world", world]);
        let mut c = Conn::new(s.port, "manual");
        let id = task(&mut c, 100, 100_000, 60_000);
        let t = Instant::now();
        for h in 1..=hours {
            let (st, _) = c.control("POST", &format!("advance?to={}", h * 3600));
            assert_eq!(st, 200);
            let (st, _) = c.call("CloudMonitorTask", &[("TaskId", &id)]);
            assert_eq!(st, 200);
        }
        let wall = t.elapsed().as_secs_f64();
        println!(
            "serve: 100-agent task, manual clock: {hours} simulated hours in {wall:.3} s of reads = {:.0} simulated s per wall s",
            hours as f64 * 3600.0 / wall
        );
    }
    // The same task at --clock speed:N: reads every 50 ms keep up when each returns at once.
    for speed in [100, 1000, 10_000] {
        let s = serve(&["--clock", &format!("speed:{speed}"), "--world", world]);
        let mut c = Conn::new(s.port, "speed");
        let id = task(&mut c, 100, 100_000, 60_000);
        let wall = if quick { 0.3 } else { 10.0 };
        let t = Instant::now();
        let mut worst: f64 = 0.0;
        let mut reads = 0;
        while t.elapsed().as_secs_f64() < wall {
            let r = Instant::now();
            let (st, _) = c.call("CloudMonitorTask", &[("TaskId", &id)]);
            assert_eq!(st, 200);
            worst = worst.max(r.elapsed().as_secs_f64());
            reads += 1;
            std::thread::sleep(Duration::from_millis(50));
        }
        let (_, clock) = c.control("GET", "clock");
        println!(
            "serve: 100-agent task at speed:{speed}: {:.0} simulated s after {:.1} s, {reads} reads, slowest {:.1} ms",
            clock["now_s"].as_f64().unwrap_or(0.0),
            t.elapsed().as_secs_f64(),
            worst * 1000.0
        );
    }
}
