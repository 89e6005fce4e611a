//! SOAP faults, one model for SOAP 1.1 and 1.2.

use bytes::{Bytes, BytesMut};

use crate::error::{Error, Result};
use crate::message::{EnvelopeVersion, QName};
use crate::xml::chars::is_ncname;
use crate::xml::reader::{XmlReader, trim_xml};
use crate::xml::writer::{write_attr_value, write_text};

/// The WS-Addressing 1.0 action of fault messages.
pub const WSA10_FAULT_ACTION: &str = "http://www.w3.org/2005/08/addressing/fault";
/// The WS-Addressing 2004/08 action of fault messages.
pub const WSA200408_FAULT_ACTION: &str = "http://schemas.xmlsoap.org/ws/2004/08/addressing/fault";

/// The top-level fault code, named as SOAP 1.2 names them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FaultCode {
    /// `VersionMismatch` (both versions).
    VersionMismatch,
    /// `MustUnderstand` (both versions).
    MustUnderstand,
    /// SOAP 1.2 `DataEncodingUnknown`.
    DataEncodingUnknown,
    /// SOAP 1.2 `Sender`, SOAP 1.1 `Client`.
    Sender,
    /// SOAP 1.2 `Receiver`, SOAP 1.1 `Server`.
    Receiver,
    /// Any other code (SOAP 1.1 allows application codes).
    Other(QName),
}

/// A human-readable fault reason in one language.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FaultReason {
    /// The text.
    pub text: String,
    /// Its `xml:lang` (SOAP 1.2 requires one; "en" when the peer gave none).
    pub lang: String,
}

/// A SOAP fault.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fault {
    /// The top-level code.
    pub code: FaultCode,
    /// Subcodes, outermost first (SOAP 1.2 `Subcode`; SOAP 1.1 dotted code suffixes).
    pub subcodes: Vec<QName>,
    /// Reasons, at least one.
    pub reasons: Vec<FaultReason>,
    /// SOAP 1.1 `faultactor` / SOAP 1.2 `Role`.
    pub actor: Option<String>,
    /// SOAP 1.2 `Node`.
    pub node: Option<String>,
    /// The content of `detail`/`Detail` as standalone XML.
    pub detail: Option<Bytes>,
}

impl std::fmt::Display for Fault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let code = match &self.code {
            FaultCode::VersionMismatch => "VersionMismatch".to_string(),
            FaultCode::MustUnderstand => "MustUnderstand".to_string(),
            FaultCode::DataEncodingUnknown => "DataEncodingUnknown".to_string(),
            FaultCode::Sender => "Sender".to_string(),
            FaultCode::Receiver => "Receiver".to_string(),
            FaultCode::Other(q) => q.to_string(),
        };
        let reason = self.reasons.first().map(|r| r.text.as_str()).unwrap_or("");
        write!(f, "{code}: {reason}")
    }
}

impl std::error::Error for Fault {}

impl FaultReason {
    /// A reason in language `lang`.
    pub fn new(text: impl Into<String>, lang: impl Into<String>) -> Self {
        FaultReason {
            text: text.into(),
            lang: lang.into(),
        }
    }
}

impl FaultCode {
    /// The local name of this code in SOAP 1.1 (`Other` gives its own local name).
    fn soap11_local(&self) -> &str {
        match self {
            FaultCode::VersionMismatch => "VersionMismatch",
            FaultCode::MustUnderstand => "MustUnderstand",
            FaultCode::DataEncodingUnknown => "DataEncodingUnknown",
            FaultCode::Sender => "Client",
            FaultCode::Receiver => "Server",
            FaultCode::Other(q) => &q.local,
        }
    }

    /// The local name of this code in SOAP 1.2 (`Other` travels as a subcode of `Receiver`).
    fn soap12_local(&self) -> &'static str {
        match self {
            FaultCode::VersionMismatch => "VersionMismatch",
            FaultCode::MustUnderstand => "MustUnderstand",
            FaultCode::DataEncodingUnknown => "DataEncodingUnknown",
            FaultCode::Sender => "Sender",
            FaultCode::Receiver | FaultCode::Other(_) => "Receiver",
        }
    }

    /// The code a qualified name denotes, reading both versions' names.
    fn from_qname(q: QName) -> FaultCode {
        let standard = matches!(
            q.namespace.as_str(),
            crate::ns::SOAP11 | crate::ns::SOAP12 | ""
        );
        if !standard {
            return FaultCode::Other(q);
        }
        match q.local.as_str() {
            "VersionMismatch" => FaultCode::VersionMismatch,
            "MustUnderstand" => FaultCode::MustUnderstand,
            "DataEncodingUnknown" => FaultCode::DataEncodingUnknown,
            "Client" | "Sender" => FaultCode::Sender,
            "Server" | "Receiver" => FaultCode::Receiver,
            _ => FaultCode::Other(q),
        }
    }
}

impl Fault {
    /// A fault with `code` and one English reason.
    pub fn new(code: FaultCode, reason: impl Into<String>) -> Self {
        Fault {
            code,
            subcodes: Vec::new(),
            reasons: vec![FaultReason::new(reason, "en")],
            actor: None,
            node: None,
            detail: None,
        }
    }

    /// A `Sender` (SOAP 1.1 `Client`) fault: the request was at fault.
    pub fn sender(reason: impl Into<String>) -> Self {
        Fault::new(FaultCode::Sender, reason)
    }

    /// A `Receiver` (SOAP 1.1 `Server`) fault: the service failed.
    pub fn receiver(reason: impl Into<String>) -> Self {
        Fault::new(FaultCode::Receiver, reason)
    }

    /// Appends a subcode (innermost last).
    pub fn with_subcode(mut self, subcode: QName) -> Self {
        self.subcodes.push(subcode);
        self
    }

    /// Sets the detail: standalone XML, each element declaring its namespaces.
    pub fn with_detail(mut self, detail: impl Into<Bytes>) -> Self {
        self.detail = Some(detail.into());
        self
    }

    /// Adds a reason in another language.
    pub fn with_reason(mut self, text: impl Into<String>, lang: impl Into<String>) -> Self {
        self.reasons.push(FaultReason::new(text, lang));
        self
    }

    /// Sets the actor (SOAP 1.1) / role (SOAP 1.2).
    pub fn with_actor(mut self, actor: impl Into<String>) -> Self {
        self.actor = Some(actor.into());
        self
    }

    /// Sets the node (SOAP 1.2 only; not written in SOAP 1.1).
    pub fn with_node(mut self, node: impl Into<String>) -> Self {
        self.node = Some(node.into());
        self
    }

    /// The text of the first reason, or `""`.
    pub fn reason_text(&self) -> &str {
        self.reasons.first().map(|r| r.text.as_str()).unwrap_or("")
    }

    /// Writes the `Fault` element of `version` (a `Body` child) as standalone XML.
    ///
    /// SOAP 1.1 carries subcodes as dotted suffixes of `faultcode`
    /// (`s:Client.Auth`), their namespaces dropped, and only the first reason;
    /// SOAP 1.2 writes an `Other` code as `Receiver` with it as first subcode.
    ///
    /// Fails with [`Error::InvalidFormat`] if a code, reason, language,
    /// actor or node holds a character XML 1.0 does not allow, or a code's
    /// local name is not an XML name (`NCName`); `out` may then hold part of
    /// the fault. The detail is XML already and is copied as it is.
    pub fn write(&self, version: EnvelopeVersion, out: &mut BytesMut) -> Result<()> {
        match version {
            EnvelopeVersion::Soap11 => self.write11(out),
            EnvelopeVersion::Soap12 => self.write12(out),
        }
    }

    /// The `Fault` element of `version` as standalone XML; fails as [`Fault::write`] does.
    pub fn to_xml(&self, version: EnvelopeVersion) -> Result<Bytes> {
        let mut out = BytesMut::with_capacity(256);
        self.write(version, &mut out)?;
        Ok(out.freeze())
    }

    fn write11(&self, out: &mut BytesMut) -> Result<()> {
        out.extend_from_slice(
            b"<s:Fault xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><faultcode",
        );
        let prefix = match &self.code {
            FaultCode::Other(q) if q.namespace.is_empty() => "",
            FaultCode::Other(q) if q.namespace != crate::ns::SOAP11 => {
                out.extend_from_slice(b" xmlns:c=\"");
                write_attr_value(out, &q.namespace)?;
                out.extend_from_slice(b"\"");
                "c:"
            }
            _ => "s:",
        };
        out.extend_from_slice(b">");
        out.extend_from_slice(prefix.as_bytes());
        write_name(out, self.code.soap11_local())?;
        for sub in &self.subcodes {
            out.extend_from_slice(b".");
            write_name(out, &sub.local)?;
        }
        out.extend_from_slice(b"</faultcode><faultstring>");
        write_text(out, self.reason_text())?;
        out.extend_from_slice(b"</faultstring>");
        if let Some(actor) = &self.actor {
            out.extend_from_slice(b"<faultactor>");
            write_text(out, actor)?;
            out.extend_from_slice(b"</faultactor>");
        }
        if let Some(detail) = &self.detail {
            out.extend_from_slice(b"<detail>");
            out.extend_from_slice(detail);
            out.extend_from_slice(b"</detail>");
        }
        out.extend_from_slice(b"</s:Fault>");
        Ok(())
    }

    fn write12(&self, out: &mut BytesMut) -> Result<()> {
        out.extend_from_slice(
            b"<s:Fault xmlns:s=\"http://www.w3.org/2003/05/soap-envelope\"><s:Code><s:Value>s:",
        );
        out.extend_from_slice(self.code.soap12_local().as_bytes());
        out.extend_from_slice(b"</s:Value>");
        let other = match &self.code {
            FaultCode::Other(q) => Some(q),
            _ => None,
        };
        let subcodes: Vec<&QName> = other.into_iter().chain(self.subcodes.iter()).collect();
        for sub in &subcodes {
            out.extend_from_slice(b"<s:Subcode><s:Value");
            let prefix = if sub.namespace.is_empty() {
                ""
            } else if sub.namespace == crate::ns::SOAP12 {
                "s:"
            } else {
                out.extend_from_slice(b" xmlns:c=\"");
                write_attr_value(out, &sub.namespace)?;
                out.extend_from_slice(b"\"");
                "c:"
            };
            out.extend_from_slice(b">");
            out.extend_from_slice(prefix.as_bytes());
            write_name(out, &sub.local)?;
            out.extend_from_slice(b"</s:Value>");
        }
        for _ in &subcodes {
            out.extend_from_slice(b"</s:Subcode>");
        }
        out.extend_from_slice(b"</s:Code><s:Reason>");
        let english = [FaultReason::new("", "en")];
        let reasons = if self.reasons.is_empty() {
            &english[..]
        } else {
            &self.reasons[..]
        };
        for reason in reasons {
            out.extend_from_slice(b"<s:Text xml:lang=\"");
            write_attr_value(out, &reason.lang)?;
            out.extend_from_slice(b"\">");
            write_text(out, &reason.text)?;
            out.extend_from_slice(b"</s:Text>");
        }
        out.extend_from_slice(b"</s:Reason>");
        if let Some(node) = &self.node {
            out.extend_from_slice(b"<s:Node>");
            write_text(out, node)?;
            out.extend_from_slice(b"</s:Node>");
        }
        if let Some(actor) = &self.actor {
            out.extend_from_slice(b"<s:Role>");
            write_text(out, actor)?;
            out.extend_from_slice(b"</s:Role>");
        }
        if let Some(detail) = &self.detail {
            out.extend_from_slice(b"<s:Detail>");
            out.extend_from_slice(detail);
            out.extend_from_slice(b"</s:Detail>");
        }
        out.extend_from_slice(b"</s:Fault>");
        Ok(())
    }

    /// Reads a standalone `Fault` element of either version (the first
    /// element of `xml`). Both shapes are accepted in both versions
    /// (`faultcode`/`faultstring` and `Code`/`Reason`), as some stacks mix them.
    pub fn read(xml: &[u8]) -> Result<Fault> {
        let mut r = XmlReader::new(xml)?;
        let root = r.root()?;
        if root.local() != "Fault"
            || !matches!(root.namespace(), crate::ns::SOAP11 | crate::ns::SOAP12)
        {
            return Err(Error::InvalidFormat(format!(
                "expected a SOAP Fault, found {}",
                root.qname()
            )));
        }
        let mut code = None;
        let mut subcodes = Vec::new();
        let mut reasons = Vec::new();
        let mut actor = None;
        let mut node = None;
        let mut detail = None;
        while let Some(child) = r.next_child()? {
            match child.local() {
                "faultcode" => {
                    let q = r.read_qname(&child)?;
                    // SOAP 1.1 dotted codes: `Client.Auth` is Client, subcode Auth.
                    // Empty parts (`Client..Auth`) name nothing; when a part is
                    // no name (`Client.3`) the code is not dotted but one name.
                    let parts: Vec<&str> = q.local.split('.').filter(|p| !p.is_empty()).collect();
                    match parts.split_first() {
                        Some((top, subs)) if subs.iter().all(|p| is_ncname(p)) => {
                            code = Some(FaultCode::from_qname(QName::new(
                                q.namespace.as_str(),
                                *top,
                            )));
                            subcodes
                                .extend(subs.iter().map(|p| QName::new(q.namespace.as_str(), *p)));
                        }
                        _ => code = Some(FaultCode::from_qname(q)),
                    }
                }
                "Code" => {
                    let (value, subs) = read_code(&mut r)?;
                    code = value.map(FaultCode::from_qname);
                    subcodes.extend(subs);
                }
                "faultstring" => {
                    let lang = r
                        .attribute(&child, crate::ns::XML, "lang")
                        .map(|l| l.into_owned());
                    let text = r.read_text(&child)?.into_owned();
                    reasons.push(FaultReason::new(text, lang.unwrap_or_else(|| "en".into())));
                }
                "Reason" => {
                    while let Some(t) = r.next_child()? {
                        if t.local() != "Text" {
                            r.skip_element()?;
                            continue;
                        }
                        let lang = r
                            .attribute(&t, crate::ns::XML, "lang")
                            .map(|l| l.into_owned());
                        let text = r.read_text(&t)?.into_owned();
                        reasons.push(FaultReason::new(text, lang.unwrap_or_else(|| "en".into())));
                    }
                }
                "faultactor" | "Role" => actor = Some(trim_xml(&r.read_text(&child)?).to_string()),
                "Node" => node = Some(trim_xml(&r.read_text(&child)?).to_string()),
                "detail" | "Detail" => detail = Some(r.capture_children(&child)?),
                _ => r.skip_element()?,
            }
        }
        let code = code.ok_or_else(|| Error::invalid_format("Fault has no code"))?;
        Ok(Fault {
            code,
            subcodes,
            reasons,
            actor,
            node,
            detail,
        })
    }
}

/// Writes the local part of a fault (sub)code, which must be an `NCName` for
/// the code to read back as a QName.
fn write_name(out: &mut BytesMut, local: &str) -> Result<()> {
    // A character XML cannot carry is named first, as everywhere else.
    write_text(out, local)?;
    if !is_ncname(local) {
        return Err(Error::InvalidFormat(format!(
            "fault code {local:?} is not an XML name (NCName): it cannot be written as a QName"
        )));
    }
    Ok(())
}

/// Reads a SOAP 1.2 `Code` (or `Subcode`): its `Value` and the chain of subcode values.
fn read_code(r: &mut XmlReader<'_>) -> Result<(Option<QName>, Vec<QName>)> {
    let mut value = None;
    let mut subcodes = Vec::new();
    while let Some(child) = r.next_child()? {
        match child.local() {
            "Value" => {
                value = Some(r.read_qname(&child)?);
            }
            "Subcode" => {
                let (v, subs) = read_code(r)?;
                subcodes.extend(v);
                subcodes.extend(subs);
            }
            _ => r.skip_element()?,
        }
    }
    Ok((value, subcodes))
}
