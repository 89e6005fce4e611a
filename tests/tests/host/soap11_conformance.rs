//! SOAP 1.1 (W3C Note §3, §4, §6) as gSOAP, WCF and zeep expect it of a
//! server, over raw HTTP against the host's SOAP 1.1 endpoint. Every fault
//! is HTTP 500 (§6.2) and is read back with wws-core's `Fault::read`.

use crate::common::*;
use wws_core::{EnvelopeVersion, FaultCode, QName};

const ACTOR_NEXT: &str = "http://schemas.xmlsoap.org/soap/actor/next";
const ADD: (&str, &str) = ("SOAPAction", "\"http://example.org/wws/calculator/Add\"");

async fn post11(addr: std::net::SocketAddr, body: &str) -> Response {
    request(addr, "POST", "/calc11", &[CT11, ADD], body).await
}

/// A SOAP 1.1 fault with status 500, read back.
#[track_caller]
fn fault11(r: &Response, code: FaultCode, case: &str) -> wws_core::Fault {
    assert_eq!(r.status, 500, "{case}: {}", r.body);
    assert!(
        r.header("content-type")
            .unwrap_or_default()
            .starts_with("text/xml"),
        "{case}"
    );
    let (m, f) = fault_of(&r.body);
    assert_eq!(m.envelope, EnvelopeVersion::Soap11, "{case}");
    assert_eq!(f.code, code, "{case}: {}", r.body);
    f
}

#[tokio::test]
async fn must_understand_targets_us_with_no_actor_or_actor_next_only() {
    let (host, addr, _ev) = start(Default::default()).await;
    for (case, actor, faults) in [
        ("no actor", String::new(), true),
        ("actor next", format!(" s:actor=\"{ACTOR_NEXT}\""), true),
        (
            "another actor",
            " s:actor=\"urn:someone-else\"".to_owned(),
            false,
        ),
        (
            "the SOAP 1.2 next role means nothing in 1.1",
            " s:actor=\"http://www.w3.org/2003/05/soap-envelope/role/next\"".to_owned(),
            false,
        ),
    ] {
        let h = format!("<x:Ext xmlns:x=\"urn:x\" s:mustUnderstand=\"1\"{actor}>v</x:Ext>");
        let r = post11(addr, &env11(&h, &add_body("1", "2"))).await;
        if faults {
            let f = fault11(&r, FaultCode::MustUnderstand, case);
            // §4.4: detail is for body errors only, never for header faults.
            assert!(f.detail.is_none(), "{case}: {}", r.body);
            assert!(
                !r.body.contains("NotUnderstood"),
                "{case}: a SOAP 1.2 header"
            );
        } else {
            assert_eq!(r.status, 200, "{case}: {}", r.body);
        }
    }
    host.abort();
}

#[tokio::test]
async fn must_understand_other_than_0_or_1_is_a_client_fault() {
    let (host, addr, _ev) = start(Default::default()).await;
    for value in ["2", "yes", ""] {
        let h = format!("<x:Ext xmlns:x=\"urn:x\" s:mustUnderstand=\"{value}\"/>");
        fault11(
            &post11(addr, &env11(&h, &add_body("1", "2"))).await,
            FaultCode::Sender,
            value,
        );
    }
    // "0" is accepted and ignored; "true"/"false" are tolerated (see the crate docs).
    for value in ["0", "false"] {
        let h = format!("<x:Ext xmlns:x=\"urn:x\" s:mustUnderstand=\"{value}\"/>");
        let r = post11(addr, &env11(&h, &add_body("1", "2"))).await;
        assert_eq!(r.status, 200, "{value}: {}", r.body);
    }
    host.abort();
}

#[tokio::test]
async fn a_missing_soap_action_is_tolerated_and_the_body_element_dispatches() {
    // §6.1.1 makes SOAPAction mandatory for clients; WCF and gSOAP servers
    // accept its absence, and so does this host: the body element decides.
    let (host, addr, _ev) = start(Default::default()).await;
    let r = request(
        addr,
        "POST",
        "/calc11",
        &[CT11],
        &env11("", &add_body("2", "2")),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("AddResponse"), "{}", r.body);
    host.abort();
}

#[tokio::test]
async fn faultcode_is_qualified_with_a_declared_envelope_prefix() {
    let (host, addr, _ev) = start(Default::default()).await;
    let r = post11(addr, &env11("", "<x:Nope xmlns:x=\"urn:x\"/>")).await;
    fault11(&r, FaultCode::Sender, "unknown element");
    // The prefix of the faultcode QName is bound to the SOAP 1.1 namespace
    // in scope of the faultcode element (Fault::read resolved it above).
    assert!(
        r.body.contains(&format!("xmlns:s=\"{SOAP11}\"")) && r.body.contains(">s:Client<"),
        "{}",
        r.body
    );
    host.abort();
}

#[tokio::test]
async fn body_faults_carry_detail_header_and_envelope_faults_do_not() {
    let (host, addr, _ev) = start(Default::default()).await;
    // §4.4: detail MUST be present when the Body could not be processed.
    for (case, body) in [
        (
            "unknown body element",
            "<x:Nope xmlns:x=\"urn:x\"/>".to_owned(),
        ),
        ("argument that does not decode", add_body("one", "2")),
    ] {
        let f = fault11(
            &post11(addr, &env11("", &body)).await,
            FaultCode::Sender,
            case,
        );
        assert!(f.detail.is_some(), "{case}: detail present");
    }
    // A malformed envelope or a bad header: no detail.
    for (case, msg) in [
        (
            "not well-formed",
            format!("<s:Envelope xmlns:s=\"{SOAP11}\"><s:Body>"),
        ),
        (
            "unqualified header block",
            env11("<Ext>v</Ext>", &add_body("1", "2")),
        ),
    ] {
        let f = fault11(&post11(addr, &msg).await, FaultCode::Sender, case);
        assert!(f.detail.is_none(), "{case}");
    }
    host.abort();
}

#[tokio::test]
async fn processing_instructions_and_dtds_are_client_faults() {
    // §3: a SOAP message MUST NOT contain a DTD or processing instructions.
    let (host, addr, _ev) = start(Default::default()).await;
    let env = env11("", &add_body("1", "2"));
    for (case, msg) in [
        (
            "processing instruction",
            env.replacen("<s:Body>", "<?app do-something?><s:Body>", 1),
        ),
        (
            "DTD",
            env.replacen("<s:Envelope", "<!DOCTYPE s:Envelope []><s:Envelope", 1),
        ),
    ] {
        fault11(&post11(addr, &msg).await, FaultCode::Sender, case);
    }
    host.abort();
}

#[tokio::test]
async fn other_envelope_namespaces_are_version_mismatch_in_soap11() {
    let (host, addr, _ev) = start(Default::default()).await;
    for ns in ["http://www.w3.org/2003/05/soap-envelope", "urn:not-soap"] {
        let msg = format!(
            "<e:Envelope xmlns:e=\"{ns}\"><e:Body>{}</e:Body></e:Envelope>",
            add_body("1", "2")
        );
        let f = fault11(&post11(addr, &msg).await, FaultCode::VersionMismatch, ns);
        assert!(f.detail.is_none());
    }
    host.abort();
}

#[tokio::test]
async fn elements_after_body_and_encoding_style_are_accepted() {
    // §4.1.1 allows encodingStyle on any element and §4.3 further
    // elements after the Body; SOAP 1.1 has no DataEncodingUnknown.
    let (host, addr, _ev) = start(Default::default()).await;
    let style = "s:encodingStyle=\"http://schemas.xmlsoap.org/soap/encoding/\"";
    let msg = format!(
        "<s:Envelope xmlns:s=\"{SOAP11}\" {style}><s:Body>{}</s:Body><x:Trailer xmlns:x=\"urn:x\"/></s:Envelope>",
        add_body("1", "2").replacen("<c:Add ", &format!("<c:Add {style} "), 1)
    );
    let r = post11(addr, &msg).await;
    assert_eq!(r.status, 200, "{}", r.body);
    host.abort();
}

#[tokio::test]
async fn a_fault_sent_as_a_request_is_acknowledged_not_faulted() {
    let (host, addr, _ev) = start(Default::default()).await;
    let fault = wws_core::Fault::sender("you sent garbage")
        .to_xml(EnvelopeVersion::Soap11)
        .expect("to_xml");
    let fault = std::str::from_utf8(&fault).expect("utf8").to_owned();
    let r = post11(addr, &env11("", &fault)).await;
    assert_eq!(r.status, 202, "{}", r.body);
    assert!(r.body.is_empty());
    host.abort();
}

#[tokio::test]
async fn ws_addressing_fault_detail_goes_in_a_fault_detail_header() {
    // WS-Addressing 1.0 SOAP Binding, SOAP 1.1: the subcode is the faultcode
    // and the detail travels in wsa:FaultDetail (SOAP 1.1 keeps detail for
    // the body).
    let (host, addr, _ev) = start(Default::default()).await;
    let wsa = "http://www.w3.org/2005/08/addressing";
    let h = format!(
        "<a:Action xmlns:a=\"{wsa}\">urn:no-such-action</a:Action><a:MessageID xmlns:a=\"{wsa}\">urn:uuid:11</a:MessageID>"
    );
    let r = request(
        addr,
        "POST",
        "/calc11",
        &[CT11, ("SOAPAction", "\"urn:no-such-action\"")],
        &env11(&h, &add_body("1", "2")),
    )
    .await;
    let f = fault11(
        &r,
        FaultCode::Other(QName::new(wsa, "ActionNotSupported")),
        "ActionNotSupported",
    );
    assert!(f.detail.is_none(), "{}", r.body);
    let (m, _) = fault_of(&r.body);
    assert_eq!(m.relates_to.as_deref(), Some("urn:uuid:11"));
    let fd = m
        .headers
        .iter()
        .find(|h| h.name == QName::new(wsa, "FaultDetail"))
        .unwrap_or_else(|| panic!("FaultDetail header: {}", r.body));
    let fd = std::str::from_utf8(&fd.xml).expect("utf8");
    assert!(
        fd.contains("ProblemAction") && fd.contains("urn:no-such-action"),
        "{fd}"
    );
    host.abort();
}
