//! The virtual clock.
//!
//! Nothing in kmsim reads the system time except [`SystemTimeSource`], the
//! default *source* of a live clock on native targets (it would panic on
//! wasm32, where the binding layer supplies `Date.now()` instead). A frozen
//! clock — the default for seeded, deterministic labs — only moves when told.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Milliseconds since the Unix epoch, UTC.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Timestamp(pub i64);

/// One day in milliseconds.
pub const DAY_MS: i64 = 86_400_000;

impl Timestamp {
    /// 2025-01-01T00:00:00Z: where a frozen clock starts unless told otherwise.
    pub const DEFAULT_START: Timestamp = Timestamp(1_735_689_600_000);

    /// 9999-12-31T23:59:59.999Z: the last instant with a four-digit year, the
    /// latest that ISO-8601 text (and so a snapshot) can name and read back.
    pub const LATEST: Timestamp = Timestamp(253_402_300_799_999);

    /// From milliseconds since the epoch.
    pub fn from_millis(ms: i64) -> Self {
        Timestamp(ms)
    }

    /// Milliseconds since the epoch.
    pub fn millis(self) -> i64 {
        self.0
    }

    /// Seconds since the epoch, as the AWS JSON protocols send timestamps.
    pub fn epoch_seconds(self) -> f64 {
        self.0 as f64 / 1000.0
    }

    /// From (possibly fractional) epoch seconds; `None` when out of range.
    pub fn from_epoch_seconds(secs: f64) -> Option<Self> {
        let ms = secs * 1000.0;
        if ms.is_finite() && ms.abs() < 1e17 {
            Some(Timestamp(ms.round() as i64))
        } else {
            None
        }
    }

    /// This instant plus `days` whole days (saturating).
    pub fn plus_days(self, days: i64) -> Self {
        Timestamp(self.0.saturating_add(days.saturating_mul(DAY_MS)))
    }

    /// This instant plus `ms` milliseconds (saturating).
    pub fn plus_millis(self, ms: i64) -> Self {
        Timestamp(self.0.saturating_add(ms))
    }

    /// ISO-8601 with seconds precision, as CloudTrail writes `eventTime`.
    pub fn to_iso8601(self) -> String {
        let (y, mo, d, h, mi, s, _) = self.civil();
        format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z")
    }

    /// ISO-8601 with milliseconds.
    pub fn to_iso8601_millis(self) -> String {
        let (y, mo, d, h, mi, s, ms) = self.civil();
        format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{ms:03}Z")
    }

    /// Parses `YYYY-MM-DDTHH:MM:SS[.fff]Z` (or `+00:00`), the forms AWS accepts in
    /// policies and APIs. Returns `None` for anything else.
    pub fn parse_iso8601(text: &str) -> Option<Self> {
        let bytes = text.as_bytes();
        let num = |range: std::ops::Range<usize>| -> Option<i64> {
            let part = text.get(range)?;
            if part.bytes().all(|b| b.is_ascii_digit()) {
                part.parse().ok()
            } else {
                None
            }
        };
        let year = num(0..4)?;
        if bytes.get(4) != Some(&b'-') || bytes.get(7) != Some(&b'-') {
            return None;
        }
        let month = num(5..7)?;
        let day = num(8..10)?;
        if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
            return None;
        }
        let date_only = bytes.len() == 10;
        let (mut hour, mut minute, mut second, mut millis) = (0, 0, 0, 0);
        if !date_only {
            if !matches!(bytes.get(10), Some(b'T') | Some(b't') | Some(b' ')) {
                return None;
            }
            hour = num(11..13)?;
            if bytes.get(13) != Some(&b':') {
                return None;
            }
            minute = num(14..16)?;
            let mut rest = 16;
            if bytes.get(16) == Some(&b':') {
                second = num(17..19)?;
                rest = 19;
            }
            if bytes.get(rest) == Some(&b'.') {
                let start = rest + 1;
                let mut end = start;
                while bytes.get(end).is_some_and(|b| b.is_ascii_digit()) {
                    end += 1;
                }
                let frac = text.get(start..end)?;
                if frac.is_empty() {
                    return None;
                }
                let padded: String = frac.chars().chain("000".chars()).take(3).collect();
                millis = padded.parse().ok()?;
                rest = end;
            }
            match text.get(rest..)? {
                "Z" | "z" | "+00:00" | "" => {}
                _ => return None,
            }
            if hour > 23 || minute > 59 || second > 60 {
                return None;
            }
        }
        let days = days_from_civil(year, month, day);
        let t = Timestamp(((days * 24 + hour) * 60 + minute) * 60_000 + second * 1000 + millis);
        // A leap second on 9999-12-31 would roll into year 10000, which prints as five digits.
        (t <= Self::LATEST).then_some(t)
    }

    fn civil(self) -> (i64, i64, i64, i64, i64, i64, i64) {
        let ms = self.0.rem_euclid(1000);
        let secs = self.0.div_euclid(1000);
        let days = secs.div_euclid(86_400);
        let sod = secs.rem_euclid(86_400);
        let (y, m, d) = civil_from_days(days);
        (y, m, d, sod / 3600, (sod % 3600) / 60, sod % 60, ms)
    }
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_iso8601_millis())
    }
}

// Howard Hinnant's days-from-civil algorithms (proleptic Gregorian calendar).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// (year, month, day) of a count of days since 1970-01-01.
pub(crate) fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Where a live clock reads the current time from.
pub trait TimeSource: Send {
    /// Milliseconds since the Unix epoch.
    fn now_millis(&self) -> i64;
}

/// The host's wall clock. Native targets only: on wasm32 the binding layer
/// provides a `Date.now()` source instead.
#[cfg(not(target_arch = "wasm32"))]
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemTimeSource;

#[cfg(not(target_arch = "wasm32"))]
impl TimeSource for SystemTimeSource {
    fn now_millis(&self) -> i64 {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
    }
}

/// The simulator's clock: frozen (moves only when set or advanced) or live
/// (a [`TimeSource`] plus an offset that set/advance adjust).
pub struct Clock {
    source: Option<Box<dyn TimeSource>>,
    /// Frozen: the current time. Live: the offset added to the source.
    base: i64,
}

impl Clock {
    /// A clock frozen at `start`.
    pub fn frozen(start: Timestamp) -> Self {
        Clock { source: None, base: start.0 }
    }

    /// A clock that follows `source`.
    pub fn live(source: Box<dyn TimeSource>) -> Self {
        Clock { source: Some(source), base: 0 }
    }

    /// Whether the clock follows a live source.
    pub fn is_live(&self) -> bool {
        self.source.is_some()
    }

    /// The current simulated time.
    pub fn now(&self) -> Timestamp {
        match &self.source {
            Some(source) => Timestamp(source.now_millis().saturating_add(self.base)),
            None => Timestamp(self.base),
        }
    }

    /// Jumps to `at` (the simulator decides what fires on the way).
    pub fn set(&mut self, at: Timestamp) {
        match &self.source {
            Some(source) => self.base = at.0.saturating_sub(source.now_millis()),
            None => self.base = at.0,
        }
    }

    /// Moves forward by `ms` milliseconds.
    pub fn advance(&mut self, ms: i64) {
        self.base = self.base.saturating_add(ms);
    }
}

impl fmt::Debug for Clock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Clock").field("live", &self.is_live()).field("now", &self.now()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso8601_round_trips_and_rejects_garbage() {
        let t = Timestamp::DEFAULT_START;
        assert_eq!(t.to_iso8601(), "2025-01-01T00:00:00Z");
        assert_eq!(Timestamp::parse_iso8601("2025-01-01T00:00:00Z"), Some(t));
        assert_eq!(Timestamp::parse_iso8601("2025-01-01"), Some(t));
        let leap = Timestamp::parse_iso8601("2024-02-29T12:34:56.789Z").map(|t| t.to_iso8601_millis());
        assert_eq!(leap.as_deref(), Some("2024-02-29T12:34:56.789Z"));
        for bad in ["", "2025", "2025-13-01", "2025-01-01T25:00:00Z", "2025-01-01T00:00:00+02:00", "x025-01-01"] {
            assert_eq!(Timestamp::parse_iso8601(bad), None, "{bad}");
        }
    }

    #[test]
    fn frozen_clock_moves_only_when_told() {
        let mut clock = Clock::frozen(Timestamp::DEFAULT_START);
        assert_eq!(clock.now(), Timestamp::DEFAULT_START);
        clock.advance(DAY_MS);
        assert_eq!(clock.now(), Timestamp::DEFAULT_START.plus_days(1));
        clock.set(Timestamp(5));
        assert_eq!(clock.now(), Timestamp(5));
    }

    struct Fixed(i64);
    impl TimeSource for Fixed {
        fn now_millis(&self) -> i64 {
            self.0
        }
    }

    #[test]
    fn live_clock_keeps_an_offset() {
        let mut clock = Clock::live(Box::new(Fixed(1000)));
        assert_eq!(clock.now(), Timestamp(1000));
        clock.advance(500);
        assert_eq!(clock.now(), Timestamp(1500));
        clock.set(Timestamp(10));
        assert_eq!(clock.now(), Timestamp(10));
    }
}

/// Serde helpers: a [`Timestamp`] as epoch seconds (a JSON number), the way
/// the AWS JSON protocols send dates.
pub mod epoch_seconds {
    use super::Timestamp;
    use serde::{Deserialize, Deserializer, Serializer};

    /// Writes epoch seconds.
    pub fn serialize<S: Serializer>(t: &Timestamp, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(t.epoch_seconds())
    }

    /// Reads epoch seconds (or an ISO-8601 string, which the SDKs also accept).
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Timestamp, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Number(f64),
            Text(String),
        }
        let parsed = match Raw::deserialize(d)? {
            Raw::Number(secs) => Timestamp::from_epoch_seconds(secs),
            Raw::Text(text) => Timestamp::parse_iso8601(&text),
        };
        parsed.ok_or_else(|| serde::de::Error::custom("invalid timestamp"))
    }

    /// The same for optional fields.
    pub mod option {
        use super::Timestamp;
        use serde::{Deserialize, Deserializer, Serializer};

        /// Writes epoch seconds or null.
        pub fn serialize<S: Serializer>(t: &Option<Timestamp>, s: S) -> Result<S::Ok, S::Error> {
            match t {
                Some(t) => s.serialize_f64(t.epoch_seconds()),
                None => s.serialize_none(),
            }
        }

        /// Reads epoch seconds, ISO-8601 or null.
        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Timestamp>, D::Error> {
            #[derive(Deserialize)]
            struct Wrap(#[serde(with = "super")] Timestamp);
            Option::<Wrap>::deserialize(d).map(|o| o.map(|w| w.0))
        }
    }
}
