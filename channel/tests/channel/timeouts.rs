//! Each timeout of `ChannelProperties` ends its phase with `TimedOut` naming
//! it, closes the connection and faults the channel; `None` is infinite.
//! Virtual time (`start_paused`) makes the limits exact.

use std::time::Duration;

use crate::common::*;
use tokio::io::AsyncWriteExt;
use tokio::time::Instant;
use wws_channel::{Channel, ChannelState};
use wws_core::{EnvelopeVersion, Error};

const LIMIT: Duration = Duration::from_secs(5);
const SHORT: Duration = Duration::from_secs(1);

fn assert_timed_out<T: std::fmt::Debug>(r: wws_core::Result<T>, what: &str, after: Duration) {
    match r {
        Err(Error::TimedOut { what: w, after: a }) => assert_eq!((w, a), (what, after)),
        other => panic!("expected {what} to time out, got {other:?}"),
    }
}

#[tokio::test(start_paused = true)]
async fn connect_timeout() {
    let (hole, _listener, _filler) = black_hole().await;
    let channel = Channel::with_properties({
        let mut props = no_timeouts();
        props.connect_timeout = Some(LIMIT);
        props
    })
    .expect("valid properties");
    let start = Instant::now();
    assert_timed_out(channel.open(&url(hole, "/")).await, "connect", LIMIT);
    assert_eq!(start.elapsed(), LIMIT);
    assert_eq!(channel.state(), ChannelState::Faulted);
}

#[tokio::test(start_paused = true)]
async fn send_timeout_when_the_server_does_not_read() {
    let (listener, addr) = raw_listener().await;
    let (accepted_tx, accepted_rx) = tokio::sync::oneshot::channel();
    tokio::spawn(async move {
        // Accept and hold the socket without reading: the request cannot drain.
        let (stream, _) = listener.accept().await.expect("accept");
        let _ = accepted_tx.send(stream);
    });
    let channel = Channel::with_properties({
        let mut props = no_timeouts();
        props.send_timeout = Some(LIMIT);
        props
    })
    .expect("valid properties");
    channel.open(&url(addr, "/")).await.expect("open");
    let _server_side = accepted_rx.await.expect("accepted");
    // Far more than the socket buffers of both ends hold.
    let big = format!(
        "<t:Big xmlns:t=\"urn:test\">{}</t:Big>",
        "x".repeat(64 << 20)
    );
    let start = Instant::now();
    let result = channel
        .request(message(EnvelopeVersion::Soap11, Some("urn:test/Big"), &big))
        .await;
    assert_timed_out(result, "send", LIMIT);
    assert_eq!(start.elapsed(), LIMIT);
    assert_eq!(channel.state(), ChannelState::Faulted);
}

#[tokio::test(start_paused = true)]
async fn receive_response_timeout_counts_after_the_send() {
    let (addr, got_request, server_saw_close) = stalled_server().await;
    // The send limit is shorter: the request goes out at once, so only the
    // receive-response limit may fire.
    let channel = Channel::with_properties({
        let mut props = no_timeouts();
        props.send_timeout = Some(SHORT);
        props.receive_response_timeout = Some(LIMIT);
        props
    })
    .expect("valid properties");
    channel.open(&url(addr, "/")).await.expect("open");
    let start = Instant::now();
    let result = channel.request(echo(EnvelopeVersion::Soap11, "x")).await;
    assert_timed_out(result, "receive response", LIMIT);
    assert_eq!(start.elapsed(), LIMIT);
    got_request.await.expect("the server got the request");
    server_saw_close.await.expect("the connection was closed");
    assert_eq!(channel.state(), ChannelState::Faulted);
}

#[tokio::test(start_paused = true)]
async fn receive_timeout_on_a_stalled_body() {
    let (listener, addr) = raw_listener().await;
    let (closed_tx, closed_rx) = tokio::sync::oneshot::channel();
    tokio::spawn(async move {
        let (mut stream, _) = listener.accept().await.expect("accept");
        read_request(&mut stream).await.expect("request");
        stream
            .write_all(b"HTTP/1.1 200 OK\r\ncontent-type: text/xml\r\ncontent-length: 1000\r\n\r\n<s:Envelope")
            .await
            .expect("partial reply");
        await_peer_close(&mut stream, Duration::from_secs(3600)).await;
        let _ = closed_tx.send(());
    });
    let channel = Channel::with_properties({
        let mut props = no_timeouts();
        props.receive_response_timeout = Some(SHORT);
        props.receive_timeout = Some(LIMIT);
        props
    })
    .expect("valid properties");
    channel.open(&url(addr, "/")).await.expect("open");
    let start = Instant::now();
    assert_timed_out(
        channel.request(echo(EnvelopeVersion::Soap11, "x")).await,
        "receive",
        LIMIT,
    );
    assert_eq!(start.elapsed(), LIMIT);
    closed_rx.await.expect("the connection was closed");
    assert_eq!(channel.state(), ChannelState::Faulted);
}

#[tokio::test(start_paused = true)]
async fn no_timeouts_means_infinite() {
    let (addr, _got_request, _closed) = stalled_server().await;
    let channel = Channel::with_properties(no_timeouts()).expect("valid properties");
    channel.open(&url(addr, "/")).await.expect("open");
    let long = Duration::from_secs(1800);
    let outer =
        tokio::time::timeout(long, channel.request(echo(EnvelopeVersion::Soap11, "x"))).await;
    assert!(
        outer.is_err(),
        "the request must still be waiting after half an hour: {outer:?}"
    );
    // Dropping the request future abandoned the exchange; the channel stays open.
    assert_eq!(channel.state(), ChannelState::Open);
}
