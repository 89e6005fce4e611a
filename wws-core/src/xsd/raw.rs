//! `xs:any` and `xs:anyAttribute`: content no field names, kept as raw XML.

use bytes::Bytes;

use super::read::{ReadOptions, XsdReader};
use super::types::{XmlName, XmlType};
use super::write::XsdWriter;
use crate::error::{Error, Result};
use crate::message::QName;
use crate::xml::{StartTag, XmlReader};

/// One element kept as standalone XML: every namespace it uses is declared
/// on it, so it can be read on its own or written anywhere. Equality is by
/// meaning (names resolved, attributes in any order, declarations and
/// prefixes aside), not by bytes.
///
/// ```
/// use wws_core::xsd::RawXml;
/// let raw = RawXml::parse(r#"<x:Ext xmlns:x="urn:x"><x:a>1</x:a></x:Ext>"#)?;
/// assert_eq!(raw.name()?, wws_core::QName::new("urn:x", "Ext"));
/// assert_eq!(raw, RawXml::parse(r#"<Ext xmlns="urn:x"><a>1</a></Ext>"#)?);
/// assert!(RawXml::parse("<a><b></a>").is_err());
/// # Ok::<(), wws_core::Error>(())
/// ```
#[derive(Clone)]
pub struct RawXml {
    xml: Bytes,
    /// Offset just past the root's name in its start tag.
    name_end: usize,
    /// The root leaves the default namespace undeclared: pasted under a
    /// default namespace, it needs `xmlns=""`, or its unprefixed names (of
    /// elements, or QNames in its text) would change namespace.
    needs_reset: bool,
}

impl std::fmt::Debug for RawXml {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("RawXml").field(&self.as_str()).finish()
    }
}

/// One step of a fragment's meaning, for comparisons.
#[derive(PartialEq, Debug)]
enum Step {
    Start(QName, Vec<(QName, String)>),
    Text(String),
    End,
}

/// Reads a standalone element: where its name ends, whether it needs `xmlns=""`, and optionally its steps.
fn scan(xml: &[u8], steps: Option<&mut Vec<Step>>) -> Result<(usize, bool)> {
    let mut r = XmlReader::new(xml)?;
    let root = r.root()?;
    if xml.first() != Some(&b'<') {
        return Err(Error::invalid_format("raw XML must start with its element"));
    }
    let name_end = 1 + root.raw_name().len();
    let declares_default = r.own_declarations(&root).iter().any(|(p, _)| p.is_empty());
    let mut steps = steps;
    if let Some(s) = steps.as_deref_mut() {
        let mut attrs: Vec<(QName, String)> = r
            .attributes(&root)?
            .into_iter()
            .map(|(n, v)| (n, v.into_owned()))
            .collect();
        attrs.sort_by(|a, b| (&a.0.namespace, &a.0.local).cmp(&(&b.0.namespace, &b.0.local)));
        s.push(Step::Start(root.qname(), attrs));
    }
    let mut depth = 1usize;
    while depth > 0 {
        match r.next()? {
            crate::xml::XmlEvent::Start(t) => {
                depth += 1;
                if let Some(s) = steps.as_deref_mut() {
                    let mut attrs: Vec<(QName, String)> = r
                        .attributes(&t)?
                        .into_iter()
                        .map(|(n, v)| (n, v.into_owned()))
                        .collect();
                    attrs.sort_by(|a, b| {
                        (&a.0.namespace, &a.0.local).cmp(&(&b.0.namespace, &b.0.local))
                    });
                    s.push(Step::Start(t.qname(), attrs));
                }
            }
            crate::xml::XmlEvent::End => {
                depth -= 1;
                if let Some(s) = steps.as_deref_mut() {
                    s.push(Step::End);
                }
            }
            crate::xml::XmlEvent::Text(t) => {
                if let Some(s) = steps.as_deref_mut() {
                    match s.last_mut() {
                        Some(Step::Text(prev)) => prev.push_str(&t),
                        _ => s.push(Step::Text(t.into_owned())),
                    }
                }
            }
            crate::xml::XmlEvent::Eof => return Err(Error::invalid_format("truncated raw XML")),
        }
    }
    loop {
        match r.next()? {
            crate::xml::XmlEvent::Eof => break,
            crate::xml::XmlEvent::Text(t) if super::simple::trim(&t).is_empty() => {}
            _ => return Err(Error::invalid_format("raw XML holds more than one element")),
        }
    }
    Ok((name_end, !declares_default))
}

/// Drops the inherited declarations [`XmlReader::capture_element`] wrote
/// right after the root's name (` xmlns:p="…"`, one per binding) whose
/// prefix the fragment never writes as `p:` (a conservative test: names,
/// attribute values and QName text alike count).
fn prune_inherited(xml: Bytes, name_end: usize, own: usize) -> Result<Bytes> {
    let mut probe = XmlReader::new(&xml)?;
    let root = probe.root()?;
    let added = probe.own_declarations(&root).len().saturating_sub(own);
    if added == 0 {
        return Ok(xml);
    }
    let mut at = name_end;
    let mut keep: Vec<std::ops::Range<usize>> = Vec::new();
    let mut dropped = false;
    for _ in 0..added {
        let rest = xml.get(at..).unwrap_or_default();
        let Some(after) = rest.strip_prefix(b" xmlns") else {
            return Ok(xml);
        };
        let eq = after.iter().position(|&b| b == b'=').unwrap_or(0);
        let prefix = after
            .get(..eq)
            .and_then(|p| p.strip_prefix(b":"))
            .unwrap_or_default();
        let value_len = after
            .get(eq + 2..)
            .and_then(|v| v.iter().position(|&b| b == b'"'))
            .unwrap_or(0);
        let len = 6 + eq + 2 + value_len + 1;
        let body = xml.get(at + len..).unwrap_or_default();
        let used = prefix.is_empty() || {
            let mut needle = prefix.to_vec();
            needle.push(b':');
            body.windows(needle.len()).any(|w| w == needle.as_slice())
        };
        if used {
            keep.push(at..at + len);
        } else {
            dropped = true;
        }
        at += len;
    }
    if !dropped {
        return Ok(xml);
    }
    let mut out = bytes::BytesMut::with_capacity(xml.len());
    out.extend_from_slice(xml.get(..name_end).unwrap_or_default());
    for range in keep {
        out.extend_from_slice(xml.get(range).unwrap_or_default());
    }
    out.extend_from_slice(xml.get(at..).unwrap_or_default());
    Ok(out.freeze())
}

impl PartialEq for RawXml {
    fn eq(&self, other: &Self) -> bool {
        if self.xml == other.xml {
            return true;
        }
        let (mut a, mut b) = (Vec::new(), Vec::new());
        scan(&self.xml, Some(&mut a)).is_ok() && scan(&other.xml, Some(&mut b)).is_ok() && a == b
    }
}

impl Eq for RawXml {}

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
        let (name_end, needs_reset) = scan(&xml, None)?;
        Ok(RawXml {
            xml,
            name_end,
            needs_reset,
        })
    }

    /// Cuts the element whose start `tag` was just read out of `r`, to its
    /// end; of the declarations it inherits, only those it may use are kept.
    pub fn capture<'a>(r: &mut XmlReader<'a>, tag: &StartTag<'a>) -> Result<Self> {
        let own = r.own_declarations(tag).len();
        let xml = r.capture_element(tag)?;
        let name_end = 1 + tag.raw_name().len();
        let xml = prune_inherited(xml, name_end, own)?;
        let (name_end, needs_reset) = scan(&xml, None)?;
        Ok(RawXml {
            xml,
            name_end,
            needs_reset,
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
        if default.is_empty() || !self.needs_reset {
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
