//! Abandoning one call by id: it ends at once, the others finish, and the
//! host's operation is told `ChannelFaulted` within 50 ms.

use std::time::{Duration, Instant};

use crate::support::*;
use wws_core::{CallId, Error};
use wws_examples::calculator::{DELAY_ACTION, Delay, DelayResponse};
use wws_host::CancelReason;
use wws_proxy::CallOptions;

#[tokio::test]
async fn abandon_one_delay_the_host_sees_channel_faulted_and_the_rest_finish() {
    let mut served = serve(Default::default()).await;
    for (envelope, addressing) in BINDINGS {
        let p = proxy(served.addr, envelope, addressing).await;
        let ctx = format!("{envelope:?}/{addressing:?}");
        let delay = |ms| {
            p.call::<Delay, DelayResponse>(
                DELAY_ACTION,
                &Delay { milliseconds: ms },
                CallOptions::new(),
            )
        };
        let doomed = delay(20_000);
        let doomed_op = served.started("Delay(20000)").await;
        let others: Vec<_> = (1..=3).map(|i| delay(i * 20)).collect();

        let t0 = Instant::now();
        p.abandon_call(doomed.id()).expect("abandon");
        let r = within(doomed).await;
        assert!(matches!(r, Err(Error::Abandoned { .. })), "{ctx}: {r:?}");
        let (id, _, reason, at) = served.cancelled().await;
        assert_eq!(
            (id, reason),
            (doomed_op, CancelReason::ChannelFaulted),
            "{ctx}"
        );
        let took = at.duration_since(t0);
        assert!(
            took < Duration::from_millis(50),
            "{ctx}: host told after {took:?}"
        );

        for (i, call) in (1..=3).zip(others) {
            let r = within(call).await.expect(&ctx);
            assert_eq!(r.milliseconds, i * 20, "{ctx}");
        }
        assert_eq!(p.pending_calls(), 0);
        within(p.close()).await.expect("close");
    }
    served.host.close().await.expect("host close");
}

#[tokio::test]
async fn abandoning_a_group_cancels_each_of_its_operations() {
    let mut served = serve(Default::default()).await;
    let p = proxy(
        served.addr,
        wws_core::EnvelopeVersion::Soap12,
        wws_core::AddressingVersion::WsAddressing10,
    )
    .await;
    let group = CallId::new(42);
    let calls: Vec<_> = (0..3)
        .map(|_| {
            p.call::<Delay, DelayResponse>(
                DELAY_ACTION,
                &Delay {
                    milliseconds: 20_000,
                },
                CallOptions::new().call_id(group),
            )
        })
        .collect();
    let keep = p.call::<Delay, DelayResponse>(
        DELAY_ACTION,
        &Delay { milliseconds: 30 },
        CallOptions::new(),
    );
    let mut ops = Vec::new();
    for _ in 0..3 {
        ops.push(served.started("Delay(20000)").await);
    }
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
    assert_eq!(within(keep).await.expect("kept call").milliseconds, 30);
    served.host.close().await.expect("host close");
}

#[tokio::test]
async fn dropping_a_pending_call_is_abandoning_it() {
    let mut served = serve(Default::default()).await;
    let p = proxy(
        served.addr,
        wws_core::EnvelopeVersion::Soap11,
        wws_core::AddressingVersion::Transport,
    )
    .await;
    let call = p.call::<Delay, DelayResponse>(
        DELAY_ACTION,
        &Delay {
            milliseconds: 20_000,
        },
        CallOptions::new(),
    );
    let op = served.started("Delay(20000)").await;
    let t0 = Instant::now();
    drop(call);
    let (id, _, reason, at) = served.cancelled().await;
    assert_eq!((id, reason), (op, CancelReason::ChannelFaulted));
    assert!(
        at.duration_since(t0) < Duration::from_millis(50),
        "{:?}",
        at.duration_since(t0)
    );
    served.host.close().await.expect("host close");
}
