//! `xs:dateTime`, `xs:date` and `xs:time`: validated fields, an optional
//! offset, fractional seconds to the nanosecond.
//!
//! Choices where XML Schema leaves room: year `0000` is accepted (XSD 1.1,
//! proleptic Gregorian, year 0 is a leap year); `24:00:00` is read as
//! `00:00:00` of the next day (XSD 1.0's rule); fraction digits past the
//! ninth are dropped; an offset of zero is written `Z`. Equality is
//! field by field (`10:00Z` and `11:00+01:00` differ); compare instants with
//! [`DateTime::to_unix`].

use super::simple::{SimpleType, trim};
use crate::error::Result;

/// A time-zone offset in minutes east of UTC, within ±14:00.
pub type Offset = Option<i16>;

const MAX_OFFSET: i16 = 14 * 60;

/// `xs:date`: year, month, day and an optional offset.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Date {
    year: i32,
    month: u8,
    day: u8,
    offset: Offset,
}

/// `xs:time`: hour, minute, second, nanosecond and an optional offset.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Time {
    hour: u8,
    minute: u8,
    second: u8,
    nanosecond: u32,
    offset: Offset,
}

/// `xs:dateTime`: a date and a time of day sharing one optional offset.
///
/// ```
/// use wws_core::xsd::{DateTime, SimpleType};
/// let t = DateTime::parse("2024-02-29T23:59:60.5+14:00").unwrap_err(); // second 60: invalid
/// let t = DateTime::parse("2024-02-29T23:59:59.125-05:30")?;
/// assert_eq!((t.date().day(), t.time().nanosecond(), t.offset()), (29, 125_000_000, Some(-330)));
/// assert_eq!(DateTime::parse("2023-12-31T24:00:00Z")?, DateTime::parse("2024-01-01T00:00:00Z")?);
/// assert!(DateTime::parse("2023-02-29T00:00:00").is_err());
/// # Ok::<(), String>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct DateTime {
    date: Date,
    time: Time,
}

/// True for a leap year of the proleptic Gregorian calendar (year 0 included).
pub fn is_leap_year(year: i32) -> bool {
    year.rem_euclid(4) == 0 && (year.rem_euclid(100) != 0 || year.rem_euclid(400) == 0)
}

/// Days in `month` (1–12) of `year`.
pub fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        2 if is_leap_year(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

fn check_offset(offset: Offset) -> std::result::Result<(), String> {
    match offset {
        Some(m) if !(-MAX_OFFSET..=MAX_OFFSET).contains(&m) => {
            Err(format!("offset of {m} minutes is beyond ±14:00"))
        }
        _ => Ok(()),
    }
}

impl Date {
    /// A date; errors on a month outside 1–12 or a day the month lacks.
    pub fn new(year: i32, month: u8, day: u8, offset: Offset) -> std::result::Result<Self, String> {
        if !(1..=12).contains(&month) {
            return Err(format!("month {month} is not 1–12"));
        }
        if day == 0 || day > days_in_month(year, month) {
            return Err(format!("{year:04}-{month:02} has no day {day}"));
        }
        check_offset(offset)?;
        Ok(Date {
            year,
            month,
            day,
            offset,
        })
    }

    /// The year (0 is 1 BCE).
    pub fn year(&self) -> i32 {
        self.year
    }

    /// The month, 1–12.
    pub fn month(&self) -> u8 {
        self.month
    }

    /// The day of the month, from 1.
    pub fn day(&self) -> u8 {
        self.day
    }

    /// Minutes east of UTC, `None` when the value has no offset.
    pub fn offset(&self) -> Offset {
        self.offset
    }

    /// The next day (year overflow saturates at `i32::MAX`).
    fn succ(self) -> Date {
        let (mut y, mut m, mut d) = (self.year, self.month, self.day + 1);
        if d > days_in_month(y, m) {
            d = 1;
            m += 1;
            if m > 12 {
                m = 1;
                y = y.saturating_add(1);
            }
        }
        Date {
            year: y,
            month: m,
            day: d,
            offset: self.offset,
        }
    }

    /// Days since 1970-01-01 (civil-from-days inverse, proleptic Gregorian).
    fn days_from_epoch(&self) -> i64 {
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y.rem_euclid(400);
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    fn from_days(days: i64) -> Option<(i32, u8, u8)> {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = doy - (153 * mp + 2) / 5 + 1;
        let m = if mp < 10 { mp + 3 } else { mp - 9 };
        let y = yoe + era * 400 + i64::from(m <= 2);
        Some((
            i32::try_from(y).ok()?,
            u8::try_from(m).ok()?,
            u8::try_from(d).ok()?,
        ))
    }
}

impl Time {
    /// A time of day; errors on hour ≥ 24, minute or second ≥ 60, nanosecond ≥ 10⁹.
    pub fn new(
        hour: u8,
        minute: u8,
        second: u8,
        nanosecond: u32,
        offset: Offset,
    ) -> std::result::Result<Self, String> {
        if hour > 23 || minute > 59 || second > 59 || nanosecond >= 1_000_000_000 {
            return Err(format!(
                "{hour:02}:{minute:02}:{second:02}.{nanosecond:09} is no time of day"
            ));
        }
        check_offset(offset)?;
        Ok(Time {
            hour,
            minute,
            second,
            nanosecond,
            offset,
        })
    }

    /// The hour, 0–23.
    pub fn hour(&self) -> u8 {
        self.hour
    }

    /// The minute, 0–59.
    pub fn minute(&self) -> u8 {
        self.minute
    }

    /// The second, 0–59.
    pub fn second(&self) -> u8 {
        self.second
    }

    /// The fraction of the second in nanoseconds.
    pub fn nanosecond(&self) -> u32 {
        self.nanosecond
    }

    /// Minutes east of UTC, `None` when the value has no offset.
    pub fn offset(&self) -> Offset {
        self.offset
    }
}

impl DateTime {
    /// A date-time from its parts (the date's offset is replaced by `offset`).
    pub fn new(date: Date, time: Time, offset: Offset) -> std::result::Result<Self, String> {
        check_offset(offset)?;
        Ok(DateTime {
            date: Date { offset, ..date },
            time: Time { offset, ..time },
        })
    }

    /// The date part.
    pub fn date(&self) -> Date {
        self.date
    }

    /// The time-of-day part.
    pub fn time(&self) -> Time {
        self.time
    }

    /// Minutes east of UTC, `None` when the value has no offset.
    pub fn offset(&self) -> Offset {
        self.date.offset
    }

    /// Seconds and nanoseconds since 1970-01-01T00:00:00Z; a value without offset counts as UTC.
    pub fn to_unix(&self) -> (i64, u32) {
        let t = &self.time;
        let secs = self.date.days_from_epoch() * 86_400
            + i64::from(t.hour) * 3600
            + i64::from(t.minute) * 60
            + i64::from(t.second)
            - i64::from(self.offset().unwrap_or(0)) * 60;
        (secs, t.nanosecond)
    }

    /// The UTC date-time `secs` seconds (and `nanos`) after 1970-01-01T00:00:00Z.
    pub fn from_unix(secs: i64, nanos: u32) -> std::result::Result<Self, String> {
        let days = secs.div_euclid(86_400);
        let rest = secs.rem_euclid(86_400);
        let (y, m, d) = Date::from_days(days).ok_or("date out of range")?;
        let time = Time::new(
            u8::try_from(rest / 3600).map_err(|e| e.to_string())?,
            u8::try_from(rest % 3600 / 60).map_err(|e| e.to_string())?,
            u8::try_from(rest % 60).map_err(|e| e.to_string())?,
            nanos,
            Some(0),
        )?;
        DateTime::new(Date::new(y, m, d, Some(0))?, time, Some(0))
    }
}

/// A cursor over a lexical value.
struct Cursor<'s> {
    s: &'s [u8],
    at: usize,
    text: &'s str,
}

impl<'s> Cursor<'s> {
    fn new(text: &'s str) -> Self {
        Cursor {
            s: text.as_bytes(),
            at: 0,
            text,
        }
    }

    fn err(&self, what: &str) -> String {
        format!("{:?} is not a valid {what}", self.text)
    }

    fn peek(&self) -> Option<u8> {
        self.s.get(self.at).copied()
    }

    fn eat(&mut self, b: u8) -> bool {
        if self.peek() == Some(b) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, b: u8, what: &str) -> std::result::Result<(), String> {
        if self.eat(b) {
            Ok(())
        } else {
            Err(self.err(what))
        }
    }

    /// A run of digits: its text.
    fn digits(&mut self) -> &'s str {
        let start = self.at;
        while self.peek().is_some_and(|b| b.is_ascii_digit()) {
            self.at += 1;
        }
        self.text.get(start..self.at).unwrap_or("")
    }

    /// Exactly `n` digits as a number.
    fn fixed(&mut self, n: usize, what: &str) -> std::result::Result<u32, String> {
        let d = self.digits();
        if d.len() != n {
            return Err(self.err(what));
        }
        d.parse().map_err(|_| self.err(what))
    }

    fn done(&self) -> bool {
        self.at >= self.s.len()
    }
}

fn small(v: u32, what: &str, c: &Cursor<'_>) -> std::result::Result<u8, String> {
    u8::try_from(v).map_err(|_| c.err(what))
}

fn parse_date_part(c: &mut Cursor<'_>, what: &str) -> std::result::Result<(i32, u8, u8), String> {
    let negative = c.eat(b'-');
    let y = c.digits();
    if y.len() < 4 || (y.len() > 4 && y.starts_with('0')) {
        return Err(c.err(what));
    }
    let year: i32 = y.parse().map_err(|_| c.err(what))?;
    let year = if negative { -year } else { year };
    c.expect(b'-', what)?;
    let month = c.fixed(2, what)?;
    c.expect(b'-', what)?;
    let day = c.fixed(2, what)?;
    Ok((year, small(month, what, c)?, small(day, what, c)?))
}

/// `hh:mm:ss(.s+)?`; hour 24 is returned as is, checked by the caller.
fn parse_time_part(
    c: &mut Cursor<'_>,
    what: &str,
) -> std::result::Result<(u8, u8, u8, u32), String> {
    let h = c.fixed(2, what)?;
    c.expect(b':', what)?;
    let m = c.fixed(2, what)?;
    c.expect(b':', what)?;
    let s = c.fixed(2, what)?;
    let mut nanos = 0u32;
    if c.eat(b'.') {
        let frac = c.digits();
        if frac.is_empty() {
            return Err(c.err(what));
        }
        for (i, b) in frac.bytes().take(9).enumerate() {
            let place = 10u32.pow(8 - i as u32);
            nanos += u32::from(b - b'0') * place;
        }
    }
    Ok((
        small(h, what, c)?,
        small(m, what, c)?,
        small(s, what, c)?,
        nanos,
    ))
}

fn parse_offset(c: &mut Cursor<'_>, what: &str) -> std::result::Result<Offset, String> {
    if c.done() {
        return Ok(None);
    }
    if c.eat(b'Z') {
        return Ok(Some(0));
    }
    let sign: i16 = if c.eat(b'+') {
        1
    } else if c.eat(b'-') {
        -1
    } else {
        return Err(c.err(what));
    };
    let h = c.fixed(2, what)?;
    c.expect(b':', what)?;
    let m = c.fixed(2, what)?;
    if m > 59 || h * 60 + m > 840 {
        return Err(format!("{:?}: offset beyond ±14:00", c.text));
    }
    // Bounded by the check above.
    Ok(Some(sign * (h * 60 + m) as i16))
}

/// Resolves `24:00:00` (only with zero minutes, seconds and fraction): true if the day must advance.
fn midnight(
    h: u8,
    m: u8,
    s: u8,
    n: u32,
    c: &Cursor<'_>,
    what: &str,
) -> std::result::Result<bool, String> {
    if h != 24 {
        return Ok(false);
    }
    if (m, s, n) == (0, 0, 0) {
        Ok(true)
    } else {
        Err(c.err(what))
    }
}

fn push_year(out: &mut String, year: i32) {
    if year < 0 {
        out.push('-');
    }
    out.push_str(&format!("{:04}", year.unsigned_abs()));
}

fn push_time(out: &mut String, t: &Time) {
    out.push_str(&format!("{:02}:{:02}:{:02}", t.hour, t.minute, t.second));
    if t.nanosecond > 0 {
        let frac = format!("{:09}", t.nanosecond);
        out.push('.');
        out.push_str(frac.trim_end_matches('0'));
    }
}

fn push_offset(out: &mut String, offset: Offset) {
    match offset {
        None => {}
        Some(0) => out.push('Z'),
        Some(m) => {
            let sign = if m < 0 { '-' } else { '+' };
            let a = m.unsigned_abs();
            out.push_str(&format!("{sign}{:02}:{:02}", a / 60, a % 60));
        }
    }
}

impl SimpleType for Date {
    fn parse(text: &str) -> std::result::Result<Self, String> {
        let mut c = Cursor::new(trim(text));
        let (y, m, d) = parse_date_part(&mut c, "xs:date")?;
        let offset = parse_offset(&mut c, "xs:date")?;
        if !c.done() {
            return Err(c.err("xs:date"));
        }
        Date::new(y, m, d, offset)
    }

    fn format(&self, out: &mut String) -> Result<()> {
        push_year(out, self.year);
        out.push_str(&format!("-{:02}-{:02}", self.month, self.day));
        push_offset(out, self.offset);
        Ok(())
    }
}

impl SimpleType for Time {
    fn parse(text: &str) -> std::result::Result<Self, String> {
        let mut c = Cursor::new(trim(text));
        let (h, m, s, n) = parse_time_part(&mut c, "xs:time")?;
        let offset = parse_offset(&mut c, "xs:time")?;
        if !c.done() {
            return Err(c.err("xs:time"));
        }
        let h = if midnight(h, m, s, n, &c, "xs:time")? {
            0
        } else {
            h
        };
        Time::new(h, m, s, n, offset)
    }

    fn format(&self, out: &mut String) -> Result<()> {
        push_time(out, self);
        push_offset(out, self.offset);
        Ok(())
    }
}

impl SimpleType for DateTime {
    fn parse(text: &str) -> std::result::Result<Self, String> {
        const WHAT: &str = "xs:dateTime";
        let mut c = Cursor::new(trim(text));
        let (y, mo, d) = parse_date_part(&mut c, WHAT)?;
        c.expect(b'T', WHAT)?;
        let (h, mi, s, n) = parse_time_part(&mut c, WHAT)?;
        let offset = parse_offset(&mut c, WHAT)?;
        if !c.done() {
            return Err(c.err(WHAT));
        }
        let mut date = Date::new(y, mo, d, offset)?;
        let h = if midnight(h, mi, s, n, &c, WHAT)? {
            date = date.succ();
            0
        } else {
            h
        };
        DateTime::new(date, Time::new(h, mi, s, n, offset)?, offset)
    }

    fn format(&self, out: &mut String) -> Result<()> {
        push_year(out, self.date.year);
        out.push_str(&format!("-{:02}-{:02}T", self.date.month, self.date.day));
        push_time(out, &self.time);
        push_offset(out, self.offset());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text<T: SimpleType>(v: &T) -> String {
        let mut s = String::new();
        v.format(&mut s).ok();
        s
    }

    #[test]
    fn validates_fields() {
        for bad in [
            "2023-13-01T00:00:00",
            "2023-00-01T00:00:00",
            "2023-04-31T00:00:00",
            "1900-02-29T00:00:00",
            "2023-01-01T24:00:01",
            "2023-01-01T23:60:00",
            "2023-01-01T00:00:00+14:01",
            "2023-01-01T00:00:00+15:00",
            "2023-01-01T00:00:00.",
            "23-01-01T00:00:00",
            "02023-01-01T00:00:00",
            "2023-01-01 00:00:00",
            "2023-01-01T00:00:00z",
        ] {
            assert!(DateTime::parse(bad).is_err(), "{bad}");
        }
        assert!(DateTime::parse("2000-02-29T00:00:00-14:00").is_ok());
        assert!(DateTime::parse("-0044-03-15T12:00:00").is_ok());
        assert!(DateTime::parse("12345-01-01T00:00:00").is_ok());
    }

    #[test]
    fn writes_canonical_forms() {
        let t =
            DateTime::parse(" 2009-12-31T24:00:00.000+00:00 ").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(text(&t), "2010-01-01T00:00:00Z");
        let t = DateTime::parse("-0001-01-01T01:02:03.450-01:30").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(text(&t), "-0001-01-01T01:02:03.45-01:30");
        assert_eq!(
            text(&Date::parse("2024-02-29").unwrap_or_else(|e| panic!("{e}"))),
            "2024-02-29"
        );
        assert_eq!(
            text(&Time::parse("24:00:00Z").unwrap_or_else(|e| panic!("{e}"))),
            "00:00:00Z"
        );
    }

    #[test]
    fn unix_round_trip() {
        for secs in [0i64, 951_782_400, -62_135_596_800, 4_102_444_799] {
            let t = DateTime::from_unix(secs, 5).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(t.to_unix(), (secs, 5), "{t:?}");
        }
        let t = DateTime::parse("2000-01-01T01:00:00+01:00").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(t.to_unix().0, 946_684_800);
    }
}
