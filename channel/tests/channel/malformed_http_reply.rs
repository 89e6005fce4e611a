//! A peer that does not speak HTTP/1.1 properly: bytes that are no status
//! line, a chunked body with a broken chunk size. Each is `InvalidFormat`
//! (the endpoint answered, just not validly), never a panic and not a
//! "disconnected"; the connection is closed and the channel stays `Open`.

use std::time::Duration;

use crate::common::*;
use tokio::io::AsyncWriteExt;
use wws_channel::{Channel, ChannelState};
use wws_core::{EnvelopeVersion, Error};

/// Answers one request with `answer` and waits for the client to close.
async fn answer_once(answer: &'static [u8]) -> (std::net::SocketAddr, tokio::task::JoinHandle<()>) {
    let (listener, addr) = raw_listener().await;
    let server = tokio::spawn(async move {
        let (mut stream, _) = listener.accept().await.expect("accept");
        read_request(&mut stream).await.expect("request");
        stream.write_all(answer).await.expect("write");
        await_peer_close(&mut stream, Duration::from_secs(20)).await;
    });
    (addr, server)
}

#[tokio::test]
async fn bytes_that_are_not_http_are_invalid_format() {
    let (addr, server) = answer_once(b"SSH-2.0-OpenSSH_9.2\r\n\x00\x01garbage\r\n\r\n").await;
    let channel = Channel::with_properties(no_timeouts()).expect("valid properties");
    channel.open(&url(addr, "/svc")).await.expect("open");
    match channel.request(echo(EnvelopeVersion::Soap11, "x")).await {
        Err(Error::InvalidFormat(m)) => assert!(m.contains("HTTP"), "{m}"),
        other => panic!("{other:?}"),
    }
    server.await.expect("the channel closed the connection");
    assert_eq!(channel.state(), ChannelState::Open);
}

#[tokio::test]
async fn a_broken_chunk_size_is_invalid_format() {
    let (addr, server) = answer_once(
        b"HTTP/1.1 200 OK\r\ncontent-type: text/xml\r\ntransfer-encoding: chunked\r\n\r\n4\r\n<s:E\r\nzz\r\n",
    )
    .await;
    let channel = Channel::with_properties(no_timeouts()).expect("valid properties");
    channel.open(&url(addr, "/svc")).await.expect("open");
    match channel.request(echo(EnvelopeVersion::Soap11, "x")).await {
        Err(Error::InvalidFormat(m)) => assert!(m.contains("framing"), "{m}"),
        other => panic!("{other:?}"),
    }
    server.await.expect("the channel closed the connection");
    assert_eq!(channel.state(), ChannelState::Open);
}
