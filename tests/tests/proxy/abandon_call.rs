//! Abandoning one call of a hundred: it ends at once, the others are not
//! touched and return their own replies, and the server sees exactly one
//! client go.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use crate::support::{CalculatorServer, delay, open_soap11, within};
use wws_core::Error;
use wws_proxy::ProxyProperties;
use wws_proxy::ServiceProxyState;

const CALLS: usize = 100;
const BASE_DELAY_MS: i32 = 2000;
const VICTIM: usize = 42;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn abandon_one_of_a_hundred_leaves_the_others_untouched() {
    // Gated: no reply leaves before the abandon, however slowly the 100 calls start.
    let server = CalculatorServer::start_gated().await;
    // The default max_pending_calls (100) fits exactly.
    let props = ProxyProperties::default();
    assert_eq!(props.max_pending_calls, CALLS);
    let proxy = open_soap11(&server, props).await;

    let mut calls: Vec<_> = (0..CALLS)
        .map(|i| {
            let ms = BASE_DELAY_MS + i as i32;
            delay(&proxy, ms)
        })
        .collect();
    let victim = calls.remove(VICTIM);
    let victim_id = victim.id();
    assert!(
        calls.iter().all(|c| c.id() != victim_id),
        "ids are distinct"
    );

    // The others are awaited on tasks of their own; none may finish early.
    let finished = Arc::new(AtomicUsize::new(0));
    let others: Vec<_> = calls
        .into_iter()
        .enumerate()
        .map(|(n, call)| {
            let i = if n < VICTIM { n } else { n + 1 };
            let finished = finished.clone();
            tokio::spawn(async move {
                let r = call.await;
                finished.fetch_add(1, Ordering::SeqCst);
                (i, r)
            })
        })
        .collect();

    // Every request is being processed by the server before we abandon.
    assert!(
        server
            .stats
            .wait_until(Duration::from_secs(30), |s| s.get(|s| &s.in_flight)
                == CALLS)
            .await,
        "the server saw {} of {CALLS} requests",
        server.stats.get(|s| &s.in_flight)
    );
    assert_eq!(
        server.stats.get(|s| &s.connections),
        CALLS,
        "one connection per call"
    );

    let t0 = Instant::now();
    proxy.abandon_call(victim_id).expect("abandon");
    let outcome = victim.await;
    let latency = t0.elapsed();
    match outcome {
        Err(Error::Abandoned { call_id }) => assert_eq!(call_id, victim_id.get()),
        other => panic!("expected Abandoned, got {other:?}"),
    }
    println!("abandon latency: {latency:?}");
    assert!(
        latency < Duration::from_millis(50),
        "abandon took {latency:?}"
    );
    assert_eq!(proxy.pending_calls(), CALLS - 1);
    assert_eq!(finished.load(Ordering::SeqCst), 0, "no other call finished");
    assert_eq!(proxy.state(), ServiceProxyState::Open);
    server.open_gate();

    // The server sees the abandoned client go, and only that one.
    assert!(
        server
            .stats
            .wait_until(Duration::from_secs(10), |s| s.get(|s| &s.closed_early) >= 1)
            .await,
        "the server did not see the abandoned call's connection close"
    );

    for task in others {
        let (i, r) = within(Duration::from_secs(60), "a remaining call", task)
            .await
            .expect("task");
        let reply = r.unwrap_or_else(|e| panic!("call {i}: {e}"));
        assert_eq!(
            reply.milliseconds,
            BASE_DELAY_MS + i as i32,
            "call {i} got another's reply"
        );
    }
    assert_eq!(finished.load(Ordering::SeqCst), CALLS - 1);
    assert_eq!(proxy.pending_calls(), 0);
    assert_eq!(server.stats.get(|s| &s.closed_early), 1);
    assert_eq!(server.stats.get(|s| &s.replied), CALLS - 1);
    // Idle connections kept for reuse are bounded by the pool size.
    assert_eq!(
        proxy.idle_connections(),
        proxy.properties().max_call_pool_size
    );
}
