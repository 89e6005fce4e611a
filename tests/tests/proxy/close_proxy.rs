//! `close()`: no new calls; pending calls finish; after `max_close_timeout`
//! the proxy aborts itself and what is left ends Aborted.

use std::time::{Duration, Instant};

use crate::support::{CalculatorServer, delay, open_soap11, within};
use wws_core::{AddressingVersion, EnvelopeVersion, Error};
use wws_proxy::ProxyProperties;
use wws_proxy::{ServiceProxy, ServiceProxyState};

const LIMIT: Duration = Duration::from_secs(30);

async fn open_with_close_timeout(
    server: &CalculatorServer,
    close_timeout: Duration,
) -> ServiceProxy {
    let props = {
        let mut props = ProxyProperties::default();
        props.max_close_timeout = close_timeout;
        props
    };
    open_soap11(server, props).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn close_waits_for_pending_calls() {
    let server = CalculatorServer::start().await;
    let proxy = open_with_close_timeout(&server, Duration::from_secs(20)).await;
    let calls: Vec<_> = (0..5).map(|i| (i, delay(&proxy, 100 + i))).collect();
    // Holds the close open until the test lets it go, however slow the machine.
    let gate = delay(&proxy, 60_000);
    let gate_id = gate.id();
    let gate = tokio::spawn(gate);
    let closing = tokio::spawn({
        let proxy = proxy.clone();
        async move { proxy.close().await }
    });
    let deadline = Instant::now() + LIMIT;
    while proxy.state() != ServiceProxyState::Closing {
        assert!(Instant::now() < deadline, "close never started");
        tokio::task::yield_now().await;
    }
    // Closing: new calls are refused, pending ones go on and complete.
    match delay(&proxy, 1).await {
        Err(Error::InvalidOperation { state, .. }) => assert_eq!(state, "Closing"),
        other => panic!("expected InvalidOperation, got {other:?}"),
    }
    for (i, call) in calls {
        let r = within(LIMIT, "a call during close", call).await;
        assert_eq!(r.expect("finished during close").milliseconds, 100 + i);
    }
    assert!(!closing.is_finished(), "close returned with a call pending");
    assert_eq!(proxy.state(), ServiceProxyState::Closing);

    // The last pending call ends (abandoned; allowed while Closing): close finishes.
    proxy.abandon_call(gate_id).expect("abandon while closing");
    assert!(matches!(
        gate.await.expect("task"),
        Err(Error::Abandoned { .. })
    ));
    within(LIMIT, "close", closing)
        .await
        .expect("task")
        .expect("close");
    assert_eq!(proxy.state(), ServiceProxyState::Closed);
    assert_eq!(server.stats.get(|s| &s.replied), 5);
    // Every connection is released, the idle ones too.
    assert_eq!(proxy.idle_connections(), 0);
    assert!(
        server
            .stats
            .wait_until(LIMIT, |s| s.get(|s| &s.open_connections) == 0)
            .await
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn close_aborts_what_is_left_after_max_close_timeout() {
    let server = CalculatorServer::start().await;
    let close_timeout = Duration::from_millis(300);
    let proxy = open_with_close_timeout(&server, close_timeout).await;
    let stalled: Vec<_> = (0..3).map(|_| delay(&proxy, 60_000)).collect();
    let quick = delay(&proxy, 50);
    assert!(
        server
            .stats
            .wait_until(LIMIT, |s| s.get(|s| &s.requests) == 4)
            .await
    );
    let t0 = Instant::now();
    within(LIMIT, "close", proxy.close())
        .await
        .expect("close escalates, then is Ok");
    let elapsed = t0.elapsed();
    println!("close escalated after {elapsed:?} (timeout {close_timeout:?})");
    assert!(elapsed >= close_timeout, "close gave up early: {elapsed:?}");
    assert!(
        elapsed < close_timeout + Duration::from_secs(2),
        "close was late: {elapsed:?}"
    );
    assert_eq!(proxy.state(), ServiceProxyState::Closed);
    assert_eq!(quick.await.expect("finished in time").milliseconds, 50);
    for call in stalled {
        assert!(matches!(call.await, Err(Error::Aborted { .. })));
    }
    assert!(
        server
            .stats
            .wait_until(LIMIT, |s| s.get(|s| &s.closed_early) == 3)
            .await
    );
}

#[tokio::test]
async fn close_from_created_or_closed_is_ok() {
    let proxy = ServiceProxy::new(
        "http://127.0.0.1:9/calculator",
        EnvelopeVersion::Soap11,
        AddressingVersion::Transport,
    )
    .expect("proxy");
    proxy.close().await.expect("close from Created");
    assert_eq!(proxy.state(), ServiceProxyState::Closed);
    proxy.close().await.expect("close from Closed");
    proxy.reset().expect("reset");
    assert_eq!(proxy.state(), ServiceProxyState::Created);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropping_close_aborts_the_proxy() {
    let server = CalculatorServer::start().await;
    let proxy = open_with_close_timeout(&server, Duration::from_secs(20)).await;
    let stalled = delay(&proxy, 60_000);
    let cut = tokio::time::timeout(Duration::from_millis(100), proxy.close()).await;
    assert!(
        cut.is_err(),
        "close cannot finish while the call is pending"
    );
    // Nothing is left half-closed: the dropped close aborted the proxy.
    assert_eq!(proxy.state(), ServiceProxyState::Closed);
    assert!(matches!(stalled.await, Err(Error::Aborted { .. })));
}
