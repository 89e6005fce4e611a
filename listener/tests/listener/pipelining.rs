//! Pipelined requests (several written before any answer) are handed out
//! one at a time, in order, each after the previous was answered, and the
//! answers come back in order on the one connection.

use crate::common::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pipelined_requests_are_served_in_order() {
    let (listener, addr) = open_listener(no_timeouts()).await;
    let mut client = RawClient::connect(addr).await;
    let mut all = Vec::new();
    for i in 0..3 {
        all.extend(soap11_request(
            "/",
            &format!("urn:test/{i}"),
            "<t:A xmlns:t=\"urn:test\"/>",
        ));
    }
    client.send(&all).await;
    for i in 0..3 {
        let exchange = listener.accept_channel().await.expect("accept");
        assert_eq!(
            exchange.soap_action(),
            Some(format!("urn:test/{i}").as_str())
        );
        // The next request is not handed out while this one is unanswered.
        let mut next = Box::pin(listener.accept_channel());
        assert!(poll_once(&mut next).await.is_none());
        drop(next);
        exchange.receive().await.expect("receive");
        exchange
            .reply_http(
                http::StatusCode::OK,
                Some("text/plain"),
                bytes::Bytes::from(format!("answer {i}")),
                http::HeaderMap::new(),
            )
            .await
            .expect("reply");
    }
    for i in 0..3 {
        let response = client.response().await.expect("answer");
        assert_eq!(response.text(), format!("answer {i}"));
    }
}
