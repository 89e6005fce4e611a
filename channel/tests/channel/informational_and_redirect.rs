//! Interim 1xx answers are skipped and the final answer is read; a redirect
//! is not followed (a SOAP request must not be replayed elsewhere silently)
//! and is `InvalidFormat` naming the status and the new location.

use crate::common::*;
use wws_channel::{Channel, ChannelState};
use wws_core::{EnvelopeVersion, Error};

#[tokio::test]
async fn interim_answers_are_skipped() {
    let body = envelope11("<t:EchoResponse xmlns:t=\"urn:test\"/>");
    let mut answer =
        b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nlink: </a>\r\n\r\n".to_vec();
    answer.extend(response("200 OK", &[("content-type", "text/xml")], &body));
    let (addr, server) = canned_server(vec![answer]).await;
    let channel = Channel::with_properties(no_timeouts()).expect("valid properties");
    channel.open(&url(addr, "/svc")).await.expect("open");
    channel
        .request(echo(EnvelopeVersion::Soap11, "x"))
        .await
        .expect("the final answer after the interim ones");
    server.await.expect("server");
}

#[tokio::test]
async fn a_redirect_is_not_followed() {
    let (addr, server) = canned_server(vec![
        response(
            "302 Found",
            &[("location", "http://elsewhere.invalid/svc")],
            "",
        ),
        response(
            "301 Moved Permanently",
            &[("location", "/new"), ("content-type", "text/html")],
            "<html>moved</html>",
        ),
    ])
    .await;
    let channel = Channel::with_properties(no_timeouts()).expect("valid properties");
    channel.open(&url(addr, "/svc")).await.expect("open");
    match channel.request(echo(EnvelopeVersion::Soap11, "x")).await {
        Err(Error::InvalidFormat(m)) => {
            assert!(m.contains("302"), "{m}");
            assert!(m.contains("http://elsewhere.invalid/svc"), "{m}");
        }
        other => panic!("{other:?}"),
    }
    match channel.request(echo(EnvelopeVersion::Soap11, "y")).await {
        Err(Error::InvalidFormat(m)) => {
            assert!(m.contains("301"), "{m}");
            assert!(m.contains("/new"), "{m}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(channel.state(), ChannelState::Open);
    let seen = server.await.expect("server");
    assert_eq!(seen.len(), 2, "both requests went to the original server");
}

#[tokio::test]
async fn switching_protocols_unasked_is_an_error_not_a_hang() {
    let (addr, server) = canned_server(vec![
        b"HTTP/1.1 101 Switching Protocols\r\nupgrade: websocket\r\nconnection: upgrade\r\n\r\n"
            .to_vec(),
    ])
    .await;
    let channel = Channel::with_properties(no_timeouts()).expect("valid properties");
    channel.open(&url(addr, "/svc")).await.expect("open");
    let result = tokio::time::timeout(
        std::time::Duration::from_secs(20),
        channel.request(echo(EnvelopeVersion::Soap11, "x")),
    )
    .await
    .expect("no hang");
    assert!(result.is_err(), "{result:?}");
    server.await.expect("server");
}
