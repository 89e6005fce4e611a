//! [`ProxyProperties`] (`WS_PROXY_PROPERTY_*`) and [`ProxyBuilder`].

use std::sync::Arc;
use std::time::Duration;

use http::header::AUTHORIZATION;
use http::{HeaderName, HeaderValue};
use wws_channel::ChannelProperties;
use wws_channel::connector::{Connector, Http2Mode, default_connector};
use wws_core::properties::{at_least, timeout};
use wws_core::{AddressingVersion, EnvelopeVersion, Error, Result};

use crate::layer::ProxyLayer;
use crate::proxy::{OBJECT, ServiceProxy};

/// Properties of a service proxy, with WWSAPI's defaults. A timeout of `None` is infinite.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ProxyProperties {
    /// Time allowed for one call, end to end (default 30 s).
    pub call_timeout: Option<Duration>,
    /// Most calls pending at once; one more fails with `QuotaExceeded` (default 100).
    pub max_pending_calls: usize,
    /// How long `close` waits for pending calls before aborting (default 5 s).
    pub max_close_timeout: Duration,
    /// Idle connections kept for reuse (default 5); over HTTP/2, the most
    /// connections calls are spread over (at least one).
    pub max_call_pool_size: usize,
    /// Over HTTP/2, the calls one connection carries at once (one stream
    /// each) before another connection is opened (default 100, the
    /// concurrent-stream limit most servers announce). Once
    /// `max_call_pool_size` connections carry this many, further calls
    /// queue on the least busy one, and the server's own stream limit
    /// applies on top.
    pub max_streams_per_connection: usize,
    /// Properties of the channels the proxy opens.
    pub channel: ChannelProperties,
}

impl Default for ProxyProperties {
    fn default() -> Self {
        ProxyProperties {
            call_timeout: Some(Duration::from_secs(30)),
            max_pending_calls: 100,
            max_close_timeout: Duration::from_secs(5),
            max_call_pool_size: 5,
            max_streams_per_connection: 100,
            channel: ChannelProperties::default(),
        }
    }
}

impl ProxyProperties {
    /// Checks every property; the error names the first one out of range.
    pub fn validate(&self) -> Result<()> {
        timeout(OBJECT, "call_timeout", self.call_timeout)?;
        at_least(OBJECT, "max_pending_calls", self.max_pending_calls, 1)?;
        at_least(
            OBJECT,
            "max_streams_per_connection",
            self.max_streams_per_connection,
            1,
        )?;
        self.channel.validate().map_err(|e| match e {
            Error::InvalidProperty {
                property, reason, ..
            } => Error::InvalidProperty {
                object: OBJECT,
                property,
                reason: format!("of its channels: {reason}"),
            },
            other => other,
        })
    }
}

/// Builds a [`ServiceProxy`]: SOAP 1.2 with plain HTTP addressing unless
/// told otherwise, each property at its default, checked by [`build`](Self::build).
///
/// ```
/// use std::time::Duration;
/// use wws_core::{AddressingVersion, EnvelopeVersion};
/// use wws_proxy::ServiceProxy;
///
/// let proxy = ServiceProxy::builder("http://127.0.0.1:8080/calculator")
///     .envelope(EnvelopeVersion::Soap11)
///     .addressing(AddressingVersion::Transport)
///     .call_timeout(Some(Duration::from_secs(5)))
///     .max_pending_calls(1000)
///     .build()?;
/// assert_eq!(proxy.properties().max_pending_calls, 1000);
/// let r = ServiceProxy::builder("http://127.0.0.1:8080/").max_pending_calls(0).build();
/// assert!(matches!(r, Err(wws_core::Error::InvalidProperty { property: "max_pending_calls", .. })));
/// # Ok::<(), wws_core::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct ProxyBuilder {
    url: String,
    envelope: EnvelopeVersion,
    addressing: AddressingVersion,
    props: ProxyProperties,
    connector: Option<Arc<dyn Connector>>,
    layers: Vec<Arc<dyn ProxyLayer>>,
    /// Why an option given could not be used; `build` fails with it.
    invalid: Option<(&'static str, String)>,
}

impl ProxyBuilder {
    pub(crate) fn new(url: &str) -> Self {
        ProxyBuilder {
            url: url.to_owned(),
            envelope: EnvelopeVersion::Soap12,
            addressing: AddressingVersion::Transport,
            props: ProxyProperties::default(),
            connector: None,
            layers: Vec::new(),
            invalid: None,
        }
    }

    /// The SOAP version the endpoint speaks (default SOAP 1.2).
    pub fn envelope(mut self, envelope: EnvelopeVersion) -> Self {
        self.envelope = envelope;
        self
    }

    /// The addressing the endpoint expects (default `Transport`: the action travels in HTTP).
    pub fn addressing(mut self, addressing: AddressingVersion) -> Self {
        self.addressing = addressing;
        self
    }

    /// Replaces every property at once.
    pub fn properties(mut self, props: ProxyProperties) -> Self {
        self.props = props;
        self
    }

    /// Time allowed for one call, end to end.
    pub fn call_timeout(mut self, limit: Option<Duration>) -> Self {
        self.props.call_timeout = limit;
        self
    }

    /// Most calls pending at once.
    pub fn max_pending_calls(mut self, n: usize) -> Self {
        self.props.max_pending_calls = n;
        self
    }

    /// How long `close` waits for pending calls before aborting.
    pub fn max_close_timeout(mut self, limit: Duration) -> Self {
        self.props.max_close_timeout = limit;
        self
    }

    /// Idle connections kept for reuse.
    pub fn max_call_pool_size(mut self, n: usize) -> Self {
        self.props.max_call_pool_size = n;
        self
    }

    /// Over HTTP/2, the calls one connection carries at once; see
    /// [`ProxyProperties::max_streams_per_connection`].
    pub fn max_streams_per_connection(mut self, n: usize) -> Self {
        self.props.max_streams_per_connection = n;
        self
    }

    /// Whether the proxy speaks HTTP/2 (default [`Http2Mode::Off`]): by
    /// ALPN over `https://` ([`Http2Mode::Negotiate`]), and in the clear
    /// too with [`Http2Mode::PriorKnowledge`]. Over HTTP/2 concurrent calls
    /// share a connection, and an abandoned, dropped or timed-out call
    /// resets its stream only.
    pub fn http2(mut self, mode: Http2Mode) -> Self {
        self.props.channel.http2 = mode;
        self
    }

    /// Properties of the channels the proxy opens.
    pub fn channel_properties(mut self, props: ChannelProperties) -> Self {
        self.props.channel = props;
        self
    }

    /// Sends `value` as the HTTP header `name` with every call (replacing
    /// a value set before; a call's own [`CallOptions::http_header`](crate::CallOptions::http_header)
    /// replaces it for that call).
    pub fn http_header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.props.channel.http_headers.insert(name, value);
        self
    }

    /// Authenticates every call with HTTP Basic (`Authorization: Basic ...`).
    pub fn basic_auth(self, user: &str, password: Option<&str>) -> Self {
        self.http_header(AUTHORIZATION, wws_channel::auth::basic(user, password))
    }

    /// Authenticates every call with a bearer token (`Authorization: Bearer ...`);
    /// a token a header cannot carry fails `build`.
    pub fn bearer_auth(mut self, token: &str) -> Self {
        match wws_channel::auth::bearer(token) {
            Ok(value) => self.http_header(AUTHORIZATION, value),
            Err(e) => {
                self.invalid.get_or_insert(("bearer token", e.to_string()));
                self
            }
        }
    }

    /// What opens the proxy's connections (default
    /// [`default_connector`]: `http://`, and `https://` verified against the
    /// platform's roots). For a private CA, a client certificate (mutual
    /// TLS) or `https_only`, pass a built `wws_channel::tls::TlsConnector`.
    pub fn connector(mut self, connector: impl Connector) -> Self {
        self.connector = Some(Arc::new(connector));
        self
    }

    /// Adds a message layer; layers see requests in the order added and
    /// replies in the reverse order (the first added is the outermost).
    pub fn layer(mut self, layer: impl ProxyLayer) -> Self {
        self.layers.push(Arc::new(layer));
        self
    }

    /// The proxy, in state `Created`. Fails with
    /// [`Error::InvalidEndpointUrl`] when the URL is not one the connector
    /// serves, [`Error::InvalidProperty`] naming the first property out of range.
    pub fn build(self) -> Result<ServiceProxy> {
        if let Some((property, reason)) = self.invalid {
            return Err(Error::InvalidProperty {
                object: OBJECT,
                property,
                reason,
            });
        }
        self.props.validate()?;
        let connector = self.connector.unwrap_or_else(default_connector);
        ServiceProxy::from_parts(
            &self.url,
            self.envelope,
            self.addressing,
            self.props,
            connector,
            self.layers,
        )
    }
}
