//! A fault reply ends the call with FaultReceived carrying the parsed fault,
//! in both envelope versions; the connection stays usable.

use std::time::Duration;

use crate::support::{CalculatorServer, open_proxy, within};
use wws_core::{AddressingVersion, EnvelopeVersion, Error, FaultCode};
use wws_examples::calculator::{DIVIDE_ACTION, Divide, DivideResponse};
use wws_proxy::CallOptions;
use wws_proxy::ProxyProperties;

const LIMIT: Duration = Duration::from_secs(30);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn divide_by_zero_is_fault_received_with_its_reason() {
    let server = CalculatorServer::start().await;
    for (envelope, addressing) in [
        (EnvelopeVersion::Soap11, AddressingVersion::Transport),
        (EnvelopeVersion::Soap12, AddressingVersion::Transport),
        (EnvelopeVersion::Soap12, AddressingVersion::WsAddressing10),
    ] {
        let proxy = open_proxy(&server, envelope, addressing, ProxyProperties::default()).await;
        let r = within(
            LIMIT,
            "divide",
            proxy.call::<Divide, DivideResponse>(
                DIVIDE_ACTION,
                &Divide { a: 1.0, b: 0.0 },
                CallOptions::new(),
            ),
        )
        .await;
        let err = r.expect_err("dividing by zero is a fault");
        assert_eq!(
            err.hresult(),
            wws_core::error::hresult::WS_E_ENDPOINT_FAULT_RECEIVED
        );
        let Error::FaultReceived(fault) = &err else {
            panic!("expected FaultReceived, got {err:?}");
        };
        assert_eq!(fault.code, FaultCode::Sender, "{envelope:?}");
        assert_eq!(fault.reason_text(), "division by zero");

        // A fault completes the exchange: the connection is reused.
        let ok = within(
            LIMIT,
            "divide",
            proxy.call::<Divide, DivideResponse>(
                DIVIDE_ACTION,
                &Divide { a: 1.0, b: 4.0 },
                CallOptions::new(),
            ),
        )
        .await
        .expect("divide");
        assert_eq!(ok.result, 0.25);
        within(LIMIT, "close", proxy.close()).await.expect("close");
    }
    assert_eq!(
        server.stats.get(|s| &s.connections),
        3,
        "one connection per proxy"
    );
}
