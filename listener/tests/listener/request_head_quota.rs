//! A request head larger than `MAX_REQUEST_HEAD_SIZE` (64 KiB), or with
//! more than 100 header lines, is answered 431 and the connection closed
//! while the head streams in: a client cannot make the listener buffer an
//! endless header. No exchange is handed out for it.

use std::time::Duration;

use crate::common::*;
use tokio::io::AsyncWriteExt;
use wws_listener::MAX_REQUEST_HEAD_SIZE;

const BOUND: Duration = Duration::from_secs(20);

/// The exchange that arrives next is the one named `urn:test/Next`: nothing was queued before it.
async fn assert_next_exchange_is_the_good_one(
    listener: &wws_listener::Listener,
    addr: std::net::SocketAddr,
) {
    let mut good = RawClient::connect(addr).await;
    good.send(&soap11_request(
        "/",
        "urn:test/Next",
        "<t:A xmlns:t=\"urn:test\"/>",
    ))
    .await;
    let exchange = tokio::time::timeout(BOUND, listener.accept_channel())
        .await
        .expect("accept in time")
        .expect("accept");
    assert_eq!(exchange.soap_action(), Some("urn:test/Next"));
    exchange.close().await.expect("ack");
    assert_eq!(good.response().await.expect("ack").status, 202);
}

#[tokio::test]
async fn a_head_over_the_limit_gets_431() {
    let (listener, addr) = open_listener(no_timeouts()).await;
    let mut client = RawClient::connect(addr).await;
    let padding = "a".repeat(MAX_REQUEST_HEAD_SIZE + 1024);
    client
        .send(
            format!(
                "POST / HTTP/1.1\r\nhost: t\r\nx-padding: {padding}\r\ncontent-length: 0\r\n\r\n"
            )
            .as_bytes(),
        )
        .await;
    let got = client.closed_by_server(BOUND).await;
    let text = String::from_utf8_lossy(&got);
    assert!(text.starts_with("HTTP/1.1 431"), "{text}");
    assert_next_exchange_is_the_good_one(&listener, addr).await;
}

#[tokio::test]
async fn an_endless_head_is_cut_off() {
    let (listener, addr) = open_listener(no_timeouts()).await;
    let stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let (mut read, mut write) = stream.into_split();
    let writer = tokio::spawn(async move {
        write
            .write_all(b"POST / HTTP/1.1\r\nhost: t\r\n")
            .await
            .expect("request line");
        let line = format!("x-more: {}\r\n", "b".repeat(1000));
        let mut sent = 0usize;
        // Bounded: stops when the server closes, or fails the test after 64 MiB.
        for _ in 0..64 * 1024 {
            if write.write_all(line.as_bytes()).await.is_err() {
                return sent;
            }
            sent += line.len();
        }
        panic!("the server read {sent} bytes of head");
    });
    let mut got = Vec::new();
    tokio::time::timeout(
        BOUND,
        tokio::io::AsyncReadExt::read_to_end(&mut read, &mut got),
    )
    .await
    .expect("closed in time")
    .ok();
    let text = String::from_utf8_lossy(&got);
    assert!(got.is_empty() || text.starts_with("HTTP/1.1 431"), "{text}");
    tokio::time::timeout(BOUND, writer)
        .await
        .expect("writer stopped")
        .expect("writer task");
    assert_next_exchange_is_the_good_one(&listener, addr).await;
}

#[tokio::test]
async fn too_many_header_lines_get_431() {
    let (listener, addr) = open_listener(no_timeouts()).await;
    let mut client = RawClient::connect(addr).await;
    let mut head = String::from("POST / HTTP/1.1\r\nhost: t\r\ncontent-length: 0\r\n");
    for i in 0..200 {
        head.push_str(&format!("x-h{i}: v\r\n"));
    }
    head.push_str("\r\n");
    client.send(head.as_bytes()).await;
    let got = client.closed_by_server(BOUND).await;
    let text = String::from_utf8_lossy(&got);
    assert!(text.starts_with("HTTP/1.1 431"), "{text}");
    assert_next_exchange_is_the_good_one(&listener, addr).await;
}

#[tokio::test]
async fn a_head_just_under_the_limit_is_served() {
    let (listener, addr) = open_listener(no_timeouts()).await;
    let mut client = RawClient::connect(addr).await;
    let padding = "a".repeat(MAX_REQUEST_HEAD_SIZE - 1024);
    let body = envelope11("<t:A xmlns:t=\"urn:test\"/>");
    client
        .send(
            format!(
                "POST / HTTP/1.1\r\nhost: t\r\ncontent-type: text/xml\r\nx-padding: {padding}\r\ncontent-length: {}\r\n\r\n{body}",
                body.len()
            )
            .as_bytes(),
        )
        .await;
    let exchange = tokio::time::timeout(BOUND, listener.accept_channel())
        .await
        .expect("accept in time")
        .expect("accept");
    exchange.receive().await.expect("receive");
    exchange.close().await.expect("ack");
    assert_eq!(client.response().await.expect("ack").status, 202);
}
