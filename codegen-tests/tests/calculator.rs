//! The client generated from examples/calculator.wsdl calls the
//! hand-written calculator host (wws-examples) over loopback, on both SOAP
//! versions, with and without WS-Addressing.

use std::time::Duration;

use wws_codegen_tests::calculator::{Add, CalculatorClient, Delay, Divide, Echo, op};
use wws_core::operation::Operation;
use wws_core::{AddressingVersion, EnvelopeVersion, Error};
use wws_examples::calculator::{self as hand, Calculator};
use wws_host::ServiceHostProperties;
use wws_proxy::{ProxyProperties, ServiceProxy};

const STEP: Duration = Duration::from_secs(10);

async fn within<F: std::future::Future>(f: F) -> F::Output {
    tokio::time::timeout(STEP, f).await.expect("in time")
}

#[test]
fn generated_operations_match_the_hand_written_ones() {
    assert_eq!(op::Add::ACTION, hand::op::Add::ACTION);
    assert_eq!(op::Divide::reply_action(), hand::op::Divide::reply_action());
    assert_eq!(op::Echo::NAMESPACE, hand::NAMESPACE);
    assert_eq!(op::Delay::PORT_TYPE, hand::PORT_TYPE);
    assert_eq!(op::Delay::NAME, "Delay");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn generated_client_calls_the_calculator_host() {
    let host = Calculator::new()
        .start(([127, 0, 0, 1], 0).into(), ServiceHostProperties::default())
        .await
        .expect("host open");
    let addr = host.local_addr().expect("bound");
    for (envelope, addressing, path) in [
        (
            EnvelopeVersion::Soap11,
            AddressingVersion::Transport,
            hand::PATH_SOAP11,
        ),
        (
            EnvelopeVersion::Soap11,
            AddressingVersion::WsAddressing10,
            hand::PATH_SOAP11,
        ),
        (
            EnvelopeVersion::Soap12,
            AddressingVersion::Transport,
            hand::PATH_SOAP12,
        ),
        (
            EnvelopeVersion::Soap12,
            AddressingVersion::WsAddressing10,
            hand::PATH_SOAP12,
        ),
    ] {
        let proxy = ServiceProxy::with_properties(
            &hand::url(addr, path),
            envelope,
            addressing,
            ProxyProperties::default(),
        )
        .expect("proxy");
        within(proxy.open()).await.expect("proxy open");
        let client = CalculatorClient::new(proxy);
        let at = format!("{envelope:?}/{addressing:?}");

        let sum = within(client.add(&Add { a: 1.5, b: 2.25 }))
            .await
            .expect(&at);
        assert_eq!(sum.result, 3.75, "{at}");
        let q = within(client.divide(&Divide { a: 9.0, b: 4.0 }))
            .await
            .expect(&at);
        assert_eq!(q.result, 2.25, "{at}");
        let text = "généré <&> \u{1F980}".to_owned();
        let echo = within(client.echo(&Echo { text: text.clone() }))
            .await
            .expect(&at);
        assert_eq!(echo.text, text, "{at}");
        let d = within(client.delay(&Delay { milliseconds: 1 }))
            .await
            .expect(&at);
        assert_eq!(d.milliseconds, 1, "{at}");

        let err = within(client.divide(&Divide { a: 1.0, b: 0.0 }))
            .await
            .expect_err("division by zero faults");
        match &err {
            Error::FaultReceived(f) => {
                assert!(f.to_string().contains("division by zero"), "{at}: {f}");
            }
            other => panic!("{at}: not a fault: {other}"),
        }

        // Calls run concurrently on one client, and each id is known at once.
        let a = client.add(&Add { a: 1.0, b: 1.0 });
        let b = client.add(&Add { a: 2.0, b: 2.0 });
        assert_ne!(a.id(), b.id());
        let (a, b) = within(async { (a.await, b.await) }).await;
        assert_eq!((a.expect(&at).result, b.expect(&at).result), (2.0, 4.0));
        within(client.proxy().close()).await.expect("close");
    }
    within(host.close()).await.expect("host close");
}
