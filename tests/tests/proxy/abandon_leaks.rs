//! 10,000 abandon and drop cycles, at every stage of a call (before it has a
//! connection, while connecting, while the server processes it): afterwards
//! pending slots, tasks and open file descriptors are back where they were.

use std::time::{Duration, Instant};

use crate::support::{CalculatorServer, delay, open_fds, open_soap11, within};
use wws_core::Error;
use wws_examples::calculator::DelayResponse;
use wws_proxy::ProxyProperties;
use wws_proxy::{PendingCall, ServiceProxy};

const CYCLES: usize = 10_000;
const ROUND: usize = 50;
const LIMIT: Duration = Duration::from_secs(30);

/// Abandons every other call by id and drops the rest.
async fn cancel(proxy: &ServiceProxy, calls: Vec<PendingCall<DelayResponse>>) {
    for (i, call) in calls.into_iter().enumerate() {
        if i % 2 == 0 {
            proxy.abandon_call(call.id()).expect("abandon");
            assert!(matches!(call.await, Err(Error::Abandoned { .. })));
        } else {
            drop(call);
        }
    }
}

/// Polls `measure` until it is at most `target`; bounded to 5 s.
// Polled, not awaited: no event fires when a descriptor or a task is released.
async fn converge(what: &str, target: usize, measure: impl Fn() -> usize) {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let now = measure();
        if now <= target {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{what}: {now} left, expected {target}"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_abandon_and_drop_cycles_leak_nothing() {
    let started = Instant::now();
    let server = CalculatorServer::start().await;
    let proxy = open_soap11(&server, ProxyProperties::default()).await;
    let runtime = tokio::runtime::Handle::current();
    let idle_before = proxy.idle_connections();
    // The baselines are taken once the server serves open()'s connection:
    // its task and socket exist by then, however late the accept loop ran.
    assert!(
        server
            .stats
            .wait_until(LIMIT, |s| s.get(|s| &s.open_connections) == idle_before)
            .await,
        "the server did not accept open()'s connection"
    );

    let fds_before = open_fds();
    let tasks_before = runtime.metrics().num_alive_tasks();
    assert_eq!(proxy.pending_calls(), 0);

    let mut requests_seen = server.stats.get(|s| &s.requests);
    for _ in 0..CYCLES / ROUND {
        let mut at_once = Vec::new();
        let mut connecting = Vec::new();
        let mut processing = Vec::new();
        for i in 0..ROUND {
            let call = delay(&proxy, 60_000);
            match i % 5 {
                // At once: usually before the call's task has run.
                0 => {
                    proxy.abandon_call(call.id()).expect("abandon");
                    at_once.push(call);
                }
                1 => drop(call),
                // After a yield: the task is typically connecting or sending.
                2 => connecting.push(call),
                // Once the server is processing them.
                _ => processing.push(call),
            }
        }
        tokio::task::yield_now().await;
        cancel(&proxy, connecting).await;
        assert!(
            server
                .stats
                .wait_until(LIMIT, |s| s.get(|s| &s.requests)
                    >= requests_seen + processing.len())
                .await,
            "the server did not see this round's requests"
        );
        requests_seen = server.stats.get(|s| &s.requests);
        cancel(&proxy, processing).await;
        for call in at_once {
            assert!(matches!(call.await, Err(Error::Abandoned { .. })));
        }
        assert_eq!(proxy.pending_calls(), 0, "slots are freed synchronously");
    }

    // A completed call puts a connection back, as open() had left one.
    let r = within(LIMIT, "a call after the cycles", delay(&proxy, 1))
        .await
        .expect("the proxy still works");
    assert_eq!(r.milliseconds, 1);
    assert_eq!(proxy.idle_connections(), idle_before);
    assert_eq!(proxy.pending_calls(), 0);

    // The server closes its side of each abandoned connection once it sees EOF.
    assert!(
        server
            .stats
            .wait_until(LIMIT, |s| s.get(|s| &s.in_flight) == 0
                && s.get(|s| &s.open_connections) == idle_before)
            .await,
        "server still holds {} connections, {} requests",
        server.stats.get(|s| &s.open_connections),
        server.stats.get(|s| &s.in_flight)
    );
    converge("open file descriptors", fds_before, open_fds).await;
    converge("alive tasks", tasks_before, || {
        runtime.metrics().num_alive_tasks()
    })
    .await;
    println!(
        "{CYCLES} cycles in {:?}; server saw {} connections, {} requests; fds {} -> {}",
        started.elapsed(),
        server.stats.get(|s| &s.connections),
        server.stats.get(|s| &s.requests),
        fds_before,
        open_fds()
    );
}
