//! [`Channel`]: the client request channel over HTTP/1.1 or HTTP/2.

use std::future::Future;
use std::sync::atomic::{AtomicU8, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderMap, Request, StatusCode, header};
use hyper::client::conn::{http1, http2};
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use tokio::sync::{oneshot, watch};
use tokio::task::JoinHandle;
use tokio::time::Instant;
use tracing::{Instrument, field};
use wws_core::state::{ChannelEvent, ChannelState, Lifecycle, OnDrop, Ticket};
use wws_core::{AbortSignal, EnvelopeVersion, Error, Message, Result};

use crate::connector::{Connector, Forwarding, Http2Mode, HttpVersion, Target};
use crate::properties::{ChannelBuilder, ChannelProperties};

use crate::binding;
use crate::body::{BodyReadError, FlushSignal, OutgoingBody, is_malformed_body, read_body_limited};
use crate::codec;
use crate::endpoint::Endpoint;
use crate::io::SignallingIo;

pub(crate) const OBJECT: &str = "Channel";

/// How long an HTTP/2 connection the channel closed may take to send its
/// `GOAWAY` before its socket is closed regardless.
const GOAWAY_GRACE: Duration = Duration::from_millis(100);

/// Largest response head (status line and headers) a [`Channel`] reads; a
/// larger one is refused with [`Error::QuotaExceeded`] as it streams in.
pub const MAX_RESPONSE_HEAD_SIZE: usize = 64 * 1024;

fn aborted() -> Error {
    Lifecycle::<ChannelState>::aborted()
}

/// A client request channel: sends SOAP requests over one HTTP/1.1
/// keep-alive connection or one HTTP/2 connection and reads the replies
/// (WWSAPI's `WS_CHANNEL_TYPE_REQUEST` on `WS_HTTP_CHANNEL_BINDING`).
///
/// Cheap to clone; clones share the channel. Over HTTP/1.1 requests on one
/// channel are serialized over its one connection (open several channels
/// for parallel requests); over HTTP/2 ([`ChannelProperties::http2`]) they
/// run concurrently, one stream each, on its one connection. A connection
/// the server closed while idle is replaced transparently before the next
/// request.
///
/// # Errors and state
///
/// Errors of the transport (abort, timeouts, a connection lost or refused)
/// fault the channel (`Open` → `Faulted`): the connection is closed since it
/// is in an unknown state, and later operations fail with
/// [`Error::ObjectFaulted`] until the channel is closed and reset. Answers
/// that complete the HTTP exchange — a SOAP fault, 404, 503, a malformed or
/// oversized reply — leave the channel `Open` (an oversized reply also closes
/// the connection, since the rest of it is not read; the next request
/// reconnects). Over HTTP/2 a failure confined to one stream (its
/// timeout, a reset by the server, an oversized reply) leaves the channel
/// `Open` and its other requests running; losing the connection faults it.
#[derive(Clone, Debug)]
pub struct Channel {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    props: ChannelProperties,
    connector: Arc<dyn Connector>,
    ctl: Mutex<Control>,
    /// The I/O lock: held for a whole exchange, so requests take turns.
    /// `abort` never touches it.
    conn: tokio::sync::Mutex<Option<Connection>>,
    next_conn_id: AtomicU64,
    /// The HTTP version of the last connection made (`VERSION_*`).
    version: AtomicU8,
    /// HTTP/2 exchanges in flight, which do not hold the I/O lock; `close` waits for none.
    streams: watch::Sender<usize>,
}

const VERSION_NONE: u8 = 0;
const VERSION_1: u8 = 1;
const VERSION_2: u8 = 2;

#[derive(Debug)]
struct Control {
    /// The state, and the epoch a late completion is checked against.
    life: Lifecycle<ChannelState>,
    endpoint: Option<Arc<Endpoint>>,
    /// Aborted by `abort()`; one per open, so an abort in `Created` does not poison the next open.
    abort: AbortSignal,
    /// Aborted by `abort()` while a `close` waits for I/O.
    closing: Option<AbortSignal>,
}

impl Control {
    fn apply(&mut self, event: ChannelEvent) -> Result<ChannelState> {
        self.life.apply(event)
    }

    fn ensure_open(&self, operation: &'static str) -> Result<()> {
        self.life.ensure_open(operation)
    }
}

/// One HTTP connection; dropping it closes the socket.
#[derive(Debug)]
struct Connection {
    id: u64,
    sender: Sender,
    flush: Arc<FlushSignal>,
    kill: AbortSignal,
    task: Option<JoinHandle<()>>,
    /// The HTTP proxy forwarding this connection's requests, if any.
    forwarding: Option<Arc<Forwarding>>,
}

/// How requests are handed to a connection.
#[derive(Debug)]
enum Sender {
    /// One exchange at a time, under the I/O lock.
    Http1(http1::SendRequest<OutgoingBody>),
    /// Any number at once: each clone opens its own stream.
    Http2(http2::SendRequest<OutgoingBody>),
}

impl Connection {
    fn is_closed(&self) -> bool {
        match &self.sender {
            Sender::Http1(s) => s.is_closed(),
            Sender::Http2(s) => s.is_closed(),
        }
    }
}

/// What an HTTP/2 exchange needs of its connection, taken out of the I/O lock.
struct Stream {
    sender: http2::SendRequest<OutgoingBody>,
    conn_id: u64,
    forwarding: Option<Arc<Forwarding>>,
}

/// Why an HTTP/2 exchange ended without an answer.
enum StreamError {
    /// The connection went before it took the request: safe to retry once.
    NotSent,
    Failed(Failure),
}

/// Counts an HTTP/2 exchange in flight while it lives.
struct Counted<'a>(&'a watch::Sender<usize>);

impl<'a> Counted<'a> {
    fn new(streams: &'a watch::Sender<usize>) -> Self {
        streams.send_modify(|n| *n += 1);
        Counted(streams)
    }
}

impl Drop for Counted<'_> {
    fn drop(&mut self) {
        self.0.send_modify(|n| *n = n.saturating_sub(1));
    }
}

impl Drop for Connection {
    fn drop(&mut self) {
        // The task owns the socket (HTTP/1.1), or hyper's task does and
        // closes it with GOAWAY once this task let go (HTTP/2, bounded by
        // GOAWAY_GRACE); ending it closes the connection.
        self.kill.abort();
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

/// What an exchange expects back.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
enum Expect {
    Reply,
    OneWay,
}

/// A reply and the bytes it was read from (shared, not copied).
type Answer = (Message, Bytes);

/// An exchange error, and whether it leaves the transport in an unknown state.
struct Failure {
    error: Error,
    faults_channel: bool,
}

impl Failure {
    fn transport(error: Error) -> Self {
        Failure {
            error,
            faults_channel: true,
        }
    }

    fn answer(error: Error) -> Self {
        Failure {
            error,
            faults_channel: false,
        }
    }
}

impl Default for Channel {
    fn default() -> Self {
        Channel::new()
    }
}

impl Channel {
    /// A new channel in state `Created`, with the default properties and
    /// the default connector (see [`ChannelBuilder::connector`]).
    pub fn new() -> Channel {
        Channel::from_parts(
            ChannelProperties::default(),
            crate::connector::default_connector(),
        )
    }

    /// A builder: every property at its default, checked at `build`.
    pub fn builder() -> ChannelBuilder {
        ChannelBuilder::default()
    }

    /// A new channel with `props`, checked as [`ChannelBuilder::build`] does.
    pub fn with_properties(props: ChannelProperties) -> Result<Channel> {
        Channel::builder().properties(props).build()
    }

    pub(crate) fn from_parts(props: ChannelProperties, connector: Arc<dyn Connector>) -> Channel {
        Channel {
            inner: Arc::new(Inner {
                props,
                connector,
                ctl: Mutex::new(Control {
                    life: Lifecycle::new(ChannelState::Created),
                    endpoint: None,
                    abort: AbortSignal::new(),
                    closing: None,
                }),
                conn: tokio::sync::Mutex::new(None),
                next_conn_id: AtomicU64::new(1),
                version: AtomicU8::new(VERSION_NONE),
                streams: watch::Sender::new(0),
            }),
        }
    }

    fn ctl(&self) -> MutexGuard<'_, Control> {
        // Only pure state updates run under this lock; a poisoned one still holds a valid state.
        self.inner
            .ctl
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// The channel's state.
    pub fn state(&self) -> ChannelState {
        self.ctl().life.state()
    }

    /// Checks, without connecting, that [`open`](Self::open) would accept
    /// `url` (a scheme the connector serves, a host, no user info or
    /// fragment); else [`Error::InvalidEndpointUrl`].
    pub fn validate_url(&self, url: &str) -> Result<()> {
        let connector = &self.inner.connector;
        Endpoint::parse(url, |scheme| connector.supports(scheme)).map(drop)
    }

    /// The endpoint URL given to [`open`](Self::open) (without its user
    /// info, if it had any), until [`reset`](Self::reset).
    pub fn url(&self) -> Option<String> {
        self.ctl().endpoint.as_ref().map(|e| e.url.clone())
    }

    /// The HTTP version of the channel's connection (the last one made),
    /// `None` before the first connect: [`HttpVersion::Http2`] when ALPN
    /// or prior knowledge chose it, so that requests may run concurrently.
    pub fn http_version(&self) -> Option<HttpVersion> {
        match self.inner.version.load(Ordering::Acquire) {
            VERSION_1 => Some(HttpVersion::Http1),
            VERSION_2 => Some(HttpVersion::Http2),
            _ => None,
        }
    }

    /// The properties the channel was made with.
    pub fn properties(&self) -> &ChannelProperties {
        &self.inner.props
    }

    /// Opens the channel to `url` (`http://host[:port]/path`, `https://`
    /// with a TLS connector): resolves the host and connects eagerly, so an
    /// unreachable endpoint fails here. User info in the URL
    /// (`http://user:password@host/`, percent-encoded) is sent as Basic
    /// authentication (an `Authorization` the channel or the request sets
    /// replaces it) and kept out of [`url`](Self::url), logs and errors.
    ///
    /// `Created` → `Opening` → `Open`. An invalid URL fails with
    /// [`Error::InvalidEndpointUrl`] and leaves the channel `Created`; a
    /// failed connect ([`Error::EndpointUnreachable`], [`Error::TimedOut`]
    /// after `connect_timeout`) leaves it `Faulted`; [`abort`](Self::abort)
    /// during the open returns it to `Created` and the open fails with
    /// [`Error::Aborted`].
    ///
    /// Cancel safety: dropping the future mid-open is an abort of the open
    /// (the channel returns to `Created`).
    pub async fn open(&self, url: &str) -> Result<()> {
        // The state is checked before the URL, so a wrong state is reported as such.
        self.ctl().life.state().on(ChannelEvent::OpenStarted)?;
        let connector = &self.inner.connector;
        let endpoint = Arc::new(Endpoint::parse(url, |scheme| connector.supports(scheme))?);
        let (abort, ticket) = {
            let mut ctl = self.ctl();
            ctl.apply(ChannelEvent::OpenStarted)?;
            ctl.abort = AbortSignal::new();
            ctl.endpoint = Some(endpoint.clone());
            (ctl.abort.clone(), ctl.life.ticket())
        };
        let mut dropped = OnDrop::new(|| self.abort_if_current(ticket));
        let span =
            tracing::info_span!("wws.channel.open", url = %endpoint.url, outcome = field::Empty);
        let result = async {
            tokio::select! {
                biased;
                _ = abort.aborted() => Err(aborted()),
                r = self.connect(&endpoint, &abort) => r,
            }
        }
        .instrument(span.clone())
        .await;
        let result = match result {
            Ok(conn) => {
                // Nothing else uses the connection slot before the channel is Open.
                let mut slot = tokio::select! {
                    biased;
                    _ = abort.aborted() => return Err(aborted()),
                    g = self.inner.conn.lock() => g,
                };
                dropped.disarm();
                let mut ctl = self.ctl();
                ctl.life.complete(ticket, ChannelEvent::OpenSucceeded)?;
                *slot = Some(conn);
                Ok(())
            }
            Err(e) => {
                dropped.disarm();
                let mut ctl = self.ctl();
                ctl.life.complete(ticket, ChannelEvent::OpenFailed)?;
                Err(e)
            }
        };
        span.record("outcome", outcome(&result));
        result
    }

    /// Sends `msg` as an HTTP POST and returns the reply.
    ///
    /// Content type per envelope version (SOAP 1.1 `text/xml` with a
    /// `SOAPAction` header, SOAP 1.2 `application/soap+xml` with an `action`
    /// parameter). A SOAP fault in the reply is [`Error::FaultReceived`]
    /// whatever the HTTP status; 404 is [`Error::EndpointNotFound`], 503
    /// [`Error::EndpointTooBusy`]; a reply without an envelope (an HTML
    /// page, say), an answer that is not valid HTTP/1.1 and a redirect
    /// (not followed) are [`Error::InvalidFormat`]; a reply over the max
    /// message size quota or a response head over
    /// [`MAX_RESPONSE_HEAD_SIZE`] is [`Error::QuotaExceeded`] (refused
    /// while it streams in); interim 1xx answers are skipped; a connection
    /// lost mid-exchange [`Error::EndpointDisconnected`], and each timeout of
    /// [`ChannelProperties`] [`Error::TimedOut`] naming the phase.
    ///
    /// Cancel safety: dropping the future abandons the exchange; if it was
    /// already on the wire, over HTTP/1.1 its connection is closed (HTTP/1.1
    /// cannot cancel one exchange otherwise) and the next request
    /// reconnects; over HTTP/2 only its stream is reset (`RST_STREAM`
    /// with `CANCEL`) and the connection and the other requests go on.
    /// The channel stays `Open`.
    pub async fn request(&self, msg: Message) -> Result<Message> {
        self.request_with_headers(msg, HeaderMap::new()).await
    }

    /// [`request`](Self::request), with `headers` added to this request's
    /// HTTP headers (after the channel's own `http_headers`, replacing any
    /// of the same name): an `Authorization` of this call, say. The
    /// headers the SOAP binding owns (`Host`, `Content-Type`,
    /// `Content-Length`, `Transfer-Encoding`, `Connection`, `SOAPAction`)
    /// are refused with [`Error::InvalidProperty`].
    ///
    /// Cancel safety as [`request`](Self::request).
    pub async fn request_with_headers(&self, msg: Message, headers: HeaderMap) -> Result<Message> {
        self.request_with_envelope(msg, headers)
            .await
            .map(|(reply, _)| reply)
    }

    /// [`request_with_headers`](Self::request_with_headers), also giving
    /// the reply envelope's bytes as they arrived (shared with the message,
    /// not copied): what a layer that checks a signature over the markup
    /// reads. Cancel safety as [`request`](Self::request).
    pub async fn request_with_envelope(
        &self,
        msg: Message,
        headers: HeaderMap,
    ) -> Result<(Message, Bytes)> {
        crate::auth::check_headers(OBJECT, &headers)?;
        // Boxed, with the message moved in: a pending request's future holds
        // one pointer here, not a second copy of the message and the state
        // machine of every phase (the channel's futures wait by the thousand
        // over HTTP/2).
        match Box::pin(self.exchange(msg, Expect::Reply, &headers)).await? {
            Some(answer) => Ok(answer),
            None => Err(Error::invalid_format("no reply")),
        }
    }

    /// Sends `msg` one-way: expects HTTP 202 (or 200) with an empty body.
    ///
    /// Errors as [`request`](Self::request); a SOAP fault in the answer is
    /// [`Error::FaultReceived`]. Cancel safety as [`request`](Self::request).
    pub async fn send(&self, msg: Message) -> Result<()> {
        self.send_with_headers(msg, HeaderMap::new()).await
    }

    /// [`send`](Self::send), with `headers` added as
    /// [`request_with_headers`](Self::request_with_headers) adds them.
    pub async fn send_with_headers(&self, msg: Message, headers: HeaderMap) -> Result<()> {
        crate::auth::check_headers(OBJECT, &headers)?;
        self.exchange(msg, Expect::OneWay, &headers)
            .await
            .map(|_| ())
    }

    /// Closes the channel gracefully: waits for exchanges already started,
    /// then closes the connection. `Open`/`Faulted` → `Closing` → `Closed`;
    /// from `Created` or `Closed` it is `Ok` at once.
    ///
    /// An [`abort`](Self::abort) during the close finishes it at once
    /// (`Closed`) and the close returns [`Error::Aborted`].
    ///
    /// Cancel safety: dropping the future mid-close is an abort of the
    /// close (the channel is `Closed` at once, I/O in flight is aborted).
    pub async fn close(&self) -> Result<()> {
        let (closing, ticket) = {
            let mut ctl = self.ctl();
            let from = ctl.life.state();
            let to = ctl.apply(ChannelEvent::CloseStarted)?;
            if to == ChannelState::Closed {
                // From Created or Closed: nothing to close.
                debug_assert!(matches!(from, ChannelState::Created | ChannelState::Closed));
                return Ok(());
            }
            let closing = AbortSignal::new();
            ctl.closing = Some(closing.clone());
            (closing, ctl.life.ticket())
        };
        let mut dropped = OnDrop::new(|| self.abort_if_current(ticket));
        let span = tracing::info_span!("wws.channel.close", outcome = field::Empty);
        let result = async {
            // HTTP/2 exchanges run outside the I/O lock: wait for them first.
            let mut streams = self.inner.streams.subscribe();
            tokio::select! {
                biased;
                _ = closing.aborted() => return Err(aborted()),
                _ = streams.wait_for(|n| *n == 0) => {}
            };
            let task = tokio::select! {
                biased;
                _ = closing.aborted() => return Err(aborted()),
                mut slot = self.inner.conn.lock() => slot.take().and_then(Connection::shut),
            };
            if let Some(task) = task {
                // The socket is closed when the connection task has ended.
                tokio::select! {
                    biased;
                    _ = closing.aborted() => return Err(aborted()),
                    _ = task => {}
                }
            }
            Ok(())
        }
        .instrument(span.clone())
        .await;
        dropped.disarm();
        let mut ctl = self.ctl();
        ctl.closing = None;
        let result = match result {
            Ok(()) => ctl
                .life
                .complete(ticket, ChannelEvent::CloseFinished)
                .map(|_| ()),
            Err(e) => Err(e),
        };
        span.record("outcome", outcome(&result));
        result
    }

    /// Aborts the channel: pending open, request, send and close complete
    /// with [`Error::Aborted`], and the connection's socket is closed.
    ///
    /// `Open` → `Faulted`, `Opening` → `Created`, `Closing` → `Closed`;
    /// other states are unchanged. Never blocks and never waits for I/O;
    /// callable from any thread, any number of times.
    pub fn abort(&self) {
        let mut ctl = self.ctl();
        Self::abort_locked(&mut ctl);
    }

    fn abort_locked(ctl: &mut Control) {
        let from = ctl.life.state();
        // Abort is allowed in every state.
        let _ = ctl.apply(ChannelEvent::Abort);
        ctl.abort.abort();
        if let Some(closing) = ctl.closing.take() {
            closing.abort();
        }
        tracing::debug!(target: "wws.channel", from = %from, to = %ctl.life.state(), "channel aborted");
    }

    /// Aborts the channel if its state is still the one `ticket` was issued
    /// for: an open or close future dropped before it completed.
    fn abort_if_current(&self, ticket: Ticket) {
        let mut ctl = self.ctl();
        if ctl.life.is_current(ticket) {
            Self::abort_locked(&mut ctl);
        }
    }

    /// Makes a `Created` or `Closed` channel `Created` again, ready for another
    /// [`open`](Self::open); [`Error::InvalidOperation`] in other states.
    pub fn reset(&self) -> Result<()> {
        let mut ctl = self.ctl();
        ctl.apply(ChannelEvent::Reset)?;
        ctl.endpoint = None;
        ctl.closing = None;
        Ok(())
    }

    async fn connect(&self, endpoint: &Endpoint, abort: &AbortSignal) -> Result<Connection> {
        let id = self.inner.next_conn_id.fetch_add(1, Ordering::Relaxed);
        let connect = async {
            let unreachable = |e: std::io::Error| match failed_check(&e) {
                Some(check) => Error::SecurityVerificationFailure {
                    url: endpoint.url.clone(),
                    check,
                    source: Some(Box::new(e)),
                },
                None => match proxy_refusal(&e) {
                    Some(r) if r.denies_access() => Error::EndpointAccessDenied {
                        url: r.proxy().to_owned(),
                        status: r.status(),
                        challenge: r.challenge().map(str::to_owned),
                    },
                    _ => Error::EndpointUnreachable {
                        url: endpoint.url.clone(),
                        source: Some(Box::new(e)),
                    },
                },
            };
            let mode = self.inner.props.http2;
            let target = Target::new(
                endpoint.scheme.clone(),
                endpoint.host.clone(),
                endpoint.port,
            )
            .with_http2_offer(mode != Http2Mode::Off);
            let connected = self
                .inner
                .connector
                .connect(&target)
                .await
                .map_err(unreachable)?;
            let forwarding = connected.forwarding;
            // Prior knowledge is for the origin in the clear; a forwarding proxy speaks HTTP/1.1.
            let version = match connected.version {
                HttpVersion::Http1
                    if mode == Http2Mode::PriorKnowledge
                        && endpoint.scheme == "http"
                        && forwarding.is_none() =>
                {
                    HttpVersion::Http2
                }
                v => v,
            };
            let flush = Arc::new(FlushSignal::default());
            let io = SignallingIo::new(connected.io, flush.clone());
            let handshake_failed = |e: hyper::Error| Error::EndpointUnreachable {
                url: endpoint.url.clone(),
                source: Some(Box::new(e)),
            };
            let kill = abort.child();
            let (sender, task) = if version == HttpVersion::Http2 {
                // hyper's own task drives the HTTP/2 connection: when the
                // channel lets go (kill) it sends GOAWAY and closes, within GOAWAY_GRACE.
                let io = TokioIo::new(io.cut_after(kill.clone(), GOAWAY_GRACE));
                let (sender, conn) = http2::Builder::new(TokioExecutor::new())
                    .timer(TokioTimer::new())
                    .max_header_list_size(MAX_RESPONSE_HEAD_SIZE as u32)
                    .handshake(io)
                    .await
                    .map_err(handshake_failed)?;
                let task = tokio::spawn(drive_connection(conn, kill.clone(), id));
                (Sender::Http2(sender), task)
            } else {
                let io = TokioIo::new(io);
                let (sender, conn) = http1::Builder::new()
                    .max_header_size(MAX_RESPONSE_HEAD_SIZE)
                    .handshake(io)
                    .await
                    .map_err(handshake_failed)?;
                let task = tokio::spawn(drive_connection(conn, kill.clone(), id));
                (Sender::Http1(sender), task)
            };
            let code = match version {
                HttpVersion::Http2 => VERSION_2,
                _ => VERSION_1,
            };
            self.inner.version.store(code, Ordering::Release);
            tracing::debug!(target: "wws.channel", conn = id, url = %endpoint.url, ?version, "connected");
            Ok(Connection {
                id,
                sender,
                flush,
                kill,
                task: Some(task),
                forwarding,
            })
        };
        timed(self.inner.props.connect_timeout, "connect", connect).await?
    }

    async fn exchange(
        &self,
        msg: Message,
        expect: Expect,
        headers: &HeaderMap,
    ) -> Result<Option<Answer>> {
        let operation = match expect {
            Expect::Reply => "request",
            Expect::OneWay => "send",
        };
        let (abort, endpoint, ticket) = {
            let ctl = self.ctl();
            ctl.ensure_open(operation)?;
            let endpoint = ctl.endpoint.clone().ok_or(Error::InvalidOperation {
                object: OBJECT,
                state: ctl.life.state().as_str(),
                operation,
            })?;
            (ctl.abort.clone(), endpoint, ctl.life.ticket())
        };
        let span = tracing::debug_span!(
            "wws.channel.exchange",
            op = operation,
            url = %endpoint.url,
            action = msg.action.as_deref().unwrap_or(""),
            conn = field::Empty,
            bytes_out = field::Empty,
            bytes_in = field::Empty,
            status = field::Empty,
            outcome = field::Empty,
        );
        let result = async {
            // A message XML cannot carry is the caller's error; nothing was sent.
            let body = codec::encode(&msg).map_err(Failure::answer)?;
            tracing::Span::current().record("bytes_out", body.len());
            tokio::select! {
                biased;
                _ = abort.aborted() => Err(Failure::transport(aborted())),
                r = self.exchange_on_connection(&endpoint, &abort, &msg, body, expect, headers) => r,
            }
        }
        .instrument(span.clone())
        .await;
        let result = result.map_err(|mut f| {
            f.error = refused_by_peer(f.error, &endpoint.url);
            if f.faults_channel {
                let mut ctl = self.ctl();
                // A stale failure (after abort, close or reset) must not touch the new state.
                let _ = ctl.life.complete(ticket, ChannelEvent::Fault);
            }
            f.error
        });
        span.record("outcome", outcome(&result));
        result
    }

    async fn exchange_on_connection(
        &self,
        endpoint: &Endpoint,
        abort: &AbortSignal,
        msg: &Message,
        body: Bytes,
        expect: Expect,
        headers: &HeaderMap,
    ) -> Result<Option<Answer>, Failure> {
        let mut retried = false;
        loop {
            let mut slot = self.inner.conn.lock().await;
            if !matches!(&*slot, Some(c) if !c.is_closed()) {
                *slot = None;
                // Boxed: connecting is one phase; a stream waiting for its
                // reply need not keep its space.
                let conn = Box::pin(self.connect(endpoint, abort))
                    .await
                    .map_err(Failure::transport)?;
                *slot = Some(conn);
            }
            let stream = match slot.as_ref() {
                Some(Connection {
                    sender: Sender::Http2(sender),
                    id,
                    forwarding,
                    ..
                }) => Stream {
                    sender: sender.clone(),
                    conn_id: *id,
                    forwarding: forwarding.clone(),
                },
                _ => {
                    // Boxed, so an HTTP/2 exchange's future is not the size of an HTTP/1.1 one.
                    return Box::pin(
                        self.exchange_http1(slot, endpoint, abort, msg, body, expect, headers),
                    )
                    .await;
                }
            };
            // Other requests may use the connection while this one runs.
            drop(slot);
            let conn_id = stream.conn_id;
            match self
                .exchange_http2(stream, endpoint, msg, body.clone(), expect, headers)
                .await
            {
                Ok(reply) => return Ok(reply),
                Err(StreamError::Failed(f)) => return Err(f),
                Err(StreamError::NotSent) if !retried => {
                    // The server closed the connection (GOAWAY) before taking the request.
                    retried = true;
                    let mut slot = self.inner.conn.lock().await;
                    if slot.as_ref().is_some_and(|c| c.id == conn_id) {
                        *slot = None;
                    }
                    tracing::debug!(target: "wws.channel", conn = conn_id, "HTTP/2 connection closed before the request; reconnecting");
                }
                Err(StreamError::NotSent) => {
                    return Err(Failure::transport(disconnected(
                        "the connection closed before the request was sent",
                        None,
                    )));
                }
            }
        }
    }

    /// One exchange on its own HTTP/2 stream of a shared connection. Its
    /// failures fault the channel only when the connection itself is gone;
    /// dropping the future resets the stream alone.
    async fn exchange_http2(
        &self,
        stream: Stream,
        endpoint: &Endpoint,
        msg: &Message,
        body: Bytes,
        expect: Expect,
        headers: &HeaderMap,
    ) -> Result<Option<Answer>, StreamError> {
        let props = &self.inner.props;
        let _counted = Counted::new(&self.inner.streams);
        let Stream {
            mut sender,
            conn_id,
            forwarding,
        } = stream;
        tracing::Span::current().record("conn", conn_id);
        let failed = |sender: &http2::SendRequest<OutgoingBody>, error| {
            StreamError::Failed(if sender.is_closed() {
                Failure::transport(error)
            } else {
                Failure::answer(error)
            })
        };
        let (sent_tx, sent_rx) = oneshot::channel();
        let no_headers = HeaderMap::new();
        let proxy_headers = forwarding.as_deref().map_or(&no_headers, |f| &f.headers);
        let extra = [
            proxy_headers,
            &endpoint.basic_auth,
            &props.http_headers,
            headers,
        ];
        let request = build_request(
            endpoint,
            Form::Http2,
            msg,
            &extra,
            OutgoingBody::for_stream(body, sent_tx),
        )
        .map_err(|e| StreamError::Failed(Failure::answer(e)))?;
        let send_deadline = props.send_timeout.map(|d| Instant::now() + d);
        let ready = tokio::select! {
            r = sender.ready() => Some(r.is_ok()),
            _ = sleep_until(send_deadline) => None,
        };
        match ready {
            None => return Err(failed(&sender, timed_out("send", props.send_timeout))),
            Some(false) => return Err(StreamError::NotSent),
            Some(true) => {}
        }
        let response = sender.try_send_request(request);
        let response = match self.await_response(response, sent_rx, send_deadline).await {
            Ok((response, _)) => response,
            Err(ResponseError::NotSent) => return Err(StreamError::NotSent),
            Err(ResponseError::Failed(e) | ResponseError::Malformed(e)) => {
                return Err(failed(&sender, e));
            }
        };
        let (parts, mut incoming) = response.into_parts();
        tracing::Span::current().record("status", parts.status.as_u16());
        let limit = props.quotas.max_message_size;
        let read = timed(
            props.receive_timeout,
            "receive",
            read_body_limited(&mut incoming, limit),
        )
        .await;
        // Whatever is left unread, dropping the body resets the stream.
        drop(incoming);
        let bytes = match read {
            Ok(Ok(bytes)) => bytes,
            Ok(Err(BodyReadError::TooLarge { limit })) => {
                return Err(StreamError::Failed(Failure::answer(Error::QuotaExceeded {
                    quota: "max message size",
                    limit: limit as u64,
                })));
            }
            Ok(Err(BodyReadError::Transport(e))) => {
                return Err(failed(
                    &sender,
                    disconnected("the stream was lost while receiving the reply", Some(e)),
                ));
            }
            Err(e) => return Err(failed(&sender, e)),
        };
        tracing::Span::current().record("bytes_in", bytes.len());
        let proxy_url = forwarding.as_deref().map(|f| f.proxy_url.as_str());
        classify(&parts, &bytes, props, expect, &endpoint.url, proxy_url)
            .map_err(|e| StreamError::Failed(Failure::answer(e)))
    }

    /// One exchange on the HTTP/1.1 connection in `slot`, holding the I/O
    /// lock throughout (the connection carries one exchange at a time).
    #[allow(clippy::too_many_arguments)]
    async fn exchange_http1(
        &self,
        mut slot: tokio::sync::MutexGuard<'_, Option<Connection>>,
        endpoint: &Endpoint,
        abort: &AbortSignal,
        msg: &Message,
        body: Bytes,
        expect: Expect,
        headers: &HeaderMap,
    ) -> Result<Option<Answer>, Failure> {
        let props = &self.inner.props;
        let mut reconnects = 0;
        // Dropping this future mid-exchange leaves the connection in an unknown
        // state: the guard closes it, and the next request reconnects.
        let mut in_flight = KillOnDrop(None);
        let (response, conn_id, sent_whole, forwarding) = loop {
            let reusable = matches!(&*slot, Some(c) if !c.is_closed());
            if !reusable {
                *slot = None;
                let conn = Box::pin(self.connect(endpoint, abort))
                    .await
                    .map_err(Failure::transport)?;
                *slot = Some(conn);
            }
            let Some(conn) = slot.as_mut() else {
                return Err(Failure::transport(disconnected("no connection", None)));
            };
            let Sender::Http1(sender) = &mut conn.sender else {
                // A reconnect that ALPN took to HTTP/2: the next request uses it.
                return Err(Failure::transport(disconnected(
                    "the endpoint changed HTTP version on reconnect",
                    None,
                )));
            };
            tracing::Span::current().record("conn", conn.id);
            let (sent_tx, sent_rx) = oneshot::channel();
            let forwarding = conn.forwarding.clone();
            let no_headers = HeaderMap::new();
            let proxy_headers = forwarding.as_deref().map_or(&no_headers, |f| &f.headers);
            let extra = [
                proxy_headers,
                &endpoint.basic_auth,
                &props.http_headers,
                headers,
            ];
            let form = match forwarding {
                Some(_) => Form::Absolute,
                None => Form::Origin,
            };
            let request = build_request(
                endpoint,
                form,
                msg,
                &extra,
                OutgoingBody::new(body.clone(), conn.flush.clone(), sent_tx),
            )
            .map_err(Failure::answer)?;
            let send_deadline = props.send_timeout.map(|d| Instant::now() + d);
            // An idle connection may still be finishing the previous exchange.
            let ready = tokio::select! {
                r = sender.ready() => Some(r.is_ok()),
                _ = sleep_until(send_deadline) => None,
            };
            let Some(ready) = ready else {
                *slot = None;
                return Err(Failure::transport(timed_out("send", props.send_timeout)));
            };
            if !ready {
                if reconnects == 0 {
                    reconnects += 1;
                    *slot = None;
                    continue;
                }
                *slot = None;
                return Err(Failure::transport(disconnected(
                    "the connection closed before the request was sent",
                    None,
                )));
            }
            in_flight.0 = Some(conn.kill.clone());
            let response = sender.try_send_request(request);
            let conn_id = conn.id;
            match self.await_response(response, sent_rx, send_deadline).await {
                Ok((resp, sent_whole)) => break (resp, conn_id, sent_whole, forwarding),
                Err(ResponseError::NotSent) if reconnects == 0 => {
                    // The server closed the idle connection before taking the request: safe to retry.
                    reconnects += 1;
                    *slot = None;
                    tracing::debug!(target: "wws.channel", conn = conn_id, "connection closed while idle; reconnecting");
                }
                Err(ResponseError::NotSent) => {
                    *slot = None;
                    return Err(Failure::transport(disconnected(
                        "the connection closed before the request was sent",
                        None,
                    )));
                }
                Err(ResponseError::Failed(e)) => {
                    *slot = None;
                    return Err(Failure::transport(e));
                }
                Err(ResponseError::Malformed(e)) => {
                    // The rest of the stream cannot be trusted: close, the next request reconnects.
                    *slot = None;
                    tracing::debug!(target: "wws.channel", conn = conn_id, error = %e, "malformed answer; connection closed");
                    return Err(Failure::answer(e));
                }
            }
        };
        let (parts, mut incoming) = response.into_parts();
        tracing::Span::current().record("status", parts.status.as_u16());
        let limit = props.quotas.max_message_size;
        let read = timed(
            props.receive_timeout,
            "receive",
            read_body_limited(&mut incoming, limit),
        )
        .await;
        let bytes = match read {
            Ok(Ok(bytes)) => bytes,
            Ok(Err(BodyReadError::TooLarge { limit })) => {
                // The rest is not read: close the connection rather than drain it.
                drop(incoming);
                *slot = None;
                tracing::debug!(target: "wws.channel", conn = conn_id, "reply over the size quota; connection closed");
                return Err(Failure::answer(Error::QuotaExceeded {
                    quota: "max message size",
                    limit: limit as u64,
                }));
            }
            Ok(Err(BodyReadError::Transport(e))) if is_malformed_body(&e) => {
                *slot = None;
                return Err(Failure::answer(Error::invalid_format(format!(
                    "the reply's HTTP body framing is invalid: {e}"
                ))));
            }
            Ok(Err(BodyReadError::Transport(_)))
                if parts.status == StatusCode::PROXY_AUTHENTICATION_REQUIRED =>
            {
                // A proxy refusing may close without reading the request: its head is the answer.
                *slot = None;
                let proxy_url = forwarding.as_deref().map(|f| f.proxy_url.as_str());
                return Err(Failure::answer(
                    match classify(
                        &parts,
                        &Bytes::new(),
                        props,
                        expect,
                        &endpoint.url,
                        proxy_url,
                    ) {
                        Err(e) => e,
                        Ok(_) => disconnected("the proxy closed the connection", None),
                    },
                ));
            }
            Ok(Err(BodyReadError::Transport(e))) => {
                *slot = None;
                return Err(Failure::transport(disconnected(
                    "the connection was lost while receiving the reply",
                    Some(e),
                )));
            }
            Err(e) => {
                *slot = None;
                return Err(Failure::transport(e));
            }
        };
        in_flight.disarm();
        if !sent_whole {
            // Answered before the request was all sent (a server refusing an
            // oversized body): the rest is not worth sending, and the
            // connection cannot carry another request before it is.
            *slot = None;
            tracing::debug!(target: "wws.channel", conn = conn_id, "answered mid-send; connection closed");
        }
        drop(slot);
        tracing::Span::current().record("bytes_in", bytes.len());
        let proxy_url = forwarding.as_deref().map(|f| f.proxy_url.as_str());
        classify(&parts, &bytes, props, expect, &endpoint.url, proxy_url).map_err(Failure::answer)
    }

    /// Awaits the response head: first the send phase (until the request is
    /// flushed to the socket), then the receive-response phase. Also says
    /// whether the request was sent whole before the answer came.
    async fn await_response<F>(
        &self,
        response: F,
        sent: oneshot::Receiver<()>,
        send_deadline: Option<Instant>,
    ) -> Result<(http::Response<hyper::body::Incoming>, bool), ResponseError>
    where
        F: Future<
            Output = Result<
                http::Response<hyper::body::Incoming>,
                hyper::client::conn::TrySendError<Request<OutgoingBody>>,
            >,
        >,
    {
        let props = &self.inner.props;
        tokio::pin!(response);
        let early = tokio::select! {
            // Biased: when both are ready, the request did go out whole.
            biased;
            // Err: the body was dropped unsent; the response future reports why.
            _ = sent => None,
            r = &mut response => Some(r),
            _ = sleep_until(send_deadline) => {
                return Err(ResponseError::Failed(timed_out("send", props.send_timeout)));
            }
        };
        let sent_whole = early.is_none();
        let result = match early {
            Some(r) => r,
            None => timed(props.receive_response_timeout, "receive response", response)
                .await
                .map_err(ResponseError::Failed)?,
        };
        result.map(|r| (r, sent_whole)).map_err(|mut e| {
            if e.take_message().is_some() {
                return ResponseError::NotSent;
            }
            let e = e.into_error();
            if e.is_parse_too_large() {
                ResponseError::Malformed(Error::QuotaExceeded {
                    quota: "max response head size",
                    limit: MAX_RESPONSE_HEAD_SIZE as u64,
                })
            } else if e.is_parse() {
                ResponseError::Malformed(Error::invalid_format(format!(
                    "the endpoint's answer is not valid HTTP/1.1: {e}"
                )))
            } else {
                ResponseError::Failed(disconnected(
                    "the connection was lost before the reply arrived",
                    Some(e),
                ))
            }
        })
    }
}

/// Closes a connection unless disarmed: the exchange on it did not complete.
struct KillOnDrop(Option<AbortSignal>);

impl KillOnDrop {
    fn disarm(&mut self) {
        self.0 = None;
    }
}

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        if let Some(kill) = self.0.take() {
            kill.abort();
        }
    }
}

enum ResponseError {
    /// The request never left: the connection was closed before it was written.
    NotSent,
    /// The transport failed.
    Failed(Error),
    /// The endpoint answered, but not with a valid HTTP/1.1 response head.
    Malformed(Error),
}

impl Connection {
    /// Closes the connection and hands back its task, which ends once the socket is closed.
    fn shut(mut self) -> Option<JoinHandle<()>> {
        self.kill.abort();
        self.task.take()
    }
}

async fn drive_connection<C>(conn: C, kill: AbortSignal, id: u64)
where
    C: Future<Output = hyper::Result<()>>,
{
    tokio::select! {
        biased;
        _ = kill.aborted() => {
            tracing::debug!(target: "wws.channel", conn = id, "connection closed by the channel");
        }
        r = conn => match r {
            Ok(()) => tracing::debug!(target: "wws.channel", conn = id, "connection closed"),
            Err(e) => tracing::debug!(target: "wws.channel", conn = id, error = %e, "connection failed"),
        },
    }
}

/// The request target's form.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
enum Form {
    /// The path, with a `Host` header (HTTP/1.1 to the origin).
    Origin,
    /// The whole URL, with a `Host` header (HTTP/1.1 through a forwarding proxy).
    Absolute,
    /// The whole URL, which HTTP/2 sends as `:scheme`, `:authority` and `:path`.
    Http2,
}

fn build_request(
    endpoint: &Endpoint,
    form: Form,
    msg: &Message,
    extra: &[&HeaderMap],
    body: OutgoingBody,
) -> Result<Request<OutgoingBody>> {
    let action = msg.action.as_deref();
    // A forwarding proxy needs the whole URL (RFC 9112 §3.2.2); an origin server the path.
    let target = if form == Form::Origin {
        endpoint.target.clone()
    } else {
        format!(
            "{}://{}{}",
            endpoint.scheme, endpoint.authority, endpoint.target
        )
    };
    let mut builder = Request::post(target.as_str());
    if form == Form::Http2 {
        builder = builder.version(http::Version::HTTP_2);
    } else {
        builder = builder.header(header::HOST, endpoint.authority.as_str());
    }
    let mut builder = builder.header(
        header::CONTENT_TYPE,
        binding::content_type(msg.envelope, action)?,
    );
    if msg.envelope == EnvelopeVersion::Soap11 {
        builder = builder.header(binding::SOAP_ACTION, binding::soap_action_header(action)?);
    }
    if let Some(headers) = builder.headers_mut() {
        // Later maps replace earlier ones' values of the same name (a call's over the channel's).
        for map in extra.iter().filter(|m| !m.is_empty()) {
            for name in map.keys() {
                headers.remove(name);
            }
            for (name, value) in map.iter() {
                headers.append(name, value.clone());
            }
        }
    }
    builder
        .body(body)
        .map_err(|e| Error::invalid_format(format!("cannot build the HTTP request: {e}")))
}

/// Turns a complete HTTP answer into the exchange's result.
fn classify(
    head: &http::response::Parts,
    body: &Bytes,
    props: &ChannelProperties,
    expect: Expect,
    url: &str,
    proxy_url: Option<&str>,
) -> Result<Option<Answer>> {
    let status = head.status;
    let blank = body.iter().all(|b| b.is_ascii_whitespace());
    let parsed = if blank {
        None
    } else {
        Some(codec::decode(body, &props.quotas))
    };
    if let Some(Ok(msg)) = &parsed {
        // A fault is read whatever the status (SOAP 1.1 sends 500, SOAP 1.2 400 or 500).
        if let Some(fault) = codec::fault_of(msg)? {
            return Err(Error::FaultReceived(Box::new(fault)));
        }
    }
    match status {
        StatusCode::PROXY_AUTHENTICATION_REQUIRED => {
            // The forwarding proxy refused; name it, not the endpoint.
            return Err(Error::EndpointAccessDenied {
                url: proxy_url.unwrap_or(url).to_owned(),
                status: status.as_u16(),
                challenge: header_text(&head.headers, header::PROXY_AUTHENTICATE)
                    .map(str::to_owned),
            });
        }
        StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN => {
            return Err(Error::EndpointAccessDenied {
                url: url.to_owned(),
                status: status.as_u16(),
                challenge: header_text(&head.headers, header::WWW_AUTHENTICATE).map(str::to_owned),
            });
        }
        StatusCode::NOT_FOUND => {
            return Err(Error::EndpointNotFound {
                url: url.to_owned(),
            });
        }
        StatusCode::SERVICE_UNAVAILABLE => {
            return Err(Error::EndpointTooBusy {
                url: url.to_owned(),
            });
        }
        StatusCode::BAD_GATEWAY | StatusCode::GATEWAY_TIMEOUT => {
            return Err(Error::EndpointUnreachable {
                url: url.to_owned(),
                source: Some(format!("a gateway answered HTTP {status}").into()),
            });
        }
        StatusCode::UNSUPPORTED_MEDIA_TYPE => {
            return Err(Error::invalid_format(format!(
                "the endpoint refused the request's content type (HTTP {status})"
            )));
        }
        s if s.is_redirection() => {
            // Not followed: replaying a SOAP request to another address is the caller's call.
            let location = header_text(&head.headers, header::LOCATION).unwrap_or("nowhere");
            return Err(Error::invalid_format(format!(
                "the endpoint redirected (HTTP {status}) to {location}; redirects are not followed"
            )));
        }
        s if !s.is_success() => {
            return Err(Error::invalid_format(format!(
                "the endpoint answered HTTP {status} without a SOAP fault"
            )));
        }
        _ => {}
    }
    match (expect, parsed) {
        (Expect::OneWay, None) => Ok(None),
        (Expect::OneWay, Some(_)) => {
            // A one-way send that got a body anyway: the message was accepted.
            tracing::debug!(target: "wws.channel", %status, "one-way send answered with a body; ignored");
            Ok(None)
        }
        (Expect::Reply, None) => Err(Error::invalid_format(format!(
            "no reply: HTTP {status} with an empty body"
        ))),
        (Expect::Reply, Some(Err(e))) => match header_text(&head.headers, header::CONTENT_TYPE) {
            // Say what came instead (an HTML error page, say) rather than why it is not XML.
            Some(ct) if !is_xml_media_type(ct) => Err(Error::invalid_format(format!(
                "the endpoint answered HTTP {status} with {ct}, not a SOAP envelope ({e})"
            ))),
            _ => Err(e),
        },
        (Expect::Reply, Some(Ok(msg))) => Ok(Some((msg, body.clone()))),
    }
}

/// A header's value as text, if present and visible ASCII.
fn header_text(headers: &http::HeaderMap, name: header::HeaderName) -> Option<&str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// Whether a `Content-Type` may carry XML: `text/xml`, `application/xml`, `*/*+xml`.
fn is_xml_media_type(content_type: &str) -> bool {
    let media = binding::media_type(content_type).to_ascii_lowercase();
    media == "text/xml" || media == "application/xml" || media.ends_with("+xml")
}

fn disconnected(detail: &str, source: Option<hyper::Error>) -> Error {
    Error::EndpointDisconnected {
        detail: detail.to_owned(),
        source: source.map(|e| Box::new(e) as _),
    }
}

/// The refusal of an HTTP proxy a connect error carries, if any.
fn proxy_refusal(e: &std::io::Error) -> Option<&crate::proxy::ProxyRefused> {
    e.get_ref()
        .and_then(|inner| inner.downcast_ref::<crate::proxy::ProxyRefused>())
}

/// The TLS check a transport error reports, if any (`None` without TLS).
fn failed_check(e: &(dyn std::error::Error + 'static)) -> Option<wws_core::SecurityCheck> {
    #[cfg(feature = "tls")]
    return crate::tls::failed_check(e);
    #[cfg(not(feature = "tls"))]
    return {
        let _ = e;
        None
    };
}

/// A connection lost to a TLS alert (TLS 1.3 servers refuse a client
/// certificate after the client finished its handshake, so it shows on
/// the first read) is a security failure, not a disconnection.
fn refused_by_peer(error: Error, url: &str) -> Error {
    let check = match &error {
        Error::EndpointDisconnected {
            source: Some(source),
            ..
        } => failed_check(source.as_ref()),
        _ => None,
    };
    match (check, error) {
        (
            Some(check),
            Error::EndpointDisconnected {
                source: Some(source),
                ..
            },
        ) => Error::SecurityVerificationFailure {
            url: url.to_owned(),
            check,
            source: Some(source),
        },
        (_, error) => error,
    }
}

fn timed_out(what: &'static str, after: Option<Duration>) -> Error {
    Error::TimedOut {
        what,
        after: after.unwrap_or(Duration::MAX),
    }
}

/// Runs `fut` under an optional limit; `None` is infinite.
async fn timed<F: Future>(
    limit: Option<Duration>,
    what: &'static str,
    fut: F,
) -> Result<F::Output> {
    match limit {
        None => Ok(fut.await),
        Some(after) => tokio::time::timeout(after, fut)
            .await
            .map_err(|_| Error::TimedOut { what, after }),
    }
}

async fn sleep_until(deadline: Option<Instant>) {
    match deadline {
        Some(d) => tokio::time::sleep_until(d).await,
        None => std::future::pending().await,
    }
}

fn outcome<T>(result: &Result<T>) -> String {
    match result {
        Ok(_) => "ok".to_owned(),
        Err(e) => e.to_string(),
    }
}
