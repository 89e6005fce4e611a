//! After answering a request whose body it did not read (refused over the
//! quota), the listener closes the connection gracefully: FIN, then it
//! discards what the client still sends until the client closes too. The
//! client can finish writing and then read the answer and a clean EOF —
//! never a reset that would destroy the answer before it is read.

use std::time::Duration;

use crate::common::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use wws_core::{EnvelopeVersion, Error, FaultCode, ReaderQuotas};

const QUOTA: usize = 64 * 1024;
const BOUND: Duration = Duration::from_secs(20);

#[tokio::test]
async fn a_client_still_sending_gets_the_answer_and_a_clean_close() {
    let (listener, addr) = open_listener({
        let mut props = no_timeouts();
        props.quotas = {
            let mut props = ReaderQuotas::default();
            props.max_message_size = QUOTA;
            props
        };
        props
    })
    .await;
    let mut client = RawClient::connect(addr).await;
    let chunk = [b"4000\r\n".as_slice(), &[b' '; 0x4000], b"\r\n"].concat();
    client
        .send(b"POST / HTTP/1.1\r\nhost: t\r\ncontent-type: text/xml\r\ntransfer-encoding: chunked\r\n\r\n")
        .await;
    for _ in 0..8 {
        client.send(&chunk).await;
    }
    let exchange = listener.accept_channel().await.expect("accept");
    assert!(matches!(
        exchange.receive().await,
        Err(Error::QuotaExceeded { .. })
    ));
    let fault = wws_core::Fault {
        code: FaultCode::Sender,
        subcodes: Vec::new(),
        reasons: Vec::new(),
        actor: None,
        node: None,
        detail: None,
    };
    exchange
        .reply_fault(EnvelopeVersion::Soap11, &fault)
        .await
        .expect("fault reply");
    let response = tokio::time::timeout(BOUND, client.response())
        .await
        .expect("in time")
        .expect("the fault");
    assert_eq!(response.status, 500);
    // The client is still sending its body: a megabyte more goes through.
    for i in 0..64 {
        if let Err(e) = client.stream.write_all(&chunk).await {
            panic!("write {i} after the answer failed: {e}");
        }
    }
    client.stream.shutdown().await.expect("half-close");
    let mut rest = Vec::new();
    let end = tokio::time::timeout(BOUND, client.stream.read_to_end(&mut rest))
        .await
        .expect("the server closed in time");
    assert!(end.is_ok(), "a reset instead of a clean close: {end:?}");
    assert!(rest.is_empty(), "nothing after the answer: {rest:?}");
}

#[tokio::test(start_paused = true)]
async fn a_client_that_neither_sends_nor_closes_is_let_go_after_two_seconds() {
    let (listener, addr) = open_listener({
        let mut props = no_timeouts();
        props.max_connections = 1;
        props
    })
    .await;
    let mut client = RawClient::connect(addr).await;
    // A body announced but never sent: answered without being read.
    client
        .send(
            b"POST / HTTP/1.1\r\nhost: t\r\ncontent-type: text/xml\r\ncontent-length: 100\r\n\r\n",
        )
        .await;
    let exchange = listener.accept_channel().await.expect("accept");
    exchange
        .reply_http(
            http::StatusCode::SERVICE_UNAVAILABLE,
            None,
            bytes::Bytes::new(),
            http::HeaderMap::new(),
        )
        .await
        .expect("answer");
    assert_eq!(client.response().await.expect("answer").status, 503);
    let start = tokio::time::Instant::now();
    client.closed_by_server(BOUND).await;
    // FIN at once; the socket itself (and the connection slot) after the
    // idle linger. Until then the only slot is taken (a lingering connection
    // is not evicted), so a new client is told 503; after it, one is served.
    let exchange = tokio::time::timeout(BOUND, async {
        // Bounded by BOUND; one connect per turn.
        loop {
            let mut next = RawClient::connect(addr).await;
            next.send(&soap11_request(
                "/",
                "urn:test/Next",
                "<t:A xmlns:t=\"urn:test\"/>",
            ))
            .await;
            tokio::select! {
                accepted = listener.accept_channel() => break accepted.expect("accept"),
                refused = next.response() => {
                    assert_eq!(refused.map(|r| r.status), Some(503));
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            }
        }
    })
    .await
    .expect("the slot was freed");
    let elapsed = start.elapsed();
    assert!(
        elapsed >= Duration::from_secs(2) && elapsed < Duration::from_secs(3),
        "slot freed after {elapsed:?}"
    );
    exchange.close().await.expect("ack");
    drop(client);
}
