//! Description tables: what `#[derive(XmlType)]` emits for a struct, a
//! list of fields with names and accessor functions (no `unsafe`: plain
//! `fn` pointers over the value and its read-time slots), as WWSAPI's
//! wsutil emits `WS_STRUCT_DESCRIPTION`s for one serializer to read.

use super::raw::XmlAttribute;
use super::read::XsdReader;
use super::simple::{NamespaceScope, PrefixScope};
use super::types::{ComplexType, XmlName};
use super::write::XsdWriter;
use crate::error::Result;
use crate::xml::StartTag;

/// The table of one complex type.
pub struct TypeDesc<T: ComplexType + 'static> {
    /// The XSD type name (for `xsi:type` and errors).
    pub name: &'static str,
    /// The type's target namespace (for `xsi:type`).
    pub namespace: &'static str,
    /// Reads this type strictly whatever the reader's mode (unknown children and attributes are errors).
    pub strict: bool,
    /// The fields in schema order.
    pub fields: &'static [FieldDesc<T>],
}

/// One field: its XML name and how to reach it.
pub struct FieldDesc<T: ComplexType + 'static> {
    /// Element or attribute name (namespace already resolved: qualified, unqualified or per field).
    pub name: XmlName,
    /// The accessors.
    pub access: Access<T>,
}

/// Reads one occurrence of a child element into the slots.
pub type ReadChild<T> =
    for<'a> fn(&mut <T as ComplexType>::Slots, &mut XsdReader<'a>, &StartTag<'a>) -> Result<()>;
/// Writes a field as element(s) named `name`.
pub type WriteField<T> = fn(&T, &mut XsdWriter<'_>, XmlName) -> Result<()>;
/// Parses a lexical value (attribute or text) into the slots.
pub type ReadValue<T> = fn(&mut <T as ComplexType>::Slots, &str, &dyn NamespaceScope) -> Result<()>;
/// Formats a lexical value; `false` when absent.
pub type WriteValue<T> = fn(&T, &mut String, &mut dyn PrefixScope) -> Result<bool>;
/// Keeps an attribute no field names.
pub type ReadAnyAttribute<T> = fn(&mut <T as ComplexType>::Slots, XmlAttribute);
/// Writes a part of the value (attributes or content).
pub type WritePart<T> = fn(&T, &mut XsdWriter<'_>) -> Result<()>;
/// Offers a child to a flattened base: `true` if it took it (`any`: the `xs:any` round).
pub type MatchChild<T> = for<'a> fn(
    &mut <T as ComplexType>::Slots,
    &mut XsdReader<'a>,
    &StartTag<'a>,
    bool,
) -> Result<bool>;
/// Offers an attribute (namespace, local name, value) to a flattened base: `true` if it took it.
pub type MatchAttribute<T> =
    fn(&mut <T as ComplexType>::Slots, &str, &str, &str, &dyn NamespaceScope) -> Result<bool>;
/// Offers text content to a flattened base: `true` if it took it.
pub type MatchText<T> =
    fn(&mut <T as ComplexType>::Slots, &str, &dyn NamespaceScope) -> Result<bool>;

/// How a field maps to XML.
pub enum Access<T: ComplexType + 'static> {
    /// A child element (`Option`: `minOccurs="0"`, `Vec`: `maxOccurs`); `choice` lists the names a choice type picks from.
    Element {
        /// Reads one occurrence.
        read: ReadChild<T>,
        /// Writes every occurrence.
        write: WriteField<T>,
        /// The element names of an `xs:choice` field type.
        choice: Option<&'static [XmlName]>,
    },
    /// An attribute.
    Attribute {
        /// Parses the value.
        read: ReadValue<T>,
        /// Formats the value.
        write: WriteValue<T>,
    },
    /// The text content (`xs:simpleContent`).
    Text {
        /// Parses the text.
        read: ReadValue<T>,
        /// Formats the text.
        write: WriteValue<T>,
    },
    /// `xs:any`: child elements no other field takes, kept as raw XML.
    Any {
        /// Keeps one element.
        read: ReadChild<T>,
        /// Writes the kept elements.
        write: WriteField<T>,
    },
    /// `xs:anyAttribute`: attributes no other field takes.
    AnyAttribute {
        /// Keeps one attribute.
        read: ReadAnyAttribute<T>,
        /// Writes the kept attributes.
        write: WritePart<T>,
    },
    /// A complex base type whose fields are this type's own (`xs:complexContent` / `xs:extension`).
    Flatten {
        /// Offers a child element.
        child: MatchChild<T>,
        /// Offers an attribute.
        attribute: MatchAttribute<T>,
        /// Offers the text content.
        text: MatchText<T>,
        /// Writes the base's attributes.
        write_attributes: WritePart<T>,
        /// Writes the base's content.
        write_content: WritePart<T>,
    },
    /// Not in XML (`#[xml(skip)]`): `Default` on read.
    Skip,
}
