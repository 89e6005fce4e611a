//! The max message size quota is enforced while a reply streams in: a 1 GiB
//! reply is refused after the quota, not buffered, and its connection closed.

use std::time::Duration;

use crate::common::*;
use tokio::io::AsyncWriteExt;
use wws_channel::ChannelProperties;
use wws_channel::{Channel, ChannelState};
use wws_core::{EnvelopeVersion, Error, ReaderQuotas};

const GIB: u64 = 1 << 30;
const QUOTA: usize = 1 << 20;

fn props() -> ChannelProperties {
    {
        let mut props = no_timeouts();
        props.quotas = {
            let mut props = ReaderQuotas::default();
            props.max_message_size = QUOTA;
            props
        };
        props
    }
}

#[tokio::test]
async fn a_streamed_gigabyte_is_refused_after_the_quota() {
    let (listener, addr) = raw_listener().await;
    let server = tokio::spawn(async move {
        let (mut stream, _) = listener.accept().await.expect("accept");
        read_request(&mut stream).await.expect("request");
        // Chunked, so the size is not announced: the client must count.
        stream
            .write_all(
                b"HTTP/1.1 200 OK\r\ncontent-type: text/xml\r\ntransfer-encoding: chunked\r\n\r\n",
            )
            .await
            .expect("head");
        let chunk = vec![b' '; 64 * 1024];
        let framed = [
            format!("{:x}\r\n", chunk.len()).into_bytes(),
            chunk,
            b"\r\n".to_vec(),
        ]
        .concat();
        let mut sent: u64 = 0;
        while sent < GIB {
            if stream.write_all(&framed).await.is_err() {
                return sent;
            }
            sent += framed.len() as u64;
        }
        panic!("the client read a whole gigabyte");
    });
    let channel = Channel::with_properties(props()).expect("valid properties");
    channel.open(&url(addr, "/")).await.expect("open");
    match channel.request(echo(EnvelopeVersion::Soap11, "big")).await {
        Err(Error::QuotaExceeded { quota, limit }) => {
            assert_eq!(quota, "max message size");
            assert_eq!(limit, QUOTA as u64);
        }
        other => panic!("{other:?}"),
    }
    // The server's writes fail because the client closed the connection:
    // what it got out is the quota plus what the socket buffers hold.
    let sent = tokio::time::timeout(Duration::from_secs(20), server)
        .await
        .expect("server saw the connection closed")
        .expect("server task");
    assert!(
        sent < 64 << 20,
        "server wrote {sent} bytes before seeing the close"
    );
    // The exchange was complete from the channel's point of view: it stays open.
    assert_eq!(channel.state(), ChannelState::Open);
}

#[tokio::test]
async fn an_announced_gigabyte_is_refused_before_reading() {
    let (listener, addr) = raw_listener().await;
    let server = tokio::spawn(async move {
        let (mut stream, _) = listener.accept().await.expect("accept");
        read_request(&mut stream).await.expect("request");
        stream
            .write_all(format!("HTTP/1.1 200 OK\r\ncontent-type: text/xml\r\ncontent-length: {GIB}\r\n\r\n<s:Envelope").as_bytes())
            .await
            .expect("head");
        await_peer_close(&mut stream, Duration::from_secs(20)).await;
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
    let channel = Channel::with_properties(props()).expect("valid properties");
    channel.open(&url(addr, "/")).await.expect("open");
    assert!(matches!(
        channel.request(echo(EnvelopeVersion::Soap11, "big")).await,
        Err(Error::QuotaExceeded { limit, .. }) if limit == QUOTA as u64
    ));
    channel
        .request(echo(EnvelopeVersion::Soap11, "small"))
        .await
        .expect("the next request reconnects");
    server.await.expect("server");
}
