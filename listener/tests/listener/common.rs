//! Helpers shared by the listener tests: listeners, raw HTTP clients, messages.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use wws_core::{AddressingVersion, EnvelopeVersion, Message};
use wws_listener::Listener;
use wws_listener::ListenerProperties;

/// Largest response head the raw client reads.
const MAX_HEAD: usize = 64 * 1024;

/// Listener properties with no timeouts, so tests set only the one they study.
pub fn no_timeouts() -> ListenerProperties {
    {
        let mut props = ListenerProperties::default();
        props.header_read_timeout = None;
        props.body_read_timeout = None;
        props.send_timeout = None;
        props
    }
}

/// An open listener on 127.0.0.1 with a free port.
pub async fn open_listener(props: ListenerProperties) -> (Listener, SocketAddr) {
    let listener = Listener::with_properties(props).expect("valid properties");
    listener
        .open("127.0.0.1:0".parse().expect("addr"))
        .await
        .expect("listener open");
    let addr = listener.local_addr().expect("bound");
    (listener, addr)
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

/// The bytes of a SOAP 1.1 POST to `path` with `SOAPAction: "<action>"`.
pub fn soap11_request(path: &str, action: &str, body: &str) -> Vec<u8> {
    let envelope = envelope11(body);
    format!(
        "POST {path} HTTP/1.1\r\nhost: test\r\ncontent-type: text/xml; charset=utf-8\r\nsoapaction: \"{action}\"\r\ncontent-length: {}\r\n\r\n{envelope}",
        envelope.len()
    )
    .into_bytes()
}

/// The bytes of a SOAP 1.2 POST to `path` with the action parameter.
pub fn soap12_request(path: &str, action: &str, body: &str) -> Vec<u8> {
    let envelope = envelope12(body);
    format!(
        "POST {path} HTTP/1.1\r\nhost: test\r\ncontent-type: application/soap+xml; charset=utf-8; action=\"{action}\"\r\ncontent-length: {}\r\n\r\n{envelope}",
        envelope.len()
    )
    .into_bytes()
}

/// A response as the raw client read it.
#[derive(Debug)]
pub struct RawResponse {
    /// Status code.
    pub status: u16,
    /// Status line and headers.
    pub head: String,
    /// Content-Length framed body.
    pub body: Vec<u8>,
}

impl RawResponse {
    /// The value of header `name`, case-insensitive.
    pub fn header(&self, name: &str) -> Option<String> {
        self.head.lines().skip(1).find_map(|line| {
            let (k, v) = line.split_once(':')?;
            k.trim()
                .eq_ignore_ascii_case(name)
                .then(|| v.trim().to_owned())
        })
    }

    /// The body as text.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// A raw HTTP/1.1 client connection that buffers what it read past a response.
pub struct RawClient {
    pub stream: TcpStream,
    buf: Vec<u8>,
}

impl RawClient {
    /// Connects to `addr`.
    pub async fn connect(addr: SocketAddr) -> RawClient {
        RawClient {
            stream: TcpStream::connect(addr).await.expect("connect"),
            buf: Vec::new(),
        }
    }

    /// Writes `bytes`.
    pub async fn send(&mut self, bytes: &[u8]) {
        self.stream.write_all(bytes).await.expect("write");
    }

    /// Reads one Content-Length framed response; `None` if the server closed first.
    pub async fn response(&mut self) -> Option<RawResponse> {
        let mut chunk = [0u8; 4096];
        let end = loop {
            if let Some(i) = self.buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break i;
            }
            assert!(self.buf.len() < MAX_HEAD, "response head too large");
            match self.stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return None,
                Ok(n) => self.buf.extend_from_slice(&chunk[..n]),
            }
        };
        let head = String::from_utf8(self.buf[..end].to_vec()).expect("utf-8 head");
        self.buf.drain(..end + 4);
        let status = head
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .expect("status code");
        let mut resp = RawResponse {
            status,
            head,
            body: Vec::new(),
        };
        let len: usize = resp
            .header("content-length")
            .map(|v| v.parse().expect("content-length"))
            .unwrap_or(0);
        while self.buf.len() < len {
            match self.stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return None,
                Ok(n) => self.buf.extend_from_slice(&chunk[..n]),
            }
        }
        resp.body = self.buf.drain(..len).collect();
        Some(resp)
    }

    /// Waits until the server closes the connection, within `bound`; panics otherwise.
    /// Returns the bytes that arrived before the close.
    pub async fn closed_by_server(&mut self, bound: Duration) -> Vec<u8> {
        let mut chunk = [0u8; 4096];
        let mut got = std::mem::take(&mut self.buf);
        tokio::time::timeout(bound, async {
            // Bounded by the timeout; each turn consumes bytes or ends.
            loop {
                match self.stream.read(&mut chunk).await {
                    Ok(0) | Err(_) => return,
                    Ok(n) => got.extend_from_slice(&chunk[..n]),
                }
            }
        })
        .await
        .expect("the server did not close the connection in time");
        got
    }
}

/// A reply message with `body`.
pub fn reply_message(envelope: EnvelopeVersion, body: &str) -> Message {
    let mut m = Message::new(envelope, AddressingVersion::Transport);
    m.body = bytes::Bytes::copy_from_slice(body.as_bytes());
    m
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

/// Whether `r` is the listener's `Aborted`.
pub fn is_listener_aborted<T: std::fmt::Debug>(r: &wws_core::Result<T>) -> bool {
    matches!(r, Err(wws_core::Error::Aborted { object: "Listener" }))
}

/// Waits (bounded) until nothing accepts on `addr` any more.
pub async fn assert_port_closed(addr: SocketAddr) {
    for _ in 0..1000 {
        if TcpStream::connect(addr).await.is_err() {
            return;
        }
        tokio::task::yield_now().await;
    }
    panic!("{addr} still accepts connections");
}

// Helpers of the channel tests that run against a listener.

/// A request message with `body` (a standalone XML element).
pub fn request_message(envelope: EnvelopeVersion, action: Option<&str>, body: &str) -> Message {
    let mut msg = Message::new(envelope, AddressingVersion::Transport);
    msg.action = action.map(str::to_owned);
    msg.body = bytes::Bytes::copy_from_slice(body.as_bytes());
    msg
}

/// An Echo request in the test namespace.
pub fn echo_request(envelope: EnvelopeVersion, text: &str) -> Message {
    request_message(
        envelope,
        Some("urn:test/Echo"),
        &format!("<t:Echo xmlns:t=\"urn:test\"><t:text>{text}</t:text></t:Echo>"),
    )
}

/// Channel properties with every timeout infinite, so tests set only the one they study.
pub fn channel_no_timeouts() -> wws_channel::ChannelProperties {
    {
        let mut props = wws_channel::ChannelProperties::default();
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
