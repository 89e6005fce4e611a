//! SOAP 1.1 (W3C Note §4, §6) behaviour of the host, over raw HTTP.

use crate::common::*;
use wws_host::FaultDisclosure;
use wws_host::ServiceHostProperties;

const ADD: (&str, &str) = ("SOAPAction", "\"http://example.org/wws/calculator/Add\"");

#[tokio::test]
async fn add_by_soap_action() {
    let (host, addr, _ev) = start(Default::default()).await;
    let r = request(
        addr,
        "POST",
        "/calc11",
        &[CT11, ADD],
        &env11("", &add_body("2", "3.5")),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(
        r.header("content-type")
            .unwrap_or_default()
            .starts_with("text/xml")
    );
    assert!(r.body.contains(SOAP11));
    assert!(
        r.body.contains("AddResponse") && r.body.contains(">5.5<"),
        "{}",
        r.body
    );
    host.abort();
}

#[tokio::test]
async fn dispatch_by_body_element_when_soap_action_is_empty_or_unknown() {
    let (host, addr, _ev) = start(Default::default()).await;
    for action in ["\"\"", "\"urn:not-an-operation\""] {
        let r = request(
            addr,
            "POST",
            "/calc11",
            &[CT11, ("SOAPAction", action)],
            &env11("", &add_body("1", "1")),
        )
        .await;
        assert_eq!(r.status, 200, "{action}: {}", r.body);
        assert!(
            r.body.contains(">2.0<") || r.body.contains(">2<"),
            "{}",
            r.body
        );
    }
    host.abort();
}

#[tokio::test]
async fn unknown_operation_is_a_client_fault_with_500() {
    let (host, addr, _ev) = start(Default::default()).await;
    let body = "<x:Nope xmlns:x=\"urn:x\"/>";
    let r = request(addr, "POST", "/calc11", &[CT11], &env11("", body)).await;
    assert_eq!(r.status, 500);
    assert!(r.body.contains("Client"), "{}", r.body);
    assert!(r.body.contains("{urn:x}Nope"), "{}", r.body);
    host.abort();
}

#[tokio::test]
async fn application_fault_divide_by_zero() {
    let (host, addr, _ev) = start(Default::default()).await;
    let body = format!("<c:Divide xmlns:c=\"{CALC_NS}\"><c:a>1</c:a><c:b>0</c:b></c:Divide>");
    let r = request(addr, "POST", "/calc11", &[CT11], &env11("", &body)).await;
    assert_eq!(r.status, 500);
    assert!(
        r.body.contains("Client") && r.body.contains("division by zero"),
        "{}",
        r.body
    );
    host.abort();
}

#[tokio::test]
async fn soap12_envelope_gets_a_soap11_version_mismatch_with_upgrade() {
    let (host, addr, _ev) = start(Default::default()).await;
    let r = request(
        addr,
        "POST",
        "/calc11",
        &[CT11],
        &env12("", &add_body("1", "2")),
    )
    .await;
    assert_eq!(r.status, 500);
    assert!(
        r.body.contains(&format!("Envelope xmlns:s=\"{SOAP11}\"")) || r.body.contains(SOAP11),
        "{}",
        r.body
    );
    assert!(r.body.contains("VersionMismatch"), "{}", r.body);
    assert!(
        r.body.contains("Upgrade") && r.body.contains("SupportedEnvelope"),
        "{}",
        r.body
    );
    host.abort();
}

#[tokio::test]
async fn unknown_envelope_namespace_is_version_mismatch() {
    let (host, addr, _ev) = start(Default::default()).await;
    let body = "<e:Envelope xmlns:e=\"http://example.org/wrong\"><e:Body/></e:Envelope>";
    let r = request(addr, "POST", "/calc11", &[CT11], body).await;
    assert_eq!(r.status, 500);
    assert!(
        r.body.contains(SOAP11) && r.body.contains("VersionMismatch"),
        "{}",
        r.body
    );
    host.abort();
}

#[tokio::test]
async fn must_understand_header_for_us_faults_and_others_are_ignored() {
    let (host, addr, _ev) = start(Default::default()).await;
    let mu = |attrs: &str| format!("<h:Ext xmlns:h=\"urn:ext\" {attrs}>x</h:Ext>");
    // Targeted at us: no actor, or actor next.
    for attrs in [
        "s:mustUnderstand=\"1\"".to_owned(),
        "s:mustUnderstand=\"1\" s:actor=\"http://schemas.xmlsoap.org/soap/actor/next\"".to_owned(),
    ] {
        let r = request(
            addr,
            "POST",
            "/calc11",
            &[CT11, ADD],
            &env11(&mu(&attrs), &add_body("1", "2")),
        )
        .await;
        assert_eq!(r.status, 500, "{attrs}");
        assert!(r.body.contains("MustUnderstand"), "{attrs}: {}", r.body);
    }
    // Not mandatory, or for another actor, or understood: processed normally.
    for header in [
        mu("s:mustUnderstand=\"0\""),
        mu("s:mustUnderstand=\"1\" s:actor=\"urn:some-other-node\""),
        "<k:Known xmlns:k=\"urn:understood\" s:mustUnderstand=\"1\"/>".to_owned(),
    ] {
        let r = request(
            addr,
            "POST",
            "/calc11",
            &[CT11, ADD],
            &env11(&header, &add_body("1", "2")),
        )
        .await;
        assert_eq!(r.status, 200, "{header}: {}", r.body);
        assert!(r.body.contains("AddResponse"));
    }
    host.abort();
}

#[tokio::test]
async fn malformed_xml_is_a_client_fault_and_the_connection_stays_open() {
    let (host, addr, _ev) = start(Default::default()).await;
    let mut c = Conn::connect(addr).await;
    c.send(
        "POST",
        "/calc11",
        &[CT11, ADD],
        "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body>",
    )
    .await;
    let r = c.read().await;
    assert_eq!(r.status, 500);
    assert!(r.body.contains("Client"), "{}", r.body);
    // Same connection, next request.
    c.send(
        "POST",
        "/calc11",
        &[CT11, ADD],
        &env11("", &add_body("4", "4")),
    )
    .await;
    let r = c.read().await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("AddResponse"));
    host.abort();
}

#[tokio::test]
async fn dtd_is_rejected_as_client_fault() {
    let (host, addr, _ev) = start(Default::default()).await;
    let body = format!(
        "<?xml version=\"1.0\"?><!DOCTYPE s:Envelope [<!ENTITY x \"boom\">]><s:Envelope xmlns:s=\"{SOAP11}\"><s:Body>{}</s:Body></s:Envelope>",
        add_body("1", "2")
    );
    let r = request(addr, "POST", "/calc11", &[CT11, ADD], &body).await;
    assert_eq!(r.status, 500);
    assert!(r.body.contains("Client"), "{}", r.body);
    host.abort();
}

#[tokio::test]
async fn quota_breach_is_a_client_fault() {
    let mut props = ServiceHostProperties::default();
    props.listener.quotas.max_depth = 8;
    let (host, addr, _ev) = start(props).await;
    let deep = format!("{}{}", "<d>".repeat(20), "</d>".repeat(20));
    let body = format!("<c:Echo xmlns:c=\"{CALC_NS}\"><c:text>{deep}</c:text></c:Echo>");
    let r = request(addr, "POST", "/calc11", &[CT11], &env11("", &body)).await;
    assert_eq!(r.status, 500);
    assert!(r.body.contains("Client"), "{}", r.body);
    host.abort();
}

#[tokio::test]
async fn argument_that_does_not_parse_is_a_client_fault() {
    let (host, addr, _ev) = start(Default::default()).await;
    let r = request(
        addr,
        "POST",
        "/calc11",
        &[CT11, ADD],
        &env11("", &add_body("one", "2")),
    )
    .await;
    assert_eq!(r.status, 500);
    assert!(r.body.contains("Client"), "{}", r.body);
    host.abort();
}

#[tokio::test]
async fn handler_panic_is_a_server_fault_and_the_host_stays_up() {
    let (host, addr, _ev) = start(Default::default()).await;
    let r = request(
        addr,
        "POST",
        "/calc11",
        &[CT11],
        &env11("", &echo_body("panic")),
    )
    .await;
    assert_eq!(r.status, 500);
    assert!(r.body.contains("Server"), "{}", r.body);
    assert!(
        !r.body.contains("asked to panic"),
        "Minimal disclosure leaks: {}",
        r.body
    );
    let r = request(
        addr,
        "POST",
        "/calc11",
        &[CT11],
        &env11("", &echo_body("still here")),
    )
    .await;
    assert_eq!(r.status, 200);
    assert!(r.body.contains("still here"));
    host.abort();
}

#[tokio::test]
async fn full_disclosure_shows_the_internal_error() {
    let props = {
        let mut props = ServiceHostProperties::default();
        props.fault_disclosure = FaultDisclosure::Full;
        props
    };
    let (host, addr, _ev) = start(props).await;
    let r = request(
        addr,
        "POST",
        "/calc11",
        &[CT11],
        &env11("", &echo_body("panic")),
    )
    .await;
    assert_eq!(r.status, 500);
    assert!(r.body.contains("echo was asked to panic"), "{}", r.body);
    host.abort();
}
