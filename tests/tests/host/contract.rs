//! Contract variants: untyped operations, custom reply actions, understood
//! headers handed to the handler, and the call details in the context.

use crate::common::*;
use bytes::Bytes;
use wws_core::{AddressingVersion, EnvelopeVersion, Fault, Message, QName};
use wws_examples::calculator::{Add, AddResponse};
use wws_host::{Contract, Endpoint, OperationContext, ServiceHost};

const WSA: &str = "http://www.w3.org/2005/08/addressing";

async fn host_with(
    contract: Contract,
    understood: Option<QName>,
) -> (ServiceHost, std::net::SocketAddr) {
    let host = ServiceHost::new("127.0.0.1:0".parse().expect("addr"));
    let mut e = Endpoint::new(
        "/x",
        EnvelopeVersion::Soap12,
        AddressingVersion::WsAddressing10,
        contract,
    );
    if let Some(q) = understood {
        e = e.understands(q);
    }
    host.add_endpoint(e).expect("endpoint");
    host.open().await.expect("open");
    let addr = host.local_addr().expect("addr");
    (host, addr)
}

fn wsa(action: &str, id: &str) -> String {
    format!(
        "<a:Action xmlns:a=\"{WSA}\">{action}</a:Action><a:MessageID xmlns:a=\"{WSA}\">{id}</a:MessageID>"
    )
}

#[tokio::test]
async fn an_untyped_operation_gets_the_message_and_its_reply_is_completed() {
    let contract =
        Contract::new().operation_raw("urn:raw", |ctx: OperationContext, m: Message| async move {
            assert_eq!(ctx.action(), "urn:raw");
            let mut reply = Message::new(m.envelope, AddressingVersion::Transport);
            // Echo the body back; leave action and RelatesTo to the host.
            reply.body = m.body.clone();
            Ok(reply)
        });
    let (host, addr) = host_with(contract, None).await;
    let body = "<p:Anything xmlns:p=\"urn:p\">42</p:Anything>";
    let r = request(
        addr,
        "POST",
        "/x",
        &[CT12],
        &env12(&wsa("urn:raw", "urn:uuid:r1"), body),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains(">42</"), "{}", r.body);
    assert!(r.body.contains(">urn:rawResponse</"), "{}", r.body);
    assert!(r.body.contains(">urn:uuid:r1</"), "{}", r.body);
    host.abort();
}

#[tokio::test]
async fn a_custom_reply_action_is_used() {
    let contract = Contract::new().operation_with_reply_action(
        "urn:add",
        "urn:add/out",
        |_ctx: OperationContext, r: Add| async move { Ok(AddResponse { result: r.a + r.b }) },
    );
    let (host, addr) = host_with(contract, None).await;
    let r = request(
        addr,
        "POST",
        "/x",
        &[CT12],
        &env12(&wsa("urn:add", "urn:uuid:2"), &add_body("1", "2")),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains(">urn:add/out</"), "{}", r.body);
    host.abort();
}

#[tokio::test]
async fn an_understood_header_reaches_the_handler_with_the_call_details() {
    let name = QName::new("urn:session", "Session");
    let contract =
        Contract::new().operation("urn:add", |ctx: OperationContext, r: Add| async move {
            let session = ctx
                .headers()
                .iter()
                .find(|h| h.name == QName::new("urn:session", "Session"))
                .ok_or_else(|| Fault::sender("no session header"))?;
            let xml = String::from_utf8_lossy(&session.xml).into_owned();
            if !xml.contains("s-77")
                || ctx.message_id() != Some("urn:uuid:3")
                || ctx.call().peer_addr.is_none()
            {
                return Err(Fault::sender(format!(
                    "unexpected call details: {xml} {:?}",
                    ctx.call()
                )));
            }
            Ok(AddResponse { result: r.a + r.b })
        });
    let (host, addr) = host_with(contract, Some(name)).await;
    let headers = format!(
        "{}<s:Session xmlns:s=\"urn:session\" e:mustUnderstand=\"true\">s-77</s:Session>",
        wsa("urn:add", "urn:uuid:3")
    );
    let r = request(
        addr,
        "POST",
        "/x",
        &[CT12],
        &env12(&headers, &add_body("1", "2")),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("AddResponse"));
    host.abort();
}

#[tokio::test]
async fn a_handler_fault_is_sent_as_it_is() {
    let contract =
        Contract::new().operation("urn:add", |_ctx: OperationContext, _r: Add| async move {
            Err::<AddResponse, _>(
                Fault::receiver("backend down")
                    .with_detail(Bytes::from_static(b"<d:Why xmlns:d=\"urn:d\">db</d:Why>")),
            )
        });
    let (host, addr) = host_with(contract, None).await;
    let r = request(
        addr,
        "POST",
        "/x",
        &[CT12],
        &env12(&wsa("urn:add", "urn:uuid:4"), &add_body("1", "2")),
    )
    .await;
    assert_eq!(r.status, 500, "{}", r.body);
    assert!(
        r.body.contains("Receiver") && r.body.contains("backend down") && r.body.contains(">db</"),
        "{}",
        r.body
    );
    assert!(
        r.body
            .contains("http://www.w3.org/2005/08/addressing/soap/fault"),
        "{}",
        r.body
    );
    host.abort();
}
