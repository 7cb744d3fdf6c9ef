//! Calendar time for the engine: which wall-clock moment a simulated millisecond is, and
//! whether a task may place a call then (its TimeStrategy forbidden windows and, for
//! AutoTaskType 1, its AutoTriggerTimeStrategy windows).
//!
//! Time conditions are compiled once into [`Window`]s relative to the scenario's start, so a
//! check is a few integer operations: the day index since the start date, the weekday
//! (1 = Sunday … 7 = Saturday, the platform's numbering) and the minute of the day.

use crate::enterprise::TimeCondition;
use jiff::civil::{Date, DateTime, Time};

/// Milliseconds in a day.
pub const DAY_MS: u64 = 86_400_000;

/// The scenario's clock: its start as a wall-clock moment.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Clock {
    start: DateTime,
    /// Milliseconds from the start date's midnight to the start.
    offset_ms: u64,
}

impl Clock {
    /// A clock starting at `start`.
    pub fn new(start: DateTime) -> Clock {
        let t = start.time();
        let offset_ms = (u64::from(t.hour() as u8) * 3600
            + u64::from(t.minute() as u8) * 60
            + u64::from(t.second() as u8))
            * 1000
            + u64::from(t.subsec_nanosecond() as u32) / 1_000_000;
        Clock { start, offset_ms }
    }

    /// Days since the start date (0 on the start date) and milliseconds into that day.
    pub fn day_and_time(&self, t_ms: u64) -> (u64, u64) {
        let x = self.offset_ms + t_ms;
        (x / DAY_MS, x % DAY_MS)
    }

    /// The weekday at `t_ms`, 1 = Sunday … 7 = Saturday.
    pub fn weekday(&self, t_ms: u64) -> u8 {
        let first = self.start.date().weekday().to_sunday_one_offset() as u64;
        let (day, _) = self.day_and_time(t_ms);
        ((first - 1 + day) % 7 + 1) as u8
    }

    /// The simulated millisecond of a wall-clock moment (`None` before the start).
    pub fn ms_of(&self, at: DateTime) -> Option<u64> {
        let d = self.start.duration_until(at);
        let ms = d.as_millis();
        (ms >= 0).then_some(ms as u64)
    }

    /// The simulated millisecond of the next midnight strictly after `t_ms`.
    pub fn next_midnight(&self, t_ms: u64) -> u64 {
        let (day, _) = self.day_and_time(t_ms);
        (day + 1) * DAY_MS - self.offset_ms
    }

    /// The start date.
    pub fn start_date(&self) -> Date {
        self.start.date()
    }
}

/// A compiled time condition.
#[derive(Debug, Clone, PartialEq)]
pub struct Window {
    /// Weekdays (bit `d` for weekday `d`, 1 = Sunday), or every day of a date range.
    days: Days,
    /// Minutes of the day, `[start, end)`.
    start_min: u32,
    end_min: u32,
}

#[derive(Debug, Clone, PartialEq)]
enum Days {
    Weekdays(u8),
    /// Day indices since the start date, inclusive (may be negative: before the start).
    Range(i64, i64),
}

/// Why a time condition cannot be compiled into a window.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WindowError {
    /// StartTime or EndTime is not `HH:mm` within a day.
    #[error("{field} {value:?} is not a time of day HH:mm")]
    BadTime {
        /// StartTime or EndTime.
        field: &'static str,
        /// What was given.
        value: String,
    },
    /// A DayOfWeek entry is not 1..7.
    #[error("DayOfWeek {0:?} is not 1..7 (1 = Sunday)")]
    BadWeekday(String),
    /// FromDay or ToDay is missing on a Type 2 condition.
    #[error("{0} is required for Type 2")]
    MissingDay(&'static str),
    /// FromDay or ToDay is not a date.
    #[error("{field} {value:?} is not yyyy-MM-dd")]
    BadDate {
        /// FromDay or ToDay.
        field: &'static str,
        /// What was given.
        value: String,
    },
    /// Type is neither 1 nor 2.
    #[error("Type {0} is not 1 (weekdays) or 2 (dates)")]
    BadType(i64),
}

fn minutes(field: &'static str, hhmm: &str) -> Result<u32, WindowError> {
    let bad = || WindowError::BadTime {
        field,
        value: hhmm.to_string(),
    };
    let (h, m) = hhmm.split_once(':').ok_or_else(bad)?;
    let (h, m): (u32, u32) = (
        h.trim().parse().map_err(|_| bad())?,
        m.trim()
            .get(..2)
            .unwrap_or(m.trim())
            .parse()
            .map_err(|_| bad())?,
    );
    if h > 24 || m > 59 || (h == 24 && m > 0) {
        return Err(bad());
    }
    Ok(h * 60 + m)
}

impl Window {
    /// Compile a time condition for a scenario starting on `start_date`.
    pub fn compile(tc: &TimeCondition, start_date: Date) -> Result<Window, WindowError> {
        let start_min = minutes("StartTime", &tc.start_time)?;
        let end_min = minutes("EndTime", &tc.end_time)?;
        let days = match tc.kind {
            1 => {
                let mut bits = 0u8;
                for d in tc.day_of_week.as_deref().unwrap_or("").split(',') {
                    let day: u8 = d
                        .trim()
                        .parse()
                        .map_err(|_| WindowError::BadWeekday(d.to_string()))?;
                    if !(1..=7).contains(&day) {
                        return Err(WindowError::BadWeekday(d.to_string()));
                    }
                    bits |= 1 << day;
                }
                Days::Weekdays(bits)
            }
            2 => {
                let day = |s: Option<&str>, field: &'static str| -> Result<i64, WindowError> {
                    let s = s.ok_or(WindowError::MissingDay(field))?;
                    let bad = || WindowError::BadDate {
                        field,
                        value: s.to_string(),
                    };
                    let d: Date = s.parse().map_err(|_| bad())?;
                    Ok(start_date.until(d).map_err(|_| bad())?.get_days().into())
                };
                Days::Range(
                    day(tc.from_day.as_deref(), "FromDay")?,
                    day(tc.to_day.as_deref(), "ToDay")?,
                )
            }
            k => return Err(WindowError::BadType(i64::from(k))),
        };
        Ok(Window {
            days,
            start_min,
            end_min,
        })
    }

    /// Whether the moment `t_ms` of `clock` is inside the window.
    pub fn contains(&self, clock: &Clock, t_ms: u64) -> bool {
        let (day, ms) = clock.day_and_time(t_ms);
        let min = (ms / 60_000) as u32;
        if !(self.start_min <= min && min < self.end_min) {
            return false;
        }
        match self.days {
            Days::Weekdays(bits) => bits & (1 << clock.weekday(t_ms)) != 0,
            Days::Range(a, b) => (a..=b).contains(&(day as i64)),
        }
    }
}

/// When a task may place calls.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CallingHours {
    /// TimeStrategy: no call inside any of these.
    pub forbidden: Vec<Window>,
    /// AutoTaskType 1: calls only inside one of these (`None`: continuous).
    pub allowed: Option<Vec<Window>>,
}

impl CallingHours {
    /// May a call be placed at `t_ms`?
    pub fn open(&self, clock: &Clock, t_ms: u64) -> bool {
        !self.forbidden.iter().any(|w| w.contains(clock, t_ms))
            && self
                .allowed
                .as_ref()
                .is_none_or(|ws| ws.iter().any(|w| w.contains(clock, t_ms)))
    }
}

/// A wall-clock moment from a date and a time.
pub fn at(date: Date, time: Time) -> DateTime {
    date.to_datetime(time)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn tc(
        kind: u8,
        days: &str,
        from: Option<&str>,
        to: Option<&str>,
        s: &str,
        e: &str,
    ) -> TimeCondition {
        TimeCondition {
            id: 1,
            name: "w".into(),
            kind,
            day_of_week: Some(days.into()),
            from_day: from.map(Into::into),
            to_day: to.map(Into::into),
            start_time: s.into(),
            end_time: e.into(),
            priority: None,
            time_type: None,
        }
    }

    #[test]
    fn weekdays_are_one_for_sunday() {
        // 2026-01-05 is a Monday (2 on the platform's scale).
        let c = Clock::new(date(2026, 1, 5).at(9, 0, 0, 0));
        assert_eq!(c.weekday(0), 2);
        assert_eq!(c.weekday(6 * DAY_MS), 1, "the next Sunday");
        assert_eq!(c.weekday(15 * 3_600_000), 3, "Tuesday 00:00");
    }

    #[test]
    fn lunch_window_is_end_exclusive_on_weekdays_only() {
        let c = Clock::new(date(2026, 1, 5).at(9, 0, 0, 0));
        let w = Window::compile(
            &tc(1, "2,3,4,5,6", None, None, "12:00", "13:00"),
            c.start_date(),
        )
        .expect("valid");
        let h = 3_600_000;
        assert!(!w.contains(&c, 3 * h - 1), "11:59:59.999");
        assert!(w.contains(&c, 3 * h), "12:00");
        assert!(w.contains(&c, 4 * h - 1), "12:59:59.999");
        assert!(!w.contains(&c, 4 * h), "13:00 is outside");
        assert!(!w.contains(&c, 5 * DAY_MS + 3 * h), "Saturday");
    }

    #[test]
    fn date_ranges_count_from_the_start_date() {
        let c = Clock::new(date(2026, 1, 5).at(9, 0, 0, 0));
        let w = Window::compile(
            &tc(
                2,
                "",
                Some("2026-01-06"),
                Some("2026-01-06"),
                "00:00",
                "24:00",
            ),
            c.start_date(),
        )
        .expect("valid");
        assert!(!w.contains(&c, 0));
        assert!(w.contains(&c, DAY_MS));
        assert!(!w.contains(&c, 2 * DAY_MS));
        assert_eq!(c.next_midnight(0), 15 * 3_600_000);
    }
}
