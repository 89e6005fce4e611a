//! Abort in every state, twice, and concurrently: the resulting state and the
//! errors of later operations follow DESIGN.md §2.

use std::sync::Arc;
use std::time::Duration;

use crate::common::*;
use wws_channel::{Channel, ChannelState};
use wws_core::{EnvelopeVersion, Error};

const REPLY: &str = "<t:R xmlns:t=\"urn:test\"/>";

fn ok_reply() -> Vec<u8> {
    response(
        "200 OK",
        &[("content-type", "text/xml")],
        &envelope11(REPLY),
    )
}

#[tokio::test]
async fn abort_in_created_changes_nothing() {
    let channel = Channel::with_properties(no_timeouts()).expect("valid properties");
    channel.abort();
    channel.abort();
    assert_eq!(channel.state(), ChannelState::Created);
    // The abort does not poison the next open.
    let (addr, server) = canned_server(vec![ok_reply()]).await;
    channel
        .open(&url(addr, "/"))
        .await
        .expect("open after abort in Created");
    channel
        .request(echo(EnvelopeVersion::Soap11, "x"))
        .await
        .expect("request");
    server.await.expect("server");
}

#[tokio::test]
async fn abort_when_open_faults_and_closes_the_socket() {
    let (listener, addr) = raw_listener().await;
    let channel = Channel::with_properties(no_timeouts()).expect("valid properties");
    channel.open(&url(addr, "/")).await.expect("open");
    let (mut server_side, _) = listener.accept().await.expect("accept");
    channel.abort();
    assert_eq!(channel.state(), ChannelState::Faulted);
    await_peer_close(&mut server_side, Duration::from_secs(10)).await;

    // Faulted: I/O fails with ObjectFaulted, open and reset are invalid.
    assert!(matches!(
        channel.request(echo(EnvelopeVersion::Soap11, "x")).await,
        Err(Error::ObjectFaulted { object: "Channel" })
    ));
    assert!(matches!(
        channel.send(echo(EnvelopeVersion::Soap11, "x")).await,
        Err(Error::ObjectFaulted { object: "Channel" })
    ));
    assert!(matches!(
        channel.open(&url(addr, "/")).await,
        Err(Error::InvalidOperation {
            object: "Channel",
            state: "Faulted",
            operation: "open"
        })
    ));
    assert!(matches!(
        channel.reset(),
        Err(Error::InvalidOperation {
            object: "Channel",
            state: "Faulted",
            operation: "reset"
        })
    ));
    // Abort again: still Faulted.
    channel.abort();
    assert_eq!(channel.state(), ChannelState::Faulted);
    channel.close().await.expect("close");
    assert_eq!(channel.state(), ChannelState::Closed);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn abort_while_closing_finishes_the_close() {
    let (addr, got_request, server_saw_close) = stalled_server().await;
    let channel = Channel::with_properties(no_timeouts()).expect("valid properties");
    channel.open(&url(addr, "/")).await.expect("open");
    let request = {
        let channel = channel.clone();
        tokio::spawn(async move {
            channel
                .request(echo(EnvelopeVersion::Soap11, "stall"))
                .await
        })
    };
    got_request.await.expect("request on the wire");
    // Close waits for the stalled request (I/O already started).
    let mut close = Box::pin(channel.close());
    assert!(
        poll_once(&mut close).await.is_none(),
        "close must wait for the request"
    );
    assert_eq!(channel.state(), ChannelState::Closing);

    channel.abort();
    assert_eq!(channel.state(), ChannelState::Closed);
    assert!(is_channel_aborted(&close.await));
    assert!(is_channel_aborted(&request.await.expect("task")));
    tokio::time::timeout(Duration::from_secs(10), server_saw_close)
        .await
        .expect("the server saw its connection closed")
        .expect("server task");
    // Closed: abort changes nothing, reset works.
    channel.abort();
    assert_eq!(channel.state(), ChannelState::Closed);
    channel.reset().expect("reset");
    assert_eq!(channel.state(), ChannelState::Created);
}

#[tokio::test]
async fn graceful_close_waits_for_the_request_in_flight() {
    let (listener, addr) = raw_listener().await;
    let (release_tx, release_rx) = tokio::sync::oneshot::channel::<()>();
    let (got_tx, got_rx) = tokio::sync::oneshot::channel();
    let server = tokio::spawn(async move {
        let (mut stream, _) = listener.accept().await.expect("accept");
        read_request(&mut stream).await.expect("request");
        let _ = got_tx.send(());
        release_rx.await.expect("release");
        let body = envelope11(REPLY);
        write_response(
            &mut stream,
            "200 OK",
            &[("content-type", "text/xml")],
            body.as_bytes(),
        )
        .await;
        await_peer_close(&mut stream, Duration::from_secs(10)).await;
    });
    let channel = Channel::with_properties(no_timeouts()).expect("valid properties");
    channel.open(&url(addr, "/")).await.expect("open");
    let request = {
        let channel = channel.clone();
        tokio::spawn(async move { channel.request(echo(EnvelopeVersion::Soap11, "x")).await })
    };
    got_rx.await.expect("request on the wire");
    let mut close = Box::pin(channel.close());
    assert!(poll_once(&mut close).await.is_none());
    assert_eq!(channel.state(), ChannelState::Closing);
    // A new request during the close is refused.
    assert!(matches!(
        channel.request(echo(EnvelopeVersion::Soap11, "y")).await,
        Err(Error::InvalidOperation {
            state: "Closing",
            ..
        })
    ));
    release_tx.send(()).expect("release");
    close.await.expect("close");
    request
        .await
        .expect("task")
        .expect("the request in flight completed");
    assert_eq!(channel.state(), ChannelState::Closed);
    // The server saw the connection closed by the close.
    server.await.expect("server");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_aborts_are_one_abort() {
    let (addr, got_request, server_saw_close) = stalled_server().await;
    let channel = Channel::with_properties(no_timeouts()).expect("valid properties");
    channel.open(&url(addr, "/")).await.expect("open");
    let request = {
        let channel = channel.clone();
        tokio::spawn(async move {
            channel
                .request(echo(EnvelopeVersion::Soap11, "stall"))
                .await
        })
    };
    got_request.await.expect("request on the wire");
    let barrier = Arc::new(tokio::sync::Barrier::new(8));
    let aborters: Vec<_> = (0..8)
        .map(|_| {
            let channel = channel.clone();
            let barrier = barrier.clone();
            tokio::spawn(async move {
                barrier.wait().await;
                channel.abort();
                channel.abort();
            })
        })
        .collect();
    for a in aborters {
        a.await.expect("aborter");
    }
    assert!(is_channel_aborted(&request.await.expect("task")));
    assert_eq!(channel.state(), ChannelState::Faulted);
    tokio::time::timeout(Duration::from_secs(10), server_saw_close)
        .await
        .expect("the server saw its connection closed")
        .expect("server task");
}

#[test]
fn abort_from_a_plain_thread_without_a_runtime() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime");
    let (channel, request, got) = rt.block_on(async {
        let (addr, got_request, _closed) = stalled_server().await;
        let channel = Channel::with_properties(no_timeouts()).expect("valid properties");
        channel.open(&url(addr, "/")).await.expect("open");
        let c = channel.clone();
        let request =
            tokio::spawn(async move { c.request(echo(EnvelopeVersion::Soap11, "x")).await });
        (channel, request, got_request)
    });
    rt.block_on(got).expect("request on the wire");
    let aborter = {
        let channel = channel.clone();
        std::thread::spawn(move || channel.abort())
    };
    aborter.join().expect("abort thread");
    let result = rt.block_on(request).expect("task");
    assert!(is_channel_aborted(&result), "{result:?}");
    assert_eq!(channel.state(), ChannelState::Faulted);
}
