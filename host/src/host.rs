//! [`ServiceHost`]: opens a listener, accepts exchanges and runs operations.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use tracing::Instrument;
use wws_core::state::{ServiceHostEvent, ServiceHostState, StateCell};
use wws_core::{EnvelopeVersion, Error, Result, ServiceHostProperties};
use wws_listener::Listener;

use crate::endpoint::{BuiltEndpoint, Endpoint};

/// A service host: endpoints on one address, each serving a contract.
///
/// Cheap to clone; clones share the host. Dropping the last clone aborts the
/// host (as freeing a WWSAPI service host does): close it first to let
/// operations finish. See the [crate docs](crate) for the life cycle and the
/// protocol behaviour.
#[derive(Clone)]
pub struct ServiceHost {
    inner: Arc<Inner>,
    _last_handle: Arc<AbortOnDrop>,
}

/// Aborts the host when the last [`ServiceHost`] handle goes; the host's own
/// tasks hold `Inner`, never a handle, so they do not keep it alive.
struct AbortOnDrop(Arc<Inner>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

impl std::fmt::Debug for ServiceHost {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServiceHost")
            .field("addr", &self.inner.addr)
            .field("state", &self.state())
            .finish()
    }
}

pub(crate) struct Inner {
    addr: SocketAddr,
    pub(crate) props: ServiceHostProperties,
    state: StateCell<ServiceHostState>,
    endpoints: Mutex<Vec<Arc<BuiltEndpoint>>>,
    listener: Mutex<Option<Listener>>,
    local_addr: Mutex<Option<SocketAddr>>,
    /// Fires on `abort()`: every operation is told `HostAborted`.
    pub(crate) aborted: CancellationToken,
    /// Fires when `close()` stops accepting.
    stop_accepting: CancellationToken,
    /// Fires when `close()` runs out of `close_timeout`: operations are told `HostClosing`.
    pub(crate) close_expired: CancellationToken,
    /// Every exchange task, so that `close()` can wait for them.
    exchanges: TaskTracker,
    /// Bounds running operations (`max_concurrency`).
    pub(crate) concurrency: Arc<Semaphore>,
    /// Bounds requests waiting for a `concurrency` slot (`max_accepting_channels`).
    pub(crate) waiting: Arc<Semaphore>,
    next_exchange: AtomicU64,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // Nothing panics while these locks are held; recover from poisoning anyway.
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl ServiceHost {
    /// A host that will listen on `addr` (port 0 picks a free port; see
    /// [`local_addr`](Self::local_addr)).
    pub fn new(addr: SocketAddr, props: ServiceHostProperties) -> Self {
        let permits = props.max_concurrency.clamp(1, Semaphore::MAX_PERMITS);
        let waiting = props.max_accepting_channels.min(Semaphore::MAX_PERMITS);
        let inner = Arc::new(Inner {
            addr,
            props,
            state: StateCell::new(ServiceHostState::Created),
            endpoints: Mutex::new(Vec::new()),
            listener: Mutex::new(None),
            local_addr: Mutex::new(None),
            aborted: CancellationToken::new(),
            stop_accepting: CancellationToken::new(),
            close_expired: CancellationToken::new(),
            exchanges: TaskTracker::new(),
            concurrency: Arc::new(Semaphore::new(permits)),
            waiting: Arc::new(Semaphore::new(waiting)),
            next_exchange: AtomicU64::new(1),
        });
        ServiceHost {
            _last_handle: Arc::new(AbortOnDrop(inner.clone())),
            inner,
        }
    }

    /// Adds an endpoint. Allowed only while `Created`; fails with
    /// `AddressInUse` when another endpoint has the same path, and with
    /// `InvalidEndpointUrl`, `InvalidOperation` or `InvalidFormat` when the
    /// path, the contract or the WSDL is not valid.
    pub fn add_endpoint(&self, endpoint: Endpoint) -> Result<()> {
        let state = self.state();
        if state != ServiceHostState::Created {
            return Err(Error::InvalidOperation {
                object: "ServiceHost",
                state: state.as_str(),
                operation: "add_endpoint",
            });
        }
        let built = endpoint.build()?;
        let mut endpoints = lock(&self.inner.endpoints);
        if endpoints.iter().any(|e| e.path == built.path) {
            return Err(Error::AddressInUse {
                addr: built.path,
                source: None,
            });
        }
        endpoints.push(Arc::new(built));
        Ok(())
    }

    /// The host's state.
    pub fn state(&self) -> ServiceHostState {
        self.inner.state.get()
    }

    /// The address the host listens on, once open.
    pub fn local_addr(&self) -> Option<SocketAddr> {
        *lock(&self.inner.local_addr)
    }

    /// Binds the address and starts serving. `Created` → `Opening` → `Open`.
    ///
    /// Fails with `InvalidOperation` outside `Created`, with `AddressInUse`
    /// and the like when the bind fails (the host is then `Faulted`), and with
    /// `Aborted` when [`abort`](Self::abort) lands while it runs.
    ///
    /// Cancel safe in the sense that dropping the future leaves the host
    /// `Opening` with whatever was bound; call [`abort`](Self::abort) to tear it down.
    pub async fn open(&self) -> Result<()> {
        let started = self.inner.state.transition(ServiceHostEvent::OpenStarted)?;
        let listener = Listener::new(self.inner.props.listener.clone());
        *lock(&self.inner.listener) = Some(listener.clone());
        // An abort between the transition and storing the listener could not
        // see it: check the token after storing.
        let opened = tokio::select! {
            biased;
            _ = self.inner.aborted.cancelled() => Err(Error::Aborted { object: "ServiceHost" }),
            r = listener.open(self.inner.addr) => r,
        };
        if let Err(e) = opened {
            listener.abort();
            let _ = self
                .inner
                .state
                .complete(started.ticket, ServiceHostEvent::OpenFailed);
            if self.inner.aborted.is_cancelled() {
                return Err(Error::Aborted {
                    object: "ServiceHost",
                });
            }
            return Err(e);
        }
        *lock(&self.inner.local_addr) = listener.local_addr();
        if let Err(e) = self
            .inner
            .state
            .complete(started.ticket, ServiceHostEvent::OpenSucceeded)
        {
            listener.abort();
            return Err(e);
        }
        tracing::info!(addr = ?self.local_addr(), endpoints = lock(&self.inner.endpoints).len(), "service host open");
        tokio::spawn(accept_loop(self.inner.clone(), listener));
        Ok(())
    }

    /// Closes gracefully: stops accepting, lets in-flight operations finish
    /// and send their replies for up to `close_timeout`, then tells the rest
    /// [`CancelReason::HostClosing`](crate::CancelReason::HostClosing) and
    /// drops their connections. `Open`/`Faulted` → `Closing` → `Closed`;
    /// `Ok` at once from `Created` or `Closed`.
    ///
    /// Returns `Aborted` when [`abort`](Self::abort) lands while it runs (the
    /// host is then `Closed` as well).
    ///
    /// Cancel safe in the sense that dropping the future leaves the host
    /// `Closing`, not accepting, with its operations running; call
    /// [`abort`](Self::abort) to finish them.
    pub async fn close(&self) -> Result<()> {
        let t = self
            .inner
            .state
            .transition(ServiceHostEvent::CloseStarted)?;
        if t.to == ServiceHostState::Closed {
            return Ok(());
        }
        tracing::info!("service host closing");
        self.inner.stop_accepting.cancel();
        let listener = lock(&self.inner.listener).clone();
        if let Some(listener) = &listener {
            // Not accepting stops new exchanges; accepted ones are not touched.
            let _ = listener.close().await;
        }
        self.inner.exchanges.close();
        let graceful = tokio::select! {
            _ = self.inner.exchanges.wait() => true,
            _ = tokio::time::sleep(self.inner.props.close_timeout) => false,
            _ = self.inner.aborted.cancelled() => true,
        };
        if !graceful {
            tracing::warn!(
                remaining = self.inner.exchanges.len(),
                timeout = ?self.inner.props.close_timeout,
                "close timeout: cancelling the remaining operations"
            );
            self.inner.close_expired.cancel();
            self.inner.exchanges.wait().await;
        } else if self.inner.aborted.is_cancelled() {
            self.inner.exchanges.wait().await;
        }
        let r = self
            .inner
            .state
            .complete(t.ticket, ServiceHostEvent::CloseFinished)
            .map(drop);
        tracing::info!(state = %self.state(), "service host closed");
        r
    }

    /// Aborts: listeners aborted, every in-flight operation told
    /// [`CancelReason::HostAborted`](crate::CancelReason::HostAborted) and
    /// its connection dropped. `Open`/`Opening` → `Faulted`, `Closing` →
    /// `Closed`, otherwise unchanged. Never blocks; callable any number of times.
    pub fn abort(&self) {
        self.inner.abort();
    }

    /// Number of exchanges (requests being read, run or answered) in flight.
    pub fn in_flight(&self) -> usize {
        self.inner.exchanges.len()
    }
}

impl Inner {
    fn abort(&self) {
        let _ = self.state.apply(ServiceHostEvent::Abort);
        self.aborted.cancel();
        if let Some(listener) = lock(&self.listener).as_ref() {
            listener.abort();
        }
    }

    /// The endpoint at `path`.
    pub(crate) fn endpoint(&self, path: &str) -> Option<Arc<BuiltEndpoint>> {
        lock(&self.endpoints)
            .iter()
            .find(|e| e.path == path)
            .cloned()
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
        lock(&self.endpoints)
            .iter()
            .find(|e| e.envelope == envelope)
            .map(|e| e.path.clone())
    }

    /// The address the listener is bound to.
    pub(crate) fn local_addr(&self) -> Option<SocketAddr> {
        *lock(&self.local_addr)
    }
}

async fn accept_loop(inner: Arc<Inner>, listener: Listener) {
    loop {
        let accepted = tokio::select! {
            biased;
            _ = inner.aborted.cancelled() => break,
            _ = inner.stop_accepting.cancelled() => break,
            r = listener.accept_channel() => r,
        };
        match accepted {
            Ok(channel) => {
                let id = inner.next_exchange.fetch_add(1, Ordering::Relaxed);
                let span = tracing::info_span!(
                    "wws.host.exchange",
                    id,
                    peer = %channel.peer_addr(),
                    action = tracing::field::Empty,
                    message_id = tracing::field::Empty,
                );
                let task = crate::exchange::serve(inner.clone(), channel, id).instrument(span);
                inner.exchanges.spawn(task);
            }
            Err(
                e @ (Error::Aborted { .. }
                | Error::ObjectFaulted { .. }
                | Error::InvalidOperation { .. }),
            ) => {
                tracing::debug!(error = %e, "accept loop ends");
                break;
            }
            Err(e) => {
                // Not expected from an open listener; do not spin on it.
                tracing::warn!(error = %e, "accept failed");
                tokio::time::sleep(std::time::Duration::from_millis(10)).await;
            }
        }
    }
}
