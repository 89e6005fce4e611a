//! Exact numbers: `xs:decimal` and unbounded `xs:integer`, kept as
//! validated digit strings (no float anywhere, no size limit but the
//! reader's message-size quota).

use std::cmp::Ordering;
use std::hash::{Hash, Hasher};

use super::simple::{SimpleType, trim};
use crate::error::Result;

/// `xs:decimal`, exact: keeps the lexical form as read, compares and hashes
/// by value (`1.50` equals `+01.5`).
///
/// ```
/// use wws_core::xsd::Decimal;
/// let d: Decimal = "+012.3400".parse()?;
/// assert_eq!(d.as_str(), "+012.3400");
/// assert_eq!(d.canonical(), "12.34");
/// assert_eq!(d, "12.34".parse::<Decimal>()?);
/// // A float converts through its exact shortest decimal digits, never `1e21`.
/// assert_eq!(Decimal::try_from(1e21).map(|d| d.canonical()), Ok("1000000000000000000000".into()));
/// # Ok::<(), String>(())
/// ```
#[derive(Clone, Debug)]
pub struct Decimal {
    lexical: Box<str>,
}

/// Splits a validated decimal into sign, integer digits without leading
/// zeros and fraction digits without trailing zeros.
fn parts(lexical: &str) -> (bool, &str, &str) {
    let (negative, rest) = match lexical.as_bytes().first() {
        Some(b'-') => (true, lexical.get(1..).unwrap_or("")),
        Some(b'+') => (false, lexical.get(1..).unwrap_or("")),
        _ => (false, lexical),
    };
    let (int, frac) = rest.split_once('.').unwrap_or((rest, ""));
    let int = int.trim_start_matches('0');
    let frac = frac.trim_end_matches('0');
    let zero = int.is_empty() && frac.is_empty();
    (negative && !zero, int, frac)
}

fn validate_decimal(t: &str) -> std::result::Result<(), String> {
    let body = t.strip_prefix(['+', '-']).unwrap_or(t);
    let (int, frac) = match body.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (body, None),
    };
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let ok = digits(int)
        && frac.is_none_or(digits)
        && (!int.is_empty() || frac.is_some_and(|f| !f.is_empty()));
    if ok {
        Ok(())
    } else {
        Err(format!("{t:?} is not a valid decimal"))
    }
}

impl Decimal {
    /// The lexical form as read or built (trimmed).
    pub fn as_str(&self) -> &str {
        &self.lexical
    }

    /// The canonical form: no `+`, no leading or trailing zeros, no `.` for whole numbers, `0` for zero.
    pub fn canonical(&self) -> String {
        let (negative, int, frac) = parts(&self.lexical);
        let mut out = String::with_capacity(int.len() + frac.len() + 3);
        if negative {
            out.push('-');
        }
        out.push_str(if int.is_empty() { "0" } else { int });
        if !frac.is_empty() {
            out.push('.');
            out.push_str(frac);
        }
        out
    }

    /// True if the value is below zero.
    pub fn is_negative(&self) -> bool {
        parts(&self.lexical).0
    }

    /// The nearest `f64` (lossy: for display or arithmetic where exactness does not matter).
    pub fn to_f64(&self) -> f64 {
        self.lexical.parse().unwrap_or(f64::NAN)
    }

    /// The value if it is a whole number (any size).
    pub fn to_integer(&self) -> Option<Integer> {
        let (negative, int, frac) = parts(&self.lexical);
        if !frac.is_empty() {
            return None;
        }
        let mut digits = String::with_capacity(int.len() + 1);
        if negative {
            digits.push('-');
        }
        digits.push_str(if int.is_empty() { "0" } else { int });
        Some(Integer {
            digits: digits.into(),
        })
    }
}

impl std::str::FromStr for Decimal {
    type Err = String;

    fn from_str(s: &str) -> std::result::Result<Self, String> {
        let t = trim(s);
        validate_decimal(t)?;
        Ok(Decimal { lexical: t.into() })
    }
}

impl std::fmt::Display for Decimal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.lexical)
    }
}

impl PartialEq for Decimal {
    fn eq(&self, other: &Self) -> bool {
        parts(&self.lexical) == parts(&other.lexical)
    }
}

impl Eq for Decimal {}

impl Hash for Decimal {
    fn hash<H: Hasher>(&self, state: &mut H) {
        parts(&self.lexical).hash(state);
    }
}

/// Compares magnitudes given as digits without leading zeros (integer part)
/// and without trailing zeros (fraction).
fn cmp_magnitude(a: (&str, &str), b: (&str, &str)) -> Ordering {
    a.0.len()
        .cmp(&b.0.len())
        .then_with(|| a.0.cmp(b.0))
        .then_with(|| a.1.cmp(b.1))
}

impl Ord for Decimal {
    fn cmp(&self, other: &Self) -> Ordering {
        let (an, ai, af) = parts(&self.lexical);
        let (bn, bi, bf) = parts(&other.lexical);
        match (an, bn) {
            (false, true) => Ordering::Greater,
            (true, false) => Ordering::Less,
            (false, false) => cmp_magnitude((ai, af), (bi, bf)),
            (true, true) => cmp_magnitude((bi, bf), (ai, af)),
        }
    }
}

impl PartialOrd for Decimal {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

macro_rules! decimal_from_int {
    ($($t:ty),*) => {$(
        impl From<$t> for Decimal {
            fn from(v: $t) -> Self {
                Decimal { lexical: v.to_string().into() }
            }
        }
    )*};
}

decimal_from_int!(i8, i16, i32, i64, i128, u8, u16, u32, u64, u128);

impl From<Integer> for Decimal {
    fn from(v: Integer) -> Self {
        Decimal { lexical: v.digits }
    }
}

impl TryFrom<f64> for Decimal {
    type Error = String;

    /// The float's shortest round-trip digits, written out in full (no exponent); NaN and infinities fail.
    fn try_from(v: f64) -> std::result::Result<Self, String> {
        if !v.is_finite() {
            return Err(format!("{v} has no xs:decimal form"));
        }
        // Display never uses an exponent: 1e21 prints all 22 digits.
        Ok(Decimal {
            lexical: v.to_string().into(),
        })
    }
}

impl SimpleType for Decimal {
    fn parse(text: &str) -> std::result::Result<Self, String> {
        text.parse()
    }

    fn format(&self, out: &mut String) -> Result<()> {
        out.push_str(&self.lexical);
        Ok(())
    }
}

/// `xs:integer` (and its unbounded kin `nonNegativeInteger`,
/// `positiveInteger`, …), any size, kept in canonical form.
///
/// ```
/// use wws_core::xsd::Integer;
/// let big: Integer = "+000123456789012345678901234567890".parse()?;
/// assert_eq!(big.as_str(), "123456789012345678901234567890");
/// assert_eq!(big.to_i64(), None);
/// assert_eq!(Integer::from(-42i64).to_i64(), Some(-42));
/// # Ok::<(), String>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Integer {
    digits: Box<str>,
}

impl Integer {
    /// The canonical form: optional `-`, no leading zeros.
    pub fn as_str(&self) -> &str {
        &self.digits
    }

    /// True if the value is below zero.
    pub fn is_negative(&self) -> bool {
        self.digits.starts_with('-')
    }

    /// The value as `i64`, if it fits.
    pub fn to_i64(&self) -> Option<i64> {
        self.digits.parse().ok()
    }

    /// The value as `u64`, if it fits.
    pub fn to_u64(&self) -> Option<u64> {
        self.digits.parse().ok()
    }

    /// The value as `i128`, if it fits.
    pub fn to_i128(&self) -> Option<i128> {
        self.digits.parse().ok()
    }
}

impl std::str::FromStr for Integer {
    type Err = String;

    fn from_str(s: &str) -> std::result::Result<Self, String> {
        let t = trim(s);
        let (negative, body) = match t.as_bytes().first() {
            Some(b'-') => (true, t.get(1..).unwrap_or("")),
            Some(b'+') => (false, t.get(1..).unwrap_or("")),
            _ => (false, t),
        };
        if body.is_empty() || !body.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!("{t:?} is not a valid integer"));
        }
        let body = body.trim_start_matches('0');
        let digits = match (body.is_empty(), negative) {
            (true, _) => "0".to_owned(),
            (false, true) => format!("-{body}"),
            (false, false) => body.to_owned(),
        };
        Ok(Integer {
            digits: digits.into(),
        })
    }
}

impl std::fmt::Display for Integer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.digits)
    }
}

impl Ord for Integer {
    fn cmp(&self, other: &Self) -> Ordering {
        let a = self.digits.strip_prefix('-');
        let b = other.digits.strip_prefix('-');
        match (a, b) {
            (None, Some(_)) => Ordering::Greater,
            (Some(_), None) => Ordering::Less,
            (None, None) => cmp_magnitude((&self.digits, ""), (&other.digits, "")),
            (Some(a), Some(b)) => cmp_magnitude((b, ""), (a, "")),
        }
    }
}

impl PartialOrd for Integer {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

macro_rules! integer_from_int {
    ($($t:ty),*) => {$(
        impl From<$t> for Integer {
            fn from(v: $t) -> Self {
                Integer { digits: v.to_string().into() }
            }
        }
    )*};
}

integer_from_int!(i8, i16, i32, i64, i128, u8, u16, u32, u64, u128);

impl SimpleType for Integer {
    fn parse(text: &str) -> std::result::Result<Self, String> {
        text.parse()
    }

    fn format(&self, out: &mut String) -> Result<()> {
        out.push_str(&self.digits);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn decimal_lexical_forms() {
        for ok in [
            "0",
            "-0",
            "+.5",
            "5.",
            "-001.2300",
            "123456789012345678901234567890.5",
        ] {
            assert!(ok.parse::<Decimal>().is_ok(), "{ok}");
        }
        for bad in [
            "", ".", "+", "1e3", "1.2.3", "NaN", "INF", "1,5", "- 1", "0x10",
        ] {
            assert!(bad.parse::<Decimal>().is_err(), "{bad}");
        }
        assert_eq!(d("-0.000").canonical(), "0");
        assert_eq!(d("-0.000"), d("0"));
        assert_eq!(d(".5").canonical(), "0.5");
        assert_eq!(d("-10.50").canonical(), "-10.5");
    }

    #[test]
    fn decimal_order() {
        let mut v = [d("10"), d("-2.5"), d("9.99"), d("-10"), d("0"), d("0.001")];
        v.sort();
        let c: Vec<String> = v.iter().map(Decimal::canonical).collect();
        assert_eq!(c, ["-10", "-2.5", "0", "0.001", "9.99", "10"]);
    }

    #[test]
    fn integer_canonical() {
        let i: Integer = "-000".parse().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(i.as_str(), "0");
        assert!("1.0".parse::<Integer>().is_err());
        assert!(Integer::from(-3) < Integer::from(2));
        assert!(Integer::from(-30) < Integer::from(-4));
        assert_eq!(d("12.000").to_integer(), Some(Integer::from(12)));
    }
}
