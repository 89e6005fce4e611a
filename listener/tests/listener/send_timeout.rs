//! `send_timeout`: a client that sends a request and never reads the
//! response cannot hold its connection (and its `max_connections` slot)
//! for ever: once the response has been stuck for the send timeout, the
//! connection is dropped. `None` waits for ever. Virtual time.

use std::time::Duration;

use crate::common::*;
use bytes::Bytes;
use http::{HeaderMap, StatusCode};
use tokio::time::Instant;

const LIMIT: Duration = Duration::from_secs(10);
/// Far more than the socket buffers of both ends hold.
const BIG: usize = 64 << 20;

/// Sends a request on a fresh connection and answers it with `BIG` bytes the client never reads.
async fn stuck_reply(
    listener: &wws_listener::Listener,
    addr: std::net::SocketAddr,
) -> (wws_listener::ReplyChannel, RawClient) {
    let mut client = RawClient::connect(addr).await;
    client
        .send(&soap11_request(
            "/",
            "urn:test/Big",
            "<t:Big xmlns:t=\"urn:test\"/>",
        ))
        .await;
    let exchange = listener.accept_channel().await.expect("accept");
    exchange.receive().await.expect("receive");
    exchange
        .reply_http(
            StatusCode::OK,
            Some("application/octet-stream"),
            Bytes::from(vec![b'x'; BIG]),
            HeaderMap::new(),
        )
        .await
        .expect("handed over");
    (exchange, client)
}

#[tokio::test(start_paused = true)]
async fn a_response_nobody_reads_is_dropped_after_the_send_timeout() {
    let (listener, addr) = open_listener({
        let mut props = no_timeouts();
        props.send_timeout = Some(LIMIT);
        props.max_connections = 1;
        props
    })
    .await;
    let start = Instant::now();
    let (exchange, _client) = stuck_reply(&listener, addr).await;
    tokio::time::timeout(LIMIT * 3, exchange.disconnected())
        .await
        .expect("the connection was dropped");
    let elapsed = start.elapsed();
    assert!(
        elapsed >= LIMIT && elapsed < LIMIT + Duration::from_secs(1),
        "dropped after {elapsed:?}"
    );
    // Its slot is free: the next client is served.
    let mut next = RawClient::connect(addr).await;
    next.send(&soap11_request(
        "/",
        "urn:test/Next",
        "<t:A xmlns:t=\"urn:test\"/>",
    ))
    .await;
    let exchange = tokio::time::timeout(LIMIT, listener.accept_channel())
        .await
        .expect("the slot was freed")
        .expect("accept");
    exchange.close().await.expect("ack");
    assert_eq!(next.response().await.expect("ack").status, 202);
}

#[tokio::test(start_paused = true)]
async fn without_a_send_timeout_the_response_waits() {
    let (listener, addr) = open_listener(no_timeouts()).await;
    let (exchange, _client) = stuck_reply(&listener, addr).await;
    let waited = tokio::time::timeout(Duration::from_secs(1800), exchange.disconnected()).await;
    assert!(
        waited.is_err(),
        "the connection was dropped without a send timeout"
    );
}
