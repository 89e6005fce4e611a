//! HTTP/2 next to HTTP/1.1 on one port: detected by the preface (h2c
//! with prior knowledge), a stream reset ends its exchange alone, and a
//! client that opens more streams than the limit is refused the rest.

use std::net::SocketAddr;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::sync::watch;
use wws_channel::Channel;
use wws_channel::connector::{Http2Mode, HttpVersion, TcpConnector};
use wws_core::EnvelopeVersion;
use wws_listener::{Listener, ReplyChannel};

use crate::common::*;

const STEP: Duration = Duration::from_secs(10);

/// What the service saw.
#[derive(Clone)]
struct Seen {
    /// Exchanges whose service future started.
    started: watch::Sender<usize>,
    /// Exchanges whose service future was dropped before it answered.
    dropped: watch::Sender<usize>,
}

struct CountDrop(Option<watch::Sender<usize>>);

impl Drop for CountDrop {
    fn drop(&mut self) {
        if let Some(c) = self.0.take() {
            c.send_modify(|n| *n += 1);
        }
    }
}

/// A served listener: echoes each request, or (body saying `wait`, or
/// no body at all) waits for ever.
async fn serving(props: wws_listener::ListenerProperties) -> (Listener, SocketAddr, Seen) {
    let seen = Seen {
        started: watch::Sender::new(0),
        dropped: watch::Sender::new(0),
    };
    let listener = Listener::builder()
        .properties(props)
        .build()
        .expect("listener");
    let s = seen.clone();
    listener
        .serve(move |exchange: ReplyChannel| {
            let s = s.clone();
            async move {
                s.started.send_modify(|n| *n += 1);
                let mut dropped = CountDrop(Some(s.dropped.clone()));
                let empty = exchange
                    .headers()
                    .get(http::header::CONTENT_LENGTH)
                    .is_none_or(|v| v == "0");
                if empty {
                    std::future::pending::<()>().await;
                }
                let request = exchange.receive().await.expect("request");
                if std::str::from_utf8(&request.body).is_ok_and(|b| b.contains("wait")) {
                    std::future::pending::<()>().await;
                }
                let mut reply = reply_message(request.envelope, "<t:R xmlns:t=\"urn:test\"/>");
                reply.body = request.body;
                exchange.reply(reply).await.expect("reply");
                dropped.0 = None;
            }
        })
        .expect("serve");
    listener
        .open("127.0.0.1:0".parse().expect("addr"))
        .await
        .expect("open");
    let addr = listener.local_addr().expect("bound");
    (listener, addr, seen)
}

fn channel(mode: Http2Mode) -> Channel {
    let mut props = channel_no_timeouts();
    props.http2 = mode;
    props.receive_response_timeout = Some(STEP);
    Channel::builder()
        .properties(props)
        .connector(TcpConnector::new())
        .build()
        .expect("channel")
}

async fn wait_count(counter: &watch::Sender<usize>, at_least: usize) {
    let mut rx = counter.subscribe();
    tokio::time::timeout(STEP, rx.wait_for(|n| *n >= at_least))
        .await
        .expect("bounded")
        .expect("counter");
}

#[tokio::test]
async fn http11_and_h2c_are_served_on_one_port() {
    let (listener, addr, _) = serving(no_timeouts()).await;
    let h1 = channel(Http2Mode::Off);
    let h2 = channel(Http2Mode::PriorKnowledge);
    for ch in [&h1, &h2] {
        ch.open(&url(addr, "/echo")).await.expect("open");
        let reply = ch
            .request(echo_request(EnvelopeVersion::Soap11, "hi"))
            .await
            .expect("reply");
        assert!(String::from_utf8_lossy(&reply.body).contains("hi"));
    }
    assert_eq!(h1.http_version(), Some(HttpVersion::Http1));
    assert_eq!(h2.http_version(), Some(HttpVersion::Http2));
    // An HTTP/1.1 client whose first bytes are a prefix of the preface ("P") still gets HTTP/1.1.
    let mut raw = RawClient::connect(addr).await;
    raw.send(&soap11_request(
        "/echo",
        "urn:test/Echo",
        "<t:Echo xmlns:t=\"urn:test\">raw</t:Echo>",
    ))
    .await;
    let r = raw.response().await.expect("an HTTP/1.1 answer");
    assert!(r.text().contains("raw"), "{}", r.text());
    listener.close().await.expect("close");
}

#[tokio::test]
async fn an_accepted_channel_answers_over_h2c() {
    let (listener, addr) = open_listener(no_timeouts()).await;
    let h2 = channel(Http2Mode::PriorKnowledge);
    h2.open(&url(addr, "/echo")).await.expect("open");
    let client = tokio::spawn(async move {
        h2.request(echo_request(EnvelopeVersion::Soap11, "one"))
            .await
    });
    let exchange = tokio::time::timeout(STEP, listener.accept_channel())
        .await
        .expect("bounded")
        .expect("accept");
    let request = exchange.receive().await.expect("request");
    let mut reply = reply_message(request.envelope, "");
    reply.body = request.body;
    exchange.reply(reply).await.expect("reply");
    tokio::time::timeout(STEP, client)
        .await
        .expect("bounded")
        .expect("task")
        .expect("reply over h2c to an accepted channel");
}

#[tokio::test]
async fn a_reset_stream_drops_its_exchange_only_and_the_connection_goes_on() {
    let (listener, addr, seen) = serving(no_timeouts()).await;
    let h2 = channel(Http2Mode::PriorKnowledge);
    h2.open(&url(addr, "/echo")).await.expect("open");
    let waiting = tokio::spawn({
        let h2 = h2.clone();
        async move {
            h2.request(echo_request(EnvelopeVersion::Soap11, "wait"))
                .await
        }
    });
    wait_count(&seen.started, 1).await;
    // Dropping the request resets its stream: the server drops that exchange.
    waiting.abort();
    wait_count(&seen.dropped, 1).await;
    let reply = h2
        .request(echo_request(EnvelopeVersion::Soap11, "after"))
        .await
        .expect("the connection serves on");
    assert!(String::from_utf8_lossy(&reply.body).contains("after"));
    assert_eq!(*seen.dropped.borrow(), 1);
    assert_eq!(*seen.started.borrow(), 2);
    listener.close().await.expect("close");
}

#[tokio::test]
async fn an_accepted_exchange_sees_its_stream_reset_as_disconnected() {
    let (listener, addr) = open_listener(no_timeouts()).await;
    let h2 = channel(Http2Mode::PriorKnowledge);
    h2.open(&url(addr, "/echo")).await.expect("open");
    let first = tokio::spawn({
        let h2 = h2.clone();
        async move {
            h2.request(echo_request(EnvelopeVersion::Soap11, "one"))
                .await
        }
    });
    let exchange = listener.accept_channel().await.expect("accept");
    exchange.receive().await.expect("request");
    first.abort();
    tokio::time::timeout(STEP, exchange.disconnected())
        .await
        .expect("the reset is seen");
    assert!(exchange.is_disconnected());
    // The connection carries the next exchange.
    let second = tokio::spawn({
        let h2 = h2.clone();
        async move {
            h2.request(echo_request(EnvelopeVersion::Soap11, "two"))
                .await
        }
    });
    let next = listener.accept_channel().await.expect("accept");
    assert!(!next.is_disconnected());
    let request = next.receive().await.expect("request");
    let mut reply = reply_message(request.envelope, "");
    reply.body = request.body;
    next.reply(reply).await.expect("reply");
    tokio::time::timeout(STEP, second)
        .await
        .expect("bounded")
        .expect("task")
        .expect("second reply");
}

/// A raw HTTP/2 client that ignores the server's stream limit: opens
/// `streams` streams (HEADERS with END_STREAM) at once and returns the
/// socket to read the server's frames from.
async fn open_streams(addr: SocketAddr, streams: u32) -> tokio::net::TcpStream {
    let mut tcp = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let mut out = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".to_vec();
    // An empty SETTINGS frame.
    out.extend_from_slice(&[0, 0, 0, 4, 0, 0, 0, 0, 0]);
    // HPACK: :method POST, :scheme http, :path /, :authority a (literal, indexed name).
    let block: &[u8] = &[0x83, 0x86, 0x84, 0x41, 0x01, b'a'];
    for i in 0..streams {
        let id = 2 * i + 1;
        out.extend_from_slice(&[0, 0, block.len() as u8, 1, 0x5]);
        out.extend_from_slice(&id.to_be_bytes());
        out.extend_from_slice(block);
    }
    tcp.write_all(&out).await.expect("write");
    tcp
}

/// Reads frames until `want` RST_STREAM frames with `code` have come; returns how many came.
async fn count_resets(tcp: &mut tokio::net::TcpStream, code: u32, want: usize) -> usize {
    let mut seen = 0;
    tokio::time::timeout(STEP, async {
        while seen < want {
            let mut head = [0u8; 9];
            if tcp.read_exact(&mut head).await.is_err() {
                break;
            }
            let len = u32::from_be_bytes([0, head[0], head[1], head[2]]) as usize;
            let mut payload = vec![0u8; len];
            if tcp.read_exact(&mut payload).await.is_err() {
                break;
            }
            if head[3] == 3 && payload.get(..4) == Some(&code.to_be_bytes()[..]) {
                seen += 1;
            }
        }
    })
    .await
    .expect("bounded");
    seen
}

#[tokio::test]
async fn streams_over_the_limit_are_refused_not_served() {
    let mut props = no_timeouts();
    props.http2.max_concurrent_streams = 4;
    let (listener, addr, seen) = serving(props).await;
    let mut tcp = open_streams(addr, 10).await;
    // REFUSED_STREAM (7) for each stream past the limit, on the wire.
    const REFUSED_STREAM: u32 = 7;
    assert_eq!(count_resets(&mut tcp, REFUSED_STREAM, 6).await, 6);
    wait_count(&seen.started, 4).await;
    // The refused streams never reached the service.
    assert_eq!(*seen.started.borrow(), 4);
    listener.abort();
}

/// Opens a stream and resets it at once (CANCEL), `streams` times (the
/// "rapid reset" flood), then pings: the GOAWAY error code the server
/// sent, or `None` when it answered the ping with the connection alive.
async fn reset_flood(addr: SocketAddr, streams: u32) -> Option<u32> {
    let mut tcp = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let mut out = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".to_vec();
    out.extend_from_slice(&[0, 0, 0, 4, 0, 0, 0, 0, 0]);
    let block: &[u8] = &[0x83, 0x86, 0x84, 0x41, 0x01, b'a'];
    for i in 0..streams {
        let id = (2 * i + 1).to_be_bytes();
        out.extend_from_slice(&[0, 0, block.len() as u8, 1, 0x4]);
        out.extend_from_slice(&id);
        out.extend_from_slice(block);
        out.extend_from_slice(&[0, 0, 4, 3, 0]);
        out.extend_from_slice(&id);
        out.extend_from_slice(&8u32.to_be_bytes());
    }
    // PING with an 8-byte payload.
    out.extend_from_slice(&[0, 0, 8, 6, 0, 0, 0, 0, 0]);
    out.extend_from_slice(b"wws-ping");
    let _ = tcp.write_all(&out).await;
    tokio::time::timeout(STEP, async {
        loop {
            let mut head = [0u8; 9];
            if tcp.read_exact(&mut head).await.is_err() {
                return None;
            }
            let len = u32::from_be_bytes([0, head[0], head[1], head[2]]) as usize;
            let mut payload = vec![0u8; len];
            if tcp.read_exact(&mut payload).await.is_err() {
                return None;
            }
            match head[3] {
                7 => {
                    return payload
                        .get(4..8)
                        .map(|c| u32::from_be_bytes([c[0], c[1], c[2], c[3]]));
                }
                6 if head[4] & 1 == 1 => return None,
                _ => {}
            }
        }
    })
    .await
    .expect("the server answers")
}

#[tokio::test]
async fn a_flood_of_reset_streams_closes_the_connection_at_the_limit() {
    const ENHANCE_YOUR_CALM: u32 = 0xb;
    let (listener, addr, seen) = serving(no_timeouts()).await;
    assert_eq!(reset_flood(addr, 200).await, Some(ENHANCE_YOUR_CALM));
    assert!(*seen.started.borrow() < 200, "not every stream was served");
    listener.abort();
    // The limit is the listener's: raised, the same flood is served.
    let mut props = no_timeouts();
    props.http2.max_pending_reset_streams = 1000;
    let (listener, addr, _) = serving(props).await;
    assert_eq!(reset_flood(addr, 200).await, None, "the ping is answered");
    listener.abort();
}

/// A served listener with a 200 ms header timeout, and a client that
/// opens an HTTP/2 connection (preface, SETTINGS) and then no stream.
async fn idle_connection() -> (Listener, tokio::net::TcpStream, Seen) {
    let mut props = no_timeouts();
    props.header_read_timeout = Some(Duration::from_millis(200));
    let (listener, addr, seen) = serving(props).await;
    let mut tcp = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let mut out = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".to_vec();
    out.extend_from_slice(&[0, 0, 0, 4, 0, 0, 0, 0, 0]);
    tcp.write_all(&out).await.expect("write");
    (listener, tcp, seen)
}

#[tokio::test]
async fn an_idle_http2_connection_is_sent_goaway_and_closed_at_the_header_timeout() {
    let (listener, mut tcp, _) = idle_connection().await;
    // Closed within STEP (frames_until_closed's bound), after a GOAWAY.
    let frames = frames_until_closed(&mut tcp).await;
    assert!(frames.iter().any(|f| f.0 == GOAWAY), "{frames:?}");
    listener.abort();
}

/// Reads the server's frames until it closes the connection (within
/// [`STEP`]), answering its PINGs (a graceful shutdown waits for one):
/// each frame's type and stream with, for RST_STREAM and GOAWAY, its error code.
async fn frames_until_closed(tcp: &mut tokio::net::TcpStream) -> Vec<(u8, u32, Option<u32>)> {
    let mut frames = Vec::new();
    tokio::time::timeout(STEP, async {
        loop {
            let mut head = [0u8; 9];
            if tcp.read_exact(&mut head).await.is_err() {
                return;
            }
            let len = u32::from_be_bytes([0, head[0], head[1], head[2]]) as usize;
            let mut payload = vec![0u8; len];
            if tcp.read_exact(&mut payload).await.is_err() {
                return;
            }
            let stream = u32::from_be_bytes([head[5], head[6], head[7], head[8]]) & 0x7fff_ffff;
            let code = match head[3] {
                3 => payload.get(..4),
                // GOAWAY: last stream id, then the error code.
                7 => payload.get(4..8),
                6 if head[4] & 1 == 0 => {
                    let mut ack = vec![0, 0, 8, 6, 1, 0, 0, 0, 0];
                    ack.extend_from_slice(&payload);
                    let _ = tcp.write_all(&ack).await;
                    None
                }
                _ => None,
            }
            .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]));
            frames.push((head[3], stream, code));
        }
    })
    .await
    .expect("the server closed the connection");
    frames
}

const CANCEL: u32 = 8;
const HEADERS: u8 = 1;
const RST_STREAM: u8 = 3;
const GOAWAY: u8 = 7;

#[tokio::test]
async fn an_aborted_exchange_resets_its_stream_with_cancel_and_the_connection_goes_on() {
    let (listener, addr) = open_listener(no_timeouts()).await;
    // Streams 1 and 3.
    let mut tcp = open_streams(addr, 2).await;
    let first = listener.accept_channel().await.expect("accept");
    let second = listener.accept_channel().await.expect("accept");
    first.abort();
    // The other stream is alive on the same connection: it is answered.
    second
        .reply_http(
            http::StatusCode::OK,
            None,
            bytes::Bytes::from_static(b"ok"),
            http::HeaderMap::new(),
        )
        .await
        .expect("answered");
    listener.close().await.expect("close");
    let frames = frames_until_closed(&mut tcp).await;
    let resets: Vec<_> = frames.iter().filter(|f| f.0 == RST_STREAM).collect();
    // The abort's RST_STREAM says CANCEL ("no longer needed"), not
    // INTERNAL_ERROR: the server did not fail.
    assert_eq!(resets.len(), 1, "{frames:?}");
    assert_eq!(resets[0].2, Some(CANCEL), "{frames:?}");
    let answered: Vec<u32> = frames
        .iter()
        .filter(|f| f.0 == HEADERS)
        .map(|f| f.1)
        .collect();
    // One stream of the two was reset, the other answered (whichever was accepted first).
    let mut both = [resets[0].1, answered.first().copied().unwrap_or(0)];
    both.sort_unstable();
    assert_eq!((answered.len(), both), (1, [1, 3]), "{frames:?}");
}

#[tokio::test]
async fn listener_abort_resets_every_served_stream_with_cancel_sends_goaway_and_closes() {
    let (listener, addr, seen) = serving(no_timeouts()).await;
    // Three streams whose service waits for ever.
    let mut tcp = open_streams(addr, 3).await;
    wait_count(&seen.started, 3).await;
    listener.abort();
    let frames = frames_until_closed(&mut tcp).await;
    let resets: Vec<_> = frames.iter().filter(|f| f.0 == RST_STREAM).collect();
    assert_eq!(resets.len(), 3, "{frames:?}");
    assert!(resets.iter().all(|f| f.2 == Some(CANCEL)), "{frames:?}");
    assert!(
        frames.iter().any(|f| f.0 == GOAWAY),
        "GOAWAY before the close: {frames:?}"
    );
    // Each stream's exchange was ended, not left running.
    wait_count(&seen.dropped, 3).await;
}

#[tokio::test]
async fn the_http2_limits_are_checked_by_the_builder() {
    let mut props = no_timeouts();
    props.http2.max_concurrent_streams = 0;
    let r = Listener::with_properties(props);
    assert!(
        matches!(
            r,
            Err(wws_core::Error::InvalidProperty {
                property: "http2.max_concurrent_streams",
                ..
            })
        ),
        "{r:?}"
    );
    let mut props = no_timeouts();
    props.http2.initial_stream_window_size = 1000;
    assert!(Listener::with_properties(props).is_err());
    let d = wws_listener::Http2Limits::default();
    assert_eq!(
        (d.max_concurrent_streams, d.max_pending_reset_streams),
        (100, 20)
    );
}

#[tokio::test]
async fn a_stream_opened_while_an_idle_connection_says_goodbye_is_reset_not_dropped() {
    let (listener, mut tcp, seen) = idle_connection().await;
    // Idle for the header timeout: the graceful GOAWAY (last stream 2^31-1)
    // comes, with a PING this client never answers.
    tokio::time::timeout(STEP, async {
        loop {
            let mut head = [0u8; 9];
            tcp.read_exact(&mut head).await.expect("a frame");
            let len = u32::from_be_bytes([0, head[0], head[1], head[2]]) as usize;
            let mut payload = vec![0u8; len];
            tcp.read_exact(&mut payload).await.expect("its payload");
            if head[3] == GOAWAY {
                return;
            }
        }
    })
    .await
    .expect("GOAWAY");
    // A stream the first GOAWAY still allows, whose service waits for ever.
    let block: &[u8] = &[0x83, 0x86, 0x84, 0x41, 0x01, b'a'];
    let mut headers = vec![0, 0, block.len() as u8, 1, 0x5, 0, 0, 0, 1];
    headers.extend_from_slice(block);
    tcp.write_all(&headers).await.expect("write");
    wait_count(&seen.started, 1).await;
    // The close is bounded by the same timeout; the stream is reset, not dropped unsaid.
    let frames = frames_until_closed(&mut tcp).await;
    assert!(
        frames.contains(&(RST_STREAM, 1, Some(CANCEL))),
        "{frames:?}"
    );
    wait_count(&seen.dropped, 1).await;
    listener.abort();
}
