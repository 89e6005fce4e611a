//! The faults the host itself sends: SOAP processing-model faults and the
//! generic ones that stand for internal errors.

use bytes::Bytes;
use wws_core::{
    AddressingVersion, EnvelopeVersion, Fault, FaultCode, FaultDisclosure, FaultReason, Header,
    QName, ns,
};

/// The reason sent for an internal error under [`FaultDisclosure::Minimal`].
pub(crate) const INTERNAL_ERROR: &str =
    "The server was unable to process the request due to an internal error.";

/// A fault with `code` and one English reason.
pub(crate) fn fault(code: FaultCode, reason: impl Into<String>) -> Fault {
    Fault {
        code,
        subcodes: Vec::new(),
        reasons: vec![FaultReason {
            text: reason.into(),
            lang: "en".to_owned(),
        }],
        actor: None,
        node: None,
        detail: None,
    }
}

/// A Client/Sender fault about the request; `detail` (an internal error text)
/// is appended to the reason only under [`FaultDisclosure::Full`].
pub(crate) fn sender(
    reason: &str,
    detail: &dyn std::fmt::Display,
    disclosure: FaultDisclosure,
) -> Fault {
    fault(FaultCode::Sender, disclose(reason, detail, disclosure))
}

/// A Server/Receiver fault for an internal error.
pub(crate) fn internal(detail: &dyn std::fmt::Display, disclosure: FaultDisclosure) -> Fault {
    fault(
        FaultCode::Receiver,
        disclose(INTERNAL_ERROR, detail, disclosure),
    )
}

fn disclose(reason: &str, detail: &dyn std::fmt::Display, disclosure: FaultDisclosure) -> String {
    match disclosure {
        FaultDisclosure::Minimal => reason.to_owned(),
        FaultDisclosure::Full => format!("{reason}: {detail}"),
    }
}

/// The `VersionMismatch` fault (SOAP 1.1 §4.4.1, SOAP 1.2 Part 1 §5.4.7).
pub(crate) fn version_mismatch(found: &str) -> Fault {
    fault(
        FaultCode::VersionMismatch,
        format!("The envelope namespace {found:?} is not a SOAP version this endpoint accepts."),
    )
}

/// The SOAP 1.2 `Upgrade` header block (Part 1 §5.4.7) listing `supported`, in
/// preference order. It goes with a VersionMismatch fault of either version.
pub(crate) fn upgrade_header(supported: &[EnvelopeVersion]) -> Header {
    let mut xml = format!("<env:Upgrade xmlns:env=\"{}\">", ns::SOAP12);
    for (i, v) in supported.iter().enumerate() {
        xml.push_str(&format!(
            "<env:SupportedEnvelope qname=\"v{i}:Envelope\" xmlns:v{i}=\"{}\"/>",
            v.namespace()
        ));
    }
    xml.push_str("</env:Upgrade>");
    Header {
        name: QName::new(ns::SOAP12, "Upgrade"),
        must_understand: false,
        role: None,
        relay: false,
        xml: Bytes::from(xml),
    }
}

/// The `MustUnderstand` fault (SOAP 1.1 §4.4.1, SOAP 1.2 Part 1 §5.4.8).
pub(crate) fn must_understand(not_understood: &[QName]) -> Fault {
    let names: Vec<String> = not_understood.iter().map(ToString::to_string).collect();
    fault(
        FaultCode::MustUnderstand,
        format!(
            "One or more mandatory SOAP header blocks not understood: {}",
            names.join(", ")
        ),
    )
}

/// One SOAP 1.2 `NotUnderstood` header block (Part 1 §5.4.8) naming `name`.
pub(crate) fn not_understood_header(name: &QName) -> Header {
    let qname = if name.namespace.is_empty() {
        format!("qname=\"{}\"", escape(&name.local))
    } else {
        format!(
            "qname=\"h:{}\" xmlns:h=\"{}\"",
            escape(&name.local),
            escape(&name.namespace)
        )
    };
    let xml = format!("<env:NotUnderstood {qname} xmlns:env=\"{}\"/>", ns::SOAP12);
    Header {
        name: QName::new(ns::SOAP12, "NotUnderstood"),
        must_understand: false,
        role: None,
        relay: false,
        xml: Bytes::from(xml),
    }
}

/// The fault for an action no operation serves: WS-Addressing's
/// `ActionNotSupported` with a `ProblemAction` detail on addressed messages
/// (SOAP 1.2: Sender with that subcode; SOAP 1.1: that code itself, as the
/// WS-Addressing SOAP binding maps subcodes for 1.1), a plain Client/Sender
/// fault otherwise.
pub(crate) fn action_not_supported(
    action: &str,
    envelope: EnvelopeVersion,
    addressing: AddressingVersion,
) -> Fault {
    let reason = format!("The action {action:?} is not supported by this endpoint.");
    let mut f = fault(FaultCode::Sender, reason);
    if let Some(wsa) = addressing.namespace() {
        let code = QName::new(wsa, "ActionNotSupported");
        match envelope {
            EnvelopeVersion::Soap11 => f.code = FaultCode::Other(code),
            EnvelopeVersion::Soap12 => f.subcodes.push(code),
        }
        f.detail = Some(Bytes::from(format!(
            "<wsa:ProblemAction xmlns:wsa=\"{wsa}\"><wsa:Action>{}</wsa:Action></wsa:ProblemAction>",
            escape(action)
        )));
    }
    f
}

/// The WS-Addressing 1.0 action of a SOAP-defined fault.
pub(crate) const WSA10_SOAP_FAULT_ACTION: &str = "http://www.w3.org/2005/08/addressing/soap/fault";

/// Whether `fault` is one WS-Addressing defines (its code or a subcode is in a WS-Addressing namespace).
pub(crate) fn is_addressing_fault(fault: &Fault) -> bool {
    let wsa = |q: &QName| q.namespace == ns::WSA10 || q.namespace == ns::WSA200408;
    matches!(&fault.code, FaultCode::Other(q) if wsa(q)) || fault.subcodes.iter().any(wsa)
}

/// The fault for a body whose first element no operation takes.
pub(crate) fn unknown_operation(element: Option<&QName>) -> Fault {
    let reason = match element {
        Some(q) => format!("No operation of this endpoint takes the element {q}."),
        None => "The request names no action and its body is empty.".to_owned(),
    };
    fault(FaultCode::Sender, reason)
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn not_understood_declares_the_namespace_of_its_qname() {
        let h = not_understood_header(&QName::new("urn:x&y", "Ext"));
        let xml = std::str::from_utf8(&h.xml).expect("utf8");
        assert_eq!(
            xml,
            "<env:NotUnderstood qname=\"h:Ext\" xmlns:h=\"urn:x&amp;y\" xmlns:env=\"http://www.w3.org/2003/05/soap-envelope\"/>"
        );
    }

    #[test]
    fn upgrade_lists_supported_envelopes_in_order() {
        let h = upgrade_header(&[EnvelopeVersion::Soap12, EnvelopeVersion::Soap11]);
        let xml = std::str::from_utf8(&h.xml).expect("utf8");
        let p12 = xml.find(ns::SOAP12).expect("1.2 listed");
        let p11 = xml.find(ns::SOAP11).expect("1.1 listed");
        assert!(xml.starts_with("<env:Upgrade"));
        assert!(p12 < p11);
    }

    #[test]
    fn disclosure_controls_internal_text() {
        let min = internal(&"secret", FaultDisclosure::Minimal);
        assert_eq!(min.reasons[0].text, INTERNAL_ERROR);
        let full = internal(&"secret", FaultDisclosure::Full);
        assert!(full.reasons[0].text.contains("secret"));
        assert_eq!(full.code, FaultCode::Receiver);
    }

    #[test]
    fn action_not_supported_has_the_wsa_code_only_when_addressed() {
        let q = QName::new(ns::WSA10, "ActionNotSupported");
        let v12 = EnvelopeVersion::Soap12;
        let f = action_not_supported("urn:a", v12, AddressingVersion::WsAddressing10);
        assert_eq!((f.code, f.subcodes), (FaultCode::Sender, vec![q.clone()]));
        assert!(f.detail.is_some());
        let v11 = EnvelopeVersion::Soap11;
        let f = action_not_supported("urn:a", v11, AddressingVersion::WsAddressing10);
        assert_eq!((f.code, f.subcodes.len()), (FaultCode::Other(q), 0));
        let t = action_not_supported("urn:a", v12, AddressingVersion::Transport);
        assert!(t.subcodes.is_empty() && t.detail.is_none());
    }
}
