//! The accept loop and the connections it serves: HTTP/1.1, or HTTP/2
//! when the client opens with HTTP/2's preface or chose `h2` by ALPN.

use std::future::{Future, poll_fn};
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use crate::ReplyChannel;
use crate::reply::{ExchangeSettings, NoReply, ReplyBody, ServerConnection};
use bytes::Bytes;
use http::{HeaderMap, HeaderValue, Response, StatusCode, header};
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, watch};
use tokio_util::sync::CancellationToken;
use tracing::Instrument;
use wws_channel::connector::HttpVersion;
use wws_core::AbortSignal;

use crate::ListenerProperties;
use crate::acceptor::{Accepted, Acceptor, Io, TlsInfo};
use crate::admission::{Admission, Phase, Registered, Registry, Slot};
use crate::io::{Prefixed, ServedIo};
use crate::service::ExchangeService;

/// Pause after an accept error such as too many open files, so the loop does not spin.
const ACCEPT_ERROR_BACKOFF: Duration = Duration::from_millis(50);

/// Accepts TCP connections until stopped, at most `max_connections` at once.
pub(crate) struct AcceptLoop {
    pub listener: TcpListener,
    pub stop: AbortSignal,
    pub shutdown: CancellationToken,
    pub aborted: CancellationToken,
    pub queue: mpsc::Sender<ReplyChannel>,
    pub connections: Arc<Registry>,
    pub props: ListenerProperties,
    pub settings: Arc<ExchangeSettings>,
    pub acceptor: Arc<dyn Acceptor>,
    /// Runs each exchange on its connection's task; `None` queues them for `accept_channel`.
    pub service: Option<Arc<dyn ExchangeService>>,
}

impl AcceptLoop {
    pub(crate) async fn run(self) {
        let mut http = hyper::server::conn::http1::Builder::new();
        http.timer(TokioTimer::new())
            .header_read_timeout(self.props.header_read_timeout)
            .max_header_size(crate::MAX_REQUEST_HEAD_SIZE)
            .keep_alive(true);
        let http = Arc::new(http);
        let http2 = Arc::new(http2_builder(&self.props));
        loop {
            // Always accept: at max_connections the registry makes room or
            // the newcomer is told 503, so nobody waits in the kernel's backlog.
            let accepted = tokio::select! {
                biased;
                _ = self.stop.aborted() => break,
                r = self.listener.accept() => r,
            };
            match accepted {
                Ok((stream, peer)) => {
                    let _ = stream.set_nodelay(true);
                    let registered = match self.connections.admit() {
                        Admission::Serve(registered) => registered,
                        Admission::Full if self.acceptor.is_plain_http() => {
                            tracing::debug!(target: "wws.listener", %peer, "every connection is busy: 503");
                            tokio::spawn(refuse(stream));
                            continue;
                        }
                        Admission::Full => {
                            // A 503 before the handshake would be noise to a TLS client.
                            tracing::debug!(target: "wws.listener", %peer, "every connection is busy: closed");
                            continue;
                        }
                    };
                    let conn = Served {
                        first_byte_timeout: self.props.first_byte_timeout,
                        acceptor: self.acceptor.clone(),
                        header_read_timeout: self.props.header_read_timeout,
                        service: self.service.clone(),
                        peer,
                        registered,
                        queue: self.queue.clone(),
                        shutdown: self.shutdown.clone(),
                        aborted: self.aborted.clone(),
                        settings: self.settings.clone(),
                        http: http.clone(),
                        http2: http2.clone(),
                        send_timeout: self.props.send_timeout,
                    };
                    let span = tracing::debug_span!("wws.listener.connection", %peer);
                    tokio::spawn(conn.run(stream).instrument(span));
                }
                Err(e) => {
                    tracing::warn!(target: "wws.listener", error = %e, "accept failed");
                    tokio::select! {
                        _ = self.stop.aborted() => break,
                        _ = tokio::time::sleep(ACCEPT_ERROR_BACKOFF) => {}
                    }
                }
            }
        }
        tracing::debug!(target: "wws.listener", "accept loop ended; listening socket closed");
    }
}

/// One accepted TCP connection, served as HTTP/1.1 until it closes.
struct Served {
    first_byte_timeout: Option<Duration>,
    acceptor: Arc<dyn Acceptor>,
    header_read_timeout: Option<Duration>,
    service: Option<Arc<dyn ExchangeService>>,
    peer: SocketAddr,
    registered: Registered,
    queue: mpsc::Sender<ReplyChannel>,
    shutdown: CancellationToken,
    aborted: CancellationToken,
    settings: Arc<ExchangeSettings>,
    http: Arc<hyper::server::conn::http1::Builder>,
    http2: Arc<Http2Builder>,
    send_timeout: Option<Duration>,
}

type Http2Builder = hyper::server::conn::http2::Builder<TokioExecutor>;

/// The HTTP/2 settings of the listener's connections, from its properties.
fn http2_builder(props: &ListenerProperties) -> Http2Builder {
    let limits = &props.http2;
    let quota = u32::try_from(props.quotas.max_message_size).unwrap_or(u32::MAX);
    // A stream need not be let send more than one message; HTTP/2's floor still applies.
    let stream_window = limits.initial_stream_window_size.min(quota).max(65_535);
    let mut http2 = hyper::server::conn::http2::Builder::new(TokioExecutor::new());
    http2
        .timer(TokioTimer::new())
        .max_concurrent_streams(limits.max_concurrent_streams)
        .max_header_list_size(crate::MAX_REQUEST_HEAD_SIZE as u32)
        .initial_stream_window_size(stream_window)
        .initial_connection_window_size(limits.initial_connection_window_size)
        .max_send_buf_size(limits.max_send_buffer_size)
        .max_pending_accept_reset_streams(limits.max_pending_reset_streams)
        .max_local_error_reset_streams(limits.max_local_error_reset_streams);
    http2
}

/// What an HTTP/2 client sends first (RFC 9113 §3.4).
const PREFACE: &[u8] = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

/// What the first bytes of a connection said.
enum Sniffed {
    /// HTTP/2's preface (read, to be read again by hyper).
    Http2(Vec<u8>),
    /// Anything else: HTTP/1.1 (these bytes read again by hyper).
    Http1(Vec<u8>),
    /// The client closed before saying anything that tells.
    Closed,
}

/// Reads just enough of the stream to tell HTTP/2's preface from an
/// HTTP/1.1 request: at most the preface's 24 bytes, usually 2 (`PO`).
async fn sniff(io: &mut Box<dyn Io>, slot: &Slot) -> std::io::Result<Sniffed> {
    let mut seen = Vec::with_capacity(PREFACE.len());
    let mut chunk = [0u8; PREFACE.len()];
    // Bounded: each turn reads at least one byte of the 24, or ends.
    loop {
        let want = PREFACE.len() - seen.len();
        let n = io.read(&mut chunk[..want]).await?;
        if n == 0 {
            return Ok(if seen.is_empty() {
                Sniffed::Closed
            } else {
                Sniffed::Http1(seen)
            });
        }
        slot.received();
        seen.extend_from_slice(&chunk[..n]);
        if !PREFACE.starts_with(&seen) {
            return Ok(Sniffed::Http1(seen));
        }
        if seen.len() == PREFACE.len() {
            return Ok(Sniffed::Http2(seen));
        }
    }
}

/// The service's response future, boxed so the connection is `Unpin` and
/// its socket can be taken back when hyper is done with it.
type ResponseFuture = Pin<Box<dyn Future<Output = Result<Response<ReplyBody>, NoReply>> + Send>>;

impl Served {
    /// Makes the connection ready (the acceptor's step, bounded like a
    /// request head and ended by close or abort), then serves it.
    async fn run(self, stream: TcpStream) {
        let accepting = self.acceptor.accept(stream, self.peer);
        let limit = self.header_read_timeout;
        let accepted = tokio::select! {
            biased;
            _ = self.shutdown.cancelled() => return,
            _ = self.registered.slot.evicted() => return,
            r = async {
                match limit {
                    Some(limit) => tokio::time::timeout(limit, accepting).await.unwrap_or_else(|_| {
                        Err(std::io::Error::new(std::io::ErrorKind::TimedOut, "the acceptor timed out"))
                    }),
                    None => accepting.await,
                }
            } => r,
        };
        let accepted = match accepted {
            Ok(a) => a,
            Err(e) => {
                tracing::debug!(target: "wws.listener", error = %e, "connection refused by the acceptor");
                return;
            }
        };
        let Accepted {
            mut io,
            version,
            tls,
        } = accepted;
        if version == HttpVersion::Http2 {
            return self.serve_http2(io, tls).await;
        }
        // ALPN said http/1.1: no preface to look for.
        if tls
            .as_ref()
            .is_some_and(|t| t.alpn_protocol() == Some(b"http/1.1"))
        {
            return self.serve(io, tls).await;
        }
        let slot = self.registered.slot.clone();
        let sniffed = tokio::select! {
            biased;
            _ = self.shutdown.cancelled() => return,
            _ = slot.evicted() => return,
            _ = silent_for(&slot, self.first_byte_timeout) => return,
            r = async {
                match limit {
                    Some(limit) => tokio::time::timeout(limit, sniff(&mut io, &slot)).await.ok(),
                    None => Some(sniff(&mut io, &slot).await),
                }
            } => r,
        };
        match sniffed {
            Some(Ok(Sniffed::Http2(seen))) => {
                tracing::debug!(target: "wws.listener", "HTTP/2 preface: serving HTTP/2");
                self.serve_http2(Box::new(Prefixed::new(seen, io)), tls)
                    .await
            }
            Some(Ok(Sniffed::Http1(seen))) => {
                self.serve(Box::new(Prefixed::new(seen, io)), tls).await
            }
            Some(Ok(Sniffed::Closed)) => {}
            Some(Err(e)) => {
                tracing::debug!(target: "wws.listener", error = %e, "connection ended before its first request");
            }
            None => {
                // A few bytes of a head (or of a preface), not the rest in time.
                tracing::debug!(target: "wws.listener", "request head timed out: 408");
                let _ = tokio::time::timeout(REFUSAL_WRITE, io.write_all(TIMEOUT_408)).await;
            }
        }
    }

    /// Serves an HTTP/2 connection: each stream is an exchange, run on a
    /// task of its own (hyper's), ended alone when the client resets it.
    async fn serve_http2(self, io: Box<dyn Io>, tls: Option<Arc<TlsInfo>>) {
        let serving = self.service.is_some();
        let conn = ServerConnection::http2(self.peer, tls);
        // Marks the connection closed for `ReplyChannel::disconnected` however this task ends.
        let _closed = conn.closed_guard();
        let slot = self.registered.slot.clone();
        let streams = Arc::new(Streams {
            open: watch::Sender::new(0),
            slot: slot.clone(),
        });
        // Cancelled to end every stream's exchange at once (abort, kill): each
        // stream is reset with CANCEL.
        let reset = CancellationToken::new();
        let service = self.exchange_service(
            &conn,
            Tracker::Streams(streams.clone()),
            Some(reset.clone()),
        );
        let io = ServedIo::new(
            io,
            self.send_timeout,
            slot.clone(),
            conn.clone(),
            self.settings.quotas.max_message_size,
        )
        .http2();
        let http = self.http2.serve_connection(TokioIo::new(io), service);
        tokio::pin!(http);
        let end = tokio::select! {
            biased;
            _ = conn.killed() => H2End::Abort,
            // Idle, or silent since it opened: no stream to tell.
            _ = slot.evicted() => H2End::Drop,
            _ = silent_for(&slot, self.first_byte_timeout) => H2End::Drop,
            r = &mut http => H2End::Done(r),
            _ = idle_for(&streams, self.header_read_timeout) => {
                // As an idle HTTP/1.1 keep-alive connection: GOAWAY, then closed.
                tracing::debug!(target: "wws.listener", "HTTP/2 connection idle: closing");
                http.as_mut().graceful_shutdown();
                let limit = self.header_read_timeout.unwrap_or(REFUSAL_WRITE);
                tokio::select! {
                    biased;
                    _ = conn.killed() => H2End::Abort,
                    _ = self.aborted.cancelled() => H2End::Abort,
                    // A stream opened after the GOAWAY went is reset, not dropped unsaid.
                    r = tokio::time::timeout(limit, &mut http) => match r {
                        Ok(r) => H2End::Done(r),
                        Err(_) if *streams.open.borrow() > 0 => H2End::Abort,
                        Err(_) => H2End::Drop,
                    },
                }
            }
            _ = self.shutdown.cancelled() => {
                // GOAWAY: no new streams; those in progress may finish.
                http.as_mut().graceful_shutdown();
                tokio::select! {
                    biased;
                    _ = conn.killed() => H2End::Abort,
                    _ = self.aborted.cancelled(), if serving => H2End::Abort,
                    r = &mut http => H2End::Done(r),
                }
            }
        };
        match end {
            H2End::Drop => tracing::debug!(target: "wws.listener", "HTTP/2 connection dropped"),
            H2End::Abort => {
                // Every stream's exchange ends (the host tells its operation
                // why) and its stream is reset with CANCEL; GOAWAY says no
                // more; the connection is polled just long enough for those
                // frames to go out, then dropped.
                reset.cancel();
                http.as_mut().graceful_shutdown();
                let said = tokio::time::timeout(GOODBYE, &mut http).await;
                tracing::debug!(target: "wws.listener", in_time = said.is_ok(), "HTTP/2 connection aborted: streams reset, GOAWAY sent");
            }
            H2End::Done(Ok(())) => {
                tracing::debug!(target: "wws.listener", "HTTP/2 connection closed")
            }
            H2End::Done(Err(e)) => {
                tracing::debug!(target: "wws.listener", error = %e, "HTTP/2 connection ended")
            }
        }
    }

    async fn serve(self, io: Box<dyn Io>, tls: Option<Arc<TlsInfo>>) {
        let serving = self.service.is_some();
        let conn = ServerConnection::with_tls(self.peer, tls);
        // Marks the connection closed for `ReplyChannel::disconnected` however this task ends.
        let _closed = conn.closed_guard();
        let slot = self.registered.slot.clone();
        let service = self.exchange_service(&conn, Tracker::Single(slot.clone()), None);
        let mut http = self.http.serve_connection(
            TokioIo::new(ServedIo::new(
                io,
                self.send_timeout,
                slot.clone(),
                conn.clone(),
                self.settings.quotas.max_message_size,
            )),
            service,
        );
        // Without shutdown: when hyper is done, the socket may still need a lingering close.
        let result = tokio::select! {
            biased;
            _ = conn.killed() => None,
            _ = slot.evicted() => None,
            _ = silent_for(&slot, self.first_byte_timeout) => None,
            r = poll_fn(|cx| http.poll_without_shutdown(cx)) => Some(r),
            _ = self.shutdown.cancelled() => {
                if conn.has_carried_exchange() {
                    // Finish the exchange in progress, if any, then close
                    // (hyper closes at once when idle or mid-way through the next head).
                    Pin::new(&mut http).graceful_shutdown();
                    tokio::select! {
                        biased;
                        _ = conn.killed() => None,
                        // Served exchanges are the listener's own: an abort drops them
                        // (accepted ones belong to whoever accepted them).
                        _ = self.aborted.cancelled(), if serving => None,
                        r = poll_fn(|cx| http.poll_without_shutdown(cx)) => Some(r),
                    }
                } else {
                    // Nothing arrived whole yet (at most part of a first head): nothing
                    // to finish, and hyper's graceful shutdown would wait for that head.
                    None
                }
            }
        };
        match result {
            None => {
                tracing::debug!(target: "wws.listener", "connection dropped (by its exchange, or stopped before a request arrived)")
            }
            Some(Ok(())) => {
                tracing::debug!(target: "wws.listener", "connection closed");
                if conn.has_unread_body() {
                    // Not evicted while it lingers (bounded: at most LINGER_MAX), so
                    // the answer it just sent is not lost to a reset.
                    slot.exchange_started();
                    let stream = http.into_parts().io.into_inner().into_inner();
                    tokio::select! {
                        biased;
                        _ = conn.killed() => {}
                        _ = self.aborted.cancelled() => {}
                        _ = linger(stream, self.settings.quotas.max_message_size) => {}
                    }
                }
            }
            Some(Err(e)) if e.is_timeout() && slot.phase() == Phase::Head => {
                // Part of a head arrived, not all of it in time: say so (RFC 9110 §15.5.9).
                tracing::debug!(target: "wws.listener", "request head timed out: 408");
                let mut stream = http.into_parts().io.into_inner().into_inner();
                let _ = tokio::time::timeout(REFUSAL_WRITE, stream.write_all(TIMEOUT_408)).await;
            }
            Some(Err(e)) => tracing::debug!(target: "wws.listener", error = %e, "connection ended"),
        }
    }
}

impl Served {
    /// The hyper service of a connection: each request becomes a
    /// [`ReplyChannel`], served on the spot or queued for `accept_channel`.
    ///
    /// `reset` (HTTP/2), once cancelled, ends every served exchange at once:
    /// its response future fails, so hyper resets its stream.
    fn exchange_service(
        &self,
        conn: &ServerConnection,
        tracker: Tracker,
        reset: Option<CancellationToken>,
    ) -> impl hyper::service::Service<
        http::Request<hyper::body::Incoming>,
        Response = Response<ReplyBody>,
        Error = NoReply,
        Future = ResponseFuture,
    > + Clone
    + use<> {
        {
            let conn = conn.clone();
            let queue = self.queue.clone();
            let settings = self.settings.clone();
            let aborted = self.aborted.clone();
            let serving = self.service.clone();
            service_fn(move |request| -> ResponseFuture {
                tracker.started();
                let (channel, response) =
                    ReplyChannel::from_request(request, &conn, settings.clone());
                let answered = Answered(tracker.clone());
                let response = async move {
                    let r = response.await;
                    drop(answered);
                    r
                };
                if let Some(serving) = &serving {
                    // Run in the response future: no queue, no hand-off (on the
                    // connection's task over HTTP/1.1, on hyper's task of the
                    // stream over HTTP/2). If the connection goes first (client
                    // gone, kill), hyper drops this future and the exchange's
                    // with it; over HTTP/2 an abort ends it through `reset`.
                    let exchange = serving.serve(channel);
                    let reset = reset.clone();
                    return Box::pin(async move {
                        let served = serve_exchange(exchange, response);
                        match reset {
                            // The exchange first: told to stop by its owner
                            // (the host's abort), it gets its last poll, and
                            // an answer ready is not thrown away.
                            Some(reset) => tokio::select! {
                                biased;
                                r = served => r,
                                () = reset.cancelled() => Err(NoReply),
                            },
                            None => served.await,
                        }
                    });
                }
                let queue = queue.clone();
                let aborted = aborted.clone();
                Box::pin(async move {
                    if let Err(mpsc::error::SendError(channel)) = queue.send(channel).await {
                        // The listener stopped before the exchange could be handed out:
                        // after an abort the connection just closes, after a close it says so.
                        if aborted.is_cancelled() {
                            channel.abort();
                            return response.await;
                        }
                        let mut headers = HeaderMap::new();
                        headers.insert(header::CONNECTION, HeaderValue::from_static("close"));
                        let _ = channel
                            .reply_http(
                                StatusCode::SERVICE_UNAVAILABLE,
                                None,
                                Bytes::new(),
                                headers,
                            )
                            .await;
                    }
                    response.await
                })
            })
        }
    }
}

/// Runs a served exchange to its answer, which is the response.
async fn serve_exchange(
    mut exchange: crate::service::Serving,
    response: impl Future<Output = Result<Response<ReplyBody>, NoReply>>,
) -> Result<Response<ReplyBody>, NoReply> {
    let mut response = std::pin::pin!(response);
    tokio::select! {
        biased;
        () = &mut exchange => response.await,
        // Answered while the service goes on (a one-way operation
        // acknowledged with 202): the answer goes out now, the rest of the
        // work on a task of its own.
        answer = &mut response => {
            tokio::spawn(exchange);
            answer
        }
    }
}

/// How an HTTP/2 connection's serving ended.
enum H2End {
    /// hyper finished with it.
    Done(Result<(), hyper::Error>),
    /// Dropped at once: no stream had an exchange to tell.
    Drop,
    /// Aborted or killed: its streams are reset and GOAWAY is sent first.
    Abort,
}

/// How long an aborted HTTP/2 connection is still polled so that its
/// streams' `RST_STREAM` and its `GOAWAY` reach the client before it is
/// dropped (as the channel's own goodbye is bounded).
const GOODBYE: Duration = Duration::from_millis(100);

/// Marks the exchange answered (the connection idle) when its response
/// future ends, however it ends.
struct Answered(Tracker);

impl Drop for Answered {
    fn drop(&mut self) {
        self.0.answered();
    }
}

/// Tells the connection's slot when it is busy: with one exchange at a
/// time (HTTP/1.1), or while any of its streams is open (HTTP/2), so that
/// a connection is only ever evicted as idle when no stream is open.
#[derive(Clone)]
enum Tracker {
    Single(Arc<Slot>),
    Streams(Arc<Streams>),
}

struct Streams {
    /// How many streams have an exchange not yet answered.
    open: watch::Sender<usize>,
    slot: Arc<Slot>,
}

impl Tracker {
    fn started(&self) {
        match self {
            Tracker::Single(slot) => slot.exchange_started(),
            Tracker::Streams(s) => {
                s.open.send_modify(|n| *n += 1);
                s.slot.exchange_started();
            }
        }
    }

    fn answered(&self) {
        match self {
            Tracker::Single(slot) => slot.exchange_answered(),
            Tracker::Streams(s) => {
                let mut idle = false;
                s.open.send_modify(|n| {
                    *n = n.saturating_sub(1);
                    idle = *n == 0;
                });
                if idle {
                    s.slot.exchange_answered();
                }
            }
        }
    }
}

/// Resolves once a connection that has sent nothing at all is `limit` old
/// (up to half as long again, spread between connections so a flood that
/// came at once is not let go, and back, at once); pending for ever
/// otherwise (a connection that spoke is bounded by the header timeout).
async fn silent_for(slot: &Slot, limit: Option<Duration>) {
    let Some(limit) = limit else {
        return std::future::pending().await;
    };
    tokio::time::sleep(limit + limit * slot.spread() / 32).await;
    if slot.phase() != Phase::New {
        std::future::pending::<()>().await;
    }
    tracing::debug!(target: "wws.listener", ?limit, "nothing received in time: closed");
}

/// Resolves once an HTTP/2 connection has had no stream with an exchange
/// in progress for `limit` (the header read timeout, which closes an idle
/// HTTP/1.1 keep-alive connection); pending for ever without a limit.
async fn idle_for(streams: &Streams, limit: Option<Duration>) {
    let Some(limit) = limit else {
        return std::future::pending().await;
    };
    let mut open = streams.open.subscribe();
    // Each turn waits for the connection to go idle, then for a stream or the limit.
    loop {
        if open.wait_for(|n| *n == 0).await.map(drop).is_err() {
            return std::future::pending().await;
        }
        tokio::select! {
            _ = tokio::time::sleep(limit) => return,
            r = async { open.wait_for(|n| *n > 0).await.map(drop) } => {
                if r.is_err() {
                    return std::future::pending().await;
                }
            }
        }
    }
}

/// How long a refusal (408, 503) may take to write before the connection is just closed.
const REFUSAL_WRITE: Duration = Duration::from_secs(1);

const TIMEOUT_408: &[u8] =
    b"HTTP/1.1 408 Request Timeout\r\nconnection: close\r\ncontent-length: 0\r\n\r\n";

const BUSY_503: &[u8] = b"HTTP/1.1 503 Service Unavailable\r\nconnection: close\r\nretry-after: 1\r\ncontent-length: 0\r\n\r\n";

/// Answers a connection beyond `max_connections` with 503 and closes it.
async fn refuse(mut stream: TcpStream) {
    let _ = tokio::time::timeout(REFUSAL_WRITE, async {
        stream.write_all(BUSY_503).await?;
        stream.shutdown().await
    })
    .await;
}

/// Longest lingering close of a connection whose request body was not read.
const LINGER_MAX: Duration = Duration::from_secs(10);
/// A lingering close ends when the client sends nothing for this long.
const LINGER_IDLE: Duration = Duration::from_secs(2);

/// Closes a connection whose client may still be sending a body nobody reads.
///
/// A plain close with unread bytes makes the kernel send a reset, and a
/// client still writing may then lose the answer before reading it (as
/// Apache's and nginx's lingering close avoid). So: send FIN, discard what
/// still arrives until the client closes too, goes quiet for
/// [`LINGER_IDLE`], [`LINGER_MAX`] has passed, or `max_discard` bytes (the
/// message size quota: enough for a client to finish a body somewhat over
/// it, not a sink for an endless one) were thrown away.
async fn linger(mut stream: Box<dyn Io>, max_discard: usize) {
    if stream.shutdown().await.is_err() {
        return;
    }
    let max_discard = max_discard.max(64 * 1024);
    let mut sink = vec![0u8; 16 * 1024];
    let drained = tokio::time::timeout(LINGER_MAX, async {
        let mut discarded = 0usize;
        // Bounded by the timeouts and by max_discard; each turn consumes bytes or ends.
        while discarded < max_discard {
            match tokio::time::timeout(LINGER_IDLE, stream.read(&mut sink)).await {
                Ok(Ok(0)) | Ok(Err(_)) | Err(_) => break,
                Ok(Ok(n)) => discarded += n,
            }
        }
        discarded
    })
    .await;
    tracing::debug!(target: "wws.listener", discarded = ?drained.ok(), "lingering close done");
}
