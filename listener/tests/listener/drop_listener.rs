//! Dropping every handle of an open listener without `close` is an abort:
//! the listening socket is closed and its accept task ends, rather than
//! accepting connections for ever with nobody to hand them to. Exchanges
//! already accepted are left alone.

use std::time::Duration;

use crate::common::*;
use wws_core::EnvelopeVersion;

#[tokio::test]
async fn a_dropped_listener_stops_listening() {
    let (listener, addr) = open_listener(no_timeouts()).await;
    drop(listener);
    tokio::time::timeout(Duration::from_secs(10), assert_port_closed(addr))
        .await
        .expect("the port was closed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_accepted_exchange_outlives_its_dropped_listener() {
    let (listener, addr) = open_listener(no_timeouts()).await;
    let mut client = RawClient::connect(addr).await;
    client
        .send(&soap11_request(
            "/",
            "urn:test/A",
            "<t:A xmlns:t=\"urn:test\"/>",
        ))
        .await;
    let exchange = listener.accept_channel().await.expect("accept");
    drop(listener);
    tokio::time::timeout(Duration::from_secs(10), assert_port_closed(addr))
        .await
        .expect("the port was closed");
    exchange.receive().await.expect("receive");
    exchange
        .reply(reply_message(
            EnvelopeVersion::Soap11,
            "<t:AResponse xmlns:t=\"urn:test\"/>",
        ))
        .await
        .expect("reply");
    assert_eq!(client.response().await.expect("reply").status, 200);
}
