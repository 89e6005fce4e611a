//! Typed bodies: Rust types that map to document/literal wrapped elements.
//!
//! We use traits of our own and the [`body_element!`](crate::body_element)
//! macro rather than serde: the element's namespace is fixed at compile
//! time and every child is written and checked in exactly that namespace
//! (`elementFormDefault="qualified"`), whatever prefixes a peer uses. Serde
//! through quick-xml has no notion of namespaces, so prefixes and default
//! namespaces would leak into field names or be ignored.

use bytes::BytesMut;

use crate::error::{Error, Result};
use crate::xml::reader::{StartTag, XmlReader, trim_xml};
use crate::xml::writer::write_text;

/// A type that is the single child of a SOAP `Body` in document/literal wrapped style.
pub trait BodyElement: Sized {
    /// Namespace URI of the wrapper element.
    const NAMESPACE: &'static str;
    /// Local name of the wrapper element.
    const NAME: &'static str;

    /// Writes the wrapper element, declaring every namespace it uses on itself.
    ///
    /// Fails with [`Error::InvalidFormat`] if a value holds a character XML
    /// 1.0 does not allow ([`write_text`]); `out` may then hold part of the element.
    fn write_element(&self, out: &mut BytesMut) -> Result<()>;

    /// Reads the wrapper element from standalone XML (as kept in [`Message::body`](crate::Message::body)).
    fn read_element(xml: &[u8]) -> Result<Self>;
}

/// A simple value with an XML Schema lexical form.
pub trait XmlValue: Sized {
    /// Appends the lexical form, escaped as XML text; fails as [`write_text`] does.
    fn write_value(&self, out: &mut BytesMut) -> Result<()>;
    /// Parses the lexical form (already unescaped).
    fn parse_value(text: &str) -> std::result::Result<Self, String>;
}

fn write_display(out: &mut BytesMut, v: impl std::fmt::Display) {
    use std::fmt::Write;
    // Writing to BytesMut cannot fail.
    let _ = write!(out, "{v}");
}

macro_rules! float_value {
    ($t:ty) => {
        impl XmlValue for $t {
            fn write_value(&self, out: &mut BytesMut) -> Result<()> {
                if self.is_nan() {
                    out.extend_from_slice(b"NaN");
                } else if self.is_infinite() {
                    out.extend_from_slice(if *self > 0.0 { b"INF" } else { b"-INF" });
                } else {
                    use std::fmt::Write;
                    // Debug is the shortest form that parses back to the same value.
                    let _ = write!(out, "{self:?}");
                }
                Ok(())
            }

            fn parse_value(text: &str) -> std::result::Result<Self, String> {
                match trim_xml(text) {
                    "INF" | "+INF" => Ok(<$t>::INFINITY),
                    "-INF" => Ok(<$t>::NEG_INFINITY),
                    "NaN" => Ok(<$t>::NAN),
                    // Rust also reads "inf", "nan", "infinity"; XML Schema does not.
                    t if t
                        .bytes()
                        .any(|b| b.is_ascii_alphabetic() && !matches!(b, b'e' | b'E')) =>
                    {
                        Err(format!("{t:?} is not a valid {}", stringify!($t)))
                    }
                    t => t
                        .parse::<$t>()
                        .map_err(|e| format!("{t:?} is not a valid {}: {e}", stringify!($t))),
                }
            }
        }
    };
}

float_value!(f64);
float_value!(f32);

macro_rules! int_value {
    ($t:ty) => {
        impl XmlValue for $t {
            fn write_value(&self, out: &mut BytesMut) -> Result<()> {
                write_display(out, self);
                Ok(())
            }

            fn parse_value(text: &str) -> std::result::Result<Self, String> {
                let t = trim_xml(text);
                t.parse::<$t>()
                    .map_err(|e| format!("{t:?} is not a valid {}: {e}", stringify!($t)))
            }
        }
    };
}

int_value!(i32);
int_value!(i64);
int_value!(u32);
int_value!(u64);

impl XmlValue for bool {
    fn write_value(&self, out: &mut BytesMut) -> Result<()> {
        out.extend_from_slice(if *self { b"true" } else { b"false" });
        Ok(())
    }

    fn parse_value(text: &str) -> std::result::Result<Self, String> {
        match trim_xml(text) {
            "true" | "1" => Ok(true),
            "false" | "0" => Ok(false),
            t => Err(format!("{t:?} is not a valid boolean")),
        }
    }
}

impl XmlValue for String {
    fn write_value(&self, out: &mut BytesMut) -> Result<()> {
        write_text(out, self)
    }

    fn parse_value(text: &str) -> std::result::Result<Self, String> {
        Ok(text.to_string())
    }
}

/// A field of a [`body_element!`](crate::body_element) struct: a value, or an optional one (`minOccurs="0"`).
pub trait BodyField: Sized {
    /// Writes the field's element (`open`, value, `close`); an absent optional
    /// writes nothing. Fails as [`XmlValue::write_value`] does.
    fn write_field(&self, open: &str, close: &str, out: &mut BytesMut) -> Result<()>;
    /// Reads the field from its element, whose start `tag` was just read.
    fn read_field<'a>(
        r: &mut XmlReader<'a>,
        tag: &StartTag<'a>,
        element: &str,
        field: &str,
    ) -> Result<Self>;
    /// The value when the element is absent: an error unless optional.
    fn missing(element: &str, field: &str) -> Result<Self>;
}

fn read_value<'a, T: XmlValue>(
    r: &mut XmlReader<'a>,
    tag: &StartTag<'a>,
    element: &str,
    field: &str,
) -> Result<T> {
    if r.is_nil(tag) {
        return Err(Error::InvalidFormat(format!(
            "{element}.{field} is nil but required"
        )));
    }
    let text = r.read_text(tag)?;
    T::parse_value(&text).map_err(|e| Error::InvalidFormat(format!("{element}.{field}: {e}")))
}

macro_rules! body_field {
    ($($t:ty),*) => {$(
        impl BodyField for $t {
            fn write_field(&self, open: &str, close: &str, out: &mut BytesMut) -> Result<()> {
                out.extend_from_slice(open.as_bytes());
                self.write_value(out)?;
                out.extend_from_slice(close.as_bytes());
                Ok(())
            }

            fn read_field<'a>(
                r: &mut XmlReader<'a>,
                tag: &StartTag<'a>,
                element: &str,
                field: &str,
            ) -> Result<Self> {
                read_value(r, tag, element, field)
            }

            fn missing(element: &str, field: &str) -> Result<Self> {
                Err(Error::InvalidFormat(format!(
                    "{element}.{field} is missing"
                )))
            }
        }

        impl BodyField for Option<$t> {
            fn write_field(&self, open: &str, close: &str, out: &mut BytesMut) -> Result<()> {
                match self {
                    Some(v) => v.write_field(open, close, out),
                    None => Ok(()),
                }
            }

            fn read_field<'a>(
                r: &mut XmlReader<'a>,
                tag: &StartTag<'a>,
                element: &str,
                field: &str,
            ) -> Result<Self> {
                if r.is_nil(tag) {
                    r.skip_element()?;
                    return Ok(None);
                }
                read_value(r, tag, element, field).map(Some)
            }

            fn missing(_element: &str, _field: &str) -> Result<Self> {
                Ok(None)
            }
        }
    )*};
}

body_field!(f64, f32, i32, i64, u32, u64, bool, String);

/// Reads the first element of `r` and checks that it is `{namespace}name`.
#[doc(hidden)]
pub fn expect_element<'a>(
    r: &mut XmlReader<'a>,
    namespace: &str,
    name: &str,
) -> Result<StartTag<'a>> {
    let root = r.root()?;
    if !root.is(namespace, name) {
        return Err(Error::InvalidFormat(format!(
            "expected element {{{namespace}}}{name}, found {}",
            root.qname()
        )));
    }
    Ok(root)
}

/// Checks a child that names field `field` of `element`: namespace and no repeat.
#[doc(hidden)]
pub fn check_field(
    child: &StartTag<'_>,
    namespace: &str,
    element: &str,
    field: &str,
    seen: bool,
) -> Result<()> {
    if child.namespace() != namespace {
        return Err(Error::InvalidFormat(format!(
            "{element}.{field} is in namespace {:?}, expected {namespace:?}",
            child.namespace()
        )));
    }
    if seen {
        return Err(Error::InvalidFormat(format!(
            "{element}.{field} occurs twice"
        )));
    }
    Ok(())
}

/// The error for a child that is no field of `element`.
#[doc(hidden)]
pub fn unexpected_element(child: &StartTag<'_>, element: &str) -> Error {
    Error::InvalidFormat(format!("unexpected element {} in {element}", child.qname()))
}

/// The XML name of a struct or field: its Rust name unless overridden.
#[doc(hidden)]
#[macro_export]
macro_rules! __wws_xml_name {
    ($name:ident) => {
        ::core::stringify!($name)
    };
    ($name:ident, $xml:literal) => {
        $xml
    };
}

/// Declares a struct that is a document/literal wrapped body element.
///
/// The first attribute gives the namespace (and optionally the element
/// name, else the struct's name); children are qualified in the same
/// namespace, named after the fields unless `field as "xmlName": Type`.
/// Field types: `f64`, `f32`, `i32`, `i64`, `u32`, `u64`, `bool`,
/// `String`, or `Option` of one of them (`minOccurs="0"`). Reading accepts
/// any prefix or a default namespace and children in any order; it rejects
/// missing required fields, repeated fields, unknown children and fields in
/// another namespace.
///
/// ```
/// wws_core::body_element! {
///     #[namespace = "urn:example", element = "GetQuote"]
///     /// A quote request.
///     #[derive(Debug, Clone, PartialEq)]
///     pub struct QuoteRequest {
///         /// Ticker symbol.
///         pub symbol as "Symbol": String,
///         /// Optional day.
///         pub day: Option<i32>,
///     }
/// }
/// use wws_core::BodyElement;
/// let mut out = wws_core::bytes::BytesMut::new();
/// QuoteRequest { symbol: "ACME".into(), day: None }.write_element(&mut out)?;
/// assert_eq!(&out[..], br#"<GetQuote xmlns="urn:example"><Symbol>ACME</Symbol></GetQuote>"#);
/// let back = QuoteRequest::read_element(br#"<q:GetQuote xmlns:q="urn:example"><q:Symbol>ACME</q:Symbol></q:GetQuote>"#)?;
/// assert_eq!(back.symbol, "ACME");
/// # Ok::<(), wws_core::Error>(())
/// ```
#[macro_export]
macro_rules! body_element {
    (
        #[namespace = $ns:literal $(, element = $element:literal)? $(,)?]
        $(#[$meta:meta])*
        $vis:vis struct $name:ident {
            $(
                $(#[$fmeta:meta])*
                $fvis:vis $field:ident $(as $xml:literal)? : $fty:ty
            ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        $vis struct $name {
            $( $(#[$fmeta])* $fvis $field: $fty, )*
        }

        impl $crate::body::BodyElement for $name {
            const NAMESPACE: &'static str = $ns;
            const NAME: &'static str = $crate::__wws_xml_name!($name $(, $element)?);

            fn write_element(&self, out: &mut $crate::bytes::BytesMut) -> $crate::Result<()> {
                out.extend_from_slice(::core::concat!(
                    "<", $crate::__wws_xml_name!($name $(, $element)?), " xmlns=\"", $ns, "\">"
                ).as_bytes());
                $(
                    $crate::body::BodyField::write_field(
                        &self.$field,
                        ::core::concat!("<", $crate::__wws_xml_name!($field $(, $xml)?), ">"),
                        ::core::concat!("</", $crate::__wws_xml_name!($field $(, $xml)?), ">"),
                        out,
                    )?;
                )*
                out.extend_from_slice(::core::concat!(
                    "</", $crate::__wws_xml_name!($name $(, $element)?), ">"
                ).as_bytes());
                ::core::result::Result::Ok(())
            }

            #[allow(unused_mut, unused_variables)]
            fn read_element(xml: &[u8]) -> $crate::Result<Self> {
                let mut reader = $crate::xml::XmlReader::new(xml)?;
                let root = $crate::body::expect_element(
                    &mut reader,
                    <Self as $crate::body::BodyElement>::NAMESPACE,
                    <Self as $crate::body::BodyElement>::NAME,
                )?;
                $( let mut $field: ::core::option::Option<$fty> = ::core::option::Option::None; )*
                while let ::core::option::Option::Some(child) = reader.next_child()? {
                    let local = child.local();
                    $(
                        if local == $crate::__wws_xml_name!($field $(, $xml)?) {
                            $crate::body::check_field(
                                &child,
                                <Self as $crate::body::BodyElement>::NAMESPACE,
                                <Self as $crate::body::BodyElement>::NAME,
                                local,
                                $field.is_some(),
                            )?;
                            $field = ::core::option::Option::Some(
                                <$fty as $crate::body::BodyField>::read_field(
                                    &mut reader,
                                    &child,
                                    <Self as $crate::body::BodyElement>::NAME,
                                    local,
                                )?,
                            );
                            continue;
                        }
                    )*
                    return ::core::result::Result::Err($crate::body::unexpected_element(
                        &child,
                        <Self as $crate::body::BodyElement>::NAME,
                    ));
                }
                ::core::result::Result::Ok($name {
                    $(
                        $field: match $field {
                            ::core::option::Option::Some(v) => v,
                            ::core::option::Option::None => <$fty as $crate::body::BodyField>::missing(
                                <Self as $crate::body::BodyElement>::NAME,
                                $crate::__wws_xml_name!($field $(, $xml)?),
                            )?,
                        },
                    )*
                })
            }
        }
    };
}
