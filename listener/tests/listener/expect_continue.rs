//! `Expect: 100-continue`: the listener says "continue" only when the body
//! is wanted (`receive`), so a body announced over the quota is refused
//! with the final answer before the client sends a byte of it.

use std::time::Duration;

use crate::common::*;
use tokio::io::AsyncReadExt;
use wws_core::{Error, ReaderQuotas};

const BOUND: Duration = Duration::from_secs(20);

/// Reads what the server sent until `needle` appears (bounded).
async fn read_until(client: &mut RawClient, needle: &[u8]) -> Vec<u8> {
    let mut got = Vec::new();
    let mut chunk = [0u8; 4096];
    tokio::time::timeout(BOUND, async {
        // Bounded by the timeout; each turn consumes bytes or ends.
        while !got.windows(needle.len()).any(|w| w == needle) {
            match client.stream.read(&mut chunk).await {
                Ok(0) | Err(_) => panic!("closed before {needle:?}: {got:?}"),
                Ok(n) => got.extend_from_slice(&chunk[..n]),
            }
        }
    })
    .await
    .expect("in time");
    got
}

#[tokio::test]
async fn continue_is_sent_when_the_body_is_received() {
    let (listener, addr) = open_listener(no_timeouts()).await;
    let mut client = RawClient::connect(addr).await;
    let body = envelope11("<t:A xmlns:t=\"urn:test\"/>");
    client
        .send(
            format!(
                "POST / HTTP/1.1\r\nhost: t\r\ncontent-type: text/xml\r\nexpect: 100-continue\r\ncontent-length: {}\r\n\r\n",
                body.len()
            )
            .as_bytes(),
        )
        .await;
    let exchange = listener.accept_channel().await.expect("accept");
    let receive = tokio::spawn({
        let exchange = exchange.clone();
        async move { exchange.receive().await }
    });
    let got = read_until(&mut client, b"\r\n\r\n").await;
    assert!(got.starts_with(b"HTTP/1.1 100 Continue\r\n"), "{got:?}");
    client.send(body.as_bytes()).await;
    receive.await.expect("task").expect("received");
    exchange.close().await.expect("ack");
    assert_eq!(client.response().await.expect("ack").status, 202);
}

#[tokio::test]
async fn an_announced_body_over_the_quota_gets_no_continue() {
    let (listener, addr) = open_listener({
        let mut props = no_timeouts();
        props.quotas = {
            let mut props = ReaderQuotas::default();
            props.max_message_size = 1024;
            props
        };
        props
    })
    .await;
    let mut client = RawClient::connect(addr).await;
    client
        .send(b"POST / HTTP/1.1\r\nhost: t\r\ncontent-type: text/xml\r\nexpect: 100-continue\r\ncontent-length: 1048576\r\n\r\n")
        .await;
    let exchange = listener.accept_channel().await.expect("accept");
    assert!(matches!(
        exchange.receive().await,
        Err(Error::QuotaExceeded { limit: 1024, .. })
    ));
    exchange
        .reply_http(
            http::StatusCode::PAYLOAD_TOO_LARGE,
            None,
            bytes::Bytes::new(),
            http::HeaderMap::new(),
        )
        .await
        .expect("answer");
    // The first thing the client sees is the final answer, then the close.
    let got = client.closed_by_server(BOUND).await;
    let text = String::from_utf8_lossy(&got);
    assert!(text.starts_with("HTTP/1.1 413"), "{text}");
    assert!(!text.contains("100 Continue"), "{text}");
}
