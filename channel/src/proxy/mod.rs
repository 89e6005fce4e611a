//! Outbound HTTP proxies: [`ProxyConnector`] sends `http://` requests
//! through a forwarding proxy (absolute-form request targets) and tunnels
//! `https://` through `CONNECT host:port`, then runs TLS to the endpoint
//! itself (SNI and certificate checks for the endpoint's host, as without
//! a proxy).
//!
//! Configured by its builder or from the usual environment variables
//! ([`ProxyConnectorBuilder::env`]); hosts in the no-proxy list are
//! connected to directly. Proxy URLs are `http://[user:password@]host[:port]`
//! (a missing scheme is `http://`, a missing port 80); user info becomes
//! `Proxy-Authorization: Basic`, sent with every forwarded request and with
//! the `CONNECT`.
//!
//! ```no_run
//! use wws_channel::Channel;
//! use wws_channel::proxy::ProxyConnector;
//!
//! # fn main() -> wws_core::Result<()> {
//! // HTTPS_PROXY, HTTP_PROXY, ALL_PROXY and NO_PROXY, as curl reads them.
//! let from_env = ProxyConnector::from_env()?;
//! // Or spelled out.
//! let explicit = ProxyConnector::builder()
//!     .proxy("http://user:secret@proxy.example:3128")
//!     .no_proxy("localhost,.internal.example,10.0.0.0/8")
//!     .build()?;
//! let channel = Channel::builder().connector(explicit).build()?;
//! # let _ = (from_env, channel); Ok(()) }
//! ```
//!
//! # Errors
//!
//! A proxy that cannot be reached is [`Error::EndpointUnreachable`] of the
//! endpoint, its source naming the proxy. A proxy that refuses: 407 (to a
//! `CONNECT` or a forwarded request) and 403 to a `CONNECT` are
//! [`Error::EndpointAccessDenied`] whose `url` is the proxy's (without user
//! info), `status` its status and `challenge` its `Proxy-Authenticate`;
//! any other refusal of a `CONNECT` (502, 503, ...) is
//! [`Error::EndpointUnreachable`] of the endpoint whose source is a
//! [`ProxyRefused`] naming the proxy, the target and the status. The
//! `CONNECT` answer's head is read up to [`MAX_CONNECT_RESPONSE_HEAD_SIZE`];
//! the whole connect, `CONNECT` included, is bounded by the channel's
//! `connect_timeout`, and an abort during it closes the socket.
//!
//! # Decisions
//!
//! - The default connector does not read proxy variables: a proxy is used
//!   only with a `ProxyConnector` (so a `HTTP_PROXY` in a service's
//!   environment does not redirect its calls unnoticed).
//! - Loopback is treated as curl treats it: no implicit bypass, so
//!   `localhost` and `127.0.0.1` go through the proxy unless the no-proxy
//!   list names them (`NO_PROXY=localhost,127.0.0.1,::1`, or
//!   `127.0.0.0/8`).
//! - Only `http://` proxies (no TLS to the proxy, no SOCKS): another
//!   scheme is refused at `build` with [`Error::InvalidProperty`].

mod env;
mod no_proxy;
// Without TLS nothing is tunnelled (`https://` is not served).
#[cfg_attr(not(feature = "tls"), allow(dead_code))]
mod tunnel;

use std::fmt;
use std::io;
use std::sync::Arc;

use http::HeaderMap;
use wws_core::{Error, Result};

use crate::connector::{Connected, Connecting, Connector, Target, TcpConnector};

pub use env::EnvVars;
pub use no_proxy::NoProxy;
pub use tunnel::MAX_CONNECT_RESPONSE_HEAD_SIZE;

const OBJECT: &str = "ProxyConnector";

/// A connector through HTTP proxies: `http://` forwarded, `https://`
/// tunnelled with `CONNECT`, hosts of the no-proxy list direct.
///
/// Cheap to clone; clones share the configuration (and the TLS
/// connector's session cache).
#[derive(Clone, Debug)]
pub struct ProxyConnector {
    inner: Arc<Settings>,
}

#[derive(Debug)]
struct Settings {
    http: Option<ProxyUrl>,
    https: Option<ProxyUrl>,
    no_proxy: NoProxy,
    #[cfg(feature = "tls")]
    tls: crate::tls::TlsConnector,
}

/// A parsed proxy URL.
#[derive(Clone)]
struct ProxyUrl {
    /// `http://host:port`, without user info (for errors and logs).
    display: String,
    host: String,
    port: u16,
    /// `Proxy-Authorization` from the user info, if any.
    headers: HeaderMap,
}

impl fmt::Debug for ProxyUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Credentials stay out of logs.
        f.debug_struct("ProxyUrl")
            .field("url", &self.display)
            .field("authenticated", &!self.headers.is_empty())
            .finish()
    }
}

impl ProxyUrl {
    fn parse(property: &'static str, text: &str) -> Result<ProxyUrl> {
        let invalid = |reason: String| Error::InvalidProperty {
            object: OBJECT,
            property,
            reason,
        };
        let text = text.trim();
        let with_scheme = if let Some((scheme, _)) = text.split_once("://") {
            if !scheme.eq_ignore_ascii_case("http") {
                return Err(invalid(format!(
                    "only http:// proxies are supported, not {scheme}://"
                )));
            }
            text.to_owned()
        } else {
            format!("http://{text}")
        };
        // The user info is parsed as an endpoint's is (percent-decoded Basic).
        let endpoint = crate::endpoint::Endpoint::parse(&with_scheme, |s| s == "http").map_err(
            |e| match e {
                Error::InvalidEndpointUrl { reason, .. } => invalid(format!(
                    "{:?} is not an http:// proxy URL: {reason}",
                    crate::endpoint::without_user_info(&with_scheme)
                )),
                other => other,
            },
        )?;
        if endpoint.target != "/" {
            return Err(invalid(format!(
                "a proxy URL has no path ({:?})",
                endpoint.url
            )));
        }
        let mut headers = HeaderMap::new();
        if let Some(basic) = endpoint.basic_auth.get(http::header::AUTHORIZATION) {
            headers.insert(http::header::PROXY_AUTHORIZATION, basic.clone());
        }
        Ok(ProxyUrl {
            display: format!("http://{}", endpoint.authority),
            host: endpoint.host,
            port: endpoint.port,
            headers,
        })
    }

    fn target(&self) -> Target {
        Target::new("http", self.host.clone(), self.port)
    }
}

impl ProxyConnector {
    /// A builder: no proxy, an empty no-proxy list, the default TLS connector.
    pub fn builder() -> ProxyConnectorBuilder {
        ProxyConnectorBuilder::default()
    }

    /// A connector configured from the process environment, as
    /// [`ProxyConnectorBuilder::env`] reads it; with no proxy
    /// variable set it connects directly.
    pub fn from_env() -> Result<ProxyConnector> {
        ProxyConnector::builder().env().build()
    }

    /// The proxy (`http://host:port`, without user info) a connection to
    /// `scheme://host` would go through; `None` when it goes direct.
    pub fn proxy_for(&self, scheme: &str, host: &str) -> Option<&str> {
        self.route(scheme, host).map(|p| p.display.as_str())
    }

    fn route(&self, scheme: &str, host: &str) -> Option<&ProxyUrl> {
        let proxy = match scheme {
            "http" => self.inner.http.as_ref(),
            "https" => self.inner.https.as_ref(),
            _ => None,
        }?;
        (!self.inner.no_proxy.matches(host)).then_some(proxy)
    }

    fn direct(&self, target: &Target) -> Connecting {
        #[cfg(feature = "tls")]
        return self.inner.tls.connect(target);
        #[cfg(not(feature = "tls"))]
        return TcpConnector::new().connect(target);
    }
}

impl Connector for ProxyConnector {
    fn supports(&self, scheme: &str) -> bool {
        #[cfg(feature = "tls")]
        return self.inner.tls.supports(scheme);
        #[cfg(not(feature = "tls"))]
        return scheme == "http";
    }

    fn connect(&self, target: &Target) -> Connecting {
        let Some(proxy) = self.route(&target.scheme, &target.host).cloned() else {
            return self.direct(target);
        };
        let target = target.clone();
        #[cfg(feature = "tls")]
        let tls = self.inner.tls.clone();
        Box::pin(async move {
            let tcp = TcpConnector::connect_tcp(&proxy.target())
                .await
                .map_err(|e| {
                    io::Error::new(
                        e.kind(),
                        format!("cannot connect to the HTTP proxy {}: {e}", proxy.display),
                    )
                })?;
            tracing::debug!(target: "wws.channel", proxy = %proxy.display, host = %target.host, scheme = %target.scheme, "through an HTTP proxy");
            match target.scheme.as_str() {
                "http" => Ok(Connected::new(tcp).forwarded_by(proxy.display, proxy.headers)),
                #[cfg(feature = "tls")]
                "https" => {
                    let tunnel =
                        tunnel::connect(tcp, &proxy.display, &proxy.headers, &target).await?;
                    tls.handshake(tunnel, &target).await
                }
                other => Err(io::Error::new(
                    io::ErrorKind::InvalidInput,
                    format!("scheme {other:?} cannot go through an HTTP proxy"),
                )),
            }
        })
    }
}

/// Builds a [`ProxyConnector`]; proxy URLs are checked by [`build`](Self::build).
#[derive(Debug, Default)]
pub struct ProxyConnectorBuilder {
    http: Option<String>,
    https: Option<String>,
    no_proxy: Option<String>,
    #[cfg(feature = "tls")]
    tls: Option<crate::tls::TlsConnector>,
}

impl ProxyConnectorBuilder {
    /// The proxy for `http://` and `https://` endpoints both.
    pub fn proxy(self, url: impl Into<String>) -> Self {
        let url = url.into();
        self.http_proxy(url.clone()).https_proxy(url)
    }

    /// The proxy for `http://` endpoints (requests forwarded).
    pub fn http_proxy(mut self, url: impl Into<String>) -> Self {
        self.http = Some(url.into());
        self
    }

    /// The proxy for `https://` endpoints (tunnelled with `CONNECT`).
    pub fn https_proxy(mut self, url: impl Into<String>) -> Self {
        self.https = Some(url.into());
        self
    }

    /// Hosts reached directly, in `NO_PROXY` syntax (see [`NoProxy`]).
    pub fn no_proxy(mut self, list: impl Into<String>) -> Self {
        self.no_proxy = Some(list.into());
        self
    }

    /// The TLS connector for `https://` endpoints, through the tunnel or
    /// direct (to trust a private CA, say); the default is
    /// [`TlsConnector::new`](crate::tls::TlsConnector::new).
    #[cfg(feature = "tls")]
    pub fn tls(mut self, tls: crate::tls::TlsConnector) -> Self {
        self.tls = Some(tls);
        self
    }

    /// Proxies and no-proxy list from the process environment (see
    /// [`env_vars`](Self::env_vars) for which variables).
    pub fn env(self) -> Self {
        self.env_vars(&EnvVars::from_env())
    }

    /// Proxies and no-proxy list from `vars`, replacing what was set:
    /// what curl reads, see [`EnvVars`].
    pub fn env_vars(mut self, vars: &EnvVars) -> Self {
        self.http = vars.http_proxy.clone();
        self.https = vars.https_proxy.clone();
        self.no_proxy = vars.no_proxy.clone();
        self
    }

    /// The connector; [`Error::InvalidProperty`] names a proxy URL that is
    /// not `http://host[:port]`.
    pub fn build(self) -> Result<ProxyConnector> {
        let parse = |property, url: Option<String>| {
            url.filter(|u| !u.trim().is_empty())
                .map(|u| ProxyUrl::parse(property, &u))
                .transpose()
        };
        Ok(ProxyConnector {
            inner: Arc::new(Settings {
                http: parse("http_proxy", self.http)?,
                https: parse("https_proxy", self.https)?,
                no_proxy: NoProxy::parse(self.no_proxy.as_deref().unwrap_or("")),
                #[cfg(feature = "tls")]
                tls: self.tls.unwrap_or_default(),
            }),
        })
    }
}

/// A proxy refused to open a tunnel: its answer to `CONNECT` was not 2xx.
///
/// The source of the connect error; the channel reports 407 and 403 as
/// [`Error::EndpointAccessDenied`] of the proxy and others as
/// [`Error::EndpointUnreachable`] with this as the source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProxyRefused {
    proxy: String,
    target: String,
    status: u16,
    reason: String,
    challenge: Option<String>,
}

impl ProxyRefused {
    /// The proxy's URL, without user info.
    pub fn proxy(&self) -> &str {
        &self.proxy
    }

    /// The `host:port` the tunnel was asked for.
    pub fn target(&self) -> &str {
        &self.target
    }

    /// The proxy's HTTP status.
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The proxy's `Proxy-Authenticate` challenge (of a 407), if any.
    pub fn challenge(&self) -> Option<&str> {
        self.challenge.as_deref()
    }

    /// Whether the proxy refused the caller (407, 403) rather than failing
    /// to reach the endpoint.
    pub fn denies_access(&self) -> bool {
        matches!(self.status, 403 | 407)
    }
}

impl fmt::Display for ProxyRefused {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the HTTP proxy {} refused CONNECT {}: HTTP {} {}",
            self.proxy, self.target, self.status, self.reason
        )
    }
}

impl std::error::Error for ProxyRefused {}
