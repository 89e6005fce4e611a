//! Dropping a request (or one-way send) future abandons the exchange: its
//! connection is closed (the server sees it go), the channel stays `Open`,
//! and the next request goes over a new connection.

use std::time::Duration;

use crate::common::*;
use wws_channel::{Channel, ChannelState};
use wws_core::EnvelopeVersion;

#[tokio::test]
async fn a_dropped_request_closes_its_connection_and_the_next_reconnects() {
    let (listener, addr) = raw_listener().await;
    let (got_tx, got_rx) = tokio::sync::oneshot::channel();
    let server = tokio::spawn(async move {
        // First connection: take the request, never answer, wait for the close.
        let (mut first, _) = listener.accept().await.expect("accept");
        read_request(&mut first).await.expect("request");
        let _ = got_tx.send(());
        await_peer_close(&mut first, Duration::from_secs(10)).await;
        // Second connection: answer normally.
        let (mut second, _) = listener.accept().await.expect("second accept");
        read_request(&mut second).await.expect("request");
        let body = envelope11("<t:R xmlns:t=\"urn:test\"/>");
        write_response(
            &mut second,
            "200 OK",
            &[("content-type", "text/xml")],
            body.as_bytes(),
        )
        .await;
    });
    let channel = Channel::with_properties(no_timeouts()).expect("valid properties");
    channel.open(&url(addr, "/")).await.expect("open");
    {
        let mut request = Box::pin(channel.request(echo(EnvelopeVersion::Soap11, "dropped")));
        tokio::select! {
            r = &mut request => panic!("the stalled request completed: {r:?}"),
            _ = got_rx => {}
        }
        // Dropped here, with the request on the wire.
    }
    assert_eq!(channel.state(), ChannelState::Open);
    channel
        .request(echo(EnvelopeVersion::Soap11, "next"))
        .await
        .expect("the next request reconnects");
    tokio::time::timeout(Duration::from_secs(10), server)
        .await
        .expect("server done")
        .expect("server task");
}

#[tokio::test]
async fn a_dropped_send_closes_its_connection() {
    let (addr, got_request, server_saw_close) = stalled_server().await;
    let channel = Channel::with_properties(no_timeouts()).expect("valid properties");
    channel.open(&url(addr, "/")).await.expect("open");
    {
        let mut send = Box::pin(channel.send(echo(EnvelopeVersion::Soap11, "dropped")));
        tokio::select! {
            r = &mut send => panic!("the stalled send completed: {r:?}"),
            _ = got_request => {}
        }
    }
    assert_eq!(channel.state(), ChannelState::Open);
    tokio::time::timeout(Duration::from_secs(10), server_saw_close)
        .await
        .expect("the server saw its connection closed")
        .expect("server task");
}
