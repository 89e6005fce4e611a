//! The two traits a bound type implements: [`XmlType`] (anything that can
//! be an element's content) and [`ComplexType`] (a struct described by a
//! [`TypeDesc`] table that one generic reader and writer interpret).

use super::desc::TypeDesc;
use super::read::XsdReader;
use super::simple::SimpleType;
use super::write::XsdWriter;
use crate::error::Result;
use crate::xml::StartTag;

/// An element or attribute name fixed at compile time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct XmlName {
    /// Namespace URI; empty for no namespace (unqualified).
    pub namespace: &'static str,
    /// Local name.
    pub local: &'static str,
}

impl XmlName {
    /// A name from its namespace and local part.
    pub const fn new(namespace: &'static str, local: &'static str) -> Self {
        XmlName { namespace, local }
    }
}

/// A type that can be the content of an element: every [`SimpleType`],
/// every `#[derive(XmlType)]` struct (complex type) or enum (choice,
/// `xsi:type` family), [`Nillable`](super::Nillable) and [`RawXml`](super::RawXml).
///
/// `Option<T>`, `Vec<T>` and [`Nillable<T>`](super::Nillable) work as fields for
/// every `T: XmlType`, so a derived type needs no impl of its own for them.
pub trait XmlType: Sized {
    /// For an `xs:choice`: the element names the type picks from (the field's own name is then unused).
    const ELEMENTS: Option<&'static [XmlName]> = None;
    /// True if the type reads `xsi:nil` itself (so `Option`/`Vec` fields leave nil to it).
    const NILLABLE: bool = false;
    /// True if some child element is unqualified (written under a prefixed parent, never a default namespace).
    const UNQUALIFIED_CHILDREN: bool = false;

    /// Reads the element whose start `tag` was just read, to its end.
    fn read_xml<'a>(r: &mut XsdReader<'a>, tag: &StartTag<'a>) -> Result<Self>;

    /// Writes the value as the element `name` (a choice writes its own variant's name).
    fn write_xml(&self, w: &mut XsdWriter<'_>, name: XmlName) -> Result<()>;
}

impl<T: SimpleType> XmlType for T {
    fn read_xml<'a>(r: &mut XsdReader<'a>, tag: &StartTag<'a>) -> Result<Self> {
        r.read_simple(tag)
    }

    fn write_xml(&self, w: &mut XsdWriter<'_>, name: XmlName) -> Result<()> {
        w.simple_element(name.namespace, name.local, self)
    }
}

/// A complex type: its fields described by a table ([`TypeDesc`]) of
/// names and accessor functions, read and written by
/// [`read_complex`](super::read_complex) and [`write_complex`](super::write_complex).
/// Implemented by `#[derive(XmlType)]` on a struct.
pub trait ComplexType: XmlType + 'static {
    /// Per-field accumulators while reading (a nest of tuples).
    type Slots: Default;
    /// The field table.
    const DESC: &'static TypeDesc<Self>;
    /// True if the type (or its flattened base) has text content (`xs:simpleContent`).
    const HAS_TEXT: bool;
    /// True if the type (or its flattened base) has attribute fields.
    const HAS_ATTRIBUTES: bool;

    /// Builds the value once every child has been read; names a missing required field.
    fn build(slots: Self::Slots) -> Result<Self>;
}
