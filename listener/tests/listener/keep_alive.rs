//! HTTP/1.1 keep-alive: one connection carries many exchanges in turn; the
//! next request on a connection is handed out only after the previous
//! exchange was answered.

use std::time::Duration;

use crate::common::*;
use wws_channel::Channel;
use wws_core::{AddressingVersion, EnvelopeVersion, Message};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pipelined_requests_are_handed_out_in_turn() {
    let (listener, addr) = open_listener(no_timeouts()).await;
    let mut client = RawClient::connect(addr).await;
    let mut both = soap11_request("/", "urn:test/One", "<t:A xmlns:t=\"urn:test\"/>");
    both.extend(soap12_request(
        "/",
        "urn:test/Two",
        "<t:B xmlns:t=\"urn:test\"/>",
    ));
    client.send(&both).await;

    let first = listener.accept_channel().await.expect("accept first");
    assert_eq!(first.soap_action(), Some("urn:test/One"));
    // A bounded look: the second exchange is not handed out before the first is answered.
    let early = tokio::time::timeout(Duration::from_millis(300), listener.accept_channel()).await;
    assert!(early.is_err(), "second exchange handed out early");

    first.receive().await.expect("receive first");
    first
        .reply(reply_message(
            EnvelopeVersion::Soap11,
            "<t:AResponse xmlns:t=\"urn:test\"/>",
        ))
        .await
        .expect("reply first");
    let second = tokio::time::timeout(Duration::from_secs(10), listener.accept_channel())
        .await
        .expect("second handed out after the first reply")
        .expect("accept second");
    assert_eq!(second.soap_action(), Some("urn:test/Two"));
    assert_eq!(second.peer_addr(), first.peer_addr(), "same connection");
    second.receive().await.expect("receive second");
    second
        .reply(reply_message(
            EnvelopeVersion::Soap12,
            "<t:BResponse xmlns:t=\"urn:test\"/>",
        ))
        .await
        .expect("reply second");

    let r1 = client.response().await.expect("first response");
    let r2 = client.response().await.expect("second response");
    assert!(r1.text().contains("AResponse"));
    assert!(r2.text().contains("BResponse"));
    assert_eq!(
        r2.header("content-type").as_deref(),
        Some("application/soap+xml; charset=utf-8")
    );
}

#[tokio::test]
async fn a_channel_reuses_its_connection_across_exchanges() {
    let (listener, addr) = open_listener(no_timeouts()).await;
    let channel = Channel::new();
    channel
        .open(&format!("http://{addr}/"))
        .await
        .expect("open");
    let server = tokio::spawn(async move {
        let mut peers = Vec::new();
        for _ in 0..3 {
            let exchange = listener.accept_channel().await.expect("accept");
            peers.push(exchange.peer_addr());
            let request = exchange.receive().await.expect("receive");
            let mut reply = Message::new(request.envelope, AddressingVersion::Transport);
            reply.body = request.body;
            exchange.reply(reply).await.expect("reply");
        }
        peers
    });
    for _ in 0..3 {
        let mut msg = Message::new(EnvelopeVersion::Soap11, AddressingVersion::Transport);
        msg.body = bytes::Bytes::from_static(b"<t:A xmlns:t=\"urn:test\"/>");
        channel.request(msg).await.expect("request");
    }
    let peers = server.await.expect("server");
    assert!(
        peers.windows(2).all(|w| w[0] == w[1]),
        "one connection: {peers:?}"
    );
}
