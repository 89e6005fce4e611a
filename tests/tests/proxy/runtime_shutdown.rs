//! A call whose runtime shuts down under it still completes (Aborted), and
//! its slot and connection are released.

use std::time::Duration;

use crate::support::{CalculatorServer, delay};
use wws_core::{AddressingVersion, EnvelopeVersion, Error};
use wws_proxy::ServiceProxy;

const LIMIT: Duration = Duration::from_secs(30);

#[test]
fn pending_calls_end_aborted_when_their_runtime_shuts_down() {
    let server_rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("server runtime");
    let server = server_rt.block_on(CalculatorServer::start());
    let client_rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("client runtime");

    let proxy = ServiceProxy::new(
        &server.url(),
        EnvelopeVersion::Soap11,
        AddressingVersion::Transport,
    )
    .expect("proxy");
    client_rt.block_on(proxy.open()).expect("open");
    // The call's task is spawned on the runtime the proxy was opened on.
    let call = delay(&proxy, 60_000);
    assert!(
        client_rt.block_on(
            server
                .stats
                .wait_until(LIMIT, |s| s.get(|s| &s.in_flight) == 1)
        )
    );
    assert_eq!(proxy.pending_calls(), 1);

    // The call's task is dropped with its runtime.
    drop(client_rt);
    assert_eq!(proxy.pending_calls(), 0);
    server_rt.block_on(async {
        match call.await {
            Err(Error::Aborted { object }) => assert_eq!(object, "ServiceProxy"),
            other => panic!("expected Aborted, got {other:?}"),
        }
        assert!(
            server
                .stats
                .wait_until(LIMIT, |s| s.get(|s| &s.closed_early) == 1)
                .await,
            "the server did not see the connection close"
        );
    });
}
