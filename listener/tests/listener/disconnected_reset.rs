//! `ReplyChannel::disconnected` fires when the client resets its connection
//! (RST, as a crashed or aborted client does), as it does for a close (see
//! `disconnected.rs`).

use std::time::{Duration, Instant};

use crate::common::*;
use wws_core::{EnvelopeVersion, Error};

#[tokio::test]
async fn a_reset_connection_is_seen() {
    let (listener, addr) = open_listener(no_timeouts()).await;
    let mut client = RawClient::connect(addr).await;
    client
        .send(&soap11_request(
            "/",
            "urn:test/Delay",
            "<t:Delay xmlns:t=\"urn:test\"/>",
        ))
        .await;
    let exchange = listener.accept_channel().await.expect("accept");
    exchange.receive().await.expect("receive");
    let mut watch = Box::pin(exchange.disconnected());
    assert!(poll_once(&mut watch).await.is_none());

    // A zero linger turns the close into a reset (and does not block the drop).
    #[allow(deprecated)]
    client
        .stream
        .set_linger(Some(Duration::ZERO))
        .expect("linger");
    let start = Instant::now();
    drop(client);
    tokio::time::timeout(Duration::from_secs(10), watch)
        .await
        .expect("disconnected fired");
    let elapsed = start.elapsed();
    assert!(
        elapsed < Duration::from_secs(2),
        "seen {elapsed:?} after the reset"
    );
    assert!(exchange.is_disconnected());
    let reply = exchange
        .reply(reply_message(
            EnvelopeVersion::Soap11,
            "<t:DelayResponse xmlns:t=\"urn:test\"/>",
        ))
        .await;
    assert!(
        matches!(reply, Err(Error::EndpointDisconnected { .. })),
        "{reply:?}"
    );
}
