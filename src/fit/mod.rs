//! `dialsim fit`: the simulated world estimated from the platform's call records.
//!
//! Records are read one at a time ([`records`]) into an [`Accumulator`] that keeps only
//! counts: observations of each duration grouped by value and kind (so ten million records
//! hold a few thousand groups), outcomes by hour and weekday, and one small tuple per bridged
//! call for the gaps between an agent's calls. [`Accumulator::estimate`] then fits:
//!
//! - outcome shares (answered, no answer, busy, invalid, unreachable) with Wilson intervals;
//! - the answer share of ringing calls by hour (a χ² test says whether hours differ) and by
//!   weekday when the records span two weeks;
//! - time to answer: answered calls are events, calls that rang out are right-censored at
//!   their ring time (Kaplan–Meier), and the parametric fit is a cure model — a share `p` of
//!   customers would ever answer, after the family's time — which is the scenario's own model
//!   (`answer_probability` and `time_to_answer_s`, answers after CustomerTimeout lost);
//! - talk time (BridgeDuration of bridged calls answered by a person), with a one-way analysis
//!   of variance of its log by hour;
//! - patience (Brown et al., JASA 2005): customers who hung up before being bridged are events
//!   at their wait, everyone else who waited is censored at it;
//! - the agent leg (answer to bridge of bridged calls) and the gap between consecutive calls of
//!   one agent (its end to the next bridge).
//!
//! Each duration is fitted by four families ([`family`]) with the censoring and the
//! whole-second cut written into the likelihood, the family chosen by AIC, with a
//! Kolmogorov–Smirnov distance to the Kaplan–Meier curve ([`km`]).

pub mod backtest;
pub mod family;
pub mod km;
pub mod records;

use family::{FAMILIES, Fitted, Group, Kind, Z95};
use jiff::Timestamp;
use jiff::tz::TimeZone;
use records::{Rejected, Row};
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

/// A multiply-and-rotate hasher for keys that are already hashes or small integers (the
/// FxHash of rustc): the accumulator's maps are on the path of every record.
#[derive(Debug, Default, Clone, Copy)]
pub struct Fx(u64);

impl Hasher for Fx {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.write_u64(u64::from(*b));
        }
    }
    fn write_u8(&mut self, i: u8) {
        self.write_u64(u64::from(i));
    }
    fn write_u64(&mut self, i: u64) {
        self.0 = (self.0.rotate_left(5) ^ i).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    fn write_u128(&mut self, i: u128) {
        self.write_u64(i as u64);
        self.write_u64((i >> 64) as u64);
    }
    fn write_i64(&mut self, i: i64) {
        self.write_u64(i as u64);
    }
    fn write_usize(&mut self, i: usize) {
        self.write_u64(i as u64);
    }
    fn write_isize(&mut self, i: isize) {
        self.write_u64(i as u64);
    }
}

type FxBuild = BuildHasherDefault<Fx>;

/// Fewest events a parametric fit is attempted on.
pub const MIN_EVENTS: u64 = 30;
/// How many rejected rows are kept to show (the rest are counted).
const SHOWN_REJECTS: usize = 20;

/// Observations of one duration, grouped: (value in ms, kind) → (events, censored).
#[derive(Debug, Default, Clone)]
pub struct Durations {
    groups: HashMap<(u64, Kind), (u64, u64), FxBuild>,
}

impl Durations {
    /// Add an observation of `secs` seconds.
    pub fn add(&mut self, secs: f64, kind: Kind, event: bool) {
        let key = ((secs.max(0.0) * 1000.0).round() as u64, kind);
        let e = self.groups.entry(key).or_default();
        if event {
            e.0 += 1;
        } else {
            e.1 += 1;
        }
    }

    /// A duration as a record gives it: whole seconds are cut seconds, others exact.
    pub fn add_recorded(&mut self, secs: f64, event: bool) {
        let kind = if secs.fract() == 0.0 {
            Kind::Second
        } else {
            Kind::Exact
        };
        self.add(secs, kind, event);
    }

    /// The groups, sorted by value.
    pub fn groups(&self) -> Vec<Group> {
        let mut v: Vec<Group> = self
            .groups
            .iter()
            .map(|(&(ms, kind), &(events, censored))| Group {
                value: ms as f64 / 1000.0,
                kind,
                events,
                censored,
            })
            .collect();
        v.sort_by(|a, b| a.value.total_cmp(&b.value).then(a.kind.cmp(&b.kind)));
        v
    }
}

/// Counts of a yes/no figure.
#[derive(Debug, Default, Clone, Copy, serde::Serialize)]
pub struct Share {
    /// Yes.
    pub yes: u64,
    /// Out of.
    pub n: u64,
}

impl Share {
    fn add(&mut self, yes: bool) {
        self.n += 1;
        self.yes += u64::from(yes);
    }
}

/// Wilson's 95 % interval of a share.
pub fn wilson(yes: u64, n: u64) -> Option<(f64, f64)> {
    if n == 0 {
        return None;
    }
    let (n, p, z) = (n as f64, yes as f64 / n as f64, Z95);
    let c = (p + z * z / (2.0 * n)) / (1.0 + z * z / n);
    let h = z * ((p * (1.0 - p) / n + z * z / (4.0 * n * n)).sqrt()) / (1.0 + z * z / n);
    Some(((c - h).max(0.0), (c + h).min(1.0)))
}

/// Sum, sum of logs and of squared logs of a positive figure, for an analysis of variance.
#[derive(Debug, Default, Clone, Copy)]
struct LogMoments {
    n: u64,
    s: f64,
    s2: f64,
}

/// What the records said about one run of the platform: the figures a back-test compares.
#[derive(Debug, Default, Clone)]
pub struct Observed {
    /// Calls placed.
    pub attempts: u64,
    /// Ringing calls answered.
    pub answered: Share,
    /// Answered by a person in a predictive task and not bridged within 2 s.
    pub abandoned_2s: Share,
    /// Waits of answered callers (whole seconds) → count.
    pub waits: BTreeMap<u64, u64>,
    /// Talk seconds bridged.
    pub talk_s: f64,
    /// First and last instants.
    pub span: Option<(i64, i64)>,
    /// Distinct agents bridged.
    pub agents: u64,
}

/// Everything the records say, in counts; fed one [`Row`] at a time.
#[derive(Debug)]
pub struct Accumulator {
    tz: TimeZone,
    offsets: HashMap<i64, i64, FxBuild>,
    last_offset: (i64, i64),
    seen: HashSet<u128, FxBuild>,
    /// Records handed in.
    pub read: u64,
    /// Records used.
    pub used: u64,
    /// Records seen before (same UniqueId).
    pub duplicates: u64,
    /// Rejected rows by rule.
    pub rejected: BTreeMap<String, u64>,
    shown: Vec<String>,
    causes: BTreeMap<&'static str, u64>,
    ring_hour: [Share; 24],
    ring_weekday: [Share; 7],
    tta: Durations,
    talk: Durations,
    talk_hour: [LogMoments; 24],
    patience: Durations,
    abandons: u64,
    exposure_s: f64,
    naive_abandon_wait: (u64, f64),
    leg: BTreeMap<i64, u64>,
    cnos: HashMap<u64, u32, FxBuild>,
    bridged: Vec<(u32, i64, i64)>,
    /// The back-test's figures.
    pub observed: Observed,
    /// Records whose TotalDuration was checked against their stamps, and those where it is
    /// one less than EndTime − StartTime (the start was not on a whole second).
    phase: (u64, u64),
    /// Local hours (index) in which some call started.
    active_hours: HashSet<i64, FxBuild>,
    /// (local hour, agent) pairs with a bridge.
    agent_hours: HashSet<(i64, u64), FxBuild>,
}

impl Accumulator {
    /// An empty accumulator reading times in the IANA zone `tz`.
    pub fn new(tz: &str) -> Result<Accumulator, String> {
        let tz = TimeZone::get(tz).map_err(|e| format!("--tz {tz:?}: {e}"))?;
        Ok(Accumulator::in_zone(tz))
    }

    /// An empty accumulator reading times in `tz`.
    pub fn in_zone(tz: TimeZone) -> Accumulator {
        Accumulator {
            tz,
            offsets: HashMap::default(),
            last_offset: (i64::MIN, 0),
            seen: HashSet::default(),
            read: 0,
            used: 0,
            duplicates: 0,
            rejected: BTreeMap::new(),
            shown: Vec::new(),
            causes: BTreeMap::new(),
            ring_hour: [Share::default(); 24],
            ring_weekday: [Share::default(); 7],
            tta: Durations::default(),
            talk: Durations::default(),
            talk_hour: [LogMoments::default(); 24],
            patience: Durations::default(),
            abandons: 0,
            exposure_s: 0.0,
            naive_abandon_wait: (0, 0.0),
            leg: BTreeMap::new(),
            cnos: HashMap::default(),
            bridged: Vec::new(),
            observed: Observed::default(),
            phase: (0, 0),
            active_hours: HashSet::default(),
            agent_hours: HashSet::default(),
        }
    }

    /// Hour of day (0–23), weekday (0 Monday) and the local hour's index (hours since the
    /// local epoch) of a Unix second in the zone.
    fn civil(&mut self, t: i64) -> (usize, usize, i64) {
        let hour_key = t.div_euclid(3600);
        let off = if self.last_offset.0 == hour_key {
            self.last_offset.1
        } else {
            let tz = &self.tz;
            let off = *self.offsets.entry(hour_key).or_insert_with(|| {
                Timestamp::from_second(hour_key * 3600)
                    .map(|ts| i64::from(tz.to_offset(ts).seconds()))
                    .unwrap_or(0)
            });
            self.last_offset = (hour_key, off);
            off
        };
        let local = t + off;
        let hour = local.rem_euclid(86_400) / 3600;
        // 1970-01-01 was a Thursday (3 with Monday 0).
        let weekday = (local.div_euclid(86_400) + 3).rem_euclid(7);
        (hour as usize, weekday as usize, local.div_euclid(3600))
    }

    /// A rejected row: counted, and the first few kept to show.
    pub fn reject(&mut self, r: &Rejected) {
        self.read += 1;
        *self
            .rejected
            .entry(format!("{}: {}", r.field, r.rule))
            .or_default() += 1;
        if self.shown.len() < SHOWN_REJECTS {
            self.shown.push(r.to_string());
        }
    }

    /// The rows rejected so far, the first few in full.
    pub fn shown_rejects(&self) -> &[String] {
        &self.shown
    }

    /// Take one record.
    pub fn add(&mut self, r: &Row) {
        self.read += 1;
        if let Some(u) = r.unique_id
            && !self.seen.insert(u)
        {
            self.duplicates += 1;
            return;
        }
        self.used += 1;
        let o = &mut self.observed;
        o.attempts += 1;
        o.span = Some(match o.span {
            None => (r.start, r.end),
            Some((a, b)) => (a.min(r.start), b.max(r.end)),
        });
        let (_, _, start_hour) = self.civil(r.start);
        self.active_hours.insert(start_hour);
        let rang = r.ringing.is_some() || matches!(r.sip_cause, Some(200 | 480));
        let cause = match (r.sip_cause, r.answer.is_some()) {
            (_, true) | (Some(200), _) => "answered",
            (Some(480), _) => "no_answer",
            (Some(486), _) => "busy",
            (Some(404), _) => "invalid",
            (Some(503), _) => "unreachable",
            (Some(_), _) => "other_failure",
            (None, false) if rang => "no_answer",
            (None, false) => "failed_unknown",
        };
        *self.causes.entry(cause).or_default() += 1;
        if let Some(t) = r.total
            && t.fract() == 0.0
        {
            self.phase.0 += 1;
            self.phase.1 += u64::from((r.end - r.start) as f64 > t);
        }
        if rang {
            let ring_at = r.ringing.unwrap_or(r.start);
            let (hour, weekday, _) = self.civil(ring_at);
            let answered = r.answer.is_some();
            self.ring_hour[hour].add(answered);
            self.ring_weekday[weekday].add(answered);
            self.observed.answered.add(answered);
            match r.answer {
                Some(a) => self.tta.add((a - ring_at) as f64, Kind::Stamps, true),
                None => self.tta.add((r.end - ring_at) as f64, Kind::Stamps, false),
            }
        }
        let person = r.real_answer != Some(false);
        if r.status == 43
            && person
            && let Some(d) = r.bridge_duration
        {
            self.talk.add_recorded(d, true);
            self.observed.talk_s += d;
            if let Some(b) = r.bridge {
                let (hour, _, _) = self.civil(b);
                let l = (d + if d.fract() == 0.0 { 0.5 } else { 0.0 }).ln();
                let m = &mut self.talk_hour[hour];
                m.n += 1;
                m.s += l;
                m.s2 += l * l;
            }
        }
        if r.answer.is_some()
            && person
            && (41..=43).contains(&r.status)
            && let Some(w) = r.wait
        {
            let hung_up = r.status != 43 && r.end_reason == Some(1000);
            self.patience.add_recorded(w, hung_up);
            let mid = w + if w.fract() == 0.0 { 0.5 } else { 0.0 };
            self.exposure_s += mid;
            if hung_up {
                self.abandons += 1;
                self.naive_abandon_wait.0 += 1;
                self.naive_abandon_wait.1 += mid;
            }
            self.observed.abandoned_2s.add(r.status != 43 || w >= 2.0);
            *self.observed.waits.entry(w.floor() as u64).or_default() += 1;
        }
        if r.status == 43
            && let (Some(a), Some(b)) = (r.answer, r.bridge)
        {
            *self.leg.entry(b - a).or_default() += 1;
            if let Some(c) = r.cno {
                let (_, _, local_hour) = self.civil(b);
                self.agent_hours.insert((local_hour, c));
                let n = self.cnos.len() as u32;
                let id = *self.cnos.entry(c).or_insert(n);
                self.bridged.push((id, b, r.end));
            }
        }
        self.observed.agents = self.cnos.len() as u64;
    }
}

/// The value of rank `rank` (1 the smallest) in a count histogram; None past its end.
pub fn at_rank<K: Copy>(h: &BTreeMap<K, u64>, rank: u64) -> Option<K> {
    let mut acc = 0;
    h.iter()
        .find(|(_, c)| {
            acc += **c;
            acc >= rank
        })
        .map(|(v, _)| *v)
}

/// Quantile `q` of a count histogram (the value of rank ⌈q·n⌉); None when it is empty.
pub fn quantile<K: Copy>(h: &BTreeMap<K, u64>, q: f64) -> Option<K> {
    let n: u64 = h.values().sum();
    if n == 0 {
        return None;
    }
    at_rank(h, ((q * n as f64).ceil() as u64).clamp(1, n))
}

/// n, mean with its 95 % interval, median and 90th percentile of a histogram of whole
/// seconds.
fn summary(h: &BTreeMap<i64, u64>) -> Value {
    let n: u64 = h.values().sum();
    if n < 2 {
        return json!({"n": n, "estimate": null, "reason": "fewer than 2 observations"});
    }
    let nf = n as f64;
    let mean = h.iter().map(|(&v, &c)| v as f64 * c as f64).sum::<f64>() / nf;
    let var = h
        .iter()
        .map(|(&v, &c)| (v as f64 - mean).powi(2) * c as f64)
        .sum::<f64>()
        / (nf - 1.0);
    let se = (var / nf).sqrt();
    json!({
        "n": n,
        "mean_s": round(mean),
        "mean_ci95": [round(mean - Z95 * se), round(mean + Z95 * se)],
        "p50_s": quantile(h, 0.5),
        "p90_s": quantile(h, 0.9),
    })
}

fn round(x: f64) -> f64 {
    (x * 1e4).round() / 1e4
}

fn share_json(yes: u64, n: u64) -> Value {
    match wilson(yes, n) {
        None => json!({"n": 0, "estimate": null, "reason": "no observations"}),
        Some((lo, hi)) => json!({
            "n": n, "count": yes, "share": round(yes as f64 / n as f64),
            "ci95": [round(lo), round(hi)],
        }),
    }
}

/// A fitted duration: every family's fit, the one AIC chooses, the Kaplan–Meier curve.
#[derive(Debug, Clone)]
pub struct DurationFit {
    /// The fits, in [`FAMILIES`] order (families that failed to fit are absent).
    pub fits: Vec<Fitted>,
    /// Index of the chosen fit in `fits`.
    pub chosen: Option<usize>,
    /// The Kaplan–Meier curve.
    pub km: Vec<km::Step>,
    /// The observations.
    pub groups: Vec<Group>,
}

impl DurationFit {
    /// The chosen fit.
    pub fn best(&self) -> Option<&Fitted> {
        self.chosen.map(|i| &self.fits[i])
    }
}

/// Fit every family to `groups` (with a cure share when `cure`).
pub fn fit_duration(groups: Vec<Group>, cure: bool) -> DurationFit {
    let km = km::kaplan_meier(&groups);
    let events: u64 = groups.iter().map(|g| g.events).sum();
    if events < MIN_EVENTS {
        return DurationFit {
            fits: Vec::new(),
            chosen: None,
            km,
            groups,
        };
    }
    // Rough mean and sd of the events to start from.
    let (mut s, mut s2) = (0.0, 0.0);
    for g in &groups {
        let t = km::time_of(g);
        s += t * g.events as f64;
        s2 += t * t * g.events as f64;
    }
    let m = s / events as f64;
    let sd = (s2 / events as f64 - m * m).max(1e-6).sqrt();
    let fits: Vec<Fitted> = FAMILIES
        .iter()
        .filter_map(|&f| family::fit(f, &groups, cure, m, sd))
        .collect();
    let chosen = fits
        .iter()
        .enumerate()
        .min_by(|a, b| a.1.aic.total_cmp(&b.1.aic))
        .map(|(i, _)| i);
    DurationFit {
        fits,
        chosen,
        km,
        groups,
    }
}

/// The largest distance between the Kaplan–Meier distribution function and the fitted one at
/// the curve's steps (a cure fit scaled by its share).
pub fn ks_distance(f: &Fitted, curve: &[km::Step], kinds: Kind) -> f64 {
    let share = f.cure_share().map_or(1.0, |(p, _)| p);
    curve
        .iter()
        .map(|s| {
            let t = if kinds == Kind::Second {
                s.t + 0.5
            } else {
                s.t
            };
            ((1.0 - s.s) - share * (1.0 - f.family.sf(f.params(), t))).abs()
        })
        .fold(0.0, f64::max)
}

fn fit_json(d: &DurationFit, what: &str) -> Value {
    let events: u64 = d.groups.iter().map(|g| g.events).sum();
    let censored: u64 = d.groups.iter().map(|g| g.censored).sum();
    let kind = d.groups.first().map_or(Kind::Second, |g| g.kind);
    let curve: Vec<Value> = thin(&d.km)
        .iter()
        .map(|s| json!([round(s.t), round(s.s), round(s.lo), round(s.hi)]))
        .collect();
    let mut out = json!({
        "n": events + censored, "events": events, "censored": censored,
        "kaplan_meier": {"columns": ["t_s", "survival", "lo95", "hi95"], "steps": curve},
    });
    if d.fits.is_empty() {
        out["estimate"] = Value::Null;
        out["reason"] = json!(format!(
            "only {events} {what} observed; a parametric fit needs at least {MIN_EVENTS}"
        ));
        return out;
    }
    let fits: Vec<Value> = d
        .fits
        .iter()
        .map(|f| {
            let (mean, sd) = f.family.mean_sd(f.params());
            let a = f.family.arity();
            let mean_ci = f.interval(|p| f.family.mean_sd(&p[..a]).0);
            let mut v = json!({
                "family": f.family.name(),
                "dist": f.family.dist_json(f.params()),
                "mean_s": round(mean),
                "mean_ci95": mean_ci.map(|(l, h)| [round(l), round(h)]),
                "sd_s": round(sd),
                "sd_ci95": f.interval(|p| f.family.mean_sd(&p[..a]).1).map(|(l, h)| [round(l), round(h)]),
                "log_lik": round(f.log_lik),
                "aic": round(f.aic),
                "ks": round(ks_distance(f, &d.km, kind)),
            });
            if let Some((p, (lo, hi))) = f.cure_share() {
                v["answering_share"] = json!(round(p));
                v["answering_share_ci95"] = json!([round(lo), round(hi)]);
            }
            v
        })
        .collect();
    out["fits"] = Value::Array(fits);
    out["chosen"] = json!(d.best().map(|f| f.family.name()));
    out
}

/// At most 400 steps of a curve, evenly picked, for the page and the JSON.
fn thin(curve: &[km::Step]) -> Vec<km::Step> {
    let n = curve.len();
    if n <= 400 {
        return curve.to_vec();
    }
    (0..400).map(|i| curve[i * (n - 1) / 399]).collect()
}

/// The estimates of an [`Accumulator`], as `fit.json` holds them, and the distributions the
/// fitted scenario takes.
#[derive(Debug, Clone)]
pub struct Estimates {
    /// `fit.json`.
    pub json: Value,
    /// The fitted `customers` block (absent parts keep the base's).
    pub customers: serde_json::Map<String, Value>,
    /// The fitted talk time, for `agent_behaviour.talk_s`.
    pub talk: Option<Value>,
    /// Time to answer, talk and patience: curves and fits, for the page.
    pub durations: Vec<(&'static str, DurationFit)>,
    /// Answered share by hour: (hour, answered, ringing).
    pub by_hour: Vec<(usize, u64, u64)>,
}

impl Accumulator {
    /// Every estimate.
    pub fn estimate(&self) -> Estimates {
        let mut warnings: Vec<String> = Vec::new();
        let mut customers = serde_json::Map::new();
        let attempts = self.observed.attempts;
        let cause = |k: &str| self.causes.get(k).copied().unwrap_or(0);
        let mut outcomes = serde_json::Map::new();
        for k in [
            "answered",
            "no_answer",
            "busy",
            "invalid",
            "unreachable",
            "other_failure",
            "failed_unknown",
        ] {
            outcomes.insert(k.into(), share_json(cause(k), attempts));
        }
        if attempts > 0 {
            let p = |k: &str| round(cause(k) as f64 / attempts as f64);
            customers.insert("busy_probability".into(), json!(p("busy")));
            customers.insert("invalid_probability".into(), json!(p("invalid")));
            customers.insert(
                "unreachable_probability".into(),
                json!(round(
                    (cause("unreachable") + cause("other_failure") + cause("failed_unknown"))
                        as f64
                        / attempts as f64
                )),
            );
        }

        // Time to answer, with the answering share (cure model). A ring time is the
        // difference of two cut stamps; when every call started on a whole second (no record's
        // TotalDuration falls short of its stamps' difference), it is a cut duration instead.
        let aligned = self.phase.0 >= 100 && self.phase.1 * 1000 <= self.phase.0;
        let tta_groups: Vec<Group> = self
            .tta
            .groups()
            .into_iter()
            .map(|g| Group {
                kind: if aligned { Kind::Second } else { g.kind },
                ..g
            })
            .collect();
        let tta = fit_duration(tta_groups, true);
        let mut answer = json!({});
        let rang = self.observed.answered;
        answer["ringing"] = json!(rang.n);
        answer["answered_share"] = share_json(rang.yes, rang.n);
        let p_model = tta.best().and_then(Fitted::cure_share);
        if let Some((p, (lo, hi))) = p_model {
            answer["answer_probability"] = json!(round(p));
            answer["answer_probability_ci95"] = json!([round(lo), round(hi)]);
            customers.insert("answer_probability".into(), json!(round(p)));
        } else if rang.n > 0 {
            let p = rang.yes as f64 / rang.n as f64;
            warnings.push(format!(
                "time to answer: too few answers for a fit; answer_probability is the answered \
                 share {p:.4} (an underestimate if customers would answer after CustomerTimeout)"
            ));
            customers.insert("answer_probability".into(), json!(round(p)));
        }
        let scale = p_model.map_or(1.0, |(p, _)| {
            p / (rang.yes as f64 / rang.n.max(1) as f64).max(1e-9)
        });
        let (chi2, df) = homogeneity(&self.ring_hour);
        let p_hours = chi_square_sf(chi2, df);
        let by_hour: Vec<Value> = self
            .ring_hour
            .iter()
            .enumerate()
            .filter(|(_, s)| s.n > 0)
            .map(|(h, s)| {
                let mut v = share_json(s.yes, s.n);
                v["hour"] = json!(h);
                v["answer_probability"] =
                    json!(round((s.yes as f64 / s.n as f64 * scale).min(1.0)));
                v
            })
            .collect();
        answer["by_hour"] = Value::Array(by_hour);
        answer["hours_differ"] =
            json!({"chi2": round(chi2), "df": df, "p_value": p_hours.map(round)});
        if p_hours.is_some_and(|p| p < 0.01) {
            let overall = customers
                .get("answer_probability")
                .and_then(Value::as_f64)
                .unwrap_or(0.0);
            let hours: Vec<f64> = self
                .ring_hour
                .iter()
                .map(|s| {
                    if s.n >= 30 {
                        round((s.yes as f64 / s.n as f64 * scale).min(1.0))
                    } else {
                        overall
                    }
                })
                .collect();
            customers.insert("answer_probability_by_hour".into(), json!(hours));
        }
        if let Some((from, to)) = self.observed.span
            && to - from >= 14 * 86_400
        {
            let days: Vec<Value> = self
                .ring_weekday
                .iter()
                .enumerate()
                .map(|(d, s)| {
                    let mut v = share_json(s.yes, s.n);
                    v["weekday"] = json!(["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"][d]);
                    v
                })
                .collect();
            answer["by_weekday"] = Value::Array(days);
        }
        let mut tta_json = fit_json(&tta, "answers");
        tta_json["start_phase"] = json!({
            "records_checked": self.phase.0,
            "total_short_of_stamps": self.phase.1,
            "reading": if aligned {
                "calls start on whole seconds: a ring time of d s is in [d, d+1)"
            } else {
                "call starts fall anywhere in their second: a ring time of d s is in (d-1, d+1)"
            },
        });
        tta_json["model"] = json!(
            "cure: a share p of customers would answer, after the family's time; calls that \
             rang out are censored at their ring time"
        );
        if let Some(f) = tta.best() {
            customers.insert("time_to_answer_s".into(), f.family.dist_json(f.params()));
        }

        // Talk.
        let talk = fit_duration(self.talk.groups(), false);
        let mut talk_json = fit_json(&talk, "talks");
        let talk_dist = talk.best().map(|f| f.family.dist_json(f.params()));
        if let Some(d) = &talk_dist {
            customers.insert("talk_s".into(), d.clone());
        }
        let (f_stat, df1, df2, p_anova) = anova(&self.talk_hour);
        talk_json["hours_differ"] = json!({
            "f": round(f_stat), "df": [df1, df2], "p_value": p_anova.map(round),
            "test": "one-way analysis of variance of ln(talk) by hour of the bridge",
        });
        if p_anova.is_some_and(|p| p < 0.01) {
            let all: (u64, f64) = self
                .talk_hour
                .iter()
                .fold((0, 0.0), |a, m| (a.0 + m.n, a.1 + m.s));
            let grand = all.1 / all.0.max(1) as f64;
            let scales: Vec<f64> = self
                .talk_hour
                .iter()
                .map(|m| {
                    if m.n >= 30 {
                        round((m.s / m.n as f64 - grand).exp())
                    } else {
                        1.0
                    }
                })
                .collect();
            talk_json["scale_by_hour"] = json!(scales);
            customers.insert("talk_scale_by_hour".into(), json!(scales));
        }

        // Patience.
        let patience = fit_duration(self.patience.groups(), false);
        let mut patience_json = fit_json(&patience, "abandons");
        patience_json["exponential_closed_form"] = if self.abandons > 0 {
            json!({
                "abandons": self.abandons,
                "waiting_s": round(self.exposure_s),
                "mean_s": round(self.exposure_s / self.abandons as f64),
                "rule": "abandons ÷ total waiting time (each cut second counted at its middle)",
            })
        } else {
            Value::Null
        };
        patience_json["naive_mean_of_abandons_s"] = if self.naive_abandon_wait.0 > 0 {
            json!(round(
                self.naive_abandon_wait.1 / self.naive_abandon_wait.0 as f64
            ))
        } else {
            Value::Null
        };
        if let Some(f) = patience.best() {
            customers.insert("patience_s".into(), f.family.dist_json(f.params()));
        } else {
            warnings.push(
                "patience: too few customers hung up while waiting; the base's patience is kept"
                    .into(),
            );
        }

        // The agent leg and the gaps between an agent's calls.
        let mut gaps: BTreeMap<i64, u64> = BTreeMap::new();
        let mut bridged = self.bridged.clone();
        bridged.sort_unstable();
        for w in bridged.windows(2) {
            if w[0].0 == w[1].0 {
                *gaps.entry((w[1].1 - w[0].2).max(0)).or_default() += 1;
            }
        }

        let mut rejected = serde_json::Map::new();
        for (k, v) in &self.rejected {
            rejected.insert(k.clone(), json!(v));
        }
        let rejected_n: u64 = self.rejected.values().sum();
        let json = json!({
            "records": {
                "read": self.read, "used": self.used, "duplicates": self.duplicates,
                "rejected": rejected_n, "rejected_by_rule": rejected,
                "first_rejected": self.shown,
            },
            "span": self.observed.span.map(|(a, b)| json!({"from": a, "to": b, "days": round((b - a) as f64 / 86_400.0)})),
            "outcomes": outcomes,
            "answer": answer,
            "time_to_answer": tta_json,
            "talk": talk_json,
            "patience": patience_json,
            "agent_leg": summary(&self.leg),
            "agent_gap": summary(&gaps),
            "warnings": warnings,
        });
        Estimates {
            json,
            customers,
            talk: talk_dist,
            durations: vec![
                ("time to answer", tta),
                ("talk", talk),
                ("patience", patience),
            ],
            by_hour: self.answer_by_hour(),
        }
    }

    /// Agents at work by hour of day: the mean, over the days' hours in which calls were
    /// placed, of the distinct agents bridged in that hour (None: no call in that hour).
    pub fn agents_by_hour(&self) -> [Option<f64>; 24] {
        let mut hours = [0u64; 24];
        for h in &self.active_hours {
            hours[h.rem_euclid(24) as usize] += 1;
        }
        let mut agents = [0u64; 24];
        for (h, _) in &self.agent_hours {
            agents[h.rem_euclid(24) as usize] += 1;
        }
        std::array::from_fn(|h| (hours[h] > 0).then(|| agents[h] as f64 / hours[h] as f64))
    }

    /// Answered share by hour (hour, answered, ringing), for the page.
    pub fn answer_by_hour(&self) -> Vec<(usize, u64, u64)> {
        self.ring_hour
            .iter()
            .enumerate()
            .filter(|(_, s)| s.n > 0)
            .map(|(h, s)| (h, s.yes, s.n))
            .collect()
    }
}

/// Pearson's χ² of homogeneity of the hours' answered shares, and its degrees of freedom.
fn homogeneity(hours: &[Share; 24]) -> (f64, u64) {
    let used: Vec<&Share> = hours.iter().filter(|s| s.n > 0).collect();
    let (yes, n): (u64, u64) = used.iter().fold((0, 0), |a, s| (a.0 + s.yes, a.1 + s.n));
    if used.len() < 2 || yes == 0 || yes == n {
        return (0.0, 0);
    }
    let p = yes as f64 / n as f64;
    let chi2 = used
        .iter()
        .map(|s| {
            let e1 = s.n as f64 * p;
            let e0 = s.n as f64 * (1.0 - p);
            (s.yes as f64 - e1).powi(2) / e1 + ((s.n - s.yes) as f64 - e0).powi(2) / e0
        })
        .sum();
    (chi2, used.len() as u64 - 1)
}

fn chi_square_sf(x: f64, df: u64) -> Option<f64> {
    use statrs::distribution::{ChiSquared, ContinuousCDF};
    (df > 0).then(|| ChiSquared::new(df as f64).map(|d| d.sf(x)).ok())?
}

/// One-way analysis of variance of the hours' log talk: F, its degrees of freedom, p.
fn anova(hours: &[LogMoments; 24]) -> (f64, u64, u64, Option<f64>) {
    use statrs::distribution::{ContinuousCDF, FisherSnedecor};
    let used: Vec<&LogMoments> = hours.iter().filter(|m| m.n > 1).collect();
    let n: u64 = used.iter().map(|m| m.n).sum();
    let k = used.len() as u64;
    if k < 2 || n <= k {
        return (0.0, 0, 0, None);
    }
    let grand = used.iter().map(|m| m.s).sum::<f64>() / n as f64;
    let between: f64 = used
        .iter()
        .map(|m| m.n as f64 * (m.s / m.n as f64 - grand).powi(2))
        .sum();
    let within: f64 = used
        .iter()
        .map(|m| m.s2 - m.s * m.s / m.n as f64)
        .sum::<f64>()
        .max(1e-12);
    let (d1, d2) = (k - 1, n - k);
    let f = (between / d1 as f64) / (within / d2 as f64);
    let p = FisherSnedecor::new(d1 as f64, d2 as f64)
        .ok()
        .map(|d| d.sf(f));
    (f, d1, d2, p)
}
