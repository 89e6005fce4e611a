//! Abort while a request waits on a server that stalls: the request ends with
//! `Aborted` within 50 ms, the server sees its connection closed, and the
//! channel is `Faulted` until closed and reset.

use std::time::{Duration, Instant};

use crate::common::*;
use wws_channel::{Channel, ChannelState};
use wws_core::{EnvelopeVersion, Error};

#[tokio::test]
async fn abort_ends_a_stalled_request_and_closes_the_socket() {
    let (addr, got_request, server_saw_close) = stalled_server().await;
    let channel = Channel::with_properties(no_timeouts()).expect("valid properties");
    channel.open(&url(addr, "/")).await.expect("open");
    let request = {
        let channel = channel.clone();
        tokio::spawn(async move {
            channel
                .request(echo(EnvelopeVersion::Soap11, "stall"))
                .await
        })
    };
    got_request.await.expect("the server got the request");

    let start = Instant::now();
    channel.abort();
    let result = request.await.expect("request task");
    let elapsed = start.elapsed();
    assert!(is_channel_aborted(&result), "{result:?}");
    assert!(
        elapsed < Duration::from_millis(50),
        "request ended {elapsed:?} after abort"
    );
    assert_eq!(channel.state(), ChannelState::Faulted);

    tokio::time::timeout(Duration::from_secs(10), server_saw_close)
        .await
        .expect("the server saw its connection closed")
        .expect("server task");

    assert!(matches!(
        channel
            .request(echo(EnvelopeVersion::Soap11, "later"))
            .await,
        Err(Error::ObjectFaulted { object: "Channel" })
    ));
    channel.close().await.expect("close a faulted channel");
    assert_eq!(channel.state(), ChannelState::Closed);
    channel.reset().expect("reset after close");
    assert_eq!(channel.state(), ChannelState::Created);
}

#[tokio::test]
async fn abort_ends_requests_queued_behind_the_stalled_one() {
    let (addr, got_request, _closed) = stalled_server().await;
    let channel = Channel::with_properties(no_timeouts()).expect("valid properties");
    channel.open(&url(addr, "/")).await.expect("open");
    let first = {
        let channel = channel.clone();
        tokio::spawn(async move { channel.request(echo(EnvelopeVersion::Soap11, "1")).await })
    };
    got_request.await.expect("the server got the first request");
    // These wait for the connection the first one holds.
    let queued: Vec<_> = (0..3)
        .map(|i| {
            let channel = channel.clone();
            tokio::spawn(async move {
                channel
                    .request(echo(EnvelopeVersion::Soap11, &i.to_string()))
                    .await
            })
        })
        .collect();
    let start = Instant::now();
    channel.abort();
    assert!(is_channel_aborted(&first.await.expect("task")));
    for q in queued {
        let r = q.await.expect("task");
        // A queued request either saw the abort or had not passed the state check yet.
        assert!(
            is_channel_aborted(&r) || matches!(r, Err(Error::ObjectFaulted { .. })),
            "{r:?}"
        );
    }
    assert!(start.elapsed() < Duration::from_millis(50));
}
