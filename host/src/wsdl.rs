//! A WSDL document served at `<endpoint>?wsdl`, with each port's address
//! filled in when it is served, and the schemas and WSDLs it imports served
//! beside it (`?xsd=xsd0`, as WCF does), every reference to them rewritten
//! to their URL on this host.

use quick_xml::NsReader;
use quick_xml::events::Event;
use quick_xml::name::ResolveResult;
use wws_core::{EnvelopeVersion, Error, Result};

/// WSDL 1.1 SOAP 1.1 binding namespace (`soap:address`).
const WSDL_SOAP11: &[u8] = b"http://schemas.xmlsoap.org/wsdl/soap/";
/// WSDL 1.1 SOAP 1.2 binding namespace (`soap12:address`).
const WSDL_SOAP12: &[u8] = b"http://schemas.xmlsoap.org/wsdl/soap12/";
/// WSDL 1.1 namespace (`wsdl:import location`).
const WSDL: &[u8] = b"http://schemas.xmlsoap.org/wsdl/";
/// XML Schema namespace (`xs:import`/`xs:include`/`xs:redefine schemaLocation`).
const XS: &[u8] = b"http://www.w3.org/2001/XMLSchema";

#[derive(Clone, Debug, PartialEq, Eq)]
enum Segment {
    Text(String),
    /// The `location` value of an address element for this envelope version.
    Location(EnvelopeVersion),
    /// A reference to the served document with this index.
    Document(usize),
}

/// A WSDL split once, when the endpoint is made, into literal text and the
/// `location` attributes of its `soap:address` / `soap12:address` elements.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct WsdlTemplate {
    segments: Vec<Segment>,
}

impl WsdlTemplate {
    /// Parses `doc`; fails with `InvalidFormat` when it is not well-formed XML.
    #[cfg(test)]
    pub(crate) fn parse(doc: &str) -> Result<Self> {
        Self::parse_with(doc, &|_| None)
    }

    /// Parses `doc`, whose imports and includes naming a document that
    /// `resolve` knows (by the reference as written) become references to it.
    pub(crate) fn parse_with(doc: &str, resolve: &dyn Fn(&str) -> Option<usize>) -> Result<Self> {
        let mut reader = NsReader::from_str(doc);
        let mut segments = Vec::new();
        let mut copied = 0usize;
        loop {
            let start = usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX);
            let (ns, event) = reader
                .read_resolved_event()
                .map_err(|e| Error::invalid_format(format!("WSDL is not well-formed: {e}")))?;
            let (tag, empty) = match &event {
                Event::Eof => break,
                Event::Start(t) => (t, false),
                Event::Empty(t) => (t, true),
                _ => continue,
            };
            let ns = match &ns {
                ResolveResult::Bound(n) => n.as_ref(),
                _ => continue,
            };
            let local = tag.local_name();
            let (attr_name, segment) = match (ns, local.as_ref()) {
                (WSDL_SOAP11, b"address") => {
                    ("location", Segment::Location(EnvelopeVersion::Soap11))
                }
                (WSDL_SOAP12, b"address") => {
                    ("location", Segment::Location(EnvelopeVersion::Soap12))
                }
                (XS, b"import" | b"include" | b"redefine") | (WSDL, b"import") => {
                    let name = if ns == XS {
                        "schemaLocation"
                    } else {
                        "location"
                    };
                    let found = tag.attributes().flatten().find_map(|a| {
                        (a.key.as_ref() == name.as_bytes())
                            .then(|| a.unescape_value().ok().and_then(|v| resolve(&v)))
                            .flatten()
                    });
                    match found {
                        Some(i) => (name, Segment::Document(i)),
                        None => continue,
                    }
                }
                _ => continue,
            };
            let end = usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX);
            let before = doc
                .get(copied..start)
                .ok_or_else(|| Error::invalid_format("WSDL: element position out of range"))?;
            segments.push(Segment::Text(before.to_owned()));
            // Rewrite the tag with the attribute as a placeholder, keeping every
            // other attribute as written and in its place.
            let mut text = String::from("<");
            text.push_str(&String::from_utf8_lossy(tag.name().as_ref()));
            let mut placed = false;
            for attr in tag.attributes() {
                let attr =
                    attr.map_err(|e| Error::invalid_format(format!("WSDL: bad attribute: {e}")))?;
                let key = String::from_utf8_lossy(attr.key.as_ref()).into_owned();
                if key == attr_name && !placed {
                    placed = true;
                    text.push_str(&format!(" {key}=\""));
                    segments.push(Segment::Text(std::mem::take(&mut text)));
                    segments.push(segment.clone());
                    text.push('"');
                    continue;
                }
                let value = String::from_utf8_lossy(&attr.value).replace('"', "&quot;");
                text.push_str(&format!(" {key}=\"{value}\""));
            }
            if !placed {
                text.push_str(&format!(" {attr_name}=\""));
                segments.push(Segment::Text(std::mem::take(&mut text)));
                segments.push(segment);
                text.push('"');
            }
            text.push_str(if empty { "/>" } else { ">" });
            segments.push(Segment::Text(text));
            copied = end;
        }
        let rest = doc.get(copied..).unwrap_or_default();
        segments.push(Segment::Text(rest.to_owned()));
        Ok(WsdlTemplate { segments })
    }

    /// The document with each address replaced by `location(version)`; an
    /// address for which it returns `None` keeps an empty location.
    #[cfg(test)]
    pub(crate) fn render(&self, location: impl Fn(EnvelopeVersion) -> Option<String>) -> String {
        self.render_with(location, |_| String::new())
    }

    /// As [`render`](Self::render), each reference to a served document replaced by `document(index)`.
    pub(crate) fn render_with(
        &self,
        location: impl Fn(EnvelopeVersion) -> Option<String>,
        document: impl Fn(usize) -> String,
    ) -> String {
        let mut out = String::new();
        for seg in &self.segments {
            match seg {
                Segment::Text(t) => out.push_str(t),
                Segment::Location(v) => {
                    if let Some(loc) = location(*v) {
                        out.push_str(&escape_attr(&loc));
                    }
                }
                Segment::Document(i) => out.push_str(&escape_attr(&document(*i))),
            }
        }
        out
    }
}

/// The documents of a multi-file contract: the WSDL and those it imports,
/// by the names they refer to each other with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Documents {
    /// The WSDL served at `?wsdl`.
    pub(crate) main: WsdlTemplate,
    /// `(query value, document)`: `xsd0`, `wsdl1`, … served at `?xsd=xsd0`, `?wsdl=wsdl1`.
    pub(crate) others: Vec<(String, WsdlTemplate)>,
}

/// `path` with `.` and `..` segments resolved (leading `..` kept).
fn normalize(path: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." if out.last().is_some_and(|l| *l != "..") => {
                out.pop();
            }
            s => out.push(s),
        }
    }
    out.join("/")
}

/// The folder of a document name (`a/b.xsd` → `a/`).
fn folder(name: &str) -> &str {
    name.rfind('/').map_or("", |i| &name[..=i])
}

impl Documents {
    /// The WSDL `main` and `others` (`(name, text)`, named relative to the
    /// WSDL's folder as the documents refer to each other).
    pub(crate) fn parse(main: &str, others: &[(String, String)]) -> Result<Self> {
        let names: Vec<String> = others.iter().map(|(n, _)| normalize(n)).collect();
        let resolver = |from: &str| {
            let names = &names;
            let dir = folder(from).to_owned();
            move |r: &str| {
                if r.contains("://") {
                    return None;
                }
                let target = normalize(&format!("{dir}{r}"));
                names.iter().position(|n| *n == target)
            }
        };
        let main = WsdlTemplate::parse_with(main, &resolver(""))?;
        let mut parsed = Vec::new();
        for (i, (name, text)) in others.iter().enumerate() {
            let key = if name.ends_with(".wsdl") {
                "wsdl"
            } else {
                "xsd"
            };
            let t = WsdlTemplate::parse_with(text, &resolver(&names[i]))
                .map_err(|e| Error::invalid_format(format!("{name}: {e}")))?;
            parsed.push((format!("{key}{i}"), t));
        }
        Ok(Documents {
            main,
            others: parsed,
        })
    }

    /// The query parameter (`xsd` or `wsdl`) and value serving document `i`.
    pub(crate) fn query(&self, i: usize) -> String {
        match self.others.get(i) {
            Some((key, _)) if key.starts_with("wsdl") => format!("wsdl={key}"),
            Some((key, _)) => format!("xsd={key}"),
            None => "wsdl".to_owned(),
        }
    }

    /// The document a query asks for: `?xsd=xsd0`, `?wsdl=wsdl1`, else the WSDL (`?wsdl`).
    pub(crate) fn select(&self, query: &str) -> Option<&WsdlTemplate> {
        let mut wsdl = false;
        for p in query.split('&') {
            let (name, value) = p.split_once('=').unwrap_or((p, ""));
            if name.eq_ignore_ascii_case("xsd") || name.eq_ignore_ascii_case("wsdl") {
                if let Some((_, t)) = self.others.iter().find(|(k, _)| k == value) {
                    return Some(t);
                }
                wsdl |= name.eq_ignore_ascii_case("wsdl");
            }
        }
        wsdl.then_some(&self.main)
    }
}

/// `s` escaped for an attribute value (the stack's one escaper). The
/// address is made of a checked `Host` header and the endpoint's path, so
/// it cannot fail; were it to, the address is left empty rather than wrong.
fn escape_attr(s: &str) -> String {
    wws_core::xml::escape_attr(s).unwrap_or_else(|e| {
        tracing::debug!(error = %e, "an address cannot be written into the WSDL");
        String::new()
    })
}

/// Whether `host` (an HTTP `Host` header value) is safe to put into a URL:
/// a name, IPv4 or bracketed IPv6 with an optional port, nothing else.
pub(crate) fn is_valid_host(host: &str) -> bool {
    !host.is_empty()
        && host.len() <= 255
        && host.bytes().all(|b| {
            b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']' | b'_')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = r#"<?xml version="1.0"?>
<w:definitions xmlns:w="http://schemas.xmlsoap.org/wsdl/" xmlns:s="http://schemas.xmlsoap.org/wsdl/soap/" xmlns:s12="http://schemas.xmlsoap.org/wsdl/soap12/">
  <w:service name="S">
    <w:port name="P11"><s:address location="http://old/a" extra='x"y'/></w:port>
    <w:port name="P12"><s12:address location="http://old/b"></s12:address></w:port>
    <w:port name="Other"><address xmlns="urn:other" location="keep"/></w:port>
  </w:service>
</w:definitions>"#;

    #[test]
    fn each_port_gets_the_address_of_its_version() {
        let t = WsdlTemplate::parse(DOC).expect("parse");
        let out = t.render(|v| match v {
            EnvelopeVersion::Soap11 => Some("http://h:1/x".into()),
            EnvelopeVersion::Soap12 => Some("http://h:1/y?a&b".into()),
        });
        assert!(
            out.contains(r#"<s:address location="http://h:1/x" extra="x&quot;y"/>"#),
            "{out}"
        );
        assert!(
            out.contains(r#"<s12:address location="http://h:1/y?a&amp;b"></s12:address>"#),
            "{out}"
        );
        assert!(out.contains(r#"location="keep""#));
        assert!(!out.contains("http://old/"));
        assert!(out.starts_with("<?xml"));
        assert!(out.ends_with("</w:definitions>"));
    }

    #[test]
    fn imported_documents_are_served_by_their_query() {
        let main = r#"<w:definitions xmlns:w="http://schemas.xmlsoap.org/wsdl/" xmlns:xs="http://www.w3.org/2001/XMLSchema">
  <w:types><xs:schema><xs:import namespace="urn:t" schemaLocation="schema/t.xsd"/><xs:import namespace="urn:r" schemaLocation="http://remote/r.xsd"/></xs:schema></w:types>
  <w:import namespace="urn:more" location="more.wsdl"/>
</w:definitions>"#;
        let t = r#"<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"><xs:include schemaLocation="./../schema/common.xsd"/></xs:schema>"#;
        let common = r#"<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"/>"#;
        let more = r#"<w:definitions xmlns:w="http://schemas.xmlsoap.org/wsdl/"/>"#;
        let docs = Documents::parse(
            main,
            &[
                ("schema/t.xsd".into(), t.into()),
                ("schema/common.xsd".into(), common.into()),
                ("more.wsdl".into(), more.into()),
            ],
        )
        .expect("parse");
        let url = |i| format!("http://h/x?{}", docs.query(i));
        let out = docs.main.render_with(|_| None, url);
        assert!(
            out.contains(r#"<xs:import namespace="urn:t" schemaLocation="http://h/x?xsd=xsd0"/>"#),
            "{out}"
        );
        assert!(
            out.contains(r#"schemaLocation="http://remote/r.xsd""#),
            "{out}"
        );
        assert!(
            out.contains(r#"<w:import namespace="urn:more" location="http://h/x?wsdl=wsdl2"/>"#),
            "{out}"
        );
        let t = docs
            .select("xsd=xsd0")
            .expect("t.xsd")
            .render_with(|_| None, url);
        assert!(
            t.contains(r#"<xs:include schemaLocation="http://h/x?xsd=xsd1"/>"#),
            "{t}"
        );
        assert_eq!(docs.select("wsdl"), Some(&docs.main));
        assert_eq!(
            docs.select("WSDL=wsdl2"),
            docs.others.get(2).map(|(_, t)| t)
        );
        assert_eq!(docs.select("xsd=xsd9"), None);
        assert_eq!(normalize("a/./b/../../c"), "c");
        assert_eq!(normalize("../../x"), "../../x");
    }

    #[test]
    fn malformed_wsdl_is_rejected() {
        assert!(WsdlTemplate::parse("<a><b></a>").is_err());
    }

    #[test]
    fn host_header_validation() {
        assert!(is_valid_host("127.0.0.1:8080"));
        assert!(is_valid_host("[::1]:80"));
        assert!(is_valid_host("example.org"));
        assert!(!is_valid_host("a\"b"));
        assert!(!is_valid_host("a/b"));
        assert!(!is_valid_host(""));
    }
}
