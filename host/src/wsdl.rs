//! A WSDL document served at `<endpoint>?wsdl`, with each port's address
//! filled in when it is served.

use quick_xml::NsReader;
use quick_xml::events::Event;
use quick_xml::name::ResolveResult;
use wws_core::{EnvelopeVersion, Error, Result};

/// WSDL 1.1 SOAP 1.1 binding namespace (`soap:address`).
const WSDL_SOAP11: &[u8] = b"http://schemas.xmlsoap.org/wsdl/soap/";
/// WSDL 1.1 SOAP 1.2 binding namespace (`soap12:address`).
const WSDL_SOAP12: &[u8] = b"http://schemas.xmlsoap.org/wsdl/soap12/";

#[derive(Clone, Debug, PartialEq, Eq)]
enum Segment {
    Text(String),
    /// The `location` value of an address element for this envelope version.
    Location(EnvelopeVersion),
}

/// A WSDL split once, when the endpoint is made, into literal text and the
/// `location` attributes of its `soap:address` / `soap12:address` elements.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct WsdlTemplate {
    segments: Vec<Segment>,
}

impl WsdlTemplate {
    /// Parses `doc`; fails with `InvalidFormat` when it is not well-formed XML.
    pub(crate) fn parse(doc: &str) -> Result<Self> {
        let mut reader = NsReader::from_str(doc);
        let mut segments = Vec::new();
        let mut copied = 0usize;
        loop {
            let start = usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX);
            let (ns, event) = reader
                .read_resolved_event()
                .map_err(|e| Error::invalid_format(format!("WSDL is not well-formed: {e}")))?;
            let version = match &ns {
                ResolveResult::Bound(n) if n.as_ref() == WSDL_SOAP11 => {
                    Some(EnvelopeVersion::Soap11)
                }
                ResolveResult::Bound(n) if n.as_ref() == WSDL_SOAP12 => {
                    Some(EnvelopeVersion::Soap12)
                }
                _ => None,
            };
            let (tag, empty) = match &event {
                Event::Eof => break,
                Event::Start(t) => (t, false),
                Event::Empty(t) => (t, true),
                _ => continue,
            };
            let Some(version) = version else { continue };
            if tag.local_name().as_ref() != b"address" {
                continue;
            }
            let end = usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX);
            let before = doc.get(copied..start).ok_or_else(|| {
                Error::invalid_format("WSDL: address element position out of range")
            })?;
            segments.push(Segment::Text(before.to_owned()));
            // Rewrite the tag with the location as a placeholder, keeping every
            // other attribute as written.
            let mut head = String::from("<");
            head.push_str(&String::from_utf8_lossy(tag.name().as_ref()));
            let mut tail = String::new();
            let mut has_location = false;
            for attr in tag.attributes() {
                let attr =
                    attr.map_err(|e| Error::invalid_format(format!("WSDL: bad attribute: {e}")))?;
                let key = String::from_utf8_lossy(attr.key.as_ref()).into_owned();
                if key == "location" {
                    has_location = true;
                    head.push_str(" location=\"");
                    continue;
                }
                let value = String::from_utf8_lossy(&attr.value).replace('"', "&quot;");
                tail.push_str(&format!(" {key}=\"{value}\""));
            }
            if !has_location {
                head.push_str(" location=\"");
            }
            segments.push(Segment::Text(head));
            segments.push(Segment::Location(version));
            segments.push(Segment::Text(format!(
                "\"{tail}{}",
                if empty { "/>" } else { ">" }
            )));
            copied = end;
        }
        let rest = doc.get(copied..).unwrap_or_default();
        segments.push(Segment::Text(rest.to_owned()));
        Ok(WsdlTemplate { segments })
    }

    /// The document with each address replaced by `location(version)`; an
    /// address for which it returns `None` keeps an empty location.
    pub(crate) fn render(&self, location: impl Fn(EnvelopeVersion) -> Option<String>) -> String {
        let mut out = String::new();
        for seg in &self.segments {
            match seg {
                Segment::Text(t) => out.push_str(t),
                Segment::Location(v) => {
                    if let Some(loc) = location(*v) {
                        out.push_str(&escape_attr(&loc));
                    }
                }
            }
        }
        out
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
