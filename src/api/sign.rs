//! Request authentication: the official SDK's ACS3-HMAC-SHA256 (an `Authorization` header over
//! a canonical request of method, path, sorted query, signed headers and the payload's hash)
//! and the older signature v1 (`Signature` in the query, HMAC-SHA1 over the sorted
//! parameters). Secrets are compared through the MAC's constant-time check and never logged;
//! a request more than 15 minutes off the wall clock, or with a nonce seen within that window,
//! is refused, and a refused request records nothing.

use crate::request::wire::{parse_query_string, url_encode};
use base64::Engine as _;
use hmac::{Hmac, KeyInit, Mac};
use serde_json::{Map, Value};
use sha1::Sha1;
use sha2::{Digest, Sha256};
use std::collections::{HashMap, VecDeque};

/// How far a request's date may be from the wall clock, seconds.
pub const MAX_SKEW_S: i64 = 15 * 60;

/// Access keys: id → secret.
#[derive(Clone, Default)]
pub struct Keys {
    secrets: HashMap<String, String>,
}

impl std::fmt::Debug for Keys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The secrets never reach a log.
        let mut ids: Vec<&String> = self.secrets.keys().collect();
        ids.sort();
        f.debug_struct("Keys").field("ids", &ids).finish()
    }
}

/// The development key pair `dialsim serve` accepts when given no `--keys` (documented in the
/// README; never for anything but a local simulator).
pub const DEV_KEY: (&str, &str) = ("dialsim-dev", "dialsim-dev-secret");

impl Keys {
    /// The development pair only.
    pub fn dev() -> Keys {
        Keys {
            secrets: HashMap::from([(DEV_KEY.0.to_string(), DEV_KEY.1.to_string())]),
        }
    }

    /// One `ID SECRET` pair a line; blank lines and `#` comments skipped. A bad line is named
    /// by its number (never with the secret).
    pub fn parse(text: &str) -> Result<Keys, String> {
        let mut secrets = HashMap::new();
        for (i, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let mut parts = line.split_whitespace();
            match (parts.next(), parts.next(), parts.next()) {
                (Some(id), Some(secret), None) => {
                    if secrets.insert(id.to_string(), secret.to_string()).is_some() {
                        return Err(format!("line {}: key id {id:?} given twice", i + 1));
                    }
                }
                _ => return Err(format!("line {}: expected `ID SECRET`", i + 1)),
            }
        }
        if secrets.is_empty() {
            return Err("no key pair".into());
        }
        Ok(Keys { secrets })
    }

    /// Whether `secret` is the secret of key `id`, compared in constant time (an HMAC of
    /// each under a fixed key, checked by the MAC's constant-time comparison).
    pub fn matches(&self, id: &str, secret: &str) -> bool {
        let Some(known) = self.secrets.get(id) else {
            return false;
        };
        let tag = |s: &str| {
            let mut mac = <HmacSha256 as hmac::KeyInit>::new_from_slice(b"dialsim-key-check")
                .expect("HMAC takes a key of any length");
            mac.update(s.as_bytes());
            mac
        };
        let want = tag(known).finalize().into_bytes();
        tag(secret).verify_slice(&want).is_ok()
    }

    /// The key ids, sorted.
    pub fn ids(&self) -> Vec<&str> {
        let mut v: Vec<&str> = self.secrets.keys().map(String::as_str).collect();
        v.sort_unstable();
        v
    }
}

/// What arrived: the parts a signature covers. Header names are compared without case.
#[derive(Debug, Clone)]
pub struct Incoming<'a> {
    /// `POST`, `GET`.
    pub method: &'a str,
    /// The path, `/`.
    pub path: &'a str,
    /// The raw query string, without `?`.
    pub query: &'a str,
    /// Headers, as received.
    pub headers: &'a [(String, String)],
    /// The body.
    pub body: &'a [u8],
}

impl Incoming<'_> {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Why a request was refused, with the platform's code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AuthError {
    /// No signature at all.
    #[error("the request is not signed (no Authorization header and no Signature parameter)")]
    Missing,
    /// A signature that cannot be read, or a signed part missing.
    #[error("incomplete or malformed signature: {0}")]
    Malformed(String),
    /// An access key id not in `--keys`.
    #[error("the access key id {0:?} is not known")]
    UnknownKey(String),
    /// The signature does not match.
    #[error("the signature does not match the request")]
    Mismatch,
    /// The date is too far from the wall clock.
    #[error("the request date {0} is more than 15 minutes off the clock")]
    Stale(String),
    /// The nonce was used already.
    #[error("the signature nonce {0:?} was used already")]
    Replayed(String),
}

impl AuthError {
    /// The platform's error code.
    pub fn code(&self) -> &'static str {
        match self {
            AuthError::Missing => "MissingSignature",
            AuthError::Malformed(_) => "IncompleteSignature",
            AuthError::UnknownKey(_) => "InvalidAccessKeyId.NotFound",
            AuthError::Mismatch => "SignatureDoesNotMatch",
            AuthError::Stale(_) => "InvalidTimeStamp.Expired",
            AuthError::Replayed(_) => "SignatureNonceUsed",
        }
    }

    /// The HTTP status it is answered with.
    pub fn status(&self) -> u16 {
        match self {
            AuthError::Stale(_) | AuthError::Replayed(_) | AuthError::Malformed(_) => 400,
            AuthError::Missing | AuthError::UnknownKey(_) | AuthError::Mismatch => 403,
        }
    }
}

/// A request that passed: who sent it and its parameters (the signature's own removed).
#[derive(Debug, Clone, PartialEq)]
pub struct Caller {
    /// The access key id.
    pub key_id: String,
    /// The operation, from `x-acs-action` or `Action`.
    pub action: Option<String>,
    /// The request's parameters, query and form body.
    pub params: Map<String, Value>,
}

/// Checks signatures and remembers nonces for [`MAX_SKEW_S`].
#[derive(Debug)]
pub struct Verifier {
    keys: Keys,
    nonces: HashMap<String, i64>,
    order: VecDeque<(i64, String)>,
}

type HmacSha256 = Hmac<Sha256>;
type HmacSha1 = Hmac<Sha1>;

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

/// The sorted, encoded `k=v&...` of parameters.
fn canonical_query(params: &Map<String, Value>, skip: &[&str]) -> String {
    let mut pairs: Vec<(String, String)> = params
        .iter()
        .filter(|(k, _)| !skip.contains(&k.as_str()))
        .map(|(k, v)| (url_encode(k), url_encode(v.as_str().unwrap_or_default())))
        .collect();
    pairs.sort();
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&")
}

/// The Unix second of an ISO-8601 UTC instant (`2026-11-27T22:21:14Z`).
fn unix_of(date: &str) -> Option<i64> {
    date.parse::<jiff::Timestamp>().ok().map(|t| t.as_second())
}

impl Verifier {
    /// A verifier of `keys`.
    pub fn new(keys: Keys) -> Verifier {
        Verifier {
            keys,
            nonces: HashMap::new(),
            order: VecDeque::new(),
        }
    }

    /// Authenticate `req` at the wall-clock Unix second `now`.
    pub fn verify(&mut self, req: &Incoming<'_>, now: i64) -> Result<Caller, AuthError> {
        let query = parse_query_string(req.query)
            .map_err(|p| AuthError::Malformed(format!("query string: {}", p.rule)))?;
        let mut params = query.clone();
        let form = req
            .header("content-type")
            .is_some_and(|c| c.starts_with("application/x-www-form-urlencoded"));
        if form && !req.body.is_empty() {
            let body = std::str::from_utf8(req.body)
                .map_err(|_| AuthError::Malformed("the form body is not UTF-8".into()))?;
            let fields = parse_query_string(body)
                .map_err(|p| AuthError::Malformed(format!("form body: {}", p.rule)))?;
            params.extend(fields);
        }
        let (caller, nonce, date) = if let Some(auth) = req.header("authorization") {
            self.acs3(req, auth, &query, params)?
        } else if params.contains_key("Signature") {
            self.v1(req, params)?
        } else {
            return Err(AuthError::Missing);
        };
        let at = unix_of(&date).ok_or_else(|| AuthError::Malformed(format!("date {date:?}")))?;
        if (at - now).abs() > MAX_SKEW_S {
            return Err(AuthError::Stale(date));
        }
        self.forget_before(now - MAX_SKEW_S);
        if self.nonces.contains_key(&nonce) {
            return Err(AuthError::Replayed(nonce));
        }
        self.nonces.insert(nonce.clone(), at);
        self.order.push_back((at.max(now), nonce));
        Ok(caller)
    }

    fn forget_before(&mut self, t: i64) {
        while let Some((at, _)) = self.order.front() {
            if *at >= t {
                break;
            }
            if let Some((_, n)) = self.order.pop_front() {
                self.nonces.remove(&n);
            }
        }
    }

    fn secret(&self, id: &str) -> Result<&str, AuthError> {
        self.keys
            .secrets
            .get(id)
            .map(String::as_str)
            .ok_or_else(|| AuthError::UnknownKey(id.to_string()))
    }

    /// ACS3-HMAC-SHA256: (caller, nonce, date).
    fn acs3(
        &self,
        req: &Incoming<'_>,
        auth: &str,
        query: &Map<String, Value>,
        params: Map<String, Value>,
    ) -> Result<(Caller, String, String), AuthError> {
        let bad = |m: &str| AuthError::Malformed(m.to_string());
        let rest = auth
            .strip_prefix("ACS3-HMAC-SHA256 ")
            .ok_or_else(|| bad("the Authorization header must start with ACS3-HMAC-SHA256"))?;
        let (mut id, mut signed, mut sig) = (None, None, None);
        for part in rest.split(',') {
            match part.trim().split_once('=') {
                Some(("Credential", v)) => id = Some(v),
                Some(("SignedHeaders", v)) => signed = Some(v),
                Some(("Signature", v)) => sig = Some(v),
                _ => {
                    return Err(bad(
                        "Authorization: expected Credential, SignedHeaders, Signature",
                    ));
                }
            }
        }
        let (Some(id), Some(signed), Some(sig)) = (id, signed, sig) else {
            return Err(bad(
                "Authorization: Credential, SignedHeaders and Signature are all needed",
            ));
        };
        let secret = self.secret(id)?;
        let names: Vec<String> = signed.split(';').map(str::to_ascii_lowercase).collect();
        for needed in [
            "x-acs-date",
            "x-acs-signature-nonce",
            "x-acs-content-sha256",
        ] {
            if !names.iter().any(|n| n == needed) {
                return Err(AuthError::Malformed(format!("{needed} must be signed")));
            }
        }
        let mut sorted = names.clone();
        sorted.sort();
        sorted.dedup();
        if sorted != names {
            return Err(bad("SignedHeaders must be sorted, lower-case and distinct"));
        }
        let mut canonical_headers = String::new();
        for n in &names {
            let mut values: Vec<&str> = req
                .headers
                .iter()
                .filter(|(k, _)| k.eq_ignore_ascii_case(n))
                .map(|(_, v)| v.trim())
                .collect();
            if values.is_empty() {
                return Err(AuthError::Malformed(format!(
                    "signed header {n} is missing"
                )));
            }
            values.sort_unstable();
            canonical_headers += &format!("{n}:{}\n", values.join(","));
        }
        let payload = req.header("x-acs-content-sha256").unwrap_or_default();
        if payload != hex(&Sha256::digest(req.body)) {
            return Err(AuthError::Mismatch);
        }
        let canonical = format!(
            "{}\n{}\n{}\n{}\n{}\n{}",
            req.method,
            if req.path.is_empty() { "/" } else { req.path },
            canonical_query(query, &[]),
            canonical_headers,
            signed,
            payload
        );
        let to_sign = format!(
            "ACS3-HMAC-SHA256\n{}",
            hex(&Sha256::digest(canonical.as_bytes()))
        );
        let given = unhex(sig).ok_or(AuthError::Mismatch)?;
        let mut mac =
            HmacSha256::new_from_slice(secret.as_bytes()).map_err(|_| AuthError::Mismatch)?;
        mac.update(to_sign.as_bytes());
        mac.verify_slice(&given).map_err(|_| AuthError::Mismatch)?;
        let header = |n: &str| req.header(n).unwrap_or_default().to_string();
        Ok((
            Caller {
                key_id: id.to_string(),
                action: req.header("x-acs-action").map(str::to_string),
                params,
            },
            header("x-acs-signature-nonce"),
            header("x-acs-date"),
        ))
    }

    /// Signature v1 (HMAC-SHA1): (caller, nonce, date).
    fn v1(
        &self,
        req: &Incoming<'_>,
        mut params: Map<String, Value>,
    ) -> Result<(Caller, String, String), AuthError> {
        let text = |k: &str| params.get(k).and_then(Value::as_str).map(str::to_string);
        let id = text("AccessKeyId").ok_or_else(|| AuthError::Malformed("AccessKeyId".into()))?;
        if text("SignatureMethod").as_deref() != Some("HMAC-SHA1") {
            return Err(AuthError::Malformed(
                "SignatureMethod must be HMAC-SHA1".into(),
            ));
        }
        let nonce =
            text("SignatureNonce").ok_or_else(|| AuthError::Malformed("SignatureNonce".into()))?;
        let date = text("Timestamp").ok_or_else(|| AuthError::Malformed("Timestamp".into()))?;
        let sig = text("Signature").unwrap_or_default();
        let secret = self.secret(&id)?;
        let to_sign = format!(
            "{}&{}&{}",
            req.method,
            url_encode("/"),
            url_encode(&canonical_query(&params, &["Signature"]))
        );
        let given = base64::engine::general_purpose::STANDARD
            .decode(sig.as_bytes())
            .map_err(|_| AuthError::Mismatch)?;
        let mut mac = HmacSha1::new_from_slice(format!("{secret}&").as_bytes())
            .map_err(|_| AuthError::Mismatch)?;
        mac.update(to_sign.as_bytes());
        mac.verify_slice(&given).map_err(|_| AuthError::Mismatch)?;
        let action = text("Action");
        for k in [
            "Signature",
            "SignatureMethod",
            "SignatureVersion",
            "SignatureNonce",
            "SignatureType",
            "AccessKeyId",
            "Timestamp",
            "Format",
            "Version",
            "Action",
            "RegionId",
        ] {
            params.remove(k);
        }
        Ok((
            Caller {
                key_id: id,
                action,
                params,
            },
            nonce,
            date,
        ))
    }
}

/// A client's side of signature v1: the query string of `params` signed with the key pair
/// (`AccessKeyId`, `SignatureMethod`, `SignatureVersion`, `SignatureNonce`, `Timestamp`
/// and `Signature` added), for `method` on `/`. `timestamp` is ISO 8601 UTC
/// (`2026-11-28T00:00:00Z`). For tests, load scripts and curl examples.
pub fn signed_v1_query(
    method: &str,
    params: &Map<String, Value>,
    key: (&str, &str),
    nonce: &str,
    timestamp: &str,
) -> String {
    let mut p = params.clone();
    for (k, v) in [
        ("AccessKeyId", key.0),
        ("SignatureMethod", "HMAC-SHA1"),
        ("SignatureVersion", "1.0"),
        ("SignatureNonce", nonce),
        ("Timestamp", timestamp),
    ] {
        p.insert(k.into(), Value::String(v.into()));
    }
    let query = canonical_query(&p, &[]);
    let to_sign = format!("{method}&{}&{}", url_encode("/"), url_encode(&query));
    let mut mac = <HmacSha1 as hmac::KeyInit>::new_from_slice(format!("{}&", key.1).as_bytes())
        .expect("HMAC takes a key of any length");
    mac.update(to_sign.as_bytes());
    let sig = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
    format!("{query}&Signature={}", url_encode(&sig))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A request captured from a client, as the server sees it.
    struct Captured {
        method: String,
        path: String,
        query: String,
        headers: Vec<(String, String)>,
        body: Vec<u8>,
    }

    impl Captured {
        fn incoming(&self) -> Incoming<'_> {
            Incoming {
                method: &self.method,
                path: &self.path,
                query: &self.query,
                headers: &self.headers,
                body: &self.body,
            }
        }
    }

    /// The requests of a fixture: captured by `tests/fixtures/`'s capture scripts from the
    /// official SDK (`alibabacloud-dyvmsapi20170525` 5.3.0, ACS3) and from the older core SDK
    /// (`aliyun-python-sdk-core`, signature v1) sending to a local recorder.
    fn fixture(text: &str) -> Vec<Captured> {
        let v: Value = serde_json::from_str(text).expect("fixture JSON");
        v["requests"]
            .as_array()
            .expect("requests")
            .iter()
            .map(|r| {
                let full = r["path"].as_str().expect("path");
                let (path, query) = full.split_once('?').unwrap_or((full, ""));
                Captured {
                    method: r["method"].as_str().expect("method").to_string(),
                    path: path.to_string(),
                    query: query.to_string(),
                    headers: r["headers"]
                        .as_object()
                        .expect("headers")
                        .iter()
                        .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
                        .collect(),
                    body: r["body"].as_str().unwrap_or_default().as_bytes().to_vec(),
                }
            })
            .collect()
    }

    const ACS3: &str = include_str!("../../tests/fixtures/sdk-signed-acs3.json");
    const V1: &str = include_str!("../../tests/fixtures/sdk-signed-v1.json");

    fn date_of(c: &Captured) -> i64 {
        let d = c
            .headers
            .iter()
            .find(|(k, _)| k == "x-acs-date")
            .map(|(_, v)| v.clone())
            .or_else(|| {
                parse_query_string(&c.query).ok().and_then(|q| {
                    q.get("Timestamp")
                        .and_then(Value::as_str)
                        .map(str::to_string)
                })
            })
            .expect("a date");
        unix_of(&d).expect("ISO date")
    }

    #[test]
    fn the_official_sdks_requests_pass_with_their_parameters() {
        let reqs = fixture(ACS3);
        let mut v = Verifier::new(Keys::dev());
        let get = v
            .verify(&reqs[0].incoming(), date_of(&reqs[0]))
            .expect("signed by the SDK");
        assert_eq!(get.key_id, "dialsim-dev");
        assert_eq!(get.action.as_deref(), Some("CloudGetTask"));
        assert_eq!(get.params["TaskId"], "1");
        let create = v
            .verify(&reqs[1].incoming(), date_of(&reqs[1]))
            .expect("signed");
        assert_eq!(create.action.as_deref(), Some("CloudCreateTask"));
        assert_eq!(create.params["Name"], "spring renewals/春");
    }

    #[test]
    fn the_older_clients_v1_signature_passes() {
        let reqs = fixture(V1);
        let mut v = Verifier::new(Keys::dev());
        let c = v
            .verify(&reqs[0].incoming(), date_of(&reqs[0]))
            .expect("signed by v1");
        assert_eq!(c.action.as_deref(), Some("CloudGetTask"));
        assert_eq!(c.params["Name"], "spring renewals/春*~");
        assert!(!c.params.contains_key("Signature") && !c.params.contains_key("AccessKeyId"));
        assert_eq!(c.params.len(), 3, "{:?}", c.params);
    }

    #[test]
    fn wrong_keys_dates_nonces_and_tampering_are_refused_and_record_nothing() {
        for text in [ACS3, V1] {
            let reqs = fixture(text);
            let r = &reqs[0];
            let now = date_of(r);
            // A wrong secret, an unknown key: refused, and the nonce is still unused.
            let mut wrong = Verifier::new(Keys::parse("dialsim-dev not-the-secret").expect("keys"));
            assert_eq!(wrong.verify(&r.incoming(), now), Err(AuthError::Mismatch));
            let mut other = Verifier::new(Keys::parse("someone else").expect("keys"));
            assert_eq!(
                other.verify(&r.incoming(), now),
                Err(AuthError::UnknownKey("dialsim-dev".into()))
            );
            let mut v = Verifier::new(Keys::dev());
            // 15 minutes and one second off, either way.
            for skew in [MAX_SKEW_S + 1, -(MAX_SKEW_S + 1)] {
                assert!(matches!(
                    v.verify(&r.incoming(), now + skew),
                    Err(AuthError::Stale(_))
                ));
            }
            // Tampered: another task, another body.
            let tampered = Captured {
                query: r.query.replace("TaskId=1", "TaskId=2"),
                ..fixture(text).remove(0)
            };
            assert_eq!(
                v.verify(&tampered.incoming(), now),
                Err(AuthError::Mismatch)
            );
            // Accepted once, exactly 15 minutes off; then the nonce is spent.
            assert!(v.verify(&r.incoming(), now + MAX_SKEW_S).is_ok());
            assert!(matches!(
                v.verify(&r.incoming(), now + MAX_SKEW_S),
                Err(AuthError::Replayed(_))
            ));
        }
        let reqs = fixture(ACS3);
        let body = Captured {
            body: b"x".to_vec(),
            ..fixture(ACS3).remove(0)
        };
        let mut v = Verifier::new(Keys::dev());
        assert_eq!(
            v.verify(&body.incoming(), date_of(&reqs[0])),
            Err(AuthError::Mismatch)
        );
        let unsigned = Captured {
            headers: vec![],
            ..fixture(ACS3).remove(0)
        };
        assert_eq!(v.verify(&unsigned.incoming(), 0), Err(AuthError::Missing));
    }

    #[test]
    fn nonces_are_forgotten_after_the_window() {
        let reqs = fixture(ACS3);
        let r = &reqs[0];
        let now = date_of(r);
        let mut v = Verifier::new(Keys::dev());
        assert!(v.verify(&r.incoming(), now).is_ok());
        assert_eq!(v.nonces.len(), 1);
        // Half an hour later the request is stale anyway; the nonce table is pruned when the
        // next request is checked.
        let _ = v.verify(&reqs[1].incoming(), date_of(&reqs[1]) + 2 * MAX_SKEW_S);
        v.forget_before(now + 1);
        assert!(v.nonces.is_empty() && v.order.is_empty());
    }

    #[test]
    fn key_files_name_the_bad_line_and_never_the_secret() {
        assert_eq!(
            Keys::parse("# ids\n\na s1\nb s2\n").expect("two").ids(),
            vec!["a", "b"]
        );
        let e = Keys::parse("a s1\nb\n").expect_err("a bad line");
        assert!(e.contains("line 2"));
        let e = Keys::parse("a s1\na hunter2\n").expect_err("twice");
        assert!(!e.contains("hunter2") && e.contains("line 2"));
        assert!(Keys::parse("").is_err());
        assert!(!format!("{:?}", Keys::dev()).contains(DEV_KEY.1));
    }
}
