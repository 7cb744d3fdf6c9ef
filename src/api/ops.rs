//! The operations `dialsim serve` answers, in the official SDK's response shapes
//! (`alibabacloud-dyvmsapi20170525` 5.3.0 `models/`, recorded in
//! `tests/fixtures/sdk-response-models.json`): which operations change the world, what a
//! request must carry before it reaches the run, the platform store's answers translated into
//! each operation's `Data`, and the reads (tasks, live figures, call records, agents) made
//! from a run at the current instant. The HTTP status of each answer follows its code.

use crate::platform::{TaskRecord, fmt_time};
use crate::request::Code;
use crate::world::engine::Live;
use serde_json::{Map, Value, json};

/// The operations that change the world (journaled when accepted).
pub const WRITES: &[&str] = &[
    "CloudCreateTask",
    "CloudStartTask",
    "CloudPauseTask",
    "CloudUpdateTask",
    "CloudImportTaskTel",
    "CloudDeleteTaskTel",
    "CloudDeleteTask",
    "CloudAgentLogin",
    "CloudAgentLogout",
];

/// The operations that read it.
pub const READS: &[&str] = &[
    "CloudGetTask",
    "CloudQueryTask",
    "CloudMonitorTask",
    "CloudQueryPredictiveCallCdr",
    "CloudListOnlineAgent",
    "CloudListFreeAgent",
];

/// Most records one CloudQueryPredictiveCallCdr page holds.
pub const MAX_PAGE: usize = 1000;

/// An answer: HTTP status and body (the server adds the `RequestId`).
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    /// HTTP status.
    pub status: u16,
    /// `Code`, `Message` and, on success, `Data`.
    pub body: Value,
}

impl Answer {
    /// A success with `data`.
    pub fn ok(data: Value) -> Answer {
        Answer {
            status: 200,
            body: json!({"Code": "OK", "Message": "OK", "Data": data}),
        }
    }

    /// A failure with the platform's code.
    pub fn error(status: u16, code: &str, message: &str) -> Answer {
        Answer {
            status,
            body: json!({"Code": code, "Message": message}),
        }
    }

    /// A parameter the request got wrong (400).
    pub fn invalid(message: &str) -> Answer {
        Answer::error(400, "InvalidParameter", message)
    }
}

/// The HTTP status that fits a platform code.
pub fn status_of(code: &str) -> u16 {
    match code {
        "OK" => 200,
        c if c.starts_with("NotFound") => 404,
        c if c.starts_with("InvalidStatus") || c.starts_with("Conflict") => 409,
        _ => 400,
    }
}

/// A parameter's text (the SDK sends every value as a string; JSON bodies may not).
pub fn text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A parameter as a whole number, from a string or a number.
pub fn as_u64(v: &Value) -> Option<u64> {
    match v {
        Value::String(s) => s.trim().parse().ok(),
        other => other.as_u64(),
    }
}

/// The main numbers of ImportTaskTel's `TaskTelList`, in order: the SDK sends the list as
/// JSON text in one parameter; older clients flatten it to `TaskTelList.N.Tel`.
pub fn task_tels(p: &Map<String, Value>) -> Vec<String> {
    // The SDK 5.x sends the list "shrunk": one parameter holding it as JSON text.
    let shrunk = match p.get("TaskTelList") {
        Some(Value::String(s)) => serde_json::from_str::<Value>(s).ok(),
        other => other.cloned(),
    };
    if let Some(Value::Array(list)) = shrunk {
        return list
            .iter()
            .map(|x| x.get("Tel").map(text).unwrap_or_default())
            .collect();
    }
    let mut numbered: Vec<(u64, String)> = p
        .iter()
        .filter_map(|(k, v)| {
            let rest = k.strip_prefix("TaskTelList.")?;
            let (n, field) = rest.split_once('.')?;
            (field == "Tel").then(|| Some((n.parse().ok()?, text(v))))?
        })
        .collect();
    numbered.sort_by_key(|(n, _)| *n);
    numbered.into_iter().map(|(_, t)| t).collect()
}

/// DeleteTaskTel's `Tels`: comma-separated numbers.
pub fn tels(p: &Map<String, Value>) -> Vec<String> {
    p.get("Tels")
        .map(text)
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// What a write must carry before it is tried: a TaskId, a Cno, a list within the batch
/// limit. The message names the parameter, its value and the rule.
pub fn check_write(e: &super::world::Entry) -> Result<(), String> {
    let p = &e.params;
    let needs_task = !matches!(
        e.action.as_str(),
        "CloudCreateTask" | "CloudAgentLogin" | "CloudAgentLogout"
    );
    if needs_task {
        match p.get("TaskId") {
            Some(v) if as_u64(v).is_some_and(|id| id > 0) => {}
            Some(v) => {
                return Err(format!(
                    "TaskId = {v}: must be a task id (a whole number > 0)"
                ));
            }
            None => return Err("TaskId is required".into()),
        }
    }
    match e.action.as_str() {
        "CloudAgentLogin" | "CloudAgentLogout" if p.get("Cno").is_none() => {
            Err("Cno is required".into())
        }
        "CloudImportTaskTel" => {
            let list = task_tels(p);
            if list.is_empty() {
                return Err("TaskTelList is required: at least one number".into());
            }
            if list.len() > crate::platform::MAX_BATCH {
                return Err(format!(
                    "TaskTelList holds {} numbers: at most {} in one batch",
                    list.len(),
                    crate::platform::MAX_BATCH
                ));
            }
            if let Some((i, bad)) = list
                .iter()
                .enumerate()
                .find(|(_, t)| crate::platform::Tel::parse(t).is_none())
            {
                return Err(format!(
                    "TaskTelList.{}.Tel = {bad:?}: a number is 3 to 19 digits",
                    i + 1
                ));
            }
            Ok(())
        }
        "CloudDeleteTaskTel" if tels(p).is_empty() => {
            Err("Tels is required: numbers separated by commas".into())
        }
        _ => Ok(()),
    }
}

/// A write's answer from the store's answer, in the operation's response shape.
pub fn write_answer(e: &super::world::Entry, store: &Value) -> Answer {
    let code = store
        .get("Code")
        .and_then(Value::as_str)
        .unwrap_or("InternalError");
    if code != "OK" {
        let message = store.get("Message").and_then(Value::as_str).unwrap_or("");
        return Answer::error(status_of(code), code, message);
    }
    let data = store.get("Data").cloned().unwrap_or(Value::Null);
    match e.action.as_str() {
        "CloudCreateTask" => Answer::ok(data),
        // UpdateTask answers the task as it now stands (CreateTask's `Data`).
        "CloudUpdateTask" => Answer::ok(store.get("Task").cloned().unwrap_or(Value::Null)),
        "CloudImportTaskTel" => {
            let requested = task_tels(&e.params).len() as u64;
            let imported = data.get("Imported").and_then(Value::as_u64).unwrap_or(0);
            Answer::ok(json!({
                "TaskId": e.params.get("TaskId").map(text).unwrap_or_default(),
                "FileId": "0",
                "ImportTotal": requested.to_string(),
                "SuccessTotal": imported.to_string(),
                "InvalidTotal": (requested - imported.min(requested)).to_string(),
            }))
        }
        _ => Answer::ok(json!({"Result": 1})),
    }
}

/// Answer a read from the run at its current instant.
pub fn read(action: &str, p: &Map<String, Value>, live: &Live<'_>, epoch_s: i64) -> Answer {
    match action {
        "CloudGetTask" | "CloudMonitorTask" => {
            let Some(id) = p.get("TaskId").and_then(as_u64) else {
                return Answer::invalid("TaskId is required (a whole number > 0)");
            };
            let Some(rec) = live.platform().task(id) else {
                return Answer::error(
                    404,
                    "NotFound.Task",
                    &format!("{action}: task {id} does not exist"),
                );
            };
            if action == "CloudGetTask" {
                Answer::ok(json!({"TaskProperty": property(live, rec, &GET_TASK)}))
            } else {
                Answer::ok(monitor(live, rec))
            }
        }
        "CloudQueryTask" => query_task(live, p),
        "CloudQueryPredictiveCallCdr" => records(live, p, epoch_s),
        "CloudListOnlineAgent" => {
            let statuses: Vec<Value> = live
                .agents()
                .iter()
                .filter(|a| !a.logged_out)
                .map(|a| {
                    json!({
                        "Cno": a.cno, "Name": a.cno, "BindTel": "",
                        "LoginStatus": 1, "LoginStatusDuration": 0,
                        "DeviceStatus": if matches!(a.state, "talking" | "ringing") { 1 } else { 0 },
                        "DeviceStatusDuration": (live.now_ms().saturating_sub(a.since_ms)) / 1000,
                        "LoginTime": "", "State": a.state,
                    })
                })
                .collect();
            Answer::ok(json!({"AgentStatuses": statuses}))
        }
        "CloudListFreeAgent" => {
            let free: Vec<Value> = live
                .agents()
                .iter()
                .filter(|a| a.state == "idle" && a.task.is_some())
                .map(|a| json!({"Cno": a.cno, "Name": a.cno}))
                .collect();
            Answer::ok(json!({"List": free}))
        }
        other => unknown(other),
    }
}

/// The answer to an operation dialsim does not serve (404, naming those it does).
pub fn unknown(action: &str) -> Answer {
    Answer::error(
        404,
        "InvalidAction.NotFound",
        &format!(
            "{action:?} is not an operation dialsim serves; it serves {}",
            WRITES
                .iter()
                .chain(READS)
                .copied()
                .collect::<Vec<_>>()
                .join(", ")
        ),
    )
}

/// How a field is typed in a model.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Ty {
    Str,
    Int,
    Float,
}

/// CloudGetTask's `TaskProperty`: every field a string.
const GET_TASK: [(&str, Ty); 59] = {
    use Ty::Str as S;
    [
        ("AdjustStep", S),
        ("AgentTimeout", S),
        ("AgentUtilization", S),
        ("AnswerRate", S),
        ("AutoComplete", S),
        ("AutoStart", S),
        ("AutoStartDay", S),
        ("AutoStartTime", S),
        ("AutoStop", S),
        ("AutoStopDay", S),
        ("AutoStopTime", S),
        ("AutoTaskType", S),
        ("AutoTriggerTimeStrategy", S),
        ("CallLimitStrategy", S),
        ("CallStrategy", S),
        ("CallVariables", S),
        ("CallbackUrl", S),
        ("ClidGroup", S),
        ("ClidProperty", S),
        ("Cnos", S),
        ("Concurrency", S),
        ("CreateTime", S),
        ("CurlRetryTimes", S),
        ("CustomerClidType", S),
        ("CustomerClidWeight", S),
        ("CustomerClidWeightFlag", S),
        ("CustomerClids", S),
        ("CustomerClidsCategory", S),
        ("CustomerMoh", S),
        ("CustomerTimeout", S),
        ("CustomerVoice", S),
        ("Description", S),
        ("EnterpriseId", S),
        ("ForceEndFlag", S),
        ("Id", S),
        ("IsRandom", S),
        ("IsRewarm", S),
        ("IvrId", S),
        ("MaxWaitTime", S),
        ("MinAvailableAgentCount", S),
        ("Name", S),
        ("OverCallLimitCnos", S),
        ("OverTime", S),
        ("PauseDuration", S),
        ("PauseTime", S),
        ("PredictAdjust", S),
        ("Quotiety", S),
        ("RetryStrategy", S),
        ("RetryStrategyOnlyToday", S),
        ("StandbyCnos", S),
        ("StartTime", S),
        ("Status", S),
        ("StatusDescription", S),
        ("TaskFields", S),
        ("TimeStrategy", S),
        ("Type", S),
        ("UserFields", S),
        ("WarmUpDuration", S),
        ("Wrapup", S),
    ]
};

/// CloudQueryTask's `TaskProperties[]`, typed as the SDK types them.
const QUERY_TASK: [(&str, Ty); 57] = {
    use Ty::{Float as F, Int as I, Str as S};
    [
        ("AgentGroup", S),
        ("AgentTimeout", I),
        ("AnswerRate", I),
        ("AutoComplete", I),
        ("AutoStart", I),
        ("AutoStartDay", S),
        ("AutoStartTime", S),
        ("AutoStop", I),
        ("AutoStopDay", S),
        ("AutoStopTime", S),
        ("AutoTaskType", I),
        ("AutoTriggerTimeStrategy", S),
        ("CallGroupType", I),
        ("CallLimitStrategy", S),
        ("CallPriorityStrategy", S),
        ("CallRouteStrategy", I),
        ("CallStrategy", I),
        ("CallVariables", S),
        ("ClidProperty", S),
        ("Cnos", S),
        ("Concurrency", I),
        ("CreateTime", S),
        ("CustomerClidType", I),
        ("CustomerClidWeight", S),
        ("CustomerClidWeightFlag", I),
        ("CustomerClids", S),
        ("CustomerClidsCategory", I),
        ("CustomerMoh", S),
        ("CustomerTimeout", I),
        ("CustomerVoice", S),
        ("Description", S),
        ("EnterpriseId", S),
        ("ForceEndFlag", I),
        ("Id", I),
        ("IsRewarm", I),
        ("IvrId", I),
        ("MaxWaitTime", I),
        ("MinAvailableAgentCount", I),
        ("Name", S),
        ("OverCallLimitCnos", S),
        ("OverTime", S),
        ("PauseDuration", I),
        ("PauseTime", S),
        ("PredictAdjust", I),
        ("Quotiety", F),
        ("RetryStrategy", S),
        ("RetryStrategyOnlyToday", I),
        ("RetryStrategyTimeType", I),
        ("StartTime", S),
        ("Status", I),
        ("StatusDescription", S),
        ("StatusTriggerType", I),
        ("TimeStrategy", S),
        ("Type", I),
        ("UserFields", S),
        ("WarmUpDuration", I),
        ("Wrapup", I),
    ]
};

/// A task's properties in a model's fields and types; fields the store has no value for are
/// left out.
fn property(live: &Live<'_>, rec: &TaskRecord, model: &[(&str, Ty)]) -> Value {
    let mut all = rec.task.to_params();
    let status = rec.status;
    let last = rec.history.last();
    all.insert("Id".into(), json!(rec.id));
    all.insert("Status".into(), json!(status.code()));
    all.insert(
        "StatusDescription".into(),
        json!(last.map_or_else(|| status.describe().to_string(), |c| c.cause.clone())),
    );
    all.insert(
        "StatusTriggerType".into(),
        json!(last.map_or(0, |c| c.trigger)),
    );
    all.insert("CreateTime".into(), json!(fmt_time(rec.created)));
    if let Some(t) = rec.started {
        all.insert("StartTime".into(), json!(fmt_time(t)));
    }
    if let Some(t) = rec.ended {
        all.insert("OverTime".into(), json!(fmt_time(t)));
    }
    if let Some(t) = rec.paused_until {
        all.insert("PauseTime".into(), json!(fmt_time(t)));
    }
    if let Some(ivr) = live.platform().data(rec).ivr_id.filter(|s| !s.is_empty()) {
        all.insert("IvrId".into(), json!(ivr));
    }
    let mut out = Map::new();
    for &(key, ty) in model {
        let Some(v) = all.get(key).filter(|v| !v.is_null()) else {
            continue;
        };
        let typed = match ty {
            Ty::Str => Some(Value::String(text(v))),
            Ty::Int => match v {
                Value::Number(n) if n.is_i64() || n.is_u64() => Some(v.clone()),
                other => text(other).trim().parse::<i64>().ok().map(Value::from),
            },
            Ty::Float => match v {
                Value::Number(_) => v.as_f64().map(Value::from),
                other => text(other).trim().parse::<f64>().ok().map(Value::from),
            },
        };
        if let Some(t) = typed {
            out.insert(key.to_string(), t);
        }
    }
    Value::Object(out)
}

/// CloudQueryTask: the tasks matching `Name` (a part of it), `Status` and `Type`, paged by
/// `Start` (0-based) and `Limit` (default 20, at most 100), oldest first.
fn query_task(live: &Live<'_>, p: &Map<String, Value>) -> Answer {
    let name = p.get("Name").map(text).unwrap_or_default();
    let status = p.get("Status").and_then(as_u64);
    let ttype = p.get("Type").and_then(as_u64);
    let start = p.get("Start").and_then(as_u64).unwrap_or(0) as usize;
    let limit = p.get("Limit").and_then(as_u64).unwrap_or(20).clamp(1, 100) as usize;
    let list: Vec<Value> = live
        .platform()
        .tasks()
        .filter(|r| r.task.name.contains(&name))
        .filter(|r| status.is_none_or(|s| r.status.code() == s as i64))
        .filter(|r| ttype.is_none_or(|t| r.task.task_type.code() == t as i64))
        .skip(start)
        .take(limit)
        .map(|r| property(live, r, &QUERY_TASK))
        .collect();
    Answer::ok(json!({"TaskProperties": list}))
}

/// CloudMonitorTask: the task's figures at the current instant.
fn monitor(live: &Live<'_>, rec: &TaskRecord) -> Value {
    let cti = json!({
        "Id": rec.id,
        "Name": rec.task.name,
        "Status": rec.status.code(),
        "StatusDescription": rec.history.last().map_or("", |c| c.cause.as_str()),
        "StartTime": rec.started.map(fmt_time).unwrap_or_default(),
        "OverTime": rec.ended.map(fmt_time).unwrap_or_default(),
    });
    let Some(t) = live.task(rec.id) else {
        return json!({});
    };
    let statistic = json!({
        "AgentCount": t.agents,
        "CallAgentCount": t.connected,
        "CalledCount": t.placed,
        "AnswerCount": t.answered,
        "UncalledCount": t.uncalled,
        "CtiLinkTaskProperty": cti,
    });
    let mut today = statistic.clone();
    today["CtiLinkTaskProperty"]["Status"] = json!(rec.status.code().to_string());
    // Per agent: calls bridged, their talk, and how many within 2 s, from the records.
    let mut per: std::collections::HashMap<&str, (u64, u64, u64)> = Default::default();
    for r in live.records().iter().filter(|r| r.task_id == rec.id) {
        if let (Some(cno), Some(talk)) = (r.cno.as_deref(), r.bridge_duration_ms) {
            let e = per.entry(cno).or_default();
            e.0 += 1;
            e.1 += talk;
            e.2 += u64::from(r.wait_ms.is_some_and(|w| w <= 2000));
        }
    }
    let agents = live.agents();
    let list: Vec<Value> = agents
        .iter()
        .filter(|a| a.task == Some(t.index))
        .map(|a| {
            let (bridged, talk_ms, in_2s) = per.get(a.cno.as_str()).copied().unwrap_or_default();
            json!({
                "Cno": a.cno,
                "Name": a.cno,
                "AgentStatus": a.state,
                "CalledCount": a.offered,
                "BridgeCount": bridged,
                "NoBridgeCount": a.offered.saturating_sub(bridged),
                "AvgBridgeTime": (talk_ms.checked_div(bridged).unwrap_or(0) / 1000).to_string(),
                "BridgeIn2sRate": if bridged > 0 { in_2s as f64 / bridged as f64 } else { 0.0 },
                "AgentAvgIdleTime": a.idle_ms / 1000 / a.offered.max(1),
                "TodayAnsweredCount": a.today,
                "EnterpriseTodayAnsweredCount": a.today,
                "CallLimit": a.cap.unwrap_or(0),
                "EnterpriseCallLimit": 0,
            })
        })
        .collect();
    json!({
        "Statistic": statistic,
        "TodayStatistic": today,
        "AgentInfo": {
            "TotalCount": t.agents,
            "OnlineCount": t.available,
            "AvailableCount": t.idle,
            "RingingCount": t.agent_ringing,
            "BridgeCount": t.talking,
            "WrapupCount": t.wrapping,
        },
        "ChannelInfo": {
            "ChannelCount": t.in_progress,
            "EnterpriseChannelCount": live.channels(),
            "WaitAnswerCount": t.customers_ringing,
            "AnswerCount": t.in_progress.saturating_sub(t.customers_ringing),
            "WaitAgentCount": t.waiting,
            "BridgedCount": t.talking,
            "IvrCount": t.in_progress.saturating_sub(t.customers_ringing + t.waiting + t.talking),
        },
        "AgentStatisticList": list,
        "RemovedAgentStatisticList": [],
    })
}

/// CloudQueryPredictiveCallCdr: records of the calls ended so far, oldest first, filtered
/// by `TaskId`, `Cno`, `CustomerNumber`, `UniqueId`, `Status` (the StatusCode),
/// `IsRealAnswer`, and a `StartTime`..`EndTime` range of Unix seconds (or milliseconds)
/// on the call's start; paged by `Start` (0-based) and `Limit` (default 100, at most
/// [`MAX_PAGE`]).
fn records(live: &Live<'_>, p: &Map<String, Value>, epoch_s: i64) -> Answer {
    let s = |k: &str| p.get(k).map(text).filter(|s| !s.is_empty());
    let n = |k: &str| p.get(k).and_then(as_u64);
    let seconds = |x: u64| if x > 100_000_000_000 { x / 1000 } else { x } as i64;
    let (task, cno, number, unique) = (n("TaskId"), s("Cno"), s("CustomerNumber"), s("UniqueId"));
    let (status, real) = (n("Status"), n("IsRealAnswer"));
    let (from, to) = (n("StartTime").map(seconds), n("EndTime").map(seconds));
    let start = n("Start").unwrap_or(0) as usize;
    let limit = n("Limit").unwrap_or(100).clamp(1, MAX_PAGE as u64) as usize;
    let list: Vec<Value> = live
        .records()
        .iter()
        .filter(|r| task.is_none_or(|t| r.task_id == t))
        .filter(|r| status.is_none_or(|st| u64::from(r.status) == st))
        .filter(|r| real.is_none_or(|x| r.real_answer == Some(x == 1)))
        .map(|r| crate::cdr::record(r, epoch_s))
        .filter(|m| {
            let is = |k: &str, want: &Option<String>| {
                want.as_ref()
                    .is_none_or(|w| m.get(k).and_then(Value::as_str) == Some(w))
            };
            let started: i64 = m
                .get("StartTime")
                .and_then(Value::as_str)
                .and_then(|x| x.parse().ok())
                .unwrap_or(0);
            is("Cno", &cno)
                && is("CustomerNumber", &number)
                && is("UniqueId", &unique)
                && from.is_none_or(|f| started >= f)
                && to.is_none_or(|t| started <= t)
        })
        .skip(start)
        .take(limit)
        .map(Value::Object)
        .collect();
    Answer::ok(json!({"List": list}))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, Value)]) -> Map<String, Value> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_string(), v.clone()))
            .collect()
    }

    #[test]
    fn task_tel_lists_are_read_shrunk_or_flattened_in_order() {
        let shrunk = params(&[(
            "TaskTelList",
            json!(r#"[{"Tel":"13800000001"},{"Tel":"13800000002"}]"#),
        )]);
        assert_eq!(task_tels(&shrunk), ["13800000001", "13800000002"]);
        let flat = params(&[
            ("TaskTelList.10.Tel", json!("3")),
            ("TaskTelList.2.Tel", json!("2")),
            ("TaskTelList.1.Tel", json!("1")),
            ("TaskTelList.1.Priority", json!("5")),
        ]);
        assert_eq!(task_tels(&flat), ["1", "2", "3"]);
        assert!(task_tels(&params(&[("TaskTelList", json!("not json"))])).is_empty());
        assert_eq!(
            tels(&params(&[("Tels", json!(" 1, 2,,3 "))])),
            ["1", "2", "3"]
        );
    }

    #[test]
    fn statuses_follow_the_codes() {
        assert_eq!(status_of("OK"), 200);
        assert_eq!(status_of("NotFound.Task"), 404);
        assert_eq!(status_of("InvalidStatus.Task"), 409);
        assert_eq!(status_of("Conflict.AgentBusy"), 409);
        assert_eq!(status_of("InvalidParameter"), 400);
        assert_eq!(status_of("LimitExceeded.Number"), 400);
        assert_eq!(as_u64(&json!(" 12 ")), Some(12));
        assert_eq!(as_u64(&json!(12)), Some(12));
        assert_eq!(as_u64(&json!("x")), None);
        assert_eq!(text(&json!(2.5)), "2.5");
    }

    #[test]
    fn writes_are_checked_for_what_they_must_carry() {
        let e = |action: &str, p: Map<String, Value>| super::super::world::Entry {
            at_ms: 0,
            action: action.into(),
            params: p,
        };
        let err = |action: &str, p| check_write(&e(action, p)).expect_err("refused");
        assert_eq!(err("CloudStartTask", Map::new()), "TaskId is required");
        assert!(
            err("CloudStartTask", params(&[("TaskId", json!("0"))])).contains("TaskId = \"0\"")
        );
        assert_eq!(err("CloudAgentLogin", Map::new()), "Cno is required");
        let one = params(&[("TaskId", json!("1"))]);
        assert!(err("CloudImportTaskTel", one.clone()).contains("at least one number"));
        assert!(err("CloudDeleteTaskTel", one.clone()).contains("Tels is required"));
        assert!(check_write(&e("CloudStartTask", one)).is_ok());
        assert!(check_write(&e("CloudCreateTask", Map::new())).is_ok());
        assert!(check_write(&e("CloudAgentLogout", params(&[("Cno", json!("1000"))]))).is_ok());
    }

    #[test]
    fn an_import_answers_the_counts_as_strings() {
        let entry = super::super::world::Entry {
            at_ms: 0,
            action: "CloudImportTaskTel".into(),
            params: params(&[
                ("TaskId", json!("7")),
                (
                    "TaskTelList",
                    json!(r#"[{"Tel":"13800000001"},{"Tel":"13800000001"}]"#),
                ),
            ]),
        };
        let store =
            json!({"Code": "OK", "Message": "OK", "Data": {"Imported": 1, "Duplicates": 1}});
        let a = write_answer(&entry, &store);
        assert_eq!(a.status, 200);
        assert_eq!(
            a.body["Data"],
            json!({"TaskId": "7", "FileId": "0", "ImportTotal": "2", "SuccessTotal": "1", "InvalidTotal": "1"})
        );
        let refused = json!({"Code": "InvalidStatus.Task", "Message": "ended"});
        let a = write_answer(&entry, &refused);
        assert_eq!(
            (a.status, &a.body["Code"]),
            (409, &json!("InvalidStatus.Task"))
        );
    }
}
