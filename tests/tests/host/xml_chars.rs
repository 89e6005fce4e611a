//! Characters XML 1.0 forbids (§2.2 `Char`): a request holding one, raw or
//! as a reference, is not well-formed and gets a Client/Sender fault; a
//! reply or fault the service hands over holding one cannot be written and
//! becomes a Receiver fault that says so, never a silently changed value.

use crate::common::*;
use wws_core::ns;
use wws_core::{AddressingVersion, EnvelopeVersion, Fault, FaultCode};
use wws_examples::calculator::{
    DIVIDE_ACTION, Divide, DivideResponse, ECHO_ACTION, Echo, EchoResponse,
};
use wws_host::{Contract, Endpoint, OperationContext, ServiceHost};
use wws_host::{FaultDisclosure, ServiceHostProperties};

const ECHO11: (&str, &str) = ("SOAPAction", "\"http://example.org/wws/calculator/Echo\"");

fn full() -> ServiceHostProperties {
    {
        let mut __p = ServiceHostProperties::default();
        __p.fault_disclosure = FaultDisclosure::Full;
        __p
    }
}

/// The forbidden inputs of an Echo, with the code point the fault names.
const BAD_TEXT: [(&str, &str); 8] = [
    ("a\0b", "U+0000"),
    ("\u{1}", "U+0001"),
    ("\u{B}", "U+000B"),
    ("\u{1F}", "U+001F"),
    ("\u{FFFE}", "U+FFFE"),
    ("&#x1;", "U+0001"),
    ("&#0;", "U+0000"),
    ("&#xFFFF;", "U+FFFF"),
];

#[tokio::test]
async fn forbidden_characters_in_a_soap11_echo_are_a_client_fault() {
    let (host, addr, _ev) = start(full()).await;
    for (text, code) in BAD_TEXT {
        let r = request(
            addr,
            "POST",
            "/calc11",
            &[CT11, ECHO11],
            &env11("", &echo_body(text)),
        )
        .await;
        assert_eq!(r.status, 500, "{text:?}: {}", r.body);
        let (_, fault) = fault_of(&r.body);
        assert_eq!(fault.code, FaultCode::Sender, "{text:?}: {}", r.body);
        assert!(
            fault
                .reason_text()
                .contains(&format!("{code} is not an XML 1.0 character")),
            "{text:?}: {}",
            r.body
        );
    }
    host.abort();
}

#[tokio::test]
async fn forbidden_characters_anywhere_in_a_soap12_request_are_a_sender_fault_with_400() {
    let (host, addr, _ev) = start(Default::default()).await;
    let ct = ct12_action("http://example.org/wws/calculator/Echo");
    let places = [
        env12("", &echo_body("a\0b")),
        env12("", &echo_body("&#x1;")),
        env12(
            "",
            &format!("<c:Echo xmlns:c=\"{CALC_NS}\" x=\"\0\"><c:text>t</c:text></c:Echo>"),
        ),
        env12(
            "",
            &format!("<c:Echo xmlns:c=\"{CALC_NS}\"><!-- \0 --><c:text>t</c:text></c:Echo>"),
        ),
        env12("<h:T xmlns:h=\"urn:h\">&#xFFFE;</h:T>", &echo_body("t")),
    ];
    for body in places {
        let r = request(addr, "POST", "/calc12", &[("Content-Type", &ct)], &body).await;
        assert_eq!(r.status, 400, "{body:?}: {}", r.body);
        let (_, fault) = fault_of(&r.body);
        assert_eq!(fault.code, FaultCode::Sender, "{body:?}: {}", r.body);
    }
    host.abort();
}

#[tokio::test]
async fn legal_characters_echo_unchanged() {
    let (host, addr, _ev) = start(Default::default()).await;
    let sent = "a&#x9;b&#xD;c&#x10FFFF;\u{1F600}&#x1F600;";
    let r = request(
        addr,
        "POST",
        "/calc11",
        &[CT11, ECHO11],
        &env11("", &echo_body(sent)),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let m = wws_core::Message::read(r.body.as_bytes(), &Default::default()).expect("reply reads");
    let echoed: EchoResponse = m.read_body().expect("EchoResponse");
    assert_eq!(echoed.text, "a\tb\rc\u{10FFFF}\u{1F600}\u{1F600}");
    host.abort();
}

/// A service whose Echo reply and Divide fault hold a NUL.
async fn unwritable_service() -> (ServiceHost, std::net::SocketAddr) {
    let contract = Contract::new()
        .operation(ECHO_ACTION, |_ctx: OperationContext, r: Echo| async move {
            Ok(EchoResponse {
                text: format!("{}\0", r.text),
            })
        })
        .operation(
            DIVIDE_ACTION,
            |_ctx: OperationContext, _r: Divide| async move {
                Err::<DivideResponse, _>(Fault::sender("bad\0reason"))
            },
        );
    let host = ServiceHost::new("127.0.0.1:0".parse().expect("addr"));
    host.add_endpoint(Endpoint::new(
        "/calc11",
        EnvelopeVersion::Soap11,
        AddressingVersion::Transport,
        contract,
    ))
    .expect("endpoint");
    host.open().await.expect("open");
    let addr = host.local_addr().expect("bound");
    (host, addr)
}

#[tokio::test]
async fn a_reply_or_fault_the_service_cannot_write_is_a_receiver_fault() {
    let (host, addr) = unwritable_service().await;
    let r = request(
        addr,
        "POST",
        "/calc11",
        &[CT11, ECHO11],
        &env11("", &echo_body("x")),
    )
    .await;
    assert_eq!(r.status, 500, "{}", r.body);
    let (_, fault) = fault_of(&r.body);
    assert_eq!(fault.code, FaultCode::Receiver, "{}", r.body);
    assert!(
        fault.reason_text().contains("cannot be written"),
        "{}",
        r.body
    );
    assert!(!r.body.contains('\u{FFFD}'), "{}", r.body);

    let divide = format!("<c:Divide xmlns:c=\"{CALC_NS}\"><c:a>1</c:a><c:b>0</c:b></c:Divide>");
    let r = request(addr, "POST", "/calc11", &[CT11], &env11("", &divide)).await;
    assert_eq!(r.status, 500, "{}", r.body);
    let (_, fault) = fault_of(&r.body);
    assert_eq!(fault.code, FaultCode::Receiver, "{}", r.body);
    assert!(
        fault
            .reason_text()
            .contains("U+0000 is not an XML 1.0 character"),
        "{}",
        r.body
    );
    assert!(r.body.contains(ns::SOAP11));
    host.abort();
}
