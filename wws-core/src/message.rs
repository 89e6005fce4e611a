//! SOAP messages: envelope and addressing versions, headers, body.

use bytes::{Bytes, BytesMut};

use crate::body::BodyElement;
use crate::error::Result;
use crate::fault::Fault;
use crate::properties::ReaderQuotas;

/// SOAP envelope version.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum EnvelopeVersion {
    /// SOAP 1.1, `http://schemas.xmlsoap.org/soap/envelope/`.
    Soap11,
    /// SOAP 1.2, `http://www.w3.org/2003/05/soap-envelope`.
    Soap12,
}

impl EnvelopeVersion {
    /// The envelope namespace URI.
    pub const fn namespace(self) -> &'static str {
        match self {
            EnvelopeVersion::Soap11 => crate::ns::SOAP11,
            EnvelopeVersion::Soap12 => crate::ns::SOAP12,
        }
    }

    /// The HTTP media type of this version (without parameters).
    pub const fn media_type(self) -> &'static str {
        match self {
            EnvelopeVersion::Soap11 => "text/xml",
            EnvelopeVersion::Soap12 => "application/soap+xml",
        }
    }

    /// The version whose envelope namespace is `ns`.
    pub fn from_namespace(ns: &str) -> Option<Self> {
        match ns {
            crate::ns::SOAP11 => Some(EnvelopeVersion::Soap11),
            crate::ns::SOAP12 => Some(EnvelopeVersion::Soap12),
            _ => None,
        }
    }
}

/// How the action and other addressing properties travel.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum AddressingVersion {
    /// In the transport: HTTP `SOAPAction` (1.1) or the `action` media-type parameter (1.2).
    Transport,
    /// WS-Addressing 1.0, `http://www.w3.org/2005/08/addressing`.
    WsAddressing10,
    /// WS-Addressing 2004/08, `http://schemas.xmlsoap.org/ws/2004/08/addressing`.
    WsAddressing200408,
}

impl AddressingVersion {
    /// The WS-Addressing namespace, or `None` for [`AddressingVersion::Transport`].
    pub const fn namespace(self) -> Option<&'static str> {
        match self {
            AddressingVersion::Transport => None,
            AddressingVersion::WsAddressing10 => Some(crate::ns::WSA10),
            AddressingVersion::WsAddressing200408 => Some(crate::ns::WSA200408),
        }
    }
}

/// A namespace-qualified XML name.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct QName {
    /// Namespace URI; empty for no namespace.
    pub namespace: String,
    /// Local name.
    pub local: String,
}

impl QName {
    /// A qualified name from its namespace and local part.
    pub fn new(namespace: impl Into<String>, local: impl Into<String>) -> Self {
        QName {
            namespace: namespace.into(),
            local: local.into(),
        }
    }
}

impl std::fmt::Display for QName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.namespace.is_empty() {
            f.write_str(&self.local)
        } else {
            write!(f, "{{{}}}{}", self.namespace, self.local)
        }
    }
}

/// A header block other than the standard addressing headers, kept as raw XML.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Header {
    /// The header element's qualified name.
    pub name: QName,
    /// `mustUnderstand` (`1`/`true`).
    pub must_understand: bool,
    /// SOAP 1.1 `actor` or SOAP 1.2 `role`; `None` means the ultimate receiver.
    pub role: Option<String>,
    /// SOAP 1.2 `relay`.
    pub relay: bool,
    /// The whole header element as standalone XML: every namespace it uses is declared on it.
    pub xml: Bytes,
}

/// One SOAP message: envelope version, addressing, headers and body.
///
/// Non-exhaustive: build one with [`Message::new`] (or
/// [`from_body`](Message::from_body)) and set its fields.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Message {
    /// Envelope version.
    pub envelope: EnvelopeVersion,
    /// Addressing version; on read, the WS-Addressing version seen in the headers, else `Transport`.
    pub addressing: AddressingVersion,
    /// Action: from the `wsa:Action` header, or set by the channel from the transport.
    pub action: Option<String>,
    /// `wsa:To`.
    pub to: Option<String>,
    /// `wsa:MessageID`.
    pub message_id: Option<String>,
    /// `wsa:RelatesTo`.
    pub relates_to: Option<String>,
    /// The `Address` of `wsa:ReplyTo`.
    pub reply_to: Option<String>,
    /// The `Address` of `wsa:FaultTo`.
    pub fault_to: Option<String>,
    /// Every other header block.
    pub headers: Vec<Header>,
    /// The content of `Body` as standalone XML (each child declares the namespaces it uses); may be empty.
    pub body: Bytes,
    /// `wsu:Id`s the writer puts on the `Body` and the addressing headers
    /// (what an XML Signature references); none by default, and none on read.
    pub ids: ElementIds,
}

/// The `wsu:Id` (WS-Security Utility) each written element carries, if any.
///
/// The writer declares `xmlns:wsu` on each element that gets one, so the
/// element stays standalone; a value is escaped as an attribute. Reading a
/// message leaves these empty (the reader keeps the body's content, not the
/// `Body` element's attributes).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ElementIds {
    /// On the `Body` element.
    pub body: Option<String>,
    /// On `wsa:Action`.
    pub action: Option<String>,
    /// On `wsa:To`.
    pub to: Option<String>,
    /// On `wsa:MessageID`.
    pub message_id: Option<String>,
    /// On `wsa:RelatesTo`.
    pub relates_to: Option<String>,
    /// On `wsa:ReplyTo`.
    pub reply_to: Option<String>,
    /// On `wsa:FaultTo`.
    pub fault_to: Option<String>,
}

/// Whether a header block with `role` (SOAP 1.2 `role`, SOAP 1.1 `actor`)
/// is targeted at a node that is the ultimate receiver (a service, or a
/// client reading its reply).
///
/// SOAP 1.1 §4.2.2: no actor, or the `next` actor. SOAP 1.2 Part 1 §2.2:
/// no role, `next` or `ultimateReceiver` (`none` and other roles are not).
pub fn is_targeted(envelope: EnvelopeVersion, role: Option<&str>) -> bool {
    let Some(role) = role.map(str::trim).filter(|r| !r.is_empty()) else {
        return true;
    };
    match envelope {
        EnvelopeVersion::Soap11 => role == crate::ns::ACTOR_NEXT_11,
        EnvelopeVersion::Soap12 => {
            role == crate::ns::ROLE_NEXT || role == crate::ns::ROLE_ULTIMATE_RECEIVER
        }
    }
}

/// The message addressing properties the codec maps to message fields.
const ADDRESSING_HEADERS: [&str; 6] = [
    "Action",
    "To",
    "MessageID",
    "RelatesTo",
    "ReplyTo",
    "FaultTo",
];

/// Whether `name` is one of the WS-Addressing headers (either version)
/// that the codec reads into a message's fields.
pub fn is_addressing_header(name: &QName) -> bool {
    matches!(
        name.namespace.as_str(),
        crate::ns::WSA10 | crate::ns::WSA200408
    ) && ADDRESSING_HEADERS.contains(&name.local.as_str())
}

impl Header {
    /// A header block from standalone XML, its name, `mustUnderstand`,
    /// `actor`/`role` and `relay` read from it as `envelope` defines them.
    pub fn from_xml(envelope: EnvelopeVersion, xml: impl Into<Bytes>) -> Result<Header> {
        let xml = xml.into();
        let mut r = crate::xml::XmlReader::new(&xml)?;
        let tag = r.root()?;
        let ns = envelope.namespace();
        let flag = |v: Option<std::borrow::Cow<'_, str>>| {
            v.is_some_and(|v| matches!(crate::xml::reader::trim_xml(&v), "1" | "true"))
        };
        let must_understand = flag(r.attribute(&tag, ns, "mustUnderstand"));
        let role_attr = match envelope {
            EnvelopeVersion::Soap11 => "actor",
            EnvelopeVersion::Soap12 => "role",
        };
        let role = r
            .attribute(&tag, ns, role_attr)
            .map(|v| crate::xml::reader::trim_xml(&v).to_string());
        let relay = envelope == EnvelopeVersion::Soap12 && flag(r.attribute(&tag, ns, "relay"));
        let name = tag.qname();
        Ok(Header {
            name,
            must_understand,
            role,
            relay,
            xml,
        })
    }
}

impl Message {
    /// The names of the mandatory header blocks targeted at the ultimate
    /// receiver ([`is_targeted`]) that it does not understand (SOAP 1.2
    /// Part 1 §2.4 and §5.2.3; SOAP 1.1 §4.2.3). The addressing headers the
    /// codec read into fields are understood; `understood` names the others
    /// the receiver handles.
    pub fn not_understood(&self, understood: &[QName]) -> Vec<QName> {
        self.headers
            .iter()
            .filter(|h| h.must_understand)
            .filter(|h| is_targeted(self.envelope, h.role.as_deref()))
            .filter(|h| !understood.contains(&h.name) && !is_addressing_header(&h.name))
            .map(|h| h.name.clone())
            .collect()
    }

    /// An empty message: no addressing fields, no headers, empty body.
    pub fn new(envelope: EnvelopeVersion, addressing: AddressingVersion) -> Message {
        Message {
            envelope,
            addressing,
            action: None,
            to: None,
            message_id: None,
            relates_to: None,
            reply_to: None,
            fault_to: None,
            headers: Vec::new(),
            body: Bytes::new(),
            ids: ElementIds::default(),
        }
    }

    /// Reads one envelope of either SOAP version, any prefixes.
    ///
    /// Streaming, no tree: quotas are enforced as the input is read. The
    /// envelope version comes from the root's namespace (an unknown one is
    /// [`Error::VersionMismatch`](crate::Error::VersionMismatch)); WS-Addressing
    /// headers of either version fill the addressing fields and set
    /// [`Message::addressing`]; other header blocks and the body's children are
    /// kept as standalone XML, carrying the namespace declarations they inherit.
    pub fn read(input: &[u8], quotas: &ReaderQuotas) -> Result<Message> {
        crate::envelope_read::read_message(input, quotas)
    }

    /// [`Message::read`] over shared bytes: a body that needs none of the
    /// namespace declarations it inherits is a slice of `input` (no copy).
    ///
    /// The message is the same as `read` gives, except that such a body
    /// lacks the inherited declarations `read` adds to its children; the
    /// test is conservative (any `prefix:` of an inherited prefix anywhere
    /// in the body counts as a use), so the body stays standalone XML of the
    /// same meaning.
    pub fn read_bytes(input: Bytes, quotas: &ReaderQuotas) -> Result<Message> {
        crate::envelope_read::read_message_shared(&input, quotas)
    }

    /// Appends the envelope: prefix `s:`, WS-Addressing `a:` (when
    /// `addressing` is not `Transport`, `Action` and `To` marked
    /// `mustUnderstand` as WCF does), header blocks and body verbatim.
    ///
    /// Fails with [`Error::InvalidFormat`](crate::Error::InvalidFormat) if an
    /// addressing field (action, to, message id, relates-to, reply-to,
    /// fault-to) holds a character XML 1.0 does not allow: the fields are
    /// public, so the message cannot vouch for them; `out` may then hold part
    /// of the envelope. Header blocks and the body are XML already (read, or
    /// written by [`Message::from_body`] and [`Header::from_xml`], which
    /// check them) and are copied unchecked.
    pub fn write(&self, out: &mut BytesMut) -> Result<()> {
        crate::envelope_write::write_message(self, out)
    }

    /// The envelope as bytes; fails as [`Message::write`] does.
    pub fn to_bytes(&self) -> Result<Bytes> {
        let mut out = BytesMut::with_capacity(crate::envelope_write::size_hint(self));
        self.write(&mut out)?;
        Ok(out.freeze())
    }

    /// A message whose body is `body`, with `action` set.
    ///
    /// Fails with [`Error::InvalidFormat`](crate::Error::InvalidFormat) if a
    /// value of `body` holds a character XML 1.0 does not allow.
    pub fn from_body<T: BodyElement>(
        envelope: EnvelopeVersion,
        addressing: AddressingVersion,
        action: impl Into<String>,
        body: &T,
    ) -> Result<Message> {
        let mut out = BytesMut::with_capacity(128);
        body.write_element(&mut out)?;
        let mut msg = Message::new(envelope, addressing);
        msg.action = Some(action.into());
        msg.body = out.freeze();
        Ok(msg)
    }

    /// A fault message; with WS-Addressing, its action is the addressing fault action.
    ///
    /// Fails as [`Fault::write`] does.
    pub fn from_fault(
        envelope: EnvelopeVersion,
        addressing: AddressingVersion,
        fault: &Fault,
    ) -> Result<Message> {
        let mut msg = Message::new(envelope, addressing);
        msg.action = match addressing {
            AddressingVersion::Transport => None,
            AddressingVersion::WsAddressing10 => Some(crate::fault::WSA10_FAULT_ACTION.into()),
            AddressingVersion::WsAddressing200408 => {
                Some(crate::fault::WSA200408_FAULT_ACTION.into())
            }
        };
        msg.body = fault.to_xml(envelope)?;
        Ok(msg)
    }

    /// The qualified name of the first body element, reading only its start tag.
    pub fn body_element(&self) -> Option<QName> {
        crate::envelope_read::first_element(&self.body)
    }

    /// The `encodingStyle` attribute (of the envelope's namespace) on the
    /// first body element, whitespace-trimmed, reading only its start tag.
    pub fn body_encoding_style(&self) -> Option<String> {
        crate::envelope_read::first_element_attribute(
            &self.body,
            self.envelope.namespace(),
            "encodingStyle",
        )
    }

    /// Reads the body as `T`, after checking that the first body element is `T`'s
    /// (by [`BodyElement::read_body_element`]).
    pub fn read_body<T: BodyElement>(&self) -> Result<T> {
        T::read_body_element(&self.body)
    }

    /// True if the body's first element is a SOAP `Fault`.
    ///
    /// Reads only the first start tag and builds no [`QName`] (the host asks
    /// this of every reply).
    pub fn is_fault(&self) -> bool {
        // Most bodies are no fault, and their first tag's name says so
        // without a reader (the host and the listener ask this of every reply).
        if crate::envelope_read::first_local_name(&self.body) != Some(b"Fault") {
            return false;
        }
        crate::envelope_read::first_element_with(&self.body, |t| {
            t.local() == "Fault" && matches!(t.namespace(), crate::ns::SOAP11 | crate::ns::SOAP12)
        })
        .unwrap_or(false)
    }

    /// The fault in the body, if the body is one.
    pub fn fault(&self) -> Result<Option<Fault>> {
        if !self.is_fault() {
            return Ok(None);
        }
        Fault::read(&self.body).map(Some)
    }
}

/// The error of [`Message::read_body`] when the first body element is not
/// `{namespace}name`: `found` is the element there, `None` for an empty body.
pub(crate) fn not_the_body_element(
    namespace: &str,
    name: &str,
    found: Option<String>,
) -> crate::Error {
    match found {
        Some(q) => crate::Error::InvalidFormat(format!(
            "expected body element {{{namespace}}}{name}, found {q}"
        )),
        None => crate::Error::InvalidFormat(format!(
            "expected body element {{{namespace}}}{name}, found an empty body"
        )),
    }
}
