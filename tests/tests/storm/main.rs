//! Cancellation storms as bounded tests (issue 16): rounds of 200 calls on
//! the calculator, a third of them abandoned by id, dropped or timed out,
//! and abort/abandon races between proxy and host. A binary of its own, so
//! that its descriptor counts are not disturbed by other tests.
//!
//! Every call that is not cancelled gets its own reply; every cancelled one
//! reaches the host as a cancellation; descriptors, pending calls and the
//! host's in-flight exchanges return to where they started.

use std::collections::{BTreeSet, HashMap};
use std::time::Duration;

use tokio::sync::mpsc;
use wws_core::{AddressingVersion, EnvelopeVersion, Error};
use wws_examples::calculator::{
    self, Calculator, DELAY_ACTION, Delay, DelayResponse, ECHO_ACTION, Echo, EchoResponse,
    ServiceEvent,
};
use wws_host::{CancelReason, ServiceHost, ServiceHostProperties};
use wws_proxy::{CallOptions, PendingCall, ServiceProxy};

/// Bound on any one wait.
const STEP: Duration = Duration::from_secs(30);
const ROUNDS: usize = 5;
const CALLS: usize = 200;
/// Base of the Delay of a call that is to be cancelled (never finishes by itself).
const LONG: i32 = 600_000;

fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd")
        .map(|d| d.count())
        .unwrap_or(0)
}

/// Waits (bounded) until `done` holds, checking after each yield of the runtime.
async fn settles(what: &str, done: impl Fn() -> bool) {
    tokio::time::timeout(STEP, async {
        // Bounded by STEP; each turn yields to let connections close.
        while !done() {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    })
    .await
    .unwrap_or_else(|_| panic!("{what} did not settle within {STEP:?}"));
}

async fn host() -> (ServiceHost, mpsc::UnboundedReceiver<ServiceEvent>) {
    let (service, events) = Calculator::with_events();
    let mut props = ServiceHostProperties::default();
    props.max_concurrency = 10_000;
    let host = service
        .start(([127, 0, 0, 1], 0).into(), props)
        .await
        .expect("host");
    (host, events)
}

async fn open_proxy(host: &ServiceHost, call_timeout: Option<Duration>) -> ServiceProxy {
    let addr = host.local_addr().expect("bound");
    let proxy = ServiceProxy::builder(&calculator::url(addr, calculator::PATH_SOAP11))
        .envelope(EnvelopeVersion::Soap11)
        .addressing(AddressingVersion::Transport)
        .max_pending_calls(CALLS * 2)
        .call_timeout(call_timeout)
        .build()
        .expect("proxy");
    proxy.open().await.expect("open");
    proxy
}

/// The milliseconds of a `Delay(ms)` request description.
fn delay_of(request: &str) -> Option<i32> {
    request
        .strip_prefix("Delay(")
        .and_then(|r| r.strip_suffix(')'))
        .and_then(|r| r.parse().ok())
}

/// What the host did with Delay requests, by their milliseconds.
#[derive(Default)]
struct Seen {
    started: BTreeSet<i32>,
    told: HashMap<i32, CancelReason>,
}

impl Seen {
    fn record(&mut self, e: ServiceEvent) {
        match e {
            ServiceEvent::Started { request, .. } => {
                self.started.extend(delay_of(&request));
            }
            ServiceEvent::Cancelled {
                request, reason, ..
            } => {
                if let Some(ms) = delay_of(&request) {
                    self.told.insert(ms, reason);
                }
            }
            ServiceEvent::Completed { .. } => {}
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn storms_of_abandon_drop_and_timeout_leave_nothing_behind() {
    let (host, mut events) = host().await;
    let proxy = open_proxy(&host, None).await;
    let timing_out = open_proxy(&host, Some(Duration::from_millis(300))).await;
    // Warm both up so their first connections count in the baseline.
    for p in [&proxy, &timing_out] {
        let r: EchoResponse = p
            .call(
                ECHO_ACTION,
                &Echo {
                    text: "warm".into(),
                },
                CallOptions::new(),
            )
            .await
            .expect("warm-up");
        assert_eq!(r.text, "warm");
    }
    let baseline = open_fds();
    let mut seen = Seen::default();
    let mut all_timeouts = BTreeSet::new();
    for round in 0..ROUNDS {
        let mut answered = Vec::new();
        let mut short = Vec::new();
        let mut abandoned = Vec::new();
        let mut dropped = Vec::new();
        let mut timed_out = Vec::new();
        let mut expected = BTreeSet::new();
        let mut timeouts = BTreeSet::new();
        for i in 0..CALLS {
            let tag = (round * CALLS + i) as i32;
            match i % 6 {
                // A third answered, a third cancelled (a ninth each way), a
                // third answered after a short Delay.
                0 | 2 => {
                    let text = format!("round {round} call {i} ✓ <&>");
                    let call: PendingCall<EchoResponse> = proxy.call(
                        ECHO_ACTION,
                        &Echo { text: text.clone() },
                        CallOptions::new(),
                    );
                    answered.push((text, call));
                }
                4 => {
                    let ms = (i % 7) as i32;
                    let call: PendingCall<DelayResponse> = proxy.call(
                        DELAY_ACTION,
                        &Delay { milliseconds: ms },
                        CallOptions::new(),
                    );
                    short.push((ms, call));
                }
                1 => {
                    let ms = LONG + tag;
                    expected.insert(ms);
                    abandoned.push(proxy.call::<Delay, DelayResponse>(
                        DELAY_ACTION,
                        &Delay { milliseconds: ms },
                        CallOptions::new(),
                    ));
                }
                3 => {
                    let ms = LONG + tag;
                    expected.insert(ms);
                    dropped.push(proxy.call::<Delay, DelayResponse>(
                        DELAY_ACTION,
                        &Delay { milliseconds: ms },
                        CallOptions::new(),
                    ));
                }
                _ => {
                    // Under load the host may not have started it when it times
                    // out (then it never runs); if it did, it must be told.
                    let ms = LONG + tag;
                    timeouts.insert(ms);
                    timed_out.push(timing_out.call::<Delay, DelayResponse>(
                        DELAY_ACTION,
                        &Delay { milliseconds: ms },
                        CallOptions::new(),
                    ));
                }
            }
        }
        // Wait until the host runs every call that is to be cancelled, so each
        // cancellation really reaches a running operation.
        tokio::time::timeout(STEP, async {
            while !expected.is_subset(&seen.started) {
                seen.record(events.recv().await.expect("host events"));
            }
        })
        .await
        .expect("the host runs every abandoned and dropped call of the round");

        for call in &abandoned {
            proxy.abandon_call(call.id()).expect("abandon");
        }
        drop(dropped);
        for call in abandoned {
            assert!(matches!(call.await, Err(Error::Abandoned { .. })));
        }
        for (want, call) in answered {
            let got = tokio::time::timeout(STEP, call)
                .await
                .expect("bounded")
                .expect("an answered call gets its reply");
            assert_eq!(got.text, want, "a reply reached the wrong call");
        }
        for (want, call) in short {
            let got = tokio::time::timeout(STEP, call)
                .await
                .expect("bounded")
                .expect("a short Delay gets its reply");
            assert_eq!(got.milliseconds, want, "a reply reached the wrong call");
        }
        for call in timed_out {
            let r = tokio::time::timeout(STEP, call).await.expect("bounded");
            assert!(matches!(r, Err(Error::TimedOut { .. })), "{r:?}");
        }
        // Every cancelled call reaches the host as a cancellation.
        tokio::time::timeout(STEP, async {
            while !expected.iter().all(|ms| seen.told.contains_key(ms)) {
                seen.record(events.recv().await.expect("host events"));
            }
        })
        .await
        .expect("every cancellation reaches the host");
        for ms in &expected {
            assert_eq!(seen.told[ms], CancelReason::ChannelFaulted, "Delay({ms})");
        }
        all_timeouts.extend(timeouts);
    }
    settles("the host's in-flight exchanges", || host.in_flight() == 0).await;
    // Every operation has ended, so each one that started was told by now.
    while let Ok(e) = events.try_recv() {
        seen.record(e);
    }
    for ms in all_timeouts.intersection(&seen.started) {
        assert_eq!(
            seen.told.get(ms),
            Some(&CancelReason::ChannelFaulted),
            "timed-out Delay({ms}) ran and was not told"
        );
    }
    assert_eq!(proxy.pending_calls(), 0);
    assert_eq!(timing_out.pending_calls(), 0);
    // Pooled connections may remain (max_call_pool_size per proxy, both
    // ends in this process); nothing beyond.
    let pool = 2 * 2 * wws_proxy::ProxyProperties::default().max_call_pool_size;
    settles("descriptors", || open_fds() <= baseline + pool).await;
    host.close().await.expect("close");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn abort_and_abandon_racing_on_proxy_and_host_end_every_call() {
    for round in 0..20 {
        let (host, _events) = host().await;
        let proxy = open_proxy(&host, None).await;
        let calls: Vec<_> = (0..50)
            .map(|i| {
                proxy.call::<Delay, DelayResponse>(
                    DELAY_ACTION,
                    &Delay {
                        milliseconds: if i % 2 == 0 { 0 } else { LONG },
                    },
                    CallOptions::new().call_id(1 + (i % 3) as u64),
                )
            })
            .collect();
        // Three racers: abandon a group, abort the proxy, abort the host.
        let (p1, p2, h) = (proxy.clone(), proxy.clone(), host.clone());
        let racers = [
            tokio::spawn(async move {
                let _ = p1.abandon_call(wws_core::CallId::from(2));
            }),
            tokio::spawn(async move { p2.abort() }),
            tokio::spawn(async move {
                if round % 2 == 0 {
                    h.abort();
                }
            }),
        ];
        for r in racers {
            r.await.expect("racer");
        }
        for call in calls {
            let r = tokio::time::timeout(STEP, call)
                .await
                .expect("every call ends, none hangs");
            match r {
                Ok(DelayResponse { milliseconds }) => assert_eq!(milliseconds, 0),
                // A host aborted mid-exchange or mid-connect is a transport
                // error to the caller (disconnected, or reset while connecting).
                Err(e) => assert!(
                    e.is_cancellation()
                        || matches!(
                            e,
                            Error::EndpointDisconnected { .. } | Error::EndpointUnreachable { .. }
                        ),
                    "{e:?}"
                ),
            }
        }
        assert_eq!(proxy.pending_calls(), 0);
        host.abort();
        settles("the host's in-flight exchanges", || host.in_flight() == 0).await;
    }
}
