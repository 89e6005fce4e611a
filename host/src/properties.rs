//! [`ServiceHostProperties`] (`WS_SERVICE_PROPERTY_*`) and [`ServiceHostBuilder`].

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use wws_core::properties::at_least;
use wws_core::{Error, Result};
use wws_listener::ListenerProperties;
use wws_listener::acceptor::Acceptor;

use crate::endpoint::Endpoint;
use crate::host::{OBJECT, ServiceHost};
use crate::layer::HostLayer;

/// How much of an internal error a host puts into the faults it sends.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum FaultDisclosure {
    /// Only a generic reason; no internal error text (default).
    #[default]
    Minimal,
    /// The internal error text too.
    Full,
}

/// Properties of a service host, with WWSAPI's defaults.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ServiceHostProperties {
    /// How long `close` lets in-flight operations run before aborting them (default 5 s).
    pub close_timeout: Duration,
    /// Most operations running at once across endpoints (default 1024).
    pub max_concurrency: usize,
    /// Most requests waiting for an operation slot beyond `max_concurrency`;
    /// one more is answered 503 (default 64).
    pub max_accepting_channels: usize,
    /// Fault detail policy (default [`FaultDisclosure::Minimal`]).
    pub fault_disclosure: FaultDisclosure,
    /// Properties of the listener the host opens.
    pub listener: ListenerProperties,
}

impl Default for ServiceHostProperties {
    fn default() -> Self {
        ServiceHostProperties {
            close_timeout: Duration::from_secs(5),
            max_concurrency: 1024,
            max_accepting_channels: 64,
            fault_disclosure: FaultDisclosure::Minimal,
            listener: ListenerProperties::default(),
        }
    }
}

impl ServiceHostProperties {
    /// Checks every property; the error names the first one out of range.
    pub fn validate(&self) -> Result<()> {
        at_least(OBJECT, "max_concurrency", self.max_concurrency, 1)?;
        self.listener.validate().map_err(|e| match e {
            Error::InvalidProperty {
                property, reason, ..
            } => Error::InvalidProperty {
                object: OBJECT,
                property,
                reason: format!("of its listener: {reason}"),
            },
            other => other,
        })
    }
}

/// Builds a [`ServiceHost`]: each property at its default, checked by
/// [`build`](Self::build), with the endpoints it serves.
///
/// ```
/// use std::time::Duration;
/// use wws_host::ServiceHost;
///
/// let host = ServiceHost::builder("127.0.0.1:0".parse().expect("address"))
///     .close_timeout(Duration::from_secs(2))
///     .max_concurrency(256)
///     .build()?;
/// assert_eq!(host.properties().max_concurrency, 256);
/// let r = ServiceHost::builder("127.0.0.1:0".parse().expect("address")).max_concurrency(0).build();
/// assert!(matches!(r, Err(wws_core::Error::InvalidProperty { property: "max_concurrency", .. })));
/// # Ok::<(), wws_core::Error>(())
/// ```
#[derive(Debug)]
pub struct ServiceHostBuilder {
    addr: SocketAddr,
    props: ServiceHostProperties,
    acceptor: Option<Arc<dyn Acceptor>>,
    /// Certificate chain and key files to serve HTTPS from, read at `build`.
    #[cfg(feature = "tls")]
    tls_files: Option<(std::path::PathBuf, std::path::PathBuf)>,
    layers: Vec<Arc<dyn HostLayer>>,
    endpoints: Vec<Endpoint>,
}

impl ServiceHostBuilder {
    pub(crate) fn new(addr: SocketAddr) -> Self {
        ServiceHostBuilder {
            addr,
            props: ServiceHostProperties::default(),
            acceptor: None,
            #[cfg(feature = "tls")]
            tls_files: None,
            layers: Vec::new(),
            endpoints: Vec::new(),
        }
    }

    /// Replaces every property at once.
    pub fn properties(mut self, props: ServiceHostProperties) -> Self {
        self.props = props;
        self
    }

    /// How long `close` lets in-flight operations run before aborting them.
    pub fn close_timeout(mut self, limit: Duration) -> Self {
        self.props.close_timeout = limit;
        self
    }

    /// Most operations running at once.
    pub fn max_concurrency(mut self, n: usize) -> Self {
        self.props.max_concurrency = n;
        self
    }

    /// Most requests waiting for an operation slot.
    pub fn max_accepting_channels(mut self, n: usize) -> Self {
        self.props.max_accepting_channels = n;
        self
    }

    /// Fault detail policy.
    pub fn fault_disclosure(mut self, disclosure: FaultDisclosure) -> Self {
        self.props.fault_disclosure = disclosure;
        self
    }

    /// Properties of the listener the host opens.
    pub fn listener_properties(mut self, props: ListenerProperties) -> Self {
        self.props.listener = props;
        self
    }

    /// What makes accepted connections ready for HTTP (TLS plugs in here:
    /// a [`TlsAcceptor`](wws_listener::acceptor::TlsAcceptor), to verify
    /// client certificates or renew the certificate while serving).
    pub fn acceptor(mut self, acceptor: impl Acceptor) -> Self {
        self.acceptor = Some(Arc::new(acceptor));
        self
    }

    /// Serves HTTPS with the certificate chain and private key of these
    /// PEM files, read at [`build`](Self::build) (replaces any acceptor set before).
    #[cfg(feature = "tls")]
    pub fn tls_pem_files(
        mut self,
        certificate_chain: impl Into<std::path::PathBuf>,
        private_key: impl Into<std::path::PathBuf>,
    ) -> Self {
        self.tls_files = Some((certificate_chain.into(), private_key.into()));
        self
    }

    /// Adds a message layer; layers see requests in the order added and
    /// replies in the reverse order (the first added is the outermost).
    pub fn layer(mut self, layer: impl HostLayer) -> Self {
        self.layers.push(Arc::new(layer));
        self
    }

    /// Adds an endpoint (checked at `build` as by [`ServiceHost::add_endpoint`]).
    pub fn endpoint(mut self, endpoint: Endpoint) -> Self {
        self.endpoints.push(endpoint);
        self
    }

    /// The host, in state `Created`, with its endpoints.
    /// [`Error::InvalidProperty`] names the first property out of range;
    /// endpoints fail as [`ServiceHost::add_endpoint`] does; a TLS file
    /// that cannot be used is [`Error::InvalidProperty`] naming it.
    #[cfg_attr(not(feature = "tls"), allow(unused_mut))]
    pub fn build(mut self) -> Result<ServiceHost> {
        self.props.validate()?;
        #[cfg(feature = "tls")]
        if let Some((chain, key)) = self.tls_files.take() {
            let tls = wws_listener::acceptor::TlsAcceptor::from_pem_files(chain, key)?;
            self.acceptor = Some(Arc::new(tls));
        }
        let host = ServiceHost::from_parts(self.addr, self.props, self.acceptor, self.layers);
        for endpoint in self.endpoints {
            host.add_endpoint(endpoint)?;
        }
        Ok(host)
    }
}
