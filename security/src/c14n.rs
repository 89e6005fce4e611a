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
    let mut reader = Reader::from_reader(xml);
    reader.config_mut().expand_empty_elements = true;
    let inclusive: Vec<&str> = inclusive_prefixes
        .iter()
        .map(|p| if *p == "#default" { "" } else { *p })
        .collect();
    let mut out = Vec::with_capacity(xml.len());
    // Declarations in the input, per open element.
    let mut declared: Vec<Vec<(String, String)>> = Vec::new();
    // Declarations rendered in the output, per open element.
    let mut rendered: Vec<Vec<(String, String)>> = Vec::new();
    let mut names: Vec<Vec<u8>> = Vec::new();
    let mut seen_root = false;
    loop {
        let event = reader
            .read_event()
            .map_err(|e| err(format!("at {}: {e}", reader.buffer_position())))?;
        match event {
            Event::Start(tag) => {
                if names.is_empty() {
                    if seen_root {
                        return Err(err("more than one root element"));
                    }
                    seen_root = true;
                }
                start(&tag, &inclusive, &mut declared, &mut rendered, &mut out)?;
                names.push(tag.name().as_ref().to_vec());
            }
            Event::End(_) => {
                let name = names.pop().ok_or_else(|| err("end without start"))?;
                declared.pop();
                rendered.pop();
                out.extend_from_slice(b"</");
                out.extend_from_slice(&name);
                out.push(b'>');
            }
            Event::Empty(_) => return Err(err("empty element not expanded")),
            Event::Text(t) => {
                let raw = std::str::from_utf8(&t).map_err(|e| err(e.to_string()))?;
                let text = normalize_line_ends(raw);
                if names.is_empty() {
                    if !text.trim_matches([' ', '\t', '\n']).is_empty() {
                        return Err(err("text outside the element"));
                    }
                } else {
                    escape_text(&text, &mut out);
                }
            }
            Event::GeneralRef(r) => {
                if names.is_empty() {
                    return Err(err("reference outside the element"));
                }
                let c = resolve_ref(&r)?;
                escape_text(&c, &mut out);
            }
            Event::CData(c) => {
                if names.is_empty() {
                    return Err(err("CDATA outside the element"));
                }
                let raw = std::str::from_utf8(&c).map_err(|e| err(e.to_string()))?;
                escape_text(&normalize_line_ends(raw), &mut out);
            }
            Event::PI(pi) => {
                if names.is_empty() {
                    return Err(err("processing instruction outside the element"));
                }
                let raw = std::str::from_utf8(&pi).map_err(|e| err(e.to_string()))?;
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
    Ok(out)
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

fn start(
    tag: &BytesStart<'_>,
    inclusive: &[&str],
    declared: &mut Vec<Vec<(String, String)>>,
    rendered: &mut Vec<Vec<(String, String)>>,
    out: &mut Vec<u8>,
) -> Result<()> {
    let name = std::str::from_utf8(tag.name().as_ref())
        .map_err(|e| err(e.to_string()))?
        .to_owned();
    let mut decls = Vec::new();
    let mut attrs: Vec<(String, String)> = Vec::new();
    for a in tag.attributes() {
        let a = a.map_err(|e| err(e.to_string()))?;
        let key = std::str::from_utf8(a.key.as_ref())
            .map_err(|e| err(e.to_string()))?
            .to_owned();
        let raw = std::str::from_utf8(&a.value).map_err(|e| err(e.to_string()))?;
        let value = attribute_value(raw)?;
        if key == "xmlns" {
            decls.push((String::new(), value));
        } else if let Some(p) = key.strip_prefix("xmlns:") {
            decls.push((p.to_owned(), value));
        } else {
            attrs.push((key, value));
        }
    }
    declared.push(decls);

    // The prefixes this element visibly uses, then the inclusive ones in scope.
    let mut used: Vec<&str> = vec![split(&name).0];
    for (k, _) in &attrs {
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
        let (p, local) = split(&k);
        let ns = match p {
            "" => String::new(),
            "xml" => XML_NS.to_owned(),
            _ => lookup(declared, p)
                .ok_or_else(|| err(format!("undeclared prefix {p}")))?
                .to_owned(),
        };
        keyed.push((ns, local.to_owned(), k.clone(), v));
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
