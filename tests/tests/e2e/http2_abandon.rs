//! Over HTTP/2 an abandoned, dropped or timed-out call resets its stream
//! only: the wire carries one RST_STREAM for it, the host tells that
//! operation `ChannelFaulted`, and every other call goes on, answered, on
//! the same single connection.

use std::time::{Duration, Instant};

use crate::support::*;
use wws_core::{AddressingVersion, CallId, EnvelopeVersion, Error};
use wws_examples::calculator::{DELAY_ACTION, Delay, DelayResponse, ServiceEvent};
use wws_host::CancelReason;
use wws_proxy::{CallOptions, PendingCall, ServiceProxy};

fn delay(p: &ServiceProxy, ms: i32, opts: CallOptions) -> PendingCall<DelayResponse> {
    p.call::<Delay, DelayResponse>(DELAY_ACTION, &Delay { milliseconds: ms }, opts)
}

/// The host's cancellations among the events left, each with its reason.
fn cancellations(served: &mut Served) -> Vec<(u64, CancelReason)> {
    let mut out = Vec::new();
    while let Ok(e) = served.events.try_recv() {
        if let ServiceEvent::Cancelled { id, reason, .. } = e {
            out.push((id, reason));
        }
    }
    out
}

#[tokio::test]
async fn one_of_a_thousand_calls_abandoned_resets_one_stream_and_999_are_answered() {
    const CALLS: i32 = 1000;
    let mut served = serve(h2_host(2 * CALLS as u32)).await;
    let relay = h2_relay(served.addr).await;
    let p = h2_proxy(
        &relay,
        EnvelopeVersion::Soap12,
        AddressingVersion::WsAddressing10,
        2 * CALLS as usize,
    )
    .await;
    let doomed = delay(&p, 20_000, CallOptions::new());
    let doomed_op = served.started("Delay(20000)").await;
    // 999 more, each with its own answer to check, in flight with it.
    let others: Vec<_> = (1..CALLS)
        .map(|i| (i, delay(&p, 1500 + i % 100, CallOptions::new())))
        .collect();
    // Every one of them reached the host (so all share the connection now).
    let mut started = 0;
    while started < CALLS - 1 {
        served
            .next(|e| matches!(e, ServiceEvent::Started { .. }).then_some(()))
            .await;
        started += 1;
    }

    let t0 = Instant::now();
    p.abandon_call(doomed.id()).expect("abandon");
    let r = within(doomed).await;
    let took = t0.elapsed();
    assert!(matches!(r, Err(Error::Abandoned { .. })), "{r:?}");
    assert!(took < Duration::from_millis(50), "abandon took {took:?}");
    let (id, _, reason, at) = served.cancelled().await;
    assert_eq!((id, reason), (doomed_op, CancelReason::ChannelFaulted));
    let told = at.duration_since(t0);
    assert!(told < Duration::from_millis(50), "host told after {told:?}");

    for (i, call) in others {
        let r = within(call).await.expect("another call");
        assert_eq!(r.milliseconds, 1500 + i % 100);
    }
    // One stream reset on the wire (CANCEL), one connection, one cancellation.
    assert_eq!(*relay.resets.borrow(), 1);
    assert_eq!(*relay.cancels.borrow(), 1);
    assert_eq!(
        relay.connections.load(std::sync::atomic::Ordering::SeqCst),
        1
    );
    assert_eq!(p.http2_connections(), 1);
    assert_eq!(*relay.closed.borrow(), 0, "the connection stayed open");
    assert_eq!(cancellations(&mut served), vec![]);
    assert_eq!(p.pending_calls(), 0);
    within(p.close()).await.expect("close");
    served.host.close().await.expect("host close");
}

#[tokio::test]
async fn abandoning_a_group_resets_its_streams_and_the_rest_go_on() {
    let mut served = serve(h2_host(100)).await;
    let relay = h2_relay(served.addr).await;
    let p = h2_proxy(
        &relay,
        EnvelopeVersion::Soap11,
        AddressingVersion::Transport,
        100,
    )
    .await;
    let group = CallId::new(42);
    let calls: Vec<_> = (0..3)
        .map(|_| delay(&p, 20_000, CallOptions::new().call_id(group)))
        .collect();
    let keep = delay(&p, 20_001, CallOptions::new());
    let mut ops = Vec::new();
    for _ in 0..3 {
        ops.push(served.started("Delay(20000)").await);
    }
    served.started("Delay(20001)").await;
    p.abandon_call(group).expect("abandon group");
    for call in calls {
        assert!(matches!(
            within(call).await,
            Err(Error::Abandoned { call_id: 42 })
        ));
    }
    let mut told = Vec::new();
    for _ in 0..3 {
        let (id, _, reason, _) = served.cancelled().await;
        assert_eq!(reason, CancelReason::ChannelFaulted);
        told.push(id);
    }
    told.sort_unstable();
    ops.sort_unstable();
    assert_eq!(told, ops);
    reaches(&relay.resets, 3).await;
    // The kept call is still pending on the same connection; a new one is answered there.
    assert_eq!(p.pending_calls(), 1);
    let r = within(delay(&p, 5, CallOptions::new()))
        .await
        .expect("new call");
    assert_eq!(r.milliseconds, 5);
    assert_eq!(*relay.resets.borrow(), 3);
    assert_eq!(
        relay.connections.load(std::sync::atomic::Ordering::SeqCst),
        1
    );

    // ALL: the kept call and two more, at once.
    let more: Vec<_> = (0..2)
        .map(|_| delay(&p, 20_002, CallOptions::new()))
        .collect();
    for _ in 0..2 {
        served.started("Delay(20002)").await;
    }
    p.abandon_call(CallId::ALL).expect("abandon all");
    assert!(matches!(within(keep).await, Err(Error::Abandoned { .. })));
    for call in more {
        assert!(matches!(within(call).await, Err(Error::Abandoned { .. })));
    }
    for _ in 0..3 {
        let (_, _, reason, _) = served.cancelled().await;
        assert_eq!(reason, CancelReason::ChannelFaulted);
    }
    reaches(&relay.resets, 6).await;
    let r = within(delay(&p, 6, CallOptions::new()))
        .await
        .expect("after ALL");
    assert_eq!(r.milliseconds, 6);
    assert_eq!(*relay.resets.borrow(), 6);
    assert_eq!(
        relay.connections.load(std::sync::atomic::Ordering::SeqCst),
        1
    );
    assert_eq!(*relay.closed.borrow(), 0);
    within(p.close()).await.expect("close");
    served.host.close().await.expect("host close");
}

#[tokio::test]
async fn a_dropped_call_resets_its_stream_and_the_host_is_told_within_50_ms() {
    let mut served = serve(h2_host(100)).await;
    let relay = h2_relay(served.addr).await;
    let p = h2_proxy(
        &relay,
        EnvelopeVersion::Soap11,
        AddressingVersion::Transport,
        100,
    )
    .await;
    let keep = delay(&p, 20_001, CallOptions::new());
    served.started("Delay(20001)").await;
    let call = delay(&p, 20_000, CallOptions::new());
    let op = served.started("Delay(20000)").await;
    let t0 = Instant::now();
    drop(call);
    let (id, _, reason, at) = served.cancelled().await;
    assert_eq!((id, reason), (op, CancelReason::ChannelFaulted));
    let told = at.duration_since(t0);
    assert!(told < Duration::from_millis(50), "{told:?}");
    reaches(&relay.resets, 1).await;
    assert_eq!(p.pending_calls(), 1, "the other call is still pending");
    let r = within(delay(&p, 7, CallOptions::new()))
        .await
        .expect("next");
    assert_eq!(r.milliseconds, 7);
    assert_eq!(*relay.resets.borrow(), 1);
    assert_eq!(
        relay.connections.load(std::sync::atomic::Ordering::SeqCst),
        1
    );
    drop(keep);
    served.host.close().await.expect("host close");
}

#[tokio::test]
async fn a_call_timeout_resets_its_stream_only() {
    let mut served = serve(h2_host(100)).await;
    let relay = h2_relay(served.addr).await;
    let p = h2_proxy(
        &relay,
        EnvelopeVersion::Soap12,
        AddressingVersion::Transport,
        100,
    )
    .await;
    let r = within(delay(
        &p,
        20_000,
        CallOptions::new().timeout(Duration::from_millis(200)),
    ))
    .await;
    assert!(matches!(r, Err(Error::TimedOut { .. })), "{r:?}");
    let (_, _, reason, _) = served.cancelled().await;
    assert_eq!(reason, CancelReason::ChannelFaulted);
    reaches(&relay.resets, 1).await;
    let r = within(delay(&p, 8, CallOptions::new()))
        .await
        .expect("next");
    assert_eq!(r.milliseconds, 8);
    assert_eq!(*relay.resets.borrow(), 1);
    assert_eq!(
        relay.connections.load(std::sync::atomic::Ordering::SeqCst),
        1
    );
    within(p.close()).await.expect("close");
    served.host.close().await.expect("host close");
}
