//! WS-Addressing 1.0 (Core, SOAP Binding §6) as this host applies it to a
//! request that uses it: faults for invalid or missing addressing headers,
//! replies only on the HTTP response, RelatesTo and the fault actions.

use crate::common::*;
use wws_core::{AddressingVersion, EnvelopeVersion, FaultCode, Message, QName};
use wws_host::{Contract, Endpoint, OperationContext, ServiceHost};

const WSA: &str = "http://www.w3.org/2005/08/addressing";
const ADD_ACTION: &str = "http://example.org/wws/calculator/Add";
const ANONYMOUS: &str = "http://www.w3.org/2005/08/addressing/anonymous";
const WSA_FAULT: &str = "http://www.w3.org/2005/08/addressing/fault";
const SOAP_FAULT: &str = "http://www.w3.org/2005/08/addressing/soap/fault";

fn q(local: &str) -> QName {
    QName::new(WSA, local)
}

fn action(a: &str) -> String {
    format!("<a:Action xmlns:a=\"{WSA}\" e:mustUnderstand=\"1\">{a}</a:Action>")
}

fn message_id(id: &str) -> String {
    format!("<a:MessageID xmlns:a=\"{WSA}\">{id}</a:MessageID>")
}

fn reply_to(address: &str) -> String {
    format!("<a:ReplyTo xmlns:a=\"{WSA}\"><a:Address>{address}</a:Address></a:ReplyTo>")
}

/// Posts a SOAP 1.2 request with `headers` to the WS-Addressing endpoint.
async fn post(addr: std::net::SocketAddr, headers: &str, ct: &str) -> Response {
    request(
        addr,
        "POST",
        "/calc12wsa",
        &[("Content-Type", ct)],
        &env12(headers, &add_body("1", "2")),
    )
    .await
}

/// A Sender fault with these WS-Addressing subcodes, relating to `id`, with
/// the WS-Addressing fault action and a ProblemHeaderQName naming `problem`.
#[track_caller]
fn assert_wsa_fault(r: &Response, subcodes: &[&str], id: &str, problem: &str) {
    assert_eq!(r.status, 400, "{}", r.body);
    let (m, f) = fault_of(&r.body);
    assert_eq!(f.code, FaultCode::Sender, "{}", r.body);
    assert_eq!(
        f.subcodes,
        subcodes.iter().map(|s| q(s)).collect::<Vec<_>>(),
        "{}",
        r.body
    );
    assert_eq!(m.action.as_deref(), Some(WSA_FAULT), "{}", r.body);
    assert_eq!(m.relates_to.as_deref(), Some(id), "{}", r.body);
    let detail = f.detail.expect("detail");
    let detail = std::str::from_utf8(&detail).expect("utf8");
    assert!(
        detail.contains("ProblemHeaderQName") && detail.contains(&format!(">wsa:{problem}<")),
        "{detail}"
    );
}

#[tokio::test]
async fn a_repeated_addressing_header_is_invalid_cardinality() {
    let (host, addr, _ev) = start(Default::default()).await;
    let h = format!(
        "{}{}{}",
        action(ADD_ACTION),
        action(ADD_ACTION),
        message_id("urn:uuid:c1")
    );
    let r = post(addr, &h, CT12.1).await;
    assert_wsa_fault(
        &r,
        &["InvalidAddressingHeader", "InvalidCardinality"],
        "urn:uuid:c1",
        "Action",
    );
    host.abort();
}

#[tokio::test]
async fn no_action_anywhere_is_message_addressing_header_required() {
    let (host, addr, _ev) = start(Default::default()).await;
    let r = post(addr, &message_id("urn:uuid:m1"), CT12.1).await;
    assert_wsa_fault(
        &r,
        &["MessageAddressingHeaderRequired"],
        "urn:uuid:m1",
        "Action",
    );
    // With the action only in the transport, the request is served (lenient).
    let ct = ct12_action(ADD_ACTION);
    let r = post(addr, &message_id("urn:uuid:m2"), &ct).await;
    assert_eq!(r.status, 200, "{}", r.body);
    host.abort();
}

#[tokio::test]
async fn a_transport_action_that_differs_from_wsa_action_is_action_mismatch() {
    let (host, addr, _ev) = start(Default::default()).await;
    let h = format!("{}{}", action(ADD_ACTION), message_id("urn:uuid:a1"));
    let ct = ct12_action("http://example.org/wws/calculator/Echo");
    let r = post(addr, &h, &ct).await;
    assert_wsa_fault(
        &r,
        &["InvalidAddressingHeader", "ActionMismatch"],
        "urn:uuid:a1",
        "Action",
    );
    // The same action, or none, in the transport is fine.
    for ct in [ct12_action(ADD_ACTION), CT12.1.to_owned()] {
        assert_eq!(post(addr, &h, &ct).await.status, 200, "{ct}");
    }
    host.abort();
}

#[tokio::test]
async fn replies_go_only_on_the_http_response() {
    let (host, addr, _ev) = start(Default::default()).await;
    let base = format!("{}{}", action(ADD_ACTION), message_id("urn:uuid:r1"));
    let r = post(
        addr,
        &format!("{base}{}", reply_to("http://client.example/callback")),
        CT12.1,
    )
    .await;
    assert_wsa_fault(
        &r,
        &["InvalidAddressingHeader", "OnlyAnonymousAddressSupported"],
        "urn:uuid:r1",
        "ReplyTo",
    );
    let fault_to = format!(
        "<a:FaultTo xmlns:a=\"{WSA}\"><a:Address>http://client.example/faults</a:Address></a:FaultTo>"
    );
    let r = post(addr, &format!("{base}{fault_to}"), CT12.1).await;
    assert_wsa_fault(
        &r,
        &["InvalidAddressingHeader", "OnlyAnonymousAddressSupported"],
        "urn:uuid:r1",
        "FaultTo",
    );
    // Anonymous ReplyTo: the reply relates to the request and names its action.
    let r = post(addr, &format!("{base}{}", reply_to(ANONYMOUS)), CT12.1).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let m = Message::read(r.body.as_bytes(), &Default::default()).expect("reply");
    assert_eq!(m.relates_to.as_deref(), Some("urn:uuid:r1"));
    assert_eq!(
        m.action.as_deref(),
        Some("http://example.org/wws/calculator/CalculatorPortType/AddResponse")
    );
    assert_eq!(m.addressing, AddressingVersion::WsAddressing10);
    host.abort();
}

#[tokio::test]
async fn soap_defined_faults_carry_the_soap_fault_action() {
    let (host, addr, _ev) = start(Default::default()).await;
    let h = format!(
        "{}{}<x:Ext xmlns:x=\"urn:x\" e:mustUnderstand=\"true\"/>",
        action(ADD_ACTION),
        message_id("urn:uuid:s1")
    );
    let r = post(addr, &h, CT12.1).await;
    assert_eq!(r.status, 500, "{}", r.body);
    let (m, f) = fault_of(&r.body);
    assert_eq!(f.code, FaultCode::MustUnderstand);
    assert_eq!(m.action.as_deref(), Some(SOAP_FAULT));
    assert_eq!(m.relates_to.as_deref(), Some("urn:uuid:s1"));
    host.abort();
}

#[tokio::test]
async fn a_fault_message_reaches_an_untyped_operation_named_by_its_action() {
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let contract =
        Contract::new().operation_raw(WSA_FAULT, move |_ctx: OperationContext, m: Message| {
            let tx = tx.clone();
            async move {
                let _ = tx.send(m.fault().ok().flatten());
                Ok(Message::new(m.envelope, AddressingVersion::Transport))
            }
        });
    let host = ServiceHost::new("127.0.0.1:0".parse().expect("addr"));
    host.add_endpoint(Endpoint::new(
        "/faults",
        EnvelopeVersion::Soap12,
        AddressingVersion::WsAddressing10,
        contract,
    ))
    .expect("endpoint");
    host.open().await.expect("open");
    let addr = host.local_addr().expect("addr");
    let fault = wws_core::Fault::receiver("it broke")
        .to_xml(EnvelopeVersion::Soap12)
        .expect("to_xml");
    let msg = env12(
        &format!("{}{}", action(WSA_FAULT), message_id("urn:uuid:f1")),
        std::str::from_utf8(&fault).expect("utf8"),
    );
    let r = request(addr, "POST", "/faults", &[CT12], &msg).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let got = tokio::time::timeout(STEP, rx.recv())
        .await
        .expect("handler ran")
        .flatten()
        .expect("the handler saw the fault");
    assert_eq!(got.reason_text(), "it broke");
    host.abort();
}

#[tokio::test]
async fn a_none_reply_endpoint_drops_the_answer_with_202() {
    let (host, addr, _ev) = start(Default::default()).await;
    let none = "http://www.w3.org/2005/08/addressing/none";
    let base = format!("{}{}", action(ADD_ACTION), message_id("urn:uuid:n1"));
    let mut c = Conn::connect(addr).await;
    c.send(
        "POST",
        "/calc12wsa",
        &[CT12],
        &env12(&format!("{base}{}", reply_to(none)), &add_body("1", "2")),
    )
    .await;
    let r = c.read().await;
    assert_eq!(r.status, 202, "{}", r.body);
    assert!(r.body.is_empty(), "{}", r.body);
    // A fault still goes back when only the replies are dropped...
    let fault_to_anon =
        format!("<a:FaultTo xmlns:a=\"{WSA}\"><a:Address>{ANONYMOUS}</a:Address></a:FaultTo>");
    let divide = "<c:Divide xmlns:c=\"http://example.org/wws/calculator\"><c:a>1</c:a><c:b>0</c:b></c:Divide>";
    let h = format!(
        "{}{}{}{fault_to_anon}",
        action("http://example.org/wws/calculator/Divide"),
        message_id("urn:uuid:n2"),
        reply_to(none)
    );
    c.send("POST", "/calc12wsa", &[CT12], &env12(&h, divide))
        .await;
    let r = c.read().await;
    assert_eq!(r.status, 400, "{}", r.body);
    assert_eq!(fault_of(&r.body).1.reason_text(), "division by zero");
    // ...and is dropped too when ReplyTo is none and there is no FaultTo.
    let h = format!(
        "{}{}{}",
        action("http://example.org/wws/calculator/Divide"),
        message_id("urn:uuid:n3"),
        reply_to(none)
    );
    c.send("POST", "/calc12wsa", &[CT12], &env12(&h, divide))
        .await;
    let r = c.read().await;
    assert_eq!(r.status, 202, "{}", r.body);
    host.abort();
}
