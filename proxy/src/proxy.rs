//! The service proxy: state, the table of pending calls, the connection pool.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use http::{Extensions, HeaderMap};
use tokio::runtime::Handle;
use tokio::sync::{oneshot, watch};
use tokio::time::Instant;
use tracing::Instrument;
use wws_channel::connector::{Connector, HttpVersion};
use wws_channel::{Channel, ChannelBuilder, ChannelState};
use wws_core::state::{OnDrop, ServiceProxyEvent, ServiceProxyState, StateCell};
use wws_core::{
    AbortSignal, AddressingVersion, BodyElement, CallId, CallIdGenerator, EnvelopeVersion, Error,
    FromHeaders, Message, Operation, QName, Result,
};

use crate::addressing::fresh_message_id;
use crate::call::{CallOptions, Decode, PendingCall};
use crate::layer::{CallInfo, ProxyLayer};
use crate::properties::{ProxyBuilder, ProxyProperties};

pub(crate) const OBJECT: &str = "ServiceProxy";

/// A client of one service endpoint: typed concurrent calls that can be
/// abandoned one by one, aborted all at once, or let finish on close.
///
/// Cheap to clone; clones share the same proxy. See the [crate docs](crate)
/// for the states, the call lifecycle and an example.
#[derive(Clone)]
pub struct ServiceProxy {
    inner: Arc<Inner>,
}

pub(crate) struct Inner {
    /// The endpoint address without user info: shown, logged, sent as `wsa:To`.
    url: String,
    /// The address as given, user info included, for the channels to open.
    open_url: String,
    envelope: EnvelopeVersion,
    addressing: AddressingVersion,
    props: ProxyProperties,
    /// Makes the proxy's channels (checked when the proxy was built).
    channels: ChannelBuilder,
    layers: Vec<Arc<dyn ProxyLayer>>,
    /// Reply header blocks this client understands: its layers' and WCF's
    /// addressing-none `Action`.
    understood: Vec<QName>,
    ids: CallIdGenerator,
    state: StateCell<ServiceProxyState>,
    shared: Mutex<Shared>,
    // Number of pending calls, so that close() can wait for zero.
    pending: watch::Sender<usize>,
}

/// Everything that abort, abandon and the call tasks change together.
///
/// Lock order: `shared`, then `state` (the state cell never calls out).
/// Never held across an await or a channel operation that does I/O.
struct Shared {
    calls: HashMap<u64, Slot>,
    next_key: u64,
    idle: Vec<Channel>,
    /// HTTP/2 connections, each shared by the calls it carries, by key.
    multiplexed: HashMap<u64, Multiplexed>,
    next_mux_key: u64,
    /// An HTTP/2 connection was opened: new connections are pooled as
    /// HTTP/2 while they open (calls join them rather than each opening one).
    http2_seen: bool,
    /// The channel `open()` is connecting, so that `abort()` can close it.
    opening: Option<Channel>,
    /// Parent of every call's signal; replaced by each `open()`.
    signal: AbortSignal,
    /// The runtime the proxy was opened on; call tasks are spawned there.
    runtime: Option<Handle>,
}

/// An HTTP/2 connection of the pool and how many calls it carries.
struct Multiplexed {
    channel: Channel,
    calls: usize,
    /// While the connection is being opened: tells the calls that joined
    /// it whether it opened speaking HTTP/2 (`Some(true)`).
    opening: Option<watch::Receiver<Option<bool>>>,
}

impl Multiplexed {
    /// Whether it may take calls: open, or being opened.
    fn usable(&self) -> bool {
        match &self.opening {
            // The call opening it may have gone (abandoned mid-open).
            Some(opening) => opening.has_changed().is_ok(),
            None => self.channel.state() == ChannelState::Open,
        }
    }
}

/// The connection [`Inner::checkout`] found a call.
enum Checkout {
    /// Open: an idle HTTP/1.1 one, or a stream on an HTTP/2 one.
    Ready(Channel),
    /// New, to open; with the pool's key and the sender telling the calls
    /// that join it while it opens, when it is pooled as HTTP/2 at once.
    Fresh(Channel, Option<(u64, watch::Sender<Option<bool>>)>),
    /// A stream on an HTTP/2 connection another call is opening.
    Join(Channel, watch::Receiver<Option<bool>>),
}

/// One pending call.
struct Slot {
    id: CallId,
    signal: AbortSignal,
    done: oneshot::Sender<Result<Message>>,
    /// The connection the call runs on, once it has one (its own over HTTP/1.1).
    channel: Option<Channel>,
    /// The shared HTTP/2 connection the call has a stream on, by key.
    stream_of: Option<u64>,
}

impl Slot {
    /// Completes the call with `error` and tears its exchange down: the
    /// call task ends, dropping its exchange (over HTTP/2 that resets its
    /// stream), and a connection of its own is closed.
    fn cancel(self, error: Error) {
        let _ = self.done.send(Err(error));
        self.signal.abort();
        if let Some(channel) = self.channel {
            channel.abort();
        }
    }
}

impl Shared {
    /// Takes the call's stream off its shared connection: the slot keeps
    /// only a connection of its own, to be closed or pooled.
    fn release_stream(&mut self, slot: &mut Slot) {
        let Some(key) = slot.stream_of.take() else {
            return;
        };
        // Shared: never closed for one call; the dropped exchange resets its stream.
        slot.channel = None;
        if let Some(m) = self.multiplexed.get_mut(&key) {
            m.calls = m.calls.saturating_sub(1);
            // Lost (the channel faulted): it takes no new calls, and is
            // closed once the last on it ended (each fails on its own;
            // closing it sooner would make theirs `Aborted`).
            if m.calls == 0 && !m.usable() {
                if let Some(m) = self.multiplexed.remove(&key) {
                    m.channel.abort();
                }
            }
        }
    }

    /// Adds an HTTP/2 connection to the pool, carrying `slot`'s call.
    fn share(&mut self, channel: Channel, slot_key: u64) -> u64 {
        self.share_opening(channel, slot_key, None)
    }

    /// As [`share`](Self::share), for a connection still being opened.
    fn share_opening(
        &mut self,
        channel: Channel,
        slot_key: u64,
        opening: Option<watch::Receiver<Option<bool>>>,
    ) -> u64 {
        self.http2_seen = true;
        let key = self.next_mux_key;
        self.next_mux_key += 1;
        let carries = match self.calls.get_mut(&slot_key) {
            Some(slot) => {
                slot.channel = Some(channel.clone());
                slot.stream_of = Some(key);
                1
            }
            None => 0,
        };
        self.multiplexed.insert(
            key,
            Multiplexed {
                channel,
                calls: carries,
                opening,
            },
        );
        key
    }
}

/// Above this many connections, a mass cancel hands their teardown to a task.
const INLINE_TEARDOWN: usize = 8;

/// Completes every slot with its error, all callers first: their wake-ups
/// are queued before those of the call tasks and connections torn down
/// afterwards, so no caller waits behind a socket close. Returns the call
/// signals (not yet aborted) and the connections (not yet aborted).
fn complete_slots(
    slots: Vec<Slot>,
    error: impl Fn(CallId) -> Error,
) -> (Vec<AbortSignal>, Vec<Channel>) {
    let mut signals = Vec::with_capacity(slots.len());
    let mut channels = Vec::with_capacity(slots.len());
    for slot in slots {
        let _ = slot.done.send(Err(error(slot.id)));
        signals.push(slot.signal);
        // A shared connection (released before) is not the call's to close.
        channels.extend(slot.channel);
    }
    (signals, channels)
}

/// Aborts `channels`: inline when few; else on a task of `runtime`, queued
/// behind the callers just woken, so `abort()` returns without 10,000 socket
/// teardowns in its way. The task's guard aborts them even if the runtime
/// drops the task unrun (shutting down).
fn tear_down(channels: Vec<Channel>, runtime: Option<Handle>) {
    let teardown = Teardown(channels);
    match runtime {
        Some(runtime) if teardown.0.len() > INLINE_TEARDOWN => {
            runtime.spawn(async move { drop(teardown) });
        }
        _ => drop(teardown),
    }
}

/// Aborts its channels when dropped.
struct Teardown(Vec<Channel>);

impl Drop for Teardown {
    fn drop(&mut self) {
        for channel in self.0.drain(..) {
            channel.abort();
        }
    }
}

impl ServiceProxy {
    /// A proxy for the endpoint at `url` (an `http://` or `https://` URL),
    /// in state `Created`, with the default properties and connector.
    ///
    /// Fails with [`Error::InvalidEndpointUrl`] when `url` is not a usable
    /// HTTP endpoint address.
    pub fn new(
        url: &str,
        envelope: EnvelopeVersion,
        addressing: AddressingVersion,
    ) -> Result<Self> {
        ServiceProxy::builder(url)
            .envelope(envelope)
            .addressing(addressing)
            .build()
    }

    /// A proxy with `props`, checked as [`ProxyBuilder::build`] does.
    pub fn with_properties(
        url: &str,
        envelope: EnvelopeVersion,
        addressing: AddressingVersion,
        props: ProxyProperties,
    ) -> Result<Self> {
        ServiceProxy::builder(url)
            .envelope(envelope)
            .addressing(addressing)
            .properties(props)
            .build()
    }

    /// A builder for a proxy of the endpoint at `url`.
    pub fn builder(url: &str) -> ProxyBuilder {
        ProxyBuilder::new(url)
    }

    pub(crate) fn from_parts(
        url: &str,
        envelope: EnvelopeVersion,
        addressing: AddressingVersion,
        props: ProxyProperties,
        connector: Arc<dyn Connector>,
        layers: Vec<Arc<dyn ProxyLayer>>,
    ) -> Result<Self> {
        let channels = Channel::builder()
            .properties(props.channel.clone())
            .shared_connector(connector);
        // Checked as the proxy's channels will check it at open.
        channels.clone().build()?.validate_url(url)?;
        Ok(ServiceProxy {
            inner: Arc::new(Inner {
                url: wws_channel::url_without_user_info(url),
                open_url: url.to_owned(),
                envelope,
                addressing,
                props,
                channels,
                understood: understood(&layers),
                layers,
                ids: CallIdGenerator::new(),
                state: StateCell::new(ServiceProxyState::Created),
                shared: Mutex::new(Shared {
                    calls: HashMap::new(),
                    next_key: 0,
                    idle: Vec::new(),
                    multiplexed: HashMap::new(),
                    next_mux_key: 0,
                    http2_seen: false,
                    opening: None,
                    signal: AbortSignal::new(),
                    runtime: None,
                }),
                pending: watch::Sender::new(0),
            }),
        })
    }

    /// The endpoint address, without the user info it may have been given
    /// (`user:password@`, sent as Basic authentication, never shown).
    pub fn url(&self) -> &str {
        &self.inner.url
    }

    /// The envelope version of the messages the proxy sends.
    pub fn envelope_version(&self) -> EnvelopeVersion {
        self.inner.envelope
    }

    /// The addressing version of the messages the proxy sends.
    pub fn addressing_version(&self) -> AddressingVersion {
        self.inner.addressing
    }

    /// The proxy's properties.
    pub fn properties(&self) -> &ProxyProperties {
        &self.inner.props
    }

    /// The current state.
    pub fn state(&self) -> ServiceProxyState {
        self.inner.state.get()
    }

    /// How many calls are pending (started and not yet completed).
    pub fn pending_calls(&self) -> usize {
        self.inner.lock().calls.len()
    }

    /// How many idle connections the pool holds (HTTP/1.1; an HTTP/2
    /// connection is never idle in this sense: see [`http2_connections`](Self::http2_connections)).
    pub fn idle_connections(&self) -> usize {
        self.inner.lock().idle.len()
    }

    /// How many HTTP/2 connections the pool holds, each shared by the
    /// calls it carries.
    pub fn http2_connections(&self) -> usize {
        self.inner.lock().multiplexed.len()
    }

    /// Opens the proxy: `Created` → `Opening` → `Open`.
    ///
    /// Unlike WWSAPI's `WsOpenServiceProxy` over HTTP, this connects once to
    /// the endpoint, so an unreachable endpoint is reported here
    /// ([`Error::EndpointUnreachable`], state `Faulted`) rather than by the
    /// first call; the connection then waits in the pool for that call.
    /// Must run inside a tokio runtime: calls are spawned on it.
    ///
    /// [`abort`](Self::abort) while opening makes this return
    /// [`Error::Aborted`] and leaves the proxy `Created`.
    ///
    /// Cancel safe: dropping the future before it completes closes the
    /// connection being made and returns the proxy to `Created`, as an abort.
    pub async fn open(&self) -> Result<()> {
        let inner = &self.inner;
        let runtime = Handle::try_current().map_err(|_| Error::InvalidOperation {
            object: OBJECT,
            state: "outside a tokio runtime",
            operation: "open",
        })?;
        let (ticket, channel, signal) = {
            let mut shared = inner.lock();
            let started = inner.state.transition(ServiceProxyEvent::OpenStarted)?;
            let channel = inner.new_channel()?;
            shared.signal = AbortSignal::new();
            shared.runtime = Some(runtime);
            shared.opening = Some(channel.clone());
            (started.ticket, channel, shared.signal.clone())
        };
        // Dropped early (or aborted), the guard closes the connection and undoes Opening.
        let opening = channel.clone();
        let mut guard = OnDrop::new(move || {
            {
                let mut shared = inner.lock();
                // A stale ticket: abort() took the channel, or a later open owns the state.
                if inner
                    .state
                    .complete(ticket, ServiceProxyEvent::Abort)
                    .is_ok()
                {
                    shared.opening = None;
                }
            }
            opening.abort();
        });
        let connected = tokio::select! {
            biased;
            () = signal.aborted() => Err(Error::Aborted { object: OBJECT }),
            connected = channel.open(&inner.open_url) => connected,
        };
        guard.disarm();

        let mut shared = inner.lock();
        shared.opening = None;
        match connected {
            Ok(()) => match inner
                .state
                .complete(ticket, ServiceProxyEvent::OpenSucceeded)
            {
                Ok(_) => {
                    if channel.http_version() == Some(HttpVersion::Http2) {
                        let _ = shared.share(channel, u64::MAX);
                    } else if inner.props.max_call_pool_size > 0 {
                        shared.idle.push(channel);
                    } else {
                        drop(shared);
                        channel.abort();
                    }
                    tracing::debug!(url = %inner.url, "service proxy open");
                    Ok(())
                }
                Err(e) => {
                    drop(shared);
                    channel.abort();
                    Err(e)
                }
            },
            Err(e) => {
                // A stale ticket means abort() already settled the state.
                let _ = inner.state.complete(ticket, ServiceProxyEvent::OpenFailed);
                drop(shared);
                channel.abort();
                Err(e)
            }
        }
    }

    /// Closes the proxy gracefully: no new calls; pending calls may finish
    /// for up to `max_close_timeout`, then the proxy aborts itself (they end
    /// with [`Error::Aborted`]); idle connections are closed. Ends `Closed`.
    ///
    /// Idle pooled connections are aborted rather than closed one by one:
    /// with no exchange in flight that closes their sockets as a graceful
    /// close would, and `close()` never waits on them, so it takes no longer
    /// than `max_close_timeout` (plus scheduling).
    ///
    /// From `Created` or `Closed` this is Ok at once; from `Faulted` it just
    /// releases what is left. An [`abort`](Self::abort) during close makes
    /// this return [`Error::Aborted`] (the proxy is then `Closed`).
    ///
    /// Cancel safe in the sense that nothing leaks: dropping the future
    /// before it completes aborts the proxy, which ends `Closed`.
    pub async fn close(&self) -> Result<()> {
        let inner = &self.inner;
        let started = {
            let _shared = inner.lock();
            inner.state.transition(ServiceProxyEvent::CloseStarted)?
        };
        if started.to == ServiceProxyState::Closed {
            return Ok(());
        }
        // Dropped while waiting, the close is an abort.
        let mut guard = OnDrop::new(|| self.abort());
        let mut pending = inner.pending.subscribe();
        // The watch guard must not live across an await: the future stays Send.
        let escalated =
            tokio::time::timeout(inner.props.max_close_timeout, pending.wait_for(|n| *n == 0))
                .await
                .is_err();
        if escalated {
            tracing::debug!(
                pending = self.pending_calls(),
                timeout = ?inner.props.max_close_timeout,
                "close timed out waiting for pending calls; aborting"
            );
            self.abort();
        }

        // An idle keep-alive connection has no exchange in flight, so abort
        // is a graceful enough close for it (its socket is closed with a
        // plain FIN). Awaiting each channel's close() could take one timeout
        // per connection past max_close_timeout, or wait on a runtime that
        // is not running.
        let idle = {
            let mut shared = inner.lock();
            let mut idle = std::mem::take(&mut shared.idle);
            idle.extend(shared.multiplexed.drain().map(|(_, m)| m.channel));
            idle
        };
        for channel in idle {
            channel.abort();
        }
        guard.disarm();
        let finished = {
            let _shared = inner.lock();
            inner
                .state
                .complete(started.ticket, ServiceProxyEvent::CloseFinished)
        };
        match finished {
            Ok(_) => Ok(()),
            // Our own escalation moved Closing → Closed: that is the timeout rule, not an error.
            Err(_) if escalated => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// Aborts the proxy: every pending call completes with
    /// [`Error::Aborted`] and its connection is closed; idle connections are
    /// closed. `Open` → `Faulted` (new calls fail with
    /// [`Error::ObjectFaulted`]), `Opening` → `Created`, `Closing` → `Closed`,
    /// other states unchanged.
    ///
    /// Synchronous: callable from any thread, in any state, any number of
    /// times; it never waits for I/O. Every call's error is delivered before
    /// it returns; the sockets are closed right after, by the connections'
    /// tasks (and a teardown task when there are many).
    pub fn abort(&self) {
        let inner = &self.inner;
        let (slots, idle, signal, runtime) = {
            let mut shared = inner.lock();
            // Abort is allowed in every state.
            let _ = inner.state.apply(ServiceProxyEvent::Abort);
            let mut slots: Vec<Slot> = shared.calls.drain().map(|(_, slot)| slot).collect();
            for slot in &mut slots {
                // A shared connection is closed once, below, with the pool.
                if slot.stream_of.take().is_some() {
                    slot.channel = None;
                }
            }
            let mut idle = std::mem::take(&mut shared.idle);
            // Aborting an HTTP/2 channel ends all its streams at once (GOAWAY, then closed).
            idle.extend(shared.multiplexed.drain().map(|(_, m)| m.channel));
            idle.extend(shared.opening.take());
            inner.publish_pending(&shared);
            // Cloned: a later open() replaces it, this abort ends the old one.
            (slots, idle, shared.signal.clone(), shared.runtime.clone())
        };
        if !slots.is_empty() {
            tracing::debug!(calls = slots.len(), "service proxy aborted pending calls");
        }
        // Callers first, then the call tasks (the parent signal ends every
        // call's and a pending open's), then the connections.
        let (_, mut channels) = complete_slots(slots, |_| Error::Aborted { object: OBJECT });
        signal.abort();
        channels.extend(idle);
        tear_down(channels, runtime);
    }

    /// Makes a `Closed` (or `Created`) proxy `Created` again, ready to open.
    pub fn reset(&self) -> Result<()> {
        let mut shared = self.inner.lock();
        self.inner.state.apply(ServiceProxyEvent::Reset)?;
        shared.runtime = None;
        Ok(())
    }

    /// Abandons every pending call with `id` ([`CallId::ALL`]: every call
    /// pending now): each completes at once with [`Error::Abandoned`], its
    /// exchange is torn down so the server sees the client go: over
    /// HTTP/1.1 its connection is closed and never reused, over HTTP/2 its
    /// stream is reset and the connection goes on carrying the others.
    /// Other calls continue; the proxy stays usable.
    ///
    /// An id with no pending call is Ok. Allowed while `Open` or `Closing`;
    /// otherwise [`Error::InvalidOperation`]. Synchronous: the errors are
    /// delivered before this returns, and it never waits for I/O.
    pub fn abandon_call(&self, id: CallId) -> Result<()> {
        let (slots, runtime) = {
            let mut shared = self.inner.lock();
            self.inner.state.get().ensure_can_abandon()?;
            let keys: Vec<u64> = shared
                .calls
                .iter()
                .filter(|(_, slot)| id.is_all() || slot.id == id)
                .map(|(key, _)| *key)
                .collect();
            let mut slots: Vec<Slot> = keys
                .iter()
                .filter_map(|key| shared.calls.remove(key))
                .collect();
            for slot in &mut slots {
                shared.release_stream(slot);
            }
            self.inner.publish_pending(&shared);
            (slots, shared.runtime.clone())
        };
        if !slots.is_empty() {
            tracing::debug!(call_id = %id, calls = slots.len(), "calls abandoned");
        }
        // As abort(): every caller first, then call tasks, then connections.
        let (signals, channels) =
            complete_slots(slots, |id| Error::Abandoned { call_id: id.get() });
        for signal in signals {
            signal.abort();
        }
        tear_down(channels, runtime);
        Ok(())
    }

    /// Calls `action` with the typed request `req` and returns the pending
    /// typed reply.
    ///
    /// Fails (when awaited) with [`Error::InvalidOperation`] unless `Open`,
    /// [`Error::ObjectFaulted`] when `Faulted`, [`Error::QuotaExceeded`] when
    /// `max_pending_calls` calls are already pending, [`Error::TimedOut`]
    /// after `call_timeout`, [`Error::FaultReceived`] when the service
    /// replies with a fault, [`Error::InvalidFormat`] when the reply body is
    /// not a `Resp` or when `req` or `action` holds a character XML 1.0 does
    /// not allow (then nothing is sent).
    pub fn call<Req, Resp>(&self, action: &str, req: &Req, opts: CallOptions) -> PendingCall<Resp>
    where
        Req: BodyElement,
        Resp: BodyElement,
    {
        let inner = &self.inner;
        let message = match Message::from_body(inner.envelope, inner.addressing, action, req) {
            Ok(message) => message,
            Err(e) => {
                let id = opts.chosen_id().unwrap_or_else(|| inner.ids.next_id());
                return PendingCall::failed(id, e);
            }
        };
        self.start(message, opts, read_body::<Resp>)
    }

    /// Calls the typed operation `O` with `req` and returns the pending
    /// typed reply: the request carries `O`'s action (with WS-Addressing,
    /// [`O::request_action()`](Operation::request_action)), the reply is read as
    /// `O::Response`, so neither can be mixed up with another operation's.
    ///
    /// Errors as [`call`](Self::call); a fault's typed detail is read with
    /// [`Error::fault_detail::<O::Fault>()`](Error::fault_detail). A request
    /// that cannot be written fails at once (nothing is sent) with the
    /// writer's error.
    ///
    /// ```no_run
    /// # use wws_core::{XmlType, BodyElement};
    /// # const NS: &str = "urn:t";
    /// # #[derive(XmlType, BodyElement)] #[xml(namespace = NS)] pub struct Ping {}
    /// # #[derive(XmlType, BodyElement)] #[xml(namespace = NS)] pub struct Pong {}
    /// # mod op { wws_core::operations! { namespace = super::NS, port_type = "P"; pub Ping(super::Ping) -> super::Pong { action: "urn:t/Ping" } } }
    /// # async fn f(proxy: wws_proxy::ServiceProxy) -> wws_core::Result<()> {
    /// let call = proxy.invoke::<op::Ping>(&Ping {}, wws_proxy::CallOptions::new());
    /// println!("call {} pending", call.id());
    /// let Pong {} = call.await?;
    /// # Ok(()) }
    /// # fn main() {}
    /// ```
    pub fn invoke<O: Operation>(
        &self,
        req: &O::Request,
        opts: CallOptions,
    ) -> PendingCall<O::Response> {
        self.invoke_decoded::<O, _>(req, opts, read_body::<O::Response>)
    }

    /// [`invoke`](Self::invoke), returning the reply's SOAP header blocks
    /// beside its body: `H` reads the ones it knows (a generated
    /// `{Op}ResponseHeaders`, or `Vec<Header>` for all of them).
    ///
    /// Errors as [`invoke`](Self::invoke); a header block of `H` that does
    /// not read as its type is [`Error::InvalidFormat`]. The blocks `H`
    /// [understands](FromHeaders::understands) are understood by this call:
    /// a reply marking them `mustUnderstand` is accepted, as one marking a
    /// block no layer and no `H` understands is refused.
    ///
    /// ```no_run
    /// # use wws_core::{XmlType, BodyElement, Header};
    /// # const NS: &str = "urn:t";
    /// # #[derive(XmlType, BodyElement)] #[xml(namespace = NS)] pub struct Ping {}
    /// # #[derive(XmlType, BodyElement)] #[xml(namespace = NS)] pub struct Pong {}
    /// # mod op { wws_core::operations! { namespace = super::NS, port_type = "P"; pub Ping(super::Ping) -> super::Pong { action: "urn:t/Ping" } } }
    /// # async fn f(proxy: wws_proxy::ServiceProxy) -> wws_core::Result<()> {
    /// let call = proxy.invoke_with_reply_headers::<op::Ping, Vec<Header>>(&Ping {}, wws_proxy::CallOptions::new());
    /// let (Pong {}, headers) = call.await?;
    /// for h in &headers {
    ///     println!("reply header {:?}", h.name);
    /// }
    /// # Ok(()) }
    /// # fn main() {}
    /// ```
    pub fn invoke_with_reply_headers<O: Operation, H: FromHeaders>(
        &self,
        req: &O::Request,
        mut opts: CallOptions,
    ) -> PendingCall<(O::Response, H)> {
        // The blocks `H` reads are understood by this call, mustUnderstand or not.
        opts.understand(H::understands());
        self.invoke_decoded::<O, _>(req, opts, read_body_and_headers::<O::Response, H>)
    }

    fn invoke_decoded<O: Operation, T>(
        &self,
        req: &O::Request,
        opts: CallOptions,
        decode: Decode<T>,
    ) -> PendingCall<T> {
        let inner = &self.inner;
        // WS-Addressing needs an action where a WSDL's soapAction may be "".
        let action = match inner.addressing {
            AddressingVersion::Transport => std::borrow::Cow::Borrowed(O::ACTION),
            _ => O::request_action(),
        };
        match Message::from_body(inner.envelope, inner.addressing, action, req) {
            Ok(message) => self.start(message, opts, decode),
            Err(e) => {
                let id = opts.chosen_id().unwrap_or_else(|| inner.ids.next_id());
                PendingCall::failed(id, e)
            }
        }
    }

    /// Sends `message` as a request and returns the pending reply message.
    ///
    /// The message's action, headers and body are sent as they are (with
    /// `To` and `MessageID` filled in when WS-Addressing is used and they
    /// are missing). Errors as [`call`](Self::call); besides, a message whose
    /// envelope version is not the proxy's fails at once (no slot, nothing
    /// sent) with [`Error::InvalidFormat`]: it is not in the format this
    /// endpoint's binding speaks, and sent anyway it would only earn a
    /// `VersionMismatch` fault.
    pub fn call_message(&self, message: Message, opts: CallOptions) -> PendingCall<Message> {
        self.start(message, opts, Ok)
    }

    fn start<T>(
        &self,
        mut message: Message,
        mut opts: CallOptions,
        decode: Decode<T>,
    ) -> PendingCall<T> {
        let inner = &self.inner;
        let id = opts.chosen_id().unwrap_or_else(|| inner.ids.next_id());
        inner.address(&mut message);
        message.headers.extend(opts.take_headers());
        if let Some(e) = opts.invalid() {
            return PendingCall::failed(id, e);
        }
        let http_headers = opts.take_http_headers();

        let (tx, rx) = oneshot::channel();
        let (key, signal, runtime) = {
            let mut shared = inner.lock();
            if let Err(e) = inner.state.get().ensure_open("call") {
                return PendingCall::failed(id, e);
            }
            if message.envelope != inner.envelope {
                return PendingCall::failed(
                    id,
                    Error::InvalidFormat(format!(
                        "call {id}: the message is {:?} but the service proxy sends {:?}",
                        message.envelope, inner.envelope
                    )),
                );
            }
            let limit = inner.props.max_pending_calls;
            if shared.calls.len() >= limit {
                return PendingCall::failed(
                    id,
                    Error::QuotaExceeded {
                        quota: "max pending calls",
                        limit: limit as u64,
                    },
                );
            }
            let Some(runtime) = shared.runtime.clone() else {
                return PendingCall::failed(
                    id,
                    Error::InvalidOperation {
                        object: OBJECT,
                        state: "Open without a runtime",
                        operation: "call",
                    },
                );
            };
            let key = shared.next_key;
            shared.next_key += 1;
            let signal = shared.signal.child();
            shared.calls.insert(
                key,
                Slot {
                    id,
                    signal: signal.clone(),
                    done: tx,
                    channel: None,
                    stream_of: None,
                },
            );
            inner.publish_pending(&shared);
            (key, signal, runtime)
        };

        // Borrowed, not cloned: span fields are only evaluated when it is on.
        let span = tracing::debug_span!(
            "wws.proxy.call",
            call_id = %id,
            action = %message.action.as_deref().unwrap_or_default()
        );
        let timeout = opts.chosen_timeout().or(inner.props.call_timeout);
        let deadline = timeout.map(|t| (Instant::now() + t, t));
        runtime.spawn(
            Arc::clone(inner)
                .run_call(
                    key,
                    id,
                    signal,
                    message,
                    PerCall {
                        http_headers,
                        extensions: opts.take_extensions(),
                        understood: opts.take_understood(),
                    },
                    deadline,
                )
                .instrument(span),
        );
        PendingCall::waiting(id, key, rx, Arc::clone(inner), decode)
    }
}

/// The `Action` header WCF and Mono send in
/// `http://schemas.microsoft.com/ws/2005/05/addressing/none` (their
/// "addressing none" version), marked `mustUnderstand`: understood (it
/// repeats the HTTP action) so that their replies are not refused.
const WCF_NONE_ACTION: (&str, &str) = (
    "http://schemas.microsoft.com/ws/2005/05/addressing/none",
    "Action",
);

fn understood(layers: &[Arc<dyn ProxyLayer>]) -> Vec<QName> {
    let mut names = vec![QName::new(WCF_NONE_ACTION.0, WCF_NONE_ACTION.1)];
    for layer in layers {
        names.extend(layer.understands().iter().cloned());
    }
    names
}

/// What SOAP and WS-Addressing require of a reply before it is used.
///
/// - A mandatory header block targeted at us that we do not understand is
///   an error naming it (SOAP 1.1 §4.2.3, SOAP 1.2 Part 1 §2.4): the reply
///   cannot be processed.
/// - With WS-Addressing, a `RelatesTo` naming another message than the
///   request is an error; none at all is accepted (HTTP correlates the
///   reply, and some peers, node-soap among them, send none).
fn check_reply(reply: &Message, message_id: Option<&str>, understood: &[QName]) -> Result<()> {
    let missing = reply.not_understood(understood);
    if let Some(name) = missing.first() {
        return Err(Error::InvalidFormat(format!(
            "the reply carries the mandatory header block {name}, which this client does not understand"
        )));
    }
    match (message_id, reply.relates_to.as_deref()) {
        (Some(sent), Some(relates)) if relates.trim() != sent => Err(Error::InvalidFormat(
            format!("the reply relates to message {relates:?}, not to this request ({sent:?})"),
        )),
        (Some(_), None) => {
            tracing::debug!(target: "wws.proxy", "the reply has no RelatesTo; HTTP correlates it");
            Ok(())
        }
        _ => Ok(()),
    }
}

fn read_body<T: BodyElement>(message: Message) -> Result<T> {
    message.read_body::<T>()
}

fn read_body_and_headers<T: BodyElement, H: FromHeaders>(message: Message) -> Result<(T, H)> {
    let body = message.read_body::<T>()?;
    Ok((body, H::from_headers(&message.headers)?))
}

/// What a call carries to its exchange besides its message.
#[derive(Debug, Default)]
struct PerCall {
    /// HTTP headers of this call (replacing the proxy's of the same name).
    http_headers: HeaderMap,
    /// Values for the layers (`CallOptions::extension`).
    extensions: Extensions,
    /// Reply header blocks the caller reads itself (`FromHeaders::understands`).
    understood: Vec<QName>,
}

impl Inner {
    fn lock(&self) -> MutexGuard<'_, Shared> {
        // Critical sections only move values in and out of the table; a
        // panic in one cannot leave it inconsistent.
        self.shared.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn publish_pending(&self, shared: &Shared) {
        self.pending.send_replace(shared.calls.len());
    }

    /// Fills in the WS-Addressing headers a request needs, when they are missing.
    fn address(&self, message: &mut Message) {
        if self.addressing == AddressingVersion::Transport {
            return;
        }
        if message.to.is_none() {
            message.to = Some(self.url.clone());
        }
        if message.message_id.is_none() {
            message.message_id = Some(fresh_message_id());
        }
    }

    /// Runs one call: takes a connection, sends, waits for the reply, then
    /// completes the slot. Ends as soon as the call's signal is aborted
    /// (abandon, drop, proxy abort), whoever completed the slot then.
    async fn run_call(
        self: Arc<Self>,
        key: u64,
        id: CallId,
        signal: AbortSignal,
        message: Message,
        per_call: PerCall,
        deadline: Option<(Instant, Duration)>,
    ) {
        // Should the task itself be dropped (its runtime shutting down), the
        // call still completes and its connection is closed.
        let _unfinished = Unfinished { inner: &self, key };
        // Boxed: the exchange's state machine is large; inline it made every
        // task cell (and its move at spawn) several KB.
        let exchange = Box::pin(self.exchange(key, id, message, per_call));
        let outcome = tokio::select! {
            biased;
            // Whoever aborted the signal has completed the slot already.
            () = signal.aborted() => return,
            outcome = async {
                match deadline {
                    Some((at, after)) => tokio::time::timeout_at(at, exchange)
                        .await
                        .map_err(|_| Error::TimedOut { what: "call", after }),
                    None => Ok(exchange.await),
                }
            } => outcome,
        };
        if let Err(e) | Ok(Err(e)) = &outcome {
            tracing::debug!(error = %e, "call failed");
        }
        match outcome {
            // The exchange ended: its connection may serve another call.
            Ok(result) => self.complete(key, result, true),
            // Cut mid-exchange: the connection is in an unknown state.
            Err(timed_out) => self.complete(key, Err(timed_out), false),
        }
    }

    async fn exchange(
        &self,
        key: u64,
        id: CallId,
        mut message: Message,
        per_call: PerCall,
    ) -> Result<Message> {
        let PerCall {
            mut http_headers,
            extensions,
            understood,
        } = per_call;
        let mut call = (!self.layers.is_empty()).then(|| CallInfo {
            id,
            url: self.url.clone(),
            extensions,
            reply_envelope: None,
        });
        if let Some(call) = &call {
            for layer in &self.layers {
                layer.on_request(call, &mut message)?;
            }
            for layer in &self.layers {
                layer.on_request_http_headers(call, &mut http_headers)?;
            }
        }
        let message_id = message.message_id.clone();
        // The connection first, without the message: a call waiting for
        // one (or for its reply) holds the message once, in the channel's
        // request.
        let channel = self.connection(key).await?;
        let (mut reply, envelope) = channel.request_with_envelope(message, http_headers).await?;
        if understood.is_empty() {
            check_reply(&reply, message_id.as_deref(), &self.understood)?;
        } else {
            let both: Vec<QName> = self.understood.iter().cloned().chain(understood).collect();
            check_reply(&reply, message_id.as_deref(), &both)?;
        }
        if let Some(call) = &mut call {
            call.reply_envelope = Some(envelope);
            for layer in self.layers.iter().rev() {
                layer.on_reply(call, &mut reply)?;
            }
        }
        Ok(reply)
    }

    /// The channel call `key` sends on: a stream of a shared HTTP/2
    /// connection, or a connection of its own, opened when needed.
    async fn connection(&self, key: u64) -> Result<Channel> {
        // A call that waited on a connection whose open failed tries once more.
        let mut attempts = 0;
        let channel = loop {
            attempts += 1;
            match self
                .checkout(key)
                .ok_or(Error::Aborted { object: OBJECT })?
            {
                Checkout::Ready(channel) => break channel,
                Checkout::Fresh(channel, pooled) => {
                    // Boxed: connecting is only one phase; the pending exchange need
                    // not keep its space while waiting for the reply.
                    let opened = Box::pin(channel.open(&self.open_url)).await;
                    let http2 =
                        opened.is_ok() && channel.http_version() == Some(HttpVersion::Http2);
                    match pooled {
                        Some((mux_key, joined)) => self.opened(key, mux_key, http2, joined),
                        None if http2 => {
                            // Later calls may share it.
                            let mut shared = self.lock();
                            if shared
                                .calls
                                .get(&key)
                                .is_some_and(|s| s.stream_of.is_none())
                            {
                                let _ = shared.share(channel.clone(), key);
                            }
                        }
                        None => {}
                    }
                    opened?;
                    break channel;
                }
                Checkout::Join(channel, mut opening) => {
                    let http2 = matches!(
                        opening.wait_for(Option::is_some).await.as_deref(),
                        Ok(Some(true))
                    );
                    if http2 {
                        break channel;
                    }
                    // Not an HTTP/2 connection after all (or not opened): leave it.
                    let mut shared = self.lock();
                    let shared = &mut *shared;
                    if let Some(mut slot) = shared.calls.remove(&key) {
                        shared.release_stream(&mut slot);
                        shared.calls.insert(key, slot);
                    }
                    if attempts >= 2 {
                        return Err(Error::EndpointUnreachable {
                            url: self.url.clone(),
                            source: Some(
                                "the HTTP/2 connection this call waited for did not open".into(),
                            ),
                        });
                    }
                }
            }
        };
        Ok(channel)
    }

    /// A connection pooled as HTTP/2 while call `key` opened it is open
    /// (`http2`), or is not usable as such: then it leaves the pool (the
    /// call keeps it as its own, if it opened) and the calls that joined
    /// it are told.
    fn opened(&self, key: u64, mux_key: u64, http2: bool, joined: watch::Sender<Option<bool>>) {
        {
            let mut shared = self.lock();
            let shared = &mut *shared;
            if http2 {
                if let Some(m) = shared.multiplexed.get_mut(&mux_key) {
                    m.opening = None;
                }
            } else if let Some(m) = shared.multiplexed.remove(&mux_key) {
                if let Some(slot) = shared.calls.get_mut(&key) {
                    // Its own connection now (HTTP/1.1), closed or pooled when it ends.
                    slot.stream_of = None;
                    slot.channel = Some(m.channel);
                }
            }
        }
        joined.send_replace(Some(http2));
    }

    /// A channel with the proxy's properties and connector, not yet opened.
    fn new_channel(&self) -> Result<Channel> {
        self.channels.clone().build()
    }

    /// Gives call `key` a connection: a stream on an HTTP/2 connection
    /// with room, an idle one from the pool, else a new (not yet opened)
    /// one. `None` when the call is no longer pending.
    fn checkout(&self, key: u64) -> Option<Checkout> {
        let http2_seen = {
            let mut shared = self.lock();
            let shared = &mut *shared;
            shared.calls.get(&key)?;
            if let Some(found) = self.share_stream(shared, key) {
                return Some(found);
            }
            while let Some(channel) = shared.idle.pop() {
                if channel.state() == ChannelState::Open {
                    if channel.http_version() == Some(HttpVersion::Http2) {
                        let _ = shared.share(channel.clone(), key);
                    } else if let Some(slot) = shared.calls.get_mut(&key) {
                        slot.channel = Some(channel.clone());
                    }
                    return Some(Checkout::Ready(channel));
                }
                // A pooled connection the server closed meanwhile.
                channel.abort();
            }
            shared.http2_seen
        };
        // Made outside the lock; its properties were checked when the proxy was built.
        let channel = self.new_channel().ok()?;
        let mut shared = self.lock();
        shared.calls.get(&key)?;
        if http2_seen {
            // The endpoint speaks HTTP/2: calls that come while this opens join it.
            let (tx, rx) = watch::channel(None);
            let mux_key = shared.share_opening(channel.clone(), key, Some(rx));
            return Some(Checkout::Fresh(channel, Some((mux_key, tx))));
        }
        let slot = shared.calls.get_mut(&key)?;
        slot.channel = Some(channel.clone());
        Some(Checkout::Fresh(channel, None))
    }

    /// A stream for call `key` on a pooled HTTP/2 connection: the least
    /// busy one with room, or when the pool is full, the least busy one.
    fn share_stream(&self, shared: &mut Shared, key: u64) -> Option<Checkout> {
        let lost: Vec<u64> = shared
            .multiplexed
            .iter()
            .filter(|(_, m)| m.calls == 0 && !m.usable())
            .map(|(k, _)| *k)
            .collect();
        for k in lost {
            if let Some(m) = shared.multiplexed.remove(&k) {
                m.channel.abort();
            }
        }
        let open = || shared.multiplexed.iter().filter(|(_, m)| m.usable());
        let (&mux_key, m) = open().min_by_key(|(_, m)| m.calls)?;
        let full = open().count() >= self.props.max_call_pool_size.max(1);
        if m.calls >= self.props.max_streams_per_connection && !full {
            return None;
        }
        let m = shared.multiplexed.get_mut(&mux_key)?;
        m.calls += 1;
        let channel = m.channel.clone();
        let opening = m.opening.clone();
        let slot = shared.calls.get_mut(&key)?;
        slot.channel = Some(channel.clone());
        slot.stream_of = Some(mux_key);
        Some(match opening {
            Some(opening) => Checkout::Join(channel, opening),
            None => Checkout::Ready(channel),
        })
    }

    /// Completes call `key` with `outcome`; puts its connection back in the
    /// pool when `reusable`, still open and there is room, else closes it. No-op when
    /// the call was already completed (abandoned, dropped, aborted).
    fn complete(&self, key: u64, outcome: Result<Message>, reusable: bool) {
        let (slot, discard) = {
            let mut shared = self.lock();
            let Some(mut slot) = shared.calls.remove(&key) else {
                return;
            };
            shared.release_stream(&mut slot);
            let mut discard = slot.channel.take();
            // The channel faults itself on transport errors; a fault reply leaves it open.
            if reusable
                && self.state.get() == ServiceProxyState::Open
                && shared.idle.len() < self.props.max_call_pool_size
                && discard
                    .as_ref()
                    .is_some_and(|c| c.state() == ChannelState::Open)
            {
                shared.idle.extend(discard.take());
            }
            self.publish_pending(&shared);
            (slot, discard)
        };
        let _ = slot.done.send(outcome);
        if let Some(channel) = discard {
            channel.abort();
        }
    }

    /// Drops call `key` without completing it: its `PendingCall` is gone.
    pub(crate) fn forget_call(&self, key: u64) {
        let slot = {
            let mut shared = self.lock();
            let mut slot = shared.calls.remove(&key);
            if let Some(slot) = &mut slot {
                shared.release_stream(slot);
            }
            self.publish_pending(&shared);
            slot
        };
        if let Some(slot) = slot {
            tracing::debug!(call_id = %slot.id, "call dropped before completion; abandoned");
            let call_id = slot.id.get();
            slot.cancel(Error::Abandoned { call_id });
        }
    }
}

/// Completes a call whose task ends without doing so; a no-op once it did.
struct Unfinished<'a> {
    inner: &'a Inner,
    key: u64,
}

impl Drop for Unfinished<'_> {
    fn drop(&mut self) {
        let aborted = Err(Error::Aborted { object: OBJECT });
        self.inner.complete(self.key, aborted, false);
    }
}

impl std::fmt::Debug for ServiceProxy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServiceProxy")
            .field("url", &self.inner.url)
            .field("envelope", &self.inner.envelope)
            .field("addressing", &self.inner.addressing)
            .field("state", &self.state())
            .field("pending_calls", &self.pending_calls())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn is_send<T: Send>(_: &T) {}
    fn is_send_sync<T: Send + Sync + Clone>(_: &T) {}

    #[test]
    fn the_proxy_and_its_futures_cross_threads() {
        let proxy = ServiceProxy::new(
            "http://127.0.0.1:9/calculator",
            EnvelopeVersion::Soap11,
            AddressingVersion::Transport,
        )
        .expect("valid url");
        is_send_sync(&proxy);
        is_send(&proxy.open());
        is_send(&proxy.close());
        let call = proxy.call_message(
            Message::new(EnvelopeVersion::Soap11, AddressingVersion::Transport),
            CallOptions::new(),
        );
        is_send(&call);
    }

    /// The task cell of every pending call holds this future: the exchange
    /// (kilobytes: connect, request and reply states) must stay boxed.
    #[test]
    fn a_call_task_is_small_and_its_exchange_is_boxed() {
        let proxy = ServiceProxy::new(
            "http://127.0.0.1:9/calculator",
            EnvelopeVersion::Soap11,
            AddressingVersion::Transport,
        )
        .expect("valid url");
        let message = || Message::new(EnvelopeVersion::Soap11, AddressingVersion::Transport);
        let deadline = Some((Instant::now(), Duration::from_secs(1)));
        let task = Arc::clone(&proxy.inner).run_call(
            0,
            CallId::from(1),
            AbortSignal::new(),
            message(),
            PerCall::default(),
            deadline,
        );
        let exchange = proxy
            .inner
            .exchange(0, CallId::from(1), message(), PerCall::default());
        let (task, exchange) = (size_of_val(&task), size_of_val(&exchange));
        eprintln!("call task {task} bytes, boxed exchange {exchange} bytes");
        assert!(task <= 1024, "call task future is {task} bytes");
        // Pending calls wait by the thousand (HTTP/2): the exchange holds the
        // message once, and the channel's request (boxed) by pointer.
        assert!(exchange <= 2048, "boxed exchange is {exchange} bytes");
        assert!(
            task < exchange,
            "exchange ({exchange} bytes) inline in the task ({task})"
        );
    }

    #[test]
    fn a_call_outside_open_fails_without_a_runtime_or_a_slot() {
        let proxy = ServiceProxy::new(
            "http://127.0.0.1:9/calculator",
            EnvelopeVersion::Soap12,
            AddressingVersion::WsAddressing10,
        )
        .expect("valid url");
        let call = proxy.call_message(
            Message::new(EnvelopeVersion::Soap12, AddressingVersion::WsAddressing10),
            CallOptions::new().call_id(5),
        );
        assert_eq!(call.id(), CallId::new(5));
        assert_eq!(proxy.pending_calls(), 0);
        let mut call = std::pin::pin!(call);
        let waker = std::task::Waker::noop();
        let mut cx = std::task::Context::from_waker(waker);
        match std::future::Future::poll(call.as_mut(), &mut cx) {
            std::task::Poll::Ready(Err(Error::InvalidOperation { state, .. })) => {
                assert_eq!(state, "Created");
            }
            other => panic!("expected InvalidOperation, got {other:?}"),
        }
    }
}
