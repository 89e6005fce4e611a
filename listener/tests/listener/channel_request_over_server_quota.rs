//! A request larger than the server's quota: the server refuses it while it
//! streams in and answers with a fault before the request was fully sent.
//! The channel reports that fault (`FaultReceived`), not a broken
//! connection, and the next request works on a new connection.

use std::time::Duration;

use crate::common::*;
use wws_channel::{Channel, ChannelState};
use wws_core::{EnvelopeVersion, Error, Fault, FaultCode, FaultReason, ReaderQuotas};
use wws_listener::Listener;
use wws_listener::ListenerProperties;

const QUOTA: usize = 64 * 1024;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_servers_early_fault_is_reported() {
    let listener = Listener::with_properties({
        let mut props = ListenerProperties::default();
        props.quotas = {
            let mut props = ReaderQuotas::default();
            props.max_message_size = QUOTA;
            props
        };
        props
    })
    .expect("valid properties");
    listener
        .open("127.0.0.1:0".parse().expect("addr"))
        .await
        .expect("listener open");
    let addr = listener.local_addr().expect("bound");
    let server = tokio::spawn({
        let listener = listener.clone();
        async move {
            let exchange = listener.accept_channel().await.expect("accept");
            match exchange.receive().await {
                Err(Error::QuotaExceeded { .. }) => {}
                other => panic!("{other:?}"),
            }
            let fault = Fault {
                code: FaultCode::Sender,
                subcodes: Vec::new(),
                reasons: vec![FaultReason {
                    text: "request too large".into(),
                    lang: "en".into(),
                }],
                actor: None,
                node: None,
                detail: None,
            };
            exchange
                .reply_fault(EnvelopeVersion::Soap11, &fault)
                .await
                .expect("fault reply");
            let exchange = listener.accept_channel().await.expect("second accept");
            let request = exchange.receive().await.expect("small request");
            exchange
                .reply(request_message(
                    request.envelope,
                    None,
                    "<t:EchoResponse xmlns:t=\"urn:test\"/>",
                ))
                .await
                .expect("reply");
        }
    });
    let channel = Channel::new();
    channel.open(&url(addr, "/")).await.expect("open");
    // 16 MiB: far more than the socket buffers hold, so the fault comes mid-send.
    let big = echo_request(EnvelopeVersion::Soap11, &"x".repeat(16 << 20));
    let result = tokio::time::timeout(Duration::from_secs(30), channel.request(big))
        .await
        .expect("no hang");
    match result {
        Err(Error::FaultReceived(fault)) => {
            assert_eq!(fault.reasons[0].text, "request too large")
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(channel.state(), ChannelState::Open);
    channel
        .request(echo_request(EnvelopeVersion::Soap11, "small"))
        .await
        .expect("the next request");
    server.await.expect("server");
}
