//! A client that shuts down its write side after sending its request (FIN)
//! is taken as gone: its exchange's `disconnected` fires and no answer is
//! sent. A FIN cannot be told from a client that closed its socket, and
//! server-side cancellation must see the latter at once (Go's net/http and
//! hyper's default decide the same); HTTP/1.1 clients do not half-close.

use std::time::Duration;

use crate::common::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use wws_core::{EnvelopeVersion, Error};

#[tokio::test]
async fn a_half_closed_client_is_gone() {
    let (listener, addr) = open_listener(no_timeouts()).await;
    let mut client = RawClient::connect(addr).await;
    client
        .send(&soap11_request(
            "/",
            "urn:test/A",
            "<t:A xmlns:t=\"urn:test\"/>",
        ))
        .await;
    client.stream.shutdown().await.expect("half-close");
    let exchange = listener.accept_channel().await.expect("accept");
    // The request itself arrived whole before the FIN.
    exchange.receive().await.expect("receive");
    tokio::time::timeout(Duration::from_secs(10), exchange.disconnected())
        .await
        .expect("disconnected fired");
    let reply = exchange
        .reply(reply_message(
            EnvelopeVersion::Soap11,
            "<t:AResponse xmlns:t=\"urn:test\"/>",
        ))
        .await;
    assert!(
        matches!(reply, Err(Error::EndpointDisconnected { .. })),
        "{reply:?}"
    );
    let mut rest = Vec::new();
    tokio::time::timeout(
        Duration::from_secs(10),
        client.stream.read_to_end(&mut rest),
    )
    .await
    .expect("closed")
    .ok();
    assert!(
        rest.is_empty(),
        "an answer was sent: {:?}",
        String::from_utf8_lossy(&rest)
    );
}
