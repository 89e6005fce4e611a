//! `call_message` with a message whose envelope version is not the proxy's
//! fails at once with InvalidFormat: no slot is taken and nothing is sent.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use crate::support::{CalculatorServer, open_proxy, within};
use wws_core::{AddressingVersion, EnvelopeVersion, Error, Message};
use wws_examples::calculator::{ADD_ACTION, Add, AddResponse};
use wws_proxy::CallOptions;
use wws_proxy::ProxyProperties;

const LIMIT: Duration = Duration::from_secs(30);

fn add(envelope: EnvelopeVersion, addressing: AddressingVersion) -> Message {
    Message::from_body(envelope, addressing, ADD_ACTION, &Add { a: 1.0, b: 2.0 })
        .expect("from_body")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_of_the_other_envelope_version_fails_at_once() {
    let server = CalculatorServer::start().await;
    let versions = [
        (EnvelopeVersion::Soap11, EnvelopeVersion::Soap12),
        (EnvelopeVersion::Soap12, EnvelopeVersion::Soap11),
    ];
    for (round, (proxy_version, other)) in versions.into_iter().enumerate() {
        let addressing = AddressingVersion::WsAddressing10;
        let proxy = open_proxy(
            &server,
            proxy_version,
            addressing,
            ProxyProperties::default(),
        )
        .await;

        let mut call = proxy.call_message(add(other, addressing), CallOptions::new().call_id(3));
        assert_eq!(proxy.pending_calls(), 0, "a refused call takes no slot");
        // Already failed: the first poll answers, no task involved.
        let mut cx = Context::from_waker(Waker::noop());
        match Pin::new(&mut call).poll(&mut cx) {
            Poll::Ready(Err(Error::InvalidFormat(what))) => {
                assert!(
                    what.contains(&format!("{other:?}"))
                        && what.contains(&format!("{proxy_version:?}")),
                    "the error names both versions: {what}"
                );
            }
            other => panic!("expected InvalidFormat at once, got {other:?}"),
        }

        // The matching version goes through; only it reached the server.
        let reply = within(
            LIMIT,
            "a matching call",
            proxy.call_message(add(proxy_version, addressing), CallOptions::new()),
        )
        .await
        .expect("reply");
        assert_eq!(reply.envelope, proxy_version);
        let sum: AddResponse = reply.read_body().expect("AddResponse");
        assert_eq!(sum.result, 3.0);
        assert_eq!(server.stats.get(|s| &s.requests), round + 1);
        within(LIMIT, "close", proxy.close()).await.expect("close");
    }
}
