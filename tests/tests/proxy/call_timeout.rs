//! `call_timeout`: a call the server does not answer in time fails with
//! TimedOut, its connection is closed and its slot freed.

use std::time::{Duration, Instant};

use crate::support::{CalculatorServer, delay, open_soap11, within};
use wws_core::Error;
use wws_proxy::ProxyProperties;
use wws_proxy::ServiceProxyState;

const LIMIT: Duration = Duration::from_secs(30);
const TIMEOUT: Duration = Duration::from_secs(1);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stalled_call_times_out_and_others_do_not() {
    let server = CalculatorServer::start().await;
    let proxy = open_soap11(&server, {
        let mut props = ProxyProperties::default();
        props.call_timeout = Some(TIMEOUT);
        props
    })
    .await;

    let t0 = Instant::now();
    let stalled = delay(&proxy, 60_000);
    let quick = delay(&proxy, 10);
    match within(LIMIT, "stalled call", stalled).await {
        Err(e @ Error::TimedOut { .. }) => {
            assert!(matches!(e, Error::TimedOut { what: "call", after } if after == TIMEOUT));
            assert_eq!(
                e.hresult(),
                wws_core::error::hresult::WS_E_OPERATION_TIMED_OUT
            );
        }
        other => panic!("expected TimedOut, got {other:?}"),
    }
    let elapsed = t0.elapsed();
    println!("timed out after {elapsed:?} (limit {TIMEOUT:?})");
    assert!(elapsed >= TIMEOUT, "timed out early: {elapsed:?}");
    assert!(
        elapsed < TIMEOUT + Duration::from_secs(2),
        "timed out late: {elapsed:?}"
    );
    assert_eq!(
        within(LIMIT, "quick call", quick)
            .await
            .expect("quick")
            .milliseconds,
        10
    );

    assert_eq!(proxy.pending_calls(), 0);
    assert_eq!(proxy.state(), ServiceProxyState::Open);
    // The timed-out exchange's connection was closed, not pooled.
    assert!(
        server
            .stats
            .wait_until(LIMIT, |s| s.get(|s| &s.closed_early) == 1)
            .await
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_timeout_runs_even_if_the_call_is_never_polled() {
    let server = CalculatorServer::start().await;
    let proxy = open_soap11(&server, {
        let mut props = ProxyProperties::default();
        props.call_timeout = Some(TIMEOUT);
        props
    })
    .await;
    let t0 = Instant::now();
    let stalled = delay(&proxy, 60_000);
    // Not polling the call: its task sends, waits and times out on its own.
    assert!(
        server
            .stats
            .wait_until(LIMIT, |s| s.get(|s| &s.closed_early) == 1)
            .await
    );
    assert!(t0.elapsed() >= TIMEOUT);
    assert_eq!(proxy.pending_calls(), 0);
    assert!(matches!(stalled.await, Err(Error::TimedOut { .. })));
}
