//! Aborting the host with calls in flight: every operation is told
//! `HostAborted`, every client's call fails, the host is `Faulted`.

use std::time::{Duration, Instant};

use crate::support::*;
use wws_core::state::ServiceHostState;
use wws_core::{AddressingVersion, EnvelopeVersion, Error};
use wws_examples::calculator::{ADD_ACTION, Add, AddResponse, DELAY_ACTION, Delay, DelayResponse};
use wws_host::CancelReason;
use wws_proxy::CallOptions;

#[tokio::test]
async fn abort_with_calls_in_flight() {
    let mut served = serve(Default::default()).await;
    let p11 = proxy(
        served.addr,
        EnvelopeVersion::Soap11,
        AddressingVersion::Transport,
    )
    .await;
    let p12 = proxy(
        served.addr,
        EnvelopeVersion::Soap12,
        AddressingVersion::WsAddressing10,
    )
    .await;
    let delay = Delay {
        milliseconds: 20_000,
    };
    let calls = vec![
        p11.call::<Delay, DelayResponse>(DELAY_ACTION, &delay, CallOptions::new()),
        p11.call::<Delay, DelayResponse>(DELAY_ACTION, &delay, CallOptions::new()),
        p12.call::<Delay, DelayResponse>(DELAY_ACTION, &delay, CallOptions::new()),
        p12.call::<Delay, DelayResponse>(DELAY_ACTION, &delay, CallOptions::new()),
    ];
    for _ in 0..4 {
        served.started("Delay(20000)").await;
    }

    let t0 = Instant::now();
    served.host.abort();
    assert!(
        t0.elapsed() < Duration::from_millis(50),
        "abort blocked for {:?}",
        t0.elapsed()
    );
    assert_eq!(served.host.state(), ServiceHostState::Faulted);
    for _ in 0..4 {
        let (_, _, reason, _) = served.cancelled().await;
        assert_eq!(reason, CancelReason::HostAborted);
    }
    // The clients see their connections go (not a reply, not a hang).
    for call in calls {
        let r = within(call).await;
        assert!(
            matches!(r, Err(Error::EndpointDisconnected { .. })),
            "{r:?}"
        );
    }
    // New calls cannot reach an aborted host.
    let r: Result<AddResponse, _> =
        within(p11.call(ADD_ACTION, &Add { a: 1.0, b: 1.0 }, CallOptions::new())).await;
    assert!(matches!(r, Err(Error::EndpointUnreachable { .. })), "{r:?}");
    // Abort is idempotent; close after abort is allowed and ends Closed.
    served.host.abort();
    within(served.host.close())
        .await
        .expect("close after abort");
    assert_eq!(served.host.state(), ServiceHostState::Closed);
}
