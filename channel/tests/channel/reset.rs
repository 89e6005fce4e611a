//! `reset` takes a closed channel back to `Created`, and it opens again
//! (to another endpoint) and works.

use crate::common::*;
use wws_channel::{Channel, ChannelState};
use wws_core::EnvelopeVersion;

fn ok_reply() -> Vec<u8> {
    response(
        "200 OK",
        &[("content-type", "text/xml")],
        &envelope11("<t:R xmlns:t=\"urn:test\"/>"),
    )
}

#[tokio::test]
async fn reset_after_close_then_reopen_elsewhere() {
    let (first, first_server) = canned_server(vec![ok_reply()]).await;
    let (second, second_server) = canned_server(vec![ok_reply()]).await;
    let channel = Channel::with_properties(no_timeouts()).expect("valid properties");
    channel.open(&url(first, "/a")).await.expect("open");
    channel
        .request(echo(EnvelopeVersion::Soap11, "1"))
        .await
        .expect("first");
    channel.close().await.expect("close");
    assert_eq!(channel.state(), ChannelState::Closed);
    assert_eq!(channel.url(), Some(url(first, "/a")));

    channel.reset().expect("reset");
    assert_eq!(channel.state(), ChannelState::Created);
    assert_eq!(channel.url(), None);

    channel.open(&url(second, "/b")).await.expect("reopen");
    channel
        .request(echo(EnvelopeVersion::Soap12, "2"))
        .await
        .expect("second");
    let seen_first = first_server.await.expect("first server");
    let seen_second = second_server.await.expect("second server");
    assert_eq!(seen_first.len(), 1);
    assert_eq!(seen_second.len(), 1);
    assert_eq!(seen_second[0].request_line(), "POST /b HTTP/1.1");
}

#[tokio::test]
async fn a_failed_open_is_recovered_by_close_and_reset() {
    let refused = {
        let (listener, addr) = raw_listener().await;
        drop(listener);
        addr
    };
    let channel = Channel::with_properties(no_timeouts()).expect("valid properties");
    assert!(channel.open(&url(refused, "/")).await.is_err());
    assert_eq!(channel.state(), ChannelState::Faulted);
    channel.close().await.expect("close");
    channel.reset().expect("reset");
    let (addr, server) = canned_server(vec![ok_reply()]).await;
    channel
        .open(&url(addr, "/"))
        .await
        .expect("open after recovery");
    channel
        .request(echo(EnvelopeVersion::Soap11, "x"))
        .await
        .expect("request");
    server.await.expect("server");
}
