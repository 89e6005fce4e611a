//! HTTP/2 with prior knowledge (h2c) against a hyper HTTP/2 server made
//! here: requests of one channel run at once on one connection, and a
//! request dropped, timed out or over its quota resets only its stream.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo};
use tokio::net::TcpListener;
use tokio::sync::watch;
use wws_channel::connector::{Http2Mode, HttpVersion};
use wws_channel::{Channel, ChannelState};
use wws_core::{EnvelopeVersion, Error};

use crate::common::*;

/// Bound on any one step.
const STEP: Duration = Duration::from_secs(10);

/// What the server saw.
#[derive(Clone)]
struct Seen {
    connections: Arc<AtomicUsize>,
    /// Requests whose body arrived whole.
    arrived: watch::Sender<usize>,
    /// Requests whose exchange hyper dropped unanswered (the client reset the stream, or left).
    reset: watch::Sender<usize>,
    /// Plain requests are answered once this many requests have arrived.
    gate: watch::Sender<usize>,
}

/// Counts an exchange dropped before it answered.
struct Unanswered(Option<watch::Sender<usize>>);

impl Drop for Unanswered {
    fn drop(&mut self) {
        if let Some(reset) = self.0.take() {
            reset.send_modify(|n| *n += 1);
        }
    }
}

/// An h2c server: a body with `hold` is never answered, one with `big`
/// gets a 64 KiB reply, others an Echo reply once `gate` requests arrived.
async fn h2c_server() -> (SocketAddr, Seen) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let seen = Seen {
        connections: Arc::new(AtomicUsize::new(0)),
        arrived: watch::Sender::new(0),
        reset: watch::Sender::new(0),
        gate: watch::Sender::new(0),
    };
    let server = seen.clone();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            server.connections.fetch_add(1, Ordering::SeqCst);
            let seen = server.clone();
            let service = service_fn(move |req: http::Request<hyper::body::Incoming>| {
                let seen = seen.clone();
                async move {
                    let mut guard = Unanswered(Some(seen.reset.clone()));
                    let body = req.into_body().collect().await.map(|b| b.to_bytes());
                    let body = body.unwrap_or_default();
                    seen.arrived.send_modify(|n| *n += 1);
                    let text = String::from_utf8_lossy(&body).into_owned();
                    if text.contains("hold") {
                        std::future::pending::<()>().await;
                    }
                    let reply = if text.contains("big") {
                        envelope11(&format!(
                            "<t:EchoResponse xmlns:t=\"urn:test\">{}</t:EchoResponse>",
                            "x".repeat(64 * 1024)
                        ))
                    } else {
                        let gate = *seen.gate.borrow();
                        let mut arrived = seen.arrived.subscribe();
                        let _ = arrived.wait_for(|n| *n >= gate).await;
                        envelope11("<t:EchoResponse xmlns:t=\"urn:test\"/>")
                    };
                    guard.0 = None;
                    Ok::<_, Infallible>(
                        http::Response::builder()
                            .header("content-type", "text/xml; charset=utf-8")
                            .body(Full::new(Bytes::from(reply)))
                            .expect("response"),
                    )
                }
            });
            tokio::spawn(
                hyper::server::conn::http2::Builder::new(TokioExecutor::new())
                    .serve_connection(TokioIo::new(tcp), service),
            );
        }
    });
    (addr, seen)
}

fn h2c_channel(configure: impl FnOnce(&mut wws_channel::ChannelProperties)) -> Channel {
    let mut props = no_timeouts();
    props.connect_timeout = Some(STEP);
    props.http2 = Http2Mode::PriorKnowledge;
    configure(&mut props);
    Channel::builder()
        .properties(props)
        .connector(wws_channel::connector::TcpConnector::new())
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

fn hold() -> wws_core::Message {
    echo(EnvelopeVersion::Soap11, "hold")
}

#[tokio::test]
async fn requests_of_one_channel_run_at_once_on_one_connection() {
    let (addr, seen) = h2c_server().await;
    // Nobody is answered before all ten have arrived: over one HTTP/1.1
    // connection this could not finish.
    seen.gate.send_replace(10);
    let channel = h2c_channel(|_| {});
    channel.open(&url(addr, "/x")).await.expect("open");
    assert_eq!(channel.http_version(), Some(HttpVersion::Http2));
    let calls = (0..10).map(|i| channel.request(echo(EnvelopeVersion::Soap11, &i.to_string())));
    let replies = tokio::time::timeout(STEP, futures_join_all(calls))
        .await
        .expect("bounded");
    for r in replies {
        r.expect("reply");
    }
    assert_eq!(seen.connections.load(Ordering::SeqCst), 1);
    tokio::time::timeout(STEP, channel.close())
        .await
        .expect("bounded")
        .expect("close");
}

#[tokio::test]
async fn a_dropped_request_resets_its_stream_only() {
    let (addr, seen) = h2c_server().await;
    let channel = h2c_channel(|_| {});
    channel.open(&url(addr, "/x")).await.expect("open");
    let held = tokio::spawn({
        let channel = channel.clone();
        async move { channel.request(hold()).await }
    });
    wait_count(&seen.arrived, 1).await;
    held.abort();
    // The server's exchange is dropped: the stream was reset.
    wait_count(&seen.reset, 1).await;
    assert_eq!(channel.state(), ChannelState::Open);
    channel
        .request(echo(EnvelopeVersion::Soap11, "after"))
        .await
        .expect("the connection goes on");
    assert_eq!(seen.connections.load(Ordering::SeqCst), 1);
    assert_eq!(*seen.reset.borrow(), 1);
}

#[tokio::test]
async fn a_timed_out_request_resets_its_stream_and_leaves_the_channel_open() {
    let (addr, seen) = h2c_server().await;
    let channel = h2c_channel(|p| p.receive_response_timeout = Some(Duration::from_millis(100)));
    channel.open(&url(addr, "/x")).await.expect("open");
    let r = tokio::time::timeout(STEP, channel.request(hold()))
        .await
        .expect("bounded");
    assert!(matches!(r, Err(Error::TimedOut { .. })), "{r:?}");
    wait_count(&seen.reset, 1).await;
    assert_eq!(channel.state(), ChannelState::Open);
    channel
        .request(echo(EnvelopeVersion::Soap11, "after"))
        .await
        .expect("the connection goes on");
    assert_eq!(seen.connections.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_reply_over_the_quota_fails_that_request_only() {
    let (addr, seen) = h2c_server().await;
    let channel = h2c_channel(|p| p.quotas.max_message_size = 16 * 1024);
    channel.open(&url(addr, "/x")).await.expect("open");
    let r = channel.request(echo(EnvelopeVersion::Soap11, "big")).await;
    assert!(matches!(r, Err(Error::QuotaExceeded { .. })), "{r:?}");
    assert_eq!(channel.state(), ChannelState::Open);
    channel
        .request(echo(EnvelopeVersion::Soap11, "after"))
        .await
        .expect("the connection goes on");
    assert_eq!(seen.connections.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn abort_ends_every_stream_and_the_connection() {
    let (addr, seen) = h2c_server().await;
    let channel = h2c_channel(|_| {});
    channel.open(&url(addr, "/x")).await.expect("open");
    let held: Vec<_> = (0..3)
        .map(|_| {
            let channel = channel.clone();
            tokio::spawn(async move { channel.request(hold()).await })
        })
        .collect();
    wait_count(&seen.arrived, 3).await;
    channel.abort();
    for h in held {
        let r = tokio::time::timeout(STEP, h)
            .await
            .expect("bounded")
            .expect("task");
        assert!(is_channel_aborted(&r), "{r:?}");
    }
    // The server sees the connection go: every exchange on it is dropped.
    wait_count(&seen.reset, 3).await;
    assert_eq!(channel.state(), ChannelState::Faulted);
}

#[tokio::test]
async fn close_waits_for_the_streams_in_flight() {
    let (addr, seen) = h2c_server().await;
    seen.gate.send_replace(2);
    let channel = h2c_channel(|_| {});
    channel.open(&url(addr, "/x")).await.expect("open");
    let first = tokio::spawn({
        let channel = channel.clone();
        async move { channel.request(echo(EnvelopeVersion::Soap11, "1")).await }
    });
    wait_count(&seen.arrived, 1).await;
    let closing = tokio::spawn({
        let channel = channel.clone();
        async move { channel.close().await }
    });
    // The close waits for the first; a request of another channel opens
    // the server's gate, which then answers it.
    let other = h2c_channel(|_| {});
    other.open(&url(addr, "/x")).await.expect("open");
    other
        .request(echo(EnvelopeVersion::Soap11, "2"))
        .await
        .expect("second");
    tokio::time::timeout(STEP, first)
        .await
        .expect("bounded")
        .expect("task")
        .expect("the request in flight was answered, not cut by close");
    tokio::time::timeout(STEP, closing)
        .await
        .expect("bounded")
        .expect("task")
        .expect("close");
    assert_eq!(channel.state(), ChannelState::Closed);
    assert_eq!(*seen.reset.borrow(), 0);
}

/// Polls every future to its end, concurrently on this task.
async fn futures_join_all<F: std::future::Future>(
    futures: impl Iterator<Item = F>,
) -> Vec<F::Output> {
    let mut futures: Vec<_> = futures.map(Box::pin).collect();
    let mut out: Vec<Option<F::Output>> = futures.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (f, o) in futures.iter_mut().zip(out.iter_mut()) {
            if o.is_none() {
                match f.as_mut().poll(cx) {
                    std::task::Poll::Ready(v) => *o = Some(v),
                    std::task::Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            std::task::Poll::Pending
        } else {
            std::task::Poll::Ready(())
        }
    })
    .await;
    out.into_iter().flatten().collect()
}

/// Reads one HTTP/2 frame: (type, payload); `None` at EOF.
async fn read_frame(tcp: &mut tokio::net::TcpStream) -> Option<(u8, Vec<u8>)> {
    use tokio::io::AsyncReadExt;
    let mut head = [0u8; 9];
    tcp.read_exact(&mut head).await.ok()?;
    let len = u32::from_be_bytes([0, head[0], head[1], head[2]]) as usize;
    let mut payload = vec![0u8; len];
    tcp.read_exact(&mut payload).await.ok()?;
    Some((head[3], payload))
}

#[tokio::test]
async fn abort_says_goaway_and_closes_the_socket() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let channel = h2c_channel(|_| {});
    channel.open(&url(addr, "/x")).await.expect("open");
    let (mut tcp, _) = listener.accept().await.expect("accept");
    let mut preface = [0u8; 24];
    tcp.read_exact(&mut preface).await.expect("preface");
    assert_eq!(&preface, b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
    // An empty SETTINGS, and the ACK of the client's.
    tcp.write_all(&[0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 4, 1, 0, 0, 0, 0])
        .await
        .expect("settings");
    let request = tokio::spawn({
        let channel = channel.clone();
        async move { channel.request(hold()).await }
    });
    // The request's HEADERS arrive; this server never answers.
    tokio::time::timeout(STEP, async {
        while let Some((kind, _)) = read_frame(&mut tcp).await {
            if kind == 1 {
                return;
            }
        }
        panic!("closed before the request");
    })
    .await
    .expect("bounded");
    channel.abort();
    let r = tokio::time::timeout(STEP, request)
        .await
        .expect("bounded")
        .expect("task");
    assert!(is_channel_aborted(&r), "{r:?}");
    // The server reads GOAWAY, then the end of the stream: the socket is closed.
    let frames = tokio::time::timeout(STEP, async {
        let mut kinds = Vec::new();
        while let Some((kind, _)) = read_frame(&mut tcp).await {
            kinds.push(kind);
        }
        kinds
    })
    .await
    .expect("the socket is closed");
    assert!(frames.contains(&7), "GOAWAY among {frames:?}");
}

/// A request's future is what waits, by the thousand, over HTTP/2: its
/// exchange (the connect, HTTP/1.1 and HTTP/2 states, the message) stays
/// boxed, so a pending request holds a small future plus one allocation
/// the size of its HTTP/2 state, not of the largest phase.
#[test]
fn a_pending_request_future_is_small() {
    let channel = h2c_channel(|_| {});
    let request = channel.request_with_envelope(hold(), http::HeaderMap::new());
    let size = size_of_val(&request);
    assert!(
        size <= 640,
        "a request future is {size} bytes: its exchange is inline"
    );
}
