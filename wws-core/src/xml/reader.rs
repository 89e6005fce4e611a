//! A streaming, namespace-aware XML pull reader with quotas, over quick-xml.
//!
//! Everything borrows from the input: element names, text and namespace URIs
//! are slices of it unless an entity reference forces a copy. Fragments are
//! cut as byte ranges of the input; declarations they inherit from ancestors
//! are written into their start tag so they parse on their own.

use std::borrow::Cow;

use bytes::{Bytes, BytesMut};
use quick_xml::Reader;
use quick_xml::events::{BytesRef, BytesStart, Event};

use super::chars;
use crate::error::{Error, Result};
use crate::message::QName;
use crate::properties::ReaderQuotas;

/// A namespace declaration in scope.
#[derive(Clone, Debug)]
struct Binding<'a> {
    /// Empty for the default namespace.
    prefix: &'a str,
    uri: Cow<'a, str>,
    /// The value as written, usable verbatim in a double-quoted declaration.
    raw: Option<&'a str>,
    /// Depth of the element that declared it.
    depth: usize,
}

/// Most namespace declarations in scope at once (WWSAPI's reader has a
/// similar quota); bounds name resolution and the declarations a fragment
/// can inherit.
pub const MAX_NAMESPACES: usize = 128;

/// Whether the input is a whole document or a fragment (content of an element).
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
enum Mode {
    Document,
    Fragment,
}

/// A low-level event, after quota, entity and namespace checks.
#[derive(Debug)]
pub(crate) enum Raw<'a> {
    Start(StartTag<'a>),
    End,
    /// Character data without references (quick-xml splits them out).
    Text(&'a str),
    CData(&'a str),
    /// A predefined entity or character reference, resolved.
    Ref(char),
    Eof,
}

/// An element's start tag; attribute lookups through the reader are valid
/// until the element's end has been read.
#[derive(Clone, Debug)]
pub struct StartTag<'a> {
    /// Offset of `<` in the input.
    offset: usize,
    /// Everything between `<` and `>` (or `/>`).
    content: &'a str,
    name_len: usize,
    prefix: &'a str,
    local: &'a str,
    namespace: Cow<'a, str>,
    empty: bool,
    depth: usize,
    /// Number of bindings in scope for this element (its own included).
    scope: usize,
    /// How many of those it declares itself.
    own_decls: usize,
}

impl<'a> StartTag<'a> {
    /// The namespace URI of the element; empty for none.
    pub fn namespace(&self) -> &str {
        &self.namespace
    }

    /// The local name.
    pub fn local(&self) -> &'a str {
        self.local
    }

    /// The prefix as written; empty for none.
    pub fn prefix(&self) -> &'a str {
        self.prefix
    }

    /// The name as written, `prefix:local` or `local`.
    pub fn raw_name(&self) -> &'a str {
        self.content.get(..self.name_len).unwrap_or(self.local)
    }

    /// True if the element has namespace `ns` and local name `local`.
    pub fn is(&self, ns: &str, local: &str) -> bool {
        self.local == local && self.namespace == ns
    }

    /// The qualified name (allocates).
    pub fn qname(&self) -> QName {
        QName::new(self.namespace.as_ref(), self.local)
    }

    /// True for an empty-element tag (`<a/>`).
    pub fn is_empty(&self) -> bool {
        self.empty
    }

    /// Nesting depth: 1 for a top-level element.
    pub fn depth(&self) -> usize {
        self.depth
    }
}

/// A decoded event of [`XmlReader::next`].
#[derive(Debug)]
pub enum XmlEvent<'a> {
    /// An element starts (an empty-element tag is followed by [`XmlEvent::End`]).
    Start(StartTag<'a>),
    /// The innermost open element ends.
    End,
    /// A run of character data, line ends normalised, references resolved.
    Text(Cow<'a, str>),
    /// End of input.
    Eof,
}

/// A streaming, namespace-aware XML reader over UTF-8 input.
///
/// Enforces depth and attribute quotas as it goes, rejects DTDs, undeclared
/// entity references, undeclared prefixes and non-UTF-8 input.
pub struct XmlReader<'a> {
    src: &'a str,
    reader: Reader<&'a [u8]>,
    ns: Vec<Binding<'a>>,
    depth: usize,
    max_depth: usize,
    max_attributes: usize,
    /// Bound on any fragment cut from the input (declarations added included).
    max_fragment: usize,
    mode: Mode,
    /// An empty-element tag was returned; its end comes next.
    pending_end: bool,
    seen_event: bool,
    root_seen: bool,
    /// The input as shared bytes (with the offset of `src` in it, past a
    /// BOM): fragments that need no inherited declaration are sliced from
    /// it instead of copied.
    shared: Option<(Bytes, usize)>,
}

impl std::fmt::Debug for XmlReader<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("XmlReader")
            .field("position", &self.position())
            .field("depth", &self.depth)
            .finish_non_exhaustive()
    }
}

const fn is_xml_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n')
}

/// True if `s` is only XML whitespace.
pub(crate) fn is_whitespace(s: &str) -> bool {
    s.bytes().all(is_xml_space)
}

/// Trims XML whitespace (not all Unicode whitespace) from both ends.
pub(crate) fn trim_xml(s: &str) -> &str {
    s.trim_matches(|c: char| c.is_ascii() && is_xml_space(c as u8))
}

/// XML 1.0 line-end normalisation: CR LF and lone CR become LF.
fn normalize_eol(s: &str) -> Cow<'_, str> {
    if !s.contains('\r') {
        return Cow::Borrowed(s);
    }
    Cow::Owned(s.replace("\r\n", "\n").replace('\r', "\n"))
}

/// The character a predefined entity or character reference (`name`, between
/// `&` and `;`) stands for; a character reference must stand for an XML 1.0
/// character.
fn resolve_entity(name: &str) -> Result<char> {
    Ok(match name {
        "lt" => '<',
        "gt" => '>',
        "amp" => '&',
        "apos" => '\'',
        "quot" => '"',
        _ => match name.strip_prefix('#') {
            Some(digits) => chars::char_ref(digits)?,
            None => {
                return Err(Error::InvalidFormat(format!(
                    "undeclared entity reference &{name};"
                )));
            }
        },
    })
}

fn resolve_ref(r: &BytesRef<'_>) -> Result<char> {
    let name: &[u8] = r;
    match std::str::from_utf8(name) {
        Ok(name) => resolve_entity(name),
        Err(_) => Err(Error::invalid_format("entity reference is not UTF-8")),
    }
}

/// True for the bytes that make an attribute value differ from its raw
/// text: a reference, or whitespace that normalisation turns into a space.
const fn attr_special(b: u8) -> bool {
    matches!(b, b'&' | b'\t' | b'\n' | b'\r')
}

/// An attribute value as XML 1.0 §3.3.3 normalises it (there is no DTD, so
/// every attribute is CDATA): references resolved, each raw tab, LF and CR
/// (a CR LF pair as one) a space. `&#x9;`, `&#xA;` and `&#xD;` stay as the
/// characters they stand for.
fn attr_value(raw: &str) -> Result<Cow<'_, str>> {
    if !raw.bytes().any(attr_special) {
        return Ok(Cow::Borrowed(raw));
    }
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(i) = rest.bytes().position(attr_special) {
        let (plain, tail) = rest.split_at_checked(i).unwrap_or((rest, ""));
        out.push_str(plain);
        let mut tail = tail.as_bytes().iter();
        rest = match tail.next() {
            Some(b'&') => {
                let body = plain_tail(rest, i + 1);
                let Some(end) = body.find(';') else {
                    return Err(Error::InvalidFormat(format!(
                        "unterminated reference in attribute value {raw:?}"
                    )));
                };
                out.push(resolve_entity(body.get(..end).unwrap_or_default())?);
                plain_tail(body, end + 1)
            }
            Some(b'\r') if tail.next() == Some(&b'\n') => {
                out.push(' ');
                plain_tail(rest, i + 2)
            }
            _ => {
                out.push(' ');
                plain_tail(rest, i + 1)
            }
        };
    }
    out.push_str(rest);
    Ok(Cow::Owned(out))
}

/// `s` from byte `at` on (empty past its end).
fn plain_tail(s: &str, at: usize) -> &str {
    s.get(at..).unwrap_or_default()
}

/// `err`'s text, with `context` in front.
fn in_context(context: std::fmt::Arguments<'_>, err: Error) -> Error {
    match err {
        Error::InvalidFormat(text) => Error::InvalidFormat(format!("{context}: {text}")),
        other => other,
    }
}

/// Attributes of a start tag, scanned by hand: quick-xml's iterator costs more
/// than the rest of an element's handling. The reader has already matched
/// quotes to find the tag's end, so values never contain the closing `>`.
struct AttrScan<'a> {
    rest: &'a str,
}

impl<'a> AttrScan<'a> {
    fn new(content: &'a str, name_len: usize) -> Self {
        AttrScan {
            rest: content.get(name_len..).unwrap_or(""),
        }
    }

    fn malformed(&self) -> Error {
        Error::InvalidFormat(format!(
            "malformed attribute near {:?}",
            self.rest.chars().take(24).collect::<String>()
        ))
    }
}

/// One attribute as written.
struct AttrValue<'a> {
    name: &'a str,
    /// The value, still escaped.
    raw: &'a str,
    has_quot: bool,
}

impl<'a> Iterator for AttrScan<'a> {
    type Item = Result<AttrValue<'a>>;

    fn next(&mut self) -> Option<Self::Item> {
        let bytes = self.rest.as_bytes();
        let skip_space = |mut i: usize| {
            while bytes.get(i).is_some_and(|&b| is_xml_space(b)) {
                i += 1;
            }
            i
        };
        let start = skip_space(0);
        if start == bytes.len() {
            return None;
        }
        // Attributes must be separated by whitespace.
        let mut ok = start > 0;
        let mut i = start;
        while let Some(&b) = bytes.get(i) {
            if b == b'=' || is_xml_space(b) {
                break;
            }
            ok &= !matches!(b, b'"' | b'\'' | b'<' | b'&' | b'/');
            i += 1;
        }
        let name_end = i;
        ok &= name_end > start;
        i = skip_space(i);
        ok &= bytes.get(i) == Some(&b'=');
        i = skip_space(i + 1);
        let quote = bytes.get(i).copied().unwrap_or(0);
        ok &= quote == b'"' || quote == b'\'';
        let value_start = i + 1;
        let mut j = value_start;
        loop {
            let stop = bytes
                .get(j..)
                .and_then(|v| v.iter().position(|&b| b == quote || b == b'<' || b == b'&'));
            let Some(stop) = stop else {
                ok = false;
                break;
            };
            j += stop;
            match bytes.get(j) {
                Some(b'&') => j += 1,
                Some(&b) if b == quote => break,
                _ => {
                    ok = false;
                    break;
                }
            }
        }
        let (Some(name), Some(value), true) = (
            self.rest.get(start..name_end),
            self.rest.get(value_start..j),
            ok,
        ) else {
            let err = self.malformed();
            self.rest = "";
            return Some(Err(err));
        };
        self.rest = self.rest.get(j + 1..).unwrap_or("");
        // A single-quoted value may hold `"`: it cannot be pasted into a double-quoted declaration.
        let has_quot = quote == b'\'' && value.contains('"');
        Some(Ok(AttrValue {
            name,
            raw: value,
            has_quot,
        }))
    }
}

/// String equality for short names without a libc `memcmp` call, which
/// costs more than the comparison itself for prefixes (most are empty).
#[inline]
fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a.get(i) != b.get(i) {
            return false;
        }
        i += 1;
    }
    true
}

/// Whether a character reference, from after its `&#` on, may stand for `:`
/// (malformed ones count: the reader rejects them anyway).
fn char_ref_is_colon(reference: &[u8]) -> bool {
    let end = reference.iter().position(|&b| b == b';').unwrap_or(0);
    let digits = std::str::from_utf8(reference.get(..end).unwrap_or_default()).unwrap_or("");
    let value = match digits.strip_prefix('x') {
        Some(hex) => u32::from_str_radix(hex, 16),
        None => digits.parse(),
    };
    value.map_or(true, |v| v == u32::from(b':'))
}

fn split_name(name: &str) -> (&str, &str) {
    // Names are short: a plain loop beats a memchr call.
    match name.bytes().position(|b| b == b':') {
        Some(i) => (name.get(..i).unwrap_or(""), name.get(i + 1..).unwrap_or("")),
        None => ("", name),
    }
}

impl<'a> XmlReader<'a> {
    /// A reader over a standalone fragment (such as [`Message::body`](crate::Message::body)),
    /// with the default quotas for depth and attributes.
    pub fn new(xml: &'a [u8]) -> Result<Self> {
        Self::with_quotas(xml, &ReaderQuotas::default())
    }

    /// A reader over a standalone fragment with the given quotas.
    pub fn with_quotas(xml: &'a [u8], quotas: &ReaderQuotas) -> Result<Self> {
        Self::build(xml, quotas, Mode::Fragment)
    }

    /// A reader over a whole SOAP message: one root element, nothing but
    /// whitespace and comments around it, no processing instruction anywhere.
    pub(crate) fn document(xml: &'a [u8], quotas: &ReaderQuotas) -> Result<Self> {
        Self::build(xml, quotas, Mode::Document)
    }

    /// A document reader over shared bytes, whose fragments may be slices of `input`.
    pub(crate) fn document_shared(input: &'a Bytes, quotas: &ReaderQuotas) -> Result<Self> {
        let mut r = Self::build(input, quotas, Mode::Document)?;
        let base = input.len() - r.src.len();
        r.shared = Some((input.clone(), base));
        Ok(r)
    }

    fn build(xml: &'a [u8], quotas: &ReaderQuotas, mode: Mode) -> Result<Self> {
        let xml = xml.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(xml);
        let src = std::str::from_utf8(xml).map_err(|e| {
            Error::InvalidFormat(format!("input is not UTF-8 (at byte {})", e.valid_up_to()))
        })?;
        // Every raw character, in markup and content alike; references are
        // checked as they are resolved.
        chars::check_chars(src.as_bytes())?;
        // quick-xml drops a byte order mark at the start of its input without
        // counting it in its positions, which would shift every fragment cut
        // by them; and a second one is text before the first markup.
        if src.starts_with('\u{FEFF}') {
            return Err(Error::invalid_format(
                "U+FEFF at the start of the input (a second byte order mark)",
            ));
        }
        let mut reader = Reader::from_reader(src.as_bytes());
        let config = reader.config_mut();
        config.check_end_names = true;
        config.expand_empty_elements = false;
        config.trim_text(false);
        Ok(XmlReader {
            src,
            reader,
            ns: Vec::with_capacity(8),
            depth: 0,
            max_depth: quotas.max_depth,
            max_attributes: quotas.max_attributes,
            max_fragment: quotas.max_message_size,
            mode,
            pending_end: false,
            seen_event: false,
            root_seen: false,
            shared: None,
        })
    }

    /// Byte offset in the input (after a BOM) where the next event starts.
    pub fn position(&self) -> usize {
        self.reader.buffer_position() as usize
    }

    /// Depth of the innermost open element (0 at top level).
    pub fn depth(&self) -> usize {
        self.depth
    }

    /// The slice of the input that `part` (borrowed from it by quick-xml) is.
    fn sub_str(&self, part: &[u8]) -> Result<&'a str> {
        if part.is_empty() {
            return Ok("");
        }
        let start = (part.as_ptr() as usize).checked_sub(self.src.as_ptr() as usize);
        start
            .and_then(|s| self.src.get(s..s.checked_add(part.len())?))
            .ok_or_else(|| Error::invalid_format("XML event outside its input"))
    }

    fn syntax_error(&self, e: quick_xml::Error) -> Error {
        Error::InvalidFormat(format!(
            "malformed XML at byte {}: {e}",
            self.reader.error_position()
        ))
    }

    /// The next low-level event.
    pub(crate) fn next_raw(&mut self) -> Result<Raw<'a>> {
        if self.pending_end {
            self.pending_end = false;
            self.close();
            return Ok(Raw::End);
        }
        loop {
            let event = match self.reader.read_event() {
                Ok(e) => e,
                Err(e) => return Err(self.syntax_error(e)),
            };
            let first = !self.seen_event;
            self.seen_event = true;
            match event {
                Event::Start(e) => return self.start(&e, false).map(Raw::Start),
                Event::Empty(e) => {
                    let tag = self.start(&e, true)?;
                    self.pending_end = true;
                    return Ok(Raw::Start(tag));
                }
                Event::End(_) => {
                    self.close();
                    return Ok(Raw::End);
                }
                Event::Text(t) => {
                    let s = self.sub_str(&t)?;
                    if self.depth == 0 {
                        self.top_level_text(s)?;
                        continue;
                    }
                    return Ok(Raw::Text(s));
                }
                Event::CData(t) => {
                    let s = self.sub_str(&t)?;
                    if self.depth == 0 {
                        self.top_level_content("CDATA section")?;
                        continue;
                    }
                    return Ok(Raw::CData(s));
                }
                Event::GeneralRef(r) => {
                    let c = resolve_ref(&r).map_err(|e| {
                        in_context(format_args!("reference at byte {}", self.position()), e)
                    })?;
                    if self.depth == 0 {
                        self.top_level_content("entity reference")?;
                        continue;
                    }
                    return Ok(Raw::Ref(c));
                }
                Event::Comment(_) => continue,
                // SOAP 1.1 §3 and SOAP 1.2 Part 1 §5: a SOAP message holds no
                // processing instruction (the XML declaration is not one).
                Event::PI(_) if self.mode == Mode::Document => {
                    return Err(Error::InvalidFormat(format!(
                        "processing instruction at byte {}: a SOAP message must not contain one",
                        self.reader.buffer_position()
                    )));
                }
                Event::PI(_) => continue,
                Event::Decl(d) => {
                    if !first {
                        return Err(Error::InvalidFormat(format!(
                            "XML declaration not at the start (byte {})",
                            self.position()
                        )));
                    }
                    // XML 1.0 §2.8: VersionNum ::= '1.' [0-9]+ (a later 1.x is read as 1.0).
                    match d.version() {
                        Ok(v)
                            if v.strip_prefix(b"1.").is_some_and(|n| {
                                !n.is_empty() && n.iter().all(u8::is_ascii_digit)
                            }) => {}
                        Ok(v) => {
                            return Err(Error::InvalidFormat(format!(
                                "XML version {:?} is not 1.x",
                                String::from_utf8_lossy(&v)
                            )));
                        }
                        Err(e) => {
                            return Err(Error::InvalidFormat(format!(
                                "malformed XML declaration: {e}"
                            )));
                        }
                    }
                    match d.encoding() {
                        None => {}
                        Some(Ok(enc))
                            if enc.eq_ignore_ascii_case(b"utf-8")
                                || enc.eq_ignore_ascii_case(b"utf8") => {}
                        Some(Ok(enc)) => {
                            return Err(Error::InvalidFormat(format!(
                                "unsupported encoding {:?}: only UTF-8 is accepted",
                                String::from_utf8_lossy(&enc)
                            )));
                        }
                        Some(Err(e)) => {
                            return Err(Error::InvalidFormat(format!(
                                "malformed XML declaration: {e}"
                            )));
                        }
                    }
                }
                Event::DocType(_) => {
                    return Err(Error::InvalidFormat(format!(
                        "DTD (<!DOCTYPE>) at byte {} is not allowed",
                        self.reader.buffer_position()
                    )));
                }
                Event::Eof => {
                    if self.depth > 0 {
                        return Err(Error::InvalidFormat(format!(
                            "truncated document: input ends with {} element(s) open",
                            self.depth
                        )));
                    }
                    if self.mode == Mode::Document && !self.root_seen {
                        return Err(Error::invalid_format("document has no root element"));
                    }
                    return Ok(Raw::Eof);
                }
            }
        }
    }

    fn top_level_text(&self, s: &str) -> Result<()> {
        if is_whitespace(s) || self.mode == Mode::Fragment {
            Ok(())
        } else {
            Err(self.top_level_error("text"))
        }
    }

    /// Content other than text outside any element: an error in a document;
    /// skipped in a fragment (element content), as its top-level text is.
    fn top_level_content(&self, what: &str) -> Result<()> {
        match self.mode {
            Mode::Fragment => Ok(()),
            Mode::Document => Err(self.top_level_error(what)),
        }
    }

    fn top_level_error(&self, what: &str) -> Error {
        Error::InvalidFormat(format!(
            "{what} outside the root element (byte {})",
            self.position()
        ))
    }

    fn close(&mut self) {
        while self.ns.last().is_some_and(|b| b.depth >= self.depth) {
            self.ns.pop();
        }
        self.depth = self.depth.saturating_sub(1);
    }

    fn start(&mut self, e: &BytesStart<'_>, empty: bool) -> Result<StartTag<'a>> {
        let content = self.sub_str(e)?;
        let offset = (content.as_ptr() as usize)
            .saturating_sub(self.src.as_ptr() as usize)
            .saturating_sub(1);
        if self.depth == 0 {
            if self.mode == Mode::Document && self.root_seen {
                return Err(Error::InvalidFormat(format!(
                    "second root element at byte {offset}"
                )));
            }
            self.root_seen = true;
        }
        let depth = self.depth + 1;
        if depth > self.max_depth {
            return Err(Error::QuotaExceeded {
                quota: "max element depth",
                limit: self.max_depth as u64,
            });
        }
        let name_len = e.name().as_ref().len();
        let name = content.get(..name_len).unwrap_or("");
        // XML 1.0 §2.3 and Namespaces §4: a name quick-xml took is checked here.
        if !chars::is_qname(name) {
            return Err(Error::InvalidFormat(format!(
                "<{name}>: the element name is not a QName"
            )));
        }
        let scope_before = self.ns.len();
        let mut prefixed_attrs = false;
        let mut seen: [&str; 8] = [""; 8];
        // Only built past eight attributes (building one seeds a hasher).
        let mut spill: Option<std::collections::HashSet<&str>> = None;
        for (count, attr) in AttrScan::new(content, name_len).enumerate() {
            let AttrValue {
                name: key,
                raw,
                has_quot,
            } = attr.map_err(|err| Error::InvalidFormat(format!("<{name}>: {err}")))?;
            if count >= self.max_attributes {
                return Err(Error::QuotaExceeded {
                    quota: "max attributes per element",
                    limit: self.max_attributes as u64,
                });
            }
            if !chars::is_qname(key) {
                return Err(Error::InvalidFormat(format!(
                    "attribute {key:?} of <{name}>: the name is not a QName"
                )));
            }
            if seen.iter().take(count).any(|k| *k == key)
                || spill.as_ref().is_some_and(|s| s.contains(key))
            {
                return Err(Error::InvalidFormat(format!(
                    "duplicate attribute {key} on <{name}>"
                )));
            }
            match seen.get_mut(count) {
                Some(slot) => *slot = key,
                None => {
                    spill.get_or_insert_with(Default::default).insert(key);
                }
            }
            let value = attr_value(raw)
                .map_err(|err| in_context(format_args!("attribute {key} of <{name}>"), err))?;
            let prefix = if key == "xmlns" {
                ""
            } else if let Some(p) = key.strip_prefix("xmlns:") {
                p
            } else {
                prefixed_attrs |= key.bytes().any(|b| b == b':');
                continue;
            };
            if prefix == "xml" {
                if value != crate::ns::XML {
                    return Err(Error::invalid_format(
                        "prefix xml bound to a wrong namespace",
                    ));
                }
                continue;
            }
            if prefix == "xmlns" {
                return Err(Error::invalid_format("prefix xmlns must not be declared"));
            }
            // Namespaces in XML 1.0 §3: only the default namespace may be undeclared.
            if !prefix.is_empty() && value.is_empty() {
                return Err(Error::InvalidFormat(format!(
                    "{key}=\"\" on <{name}>: a prefix cannot be undeclared in XML 1.0"
                )));
            }
            if self.ns.len() >= MAX_NAMESPACES {
                return Err(Error::QuotaExceeded {
                    quota: "max namespaces in scope",
                    limit: MAX_NAMESPACES as u64,
                });
            }
            self.ns.push(Binding {
                prefix,
                uri: value,
                raw: (!has_quot).then_some(raw),
                depth,
            });
        }
        let scope = self.ns.len();
        if prefixed_attrs {
            for AttrValue { name: key, .. } in AttrScan::new(content, name_len).flatten() {
                if key.starts_with("xmlns:") {
                    continue;
                }
                let (p, _) = split_name(key);
                if !p.is_empty() && self.resolve_in(p, scope).is_none() {
                    return Err(Error::InvalidFormat(format!(
                        "undeclared namespace prefix {p:?} on an attribute of <{name}>"
                    )));
                }
            }
        }
        let (prefix, local) = split_name(name);
        let namespace = self.resolve_in(prefix, scope).ok_or_else(|| {
            Error::InvalidFormat(format!(
                "undeclared namespace prefix {prefix:?} on <{name}>"
            ))
        })?;
        self.depth = depth;
        Ok(StartTag {
            offset,
            content,
            name_len,
            prefix,
            local,
            namespace,
            empty,
            depth,
            scope,
            own_decls: scope - scope_before,
        })
    }

    /// The namespace bound to `prefix` among the first `scope` bindings
    /// (`""` is the default namespace, empty URI when none).
    fn resolve_in(&self, prefix: &str, scope: usize) -> Option<Cow<'a, str>> {
        let bindings = self.ns.get(..scope).unwrap_or(&self.ns);
        if let Some(b) = bindings.iter().rev().find(|b| same(b.prefix, prefix)) {
            return Some(b.uri.clone());
        }
        match prefix {
            "" => Some(Cow::Borrowed("")),
            "xml" => Some(Cow::Borrowed(crate::ns::XML)),
            _ => None,
        }
    }

    /// The namespace bound to `prefix` where `tag` stands (`""`: default namespace).
    pub fn resolve_prefix(&self, tag: &StartTag<'a>, prefix: &str) -> Option<Cow<'a, str>> {
        self.resolve_in(prefix, tag.scope)
    }

    /// The namespace declarations `tag` makes itself (prefix, URI; `""` for
    /// the default namespace), kept to resolve prefixes in its content once
    /// its end has been read (see [`resolve_after`](Self::resolve_after)).
    pub fn own_declarations(&self, tag: &StartTag<'a>) -> Vec<(&'a str, Cow<'a, str>)> {
        self.ns
            .get(tag.scope.saturating_sub(tag.own_decls)..tag.scope)
            .unwrap_or(&[])
            .iter()
            .map(|b| (b.prefix, b.uri.clone()))
            .collect()
    }

    /// After an element's end was read: the namespace of `prefix` where its
    /// content stood, given its [`own_declarations`](Self::own_declarations).
    pub fn resolve_after(
        &self,
        own: &[(&'a str, Cow<'a, str>)],
        prefix: &str,
    ) -> Option<Cow<'a, str>> {
        own.iter()
            .rev()
            .find(|(p, _)| same(p, prefix))
            .map(|(_, uri)| uri.clone())
            .or_else(|| self.resolve_in(prefix, self.ns.len()))
    }

    /// Inside an element whose start `tag` was just read: its text content as
    /// a QName (`p:local` or `local`), resolved where the element stands.
    pub fn read_qname(&mut self, tag: &StartTag<'a>) -> Result<QName> {
        // The element's own declarations go out of scope with its end.
        let own: Vec<Binding<'a>> = self
            .ns
            .get(tag.scope.saturating_sub(tag.own_decls)..tag.scope)
            .map(<[Binding<'a>]>::to_vec)
            .unwrap_or_default();
        let text = self.read_text(tag)?;
        let text = trim_xml(&text);
        let (p, local) = split_name(text);
        if local.is_empty() {
            return Err(Error::InvalidFormat(format!(
                "empty QName in <{}>",
                tag.raw_name()
            )));
        }
        if !chars::is_ncname(local) || !(p.is_empty() || chars::is_ncname(p)) {
            return Err(Error::InvalidFormat(format!(
                "{text:?} in <{}> is not a QName",
                tag.raw_name()
            )));
        }
        let ns = own
            .iter()
            .rev()
            .find(|b| same(b.prefix, p))
            .map(|b| b.uri.clone())
            .or_else(|| self.resolve_in(p, self.ns.len()))
            .ok_or_else(|| {
                Error::InvalidFormat(format!(
                    "undeclared prefix {p:?} in QName {text:?} of <{}>",
                    tag.raw_name()
                ))
            })?;
        Ok(QName::new(ns, local))
    }

    /// The value of attribute `{ns}local` of `tag` (`ns` empty for an unprefixed attribute).
    pub fn attribute(&self, tag: &StartTag<'a>, ns: &str, local: &str) -> Option<Cow<'a, str>> {
        for AttrValue { name: key, raw, .. } in AttrScan::new(tag.content, tag.name_len).flatten() {
            let (p, l) = split_name(key);
            if l != local || key == "xmlns" || p == "xmlns" {
                continue;
            }
            let matches = if p.is_empty() {
                ns.is_empty()
            } else {
                self.resolve_in(p, tag.scope).is_some_and(|u| u == ns)
            };
            if matches {
                // The start tag's values were all checked when it was read.
                return Some(attr_value(raw).unwrap_or(Cow::Borrowed(raw)));
            }
        }
        None
    }

    /// Every attribute of `tag` except namespace declarations, names resolved, values unescaped.
    pub fn attributes(&self, tag: &StartTag<'a>) -> Result<Vec<(QName, Cow<'a, str>)>> {
        let mut out = Vec::new();
        for attr in AttrScan::new(tag.content, tag.name_len) {
            let AttrValue { name: key, raw, .. } = attr?;
            let (p, l) = split_name(key);
            if key == "xmlns" || p == "xmlns" {
                continue;
            }
            let ns = if p.is_empty() {
                Cow::Borrowed("")
            } else {
                self.resolve_in(p, tag.scope).ok_or_else(|| {
                    Error::InvalidFormat(format!("undeclared namespace prefix {p:?}"))
                })?
            };
            let value =
                attr_value(raw).map_err(|e| in_context(format_args!("attribute {key}"), e))?;
            out.push((QName::new(ns, l), value));
        }
        Ok(out)
    }

    /// Calls `f` with the namespace, local name and unescaped value of every
    /// attribute of `tag` except namespace declarations, building no names.
    pub fn for_each_attribute(
        &self,
        tag: &StartTag<'a>,
        mut f: impl FnMut(&str, &'a str, Cow<'a, str>) -> Result<()>,
    ) -> Result<()> {
        for attr in AttrScan::new(tag.content, tag.name_len) {
            let AttrValue { name: key, raw, .. } = attr?;
            let (p, l) = split_name(key);
            if key == "xmlns" || p == "xmlns" {
                continue;
            }
            let ns = if p.is_empty() {
                Cow::Borrowed("")
            } else {
                self.resolve_in(p, tag.scope).ok_or_else(|| {
                    Error::InvalidFormat(format!("undeclared namespace prefix {p:?}"))
                })?
            };
            // Unescaped and normalised as the reader does everywhere (XML 1.0
            // §3.3.3), character rules included.
            let value =
                attr_value(raw).map_err(|err| in_context(format_args!("attribute {key}"), err))?;
            f(&ns, l, value)?;
        }
        Ok(())
    }

    /// True if `tag` carries `xsi:nil="true"` (or `"1"`).
    pub fn is_nil(&self, tag: &StartTag<'a>) -> bool {
        self.attribute(tag, crate::ns::XSI, "nil")
            .is_some_and(|v| matches!(trim_xml(&v), "true" | "1"))
    }

    /// The next event.
    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> Result<XmlEvent<'a>> {
        Ok(match self.next_raw()? {
            Raw::Start(t) => XmlEvent::Start(t),
            Raw::End => XmlEvent::End,
            Raw::Text(s) | Raw::CData(s) => XmlEvent::Text(normalize_eol(s)),
            Raw::Ref(c) => XmlEvent::Text(Cow::Owned(c.to_string())),
            Raw::Eof => XmlEvent::Eof,
        })
    }

    /// The first top-level element; errors if there is none.
    pub fn root(&mut self) -> Result<StartTag<'a>> {
        loop {
            match self.next_raw()? {
                Raw::Start(t) => return Ok(t),
                Raw::Eof => return Err(Error::invalid_format("no element found")),
                _ => continue,
            }
        }
    }

    /// Inside an element whose start was just read: the next child element,
    /// or `None` once the element ends. Whitespace and comments between
    /// children are skipped; other text is an error. The caller consumes each
    /// child entirely (e.g. [`read_text`](Self::read_text),
    /// [`skip_element`](Self::skip_element)) before asking for the next.
    pub fn next_child(&mut self) -> Result<Option<StartTag<'a>>> {
        loop {
            match self.next_raw()? {
                Raw::Start(t) => return Ok(Some(t)),
                Raw::End | Raw::Eof => return Ok(None),
                Raw::Text(s) | Raw::CData(s) if is_whitespace(s) => continue,
                Raw::Text(_) | Raw::CData(_) | Raw::Ref(_) => {
                    return Err(Error::InvalidFormat(format!(
                        "unexpected text in element-only content (byte {})",
                        self.position()
                    )));
                }
            }
        }
    }

    /// Inside an element whose start `tag` was just read: its text content up
    /// to its end; a child element is an error.
    pub fn read_text(&mut self, tag: &StartTag<'a>) -> Result<Cow<'a, str>> {
        let mut text: Cow<'a, str> = Cow::Borrowed("");
        loop {
            let piece: Cow<'a, str> = match self.next_raw()? {
                Raw::Text(s) | Raw::CData(s) => normalize_eol(s),
                Raw::Ref(c) => Cow::Owned(c.to_string()),
                Raw::End | Raw::Eof => return Ok(text),
                Raw::Start(child) => {
                    return Err(Error::InvalidFormat(format!(
                        "unexpected element <{}> in the text of <{}>",
                        child.raw_name(),
                        tag.raw_name()
                    )));
                }
            };
            if text.is_empty() {
                text = piece;
            } else {
                text.to_mut().push_str(&piece);
            }
        }
    }

    /// Inside an element whose start was just read: skips to its end.
    pub fn skip_element(&mut self) -> Result<()> {
        let target = self.depth.saturating_sub(1);
        loop {
            match self.next_raw()? {
                Raw::End if self.depth == target => return Ok(()),
                Raw::Eof => return Err(Error::invalid_format("truncated element")),
                _ => continue,
            }
        }
    }

    /// Which of the first `scope` bindings a later one rebinds (innermost
    /// wins). At most [`MAX_NAMESPACES`] bindings: quadratic but bounded,
    /// once per fragment.
    fn shadowed(&self, scope: usize) -> [bool; MAX_NAMESPACES] {
        let bindings = self.ns.get(..scope).unwrap_or(&self.ns);
        let mut shadowed = [false; MAX_NAMESPACES];
        for (i, b) in bindings.iter().enumerate() {
            let rebound = bindings
                .get(i + 1..)
                .unwrap_or(&[])
                .iter()
                .any(|later| same(later.prefix, b.prefix));
            // An undeclared default (or prefix) needs no declaration standalone.
            if let Some(slot) = shadowed.get_mut(i) {
                *slot = rebound || b.uri.is_empty();
            }
        }
        shadowed
    }

    /// Writes into the start tag of fragment root `tag` the declarations it
    /// inherits from the first `scope` bindings and does not make itself,
    /// keeping the fragment within the size quota.
    fn write_decls(
        &self,
        out: &mut BytesMut,
        scope: usize,
        shadowed: &[bool; MAX_NAMESPACES],
        tag: &StartTag<'a>,
    ) -> Result<()> {
        let bindings = self.ns.get(..scope).unwrap_or(&self.ns);
        let own = self
            .ns
            .get(tag.scope.saturating_sub(tag.own_decls)..tag.scope)
            .unwrap_or(&[]);
        for (b, &hidden) in bindings.iter().zip(shadowed) {
            if hidden || own.iter().any(|o| same(o.prefix, b.prefix)) {
                continue;
            }
            if b.prefix.is_empty() {
                out.extend_from_slice(b" xmlns=\"");
            } else {
                out.extend_from_slice(b" xmlns:");
                out.extend_from_slice(b.prefix.as_bytes());
                out.extend_from_slice(b"=\"");
            }
            match b.raw {
                Some(raw) => out.extend_from_slice(raw.as_bytes()),
                None => super::writer::write_attr_value(out, &b.uri)?,
            }
            out.extend_from_slice(b"\"");
        }
        self.check_fragment(out)
    }

    fn check_fragment(&self, out: &BytesMut) -> Result<()> {
        if out.len() > self.max_fragment {
            return Err(Error::QuotaExceeded {
                quota: "max message size",
                limit: self.max_fragment as u64,
            });
        }
        Ok(())
    }

    fn slice(&self, from: usize, to: usize) -> Result<&'a [u8]> {
        self.src
            .as_bytes()
            .get(from..to)
            .ok_or_else(|| Error::invalid_format("fragment bounds outside the input"))
    }

    /// Inside an element whose start `tag` was just read: reads to its end
    /// and returns the element as standalone XML (inherited namespace
    /// declarations added to its start tag).
    pub fn capture_element(&mut self, tag: &StartTag<'a>) -> Result<Bytes> {
        let scope = tag.scope.saturating_sub(tag.own_decls);
        let name_end = tag.offset + 1 + tag.name_len;
        let mut out = BytesMut::new();
        if scope > 0 {
            let shadowed = self.shadowed(scope);
            out.reserve(256);
            out.extend_from_slice(self.slice(tag.offset, name_end)?);
            self.write_decls(&mut out, scope, &shadowed, tag)?;
        }
        self.skip_element()?;
        let from = if scope > 0 { name_end } else { tag.offset };
        out.extend_from_slice(self.slice(from, self.position())?);
        Ok(out.freeze())
    }

    /// Inside an element whose start `tag` was just read: reads to its end
    /// and returns its content, from the first child (or non-blank text) to
    /// the last, each child element standalone.
    pub fn capture_children(&mut self, tag: &StartTag<'a>) -> Result<Bytes> {
        let shadowed = self.shadowed(tag.scope);
        // Over shared input, decided once for the rest of the input: if
        // nothing in it needs an inherited declaration, the content will be
        // a slice of the input and nothing is written here.
        let slice = self.shared.is_some() && {
            let rest = self
                .src
                .as_bytes()
                .get(self.position()..)
                .unwrap_or_default();
            !self.needs_decls(tag.scope, &shadowed, rest)
        };
        let scope = if slice { 0 } else { tag.scope };
        let base = tag.depth;
        // The content is no longer than the rest of the input (plus declarations).
        let mut out = if slice {
            BytesMut::new()
        } else {
            BytesMut::with_capacity(self.src.len().saturating_sub(self.position()) + 256)
        };
        // Where the full set of declarations was written, to copy for later children.
        let mut decls: Option<std::ops::Range<usize>> = None;
        let mut first: Option<usize> = None;
        let mut copied = 0usize;
        let mut last_end = 0usize;
        loop {
            let before = self.position();
            match self.next_raw()? {
                Raw::Start(child) => {
                    if child.depth == base + 1 {
                        if first.is_none() {
                            first = Some(child.offset);
                            copied = child.offset;
                        }
                        if scope > 0 {
                            let name_end = child.offset + 1 + child.name_len;
                            out.extend_from_slice(self.slice(copied, name_end)?);
                            copied = name_end;
                            match &decls {
                                Some(range) if child.own_decls == 0 => {
                                    out.extend_from_within(range.clone());
                                    self.check_fragment(&out)?;
                                }
                                _ => {
                                    let start = out.len();
                                    self.write_decls(&mut out, scope, &shadowed, &child)?;
                                    if child.own_decls == 0 {
                                        decls = Some(start..out.len());
                                    }
                                }
                            }
                        }
                    }
                }
                Raw::End => {
                    if self.depth < base {
                        break;
                    }
                    if self.depth == base {
                        last_end = self.position();
                    }
                }
                Raw::Text(s) | Raw::CData(s) => {
                    if self.depth == base && !is_whitespace(s) {
                        if first.is_none() {
                            first = Some(before);
                            copied = before;
                        }
                        last_end = self.position();
                    }
                }
                Raw::Ref(_) => {
                    if self.depth == base {
                        if first.is_none() {
                            first = Some(before);
                            copied = before;
                        }
                        last_end = self.position();
                    }
                }
                Raw::Eof => return Err(Error::invalid_format("truncated element")),
            }
        }
        let Some(first) = first else {
            return Ok(Bytes::new());
        };
        if let (true, Some((input, base))) = (slice, &self.shared) {
            let range = base + first..base + last_end;
            if range.start > range.end || range.end > input.len() {
                return Err(Error::invalid_format("fragment bounds outside the input"));
            }
            return Ok(input.slice(range));
        }
        let rest = self.slice(copied, last_end)?;
        out.reserve(rest.len());
        out.extend_from_slice(rest);
        Ok(out.freeze())
    }

    /// Whether `content`, cut out on its own, may need one of the first
    /// `scope` bindings. Conservative: an inherited default namespace, any
    /// `prefix:` of an inherited prefix (in names, attribute values or
    /// QName text alike), a `:` after a reference, or a reference to `:`
    /// all count as a use. An end tag `</prefix:` does not: its start tag
    /// counts, or it closes an ancestor (`content` may run past the fragment).
    fn needs_decls(&self, scope: usize, shadowed: &[bool; MAX_NAMESPACES], content: &[u8]) -> bool {
        let bindings = self.ns.get(..scope).unwrap_or(&self.ns);
        let live = bindings
            .iter()
            .zip(shadowed)
            .filter(|(_, hidden)| !**hidden)
            .map(|(b, _)| b.prefix.as_bytes());
        if live.clone().next().is_none() {
            return false;
        }
        if live.clone().any(<[u8]>::is_empty) {
            return true;
        }
        // One pass over the content for both `:` and `&`.
        memchr::memchr2_iter(b':', b'&', content).any(|i| {
            let before = content.get(..i).unwrap_or_default();
            let after = content.get(i + 1..).unwrap_or_default();
            match content.get(i) {
                Some(b':') => {
                    before.ends_with(b";")
                        || live.clone().any(|p| {
                            before
                                .strip_suffix(p)
                                .is_some_and(|head| !head.ends_with(b"</"))
                        })
                }
                _ => {
                    after.starts_with(b"#") && char_ref_is_colon(after.get(1..).unwrap_or_default())
                }
            }
        })
    }

    /// Reads to the end of input, checking what follows the root element.
    pub(crate) fn finish(&mut self) -> Result<()> {
        loop {
            if let Raw::Eof = self.next_raw()? {
                return Ok(());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capture_adds_inherited_declarations() {
        let xml = br#"<r xmlns:p="urn:p" xmlns="urn:d"><p:a x="1"/> <b xmlns="urn:b"><c/></b></r>"#;
        let mut r = XmlReader::new(xml).expect("reader");
        let root = r.root().expect("root");
        let got = r.capture_children(&root).expect("capture");
        assert_eq!(
            std::str::from_utf8(&got).expect("utf8"),
            r#"<p:a xmlns:p="urn:p" xmlns="urn:d" x="1"/> <b xmlns:p="urn:p" xmlns="urn:b"><c/></b>"#
        );
    }

    #[test]
    fn capture_repeats_declarations_for_every_child() {
        let xml = br#"<r xmlns:p="urn:p"><a/><b>t</b><p:c xmlns:p="urn:q"/><d/></r>"#;
        let mut r = XmlReader::new(xml).expect("reader");
        let root = r.root().expect("root");
        let got = r.capture_children(&root).expect("capture");
        assert_eq!(
            std::str::from_utf8(&got).expect("utf8"),
            r#"<a xmlns:p="urn:p"/><b xmlns:p="urn:p">t</b><p:c xmlns:p="urn:q"/><d xmlns:p="urn:p"/>"#
        );
    }

    #[test]
    fn empty_element_yields_start_then_end() {
        let mut r = XmlReader::new(b"<a/>").expect("reader");
        assert!(matches!(r.next(), Ok(XmlEvent::Start(t)) if t.is_empty() && t.depth() == 1));
        assert!(matches!(r.next(), Ok(XmlEvent::End)));
        assert!(matches!(r.next(), Ok(XmlEvent::Eof)));
    }

    #[test]
    fn a_second_byte_order_mark_is_refused() {
        // Found by the roundtrip fuzz target: quick-xml skipped the second
        // one uncounted, and the body was cut three bytes short.
        let xml = "\u{FEFF}\u{FEFF}<r><a>t</a></r>";
        let err = XmlReader::new(xml.as_bytes()).expect_err("two BOMs");
        assert!(err.to_string().contains("U+FEFF"), "{err}");
        let doc = format!(
            "\u{FEFF}\u{FEFF}<s:Envelope xmlns:s=\"{}\"><s:Body><a/></s:Body></s:Envelope>",
            crate::ns::SOAP11
        );
        assert!(crate::Message::read(doc.as_bytes(), &ReaderQuotas::default()).is_err());
        // One is fine, and so is U+FEFF further on.
        let mut r = XmlReader::new("\u{FEFF}<r>\u{FEFF}</r>".as_bytes()).expect("one BOM");
        let root = r.root().expect("root");
        assert_eq!(r.read_text(&root).expect("text"), "\u{FEFF}");
    }

    #[test]
    fn a_fragment_is_element_content() {
        // Found by the message_read fuzz target: a body with text and a
        // reference beside its element was read, but did not read again
        // alone. Outside its elements a fragment's references and CDATA are
        // skipped, as its text is.
        let mut r = XmlReader::new(b"x&#xD;<a>&amp;</a>&amp;<![CDATA[c]]>").expect("reader");
        let mut texts = String::new();
        loop {
            match r.next().expect("event") {
                XmlEvent::Text(t) => texts.push_str(&t),
                XmlEvent::Eof => break,
                _ => {}
            }
        }
        assert_eq!(texts, "&");
        assert!(
            XmlReader::new(b"&#x1;<a/>")
                .and_then(|mut r| r.root().map(|_| ()))
                .is_err()
        );
        let doc = |top: &str| format!("{top}<r/>");
        for top in ["&#x41;", "<![CDATA[x]]>"] {
            let xml = doc(top);
            let mut r =
                XmlReader::document(xml.as_bytes(), &ReaderQuotas::default()).expect("reader");
            assert!(r.finish().is_err(), "{top} outside the root of a document");
        }
    }

    #[test]
    fn a_prefix_cannot_be_undeclared() {
        // Found by the roundtrip fuzz target: `xmlns:p=""` bound p to no
        // namespace, and a fragment cut below it used p undeclared.
        let err = XmlReader::new(br#"<r xmlns:p=""><p:a/></r>"#)
            .and_then(|mut r| r.root().map(|_| ()))
            .expect_err("xmlns:p=\"\"");
        assert!(err.to_string().contains("cannot be undeclared"), "{err}");
        let mut r = XmlReader::new(br#"<r xmlns="urn:d"><a xmlns=""/></r>"#).expect("reader");
        let root = r.root().expect("root");
        let a = r.next_child().expect("child").expect("a");
        assert_eq!((root.namespace(), a.namespace()), ("urn:d", ""));
    }

    #[test]
    fn the_xml_declaration_needs_a_version_1_x() {
        // Seen in a roundtrip fuzz input: `version="1.0F-8"` was accepted.
        for bad in ["1.0F-8", "2.0", "1.", "1", ""] {
            let xml = format!("<?xml version=\"{bad}\"?><r/>");
            assert!(
                XmlReader::new(xml.as_bytes())
                    .and_then(|mut r| r.finish())
                    .is_err(),
                "{bad}"
            );
        }
        assert!(
            XmlReader::new(b"<?xml encoding=\"utf-8\"?><r/>")
                .and_then(|mut r| r.finish())
                .is_err()
        );
        for ok in ["1.0", "1.1", "1.10"] {
            let xml = format!("<?xml version='{ok}' encoding='UTF-8'?><r/>");
            XmlReader::new(xml.as_bytes())
                .and_then(|mut r| r.finish())
                .expect(ok);
        }
    }

    #[test]
    fn text_resolves_references_and_line_ends() {
        let mut r = XmlReader::new(b"<a>x&amp;&#x41;\r\ny<![CDATA[<z>]]></a>").expect("reader");
        let t = r.root().expect("root");
        assert_eq!(r.read_text(&t).expect("text"), "x&A\ny<z>");
    }
}
