//! [`ReplyChannel`]: the server side of one HTTP exchange, and the
//! per-connection plumbing ([`ServerConnection`]) the listener's connection
//! tasks share with the exchanges they carry.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use http::{HeaderMap, HeaderValue, Method, Response, StatusCode, Uri, header};
use http_body_util::Full;
use hyper::body::Incoming;
use tokio::sync::oneshot;
use tokio_util::sync::{CancellationToken, DropGuard};
use tracing::field;
use wws_channel::connector::TlsInfo;
use wws_channel::http_binding::{
    self as binding, BodyReadError, is_malformed_body, read_body_limited,
};
use wws_core::state::{ChannelEvent, ChannelState, Lifecycle};
use wws_core::{
    AbortSignal, AddressingVersion, EnvelopeVersion, Error, Fault, Message, ReaderQuotas, Result,
};

const OBJECT: &str = "ReplyChannel";

/// The body type of the responses a [`ReplyChannel`] produces.
pub(crate) type ReplyBody = Full<Bytes>;

/// What a listener applies to the exchanges it accepts.
#[derive(Clone, Debug, Default)]
pub(crate) struct ExchangeSettings {
    /// Quotas for reading request messages.
    pub quotas: ReaderQuotas,
    /// Time the client has to deliver the request body once `receive` starts; `None` is infinite.
    pub body_read_timeout: Option<Duration>,
}

/// One server-side HTTP connection, shared by the exchanges it carries in turn.
///
/// Made by the listener for each accepted TCP connection. The listener drops
/// the connection when [`killed`](Self::killed) resolves and holds
/// [`closed_guard`](Self::closed_guard) for as long as the connection lives.
#[derive(Clone, Debug)]
pub(crate) struct ServerConnection {
    inner: Arc<ConnShared>,
}

#[derive(Debug)]
struct ConnShared {
    peer: SocketAddr,
    /// What TLS established, on a TLS connection.
    tls: Option<Arc<TlsInfo>>,
    kill: CancellationToken,
    closed: CancellationToken,
    /// An answer went out before the request body was read to its end.
    unread_body: AtomicBool,
    /// The listener saw the request body announce more than the size quota.
    body_refused: CancellationToken,
    /// How many exchanges the connection has carried; the last is the current one.
    exchanges: AtomicU64,
    /// HTTP/2: the exchanges are streams, each ended on its own (reset),
    /// never by killing the connection they share.
    multiplexed: bool,
}

impl ServerConnection {
    /// A connection with the client at `peer`, over TLS when `tls` says what it established.
    pub fn with_tls(peer: SocketAddr, tls: Option<Arc<TlsInfo>>) -> Self {
        ServerConnection {
            inner: Arc::new(ConnShared {
                peer,
                tls,
                kill: CancellationToken::new(),
                closed: CancellationToken::new(),
                unread_body: AtomicBool::new(false),
                body_refused: CancellationToken::new(),
                exchanges: AtomicU64::new(0),
                multiplexed: false,
            }),
        }
    }

    /// The client's address.
    pub fn peer_addr(&self) -> SocketAddr {
        self.inner.peer
    }

    /// What TLS established, on a TLS connection.
    pub fn tls(&self) -> Option<&Arc<TlsInfo>> {
        self.inner.tls.as_ref()
    }

    /// Resolves when an exchange asked for the connection to be dropped (abort, timeout).
    ///
    /// Cancel safe.
    pub async fn killed(&self) {
        self.inner.kill.cancelled().await
    }

    /// Asks the connection's owner to drop it (the client sees it closed).
    pub fn kill(&self) {
        self.inner.kill.cancel();
    }

    /// Marks the connection closed when the guard drops; hold it in the connection task.
    pub fn closed_guard(&self) -> DropGuard {
        self.inner.closed.clone().drop_guard()
    }

    /// Whether the connection has closed.
    pub fn is_closed(&self) -> bool {
        self.inner.closed.is_cancelled()
    }

    /// Whether an answer went out while the client may still be sending the
    /// request body (refused over the quota, or answered without reading it).
    ///
    /// Closing such a connection at once would make the kernel reset it,
    /// which can destroy the answer before the client reads it; the owner
    /// should half-close and discard what still arrives for a while.
    pub fn has_unread_body(&self) -> bool {
        self.inner.unread_body.load(Ordering::Acquire)
    }

    /// The request body being received announced more than the message
    /// size quota (a chunk size line, say): `receive` fails at once with
    /// `QuotaExceeded` instead of waiting for bytes that cannot fit.
    pub fn refuse_body(&self) {
        self.inner.body_refused.cancel();
    }

    /// Whether a request has arrived on this connection yet (its head read whole).
    pub fn has_carried_exchange(&self) -> bool {
        self.inner.exchanges.load(Ordering::Acquire) > 0
    }

    /// An HTTP/2 connection with the client at `peer`: an exchange that
    /// ends without an answer resets its stream and leaves the connection.
    pub fn http2(peer: SocketAddr, tls: Option<Arc<TlsInfo>>) -> Self {
        let mut conn = ServerConnection::with_tls(peer, tls);
        if let Some(inner) = Arc::get_mut(&mut conn.inner) {
            inner.multiplexed = true;
        }
        conn
    }

    /// Whether the exchanges are HTTP/2 streams of this connection.
    pub fn is_multiplexed(&self) -> bool {
        self.inner.multiplexed
    }

    /// Ends what an exchange that failed or went unanswered held: the
    /// connection (HTTP/1.1), or nothing more than its stream (HTTP/2,
    /// reset by hyper when the exchange's response future fails).
    fn end_exchange(&self) {
        if !self.inner.multiplexed {
            self.kill();
        }
    }

    /// Numbers a new exchange on this connection.
    fn next_exchange(&self) -> u64 {
        self.inner.exchanges.fetch_add(1, Ordering::AcqRel) + 1
    }

    /// Drops the connection if exchange `seq` is still its current one.
    ///
    /// A later exchange on the same keep-alive connection means `seq` was
    /// answered in full; killing the connection would lose the later one.
    fn kill_exchange(&self, seq: u64) {
        if !self.inner.multiplexed && self.inner.exchanges.load(Ordering::Acquire) == seq {
            self.kill();
        }
    }

    fn mark_unread_body(&self) {
        self.inner.unread_body.store(true, Ordering::Release);
    }
}

/// The server side of one HTTP request/reply exchange (WWSAPI's
/// `WS_CHANNEL_TYPE_REPLY`), handed out `Open` by a listener with the
/// request head already read.
///
/// Use: [`receive`](Self::receive) the request, then answer once with
/// [`reply`](Self::reply), [`reply_fault`](Self::reply_fault) or
/// [`reply_http`](Self::reply_http), or acknowledge a one-way message with
/// [`close`](Self::close) (HTTP 202). Cheap to clone; clones share the exchange.
///
/// Dropping every clone without replying or closing is an abort: the
/// connection is closed and the client sees it go, not a response. After a
/// reply, dropping is the normal end of the exchange (`close` is optional).
///
/// [`abort`](Self::abort) drops the connection; pending and later operations
/// fail with [`Error::Aborted`] / [`Error::ObjectFaulted`].
///
/// The answering methods ([`reply`](Self::reply), [`reply_fault`](Self::reply_fault),
/// [`reply_http`](Self::reply_http), [`close`](Self::close)) do not await
/// today: over HTTP/1.1 the answer is handed to the connection's task in
/// one step, and they return once it is. They are `async` on purpose, as
/// WWSAPI's `WsSendReplyMessage` is asynchronous: a transport whose answer
/// must wait (HTTP/2 flow control, a TLS write) can be added under them
/// without changing every caller.
#[derive(Clone, Debug)]
pub struct ReplyChannel {
    inner: Arc<ReplyInner>,
}

#[derive(Debug)]
struct ReplyInner {
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    transport_action: Option<String>,
    conn: ServerConnection,
    /// This exchange's number on its connection.
    seq: u64,
    settings: Arc<ExchangeSettings>,
    abort: AbortSignal,
    /// HTTP/2: cancelled when the stream is gone (the client reset it, or
    /// the connection went), which ends hyper's response future.
    stream_gone: Option<CancellationToken>,
    span: tracing::Span,
    ctl: Mutex<ReplyControl>,
}

#[derive(Debug)]
struct ReplyControl {
    /// The channel's state machine (handed out `Open`).
    life: Lifecycle<ChannelState>,
    body: Option<Incoming>,
    /// The request body was read to its end.
    body_complete: bool,
    responder: Option<oneshot::Sender<Response<ReplyBody>>>,
}

impl ReplyControl {
    /// Whether the client may still be sending a body nobody will read.
    fn body_unread(&self) -> bool {
        !self.body_complete
            && !self
                .body
                .as_ref()
                .is_some_and(hyper::body::Body::is_end_stream)
    }
}

/// The exchange was dropped or aborted without an answer: the listener
/// closes the connection (HTTP/1.1), or resets the stream (HTTP/2).
///
/// Its source is HTTP/2's `CANCEL` (RFC 9113 §7: "the stream is no longer
/// needed"), which hyper puts in the stream's `RST_STREAM`; without one it
/// would say `INTERNAL_ERROR`, as if the server had failed.
#[derive(Debug)]
pub(crate) struct NoReply;

impl std::fmt::Display for NoReply {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the exchange ended without a reply")
    }
}

impl std::error::Error for NoReply {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        static CANCEL: std::sync::LazyLock<h2::Error> =
            std::sync::LazyLock::new(|| h2::Reason::CANCEL.into());
        Some(&*CANCEL)
    }
}

impl ReplyChannel {
    /// Wraps a request that arrived on `conn`: returns the channel to hand
    /// out and the future of its response, which the connection serves.
    ///
    /// The future fails with [`NoReply`] when the channel is aborted or
    /// dropped without an answer; the connection should then be closed.
    pub(crate) fn from_request(
        request: http::Request<Incoming>,
        conn: &ServerConnection,
        settings: Arc<ExchangeSettings>,
    ) -> (
        ReplyChannel,
        impl Future<Output = std::result::Result<Response<ReplyBody>, NoReply>> + Send + use<>,
    ) {
        let (parts, body) = request.into_parts();
        let transport_action = binding::transport_action(&parts.headers);
        let span = tracing::debug_span!(
            "wws.reply",
            peer = %conn.peer_addr(),
            method = %parts.method,
            path = parts.uri.path(),
            action = transport_action.as_deref().unwrap_or(""),
            bytes_in = field::Empty,
            bytes_out = field::Empty,
            status = field::Empty,
            outcome = field::Empty,
        );
        let (tx, rx) = oneshot::channel();
        let stream_gone = conn.is_multiplexed().then(CancellationToken::new);
        let gone_on_drop = stream_gone.clone().map(CancellationToken::drop_guard);
        let channel = ReplyChannel {
            inner: Arc::new(ReplyInner {
                method: parts.method,
                uri: parts.uri,
                headers: parts.headers,
                transport_action,
                conn: conn.clone(),
                seq: conn.next_exchange(),
                settings,
                abort: AbortSignal::new(),
                stream_gone,
                span,
                ctl: Mutex::new(ReplyControl {
                    life: Lifecycle::new(ChannelState::Open),
                    body: Some(body),
                    body_complete: false,
                    responder: Some(tx),
                }),
            }),
        };
        (channel, async move {
            // hyper drops this future when the client resets the stream.
            let _gone_on_drop = gone_on_drop;
            rx.await.map_err(|_| NoReply)
        })
    }

    fn ctl(&self) -> MutexGuard<'_, ReplyControl> {
        self.inner
            .ctl
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// The channel's state: `Open` until closed (`Closed`) or aborted (`Faulted`).
    pub fn state(&self) -> ChannelState {
        self.ctl().life.state()
    }

    /// The request method.
    pub fn method(&self) -> &Method {
        &self.inner.method
    }

    /// The request path.
    pub fn path(&self) -> &str {
        self.inner.uri.path()
    }

    /// The request query string, without `?`.
    pub fn query(&self) -> Option<&str> {
        self.inner.uri.query()
    }

    /// The request headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.inner.headers
    }

    /// The request's `Content-Type`.
    pub fn content_type(&self) -> Option<&str> {
        self.inner
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
    }

    /// The action in the transport: the `SOAPAction` header (quotes
    /// stripped) or the `action` parameter of the content type; empty is `None`.
    pub fn soap_action(&self) -> Option<&str> {
        self.inner.transport_action.as_deref()
    }

    /// The envelope version the content type announces (`text/xml` → 1.1,
    /// `application/soap+xml` → 1.2).
    pub fn envelope_version_hint(&self) -> Option<EnvelopeVersion> {
        self.content_type().and_then(binding::envelope_version_of)
    }

    /// The client's address.
    pub fn peer_addr(&self) -> SocketAddr {
        self.inner.conn.peer_addr()
    }

    /// What TLS established on the exchange's connection (the client's
    /// certificate under mutual TLS, the SNI name); `None` over plain TCP.
    pub fn tls(&self) -> Option<&Arc<TlsInfo>> {
        self.inner.conn.tls()
    }

    fn ensure_open(state: ChannelState, operation: &'static str) -> Result<()> {
        match state {
            ChannelState::Open => Ok(()),
            ChannelState::Faulted => Err(Error::ObjectFaulted { object: OBJECT }),
            s => Err(Error::InvalidOperation {
                object: OBJECT,
                state: s.as_str(),
                operation,
            }),
        }
    }

    /// Reads the request message, under the listener's quotas while it
    /// streams in and within its body read timeout.
    ///
    /// A message without a WS-Addressing action gets the transport action
    /// ([`soap_action`](Self::soap_action)). The content type is not checked
    /// here: see [`envelope_version_hint`](Self::envelope_version_hint).
    /// Errors: [`Error::QuotaExceeded`], a codec error or a broken chunked
    /// framing ([`Error::InvalidFormat`]) (the channel stays `Open` so a
    /// fault can be replied, after which the connection is closed);
    /// [`Error::TimedOut`] when the body did not arrive within the body read
    /// timeout (the client is answered `408 Request Timeout` and the
    /// connection closed after it: the exchange is answered, `Open` no
    /// longer); [`Error::EndpointDisconnected`] (the connection is closed,
    /// the channel `Faulted`); [`Error::Aborted`]. A second `receive` is
    /// [`Error::InvalidOperation`].
    ///
    /// Cancel safety: not cancel safe; dropping the future discards the body
    /// read so far, and the request can no longer be received.
    pub async fn receive(&self) -> Result<Message> {
        self.receive_with_envelope()
            .await
            .map(|(message, _)| message)
    }

    /// [`receive`](Self::receive), also giving the envelope's bytes as they
    /// arrived: what a layer that checks a signature over the markup (XML
    /// Signature in WS-Security) reads. The bytes are shared with the
    /// message where its body is a slice of them (no copy); drop them when
    /// done so a large request is not held.
    pub async fn receive_with_envelope(&self) -> Result<(Message, Bytes)> {
        let mut body = {
            let mut ctl = self.ctl();
            Self::ensure_open(ctl.life.state(), "receive")?;
            let operation = if ctl.responder.is_none() {
                "receive (an answer was already given)"
            } else {
                "receive (the request was already received)"
            };
            ctl.body.take().ok_or(Error::InvalidOperation {
                object: OBJECT,
                state: ctl.life.state().as_str(),
                operation,
            })?
        };
        let span = self.inner.span.clone();
        let settings = &self.inner.settings;
        let limit = settings.quotas.max_message_size;
        let read = async {
            match settings.body_read_timeout {
                None => Ok(read_body_limited(&mut body, limit).await),
                Some(after) => tokio::time::timeout(after, read_body_limited(&mut body, limit))
                    .await
                    .map_err(|_| Error::TimedOut {
                        what: "receive request body",
                        after,
                    }),
            }
        };
        let read = tokio::select! {
            biased;
            _ = self.inner.abort.aborted() => Err(Error::Aborted { object: OBJECT }),
            _ = self.inner.conn.inner.body_refused.cancelled() => Ok(Err(BodyReadError::TooLarge { limit })),
            r = read => r,
        };
        let bytes = match read {
            Ok(Ok(bytes)) => bytes,
            Ok(Err(BodyReadError::TooLarge { limit })) => {
                span.record("outcome", "request over the size quota");
                return Err(Error::QuotaExceeded {
                    quota: "max message size",
                    limit: limit as u64,
                });
            }
            Ok(Err(BodyReadError::Transport(e))) if is_malformed_body(&e) => {
                // The client is there but its framing is broken: it can still get a fault.
                span.record("outcome", "request body framing invalid");
                return Err(Error::invalid_format(format!(
                    "the request's HTTP body framing is invalid: {e}"
                )));
            }
            Ok(Err(e)) => {
                let err = if self.inner.abort.is_aborted() {
                    Error::Aborted { object: OBJECT }
                } else {
                    Error::EndpointDisconnected {
                        detail: "the client went away while sending the request".to_owned(),
                        source: Some(Box::new(e)),
                    }
                };
                return Err(self.fail(err));
            }
            Err(e @ Error::TimedOut { .. }) => {
                // The client can still read an answer (RFC 9110 §15.5.9): say why, then close.
                span.record("outcome", "request body timed out");
                let mut headers = HeaderMap::new();
                headers.insert(header::CONNECTION, HeaderValue::from_static("close"));
                let text = Bytes::from_static(b"408 the request body did not arrive in time\n");
                let plain = HeaderValue::from_static("text/plain; charset=utf-8");
                if self
                    .respond(StatusCode::REQUEST_TIMEOUT, Some(plain), text, headers)
                    .is_err()
                {
                    return Err(self.fail(e));
                }
                return Err(e);
            }
            Err(e) => return Err(self.fail(e)),
        };
        self.ctl().body_complete = true;
        span.record("bytes_in", bytes.len());
        let mut msg = decode_owned(bytes.clone(), &settings.quotas)?;
        if msg.action.is_none() {
            msg.action = self.inner.transport_action.clone();
        }
        Ok((msg, bytes))
    }

    /// Faults the channel after a transport failure and drops the
    /// connection (HTTP/2: resets the stream).
    fn fail(&self, err: Error) -> Error {
        {
            let mut ctl = self.ctl();
            // A fault is allowed in every state (stale ones change nothing).
            let _ = ctl.life.apply(ChannelEvent::Fault);
            ctl.responder = None;
        }
        self.inner.conn.end_exchange();
        self.inner.span.record("outcome", err.to_string());
        err
    }

    /// Sends `msg` as the reply: HTTP 200, or for a fault 500 (SOAP 1.1) or
    /// 400/500 by SOAP 1.2's sender/receiver rule; the content type per
    /// envelope version.
    ///
    /// Returns once the response is handed to the connection. Errors:
    /// [`Error::EndpointDisconnected`] when the client already went away;
    /// [`Error::InvalidOperation`] after an answer was given;
    /// [`Error::InvalidFormat`] when an addressing field of `msg` holds a
    /// character XML 1.0 does not allow (nothing is sent; another reply may follow).
    ///
    /// Cancel safe: the reply is handed over in one step.
    pub async fn reply(&self, msg: Message) -> Result<()> {
        // The body is looked at once; only a fault is read further.
        let status = if msg.is_fault() {
            match msg.fault().ok().flatten() {
                Some(fault) => binding::reply_status(msg.envelope, Some(&fault)),
                // A fault we cannot read back: still not the sender's fault as far as we know.
                None => StatusCode::INTERNAL_SERVER_ERROR,
            }
        } else {
            binding::reply_status(msg.envelope, None)
        };
        let body = encode(&msg)?;
        let content_type = binding::content_type(msg.envelope, msg.action.as_deref())?;
        self.respond(status, Some(content_type), body, HeaderMap::new())
    }

    /// Sends `fault` as the reply, in an envelope of version `envelope`.
    ///
    /// As [`reply`](Self::reply). Cancel safe.
    pub async fn reply_fault(&self, envelope: EnvelopeVersion, fault: &Fault) -> Result<()> {
        self.reply(Message::from_fault(
            envelope,
            AddressingVersion::Transport,
            fault,
        )?)
        .await
    }

    /// Sends a non-SOAP answer: `status` with `content_type`, `body` and
    /// `extra_headers` (e.g. 404, 405 with `Allow`, 415, a WSDL document).
    ///
    /// As [`reply`](Self::reply). Cancel safe.
    pub async fn reply_http(
        &self,
        status: StatusCode,
        content_type: Option<&str>,
        body: Bytes,
        extra_headers: HeaderMap,
    ) -> Result<()> {
        let content_type = content_type
            .map(HeaderValue::from_str)
            .transpose()
            .map_err(|_| Error::invalid_format(format!("invalid content type {content_type:?}")))?;
        self.respond(status, content_type, body, extra_headers)
    }

    fn respond(
        &self,
        status: StatusCode,
        content_type: Option<HeaderValue>,
        body: Bytes,
        extra_headers: HeaderMap,
    ) -> Result<()> {
        let responder = {
            let mut ctl = self.ctl();
            Self::ensure_open(ctl.life.state(), "reply")?;
            let responder = ctl.responder.take().ok_or(Error::InvalidOperation {
                object: OBJECT,
                state: ctl.life.state().as_str(),
                operation: "reply (an answer was already given)",
            })?;
            if ctl.body_unread() {
                self.inner.conn.mark_unread_body();
            }
            // Answered: an unread body is released, so the connection can finish without it.
            ctl.body = None;
            responder
        };
        let len = body.len();
        let mut response = Response::new(Full::new(body));
        *response.status_mut() = status;
        let headers = response.headers_mut();
        headers.extend(extra_headers);
        if let Some(ct) = content_type {
            headers.insert(header::CONTENT_TYPE, ct);
        }
        let span = &self.inner.span;
        span.record("status", status.as_u16());
        span.record("bytes_out", len);
        if responder.send(response).is_err() {
            let err = Error::EndpointDisconnected {
                detail: "the client went away before the reply".to_owned(),
                source: None,
            };
            return Err(self.fail(err));
        }
        span.record("outcome", "ok");
        Ok(())
    }

    /// Ends the exchange: without an answer given, acknowledges a one-way
    /// message with HTTP 202 and an empty body. `Open`/`Faulted` → `Closed`;
    /// `Ok` when already closed.
    ///
    /// Cancel safe.
    pub async fn close(&self) -> Result<()> {
        let ack = {
            let mut ctl = self.ctl();
            let from = ctl.life.state();
            let invalid = |s: ChannelState| Error::InvalidOperation {
                object: OBJECT,
                state: s.as_str(),
                operation: "close",
            };
            // Open or Faulted → Closing → Closed in one step: nothing to wait for.
            if ctl
                .life
                .apply(ChannelEvent::CloseStarted)
                .map_err(|_| invalid(from))?
                == ChannelState::Closed
            {
                return Ok(());
            }
            ctl.life
                .apply(ChannelEvent::CloseFinished)
                .map_err(|_| invalid(from))?;
            if ctl.responder.is_some() && ctl.body_unread() {
                self.inner.conn.mark_unread_body();
            }
            ctl.body = None;
            ctl.responder.take()
        };
        if let Some(responder) = ack {
            let mut response = Response::new(Full::new(Bytes::new()));
            *response.status_mut() = StatusCode::ACCEPTED;
            self.inner.span.record("status", 202);
            if responder.send(response).is_err() {
                return Err(Error::EndpointDisconnected {
                    detail: "the client went away before the acknowledgement".to_owned(),
                    source: None,
                });
            }
        }
        Ok(())
    }

    /// Aborts the exchange: drops the connection (the client sees it closed,
    /// not a response); a pending [`receive`](Self::receive) fails with
    /// [`Error::Aborted`]. `Open` → `Faulted`. Never blocks; idempotent.
    ///
    /// Once the answer was written and the connection carries the client's
    /// next exchange, the connection is that exchange's: abort then only
    /// changes this channel's state. Over HTTP/2 abort resets this
    /// exchange's stream only; the connection carries on.
    pub fn abort(&self) {
        {
            let mut ctl = self.ctl();
            // Abort is allowed in every state.
            let _ = ctl.life.apply(ChannelEvent::Abort);
            ctl.responder = None;
        }
        self.inner.abort.abort();
        self.inner.conn.kill_exchange(self.inner.seq);
        self.inner.span.record("outcome", "aborted");
    }

    /// Resolves when the connection of this exchange closed: the client went
    /// away, the transport failed, or the exchange was aborted.
    ///
    /// The connection is watched while the request is being answered, once
    /// its body was read: a client that closes or resets its socket
    /// mid-operation is seen within milliseconds. A client that only shuts
    /// down its write side (FIN) counts as gone too: a FIN cannot be told
    /// from a closed socket, and HTTP/1.1 clients do not half-close. While
    /// the client has already pipelined its next request, its going away is
    /// seen only when the answer is written. Cancel safe.
    ///
    /// Over HTTP/2 it resolves when this exchange's stream is gone too (the
    /// client reset it: an abandoned call), while the connection and its
    /// other exchanges go on.
    pub async fn disconnected(&self) {
        let closed = self.inner.conn.inner.closed.cancelled();
        match &self.inner.stream_gone {
            Some(gone) => {
                tokio::select! {
                    _ = closed => {}
                    _ = gone.cancelled() => {}
                }
            }
            None => closed.await,
        }
    }

    /// Whether the exchange can no longer be answered (the client went away).
    pub fn is_disconnected(&self) -> bool {
        self.inner.conn.is_closed()
            || self
                .inner
                .stream_gone
                .as_ref()
                .is_some_and(CancellationToken::is_cancelled)
            || self.ctl().responder.as_ref().is_some_and(|r| r.is_closed())
    }
}

impl Drop for ReplyInner {
    fn drop(&mut self) {
        let ctl = self.ctl.get_mut().unwrap_or_else(PoisonError::into_inner);
        if ctl.responder.take().is_some() {
            // Dropped without an answer: an abort, so the client is not left waiting.
            tracing::debug!(target: "wws.reply", "reply channel dropped without a reply; closing the connection (HTTP/2: resetting its stream)");
            self.conn.end_exchange();
        }
    }
}

/// The message as envelope bytes; an addressing field XML cannot carry is an error.
fn encode(msg: &Message) -> Result<Bytes> {
    let mut buf = BytesMut::with_capacity(512 + msg.body.len());
    msg.write(&mut buf)?;
    Ok(buf.freeze())
}

/// Requests at least this large are read in place (the body a slice of the
/// input, no copy); below it copying is cheaper than sharing the buffer.
const READ_IN_PLACE_FROM: usize = 16 * 1024;

/// The message in `bytes`, read under `quotas`, sharing `bytes` when large.
fn decode_owned(bytes: Bytes, quotas: &ReaderQuotas) -> Result<Message> {
    if bytes.len() >= READ_IN_PLACE_FROM {
        Message::read_bytes(bytes, quotas)
    } else {
        Message::read(&bytes, quotas)
    }
}
