//! A server that answers before the request body is all sent and then
//! resets the connection (as a server refusing an oversized body without a
//! lingering close does): the channel reports the answer, not the broken
//! pipe of its unfinished write, and the next request reconnects.

use std::time::Duration;

use crate::common::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use wws_channel::{Channel, ChannelState};
use wws_core::{EnvelopeVersion, Error};

const FAULT: &str =
    "<s:Fault><faultcode>s:Client</faultcode><faultstring>too large</faultstring></s:Fault>";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_answer_wins_over_the_broken_pipe() {
    let (listener, addr) = raw_listener().await;
    let server = tokio::spawn(async move {
        let (mut stream, _) = listener.accept().await.expect("accept");
        // Read the head and a little of the body, then refuse the rest.
        let mut head = vec![0u8; 64 * 1024];
        let mut got = 0;
        while !head[..got].windows(4).any(|w| w == b"\r\n\r\n") {
            let n = stream.read(&mut head[got..]).await.expect("read head");
            assert!(n > 0, "client closed");
            got += n;
        }
        let body = envelope11(FAULT);
        stream
            .write_all(&response(
                "500 Internal Server Error",
                &[("content-type", "text/xml"), ("connection", "close")],
                &body,
            ))
            .await
            .expect("answer");
        // Close with a reset. A zero linger does not block the drop, the
        // reason set_linger is deprecated.
        #[allow(deprecated)]
        stream.set_linger(Some(Duration::ZERO)).expect("linger");
        drop(stream);
        // The next request, on a new connection.
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
    let big = echo(EnvelopeVersion::Soap11, &"x".repeat(16 << 20));
    let result = tokio::time::timeout(Duration::from_secs(30), channel.request(big))
        .await
        .expect("no hang");
    match result {
        Err(Error::FaultReceived(fault)) => assert_eq!(fault.reasons[0].text, "too large"),
        other => panic!("{other:?}"),
    }
    assert_eq!(channel.state(), ChannelState::Open);
    tokio::time::timeout(
        Duration::from_secs(30),
        channel.request(echo(EnvelopeVersion::Soap11, "small")),
    )
    .await
    .expect("no hang")
    .expect("the next request reconnects");
    server.await.expect("server");
}
