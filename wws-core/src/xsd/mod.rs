//! XSD data binding: Rust types ↔ XML Schema types, read and written by one
//! generic interpreter over per-type description tables.
//!
//! ```
//! use wws_core::xsd::{Decimal, DateTime, Nillable};
//! use wws_core::{BodyElement, XmlType};
//!
//! #[derive(XmlType, Debug, PartialEq)]
//! #[xml(namespace = "urn:shop", rename_all = "PascalCase")]
//! struct Line {
//!     #[xml(attribute, rename = "sku")]
//!     sku: String,
//!     price: Decimal,
//!     note: Option<String>,
//! }
//!
//! #[derive(XmlType, BodyElement, Debug, PartialEq)]
//! #[xml(namespace = "urn:shop", name = "Order", rename_all = "PascalCase")]
//! struct Order {
//!     placed: DateTime,
//!     line: Vec<Line>,
//!     coupon: Option<Nillable<String>>,
//! }
//!
//! let xml = br#"<s:Order xmlns:s="urn:shop" xmlns:i="http://www.w3.org/2001/XMLSchema-instance">
//!     <s:Placed>2024-05-01T10:00:00.5+02:00</s:Placed>
//!     <s:Line sku="A-1" unknown="skipped"><s:Price>19.90</s:Price><s:New>skipped</s:New></s:Line>
//!     <s:Line sku="B-2"><s:Price>1e3</s:Price></s:Line>
//!     <s:Coupon i:nil="true"/>
//! </s:Order>"#;
//! // `1e3` is no xs:decimal: the error names the type and field.
//! let err = Order::read_element(xml).unwrap_err().to_string();
//! assert!(err.contains("Order.Line: Line.Price"), "{err}");
//!
//! let xml = String::from_utf8_lossy(xml).replace("1e3", "1000");
//! let order = Order::read_element(xml.as_bytes())?;
//! assert_eq!(order.line[1].price, "1000.00".parse::<Decimal>()?);
//! assert_eq!(order.coupon, Some(Nillable::Nil));
//!
//! let mut out = wws_core::bytes::BytesMut::new();
//! order.write_element(&mut out)?;
//! assert_eq!(Order::read_element(&out)?, order);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # How it works
//!
//! `#[derive(XmlType)]` on a struct emits a [`TypeDesc`]: one
//! [`FieldDesc`] per field with its XML name (namespace resolved at compile
//! time) and two or three accessor `fn`s (no `unsafe`). [`read_complex`] and
//! [`write_complex`] interpret these tables for every type, so generated
//! code stays a few lines per field. Occurrence is carried by the field's
//! Rust type through the generic [`Field`] and [`ValueField`] traits
//! (`T`, `Option<T>`, `Vec<T>` for every `T: XmlType`), which is also why
//! `Option<YourType>` needs no impl of yours (no orphan-rule trouble).
//!
//! Reading is namespace-aware and prefix-independent, accepts children in
//! any order, skips unknown elements and attributes (or keeps them in an
//! `#[xml(any)]` / `#[xml(any_attribute)]` field) unless [`ReadOptions::strict`]
//! or `#[xml(strict)]` asks otherwise, and stays under the
//! [`ReaderQuotas`](crate::ReaderQuotas) (size, depth, attributes) of the
//! underlying [`XmlReader`](crate::xml::XmlReader). Errors name the type and
//! field (`Order.Line: Line.Price: "1e3" is not a valid decimal`). Writing
//! follows field order and returns `Result` at every step.
//!
//! # XSD → Rust
//!
//! | XSD | Rust |
//! |---|---|
//! | `complexType` (`sequence`, `all`) | `#[derive(XmlType)] struct`; children qualified in `#[xml(namespace)]` |
//! | `elementFormDefault="unqualified"` | `#[xml(unqualified)]` on the struct or a field |
//! | element `ref` / child in another namespace | `#[xml(namespace = "…")]` on the field |
//! | top-level element (document/literal wrapped body) | add `#[derive(BodyElement)]`, `#[xml(namespace, name)]` |
//! | `minOccurs="0"` | `Option<T>` (any `T`) |
//! | `maxOccurs="unbounded"` | `Vec<T>` |
//! | `nillable="true"` | [`Nillable<T>`] (`Option<Nillable<T>>`: absent, nil, value), or `#[xml(nillable)]` on `Option<T>` (None written as nil) |
//! | `attribute` | `#[xml(attribute)]` with `T` or `Option<T>` of a [`SimpleType`] |
//! | `simpleContent` | `#[xml(text)]` field plus `#[xml(attribute)]` fields |
//! | `complexContent/extension` | `#[xml(flatten)]` field holding the base, first |
//! | `xsi:type` polymorphism | `#[derive(XmlType)] #[xml(polymorphic)] enum` of the base and derived types (first variant: the declared type) |
//! | `choice` | `#[derive(XmlType)] enum` with one-field (or unit) variants, one element each |
//! | `simpleType` `enumeration` | `#[derive(XmlType)] enum` of unit variants; `#[xml(other)] Other(String)` keeps unknown values |
//! | `list` | [`List<T>`], or `Vec<T>` with `#[xml(list)]` (elements) / as an attribute |
//! | `any` / `anyAttribute` | `#[xml(any)] Vec<RawXml>` / `#[xml(any_attribute)] Vec<XmlAttribute>`; [`RawXml`] as a named field keeps one element whole |
//! | `string` | `String` (whitespace kept) |
//! | `token`, `anyURI` | [`Token`], [`AnyUri`] (whitespace collapsed) |
//! | `boolean` | `bool` (reads `true`/`false`/`1`/`0`) |
//! | `decimal` | [`Decimal`] (exact, lexical form kept, compared by value) |
//! | `integer`, `nonNegativeInteger`, `positiveInteger`, … | [`Integer`] (unbounded; range facets not checked) |
//! | `long`, `int`, `short`, `byte` | `i64`, `i32`, `i16`, `i8` |
//! | `unsignedLong`, `unsignedInt`, `unsignedShort`, `unsignedByte` | `u64`, `u32`, `u16`, `u8` |
//! | `double`, `float` | `f64`, `f32` (`INF`, `-INF`, `NaN`) — never for `xs:decimal` |
//! | `dateTime`, `date`, `time` | [`DateTime`], [`Date`], [`Time`] (offset optional, nanoseconds) |
//! | `duration` | [`Duration`] (signed; months and seconds apart) |
//! | `base64Binary`, `hexBinary` | [`Base64Binary`], [`HexBinary`] |
//! | `QName` | [`QName`](crate::QName) (resolved on read; prefix declared on write) |
//! | your own simple type | implement [`SimpleType`] (two methods) |
//!
//! # Derive attributes
//!
//! On the type, `#[xml(…)]`:
//! - `namespace = "…"` (or the path of a `&'static str` constant): the
//!   target namespace; children are qualified in it, it names the type for
//!   `xsi:type` and, with `BodyElement`, is the element's namespace;
//! - `name = "…"`: the XSD name (element name for `BodyElement`, type name
//!   otherwise; default: the Rust name); `type_name = "…"` overrides the
//!   type name alone;
//! - `rename_all = "PascalCase" | "camelCase" | "lowercase" | "UPPERCASE"`:
//!   XML names from Rust names, for fields, attributes and variants alike;
//! - `unqualified`: children in no namespace (`elementFormDefault="unqualified"`);
//! - `strict`: this type always reads strictly;
//! - on an enum: `polymorphic` (an `xsi:type` family) or `choice` (forces a
//!   choice when every variant is a unit).
//!
//! On a field: `attribute`, `text`, `list`, `any`, `any_attribute`,
//! `flatten`, `skip` (what it is; default: a child element), `rename = "…"`,
//! `namespace = "…"` (element `ref` or `form="qualified"` attribute in
//! another namespace), `unqualified`, `nillable` (on `Option<T>`: `None` is
//! written as `xsi:nil`). On a variant: `rename`, `namespace`,
//! `unqualified`, and `other` for the variant keeping unknown enumeration values.
//!
//! # Choices where XSD is silent
//!
//! - Children are read in any order (`xs:sequence` and `xs:all` alike) and
//!   written in field order; a known element that occurs more often than its
//!   field allows is an error in both modes (it is no newer peer's addition
//!   but a broken contract), an unknown one is skipped unless strict.
//! - Attributes are unqualified unless a `namespace` is given
//!   (`attributeFormDefault="unqualified"`, the XSD default).
//! - A nil element in an `Option<T>` reads as `None` and in a `Vec<T>` is
//!   dropped, unless `T` is [`Nillable`]; nil for a required field is an error.
//! - The writer declares the root's namespace as default (or as a prefix
//!   when children are unqualified), a type's child namespaces once on its
//!   start tag, and `xsi` where nil or `xsi:type` is written; prefixes are
//!   `ns0`, `ns1`, … (`xsi`, `xs` for those).
//! - `xsi:type` naming a type no variant of a `polymorphic` enum knows reads
//!   as the first variant (the declared type), lax; strict mode refuses it.
//!
//! Not supported: mixed content; `xs:sequence`/`xs:group` as a choice
//! alternative (wrap it in a struct); recursive types through `Box`; the
//! `gYear`/`gMonth`/… family; facets (length, pattern, ranges) are not
//! checked; `Nillable` of a choice writes the field's own name; `xs:all`
//! and sequences both read in any order and write in field order.

mod binary;
mod datetime;
mod decimal;
mod desc;
mod duration;
mod field;
mod nillable;
mod raw;
mod read;
mod simple;
mod text;
mod types;
mod write;

pub use binary::{Base64Binary, HexBinary};
pub use datetime::{Date, DateTime, Offset, Time, days_in_month, is_leap_year};
pub use decimal::{Decimal, Integer};
pub use desc::{
    Access, FieldDesc, MatchAttribute, MatchChild, MatchText, ReadAnyAttribute, ReadChild,
    ReadValue, TypeDesc, WriteField, WritePart, WriteValue,
};
pub use duration::Duration;
pub use field::{
    Field, FieldRef, ValueField, read_value_element, write_any_attributes, write_nil_if_none,
    write_value_element,
};
pub use nillable::Nillable;
pub use raw::{RawXml, XmlAttribute};
pub use read::{
    ReadOptions, XsdReader, accept_attribute, accept_child, accept_text, choice_index, is_type,
    not_in_choice, read_body_element, read_complex, read_element, unknown_type, unknown_value,
};
pub use simple::{NamespaceScope, NoScope, PrefixScope, SimpleType, collapse, trim};
pub use text::{AnyUri, List, Token};
pub use types::{ComplexType, XmlName, XmlType};
pub use write::{XsdWriter, write_attributes, write_complex, write_content, write_element};
