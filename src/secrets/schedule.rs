//! Rotation schedules (`AutomaticallyAfterDays`, `rate(...)`, `cron(...)`,
//! `Duration`) and the work Secrets Manager does on its own as the clock
//! moves: scheduled rotations and the purge of deleted secrets.

use super::model::{RotationRules, SecretsState};
use crate::audit::AuditResource;
use crate::clock::{Timestamp, DAY_MS};
use crate::error::{AwsError, AwsResult, ErrorCode};
use crate::simulator::{Service, Simulator};
use serde_json::json;

const HOUR_MS: i64 = 3_600_000;
const MINUTE_MS: i64 = 60_000;

/// A parsed rotation schedule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Schedule {
    /// Every N milliseconds after the last rotation.
    Every(i64),
    /// A cron expression.
    Cron(Box<Cron>),
}

/// `cron(minutes hours day-of-month month day-of-week year)`, each field a set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Cron {
    minutes: Vec<bool>,
    hours: Vec<bool>,
    days: Option<Vec<bool>>,
    months: Vec<bool>,
    weekdays: Option<Vec<bool>>,
    years: Option<Vec<bool>>,
}

fn invalid(what: &str) -> AwsError {
    AwsError::new(ErrorCode::InvalidParameterException, format!("Invalid rotation schedule expression: {what}"))
}

const MONTHS: [&str; 12] = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const WEEKDAYS: [&str; 7] = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

fn value(text: &str, names: &[&str], offset: usize) -> Option<usize> {
    if let Ok(n) = text.parse::<usize>() {
        return Some(n);
    }
    names.iter().position(|n| n.eq_ignore_ascii_case(text)).map(|i| i + offset)
}

/// Parses one field into a membership table over `min..=max`; `None` for `?`.
fn field(text: &str, min: usize, max: usize, names: &[&str], offset: usize) -> AwsResult<Option<Vec<bool>>> {
    if text == "?" {
        return Ok(None);
    }
    let mut set = vec![false; max + 1];
    for part in text.split(',') {
        let (range, step) = match part.split_once('/') {
            Some((r, s)) => (r, s.parse::<usize>().ok().filter(|s| *s > 0).ok_or_else(|| invalid(text))?),
            None => (part, 1),
        };
        let (lo, hi) = if range == "*" {
            (min, max)
        } else if let Some((a, b)) = range.split_once('-') {
            (
                value(a, names, offset).ok_or_else(|| invalid(text))?,
                value(b, names, offset).ok_or_else(|| invalid(text))?,
            )
        } else {
            let v = value(range, names, offset).ok_or_else(|| invalid(text))?;
            (v, if part.contains('/') { max } else { v })
        };
        if lo < min || hi > max || lo > hi {
            return Err(invalid(text));
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
    Ok(Some(set))
}

fn member(set: &[bool], v: i64) -> bool {
    usize::try_from(v).ok().and_then(|i| set.get(i)).copied().unwrap_or(false)
}

impl Cron {
    fn parse(body: &str) -> AwsResult<Self> {
        let fields: Vec<&str> = body.split_whitespace().collect();
        let [mi, h, dom, mo, dow, y] = fields.as_slice() else {
            return Err(invalid("a cron expression has six fields"));
        };
        let all = |o: Option<Vec<bool>>| o.ok_or_else(|| invalid("? is allowed only in day-of-month or day-of-week"));
        Ok(Cron {
            minutes: all(field(mi, 0, 59, &[], 0)?)?,
            hours: all(field(h, 0, 23, &[], 0)?)?,
            days: field(dom, 1, 31, &[], 0)?,
            months: all(field(mo, 1, 12, &MONTHS, 1)?)?,
            weekdays: field(dow, 1, 7, &WEEKDAYS, 1)?,
            years: if *y == "*" { None } else { field(y, 1970, 2199, &[], 0)? },
        })
    }

    /// The first matching minute strictly after `from` (searching five years).
    fn next_after(&self, from: Timestamp) -> Option<Timestamp> {
        let first_day = from.millis().div_euclid(DAY_MS);
        for day in first_day..first_day + 5 * 366 {
            let (y, m, d) = crate::clock::civil_from_days(day);
            let weekday = (day + 4).rem_euclid(7) + 1; // 1970-01-01 was a Thursday; SUN = 1
            let day_ok = self.days.as_ref().is_none_or(|s| member(s, d))
                && self.weekdays.as_ref().is_none_or(|s| member(s, weekday))
                && member(&self.months, m)
                && self.years.as_ref().is_none_or(|s| member(s, y));
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

/// Parses and checks `RotationRules`.
pub(crate) fn parse(rules: &RotationRules) -> AwsResult<Schedule> {
    if let Some(duration) = &rules.duration {
        let hours = duration.strip_suffix('h').and_then(|h| h.parse::<i64>().ok());
        if !hours.is_some_and(|h| (1..=24).contains(&h)) {
            return Err(AwsError::new(ErrorCode::InvalidParameterException, "Duration must be between 1h and 24h."));
        }
    }
    match (&rules.automatically_after_days, &rules.schedule_expression) {
        (Some(_), Some(_)) => Err(AwsError::new(
            ErrorCode::InvalidParameterException,
            "You can't specify both AutomaticallyAfterDays and ScheduleExpression.",
        )),
        (Some(days), None) => {
            super::validate::range("rotationRules.automaticallyAfterDays", *days, 1, 1000)?;
            Ok(Schedule::Every(days * DAY_MS))
        }
        (None, Some(expr)) => {
            if let Some(body) = expr.strip_prefix("rate(").and_then(|r| r.strip_suffix(')')) {
                let (n, unit) = body.trim().split_once(' ').ok_or_else(|| invalid(expr))?;
                let n: i64 = n.parse().map_err(|_| invalid(expr))?;
                return match unit {
                    "day" | "days" if (1..=1000).contains(&n) => Ok(Schedule::Every(n * DAY_MS)),
                    "hour" | "hours" if (4..=24 * 1000).contains(&n) => Ok(Schedule::Every(n * HOUR_MS)),
                    _ => Err(invalid(expr)),
                };
            }
            if let Some(body) = expr.strip_prefix("cron(").and_then(|r| r.strip_suffix(')')) {
                return Ok(Schedule::Cron(Box::new(Cron::parse(body)?)));
            }
            Err(invalid(expr))
        }
        (None, None) => Err(AwsError::new(
            ErrorCode::InvalidParameterException,
            "RotationRules needs AutomaticallyAfterDays or ScheduleExpression.",
        )),
    }
}

/// When the next rotation after one at `last` is due (the start of its window).
pub(crate) fn next_rotation(rules: &RotationRules, last: Timestamp) -> Option<Timestamp> {
    match parse(rules).ok()? {
        Schedule::Every(ms) => Some(last.plus_millis(ms)),
        Schedule::Cron(cron) => cron.next_after(last),
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
                    arn: arn.clone(),
                    account_id: secret.account.clone(),
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

    #[test]
    fn a_huge_step_selects_only_the_start() {
        let cron = Cron::parse("1/18446744073709551615 * * * ? *").unwrap();
        assert_eq!(cron.minutes.iter().filter(|m| **m).count(), 1);
        assert!(cron.minutes[1]);
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
