//! [`ServiceHost`]: opens a listener, accepts exchanges and runs operations.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, PoisonError, Weak};

use tokio::sync::Semaphore;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use tracing::Instrument;
use wws_core::state::{OnDrop, ServiceHostEvent, ServiceHostState, StateCell};
use wws_core::{EnvelopeVersion, Error, Result};
use wws_listener::ReplyChannel;
use wws_listener::acceptor::Acceptor;
use wws_listener::{ExchangeService, Listener, Serving};

use crate::endpoint::{BuiltEndpoint, Endpoint};
use crate::layer::HostLayer;
use crate::properties::{ServiceHostBuilder, ServiceHostProperties};

pub(crate) const OBJECT: &str = "ServiceHost";

/// A service host: endpoints on one address, each serving a contract.
///
/// Cheap to clone; clones share the host. Dropping the last clone aborts the
/// host (as freeing a WWSAPI service host does): close it first to let
/// operations finish. See the [crate docs](crate) for the life cycle and the
/// protocol behaviour.
#[derive(Clone)]
pub struct ServiceHost {
    core: Arc<Core>,
    _last_handle: Arc<AbortOnDrop>,
}

/// Aborts the host when the last [`ServiceHost`] handle goes; the host's own
/// tasks hold an [`Inner`], never the handle, so they do not keep it alive.
struct AbortOnDrop(Arc<Core>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

impl std::fmt::Debug for ServiceHost {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServiceHost")
            .field("addr", &self.core.addr)
            .field("state", &self.state())
            .field("in_flight", &self.in_flight())
            .finish()
    }
}

/// What the host keeps across opens.
struct Core {
    addr: SocketAddr,
    props: ServiceHostProperties,
    acceptor: Option<Arc<dyn Acceptor>>,
    layers: Arc<[Arc<dyn HostLayer>]>,
    state: StateCell<ServiceHostState>,
    endpoints: Mutex<Vec<Arc<BuiltEndpoint>>>,
    /// The running (or last) open; a fresh one per `open()`, none after
    /// `reset()`. State transitions that start or end an open are applied
    /// under this lock, so `abort()` always reaches the open it moved.
    current: Mutex<Option<Arc<Inner>>>,
    /// Bounds running operations (`max_concurrency`), across opens.
    concurrency: Arc<Semaphore>,
    /// Bounds requests waiting for a `concurrency` slot (`max_accepting_channels`).
    waiting: Arc<Semaphore>,
    next_exchange: Arc<AtomicU64>,
}

/// One open of the host, shared by its accept loop and its exchanges.
///
/// Each `open()` makes a new one, with its own listener and tokens, so an
/// abort ends that open only: an abort in `Created` does not poison a later
/// open, and a reset host opens with clean tokens while exchanges of the
/// previous open, if any are still ending, keep watching theirs.
pub(crate) struct Inner {
    pub(crate) props: ServiceHostProperties,
    pub(crate) layers: Arc<[Arc<dyn HostLayer>]>,
    /// The endpoints as they were when this open started.
    endpoints: Vec<Arc<BuiltEndpoint>>,
    listener: Listener,
    local_addr: OnceLock<SocketAddr>,
    /// Fires on `abort()`: every operation is told `HostAborted`.
    pub(crate) aborted: CancellationToken,
    /// Set when `close()` stops accepting.
    stop_accepting: AtomicBool,
    /// Fires when `close()` runs out of `close_timeout`: operations are told `HostClosing`.
    pub(crate) close_expired: CancellationToken,
    /// Set before `aborted` fires. Read by exchanges between their steps:
    /// every poll of a token locks it, and these two are shared by all.
    aborted_flag: AtomicBool,
    /// Set before `close_expired` fires; read as `aborted_flag`.
    close_expired_flag: AtomicBool,
    /// Every exchange being served, so that `close()` can wait for them.
    exchanges: TaskTracker,
    pub(crate) concurrency: Arc<Semaphore>,
    pub(crate) waiting: Arc<Semaphore>,
    next_exchange: Arc<AtomicU64>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // Nothing panics while these locks are held; recover from poisoning anyway.
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

fn aborted() -> Error {
    Error::Aborted { object: OBJECT }
}

impl ServiceHost {
    /// A host that will listen on `addr` (port 0 picks a free port; see
    /// [`local_addr`](Self::local_addr)), with the default properties.
    pub fn new(addr: SocketAddr) -> Self {
        ServiceHost::from_parts(addr, ServiceHostProperties::default(), None, Vec::new())
    }

    /// A host with `props`, checked as [`ServiceHostBuilder::build`] does.
    pub fn with_properties(addr: SocketAddr, props: ServiceHostProperties) -> Result<Self> {
        ServiceHost::builder(addr).properties(props).build()
    }

    /// A builder for a host on `addr`.
    pub fn builder(addr: SocketAddr) -> ServiceHostBuilder {
        ServiceHostBuilder::new(addr)
    }

    /// The properties the host was made with.
    pub fn properties(&self) -> &ServiceHostProperties {
        &self.core.props
    }

    pub(crate) fn from_parts(
        addr: SocketAddr,
        props: ServiceHostProperties,
        acceptor: Option<Arc<dyn Acceptor>>,
        layers: Vec<Arc<dyn HostLayer>>,
    ) -> Self {
        let permits = props.max_concurrency.clamp(1, Semaphore::MAX_PERMITS);
        let waiting = props.max_accepting_channels.min(Semaphore::MAX_PERMITS);
        let core = Arc::new(Core {
            addr,
            props,
            acceptor,
            layers: layers.into(),
            state: StateCell::new(ServiceHostState::Created),
            endpoints: Mutex::new(Vec::new()),
            current: Mutex::new(None),
            concurrency: Arc::new(Semaphore::new(permits)),
            waiting: Arc::new(Semaphore::new(waiting)),
            next_exchange: Arc::new(AtomicU64::new(1)),
        });
        ServiceHost {
            _last_handle: Arc::new(AbortOnDrop(core.clone())),
            core,
        }
    }

    /// Adds an endpoint. Allowed only while `Created`; fails with
    /// `DuplicateEndpoint` when another endpoint has the same path, and with
    /// `InvalidEndpointUrl`, `InvalidOperation` or `InvalidFormat` when the
    /// path, the contract or the WSDL is not valid.
    pub fn add_endpoint(&self, endpoint: Endpoint) -> Result<()> {
        let state = self.state();
        if state != ServiceHostState::Created {
            return Err(Error::InvalidOperation {
                object: OBJECT,
                state: state.as_str(),
                operation: "add_endpoint",
            });
        }
        let mut built = endpoint.build()?;
        for layer in self.core.layers.iter() {
            built.understood.extend(layer.understands().iter().cloned());
        }
        let mut endpoints = lock(&self.core.endpoints);
        if endpoints.iter().any(|e| e.path == built.path) {
            return Err(Error::DuplicateEndpoint { path: built.path });
        }
        endpoints.push(Arc::new(built));
        Ok(())
    }

    /// The host's state.
    pub fn state(&self) -> ServiceHostState {
        self.core.state.get()
    }

    /// The address the host listens on, once open (and until a [`reset`](Self::reset)).
    pub fn local_addr(&self) -> Option<SocketAddr> {
        lock(&self.core.current)
            .as_ref()
            .and_then(|open| open.local_addr())
    }

    /// Binds the address and starts serving. `Created` → `Opening` → `Open`.
    ///
    /// Fails with `InvalidOperation` outside `Created`, with `AddressInUse`
    /// and the like when the bind fails (the host is then `Faulted`), and with
    /// `Aborted` when [`abort`](Self::abort) lands while it runs (`Faulted`
    /// too). An abort before `open()` (in `Created`) does not affect it.
    ///
    /// The future yields once after entering `Opening`, before binding:
    /// binding itself never waits, and this makes `Opening` a state that an
    /// abort from another task, or dropping the future, can really meet.
    ///
    /// Cancel safe: dropping the future before it completes is an abort of
    /// the open: whatever was bound is closed and the host is `Faulted`, as
    /// after a failed open (WWSAPI faults a host whose open did not finish);
    /// [`close`](Self::close) and [`reset`](Self::reset) make it `Created`
    /// again. Once it has completed, the host is open and serving.
    pub async fn open(&self) -> Result<()> {
        let core = &self.core;
        let (open, ticket) = {
            let mut current = lock(&core.current);
            let started = core.state.transition(ServiceHostEvent::OpenStarted)?;
            let open = Arc::new(Inner::new(core)?);
            open.listener.serve(HostService(Arc::downgrade(&open)))?;
            *current = Some(open.clone());
            (open, started.ticket)
        };
        // Dropped before it completes, the open faults the host and closes what was bound.
        let mut guard = OnDrop::new(|| {
            {
                let _current = lock(&core.current);
                // A stale ticket: abort() already settled the state.
                let _ = core.state.complete(ticket, ServiceHostEvent::OpenFailed);
            }
            tracing::debug!("open dropped before it completed: host faulted");
            open.abort();
        });
        tokio::task::yield_now().await;
        let opened = tokio::select! {
            biased;
            _ = open.aborted.cancelled() => Err(aborted()),
            r = open.listener.open(core.addr) => r,
        };
        guard.disarm();
        if let Err(e) = opened {
            open.listener.abort();
            let failed = {
                let _current = lock(&core.current);
                core.state.complete(ticket, ServiceHostEvent::OpenFailed)
            };
            // A stale ticket or a fired token: abort() got there first.
            if failed.is_err() || open.aborted.is_cancelled() {
                return Err(aborted());
            }
            return Err(e);
        }
        if let Some(addr) = open.listener.local_addr() {
            let _ = open.local_addr.set(addr);
        }
        let succeeded = {
            let _current = lock(&core.current);
            core.state.complete(ticket, ServiceHostEvent::OpenSucceeded)
        };
        if let Err(e) = succeeded {
            open.listener.abort();
            return Err(e);
        }
        tracing::info!(addr = ?open.local_addr(), endpoints = open.endpoints.len(), "service host open");
        Ok(())
    }

    /// Closes gracefully: stops accepting, lets in-flight operations finish
    /// and send their replies for up to `close_timeout`, then tells the rest
    /// [`CancelReason::HostClosing`](crate::CancelReason::HostClosing) and
    /// drops their connections. `Open`/`Faulted` → `Closing` → `Closed`;
    /// `Ok` at once from `Created` or `Closed`.
    ///
    /// Returns `Aborted` when [`abort`](Self::abort) lands while it runs (the
    /// host is then `Closed` as well, its operations told
    /// [`CancelReason::HostAborted`](crate::CancelReason::HostAborted)).
    ///
    /// Cancel safe in the sense that nothing is left behind: dropping the
    /// future before it completes aborts the host, which ends `Closed`.
    pub async fn close(&self) -> Result<()> {
        let core = &self.core;
        let (started, open) = {
            let current = lock(&core.current);
            let t = core.state.transition(ServiceHostEvent::CloseStarted)?;
            (t, current.clone())
        };
        if started.to == ServiceHostState::Closed {
            return Ok(());
        }
        // Dropped before it completes, the close is an abort.
        let mut guard = OnDrop::new(|| {
            tracing::debug!("close dropped before it completed: aborting");
            core.abort();
        });
        tracing::info!("service host closing");
        let deadline = Instant::now() + core.props.close_timeout;
        if let Some(open) = &open {
            open.stop_accepting.store(true, Ordering::Release);
            let drained = async {
                // Not accepting stops new exchanges; accepted ones are not touched.
                let _ = open.listener.close().await;
                open.settled().await;
            };
            // Kept until the flags below are set: dropped mid-way, the
            // listener's close aborts the listener, and an operation told
            // then would hear ChannelFaulted, not HostClosing.
            tokio::pin!(drained);
            let graceful = tokio::select! {
                biased;
                _ = open.aborted.cancelled() => true,
                _ = &mut drained => true,
                _ = tokio::time::sleep_until(deadline) => false,
            };
            if !graceful {
                tracing::warn!(
                    remaining = open.exchanges.len(),
                    timeout = ?core.props.close_timeout,
                    "close timeout: cancelling the remaining operations"
                );
                open.close_expired_flag.store(true, Ordering::Release);
                open.close_expired.cancel();
                open.listener.abort();
            }
            // Told to stop (HostClosing or HostAborted), operations end at
            // their next await point; wait for their exchanges to go.
            open.settled().await;
        }
        guard.disarm();
        let finished = {
            let _current = lock(&core.current);
            core.state
                .complete(started.ticket, ServiceHostEvent::CloseFinished)
        };
        tracing::info!(state = %self.state(), "service host closed");
        finished.map(drop)
    }

    /// Aborts: listeners aborted, every in-flight operation told
    /// [`CancelReason::HostAborted`](crate::CancelReason::HostAborted) and
    /// its connection dropped. `Open`/`Opening` → `Faulted`, `Closing` →
    /// `Closed`, otherwise unchanged (an abort in `Created` or `Closed` has
    /// no effect on a later open). Never blocks; callable any number of times.
    pub fn abort(&self) {
        self.core.abort();
    }

    /// Makes a `Closed` (or `Created`) host `Created` again, ready for
    /// endpoints and another [`open`](Self::open) (WWSAPI's
    /// `WsResetServiceHost`). The endpoints are kept. A `Faulted` host is
    /// closed first. Other states: `InvalidOperation`.
    pub fn reset(&self) -> Result<()> {
        let mut current = lock(&self.core.current);
        self.core.state.apply(ServiceHostEvent::Reset)?;
        *current = None;
        Ok(())
    }

    /// Number of exchanges (requests being read, run or answered) in flight.
    pub fn in_flight(&self) -> usize {
        lock(&self.core.current)
            .as_ref()
            .map_or(0, |open| open.exchanges.len())
    }
}

impl Core {
    fn abort(&self) {
        let open = {
            let current = lock(&self.current);
            // Abort is allowed in every state.
            let _ = self.state.apply(ServiceHostEvent::Abort);
            current.clone()
        };
        if let Some(open) = open {
            open.abort();
        }
    }
}

impl Inner {
    fn new(core: &Core) -> Result<Self> {
        let mut listener = Listener::builder().properties(core.props.listener.clone());
        if let Some(acceptor) = &core.acceptor {
            listener = listener.shared_acceptor(acceptor.clone());
        }
        Ok(Inner {
            props: core.props.clone(),
            layers: core.layers.clone(),
            endpoints: lock(&core.endpoints).clone(),
            listener: listener.build()?,
            local_addr: OnceLock::new(),
            aborted: CancellationToken::new(),
            stop_accepting: AtomicBool::new(false),
            close_expired: CancellationToken::new(),
            aborted_flag: AtomicBool::new(false),
            close_expired_flag: AtomicBool::new(false),
            exchanges: TaskTracker::new(),
            concurrency: core.concurrency.clone(),
            waiting: core.waiting.clone(),
            next_exchange: core.next_exchange.clone(),
        })
    }

    fn abort(&self) {
        self.aborted_flag.store(true, Ordering::Release);
        self.aborted.cancel();
        self.listener.abort();
    }

    /// Whether `aborted` fired, without locking it.
    pub(crate) fn is_aborted(&self) -> bool {
        self.aborted_flag.load(Ordering::Acquire)
    }

    /// Whether `aborted` or `close_expired` fired: operations must stop.
    pub(crate) fn is_halted(&self) -> bool {
        self.is_aborted() || self.close_expired_flag.load(Ordering::Acquire)
    }

    /// Ends once every exchange has ended (call after the listener stopped
    /// accepting: exchanges that start later are still waited for while
    /// they run, and answered 503).
    async fn settled(&self) {
        self.exchanges.close();
        self.exchanges.wait().await;
    }

    /// The endpoint at `path`.
    pub(crate) fn endpoint(&self, path: &str) -> Option<Arc<BuiltEndpoint>> {
        self.endpoints.iter().find(|e| e.path == path).cloned()
    }

    /// The path of the endpoint that serves `envelope`, preferring `own`.
    pub(crate) fn path_for(
        &self,
        own: &BuiltEndpoint,
        envelope: EnvelopeVersion,
    ) -> Option<String> {
        if own.envelope == envelope {
            return Some(own.path.clone());
        }
        self.endpoints
            .iter()
            .find(|e| e.envelope == envelope)
            .map(|e| e.path.clone())
    }

    /// The address the listener is bound to.
    pub(crate) fn local_addr(&self) -> Option<SocketAddr> {
        self.local_addr.get().copied()
    }
}

/// The service the host's listener runs for each exchange, on the task of
/// the connection that carried it.
///
/// It holds the open weakly: the open owns the listener, which owns this.
struct HostService(Weak<Inner>);

impl ExchangeService for HostService {
    fn serve(&self, channel: ReplyChannel) -> Serving {
        let open = self.0.upgrade();
        Box::pin(async move {
            let Some(open) = open else {
                return channel.abort();
            };
            if open.is_halted() {
                return channel.abort();
            }
            if open.exchanges.is_closed() {
                // Closing: the request arrived as the listener stopped.
                return crate::exchange::busy(&channel, "503 the service is closing\n", true).await;
            }
            let id = open.next_exchange.fetch_add(1, Ordering::Relaxed);
            let span = tracing::debug_span!(
                "wws.host.exchange",
                id,
                peer = %channel.peer_addr(),
                action = tracing::field::Empty,
                message_id = tracing::field::Empty,
            );
            let exchange = crate::exchange::serve(open.clone(), channel, id).instrument(span);
            // Counted by `in_flight()` and awaited by `close()` while it runs.
            open.exchanges.track_future(exchange).await;
        })
    }
}
