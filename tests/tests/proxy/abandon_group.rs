//! Call groups: calls sharing one id are abandoned together; `CallId::ALL`
//! abandons everything pending; unknown ids are no-ops; wrong states
//! (Created, Opening, Faulted, Closed) refuse.

use std::time::{Duration, Instant};

use crate::support::{CalculatorServer, StalledEndpoint, open_proxy, within};
use wws_core::{AddressingVersion, CallId, EnvelopeVersion, Error};
use wws_examples::calculator::{ADD_ACTION, Add, AddResponse, DELAY_ACTION, Delay, DelayResponse};
use wws_proxy::ProxyProperties;
use wws_proxy::{CallOptions, PendingCall, ServiceProxy, ServiceProxyState};

const LIMIT: Duration = Duration::from_secs(30);

async fn open_wsa_proxy(server: &CalculatorServer) -> ServiceProxy {
    let props = ProxyProperties::default();
    open_proxy(
        server,
        EnvelopeVersion::Soap12,
        AddressingVersion::WsAddressing10,
        props,
    )
    .await
}

/// `Delay(ms)` with options.
fn delay(proxy: &ServiceProxy, ms: i32, opts: CallOptions) -> PendingCall<DelayResponse> {
    proxy.call(DELAY_ACTION, &Delay { milliseconds: ms }, opts)
}

async fn add_works(proxy: &ServiceProxy) {
    let r: AddResponse = within(
        LIMIT,
        "add",
        proxy.call(ADD_ACTION, &Add { a: 20.0, b: 22.0 }, CallOptions::new()),
    )
    .await
    .expect("a new call after abandon");
    assert_eq!(r.result, 42.0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_group_sharing_one_id_is_abandoned_together() {
    let server = CalculatorServer::start().await;
    let proxy = open_wsa_proxy(&server).await;
    let group = CallId::new(7);
    let grouped: Vec<_> = (0..10)
        .map(|_| delay(&proxy, 60_000, CallOptions::new().call_id(group)))
        .collect();
    // Short calls outside the group, each with a value of its own.
    let others: Vec<_> = (0..5)
        .map(|i| (i, delay(&proxy, 300 + i, CallOptions::new())))
        .collect();
    assert!(grouped.iter().all(|c| c.id() == group));
    assert!(others.iter().all(|(_, c)| c.id() != group));
    assert!(
        server
            .stats
            .wait_until(LIMIT, |s| s.get(|s| &s.requests) == 15)
            .await
    );

    let t0 = Instant::now();
    proxy.abandon_call(group).expect("abandon the group");
    for call in grouped {
        match call.await {
            Err(Error::Abandoned { call_id }) => assert_eq!(call_id, 7),
            other => panic!("expected Abandoned, got {other:?}"),
        }
    }
    let latency = t0.elapsed();
    assert!(
        latency < Duration::from_millis(50),
        "group abandon took {latency:?}"
    );
    assert_eq!(proxy.pending_calls(), 5);

    for (i, call) in others {
        let r = within(LIMIT, "an ungrouped call", call)
            .await
            .expect("reply");
        assert_eq!(r.milliseconds, 300 + i);
    }
    assert!(
        server
            .stats
            .wait_until(LIMIT, |s| s.get(|s| &s.closed_early) == 10)
            .await
    );
    add_works(&proxy).await;
    assert_eq!(server.stats.get(|s| &s.closed_early), 10);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn call_id_all_abandons_every_pending_call_and_not_later_ones() {
    let server = CalculatorServer::start().await;
    let proxy = open_wsa_proxy(&server).await;
    let pending: Vec<_> = (0..20)
        .map(|i| delay(&proxy, 60_000, CallOptions::new().call_id(i % 3 + 1)))
        .collect();
    assert_eq!(proxy.pending_calls(), 20);
    // Every request is being processed, so the server can see each client go.
    assert!(
        server
            .stats
            .wait_until(LIMIT, |s| s.get(|s| &s.in_flight) == 20)
            .await
    );
    proxy.abandon_call(CallId::ALL).expect("abandon all");
    assert_eq!(proxy.pending_calls(), 0);
    for call in pending {
        let id = call.id().get();
        match call.await {
            Err(Error::Abandoned { call_id }) => assert_eq!(call_id, id),
            other => panic!("expected Abandoned, got {other:?}"),
        }
    }
    assert!(
        server
            .stats
            .wait_until(LIMIT, |s| s.get(|s| &s.closed_early) == 20)
            .await,
        "the server saw {} of 20 clients go",
        server.stats.get(|s| &s.closed_early)
    );
    // ALL meant "pending at that moment": the proxy is still open and usable.
    assert_eq!(proxy.state(), ServiceProxyState::Open);
    add_works(&proxy).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_id_is_a_no_op() {
    let server = CalculatorServer::start().await;
    let proxy = open_wsa_proxy(&server).await;
    let call = delay(&proxy, 200, CallOptions::new().call_id(1));
    proxy
        .abandon_call(CallId::new(2))
        .expect("unknown id is Ok");
    assert_eq!(proxy.pending_calls(), 1);
    let r = within(LIMIT, "call", call).await.expect("not abandoned");
    assert_eq!(r.milliseconds, 200);
    assert_eq!(server.stats.get(|s| &s.closed_early), 0);
}

fn soap11_proxy(url: &str) -> ServiceProxy {
    ServiceProxy::new(url, EnvelopeVersion::Soap11, AddressingVersion::Transport).expect("proxy")
}

/// `abandon_call`, by id and with `CallId::ALL`, refuses naming `state`.
fn expect_invalid(proxy: &ServiceProxy, state: &str) {
    assert_eq!(proxy.state().to_string(), state);
    for id in [CallId::new(1), CallId::ALL] {
        match proxy.abandon_call(id) {
            Err(Error::InvalidOperation {
                object,
                state: s,
                operation,
            }) => {
                assert_eq!(
                    (object, s, operation),
                    ("ServiceProxy", state, "abandon_call")
                );
            }
            other => panic!("expected InvalidOperation in {state}, got {other:?}"),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn abandon_in_created_or_closed_is_invalid_operation() {
    let server = CalculatorServer::start().await;
    let proxy = soap11_proxy(&server.url());
    expect_invalid(&proxy, "Created");
    within(LIMIT, "open", proxy.open()).await.expect("open");
    proxy
        .abandon_call(CallId::ALL)
        .expect("Open allows abandon");
    within(LIMIT, "close", proxy.close()).await.expect("close");
    expect_invalid(&proxy, "Closed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn abandon_in_faulted_is_invalid_operation() {
    let server = CalculatorServer::start().await;
    let proxy = soap11_proxy(&server.url());
    within(LIMIT, "open", proxy.open()).await.expect("open");
    let call = delay(&proxy, 60_000, CallOptions::new().call_id(1));
    proxy.abort();
    assert!(matches!(call.await, Err(Error::Aborted { .. })));
    expect_invalid(&proxy, "Faulted");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn abandon_in_opening_is_invalid_operation() {
    let endpoint = StalledEndpoint::start().await;
    let proxy = soap11_proxy(&endpoint.url());
    let opening = tokio::spawn({
        let proxy = proxy.clone();
        async move { proxy.open().await }
    });
    let deadline = Instant::now() + LIMIT;
    while proxy.state() != ServiceProxyState::Opening {
        assert!(Instant::now() < deadline, "open never started");
        tokio::task::yield_now().await;
    }
    // The endpoint never completes the connect: the proxy stays Opening.
    expect_invalid(&proxy, "Opening");
    proxy.abort();
    match within(LIMIT, "aborted open", opening).await.expect("task") {
        Err(Error::Aborted { .. }) => {}
        other => panic!("expected Aborted, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropping_a_call_abandons_only_that_call() {
    let server = CalculatorServer::start().await;
    let proxy = open_wsa_proxy(&server).await;
    let kept = delay(&proxy, 500, CallOptions::new().call_id(9));
    let dropped = delay(&proxy, 60_000, CallOptions::new().call_id(9));
    assert!(
        server
            .stats
            .wait_until(LIMIT, |s| s.get(|s| &s.in_flight) == 2)
            .await
    );
    drop(dropped);
    assert_eq!(
        proxy.pending_calls(),
        1,
        "the dropped call's slot is freed at once"
    );
    assert!(
        server
            .stats
            .wait_until(LIMIT, |s| s.get(|s| &s.closed_early) == 1)
            .await,
        "the server saw the dropped call's connection close"
    );
    let r = within(LIMIT, "kept call", kept)
        .await
        .expect("same id, not dropped");
    assert_eq!(r.milliseconds, 500);
}
