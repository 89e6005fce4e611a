//! A call dropped right after it was made, before its task first ran, frees
//! its slot at once, and its task ends without taking a connection: no new
//! connection and no request reach the server.

use std::time::{Duration, Instant};

use crate::support::{CalculatorServer, delay, open_soap11, within};
use wws_proxy::ProxyProperties;

const LIMIT: Duration = Duration::from_secs(30);
const DROPPED: usize = 10;

// Current-thread runtime: no call task can run before the test awaits.
#[tokio::test]
async fn a_call_dropped_before_its_task_runs_never_connects() {
    let server = CalculatorServer::start().await;
    let proxy = open_soap11(&server, ProxyProperties::default()).await;
    let runtime = tokio::runtime::Handle::current();
    // open() left its connection in the pool.
    assert_eq!(proxy.idle_connections(), 1);
    assert!(
        server
            .stats
            .wait_until(LIMIT, |s| s.get(|s| &s.open_connections) == 1)
            .await
    );
    let tasks_before = runtime.metrics().num_alive_tasks();

    for _ in 0..DROPPED {
        let call = delay(&proxy, 60_000);
        assert_eq!(proxy.pending_calls(), 1);
        drop(call);
        assert_eq!(proxy.pending_calls(), 0, "the slot is freed at once");
    }
    // The dropped calls' tasks are still queued: nothing has yielded yet.
    assert_eq!(runtime.metrics().num_alive_tasks(), tasks_before + DROPPED);

    // A real call, queued behind the dropped ones, takes the pooled connection.
    let r = within(LIMIT, "a call after the drops", delay(&proxy, 1))
        .await
        .expect("reply");
    assert_eq!(r.milliseconds, 1);

    // Every dropped call's task has ended (a task goes when it is next
    // polled; bounded in rounds and time).
    let deadline = Instant::now() + LIMIT;
    for round in 0.. {
        let alive = runtime.metrics().num_alive_tasks();
        if alive <= tasks_before {
            break;
        }
        assert!(
            round < 10_000 && Instant::now() < deadline,
            "{alive} tasks alive, {tasks_before} before the drops"
        );
        tokio::task::yield_now().await;
    }
    // The server accepts in order, so any connection the dropped calls had
    // made would be counted before the real call's reply.
    assert_eq!(
        server.stats.get(|s| &s.connections),
        1,
        "a dropped call connected"
    );
    assert_eq!(
        server.stats.get(|s| &s.requests),
        1,
        "a dropped call was sent"
    );
    assert_eq!(proxy.idle_connections(), 1);
    assert_eq!(proxy.pending_calls(), 0);
}
