//! Test servers for the proxy tests: a calculator on raw hyper that counts
//! connections and requests and records exchanges the client left before
//! the reply, and an endpoint whose TCP connect never completes.
#![allow(dead_code)]

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tokio::sync::Notify;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;
use wws_core::{AddressingVersion, EnvelopeVersion, Fault, Message, ReaderQuotas};
use wws_examples::calculator::{self, Add, DELAY_ACTION, Delay, DelayResponse, Divide, Echo};
use wws_proxy::ProxyProperties;
use wws_proxy::{CallOptions, PendingCall, ServiceProxy};

/// What the server saw; every change wakes [`Stats::wait_until`].
#[derive(Default)]
pub struct Stats {
    /// TCP connections accepted.
    pub connections: AtomicUsize,
    /// TCP connections currently open on the server side.
    pub open_connections: AtomicUsize,
    /// Requests read whole.
    pub requests: AtomicUsize,
    /// Requests being processed (read, not yet answered).
    pub in_flight: AtomicUsize,
    /// Requests answered.
    pub replied: AtomicUsize,
    /// Requests whose client went away before the answer was ready.
    pub closed_early: AtomicUsize,
    /// Action of each request (WS-Addressing header, else transport), in arrival order.
    pub actions: Mutex<Vec<String>>,
    /// Addressing version of each request.
    pub addressing: Mutex<Vec<AddressingVersion>>,
    changed: Notify,
}

impl Stats {
    fn bump(&self, counter: &AtomicUsize) {
        counter.fetch_add(1, Ordering::SeqCst);
        self.changed.notify_waiters();
    }

    fn drop_one(&self, counter: &AtomicUsize) {
        counter.fetch_sub(1, Ordering::SeqCst);
        self.changed.notify_waiters();
    }

    /// Reads a counter.
    pub fn get(&self, counter: impl Fn(&Stats) -> &AtomicUsize) -> usize {
        counter(self).load(Ordering::SeqCst)
    }

    /// Waits until `done` holds, woken by every change; false after `limit`.
    pub async fn wait_until(&self, limit: Duration, done: impl Fn(&Stats) -> bool) -> bool {
        let deadline = Instant::now() + limit;
        loop {
            let changed = self.changed.notified();
            tokio::pin!(changed);
            changed.as_mut().enable();
            if done(self) {
                return true;
            }
            if tokio::time::timeout_at(deadline, changed).await.is_err() {
                return done(self);
            }
        }
    }
}

/// A calculator service (Add, Divide with a fault on 0, Echo, Delay) on hyper.
pub struct CalculatorServer {
    /// Where it listens.
    pub addr: SocketAddr,
    /// What it saw.
    pub stats: Arc<Stats>,
    /// Delay replies wait for this too, when the server was started gated.
    gate: CancellationToken,
    stop: CancellationToken,
}

impl CalculatorServer {
    /// Starts the server on 127.0.0.1, any port.
    pub async fn start() -> CalculatorServer {
        let server = Self::start_gated().await;
        server.open_gate();
        server
    }

    /// Starts a server whose Delay replies also wait for [`open_gate`](Self::open_gate),
    /// so that a test decides when the first reply may leave, however slow the machine.
    pub async fn start_gated() -> CalculatorServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("local addr");
        let stats = Arc::new(Stats::default());
        let gate = CancellationToken::new();
        let stop = CancellationToken::new();
        tokio::spawn(accept_loop(
            listener,
            stats.clone(),
            gate.clone(),
            stop.clone(),
        ));
        CalculatorServer {
            addr,
            stats,
            gate,
            stop,
        }
    }

    /// Lets Delay replies go once their delay has elapsed.
    pub fn open_gate(&self) {
        self.gate.cancel();
    }

    /// The calculator endpoint URL.
    pub fn url(&self) -> String {
        format!("http://{}/calculator", self.addr)
    }
}

impl Drop for CalculatorServer {
    fn drop(&mut self) {
        self.stop.cancel();
    }
}

async fn accept_loop(
    listener: TcpListener,
    stats: Arc<Stats>,
    gate: CancellationToken,
    stop: CancellationToken,
) {
    loop {
        let stream = tokio::select! {
            () = stop.cancelled() => return,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                // Out of descriptors or similar: keep serving the others.
                Err(_) => continue,
            },
        };
        stats.bump(&stats.connections);
        let stats = stats.clone();
        let gate = gate.clone();
        let stop = stop.clone();
        tokio::spawn(async move {
            // Counted from inside its task: a test that has seen the count
            // knows the task is alive too (its task count is a baseline).
            stats.bump(&stats.open_connections);
            let service_stats = stats.clone();
            let service = service_fn(move |req| handle(req, service_stats.clone(), gate.clone()));
            let conn = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service);
            tokio::select! {
                () = stop.cancelled() => {}
                _ = conn => {}
            }
            stats.drop_one(&stats.open_connections);
        });
    }
}

/// Counts one request as in flight; if dropped before [`Exchange::answered`],
/// the client left early (hyper drops the service future on EOF).
struct Exchange {
    stats: Arc<Stats>,
    answered: bool,
}

impl Exchange {
    fn begin(stats: &Arc<Stats>) -> Exchange {
        stats.bump(&stats.in_flight);
        Exchange {
            stats: stats.clone(),
            answered: false,
        }
    }

    fn answered(mut self) {
        self.answered = true;
    }
}

impl Drop for Exchange {
    fn drop(&mut self) {
        if self.answered {
            self.stats.bump(&self.stats.replied);
        } else {
            self.stats.bump(&self.stats.closed_early);
        }
        self.stats.drop_one(&self.stats.in_flight);
    }
}

type HttpResponse = Response<Full<Bytes>>;

async fn handle(
    req: Request<Incoming>,
    stats: Arc<Stats>,
    gate: CancellationToken,
) -> Result<HttpResponse, Infallible> {
    let content_type = req
        .headers()
        .get(hyper::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let soap_action = req
        .headers()
        .get("soapaction")
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim_matches('"').to_owned());
    let envelope = if content_type.starts_with("application/soap+xml") {
        EnvelopeVersion::Soap12
    } else {
        EnvelopeVersion::Soap11
    };
    let body = match Limited::new(req.into_body(), 1 << 20).collect().await {
        Ok(body) => body.to_bytes(),
        Err(_) => return Ok(plain(StatusCode::BAD_REQUEST, "unreadable body")),
    };
    let request = match Message::read(&body, &ReaderQuotas::default()) {
        Ok(m) => m,
        Err(e) => {
            eprintln!(
                "test server: unreadable request: {e}: {}",
                String::from_utf8_lossy(&body)
            );
            return Ok(plain(StatusCode::BAD_REQUEST, &e.to_string()));
        }
    };
    let action = request
        .action
        .clone()
        .or(soap_action)
        .or_else(|| param(&content_type, "action"))
        .unwrap_or_default();
    stats.actions.lock().expect("actions").push(action.clone());
    stats
        .addressing
        .lock()
        .expect("addressing")
        .push(request.addressing);
    stats.bump(&stats.requests);

    let exchange = Exchange::begin(&stats);
    let outcome = compute(&request, &gate).await;
    exchange.answered();

    let addressing = request.addressing;
    let (status, mut reply) = match outcome {
        Ok((reply_action, reply)) => {
            let mut m = Message::new(envelope, addressing);
            if addressing != AddressingVersion::Transport {
                m.action = Some(reply_action);
            }
            m.body = reply;
            (StatusCode::OK, m)
        }
        Err(fault) => {
            let status = if envelope == EnvelopeVersion::Soap12
                && fault.code == wws_core::FaultCode::Sender
            {
                StatusCode::BAD_REQUEST
            } else {
                StatusCode::INTERNAL_SERVER_ERROR
            };
            (
                status,
                Message::from_fault(envelope, addressing, &fault).expect("from_fault"),
            )
        }
    };
    reply.relates_to = request.message_id.clone();
    let media = match envelope {
        EnvelopeVersion::Soap11 => "text/xml; charset=utf-8",
        EnvelopeVersion::Soap12 => "application/soap+xml; charset=utf-8",
    };
    Ok(Response::builder()
        .status(status)
        .header(hyper::header::CONTENT_TYPE, media)
        .body(Full::new(reply.to_bytes().expect("to_bytes")))
        .expect("response"))
}

/// The operation itself: the reply action and body, or a fault.
async fn compute(request: &Message, gate: &CancellationToken) -> Result<(String, Bytes), Fault> {
    let name = request.body_element().map(|q| q.local).unwrap_or_default();
    let bad = |e: wws_core::Error| Fault::sender(e.to_string());
    let ns = wws_examples::calculator::NAMESPACE;
    match name.as_str() {
        "Add" => {
            let add: Add = request.read_body().map_err(bad)?;
            Ok((format!("{ns}/AddResponse"), body(&calculator::add(&add))))
        }
        "Divide" => {
            let divide: Divide = request.read_body().map_err(bad)?;
            Ok((
                format!("{ns}/DivideResponse"),
                body(&calculator::divide(&divide)?),
            ))
        }
        "Echo" => {
            let echo: Echo = request.read_body().map_err(bad)?;
            Ok((format!("{ns}/EchoResponse"), body(&calculator::echo(echo))))
        }
        "Delay" => {
            let Delay { milliseconds } = request.read_body().map_err(bad)?;
            let ms = u64::try_from(milliseconds).unwrap_or(0);
            tokio::time::sleep(Duration::from_millis(ms)).await;
            gate.cancelled().await;
            Ok((
                format!("{ns}/DelayResponse"),
                body(&DelayResponse { milliseconds }),
            ))
        }
        other => Err(Fault::sender(format!("unknown operation {other:?}"))),
    }
}

fn body<T: wws_core::BodyElement>(value: &T) -> Bytes {
    let mut out = bytes::BytesMut::new();
    value.write_element(&mut out).expect("write_element");
    out.freeze()
}

fn plain(status: StatusCode, text: &str) -> HttpResponse {
    Response::builder()
        .status(status)
        .header(hyper::header::CONTENT_TYPE, "text/plain")
        .body(Full::new(Bytes::from(text.to_owned())))
        .expect("response")
}

fn param(content_type: &str, name: &str) -> Option<String> {
    content_type.split(';').skip(1).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        (k.trim().eq_ignore_ascii_case(name)).then(|| v.trim().trim_matches('"').to_owned())
    })
}

/// An endpoint whose TCP connect never completes: its accept queue is full
/// (backlog 0, one connection queued and never accepted), so the kernel
/// drops further SYNs and the client's connect keeps retrying.
pub struct StalledEndpoint {
    /// Where it listens.
    pub addr: SocketAddr,
    _listener: tokio::net::TcpListener,
    _queued: TcpStream,
}

impl StalledEndpoint {
    /// Binds and fills the accept queue.
    pub async fn start() -> StalledEndpoint {
        let socket = TcpSocket::new_v4().expect("socket");
        socket
            .bind("127.0.0.1:0".parse().expect("addr"))
            .expect("bind");
        let listener = socket.listen(0).expect("listen");
        let addr = listener.local_addr().expect("local addr");
        let queued = TcpStream::connect(addr).await.expect("first connect");
        StalledEndpoint {
            addr,
            _listener: listener,
            _queued: queued,
        }
    }

    /// The endpoint URL.
    pub fn url(&self) -> String {
        format!("http://{}/calculator", self.addr)
    }
}

/// Open file descriptors of this process.
pub fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd")
        .expect("/proc/self/fd")
        .count()
}

/// Awaits `fut` for at most `limit`, panicking with `what` when it takes longer.
pub async fn within<F: Future>(limit: Duration, what: &str, fut: F) -> F::Output {
    match tokio::time::timeout(limit, fut).await {
        Ok(v) => v,
        Err(_) => panic!("{what} did not finish within {limit:?}"),
    }
}

/// A proxy for `server`'s calculator endpoint, opened.
pub async fn open_proxy(
    server: &CalculatorServer,
    envelope: EnvelopeVersion,
    addressing: AddressingVersion,
    props: ProxyProperties,
) -> ServiceProxy {
    let proxy =
        ServiceProxy::with_properties(&server.url(), envelope, addressing, props).expect("proxy");
    within(Duration::from_secs(30), "open", proxy.open())
        .await
        .expect("open");
    proxy
}

/// A SOAP 1.1 proxy with transport addressing (the WSDL's first binding), opened.
pub async fn open_soap11(server: &CalculatorServer, props: ProxyProperties) -> ServiceProxy {
    open_proxy(
        server,
        EnvelopeVersion::Soap11,
        AddressingVersion::Transport,
        props,
    )
    .await
}

/// Calls `Delay(ms)`.
pub fn delay(proxy: &ServiceProxy, ms: i32) -> PendingCall<DelayResponse> {
    proxy.call(
        DELAY_ACTION,
        &Delay { milliseconds: ms },
        CallOptions::new(),
    )
}
