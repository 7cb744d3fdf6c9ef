//! The API's wire encoding: the query-string form of a request and the percent-encoding of
//! text parameters. `task.rs` stays plain data; the reader and the writer both come here.

use super::problem::{Problem, ProblemCode as P};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};
use serde_json::{Map, Value};

/// Parse the query-string form `EnterpriseId=36&Name=...` into a raw request object.
/// Values are percent-decoded once (`+` is a space, as in form encoding).
pub fn parse_query_string(query: &str) -> Result<Map<String, Value>, Problem> {
    let mut map = Map::new();
    for pair in query.trim().trim_start_matches('?').split('&') {
        if pair.is_empty() {
            continue;
        }
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let key = form_decode(key).ok_or_else(|| bad_encoding("(query key)", key))?;
        let value = form_decode(value).ok_or_else(|| bad_encoding(&key, value))?;
        if map.insert(key.clone(), Value::String(value)).is_some() {
            return Err(Problem {
                code: P::Conflict,
                param: key,
                value: String::new(),
                rule: "a parameter may appear once in the query string".into(),
            });
        }
    }
    Ok(map)
}

pub(super) fn bad_encoding(param: &str, value: &str) -> Problem {
    Problem {
        code: P::InvalidFormat,
        param: param.to_string(),
        value: value.to_string(),
        rule: "must be UTF-8 URL-encoded (percent escapes of valid UTF-8)".into(),
    }
}

/// Decode application/x-www-form-urlencoded text: `+` is a space, `%XX` a byte; `None` when the
/// bytes are not UTF-8.
pub fn form_decode(text: &str) -> Option<String> {
    // Every `%` must start an escape of two hex digits (`%ZZ`, a trailing `%4` are malformed:
    // the percent-encoding crate would pass them through as text).
    let bytes = text.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'%'
            && !(bytes.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                && bytes.get(i + 2).is_some_and(u8::is_ascii_hexdigit))
        {
            return None;
        }
    }
    let spaced = text.replace('+', " ");
    percent_decode_str(&spaced)
        .decode_utf8()
        .ok()
        .map(|c| c.into_owned())
}

const ENCODE_SET: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// URL-encode UTF-8 text the way the API expects Name and Description.
pub fn url_encode(text: &str) -> String {
    utf8_percent_encode(text, ENCODE_SET).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_string_decodes_values() {
        let m = parse_query_string("EnterpriseId=36&Name=%E6%98%A5+sale").expect("valid query");
        assert_eq!(m["Name"], Value::String("春 sale".into()));
    }

    #[test]
    fn url_encode_round_trips_through_form_decode() {
        for text in ["春 sale", "a&b=c", "100%", "plain-text_1.2~"] {
            assert_eq!(form_decode(&url_encode(text)).as_deref(), Some(text));
        }
        assert_eq!(url_encode("a b"), "a%20b");
    }
}
