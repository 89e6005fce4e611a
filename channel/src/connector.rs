//! The connector seam: what opens the byte stream to an endpoint and says
//! which HTTP version runs on it (hyper-util's connectors, as a trait
//! object so a [`Channel`](crate::Channel) is not generic over it).
//!
//! [`TcpConnector`] is plain TCP for `http://` URLs, with `TCP_NODELAY`
//! (requests are written whole). The default connector is
//! [`TlsConnector`](crate::tls::TlsConnector) (feature `tls`), which wraps
//! such a stream in TLS for `https://` and reports the ALPN result as the
//! [`HttpVersion`]; without the feature it is [`TcpConnector`]. HTTP/2 and
//! HTTP proxies plug in as other connectors. A channel asks for HTTP/2
//! with [`Target::offer_http2`] ([`Http2Mode`]); a connector that cannot
//! negotiate it reports [`HttpVersion::Http1`] and the channel speaks that.
//!
//! ```
//! use std::future::Future;
//! use std::pin::Pin;
//! use wws_channel::connector::{Connected, Connector, Target, TcpConnector};
//!
//! /// Counts the connections it opens, then lets TCP do the work.
//! #[derive(Debug, Default)]
//! struct Counting(std::sync::atomic::AtomicUsize, TcpConnector);
//!
//! impl Connector for Counting {
//!     fn connect(&self, target: &Target) -> Pin<Box<dyn Future<Output = std::io::Result<Connected>> + Send>> {
//!         self.0.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
//!         self.1.connect(target)
//!     }
//! }
//!
//! let channel = wws_channel::Channel::builder().connector(Counting::default()).build()?;
//! # Ok::<(), wws_core::Error>(())
//! ```

use std::fmt::Debug;
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;

use bytes::Bytes;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;

/// A byte stream a connector opened.
pub trait Io: AsyncRead + AsyncWrite + Send + Unpin + 'static {}

impl<T: AsyncRead + AsyncWrite + Send + Unpin + 'static> Io for T {}

/// Whether a channel speaks HTTP/2, and how it finds out that the server does.
///
/// ```
/// use wws_channel::{Channel, connector::Http2Mode};
///
/// // `https://`: ALPN offers `h2` and `http/1.1`, the server picks;
/// // `http://`: HTTP/1.1, since nothing can be negotiated in the clear.
/// let channel = Channel::builder().http2(Http2Mode::Negotiate).build()?;
/// // `http://` spoken as HTTP/2 from the first byte (h2c, RFC 9113 §3.3).
/// let h2c = Channel::builder().http2(Http2Mode::PriorKnowledge).build()?;
/// # let _ = (channel, h2c);
/// # Ok::<(), wws_core::Error>(())
/// ```
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum Http2Mode {
    /// HTTP/1.1 only: ALPN offers `http/1.1` (default).
    #[default]
    Off,
    /// Over TLS, ALPN offers `h2` and `http/1.1` and the server picks;
    /// cleartext connections speak HTTP/1.1.
    Negotiate,
    /// As [`Negotiate`](Self::Negotiate) over TLS; cleartext connections
    /// speak HTTP/2 at once (h2c with prior knowledge), for servers known
    /// to accept it.
    PriorKnowledge,
}

/// The HTTP version spoken on a connection.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum HttpVersion {
    /// HTTP/1.1 (with keep-alive).
    Http1,
    /// HTTP/2 (by ALPN or prior knowledge).
    Http2,
}

/// A connection a [`Connector`] opened: the stream and its HTTP version.
pub struct Connected {
    pub(crate) io: Box<dyn Io>,
    pub(crate) version: HttpVersion,
    pub(crate) forwarding: Option<std::sync::Arc<Forwarding>>,
}

/// An HTTP proxy that forwards the requests of a [`Connected`] connection
/// (see [`Connected::forwarded_by`]).
#[derive(Clone, Debug)]
pub(crate) struct Forwarding {
    /// The proxy's URL, without user info (for errors).
    pub(crate) proxy_url: String,
    /// Headers for the proxy sent with each request (`Proxy-Authorization`).
    pub(crate) headers: http::HeaderMap,
}

impl Connected {
    /// An HTTP/1.1 connection over `io`.
    pub fn new(io: impl Io) -> Self {
        Connected {
            io: Box::new(io),
            version: HttpVersion::Http1,
            forwarding: None,
        }
    }

    /// The same connection, going to the HTTP proxy `proxy_url` (no user
    /// info) that forwards its requests: the channel sends each request
    /// with the absolute URL as its target (`POST http://host/path`, RFC
    /// 9112 §3.2.2) and `headers` (`Proxy-Authorization`, say), and reads
    /// a 407 as the proxy refusing. Tunnels (`CONNECT`) do not need this.
    pub fn forwarded_by(mut self, proxy_url: impl Into<String>, headers: http::HeaderMap) -> Self {
        self.forwarding = Some(std::sync::Arc::new(Forwarding {
            proxy_url: proxy_url.into(),
            headers,
        }));
        self
    }

    /// The forwarding proxy's URL, if [`forwarded_by`](Self::forwarded_by) one.
    pub fn forwarding_proxy(&self) -> Option<&str> {
        self.forwarding.as_deref().map(|f| f.proxy_url.as_str())
    }

    /// The same connection, speaking `version`.
    pub fn with_version(mut self, version: HttpVersion) -> Self {
        self.version = version;
        self
    }

    /// The HTTP version to speak.
    pub fn version(&self) -> HttpVersion {
        self.version
    }
}

impl Debug for Connected {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connected")
            .field("version", &self.version)
            .field("forwarding_proxy", &self.forwarding_proxy())
            .finish_non_exhaustive()
    }
}

/// Where a connector connects: the parts of the endpoint URL it needs.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Target {
    /// The URL scheme, lower case (`http`, `https`).
    pub scheme: String,
    /// Host name or address, without IPv6 brackets (also the TLS server name).
    pub host: String,
    /// TCP port (the scheme's default when the URL has none).
    pub port: u16,
    /// Whether the channel speaks HTTP/2 if the server agrees: a TLS
    /// connector then offers `h2` before `http/1.1` by ALPN and reports
    /// the server's choice as [`Connected::version`].
    pub offer_http2: bool,
}

impl Target {
    /// A target from its parts.
    pub fn new(scheme: impl Into<String>, host: impl Into<String>, port: u16) -> Self {
        Target {
            scheme: scheme.into(),
            host: host.into(),
            port,
            offer_http2: false,
        }
    }

    /// The same target, with `h2` offered by ALPN when `yes`.
    pub fn with_http2_offer(mut self, yes: bool) -> Self {
        self.offer_http2 = yes;
        self
    }
}

/// The future a connector returns.
pub type Connecting = Pin<Box<dyn Future<Output = io::Result<Connected>> + Send>>;

/// Opens byte streams to endpoints for a [`Channel`](crate::Channel).
///
/// The channel bounds the whole connect by its `connect_timeout` and drops
/// the future on abort, so a connector needs neither; dropping the future
/// must release whatever it holds.
pub trait Connector: Send + Sync + Debug + 'static {
    /// Whether this connector serves URLs with `scheme` (lower case); the
    /// channel refuses others at `open` with `InvalidEndpointUrl`.
    fn supports(&self, scheme: &str) -> bool {
        scheme == "http"
    }

    /// Opens a connection to `target`.
    fn connect(&self, target: &Target) -> Connecting;
}

/// Plain TCP for `http://` URLs: every address the host resolves to is
/// tried in turn; `TCP_NODELAY` is set.
#[derive(Clone, Debug, Default)]
pub struct TcpConnector {
    _private: (),
}

impl TcpConnector {
    /// The TCP connector.
    pub fn new() -> Self {
        TcpConnector::default()
    }

    /// Connects a TCP stream to `target` (for connectors that wrap TCP).
    pub async fn connect_tcp(target: &Target) -> io::Result<TcpStream> {
        let addrs = tokio::net::lookup_host((target.host.as_str(), target.port)).await?;
        let mut last = None;
        for addr in addrs {
            match TcpStream::connect(addr).await {
                Ok(stream) => {
                    // Requests are written whole; do not let Nagle hold the last segment.
                    let _ = stream.set_nodelay(true);
                    return Ok(stream);
                }
                Err(e) => last = Some(e),
            }
        }
        Err(last.unwrap_or_else(|| {
            io::Error::new(
                io::ErrorKind::NotFound,
                "the host name resolved to no address",
            )
        }))
    }
}

impl Connector for TcpConnector {
    fn connect(&self, target: &Target) -> Connecting {
        let target = target.clone();
        Box::pin(async move { Ok(Connected::new(TcpConnector::connect_tcp(&target).await?)) })
    }
}

/// The connector a channel uses unless given one: [`TlsConnector::new`](crate::tls::TlsConnector::new)
/// with the `tls` feature (`http://` and `https://`), [`TcpConnector`] without.
pub fn default_connector() -> Arc<dyn Connector> {
    #[cfg(feature = "tls")]
    return Arc::new(crate::tls::TlsConnector::new());
    #[cfg(not(feature = "tls"))]
    return Arc::new(TcpConnector::new());
}

/// What a TLS handshake established on a server connection: the name the
/// client asked for, the protocol agreed on and the client's certificates.
///
/// Made by a TLS acceptor (`wws_listener::acceptor::TlsAcceptor`) and seen
/// by each exchange the connection carries.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TlsInfo {
    server_name: Option<String>,
    alpn_protocol: Option<Vec<u8>>,
    peer_certificates: Vec<Bytes>,
}

impl TlsInfo {
    /// Nothing known yet.
    pub fn new() -> Self {
        TlsInfo::default()
    }

    /// With the SNI server name the client sent.
    pub fn with_server_name(mut self, name: Option<String>) -> Self {
        self.server_name = name;
        self
    }

    /// With the ALPN protocol agreed on.
    pub fn with_alpn_protocol(mut self, protocol: Option<Vec<u8>>) -> Self {
        self.alpn_protocol = protocol;
        self
    }

    /// With the client's certificate chain (DER, leaf first).
    pub fn with_peer_certificates(mut self, chain: Vec<Bytes>) -> Self {
        self.peer_certificates = chain;
        self
    }

    /// The server name (SNI) the client asked for; `None` when it sent none
    /// (clients send none when they connect to an IP address).
    pub fn server_name(&self) -> Option<&str> {
        self.server_name.as_deref()
    }

    /// The ALPN protocol agreed on (`http/1.1`), if any.
    pub fn alpn_protocol(&self) -> Option<&[u8]> {
        self.alpn_protocol.as_deref()
    }

    /// The client's certificate chain (DER, leaf first) as it presented it,
    /// verified by the acceptor; empty when it presented none.
    pub fn peer_certificates(&self) -> &[Bytes] {
        &self.peer_certificates
    }

    /// The client's own certificate (DER): its identity under mutual TLS.
    pub fn peer_certificate(&self) -> Option<&[u8]> {
        self.peer_certificates.first().map(|c| &c[..])
    }
}
