//! A host on loopback serving one contract, and proxies to it.
#![allow(dead_code)]

use std::time::Duration;

use wws_core::{AddressingVersion, EnvelopeVersion};
use wws_host::{Contract, Endpoint, ServiceHost};
use wws_proxy::{ProxyProperties, ServiceProxy};

/// Bound on any one wait (generous: CI is a loaded 2-core box).
pub const STEP: Duration = Duration::from_secs(10);

/// A host on 127.0.0.1:0 serving `contract` at `/svc` in `envelope`, opened.
pub async fn host(envelope: EnvelopeVersion, contract: Contract) -> (ServiceHost, String) {
    let host = ServiceHost::new("127.0.0.1:0".parse().expect("addr"));
    host.add_endpoint(Endpoint::new(
        "/svc",
        envelope,
        AddressingVersion::Transport,
        contract,
    ))
    .expect("endpoint");
    host.open().await.expect("open");
    let url = format!("http://{}/svc", host.local_addr().expect("bound"));
    (host, url)
}

/// An open proxy to `url`.
pub async fn proxy(
    url: &str,
    envelope: EnvelopeVersion,
    addressing: AddressingVersion,
    props: ProxyProperties,
) -> ServiceProxy {
    let proxy = ServiceProxy::builder(url)
        .envelope(envelope)
        .addressing(addressing)
        .properties(props)
        .build()
        .expect("proxy");
    proxy.open().await.expect("proxy open");
    proxy
}

/// `f`, or a panic naming `what` after [`STEP`].
pub async fn within<F: std::future::Future>(what: &str, f: F) -> F::Output {
    tokio::time::timeout(STEP, f)
        .await
        .unwrap_or_else(|_| panic!("{what}: no answer within {STEP:?}"))
}
