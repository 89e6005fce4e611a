//! SOAP 1.2 (Part 1 §2 processing model, §5.4 faults; Part 2 §7 HTTP binding)
//! behaviour of the host for a single receiving node, over raw HTTP. The
//! cases follow the W3C SOAP 1.2 test collection for an ultimate receiver.

use crate::common::*;

const ROLE_NEXT: &str = "http://www.w3.org/2003/05/soap-envelope/role/next";
const ROLE_NONE: &str = "http://www.w3.org/2003/05/soap-envelope/role/none";
const ROLE_ULTIMATE: &str = "http://www.w3.org/2003/05/soap-envelope/role/ultimateReceiver";
const WSA: &str = "http://www.w3.org/2005/08/addressing";

fn ct_add() -> String {
    ct12_action("http://example.org/wws/calculator/Add")
}

#[tokio::test]
async fn add_by_action_parameter() {
    let (host, addr, _ev) = start(Default::default()).await;
    let ct = ct_add();
    let r = request(
        addr,
        "POST",
        "/calc12",
        &[("Content-Type", &ct)],
        &env12("", &add_body("2", "3")),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(
        r.header("content-type")
            .unwrap_or_default()
            .starts_with("application/soap+xml")
    );
    assert!(
        r.body.contains(SOAP12) && r.body.contains("AddResponse"),
        "{}",
        r.body
    );
    host.abort();
}

#[tokio::test]
async fn malformed_xml_is_a_sender_fault_with_400() {
    let (host, addr, _ev) = start(Default::default()).await;
    let r = request(
        addr,
        "POST",
        "/calc12",
        &[CT12],
        "<e:Envelope xmlns:e=\"http://www.w3.org/2003/05/soap-envelope\"><e:Body><x>",
    )
    .await;
    assert_eq!(r.status, 400);
    assert!(r.body.contains("Sender"), "{}", r.body);
    host.abort();
}

#[tokio::test]
async fn unknown_body_element_is_a_sender_fault_with_400() {
    let (host, addr, _ev) = start(Default::default()).await;
    let r = request(
        addr,
        "POST",
        "/calc12",
        &[CT12],
        &env12("", "<x:Nope xmlns:x=\"urn:x\"/>"),
    )
    .await;
    assert_eq!(r.status, 400);
    assert!(r.body.contains("Sender"), "{}", r.body);
    host.abort();
}

#[tokio::test]
async fn handler_panic_is_a_receiver_fault_with_500() {
    let (host, addr, _ev) = start(Default::default()).await;
    let r = request(
        addr,
        "POST",
        "/calc12",
        &[CT12],
        &env12("", &echo_body("panic")),
    )
    .await;
    assert_eq!(r.status, 500);
    assert!(r.body.contains("Receiver"), "{}", r.body);
    host.abort();
}

#[tokio::test]
async fn must_understand_targeted_headers_fault_with_one_not_understood_each() {
    let (host, addr, _ev) = start(Default::default()).await;
    let headers = format!(
        "<a:One xmlns:a=\"urn:a\" e:mustUnderstand=\"true\"/>\
         <b:Two xmlns:b=\"urn:b\" e:mustUnderstand=\"1\" e:role=\"{ROLE_NEXT}\"/>\
         <c:Three xmlns:c=\"urn:c\" e:mustUnderstand=\"1\" e:role=\"{ROLE_ULTIMATE}\"/>"
    );
    let r = request(
        addr,
        "POST",
        "/calc12",
        &[("Content-Type", &ct_add())],
        &env12(&headers, &add_body("1", "1")),
    )
    .await;
    assert_eq!(r.status, 500, "{}", r.body);
    assert!(r.body.contains("MustUnderstand"), "{}", r.body);
    assert_eq!(r.body.matches("NotUnderstood").count(), 3, "{}", r.body);
    for (ns, local) in [("urn:a", "One"), ("urn:b", "Two"), ("urn:c", "Three")] {
        assert!(
            r.body.contains(&format!(":{local}\" xmlns:h=\"{ns}\"")),
            "{local}: {}",
            r.body
        );
    }
    host.abort();
}

#[tokio::test]
async fn headers_for_role_none_other_roles_or_optional_are_ignored() {
    let (host, addr, _ev) = start(Default::default()).await;
    for header in [
        format!("<a:X xmlns:a=\"urn:a\" e:mustUnderstand=\"true\" e:role=\"{ROLE_NONE}\"/>"),
        "<a:X xmlns:a=\"urn:a\" e:mustUnderstand=\"true\" e:role=\"http://example.org/ts-tests/B\"/>".to_owned(),
        "<a:X xmlns:a=\"urn:a\" e:mustUnderstand=\"false\"/>".to_owned(),
        "<a:X xmlns:a=\"urn:a\"/>".to_owned(),
        "<k:Known xmlns:k=\"urn:understood\" e:mustUnderstand=\"true\"/>".to_owned(),
    ] {
        let r = request(addr, "POST", "/calc12", &[("Content-Type", &ct_add())], &env12(&header, &add_body("1", "1"))).await;
        assert_eq!(r.status, 200, "{header}: {}", r.body);
        assert!(r.body.contains("AddResponse"));
    }
    host.abort();
}

#[tokio::test]
async fn soap11_envelope_gets_a_soap11_version_mismatch_with_upgrade_to_12() {
    let (host, addr, _ev) = start(Default::default()).await;
    let r = request(
        addr,
        "POST",
        "/calc12",
        &[CT11],
        &env11("", &add_body("1", "1")),
    )
    .await;
    assert_eq!(r.status, 500, "{}", r.body);
    assert!(
        r.header("content-type")
            .unwrap_or_default()
            .starts_with("text/xml"),
        "{:?}",
        r.headers
    );
    assert!(
        r.body.contains(&format!("xmlns:s=\"{SOAP11}\"")),
        "{}",
        r.body
    );
    assert!(r.body.contains("VersionMismatch"), "{}", r.body);
    assert!(
        r.body.contains("Upgrade")
            && r.body.contains(&format!(
                "SupportedEnvelope qname=\"v0:Envelope\" xmlns:v0=\"{SOAP12}\""
            )),
        "{}",
        r.body
    );
    host.abort();
}

#[tokio::test]
async fn unknown_envelope_namespace_gets_a_soap12_version_mismatch_with_upgrade() {
    let (host, addr, _ev) = start(Default::default()).await;
    let body = "<e:Envelope xmlns:e=\"http://example.org/wrong-version\"><e:Body/></e:Envelope>";
    let r = request(addr, "POST", "/calc12", &[CT12], body).await;
    assert_eq!(r.status, 500, "{}", r.body);
    assert!(
        r.body.contains("VersionMismatch") && r.body.contains("Upgrade"),
        "{}",
        r.body
    );
    assert!(
        r.header("content-type")
            .unwrap_or_default()
            .starts_with("application/soap+xml")
    );
    host.abort();
}

#[tokio::test]
async fn soap12_envelope_sent_as_text_xml_is_a_sender_fault() {
    let (host, addr, _ev) = start(Default::default()).await;
    let r = request(
        addr,
        "POST",
        "/calc12",
        &[CT11],
        &env12("", &add_body("1", "1")),
    )
    .await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(
        r.body.contains("Sender") && r.body.contains("application/soap+xml"),
        "{}",
        r.body
    );
    host.abort();
}

fn wsa_headers(action: &str, id: &str) -> String {
    format!(
        "<a:Action xmlns:a=\"{WSA}\" e:mustUnderstand=\"1\">{action}</a:Action>\
         <a:MessageID xmlns:a=\"{WSA}\">{id}</a:MessageID>\
         <a:To xmlns:a=\"{WSA}\" e:mustUnderstand=\"1\">http://x/calc12wsa</a:To>"
    )
}

#[tokio::test]
async fn ws_addressing_reply_carries_relates_to_and_response_action() {
    let (host, addr, _ev) = start(Default::default()).await;
    let h = wsa_headers("http://example.org/wws/calculator/Add", "urn:uuid:1234");
    let r = request(
        addr,
        "POST",
        "/calc12wsa",
        &[CT12],
        &env12(&h, &add_body("1", "1")),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(
        r.body.contains("urn:uuid:1234</") && r.body.contains("RelatesTo"),
        "{}",
        r.body
    );
    assert!(
        r.body
            .contains("http://example.org/wws/calculator/CalculatorPortType/AddResponse</"),
        "{}",
        r.body
    );
    host.abort();
}

#[tokio::test]
async fn unknown_ws_addressing_action_is_action_not_supported() {
    let (host, addr, _ev) = start(Default::default()).await;
    let h = wsa_headers("urn:no-such-action", "urn:uuid:5");
    // The body names Add, but a WS-Addressing action is authoritative.
    let r = request(
        addr,
        "POST",
        "/calc12wsa",
        &[CT12],
        &env12(&h, &add_body("1", "1")),
    )
    .await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert!(
        r.body.contains("ActionNotSupported") && r.body.contains("urn:no-such-action"),
        "{}",
        r.body
    );
    assert!(
        r.body.contains("urn:uuid:5</"),
        "fault relates to the request: {}",
        r.body
    );
    // A fault WS-Addressing defines carries its `fault` action (SOAP binding §6).
    assert!(
        r.body
            .contains(">http://www.w3.org/2005/08/addressing/fault</"),
        "{}",
        r.body
    );
    host.abort();
}
