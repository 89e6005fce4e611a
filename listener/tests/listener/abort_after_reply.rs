//! Aborting an exchange after it was answered must not touch the exchange
//! that follows it on the same keep-alive connection: that one was
//! accepted too, and nothing accepted may be lost.

use std::time::Duration;

use crate::common::*;
use wws_core::EnvelopeVersion;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_late_abort_leaves_the_next_exchange_alone() {
    let (listener, addr) = open_listener(no_timeouts()).await;
    let mut client = RawClient::connect(addr).await;
    client
        .send(&soap11_request(
            "/",
            "urn:test/First",
            "<t:A xmlns:t=\"urn:test\"/>",
        ))
        .await;
    let first = listener.accept_channel().await.expect("accept first");
    first.receive().await.expect("receive first");
    first
        .reply(reply_message(
            EnvelopeVersion::Soap11,
            "<t:AResponse xmlns:t=\"urn:test\"/>",
        ))
        .await
        .expect("reply first");
    assert_eq!(client.response().await.expect("first answer").status, 200);

    client
        .send(&soap11_request(
            "/",
            "urn:test/Second",
            "<t:A xmlns:t=\"urn:test\"/>",
        ))
        .await;
    let second = listener.accept_channel().await.expect("accept second");
    assert_eq!(second.soap_action(), Some("urn:test/Second"));
    // The first exchange's handler aborts late (a cleanup path, say).
    first.abort();
    second.receive().await.expect("receive second");
    second
        .reply(reply_message(
            EnvelopeVersion::Soap11,
            "<t:AResponse xmlns:t=\"urn:test\"/>",
        ))
        .await
        .expect("reply second");
    let answer = tokio::time::timeout(Duration::from_secs(10), client.response())
        .await
        .expect("in time");
    assert_eq!(answer.expect("second answer").status, 200);
}

#[tokio::test]
async fn an_abort_before_the_answer_still_drops_the_connection() {
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
    exchange.receive().await.expect("receive");
    exchange.abort();
    let got = client.closed_by_server(Duration::from_secs(10)).await;
    assert!(got.is_empty(), "{:?}", String::from_utf8_lossy(&got));
}
