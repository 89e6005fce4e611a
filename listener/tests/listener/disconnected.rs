//! `ReplyChannel::disconnected` fires within 50 ms of the client closing its
//! socket while the exchange is being handled (after its body was read).

use std::time::{Duration, Instant};

use crate::common::*;
use wws_channel::Channel;
use wws_core::{EnvelopeVersion, Error};

#[tokio::test]
async fn client_closing_its_socket_is_seen_at_once() {
    let (listener, addr) = open_listener(no_timeouts()).await;
    let mut client = RawClient::connect(addr).await;
    client
        .send(&soap11_request(
            "/",
            "urn:test/Delay",
            "<t:Delay xmlns:t=\"urn:test\"/>",
        ))
        .await;
    let exchange = listener.accept_channel().await.expect("accept");
    exchange.receive().await.expect("receive");
    // The handler runs; the client is still there.
    let mut watch = Box::pin(exchange.disconnected());
    assert!(poll_once(&mut watch).await.is_none());
    assert!(!exchange.is_disconnected());

    let start = Instant::now();
    drop(client);
    tokio::time::timeout(Duration::from_secs(10), watch)
        .await
        .expect("disconnected fired");
    let elapsed = start.elapsed();
    assert!(
        elapsed < Duration::from_millis(50),
        "seen {elapsed:?} after the close"
    );
    assert!(exchange.is_disconnected());
    // A reply now has nobody to go to.
    let reply = exchange
        .reply(reply_message(
            EnvelopeVersion::Soap11,
            "<t:DelayResponse xmlns:t=\"urn:test\"/>",
        ))
        .await;
    assert!(
        matches!(reply, Err(Error::EndpointDisconnected { .. })),
        "{reply:?}"
    );
}

#[tokio::test]
async fn an_aborted_channel_is_seen_by_the_server() {
    let (listener, addr) = open_listener(no_timeouts()).await;
    let channel = Channel::new();
    channel
        .open(&format!("http://{addr}/"))
        .await
        .expect("open");
    let request = {
        let channel = channel.clone();
        tokio::spawn(async move {
            let mut msg = wws_core::Message::new(
                EnvelopeVersion::Soap12,
                wws_core::AddressingVersion::Transport,
            );
            msg.body = bytes::Bytes::from_static(b"<t:Delay xmlns:t=\"urn:test\"/>");
            channel.request(msg).await
        })
    };
    let exchange = listener.accept_channel().await.expect("accept");
    exchange.receive().await.expect("receive");
    let start = Instant::now();
    channel.abort();
    tokio::time::timeout(Duration::from_secs(10), exchange.disconnected())
        .await
        .expect("disconnected fired");
    let elapsed = start.elapsed();
    assert!(
        elapsed < Duration::from_millis(50),
        "seen {elapsed:?} after the abort"
    );
    assert!(matches!(
        request.await.expect("task"),
        Err(Error::Aborted { .. })
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn disconnected_stays_pending_while_the_client_waits() {
    let (listener, addr) = open_listener(no_timeouts()).await;
    let mut client = RawClient::connect(addr).await;
    client
        .send(&soap11_request(
            "/",
            "urn:test/A",
            "<t:A xmlns:t=\"urn:test\"/>",
        ))
        .await;
    let exchange = listener.accept_channel().await.expect("accept");
    exchange.receive().await.expect("receive");
    // A bounded wait: the client neither closes nor sends, so nothing fires.
    let waited = tokio::time::timeout(Duration::from_millis(200), exchange.disconnected()).await;
    assert!(waited.is_err(), "disconnected fired while the client waits");
    exchange.close().await.expect("ack");
    assert_eq!(client.response().await.expect("ack").status, 202);
}
