//! `body_read_timeout`: a client that trickles or stalls its request body
//! makes `receive` fail with `TimedOut`, and its connection is closed.

use std::time::Duration;

use crate::common::*;
use tokio::io::AsyncWriteExt;
use tokio::time::Instant;
use wws_channel::ChannelState;
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
        // One byte a second, far fewer than announced; stops when the server closes.
        for _ in 0..100 {
            tokio::time::sleep(Duration::from_secs(1)).await;
            if client.stream.write_all(b" ").await.is_err() {
                break;
            }
        }
        client.closed_by_server(LIMIT * 3).await;
    });
    let start = Instant::now();
    match exchange.receive().await {
        Err(Error::TimedOut { what, after }) => {
            assert_eq!((what, after), ("receive request body", LIMIT));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(start.elapsed(), LIMIT);
    assert_eq!(exchange.state(), ChannelState::Faulted);
    trickle.await.expect("the client saw its connection closed");
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
