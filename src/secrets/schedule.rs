//! Rotation schedules (`AutomaticallyAfterDays`, `rate(...)`, `cron(...)`,
//! `Duration`) and the work Secrets Manager does on its own as the clock
//! moves: scheduled rotations and the purge of deleted secrets.
//!
//! As AWS documents ("Rotation schedules" in the Secrets Manager user guide,
//! `RotationRulesType` in the API reference), a schedule opens rotation
//! windows, always on the hour and in UTC: at midnight for a schedule in days
//! (`AutomaticallyAfterDays`, `rate(N days)`, counted from the last rotation),
//! at midnight and every N hours that day for `rate(N hours)`, at the cron
//! times for `cron(...)`. A window lasts `Duration` (`1h`–`24h`), by default an
//! hour for a schedule in hours and the rest of the UTC day for one in days,
//! and must close before the next window opens and by midnight.
//! AWS rotates at any time in the window; kmsim rotates at its start (so a
//! virtual clock always sees the same run), and reports the window's last
//! second as `NextRotationDate`, "the latest date that rotation will occur".
//!
//! `cron(minutes hours day-of-month month day-of-week year)`, in UTC:
//! - minutes must select only `0` (windows open on the hour);
//! - minutes, hours, month and year take numbers, `*`, lists (`1,15`), ranges
//!   (`1-5`) and increments (`0/6`, `*/6`, `8-20/4`); months also `JAN`–`DEC`;
//!   years `1970`–`2199` (the year field `*` means every year);
//! - day-of-month and day-of-week: exactly one of them is `?` (AWS refuses
//!   values, `*` included, in both, and so does kmsim; both `?` too);
//! - day-of-month: `1`–`31` with `*`, lists, ranges, increments (a month
//!   without the day has no run), or, as the whole field, `L` (the last day
//!   of the month);
//! - day-of-week: `1`–`7` with SUN = 1 (or `SUN`–`SAT`) with `*`, lists,
//!   ranges, increments, or, as the whole field, `L` (the last day of the
//!   week, Saturday), `nL` (the month's last day n: `6L`, `FRIL`), `n#k` (the
//!   k-th day n of the month, k `1`–`5`: `6#3`, `FRI#3`; a month without a
//!   fifth one has no run on `n#5`).
//!
//! Anything else (`L` or `#` in a list or range, `L-3`, `8#1`, `1#6`, `L` or
//! `W` outside the day fields, `?` outside them, a sign on a number) is
//! refused with `InvalidParameterException`. So is `W` (nearest weekday):
//! EventBridge's cron has it, but the Secrets Manager user guide lists only
//! `, - * ? / L` for day-of-month and `# , - * ? / L` for day-of-week.

use super::model::{RotationRules, SecretsState};
use crate::audit::AuditResource;
use crate::clock::{Timestamp, DAY_MS};
use crate::error::{AwsError, AwsResult, ErrorCode};
use crate::simulator::{Service, Simulator};
use serde_json::json;

const HOUR_MS: i64 = 3_600_000;
const MINUTE_MS: i64 = 60_000;

/// What a rotation schedule repeats on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Schedule {
    /// Every N days (`AutomaticallyAfterDays`, `rate(N days)`): windows open
    /// at midnight UTC.
    Days(i64),
    /// Every N hours (`rate(N hours)`): windows open at midnight UTC and every
    /// N hours after it that same day (like a cron hour increment, the grid
    /// starts again each day).
    Hours(i64),
    /// A cron expression: windows open at its (on-the-hour) times.
    Cron(Box<Cron>),
}

/// Parsed `RotationRules`: when windows open, and how long they stay open.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Rules {
    schedule: Schedule,
    /// The window's length: `Duration`, else AWS's default (an hour for a
    /// schedule in hours, the rest of the UTC day for one in days).
    window_ms: i64,
}

/// `cron(minutes hours day-of-month month day-of-week year)`. Minutes, hours,
/// months and years are sets; the two day fields have their own special forms
/// (one of them is always `?`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Cron {
    minutes: Vec<bool>,
    hours: Vec<bool>,
    days: MonthDays,
    months: Vec<bool>,
    weekdays: WeekDays,
    years: Option<Vec<bool>>,
}

/// The day-of-month field.
#[derive(Clone, Debug, PartialEq, Eq)]
enum MonthDays {
    /// `?`: the day-of-week field decides.
    Any,
    /// Days by number (`*`, lists, ranges, increments); a month without one
    /// of them (the 31st in April) has no run on it.
    Set(Vec<bool>),
    /// `L`: the month's last day.
    Last,
}

/// The day-of-week field, SUN = 1 … SAT = 7.
#[derive(Clone, Debug, PartialEq, Eq)]
enum WeekDays {
    /// `?`: the day-of-month field decides.
    Any,
    /// Days of the week (`*`, names, lists, ranges, increments; `L` alone is
    /// the week's last day, Saturday).
    Set(Vec<bool>),
    /// `nL`: the month's last day-of-week n (`6L`, `FRIL`: its last Friday).
    Last(i64),
    /// `n#k`: the month's k-th day-of-week n (`6#3`: its third Friday).
    Nth(i64, i64),
}

fn invalid(what: &str) -> AwsError {
    AwsError::new(ErrorCode::InvalidParameterException, format!("Invalid rotation schedule expression: {what}"))
}

const MONTHS: [&str; 12] = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const WEEKDAYS: [&str; 7] = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

/// A plain decimal number (no sign, no spaces: `str::parse` alone takes `+5`).
fn number(text: &str) -> Option<usize> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

fn value(text: &str, names: &[&str], offset: usize) -> Option<usize> {
    number(text).or_else(|| names.iter().position(|n| n.eq_ignore_ascii_case(text)).map(|i| i + offset))
}

/// `text` without a final `c` (either case).
fn strip_suffix_ci(text: &str, c: u8) -> Option<&str> {
    match text.as_bytes().last() {
        Some(last) if last.eq_ignore_ascii_case(&c) => text.get(..text.len() - 1),
        _ => None,
    }
}

/// Parses one field of values, names, `*`, lists, ranges and increments into
/// a membership table over `min..=max`. The special characters (`?`, `L`,
/// `W`, `#`) are the day fields' business: they are refused here by name.
fn field(text: &str, name: &str, min: usize, max: usize, names: &[&str], offset: usize) -> AwsResult<Vec<bool>> {
    let bad = || invalid(&format!("`{text}` is not a valid {name} field"));
    if text.contains('?') {
        return Err(invalid(&if name.starts_with("day-") {
            format!("`{text}`: ? must be the whole {name} field")
        } else {
            format!("? is allowed only in day-of-month or day-of-week, not in the {name} field")
        }));
    }
    if text.contains('#') {
        return Err(invalid(&format!("# is allowed only in day-of-week, not in the {name} field")));
    }
    // Month and day names hold letters (JUL, WED): only fields without names
    // can blame a stray L or W.
    if names.is_empty() && text.bytes().any(|b| matches!(b.to_ascii_uppercase(), b'L' | b'W')) {
        return Err(invalid(&format!(
            "`{text}` in the {name} field: L is allowed only in day-of-month (L) and day-of-week (L, nL)"
        )));
    }
    let mut set = vec![false; max + 1];
    for part in text.split(',') {
        let (range, step) = match part.split_once('/') {
            Some((r, s)) => (r, number(s).filter(|s| *s > 0).ok_or_else(bad)?),
            None => (part, 1),
        };
        let (lo, hi) = if range == "*" {
            (min, max)
        } else if let Some((a, b)) = range.split_once('-') {
            (value(a, names, offset).ok_or_else(bad)?, value(b, names, offset).ok_or_else(bad)?)
        } else {
            let v = value(range, names, offset).ok_or_else(bad)?;
            (v, if part.contains('/') { max } else { v })
        };
        if lo < min || hi > max || lo > hi {
            return Err(bad());
        }
        let mut v = lo;
        while v <= hi {
            if let Some(slot) = set.get_mut(v) {
                *slot = true;
            }
            // A huge step (`1/18446744073709551615`) ends the walk instead of overflowing.
            match v.checked_add(step) {
                Some(next) => v = next,
                None => break,
            }
        }
    }
    Ok(set)
}

/// The day-of-month field: `?`, `L`, or a set of days. `L` stands alone
/// (`1,L` and `L-2` are refused), and `W` is refused outright.
fn month_days(text: &str) -> AwsResult<MonthDays> {
    if text == "?" {
        return Ok(MonthDays::Any);
    }
    if text.eq_ignore_ascii_case("L") {
        return Ok(MonthDays::Last);
    }
    if text.bytes().any(|b| b.eq_ignore_ascii_case(&b'W')) {
        return Err(invalid(&format!(
            "`{text}`: W (nearest weekday) is not supported by Secrets Manager rotation schedules; day-of-month takes , - * ? / L"
        )));
    }
    if text.bytes().any(|b| b.eq_ignore_ascii_case(&b'L')) {
        return Err(invalid(&format!("`{text}`: L must be the whole day-of-month field")));
    }
    field(text, "day-of-month", 1, 31, &[], 0).map(MonthDays::Set)
}

/// A day of the week, 1–7 or SUN–SAT.
fn weekday(text: &str) -> Option<i64> {
    value(text, &WEEKDAYS, 1).filter(|d| (1..=7).contains(d)).and_then(|d| i64::try_from(d).ok())
}

/// The day-of-week field: `?`, `L` (Saturday), `nL`, `n#k`, or a set of days.
/// `nL` and `n#k` stand alone (`2#1,6#3` and `1-5L` are refused).
fn week_days(text: &str) -> AwsResult<WeekDays> {
    if text == "?" {
        return Ok(WeekDays::Any);
    }
    if text.eq_ignore_ascii_case("L") {
        let mut saturday = vec![false; 8];
        if let Some(slot) = saturday.get_mut(7) {
            *slot = true;
        }
        return Ok(WeekDays::Set(saturday));
    }
    if let Some((day, nth)) = text.split_once('#') {
        let day = weekday(day);
        let nth = number(nth).filter(|k| (1..=5).contains(k)).and_then(|k| i64::try_from(k).ok());
        return match (day, nth) {
            (Some(day), Some(nth)) => Ok(WeekDays::Nth(day, nth)),
            _ => Err(invalid(&format!(
                "`{text}`: # takes one day of the week (1-7 or SUN-SAT) and an occurrence 1 to 5, as in 6#3, as the whole day-of-week field"
            ))),
        };
    }
    if let Some(day) = strip_suffix_ci(text, b'L') {
        return weekday(day).map(WeekDays::Last).ok_or_else(|| {
            invalid(&format!(
                "`{text}`: L takes a single day of the week (1-7 or SUN-SAT, as in 6L) as the whole day-of-week field"
            ))
        });
    }
    // No day name holds an L: any left is misplaced.
    if text.bytes().any(|b| b.eq_ignore_ascii_case(&b'L')) {
        return Err(invalid(&format!("`{text}`: L and nL must be the whole day-of-week field")));
    }
    field(text, "day-of-week", 1, 7, &WEEKDAYS, 1).map(WeekDays::Set)
}

fn member(set: &[bool], v: i64) -> bool {
    usize::try_from(v).ok().and_then(|i| set.get(i)).copied().unwrap_or(false)
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

impl MonthDays {
    /// Whether day `d` of a month of `last` days matches.
    fn matches(&self, d: i64, last: i64) -> bool {
        match self {
            MonthDays::Any => true,
            MonthDays::Set(set) => member(set, d),
            MonthDays::Last => d == last,
        }
    }
}

impl WeekDays {
    /// Whether day `d` (a `weekday`, SUN = 1) of a month of `last` days matches.
    fn matches(&self, d: i64, weekday: i64, last: i64) -> bool {
        match self {
            WeekDays::Any => true,
            WeekDays::Set(set) => member(set, weekday),
            WeekDays::Last(w) => weekday == *w && d + 7 > last,
            WeekDays::Nth(w, k) => weekday == *w && (d - 1) / 7 + 1 == *k,
        }
    }
}

impl Cron {
    fn parse(body: &str) -> AwsResult<Self> {
        let fields: Vec<&str> = body.split_whitespace().collect();
        let [mi, h, dom, mo, dow, y] = fields.as_slice() else {
            return Err(invalid("a cron expression has six fields"));
        };
        let days = month_days(dom)?;
        let weekdays = week_days(dow)?;
        match (&days, &weekdays) {
            (MonthDays::Any, WeekDays::Any) => {
                return Err(invalid("day-of-month and day-of-week can't both be ?: one of them needs a value"))
            }
            (MonthDays::Any, _) | (_, WeekDays::Any) => {}
            _ => return Err(invalid("you can't specify both day-of-month and day-of-week: use ? in one of them")),
        }
        Ok(Cron {
            minutes: field(mi, "minutes", 0, 59, &[], 0)?,
            hours: field(h, "hours", 0, 23, &[], 0)?,
            days,
            months: field(mo, "month", 1, 12, &MONTHS, 1)?,
            weekdays,
            years: if *y == "*" { None } else { Some(field(y, "year", 1970, 2199, &[], 0)?) },
        })
    }

    /// The first matching minute strictly after `from` (searching five years).
    fn next_after(&self, from: Timestamp) -> Option<Timestamp> {
        let first_day = from.millis().div_euclid(DAY_MS);
        for day in first_day..first_day + 5 * 366 {
            let (y, m, d) = crate::clock::civil_from_days(day);
            let weekday = (day + 4).rem_euclid(7) + 1; // 1970-01-01 was a Thursday; SUN = 1
            let last = days_in_month(y, m);
            let day_ok = member(&self.months, m)
                && self.years.as_ref().is_none_or(|s| member(s, y))
                && self.days.matches(d, last)
                && self.weekdays.matches(d, weekday, last);
            if !day_ok {
                continue;
            }
            for h in 0..24 {
                if !member(&self.hours, h) {
                    continue;
                }
                for mi in 0..60 {
                    let t = day * DAY_MS + h * HOUR_MS + mi * MINUTE_MS;
                    if member(&self.minutes, mi) && t > from.millis() {
                        return Some(Timestamp(t));
                    }
                }
            }
        }
        None
    }
}

fn window_error() -> AwsError {
    AwsError::new(
        ErrorCode::InvalidParameterException,
        "The rotation window (Duration) must not extend into the next rotation window or the next UTC day.",
    )
}

/// `Duration`: `1h` to `24h` (length 2–3, pattern `[0-9h]+`).
fn duration_hours(duration: &str) -> AwsResult<i64> {
    super::validate::length("rotationRules.duration", duration, 2, 3)?;
    let hours = duration.strip_suffix('h').filter(|h| h.bytes().all(|b| b.is_ascii_digit()));
    match hours.and_then(|h| h.parse::<i64>().ok()) {
        Some(h) if (1..=24).contains(&h) => Ok(h),
        _ => Err(AwsError::new(ErrorCode::InvalidParameterException, "Duration must be between 1h and 24h.")),
    }
}

fn schedule_of(rules: &RotationRules) -> AwsResult<Schedule> {
    match (&rules.automatically_after_days, &rules.schedule_expression) {
        (Some(_), Some(_)) => Err(AwsError::new(
            ErrorCode::InvalidParameterException,
            "You can't specify both AutomaticallyAfterDays and ScheduleExpression.",
        )),
        (Some(days), None) => {
            super::validate::range("rotationRules.automaticallyAfterDays", *days, 1, 1000)?;
            Ok(Schedule::Days(*days))
        }
        (None, Some(expr)) => {
            if let Some(body) = expr.strip_prefix("rate(").and_then(|r| r.strip_suffix(')')) {
                let (n, unit) = body.trim().split_once(' ').ok_or_else(|| invalid(expr))?;
                let n: i64 = n.parse().map_err(|_| invalid(expr))?;
                return match unit {
                    "day" | "days" if (1..=1000).contains(&n) => Ok(Schedule::Days(n)),
                    "hour" | "hours" if (4..=24 * 1000).contains(&n) => Ok(Schedule::Hours(n)),
                    _ => Err(invalid(expr)),
                };
            }
            if let Some(body) = expr.strip_prefix("cron(").and_then(|r| r.strip_suffix(')')) {
                let cron = Cron::parse(body)?;
                // Rotation windows open on the hour.
                if cron.minutes.iter().enumerate().any(|(minute, on)| *on && minute != 0) {
                    return Err(invalid("the minutes field must be 0 (rotation windows start on the hour)"));
                }
                return Ok(Schedule::Cron(Box::new(cron)));
            }
            Err(invalid(expr))
        }
        (None, None) => Err(AwsError::new(
            ErrorCode::InvalidParameterException,
            "RotationRules needs AutomaticallyAfterDays or ScheduleExpression.",
        )),
    }
}

impl Schedule {
    /// The hours of the UTC day at which windows can open, in order.
    fn start_hours(&self) -> Vec<i64> {
        match self {
            Schedule::Days(_) => vec![0],
            Schedule::Hours(n) if *n < 24 => (0..24).step_by(usize::try_from(*n).unwrap_or(24)).collect(),
            Schedule::Hours(_) => vec![0],
            Schedule::Cron(cron) => (0..24).filter(|h| member(&cron.hours, *h)).collect(),
        }
    }

    /// Whether it is "a schedule in hours" (several windows a day, or a rate
    /// in hours), whose default window is an hour, rather than one in days.
    fn in_hours(&self) -> bool {
        match self {
            Schedule::Days(_) => false,
            Schedule::Hours(_) => true,
            Schedule::Cron(_) => self.start_hours().len() > 1,
        }
    }
}

/// Parses and checks `RotationRules`: the schedule, and the window against it.
/// As AWS documents, a window must not run into the next window nor into the
/// next UTC day; without `Duration` it lasts an hour for a schedule in hours
/// and until the end of the UTC day for one in days.
pub(crate) fn parse(rules: &RotationRules) -> AwsResult<Rules> {
    let duration = rules.duration.as_deref().map(duration_hours).transpose()?;
    let schedule = schedule_of(rules)?;
    let starts = schedule.start_hours();
    let first = starts.first().copied().unwrap_or(0);
    let hours = duration.unwrap_or(if schedule.in_hours() { 1 } else { 24 - first });
    // Each window must close by the next one's start, and the last by midnight.
    let next_starts = starts.iter().skip(1).copied().chain(std::iter::once(24));
    if starts.iter().zip(next_starts).any(|(start, next)| start + hours > next) {
        return Err(window_error());
    }
    Ok(Rules { schedule, window_ms: hours * HOUR_MS })
}

impl Rules {
    /// When the first window after `after` opens (strictly later).
    pub(crate) fn next_window(&self, after: Timestamp) -> Option<Timestamp> {
        let midnight = after.millis().div_euclid(DAY_MS) * DAY_MS;
        match &self.schedule {
            Schedule::Days(n) => Some(Timestamp(midnight + n * DAY_MS)),
            Schedule::Hours(n) if *n < 24 => Some(Timestamp(
                (0..24)
                    .step_by(usize::try_from(*n).unwrap_or(24))
                    .map(|h| midnight + h * HOUR_MS)
                    .find(|t| *t > after.millis())
                    .unwrap_or(midnight + DAY_MS),
            )),
            Schedule::Hours(n) => Some(Timestamp(midnight + n * HOUR_MS)),
            Schedule::Cron(cron) => cron.next_after(after),
        }
    }

    /// `NextRotationDate` for the window opening at `start`: its last second,
    /// since AWS reports "the latest date that rotation will occur" (a day
    /// window opening at midnight shows 23:59:59).
    pub(crate) fn reported_date(&self, start: Timestamp) -> Timestamp {
        Timestamp(start.millis() + self.window_ms - 1000)
    }
}

/// When the next rotation after one (or a schedule change) at `last` is due:
/// the start of the next window. kmsim rotates at the very start of each
/// window, a documented and deterministic point of the span in which AWS
/// rotates "at any time"; [`Rules::reported_date`] gives the window's end.
pub(crate) fn next_rotation(rules: &RotationRules, last: Timestamp) -> Option<Timestamp> {
    parse(rules).ok()?.next_window(last)
}

/// `NextRotationDate` as DescribeSecret reports it for a secret whose next
/// window opens at `start` (the window's last second).
pub(crate) fn reported_next_rotation(rules: Option<&RotationRules>, start: Timestamp) -> Timestamp {
    match rules.map(parse) {
        Some(Ok(rules)) => rules.reported_date(start),
        _ => start,
    }
}

/// With `AutomaticallyAfterDays`, AWS counts a manual update of the value
/// (PutSecretValue or UpdateSecret moving AWSCURRENT) as a rotation: the next
/// one is scheduled from it.
pub(crate) fn manual_update(secret: &mut super::model::Secret, now: Timestamp) {
    let Some(rules) = secret.rotation_rules.as_ref().filter(|r| r.automatically_after_days.is_some()) else {
        return;
    };
    if secret.rotation_enabled {
        secret.next_rotation = next_rotation(rules, now);
    }
}

/// Work Secrets Manager does on its own.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum SecretsDue {
    /// The recovery window ended: purge.
    Purge { arn: String, at: Timestamp },
    /// A scheduled rotation.
    Rotate { arn: String, at: Timestamp },
}

impl SecretsDue {
    /// When it is due.
    pub(crate) fn at(&self) -> Timestamp {
        match self {
            SecretsDue::Purge { at, .. } | SecretsDue::Rotate { at, .. } => *at,
        }
    }
}

impl SecretsState {
    /// The earliest work due at or before `until`.
    pub(crate) fn next_due(&self, until: Timestamp) -> Option<SecretsDue> {
        let mut best: Option<SecretsDue> = None;
        let mut consider = |work: SecretsDue| {
            if work.at() <= until && best.as_ref().is_none_or(|b| work.at() < b.at()) {
                best = Some(work);
            }
        };
        for s in self.secrets.values() {
            if let Some(at) = s.deletion_date {
                consider(SecretsDue::Purge { arn: s.arn.clone(), at });
            } else if s.rotation_enabled && s.primary_region.is_none() {
                if let Some(at) = s.next_rotation {
                    consider(SecretsDue::Rotate { arn: s.arn.clone(), at });
                }
            }
        }
        best
    }
}

impl Simulator {
    /// Runs one piece of due Secrets Manager work at the time it was due.
    pub(crate) fn secrets_run_due(&mut self, work: SecretsDue) {
        if work.at() > self.now() {
            self.clock.set(work.at());
        }
        match work {
            SecretsDue::Purge { arn, at } => {
                let Some(secret) = self.secrets.secrets.remove(&arn) else { return };
                let resource = AuditResource {
                    arn: arn.as_str().into(),
                    account_id: secret.account.as_str().into(),
                    resource_type: super::access::RESOURCE_TYPE.into(),
                };
                self.record_service_event(
                    Service::SecretsManager,
                    "DeleteSecret",
                    at,
                    &secret.region,
                    resource,
                    json!({ "secretId": arn }),
                );
            }
            SecretsDue::Rotate { arn, at } => {
                let Some(secret) = self.secrets.secrets.get_mut(&arn) else { return };
                // Schedule the next one first, so the rotation cannot fire twice.
                secret.next_rotation = secret.rotation_rules.as_ref().and_then(|r| next_rotation(r, at));
                let token = secret.unfinished_rotation().map(|v| v.id.clone());
                let token = match token {
                    Some(t) => t,
                    None => match self.random_uuid() {
                        Ok(t) => t,
                        Err(_) => return,
                    },
                };
                let _ = super::rotation::rotate(self, &arn, &token, false);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cron_finds_the_next_matching_minute() {
        let cron = Cron::parse("0 16 1,15 * ? *").unwrap();
        // 2025-01-01T00:00Z → 2025-01-01T16:00Z
        let next = cron.next_after(Timestamp::DEFAULT_START).unwrap();
        assert_eq!(next.to_iso8601(), "2025-01-01T16:00:00Z");
        let after = cron.next_after(next).unwrap();
        assert_eq!(after.to_iso8601(), "2025-01-15T16:00:00Z");
        // Every Monday at 08:30 (SUN = 1, so MON = 2). 2025-01-06 was a Monday.
        let mondays = Cron::parse("30 8 ? * MON *").unwrap();
        assert_eq!(mondays.next_after(Timestamp::DEFAULT_START).unwrap().to_iso8601(), "2025-01-06T08:30:00Z");
        assert!(Cron::parse("0 16 * *").is_err());
        assert!(Cron::parse("61 16 ? * * *").is_err());
    }

    /// The runs of `expr` after `from`, in order.
    fn runs(expr: &str, from: &str, count: usize) -> Vec<String> {
        let cron = Cron::parse(expr).unwrap_or_else(|e| panic!("{expr}: {}", e.message));
        let mut t = at(from);
        let mut out = Vec::new();
        for _ in 0..count {
            t = cron.next_after(t).unwrap();
            out.push(t.to_iso8601());
        }
        out
    }

    #[test]
    fn cron_l_in_day_of_month_is_the_last_day_in_leap_and_common_years() {
        assert_eq!(
            runs("0 8 L * ? *", "2024-02-01T00:00:00Z", 3),
            ["2024-02-29T08:00:00Z", "2024-03-31T08:00:00Z", "2024-04-30T08:00:00Z"]
        );
        assert_eq!(runs("0 8 L * ? *", "2025-02-01T00:00:00Z", 2), ["2025-02-28T08:00:00Z", "2025-03-31T08:00:00Z"]);
        // 2100 is not a leap year; 2000 was.
        assert_eq!(runs("0 8 L FEB ? *", "2099-12-31T00:00:00Z", 1), ["2100-02-28T08:00:00Z"]);
        assert_eq!(runs("0 8 l 2 ? *", "2000-01-01T00:00:00Z", 1), ["2000-02-29T08:00:00Z"]);
        // Strictly after: from the run itself, the next month's.
        assert_eq!(runs("0 8 L * ? *", "2024-02-29T08:00:00Z", 1), ["2024-03-31T08:00:00Z"]);
    }

    #[test]
    fn cron_hash_is_the_kth_weekday_of_the_month() {
        // Third Friday (FRI = 6): January 2025 has Fridays 3, 10, 17, …
        let third_fridays = ["2025-01-17T00:00:00Z", "2025-02-21T00:00:00Z", "2025-03-21T00:00:00Z"];
        assert_eq!(runs("0 0 ? * 6#3 *", "2025-01-01T00:00:00Z", 3), third_fridays);
        assert_eq!(runs("0 0 ? * FRI#3 *", "2025-01-01T00:00:00Z", 3), third_fridays);
        assert_eq!(runs("0 0 ? * SUN#1 *", "2025-01-01T00:00:00Z", 1), ["2025-01-05T00:00:00Z"]);
        // A fifth Monday: only March, June, September and December 2025 have one.
        assert_eq!(
            runs("0 0 ? * 2#5 *", "2025-01-01T00:00:00Z", 4),
            ["2025-03-31T00:00:00Z", "2025-06-30T00:00:00Z", "2025-09-29T00:00:00Z", "2025-12-29T00:00:00Z"]
        );
    }

    #[test]
    fn cron_l_in_day_of_week_is_the_last_such_day_or_saturday() {
        // Last Friday: January 31st and February 28th 2025.
        let last_fridays = ["2025-01-31T10:00:00Z", "2025-02-28T10:00:00Z", "2025-03-28T10:00:00Z"];
        assert_eq!(runs("0 10 ? * 6L *", "2025-01-01T00:00:00Z", 3), last_fridays);
        assert_eq!(runs("0 10 ? * FRIL *", "2025-01-01T00:00:00Z", 3), last_fridays);
        assert_eq!(runs("0 10 ? * 2L *", "2025-01-01T00:00:00Z", 1), ["2025-01-27T10:00:00Z"]);
        // `L` alone is the week's last day, Saturday (7): 2025-01-01 was a Wednesday.
        assert_eq!(runs("0 0 ? * L *", "2025-01-01T00:00:00Z", 2), ["2025-01-04T00:00:00Z", "2025-01-11T00:00:00Z"]);
    }

    #[test]
    fn cron_w_is_refused_as_secrets_manager_documents_no_w() {
        for expr in ["0 0 1W * ? *", "0 0 LW * ? *", "0 0 15w * ? *"] {
            let err = Cron::parse(expr).unwrap_err();
            assert!(err.message.contains("W (nearest weekday) is not supported"), "{expr}: {}", err.message);
        }
    }

    #[test]
    fn cron_refuses_what_it_does_not_support() {
        for bad in [
            "0 0 L,15 * ? *",     // L with a list
            "0 0 1,L * ? *",      //
            "0 0 L-3 * ? *",      // offsets from L are not AWS syntax
            "0 0 1-5W * ? *",     // W takes a single day
            "0 0 W * ? *",        //
            "0 0 32W * ? *",      //
            "0 0 1L * ? *",       // nL is for day-of-week
            "0 0 1#2 * ? *",      // # is for day-of-week
            "0 0 ? * 8#1 *",      // no eighth day of the week
            "0 0 ? * 0#1 *",      //
            "0 0 ? * 1#6 *",      // no sixth Sunday
            "0 0 ? * 1#0 *",      //
            "0 0 ? * 2#1,6#3 *",  // one # expression only
            "0 0 ? * 2#1#2 *",    //
            "0 0 ? * MON-FRIL *", // nL takes a single day
            "0 0 ? * 1,L *",      //
            "0 0 ? * 8L *",       //
            "0 0 ? * 3W *",       // W is for day-of-month
            "0 L * * ? *",        // L in hours
            "L 0 * * ? *",        // L in minutes
            "0 0 * L ? *",        // L in month
            "0 0 * * ? L",        // L in year
            "0 0 * * ? ?",        // ? in year
            "0 ? * * ? *",        // ? in hours
            "0 0 ? * ? *",        // both day fields ?
            "0 0 * * * *",        // both day fields given
            "0 0 1 * MON *",      //
            "0 +4 * * ? *",       // a sign on a number
            "0 0 1/+2 * ? *",     //
        ] {
            let err = Cron::parse(bad).err().unwrap_or_else(|| panic!("{bad} was accepted"));
            assert_eq!(err.code, ErrorCode::InvalidParameterException, "{bad}");
            assert!(err.message.starts_with("Invalid rotation schedule expression: "), "{bad}: {}", err.message);
        }
        // Through RotationRules too.
        let e = parse(&rules(Some("cron(0 L * * ? *)"), None, None)).unwrap_err();
        assert!(e.message.contains("hours"), "{}", e.message);
        let e = parse(&rules(Some("cron(0 0 ? * 8#1 *)"), None, None)).unwrap_err();
        assert!(e.message.contains("8#1"), "{}", e.message);
    }

    #[test]
    fn a_huge_step_selects_only_the_start() {
        let cron = Cron::parse("1/18446744073709551615 * * * ? *").unwrap();
        assert_eq!(cron.minutes.iter().filter(|m| **m).count(), 1);
        assert!(cron.minutes[1]);
    }

    fn rules(expr: Option<&str>, days: Option<i64>, duration: Option<&str>) -> RotationRules {
        RotationRules {
            schedule_expression: expr.map(String::from),
            automatically_after_days: days,
            duration: duration.map(String::from),
        }
    }

    fn at(iso: &str) -> Timestamp {
        Timestamp::parse_iso8601(iso).unwrap()
    }

    #[test]
    fn windows_default_by_schedule_unit_and_report_their_last_second() {
        let cases = [
            // (rules, after, window opens, NextRotationDate)
            (rules(None, Some(2), None), "2025-03-04T15:30:00Z", "2025-03-06T00:00:00Z", "2025-03-06T23:59:59Z"),
            (
                rules(Some("rate(3 days)"), None, Some("6h")),
                "2025-03-04T00:00:00Z",
                "2025-03-07T00:00:00Z",
                "2025-03-07T05:59:59Z",
            ),
            (
                rules(Some("rate(8 hours)"), None, None),
                "2025-03-04T08:00:00Z",
                "2025-03-04T16:00:00Z",
                "2025-03-04T16:59:59Z",
            ),
            (
                rules(Some("rate(8 hours)"), None, None),
                "2025-03-04T16:00:00Z",
                "2025-03-05T00:00:00Z",
                "2025-03-05T00:59:59Z",
            ),
            (
                rules(Some("rate(7 hours)"), None, Some("3h")),
                "2025-03-04T21:00:00Z",
                "2025-03-05T00:00:00Z",
                "2025-03-05T02:59:59Z",
            ),
            (
                rules(Some("rate(30 hours)"), None, None),
                "2025-03-04T10:00:00Z",
                "2025-03-05T06:00:00Z",
                "2025-03-05T06:59:59Z",
            ),
            (
                rules(Some("cron(0 9 ? * MON *)"), None, None),
                "2025-03-04T00:00:00Z",
                "2025-03-10T09:00:00Z",
                "2025-03-10T23:59:59Z",
            ),
            (
                rules(Some("cron(0 0/6 * * ? *)"), None, None),
                "2025-03-04T06:00:00Z",
                "2025-03-04T12:00:00Z",
                "2025-03-04T12:59:59Z",
            ),
        ];
        for (rules, after, opens, reported) in cases {
            let parsed = parse(&rules).unwrap();
            let start = parsed.next_window(at(after)).unwrap();
            assert_eq!(start.to_iso8601(), opens, "{rules:?}");
            assert_eq!(parsed.reported_date(start).to_iso8601(), reported, "{rules:?}");
            assert_eq!(reported_next_rotation(Some(&rules), start).to_iso8601(), reported);
        }
    }

    #[test]
    fn windows_must_fit_before_the_next_one_and_midnight() {
        let ok = |expr: &str, duration: &str| parse(&rules(Some(expr), None, Some(duration))).is_ok();
        assert!(ok("rate(6 hours)", "6h") && !ok("rate(6 hours)", "7h"));
        assert!(ok("rate(7 hours)", "3h") && !ok("rate(7 hours)", "4h"), "21:00 + 4h crosses midnight");
        assert!(ok("rate(2 days)", "24h") && ok("rate(48 hours)", "24h"));
        assert!(ok("cron(0 20 * * ? *)", "4h") && !ok("cron(0 20 * * ? *)", "5h"));
        assert!(ok("cron(0 1,5 * * ? *)", "4h") && !ok("cron(0 1,5 * * ? *)", "5h"));
        assert!(parse(&rules(Some("cron(15 1 * * ? *)"), None, None)).is_err(), "windows open on the hour");
        for bad in ["0h", "25h", "1", "1d", "h1", "-1h"] {
            assert!(parse(&rules(None, Some(1), Some(bad))).is_err(), "{bad}");
        }
    }

    #[test]
    fn rates_and_days() {
        let r = RotationRules { schedule_expression: Some("rate(10 days)".into()), ..Default::default() };
        assert_eq!(next_rotation(&r, Timestamp(0)), Some(Timestamp(10 * DAY_MS)));
        let r = RotationRules { schedule_expression: Some("rate(4 hours)".into()), ..Default::default() };
        assert_eq!(next_rotation(&r, Timestamp(0)), Some(Timestamp(4 * HOUR_MS)));
        let r = RotationRules { schedule_expression: Some("rate(3 hours)".into()), ..Default::default() };
        assert!(parse(&r).is_err());
        let r = RotationRules { automatically_after_days: Some(0), ..Default::default() };
        assert!(parse(&r).is_err());
    }
}
