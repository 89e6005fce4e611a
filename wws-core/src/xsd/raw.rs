//! `xs:any` and `xs:anyAttribute`: content no field names, kept as raw XML.

use bytes::Bytes;

use super::read::{ReadOptions, XsdReader};
use super::types::{XmlName, XmlType};
use super::write::XsdWriter;
use crate::error::{Error, Result};
use crate::message::QName;
use crate::xml::{StartTag, XmlReader};

/// One element kept as standalone XML: every namespace it uses is declared
/// on it, so it can be read on its own or written anywhere.
///
/// ```
/// use wws_core::xsd::RawXml;
/// let raw = RawXml::parse(r#"<x:Ext xmlns:x="urn:x"><x:a>1</x:a></x:Ext>"#)?;
/// assert_eq!(raw.name()?, wws_core::QName::new("urn:x", "Ext"));
/// assert!(RawXml::parse("<a><b></a>").is_err());
/// # Ok::<(), wws_core::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct RawXml {
    xml: Bytes,
    /// Offset just past the root's name in its start tag.
    name_end: usize,
    /// The root declares the default namespace itself.
    declares_default: bool,
}

impl std::fmt::Debug for RawXml {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("RawXml").field(&self.as_str()).finish()
    }
}

/// An attribute kept by an `xs:anyAttribute` field.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct XmlAttribute {
    /// The attribute's qualified name.
    pub name: QName,
    /// Its value, unescaped.
    pub value: String,
}

impl RawXml {
    /// Checks that `xml` is one well-formed standalone element (whitespace and comments around it allowed).
    pub fn parse(xml: impl Into<Bytes>) -> Result<Self> {
        let xml: Bytes = xml.into();
        let text = std::str::from_utf8(&xml)
            .map_err(|e| Error::InvalidFormat(format!("raw XML is not UTF-8: {e}")))?;
        let start = text.find('<').unwrap_or(0);
        let end = text.rfind('>').map_or(text.len(), |i| i + 1);
        let xml = xml.slice(start..end.max(start));
        let mut r = XmlReader::new(&xml)?;
        let root = r.root()?;
        if root.depth() != 1 || xml.first() != Some(&b'<') {
            return Err(Error::invalid_format("raw XML must start with its element"));
        }
        let name_end = 1 + root.raw_name().len();
        let declares_default = r.own_declarations(&root).iter().any(|(p, _)| p.is_empty());
        r.skip_element()?;
        loop {
            match r.next()? {
                crate::xml::XmlEvent::Eof => break,
                crate::xml::XmlEvent::Text(t) if super::simple::trim(&t).is_empty() => {}
                _ => return Err(Error::invalid_format("raw XML holds more than one element")),
            }
        }
        Ok(RawXml {
            xml,
            name_end,
            declares_default,
        })
    }

    /// Cuts the element whose start `tag` was just read out of `r`, to its end.
    pub fn capture<'a>(r: &mut XmlReader<'a>, tag: &StartTag<'a>) -> Result<Self> {
        let xml = r.capture_element(tag)?;
        // Inherited declarations were added to the start tag: read it back.
        let mut own = XmlReader::new(&xml)?;
        let root = own.root()?;
        let declares_default = own
            .own_declarations(&root)
            .iter()
            .any(|(p, _)| p.is_empty());
        Ok(RawXml {
            name_end: 1 + tag.raw_name().len(),
            xml,
            declares_default,
        })
    }

    /// The XML text.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.xml).unwrap_or("")
    }

    /// The XML bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.xml
    }

    /// The element's qualified name.
    pub fn name(&self) -> Result<QName> {
        let mut r = XmlReader::new(&self.xml)?;
        Ok(r.root()?.qname())
    }

    /// Reads the element as `T` (any element name), laxly under the default quotas.
    pub fn read<T: XmlType>(&self) -> Result<T> {
        let mut xml = XmlReader::new(&self.xml)?;
        let root = xml.root()?;
        let mut r = XsdReader::new(xml, &ReadOptions::default());
        T::read_xml(&mut r, &root)
    }

    /// Writes `value` as element `name` and keeps it as raw XML.
    pub fn from_value<T: XmlType>(value: &T, name: XmlName) -> Result<Self> {
        let mut out = bytes::BytesMut::new();
        super::write::write_element(value, &mut out, name.namespace, name.local)?;
        RawXml::parse(out.freeze())
    }

    /// The bytes to paste where the default namespace is `default`: an
    /// `xmlns=""` is added if the element relies on having none.
    pub(crate) fn pieces(&self, default: &str) -> (&[u8], Option<&[u8]>) {
        if default.is_empty() || self.declares_default {
            return (&self.xml, None);
        }
        let (head, tail) = self.xml.split_at(self.name_end.min(self.xml.len()));
        (head, Some(tail))
    }
}

/// A child element kept whole (a named field of type `RawXml`, or an `#[xml(any)]` field).
impl XmlType for RawXml {
    const NILLABLE: bool = true;

    fn read_xml<'a>(r: &mut XsdReader<'a>, tag: &StartTag<'a>) -> Result<Self> {
        RawXml::capture(r.xml(), tag)
    }

    fn write_xml(&self, w: &mut XsdWriter<'_>, _name: XmlName) -> Result<()> {
        w.raw(self)
    }
}
