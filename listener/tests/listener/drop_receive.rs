//! Dropping a `receive` future half-way discards the request body (it can
//! no longer be received), but the exchange can still answer, after which
//! the connection is closed, gracefully, since the body was never read whole.

use std::time::Duration;

use crate::common::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use wws_core::Error;

#[tokio::test]
async fn an_exchange_whose_receive_was_dropped_can_still_answer() {
    let (listener, addr) = open_listener(no_timeouts()).await;
    let mut client = RawClient::connect(addr).await;
    client
        .send(b"POST / HTTP/1.1\r\nhost: t\r\ncontent-type: text/xml\r\ncontent-length: 100\r\n\r\n<s:En")
        .await;
    let exchange = listener.accept_channel().await.expect("accept");
    {
        let mut receive = Box::pin(exchange.receive());
        assert!(poll_once(&mut receive).await.is_none());
    }
    assert!(matches!(
        exchange.receive().await,
        Err(Error::InvalidOperation { .. })
    ));
    exchange
        .reply_http(
            http::StatusCode::BAD_REQUEST,
            Some("text/plain"),
            bytes::Bytes::from_static(b"gave up"),
            http::HeaderMap::new(),
        )
        .await
        .expect("answer");
    // The rest of the body still arrives; then a clean close, not a reset.
    client
        .stream
        .write_all(&[b' '; 95])
        .await
        .expect("rest of the body");
    client.stream.shutdown().await.expect("half-close");
    let mut got = Vec::new();
    tokio::time::timeout(Duration::from_secs(20), client.stream.read_to_end(&mut got))
        .await
        .expect("closed in time")
        .expect("a clean close");
    let text = String::from_utf8_lossy(&got);
    assert!(text.starts_with("HTTP/1.1 400"), "{text}");
    assert!(text.ends_with("gave up"), "{text}");
}
