//! A response head larger than the channel accepts (64 KiB) is refused with
//! `QuotaExceeded` while it streams in: the server cannot make the client
//! buffer an endless header. The connection is closed; the channel stays
//! `Open` and the next request reconnects.

use std::time::Duration;

use crate::common::*;
use tokio::io::AsyncWriteExt;
use wws_channel::{Channel, ChannelState, MAX_RESPONSE_HEAD_SIZE};
use wws_core::{EnvelopeVersion, Error};

#[tokio::test]
async fn an_oversized_response_head_is_refused() {
    let (listener, addr) = raw_listener().await;
    let server = tokio::spawn(async move {
        let (mut stream, _) = listener.accept().await.expect("accept");
        read_request(&mut stream).await.expect("request");
        stream
            .write_all(b"HTTP/1.1 200 OK\r\ncontent-type: text/xml\r\n")
            .await
            .expect("status line");
        // One header line twice the limit, then more for ever: the client must stop reading.
        let line = format!("x-padding: {}\r\n", "a".repeat(2 * MAX_RESPONSE_HEAD_SIZE));
        let mut sent = 0usize;
        for _ in 0..10_000 {
            if stream.write_all(line.as_bytes()).await.is_err() {
                break;
            }
            sent += line.len();
        }
        assert!(sent < 64 << 20, "the client read {sent} bytes of head");
        // A second connection serves the next request normally.
        let (mut stream, _) = listener.accept().await.expect("second accept");
        read_request(&mut stream).await.expect("request");
        let body = envelope11("<t:EchoResponse xmlns:t=\"urn:test\"/>");
        write_response(
            &mut stream,
            "200 OK",
            &[("content-type", "text/xml")],
            body.as_bytes(),
        )
        .await;
    });
    let channel = Channel::with_properties(no_timeouts()).expect("valid properties");
    channel.open(&url(addr, "/")).await.expect("open");
    match channel.request(echo(EnvelopeVersion::Soap11, "x")).await {
        Err(Error::QuotaExceeded { quota, limit }) => {
            assert_eq!(quota, "max response head size");
            assert_eq!(limit, MAX_RESPONSE_HEAD_SIZE as u64);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(channel.state(), ChannelState::Open);
    channel
        .request(echo(EnvelopeVersion::Soap11, "y"))
        .await
        .expect("the next request reconnects");
    tokio::time::timeout(Duration::from_secs(20), server)
        .await
        .expect("server done")
        .expect("server task");
}

#[tokio::test]
async fn a_head_just_under_the_limit_is_read() {
    let padding = "a".repeat(MAX_RESPONSE_HEAD_SIZE - 1024);
    let body = envelope11("<t:EchoResponse xmlns:t=\"urn:test\"/>");
    let (addr, server) = canned_server(vec![response(
        "200 OK",
        &[("content-type", "text/xml"), ("x-padding", &padding)],
        &body,
    )])
    .await;
    let channel = Channel::with_properties(no_timeouts()).expect("valid properties");
    channel.open(&url(addr, "/")).await.expect("open");
    channel
        .request(echo(EnvelopeVersion::Soap11, "x"))
        .await
        .expect("a large but allowed head");
    server.await.expect("server");
}
