//! Reading a SOAP envelope into a [`Message`], streaming, without a tree.
//!
//! Besides well-formedness and the quotas, the reader enforces the envelope
//! rules a receiver answers with a Sender/Client fault: no DTD and no
//! processing instruction (SOAP 1.1 §3, SOAP 1.2 Part 1 §5); an optional
//! `Header` before exactly one `Body`; in SOAP 1.2 nothing after `Body` and
//! only namespace-qualified attributes, `encodingStyle` excepted, on
//! `Envelope`, `Header` and `Body` (§5.1–§5.3); namespace-qualified header
//! blocks whose `mustUnderstand` (and SOAP 1.2 `relay`) is a boolean. An
//! `Envelope` of an unknown namespace is [`Error::VersionMismatch`]. A
//! repeated WS-Addressing header is kept among the header blocks, for the
//! receiver's WS-Addressing fault.

use bytes::Bytes;

use crate::error::{Error, Result};
use crate::message::{AddressingVersion, EnvelopeVersion, Header, Message};
use crate::properties::ReaderQuotas;
use crate::xml::reader::{StartTag, XmlReader, trim_xml};

/// The WS-Addressing headers we map to message fields.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
enum AddressingHeader {
    Action,
    To,
    MessageId,
    RelatesTo,
    ReplyTo,
    FaultTo,
}

impl AddressingHeader {
    fn from_local(local: &str) -> Option<Self> {
        Some(match local {
            "Action" => AddressingHeader::Action,
            "To" => AddressingHeader::To,
            "MessageID" => AddressingHeader::MessageId,
            "RelatesTo" => AddressingHeader::RelatesTo,
            "ReplyTo" => AddressingHeader::ReplyTo,
            "FaultTo" => AddressingHeader::FaultTo,
            _ => return None,
        })
    }

    fn slot(self, msg: &mut Message) -> &mut Option<String> {
        match self {
            AddressingHeader::Action => &mut msg.action,
            AddressingHeader::To => &mut msg.to,
            AddressingHeader::MessageId => &mut msg.message_id,
            AddressingHeader::RelatesTo => &mut msg.relates_to,
            AddressingHeader::ReplyTo => &mut msg.reply_to,
            AddressingHeader::FaultTo => &mut msg.fault_to,
        }
    }
}

fn addressing_of(ns: &str) -> Option<AddressingVersion> {
    match ns {
        crate::ns::WSA10 => Some(AddressingVersion::WsAddressing10),
        crate::ns::WSA200408 => Some(AddressingVersion::WsAddressing200408),
        _ => None,
    }
}

/// A SOAP boolean attribute (`mustUnderstand`, `relay`) of a header block.
///
/// SOAP 1.2 types them `xs:boolean` (`true`, `false`, `1`, `0`; Part 1
/// §5.2.3, §5.2.4). SOAP 1.1 §4.2.3 allows only `1` and `0`; `true` and
/// `false` are accepted there too, since some 1.1 stacks write them and the
/// meaning is plain. Any other value makes the message invalid: a Sender fault.
fn soap_boolean(block: &StartTag<'_>, attr: &str, value: &str) -> Result<bool> {
    match trim_xml(value) {
        "1" | "true" => Ok(true),
        "0" | "false" => Ok(false),
        other => Err(Error::InvalidFormat(format!(
            "{attr} value {other:?} on header block {} is not a boolean",
            block.qname()
        ))),
    }
}

/// SOAP 1.2 Part 1 §5.1, §5.2, §5.3: `Envelope`, `Header` and `Body` carry only
/// namespace-qualified attributes, and `encodingStyle` (§5.1.1) is not one of
/// them. SOAP 1.1 is not checked: it allows `encodingStyle` on any element.
fn check_soap12_attributes(r: &XmlReader<'_>, tag: &StartTag<'_>) -> Result<()> {
    for (name, _) in r.attributes(tag)? {
        if name.namespace.is_empty() {
            return Err(Error::InvalidFormat(format!(
                "attribute {} on {} is not namespace-qualified",
                name.local,
                tag.qname()
            )));
        }
        if name.namespace == crate::ns::SOAP12 && name.local == "encodingStyle" {
            return Err(Error::InvalidFormat(format!(
                "encodingStyle is not allowed on {}",
                tag.qname()
            )));
        }
    }
    Ok(())
}

fn check_size(input: &[u8], quotas: &ReaderQuotas) -> Result<()> {
    if input.len() > quotas.max_message_size {
        return Err(Error::QuotaExceeded {
            quota: "max message size",
            limit: quotas.max_message_size as u64,
        });
    }
    Ok(())
}

/// Reads one envelope; see [`Message::read`].
pub(crate) fn read_message(input: &[u8], quotas: &ReaderQuotas) -> Result<Message> {
    check_size(input, quotas)?;
    read_envelope(XmlReader::document(input, quotas)?, quotas)
}

/// Reads one envelope, the body sliced from `input` when it can be; see
/// [`Message::read_bytes`].
pub(crate) fn read_message_shared(input: &Bytes, quotas: &ReaderQuotas) -> Result<Message> {
    check_size(input, quotas)?;
    read_envelope(XmlReader::document_shared(input, quotas)?, quotas)
}

fn read_envelope(mut r: XmlReader<'_>, quotas: &ReaderQuotas) -> Result<Message> {
    let root = r.root()?;
    if root.local() != "Envelope" {
        return Err(Error::InvalidFormat(format!(
            "root element is {}, not a SOAP Envelope",
            root.qname()
        )));
    }
    let envelope = EnvelopeVersion::from_namespace(root.namespace()).ok_or_else(|| {
        Error::VersionMismatch {
            namespace: root.namespace().to_string(),
        }
    })?;
    let env_ns = envelope.namespace();
    let soap12 = envelope == EnvelopeVersion::Soap12;
    if soap12 {
        check_soap12_attributes(&r, &root)?;
    }
    let mut msg = Message::new(envelope, AddressingVersion::Transport);
    let mut seen_header = false;
    let mut seen_body = false;
    while let Some(child) = r.next_child()? {
        if child.is(env_ns, "Header") {
            if seen_body {
                return Err(Error::invalid_format("Header after Body in Envelope"));
            }
            if seen_header {
                return Err(Error::invalid_format("second Header in Envelope"));
            }
            seen_header = true;
            if soap12 {
                check_soap12_attributes(&r, &child)?;
            }
            read_headers(&mut r, &mut msg, quotas)?;
        } else if child.is(env_ns, "Body") {
            if seen_body {
                return Err(Error::invalid_format("second Body in Envelope"));
            }
            seen_body = true;
            if soap12 {
                check_soap12_attributes(&r, &child)?;
            }
            msg.body = r.capture_children(&child)?;
        } else if seen_body && envelope == EnvelopeVersion::Soap11 {
            // SOAP 1.1 allows further elements after Body.
            r.skip_element()?;
        } else {
            return Err(Error::InvalidFormat(format!(
                "unexpected element {} in Envelope",
                child.qname()
            )));
        }
    }
    if !seen_body {
        return Err(Error::invalid_format("Envelope has no Body"));
    }
    r.finish()?;
    Ok(msg)
}

fn read_headers<'a>(r: &mut XmlReader<'a>, msg: &mut Message, quotas: &ReaderQuotas) -> Result<()> {
    let env_ns = msg.envelope.namespace();
    let mut count = 0usize;
    while let Some(block) = r.next_child()? {
        count += 1;
        if count > quotas.max_headers {
            return Err(Error::QuotaExceeded {
                quota: "max headers",
                limit: quotas.max_headers as u64,
            });
        }
        // SOAP 1.2 Part 1 §5.2.1, SOAP 1.1 §4.2: header blocks are qualified.
        if block.namespace().is_empty() {
            return Err(Error::InvalidFormat(format!(
                "header block {} is not namespace-qualified",
                block.qname()
            )));
        }
        let must_understand = match r.attribute(&block, env_ns, "mustUnderstand") {
            Some(v) => soap_boolean(&block, "mustUnderstand", &v)?,
            None => false,
        };
        let (role, relay) = match msg.envelope {
            EnvelopeVersion::Soap11 => (r.attribute(&block, env_ns, "actor"), false),
            EnvelopeVersion::Soap12 => {
                let relay = match r.attribute(&block, env_ns, "relay") {
                    Some(v) => soap_boolean(&block, "relay", &v)?,
                    None => false,
                };
                (r.attribute(&block, env_ns, "role"), relay)
            }
        };
        if let Some(version) = addressing_of(block.namespace()) {
            if let Some(which) = AddressingHeader::from_local(block.local()) {
                if msg.addressing == AddressingVersion::Transport {
                    msg.addressing = version;
                }
                // A repeated addressing header is kept as a plain header
                // block, so the receiver can answer with WS-Addressing's own
                // fault (InvalidAddressingHeader, InvalidCardinality).
                if which.slot(msg).is_none() {
                    let value = read_addressing_value(r, &block, which)?;
                    *which.slot(msg) = Some(value);
                    continue;
                }
            }
        }
        let role = role.map(|v| trim_xml(&v).to_string());
        let name = block.qname();
        let xml = r.capture_element(&block)?;
        msg.headers.push(Header {
            name,
            must_understand,
            role,
            relay,
            xml,
        });
    }
    Ok(())
}

fn read_addressing_value<'a>(
    r: &mut XmlReader<'a>,
    block: &StartTag<'a>,
    which: AddressingHeader,
) -> Result<String> {
    match which {
        AddressingHeader::ReplyTo | AddressingHeader::FaultTo => {
            let mut address = None;
            while let Some(child) = r.next_child()? {
                if child.local() == "Address" && child.namespace() == block.namespace() {
                    address = Some(trim_xml(&r.read_text(&child)?).to_string());
                } else {
                    r.skip_element()?;
                }
            }
            address.ok_or_else(|| Error::InvalidFormat(format!("{} has no Address", block.qname())))
        }
        _ => Ok(trim_xml(&r.read_text(block)?).to_string()),
    }
}

/// The QName of the first element in a standalone fragment, reading only
/// its start tag (a body may be megabytes long; this runs per dispatch).
pub(crate) fn first_element(xml: &[u8]) -> Option<crate::message::QName> {
    first_element_with(xml, |t| t.qname())
}

/// `f` applied to the first start tag of a standalone fragment, reading
/// only that tag; `None` if there is none.
pub(crate) fn first_element_with<T>(xml: &[u8], f: impl FnOnce(&StartTag<'_>) -> T) -> Option<T> {
    let head = xml.get(..first_start_tag_end(xml)?)?;
    let mut r = XmlReader::new(head).ok()?;
    r.root().ok().map(|t| f(&t))
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// The value of attribute `{ns}local` on the first element of a standalone
/// fragment, reading only its start tag.
pub(crate) fn first_element_attribute(xml: &Bytes, ns: &str, local: &str) -> Option<String> {
    let head = xml.get(..first_start_tag_end(xml)?)?;
    let mut r = XmlReader::new(head).ok()?;
    let tag = r.root().ok()?;
    r.attribute(&tag, ns, local)
        .map(|v| trim_xml(&v).to_string())
}

/// Offset of the `<` of the first start tag, skipping comments and
/// processing instructions before it; `None` if markup of another kind
/// (an end tag, a declaration) or nothing comes first.
fn first_start_tag(xml: &[u8]) -> Option<usize> {
    let mut i = 0;
    loop {
        i += xml.get(i..)?.iter().position(|&b| b == b'<')?;
        let rest = xml.get(i..)?;
        if rest.starts_with(b"<!--") {
            i += 4 + find(rest.get(4..)?, b"-->")? + 3;
            continue;
        }
        if rest.starts_with(b"<?") {
            i += find(rest, b"?>")? + 2;
            continue;
        }
        if rest.starts_with(b"<!") || rest.starts_with(b"</") {
            return None;
        }
        return Some(i);
    }
}

/// Offset just past the `>` of the first start tag, skipping comments and
/// processing instructions before it.
fn first_start_tag_end(xml: &[u8]) -> Option<usize> {
    let i = first_start_tag(xml)?;
    let rest = xml.get(i..)?;
    let mut quote = None;
    for (j, &b) in rest.iter().enumerate() {
        match (quote, b) {
            (Some(q), _) if b == q => quote = None,
            (Some(_), _) => {}
            (None, b'"' | b'\'') => quote = Some(b),
            (None, b'>') => return Some(i + j + 1),
            _ => {}
        }
    }
    None
}

/// The local part of the first start tag's name as written, unchecked:
/// the bytes after its last `:`, up to white space, `/` or `>`. A name
/// the reader accepts is a QName, so its local part is exactly these
/// bytes; what they rule out needs no reader.
pub(crate) fn first_local_name(xml: &[u8]) -> Option<&[u8]> {
    let rest = xml.get(first_start_tag(xml)? + 1..)?;
    let end = rest
        .iter()
        .position(|&b| matches!(b, b' ' | b'\t' | b'\r' | b'\n' | b'/' | b'>'))
        .unwrap_or(rest.len());
    let name = rest.get(..end)?;
    name.rsplit(|&b| b == b':').next()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::message::QName;

    #[test]
    fn first_local_name_is_the_readers_local_part_where_the_reader_reads_a_name() {
        let cases: &[&[u8]] = &[
            b"<s:Fault xmlns:s='urn:s'/>",
            b"<Fault xmlns='urn:s'>x</Fault>",
            b"<!-- <s:Fault> --><?pi <Fault>?>\n<s:Add xmlns:s='urn:s'/>",
            b"<s:Fault\txmlns:s='urn:s'></s:Fault>",
            b"<s:Fault\r\nxmlns:s='urn:s'/>",
            b"<a:b:Fault xmlns:a='urn:a'/>",
            b"<s:Faults xmlns:s='urn:s'/>",
            b"<s:Fault",
            b"<s:Fault/ >",
            b"<:Fault/>",
            b"</s:Fault>",
            b"",
            b"text only",
            // Markup quick-xml ends where the byte scan does.
            b"<!---><s:Fault/>--><x:A xmlns:x='urn:x'/>",
            b"<?><x:A a=\"?><s:Fault\"/>",
            b"<?pi ?><x:A/>",
            b"\xEF\xBB\xBF<s:Fault xmlns:s='urn:s'/>",
            b"<![CDATA[<s:Fault xmlns:s='urn:s'/>]]>",
            b"<!DOCTYPE s><s:Fault xmlns:s='urn:s'/>",
            b"x &amp; y <s:Fault xmlns:s='urn:s'/>",
        ];
        for xml in cases {
            let read = first_element_with(xml, |t| t.local().to_owned());
            if let Some(local) = read {
                assert_eq!(
                    first_local_name(xml),
                    Some(local.as_bytes()),
                    "{}",
                    String::from_utf8_lossy(xml)
                );
            }
        }
        assert_eq!(first_local_name(b"  <p:Add/>"), Some(&b"Add"[..]));
        assert_eq!(first_local_name(b"<Add>"), Some(&b"Add"[..]));
        assert_eq!(first_local_name(b"</Add>"), None);
        assert_eq!(first_local_name(b"<!-- x -->"), None);
        // Markup other than a start tag first: no name, as the reader finds none.
        for xml in [&b"<![CDATA[x]]><a/>"[..], b"<!DOCTYPE a><a/>", b"</a><a/>"] {
            assert_eq!(first_local_name(xml), None);
            assert_eq!(first_element(xml), None);
        }
        assert_eq!(
            first_local_name(b"<!---><s:Fault/>--><x:A/>"),
            Some(&b"A"[..])
        );
    }

    #[test]
    fn first_element_reads_only_the_first_start_tag() {
        // Invalid UTF-8 and unclosed markup after the first start tag are not looked at.
        let mut body = br#"<!-- c --><?pi x?> <p:a xmlns:p="urn:p" v='>"'>"#.to_vec();
        body.extend_from_slice(b"\xFF<unclosed");
        assert_eq!(
            first_element(&Bytes::from(body)),
            Some(QName::new("urn:p", "a"))
        );
        assert_eq!(first_element(&Bytes::from_static(b"  ")), None);
        assert_eq!(first_element(&Bytes::from_static(b"<a")), None);
        assert_eq!(first_element(&Bytes::from_static(b"<p:a/>")), None);
        assert_eq!(
            first_element(&Bytes::from_static(b"<a/><b/>")),
            Some(QName::new("", "a"))
        );
    }
}
