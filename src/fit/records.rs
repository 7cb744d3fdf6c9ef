//! Reading call records in the platform's shape, streamed: whole `CloudQueryPredictiveCallCdr`
//! responses or their `Data.List` arrays as JSON, JSON lines, or CSV with the SDK's field
//! names. Values may be strings (as the SDK has them) or numbers; an empty value, `null` and a
//! timestamp of `0` mean "never happened". A row that breaks a rule is named by file and line
//! (or element) with the field, the value and the rule.

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};
use std::borrow::Cow;
use std::fmt;
use std::io::{BufRead, BufReader};
use std::path::Path;

/// One call record, read and checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// `UniqueId`, if given, as a 128-bit key ([`key128`]).
    pub unique_id: Option<u128>,
    /// `StatusCode` (or `Status` as a code or the platform's text): 40..=43.
    pub status: u8,
    /// `EndReason`.
    pub end_reason: Option<u16>,
    /// `SipCause`.
    pub sip_cause: Option<u16>,
    /// `StartTime`, Unix seconds.
    pub start: i64,
    /// `CalleeRingingTime`.
    pub ringing: Option<i64>,
    /// `AnswerTime`.
    pub answer: Option<i64>,
    /// `BridgeTime`.
    pub bridge: Option<i64>,
    /// `EndTime`.
    pub end: i64,
    /// `WaitDuration`, seconds.
    pub wait: Option<f64>,
    /// `BridgeDuration`, seconds.
    pub bridge_duration: Option<f64>,
    /// `Cno`, as a 64-bit key ([`key128`]'s low half).
    pub cno: Option<u64>,
    /// `IsRealAnswer`.
    pub real_answer: Option<bool>,
    /// `TotalDuration`, seconds.
    pub total: Option<f64>,
}

/// A row that broke a rule.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{file}:{at}: {field} = {value:?}: {rule}")]
pub struct Rejected {
    /// The file.
    pub file: String,
    /// `line N` or `element N`.
    pub at: String,
    /// The field.
    pub field: &'static str,
    /// Its value.
    pub value: String,
    /// The rule it breaks.
    pub rule: &'static str,
}

/// Why a file could not be read at all.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReadError {
    /// The file could not be opened or read.
    #[error("{file}: {source}")]
    Io {
        /// The file.
        file: String,
        /// Why.
        source: std::io::Error,
    },
    /// Not JSON, JSON lines or CSV of records.
    #[error("{file}: {detail}")]
    Syntax {
        /// The file.
        file: String,
        /// What is wrong, with its position.
        detail: String,
    },
}

/// The fields read, by their SDK names.
const FIELDS: [&str; 15] = [
    "UniqueId",
    "StatusCode",
    "Status",
    "EndReason",
    "SipCause",
    "StartTime",
    "CalleeRingingTime",
    "AnswerTime",
    "BridgeTime",
    "EndTime",
    "WaitDuration",
    "BridgeDuration",
    "Cno",
    "IsRealAnswer",
    "TotalDuration",
];

type Fault = (&'static str, String, &'static str);

/// The last second of 9999-12-31, the latest timestamp read.
const MAX_UNIX: i64 = 253_402_300_799;

/// A 128-bit key of a string: two SipHash passes with different prefixes (a collision among
/// ten million ids has odds near 10⁻²⁵), so that ids are compared without being kept.
pub fn key128(s: &str) -> u128 {
    use std::hash::{Hash, Hasher};
    let h = |salt: u8| {
        let mut x = std::hash::DefaultHasher::new();
        salt.hash(&mut x);
        s.hash(&mut x);
        x.finish()
    };
    (u128::from(h(1)) << 64) | u128::from(h(2))
}

/// A row from a lookup of its fields (index into [`FIELDS`]).
fn parse_row<'a>(get: impl Fn(usize) -> Option<&'a str>) -> Result<Row, Fault> {
    let val = |i: usize| get(i).map(str::trim).filter(|s| !s.is_empty());
    let int = |i: usize| -> Result<Option<i64>, Fault> {
        match val(i) {
            None => Ok(None),
            Some(s) => s
                .parse::<i64>()
                .map(Some)
                .map_err(|_| (FIELDS[i], s.to_string(), "must be a whole number")),
        }
    };
    let stamp = |i: usize| -> Result<Option<i64>, Fault> {
        match int(i)? {
            Some(0) | None => Ok(None),
            Some(t) if !(0..=MAX_UNIX).contains(&t) => Err((
                FIELDS[i],
                t.to_string(),
                "must be a Unix time from 0 to 253402300799 (9999-12-31)",
            )),
            Some(t) => Ok(Some(t)),
        }
    };
    let secs = |i: usize| -> Result<Option<f64>, Fault> {
        match val(i) {
            None => Ok(None),
            Some(s) => match s.parse::<f64>() {
                Ok(x) if x.is_finite() && x >= 0.0 => Ok(Some(x)),
                _ => Err((FIELDS[i], s.to_string(), "must be a number of seconds >= 0")),
            },
        }
    };
    let code = |i: usize| -> Result<Option<u16>, Fault> {
        match int(i)? {
            None => Ok(None),
            Some(c) => u16::try_from(c)
                .map(Some)
                .map_err(|_| (FIELDS[i], c.to_string(), "must be a code from 0 to 65535")),
        }
    };
    let status = match (val(1), val(2)) {
        (Some(s), _) => s.parse::<u8>().ok(),
        (None, Some(s)) => s.parse::<u8>().ok().or_else(|| crate::cdr::status_code(s)),
        (None, None) => return Err(("StatusCode", String::new(), "a record needs its status")),
    };
    let status = match status {
        Some(s @ 40..=43) => s,
        _ => {
            let (f, v) = val(1).map_or(("Status", val(2)), |v| ("StatusCode", Some(v)));
            return Err((
                f,
                v.unwrap_or_default().to_string(),
                "must be 40, 41, 42 or 43 (or the platform's text for one)",
            ));
        }
    };
    let start = stamp(5)?.ok_or(("StartTime", String::new(), "a record needs its start"))?;
    let end = stamp(9)?.ok_or(("EndTime", String::new(), "a record needs its end"))?;
    if end < start {
        return Err(("EndTime", end.to_string(), "must not be before StartTime"));
    }
    let (ringing, answer, bridge) = (stamp(6)?, stamp(7)?, stamp(8)?);
    for (i, t) in [(6, ringing), (7, answer), (8, bridge)] {
        if let Some(t) = t
            && (t < start || t > end)
        {
            return Err((
                FIELDS[i],
                t.to_string(),
                "must lie between StartTime and EndTime",
            ));
        }
    }
    if let (Some(a), Some(b)) = (answer, bridge)
        && b < a
    {
        return Err(("BridgeTime", b.to_string(), "must not be before AnswerTime"));
    }
    if let (Some(r), Some(a)) = (ringing, answer)
        && a < r
    {
        return Err((
            "AnswerTime",
            a.to_string(),
            "must not be before CalleeRingingTime",
        ));
    }
    let real_answer = match val(13) {
        None => None,
        Some("1") => Some(true),
        Some("0") => Some(false),
        Some(s) => return Err(("IsRealAnswer", s.to_string(), "must be 1, 0 or empty")),
    };
    Ok(Row {
        unique_id: val(0).map(key128),
        status,
        end_reason: code(3)?,
        sip_cause: code(4)?,
        start,
        ringing,
        answer,
        bridge,
        end,
        wait: secs(10)?,
        bridge_duration: secs(11)?,
        cno: val(12).map(|c| key128(c) as u64),
        real_answer,
        total: secs(14)?,
    })
}

/// A JSON value read as text: strings as they are, numbers and booleans written out, null as
/// absent.
#[derive(Debug, Default)]
struct Flex<'a>(Option<Cow<'a, str>>);

impl<'de: 'a, 'a> Deserialize<'de> for Flex<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = Flex<'a>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string, a number or null")
            }
            fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Self::Value, E> {
                Ok(Flex(Some(Cow::Borrowed(s))))
            }
            fn visit_str<E>(self, s: &str) -> Result<Self::Value, E> {
                Ok(Flex(Some(Cow::Owned(s.to_string()))))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
                Ok(Flex(Some(Cow::Owned(v.to_string()))))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
                Ok(Flex(Some(Cow::Owned(v.to_string()))))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
                Ok(Flex(Some(Cow::Owned(v.to_string()))))
            }
            fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
                Ok(Flex(Some(Cow::Borrowed(if v { "1" } else { "0" }))))
            }
            fn visit_unit<E>(self) -> Result<Self::Value, E> {
                Ok(Flex(None))
            }
            fn visit_none<E>(self) -> Result<Self::Value, E> {
                Ok(Flex(None))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Self::Value, A::Error> {
                while m.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Flex(None))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut s: A) -> Result<Self::Value, A::Error> {
                while s.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Flex(None))
            }
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

/// A record object as JSON gives it; other fields are skipped.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct JsonRecord<'a> {
    #[serde(borrow)]
    unique_id: Flex<'a>,
    #[serde(borrow)]
    status_code: Flex<'a>,
    #[serde(borrow)]
    status: Flex<'a>,
    #[serde(borrow)]
    end_reason: Flex<'a>,
    #[serde(borrow)]
    sip_cause: Flex<'a>,
    #[serde(borrow)]
    start_time: Flex<'a>,
    #[serde(borrow)]
    callee_ringing_time: Flex<'a>,
    #[serde(borrow)]
    answer_time: Flex<'a>,
    #[serde(borrow)]
    bridge_time: Flex<'a>,
    #[serde(borrow)]
    end_time: Flex<'a>,
    #[serde(borrow)]
    wait_duration: Flex<'a>,
    #[serde(borrow)]
    bridge_duration: Flex<'a>,
    #[serde(borrow)]
    cno: Flex<'a>,
    #[serde(borrow)]
    is_real_answer: Flex<'a>,
    #[serde(borrow)]
    total_duration: Flex<'a>,
}

impl JsonRecord<'_> {
    fn row(&self) -> Result<Row, Fault> {
        let f = [
            &self.unique_id,
            &self.status_code,
            &self.status,
            &self.end_reason,
            &self.sip_cause,
            &self.start_time,
            &self.callee_ringing_time,
            &self.answer_time,
            &self.bridge_time,
            &self.end_time,
            &self.wait_duration,
            &self.bridge_duration,
            &self.cno,
            &self.is_real_answer,
            &self.total_duration,
        ];
        parse_row(|i| f[i].0.as_deref())
    }
}

/// What a reader hands on: a row, or a rejected one.
pub type Sink<'a> = dyn FnMut(Result<Row, Rejected>) + 'a;

/// The file formats read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// A CSV with a header of SDK field names.
    Csv,
    /// One record object a line.
    JsonLines,
    /// A whole response, `{"Data": {"List": [...]}}`, or an array of records.
    Json,
}

/// The format of `path`: by extension, else by its first bytes.
pub fn sniff(path: &Path) -> Result<Format, ReadError> {
    match path.extension().and_then(|e| e.to_str()) {
        Some("csv") => return Ok(Format::Csv),
        Some("jsonl") | Some("ndjson") => return Ok(Format::JsonLines),
        _ => {}
    }
    let io = |source| ReadError::Io {
        file: path.display().to_string(),
        source,
    };
    let mut first = String::new();
    BufReader::new(std::fs::File::open(path).map_err(io)?)
        .read_line(&mut first)
        .map_err(io)?;
    let t = first.trim_start();
    Ok(if t.starts_with('[') {
        Format::Json
    } else if t.starts_with('{') {
        if serde_json::from_str::<IgnoredAny>(first.trim()).is_ok() {
            Format::JsonLines
        } else {
            Format::Json
        }
    } else {
        Format::Csv
    })
}

/// Read every record of `path`, in order, handing each to `sink`. Only a file that cannot be
/// read at all is an error; a bad row is handed on as [`Rejected`].
pub fn read(path: &Path, sink: &mut Sink<'_>) -> Result<(), ReadError> {
    let name = path.display().to_string();
    let file = std::fs::File::open(path).map_err(|source| ReadError::Io {
        file: name.clone(),
        source,
    })?;
    read_from(file, sniff(path)?, &name, sink)
}

/// Read every record of `input` in `format`; `name` names it in messages.
pub fn read_from(
    input: impl std::io::Read,
    format: Format,
    name: &str,
    sink: &mut Sink<'_>,
) -> Result<(), ReadError> {
    let io = |source| ReadError::Io {
        file: name.to_string(),
        source,
    };
    let reject = |at: String, (field, value, rule): Fault| Rejected {
        file: name.to_string(),
        at,
        field,
        value,
        rule,
    };
    match format {
        Format::Csv => read_csv(input, name, sink, &reject),
        Format::JsonLines => {
            let mut r = BufReader::with_capacity(1 << 16, input);
            let mut bytes = Vec::new();
            let mut n = 0u64;
            loop {
                bytes.clear();
                if r.read_until(b'\n', &mut bytes).map_err(io)? == 0 {
                    return Ok(());
                }
                n += 1;
                let at = || format!("line {n}");
                let Ok(line) = std::str::from_utf8(&bytes) else {
                    sink(Err(reject(
                        at(),
                        ("(line)", String::new(), "not UTF-8 text"),
                    )));
                    continue;
                };
                if line.trim().is_empty() {
                    continue;
                }
                match serde_json::from_str::<JsonRecord>(line) {
                    Ok(rec) => sink(rec.row().map_err(|f| reject(at(), f))),
                    Err(e) => sink(Err(reject(at(), ("(line)", truncate(line), leak_rule(&e))))),
                }
            }
        }
        Format::Json => {
            let mut de =
                serde_json::Deserializer::from_reader(BufReader::with_capacity(1 << 16, input));
            let mut element = 0u64;
            let walk = Walk {
                sink,
                element: &mut element,
                reject: &reject,
            };
            walk.deserialize(&mut de)
                .and_then(|()| de.end())
                .map_err(|e| ReadError::Syntax {
                    file: name.to_string(),
                    detail: e.to_string(),
                })
        }
    }
}

fn truncate(s: &str) -> String {
    let s = s.trim();
    match s.char_indices().nth(80) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

/// serde_json's categories of a line that is not a record object.
fn leak_rule(e: &serde_json::Error) -> &'static str {
    match e.classify() {
        serde_json::error::Category::Eof => "the line ends inside a JSON value",
        serde_json::error::Category::Syntax => "not JSON",
        _ => "must be a JSON object of a record",
    }
}

fn read_csv(
    file: impl std::io::Read,
    name: &str,
    sink: &mut Sink<'_>,
    reject: &dyn Fn(String, Fault) -> Rejected,
) -> Result<(), ReadError> {
    let mut r = csv::ReaderBuilder::new()
        .flexible(true)
        .buffer_capacity(1 << 16)
        .from_reader(file);
    let syntax = |e: csv::Error| ReadError::Syntax {
        file: name.to_string(),
        detail: e.to_string(),
    };
    let header = r.headers().map_err(syntax)?.clone();
    let col: Vec<Option<usize>> = FIELDS
        .iter()
        .map(|f| {
            header
                .iter()
                .position(|h| h.trim().trim_start_matches('\u{feff}') == *f)
        })
        .collect();
    if col[5].is_none() || (col[1].is_none() && col[2].is_none()) {
        return Err(ReadError::Syntax {
            file: name.to_string(),
            detail: format!(
                "line 1: a header with StartTime and StatusCode (or Status) is needed; found {:?}",
                truncate(&header.iter().collect::<Vec<_>>().join(","))
            ),
        });
    }
    let mut rec = csv::StringRecord::new();
    loop {
        match r.read_record(&mut rec) {
            Ok(false) => return Ok(()),
            Ok(true) => {
                let line = rec.position().map_or(0, |p| p.line());
                let row = parse_row(|i| col[i].and_then(|c| rec.get(c)));
                sink(row.map_err(|f| reject(format!("line {line}"), f)));
            }
            Err(e) => match e.kind() {
                csv::ErrorKind::Utf8 { pos, .. } => {
                    let line = pos.as_ref().map_or(0, |p| p.line());
                    sink(Err(reject(
                        format!("line {line}"),
                        ("(line)", String::new(), "not UTF-8 text"),
                    )));
                }
                _ => return Err(syntax(e)),
            },
        }
    }
}

/// Walks a JSON document to its record arrays: the top-level array, or `Data` → `List`.
struct Walk<'s, 'a, 'r> {
    sink: &'s mut Sink<'a>,
    element: &'s mut u64,
    reject: &'r dyn Fn(String, Fault) -> Rejected,
}

impl<'de> DeserializeSeed<'de> for Walk<'_, '_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Walk<'_, '_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a CloudQueryPredictiveCallCdr response or an array of records")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<(), A::Error> {
        while let Some(k) = m.next_key::<Cow<'de, str>>()? {
            if matches!(k.as_ref(), "Data" | "List" | "body" | "data" | "list") {
                m.next_value_seed(Walk {
                    sink: &mut *self.sink,
                    element: &mut *self.element,
                    reject: self.reject,
                })?;
            } else {
                m.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut s: A) -> Result<(), A::Error> {
        while let Some(rec) = s.next_element::<OwnedRecord>()? {
            *self.element += 1;
            let at = format!("element {}", *self.element);
            (self.sink)(rec.0.map_err(|f| (self.reject)(at, f)));
        }
        Ok(())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
}

/// One element of a record array, already checked (the reader's strings do not outlive it).
struct OwnedRecord(Result<Row, Fault>);

impl<'de> Deserialize<'de> for OwnedRecord {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = OwnedRecord;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a record object")
            }
            fn visit_map<A: MapAccess<'de>>(self, m: A) -> Result<OwnedRecord, A::Error> {
                let rec = JsonRecord::deserialize(de::value::MapAccessDeserializer::new(m))?;
                Ok(OwnedRecord(rec.row()))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut s: A) -> Result<OwnedRecord, A::Error> {
                while s.next_element::<IgnoredAny>()?.is_some() {}
                Ok(OwnedRecord(Err((
                    "(element)",
                    "[…]".into(),
                    "must be a record object",
                ))))
            }
            fn visit_str<E>(self, v: &str) -> Result<OwnedRecord, E> {
                Ok(OwnedRecord(Err((
                    "(element)",
                    truncate(v),
                    "must be a record object",
                ))))
            }
            fn visit_i64<E>(self, v: i64) -> Result<OwnedRecord, E> {
                Ok(OwnedRecord(Err((
                    "(element)",
                    v.to_string(),
                    "must be a record object",
                ))))
            }
            fn visit_u64<E>(self, v: u64) -> Result<OwnedRecord, E> {
                Ok(OwnedRecord(Err((
                    "(element)",
                    v.to_string(),
                    "must be a record object",
                ))))
            }
            fn visit_f64<E>(self, v: f64) -> Result<OwnedRecord, E> {
                Ok(OwnedRecord(Err((
                    "(element)",
                    v.to_string(),
                    "must be a record object",
                ))))
            }
            fn visit_bool<E>(self, v: bool) -> Result<OwnedRecord, E> {
                Ok(OwnedRecord(Err((
                    "(element)",
                    v.to_string(),
                    "must be a record object",
                ))))
            }
            fn visit_unit<E>(self) -> Result<OwnedRecord, E> {
                Ok(OwnedRecord(Err((
                    "(element)",
                    "null".into(),
                    "must be a record object",
                ))))
            }
        }
        d.deserialize_any(V)
    }
}

/// A record as [`crate::cdr::record`] writes it, read back (the back-test's path from a
/// simulated call to a [`Row`]).
pub fn row_of(map: &serde_json::Map<String, serde_json::Value>) -> Result<Row, Rejected> {
    parse_row(|i| map.get(FIELDS[i]).and_then(serde_json::Value::as_str)).map_err(
        |(field, value, rule)| Rejected {
            file: "(simulated)".into(),
            at: "record".into(),
            field,
            value,
            rule,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A record's fields in [`FIELDS`] order.
    fn row(fields: [&str; 15]) -> Result<Row, Fault> {
        parse_row(|i| Some(fields[i]))
    }

    const OK: [&str; 15] = [
        "7.1.0.0", "43", "", "1000", "200", "1000", "1000", "1009", "1010", "1070", "0", "59",
        "1001", "1", "70",
    ];

    #[test]
    fn a_bridged_record_reads_back() {
        let r = row(OK).expect("valid");
        assert_eq!((r.status, r.start, r.end), (43, 1000, 1070));
        assert_eq!(
            (r.answer, r.bridge, r.ringing),
            (Some(1009), Some(1010), Some(1000))
        );
        assert_eq!(
            (r.wait, r.bridge_duration, r.total),
            (Some(0.0), Some(59.0), Some(70.0))
        );
        assert_eq!(
            (r.real_answer, r.sip_cause, r.end_reason),
            (Some(true), Some(200), Some(1000))
        );
        assert_eq!(r.unique_id, Some(key128("7.1.0.0")));
        assert_eq!(r.cno, Some(key128("1001") as u64));
    }

    #[test]
    fn the_status_text_stands_for_its_code_and_zero_stamps_are_absent() {
        let mut f = OK;
        f[1] = "";
        f[2] = "双方接听";
        f[8] = "0";
        let r = row(f).expect("valid");
        assert_eq!((r.status, r.bridge), (43, None));
        f[2] = "42";
        assert_eq!(row(f).expect("a code in Status").status, 42);
    }

    #[test]
    fn every_broken_rule_names_its_field_and_value() {
        let cases: [(usize, &str, &str); 9] = [
            (1, "47", "StatusCode"),
            (5, "17x", "StartTime"),
            (5, "-5", "StartTime"),
            (9, "999", "EndTime"),
            (7, "999", "AnswerTime"),
            (8, "1005", "BridgeTime"),
            (10, "-1", "WaitDuration"),
            (13, "yes", "IsRealAnswer"),
            (4, "70000", "SipCause"),
        ];
        for (i, value, field) in cases {
            let mut f = OK;
            f[i] = value;
            let (got, v, _) = row(f).expect_err(field);
            assert_eq!((got, v.as_str()), (field, value), "{field} = {value}");
        }
        let mut f = OK;
        f[5] = "999999999999999";
        assert_eq!(row(f).expect_err("year 33658").0, "StartTime");
        let mut f = OK;
        f[6] = "1009";
        f[7] = "1008";
        assert_eq!(row(f).expect_err("answered before ringing").0, "AnswerTime");
        let mut f = OK;
        f[1] = "";
        f[2] = "";
        assert_eq!(row(f).expect_err("no status").0, "StatusCode");
    }
}
