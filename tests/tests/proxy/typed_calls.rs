//! Typed and untyped calls over both envelope versions and every addressing
//! version; sequential calls reuse one pooled connection.

use std::time::Duration;

use crate::support::{CalculatorServer, open_proxy, open_soap11, within};
use wws_core::{AddressingVersion, EnvelopeVersion, Error, Message};
use wws_examples::calculator::{
    ADD_ACTION, Add, AddResponse, ECHO_ACTION, Echo, EchoResponse, NAMESPACE,
};
use wws_proxy::ProxyProperties;
use wws_proxy::{CallOptions, ServiceProxy, ServiceProxyState};

const LIMIT: Duration = Duration::from_secs(20);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn add_and_echo_in_every_envelope_and_addressing_version() {
    let server = CalculatorServer::start().await;
    let mut expected_actions = Vec::new();
    for envelope in [EnvelopeVersion::Soap11, EnvelopeVersion::Soap12] {
        for addressing in [
            AddressingVersion::Transport,
            AddressingVersion::WsAddressing10,
            AddressingVersion::WsAddressing200408,
        ] {
            let proxy = open_proxy(&server, envelope, addressing, ProxyProperties::default()).await;
            assert_eq!(proxy.state(), ServiceProxyState::Open);

            let sum: AddResponse = within(
                LIMIT,
                "add",
                proxy.call(ADD_ACTION, &Add { a: 1.5, b: 2.25 }, CallOptions::new()),
            )
            .await
            .expect("add");
            assert_eq!(sum.result, 3.75, "{envelope:?} {addressing:?}");

            let text = "<tag> & \u{e9}t\u{e9}";
            let echo: EchoResponse = within(
                LIMIT,
                "echo",
                proxy.call(
                    ECHO_ACTION,
                    &Echo {
                        text: text.to_owned(),
                    },
                    CallOptions::new(),
                ),
            )
            .await
            .expect("echo");
            assert_eq!(echo.text, text);
            expected_actions.extend([ADD_ACTION, ECHO_ACTION]);
            within(LIMIT, "close", proxy.close()).await.expect("close");
            assert_eq!(proxy.state(), ServiceProxyState::Closed);
        }
    }
    // The server saw the WSDL's actions, in the transport or in WS-Addressing headers.
    let actions = server.stats.actions.lock().expect("actions").clone();
    assert_eq!(actions, expected_actions);
    let addressing = server.stats.addressing.lock().expect("addressing").clone();
    assert_eq!(
        addressing
            .iter()
            .filter(|a| **a == AddressingVersion::Transport)
            .count(),
        4
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sequential_calls_reuse_one_pooled_connection() {
    let server = CalculatorServer::start().await;
    let proxy = open_soap11(&server, ProxyProperties::default()).await;
    assert_eq!(
        proxy.idle_connections(),
        1,
        "open keeps its connection for the first call"
    );
    for i in 0..20 {
        let r: AddResponse = within(
            LIMIT,
            "add",
            proxy.call(
                ADD_ACTION,
                &Add {
                    a: i as f64,
                    b: 1.0,
                },
                CallOptions::new(),
            ),
        )
        .await
        .expect("add");
        assert_eq!(r.result, i as f64 + 1.0);
    }
    assert_eq!(server.stats.get(|s| &s.connections), 1);
    assert_eq!(proxy.idle_connections(), 1);
    assert_eq!(proxy.pending_calls(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn untyped_call_returns_the_reply_message() {
    let server = CalculatorServer::start().await;
    let proxy = open_proxy(
        &server,
        EnvelopeVersion::Soap12,
        AddressingVersion::WsAddressing10,
        ProxyProperties::default(),
    )
    .await;
    let request = Message::from_body(
        EnvelopeVersion::Soap12,
        AddressingVersion::WsAddressing10,
        ADD_ACTION,
        &Add { a: 2.0, b: 3.0 },
    )
    .expect("from_body");
    let reply = within(
        LIMIT,
        "call",
        proxy.call_message(request, CallOptions::new()),
    )
    .await
    .expect("reply");
    assert_eq!(reply.envelope, EnvelopeVersion::Soap12);
    assert_eq!(
        reply.action.as_deref(),
        Some(format!("{NAMESPACE}/AddResponse").as_str())
    );
    // The proxy gave the request a MessageID; the reply relates to it.
    let relates_to = reply.relates_to.clone().expect("RelatesTo");
    assert!(relates_to.starts_with("urn:uuid:"), "{relates_to}");
    let sum: AddResponse = reply.read_body().expect("AddResponse");
    assert_eq!(sum.result, 5.0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reply_of_the_wrong_type_is_invalid_format() {
    let server = CalculatorServer::start().await;
    let proxy = open_soap11(&server, ProxyProperties::default()).await;
    // Add replies AddResponse; asking for EchoResponse must fail to decode.
    let r = within(
        LIMIT,
        "add",
        proxy.call::<Add, EchoResponse>(ADD_ACTION, &Add { a: 1.0, b: 1.0 }, CallOptions::new()),
    )
    .await;
    match r {
        Err(Error::InvalidFormat(why)) => assert!(why.contains("AddResponse"), "{why}"),
        other => panic!("expected InvalidFormat, got {other:?}"),
    }
    // The exchange itself completed, so its connection went back to the pool.
    assert_eq!(proxy.idle_connections(), 1);
}

#[test]
fn new_rejects_unusable_urls() {
    for url in [
        "",
        "localhost:8080/calculator",
        "ftp://127.0.0.1/",
        "http://:80/",
    ] {
        match ServiceProxy::new(url, EnvelopeVersion::Soap11, AddressingVersion::Transport) {
            Err(e @ Error::InvalidEndpointUrl { .. }) => {
                assert_eq!(
                    e.hresult(),
                    wws_core::error::hresult::WS_E_INVALID_ENDPOINT_URL
                );
            }
            other => panic!("{url:?}: expected InvalidEndpointUrl, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn open_fails_when_nothing_listens() {
    // Bind then drop: the port is free and refuses connections.
    let addr = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr");
    let proxy = ServiceProxy::new(
        &format!("http://{addr}/calculator"),
        EnvelopeVersion::Soap11,
        AddressingVersion::Transport,
    )
    .expect("proxy");
    match within(LIMIT, "open", proxy.open()).await {
        Err(Error::EndpointUnreachable { .. }) => {}
        other => panic!("expected EndpointUnreachable, got {other:?}"),
    }
    assert_eq!(proxy.state(), ServiceProxyState::Faulted);
    // A faulted proxy is closed, reset and can be opened again.
    proxy.close().await.expect("close");
    proxy.reset().expect("reset");
    assert_eq!(proxy.state(), ServiceProxyState::Created);
}
