//! HTTP listener of the wws SOAP stack: binds a TCP address and hands out
//! each HTTP exchange that arrives as a [`ReplyChannel`].
//!
//! HTTP/1.1 with keep-alive: one connection carries many exchanges in turn,
//! and the next request on a connection is read only after the previous
//! exchange was answered; HTTP/2 on the same port carries them at once
//! (see [HTTP/2](#http2)). [`ListenerProperties`] bound what a client can
//! hold: `max_connections` (beyond it no more TCP connections are accepted
//! until one closes), `max_accepting_channels`, `header_read_timeout` (also
//! for an idle keep-alive connection), `body_read_timeout` and
//! `send_timeout` (a response stuck on a client that does not read it).
//!
//! ```
//! use bytes::Bytes;
//! use wws_channel::Channel;
//! use wws_core::{AddressingVersion, EnvelopeVersion, Message, QName};
//! use wws_listener::Listener;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> wws_core::Result<()> {
//! let listener = Listener::new();
//! listener.open("127.0.0.1:0".parse().expect("address")).await?;
//! let url = format!("http://{}/echo", listener.local_addr().expect("bound"));
//!
//! // A client sends one request.
//! let client = tokio::spawn(async move {
//!     let channel = Channel::new();
//!     channel.open(&url).await?;
//!     let mut request = Message::new(EnvelopeVersion::Soap12, AddressingVersion::Transport);
//!     request.action = Some("urn:example/Echo".into());
//!     request.body = Bytes::from_static(b"<e:Echo xmlns:e=\"urn:example\">hi</e:Echo>");
//!     let reply = channel.request(request).await;
//!     channel.close().await?;
//!     reply
//! });
//!
//! // The listener hands the exchange out; the server answers it.
//! let exchange = listener.accept_channel().await?;
//! assert_eq!(exchange.soap_action(), Some("urn:example/Echo"));
//! let request = exchange.receive().await?;
//! let mut reply = Message::new(request.envelope, AddressingVersion::Transport);
//! reply.body = request.body;
//! exchange.reply(reply).await?;
//!
//! let reply = client.await.expect("client task")?;
//! assert_eq!(reply.body_element(), Some(QName::new("urn:example", "Echo")));
//! listener.close().await?;
//! # Ok(())
//! # }
//! ```
//!
//! # HTTPS
//!
//! [`acceptor::TlsAcceptor`] (feature `tls`, on by default) serves TLS from
//! a certificate chain and key; [`ListenerBuilder::tls_pem_files`] is the
//! short way. The handshake runs in the acceptor step, on the connection's
//! task, bounded by `header_read_timeout`; what it established (the
//! client's certificate under [`acceptor::ClientAuth`], the SNI name) is
//! [`ReplyChannel::tls`].
//!
//! ```no_run
//! use wws_listener::Listener;
//!
//! # fn main() -> wws_core::Result<()> {
//! let listener = Listener::builder()
//!     .tls_pem_files("server.crt", "server.key")
//!     .build()?;
//! # let _ = listener; Ok(()) }
//! ```
//!
//! # HTTP/2
//!
//! HTTP/1.1 and HTTP/2 are served on the same port, detected per
//! connection: ALPN `h2` over TLS (the [`acceptor::TlsAcceptor`] offers
//! `h2` first, then `http/1.1`), and in the clear the client's first bytes
//! (HTTP/2's preface, `PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n`: h2c with prior
//! knowledge; read under the first-byte and header-read timeouts, and
//! given back to the HTTP/1.1 parser when they are not it). Each stream
//! is an exchange, a [`ReplyChannel`] like any other: its abort, or a drop
//! without an answer, resets its stream and leaves the connection and its
//! other streams alone; a client that resets the stream (an abandoned
//! call) makes [`ReplyChannel::disconnected`] resolve, and a served
//! exchange is dropped, as when an HTTP/1.1 connection closes. A stream
//! the server ends without an answer is reset with `CANCEL` (RFC 9113 §7),
//! not `INTERNAL_ERROR`. Close sends `GOAWAY` and lets streams in progress
//! finish; abort (which a host's close timeout escalates to) ends every
//! served stream's exchange, resets its stream with `CANCEL`, sends
//! `GOAWAY` and closes the connection, waiting at most 100 ms for those
//! frames to go out. hyper's server has only the graceful `GOAWAY` (last
//! stream id 2³¹−1, then the real one once the client answers its PING),
//! so a client that does not answer within the 100 ms sees only the first.
//! Exchanges handed out by [`Listener::accept_channel`] belong to whoever
//! accepted them: an abort does not reset them, and their connection stays
//! until they end. [`Http2Limits`] (in [`ListenerProperties::http2`]) bound
//! what one connection may hold, with the defaults in its docs.
//!
//! ```
//! use wws_listener::Listener;
//!
//! let listener = Listener::builder().http2_max_concurrent_streams(256).build()?;
//! assert_eq!(listener.properties().http2.max_concurrent_streams, 256);
//! # Ok::<(), wws_core::Error>(())
//! ```
//!
//! # Decisions where the spec is silent
//!
//! - `close()` and `abort()` both stop accepting, close the listening
//!   socket and end pending accepts with [`Error::Aborted`]. Idle
//!   connections are closed; a connection whose exchange was accepted
//!   finishes that exchange and then closes; one that has not delivered a
//!   whole request yet is closed at once. Exchanges that arrived but were
//!   not accepted get HTTP 503 on `close()` and a closed connection on
//!   `abort()`. Dropping the last handle of an open listener aborts it.
//! - A request head over [`MAX_REQUEST_HEAD_SIZE`] (64 KiB) or with more
//!   than 100 header lines is answered 431 and its connection closed
//!   (hyper's own bound would be ~400 KiB; SOAP puts its headers in the
//!   envelope, so HTTP heads are small).
//! - A request whose body was not read to its end (refused over the quota,
//!   or answered without reading it) ends its connection after the answer
//!   with a lingering close: FIN, then what the client still sends is
//!   discarded (at most the message size quota, 2 s idle, 10 s in all), so
//!   a client still writing its body reads the answer instead of a reset.
//! - A TLS handshake that fails (a client certificate refused, no common
//!   protocol) closes the connection and is logged at debug; no exchange
//!   is handed out. Over TLS, a connection over `max_connections` (every
//!   connection busy) is closed at once, without the plain-text 503 a
//!   plain HTTP client gets.
//! - A [`ReplyChannel`] is handed out already `Open`, with the request head
//!   read: the accept is the listener's, so there is no `Accepting` state
//!   (WWSAPI's server channels have one); an abort during accept is
//!   [`Listener::abort`], which completes the accept with `Aborted`.
//! - A [`ReplyChannel`] dropped without an answer is aborted: its connection
//!   is closed rather than left waiting. Its answer releases an unread
//!   request body (it is not read afterwards); the connection then ends
//!   with the lingering close above.
//! - [`ReplyChannel`]'s answers (`reply`, `reply_fault`, `reply_http`,
//!   `close`) hand the response to the connection without waiting today;
//!   they are `async` so that a transport with flow control (HTTP/2) can
//!   make them wait for the peer's window without an API change.
//! - The reply channel lives here, not in `wws-channel`, with the
//!   per-connection state it shares with the connection task (what the
//!   client's going away, an abort or a refused body do to the
//!   connection); both sides share `wws_channel::http_binding`.
//! - A bind failure other than "address in use" is reported as
//!   [`Error::AddressInUse`] with the OS error as its source, except an
//!   address that is not local ([`Error::InvalidEndpointUrl`]).

pub mod acceptor;
mod admission;
mod connection;
mod framing;
mod io;
mod properties;
mod reply;
mod service;
#[cfg(feature = "tls")]
mod tls;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use bytes::Bytes;
use http::{HeaderMap, HeaderValue, StatusCode, header};
use tokio::net::{TcpListener, TcpSocket};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;
use tracing::field;
use wws_core::state::{Lifecycle, ListenerEvent, OnDrop, Ticket};
use wws_core::{AbortSignal, Error, Result};

pub use properties::{Http2Limits, ListenerBuilder, ListenerProperties};
pub use reply::ReplyChannel;

use reply::ExchangeSettings;
pub use service::{ExchangeService, Serving};
pub use wws_core::state::ListenerState;

use acceptor::Acceptor;

pub(crate) const OBJECT: &str = "Listener";

/// Largest request head (request line and headers) the listener reads; a
/// larger one, or one with more than 100 header lines, is answered with
/// HTTP 431 and the connection closed, before any exchange is handed out.
pub const MAX_REQUEST_HEAD_SIZE: usize = 64 * 1024;

fn aborted() -> Error {
    Lifecycle::<ListenerState>::aborted()
}

type Queue = Arc<tokio::sync::Mutex<mpsc::Receiver<ReplyChannel>>>;

/// Accepts HTTP exchanges as [`ReplyChannel`]s (WWSAPI's `WS_LISTENER` on
/// `WS_HTTP_CHANNEL_BINDING`).
///
/// Cheap to clone; clones share the listener. Dropping the last clone of
/// an open listener aborts it. States follow DESIGN.md §2:
/// `abort()` takes `Open` to `Faulted`, ends pending accepts with
/// [`Error::Aborted`] at once, and later accepts fail with
/// [`Error::ObjectFaulted`]; channels already accepted are not touched.
#[derive(Clone, Debug)]
pub struct Listener {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    props: ListenerProperties,
    acceptor: Arc<dyn Acceptor>,
    /// Set by `serve`: runs each exchange on its connection's task.
    service: ServiceSlot,
    settings: Arc<ExchangeSettings>,
    ctl: Mutex<Control>,
    accepting: AtomicUsize,
}

/// The service installed by `serve`, if any.
struct ServiceSlot(Mutex<Option<Arc<dyn ExchangeService>>>);

impl std::fmt::Debug for ServiceSlot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let serving = self.0.lock().map(|s| s.is_some()).unwrap_or(false);
        f.debug_tuple("ServiceSlot").field(&serving).finish()
    }
}

#[derive(Debug)]
struct Control {
    /// The state, and the epoch a late completion is checked against.
    life: Lifecycle<ListenerState>,
    local_addr: Option<SocketAddr>,
    /// Stops the accept loop and pending accepts; one per open.
    stop: AbortSignal,
    /// Tells connections to finish their exchange and close.
    shutdown: CancellationToken,
    /// Set by `abort()` only: requests that arrive afterwards get no answer.
    aborted: CancellationToken,
    /// Aborted by `abort()` while a `close` is in progress.
    closing: Option<AbortSignal>,
    queue: Option<Queue>,
    accept_task: Option<JoinHandle<()>>,
}

impl Control {
    fn apply(&mut self, event: ListenerEvent) -> Result<ListenerState> {
        self.life.apply(event)
    }
}

impl Drop for Inner {
    fn drop(&mut self) {
        // The last handle is gone: nobody can accept or close any more, so
        // stop listening (as abort does) instead of leaving the accept task
        // to run for ever. Accepted exchanges do not hold the listener.
        let ctl = self.ctl.get_mut().unwrap_or_else(PoisonError::into_inner);
        if ctl.accept_task.is_some() || ctl.closing.is_some() {
            Listener::abort_locked(ctl);
        }
    }
}

/// Decrements the count of waiting accepts when an accept ends.
struct AcceptingGuard<'a>(&'a AtomicUsize);

impl Drop for AcceptingGuard<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

impl Default for Listener {
    fn default() -> Self {
        Listener::new()
    }
}

impl Listener {
    /// A new listener in state `Created`, with the default properties and
    /// the [`PlainAcceptor`](acceptor::PlainAcceptor).
    pub fn new() -> Listener {
        Listener::from_parts(
            ListenerProperties::default(),
            Arc::new(acceptor::PlainAcceptor::new()),
        )
    }

    /// A builder: every property at its default, checked at `build`.
    pub fn builder() -> ListenerBuilder {
        ListenerBuilder::default()
    }

    /// A new listener with `props`, checked as [`ListenerBuilder::build`] does.
    pub fn with_properties(props: ListenerProperties) -> Result<Listener> {
        Listener::builder().properties(props).build()
    }

    pub(crate) fn from_parts(props: ListenerProperties, acceptor: Arc<dyn Acceptor>) -> Listener {
        let settings = Arc::new(ExchangeSettings {
            quotas: props.quotas.clone(),
            body_read_timeout: props.body_read_timeout,
        });
        Listener {
            inner: Arc::new(Inner {
                props,
                acceptor,
                service: ServiceSlot(Mutex::new(None)),
                settings,
                ctl: Mutex::new(Control {
                    life: Lifecycle::new(ListenerState::Created),
                    local_addr: None,
                    stop: AbortSignal::new(),
                    shutdown: CancellationToken::new(),
                    aborted: CancellationToken::new(),
                    closing: None,
                    queue: None,
                    accept_task: None,
                }),
                accepting: AtomicUsize::new(0),
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

    /// The listener's state.
    pub fn state(&self) -> ListenerState {
        self.ctl().life.state()
    }

    /// The properties the listener was made with.
    pub fn properties(&self) -> &ListenerProperties {
        &self.inner.props
    }

    /// Serves every exchange with `service`, run on the task of the
    /// connection that carried it (no queue, no hand-off between tasks),
    /// instead of queueing exchanges for [`accept_channel`](Self::accept_channel),
    /// which then fails with [`Error::InvalidOperation`]. Allowed in
    /// `Created`, before [`open`](Self::open); the service stays installed
    /// across reset and reopen.
    ///
    /// Close and abort act as for accepted exchanges: close lets an exchange
    /// in progress finish and then closes its connection; abort closes every
    /// connection, which drops the service's futures where they stand.
    pub fn serve(&self, service: impl ExchangeService) -> Result<()> {
        let ctl = self.ctl();
        if ctl.life.state() != ListenerState::Created {
            return Err(Error::InvalidOperation {
                object: OBJECT,
                state: ctl.life.state().as_str(),
                operation: "serve",
            });
        }
        *self
            .inner
            .service
            .0
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = Some(Arc::new(service));
        Ok(())
    }

    fn service(&self) -> Option<Arc<dyn ExchangeService>> {
        self.inner
            .service
            .0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// The bound address (with the actual port when opened on port 0), once opened.
    pub fn local_addr(&self) -> Option<SocketAddr> {
        self.ctl().local_addr
    }

    /// Binds `addr` (port 0 picks a free port) and starts accepting connections.
    ///
    /// `Created` → `Opening` → `Open`. A bind conflict is
    /// [`Error::AddressInUse`] and leaves the listener `Faulted` (close and
    /// reset it to try again); [`abort`](Self::abort) during the open returns
    /// it to `Created` and the open fails with [`Error::Aborted`].
    ///
    /// Cancel safety: dropping the future mid-open is an abort of the open
    /// (the listener returns to `Created`).
    pub async fn open(&self, addr: SocketAddr) -> Result<()> {
        let (stop, ticket) = {
            let mut ctl = self.ctl();
            ctl.apply(ListenerEvent::OpenStarted)?;
            ctl.stop = AbortSignal::new();
            ctl.shutdown = CancellationToken::new();
            ctl.aborted = CancellationToken::new();
            ctl.local_addr = None;
            (ctl.stop.clone(), ctl.life.ticket())
        };
        let mut dropped = OnDrop::new(|| self.abort_if_current(ticket));
        let bound = tokio::select! {
            biased;
            _ = stop.aborted() => return Err(aborted()),
            r = bind(addr) => r,
        };
        dropped.disarm();
        let mut ctl = self.ctl();
        if !ctl.life.is_current(ticket) {
            return Err(aborted());
        }
        let tcp = match bound.and_then(|l| l.local_addr().map(|a| (l, a))) {
            Ok(tcp) => tcp,
            Err(e) => {
                ctl.apply(ListenerEvent::OpenFailed)?;
                return Err(bind_error(addr, e));
            }
        };
        let (tcp, local) = tcp;
        ctl.apply(ListenerEvent::OpenSucceeded)?;
        let capacity = self.inner.props.max_connections.max(1);
        let (tx, rx) = mpsc::channel(capacity);
        ctl.local_addr = Some(local);
        ctl.queue = Some(Arc::new(tokio::sync::Mutex::new(rx)));
        let accept = connection::AcceptLoop {
            listener: tcp,
            stop: stop.clone(),
            shutdown: ctl.shutdown.clone(),
            aborted: ctl.aborted.clone(),
            queue: tx,
            connections: admission::Registry::new(capacity),
            props: self.inner.props.clone(),
            settings: self.inner.settings.clone(),
            acceptor: self.inner.acceptor.clone(),
            service: self.service(),
        };
        ctl.accept_task = Some(tokio::spawn(accept.run()));
        tracing::info!(target: "wws.listener", %local, "listening");
        Ok(())
    }

    /// Waits for the next HTTP exchange and returns it as an `Open`
    /// [`ReplyChannel`] whose request head has been read.
    ///
    /// Many accepts may wait at once, up to `max_accepting_channels` (one
    /// more fails at once with [`Error::QuotaExceeded`]). Errors:
    /// [`Error::Aborted`] when the listener is closed or aborted meanwhile;
    /// [`Error::ObjectFaulted`] once aborted; [`Error::InvalidOperation`]
    /// when not open.
    ///
    /// Cancel safe: an exchange is only taken from the queue when it is returned.
    pub async fn accept_channel(&self) -> Result<ReplyChannel> {
        let serving = self.service().is_some();
        let (stop, queue) = {
            let ctl = self.ctl();
            ctl.life.ensure_open("accept_channel")?;
            if serving {
                return Err(Error::InvalidOperation {
                    object: OBJECT,
                    state: "Open (serving)",
                    operation: "accept_channel",
                });
            }
            match &ctl.queue {
                Some(q) => (ctl.stop.clone(), q.clone()),
                None => return Err(aborted()),
            }
        };
        let limit = self.inner.props.max_accepting_channels;
        let waiting = self.inner.accepting.fetch_add(1, Ordering::AcqRel);
        let _guard = AcceptingGuard(&self.inner.accepting);
        if waiting >= limit {
            return Err(Error::QuotaExceeded {
                quota: "max accepting channels",
                limit: limit as u64,
            });
        }
        let span = tracing::debug_span!("wws.listener.accept", peer = field::Empty);
        // Bounded: each turn consumes one queued exchange.
        loop {
            let next = tokio::select! {
                biased;
                _ = stop.aborted() => return Err(aborted()),
                ch = async { queue.lock().await.recv().await } => ch,
            };
            let Some(channel) = next else {
                return Err(aborted());
            };
            if channel.is_disconnected() {
                tracing::debug!(target: "wws.listener", peer = %channel.peer_addr(), "client left before its exchange was accepted");
                continue;
            }
            span.record("peer", field::display(channel.peer_addr()));
            return Ok(channel);
        }
    }

    /// Stops accepting: closes the listening socket, ends pending accepts
    /// with [`Error::Aborted`], answers exchanges not yet accepted with 503
    /// and closes idle connections. Exchanges already accepted are left to
    /// finish. `Open`/`Faulted` → `Closing` → `Closed`; from `Created` or
    /// `Closed` it is `Ok` at once. An [`abort`](Self::abort) during the
    /// close finishes it (`Closed`) and the close returns [`Error::Aborted`].
    ///
    /// Cancel safety: dropping the future mid-close is an abort of the
    /// close (the listener is `Closed` at once).
    pub async fn close(&self) -> Result<()> {
        let (closing, queue, task, ticket) = {
            let mut ctl = self.ctl();
            let to = ctl.apply(ListenerEvent::CloseStarted)?;
            if to == ListenerState::Closed {
                return Ok(());
            }
            ctl.stop.abort();
            ctl.shutdown.cancel();
            let closing = AbortSignal::new();
            ctl.closing = Some(closing.clone());
            let ticket = ctl.life.ticket();
            (closing, ctl.queue.take(), ctl.accept_task.take(), ticket)
        };
        let mut dropped = OnDrop::new(|| self.abort_if_current(ticket));
        if let Some(queue) = queue {
            // Pending accepts release the queue as soon as they see the stop; one
            // that is never polled again must not hold the close up, so only try.
            if let Ok(mut rx) = queue.try_lock() {
                rx.close();
                while let Ok(channel) = rx.try_recv() {
                    let mut headers = HeaderMap::new();
                    headers.insert(header::CONNECTION, HeaderValue::from_static("close"));
                    let _ = channel
                        .reply_http(StatusCode::SERVICE_UNAVAILABLE, None, Bytes::new(), headers)
                        .await;
                }
            }
        }
        if let Some(task) = task {
            // The listening socket is closed when the accept loop has ended.
            tokio::select! {
                biased;
                _ = closing.aborted() => return Err(aborted()),
                _ = task => {}
            }
        }
        dropped.disarm();
        let mut ctl = self.ctl();
        ctl.closing = None;
        ctl.life.complete(ticket, ListenerEvent::CloseFinished)?;
        tracing::info!(target: "wws.listener", "closed");
        Ok(())
    }

    /// Aborts the listener: the listening socket is closed, pending accepts
    /// complete with [`Error::Aborted`] at once, idle connections and
    /// exchanges not yet accepted are closed; channels already accepted are
    /// not touched. `Open` → `Faulted` (later accepts fail with
    /// [`Error::ObjectFaulted`]), `Opening` → `Created`, `Closing` →
    /// `Closed`; other states unchanged. Never blocks; idempotent.
    pub fn abort(&self) {
        let mut ctl = self.ctl();
        Self::abort_locked(&mut ctl);
    }

    fn abort_locked(ctl: &mut Control) {
        let from = ctl.life.state();
        // Abort is allowed in every state.
        let _ = ctl.apply(ListenerEvent::Abort);
        ctl.stop.abort();
        ctl.aborted.cancel();
        ctl.shutdown.cancel();
        if let Some(closing) = ctl.closing.take() {
            closing.abort();
        }
        ctl.queue = None;
        if let Some(task) = ctl.accept_task.take() {
            task.abort();
        }
        tracing::debug!(target: "wws.listener", from = %from, to = %ctl.life.state(), "listener aborted");
    }

    /// Aborts the listener if its state is still the one `ticket` was issued
    /// for: an open or close future dropped before it completed.
    fn abort_if_current(&self, ticket: Ticket) {
        let mut ctl = self.ctl();
        if ctl.life.is_current(ticket) {
            Self::abort_locked(&mut ctl);
        }
    }

    /// Makes a `Created` or `Closed` listener `Created` again, ready for
    /// another [`open`](Self::open); [`Error::InvalidOperation`] in other states.
    pub fn reset(&self) -> Result<()> {
        let mut ctl = self.ctl();
        ctl.apply(ListenerEvent::Reset)?;
        ctl.local_addr = None;
        Ok(())
    }
}

/// Pending connections the kernel queues before `accept` takes them (tokio's
/// own bind uses 128; a burst of more connects than that gets its SYNs
/// dropped and retried a second later). Linux caps it at `somaxconn`.
const LISTEN_BACKLOG: u32 = 4096;

/// Binds as `TcpListener::bind` does (with `SO_REUSEADDR`), with a longer backlog.
async fn bind(addr: SocketAddr) -> std::io::Result<TcpListener> {
    let socket = if addr.is_ipv4() {
        TcpSocket::new_v4()?
    } else {
        TcpSocket::new_v6()?
    };
    #[cfg(unix)]
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(LISTEN_BACKLOG)
}

fn bind_error(addr: SocketAddr, e: std::io::Error) -> Error {
    match e.kind() {
        std::io::ErrorKind::AddrNotAvailable => Error::InvalidEndpointUrl {
            url: addr.to_string(),
            reason: format!("not a local address: {e}"),
        },
        _ => Error::AddressInUse {
            addr: addr.to_string(),
            source: Some(Box::new(e)),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync<T: Send + Sync>() {}
    fn assert_send<T: Send>(_: &T) {}

    /// Compile-time only: the exchange's futures can move between threads.
    #[allow(dead_code)]
    fn reply_channel_futures_are_send(exchange: &ReplyChannel) {
        assert_send(&exchange.receive());
        assert_send(&exchange.reply(wws_core::Message::new(
            wws_core::EnvelopeVersion::Soap11,
            wws_core::AddressingVersion::Transport,
        )));
        assert_send(&exchange.close());
        assert_send(&exchange.disconnected());
    }

    #[test]
    fn listener_and_its_futures_are_send() {
        assert_send_sync::<ReplyChannel>();
        assert_send_sync::<Listener>();
        let listener = Listener::new();
        assert_send(&listener.open(([127, 0, 0, 1], 0).into()));
        assert_send(&listener.accept_channel());
        assert_send(&listener.close());
    }
}
