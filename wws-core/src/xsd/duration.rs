//! `xs:duration`: signed, with months and seconds kept apart (a month has
//! no fixed number of seconds), fractional seconds to the nanosecond.

use super::simple::{SimpleType, trim};
use crate::error::Result;

/// `xs:duration`: a sign, whole months (years × 12 + months) and seconds
/// (days, hours, minutes and seconds folded in) with nanoseconds.
///
/// ```
/// use wws_core::xsd::{Duration, SimpleType};
/// let d = Duration::parse("-P1Y2M3DT4H5M6.5S")?;
/// assert_eq!((d.is_negative(), d.months(), d.seconds(), d.nanoseconds()), (true, 14, 273_906, 500_000_000));
/// let mut text = String::new();
/// d.format(&mut text).ok();
/// assert_eq!(text, "-P1Y2M3DT4H5M6.5S");
/// assert_eq!(Duration::parse("PT36H")?, Duration::parse("P1DT12H")?);
/// assert_eq!(Duration::parse("PT1M30S")?.to_std(), Some(std::time::Duration::from_secs(90)));
/// # Ok::<(), String>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct Duration {
    negative: bool,
    months: u64,
    seconds: u64,
    nanos: u32,
}

impl Duration {
    /// A duration; a zero duration is never negative.
    pub fn new(
        negative: bool,
        months: u64,
        seconds: u64,
        nanos: u32,
    ) -> std::result::Result<Self, String> {
        if nanos >= 1_000_000_000 {
            return Err(format!("{nanos} nanoseconds is a second or more"));
        }
        let zero = months == 0 && seconds == 0 && nanos == 0;
        Ok(Duration {
            negative: negative && !zero,
            months,
            seconds,
            nanos,
        })
    }

    /// True for a negative duration.
    pub fn is_negative(&self) -> bool {
        self.negative
    }

    /// The months part (years count 12).
    pub fn months(&self) -> u64 {
        self.months
    }

    /// The seconds part (days count 86 400).
    pub fn seconds(&self) -> u64 {
        self.seconds
    }

    /// The fraction of a second, in nanoseconds.
    pub fn nanoseconds(&self) -> u32 {
        self.nanos
    }

    /// The duration as a `std::time::Duration`, if it is not negative and has no months.
    pub fn to_std(&self) -> Option<std::time::Duration> {
        (!self.negative && self.months == 0)
            .then(|| std::time::Duration::new(self.seconds, self.nanos))
    }
}

impl From<std::time::Duration> for Duration {
    fn from(d: std::time::Duration) -> Self {
        Duration {
            negative: false,
            months: 0,
            seconds: d.as_secs(),
            nanos: d.subsec_nanos(),
        }
    }
}

impl SimpleType for Duration {
    fn parse(text: &str) -> std::result::Result<Self, String> {
        let t = trim(text);
        let bad = || format!("{t:?} is not a valid xs:duration");
        let (negative, rest) = match t.strip_prefix('-') {
            Some(r) => (true, r),
            None => (false, t),
        };
        let rest = rest.strip_prefix('P').ok_or_else(bad)?;
        let (date, time) = match rest.split_once('T') {
            Some((d, t)) if !t.is_empty() => (d, Some(t)),
            Some(_) => return Err(bad()),
            None => (rest, None),
        };
        if date.is_empty() && time.is_none() {
            return Err(bad());
        }
        let overflow = || format!("{t:?}: xs:duration too large");
        let mut months = 0u64;
        let mut seconds = 0u64;
        let mut nanos = 0u32;
        // Designators must come in order, each at most once.
        let mut scan = |part: &str, units: &[(u8, u64, bool)], is_time: bool| {
            let mut allowed = 0usize;
            let mut rest = part;
            while !rest.is_empty() {
                let end = rest
                    .bytes()
                    .position(|b| !(b.is_ascii_digit() || b == b'.'))
                    .ok_or_else(bad)?;
                let (number, tail) = rest.split_at(end);
                let unit = tail.bytes().next().ok_or_else(bad)?;
                let idx = units
                    .iter()
                    .skip(allowed)
                    .position(|u| u.0 == unit)
                    .map(|i| i + allowed)
                    .ok_or_else(bad)?;
                allowed = idx + 1;
                let (factor, into_months) = units.get(idx).map(|u| (u.1, u.2)).ok_or_else(bad)?;
                let (whole, frac) = match number.split_once('.') {
                    Some((w, f)) if is_time && unit == b'S' && !f.is_empty() && !w.is_empty() => {
                        (w, f)
                    }
                    Some(_) => return Err(bad()),
                    None => (number, ""),
                };
                if whole.is_empty() || !frac.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(bad());
                }
                let n: u64 = whole.parse().map_err(|_| overflow())?;
                let add = n.checked_mul(factor).ok_or_else(overflow)?;
                let target = if into_months {
                    &mut months
                } else {
                    &mut seconds
                };
                *target = target.checked_add(add).ok_or_else(overflow)?;
                for (i, b) in frac.bytes().take(9).enumerate() {
                    nanos += u32::from(b - b'0') * 10u32.pow(8 - i as u32);
                }
                rest = tail.get(1..).unwrap_or("");
            }
            Ok::<(), String>(())
        };
        scan(
            date,
            &[(b'Y', 12, true), (b'M', 1, true), (b'D', 86_400, false)],
            false,
        )?;
        if let Some(time) = time {
            scan(
                time,
                &[(b'H', 3600, false), (b'M', 60, false), (b'S', 1, false)],
                true,
            )?;
        }
        Duration::new(negative, months, seconds, nanos)
    }

    fn format(&self, out: &mut String) -> Result<()> {
        use std::fmt::Write;
        if self.negative {
            out.push('-');
        }
        out.push('P');
        let (y, mo) = (self.months / 12, self.months % 12);
        let (d, rem) = (self.seconds / 86_400, self.seconds % 86_400);
        let (h, mi, s) = (rem / 3600, rem % 3600 / 60, rem % 60);
        // Writing to a String cannot fail.
        for (v, u) in [(y, 'Y'), (mo, 'M'), (d, 'D')] {
            if v > 0 {
                let _ = write!(out, "{v}{u}");
            }
        }
        let zero_date = y == 0 && mo == 0 && d == 0;
        if h > 0 || mi > 0 || s > 0 || self.nanos > 0 || zero_date {
            out.push('T');
            for (v, u) in [(h, 'H'), (mi, 'M')] {
                if v > 0 {
                    let _ = write!(out, "{v}{u}");
                }
            }
            if s > 0 || self.nanos > 0 || (h == 0 && mi == 0) {
                let _ = write!(out, "{s}");
                if self.nanos > 0 {
                    let frac = format!("{:09}", self.nanos);
                    out.push('.');
                    out.push_str(frac.trim_end_matches('0'));
                }
                out.push('S');
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(d: &Duration) -> String {
        let mut s = String::new();
        d.format(&mut s).ok();
        s
    }

    #[test]
    fn lexical_forms() {
        for bad in [
            "", "P", "PT", "P1", "1Y", "P1S", "PT1D", "P1M1Y", "P1Y1Y", "PT1.S", "PT.5S", "P1.5Y",
            "P-1Y", "--P1Y", "P1YT",
        ] {
            assert!(Duration::parse(bad).is_err(), "{bad}");
        }
        let d = |s: &str| Duration::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"));
        assert_eq!(text(&d("P0Y")), "PT0S");
        assert_eq!(text(&d("-PT0S")), "PT0S");
        assert_eq!(text(&d("PT90M")), "PT1H30M");
        assert_eq!(text(&d("P13M")), "P1Y1M");
        assert_eq!(text(&d("PT0.000001S")), "PT0.000001S");
        assert_eq!(text(&d("P1DT0.5S")), "P1DT0.5S");
        assert!(Duration::parse("P99999999999999999999Y").is_err());
    }
}
