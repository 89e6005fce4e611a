//! Service proxy of the wws SOAP stack: typed concurrent calls that can be
//! abandoned one by one, aborted all at once, or let finish on close.
//!
//! ```
//! use std::time::Duration;
//!
//! use tokio::sync::mpsc;
//! use wws_core::{AddressingVersion, EnvelopeVersion, Error, Message};
//! use wws_listener::Listener;
//! use wws_proxy::{CallOptions, ServiceProxy};
//!
//! wws_core::body_element! {
//!     #[namespace = "urn:example:delay"]
//!     /// Wait this long, then answer.
//!     pub struct Delay { pub milliseconds: i32 }
//! }
//! wws_core::body_element! {
//!     #[namespace = "urn:example:delay"]
//!     /// How long the service waited.
//!     pub struct DelayResponse { pub milliseconds: i32 }
//! }
//! const DELAY_ACTION: &str = "urn:example:delay/Delay";
//!
//! # #[tokio::main]
//! # async fn main() -> wws_core::Result<()> {
//! // A tiny Delay service on loopback that reports when a request starts
//! // and when its client leaves before the reply.
//! let listener = Listener::new();
//! listener.open(([127, 0, 0, 1], 0).into()).await?;
//! let url = format!("http://{}/delay", listener.local_addr().expect("bound"));
//! let (events, mut seen) = mpsc::unbounded_channel();
//! tokio::spawn(async move {
//!     while let Ok(exchange) = listener.accept_channel().await {
//!         let events = events.clone();
//!         tokio::spawn(async move {
//!             let request = exchange.receive().await?;
//!             let Delay { milliseconds } = request.read_body()?;
//!             let _ = events.send(("started", milliseconds));
//!             let sleep = tokio::time::sleep(Duration::from_millis(milliseconds as u64));
//!             tokio::select! {
//!                 () = sleep => {
//!                     let reply = DelayResponse { milliseconds };
//!                     let reply = Message::from_body(request.envelope, request.addressing, "", &reply)?;
//!                     exchange.reply(reply).await
//!                 }
//!                 () = exchange.disconnected() => {
//!                     let _ = events.send(("client left", milliseconds));
//!                     Ok(())
//!                 }
//!             }
//!         });
//!     }
//! });
//!
//! let proxy = ServiceProxy::builder(&url)
//!     .envelope(EnvelopeVersion::Soap11)
//!     .addressing(AddressingVersion::Transport)
//!     .build()?;
//! proxy.open().await?;
//! let delay = |ms| proxy.call::<Delay, DelayResponse>(DELAY_ACTION, &Delay { milliseconds: ms }, CallOptions::new());
//! let slow = delay(60_000);
//! assert_eq!(seen.recv().await, Some(("started", 60_000)));
//! let quick = delay(100);
//!
//! // Abandon the slow call by its id: it ends at once, the other goes on,
//! // and the server sees the slow call's client go.
//! proxy.abandon_call(slow.id())?;
//! assert!(matches!(slow.await, Err(Error::Abandoned { .. })));
//! assert_eq!(proxy.pending_calls(), 1);
//! assert_eq!(quick.await?.milliseconds, 100);
//! let mut events = Vec::new();
//! while events.len() < 2 {
//!     events.push(seen.recv().await.expect("server events"));
//! }
//! assert!(events.contains(&("client left", 60_000)));
//!
//! proxy.close().await?;
//! # Ok(())
//! # }
//! ```
//!
//! # States
//!
//! A [`ServiceProxy`] is `Created` → ([`open`](ServiceProxy::open)) `Opening`
//! → `Open` → ([`close`](ServiceProxy::close)) `Closing` → `Closed`, and
//! [`reset`](ServiceProxy::reset) makes a closed proxy `Created` again.
//! [`abort`](ServiceProxy::abort) works in every state: `Open` → `Faulted`
//! (pending calls end with [`Error::Aborted`](wws_core::Error::Aborted), new
//! ones get [`ObjectFaulted`](wws_core::Error::ObjectFaulted)), `Opening` →
//! `Created`, `Closing` → `Closed`. A faulted proxy is closed, then reset.
//!
//! `open()` connects once to the endpoint, unlike WWSAPI's
//! `WsOpenServiceProxy` over HTTP, which does not: an unreachable endpoint is
//! reported by `open()` itself, and the connection it made serves the first
//! call. This also gives `Opening` a real duration that `abort()` can cut.
//!
//! # HTTPS
//!
//! `https://` URLs take the default connector,
//! `wws_channel::connector::default_connector()` (a
//! `wws_channel::tls::TlsConnector`): the server's certificate is verified
//! against the platform's roots (honouring `SSL_CERT_FILE` and
//! `SSL_CERT_DIR`) or the bundled Mozilla set. A private CA, a client
//! certificate (mutual TLS) or `https_only` take a built connector, shared
//! by the proxy's connections:
//!
//! ```no_run
//! use wws_channel::tls::{Identity, TlsConnector};
//! use wws_proxy::ServiceProxy;
//!
//! # fn main() -> wws_core::Result<()> {
//! let tls = TlsConnector::builder()
//!     .add_root_certificates_pem_file("ca.pem")
//!     .identity(Identity::from_pem_files("client.crt", "client.key")?)
//!     .build()?;
//! let proxy = ServiceProxy::builder("https://calculator.example/calculator")
//!     .connector(tls)
//!     .build()?;
//! # let _ = proxy; Ok(()) }
//! ```
//!
//! A failed check is
//! [`SecurityVerificationFailure`](wws_core::Error::SecurityVerificationFailure)
//! naming it. Abandon, drop and timeouts close a call's TLS connection as
//! they close a TCP one.
//!
//! # HTTP authentication and headers
//!
//! [`ProxyBuilder::basic_auth`], [`ProxyBuilder::bearer_auth`] and
//! [`ProxyBuilder::http_header`] set HTTP headers of every call (user info
//! in the URL is Basic authentication too, never shown by
//! [`ServiceProxy::url`]); [`CallOptions::basic_auth`],
//! [`CallOptions::bearer_auth`] and [`CallOptions::http_header`] those of
//! one call, replacing the proxy's of the same name. A 401 or 403 is
//! [`EndpointAccessDenied`](wws_core::Error::EndpointAccessDenied), with
//! the `WWW-Authenticate` challenge.
//!
//! # Calls
//!
//! [`invoke::<O>`](ServiceProxy::invoke) (a typed
//! [`Operation`](wws_core::Operation): its action, request and response
//! types go together), [`call`](ServiceProxy::call) (typed bodies, any
//! action) and [`call_message`](ServiceProxy::call_message) (untyped)
//! return a [`PendingCall`], a future whose [`id`](PendingCall::id) is
//! known at once. A contract's typed client (e.g. the calculator example's
//! `CalculatorClient`) is a thin `Clone` struct over a `ServiceProxy` with
//! one method per operation calling `invoke`. [`CallOptions`] choose the
//! call id, a timeout of the call's own, extra SOAP headers and values for
//! the proxy's layers ([`CallOptions::extension`], e.g. other credentials).
//! A call first checks, synchronously, the state (`Open`), for
//! `call_message` that the message's envelope version is the proxy's
//! ([`InvalidFormat`](wws_core::Error::InvalidFormat) otherwise), and the
//! `max_pending_calls` quota ([`QuotaExceeded`](wws_core::Error::QuotaExceeded)
//! at once when full), then registers a slot and spawns its exchange as a
//! task, so it progresses before it is polled, as a WWSAPI async call does.
//!
//! Each pending call has a connection of its own: an idle one from the pool
//! (up to `max_call_pool_size` are kept) or a new one. So calls are truly
//! concurrent over HTTP/1.1 and a stalled call never delays another.
//!
//! # HTTP/2
//!
//! With [`ProxyBuilder::http2`] the proxy speaks HTTP/2 where the server
//! does (`Http2Mode::Negotiate`: by ALPN over `https://`;
//! `Http2Mode::PriorKnowledge`: in the clear too). Calls then share
//! connections, a stream each: a call takes the least busy connection
//! carrying fewer than `max_streams_per_connection` calls (default 100),
//! a new one opens when all are that busy, up to `max_call_pool_size`,
//! and beyond that calls queue on the least busy one (calls that come
//! while a connection opens wait for it rather than open their own).
//! Abandon, drop and a call's timeout reset the call's stream only
//! (`RST_STREAM` with `CANCEL`): the connection and the other calls go on,
//! and the host tells the operation `ChannelFaulted`. Abort and close end
//! the connections (`GOAWAY`, then the socket closed within 100 ms).
//! [`ServiceProxy::http2_connections`] says how many
//! there are.
//!
//! ```
//! use wws_channel::connector::Http2Mode;
//! use wws_proxy::ServiceProxy;
//!
//! let proxy = ServiceProxy::builder("http://127.0.0.1:8080/calculator")
//!     .http2(Http2Mode::PriorKnowledge)
//!     .max_streams_per_connection(1000)
//!     .max_pending_calls(10_000)
//!     .build()?;
//! assert_eq!(proxy.properties().max_streams_per_connection, 1000);
//! # Ok::<(), wws_core::Error>(())
//! ```
//!
//! - [`abandon_call(id)`](ServiceProxy::abandon_call) completes every pending
//!   call with that id with [`Abandoned`](wws_core::Error::Abandoned) before
//!   it returns, and closes those calls' connections, so the server sees the
//!   client go (a host cancels the operation). The other calls continue.
//!   Calls may share an id ([`CallOptions::call_id`]) and are then abandoned
//!   together; [`CallId::ALL`](wws_core::CallId::ALL) abandons every call
//!   pending at that moment; an unknown id is a no-op.
//! - Dropping a `PendingCall` before it completes abandons that one call: no
//!   slot, task or socket outlives it.
//! - `call_timeout` (or the call's own [`CallOptions::timeout`]) ends a call
//!   with [`TimedOut`](wws_core::Error::TimedOut) and closes its connection.
//! - A fault reply ends it with
//!   [`FaultReceived`](wws_core::Error::FaultReceived) carrying the parsed
//!   fault (its typed detail: [`Error::fault_detail`](wws_core::Error::fault_detail));
//!   the connection stays in use.
//! - A reply body that is not the expected type ends it with
//!   [`InvalidFormat`](wws_core::Error::InvalidFormat).
//!
//! Only a call that completed with a reply (or a fault) gives its connection
//! back to the pool; any other end closes it. A transport error (connection
//! refused or lost, a channel timeout) fails that call only: the proxy stays
//! `Open`, since the next call gets a connection of its own. A request that
//! was written is never retried (SOAP operations need not be idempotent).
//!
//! `abort()` and `abandon_call()` are plain synchronous functions: they hold
//! a short internal lock that no I/O ever holds. They complete every
//! affected call first, so no caller waits behind a socket teardown, then
//! abort the calls' connections (more than a few: on a task of the proxy's
//! runtime, which closes them as soon as it runs).
//!
//! # Tracing
//!
//! Each call runs in a `wws.proxy.call` span with fields `call_id` and
//! `action`; the channel's spans nest inside it.

mod addressing;
mod call;
mod layer;
mod properties;
mod proxy;

pub use call::{CallOptions, PendingCall};
pub use layer::{CallInfo, ProxyLayer};
pub use properties::{ProxyBuilder, ProxyProperties};
pub use proxy::ServiceProxy;
/// Whether the proxy speaks HTTP/2 ([`ProxyBuilder::http2`]).
pub use wws_channel::connector::Http2Mode;
pub use wws_core::state::ServiceProxyState;
