//! The proxy's HTTP/2 pool: calls share a connection up to the stream
//! limit per connection, then spread over a few more, then queue; over
//! HTTPS the host and the proxy agree on `h2` by ALPN.

use std::sync::atomic::Ordering;

use crate::support::*;
use wws_core::{AddressingVersion, EnvelopeVersion, Error};
use wws_examples::calculator::{self, DELAY_ACTION, Delay, DelayResponse};
use wws_proxy::{CallOptions, ServiceProxy};
use wws_tests::pki::{PemFiles, TestCa};

fn delay(p: &ServiceProxy, ms: i32) -> wws_proxy::PendingCall<DelayResponse> {
    p.call::<Delay, DelayResponse>(
        DELAY_ACTION,
        &Delay { milliseconds: ms },
        CallOptions::new(),
    )
}

async fn pooled(relay: &H2Relay, streams: usize, connections: usize) -> ServiceProxy {
    let p = ServiceProxy::builder(&calculator::url(relay.addr, calculator::PATH_SOAP11))
        .envelope(EnvelopeVersion::Soap11)
        .addressing(AddressingVersion::Transport)
        .http2(wws_channel::connector::Http2Mode::PriorKnowledge)
        .max_streams_per_connection(streams)
        .max_call_pool_size(connections)
        .build()
        .expect("proxy");
    within(p.open()).await.expect("open");
    p
}

#[tokio::test]
async fn calls_spread_over_connections_at_the_stream_limit_then_queue() {
    let mut served = serve(h2_host(100)).await;
    let relay = h2_relay(served.addr).await;
    // Two streams per connection, at most three connections.
    let p = pooled(&relay, 2, 3).await;
    let calls: Vec<_> = (0..8).map(|i| delay(&p, 20_000 + i)).collect();
    for _ in 0..8 {
        served
            .next(|e| matches!(e, calculator::ServiceEvent::Started { .. }).then_some(()))
            .await;
    }
    // Six fill three connections; two more queue on them, none opens a fourth.
    assert_eq!(relay.connections.load(Ordering::SeqCst), 3);
    assert_eq!(p.http2_connections(), 3);
    p.abandon_call(wws_core::CallId::ALL).expect("abandon");
    for call in calls {
        assert!(matches!(within(call).await, Err(Error::Abandoned { .. })));
    }
    reaches(&relay.resets, 8).await;
    // The connections stay, and serve new calls.
    assert_eq!(within(delay(&p, 3)).await.expect("call").milliseconds, 3);
    assert_eq!(relay.connections.load(Ordering::SeqCst), 3);
    assert_eq!(*relay.closed.borrow(), 0);
    within(p.close()).await.expect("close");
    reaches(&relay.closed, 3).await;
    served.host.close().await.expect("host close");
}

#[tokio::test]
async fn over_https_alpn_chooses_h2_and_calls_share_one_connection() {
    let (ca, files) = (TestCa::new("wws test CA"), PemFiles::new("e2e-h2"));
    let server = ca.server(&["localhost"]);
    let (cert, key) = (
        files.write("server.crt", &server.cert),
        files.write("server.key", &server.key),
    );
    let (service, _events) = calculator::Calculator::with_events();
    let mut builder =
        wws_host::ServiceHost::builder(([127, 0, 0, 1], 0).into()).tls_pem_files(cert, key);
    for e in service.endpoints() {
        builder = builder.endpoint(e);
    }
    let host = builder.build().expect("host");
    host.open().await.expect("host open");
    let port = host.local_addr().expect("bound").port();
    let tls = wws_channel::tls::TlsConnector::builder()
        .built_in_roots(wws_channel::tls::BuiltInRoots::None)
        .add_root_certificate(
            wws_channel::tls::Certificate::from_pem(ca.cert_pem.as_bytes()).expect("ca"),
        )
        .build()
        .expect("connector");
    let p = ServiceProxy::builder(&format!(
        "https://localhost:{port}{}",
        calculator::PATH_SOAP12
    ))
    .envelope(EnvelopeVersion::Soap12)
    .addressing(AddressingVersion::WsAddressing10)
    .http2(wws_channel::connector::Http2Mode::Negotiate)
    .connector(tls)
    .build()
    .expect("proxy");
    within(p.open()).await.expect("open");
    assert_eq!(p.http2_connections(), 1, "ALPN chose h2");
    let calls: Vec<_> = (0..10).map(|i| delay(&p, 10 + i)).collect();
    for (i, call) in (0..10).zip(calls) {
        assert_eq!(within(call).await.expect("call").milliseconds, 10 + i);
    }
    assert_eq!(p.http2_connections(), 1);
    assert_eq!(p.idle_connections(), 0);
    within(p.close()).await.expect("close");
    host.close().await.expect("host close");
}
