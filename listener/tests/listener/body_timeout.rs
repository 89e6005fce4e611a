//! `body_read_timeout`: a client that trickles or stalls its request body
//! makes `receive` fail with `TimedOut`; the client is answered 408 and its
//! connection closed.

use std::time::Duration;

use crate::common::*;
use tokio::io::AsyncWriteExt;
use tokio::time::Instant;
use wws_core::Error;

const LIMIT: Duration = Duration::from_secs(10);

#[tokio::test(start_paused = true)]
async fn a_trickled_body_times_out() {
    let (listener, addr) = open_listener({
        let mut props = no_timeouts();
        props.body_read_timeout = Some(LIMIT);
        props
    })
    .await;
    let mut client = RawClient::connect(addr).await;
    client
        .send(b"POST / HTTP/1.1\r\nhost: t\r\ncontent-type: text/xml\r\ncontent-length: 1000\r\n\r\n<s:Env")
        .await;
    let exchange = listener.accept_channel().await.expect("accept");
    let trickle = tokio::spawn(async move {
        // One byte a second for a while, far fewer than announced, then silence.
        for _ in 0..5 {
            tokio::time::sleep(Duration::from_secs(1)).await;
            if client.stream.write_all(b" ").await.is_err() {
                break;
            }
        }
        String::from_utf8_lossy(&client.closed_by_server(LIMIT * 3).await).into_owned()
    });
    let start = Instant::now();
    match exchange.receive().await {
        Err(Error::TimedOut { what, after }) => {
            assert_eq!((what, after), ("receive request body", LIMIT));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(start.elapsed(), LIMIT);
    // Answered already: nothing else can be sent.
    let again = exchange
        .reply_http(
            http::StatusCode::OK,
            None,
            bytes::Bytes::new(),
            http::HeaderMap::new(),
        )
        .await;
    assert!(
        matches!(again, Err(Error::InvalidOperation { .. })),
        "{again:?}"
    );
    let answer = trickle.await.expect("the client saw its connection closed");
    assert!(answer.starts_with("HTTP/1.1 408 "), "{answer}");
    assert!(
        answer.to_ascii_lowercase().contains("connection: close"),
        "{answer}"
    );
}

#[tokio::test(start_paused = true)]
async fn no_timeout_waits_as_long_as_it_takes() {
    let (listener, addr) = open_listener(no_timeouts()).await;
    let mut client = RawClient::connect(addr).await;
    client
        .send(b"POST / HTTP/1.1\r\nhost: t\r\ncontent-type: text/xml\r\ncontent-length: 1000\r\n\r\n<s:Env")
        .await;
    let exchange = listener.accept_channel().await.expect("accept");
    let waited = tokio::time::timeout(Duration::from_secs(1800), exchange.receive()).await;
    assert!(waited.is_err(), "receive must still wait: {waited:?}");
}
