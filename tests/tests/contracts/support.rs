//! A host on loopback serving one contract, and proxies to it.
#![allow(dead_code)]

use std::time::Duration;

use wws_core::bytes::BytesMut;
use wws_core::{AddressingVersion, BodyElement, EnvelopeVersion};
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

/// Writes a body element as a string.
pub fn to_xml<T: BodyElement>(v: &T) -> String {
    let mut out = BytesMut::new();
    v.write_element(&mut out).expect("writes");
    String::from_utf8(out.to_vec()).expect("utf8")
}

/// Writes `v` and reads it back.
pub fn round_trip<T: BodyElement>(v: &T) -> T {
    let xml = to_xml(v);
    T::read_element(xml.as_bytes()).unwrap_or_else(|e| panic!("{e}\n{xml}"))
}

/// The path of a real-world contract in the folder next to the repository.
pub fn shared_wsdl_path(relative: &str) -> String {
    format!(
        "{}/../../shared/wsdl/{relative}",
        env!("CARGO_MANIFEST_DIR")
    )
}

/// A real-world contract from the folder next to the repository, if
/// present (prints a loud SKIPPED line when it is not).
pub fn shared_wsdl(relative: &str) -> Option<String> {
    let path = shared_wsdl_path(relative);
    match std::fs::read_to_string(&path) {
        Ok(text) => Some(text),
        Err(e) => {
            loud_skip(&format!(
                "{path} is not readable ({e}); the check against it did not run"
            ));
            None
        }
    }
}

/// Prints past libtest's output capture, so a skip is seen in every run.
pub fn loud_skip(why: &str) {
    use std::io::Write;
    let line = "=".repeat(65);
    let _ = writeln!(std::io::stderr(), "{line}\nSKIPPED: {why}\n{line}");
}
