//! Service host of the wws SOAP stack: endpoints, dispatch, faults and
//! server-side cancellation (WWSAPI's `WS_SERVICE_HOST`).
//!
//! ```
//! use wws_core::{AddressingVersion, BodyElement, EnvelopeVersion, Fault, Result};
//! use wws_host::{Contract, Endpoint, OperationContext, ServiceHost};
//! # struct Ping; struct Pong;
//! # impl BodyElement for Ping { const NAMESPACE: &'static str = "urn:t"; const NAME: &'static str = "Ping";
//! #   fn write_element(&self, _: &mut bytes::BytesMut) -> Result<()> { Ok(()) } fn read_element(_: &[u8]) -> Result<Self> { Ok(Ping) } }
//! # impl BodyElement for Pong { const NAMESPACE: &'static str = "urn:t"; const NAME: &'static str = "Pong";
//! #   fn write_element(&self, o: &mut bytes::BytesMut) -> Result<()> { o.extend_from_slice(b"<Pong xmlns=\"urn:t\"/>"); Ok(()) }
//! #   fn read_element(_: &[u8]) -> Result<Self> { Ok(Pong) } }
//!
//! async fn ping(ctx: OperationContext, _req: Ping) -> Result<Pong, Fault> {
//!     tracing::info!(action = ctx.action(), "ping");
//!     Ok(Pong)
//! }
//!
//! # #[tokio::main(flavor = "current_thread")] async fn main() -> Result<()> {
//! let host = ServiceHost::new("127.0.0.1:0".parse().unwrap());
//! let contract = Contract::new().operation("urn:t/Ping", ping);
//! host.add_endpoint(Endpoint::new("/ping", EnvelopeVersion::Soap12, AddressingVersion::Transport, contract))?;
//! host.open().await?;
//! println!("listening on {:?}", host.local_addr());
//! host.close().await?;
//! # Ok(()) }
//! ```
//!
//! # Examples
//!
//! - `cargo run --release -p wws-examples --bin calculator -- --listen 127.0.0.1:8080`
//!   serves the reference calculator contract: SOAP 1.1 at `/calculator`,
//!   SOAP 1.2 at `/calculator12`, the WSDL at `?wsdl`; Ctrl-C closes gracefully.
//! - `cargo run --release -p wws-examples --bin demo` (what `cargo xtask demo`
//!   runs): a host and a proxy over loopback, concurrent calls, one abandoned
//!   call seen by the host as `ChannelFaulted`, a proxy abort and a graceful
//!   close, printed as a timeline.
//!
//! The calculator service itself lives in `wws_examples::calculator`, shared
//! with the end-to-end tests and the benches, so this crate stays generic.
//!
//! # Life cycle
//!
//! [`ServiceHost`] follows `ServiceHostState`: `Created` (add endpoints) →
//! `open()` → `Open` → `close()` → `Closed`; `abort()` takes `Open` (and
//! `Opening`) to `Faulted`. One listener serves every endpoint; endpoints are
//! told apart by path.
//!
//! - **close** stops accepting, lets every in-flight operation finish and send
//!   its reply, and after `close_timeout` tells the rest
//!   [`CancelReason::HostClosing`] and drops their connections. The host ends
//!   `Closed` either way.
//! - **abort** aborts the listener, tells every in-flight operation
//!   [`CancelReason::HostAborted`] and drops its connection; an `open()` in
//!   progress fails with `Aborted`.
//! - **the client going away** (disconnect, abandoned call) is seen through
//!   the reply channel while the operation runs; the operation is told
//!   [`CancelReason::ChannelFaulted`].
//!
//! After notifying an operation (its [`OperationContext::cancelled`] future
//! resolves and the [`OperationContext::on_cancel`] callback runs), the host
//! polls its handler once more, so that a `select!` on `cancelled()` can finish
//! its branch, then drops it. Blocking work the handler spawned should watch
//! [`OperationContext::token`].
//!
//! `max_concurrency` bounds running operations with a semaphore. A request
//! beyond it **waits** (its body unread, so TCP flow control pushes back)
//! rather than failing: as with WWSAPI, whose service host simply has no free
//! channel, load shows up as latency, and the proxy's `call_timeout` still
//! bounds it. A waiting request whose client leaves is dropped. At most
//! `max_accepting_channels` requests wait so; one more is answered `503
//! Service Unavailable` with `Retry-After`, so an overload sheds instead of
//! queueing without bound. The host runs one accept loop that hands each
//! exchange to its own task at once.
//!
//! A handler that panics produces a Server/Receiver fault; the panic is caught
//! around each poll of the handler future, so the exchange task and the host
//! keep running.
//!
//! # HTTPS
//!
//! [`ServiceHostBuilder::tls_pem_files`] serves HTTPS from a PEM
//! certificate chain and key (feature `tls`, on by default). To verify
//! client certificates, or renew the certificate while serving, build a
//! `wws_listener::acceptor::TlsAcceptor` and pass it to
//! [`ServiceHostBuilder::acceptor`]; the operation then finds the client's
//! certificate in [`OperationContext::peer_certificate`] (and the SNI name
//! in [`OperationContext::tls`]), layers in [`RequestInfo::tls`].
//! Cancellation is as over TCP: a client that leaves a TLS connection is
//! [`CancelReason::ChannelFaulted`].
//!
//! HTTP/2 is served next to HTTP/1.1 on the same port, by ALPN `h2` over
//! TLS and by its preface in the clear (h2c), with the limits of
//! `ServiceHostProperties::listener.http2` (`wws_listener::Http2Limits`).
//! A client that resets one stream (an abandoned call) cancels that
//! operation alone with `ChannelFaulted`; close sends `GOAWAY` and lets
//! streams finish up to `close_timeout`; abort, and the close timeout
//! for the streams still open then, reset each stream with `CANCEL`, send
//! `GOAWAY` and close the connections (`HostAborted`, `HostClosing`).
//!
//! ```no_run
//! use wws_host::ServiceHost;
//!
//! # fn main() -> wws_core::Result<()> {
//! let host = ServiceHost::builder("127.0.0.1:8443".parse().expect("address"))
//!     .tls_pem_files("server.crt", "server.key")
//!     .build()?;
//! # let _ = host; Ok(()) }
//! ```
//!
//! # Dispatch
//!
//! An operation is found by the `wsa:Action` header, else the transport action
//! (`SOAPAction`, or the `action` parameter of `application/soap+xml`), else
//! the qualified name of the first body element. A WS-Addressing action is
//! authoritative: one no operation serves gets `ActionNotSupported`. A
//! transport action is a hint (SOAP 1.1 §6.1.1): an unknown one falls back to
//! the body element, so clients that send an empty or odd `SOAPAction` work.
//!
//! Operations may share an action (CountryInfoService's are all
//! `soapAction=""`): a request with a shared action goes to the operation
//! whose request element its body carries.
//!
//! Replies copy the request's envelope and addressing versions; with
//! WS-Addressing they carry `RelatesTo` = the request's `MessageID` and the
//! operation's reply action: for a typed [`Operation`](wws_core::Operation)
//! ([`Contract::serve`], [`Contract::from_service`]) the WSDL's, else
//! WS-Addressing 1.0 Metadata's default `{namespace}/{portType}/{operation}Response`
//! (as WCF and JAX-WS RI send it); for [`Contract::operation`]
//! `<request action>Response` (see [`Contract::operation_with_reply_action`]).
//! Faults carry WS-Addressing's fault action; a typed operation's
//! [`ServiceFault`](wws_core::ServiceFault) is sent with its detail element.
//!
//! One-way operations ([`Contract::one_way`]) are answered `202 Accepted` as
//! soon as the request is read, its headers checked and its argument decoded,
//! as WWSAPI does; the handler then runs with the exchange already finished,
//! so only the host (abort, close timeout) can cancel it.
//!
//! # Protocol behaviour
//!
//! SOAP 1.1 (W3C Note §4, §6), SOAP 1.2 Part 1 §2 (processing model) and §5.4
//! (faults), Part 2 §7 (HTTP binding), for a node that is the ultimate receiver:
//!
//! | request | answer |
//! |---|---|
//! | unknown path | 404 |
//! | `GET <path>?wsdl` (endpoint has a WSDL) | 200, the WSDL with each `soap:address`/`soap12:address` set to this host's endpoint of that SOAP version, using the request's `Host` header (else the bound address) |
//! | `GET <path>?xsd=xsdN` / `?wsdl=wsdlN` (`Endpoint::with_wsdl_documents`) | 200, that imported schema or WSDL, every `schemaLocation`/`location` naming one of the contract's documents rewritten to its URL here; 404 for a document the endpoint does not have |
//! | any other method than POST | 405 with `Allow` |
//! | content type neither `text/xml` nor `application/soap+xml` | 415 |
//! | envelope namespace of the other SOAP version | VersionMismatch fault in SOAP 1.1 (SOAP 1.2 Part 1 Appendix A; a 1.1 node does not know the 1.2 namespace), with an `Upgrade` header naming the endpoint's version |
//! | unknown envelope namespace | VersionMismatch fault in the endpoint's version (SOAP 1.1 format for a 1.1 endpoint), with `Upgrade` |
//! | right envelope in the other version's media type (e.g. SOAP 1.2 as `text/xml`) | Client/Sender fault; the content type is the sender's error, and a fault says why where a bare 415 would not |
//! | root element that is not an `Envelope` (any namespace) | Client/Sender fault: it is no SOAP message of any version (SOAP 1.2 §5.4.6 would also allow VersionMismatch; a document that is not an envelope is the sender's error either way) |
//! | processing instruction anywhere, DTD (SOAP 1.1 §3, SOAP 1.2 Part 1 §5) | Client/Sender fault |
//! | SOAP 1.2: unqualified attribute or `env:encodingStyle` on `Envelope`, `Header` or `Body`; element after `Body`; no `Body`; `Header` after `Body` (Part 1 §5.1–§5.3); header block not namespace-qualified (both versions) | Sender fault. SOAP 1.1 allows `encodingStyle` anywhere and elements after `Body` (§4.1.1, §4.3) |
//! | `mustUnderstand` (or SOAP 1.2 `relay`) that is not a boolean | Client/Sender fault. SOAP 1.2 takes `xs:boolean` (`true`, `false`, `1`, `0`); SOAP 1.1 defines `1`/`0`, and `true`/`false` are tolerated there too |
//! | a `Fault` sent as a request | not answered with a fault (no fault loops): `202 Accepted`, empty body, logged; an untyped operation ([`Contract::operation_raw`]) whose action the message names receives it instead |
//! | `mustUnderstand` header targeted at us (1.1: no actor or `next`; 1.2: no role, `next`, `ultimateReceiver`) not understood | MustUnderstand fault, no detail; in SOAP 1.2 one `NotUnderstood` header per block. Headers for other roles and role `none` are ignored. WS-Addressing headers are understood; [`Endpoint::understands`] adds others. Checked before anything about the body (Part 1 §2.6) |
//! | WS-Addressing request: a repeated addressing header, a transport action other than `wsa:Action`, `ReplyTo`/`FaultTo` neither anonymous nor `none` | `wsa:InvalidAddressingHeader` with subcode `InvalidCardinality`, `ActionMismatch` or `OnlyAnonymousAddressSupported` (replies go on the HTTP response only) and a `ProblemHeaderQName` detail (WS-Addressing 1.0 SOAP Binding §6.4.1; 2004/08: `InvalidMessageInformationHeader`) |
//! | WS-Addressing request with no action at all | `wsa:MessageAddressingHeaderRequired` (§6.4.2). A missing `wsa:Action` is tolerated when the transport carries the action |
//! | SOAP 1.2 body element with an `encodingStyle` other than `.../encoding/none` | `DataEncodingUnknown` fault (Part 1 §5.4.6): the host reads literal XML only. Not checked in SOAP 1.1, which has no such fault |
//! | malformed XML, quota exceeded, argument that does not decode | Client/Sender fault |
//! | unknown action / body element | Client/Sender fault; with WS-Addressing `wsa:ActionNotSupported` (a Sender subcode in SOAP 1.2, the fault code itself in SOAP 1.1, per the WS-Addressing SOAP binding) |
//! | handler panic | Server/Receiver fault |
//! | more than `max_accepting_channels` requests waiting for a `max_concurrency` slot | 503 with `Retry-After` |
//!
//! A SOAP 1.1 request without a `SOAPAction` header is served (SOAP 1.1
//! §6.1.1 requires clients to send it, WCF and gSOAP servers do not insist):
//! the body element dispatches it. In SOAP 1.1, faults about the body
//! (unknown body element, argument that does not decode) carry a `detail`
//! element (§4.4, empty unless the fault brings one) and header faults do
//! not; WS-Addressing fault details go in a `wsa:FaultDetail` header there.
//! Faults carry reasons with `xml:lang`.
//!
//! WS-Addressing leniencies: a request without `wsa:MessageID` is served (its
//! reply has no `RelatesTo`); `wsa:To` is not compared with the endpoint's
//! address. A `ReplyTo` (for replies) or `FaultTo`, else `ReplyTo` (for
//! faults the operation returns) of `none` drops that answer: the exchange is
//! acknowledged `202 Accepted` with an empty body, as a one-way message is.
//!
//! Fault status codes follow the bindings (SOAP 1.1: 500; SOAP 1.2: 400 for
//! Sender, 500 otherwise). The connection is kept alive after a fault when the
//! request was read whole. [`FaultDisclosure::Minimal`]
//! (the default) sends fixed reasons only; `Full` appends the internal error
//! text (parser message, panic message). A fault a handler returns is its own
//! and is sent as it is.

mod context;
mod contract;
mod endpoint;
mod exchange;
mod faults;
mod host;
mod layer;
mod processing;
mod properties;
mod unwind;
mod wsdl;

pub use context::{CallInfo, CancelReason, OperationContext};
pub use contract::{Contract, ServiceContract};
pub use endpoint::Endpoint;
pub use host::ServiceHost;
pub use layer::{HostLayer, Rejection, RequestInfo};
pub use properties::{FaultDisclosure, ServiceHostBuilder, ServiceHostProperties};
