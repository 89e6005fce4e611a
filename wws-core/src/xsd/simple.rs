//! Simple types: values with an XML Schema lexical form (element text,
//! attribute values, list items), and the built-in Rust types that have one.

use crate::error::{Error, Result};

/// Resolves namespace prefixes where a value was read (for `xs:QName` values).
pub trait NamespaceScope {
    /// The namespace bound to `prefix` (`""`: the default namespace; `Some("")` when none is declared).
    fn resolve(&self, prefix: &str) -> Option<String>;
}

/// Declares namespace prefixes where a value is written (for `xs:QName` values).
pub trait PrefixScope {
    /// A prefix bound to `namespace` where the value is written, declaring one if needed;
    /// `""` means the unprefixed name already resolves to `namespace`.
    fn prefix_for(&mut self, namespace: &str) -> Result<String>;
}

/// A scope that binds nothing but the implicit `xml` prefix.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoScope;

impl NamespaceScope for NoScope {
    fn resolve(&self, prefix: &str) -> Option<String> {
        match prefix {
            "" => Some(String::new()),
            "xml" => Some(crate::ns::XML.to_owned()),
            _ => None,
        }
    }
}

impl PrefixScope for NoScope {
    fn prefix_for(&mut self, namespace: &str) -> Result<String> {
        if namespace.is_empty() {
            Ok(String::new())
        } else {
            Err(Error::InvalidFormat(format!(
                "no prefix can be declared here for namespace {namespace:?}"
            )))
        }
    }
}

/// A value with an XML Schema lexical form: the one trait a user's own
/// simple type implements to be usable as an element, attribute, text
/// content or list item.
///
/// ```
/// use wws_core::xsd::SimpleType;
///
/// /// A temperature in tenths of a degree, written as `21.5C`.
/// #[derive(Debug, PartialEq)]
/// struct Celsius(i32);
///
/// impl SimpleType for Celsius {
///     fn parse(text: &str) -> Result<Self, String> {
///         let t = wws_core::xsd::trim(text);
///         let n = t.strip_suffix('C').ok_or_else(|| format!("{t:?} lacks the unit C"))?;
///         let d: wws_core::xsd::Decimal = n.parse()?;
///         Ok(Celsius((d.to_f64() * 10.0).round() as i32))
///     }
///     fn format(&self, out: &mut String) -> wws_core::Result<()> {
///         out.push_str(&format!("{}.{}C", self.0 / 10, (self.0 % 10).abs()));
///         Ok(())
///     }
/// }
/// assert_eq!(Celsius::parse(" 21.5C ")?, Celsius(215));
/// # Ok::<(), String>(())
/// ```
pub trait SimpleType: Sized {
    /// Parses the lexical form, unescaped, whitespace as written (each type
    /// applies its own whitespace facet; most trim).
    fn parse(text: &str) -> std::result::Result<Self, String>;

    /// Appends the lexical form (unescaped) to `out`.
    fn format(&self, out: &mut String) -> Result<()>;

    /// Parses where prefixes resolve against `scope`; [`parse`](Self::parse) unless the value holds a QName.
    fn parse_in(text: &str, scope: &dyn NamespaceScope) -> std::result::Result<Self, String> {
        let _ = scope;
        Self::parse(text)
    }

    /// Formats where prefixes are declared through `scope`; [`format`](Self::format) unless the value holds a QName.
    fn format_in(&self, out: &mut String, scope: &mut dyn PrefixScope) -> Result<()> {
        let _ = scope;
        self.format(out)
    }

    /// True if [`parse_in`](Self::parse_in) looks at the scope (the reader then keeps it).
    const NEEDS_SCOPE: bool = false;
}

const fn is_xml_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

/// Trims XML whitespace (space, tab, CR, LF) from both ends (the `collapse` facet, for tokens).
pub fn trim(text: &str) -> &str {
    text.trim_matches(is_xml_space)
}

/// Applies the `collapse` whitespace facet: trims and turns each run of XML whitespace into one space.
pub fn collapse(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split(is_xml_space).filter(|w| !w.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

fn push_display(out: &mut String, v: impl std::fmt::Display) {
    use std::fmt::Write;
    // Writing to a String cannot fail.
    let _ = write!(out, "{v}");
}

macro_rules! float_type {
    ($t:ty, $xsd:literal) => {
        #[doc = concat!("`xs:", $xsd, "`: `INF`, `-INF` and `NaN` as XML Schema spells them; written in the shortest form that reads back to the same value.")]
        impl SimpleType for $t {
            fn parse(text: &str) -> std::result::Result<Self, String> {
                match trim(text) {
                    "INF" | "+INF" => Ok(<$t>::INFINITY),
                    "-INF" => Ok(<$t>::NEG_INFINITY),
                    "NaN" => Ok(<$t>::NAN),
                    // Rust also reads "inf", "nan", "infinity"; XML Schema does not.
                    t if t
                        .bytes()
                        .any(|b| b.is_ascii_alphabetic() && !matches!(b, b'e' | b'E')) =>
                    {
                        Err(format!("{t:?} is not a valid {}", $xsd))
                    }
                    t => t
                        .parse::<$t>()
                        .map_err(|e| format!("{t:?} is not a valid {}: {e}", $xsd)),
                }
            }

            fn format(&self, out: &mut String) -> Result<()> {
                if self.is_nan() {
                    out.push_str("NaN");
                } else if self.is_infinite() {
                    out.push_str(if *self > 0.0 { "INF" } else { "-INF" });
                } else {
                    use std::fmt::Write;
                    // Debug is the shortest form that parses back to the same value.
                    let _ = write!(out, "{self:?}");
                }
                Ok(())
            }
        }
    };
}

float_type!(f64, "double");
float_type!(f32, "float");

macro_rules! int_type {
    ($($t:ty => $xsd:literal),* $(,)?) => {$(
        impl SimpleType for $t {
            fn parse(text: &str) -> std::result::Result<Self, String> {
                let t = trim(text);
                // `-0` is a valid lexical form of every integer type, unsigned ones included.
                let digits = match t.strip_prefix('-') {
                    Some(d) if !d.is_empty() && d.bytes().all(|b| b == b'0') => "0",
                    _ => t,
                };
                digits
                    .parse::<$t>()
                    .map_err(|e| format!("{t:?} is not a valid {}: {e}", $xsd))
            }

            fn format(&self, out: &mut String) -> Result<()> {
                push_display(out, self);
                Ok(())
            }
        }
    )*};
}

int_type!(
    i8 => "xs:byte",
    i16 => "xs:short",
    i32 => "xs:int",
    i64 => "xs:long",
    i128 => "integer (128-bit)",
    u8 => "xs:unsignedByte",
    u16 => "xs:unsignedShort",
    u32 => "xs:unsignedInt",
    u64 => "xs:unsignedLong",
    u128 => "nonNegativeInteger (128-bit)",
);

/// `xs:boolean`: reads `true`, `false`, `1`, `0`; writes `true` or `false`.
impl SimpleType for bool {
    fn parse(text: &str) -> std::result::Result<Self, String> {
        match trim(text) {
            "true" | "1" => Ok(true),
            "false" | "0" => Ok(false),
            t => Err(format!("{t:?} is not a valid boolean")),
        }
    }

    fn format(&self, out: &mut String) -> Result<()> {
        out.push_str(if *self { "true" } else { "false" });
        Ok(())
    }
}

/// `xs:string`: whitespace preserved.
impl SimpleType for String {
    fn parse(text: &str) -> std::result::Result<Self, String> {
        Ok(text.to_owned())
    }

    fn format(&self, out: &mut String) -> Result<()> {
        out.push_str(self);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fmt<T: SimpleType>(v: &T) -> String {
        let mut s = String::new();
        v.format(&mut s).ok();
        s
    }

    #[test]
    fn integers_accept_signs_and_minus_zero() {
        assert_eq!(u32::parse(" +7 "), Ok(7));
        assert_eq!(u8::parse("-0"), Ok(0));
        assert!(u8::parse("256").is_err());
        assert!(i8::parse("-").is_err());
        assert_eq!(fmt(&-5i64), "-5");
    }

    #[test]
    fn collapse_and_trim() {
        assert_eq!(collapse("  a \t b\r\n c "), "a b c");
        assert_eq!(trim("\n x \t"), "x");
    }
}
