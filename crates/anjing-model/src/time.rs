/*!
Instants as evidence: a UTC instant plus the raw value and its unit.

Phone exports count time in different units and epochs (Android: Unix
milliseconds; carrier lists: seconds; iOS: seconds or nanoseconds since
2001-01-01). A record keeps the raw value exactly as exported and the unit it
was read in, and the derived UTC instant; people see Asia/Shanghai.
*/

use jiff::{Timestamp, tz::TimeZone};
use serde::{Deserialize, Serialize};

/// Seconds between the Unix epoch and the Apple/Cocoa epoch (2001-01-01T00:00:00Z).
pub const APPLE_EPOCH_OFFSET_S: i64 = 978_307_200;

/// The unit and epoch a raw time value was read in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimeUnit {
    /// Unix epoch milliseconds (Android, SMS Backup & Restore).
    UnixMs,
    /// Unix epoch seconds.
    UnixS,
    /// Seconds since 2001-01-01 (older iOS, Core Data).
    AppleS,
    /// Nanoseconds since 2001-01-01 (iOS 11+ sms.db).
    AppleNs,
    /// A local wall-clock text in Asia/Shanghai (typed by a person or a carrier list).
    ShanghaiText,
    /// An RFC 3339 text with offset.
    Rfc3339,
}

impl TimeUnit {
    pub fn code(self) -> &'static str {
        match self {
            TimeUnit::UnixMs => "unix_ms",
            TimeUnit::UnixS => "unix_s",
            TimeUnit::AppleS => "apple_s",
            TimeUnit::AppleNs => "apple_ns",
            TimeUnit::ShanghaiText => "shanghai_text",
            TimeUnit::Rfc3339 => "rfc3339",
        }
    }
}

/// The display zone of every time shown to people.
pub fn shanghai() -> TimeZone {
    // The bundled tzdb always has Asia/Shanghai; fall back to a fixed +08:00
    // (China has observed no DST since 1991) rather than panic.
    TimeZone::get("Asia/Shanghai").unwrap_or_else(|_| TimeZone::fixed(jiff::tz::offset(8)))
}

/// Converts a Unix-milliseconds value to an instant, if it is in range.
pub fn from_unix_ms(ms: i64) -> Option<Timestamp> {
    Timestamp::from_millisecond(ms).ok()
}

/// Parses a raw integer time value in the given unit.
pub fn from_raw(raw: &str, unit: TimeUnit) -> Option<Timestamp> {
    let raw = raw.trim();
    match unit {
        TimeUnit::UnixMs => raw.parse::<i64>().ok().and_then(from_unix_ms),
        TimeUnit::UnixS => raw.parse::<i64>().ok().and_then(|s| Timestamp::from_second(s).ok()),
        TimeUnit::AppleS => raw.parse::<f64>().ok().filter(|f| f.is_finite()).and_then(|f| {
            // `as` saturates; the epoch shift must not overflow on a hostile value.
            ((f * 1000.0) as i64)
                .checked_add(APPLE_EPOCH_OFFSET_S * 1000)
                .and_then(|ms| Timestamp::from_millisecond(ms).ok())
        }),
        TimeUnit::AppleNs => raw.parse::<i64>().ok().and_then(|ns| {
            Timestamp::from_nanosecond(ns as i128 + APPLE_EPOCH_OFFSET_S as i128 * 1_000_000_000)
                .ok()
        }),
        TimeUnit::ShanghaiText => {
            let dt: jiff::civil::DateTime = raw.replace('/', "-").parse().ok()?;
            dt.to_zoned_datetime(shanghai()).ok().map(|z| z.timestamp())
        }
        TimeUnit::Rfc3339 => raw.parse::<Timestamp>().ok(),
    }
}

/// Formats an instant for people: `2026-03-04 23:15:09` in Asia/Shanghai.
pub fn display(ts: Timestamp) -> String {
    ts.to_zoned_datetime(shanghai()).strftime("%Y-%m-%d %H:%M:%S").to_string()
}

/// The hour of day (0–23) in Asia/Shanghai.
pub fn shanghai_hour(ts: Timestamp) -> i8 {
    ts.to_zoned_datetime(shanghai()).hour()
}

/// The civil date in Asia/Shanghai (the law version is chosen by it).
pub fn shanghai_date(ts: Timestamp) -> jiff::civil::Date {
    ts.to_zoned_datetime(shanghai()).date()
}

/// The instant a civil date begins in Asia/Shanghai (for "from this day" filters).
pub fn shanghai_midnight(d: jiff::civil::Date) -> Option<Timestamp> {
    shanghai().to_timestamp(d.to_datetime(jiff::civil::Time::midnight())).ok()
}

/// RFC 3339 in UTC with millisecond precision, as in the listing contract.
pub fn rfc3339_utc(ts: Timestamp) -> String {
    // jiff prints the shortest exact form; fix to whole seconds or ms for stable output.
    if ts.subsec_millisecond() == 0 {
        ts.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
    } else {
        ts.strftime("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn android_ms_is_utc_and_shows_in_shanghai() {
        // 2023-11-14T22:13:20Z is 2023-11-15 06:13:20 in Shanghai.
        let ts = from_raw("1700000000000", TimeUnit::UnixMs).unwrap();
        assert_eq!(rfc3339_utc(ts), "2023-11-14T22:13:20Z");
        assert_eq!(display(ts), "2023-11-15 06:13:20");
        assert_eq!(shanghai_hour(ts), 6);
    }

    #[test]
    fn apple_epochs_in_seconds_and_nanoseconds_agree() {
        let s = from_raw("599079037", TimeUnit::AppleS).unwrap();
        let ns = from_raw("599079037000000000", TimeUnit::AppleNs).unwrap();
        assert_eq!(s, ns);
        assert_eq!(rfc3339_utc(s), "2019-12-26T18:50:37Z");
    }

    #[test]
    fn bad_values_are_none_not_panics() {
        assert!(from_raw("bad", TimeUnit::UnixMs).is_none());
        assert!(from_raw("", TimeUnit::UnixS).is_none());
        assert!(from_raw("99999999999999999999", TimeUnit::UnixMs).is_none());
        assert!(from_raw("NaN", TimeUnit::AppleS).is_none());
        // A hostile value near i64::MAX ms once overflowed the epoch shift (a debug panic).
        assert!(from_raw("1e300", TimeUnit::AppleS).is_none());
        assert!(from_raw("9223372036854775", TimeUnit::AppleS).is_none());
    }

    #[test]
    fn shanghai_text_is_local_time() {
        let ts = from_raw("2026-03-04 23:15:09", TimeUnit::ShanghaiText).unwrap();
        assert_eq!(rfc3339_utc(ts), "2026-03-04T15:15:09Z");
    }
}
