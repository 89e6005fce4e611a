//! `max_pending_calls`: one call more fails at once with QuotaExceeded; a
//! freed slot can be used again.

use std::time::{Duration, Instant};

use crate::support::{CalculatorServer, delay, open_proxy, open_soap11, within};
use wws_core::{AddressingVersion, CallId, EnvelopeVersion, Error};
use wws_proxy::ProxyProperties;

const LIMIT: Duration = Duration::from_secs(30);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_101st_call_fails_at_once_with_quota_exceeded() {
    let server = CalculatorServer::start().await;
    let proxy = open_soap11(&server, ProxyProperties::default()).await;
    let calls: Vec<_> = (0..100).map(|_| delay(&proxy, 60_000)).collect();
    assert_eq!(proxy.pending_calls(), 100);

    let t0 = Instant::now();
    let extra = delay(&proxy, 1);
    assert_ne!(extra.id(), CallId::ALL, "a refused call still has an id");
    match extra.await {
        Err(e @ Error::QuotaExceeded { .. }) => {
            assert!(matches!(
                e,
                Error::QuotaExceeded {
                    quota: "max pending calls",
                    limit: 100
                }
            ));
            assert_eq!(e.hresult(), wws_core::error::hresult::WS_E_QUOTA_EXCEEDED);
        }
        other => panic!("expected QuotaExceeded, got {other:?}"),
    }
    assert!(
        t0.elapsed() < Duration::from_millis(50),
        "refusal took {:?}",
        t0.elapsed()
    );
    assert_eq!(proxy.pending_calls(), 100, "the refused call took no slot");

    // Free one slot: the next call is accepted and completes.
    let mut calls = calls;
    drop(calls.pop());
    assert_eq!(proxy.pending_calls(), 99);
    let r = within(LIMIT, "call in the freed slot", delay(&proxy, 3))
        .await
        .expect("reply");
    assert_eq!(r.milliseconds, 3);
    proxy.abort();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_small_quota_counts_every_pending_call() {
    let server = CalculatorServer::start().await;
    let proxy = open_proxy(
        &server,
        EnvelopeVersion::Soap12,
        AddressingVersion::Transport,
        {
            let mut props = ProxyProperties::default();
            props.max_pending_calls = 2;
            props
        },
    )
    .await;
    let a = delay(&proxy, 200);
    let b = delay(&proxy, 200);
    assert!(matches!(
        delay(&proxy, 1).await,
        Err(Error::QuotaExceeded { limit: 2, .. })
    ));
    assert_eq!(within(LIMIT, "a", a).await.expect("a").milliseconds, 200);
    assert_eq!(within(LIMIT, "b", b).await.expect("b").milliseconds, 200);
    // Completed calls give their slots back.
    assert_eq!(
        within(LIMIT, "c", delay(&proxy, 1))
            .await
            .expect("c")
            .milliseconds,
        1
    );
}
