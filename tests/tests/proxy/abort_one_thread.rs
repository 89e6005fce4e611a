//! On a current-thread runtime, where no I/O can progress while a task runs,
//! `abandon_call()` and `abort()` called from one task return without
//! awaiting, while another task is blocked in a call the server stalls; the
//! calls end Abandoned and Aborted.

use std::future::Future;
use std::pin::Pin;
use std::sync::mpsc;
use std::task::{Context, Poll, Waker};
use std::time::{Duration, Instant};

use crate::support::{CalculatorServer, delay, open_soap11, within};
use wws_core::Error;
use wws_proxy::ProxyProperties;
use wws_proxy::ServiceProxyState;

const LIMIT: Duration = Duration::from_secs(30);

async fn scenario() {
    let server = CalculatorServer::start().await;
    let proxy = open_soap11(&server, ProxyProperties::default()).await;
    // Both calls are on the wire and the server holds them: their tasks wait on I/O.
    let blocked = tokio::spawn(delay(&proxy, 60_000));
    let mut abandoned = delay(&proxy, 60_000);
    assert!(
        server
            .stats
            .wait_until(LIMIT, |s| s.get(|s| &s.in_flight) == 2)
            .await
    );

    let aborter = tokio::spawn({
        let proxy = proxy.clone();
        // No await in here: every step completes within the one poll.
        async move {
            let t0 = Instant::now();
            proxy.abandon_call(abandoned.id()).expect("abandon");
            // Delivered before abandon_call returned, no other task having run.
            let mut cx = Context::from_waker(Waker::noop());
            match Pin::new(&mut abandoned).poll(&mut cx) {
                Poll::Ready(Err(Error::Abandoned { .. })) => {}
                other => panic!("expected Abandoned at once, got {other:?}"),
            }
            proxy.abort();
            assert_eq!(proxy.state(), ServiceProxyState::Faulted);
            assert_eq!(proxy.pending_calls(), 0);
            t0.elapsed()
        }
    });
    let took = within(LIMIT, "the aborting task", aborter)
        .await
        .expect("aborting task");
    println!("abandon_call + abort took {took:?} on one thread");

    let t0 = Instant::now();
    match within(LIMIT, "the blocked call", blocked)
        .await
        .expect("call task")
    {
        Err(Error::Aborted { object }) => assert_eq!(object, "ServiceProxy"),
        other => panic!("expected Aborted, got {other:?}"),
    }
    let woke = t0.elapsed();
    assert!(
        woke < Duration::from_secs(1),
        "the blocked call took {woke:?}"
    );
    // Both connections were really closed.
    assert!(
        server
            .stats
            .wait_until(LIMIT, |s| s.get(|s| &s.closed_early) == 2)
            .await
    );
}

#[test]
fn abort_and_abandon_never_wait_behind_io_on_one_thread() {
    let (done, finished) = mpsc::channel();
    let worker = std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        runtime.block_on(scenario());
        let _ = done.send(());
    });
    // A deadlock would block the runtime's one thread (so its own timeouts
    // could not fire); watch it from here.
    match finished.recv_timeout(Duration::from_secs(120)) {
        Ok(()) => worker.join().expect("worker"),
        Err(mpsc::RecvTimeoutError::Disconnected) => {
            if let Err(panic) = worker.join() {
                std::panic::resume_unwind(panic);
            }
        }
        Err(mpsc::RecvTimeoutError::Timeout) => {
            panic!("the current-thread runtime hung: abort or abandon_call waited")
        }
    }
}
