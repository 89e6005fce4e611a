//! Operations in a state that does not allow them return `InvalidOperation`
//! naming the object, the state and the operation; a faulted channel says
//! `ObjectFaulted`.

use crate::common::*;
use wws_channel::{Channel, ChannelState};
use wws_core::{EnvelopeVersion, Error};

fn assert_invalid<T: std::fmt::Debug>(r: wws_core::Result<T>, state: &str, operation: &str) {
    match r {
        Err(e @ Error::InvalidOperation { .. }) => {
            let Error::InvalidOperation {
                object,
                state: s,
                operation: o,
            } = &e
            else {
                unreachable!()
            };
            assert_eq!((*object, *s, *o), ("Channel", state, operation));
            let text = e.to_string();
            assert!(text.contains("Channel") && text.contains(state), "{text}");
        }
        other => panic!("expected InvalidOperation in {state} for {operation}, got {other:?}"),
    }
}

#[tokio::test]
async fn io_before_open() {
    let channel = Channel::with_properties(no_timeouts()).expect("valid properties");
    assert_invalid(
        channel.request(echo(EnvelopeVersion::Soap11, "x")).await,
        "Created",
        "request",
    );
    assert_invalid(
        channel.send(echo(EnvelopeVersion::Soap11, "x")).await,
        "Created",
        "send",
    );
    assert_eq!(channel.url(), None);
    // Close and reset from Created are fine.
    channel.reset().expect("reset in Created");
    channel.close().await.expect("close in Created");
    assert_eq!(channel.state(), ChannelState::Closed);
    assert_invalid(
        channel.request(echo(EnvelopeVersion::Soap11, "x")).await,
        "Closed",
        "request",
    );
    assert_invalid(channel.open("http://127.0.0.1:1/").await, "Closed", "open");
    channel.close().await.expect("close twice");
}

#[tokio::test]
async fn open_twice_and_reset_while_open() {
    let (listener, addr) = raw_listener().await;
    let channel = Channel::with_properties(no_timeouts()).expect("valid properties");
    channel.open(&url(addr, "/")).await.expect("open");
    let _conn = listener.accept().await.expect("accept");
    assert_invalid(channel.open(&url(addr, "/")).await, "Open", "open");
    assert_invalid(channel.reset(), "Open", "reset");
    assert_eq!(channel.state(), ChannelState::Open);
}

#[tokio::test]
async fn close_while_opening() {
    let (hole, _listener, _filler) = black_hole().await;
    let channel = Channel::with_properties(no_timeouts()).expect("valid properties");
    let target = url(hole, "/");
    let mut open = Box::pin(channel.open(&target));
    assert!(poll_once(&mut open).await.is_none());
    assert_invalid(channel.close().await, "Opening", "close");
    assert_invalid(
        channel.request(echo(EnvelopeVersion::Soap11, "x")).await,
        "Opening",
        "request",
    );
    channel.abort();
    assert!(is_channel_aborted(&open.await));
}

#[tokio::test]
async fn an_invalid_url_leaves_the_channel_created() {
    let channel = Channel::with_properties(no_timeouts()).expect("valid properties");
    for bad in [
        "gopher://example.com/",
        "not a url",
        "ftp://x/",
        "http://user:%zz@h/",
    ] {
        match channel.open(bad).await {
            Err(Error::InvalidEndpointUrl { url, reason }) => {
                assert_eq!(url, bad);
                assert!(!reason.is_empty());
            }
            other => panic!("{bad}: {other:?}"),
        }
        assert_eq!(channel.state(), ChannelState::Created);
    }
}
