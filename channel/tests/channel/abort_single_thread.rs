//! Abort never awaits and never waits behind a lock held by I/O in flight:
//! on a single-threaded runtime, one task blocked in `request` and another
//! calling `abort` — the blocked one returns `Aborted`.

use std::time::Duration;

use crate::common::*;
use wws_channel::{Channel, ChannelState};
use wws_core::EnvelopeVersion;

#[tokio::test(flavor = "current_thread")]
async fn abort_on_one_thread_ends_a_blocked_request() {
    let (addr, got_request, server_saw_close) = stalled_server().await;
    let channel = Channel::with_properties(no_timeouts()).expect("valid properties");
    channel.open(&url(addr, "/")).await.expect("open");
    let blocked = {
        let channel = channel.clone();
        tokio::spawn(async move {
            channel
                .request(echo(EnvelopeVersion::Soap11, "blocked"))
                .await
        })
    };
    // The request holds the connection's I/O lock from here on.
    got_request.await.expect("request on the wire");
    // A second request waits for that lock.
    let queued = {
        let channel = channel.clone();
        tokio::spawn(async move {
            channel
                .request(echo(EnvelopeVersion::Soap11, "queued"))
                .await
        })
    };
    tokio::task::yield_now().await;

    let aborter = {
        let channel = channel.clone();
        tokio::spawn(async move {
            // Synchronous: if it waited on the I/O lock, this task could never finish.
            channel.abort();
        })
    };
    tokio::time::timeout(Duration::from_secs(10), aborter)
        .await
        .expect("abort returned")
        .expect("aborter task");
    let result = tokio::time::timeout(Duration::from_secs(10), blocked)
        .await
        .expect("the blocked request returned")
        .expect("task");
    assert!(is_channel_aborted(&result), "{result:?}");
    let queued = tokio::time::timeout(Duration::from_secs(10), queued)
        .await
        .expect("the queued request returned")
        .expect("task");
    assert!(queued.is_err());
    assert_eq!(channel.state(), ChannelState::Faulted);
    tokio::time::timeout(Duration::from_secs(10), server_saw_close)
        .await
        .expect("the server saw its connection closed")
        .expect("server task");
}
