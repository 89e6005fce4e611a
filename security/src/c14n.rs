//! Exclusive XML Canonicalization 1.0 without comments (W3C Recommendation
//! 2002, `http://www.w3.org/2001/10/xml-exc-c14n#`), of one standalone
//! element: the first brick of XML Signature (issue 15 §2).
//!
//! Built on quick-xml's tokenizer, with the XML 1.0 processing a
//! canonicalizer needs done here: line ends normalised, attribute values
//! normalised (literal whitespace to spaces) and unescaped, references
//! resolved (only the predefined entities and character references: a DTD
//! is refused, as everywhere in wws). Then the c14n rules: empty elements
//! as start-end pairs, namespace declarations rendered only where visibly
//! used (element and attribute prefixes, and the InclusiveNamespaces
//! PrefixList) and not already in force on an output ancestor, sorted by
//! prefix, attributes sorted by namespace URI and local name, the c14n
//! escapes in text (`&amp; &lt; &gt; &#xD;`) and attributes (`&amp; &lt;
//! &quot; &#x9; &#xA; &#xD;`), comments and the XML declaration dropped.
//!
//! Checked against lxml's (libxml2's) exclusive canonicalizer on the
//! vectors in `tests/c14n.rs`.

use std::borrow::Cow;

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};
use wws_core::xml::chars::{find_non_char, is_qname};

/// Why an input cannot be canonicalized.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct C14nError(pub String);

impl std::fmt::Display for C14nError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "cannot canonicalize: {}", self.0)
    }
}

impl std::error::Error for C14nError {}

type Result<T> = std::result::Result<T, C14nError>;

fn err(why: impl Into<String>) -> C14nError {
    C14nError(why.into())
}

const XML_NS: &str = "http://www.w3.org/XML/1998/namespace";

/// The exclusive canonical form of the standalone element `xml`.
///
/// `inclusive_prefixes` is the InclusiveNamespaces PrefixList (`#default`
/// for the default namespace): those namespaces are rendered, where in
/// scope, as inclusive c14n would.
pub fn exclusive(xml: &[u8], inclusive_prefixes: &[&str]) -> Result<Vec<u8>> {
    scan(xml, inclusive_prefixes, None).map(|found| found.canonical)
}

/// Which element of a document [`exclusive_in`] canonicalizes.
#[derive(Clone, Copy, Debug)]
pub enum Select<'a> {
    /// The one element whose ID is this value: its `wsu:Id` (WSS utility
    /// namespace), unqualified `Id` (XML Signature's own elements) or
    /// `xml:id`. Two elements with that ID, under any of the three names,
    /// are an error: a reference must not be ambiguous.
    Id(&'a str),
    /// The one element at this path of (namespace URI, local name) from the
    /// root. Two elements at the path are an error.
    Path(&'a [(&'a str, &'a str)]),
}

/// An element found in a document and its exclusive canonical form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Found {
    /// (Namespace URI, local name) of the element and each ancestor, root first.
    pub path: Vec<(String, String)>,
    /// The element's exclusive canonical form, in the namespace context of its document.
    pub canonical: Vec<u8>,
}

/// The exclusive canonical form of one element of the document `doc`, in
/// its namespace context (the declarations of its ancestors that it or its
/// descendants visibly use are rendered on it, as XML Signature requires of
/// a same-document reference), with where it was found. The whole document
/// is read, so that a second element the selection matches is found too.
pub fn exclusive_in(doc: &[u8], select: Select<'_>, inclusive_prefixes: &[&str]) -> Result<Found> {
    scan(doc, inclusive_prefixes, Some(select))
}

/// The ID attribute values of an element: (prefix-resolved name, value).
fn is_id_attribute(ns: &str, local: &str) -> bool {
    (local == "Id" && (ns.is_empty() || ns == crate::ns::WSU)) || (ns == XML_NS && local == "id")
}

fn scan(xml: &[u8], inclusive_prefixes: &[&str], select: Option<Select<'_>>) -> Result<Found> {
    let mut reader = Reader::from_reader(xml);
    reader.config_mut().expand_empty_elements = true;
    let inclusive: Vec<&str> = inclusive_prefixes
        .iter()
        .map(|p| if *p == "#default" { "" } else { *p })
        .collect();
    let mut out = Vec::with_capacity(if select.is_some() { 1024 } else { xml.len() });
    // Declarations in the input, per open element.
    let mut declared: Vec<Vec<(String, String)>> = Vec::new();
    // Declarations rendered in the output, per open output element.
    let mut rendered: Vec<Vec<(String, String)>> = Vec::new();
    let mut names: Vec<Vec<u8>> = Vec::new();
    // (Namespace, local name) of each open element.
    let mut path: Vec<(String, String)> = Vec::new();
    // Output happens while `names.len() > capture_from` (the selected
    // element's depth); without a selection, from the root on.
    let mut capture_from: Option<usize> = None;
    let mut found: Option<Vec<(String, String)>> = None;
    let mut seen_root = false;
    loop {
        let event = reader
            .read_event()
            .map_err(|e| err(format!("at {}: {e}", reader.buffer_position())))?;
        let capturing = capture_from.is_some_and(|d| names.len() > d);
        match event {
            Event::Start(tag) => {
                if names.is_empty() {
                    if seen_root {
                        return Err(err("more than one root element"));
                    }
                    seen_root = true;
                }
                let parsed = parse_start(&tag, &mut declared)?;
                path.push(parsed.resolved(&declared));
                let selected = match select {
                    None => names.is_empty(),
                    Some(Select::Id(id)) => parsed.has_id(&declared, id)?,
                    Some(Select::Path(want)) => {
                        want.len() == path.len()
                            && want
                                .iter()
                                .zip(&path)
                                .all(|((n, l), (pn, pl))| n == pn && l == pl)
                    }
                };
                if selected {
                    if found.is_some() {
                        return Err(err("the selected element is not unique in the document"));
                    }
                    found = Some(path.clone());
                    if !capturing {
                        capture_from = Some(names.len());
                    }
                }
                if capturing || selected {
                    render_start(&parsed, &inclusive, &declared, &mut rendered, &mut out)?;
                }
                names.push(parsed.name.into_bytes());
            }
            Event::End(_) => {
                let name = names.pop().ok_or_else(|| err("end without start"))?;
                declared.pop();
                path.pop();
                if capturing {
                    rendered.pop();
                    out.extend_from_slice(b"</");
                    out.extend_from_slice(&name);
                    out.push(b'>');
                    if capture_from == Some(names.len()) && select.is_some() {
                        // The selected element is complete; read on for a second match.
                        capture_from = None;
                    }
                }
            }
            Event::Empty(_) => return Err(err("empty element not expanded")),
            Event::Text(t) => {
                let raw = chars(&t)?;
                if names.is_empty() {
                    if !raw.trim_matches([' ', '\t', '\n', '\r']).is_empty() {
                        return Err(err("text outside the element"));
                    }
                } else if capturing {
                    escape_text(&normalize_line_ends(raw), &mut out);
                }
            }
            Event::GeneralRef(r) => {
                if names.is_empty() {
                    return Err(err("reference outside the element"));
                }
                let c = resolve_ref(&r)?;
                chars(c.as_bytes())?;
                if capturing {
                    escape_text(&c, &mut out);
                }
            }
            Event::CData(c) => {
                if names.is_empty() {
                    return Err(err("CDATA outside the element"));
                }
                let raw = chars(&c)?;
                if capturing {
                    escape_text(&normalize_line_ends(raw), &mut out);
                }
            }
            Event::PI(pi) => {
                let raw = chars(&pi)?;
                if names.is_empty() && select.is_none() {
                    return Err(err("processing instruction outside the element"));
                }
                if !capturing {
                    continue;
                }
                let raw = normalize_line_ends(raw);
                let (target, data) = raw
                    .split_once([' ', '\t', '\n'])
                    .map_or((raw.as_ref(), ""), |(t, d)| {
                        (t, d.trim_start_matches([' ', '\t', '\n']))
                    });
                out.extend_from_slice(b"<?");
                out.extend_from_slice(target.as_bytes());
                if !data.is_empty() {
                    out.push(b' ');
                    out.extend_from_slice(data.as_bytes());
                }
                out.extend_from_slice(b"?>");
            }
            Event::Comment(_) | Event::Decl(_) => {}
            Event::DocType(_) => return Err(err("a DTD is not accepted")),
            Event::Eof => break,
        }
    }
    if !names.is_empty() || !seen_root {
        return Err(err("no complete element"));
    }
    match (select, found) {
        (None, _) => Ok(Found {
            path: Vec::new(),
            canonical: out,
        }),
        (Some(_), Some(path)) => Ok(Found {
            path,
            canonical: out,
        }),
        (Some(_), None) => Err(err("no element in the document is the one selected")),
    }
}

/// `bytes` as text, if it is UTF-8 of characters XML 1.0 allows (quick-xml
/// checks neither; a canonical form must read again as the same document).
fn chars(bytes: &[u8]) -> Result<&str> {
    let text = std::str::from_utf8(bytes).map_err(|e| err(e.to_string()))?;
    match find_non_char(bytes) {
        Some((at, c)) => Err(err(format!(
            "character U+{:04X} at {at} is not allowed in XML",
            u32::from(c)
        ))),
        None => Ok(text),
    }
}

fn resolve_ref(r: &quick_xml::events::BytesRef<'_>) -> Result<String> {
    if r.is_char_ref() {
        return match r.resolve_char_ref().map_err(|e| err(e.to_string()))? {
            Some(c) => Ok(c.to_string()),
            None => Err(err("bad character reference")),
        };
    }
    let name = r.decode().map_err(|e| err(e.to_string()))?;
    quick_xml::escape::resolve_predefined_entity(&name)
        .map(str::to_owned)
        .ok_or_else(|| err(format!("undeclared entity &{name};")))
}

fn lookup<'s>(frames: &'s [Vec<(String, String)>], prefix: &str) -> Option<&'s str> {
    frames
        .iter()
        .rev()
        .flat_map(|f| f.iter().rev())
        .find(|(p, _)| p == prefix)
        .map(|(_, u)| u.as_str())
}

fn split(qname: &str) -> (&str, &str) {
    qname.split_once(':').unwrap_or(("", qname))
}

/// A start tag, checked and split into declarations and attributes.
struct Parsed {
    name: String,
    attrs: Vec<(String, String)>,
}

impl Parsed {
    /// (Namespace, local name) of the element, given the declarations in scope.
    fn resolved(&self, declared: &[Vec<(String, String)>]) -> (String, String) {
        let (p, local) = split(&self.name);
        let ns = match p {
            "xml" => XML_NS,
            _ => lookup(declared, p).unwrap_or(""),
        };
        (ns.to_owned(), local.to_owned())
    }

    /// Whether one of its ID attributes holds `id`.
    fn has_id(&self, declared: &[Vec<(String, String)>], id: &str) -> Result<bool> {
        for (k, v) in &self.attrs {
            let (p, local) = split(k);
            let ns = match p {
                "" => "",
                "xml" => XML_NS,
                _ => lookup(declared, p).ok_or_else(|| err(format!("undeclared prefix {p}")))?,
            };
            if is_id_attribute(ns, local) && v == id {
                return Ok(true);
            }
        }
        Ok(false)
    }
}

fn parse_start(tag: &BytesStart<'_>, declared: &mut Vec<Vec<(String, String)>>) -> Result<Parsed> {
    let name = std::str::from_utf8(tag.name().as_ref())
        .map_err(|e| err(e.to_string()))?
        .to_owned();
    // quick-xml does not check names: `<a/b/>` would be an element `a/b`.
    if !is_qname(&name) {
        return Err(err(format!("element name {name:?} is not a QName")));
    }
    let mut decls = Vec::new();
    let mut attrs: Vec<(String, String)> = Vec::new();
    for a in tag.attributes() {
        let a = a.map_err(|e| err(e.to_string()))?;
        let key = std::str::from_utf8(a.key.as_ref())
            .map_err(|e| err(e.to_string()))?
            .to_owned();
        if !is_qname(&key) {
            return Err(err(format!("attribute name {key:?} is not a QName")));
        }
        let raw = chars(&a.value)?;
        let value = attribute_value(raw)?;
        chars(value.as_bytes())?;
        if key == "xmlns" {
            decls.push((String::new(), value));
        } else if let Some(p) = key.strip_prefix("xmlns:") {
            decls.push((p.to_owned(), value));
        } else {
            attrs.push((key, value));
        }
    }
    declared.push(decls);
    let (p, _) = split(&name);
    if !p.is_empty() && p != "xml" && lookup(declared, p).is_none() {
        return Err(err(format!("undeclared prefix {p}")));
    }
    Ok(Parsed { name, attrs })
}

fn render_start(
    tag: &Parsed,
    inclusive: &[&str],
    declared: &[Vec<(String, String)>],
    rendered: &mut Vec<Vec<(String, String)>>,
    out: &mut Vec<u8>,
) -> Result<()> {
    let name = &tag.name;
    let attrs = &tag.attrs;
    // The prefixes this element visibly uses, then the inclusive ones in scope.
    let mut used: Vec<&str> = vec![split(name).0];
    for (k, _) in attrs {
        let (p, _) = split(k);
        if !p.is_empty() {
            used.push(p);
        }
    }
    for p in inclusive {
        if p.is_empty() || lookup(declared, p).is_some() {
            used.push(p);
        }
    }
    used.sort_unstable();
    used.dedup();
    let mut render = Vec::new();
    for p in used {
        if p == "xml" {
            continue;
        }
        let uri = match lookup(declared, p) {
            Some(u) => u,
            None if p.is_empty() => "",
            None => return Err(err(format!("undeclared prefix {p}"))),
        };
        let in_force = lookup(rendered, p).unwrap_or("");
        if p.is_empty() {
            if uri == in_force {
                continue;
            }
        } else if lookup(rendered, p) == Some(uri) {
            continue;
        }
        render.push((p.to_owned(), uri.to_owned()));
    }

    // Attributes by namespace URI, then local name.
    let mut keyed = Vec::with_capacity(attrs.len());
    for (k, v) in attrs {
        let (p, local) = split(k);
        let ns = match p {
            "" => String::new(),
            "xml" => XML_NS.to_owned(),
            _ => lookup(declared, p)
                .ok_or_else(|| err(format!("undeclared prefix {p}")))?
                .to_owned(),
        };
        keyed.push((ns, local.to_owned(), k.as_str(), v.as_str()));
    }
    keyed.sort();

    out.push(b'<');
    out.extend_from_slice(name.as_bytes());
    for (p, uri) in &render {
        if p.is_empty() {
            out.extend_from_slice(b" xmlns=\"");
        } else {
            out.extend_from_slice(b" xmlns:");
            out.extend_from_slice(p.as_bytes());
            out.extend_from_slice(b"=\"");
        }
        escape_attr(uri, out);
        out.push(b'"');
    }
    for (_, _, k, v) in &keyed {
        out.push(b' ');
        out.extend_from_slice(k.as_bytes());
        out.extend_from_slice(b"=\"");
        escape_attr(v, out);
        out.push(b'"');
    }
    out.push(b'>');
    rendered.push(render);
    Ok(())
}

/// XML 1.0 §2.11: `\r\n` and lone `\r` become `\n`.
fn normalize_line_ends(raw: &str) -> Cow<'_, str> {
    if !raw.contains('\r') {
        return Cow::Borrowed(raw);
    }
    Cow::Owned(raw.replace("\r\n", "\n").replace('\r', "\n"))
}

/// XML 1.0 §3.3.3 for CDATA attributes: literal whitespace to spaces,
/// then references resolved (a `&#x9;` stays a tab).
fn attribute_value(raw: &str) -> Result<String> {
    let spaced = normalize_line_ends(raw).replace(['\t', '\n'], " ");
    quick_xml::escape::unescape(&spaced)
        .map(Cow::into_owned)
        .map_err(|e| err(e.to_string()))
}

fn escape_text(s: &str, out: &mut Vec<u8>) {
    escape(s, out, |b| match b {
        b'&' => Some(b"&amp;"),
        b'<' => Some(b"&lt;"),
        b'>' => Some(b"&gt;"),
        b'\r' => Some(b"&#xD;"),
        _ => None,
    });
}

/// Copies `s` to `out` in runs, replacing each byte `replace` names (all
/// ASCII, so a run never splits a UTF-8 sequence).
fn escape(s: &str, out: &mut Vec<u8>, replace: impl Fn(u8) -> Option<&'static [u8]>) {
    let bytes = s.as_bytes();
    out.reserve(bytes.len());
    let mut run = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if let Some(with) = replace(b) {
            out.extend_from_slice(&bytes[run..i]);
            out.extend_from_slice(with);
            run = i + 1;
        }
    }
    out.extend_from_slice(&bytes[run..]);
}

fn escape_attr(s: &str, out: &mut Vec<u8>) {
    escape(s, out, |b| match b {
        b'&' => Some(b"&amp;"),
        b'<' => Some(b"&lt;"),
        b'"' => Some(b"&quot;"),
        b'\t' => Some(b"&#x9;"),
        b'\n' => Some(b"&#xA;"),
        b'\r' => Some(b"&#xD;"),
        _ => None,
    });
}
