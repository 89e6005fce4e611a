//! The faults the host itself sends: SOAP processing-model faults and the
//! generic ones that stand for internal errors.

use crate::properties::FaultDisclosure;
use bytes::Bytes;
use wws_core::{
    AddressingVersion, EnvelopeVersion, Fault, FaultCode, FaultReason, Header, QName, ns,
};

use crate::processing::AddressingProblem;

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

/// A fault that WS-Addressing defines, with the header blocks it travels with.
pub(crate) struct AddressingFault {
    pub(crate) fault: Fault,
    pub(crate) headers: Vec<Header>,
}

/// A WS-Addressing fault (WS-Addressing 1.0 SOAP Binding §6): in SOAP 1.2 the
/// code is `code`, the subcode `wsa:subcode` and the subsubcode `wsa:subsub`;
/// in SOAP 1.1 the fault code is `wsa:subcode` and the detail, which SOAP 1.1
/// keeps for body errors (§4.4), goes in a `wsa:FaultDetail` header block.
/// `detail` is the content of `Detail`, written with prefix `wsa:` and
/// declaring it.
fn addressing_fault(
    envelope: EnvelopeVersion,
    wsa: &str,
    code: FaultCode,
    subcode: &str,
    subsub: Option<&str>,
    reason: String,
    detail: Option<String>,
) -> AddressingFault {
    let mut f = fault(code, reason);
    let mut headers = Vec::new();
    match envelope {
        EnvelopeVersion::Soap12 => {
            f.subcodes.push(QName::new(wsa, subcode));
            f.subcodes
                .extend(subsub.map(|local| QName::new(wsa, local)));
            f.detail = detail.map(Bytes::from);
        }
        EnvelopeVersion::Soap11 => {
            f.code = FaultCode::Other(QName::new(wsa, subcode));
            // WS-Addressing 2004/08 has no FaultDetail header: the detail is dropped.
            if let Some(detail) = detail.filter(|_| wsa == ns::WSA10) {
                headers.push(Header {
                    name: QName::new(wsa, "FaultDetail"),
                    must_understand: false,
                    role: None,
                    relay: false,
                    xml: Bytes::from(format!(
                        "<wsa:FaultDetail xmlns:wsa=\"{wsa}\">{detail}</wsa:FaultDetail>"
                    )),
                });
            }
        }
    }
    AddressingFault { fault: f, headers }
}

/// `<wsa:ProblemHeaderQName>` naming `header` (the `wsa:` prefix is declared by the caller's element).
fn problem_header(wsa: &str, header: &QName) -> String {
    let value = if header.namespace == wsa {
        format!("wsa:{}", escape(&header.local))
    } else {
        format!("h:{}", escape(&header.local))
    };
    let decl = if header.namespace == wsa {
        String::new()
    } else {
        format!(" xmlns:h=\"{}\"", escape(&header.namespace))
    };
    format!("<wsa:ProblemHeaderQName xmlns:wsa=\"{wsa}\"{decl}>{value}</wsa:ProblemHeaderQName>")
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
) -> AddressingFault {
    let reason = format!("The action {action:?} is not supported by this endpoint.");
    let Some(wsa) = addressing.namespace() else {
        return AddressingFault {
            fault: fault(FaultCode::Sender, reason),
            headers: Vec::new(),
        };
    };
    let detail = format!(
        "<wsa:ProblemAction xmlns:wsa=\"{wsa}\"><wsa:Action>{}</wsa:Action></wsa:ProblemAction>",
        escape(action)
    );
    addressing_fault(
        envelope,
        wsa,
        FaultCode::Sender,
        "ActionNotSupported",
        None,
        reason,
        Some(detail),
    )
}

/// The fault for an invalid or missing addressing header of a WS-Addressing
/// request (WS-Addressing 1.0 SOAP Binding §6.4.1, §6.4.2; 2004/08:
/// `InvalidMessageInformationHeader`, `MessageInformationHeaderRequired`).
pub(crate) fn addressing_problem(
    problem: &AddressingProblem,
    envelope: EnvelopeVersion,
    addressing: AddressingVersion,
) -> AddressingFault {
    let wsa = addressing.namespace().unwrap_or(ns::WSA10);
    let v10 = wsa == ns::WSA10;
    let (invalid, required) = if v10 {
        ("InvalidAddressingHeader", "MessageAddressingHeaderRequired")
    } else {
        (
            "InvalidMessageInformationHeader",
            "MessageInformationHeaderRequired",
        )
    };
    let sub = |local: &'static str| v10.then_some(local);
    let (subcode, subsub, reason, header) = match problem {
        AddressingProblem::Repeated(name) => (
            invalid,
            sub("InvalidCardinality"),
            format!("The addressing header {name} appears more than once."),
            name.clone(),
        ),
        AddressingProblem::MissingAction => (
            required,
            None,
            "A WS-Addressing message must carry wsa:Action.".to_owned(),
            QName::new(wsa, "Action"),
        ),
        AddressingProblem::ActionMismatch => (
            invalid,
            sub("ActionMismatch"),
            "The transport action (SOAPAction or the action parameter) differs from wsa:Action."
                .to_owned(),
            QName::new(wsa, "Action"),
        ),
        AddressingProblem::NotAnonymous(which) => (
            invalid,
            sub("OnlyAnonymousAddressSupported"),
            format!(
                "This endpoint replies only on the HTTP response: wsa:{which} must be the anonymous address."
            ),
            QName::new(wsa, *which),
        ),
    };
    addressing_fault(
        envelope,
        wsa,
        FaultCode::Sender,
        subcode,
        subsub,
        reason,
        Some(problem_header(wsa, &header)),
    )
}

/// The `DataEncodingUnknown` fault (SOAP 1.2 Part 1 §5.4.6) for a body scoped
/// with `style`.
pub(crate) fn data_encoding_unknown(style: &str) -> Fault {
    fault(
        FaultCode::DataEncodingUnknown,
        format!(
            "The body uses the encoding {style:?}, which this endpoint does not support; it reads literal XML only."
        ),
    )
}

/// A fault about the body: SOAP 1.1 §4.4 requires a `detail` element when the
/// Body could not be processed, so an empty one is added there when `fault`
/// has none. SOAP 1.2 makes `Detail` optional.
pub(crate) fn about_body(mut fault: Fault, envelope: EnvelopeVersion) -> Fault {
    if envelope == EnvelopeVersion::Soap11 && fault.detail.is_none() {
        fault.detail = Some(Bytes::new());
    }
    fault
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

/// `s` escaped for text and attribute values (the stack's one escaper).
///
/// Every value escaped here was read from the request, whose characters
/// the reader has checked, so it cannot fail; were it to, the value is left
/// out rather than written wrong.
fn escape(s: &str) -> String {
    wws_core::xml::escape_attr(s).unwrap_or_else(|e| {
        tracing::debug!(error = %e, "a request value cannot be echoed in a fault");
        String::new()
    })
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
        assert!(f.headers.is_empty());
        let f = f.fault;
        assert_eq!((f.code, f.subcodes), (FaultCode::Sender, vec![q.clone()]));
        assert!(f.detail.is_some());
        // SOAP 1.1 keeps `detail` for the body: the detail goes in wsa:FaultDetail.
        let v11 = EnvelopeVersion::Soap11;
        let f = action_not_supported("urn:a", v11, AddressingVersion::WsAddressing10);
        assert_eq!(f.headers.len(), 1);
        assert_eq!(f.headers[0].name, QName::new(ns::WSA10, "FaultDetail"));
        let fd = std::str::from_utf8(&f.headers[0].xml).expect("utf8");
        assert!(fd.contains("<wsa:Action>urn:a</wsa:Action>"), "{fd}");
        let f = f.fault;
        assert_eq!((f.code, f.subcodes.len()), (FaultCode::Other(q), 0));
        assert!(f.detail.is_none());
        let t = action_not_supported("urn:a", v12, AddressingVersion::Transport).fault;
        assert!(t.subcodes.is_empty() && t.detail.is_none());
    }

    #[test]
    fn addressing_problems_carry_subsubcodes_in_soap12_and_the_subcode_in_soap11() {
        let p = AddressingProblem::Repeated(QName::new(ns::WSA10, "Action"));
        let f = addressing_problem(
            &p,
            EnvelopeVersion::Soap12,
            AddressingVersion::WsAddressing10,
        );
        assert_eq!(
            f.fault.subcodes,
            vec![
                QName::new(ns::WSA10, "InvalidAddressingHeader"),
                QName::new(ns::WSA10, "InvalidCardinality")
            ]
        );
        let detail = f.fault.detail.expect("detail");
        assert!(
            std::str::from_utf8(&detail)
                .expect("utf8")
                .contains(">wsa:Action</wsa:ProblemHeaderQName>")
        );
        let f = addressing_problem(
            &AddressingProblem::MissingAction,
            EnvelopeVersion::Soap11,
            AddressingVersion::WsAddressing200408,
        );
        assert_eq!(
            f.fault.code,
            FaultCode::Other(QName::new(
                ns::WSA200408,
                "MessageInformationHeaderRequired"
            ))
        );
        assert!(f.headers.is_empty() && f.fault.detail.is_none());
    }

    #[test]
    fn body_faults_have_a_detail_in_soap11_only() {
        let f = about_body(fault(FaultCode::Sender, "x"), EnvelopeVersion::Soap11);
        assert_eq!(f.detail.as_deref(), Some(&b""[..]));
        let f = about_body(fault(FaultCode::Sender, "x"), EnvelopeVersion::Soap12);
        assert!(f.detail.is_none());
    }
}
