//! Closing the host: in-flight calls finish and get their replies; after
//! `close_timeout` the rest are told `HostClosing` and dropped.

use std::task::Poll;
use std::time::{Duration, Instant};

use crate::support::*;
use wws_core::state::ServiceHostState;
use wws_core::{AddressingVersion, EnvelopeVersion, Error};
use wws_examples::calculator::ServiceEvent;
use wws_examples::calculator::{ADD_ACTION, Add, AddResponse, DELAY_ACTION, Delay, DelayResponse};
use wws_host::CancelReason;
use wws_host::ServiceHostProperties;
use wws_proxy::CallOptions;
use wws_proxy::ProxyProperties;

#[tokio::test]
async fn close_lets_every_in_flight_call_finish() {
    let mut served = serve(Default::default()).await;
    // No keep-alive pool: the call after the close connects afresh, so its
    // error says whether the host still listens (not whether a pooled
    // connection's close raced the call).
    let p = proxy_with(
        served.addr,
        EnvelopeVersion::Soap12,
        AddressingVersion::Transport,
        {
            let mut props = ProxyProperties::default();
            props.max_call_pool_size = 0;
            props
        },
    )
    .await;
    let calls: Vec<_> = [100, 200, 300]
        .into_iter()
        .map(|ms| {
            p.call::<Delay, DelayResponse>(
                DELAY_ACTION,
                &Delay { milliseconds: ms },
                CallOptions::new(),
            )
        })
        .collect();
    for ms in [100, 200, 300] {
        served.started(&format!("Delay({ms})")).await;
    }
    let host = served.host.clone();
    let closing = tokio::spawn(async move { host.close().await });
    for (ms, call) in [100, 200, 300].into_iter().zip(calls) {
        assert_eq!(
            within(call).await.expect("reply during close").milliseconds,
            ms
        );
    }
    within(closing).await.expect("close task").expect("close");
    assert_eq!(served.host.state(), ServiceHostState::Closed);
    // Nobody was cancelled.
    while let Ok(e) = served.events.try_recv() {
        assert!(!matches!(e, ServiceEvent::Cancelled { .. }), "{e:?}");
    }
    // A closed host takes no new calls.
    let r: Result<AddResponse, _> =
        within(p.call(ADD_ACTION, &Add { a: 1.0, b: 1.0 }, CallOptions::new())).await;
    assert!(matches!(r, Err(Error::EndpointUnreachable { .. })), "{r:?}");
}

#[tokio::test]
async fn after_close_timeout_the_rest_are_told_host_closing() {
    let props = {
        let mut props = ServiceHostProperties::default();
        props.close_timeout = Duration::from_millis(300);
        props
    };
    let mut served = serve(props).await;
    let p = proxy(
        served.addr,
        EnvelopeVersion::Soap11,
        AddressingVersion::WsAddressing10,
    )
    .await;
    let quick = p.call::<Delay, DelayResponse>(
        DELAY_ACTION,
        &Delay { milliseconds: 50 },
        CallOptions::new(),
    );
    let slow = p.call::<Delay, DelayResponse>(
        DELAY_ACTION,
        &Delay {
            milliseconds: 20_000,
        },
        CallOptions::new(),
    );
    served.started("Delay(50)").await;
    served.started("Delay(20000)").await;
    let t0 = Instant::now();
    within(served.host.close()).await.expect("close");
    let took = t0.elapsed();
    assert!(
        took >= Duration::from_millis(300),
        "closed before the timeout: {took:?}"
    );
    assert!(
        took < Duration::from_millis(300) + Duration::from_secs(2),
        "close took {took:?}"
    );
    assert_eq!(served.host.state(), ServiceHostState::Closed);
    let (_, request, reason, _) = served.cancelled().await;
    assert_eq!(
        (request.as_str(), reason),
        ("Delay(20000)", CancelReason::HostClosing)
    );
    assert_eq!(within(quick).await.expect("quick call").milliseconds, 50);
    let r = within(slow).await;
    assert!(
        matches!(r, Err(Error::EndpointDisconnected { .. })),
        "{r:?}"
    );
}

#[tokio::test]
async fn abort_during_close() {
    // A close timeout far beyond the test's bounds: only the abort can end the close.
    let props = {
        let mut props = ServiceHostProperties::default();
        props.close_timeout = Duration::from_secs(60);
        props
    };
    let mut served = serve(props).await;
    let p = proxy(
        served.addr,
        EnvelopeVersion::Soap11,
        AddressingVersion::Transport,
    )
    .await;
    let slow = p.call::<Delay, DelayResponse>(
        DELAY_ACTION,
        &Delay {
            milliseconds: 20_000,
        },
        CallOptions::new(),
    );
    served.started("Delay(20000)").await;
    let host = served.host.clone();
    let mut closing = std::pin::pin!(host.close());
    let first = std::future::poll_fn(|cx| Poll::Ready(closing.as_mut().poll(cx))).await;
    assert!(
        first.is_pending(),
        "close ended with an operation in flight"
    );
    assert_eq!(served.host.state(), ServiceHostState::Closing);

    let t0 = Instant::now();
    served.host.abort();
    assert!(
        t0.elapsed() < Duration::from_millis(50),
        "abort blocked for {:?}",
        t0.elapsed()
    );
    assert_eq!(served.host.state(), ServiceHostState::Closed);
    let r = within(closing).await;
    assert!(
        matches!(
            r,
            Err(Error::Aborted {
                object: "ServiceHost"
            })
        ),
        "{r:?}"
    );
    assert_eq!(served.host.state(), ServiceHostState::Closed);
    assert_eq!(
        served.host.in_flight(),
        0,
        "close returned before its exchanges ended"
    );
    let (_, request, reason, _) = served.cancelled().await;
    assert_eq!(
        (request.as_str(), reason),
        ("Delay(20000)", CancelReason::HostAborted)
    );
    let r = within(slow).await;
    assert!(
        matches!(r, Err(Error::EndpointDisconnected { .. })),
        "{r:?}"
    );
    // Closed is settled: another close is Ok at once.
    within(served.host.close())
        .await
        .expect("close after close");
}
