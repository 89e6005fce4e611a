//! Closed-loop load: N callers, each with its own keep-alive connection,
//! sending the next request as soon as the last reply is read.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::{HeaderValue, Request, header};
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1;
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

/// What a load run did.
#[derive(Debug, Clone, Copy)]
pub struct Rate {
    /// Calls completed with a good reply.
    pub calls: u64,
    /// Calls that failed or got a bad reply.
    pub errors: u64,
    /// The measured span.
    pub elapsed: Duration,
}

impl Rate {
    /// Good calls per second.
    pub fn per_second(&self) -> f64 {
        self.calls as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
}

/// Runs one caller per element of `callers` in a closed loop for `span` and
/// counts the good replies. `call(state)` makes one call with a caller's own
/// state (a connection, a proxy handle) and gives it back with whether the
/// reply was good.
///
/// Cancel safe: dropping it drops the callers.
pub async fn closed_loop<S, F, Fut>(callers: Vec<S>, span: Duration, call: F) -> Rate
where
    S: Send + 'static,
    F: Fn(S) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = (S, bool)> + Send + 'static,
{
    closed_loop_keep(callers, span, call).await.0
}

/// [`closed_loop`], giving back the callers' states at the end (those that
/// ended their last call within 5 s), so that connections can serve the
/// next slice without being made again inside its measured span.
///
/// Cancel safe as [`closed_loop`].
pub async fn closed_loop_keep<S, F, Fut>(callers: Vec<S>, span: Duration, call: F) -> (Rate, Vec<S>)
where
    S: Send + 'static,
    F: Fn(S) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = (S, bool)> + Send + 'static,
{
    let call = Arc::new(call);
    let stop = Arc::new(AtomicBool::new(false));
    let calls = Arc::new(AtomicU64::new(0));
    let errors = Arc::new(AtomicU64::new(0));
    let start = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for state in callers {
        let (call, stop, calls, errors) =
            (call.clone(), stop.clone(), calls.clone(), errors.clone());
        tasks.spawn(async move {
            let mut state = state;
            while !stop.load(Ordering::Relaxed) {
                let (next, good) = call(state).await;
                state = next;
                let counter = if good { &calls } else { &errors };
                counter.fetch_add(1, Ordering::Relaxed);
            }
            state
        });
    }
    tokio::time::sleep(span).await;
    // Calls finishing after this point are not counted: the span is exact.
    let counted = calls.load(Ordering::Relaxed);
    let failed = errors.load(Ordering::Relaxed);
    let elapsed = start.elapsed();
    stop.store(true, Ordering::Relaxed);
    // Each caller ends after its current call; a stuck one is not waited for long.
    let mut states = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(5), async {
        while let Some(done) = tasks.join_next().await {
            if let Ok(state) = done {
                states.push(state);
            }
        }
    })
    .await;
    tasks.abort_all();
    let rate = Rate {
        calls: counted,
        errors: failed,
        elapsed,
    };
    (rate, states)
}

/// One keep-alive HTTP/1.1 connection sending the same SOAP POST over and
/// over: the bare client a typed proxy is compared with.
pub struct BareClient {
    sender: http1::SendRequest<Full<Bytes>>,
    host: HeaderValue,
    path: String,
    soap_action: HeaderValue,
    body: Bytes,
}

impl BareClient {
    /// Connects to `addr` for POSTs of `body` to `path` with SOAP 1.1 `action`.
    ///
    /// Cancel safe: dropping it closes the half-made connection.
    pub async fn connect(
        addr: SocketAddr,
        path: &str,
        action: &str,
        body: Bytes,
    ) -> std::io::Result<BareClient> {
        let stream = TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        Self::over(stream, &addr.to_string(), path, action, body).await
    }

    /// The HTTP/1.1 handshake over `io`, for POSTs with `Host: host`.
    async fn over<I>(
        io: I,
        host: &str,
        path: &str,
        action: &str,
        body: Bytes,
    ) -> std::io::Result<BareClient>
    where
        I: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
    {
        let (sender, conn) = http1::handshake(TokioIo::new(io))
            .await
            .map_err(std::io::Error::other)?;
        tokio::spawn(conn);
        let bad = |e: http::header::InvalidHeaderValue| std::io::Error::other(e);
        Ok(BareClient {
            sender,
            host: HeaderValue::from_str(host).map_err(bad)?,
            path: path.to_owned(),
            soap_action: HeaderValue::from_str(&format!("\"{action}\"")).map_err(bad)?,
            body,
        })
    }

    /// [`connect`](Self::connect) over TLS: `config` checks the server's
    /// certificate for `server_name`, as a user's bare hyper + rustls client would.
    ///
    /// Cancel safe: dropping it closes the half-made connection.
    pub async fn connect_tls(
        addr: SocketAddr,
        server_name: &str,
        config: std::sync::Arc<rustls::ClientConfig>,
        path: &str,
        action: &str,
        body: Bytes,
    ) -> std::io::Result<BareClient> {
        let stream = TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        let name = rustls_pki_types::ServerName::try_from(server_name.to_owned())
            .map_err(std::io::Error::other)?;
        let tls = tokio_rustls::TlsConnector::from(config)
            .connect(name, stream)
            .await?;
        let host = format!("{server_name}:{}", addr.port());
        Self::over(tls, &host, path, action, body).await
    }

    /// Sends the POST and reads the whole reply; true on HTTP 200 with a body
    /// that contains `expect`.
    ///
    /// Not cancel safe: dropped half-way, the connection is left mid-exchange.
    pub async fn call(&mut self, expect: &[u8]) -> bool {
        let Some(pending) = self.send().await else {
            return false;
        };
        let Ok(resp) = pending.await else {
            return false;
        };
        let ok = resp.status().is_success();
        match resp.into_body().collect().await {
            Ok(body) => ok && contains(&body.to_bytes(), expect),
            Err(_) => false,
        }
    }
}

impl BareClient {
    /// Waits until the connection can take a request, then hands the POST to
    /// the connection task (which writes it without further polling) and
    /// returns the future of the response head; `None` when the connection is gone.
    ///
    /// Cancel safe: dropped while waiting, nothing was sent.
    pub async fn send(
        &mut self,
    ) -> Option<impl Future<Output = hyper::Result<http::Response<hyper::body::Incoming>>> + use<>>
    {
        let req = Request::post(&self.path)
            .header(header::HOST, self.host.clone())
            .header(header::CONTENT_TYPE, "text/xml; charset=utf-8")
            .header("soapaction", self.soap_action.clone())
            .body(Full::new(self.body.clone()))
            .ok()?;
        self.sender.ready().await.ok()?;
        Some(self.sender.send_request(req))
    }
}

/// Whether `hay` contains `needle`.
pub fn contains(hay: &[u8], needle: &[u8]) -> bool {
    needle.is_empty() || hay.windows(needle.len()).any(|w| w == needle)
}

/// What one side of a comparison did over the slices of a round: calls,
/// failures, time, and the CPU the client and server spent on them.
#[derive(Debug, Default, Clone)]
pub struct Tally {
    /// Good calls.
    pub calls: u64,
    /// Failed calls or bad replies.
    pub errors: u64,
    /// Measured seconds.
    pub seconds: f64,
    /// Client CPU seconds (user + system).
    pub client_cpu: f64,
    /// Server CPU seconds (user + system).
    pub server_cpu: f64,
}

impl Tally {
    /// Adds one slice's `rate` and the CPU seconds spent during it.
    pub fn add(&mut self, rate: &Rate, client_cpu: f64, server_cpu: f64) {
        self.calls += rate.calls;
        self.errors += rate.errors;
        self.seconds += rate.elapsed.as_secs_f64();
        self.client_cpu += client_cpu;
        self.server_cpu += server_cpu;
    }

    /// Good calls per second.
    pub fn rate(&self) -> f64 {
        self.calls as f64 / self.seconds.max(1e-9)
    }

    /// Client CPU µs per good call.
    pub fn client_us(&self) -> f64 {
        self.client_cpu / self.calls.max(1) as f64 * 1e6
    }

    /// Server CPU µs per good call.
    pub fn server_us(&self) -> f64 {
        self.server_cpu / self.calls.max(1) as f64 * 1e6
    }
}

/// The benches' request: `Add(1.5, 2.25)`, whose result is 3.75.
pub const ADD_REQUEST: wws_examples::calculator::Add =
    wws_examples::calculator::Add { a: 1.5, b: 2.25 };

/// `callers` closed-loop callers of typed `Add` calls on `proxy` for `span`;
/// a call is good when its result is 3.75.
///
/// Cancel safe as [`closed_loop`].
pub async fn proxy_add_round(
    proxy: &wws_proxy::ServiceProxy,
    callers: usize,
    span: Duration,
) -> Rate {
    use wws_examples::calculator::{ADD_ACTION, Add, AddResponse};
    let callers = vec![proxy.clone(); callers];
    closed_loop(callers, span, |proxy: wws_proxy::ServiceProxy| async move {
        let reply = proxy
            .call::<Add, AddResponse>(ADD_ACTION, &ADD_REQUEST, wws_proxy::CallOptions::new())
            .await;
        let good = matches!(reply, Ok(AddResponse { result }) if result == 3.75);
        (proxy, good)
    })
    .await
}
