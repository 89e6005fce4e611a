//! Abort while the channel is opening: the open ends with `Aborted` at once
//! and the channel is `Created` again, ready for another open.

use std::time::{Duration, Instant};

use crate::common::*;
use wws_channel::{Channel, ChannelState};
use wws_core::EnvelopeVersion;

#[tokio::test]
async fn abort_while_connecting_returns_to_created() {
    // A connect to a full listen queue hangs: SYNs are dropped.
    let (hole, _listener, _filler) = black_hole().await;
    let channel = Channel::with_properties(no_timeouts()).expect("valid properties");
    let target = url(hole, "/");
    let mut open = Box::pin(channel.open(&target));
    assert!(poll_once(&mut open).await.is_none(), "connect must hang");
    assert_eq!(channel.state(), ChannelState::Opening);

    let start = Instant::now();
    channel.abort();
    assert_eq!(channel.state(), ChannelState::Created);
    let result = open.await;
    let elapsed = start.elapsed();
    assert!(is_channel_aborted(&result), "{result:?}");
    assert!(
        elapsed < Duration::from_millis(50),
        "open ended {elapsed:?} after abort"
    );

    // Created again: it can open elsewhere and work.
    let (addr, server) = canned_server(vec![response(
        "200 OK",
        &[("content-type", "text/xml")],
        &envelope11("<t:R xmlns:t=\"urn:test\"/>"),
    )])
    .await;
    channel.open(&url(addr, "/")).await.expect("reopen");
    channel
        .request(echo(EnvelopeVersion::Soap11, "after"))
        .await
        .expect("request after reopen");
    server.await.expect("server");
}

#[tokio::test]
async fn abort_from_another_task_while_connecting() {
    let (hole, _listener, _filler) = black_hole().await;
    let channel = Channel::with_properties(no_timeouts()).expect("valid properties");
    let opener = {
        let channel = channel.clone();
        let target = url(hole, "/");
        tokio::spawn(async move { channel.open(&target).await })
    };
    // Bounded wait for the spawned open to start (it sets Opening before its first await).
    for _ in 0..100_000 {
        if channel.state() == ChannelState::Opening {
            break;
        }
        tokio::task::yield_now().await;
    }
    assert_eq!(channel.state(), ChannelState::Opening);
    let start = Instant::now();
    channel.abort();
    let result = opener.await.expect("open task");
    let elapsed = start.elapsed();
    assert!(is_channel_aborted(&result), "{result:?}");
    assert!(
        elapsed < Duration::from_millis(50),
        "open ended {elapsed:?} after abort"
    );
    assert_eq!(channel.state(), ChannelState::Created);
}
