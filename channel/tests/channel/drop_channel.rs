//! Dropping every handle of an open channel closes its connection: no
//! connection task or socket outlives the channel.

use std::time::Duration;

use crate::common::*;
use wws_channel::Channel;
use wws_core::EnvelopeVersion;

#[tokio::test]
async fn a_dropped_channel_closes_its_idle_connection() {
    let (listener, addr) = raw_listener().await;
    let (closed_tx, closed_rx) = tokio::sync::oneshot::channel();
    tokio::spawn(async move {
        let (mut stream, _) = listener.accept().await.expect("accept");
        read_request(&mut stream).await.expect("request");
        write_response(&mut stream, "202 Accepted", &[], b"").await;
        await_peer_close(&mut stream, Duration::from_secs(20)).await;
        let _ = closed_tx.send(());
    });
    let channel = Channel::with_properties(no_timeouts()).expect("valid properties");
    channel.open(&url(addr, "/")).await.expect("open");
    channel
        .send(echo(EnvelopeVersion::Soap11, "x"))
        .await
        .expect("send");
    // The connection is idle and kept alive; nothing else holds the channel.
    drop(channel);
    closed_rx
        .await
        .expect("the server saw the connection closed");
}
