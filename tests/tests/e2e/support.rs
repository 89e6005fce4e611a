//! Shared by the end-to-end tests: a calculator host on loopback, proxies
//! for each SOAP and addressing version, and bounded waits on host events.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::time::Duration;

use tokio::sync::mpsc;
use wws_core::{AddressingVersion, EnvelopeVersion};
use wws_examples::calculator::{self, Calculator, ServiceEvent};
use wws_host::ServiceHostProperties;
use wws_host::{CancelReason, ServiceHost};
use wws_proxy::ProxyProperties;
use wws_proxy::ServiceProxy;

/// Bound on any one wait (generous: CI is a loaded 2-core box).
pub const STEP: Duration = Duration::from_secs(10);

/// The four ways a client can talk to the calculator.
pub const BINDINGS: [(EnvelopeVersion, AddressingVersion); 4] = [
    (EnvelopeVersion::Soap11, AddressingVersion::Transport),
    (EnvelopeVersion::Soap11, AddressingVersion::WsAddressing10),
    (EnvelopeVersion::Soap12, AddressingVersion::Transport),
    (EnvelopeVersion::Soap12, AddressingVersion::WsAddressing10),
];

/// A calculator host on 127.0.0.1:0 and the events of its operations.
pub struct Served {
    pub host: ServiceHost,
    pub addr: SocketAddr,
    pub events: mpsc::UnboundedReceiver<ServiceEvent>,
}

pub async fn serve(props: ServiceHostProperties) -> Served {
    let (service, events) = Calculator::with_events();
    let host = service
        .start(([127, 0, 0, 1], 0).into(), props)
        .await
        .expect("host open");
    let addr = host.local_addr().expect("bound");
    Served { host, addr, events }
}

/// An open proxy to the endpoint of `envelope`.
pub async fn proxy(
    addr: SocketAddr,
    envelope: EnvelopeVersion,
    addressing: AddressingVersion,
) -> ServiceProxy {
    proxy_with(addr, envelope, addressing, ProxyProperties::default()).await
}

pub async fn proxy_with(
    addr: SocketAddr,
    envelope: EnvelopeVersion,
    addressing: AddressingVersion,
    props: ProxyProperties,
) -> ServiceProxy {
    let path = match envelope {
        EnvelopeVersion::Soap11 => calculator::PATH_SOAP11,
        EnvelopeVersion::Soap12 => calculator::PATH_SOAP12,
    };
    let p =
        ServiceProxy::with_properties(&calculator::url(addr, path), envelope, addressing, props)
            .expect("proxy");
    p.open().await.expect("proxy open");
    p
}

impl Served {
    /// The next event `pick` accepts (others are skipped), within [`STEP`].
    pub async fn next<T>(&mut self, pick: impl Fn(&ServiceEvent) -> Option<T>) -> T {
        tokio::time::timeout(STEP, async {
            loop {
                let e = self.events.recv().await.expect("host events");
                if let Some(t) = pick(&e) {
                    return t;
                }
            }
        })
        .await
        .expect("host event timed out")
    }

    /// Waits until the host started the operation whose request reads `request`; returns its id.
    pub async fn started(&mut self, request: &str) -> u64 {
        self.next(|e| match e {
            ServiceEvent::Started { id, request: r, .. } if r == request => Some(*id),
            _ => None,
        })
        .await
    }

    /// Waits for the cancellation of any operation: (id, request, reason, when).
    pub async fn cancelled(&mut self) -> (u64, String, CancelReason, std::time::Instant) {
        self.next(|e| match e {
            ServiceEvent::Cancelled {
                id,
                request,
                reason,
                at,
            } => Some((*id, request.clone(), *reason, *at)),
            _ => None,
        })
        .await
    }
}

/// `fut` within [`STEP`].
pub async fn within<F: std::future::Future>(fut: F) -> F::Output {
    tokio::time::timeout(STEP, fut).await.expect("timed out")
}

/// Sends an `Add(1, 2)` request with `headers` (standalone XML header blocks)
/// through `p` as a whole message; the reply message, or the error.
pub async fn add_with_headers(
    p: &ServiceProxy,
    message_id: Option<&str>,
    headers: &[String],
) -> wws_core::Result<wws_core::Message> {
    use wws_examples::calculator::{ADD_ACTION, Add};
    let mut m = wws_core::Message::from_body(
        p.envelope_version(),
        p.addressing_version(),
        ADD_ACTION,
        &Add { a: 1.0, b: 2.0 },
    )
    .expect("from_body");
    m.message_id = message_id.map(str::to_owned);
    for h in headers {
        m.headers
            .push(wws_core::Header::from_xml(p.envelope_version(), h.clone()).expect("header xml"));
    }
    within(p.call_message(m, wws_proxy::CallOptions::new())).await
}

/// The fault of a reply or of an error, if either is one.
pub fn fault_of(r: &wws_core::Result<wws_core::Message>) -> Option<wws_core::Fault> {
    match r {
        Ok(m) => m.fault().ok().flatten(),
        Err(e) => e.fault().cloned(),
    }
}
