//! Raw HTTP/1.1 over TcpStream, so that tests control every byte, and a
//! small test service on the host.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Upper bound for any single network step in these tests (generous: CI is a loaded 2-core box).
pub const STEP: Duration = Duration::from_secs(10);

/// One parsed HTTP response.
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// A client connection that can send several requests (keep-alive).
pub struct Conn {
    stream: TcpStream,
    buf: Vec<u8>,
}

impl Conn {
    pub async fn connect(addr: SocketAddr) -> Conn {
        let stream = tokio::time::timeout(STEP, TcpStream::connect(addr))
            .await
            .expect("connect timed out")
            .expect("connect");
        Conn {
            stream,
            buf: Vec::new(),
        }
    }

    /// Sends raw bytes.
    pub async fn send_raw(&mut self, bytes: &[u8]) {
        self.stream.write_all(bytes).await.expect("write");
    }

    /// Sends a request with `Content-Length`.
    pub async fn send(&mut self, method: &str, path: &str, headers: &[(&str, &str)], body: &str) {
        let mut req = format!("{method} {path} HTTP/1.1\r\nHost: test.invalid:1234\r\n");
        for (n, v) in headers {
            req.push_str(&format!("{n}: {v}\r\n"));
        }
        req.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
        req.push_str(body);
        self.send_raw(req.as_bytes()).await;
    }

    /// Reads one response (bounded by [`STEP`]).
    pub async fn read(&mut self) -> Response {
        tokio::time::timeout(STEP, self.read_inner())
            .await
            .expect("response timed out")
    }

    /// Whether the server closed the connection (EOF or reset) within [`STEP`].
    pub async fn closed_by_server(&mut self) -> bool {
        let mut b = [0u8; 1024];
        match tokio::time::timeout(STEP, self.stream.read(&mut b)).await {
            Ok(Ok(0)) | Ok(Err(_)) => true,
            Ok(Ok(_)) => false,
            Err(_) => false,
        }
    }

    async fn fill(&mut self) {
        let mut b = [0u8; 8192];
        let n = self.stream.read(&mut b).await.expect("read");
        assert!(
            n > 0,
            "connection closed mid-response; got {:?}",
            String::from_utf8_lossy(&self.buf)
        );
        self.buf.extend_from_slice(&b[..n]);
    }

    async fn read_inner(&mut self) -> Response {
        let head_end = loop {
            if let Some(p) = find(&self.buf, b"\r\n\r\n") {
                break p;
            }
            self.fill().await;
        };
        let head = String::from_utf8_lossy(&self.buf[..head_end]).into_owned();
        self.buf.drain(..head_end + 4);
        let mut lines = head.split("\r\n");
        let status_line = lines.next().expect("status line");
        let status: u16 = status_line
            .split(' ')
            .nth(1)
            .expect("status code")
            .parse()
            .expect("numeric status");
        let headers: Vec<(String, String)> = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
            .collect();
        let get = |name: &str| {
            headers
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.clone())
        };
        let body = if let Some(len) = get("content-length") {
            let len: usize = len.parse().expect("content-length");
            while self.buf.len() < len {
                self.fill().await;
            }
            self.buf.drain(..len).collect::<Vec<u8>>()
        } else if get("transfer-encoding").is_some_and(|t| t.eq_ignore_ascii_case("chunked")) {
            let mut body = Vec::new();
            loop {
                let line_end = loop {
                    if let Some(p) = find(&self.buf, b"\r\n") {
                        break p;
                    }
                    self.fill().await;
                };
                let size_hex = String::from_utf8_lossy(&self.buf[..line_end]).into_owned();
                let size =
                    usize::from_str_radix(size_hex.split(';').next().unwrap_or("0").trim(), 16)
                        .expect("chunk size");
                self.buf.drain(..line_end + 2);
                while self.buf.len() < size + 2 {
                    self.fill().await;
                }
                body.extend(self.buf.drain(..size));
                self.buf.drain(..2);
                if size == 0 {
                    break;
                }
            }
            body
        } else {
            Vec::new()
        };
        Response {
            status,
            headers,
            body: String::from_utf8_lossy(&body).into_owned(),
        }
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// One request on a fresh connection.
pub async fn request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> Response {
    let mut c = Conn::connect(addr).await;
    c.send(method, path, headers, body).await;
    c.read().await
}

pub const SOAP11: &str = "http://schemas.xmlsoap.org/soap/envelope/";
pub const SOAP12: &str = "http://www.w3.org/2003/05/soap-envelope";

/// A SOAP 1.1 envelope around `header` and `body`.
pub fn env11(header: &str, body: &str) -> String {
    format!(
        "<?xml version=\"1.0\"?><s:Envelope xmlns:s=\"{SOAP11}\"><s:Header>{header}</s:Header><s:Body>{body}</s:Body></s:Envelope>"
    )
}

/// A SOAP 1.2 envelope around `header` and `body`.
pub fn env12(header: &str, body: &str) -> String {
    format!(
        "<?xml version=\"1.0\"?><e:Envelope xmlns:e=\"{SOAP12}\"><e:Header>{header}</e:Header><e:Body>{body}</e:Body></e:Envelope>"
    )
}

// ---------------------------------------------------------------------------
// A test service: the calculator contract, with hooks tests can watch.

use std::sync::Arc;

use tokio::sync::mpsc;
use wws_core::{AddressingVersion, EnvelopeVersion, Fault, QName};
use wws_examples::calculator::{self, Add, Delay, Divide, Echo, op};
use wws_host::ServiceHostProperties;
use wws_host::{CancelReason, Contract, Endpoint, OperationContext, ServiceHost};

/// What the operations of the test service report.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// A Delay started (its milliseconds).
    DelayStarted(i32),
    /// An operation was cancelled, seen by its `on_cancel` callback.
    Cancelled(CancelReason, std::time::Instant),
    /// A Delay finished its sleep.
    DelayFinished(i32),
}

pub const CALC_NS: &str = "http://example.org/wws/calculator";

pub fn contract(events: mpsc::UnboundedSender<Event>) -> Contract {
    let ev = Arc::new(events);
    let ev2 = ev.clone();
    Contract::new()
        .serve::<op::Add, _, _>(
            |_ctx: OperationContext, r: Add| async move { Ok(calculator::add(&r)) },
        )
        .serve::<op::Divide, _, _>(|_ctx: OperationContext, r: Divide| async move {
            calculator::divide(&r).map_err(Into::into)
        })
        .serve::<op::Echo, _, _>(move |_ctx: OperationContext, r: Echo| async move {
            if r.text == "panic" {
                panic!("echo was asked to panic");
            }
            Ok(calculator::echo(r))
        })
        .serve::<op::Delay, _, _>(move |ctx: OperationContext, r: Delay| {
            let ev = ev2.clone();
            async move {
                let ev_cancel = ev.clone();
                ctx.on_cancel(move |reason| {
                    let _ = ev_cancel.send(Event::Cancelled(reason, std::time::Instant::now()));
                })
                .map_err(|e| Fault::receiver(e.to_string()))?;
                let _ = ev.send(Event::DelayStarted(r.milliseconds));
                let reply = calculator::delay(&ctx, r).await?;
                let _ = ev.send(Event::DelayFinished(r.milliseconds));
                Ok(reply)
            }
        })
}

/// A host on 127.0.0.1:0 with the test service at `/calc11` (SOAP 1.1),
/// `/calc12` (SOAP 1.2) and `/calc12wsa` (SOAP 1.2, WS-Addressing 1.0); the
/// first two serve a WSDL. Extra understood header: `{urn:understood}Known`.
pub async fn start(
    props: ServiceHostProperties,
) -> (ServiceHost, SocketAddr, mpsc::UnboundedReceiver<Event>) {
    let (tx, rx) = mpsc::unbounded_channel();
    let host = ServiceHost::with_properties("127.0.0.1:0".parse().expect("addr"), props)
        .expect("valid properties");
    let wsdl = calculator::WSDL;
    let known = QName::new("urn:understood", "Known");
    host.add_endpoint(
        Endpoint::new(
            "/calc11",
            EnvelopeVersion::Soap11,
            AddressingVersion::Transport,
            contract(tx.clone()),
        )
        .with_wsdl(wsdl)
        .understands(known.clone()),
    )
    .expect("endpoint");
    host.add_endpoint(
        Endpoint::new(
            "/calc12",
            EnvelopeVersion::Soap12,
            AddressingVersion::Transport,
            contract(tx.clone()),
        )
        .with_wsdl(wsdl)
        .understands(known),
    )
    .expect("endpoint");
    host.add_endpoint(Endpoint::new(
        "/calc12wsa",
        EnvelopeVersion::Soap12,
        AddressingVersion::WsAddressing10,
        contract(tx),
    ))
    .expect("endpoint");
    host.open().await.expect("open");
    let addr = host.local_addr().expect("bound");
    (host, addr, rx)
}

pub fn add_body(a: &str, b: &str) -> String {
    format!("<c:Add xmlns:c=\"{CALC_NS}\"><c:a>{a}</c:a><c:b>{b}</c:b></c:Add>")
}

pub fn delay_body(ms: i32) -> String {
    format!("<c:Delay xmlns:c=\"{CALC_NS}\"><c:milliseconds>{ms}</c:milliseconds></c:Delay>")
}

pub fn echo_body(text: &str) -> String {
    format!("<c:Echo xmlns:c=\"{CALC_NS}\"><c:text>{text}</c:text></c:Echo>")
}

pub const CT11: (&str, &str) = ("Content-Type", "text/xml; charset=utf-8");
pub const CT12: (&str, &str) = ("Content-Type", "application/soap+xml; charset=utf-8");

/// Content type of SOAP 1.2 with an action parameter.
pub fn ct12_action(action: &str) -> String {
    format!("application/soap+xml; charset=utf-8; action=\"{action}\"")
}

/// Waits (bounded) for the next event matching `pred`.
pub async fn wait_event(
    rx: &mut mpsc::UnboundedReceiver<Event>,
    pred: impl Fn(&Event) -> bool,
) -> Event {
    tokio::time::timeout(STEP, async {
        loop {
            let e = rx.recv().await.expect("event channel open");
            if pred(&e) {
                return e;
            }
        }
    })
    .await
    .expect("event timed out")
}

impl Conn {
    /// Wraps an already connected stream.
    pub fn from_stream(stream: TcpStream) -> Conn {
        Conn {
            stream,
            buf: Vec::new(),
        }
    }
}

/// The reply envelope and the fault it carries, read back with wws-core
/// (as a wws client would), failing the test when either does not parse.
pub fn fault_of(body: &str) -> (wws_core::Message, Fault) {
    let m = wws_core::Message::read(body.as_bytes(), &wws_core::ReaderQuotas::default())
        .unwrap_or_else(|e| panic!("reply does not parse: {e}\n{body}"));
    let f = m
        .fault()
        .unwrap_or_else(|e| panic!("fault does not parse: {e}\n{body}"))
        .unwrap_or_else(|| panic!("not a fault: {body}"));
    (m, f)
}
