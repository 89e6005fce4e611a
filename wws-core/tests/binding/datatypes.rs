//! Property tests for every datatype: the lexical form written reads back
//! to the same value, inside a document too.

use proptest::prelude::*;
use wws_core::xsd::{
    AnyUri, Base64Binary, Date, DateTime, Decimal, Duration, HexBinary, Integer, SimpleType, Time,
    Token, days_in_month,
};
use wws_core::{BodyElement, XmlType};

fn text<T: SimpleType>(v: &T) -> String {
    let mut s = String::new();
    v.format(&mut s).expect("formats");
    s
}

fn back<T: SimpleType + std::fmt::Debug>(v: &T) -> T {
    let t = text(v);
    T::parse(&t).unwrap_or_else(|e| panic!("{t:?}: {e}"))
}

/// Every datatype in one element, to check them through the reader and writer too.
#[derive(XmlType, BodyElement, Debug, Clone, PartialEq)]
#[xml(namespace = "urn:types", name = "All")]
struct All {
    decimal: Decimal,
    integer: Integer,
    date_time: DateTime,
    date: Date,
    time: Time,
    duration: Duration,
    base64: Base64Binary,
    hex: HexBinary,
    token: Token,
    uri: AnyUri,
    flag: bool,
    #[xml(attribute)]
    small: i8,
    #[xml(attribute)]
    wide: u128,
}

fn decimal_text() -> impl Strategy<Value = String> {
    ("[+-]?", "[0-9]{0,30}", prop::option::of("[0-9]{0,30}"))
        .prop_filter("a digit somewhere", |(_, i, f)| {
            !i.is_empty() || f.as_deref().is_some_and(|f| !f.is_empty())
        })
        .prop_map(|(s, i, f)| match f {
            Some(f) => format!("{s}{i}.{f}"),
            None => format!("{s}{i}"),
        })
}

fn offset() -> impl Strategy<Value = Option<i16>> {
    prop::option::of(-840i16..=840)
}

fn date_time() -> impl Strategy<Value = DateTime> {
    (
        -9999i32..=99999,
        1u8..=12,
        1u8..=31,
        0u8..24,
        0u8..60,
        0u8..60,
        prop_oneof![Just(0u32), 0u32..1_000_000_000],
        offset(),
    )
        .prop_map(|(y, mo, d, h, mi, s, n, off)| {
            let d = d.min(days_in_month(y, mo));
            let date = Date::new(y, mo, d, off).expect("valid date");
            let time = Time::new(h, mi, s, n, off).expect("valid time");
            DateTime::new(date, time, off).expect("valid")
        })
}

fn all() -> impl Strategy<Value = All> {
    (
        (
            decimal_text(),
            "[+-]?[0-9]{1,40}",
            date_time(),
            any::<bool>(),
        ),
        (
            0u64..u64::MAX / 2,
            0u64..u64::MAX / 2,
            0u32..1_000_000_000,
            any::<bool>(),
        ),
        (
            prop::collection::vec(any::<u8>(), 0..64),
            prop::collection::vec(any::<u8>(), 0..16),
        ),
        ("[a-z]{1,5}( [a-z]{1,5}){0,3}", any::<i8>(), any::<u128>()),
    )
        .prop_map(
            |((dec, int, dt, flag), (months, secs, nanos, neg), (b64, hex), (tok, small, wide))| {
                All {
                    decimal: dec.parse().expect("decimal"),
                    integer: int.parse().expect("integer"),
                    date_time: dt,
                    date: dt.date(),
                    time: dt.time(),
                    duration: Duration::new(neg, months, secs, nanos).expect("duration"),
                    base64: Base64Binary(b64),
                    hex: HexBinary(hex),
                    token: Token(tok.clone()),
                    uri: AnyUri(format!("http://example.org/{tok}").replace(' ', "%20")),
                    flag,
                    small,
                    wide,
                }
            },
        )
}

proptest! {
    #[test]
    fn decimals_keep_every_digit(t in decimal_text()) {
        let d: Decimal = t.parse().expect("valid");
        prop_assert_eq!(d.as_str(), t.as_str());
        prop_assert_eq!(&back(&d), &d);
        let canonical: Decimal = d.canonical().parse().expect("canonical parses");
        prop_assert_eq!(&canonical, &d);
        prop_assert_eq!(canonical.canonical(), d.canonical());
    }

    #[test]
    fn decimal_order_matches_i128(a in any::<i64>(), b in any::<i64>(), scale in 0usize..6) {
        let with_scale = |v: i64| {
            let digits = format!("{:0>width$}", v.unsigned_abs(), width = scale + 1);
            let (i, f) = digits.split_at(digits.len() - scale);
            let sign = if v < 0 { "-" } else { "" };
            format!("{sign}{i}.{f}0").parse::<Decimal>().expect("decimal")
        };
        prop_assert_eq!(with_scale(a).cmp(&with_scale(b)), a.cmp(&b));
    }

    #[test]
    fn floats_convert_to_decimals_without_exponent(v in any::<f64>().prop_filter("finite", |v| v.is_finite())) {
        let d = Decimal::try_from(v).expect("finite");
        prop_assert!(!d.as_str().contains(['e', 'E']), "{}", d);
        prop_assert_eq!(d.to_f64(), v);
    }

    #[test]
    fn integers_of_any_size(t in "[+-]?0{0,3}[0-9]{1,60}") {
        let i: Integer = t.parse().expect("valid");
        prop_assert_eq!(&back(&i), &i);
        if let Ok(v) = t.parse::<i128>() {
            prop_assert_eq!(i.to_i128(), Some(v));
        }
    }

    #[test]
    fn date_times_with_offsets_and_fractions(dt in date_time()) {
        prop_assert_eq!(back(&dt), dt);
        prop_assert_eq!(back(&dt.date()), dt.date());
        prop_assert_eq!(back(&dt.time()), dt.time());
        let t = text(&dt);
        prop_assert!(dt.offset().is_some() || !t.ends_with('Z'));
        if dt.time().nanosecond() == 0 {
            prop_assert!(!t.contains('.'), "{}", t);
        }
    }

    #[test]
    fn unix_time_round_trips(secs in -62_000_000_000i64..250_000_000_000, nanos in 0u32..1_000_000_000) {
        let dt = DateTime::from_unix(secs, nanos).expect("in range");
        prop_assert_eq!(dt.to_unix(), (secs, nanos));
        prop_assert_eq!(back(&dt), dt);
    }

    #[test]
    fn negative_and_mixed_durations(neg in any::<bool>(), months in any::<u64>(), secs in any::<u64>(), nanos in 0u32..1_000_000_000) {
        let d = Duration::new(neg, months, secs, nanos).expect("valid");
        prop_assert_eq!(back(&d), d);
        prop_assert_eq!(text(&d).starts_with('-'), d.is_negative());
    }

    #[test]
    fn base64_with_line_breaks_and_spaces(bytes in prop::collection::vec(any::<u8>(), 0..300), width in 1usize..80, crlf in any::<bool>()) {
        let b = Base64Binary(bytes);
        let flat = text(&b);
        let wrapped: Vec<String> = flat
            .as_bytes()
            .chunks(width)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect();
        let wrapped = wrapped.join(if crlf { "\r\n" } else { "\n  " });
        prop_assert_eq!(&Base64Binary::parse(&wrapped).expect("wrapped"), &b);
        prop_assert_eq!(&back(&b), &b);
    }

    #[test]
    fn hex_either_case(bytes in prop::collection::vec(any::<u8>(), 0..64)) {
        let h = HexBinary(bytes);
        prop_assert_eq!(&HexBinary::parse(&text(&h).to_lowercase()).expect("lower"), &h);
    }

    #[test]
    fn every_datatype_through_a_document(v in all()) {
        let xml = super::to_xml(&v);
        let got = All::read_element(xml.as_bytes()).unwrap_or_else(|e| panic!("{e}\n{xml}"));
        prop_assert_eq!(got, v);
    }

    #[test]
    fn arbitrary_text_never_panics_any_parser(t in "\\PC{0,40}") {
        let _ = Decimal::parse(&t);
        let _ = Integer::parse(&t);
        let _ = DateTime::parse(&t);
        let _ = Date::parse(&t);
        let _ = Time::parse(&t);
        let _ = Duration::parse(&t);
        let _ = Base64Binary::parse(&t);
        let _ = HexBinary::parse(&t);
        let _ = bool::parse(&t);
        let _ = f64::parse(&t);
        let _ = u64::parse(&t);
        let _ = wws_core::QName::parse(&t);
    }

    #[test]
    fn datetime_like_text_never_panics(t in "-?[0-9]{4,6}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{0,12})?(Z|[+-][0-9]{2}:[0-9]{2})?") {
        if let Ok(dt) = DateTime::parse(&t) {
            prop_assert_eq!(back(&dt), dt);
        }
    }

    #[test]
    fn duration_like_text_never_panics(t in "-?P([0-9]{1,22}Y)?([0-9]{1,22}M)?([0-9]{1,22}D)?(T([0-9]{1,22}H)?([0-9]{1,22}M)?([0-9]{1,22}(\\.[0-9]{1,12})?S)?)?") {
        if let Ok(d) = Duration::parse(&t) {
            prop_assert_eq!(back(&d), d);
        }
    }
}

#[test]
fn booleans_accept_one_and_zero() {
    for (t, v) in [
        ("true", true),
        ("1", true),
        ("false", false),
        ("0", false),
        ("\n 1 \t", true),
    ] {
        assert_eq!(bool::parse(t), Ok(v), "{t:?}");
    }
    for bad in ["TRUE", "yes", "", "01", "t"] {
        assert!(bool::parse(bad).is_err(), "{bad:?}");
    }
}

#[test]
fn floats_spell_xml_schema_specials() {
    assert_eq!(text(&f64::INFINITY), "INF");
    assert_eq!(text(&f64::NEG_INFINITY), "-INF");
    assert_eq!(text(&f32::NAN), "NaN");
    assert!(f64::parse("inf").is_err());
    assert_eq!(f64::parse("-INF"), Ok(f64::NEG_INFINITY));
}

#[test]
fn decimal_is_no_float() {
    // The bug: f64 written as xs:decimal gave `1e21`.
    let d = Decimal::try_from(1e21).expect("finite");
    assert_eq!(text(&d), "1000000000000000000000");
    assert_eq!(text(&Decimal::try_from(1e-7).expect("finite")), "0.0000001");
    assert!(Decimal::parse("1e21").is_err());
    assert!(Decimal::try_from(f64::NAN).is_err());
    let exact: Decimal = "0.1000000000000000000000000001".parse().expect("decimal");
    assert_eq!(text(&exact), "0.1000000000000000000000000001");
}
