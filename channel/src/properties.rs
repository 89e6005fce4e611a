//! [`ChannelProperties`] (`WS_CHANNEL_PROPERTY_*`) and [`ChannelBuilder`].

use std::sync::Arc;
use std::time::Duration;

use http::{HeaderMap, HeaderName, HeaderValue};
use wws_core::properties::timeout;
use wws_core::{ReaderQuotas, Result};

use crate::Channel;
use crate::channel::OBJECT;
use crate::connector::{Connector, Http2Mode, default_connector};

/// Properties of a client request channel, with WWSAPI's defaults. A
/// timeout of `None` is infinite.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ChannelProperties {
    /// Time allowed to resolve and connect (default 30 s).
    pub connect_timeout: Option<Duration>,
    /// Time allowed to send a request (default 30 s).
    pub send_timeout: Option<Duration>,
    /// Time allowed until the response head arrives (default 30 s).
    pub receive_response_timeout: Option<Duration>,
    /// Time allowed to receive the response body (default 30 s).
    pub receive_timeout: Option<Duration>,
    /// Quotas applied to the messages this channel reads.
    pub quotas: ReaderQuotas,
    /// HTTP headers sent with every request (an `Authorization`, say; see
    /// [`auth`](crate::auth)); empty by default. The headers the SOAP
    /// binding owns (`Host`, `Content-Type`, `SOAPAction`, ...) are refused.
    pub http_headers: HeaderMap,
    /// Whether the channel speaks HTTP/2 (default [`Http2Mode::Off`]): by
    /// ALPN over TLS, or with prior knowledge in the clear. Over HTTP/2
    /// the channel's requests run concurrently on one connection.
    pub http2: Http2Mode,
}

impl Default for ChannelProperties {
    fn default() -> Self {
        let t = Some(Duration::from_secs(30));
        ChannelProperties {
            connect_timeout: t,
            send_timeout: t,
            receive_response_timeout: t,
            receive_timeout: t,
            quotas: ReaderQuotas::default(),
            http_headers: HeaderMap::new(),
            http2: Http2Mode::Off,
        }
    }
}

impl ChannelProperties {
    /// Every timeout infinite, the quotas at their defaults.
    pub fn no_timeouts() -> Self {
        ChannelProperties {
            connect_timeout: None,
            send_timeout: None,
            receive_response_timeout: None,
            receive_timeout: None,
            quotas: ReaderQuotas::default(),
            http_headers: HeaderMap::new(),
            http2: Http2Mode::Off,
        }
    }

    /// Checks every property; the error names the first one out of range.
    pub fn validate(&self) -> Result<()> {
        timeout(OBJECT, "connect_timeout", self.connect_timeout)?;
        timeout(OBJECT, "send_timeout", self.send_timeout)?;
        timeout(
            OBJECT,
            "receive_response_timeout",
            self.receive_response_timeout,
        )?;
        timeout(OBJECT, "receive_timeout", self.receive_timeout)?;
        crate::auth::check_headers(OBJECT, &self.http_headers)?;
        self.quotas.validate(OBJECT)
    }
}

/// Builds a [`Channel`]: each property starts at its default and is
/// checked by [`build`](Self::build).
///
/// ```
/// use std::time::Duration;
/// use wws_channel::Channel;
///
/// let channel = Channel::builder()
///     .connect_timeout(Some(Duration::from_secs(5)))
///     .max_message_size(1 << 20)
///     .build()?;
/// assert_eq!(channel.properties().quotas.max_message_size, 1 << 20);
/// assert!(Channel::builder().send_timeout(Some(Duration::ZERO)).build().is_err());
/// # Ok::<(), wws_core::Error>(())
/// ```
#[derive(Clone, Debug, Default)]
pub struct ChannelBuilder {
    props: ChannelProperties,
    connector: Option<Arc<dyn Connector>>,
}

impl ChannelBuilder {
    /// Replaces every property at once.
    pub fn properties(mut self, props: ChannelProperties) -> Self {
        self.props = props;
        self
    }

    /// Time allowed to resolve and connect.
    pub fn connect_timeout(mut self, limit: Option<Duration>) -> Self {
        self.props.connect_timeout = limit;
        self
    }

    /// Time allowed to send a request.
    pub fn send_timeout(mut self, limit: Option<Duration>) -> Self {
        self.props.send_timeout = limit;
        self
    }

    /// Time allowed until the response head arrives.
    pub fn receive_response_timeout(mut self, limit: Option<Duration>) -> Self {
        self.props.receive_response_timeout = limit;
        self
    }

    /// Time allowed to receive the response body.
    pub fn receive_timeout(mut self, limit: Option<Duration>) -> Self {
        self.props.receive_timeout = limit;
        self
    }

    /// Quotas applied to the messages the channel reads.
    pub fn quotas(mut self, quotas: ReaderQuotas) -> Self {
        self.props.quotas = quotas;
        self
    }

    /// Largest reply accepted, in bytes.
    pub fn max_message_size(mut self, bytes: usize) -> Self {
        self.props.quotas.max_message_size = bytes;
        self
    }

    /// Sends `value` as the HTTP header `name` with every request
    /// (replacing a value set before); see [`ChannelProperties::http_headers`].
    pub fn http_header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.props.http_headers.insert(name, value);
        self
    }

    /// Whether the channel speaks HTTP/2; see [`Http2Mode`].
    pub fn http2(mut self, mode: Http2Mode) -> Self {
        self.props.http2 = mode;
        self
    }

    /// What opens the channel's connections (default
    /// [`TlsConnector::new`](crate::tls::TlsConnector::new) with the `tls`
    /// feature, [`TcpConnector`](crate::connector::TcpConnector) without).
    pub fn connector(mut self, connector: impl Connector) -> Self {
        self.connector = Some(Arc::new(connector));
        self
    }

    /// What opens the channel's connections, shared with other channels.
    pub fn shared_connector(mut self, connector: Arc<dyn Connector>) -> Self {
        self.connector = Some(connector);
        self
    }

    /// The channel, in state `Created`; [`Error::InvalidProperty`](wws_core::Error::InvalidProperty)
    /// names the first property out of range.
    pub fn build(self) -> Result<Channel> {
        self.props.validate()?;
        let connector = self.connector.unwrap_or_else(default_connector);
        Ok(Channel::from_parts(self.props, connector))
    }
}
