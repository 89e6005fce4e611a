//! Helpers shared by the channel tests: messages, and a raw HTTP/1.1 peer that can misbehave.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::time::Duration;

use bytes::Bytes;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpSocket, TcpStream};
use wws_channel::ChannelProperties;
use wws_core::{AddressingVersion, EnvelopeVersion, Message};

/// Largest request head the raw peer reads.
const MAX_HEAD: usize = 64 * 1024;

/// A request message with `body` (a standalone XML element).
pub fn message(envelope: EnvelopeVersion, action: Option<&str>, body: &str) -> Message {
    let mut m = Message::new(envelope, AddressingVersion::Transport);
    m.action = action.map(str::to_owned);
    m.body = Bytes::copy_from_slice(body.as_bytes());
    m
}

/// An Echo request in the test namespace.
pub fn echo(envelope: EnvelopeVersion, text: &str) -> Message {
    message(
        envelope,
        Some("urn:test/Echo"),
        &format!("<t:Echo xmlns:t=\"urn:test\"><t:text>{text}</t:text></t:Echo>"),
    )
}

/// Channel properties with every timeout infinite, so tests set only the one they study.
pub fn no_timeouts() -> ChannelProperties {
    {
        let mut props = ChannelProperties::default();
        props.connect_timeout = None;
        props.send_timeout = None;
        props.receive_response_timeout = None;
        props.receive_timeout = None;
        props
    }
}

/// The URL of `addr` with `path`.
pub fn url(addr: SocketAddr, path: &str) -> String {
    format!("http://{addr}{path}")
}

/// A raw TCP listener on loopback.
pub async fn raw_listener() -> (TcpListener, SocketAddr) {
    let l = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = l.local_addr().expect("addr");
    (l, addr)
}

/// A request as the raw peer read it.
#[derive(Debug)]
pub struct RawRequest {
    /// Request line and headers, without the final blank line.
    pub head: String,
    /// The body (Content-Length framed).
    pub body: Vec<u8>,
}

impl RawRequest {
    /// The value of header `name` (case-insensitive), if present.
    pub fn header(&self, name: &str) -> Option<String> {
        self.head.lines().skip(1).find_map(|line| {
            let (k, v) = line.split_once(':')?;
            k.trim()
                .eq_ignore_ascii_case(name)
                .then(|| v.trim().to_owned())
        })
    }

    /// The request line.
    pub fn request_line(&self) -> &str {
        self.head.lines().next().unwrap_or("")
    }
}

/// Reads one Content-Length framed request; `None` on a clean EOF before any byte.
pub async fn read_request(stream: &mut TcpStream) -> Option<RawRequest> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i;
        }
        assert!(buf.len() < MAX_HEAD, "request head too large");
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8(buf[..head_end].to_vec()).expect("utf-8 head");
    let mut req = RawRequest {
        head,
        body: buf[head_end + 4..].to_vec(),
    };
    let len: usize = req
        .header("content-length")
        .map(|v| v.parse().expect("content-length"))
        .unwrap_or(0);
    while req.body.len() < len {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        req.body.extend_from_slice(&chunk[..n]);
    }
    Some(req)
}

/// Writes a response with a Content-Length framed `body`.
pub async fn write_response(
    stream: &mut TcpStream,
    status: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) {
    let mut out = format!("HTTP/1.1 {status}\r\ncontent-length: {}\r\n", body.len());
    for (k, v) in headers {
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    out.push_str("\r\n");
    let mut bytes = out.into_bytes();
    bytes.extend_from_slice(body);
    stream.write_all(&bytes).await.expect("write response");
}

/// Waits until the peer closes `stream` (EOF or reset), discarding what it sends.
///
/// Panics after `bound`: the tests use it to prove the socket was really closed.
pub async fn await_peer_close(stream: &mut TcpStream, bound: Duration) {
    let mut chunk = [0u8; 4096];
    tokio::time::timeout(bound, async {
        // Bounded by the timeout; each turn consumes bytes or ends.
        loop {
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(_) => continue,
            }
        }
    })
    .await
    .expect("the peer did not close the connection in time");
}

/// A SOAP 1.1 envelope around `body`.
pub fn envelope11(body: &str) -> String {
    format!(
        "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body>{body}</s:Body></s:Envelope>"
    )
}

/// A SOAP 1.2 envelope around `body`.
pub fn envelope12(body: &str) -> String {
    format!(
        "<e:Envelope xmlns:e=\"http://www.w3.org/2003/05/soap-envelope\"><e:Body>{body}</e:Body></e:Envelope>"
    )
}

/// An address whose listen queue is full: a connect to it hangs (SYNs are dropped).
///
/// The returned socket and filler connection keep the black hole alive.
pub async fn black_hole() -> (SocketAddr, TcpListener, TcpStream) {
    let socket = TcpSocket::new_v4().expect("socket");
    socket
        .bind("127.0.0.1:0".parse().expect("addr"))
        .expect("bind");
    // Backlog 0: one connection fills the accept queue; it is never accepted.
    let listener = socket.listen(0).expect("listen");
    let addr = listener.local_addr().expect("addr");
    let filler = TcpStream::connect(addr).await.expect("filler connect");
    (addr, listener, filler)
}

/// A raw HTTP response with a Content-Length framed body.
pub fn response(status: &str, headers: &[(&str, &str)], body: &str) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {status}\r\ncontent-length: {}\r\n", body.len());
    for (k, v) in headers {
        out.push_str(&format!("{k}: {v}\r\n"));
    }
    out.push_str("\r\n");
    out.push_str(body);
    out.into_bytes()
}

/// Serves one connection: answers each request with the next canned response
/// (raw bytes), then closes. Returns the requests it read.
pub async fn canned_server(
    responses: Vec<Vec<u8>>,
) -> (SocketAddr, tokio::task::JoinHandle<Vec<RawRequest>>) {
    let (listener, addr) = raw_listener().await;
    let task = tokio::spawn(async move {
        let (mut stream, _) = listener.accept().await.expect("accept");
        let mut seen = Vec::new();
        for resp in responses {
            let Some(req) = read_request(&mut stream).await else {
                break;
            };
            seen.push(req);
            stream.write_all(&resp).await.expect("write");
        }
        seen
    });
    (addr, task)
}

/// Polls `fut` exactly once; `Some` if it completed.
pub async fn poll_once<F: std::future::Future + Unpin>(fut: &mut F) -> Option<F::Output> {
    std::future::poll_fn(|cx| {
        std::task::Poll::Ready(match std::pin::Pin::new(&mut *fut).poll(cx) {
            std::task::Poll::Ready(v) => Some(v),
            std::task::Poll::Pending => None,
        })
    })
    .await
}

/// A server that takes one request and never answers. `got_request` fires
/// when the request was read; `closed` when the client closed the connection.
pub async fn stalled_server() -> (
    SocketAddr,
    tokio::sync::oneshot::Receiver<()>,
    tokio::sync::oneshot::Receiver<()>,
) {
    let (listener, addr) = raw_listener().await;
    let (got_tx, got_rx) = tokio::sync::oneshot::channel();
    let (closed_tx, closed_rx) = tokio::sync::oneshot::channel();
    tokio::spawn(async move {
        let (mut stream, _) = listener.accept().await.expect("accept");
        read_request(&mut stream).await.expect("request");
        let _ = got_tx.send(());
        await_peer_close(&mut stream, Duration::from_secs(3600)).await;
        let _ = closed_tx.send(());
    });
    (addr, got_rx, closed_rx)
}

/// Whether `err` is the channel's `Aborted`.
pub fn is_channel_aborted<T: std::fmt::Debug>(r: &wws_core::Result<T>) -> bool {
    matches!(r, Err(wws_core::Error::Aborted { object: "Channel" }))
}
