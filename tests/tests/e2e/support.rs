//! Shared by the end-to-end tests: a calculator host on loopback, proxies
//! for each SOAP and addressing version, and bounded waits on host events.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::time::Duration;

use tokio::sync::mpsc;
use wws_core::{AddressingVersion, EnvelopeVersion};
use wws_examples::calculator::{self, Calculator, ServiceEvent};
use wws_host::ServiceHostProperties;
use wws_host::{CancelReason, ServiceHost};
use wws_proxy::ProxyProperties;
use wws_proxy::ServiceProxy;

/// Bound on any one wait (generous: CI is a loaded 2-core box).
pub const STEP: Duration = Duration::from_secs(10);

/// The four ways a client can talk to the calculator.
pub const BINDINGS: [(EnvelopeVersion, AddressingVersion); 4] = [
    (EnvelopeVersion::Soap11, AddressingVersion::Transport),
    (EnvelopeVersion::Soap11, AddressingVersion::WsAddressing10),
    (EnvelopeVersion::Soap12, AddressingVersion::Transport),
    (EnvelopeVersion::Soap12, AddressingVersion::WsAddressing10),
];

/// A calculator host on 127.0.0.1:0 and the events of its operations.
pub struct Served {
    pub host: ServiceHost,
    pub addr: SocketAddr,
    pub events: mpsc::UnboundedReceiver<ServiceEvent>,
}

pub async fn serve(props: ServiceHostProperties) -> Served {
    let (service, events) = Calculator::with_events();
    let host = service
        .start(([127, 0, 0, 1], 0).into(), props)
        .await
        .expect("host open");
    let addr = host.local_addr().expect("bound");
    Served { host, addr, events }
}

/// An open proxy to the endpoint of `envelope`.
pub async fn proxy(
    addr: SocketAddr,
    envelope: EnvelopeVersion,
    addressing: AddressingVersion,
) -> ServiceProxy {
    proxy_with(addr, envelope, addressing, ProxyProperties::default()).await
}

pub async fn proxy_with(
    addr: SocketAddr,
    envelope: EnvelopeVersion,
    addressing: AddressingVersion,
    props: ProxyProperties,
) -> ServiceProxy {
    let path = match envelope {
        EnvelopeVersion::Soap11 => calculator::PATH_SOAP11,
        EnvelopeVersion::Soap12 => calculator::PATH_SOAP12,
    };
    let p =
        ServiceProxy::with_properties(&calculator::url(addr, path), envelope, addressing, props)
            .expect("proxy");
    p.open().await.expect("proxy open");
    p
}

impl Served {
    /// The next event `pick` accepts (others are skipped), within [`STEP`].
    pub async fn next<T>(&mut self, pick: impl Fn(&ServiceEvent) -> Option<T>) -> T {
        tokio::time::timeout(STEP, async {
            loop {
                let e = self.events.recv().await.expect("host events");
                if let Some(t) = pick(&e) {
                    return t;
                }
            }
        })
        .await
        .expect("host event timed out")
    }

    /// Waits until the host started the operation whose request reads `request`; returns its id.
    pub async fn started(&mut self, request: &str) -> u64 {
        self.next(|e| match e {
            ServiceEvent::Started { id, request: r, .. } if r == request => Some(*id),
            _ => None,
        })
        .await
    }

    /// Waits for the cancellation of any operation: (id, request, reason, when).
    pub async fn cancelled(&mut self) -> (u64, String, CancelReason, std::time::Instant) {
        self.next(|e| match e {
            ServiceEvent::Cancelled {
                id,
                request,
                reason,
                at,
            } => Some((*id, request.clone(), *reason, *at)),
            _ => None,
        })
        .await
    }
}

/// `fut` within [`STEP`].
pub async fn within<F: std::future::Future>(fut: F) -> F::Output {
    tokio::time::timeout(STEP, fut).await.expect("timed out")
}

/// Sends an `Add(1, 2)` request with `headers` (standalone XML header blocks)
/// through `p` as a whole message; the reply message, or the error.
pub async fn add_with_headers(
    p: &ServiceProxy,
    message_id: Option<&str>,
    headers: &[String],
) -> wws_core::Result<wws_core::Message> {
    use wws_examples::calculator::{ADD_ACTION, Add};
    let mut m = wws_core::Message::from_body(
        p.envelope_version(),
        p.addressing_version(),
        ADD_ACTION,
        &Add { a: 1.0, b: 2.0 },
    )
    .expect("from_body");
    m.message_id = message_id.map(str::to_owned);
    for h in headers {
        m.headers
            .push(wws_core::Header::from_xml(p.envelope_version(), h.clone()).expect("header xml"));
    }
    within(p.call_message(m, wws_proxy::CallOptions::new())).await
}

/// The fault of a reply or of an error, if either is one.
pub fn fault_of(r: &wws_core::Result<wws_core::Message>) -> Option<wws_core::Fault> {
    match r {
        Ok(m) => m.fault().ok().flatten(),
        Err(e) => e.fault().cloned(),
    }
}

/// A TCP relay in front of a host that reads the HTTP/2 frames clients
/// send through it: what went on the wire, not what either end says.
pub struct H2Relay {
    /// Where clients connect.
    pub addr: SocketAddr,
    /// Connections clients opened through it.
    pub connections: std::sync::Arc<std::sync::atomic::AtomicUsize>,
    /// Client connections that ended (the client closed or dropped them).
    pub closed: tokio::sync::watch::Sender<usize>,
    /// RST_STREAM frames clients sent.
    pub resets: tokio::sync::watch::Sender<usize>,
    /// RST_STREAM frames with the error code CANCEL (8).
    pub cancels: tokio::sync::watch::Sender<usize>,
    /// GOAWAY frames clients sent.
    pub goaways: tokio::sync::watch::Sender<usize>,
    /// The frames the host sent back: RST_STREAM, those with CANCEL (8),
    /// those with another code, and GOAWAY.
    pub from_host: HostFrames,
}

/// Counts of frames the host sent, as an [`H2Relay`] saw them.
#[derive(Clone)]
pub struct HostFrames {
    pub resets: tokio::sync::watch::Sender<usize>,
    pub cancels: tokio::sync::watch::Sender<usize>,
    pub other_resets: tokio::sync::watch::Sender<usize>,
    pub goaways: tokio::sync::watch::Sender<usize>,
    /// Host connections that ended (everything the host sent was counted).
    pub ended: tokio::sync::watch::Sender<usize>,
}

/// Follows the client's side of an HTTP/2 connection frame by frame.
struct FrameCounter {
    preface_left: usize,
    head: Vec<u8>,
    /// Payload bytes of the current frame still to come.
    payload_left: usize,
    /// The current frame's type, and the start of its payload (for RST_STREAM's code).
    kind: u8,
    payload: Vec<u8>,
}

impl FrameCounter {
    /// Follows a client's side (which opens with the preface).
    fn new() -> Self {
        FrameCounter {
            preface_left: 24,
            head: Vec::with_capacity(9),
            payload_left: 0,
            kind: 0,
            payload: Vec::new(),
        }
    }

    /// Follows a server's side (no preface).
    fn server() -> Self {
        FrameCounter {
            preface_left: 0,
            ..FrameCounter::new()
        }
    }

    /// Follows `bytes`; calls `frame(kind, first payload bytes)` for each frame completed.
    fn feed(&mut self, mut bytes: &[u8], frame: &mut impl FnMut(u8, &[u8])) {
        while !bytes.is_empty() {
            if self.preface_left > 0 {
                let n = self.preface_left.min(bytes.len());
                self.preface_left -= n;
                bytes = &bytes[n..];
            } else if self.head.len() < 9 {
                let n = (9 - self.head.len()).min(bytes.len());
                self.head.extend_from_slice(&bytes[..n]);
                bytes = &bytes[n..];
                if self.head.len() == 9 {
                    self.payload_left =
                        u32::from_be_bytes([0, self.head[0], self.head[1], self.head[2]]) as usize;
                    self.kind = self.head[3];
                    self.payload.clear();
                    if self.payload_left == 0 {
                        frame(self.kind, &[]);
                        self.head.clear();
                    }
                }
            } else {
                let n = self.payload_left.min(bytes.len());
                if self.payload.len() < 8 {
                    let keep = n.min(8 - self.payload.len());
                    self.payload.extend_from_slice(&bytes[..keep]);
                }
                self.payload_left -= n;
                bytes = &bytes[n..];
                if self.payload_left == 0 {
                    frame(self.kind, &self.payload);
                    self.head.clear();
                }
            }
        }
    }
}

/// Starts an [`H2Relay`] to `upstream`.
pub async fn h2_relay(upstream: SocketAddr) -> H2Relay {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let relay = H2Relay {
        addr: listener.local_addr().expect("addr"),
        connections: Default::default(),
        closed: tokio::sync::watch::Sender::new(0),
        resets: tokio::sync::watch::Sender::new(0),
        cancels: tokio::sync::watch::Sender::new(0),
        goaways: tokio::sync::watch::Sender::new(0),
        from_host: HostFrames {
            resets: tokio::sync::watch::Sender::new(0),
            cancels: tokio::sync::watch::Sender::new(0),
            other_resets: tokio::sync::watch::Sender::new(0),
            goaways: tokio::sync::watch::Sender::new(0),
            ended: tokio::sync::watch::Sender::new(0),
        },
    };
    let from_host = relay.from_host.clone();
    let (connections, closed, resets, cancels, goaways) = (
        relay.connections.clone(),
        relay.closed.clone(),
        relay.resets.clone(),
        relay.cancels.clone(),
        relay.goaways.clone(),
    );
    tokio::spawn(async move {
        // Ends with the test's runtime.
        while let Ok((client, _)) = listener.accept().await {
            connections.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let Ok(server) = tokio::net::TcpStream::connect(upstream).await else {
                continue;
            };
            let _ = client.set_nodelay(true);
            let _ = server.set_nodelay(true);
            let (mut client_rd, mut client_wr) = client.into_split();
            let (mut server_rd, mut server_wr) = server.into_split();
            let host = from_host.clone();
            tokio::spawn(async move {
                copy_counting(
                    &mut server_rd,
                    &mut client_wr,
                    FrameCounter::server(),
                    |kind, payload| match kind {
                        3 => {
                            host.resets.send_modify(|n| *n += 1);
                            if is_cancel(payload) {
                                host.cancels.send_modify(|n| *n += 1);
                            } else {
                                host.other_resets.send_modify(|n| *n += 1);
                            }
                        }
                        7 => host.goaways.send_modify(|n| *n += 1),
                        _ => {}
                    },
                )
                .await;
                host.ended.send_modify(|n| *n += 1);
            });
            let (closed, resets, cancels, goaways) = (
                closed.clone(),
                resets.clone(),
                cancels.clone(),
                goaways.clone(),
            );
            tokio::spawn(async move {
                copy_counting(
                    &mut client_rd,
                    &mut server_wr,
                    FrameCounter::new(),
                    |kind, payload| match kind {
                        3 => {
                            resets.send_modify(|n| *n += 1);
                            if is_cancel(payload) {
                                cancels.send_modify(|n| *n += 1);
                            }
                        }
                        7 => goaways.send_modify(|n| *n += 1),
                        _ => {}
                    },
                )
                .await;
                closed.send_modify(|n| *n += 1);
            });
        }
    });
    relay
}

/// Whether an RST_STREAM payload's error code is CANCEL (8).
fn is_cancel(payload: &[u8]) -> bool {
    payload.get(..4) == Some(&8u32.to_be_bytes()[..])
}

/// Copies `from` to `to` until either ends, calling `frame` for each
/// HTTP/2 frame that went through; then shuts `to` down.
async fn copy_counting(
    from: &mut tokio::net::tcp::OwnedReadHalf,
    to: &mut tokio::net::tcp::OwnedWriteHalf,
    mut counter: FrameCounter,
    mut frame: impl FnMut(u8, &[u8]),
) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = match from.read(&mut buf).await {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        counter.feed(&buf[..n], &mut frame);
        if to.write_all(&buf[..n]).await.is_err() {
            break;
        }
    }
    let _ = to.shutdown().await;
}

/// Waits until `counter` reaches `at_least`, within [`STEP`].
pub async fn reaches(counter: &tokio::sync::watch::Sender<usize>, at_least: usize) {
    let mut rx = counter.subscribe();
    within(rx.wait_for(|n| *n >= at_least))
        .await
        .expect("counter");
}

/// An open proxy speaking h2c (prior knowledge) through `relay`.
pub async fn h2_proxy(
    relay: &H2Relay,
    envelope: EnvelopeVersion,
    addressing: AddressingVersion,
    max_calls: usize,
) -> ServiceProxy {
    let path = match envelope {
        EnvelopeVersion::Soap11 => calculator::PATH_SOAP11,
        EnvelopeVersion::Soap12 => calculator::PATH_SOAP12,
    };
    let p = ServiceProxy::builder(&calculator::url(relay.addr, path))
        .envelope(envelope)
        .addressing(addressing)
        .http2(wws_channel::connector::Http2Mode::PriorKnowledge)
        .max_pending_calls(max_calls)
        .max_streams_per_connection(max_calls)
        .build()
        .expect("proxy");
    p.open().await.expect("proxy open");
    p
}

/// Host properties whose HTTP/2 connections take `streams` streams at once.
pub fn h2_host(streams: u32) -> ServiceHostProperties {
    let mut props = ServiceHostProperties::default();
    props.listener.http2.max_concurrent_streams = streams;
    props.max_concurrency = props.max_concurrency.max(streams as usize);
    props
}
