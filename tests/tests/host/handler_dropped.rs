//! A handler that ignores its context is still stopped (DESIGN §4): after
//! notifying, the host drops a handler future that has not finished at its
//! next await point. Each case runs a handler that sleeps 20 s holding a
//! guard that reports its drop, and checks that the drop comes within 1 s
//! of the client leaving, of an abort, and of the close timeout.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use crate::common::*;
use tokio::sync::mpsc;
use wws_core::state::ServiceHostState;
use wws_core::{AddressingVersion, EnvelopeVersion};
use wws_examples::calculator::{DELAY_ACTION, Delay, DelayResponse};
use wws_host::ServiceHostProperties;
use wws_host::{Contract, Endpoint, OperationContext, ServiceHost};

/// How soon after the cancellation the handler future must be gone.
const DROPPED_WITHIN: Duration = Duration::from_secs(1);

const DELAY: (&str, &str) = ("SOAPAction", "\"http://example.org/wws/calculator/Delay\"");

/// Reports when the handler future that owns it is dropped.
struct DropGuard(mpsc::UnboundedSender<Instant>);

impl Drop for DropGuard {
    fn drop(&mut self) {
        let _ = self.0.send(Instant::now());
    }
}

struct Watched {
    host: ServiceHost,
    addr: SocketAddr,
    started: mpsc::UnboundedReceiver<()>,
    dropped: mpsc::UnboundedReceiver<Instant>,
}

/// A host whose Delay never looks at its context and sleeps 20 s.
async fn start_stubborn(props: ServiceHostProperties) -> Watched {
    let (started_tx, started) = mpsc::unbounded_channel();
    let (dropped_tx, dropped) = mpsc::unbounded_channel();
    let contract =
        Contract::new().operation(DELAY_ACTION, move |_ctx: OperationContext, r: Delay| {
            let guard = DropGuard(dropped_tx.clone());
            let started = started_tx.clone();
            async move {
                let _guard = guard;
                let _ = started.send(());
                tokio::time::sleep(Duration::from_secs(20)).await;
                Ok(DelayResponse {
                    milliseconds: r.milliseconds,
                })
            }
        });
    let host = ServiceHost::with_properties("127.0.0.1:0".parse().expect("addr"), props)
        .expect("valid properties");
    host.add_endpoint(Endpoint::new(
        "/stubborn",
        EnvelopeVersion::Soap11,
        AddressingVersion::Transport,
        contract,
    ))
    .expect("endpoint");
    host.open().await.expect("open");
    let addr = host.local_addr().expect("bound");
    Watched {
        host,
        addr,
        started,
        dropped,
    }
}

impl Watched {
    /// A client whose Delay(20000) is running in the handler.
    async fn running_call(&mut self) -> Conn {
        let mut c = Conn::connect(self.addr).await;
        c.send(
            "POST",
            "/stubborn",
            &[CT11, DELAY],
            &env11("", &delay_body(20_000)),
        )
        .await;
        tokio::time::timeout(STEP, self.started.recv())
            .await
            .expect("handler did not start")
            .expect("handler events");
        assert_eq!(self.host.in_flight(), 1);
        assert!(
            self.dropped.is_empty(),
            "handler dropped before any cancellation"
        );
        c
    }

    /// When the handler future was dropped; fails unless within [`DROPPED_WITHIN`] of `since`.
    async fn dropped_within_bound(&mut self, since: Instant) -> Instant {
        let left = (since + DROPPED_WITHIN).saturating_duration_since(Instant::now());
        let at = tokio::time::timeout(left, self.dropped.recv())
            .await
            .expect("the handler future was not dropped within 1 s")
            .expect("handler events");
        let took = at.duration_since(since);
        assert!(took < DROPPED_WITHIN, "dropped after {took:?}");
        at
    }
}

/// Waits (bounded by [`STEP`]) until the host has no exchange in flight.
async fn until_idle(host: &ServiceHost) {
    let deadline = Instant::now() + STEP;
    while host.in_flight() > 0 {
        assert!(
            Instant::now() < deadline,
            "{} exchanges still in flight",
            host.in_flight()
        );
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
}

#[tokio::test]
async fn client_disconnect_drops_a_handler_that_ignores_its_context() {
    let mut w = start_stubborn(Default::default()).await;
    let c = w.running_call().await;
    let gone = Instant::now();
    drop(c);
    w.dropped_within_bound(gone).await;
    until_idle(&w.host).await;
    // The host serves on.
    assert_eq!(w.host.state(), ServiceHostState::Open);
    let _next = w.running_call().await;
    w.host.abort();
}

#[tokio::test]
async fn abort_drops_a_handler_that_ignores_its_context() {
    let mut w = start_stubborn(Default::default()).await;
    let mut c = w.running_call().await;
    let t0 = Instant::now();
    w.host.abort();
    w.dropped_within_bound(t0).await;
    assert!(c.closed_by_server().await, "connection left open");
    until_idle(&w.host).await;
    assert_eq!(w.host.state(), ServiceHostState::Faulted);
}

#[tokio::test]
async fn close_timeout_drops_a_handler_that_ignores_its_context() {
    let close_timeout = Duration::from_millis(200);
    let mut w = start_stubborn({
        let mut p = ServiceHostProperties::default();
        p.close_timeout = close_timeout;
        p
    })
    .await;
    let mut c = w.running_call().await;
    let t0 = Instant::now();
    tokio::time::timeout(STEP, w.host.close())
        .await
        .expect("close timed out")
        .expect("close");
    let closed = t0.elapsed();
    let at = w.dropped_within_bound(t0 + close_timeout).await;
    assert!(
        at.duration_since(t0) >= close_timeout,
        "dropped before the close timeout"
    );
    assert!(
        closed < close_timeout + DROPPED_WITHIN,
        "close took {closed:?}"
    );
    // close() returns once the exchange is gone.
    assert_eq!(w.host.in_flight(), 0);
    assert_eq!(w.host.state(), ServiceHostState::Closed);
    assert!(c.closed_by_server().await, "connection left open");
}
