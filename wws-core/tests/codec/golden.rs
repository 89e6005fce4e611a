//! Envelopes as other stacks write them (gSOAP, zeep, WCF, PHP ext/soap,
//! default-namespace style): each reads correctly, and every header block,
//! body and fault detail taken out of the envelope parses on its own.

use crate::common::calc::{Add, AddResponse, Delay, Divide, Echo};
use crate::common::{CALC, fixture, top_level_names};
use wws_core::xml::{XmlEvent, XmlReader};
use wws_core::{AddressingVersion, EnvelopeVersion, FaultCode, Message, QName, ReaderQuotas, ns};

fn read(name: &str) -> Message {
    Message::read(&fixture(name), &ReaderQuotas::default())
        .unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn gsoap_add_with_prefix_declared_on_envelope() {
    let m = read("gsoap_add_11.xml");
    assert_eq!(m.envelope, EnvelopeVersion::Soap11);
    assert_eq!(m.addressing, AddressingVersion::Transport);
    assert_eq!(m.action, None);
    assert!(m.headers.is_empty());
    assert_eq!(m.body_element(), Some(QName::new(CALC, "Add")));
    // ns1 is declared on the Envelope only: the body must carry it.
    assert_eq!(top_level_names(&m.body), vec![QName::new(CALC, "Add")]);
    assert_eq!(m.read_body::<Add>().expect("Add"), Add { a: 1.5, b: -22.5 });
    assert!(!m.is_fault());
    assert_eq!(m.fault().expect("no fault"), None);
}

#[test]
fn gsoap_qname_valued_attribute_keeps_its_prefix() {
    let m = read("gsoap_echo_xsi_type_11.xml");
    let echo: Echo = m.read_body().expect("Echo");
    assert_eq!(echo.text, "a <b> & \u{4E2D}\u{6587} \"q\"");
    // xsi:type="xsd:string": xsd is used only inside a value, yet must stay declared.
    let mut r = XmlReader::new(&m.body).expect("reader");
    let root = r.root().expect("root");
    let text = r.next_child().expect("child").expect("text element");
    assert_eq!(text.qname(), QName::new(CALC, "text"));
    assert_eq!(
        r.attribute(&text, ns::XSI, "type").as_deref(),
        Some("xsd:string")
    );
    assert_eq!(
        r.resolve_prefix(&text, "xsd").as_deref(),
        Some("http://www.w3.org/2001/XMLSchema")
    );
    assert_eq!(root.local(), "Echo");
}

#[test]
fn gsoap_soap11_fault_with_dotted_code_actor_and_detail() {
    let m = read("gsoap_fault_11.xml");
    assert!(m.is_fault());
    let f = m.fault().expect("fault").expect("is a fault");
    assert_eq!(f.code, FaultCode::Sender);
    assert_eq!(f.subcodes, vec![QName::new(ns::SOAP11, "Arithmetic")]);
    assert_eq!(f.reasons.len(), 1);
    assert_eq!(f.reasons[0].text, "Division by zero");
    assert_eq!(f.reasons[0].lang, "en");
    assert_eq!(f.actor.as_deref(), Some("http://localhost:8080/calculator"));
    assert_eq!(f.node, None);
    let detail = f.detail.expect("detail");
    assert_eq!(
        top_level_names(&detail),
        vec![QName::new(CALC, "DivideByZero")]
    );
}

#[test]
fn gsoap_soap12_shaped_fault_inside_soap11_envelope() {
    let m = read("gsoap_fault_mixed_11.xml");
    assert_eq!(m.envelope, EnvelopeVersion::Soap11);
    let f = m.fault().expect("fault").expect("is a fault");
    assert_eq!(f.code, FaultCode::Receiver);
    assert_eq!(f.reason_text(), "Service unavailable");
    assert_eq!(f.reasons[0].lang, "en");
}

#[test]
fn gsoap_soap12_fault() {
    let m = read("gsoap_fault_12.xml");
    assert_eq!(m.envelope, EnvelopeVersion::Soap12);
    let f = m.fault().expect("fault").expect("is a fault");
    assert_eq!(f.code, FaultCode::Sender);
    assert!(f.subcodes.is_empty());
    assert_eq!(
        f.reason_text(),
        "Validation constraint violation: data type mismatch in element <ns1:a>"
    );
}

#[test]
fn zeep_echo_with_body_prefix_declared_on_element() {
    let m = read("zeep_echo_11.xml");
    assert_eq!(m.envelope, EnvelopeVersion::Soap11);
    let echo: Echo = m.read_body().expect("Echo");
    assert_eq!(
        echo.text,
        "hello & <world> \u{2014} \u{fc}n\u{ef}c\u{f6}d\u{e9}"
    );
}

#[test]
fn zeep_soap12_with_ws_addressing_headers() {
    let m = read("zeep_delay_12_wsa.xml");
    assert_eq!(m.envelope, EnvelopeVersion::Soap12);
    assert_eq!(m.addressing, AddressingVersion::WsAddressing10);
    assert_eq!(
        m.action.as_deref(),
        Some("http://example.org/wws/calculator/Delay")
    );
    assert_eq!(
        m.message_id.as_deref(),
        Some("urn:uuid:0d5c3b1e-7a3c-4a57-9a8e-2f6f3f0b9c11")
    );
    assert_eq!(m.to.as_deref(), Some("http://localhost:8080/calculator12"));
    assert!(m.headers.is_empty());
    assert_eq!(
        m.read_body::<Delay>().expect("Delay"),
        Delay { milliseconds: 250 }
    );
}

#[test]
fn wcf_request_with_must_understand_addressing() {
    let m = read("wcf_add_12.xml");
    assert_eq!(m.envelope, EnvelopeVersion::Soap12);
    assert_eq!(m.addressing, AddressingVersion::WsAddressing10);
    assert_eq!(m.action.as_deref(), Some(crate::common::calc::ADD_ACTION));
    assert_eq!(
        m.message_id.as_deref(),
        Some("urn:uuid:8f2d6a4e-43b1-4c0e-b1a6-3a1f7e9d2c55")
    );
    assert_eq!(
        m.reply_to.as_deref(),
        Some("http://www.w3.org/2005/08/addressing/anonymous")
    );
    assert_eq!(m.to.as_deref(), Some("http://localhost:8080/calculator12"));
    assert_eq!(m.relates_to, None);
    assert_eq!(m.fault_to, None);
    // The addressing headers are understood: none is left as a raw header.
    assert!(m.headers.is_empty());
    assert_eq!(m.read_body::<Add>().expect("Add"), Add { a: 1.0, b: 2.0 });
    assert_eq!(top_level_names(&m.body), vec![QName::new(CALC, "Add")]);
}

#[test]
fn wcf_response_with_relates_to_and_foreign_header() {
    let m = read("wcf_add_response_12.xml");
    assert_eq!(
        m.relates_to.as_deref(),
        Some("urn:uuid:8f2d6a4e-43b1-4c0e-b1a6-3a1f7e9d2c55")
    );
    assert_eq!(m.headers.len(), 1);
    let h = &m.headers[0];
    let diag = "http://schemas.microsoft.com/2004/09/ServiceModel/Diagnostics";
    assert_eq!(h.name, QName::new(diag, "ActivityId"));
    assert!(!h.must_understand);
    assert_eq!(h.role, None);
    assert!(!h.relay);
    assert_eq!(
        top_level_names(&h.xml),
        vec![QName::new(diag, "ActivityId")]
    );
    assert_eq!(
        m.read_body::<AddResponse>().expect("AddResponse"),
        AddResponse { result: 3.0 }
    );
}

#[test]
fn wcf_soap12_fault_with_subcode_chain_reasons_node_role_detail() {
    let m = read("wcf_fault_12.xml");
    assert_eq!(
        m.action.as_deref(),
        Some("http://www.w3.org/2005/08/addressing/soap/fault")
    );
    let f = m.fault().expect("fault").expect("is a fault");
    assert_eq!(f.code, FaultCode::Sender);
    assert_eq!(
        f.subcodes,
        vec![
            QName::new("urn:example:errors", "Arithmetic"),
            QName::new(ns::WSA10, "DestinationUnreachable"),
        ]
    );
    let reasons: Vec<(&str, &str)> = f
        .reasons
        .iter()
        .map(|r| (r.text.as_str(), r.lang.as_str()))
        .collect();
    assert_eq!(
        reasons,
        vec![("Division by zero", "en-US"), ("Division durch null", "de")]
    );
    assert_eq!(
        f.node.as_deref(),
        Some("http://localhost:8080/calculator12")
    );
    assert_eq!(f.actor.as_deref(), Some(ns::ROLE_ULTIMATE_RECEIVER));
    // e: is declared on Fault, a: on Envelope: the detail carries both.
    let detail = f.detail.expect("detail");
    assert_eq!(
        top_level_names(&detail),
        vec![
            QName::new("urn:example:errors", "DivideByZero"),
            QName::new(ns::WSA10, "ProblemAction"),
        ]
    );
}

#[test]
fn php_soap11_request() {
    let m = read("php_divide_11.xml");
    assert_eq!(m.envelope, EnvelopeVersion::Soap11);
    assert_eq!(
        m.read_body::<Divide>().expect("Divide"),
        Divide { a: 10.0, b: 4.0 }
    );
}

#[test]
fn php_soap12_request() {
    let m = read("php_delay_12.xml");
    assert_eq!(m.envelope, EnvelopeVersion::Soap12);
    assert_eq!(
        m.read_body::<Delay>().expect("Delay"),
        Delay { milliseconds: 1500 }
    );
}

#[test]
fn php_soap11_fault() {
    let m = read("php_fault_11.xml");
    let f = m.fault().expect("fault").expect("is a fault");
    assert_eq!(f.code, FaultCode::Receiver);
    assert_eq!(f.reason_text(), "Call to undefined method");
    assert_eq!(f.detail, None);
}

#[test]
fn default_namespace_envelope() {
    let m = read("default_ns_11.xml");
    assert_eq!(m.envelope, EnvelopeVersion::Soap11);
    assert_eq!(m.body_element(), Some(QName::new(CALC, "Echo")));
    assert_eq!(m.read_body::<Echo>().expect("Echo").text, "default style");
    // The inherited default namespace travels with the body.
    let mut r = XmlReader::new(&m.body).expect("reader");
    let root = r.root().expect("root");
    assert_eq!(r.resolve_prefix(&root, "").as_deref(), Some(ns::SOAP11));
}

#[test]
fn ws_addressing_200408_and_soap11_header_attributes() {
    let m = read("wsa200408_headers_11.xml");
    assert_eq!(m.addressing, AddressingVersion::WsAddressing200408);
    assert_eq!(m.action.as_deref(), Some(crate::common::calc::ECHO_ACTION));
    assert_eq!(
        m.message_id.as_deref(),
        Some("uuid:5f2b9a71-2c1d-4d3e-8f10-7a6b5c4d3e2f")
    );
    assert_eq!(
        m.reply_to.as_deref(),
        Some("http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous")
    );
    assert_eq!(m.fault_to.as_deref(), Some("http://client.example/faults"));
    assert_eq!(m.to.as_deref(), Some("http://localhost:8080/calculator"));
    assert_eq!(m.headers.len(), 2);
    let session = &m.headers[0];
    assert_eq!(session.name, QName::new("urn:example:session", "Session"));
    assert!(session.must_understand);
    assert_eq!(session.role.as_deref(), Some(ns::ACTOR_NEXT_11));
    assert!(!session.relay);
    // h:kind="h:Sticky": the prefix in the value resolves in the standalone block.
    let mut r = XmlReader::new(&session.xml).expect("reader");
    let root = r.root().expect("root");
    let kind = r
        .attribute(&root, "urn:example:session", "kind")
        .expect("kind");
    assert_eq!(kind, "h:Sticky");
    assert_eq!(
        r.resolve_prefix(&root, "h").as_deref(),
        Some("urn:example:session")
    );
    assert_eq!(
        r.attribute(&root, ns::SOAP11, "mustUnderstand").as_deref(),
        Some("1")
    );
    let trace = &m.headers[1];
    assert_eq!(trace.name, QName::new("urn:example:session", "Trace"));
    assert!(!trace.must_understand);
    assert_eq!(trace.role, None);
    assert_eq!(m.read_body::<Echo>().expect("Echo").text, "  spaced  ");
}

#[test]
fn soap12_header_role_relay_and_empty_body() {
    let m = read("soap12_headers_role_relay.xml");
    assert_eq!(m.headers.len(), 2);
    let trace = &m.headers[0];
    assert_eq!(trace.name, QName::new("urn:example:trace", "Trace"));
    assert!(trace.must_understand);
    assert_eq!(trace.role.as_deref(), Some(ns::ROLE_NEXT));
    assert!(trace.relay);
    let audit = &m.headers[1];
    assert!(!audit.must_understand);
    assert_eq!(audit.role.as_deref(), Some(ns::ROLE_NONE));
    assert!(!audit.relay);
    assert_eq!(
        top_level_names(&audit.xml),
        vec![QName::new("urn:example:trace", "Audit")]
    );
    assert!(m.body.is_empty());
    assert_eq!(m.body_element(), None);
    assert!(!m.is_fault());
    let mut r = XmlReader::new(&trace.xml).expect("reader");
    let root = r.root().expect("root");
    assert_eq!(r.attribute(&root, "urn:x", "n").as_deref(), Some("1"));
    assert!(matches!(r.next(), Ok(XmlEvent::Text(t)) if t == "on"));
}

#[test]
fn header_from_xml_reads_its_attributes() {
    let xml = r#"<t:T xmlns:t="urn:t" xmlns:e="http://www.w3.org/2003/05/soap-envelope" e:mustUnderstand="1" e:role="urn:r" e:relay="1"/>"#;
    let h = wws_core::Header::from_xml(EnvelopeVersion::Soap12, xml.as_bytes().to_vec())
        .expect("header");
    assert_eq!(h.name, QName::new("urn:t", "T"));
    assert!(h.must_understand && h.relay);
    assert_eq!(h.role.as_deref(), Some("urn:r"));
    // The same attributes mean nothing in the SOAP 1.1 namespace's stead.
    let h11 = wws_core::Header::from_xml(EnvelopeVersion::Soap11, xml.as_bytes().to_vec())
        .expect("header");
    assert!(!h11.must_understand);
    assert_eq!(h11.role, None);
}
