//! A server that trickles a chunked reply for ever, each chunk under the
//! quota, is cut off by `receive_timeout` — a limit on the whole body, not
//! on each read. Virtual time.

use std::time::Duration;

use crate::common::*;
use tokio::io::AsyncWriteExt;
use tokio::time::Instant;
use wws_channel::{Channel, ChannelState};
use wws_core::{EnvelopeVersion, Error};

const LIMIT: Duration = Duration::from_secs(10);

#[tokio::test(start_paused = true)]
async fn an_endless_trickle_times_out_at_the_limit() {
    let (listener, addr) = raw_listener().await;
    let server = tokio::spawn(async move {
        let (mut stream, _) = listener.accept().await.expect("accept");
        read_request(&mut stream).await.expect("request");
        stream
            .write_all(
                b"HTTP/1.1 200 OK\r\ncontent-type: text/xml\r\ntransfer-encoding: chunked\r\n\r\n",
            )
            .await
            .expect("head");
        // A chunk of one byte every 100 ms, far more often than any per-read limit.
        for _ in 0..100_000 {
            if stream.write_all(b"1\r\n \r\n").await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("the client never hung up");
    });
    let channel = Channel::with_properties({
        let mut props = no_timeouts();
        props.receive_response_timeout = Some(LIMIT);
        props.receive_timeout = Some(LIMIT);
        props
    })
    .expect("valid properties");
    channel.open(&url(addr, "/")).await.expect("open");
    let start = Instant::now();
    match channel.request(echo(EnvelopeVersion::Soap11, "x")).await {
        Err(Error::TimedOut { what, after }) => assert_eq!((what, after), ("receive", LIMIT)),
        other => panic!("{other:?}"),
    }
    let elapsed = start.elapsed();
    assert!(
        elapsed >= LIMIT && elapsed < LIMIT + Duration::from_secs(1),
        "{elapsed:?}"
    );
    assert_eq!(channel.state(), ChannelState::Faulted);
    server.await.expect("the server saw the connection closed");
}
