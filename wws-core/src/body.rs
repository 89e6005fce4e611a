//! Typed bodies: Rust types that map to document/literal wrapped elements.
//!
//! A body type is declared with `#[derive(XmlType, BodyElement)]` (see
//! [`xsd`](crate::xsd)) or the older [`body_element!`](crate::body_element),
//! now sugar over the same derive. We use traits of our own rather than
//! serde: the element's namespace is fixed at compile time and every child
//! is written and checked in its namespace, whatever prefixes a peer uses.
//! Serde through quick-xml has no notion of namespaces, so prefixes and
//! default namespaces would leak into field names or be ignored.

use bytes::BytesMut;

use crate::error::Result;

/// A type that is the single child of a SOAP `Body` in document/literal wrapped style.
pub trait BodyElement: Sized {
    /// Namespace URI of the wrapper element.
    const NAMESPACE: &'static str;
    /// Local name of the wrapper element.
    const NAME: &'static str;

    /// Writes the wrapper element, declaring every namespace it uses on itself.
    ///
    /// Fails with [`Error::InvalidFormat`](crate::Error::InvalidFormat) when
    /// a value cannot be written as XML 1.0 (a character XML does not allow,
    /// an invalid name); derived types then leave `out` as it was.
    fn write_element(&self, out: &mut BytesMut) -> Result<()>;

    /// Reads the wrapper element from standalone XML (as kept in [`Message::body`](crate::Message::body)).
    fn read_element(xml: &[u8]) -> Result<Self>;

    /// Reads a message body as this element: what
    /// [`Message::read_body`](crate::Message::read_body) calls. It must
    /// refuse a body whose first element is not `{NAMESPACE}NAME`; another
    /// element, or none, is an [`Error::InvalidFormat`](crate::Error::InvalidFormat)
    /// that names both.
    ///
    /// The provided method reads the first start tag to check its name, then
    /// calls [`read_element`](Self::read_element). The derive overrides it
    /// to check the name on the reader that reads the element, so a body is
    /// parsed once.
    fn read_body_element(xml: &[u8]) -> Result<Self> {
        match crate::envelope_read::first_element(xml) {
            Some(q) if q.namespace == Self::NAMESPACE && q.local == Self::NAME => {
                Self::read_element(xml)
            }
            found => Err(crate::message::not_the_body_element(
                Self::NAMESPACE,
                Self::NAME,
                found.as_ref().map(ToString::to_string),
            )),
        }
    }
}

/// Declares a struct that is a document/literal wrapped body element:
/// sugar over `#[derive(XmlType, BodyElement)]` with `#[xml(strict)]`.
///
/// The first attribute gives the namespace (and optionally the element
/// name, else the struct's name); children are qualified in the same
/// namespace, named after the fields unless `field as "xmlName": Type`.
/// Field types: anything the derive takes (every [`SimpleType`](crate::xsd::SimpleType),
/// derived types, `Option`, `Vec`, …). Reading accepts any prefix or a
/// default namespace and children in any order; being strict, it rejects
/// missing required fields, repeated fields, unknown children and
/// attributes, and fields in another namespace. Use the derive directly
/// for lax reading and everything else XSD has.
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
/// QuoteRequest { symbol: "ACME".into(), day: None }.write_element(&mut out);
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
        #[derive($crate::XmlType, $crate::BodyElement)]
        #[xml(namespace = $ns, strict $(, name = $element)?)]
        $vis struct $name {
            $( $(#[$fmeta])* $(#[xml(rename = $xml)])? $fvis $field: $fty, )*
        }
    };
}
