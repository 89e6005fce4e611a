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
#[derive(Clone, Debug, PartialEq, Eq)]
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
}
