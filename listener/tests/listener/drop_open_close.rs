//! Dropping a listener's `close` future half-way finishes the close (the
//! listener is `Closed` and its port is no longer open), and dropping an
//! `accept_channel` future loses no exchange: the next accept gets it.

use std::time::Duration;

use crate::common::*;
use wws_listener::ListenerState;

#[tokio::test]
async fn a_dropped_close_finishes_it() {
    let (listener, addr) = open_listener(no_timeouts()).await;
    {
        let mut close = Box::pin(listener.close());
        if poll_once(&mut close).await.is_none() {
            assert_eq!(listener.state(), ListenerState::Closing);
        }
    }
    assert_eq!(listener.state(), ListenerState::Closed);
    tokio::time::timeout(Duration::from_secs(10), assert_port_closed(addr))
        .await
        .expect("the port was closed");
    listener.reset().expect("reset");
}

#[tokio::test]
async fn a_dropped_accept_loses_no_exchange() {
    let (listener, addr) = open_listener(no_timeouts()).await;
    {
        let mut accept = Box::pin(listener.accept_channel());
        assert!(poll_once(&mut accept).await.is_none());
    }
    let mut client = RawClient::connect(addr).await;
    client
        .send(&soap11_request(
            "/",
            "urn:test/A",
            "<t:A xmlns:t=\"urn:test\"/>",
        ))
        .await;
    {
        // Polled until the exchange is queued, then dropped without taking it.
        let mut accept = Box::pin(listener.accept_channel());
        assert!(poll_once(&mut accept).await.is_none());
    }
    let exchange = tokio::time::timeout(Duration::from_secs(10), listener.accept_channel())
        .await
        .expect("in time")
        .expect("accept");
    assert_eq!(exchange.soap_action(), Some("urn:test/A"));
    exchange.close().await.expect("ack");
    assert_eq!(client.response().await.expect("ack").status, 202);
}
