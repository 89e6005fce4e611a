//! `max_connections`: at the limit a new connection is still accepted; an
//! idle keep-alive connection makes room for it, and when every connection
//! is busy with an exchange the newcomer is answered 503 at once (nobody
//! waits in the kernel's backlog).

use std::time::Duration;

use crate::common::*;

const STEP: Duration = Duration::from_secs(10);

fn one_connection() -> wws_listener::ListenerProperties {
    let mut props = no_timeouts();
    props.max_connections = 1;
    props
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_idle_keep_alive_connection_makes_room_for_a_new_client() {
    let (listener, addr) = open_listener(one_connection()).await;
    let mut first = RawClient::connect(addr).await;
    first
        .send(&soap11_request(
            "/",
            "urn:test/First",
            "<t:A xmlns:t=\"urn:test\"/>",
        ))
        .await;
    let exchange = listener.accept_channel().await.expect("accept first");
    exchange.close().await.expect("ack");
    assert_eq!(first.response().await.expect("ack").status, 202);
    // `first` stays connected (keep-alive), idle, holding the only slot.

    let mut second = RawClient::connect(addr).await;
    second
        .send(&soap11_request(
            "/",
            "urn:test/Second",
            "<t:A xmlns:t=\"urn:test\"/>",
        ))
        .await;
    let exchange = tokio::time::timeout(STEP, listener.accept_channel())
        .await
        .expect("the new client is served at once")
        .expect("accept second");
    assert_eq!(exchange.soap_action(), Some("urn:test/Second"));
    exchange.close().await.expect("ack");
    assert_eq!(second.response().await.expect("ack").status, 202);
    // The idle one was closed to make room.
    assert!(first.closed_by_server(STEP).await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn when_every_connection_is_busy_a_new_one_gets_503_at_once() {
    let (listener, addr) = open_listener(one_connection()).await;
    let mut first = RawClient::connect(addr).await;
    first
        .send(&soap11_request(
            "/",
            "urn:test/First",
            "<t:A xmlns:t=\"urn:test\"/>",
        ))
        .await;
    // Accepted and not answered: the only connection is busy.
    let exchange = listener.accept_channel().await.expect("accept first");

    let mut second = RawClient::connect(addr).await;
    let refused = tokio::time::timeout(STEP, second.response())
        .await
        .expect("answered at once, not left in the backlog")
        .expect("a response");
    assert_eq!(refused.status, 503);
    assert!(second.closed_by_server(STEP).await.is_empty());

    // The busy exchange was not touched.
    exchange.close().await.expect("ack");
    assert_eq!(first.response().await.expect("ack").status, 202);
}
