//! What the host's operations are told when clients go: proxy abort,
//! client timeout. (Abandon: `abandon_call.rs`; host abort and close:
//! `abort_host.rs`, `close_host.rs`.)

use std::time::{Duration, Instant};

use crate::support::*;
use wws_core::{AddressingVersion, EnvelopeVersion, Error};
use wws_examples::calculator::{DELAY_ACTION, Delay, DelayResponse};
use wws_host::CancelReason;
use wws_proxy::CallOptions;
use wws_proxy::ProxyProperties;

#[tokio::test]
async fn proxy_abort_tells_each_operation_channel_faulted_within_50ms() {
    let mut served = serve(Default::default()).await;
    for (envelope, addressing) in BINDINGS {
        let p = proxy(served.addr, envelope, addressing).await;
        let calls: Vec<_> = (0..3)
            .map(|_| {
                p.call::<Delay, DelayResponse>(
                    DELAY_ACTION,
                    &Delay {
                        milliseconds: 20_000,
                    },
                    CallOptions::new(),
                )
            })
            .collect();
        for _ in 0..3 {
            served.started("Delay(20000)").await;
        }
        let t0 = Instant::now();
        p.abort();
        for call in calls {
            assert!(matches!(within(call).await, Err(Error::Aborted { .. })));
        }
        for _ in 0..3 {
            let (_, _, reason, at) = served.cancelled().await;
            assert_eq!(reason, CancelReason::ChannelFaulted);
            let took = at.duration_since(t0);
            assert!(
                took < Duration::from_millis(50),
                "{envelope:?}/{addressing:?}: told after {took:?}"
            );
        }
    }
    assert_eq!(served.host.in_flight(), 0);
    served.host.close().await.expect("close");
}

#[tokio::test]
async fn a_client_timeout_cancels_the_operation() {
    let mut served = serve(Default::default()).await;
    let props = {
        let mut props = ProxyProperties::default();
        props.call_timeout = Some(Duration::from_millis(200));
        props
    };
    let p = proxy_with(
        served.addr,
        EnvelopeVersion::Soap12,
        AddressingVersion::Transport,
        props,
    )
    .await;
    let call = p.call::<Delay, DelayResponse>(
        DELAY_ACTION,
        &Delay {
            milliseconds: 20_000,
        },
        CallOptions::new(),
    );
    served.started("Delay(20000)").await;
    assert!(matches!(within(call).await, Err(Error::TimedOut { .. })));
    let (_, _, reason, _) = served.cancelled().await;
    assert_eq!(reason, CancelReason::ChannelFaulted);
    served.host.close().await.expect("close");
}
