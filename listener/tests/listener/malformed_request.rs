//! Requests that are not valid HTTP/1.1: garbage instead of a request line
//! is answered 400 by the listener itself (no exchange is handed out); a
//! body with broken chunked framing makes `receive` fail with
//! `InvalidFormat`, and the exchange can still answer with a fault before
//! the connection is closed.

use std::time::Duration;

use crate::common::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use wws_core::{EnvelopeVersion, Error, Fault, FaultCode};

const BOUND: Duration = Duration::from_secs(20);

#[tokio::test]
async fn garbage_gets_400_and_no_exchange() {
    let (listener, addr) = open_listener(no_timeouts()).await;
    let mut client = RawClient::connect(addr).await;
    client
        .send(b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03garbage\r\n\r\n")
        .await;
    let got = client.closed_by_server(BOUND).await;
    let text = String::from_utf8_lossy(&got);
    assert!(got.is_empty() || text.starts_with("HTTP/1.1 400"), "{text}");
    let mut pending = Box::pin(listener.accept_channel());
    assert!(
        poll_once(&mut pending).await.is_none(),
        "an exchange was handed out"
    );
}

#[tokio::test]
async fn a_broken_chunk_is_invalid_format_and_can_get_a_fault() {
    let (listener, addr) = open_listener(no_timeouts()).await;
    let mut client = RawClient::connect(addr).await;
    client
        .send(b"POST / HTTP/1.1\r\nhost: t\r\ncontent-type: text/xml\r\ntransfer-encoding: chunked\r\n\r\n4\r\n<s:E\r\nzz\r\n")
        .await;
    let exchange = listener.accept_channel().await.expect("accept");
    match exchange.receive().await {
        Err(Error::InvalidFormat(m)) => assert!(m.contains("framing"), "{m}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(exchange.state(), wws_channel::ChannelState::Open);
    let fault = Fault {
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
    client.stream.shutdown().await.expect("half-close");
    let mut got = Vec::new();
    tokio::time::timeout(BOUND, client.stream.read_to_end(&mut got))
        .await
        .expect("closed in time")
        .expect("a clean close");
    let text = String::from_utf8_lossy(&got);
    assert!(text.starts_with("HTTP/1.1 500"), "{text}");
}
