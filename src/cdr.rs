//! Call records in the platform's shape: one code path from a simulated [`CallRecord`] to the
//! record `CloudQueryPredictiveCallCdr` answers, as the official SDK's
//! `CloudQueryPredictiveCallCdrResponseBodyDataList` names it.
//!
//! Every field is a string, as in the SDK. Timestamps are Unix seconds, cut to the whole second
//! as the platform records them (`StartTime`, `CalleeRingingTime`, `AnswerTime`, `BridgeTime`,
//! `EndTime`; `"0"` when the moment never came); durations are whole seconds, cut the same
//! way (`WaitDuration`, `BridgeDuration`, `TotalDuration`; empty when there was none: no wait
//! for a call that was never queued), so a recorded 3 is anywhere in [3, 4). The scenario's wall-clock start is read in the enterprise's time zone, the
//! platform's by default ([`PLATFORM_TZ`]). `dialsim fit` reads exactly this shape back.

use crate::world::result::CallRecord;
use jiff::civil::DateTime;
use jiff::tz::TimeZone;
use serde_json::{Map, Value};

/// The platform's time zone: its timestamps' civil times are read there.
pub const PLATFORM_TZ: &str = "Asia/Shanghai";

/// The record fields dialsim writes, in the order the CSV columns take.
pub const FIELDS: [&str; 19] = [
    "TaskId",
    "TaskName",
    "UniqueId",
    "CustomerNumber",
    "Clid",
    "Cno",
    "Status",
    "StatusCode",
    "EndReason",
    "SipCause",
    "StartTime",
    "CalleeRingingTime",
    "AnswerTime",
    "BridgeTime",
    "EndTime",
    "WaitDuration",
    "BridgeDuration",
    "TotalDuration",
    "IsRealAnswer",
];

/// The platform's text for a predictive record's status code (the `Status` field; the code is
/// `StatusCode`).
pub fn status_text(code: u8) -> &'static str {
    match code {
        40 => "客户未接听",
        41 => "客户接听",
        42 => "已呼叫",
        43 => "双方接听",
        _ => "",
    }
}

/// The status code a `Status` text names, the inverse of [`status_text`].
pub fn status_code(text: &str) -> Option<u8> {
    (40..=43).find(|&c| status_text(c) == text)
}

/// The Unix second of the scenario's start, `start` read in `tz` (an IANA name). A name the
/// time-zone database does not know is an error naming it.
pub fn epoch_of(start: DateTime, tz: &str) -> Result<i64, String> {
    let zone = TimeZone::get(tz).map_err(|e| format!("time zone {tz:?}: {e}"))?;
    let zoned = start
        .to_zoned_datetime(zone)
        .map_err(|e| format!("start {start} in {tz}: {e}"))?;
    Ok(zoned.timestamp().as_second())
}

/// The Unix second `ms` after the start at Unix second `epoch_s`, cut to the second.
fn at(epoch_s: i64, ms: u64) -> i64 {
    epoch_s + (ms / 1000) as i64
}

/// One call as the platform's record: every field of [`FIELDS`], as strings. `epoch_s` is the
/// Unix second of the scenario's start (see [`epoch_of`]).
pub fn record(c: &CallRecord, epoch_s: i64) -> Map<String, Value> {
    let s = |x: String| Value::String(x);
    let stamp = |ms: Option<u64>| s(ms.map_or(0, |m| at(epoch_s, m)).to_string());
    let secs = |ms: Option<u64>| s(ms.map_or(String::new(), |m| (m / 1000).to_string()));
    // A call rings from its placement unless the network refused it first (busy, invalid,
    // unreachable: SIP 486, 404, 503).
    let rang = matches!(c.sip_cause, 200 | 480);
    let mut m = Map::new();
    m.insert("TaskId".into(), s(c.task_id.to_string()));
    m.insert("TaskName".into(), s(c.task_name.clone()));
    m.insert(
        "UniqueId".into(),
        s(format!(
            "{}.{}.{}.{}",
            c.task_id, c.number, c.backup, c.attempt
        )),
    );
    m.insert(
        "CustomerNumber".into(),
        s(if let Some(tel) = &c.tel {
            tel.clone()
        } else if c.backup == 0 {
            c.number.to_string()
        } else {
            format!("{}-{}", c.number, c.backup)
        }),
    );
    m.insert("Clid".into(), s(c.clid.clone().unwrap_or_default()));
    m.insert("Cno".into(), s(c.cno.clone().unwrap_or_default()));
    m.insert("Status".into(), s(status_text(c.status).to_string()));
    m.insert("StatusCode".into(), s(c.status.to_string()));
    m.insert("EndReason".into(), s(c.end_reason.to_string()));
    m.insert("SipCause".into(), s(c.sip_cause.to_string()));
    m.insert("StartTime".into(), stamp(Some(c.start_ms)));
    m.insert(
        "CalleeRingingTime".into(),
        stamp(rang.then_some(c.start_ms)),
    );
    m.insert("AnswerTime".into(), stamp(c.answer_ms));
    m.insert("BridgeTime".into(), stamp(c.bridge_ms));
    m.insert("EndTime".into(), stamp(Some(c.end_ms)));
    m.insert("WaitDuration".into(), secs(c.wait_ms));
    m.insert("BridgeDuration".into(), secs(c.bridge_duration_ms));
    m.insert(
        "TotalDuration".into(),
        secs(Some(c.end_ms.saturating_sub(c.start_ms))),
    );
    m.insert(
        "IsRealAnswer".into(),
        s(c.real_answer
            .map_or(String::new(), |r| u8::from(r).to_string())),
    );
    m
}

/// How a file of records is written, from its name: `.jsonl` JSON lines, `.json` a JSON array
/// (the response's `Data.List`), anything else CSV with [`FIELDS`] as its header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// One JSON object a line.
    JsonLines,
    /// One JSON array.
    Json,
    /// CSV with a header.
    Csv,
}

impl Format {
    /// The format a file name asks for.
    pub fn of(path: &std::path::Path) -> Format {
        match path.extension().and_then(|e| e.to_str()) {
            Some("jsonl") => Format::JsonLines,
            Some("json") => Format::Json,
            _ => Format::Csv,
        }
    }
}

/// The records' text in `format`.
pub fn text(calls: &[CallRecord], epoch_s: i64, format: Format) -> String {
    let rows = calls.iter().map(|c| record(c, epoch_s));
    match format {
        Format::JsonLines => rows.map(|r| Value::Object(r).to_string() + "\n").collect(),
        Format::Json => Value::Array(rows.map(Value::Object).collect()).to_string() + "\n",
        Format::Csv => crate::report::csv(&rows.map(Value::Object).collect::<Vec<_>>()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn call() -> CallRecord {
        CallRecord {
            task_id: 7,
            task_name: "t".into(),
            number: 12,
            backup: 0,
            attempt: 1,
            clid: None,
            status: 43,
            end_reason: 1000,
            start_ms: 1_999,
            answer_ms: Some(9_500),
            bridge_ms: Some(10_400),
            end_ms: 70_300,
            wait_ms: Some(900),
            bridge_duration_ms: Some(59_900),
            cno: Some("1001".into()),
            real_answer: Some(true),
            sip_cause: 200,
            tel: None,
        }
    }

    #[test]
    fn the_platform_zone_is_eight_hours_ahead_of_utc() {
        let start: DateTime = "2026-01-05T09:00:00".parse().expect("civil");
        assert_eq!(epoch_of(start, PLATFORM_TZ), Ok(1_767_574_800));
        assert_eq!(epoch_of(start, "UTC"), Ok(1_767_574_800 + 8 * 3600));
        assert!(epoch_of(start, "Mars/Olympus").is_err_and(|e| e.contains("Mars/Olympus")));
    }

    #[test]
    fn a_bridged_call_is_cut_to_whole_seconds() {
        let r = record(&call(), 1_000);
        let f = |k: &str| r[k].as_str().expect(k).to_string();
        assert_eq!(f("StartTime"), "1001");
        assert_eq!(f("CalleeRingingTime"), "1001");
        assert_eq!(f("AnswerTime"), "1009");
        assert_eq!(f("BridgeTime"), "1010");
        assert_eq!(f("EndTime"), "1070");
        assert_eq!(f("WaitDuration"), "0");
        assert_eq!(f("BridgeDuration"), "59");
        assert_eq!(f("TotalDuration"), "68");
        assert_eq!(
            (f("Status"), f("StatusCode")),
            ("双方接听".into(), "43".into())
        );
        assert_eq!(f("UniqueId"), "7.12.0.1");
        assert_eq!(f("IsRealAnswer"), "1");
        assert_eq!(r.len(), FIELDS.len());
        assert!(FIELDS.iter().all(|k| r.contains_key(*k)));
    }

    #[test]
    fn a_busy_line_never_rang_and_has_no_answer() {
        let c = CallRecord {
            status: 40,
            sip_cause: 486,
            answer_ms: None,
            bridge_ms: None,
            wait_ms: None,
            bridge_duration_ms: None,
            cno: None,
            real_answer: None,
            ..call()
        };
        let r = record(&c, 0);
        assert_eq!(r["CalleeRingingTime"], "0");
        assert_eq!(r["AnswerTime"], "0");
        assert_eq!(r["IsRealAnswer"], "");
        assert_eq!(
            (&r["WaitDuration"], &r["BridgeDuration"]),
            (&json!(""), &json!(""))
        );
        assert_eq!(r["SipCause"], "486");
    }

    #[test]
    fn status_texts_read_back_to_their_codes() {
        for c in 40..=43 {
            assert_eq!(status_code(status_text(c)), Some(c));
        }
        assert_eq!(status_code("客户"), None);
    }
}
