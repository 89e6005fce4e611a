//! `xs:dateTime` in UTC with milliseconds, as WSS timestamps are written.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use wws_core::xsd::{DateTime, SimpleType};

/// A point in time as milliseconds since 1970-01-01T00:00:00Z (negative before).
pub(crate) type Millis = i64;

/// `t` as milliseconds since the epoch.
pub(crate) fn millis(t: SystemTime) -> Millis {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_millis()).unwrap_or(i64::MAX),
        Err(e) => i64::try_from(e.duration().as_millis()).map_or(i64::MIN, |m| -m),
    }
}

/// A duration in milliseconds, saturating.
pub(crate) fn span(d: Duration) -> Millis {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

/// `2026-12-01T15:04:05.123Z`: UTC, always three fractional digits (as WCF writes it).
pub(crate) fn format_utc(t: SystemTime) -> String {
    let ms = millis(t);
    let (secs, frac) = (ms.div_euclid(1000), ms.rem_euclid(1000));
    match DateTime::from_unix(secs, 0) {
        Ok(dt) => {
            let (d, tm) = (dt.date(), dt.time());
            format!(
                "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
                d.year(),
                d.month(),
                d.day(),
                tm.hour(),
                tm.minute(),
                tm.second(),
                frac
            )
        }
        // Beyond year 9999 or before year 0: no clock of a sender says so.
        Err(_) => "1970-01-01T00:00:00.000Z".to_owned(),
    }
}

/// Parses an `xs:dateTime` (a value without offset counts as UTC) to milliseconds.
pub(crate) fn parse(text: &str) -> Option<Millis> {
    let dt = DateTime::parse(text).ok()?;
    let (secs, nanos) = dt.to_unix();
    secs.checked_mul(1000)?
        .checked_add(i64::from(nanos / 1_000_000))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_and_parses_back() {
        let t = UNIX_EPOCH + Duration::from_millis(1_764_601_445_123);
        let s = format_utc(t);
        assert_eq!(s, "2025-12-01T15:04:05.123Z");
        assert_eq!(parse(&s), Some(1_764_601_445_123));
        assert_eq!(
            parse("2025-12-01T16:04:05.123+01:00"),
            Some(1_764_601_445_123)
        );
        assert_eq!(parse("yesterday"), None);
    }
}
