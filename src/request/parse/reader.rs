//! The reader: typed access to the raw parameters, each problem recorded and reading going
//! on, and the plain-text formats (integers, hundredths, D-H-M delays, phone and agent numbers).

use super::*;

pub(super) struct Reader<'a> {
    pub(super) map: &'a Map<String, Value>,
    pub(super) problems: Vec<Problem>,
    pub(super) warnings: Vec<Warning>,
}

/// Render a raw value for a message: strings as they are, anything else as JSON.
pub(super) fn shown(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// The rule of an integer range: an open one (up to `i64::MAX`) names its lower end only.
fn range_rule(lo: i64, hi: i64) -> String {
    if hi == i64::MAX {
        format!("must be at least {lo}")
    } else {
        format!("must be an integer from {lo} to {hi}")
    }
}

impl<'a> Reader<'a> {
    pub(super) fn problem(
        &mut self,
        code: P,
        param: &str,
        value: impl Into<String>,
        rule: impl Into<String>,
    ) {
        self.problems.push(Problem {
            code,
            param: param.to_string(),
            value: value.into(),
            rule: rule.into(),
        });
    }

    pub(super) fn warning(
        &mut self,
        code: W,
        param: &str,
        value: impl Into<String>,
        rule: impl Into<String>,
    ) {
        self.warnings.push(Warning {
            code,
            param: param.to_string(),
            value: value.into(),
            rule: rule.into(),
        });
    }

    /// The value of a parameter; JSON null counts as absent.
    pub(super) fn raw(&self, name: &str) -> Option<&'a Value> {
        self.map.get(name).filter(|v| !v.is_null())
    }

    pub(super) fn present(&self, name: &str) -> bool {
        self.raw(name).is_some()
    }

    /// A scalar as text: strings as they are, numbers in their JSON spelling.
    pub(super) fn text(&mut self, name: &str) -> Option<String> {
        match self.raw(name)? {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            other => {
                let v = shown(other);
                self.problem(P::InvalidType, name, v, "must be a string or a number");
                None
            }
        }
    }

    /// An integer in `lo..=hi`; `None` when absent or invalid (the problem is recorded).
    pub(super) fn int(&mut self, name: &str, lo: i64, hi: i64) -> Option<i64> {
        let text = self.text(name)?;
        match parse_int(&text) {
            Some(n) if (lo..=hi).contains(&n) => Some(n),
            Some(_) => {
                self.problem(P::OutOfRange, name, text, range_rule(lo, hi));
                None
            }
            // A whole number too large for any range (10^20, 2^64) is out of range, not of
            // the wrong type.
            None if text
                .trim()
                .parse::<f64>()
                .is_ok_and(|x| x.is_finite() && x.fract() == 0.0) =>
            {
                self.problem(P::OutOfRange, name, text, range_rule(lo, hi));
                None
            }
            None => {
                self.problem(P::InvalidType, name, text, "must be an integer");
                None
            }
        }
    }

    pub(super) fn int_or(&mut self, name: &str, lo: i64, hi: i64, default: i64) -> i64 {
        self.int(name, lo, hi).unwrap_or(default)
    }

    pub(super) fn code<E: Code>(&mut self, name: &str) -> Option<E> {
        let text = self.text(name)?;
        match parse_int(&text).and_then(E::from_code) {
            Some(e) => Some(e),
            None => {
                let rule = format!("must be one of {}", E::allowed());
                self.problem(P::InvalidCode, name, text, rule);
                None
            }
        }
    }

    pub(super) fn flag(&mut self, name: &str) -> Option<bool> {
        let text = self.text(name)?;
        match text.as_str() {
            "0" => Some(false),
            "1" => Some(true),
            _ => {
                self.problem(P::InvalidCode, name, text, "must be 0 (off) or 1 (on)");
                None
            }
        }
    }

    /// A non-empty string.
    pub(super) fn string(&mut self, name: &str) -> Option<String> {
        let text = self.text(name)?;
        if text.trim().is_empty() {
            self.problem(P::InvalidFormat, name, text, "must not be empty");
            return None;
        }
        Some(text)
    }

    /// A comma-separated list of non-empty, distinct items.
    pub(super) fn list(
        &mut self,
        name: &str,
        item_ok: fn(&str) -> bool,
        item_rule: &str,
    ) -> Vec<String> {
        let Some(text) = self.text(name) else {
            return Vec::new();
        };
        let items: Vec<String> = text.split(',').map(|s| s.trim().to_string()).collect();
        let mut ok = true;
        let mut seen = std::collections::HashSet::new();
        for (i, item) in items.iter().enumerate() {
            if item.is_empty() || !item_ok(item) {
                let rule = format!("item {} of the comma-separated list {item_rule}", i + 1);
                self.problem(P::InvalidFormat, name, text.clone(), rule);
                ok = false;
                break;
            }
            if !seen.insert(item.as_str()) {
                let rule = format!("lists {item} more than once");
                self.problem(P::Conflict, name, text.clone(), rule);
                ok = false;
                break;
            }
        }
        if ok { items } else { Vec::new() }
    }

    pub(super) fn id_list(&mut self, name: &str) -> Vec<u64> {
        self.list(
            name,
            |s| s.parse::<u64>().is_ok(),
            "must be a time-condition id",
        )
        .iter()
        .filter_map(|s| s.parse().ok())
        .collect()
    }

    /// A URL-encoded UTF-8 label, decoded, shorter than `limit` characters.
    pub(super) fn label(&mut self, name: &str, limit: usize) -> Option<String> {
        let text = self.text(name)?;
        let Some(decoded) = form_decode(&text) else {
            self.problems.push(bad_encoding(name, &text));
            return None;
        };
        let chars = decoded.chars().count();
        if chars >= limit {
            let rule = format!(
                "must be shorter than {limit} characters once URL-decoded (it has {chars})"
            );
            self.problem(P::TooLong, name, text, rule);
            return None;
        }
        Some(decoded)
    }

    pub(super) fn date(&mut self, name: &str) -> Option<Date> {
        let text = self.text(name)?;
        // jiff also reads 20260101, +002026-01-01 and 2026-01-01T00: the platform does not.
        let shape = matches!(
            text.as_bytes(),
            [y1, y2, y3, y4, b'-', m1, m2, b'-', d1, d2]
                if [y1, y2, y3, y4, m1, m2, d1, d2].into_iter().all(u8::is_ascii_digit)
        );
        match shape.then(|| text.parse::<Date>().ok()).flatten() {
            Some(d) => Some(d),
            None => {
                self.problem(
                    P::InvalidFormat,
                    name,
                    text,
                    "must be a real date as yyyy-MM-dd, e.g. 2026-01-01",
                );
                None
            }
        }
    }

    pub(super) fn time(&mut self, name: &str) -> Option<Time> {
        let text = self.text(name)?;
        // jiff's %H:%M:%S also reads 8:00:00, " 8:00:00" and 08:00:0: the platform does not.
        let shape = matches!(
            text.as_bytes(),
            [h1, h2, b':', m1, m2, b':', s1, s2]
                if [h1, h2, m1, m2, s1, s2].into_iter().all(u8::is_ascii_digit)
        );
        match shape
            .then(|| Time::strptime("%H:%M:%S", &text).ok())
            .flatten()
        {
            Some(t) => Some(t),
            None => {
                self.problem(
                    P::InvalidFormat,
                    name,
                    text,
                    "must be a time of day as HH:mm:ss, e.g. 08:00:00",
                );
                None
            }
        }
    }

    /// A JSON-in-string parameter that must be a JSON array (of objects): its items, or None
    /// when it is absent or is not an array (then a problem naming `shape`, the form it must
    /// have). The one reader of the six parameters of that form.
    pub(super) fn json_array(&mut self, name: &str, shape: &str) -> Option<Vec<Value>> {
        match self.json(name)? {
            Value::Array(items) => Some(items),
            other => {
                self.problem(P::InvalidJson, name, other.to_string(), shape);
                None
            }
        }
    }

    /// An array inside a JSON parameter, at `path`: its items, or None with a problem naming
    /// `shape`.
    pub(super) fn array_at<'v>(
        &mut self,
        path: &str,
        v: Option<&'v Value>,
        shape: &str,
    ) -> Option<&'v [Value]> {
        match v {
            Some(Value::Array(items)) => Some(items),
            other => {
                self.problem(
                    P::InvalidJson,
                    path,
                    other.map(shown).unwrap_or_default(),
                    shape,
                );
                None
            }
        }
    }

    /// A JSON-in-string parameter: a string holding JSON, or the JSON value itself.
    pub(super) fn json(&mut self, name: &str) -> Option<Value> {
        match self.raw(name)? {
            Value::String(s) => match serde_json::from_str::<Value>(s) {
                Ok(v) => Some(v),
                Err(e) => {
                    self.problem(
                        P::InvalidJson,
                        name,
                        s.clone(),
                        format!("must hold JSON: {e}"),
                    );
                    None
                }
            },
            v @ (Value::Array(_) | Value::Object(_)) => Some(v.clone()),
            other => {
                let v = shown(other);
                self.problem(
                    P::InvalidJson,
                    name,
                    v,
                    "must be a JSON string (or JSON value)",
                );
                None
            }
        }
    }

    pub(super) fn json_uint(&mut self, path: &str, v: Option<&Value>, min: u64) -> Option<u32> {
        let parsed = match v {
            Some(Value::Number(n)) => n.as_u64(),
            Some(Value::String(s)) => parse_int(s).and_then(|n| u64::try_from(n).ok()),
            _ => None,
        };
        match parsed
            .filter(|n| *n >= min)
            .and_then(|n| u32::try_from(n).ok())
        {
            Some(n) => Some(n),
            None => {
                self.problem(
                    P::InvalidJson,
                    path,
                    v.map(shown).unwrap_or_default(),
                    format!("must be an integer of at least {min}"),
                );
                None
            }
        }
    }

    pub(super) fn json_text(&mut self, path: &str, v: Option<&Value>) -> Option<String> {
        match v {
            Some(Value::String(s)) => Some(s.clone()),
            Some(Value::Number(n)) => Some(n.to_string()),
            other => {
                self.problem(
                    P::InvalidJson,
                    path,
                    other.map(shown).unwrap_or_default(),
                    "must be a string",
                );
                None
            }
        }
    }
}

pub(super) fn is_phone(s: &str) -> bool {
    s.len() <= 20 && s.bytes().all(|b| b.is_ascii_digit())
}

pub(super) fn is_cno(s: &str) -> bool {
    s.len() <= 32 && s.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// An integer written plainly: optional `-`, digits (a JSON number like `30.0` counts).
pub(super) fn parse_int(text: &str) -> Option<i64> {
    if let Ok(n) = text.parse::<i64>() {
        return Some(n);
    }
    let f: f64 = text.parse().ok()?;
    (f.is_finite()
        && f.fract() == 0.0
        && f.abs() < 9.0e15
        && !text.contains(['e', 'E', 'i', 'n', 'N']))
    .then_some(f as i64)
}

pub(super) enum Hundredths {
    Ok(i64),
    TooPrecise,
    NotANumber,
}

/// Parse a decimal like `17.62` exactly into hundredths.
pub(super) fn parse_hundredths(text: &str) -> Hundredths {
    let (whole, frac) = text.split_once('.').unwrap_or((text, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || !digits(whole) || !digits(frac) {
        return Hundredths::NotANumber;
    }
    let frac = frac.trim_end_matches('0');
    if frac.len() > 2 {
        return Hundredths::TooPrecise;
    }
    // A whole part too large for i64 is as far out of any range as i64::MAX.
    let w: i64 = whole.parse().unwrap_or(i64::MAX);
    let f: i64 = format!("{frac:0<2}").parse().unwrap_or(0);
    Hundredths::Ok(w.saturating_mul(100).saturating_add(f))
}

/// Parse "D-H-M".
pub(super) fn parse_delay(text: &str) -> Option<RetryDelay> {
    let mut parts = text.split('-').map(|p| p.trim().parse::<u32>().ok());
    let d = RetryDelay {
        days: parts.next()??,
        hours: parts.next()??,
        minutes: parts.next()??,
    };
    (parts.next().is_none() && d.hours < 24 && d.minutes < 60 && d.seconds() > 0 && d.days <= 365)
        .then_some(d)
}
