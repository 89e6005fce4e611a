//! `max_connections`: beyond it the listener takes no more TCP connections
//! until one closes; the waiting client is then served.

use std::time::Duration;

use crate::common::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connection_beyond_the_limit_waits_for_one_to_close() {
    let (listener, addr) = open_listener({
        let mut props = no_timeouts();
        props.max_connections = 1;
        props
    })
    .await;
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
    // `first` stays connected (keep-alive) and holds the only slot.

    let mut second = RawClient::connect(addr).await;
    second
        .send(&soap11_request(
            "/",
            "urn:test/Second",
            "<t:A xmlns:t=\"urn:test\"/>",
        ))
        .await;
    // A bounded look: the second request is not served while the first connection lives.
    let early = tokio::time::timeout(Duration::from_millis(300), listener.accept_channel()).await;
    assert!(early.is_err(), "served beyond max_connections: {early:?}");

    drop(first);
    let exchange = tokio::time::timeout(Duration::from_secs(10), listener.accept_channel())
        .await
        .expect("the second connection is served once the first closed")
        .expect("accept second");
    assert_eq!(exchange.soap_action(), Some("urn:test/Second"));
    exchange.close().await.expect("ack");
    assert_eq!(second.response().await.expect("ack").status, 202);
}
