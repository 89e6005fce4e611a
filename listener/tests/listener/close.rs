//! `close`: stops accepting, ends pending accepts with `Aborted`, answers
//! exchanges nobody accepted with 503, closes idle connections, lets
//! accepted exchanges finish; `reset` then `open` again.

use std::time::Duration;

use crate::common::*;
use wws_core::{EnvelopeVersion, Error};
use wws_listener::ListenerState;

#[tokio::test]
async fn close_ends_pending_accepts_and_later_ones_are_invalid() {
    let (listener, addr) = open_listener(no_timeouts()).await;
    let mut pending = Box::pin(listener.accept_channel());
    assert!(poll_once(&mut pending).await.is_none());
    listener.close().await.expect("close");
    assert_eq!(listener.state(), ListenerState::Closed);
    assert!(is_listener_aborted(&pending.await));
    assert!(matches!(
        listener.accept_channel().await,
        Err(Error::InvalidOperation {
            object: "Listener",
            state: "Closed",
            operation: "accept_channel"
        })
    ));
    // The listening socket is closed when close returns.
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
    listener.close().await.expect("close twice");
    listener.abort();
    assert_eq!(listener.state(), ListenerState::Closed);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn accepted_exchanges_finish_and_idle_connections_close() {
    let (listener, addr) = open_listener(no_timeouts()).await;
    let mut busy = RawClient::connect(addr).await;
    busy.send(&soap11_request(
        "/",
        "urn:test/Echo",
        "<t:Echo xmlns:t=\"urn:test\"/>",
    ))
    .await;
    let exchange = listener.accept_channel().await.expect("accept");

    // A keep-alive connection that finished an exchange and now idles.
    let mut idle = RawClient::connect(addr).await;
    idle.send(&soap11_request(
        "/",
        "urn:test/Ping",
        "<t:Ping xmlns:t=\"urn:test\"/>",
    ))
    .await;
    let ping = listener.accept_channel().await.expect("accept ping");
    ping.close().await.expect("ack");
    assert_eq!(idle.response().await.expect("ack").status, 202);

    listener.close().await.expect("close");
    idle.closed_by_server(Duration::from_secs(10)).await;

    exchange.receive().await.expect("receive after close");
    exchange
        .reply(reply_message(
            EnvelopeVersion::Soap11,
            "<t:EchoResponse xmlns:t=\"urn:test\"/>",
        ))
        .await
        .expect("reply after close");
    let response = busy.response().await.expect("reply reaches the client");
    assert_eq!(response.status, 200);
    busy.closed_by_server(Duration::from_secs(10)).await;
}

#[tokio::test]
async fn reset_after_close_and_open_again() {
    let (listener, first) = open_listener(no_timeouts()).await;
    listener.close().await.expect("close");
    listener.reset().expect("reset");
    assert_eq!(listener.state(), ListenerState::Created);
    assert_eq!(listener.local_addr(), None);
    // The same port can be bound again.
    listener.open(first).await.expect("reopen on the same port");
    assert_eq!(listener.local_addr(), Some(first));
    let mut client = RawClient::connect(first).await;
    client
        .send(&soap11_request(
            "/",
            "urn:test/A",
            "<t:A xmlns:t=\"urn:test\"/>",
        ))
        .await;
    let exchange = listener
        .accept_channel()
        .await
        .expect("accept after reopen");
    exchange.close().await.expect("ack");
    assert_eq!(client.response().await.expect("ack").status, 202);
}

#[tokio::test]
async fn wrong_states() {
    let listener =
        wws_listener::Listener::with_properties(no_timeouts()).expect("valid properties");
    assert!(matches!(
        listener.accept_channel().await,
        Err(Error::InvalidOperation {
            object: "Listener",
            state: "Created",
            operation: "accept_channel"
        })
    ));
    listener.abort();
    assert_eq!(
        listener.state(),
        ListenerState::Created,
        "abort in Created changes nothing"
    );
    listener
        .open("127.0.0.1:0".parse().expect("addr"))
        .await
        .expect("open after abort in Created");
    assert!(matches!(
        listener.open("127.0.0.1:0".parse().expect("addr")).await,
        Err(Error::InvalidOperation {
            object: "Listener",
            state: "Open",
            operation: "open"
        })
    ));
    assert!(matches!(
        listener.reset(),
        Err(Error::InvalidOperation {
            object: "Listener",
            state: "Open",
            operation: "reset"
        })
    ));
}

#[tokio::test]
async fn abort_while_closing_finishes_the_close() {
    let (listener, _addr) = open_listener(no_timeouts()).await;
    let mut close = Box::pin(listener.close());
    // On this one thread the accept loop has not yet seen the stop: close waits for it.
    assert!(poll_once(&mut close).await.is_none());
    assert_eq!(listener.state(), ListenerState::Closing);
    listener.abort();
    listener.abort();
    assert_eq!(listener.state(), ListenerState::Closed);
    assert!(is_listener_aborted(&close.await));
    listener.reset().expect("reset");
    assert_eq!(listener.state(), ListenerState::Created);
}
