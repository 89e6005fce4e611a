//! Dropping an `open` or `close` future half-way is an abort of it: the
//! channel is not left `Opening` or `Closing`.

use std::time::Duration;

use crate::common::*;
use wws_channel::{Channel, ChannelState};
use wws_core::EnvelopeVersion;

#[tokio::test]
async fn a_dropped_open_returns_the_channel_to_created() {
    let (hole, _listener, _filler) = black_hole().await;
    let channel = Channel::with_properties(no_timeouts()).expect("valid properties");
    let target = url(hole, "/");
    {
        let mut open = Box::pin(channel.open(&target));
        assert!(poll_once(&mut open).await.is_none());
        assert_eq!(channel.state(), ChannelState::Opening);
    }
    assert_eq!(channel.state(), ChannelState::Created);
}

#[tokio::test]
async fn a_dropped_close_finishes_it() {
    let (addr, got_request, server_saw_close) = stalled_server().await;
    let channel = Channel::with_properties(no_timeouts()).expect("valid properties");
    channel.open(&url(addr, "/")).await.expect("open");
    let request = {
        let channel = channel.clone();
        tokio::spawn(async move { channel.request(echo(EnvelopeVersion::Soap11, "x")).await })
    };
    got_request.await.expect("request on the wire");
    {
        let mut close = Box::pin(channel.close());
        assert!(poll_once(&mut close).await.is_none());
        assert_eq!(channel.state(), ChannelState::Closing);
    }
    assert_eq!(channel.state(), ChannelState::Closed);
    assert!(is_channel_aborted(&request.await.expect("task")));
    tokio::time::timeout(Duration::from_secs(10), server_saw_close)
        .await
        .expect("the server saw its connection closed")
        .expect("server task");
    channel.reset().expect("reset");
}
