//! `abort()`: every pending call ends Aborted at once, Open → Faulted (new
//! calls ObjectFaulted), Opening → Created, Closing → Closed.

use std::future::Future;
use std::task::Poll;
use std::time::{Duration, Instant};

use crate::support::{CalculatorServer, StalledEndpoint, delay, within};
use wws_core::{AddressingVersion, EnvelopeVersion, Error};
use wws_proxy::ProxyProperties;
use wws_proxy::{ServiceProxy, ServiceProxyState};

const LIMIT: Duration = Duration::from_secs(30);

fn proxy_for(url: &str, props: ProxyProperties) -> ServiceProxy {
    ServiceProxy::with_properties(
        url,
        EnvelopeVersion::Soap11,
        AddressingVersion::Transport,
        props,
    )
    .expect("proxy")
}

/// Yields until `proxy` is in `state`; bounded in rounds and time.
async fn reach(proxy: &ServiceProxy, state: ServiceProxyState) {
    let deadline = Instant::now() + LIMIT;
    while proxy.state() != state {
        assert!(Instant::now() < deadline, "proxy never reached {state}");
        tokio::task::yield_now().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn abort_ends_a_hundred_pending_calls_at_once() {
    let server = CalculatorServer::start().await;
    let proxy = proxy_for(&server.url(), ProxyProperties::default());
    within(LIMIT, "open", proxy.open()).await.expect("open");
    let calls: Vec<_> = (0..100).map(|_| delay(&proxy, 60_000)).collect();
    assert!(
        server
            .stats
            .wait_until(LIMIT, |s| s.get(|s| &s.in_flight) == 100)
            .await
    );

    let t0 = Instant::now();
    proxy.abort();
    // Every error is delivered before abort() returns (the connections are
    // torn down afterwards, on a task): one poll finds each call complete.
    let waker = std::task::Waker::noop();
    let mut cx = std::task::Context::from_waker(waker);
    for mut call in calls {
        match std::pin::Pin::new(&mut call).poll(&mut cx) {
            Poll::Ready(Err(Error::Aborted { object })) => assert_eq!(object, "ServiceProxy"),
            other => panic!("expected Aborted at once, got {other:?}"),
        }
    }
    let latency = t0.elapsed();
    println!("abort latency (100 calls): {latency:?}");
    assert!(
        latency < Duration::from_millis(100),
        "abort took {latency:?}"
    );
    assert_eq!(proxy.state(), ServiceProxyState::Faulted);
    assert_eq!(proxy.pending_calls(), 0);
    assert_eq!(proxy.idle_connections(), 0);

    // Every connection was really closed: the server sees all clients go.
    assert!(
        server
            .stats
            .wait_until(LIMIT, |s| s.get(|s| &s.closed_early) == 100
                && s.get(|s| &s.open_connections) == 0)
            .await
    );

    let late = delay(&proxy, 1);
    assert!(matches!(
        late.await,
        Err(Error::ObjectFaulted {
            object: "ServiceProxy"
        })
    ));
    // Abort is idempotent; a faulted proxy closes, resets and opens again.
    proxy.abort();
    assert_eq!(proxy.state(), ServiceProxyState::Faulted);
    within(LIMIT, "close", proxy.close()).await.expect("close");
    proxy.reset().expect("reset");
    within(LIMIT, "reopen", proxy.open()).await.expect("reopen");
    let r = within(LIMIT, "call after reopen", delay(&proxy, 5))
        .await
        .expect("call after reopen");
    assert_eq!(r.milliseconds, 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn abort_while_opening_returns_to_created() {
    let endpoint = StalledEndpoint::start().await;
    let proxy = proxy_for(&endpoint.url(), ProxyProperties::default());
    let opening = tokio::spawn({
        let proxy = proxy.clone();
        async move { proxy.open().await }
    });
    reach(&proxy, ServiceProxyState::Opening).await;
    proxy.abort();
    assert_eq!(proxy.state(), ServiceProxyState::Created);
    let t0 = Instant::now();
    match within(LIMIT, "aborted open", opening).await.expect("task") {
        Err(Error::Aborted { .. }) => {}
        other => panic!("expected Aborted, got {other:?}"),
    }
    assert!(
        t0.elapsed() < Duration::from_secs(1),
        "open took {:?} to end",
        t0.elapsed()
    );
    assert_eq!(proxy.state(), ServiceProxyState::Created);
    assert_eq!(proxy.idle_connections(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropping_open_returns_to_created() {
    let endpoint = StalledEndpoint::start().await;
    let proxy = proxy_for(&endpoint.url(), ProxyProperties::default());
    let open = proxy.open();
    // Cut the open short while it is connecting.
    let cut = tokio::time::timeout(Duration::from_millis(100), open).await;
    assert!(cut.is_err(), "the stalled endpoint let the connect finish");
    assert_eq!(proxy.state(), ServiceProxyState::Created);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn abort_while_closing_finishes_closed() {
    let server = CalculatorServer::start().await;
    let proxy = proxy_for(&server.url(), ProxyProperties::default());
    within(LIMIT, "open", proxy.open()).await.expect("open");
    let call = delay(&proxy, 60_000);
    let closing = tokio::spawn({
        let proxy = proxy.clone();
        async move { proxy.close().await }
    });
    reach(&proxy, ServiceProxyState::Closing).await;
    assert_eq!(proxy.pending_calls(), 1, "close waits for the pending call");
    proxy.abort();
    assert_eq!(proxy.state(), ServiceProxyState::Closed);
    assert!(matches!(call.await, Err(Error::Aborted { .. })));
    match within(LIMIT, "aborted close", closing).await.expect("task") {
        Err(Error::Aborted { .. }) => {}
        other => panic!("expected the close to report Aborted, got {other:?}"),
    }
    assert_eq!(proxy.state(), ServiceProxyState::Closed);
}

#[tokio::test]
async fn abort_in_created_changes_nothing() {
    let proxy = proxy_for("http://127.0.0.1:9/calculator", ProxyProperties::default());
    proxy.abort();
    proxy.abort();
    assert_eq!(proxy.state(), ServiceProxyState::Created);
    let call = delay(&proxy, 1);
    match call.await {
        Err(Error::InvalidOperation {
            state, operation, ..
        }) => assert_eq!((state, operation), ("Created", "call")),
        other => panic!("expected InvalidOperation, got {other:?}"),
    }
}
