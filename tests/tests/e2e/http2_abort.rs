//! Over HTTP/2, aborting the proxy or the host ends the shared
//! connection: every call on it fails at once, every operation is told
//! why, and the connection closes: after GOAWAY, and from the host after
//! a CANCEL reset of each stream still open.

use std::time::{Duration, Instant};

use crate::support::*;
use wws_core::state::ServiceHostState;
use wws_core::{AddressingVersion, EnvelopeVersion, Error};
use wws_examples::calculator::{DELAY_ACTION, Delay, DelayResponse};
use wws_host::CancelReason;
use wws_proxy::CallOptions;

fn delay(p: &wws_proxy::ServiceProxy) -> wws_proxy::PendingCall<DelayResponse> {
    p.call::<Delay, DelayResponse>(
        DELAY_ACTION,
        &Delay {
            milliseconds: 20_000,
        },
        CallOptions::new(),
    )
}

#[tokio::test]
async fn proxy_abort_ends_every_stream_and_closes_the_connection() {
    let mut served = serve(h2_host(100)).await;
    let relay = h2_relay(served.addr).await;
    let p = h2_proxy(
        &relay,
        EnvelopeVersion::Soap11,
        AddressingVersion::Transport,
        100,
    )
    .await;
    let calls: Vec<_> = (0..5).map(|_| delay(&p)).collect();
    for _ in 0..5 {
        served.started("Delay(20000)").await;
    }
    assert_eq!(
        relay.connections.load(std::sync::atomic::Ordering::SeqCst),
        1
    );
    let t0 = Instant::now();
    p.abort();
    for call in calls {
        assert!(matches!(within(call).await, Err(Error::Aborted { .. })));
    }
    assert!(
        t0.elapsed() < Duration::from_millis(50),
        "{:?}",
        t0.elapsed()
    );
    // GOAWAY, then the connection closes: every stream ends with it.
    reaches(&relay.goaways, 1).await;
    reaches(&relay.closed, 1).await;
    for _ in 0..5 {
        let (_, _, reason, _) = served.cancelled().await;
        assert_eq!(reason, CancelReason::ChannelFaulted);
    }
    assert_eq!(p.http2_connections(), 0);
    served.host.close().await.expect("host close");
}

#[tokio::test]
async fn host_abort_ends_every_stream_and_the_calls_fail_at_once() {
    let mut served = serve(h2_host(100)).await;
    let relay = h2_relay(served.addr).await;
    let p = h2_proxy(
        &relay,
        EnvelopeVersion::Soap12,
        AddressingVersion::WsAddressing10,
        100,
    )
    .await;
    let calls: Vec<_> = (0..4).map(|_| delay(&p)).collect();
    for _ in 0..4 {
        served.started("Delay(20000)").await;
    }
    served.host.abort();
    assert_eq!(served.host.state(), ServiceHostState::Faulted);
    for _ in 0..4 {
        let (_, _, reason, _) = served.cancelled().await;
        assert_eq!(reason, CancelReason::HostAborted);
    }
    for call in calls {
        let r = within(call).await;
        assert!(
            matches!(r, Err(Error::EndpointDisconnected { .. })),
            "{r:?}"
        );
    }
    // On the wire: each stream reset with CANCEL, and GOAWAY, before the close.
    reaches(&relay.from_host.ended, 1).await;
    assert_eq!(*relay.from_host.cancels.borrow(), 4);
    assert_eq!(*relay.from_host.other_resets.borrow(), 0);
    assert!(*relay.from_host.goaways.borrow() >= 1);
    // The proxy's connection is gone; the proxy itself stays usable.
    reaches(&relay.closed, 1).await;
    within(p.close()).await.expect("proxy close");
    within(served.host.close())
        .await
        .expect("close after abort");
}

#[tokio::test]
async fn host_close_lets_streams_finish_then_escalates_for_the_rest() {
    let mut props = h2_host(100);
    props.close_timeout = Duration::from_millis(300);
    let mut served = serve(props).await;
    let relay = h2_relay(served.addr).await;
    let p = h2_proxy(
        &relay,
        EnvelopeVersion::Soap11,
        AddressingVersion::Transport,
        100,
    )
    .await;
    let quick = p.call::<Delay, DelayResponse>(
        DELAY_ACTION,
        &Delay { milliseconds: 100 },
        CallOptions::new(),
    );
    served.started("Delay(100)").await;
    let slow = delay(&p);
    served.started("Delay(20000)").await;
    let closing = tokio::spawn({
        let host = served.host.clone();
        async move { host.close().await }
    });
    // The stream in progress finishes on the closing connection.
    assert_eq!(within(quick).await.expect("quick").milliseconds, 100);
    // The slow one is cut at the close timeout.
    let (_, _, reason, _) = served.cancelled().await;
    assert_eq!(reason, CancelReason::HostClosing);
    let r = within(slow).await;
    assert!(r.is_err(), "{r:?}");
    within(closing).await.expect("task").expect("close");
    // GOAWAY when the close began; the slow stream reset with CANCEL at its timeout.
    reaches(&relay.from_host.ended, 1).await;
    assert!(*relay.from_host.goaways.borrow() >= 1);
    assert_eq!(*relay.from_host.cancels.borrow(), 1);
    assert_eq!(*relay.from_host.resets.borrow(), 1);
    reaches(&relay.closed, 1).await;
}
