//! Per-call options on typed calls: a timeout shorter or longer than the
//! proxy's `call_timeout`, a chosen call id.

use std::time::Duration;

use wws_core::{AddressingVersion, EnvelopeVersion, Error};
use wws_examples::calculator::{self, Calculator, CalculatorClient, Delay};
use wws_proxy::{CallOptions, ProxyProperties, ServiceProxy};

use crate::support::within;

async fn client(call_timeout: Duration) -> (wws_host::ServiceHost, CalculatorClient) {
    let host = Calculator::new()
        .start(([127, 0, 0, 1], 0).into(), Default::default())
        .await
        .expect("host");
    let url = calculator::url(host.local_addr().expect("bound"), calculator::PATH_SOAP11);
    let mut props = ProxyProperties::default();
    props.call_timeout = Some(call_timeout);
    let proxy = ServiceProxy::with_properties(
        &url,
        EnvelopeVersion::Soap11,
        AddressingVersion::Transport,
        props,
    )
    .expect("proxy");
    proxy.open().await.expect("open");
    (host, CalculatorClient::new(proxy))
}

#[tokio::test]
async fn a_per_call_timeout_shorter_than_the_proxys_ends_that_call_only() {
    let (host, client) = client(Duration::from_secs(60)).await;
    let slow = client.delay_with(
        &Delay {
            milliseconds: 60_000,
        },
        CallOptions::new()
            .timeout(Duration::from_millis(200))
            .call_id(42),
    );
    assert_eq!(slow.id().get(), 42);
    let quick = client.delay(&Delay { milliseconds: 1 });
    match within("slow", slow).await {
        Err(Error::TimedOut { after, .. }) => assert_eq!(after, Duration::from_millis(200)),
        other => panic!("expected TimedOut, got {other:?}"),
    }
    assert_eq!(within("quick", quick).await.expect("quick").milliseconds, 1);
    host.abort();
}

#[tokio::test]
async fn a_per_call_timeout_longer_than_the_proxys_lets_the_call_finish() {
    let (host, client) = client(Duration::from_millis(100)).await;
    let short = client.delay(&Delay {
        milliseconds: 2_000,
    });
    assert!(
        matches!(within("short", short).await, Err(Error::TimedOut { .. })),
        "the proxy's call_timeout applies by default"
    );
    let long = client.delay_with(
        &Delay { milliseconds: 300 },
        CallOptions::new().timeout(Duration::from_secs(10)),
    );
    assert_eq!(within("long", long).await.expect("long").milliseconds, 300);
    host.abort();
}
