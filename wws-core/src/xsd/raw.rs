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

/// Whether the well-formed XML `xml` writes `prefix:` anywhere a prefix can
/// mean something: element and attribute names, attribute values, text,
/// comments, CDATA and processing instructions (conservative: any `prefix:`
/// in them counts). Values of namespace declarations are URIs and do not
/// count (an `xmlns:v="urn:a:prefix:b"` mentions no prefix).
///
/// `in_tag`: `xml` starts inside a start tag, among its attributes.
fn mentions_prefix(xml: &[u8], prefix: &[u8], in_tag: bool) -> bool {
    let mut needle = prefix.to_vec();
    needle.push(b':');
    let has = |part: &[u8]| part.windows(needle.len()).any(|w| w == needle.as_slice());
    let mut rest = xml;
    let mut in_tag = in_tag;
    loop {
        if std::mem::take(&mut in_tag) {
            match attributes_mention(rest, 0, &has) {
                Ok(end) => {
                    rest = rest.get(end..).unwrap_or_default();
                    continue;
                }
                Err(found) => return found,
            }
        }
        // Text up to the next tag.
        let Some(lt) = rest.iter().position(|&b| b == b'<') else {
            return has(rest);
        };
        if has(rest.get(..lt).unwrap_or_default()) {
            return true;
        }
        rest = rest.get(lt..).unwrap_or_default();
        // Comments, CDATA and processing instructions count whole.
        let markup_end = [
            (&b"<!--"[..], &b"-->"[..]),
            (b"<![CDATA[", b"]]>"),
            (b"<?", b"?>"),
            (b"<!", b">"),
        ]
        .iter()
        .find(|(open, _)| rest.starts_with(open))
        .map(|(open, close)| {
            rest.get(open.len()..)
                .and_then(|r| r.windows(close.len()).position(|w| w == *close))
                .map_or(rest.len(), |at| open.len() + at + close.len())
        });
        if let Some(end) = markup_end {
            if has(rest.get(..end).unwrap_or_default()) {
                return true;
            }
            rest = rest.get(end..).unwrap_or_default();
            continue;
        }
        // A start or end tag: its name, then attribute names and values.
        let mut i = 1;
        let name_end = rest
            .iter()
            .skip(1)
            .position(|&b| b.is_ascii_whitespace() || b == b'>' || b == b'/')
            .map_or(rest.len(), |p| p + 1);
        if has(rest.get(..name_end).unwrap_or_default()) {
            return true;
        }
        i = i.max(name_end);
        match attributes_mention(rest, i, &has) {
            Ok(end) => i = end,
            Err(found) => return found,
        }
        rest = rest.get(i..).unwrap_or_default();
    }
}

/// Scans the attributes of the tag in `rest` from `i` to just past its `>`:
/// `Ok(end)` when none mentions the prefix (`has`), `Err(true)` when one does,
/// `Err(false)` at the end of the input.
fn attributes_mention(
    rest: &[u8],
    mut i: usize,
    has: &dyn Fn(&[u8]) -> bool,
) -> Result<usize, bool> {
    loop {
        while rest
            .get(i)
            .is_some_and(|b| b.is_ascii_whitespace() || *b == b'/')
        {
            i += 1;
        }
        match rest.get(i) {
            None => return Err(false),
            Some(b'>') => return Ok(i + 1),
            Some(_) => {}
        }
        let attr_start = i;
        while rest
            .get(i)
            .is_some_and(|b| *b != b'=' && !b.is_ascii_whitespace())
        {
            i += 1;
        }
        let attr_name = rest.get(attr_start..i).unwrap_or_default();
        while rest
            .get(i)
            .is_some_and(|b| b.is_ascii_whitespace() || *b == b'=')
        {
            i += 1;
        }
        let Some(&quote) = rest.get(i).filter(|b| matches!(b, b'"' | b'\'')) else {
            // Not well-formed after all: count everything.
            return Err(has(rest));
        };
        let value_start = i + 1;
        let value_end = rest
            .get(value_start..)
            .and_then(|v| v.iter().position(|&b| b == quote))
            .map_or(rest.len(), |p| value_start + p);
        let declaration = attr_name == b"xmlns" || attr_name.starts_with(b"xmlns:");
        if has(attr_name)
            || (!declaration && has(rest.get(value_start..value_end).unwrap_or_default()))
        {
            return Err(true);
        }
        i = value_end + 1;
    }
}

/// Drops the inherited declarations [`XmlReader::capture_element`] wrote
/// right after the root's name (` xmlns:p="…"`, one per binding) whose
/// prefix the fragment never writes as `p:` (a conservative test: names,
/// attribute values and QName text alike count; see [`mentions_prefix`]).
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
        let used = prefix.is_empty() || mentions_prefix(body, prefix, true);
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

    /// Whether the fragment writes `prefix:` somewhere (see
    /// [`mentions_prefix`]) without declaring `prefix` on its root: pasted
    /// where a writer binds `prefix`, it would read differently.
    pub(crate) fn relies_on_prefix(&self, prefix: &str) -> bool {
        if !mentions_prefix(&self.xml, prefix.as_bytes(), false) {
            return false;
        }
        let declares = XmlReader::new(&self.xml)
            .and_then(|mut r| {
                let root = r.root()?;
                Ok(r.own_declarations(&root).iter().any(|(p, _)| *p == prefix))
            })
            .unwrap_or(false);
        !declares
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

#[cfg(test)]
mod prune_tests {
    use super::mentions_prefix;

    #[test]
    fn a_prefix_is_mentioned_in_names_values_and_text_but_not_in_namespace_uris() {
        for (xml, yes) in [
            (&br#"<a><p:b/></a>"#[..], true),
            (br#"<a p:x="1"/>"#, true),
            (br#"<a x="p:v"/>"#, true),
            (br#"<a x='p:v'/>"#, true),
            (br#"<a>p:v</a>"#, true),
            (br#"<a><!-- p: --></a>"#, true),
            (br#"<a><![CDATA[p:v]]></a>"#, true),
            (br#"<a xmlns:v="urn:p:1"/>"#, false),
            (br#"<a xmlns="urn:p:1"><b xmlns:q='p:x'/></a>"#, false),
            (
                br#"<v:a xmlns:v="urn:vPOST /c HTTP/1.p:1"><v:k>v</v:k></v:a>"#,
                false,
            ),
            (br#"<a x="1">q:v</a>"#, false),
        ] {
            assert_eq!(
                mentions_prefix(xml, b"p", false),
                yes,
                "{}",
                String::from_utf8_lossy(xml)
            );
        }
        // Inside a start tag, as the prune scans what follows a declaration.
        for (xml, yes) in [
            (&br#" xmlns:v="urn:p:1"><v:k/></v:a>"#[..], false),
            (br#" x="p:1"><v:k/></v:a>"#, true),
            (br#" xmlns:v="urn:v"><p:k/></p:a>"#, true),
            (br#"/>"#, false),
        ] {
            assert_eq!(
                mentions_prefix(xml, b"p", true),
                yes,
                "{}",
                String::from_utf8_lossy(xml)
            );
        }
    }
}
