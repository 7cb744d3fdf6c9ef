//! `dialsim serve` from the outside: the binary on 127.0.0.1, spoken to over HTTP with
//! signed requests. Every answer in the SDK's shapes; refused requests changing nothing;
//! the records equal to `dialsim run` of the exported scenario; a SIGKILL losing no answered
//! write; 50 concurrent clients. Every loop is bounded and every socket has a timeout.

use crate::support::{dialsim, temp};
use dialsim::api::sign::{DEV_KEY, signed_v1_query};
use serde_json::{Map, Value, json};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// A running server, killed when dropped.
struct Served {
    child: Child,
    client: Client,
    /// The rest of the banner, unread but kept open.
    _stdout: BufReader<std::process::ChildStdout>,
}

impl std::ops::Deref for Served {
    type Target = Client;
    fn deref(&self) -> &Client {
        &self.client
    }
}

/// Requests to a server's port.
#[derive(Clone, Copy)]
struct Client {
    port: u16,
}

impl Served {
    fn start(args: &[&str]) -> Served {
        let mut child = Command::new(env!("CARGO_BIN_EXE_dialsim"))
            .args(["serve", "--listen", "127.0.0.1:0"])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("dialsim serve starts");
        let mut first = String::new();
        let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
        stdout.read_line(&mut first).expect("banner");
        let port = first
            .trim()
            .strip_prefix("listening on http://127.0.0.1:")
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("first line {first:?}"));
        Served {
            child,
            client: Client { port },
            _stdout: stdout,
        }
    }
}

impl Client {
    /// A signed API call; `(status, body)`.
    fn call(&self, action: &str, params: &[(&str, &str)]) -> (u16, Value) {
        let mut p = Map::new();
        p.insert("Action".into(), json!(action));
        p.insert("Version".into(), json!("2017-05-25"));
        p.insert("Format".into(), json!("JSON"));
        for (k, v) in params {
            p.insert((*k).into(), json!(v));
        }
        let q = signed_v1_query("POST", &p, DEV_KEY, &nonce(), &stamp(0));
        http(self.port, "POST", &format!("/?{q}"), &[], b"")
    }

    /// A signed call whose parameters travel as a form body (no length cap on the target).
    fn form(&self, params: &Map<String, Value>) -> (u16, Value) {
        let q = signed_v1_query("POST", params, DEV_KEY, &nonce(), &stamp(0));
        http(
            self.port,
            "POST",
            "/",
            &[("Content-Type", "application/x-www-form-urlencoded")],
            q.as_bytes(),
        )
    }

    /// A control endpoint, with the development key pair.
    fn control(&self, method: &str, path: &str) -> (u16, Value) {
        let auth = format!("Basic {}", b64(&format!("{}:{}", DEV_KEY.0, DEV_KEY.1)));
        http(
            self.port,
            method,
            &format!("/dialsim/{path}"),
            &[("Authorization", &auth)],
            b"",
        )
    }

    fn ok(&self, action: &str, params: &[(&str, &str)]) -> Value {
        let (status, body) = self.call(action, params);
        assert_eq!(status, 200, "{action} {params:?}: {body}");
        body
    }

    fn operations(&self) -> u64 {
        self.control("GET", "clock").1["operations"]
            .as_u64()
            .expect("operations")
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn b64(s: &str) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(s)
}

fn nonce() -> String {
    static N: AtomicU64 = AtomicU64::new(0);
    format!(
        "n-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}

/// The wall clock, ISO 8601 UTC, `offset_s` away.
fn stamp(offset_s: i64) -> String {
    let t = jiff::Timestamp::now() + jiff::SignedDuration::from_secs(offset_s);
    t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// One HTTP/1.1 request on its own connection; `(status, JSON body or Null)`.
fn http(
    port: u16,
    method: &str,
    target: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> (u16, Value) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connects");
    s.set_read_timeout(Some(Duration::from_secs(60)))
        .expect("timeout");
    s.set_write_timeout(Some(Duration::from_secs(60)))
        .expect("timeout");
    let mut head = format!(
        "{method} {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    // The server may answer (and close) before reading a body it refuses.
    let _ = s
        .write_all(head.as_bytes())
        .and_then(|()| s.write_all(body));
    let mut raw = Vec::new();
    let _ = s.read_to_end(&mut raw);
    let text = String::from_utf8_lossy(&raw);
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or_else(|| panic!("no status in {text:?}"));
    let json = text
        .split_once("\r\n\r\n")
        .and_then(|(_, b)| serde_json::from_str(b).ok())
        .unwrap_or(Value::Null);
    (status, json)
}

const AGENTS_A: &str = "1000,1001,1002,1003,1004,1005,1006,1007,1008,1009";
const AGENTS_B: &str = "1010,1011,1012,1013,1014,1015,1016,1017,1018,1019";

fn create(s: &Client, name: &str, cnos: &str) -> String {
    let b = s.ok(
        "CloudCreateTask",
        &[
            ("EnterpriseId", "36"),
            ("Name", name),
            ("Type", "1"),
            ("CallGroupType", "1"),
            ("Cnos", cnos),
            ("Quotiety", "2.5"),
            ("Wrapup", "30"),
            ("MinAvailableAgentCount", "1"),
        ],
    );
    b["Data"]["Id"].as_str().expect("Id").to_string()
}

/// `n` numbers from `from`, as the SDK sends TaskTelList (JSON text).
fn tel_list(from: u64, n: u64) -> String {
    let list: Vec<Value> = (from..from + n)
        .map(|i| json!({"Tel": format!("139{i:08}")}))
        .collect();
    Value::Array(list).to_string()
}

/// Whether `v` has only fields of `model` with its types (what the SDK's `from_map` reads
/// without losing a field).
fn conforms(v: &Value, model: &Value, path: &str, errors: &mut Vec<String>) {
    match (model, v) {
        (Value::String(t), _) => {
            let ok = match t.as_str() {
                "str" => v.is_string(),
                "int" => v.is_i64() || v.is_u64(),
                "float" => v.is_number(),
                "bool" => v.is_boolean(),
                _ => v.is_object(),
            };
            if !ok {
                errors.push(format!("{path}: {v} is not {t}"));
            }
        }
        (Value::Object(m), Value::Object(o)) => {
            for (k, x) in o {
                match m.get(k) {
                    Some(sub) => conforms(x, sub, &format!("{path}.{k}"), errors),
                    None => errors.push(format!("{path}.{k}: not in the SDK's model")),
                }
            }
        }
        (Value::Array(m), Value::Array(a)) => {
            for (i, x) in a.iter().enumerate() {
                conforms(x, &m[0], &format!("{path}[{i}]"), errors);
            }
        }
        _ => errors.push(format!("{path}: {v} is not shaped like {model}")),
    }
}

fn models() -> Value {
    serde_json::from_str(
        &std::fs::read_to_string("tests/fixtures/sdk-response-models.json").expect("fixture"),
    )
    .expect("JSON")
}

#[test]
fn every_operation_answers_in_the_sdk_shape() {
    let s = Served::start(&["--clock", "manual"]);
    let models = models();
    let mut answers: Vec<(&str, Value)> = Vec::new();
    let mut call = |action: &'static str, params: &[(&str, &str)]| {
        let b = s.ok(action, params);
        assert_eq!(b["Code"], "OK", "{action}: {b}");
        answers.push((action, b.clone()));
        b
    };
    let id = create(&s, "a", AGENTS_A);
    let other = create(&s, "b", AGENTS_B);
    let list = tel_list(0, 300);
    let imported = call(
        "CloudImportTaskTel",
        &[("TaskId", &id), ("TaskTelList", &list)],
    );
    assert_eq!(imported["Data"]["SuccessTotal"], "300");
    call("CloudStartTask", &[("TaskId", &id)]);
    assert_eq!(s.control("POST", "advance?to=1800").0, 200);
    let got = call("CloudGetTask", &[("TaskId", &id)]);
    assert_eq!(got["Data"]["TaskProperty"]["Status"], "1");
    let q = call("CloudQueryTask", &[("Name", "a")]);
    assert_eq!(
        q["Data"]["TaskProperties"][0]["Id"],
        json!(id.parse::<u64>().unwrap())
    );
    let m = call("CloudMonitorTask", &[("TaskId", &id)]);
    let placed = m["Data"]["Statistic"]["CalledCount"]
        .as_u64()
        .expect("count");
    assert!(placed > 100, "{m}");
    let cdr = call(
        "CloudQueryPredictiveCallCdr",
        &[("TaskId", &id), ("Limit", "50")],
    );
    assert_eq!(cdr["Data"]["List"].as_array().map(Vec::len), Some(50));
    call("CloudListOnlineAgent", &[]);
    call("CloudListFreeAgent", &[]);
    call("CloudAgentLogout", &[("Cno", "1005")]);
    let online = call("CloudListOnlineAgent", &[]);
    let listed = online["Data"]["AgentStatuses"].as_array().expect("list");
    assert!(listed.iter().all(|a| a["Cno"] != "1005"), "1005 logged out");
    call("CloudAgentLogin", &[("Cno", "1005")]);
    call("CloudUpdateTask", &[("TaskId", &id), ("Quotiety", "2")]);
    call("CloudPauseTask", &[("TaskId", &id)]);
    call(
        "CloudDeleteTaskTel",
        &[("TaskId", &id), ("Tels", "13900000299,13900000298")],
    );
    call("CloudDeleteTask", &[("TaskId", &other)]);
    let created = s.ok(
        "CloudCreateTask",
        &[
            ("EnterpriseId", "36"),
            ("Name", "c"),
            ("Type", "1"),
            ("CallGroupType", "1"),
            ("Cnos", AGENTS_B),
        ],
    );
    answers.push(("CloudCreateTask", created));
    let mut errors = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for (action, body) in &answers {
        seen.insert(*action);
        conforms(body, &models[action]["response_body"], action, &mut errors);
    }
    assert_eq!(errors, Vec::<String>::new());
    assert_eq!(seen.len(), 15, "every operation answered: {seen:?}");
    // The platform's error envelope and statuses.
    let (st, b) = s.call("CloudStartTask", &[("TaskId", "99")]);
    assert_eq!(
        (st, b["Code"].as_str()),
        (404, Some("NotFound.Task")),
        "{b}"
    );
    let (st, b) = s.call("CloudDeleteTask", &[("TaskId", &id)]);
    assert_eq!(
        (st, b["Code"].as_str()),
        (409, Some("InvalidStatus.Task")),
        "{b}"
    );
    let (st, b) = s.call(
        "CloudCreateTask",
        &[
            ("EnterpriseId", "36"),
            ("Name", "d"),
            ("Type", "1"),
            ("CallGroupType", "1"),
            ("Cnos", "1000"),
            ("Quotiety", "-1"),
        ],
    );
    assert_eq!(st, 400, "{b}");
    assert!(
        b["Message"].as_str().unwrap_or("").contains("Quotiety"),
        "{b}"
    );
    let (st, b) = s.call("CloudFlyToTheMoon", &[]);
    assert_eq!(
        (st, b["Code"].as_str()),
        (404, Some("InvalidAction.NotFound")),
        "{b}"
    );
    assert!(b["RequestId"].is_string());
}

#[test]
fn refused_requests_change_nothing() {
    let s = Served::start(&["--clock", "manual"]);
    create(&s, "a", AGENTS_A);
    let before = s.operations();
    let mut p = Map::new();
    for (k, v) in [
        ("Action", "CloudCreateTask"),
        ("EnterpriseId", "36"),
        ("Name", "x"),
        ("Type", "1"),
        ("CallGroupType", "1"),
        ("Cnos", AGENTS_B),
    ] {
        p.insert(k.into(), json!(v));
    }
    let send = |q: String| http(s.port, "POST", &format!("/?{q}"), &[], b"");
    // A wrong secret, an unknown key, a stale date, no signature, a replayed nonce.
    let wrong = signed_v1_query(
        "POST",
        &p,
        (DEV_KEY.0, "not-the-secret"),
        &nonce(),
        &stamp(0),
    );
    let (st, b) = send(wrong);
    assert_eq!(
        (st, b["Code"].as_str()),
        (403, Some("SignatureDoesNotMatch")),
        "{b}"
    );
    let unknown = signed_v1_query("POST", &p, ("nobody", "x"), &nonce(), &stamp(0));
    let (st, b) = send(unknown);
    assert_eq!(
        (st, b["Code"].as_str()),
        (403, Some("InvalidAccessKeyId.NotFound")),
        "{b}"
    );
    let stale = signed_v1_query("POST", &p, DEV_KEY, &nonce(), &stamp(-16 * 60));
    let (st, b) = send(stale);
    assert_eq!(
        (st, b["Code"].as_str()),
        (400, Some("InvalidTimeStamp.Expired")),
        "{b}"
    );
    let (st, b) = send("Action=CloudCreateTask&Name=x".into());
    assert_eq!(st, 403, "{b}");
    let once = signed_v1_query("POST", &p, DEV_KEY, &nonce(), &stamp(0));
    assert_eq!(send(once.clone()).0, 200);
    let (st, b) = send(once);
    assert_eq!(
        (st, b["Code"].as_str()),
        (400, Some("SignatureNonceUsed")),
        "{b}"
    );
    assert_eq!(
        s.operations(),
        before + 1,
        "only the one good request changed the world"
    );
    // The control endpoints want a key pair too.
    let (st, _) = http(s.port, "POST", "/dialsim/advance?by=60", &[], b"");
    assert_eq!(st, 403);
    assert_eq!(s.operations(), before + 1);
}

#[test]
fn hostile_requests_get_clear_errors_and_the_server_keeps_serving() {
    let s = Served::start(&["--clock", "manual"]);
    let id = create(&s, "a", AGENTS_A);
    // A target over hyper's 64 KiB cap.
    let huge = "x".repeat(70_000);
    let (st, _) = http(s.port, "POST", &format!("/?Action={huge}"), &[], b"");
    assert_eq!(st, 414);
    // Bad percent-encoding.
    let (st, b) = http(s.port, "POST", "/?Action=%zz&Signature=%", &[], b"");
    assert_eq!(st, 400, "{b}");
    // A body over the limit.
    let body = vec![b'a'; dialsim::api::http::MAX_BODY + 1];
    let (st, _) = http(
        s.port,
        "POST",
        "/",
        &[("Content-Type", "application/x-www-form-urlencoded")],
        &body,
    );
    assert_eq!(st, 413);
    // 10 000 numbers in one import, as a form body (within the batch limit): accepted whole.
    let mut p = Map::new();
    for (k, v) in [
        ("Action", "CloudImportTaskTel".to_string()),
        ("TaskId", id.clone()),
        ("TaskTelList", tel_list(0, 10_000)),
    ] {
        p.insert(k.into(), json!(v));
    }
    let (st, b) = s.form(&p);
    assert_eq!(
        (st, b["Data"]["SuccessTotal"].as_str()),
        (200, Some("10000")),
        "{b}"
    );
    // 100 001 numbers, one over the batch limit: refused whole, by name.
    p.insert("TaskTelList".into(), json!(tel_list(0, 100_001)));
    let (st, b) = s.form(&p);
    assert_eq!(st, 400, "{}", b["Message"]);
    let m = b["Message"].as_str().unwrap_or("");
    assert!(m.contains("100001 numbers: at most 100000"), "{m}");
    // A list whose numbers are not numbers: named.
    let bad = json!([{"Tel": "13900000001"}, {"Tel": "not-a-number"}]).to_string();
    let (st, b) = s.call(
        "CloudImportTaskTel",
        &[("TaskId", &id), ("TaskTelList", &bad)],
    );
    assert_eq!(st, 400);
    assert!(
        b["Message"]
            .as_str()
            .unwrap_or("")
            .contains("TaskTelList.2.Tel"),
        "{b}"
    );
    let (st, b) = s.control("POST", "advance?by=-5");
    assert_eq!(st, 400, "{b}");
    assert_eq!(s.ok("CloudGetTask", &[("TaskId", &id)])["Code"], "OK");
}

/// Every record of the server, page by page.
fn all_records(s: &Client) -> Vec<Value> {
    let mut out = Vec::new();
    for page in 0..1000 {
        let start = (page * 1000).to_string();
        let b = s.ok(
            "CloudQueryPredictiveCallCdr",
            &[("Start", &start), ("Limit", "1000")],
        );
        let list = b["Data"]["List"].as_array().cloned().unwrap_or_default();
        let n = list.len();
        out.extend(list);
        if n < 1000 {
            return out;
        }
    }
    panic!("over a million records");
}

/// The script of operations at their instants used by the determinism and restart tests.
fn script(s: &Client, until_step: usize) {
    type Step = Box<dyn Fn(&Client)>;
    let steps: Vec<Step> = vec![
        Box::new(|s| {
            create(s, "a", AGENTS_A);
        }),
        Box::new(|s| {
            s.ok(
                "CloudImportTaskTel",
                &[("TaskId", "1"), ("TaskTelList", &tel_list(0, 1500))],
            );
        }),
        Box::new(|s| assert_eq!(s.control("POST", "advance?to=100").0, 200)),
        Box::new(|s| {
            s.ok("CloudStartTask", &[("TaskId", "1")]);
        }),
        Box::new(|s| assert_eq!(s.control("POST", "advance?to=1000").0, 200)),
        Box::new(|s| {
            s.ok(
                "CloudUpdateTask",
                &[("TaskId", "1"), ("Quotiety", "2"), ("Wrapup", "20")],
            );
        }),
        Box::new(|s| assert_eq!(s.control("POST", "advance?by=1000").0, 200)),
        Box::new(|s| {
            s.ok("CloudPauseTask", &[("TaskId", "1"), ("PauseDuration", "5")]);
        }),
        Box::new(|s| assert_eq!(s.control("POST", "advance?to=2700").0, 200)),
        Box::new(|s| {
            s.ok("CloudAgentLogout", &[("Cno", "1003")]);
        }),
        Box::new(|s| {
            s.ok(
                "CloudImportTaskTel",
                &[
                    ("TaskId", "1"),
                    ("TaskTelList", &tel_list(5000, 500)),
                    ("Priority", "9"),
                ],
            );
        }),
    ];
    for step in steps.iter().take(until_step) {
        step(s);
    }
}

#[test]
fn the_records_are_those_of_dialsim_run_of_the_operations() {
    let s = Served::start(&["--clock", "manual"]);
    script(&s, usize::MAX);
    assert_eq!(s.control("POST", "advance?to=4000").0, 200);
    let served = all_records(&s);
    assert!(served.len() > 300, "{} records", served.len());
    let (st, scenario) = s.control("GET", "scenario");
    assert_eq!(st, 200);
    assert_eq!(scenario["duration_s"], json!(4000.0));
    assert_eq!(
        scenario["actions"].as_array().map(Vec::len),
        Some(6),
        "six operations besides the CreateTask"
    );
    let dir = temp("serve-determinism");
    let file = dir.join("scenario.json");
    std::fs::write(
        &file,
        serde_json::to_string_pretty(&scenario).expect("JSON"),
    )
    .expect("write");
    let cdr = dir.join("records.jsonl");
    dialsim()
        .args([
            "run",
            file.to_str().expect("path"),
            "--cdr",
            cdr.to_str().expect("path"),
        ])
        .assert()
        .success();
    // Byte for byte: the served records, one JSON object a line in the order served, are
    // the file `dialsim run` writes.
    let ran = std::fs::read_to_string(&cdr).expect("records");
    let served_lines: String = served
        .iter()
        .map(|r| serde_json::to_string(r).expect("JSON") + "\n")
        .collect();
    assert_eq!(ran.lines().count(), served.len());
    assert!(
        ran == served_lines,
        "the served records differ from dialsim run's"
    );
}

#[test]
fn a_sigkill_loses_no_answered_write() {
    let dir = temp("serve-kill");
    let data = dir.to_str().expect("path");
    let mut a = Served::start(&["--clock", "manual", "--data", data]);
    script(&a, 5);
    // Writes in flight while the server is killed.
    let port = a.port;
    let answered = std::sync::Arc::new(AtomicU64::new(0));
    let counter = answered.clone();
    let writer = std::thread::spawn(move || {
        let s = Client { port };
        for k in 0..200u64 {
            let list = tel_list(100_000 + k, 1);
            let mut p = Map::new();
            for (key, v) in [
                ("Action", "CloudImportTaskTel".to_string()),
                ("TaskId", "1".into()),
                ("TaskTelList", list),
            ] {
                p.insert(key.into(), json!(v));
            }
            let q = signed_v1_query("POST", &p, DEV_KEY, &nonce(), &stamp(0));
            let ok = TcpStream::connect(("127.0.0.1", s.port)).is_ok()
                && std::panic::catch_unwind(|| http(s.port, "POST", &format!("/?{q}"), &[], b"").0)
                    .is_ok_and(|st| st == 200);
            if !ok {
                break;
            }
            counter.fetch_add(1, Ordering::SeqCst);
        }
    });
    for _ in 0..2000 {
        if answered.load(Ordering::SeqCst) >= 20 {
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    a.child.kill().expect("SIGKILL");
    a.child.wait().expect("reaped");
    let _ = writer.join();
    let answered = answered.load(Ordering::SeqCst);
    assert!(
        (20..200).contains(&answered),
        "{answered} writes answered before the kill"
    );
    // Restarted, it has every answered write (and perhaps the one in flight).
    let b = Served::start(&["--clock", "manual", "--data", data]);
    let journal = std::fs::read_to_string(dir.join("journal.jsonl")).expect("journal");
    let entries: Vec<Value> = journal
        .lines()
        .map(|l| serde_json::from_str(l).expect("line"))
        .collect();
    let imports = entries
        .iter()
        .filter(|e| e["action"] == "CloudImportTaskTel")
        .count() as u64;
    assert!(
        imports == answered + 1 || imports == answered + 2,
        "{imports} imports journaled, {answered} answered"
    );
    assert_eq!(b.operations(), entries.len() as u64);
    // An uninterrupted server given the same operations at the same instants has the same
    // records.
    let c = Served::start(&["--clock", "manual"]);
    for e in &entries {
        let at = e["at_ms"].as_u64().expect("at");
        if e["action"] == "dialsim:Advance" {
            assert_eq!(
                c.control("POST", &format!("advance?to={}", at as f64 / 1000.0))
                    .0,
                200
            );
            continue;
        }
        let params: Vec<(String, String)> = e["params"]
            .as_object()
            .expect("params")
            .iter()
            .map(|(k, v)| {
                (
                    k.clone(),
                    v.as_str().map_or_else(|| v.to_string(), str::to_string),
                )
            })
            .collect();
        let params: Vec<(&str, &str)> = params
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        c.ok(e["action"].as_str().expect("action"), &params);
    }
    for s in [&*b, &*c] {
        assert_eq!(s.control("POST", "advance?to=2400").0, 200);
    }
    let (rb, rc) = (all_records(&b), all_records(&c));
    assert!(rb.len() > 200, "{} records", rb.len());
    assert!(rb == rc, "the restarted server's records differ");
}

#[test]
fn fifty_clients_of_two_hundred_requests_are_all_answered() {
    let s = Served::start(&["--clock", "manual"]);
    let id = create(&s, "a", AGENTS_A);
    let port = s.port;
    let threads: Vec<_> = (0..50u64)
        .map(|c| {
            let id = id.clone();
            std::thread::spawn(move || {
                let s = Client { port };
                let mut codes = Vec::new();
                for r in 0..200u64 {
                    let (st, b) = match r % 40 {
                        0 => s.call(
                            "CloudImportTaskTel",
                            &[("TaskId", &id), ("TaskTelList", &tel_list(c * 1000 + r, 1))],
                        ),
                        k if k % 2 == 0 => s.call("CloudMonitorTask", &[("TaskId", &id)]),
                        _ => s.call("CloudGetTask", &[("TaskId", &id)]),
                    };
                    codes.push((st, b["Code"].as_str().unwrap_or("").to_string()));
                }
                codes
            })
        })
        .collect();
    let mut answered = 0;
    for t in threads {
        for (st, code) in t.join().expect("client") {
            assert_eq!((st, code.as_str()), (200, "OK"));
            answered += 1;
        }
    }
    assert_eq!(answered, 10_000);
    // 50 clients × 5 imports of one number each, none lost.
    let m = s.ok("CloudMonitorTask", &[("TaskId", &id)]);
    assert_eq!(m["Data"]["Statistic"]["UncalledCount"], json!(250), "{m}");
    assert_eq!(s.operations(), 1 + 250);
}

#[test]
fn sigterm_stops_it_cleanly_with_a_client_connected() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_dialsim"))
        .args(["serve", "--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("starts");
    let mut out = BufReader::new(child.stdout.take().expect("stdout"));
    let mut banner = Vec::new();
    for _ in 0..4 {
        let mut line = String::new();
        out.read_line(&mut line).expect("banner");
        banner.push(line.trim().to_string());
    }
    assert!(
        banner[0].starts_with("listening on http://127.0.0.1:"),
        "{banner:?}"
    );
    assert!(banner[1].contains("dialsim-dev"), "{banner:?}");
    assert_eq!(banner[2], "clock: real");
    assert!(banner[3].contains("in memory"), "{banner:?}");
    let port: u16 = banner[0]
        .rsplit(':')
        .next()
        .and_then(|p| p.parse().ok())
        .expect("port");
    // A keep-alive client holds a connection open.
    let mut idle = TcpStream::connect(("127.0.0.1", port)).expect("connects");
    idle.write_all(b"GET /dialsim/clock HTTP/1.1\r\nHost: x\r\n\r\n")
        .expect("sends");
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(status.success());
    for _ in 0..200 {
        if let Some(exit) = child.try_wait().expect("waits") {
            assert!(exit.success(), "{exit:?}");
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    panic!("still running 10 s after SIGTERM");
}

#[test]
fn bad_flags_and_files_are_refused_by_name_with_exit_2() {
    let dir = temp("serve-bad");
    let keys = dir.join("keys.txt");
    std::fs::write(&keys, "only-an-id\n").expect("write");
    let data = dir.join("data");
    std::fs::create_dir_all(&data).expect("dir");
    std::fs::write(data.join("journal.jsonl"), "not json\n{}\n").expect("write");
    let cases: [(&[&str], &str); 5] = [
        (&["--clock", "fast"], "--clock \"fast\""),
        (&["--horizon-days", "0"], "--horizon-days 0"),
        (
            &["--keys", keys.to_str().expect("path")],
            "line 1: expected `ID SECRET`",
        ),
        (
            &["--data", data.to_str().expect("path")],
            "journal.jsonl:1:",
        ),
        (&["--listen", "not-an-address"], "--listen not-an-address"),
    ];
    for (args, names) in cases {
        // Every case listens on 127.0.0.1 only, should it get that far.
        let listen: &[&str] = if args[0] == "--listen" {
            &[]
        } else {
            &["--listen", "127.0.0.1:0"]
        };
        let out = dialsim()
            .arg("serve")
            .args(listen)
            .args(args)
            .timeout(Duration::from_secs(30))
            .output()
            .expect("runs");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(names), "{args:?}: {err}");
    }
}
