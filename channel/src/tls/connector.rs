//! [`TlsConnector`]: `https://` over rustls, `http://` over plain TCP.

use std::io;
use std::sync::{Arc, OnceLock};

use rustls::crypto::CryptoProvider;
use rustls::{ClientConfig, RootCertStore};
use rustls_pki_types::{CertificateDer, ServerName};
use wws_core::{Error, Result};

use super::pem::{Certificate, Identity};
use super::verify::AcceptAnyServerCertificate;
use crate::connector::{Connected, Connecting, Connector, HttpVersion, Target, TcpConnector};

const OBJECT: &str = "TlsConnector";

/// The ALPN protocols offered when the channel speaks HTTP/1.1 only.
const ALPN: &[&[u8]] = &[b"http/1.1"];
/// The ALPN protocols offered when the channel may speak HTTP/2 (preferred).
const ALPN_H2: &[&[u8]] = &[b"h2", b"http/1.1"];

/// Which roots a [`TlsConnector`] trusts besides the CAs added to it.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum BuiltInRoots {
    /// The platform's roots, or the bundled set when the platform has none (default).
    #[default]
    PlatformOrBundled,
    /// The platform's roots only: the operating system's store, or the file
    /// and directory `SSL_CERT_FILE` and `SSL_CERT_DIR` name (read once per process).
    Platform,
    /// The bundled Mozilla root set (`webpki-roots`), whatever the platform has.
    Bundled,
    /// None: only the CAs added with [`TlsConnectorBuilder::add_root_certificate`].
    None,
}

/// Opens `https://` connections over TLS (rustls, ring provider) and
/// `http://` ones over plain TCP, like hyper-rustls's `https_or_http`.
///
/// Server certificates are verified against the built-in roots
/// ([`BuiltInRoots`]) and the CAs added, for the URL's host name (sent as
/// SNI unless it is an IP address); ALPN offers `http/1.1`, and `h2`
/// first when the channel asks for HTTP/2 ([`Target::offer_http2`](crate::connector::Target::offer_http2)),
/// the server's choice becoming the connection's version. A failed check is
/// [`Error::SecurityVerificationFailure`] naming it. Cheap to clone; clones
/// share the configuration. [`TlsConnector::new`] reads the platform roots
/// on the first `https://` connect (once per process), a built connector at
/// [`build`](TlsConnectorBuilder::build).
///
/// ```
/// use wws_channel::Channel;
/// use wws_channel::tls::{Identity, TlsConnector};
///
/// /// A channel that trusts the CAs in `ca_file` too and presents a client certificate.
/// fn channel(ca_file: &str, cert_file: &str, key_file: &str) -> wws_core::Result<Channel> {
///     let tls = TlsConnector::builder()
///         .add_root_certificates_pem_file(ca_file)
///         .identity(Identity::from_pem_files(cert_file, key_file)?)
///         .build()?;
///     Channel::builder().connector(tls).build()
/// }
/// # let _ = channel;
/// ```
#[derive(Clone)]
pub struct TlsConnector {
    inner: Arc<Shared>,
}

struct Shared {
    settings: Settings,
    /// The configuration offering `http/1.1`, and the one offering `h2` too.
    config: OnceLock<(Arc<ClientConfig>, Arc<ClientConfig>)>,
}

#[derive(Clone, Debug, Default)]
struct Settings {
    roots: BuiltInRoots,
    extra_roots: Vec<CertificateDer<'static>>,
    identity: Option<Identity>,
    dangerous_accept_invalid_certificates: bool,
    https_only: bool,
}

impl std::fmt::Debug for TlsConnector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let s = &self.inner.settings;
        f.debug_struct("TlsConnector")
            .field("roots", &s.roots)
            .field("extra_roots", &s.extra_roots.len())
            .field("identity", &s.identity)
            .field(
                "dangerous_accept_invalid_certificates",
                &s.dangerous_accept_invalid_certificates,
            )
            .field("https_only", &s.https_only)
            .finish()
    }
}

impl Default for TlsConnector {
    fn default() -> Self {
        TlsConnector::new()
    }
}

impl TlsConnector {
    /// Platform (or bundled) roots, no client certificate, `http://` too.
    pub fn new() -> TlsConnector {
        TlsConnector::from_settings(Settings::default())
    }

    /// A builder, every option at its default.
    pub fn builder() -> TlsConnectorBuilder {
        TlsConnectorBuilder::default()
    }

    fn from_settings(settings: Settings) -> TlsConnector {
        TlsConnector {
            inner: Arc::new(Shared {
                settings,
                config: OnceLock::new(),
            }),
        }
    }

    /// The rustls configuration (offering `h2` by ALPN when `http2`), made on first use.
    fn config(&self, http2: bool) -> Result<Arc<ClientConfig>> {
        let pick = |c: &(Arc<ClientConfig>, Arc<ClientConfig>)| {
            if http2 { c.1.clone() } else { c.0.clone() }
        };
        if let Some(config) = self.inner.config.get() {
            return Ok(pick(config));
        }
        let mut h1 = client_config(&self.inner.settings)?;
        let mut h2 = h1.clone();
        h1.alpn_protocols = ALPN.iter().map(|p| p.to_vec()).collect();
        h2.alpn_protocols = ALPN_H2.iter().map(|p| p.to_vec()).collect();
        let config = (Arc::new(h1), Arc::new(h2));
        // Two first connects may race; either configuration is the same.
        Ok(pick(self.inner.config.get_or_init(|| config)))
    }
}

impl Connector for TlsConnector {
    fn supports(&self, scheme: &str) -> bool {
        scheme == "https" || (scheme == "http" && !self.inner.settings.https_only)
    }

    fn connect(&self, target: &Target) -> Connecting {
        let target = target.clone();
        let this = self.clone();
        Box::pin(async move {
            let tcp = TcpConnector::connect_tcp(&target).await?;
            if target.scheme != "https" {
                return Ok(Connected::new(tcp));
            }
            this.handshake(tcp, &target).await
        })
    }
}

impl TlsConnector {
    /// Runs TLS to `target` over `io`, already connected to it (or to a
    /// tunnel to it): SNI and the certificate check are for `target.host`.
    pub(crate) async fn handshake(
        &self,
        io: impl crate::connector::Io,
        target: &Target,
    ) -> io::Result<Connected> {
        {
            let config = self
                .config(target.offer_http2)
                .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?;
            let name = ServerName::try_from(target.host.clone()).map_err(|e| {
                io::Error::new(
                    io::ErrorKind::InvalidInput,
                    format!("{:?} is not a TLS server name: {e}", target.host),
                )
            })?;
            let stream = tokio_rustls::TlsConnector::from(config)
                .connect(name, io)
                .await?;
            let version = match stream.get_ref().1.alpn_protocol() {
                Some(b"h2") => HttpVersion::Http2,
                _ => HttpVersion::Http1,
            };
            Ok(Connected::new(stream).with_version(version))
        }
    }
}

/// Builds a [`TlsConnector`]; options are checked by [`build`](Self::build).
#[derive(Debug, Default)]
pub struct TlsConnectorBuilder {
    settings: Settings,
    /// The first error met while adding options, reported by `build`.
    error: Option<Error>,
}

impl TlsConnectorBuilder {
    /// Which built-in roots to trust (default [`BuiltInRoots::PlatformOrBundled`]).
    pub fn built_in_roots(mut self, roots: BuiltInRoots) -> Self {
        self.settings.roots = roots;
        self
    }

    /// Trusts `ca` too (a private or test CA).
    pub fn add_root_certificate(mut self, ca: Certificate) -> Self {
        self.settings.extra_roots.push(ca.into_der());
        self
    }

    /// Trusts every certificate of the PEM file at `path` too (read now, errors at `build`).
    pub fn add_root_certificates_pem_file(mut self, path: impl AsRef<std::path::Path>) -> Self {
        match Certificate::from_pem_file(path) {
            Ok(cas) => {
                let ders = cas.into_iter().map(Certificate::into_der);
                self.settings.extra_roots.extend(ders);
            }
            Err(e) => {
                self.error.get_or_insert(e);
            }
        }
        self
    }

    /// Presents `identity` when a server asks for a client certificate (mutual TLS).
    pub fn identity(mut self, identity: Identity) -> Self {
        self.settings.identity = Some(identity);
        self
    }

    /// Refuses `http://` URLs: every connection is TLS (default `false`).
    pub fn https_only(mut self, yes: bool) -> Self {
        self.settings.https_only = yes;
        self
    }

    /// Accepts any server certificate — expired, self-signed, for another
    /// name — so anyone on the path can read and change the traffic. For
    /// tests against a throw-away server only (default `false`).
    pub fn dangerous_accept_invalid_certificates(mut self, yes: bool) -> Self {
        self.settings.dangerous_accept_invalid_certificates = yes;
        self
    }

    /// The connector, its configuration made now (reading the platform
    /// roots if asked to, once per process). [`Error::InvalidProperty`]
    /// names a PEM file that could not be read or a key that does not fit
    /// its certificate.
    pub fn build(self) -> Result<TlsConnector> {
        if let Some(e) = self.error {
            return Err(e);
        }
        let connector = TlsConnector::from_settings(self.settings);
        connector.config(false)?;
        Ok(connector)
    }
}

/// The crypto provider: ring (aws-lc-rs needs cmake and builds slowly).
pub(crate) fn provider() -> Arc<CryptoProvider> {
    static PROVIDER: OnceLock<Arc<CryptoProvider>> = OnceLock::new();
    PROVIDER
        .get_or_init(|| Arc::new(rustls::crypto::ring::default_provider()))
        .clone()
}

fn client_config(s: &Settings) -> Result<ClientConfig> {
    let provider = provider();
    let invalid = |property, e: rustls::Error| Error::InvalidProperty {
        object: OBJECT,
        property,
        reason: e.to_string(),
    };
    let builder = ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| invalid("protocol versions", e))?;
    let builder = if s.dangerous_accept_invalid_certificates {
        builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(AcceptAnyServerCertificate(provider)))
    } else {
        builder.with_root_certificates(root_store(s)?)
    };
    let config = match &s.identity {
        Some(id) => builder
            .with_client_auth_cert(id.certificate_chain().to_vec(), id.private_key())
            .map_err(|e| invalid("identity", e))?,
        None => builder.with_no_client_auth(),
    };
    Ok(config)
}

fn root_store(s: &Settings) -> Result<RootCertStore> {
    let mut store = match s.roots {
        BuiltInRoots::PlatformOrBundled => {
            let platform = super::roots::platform();
            if platform.is_empty() {
                super::roots::bundled()
            } else {
                platform
            }
        }
        BuiltInRoots::Platform => super::roots::platform(),
        BuiltInRoots::Bundled => super::roots::bundled(),
        BuiltInRoots::None => RootCertStore::empty(),
    };
    for ca in &s.extra_roots {
        store.add(ca.clone()).map_err(|e| Error::InvalidProperty {
            object: OBJECT,
            property: "root certificate",
            reason: e.to_string(),
        })?;
    }
    Ok(store)
}
