//! HTTP/1.0 clients: served, answered in HTTP/1.0 terms, and their
//! connection closed after the answer unless they asked for keep-alive.

use std::time::Duration;

use crate::common::*;

fn request10(extra: &str) -> Vec<u8> {
    let body = envelope11("<t:A xmlns:t=\"urn:test\"/>");
    format!(
        "POST / HTTP/1.0\r\nhost: t\r\ncontent-type: text/xml\r\nsoapaction: \"urn:test/A\"\r\n{extra}content-length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

async fn answer_one(listener: &wws_listener::Listener) {
    let exchange = listener.accept_channel().await.expect("accept");
    assert_eq!(exchange.soap_action(), Some("urn:test/A"));
    exchange.receive().await.expect("receive");
    exchange
        .reply_http(
            http::StatusCode::OK,
            Some("text/plain"),
            bytes::Bytes::from_static(b"fine"),
            http::HeaderMap::new(),
        )
        .await
        .expect("reply");
}

#[tokio::test]
async fn an_http10_request_is_answered_and_the_connection_closed() {
    let (listener, addr) = open_listener(no_timeouts()).await;
    let mut client = RawClient::connect(addr).await;
    client.send(&request10("")).await;
    answer_one(&listener).await;
    let got = client.closed_by_server(Duration::from_secs(20)).await;
    let text = String::from_utf8_lossy(&got);
    assert!(text.starts_with("HTTP/1.0 200"), "{text}");
    assert!(text.ends_with("fine"), "{text}");
}

#[tokio::test]
async fn an_http10_keep_alive_client_keeps_its_connection() {
    let (listener, addr) = open_listener(no_timeouts()).await;
    let mut client = RawClient::connect(addr).await;
    for _ in 0..2 {
        client.send(&request10("connection: keep-alive\r\n")).await;
        answer_one(&listener).await;
        let response = client
            .response()
            .await
            .expect("answer on the same connection");
        assert!(
            response.head.starts_with("HTTP/1.0 200"),
            "{}",
            response.head
        );
        assert_eq!(response.text(), "fine");
    }
}
