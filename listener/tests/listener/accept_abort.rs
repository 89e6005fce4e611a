//! Listener abort: pending accepts end with `Aborted` at once, later accepts
//! fail with `ObjectFaulted`, the listening socket is closed, and channels
//! already accepted are not touched.

use std::time::{Duration, Instant};

use crate::common::*;
use wws_channel::ChannelState;
use wws_core::{EnvelopeVersion, Error};
use wws_listener::ListenerState;

#[tokio::test]
async fn abort_ends_waiting_accepts_at_once() {
    let (listener, addr) = open_listener(no_timeouts()).await;
    let waiting: Vec<_> = (0..3)
        .map(|_| {
            let listener = listener.clone();
            tokio::spawn(async move { listener.accept_channel().await })
        })
        .collect();
    let mut first = Box::pin(listener.accept_channel());
    assert!(
        poll_once(&mut first).await.is_none(),
        "nothing to accept yet"
    );

    let start = Instant::now();
    listener.abort();
    let result = first.await;
    assert!(is_listener_aborted(&result), "{result:?}");
    assert!(
        start.elapsed() < Duration::from_millis(50),
        "accept ended {:?} after abort",
        start.elapsed()
    );
    for w in waiting {
        let r = w.await.expect("task");
        // A spawned accept either waited (Aborted) or started after the abort (ObjectFaulted).
        assert!(
            is_listener_aborted(&r)
                || matches!(r, Err(Error::ObjectFaulted { object: "Listener" })),
            "{r:?}"
        );
    }
    assert!(start.elapsed() < Duration::from_millis(50));
    assert_eq!(listener.state(), ListenerState::Faulted);
    assert!(matches!(
        listener.accept_channel().await,
        Err(Error::ObjectFaulted { object: "Listener" })
    ));
    assert_port_closed(addr).await;
    // Abort again, then close: Faulted → Closed.
    listener.abort();
    assert_eq!(listener.state(), ListenerState::Faulted);
    listener.close().await.expect("close after abort");
    assert_eq!(listener.state(), ListenerState::Closed);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn abort_leaves_accepted_channels_alone() {
    let (listener, addr) = open_listener(no_timeouts()).await;
    let mut client = RawClient::connect(addr).await;
    client
        .send(&soap11_request(
            "/svc",
            "urn:test/Echo",
            "<t:Echo xmlns:t=\"urn:test\"/>",
        ))
        .await;
    let exchange = listener.accept_channel().await.expect("accept");

    listener.abort();
    assert_eq!(listener.state(), ListenerState::Faulted);
    assert!(matches!(
        listener.accept_channel().await,
        Err(Error::ObjectFaulted { .. })
    ));

    // The accepted exchange goes on: receive and reply reach the client.
    assert_eq!(exchange.state(), ChannelState::Open);
    let request = exchange
        .receive()
        .await
        .expect("receive after listener abort");
    assert_eq!(request.action.as_deref(), Some("urn:test/Echo"));
    exchange
        .reply(reply_message(
            EnvelopeVersion::Soap11,
            "<t:EchoResponse xmlns:t=\"urn:test\"/>",
        ))
        .await
        .expect("reply after listener abort");
    let response = client.response().await.expect("the client got the reply");
    assert_eq!(response.status, 200);
    assert!(response.text().contains("EchoResponse"));
    // Then the connection closes: the listener is gone.
    client.closed_by_server(Duration::from_secs(10)).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn abort_closes_idle_connections_and_unaccepted_exchanges() {
    let (listener, addr) = open_listener(no_timeouts()).await;
    let mut idle = RawClient::connect(addr).await;
    let mut pending = RawClient::connect(addr).await;
    pending
        .send(&soap11_request(
            "/svc",
            "urn:test/Echo",
            "<t:Echo xmlns:t=\"urn:test\"/>",
        ))
        .await;
    listener.abort();
    // Whether or not the connections had been taken from the backlog yet,
    // both see their connection closed, and the request gets no response.
    idle.closed_by_server(Duration::from_secs(10)).await;
    let got = pending.closed_by_server(Duration::from_secs(10)).await;
    assert!(
        got.is_empty(),
        "no response expected: {}",
        String::from_utf8_lossy(&got)
    );
}
