//! [`TlsAcceptor`]: serves HTTPS from a certificate and key (rustls, ring
//! provider), optionally verifying client certificates (mutual TLS).

use std::path::Path;
use std::sync::{Arc, PoisonError, RwLock};

use bytes::Bytes;
use rustls::server::WebPkiClientVerifier;
use rustls::{RootCertStore, ServerConfig};
use tokio::net::TcpStream;
use wws_channel::tls::{Certificate, Identity};
use wws_core::{Error, Result};

use crate::acceptor::{Accepted, Accepting, Acceptor, HttpVersion, TlsInfo};

const OBJECT: &str = "TlsAcceptor";

/// The ALPN protocols served, in the server's order of preference.
const ALPN: &[&[u8]] = &[b"h2", b"http/1.1"];

/// Whether a [`TlsAcceptor`] asks clients for a certificate.
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub enum ClientAuth {
    /// No client certificate asked for (default).
    #[default]
    None,
    /// A client may present a certificate; one it presents must be issued
    /// by one of these CAs. Clients without one are served too.
    Optional(Vec<Certificate>),
    /// Every client must present a certificate issued by one of these CAs;
    /// the handshake fails otherwise.
    Required(Vec<Certificate>),
}

/// Runs the TLS handshake on each accepted connection (the listener's
/// [`Acceptor`] for HTTPS), so HTTP is served over TLS.
///
/// ALPN offers `h2` and `http/1.1`, preferring `h2`: the listener serves
/// the protocol chosen (a client that offers neither is refused, as RFC
/// 7301 says; one that offers none gets HTTP/1.1 or, if it opens with the
/// HTTP/2 preface, HTTP/2). What the handshake established — the client's
/// certificate chain under [`ClientAuth`], the SNI name — is the
/// connection's [`TlsInfo`], seen by each exchange (`ReplyChannel::tls`,
/// and the host's `OperationContext`). The handshake runs on the
/// connection's task, bounded by the listener's `header_read_timeout`.
///
/// Cheap to clone; clones share the configuration, so a clone kept aside
/// can [`set_identity`](Self::set_identity) (a renewed certificate) while
/// the listener serves: new connections get it, open ones are not touched.
///
/// ```no_run
/// use wws_listener::Listener;
/// use wws_listener::acceptor::TlsAcceptor;
///
/// let tls = TlsAcceptor::from_pem_files("server.crt", "server.key")?;
/// let listener = Listener::builder().acceptor(tls.clone()).build()?;
/// // Later, after the files were renewed:
/// tls.reload_pem_files("server.crt", "server.key")?;
/// # Ok::<(), wws_core::Error>(())
/// ```
#[derive(Clone)]
pub struct TlsAcceptor {
    inner: Arc<Shared>,
}

struct Shared {
    client_auth: ClientAuth,
    current: RwLock<tokio_rustls::TlsAcceptor>,
}

impl std::fmt::Debug for TlsAcceptor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TlsAcceptor")
            .field("client_auth", &self.inner.client_auth)
            .finish_non_exhaustive()
    }
}

impl TlsAcceptor {
    /// Serves `identity` (certificate chain and key), no client certificates asked for.
    pub fn new(identity: Identity) -> Result<TlsAcceptor> {
        TlsAcceptor::builder(identity).build()
    }

    /// Serves the certificate chain and key of the PEM files `certificate_chain` and `private_key`.
    pub fn from_pem_files(
        certificate_chain: impl AsRef<Path>,
        private_key: impl AsRef<Path>,
    ) -> Result<TlsAcceptor> {
        TlsAcceptor::new(Identity::from_pem_files(certificate_chain, private_key)?)
    }

    /// A builder serving `identity`.
    pub fn builder(identity: Identity) -> TlsAcceptorBuilder {
        TlsAcceptorBuilder {
            identity,
            client_auth: ClientAuth::None,
        }
    }

    /// Serves `identity` to connections accepted from now on; open
    /// connections keep the one they were accepted with.
    pub fn set_identity(&self, identity: Identity) -> Result<()> {
        let acceptor = acceptor(&identity, &self.inner.client_auth)?;
        *self
            .inner
            .current
            .write()
            .unwrap_or_else(PoisonError::into_inner) = acceptor;
        Ok(())
    }

    /// Reads the PEM files again and serves them to new connections (see
    /// [`set_identity`](Self::set_identity)); on error the old identity stays.
    pub fn reload_pem_files(
        &self,
        certificate_chain: impl AsRef<Path>,
        private_key: impl AsRef<Path>,
    ) -> Result<()> {
        self.set_identity(Identity::from_pem_files(certificate_chain, private_key)?)
    }

    fn current(&self) -> tokio_rustls::TlsAcceptor {
        self.inner
            .current
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

impl Acceptor for TlsAcceptor {
    fn is_plain_http(&self) -> bool {
        false
    }

    fn accept(&self, stream: TcpStream, _peer: std::net::SocketAddr) -> Accepting {
        let acceptor = self.current();
        Box::pin(async move {
            let stream = acceptor.accept(stream).await?;
            let conn = stream.get_ref().1;
            let alpn = conn.alpn_protocol().map(<[u8]>::to_vec);
            let version = match alpn.as_deref() {
                Some(b"h2") => HttpVersion::Http2,
                _ => HttpVersion::Http1,
            };
            let chain = conn
                .peer_certificates()
                .map(|c| c.iter().map(|d| Bytes::copy_from_slice(d)).collect())
                .unwrap_or_default();
            let info = TlsInfo::new()
                .with_server_name(conn.server_name().map(str::to_owned))
                .with_alpn_protocol(alpn)
                .with_peer_certificates(chain);
            Ok(Accepted::new(stream).with_version(version).with_tls(info))
        })
    }
}

/// Builds a [`TlsAcceptor`]; checked by [`build`](Self::build).
#[derive(Debug)]
pub struct TlsAcceptorBuilder {
    identity: Identity,
    client_auth: ClientAuth,
}

impl TlsAcceptorBuilder {
    /// Whether to ask clients for a certificate (default [`ClientAuth::None`]).
    pub fn client_auth(mut self, client_auth: ClientAuth) -> Self {
        self.client_auth = client_auth;
        self
    }

    /// The acceptor. [`Error::InvalidProperty`] when the key does not fit
    /// the certificate or a client CA cannot be used.
    pub fn build(self) -> Result<TlsAcceptor> {
        let current = RwLock::new(acceptor(&self.identity, &self.client_auth)?);
        Ok(TlsAcceptor {
            inner: Arc::new(Shared {
                client_auth: self.client_auth,
                current,
            }),
        })
    }
}

fn invalid(property: &'static str, reason: impl ToString) -> Error {
    Error::InvalidProperty {
        object: OBJECT,
        property,
        reason: reason.to_string(),
    }
}

fn acceptor(identity: &Identity, client_auth: &ClientAuth) -> Result<tokio_rustls::TlsAcceptor> {
    let provider = wws_channel::tls::provider();
    let builder = ServerConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| invalid("protocol versions", e))?;
    let builder = match client_auth {
        ClientAuth::None => builder.with_no_client_auth(),
        ClientAuth::Optional(cas) | ClientAuth::Required(cas) => {
            let mut roots = RootCertStore::empty();
            for ca in cas {
                roots
                    .add(ca.der().to_vec().into())
                    .map_err(|e| invalid("client CA", e))?;
            }
            let verifier = WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider);
            let verifier = match client_auth {
                ClientAuth::Optional(_) => verifier.allow_unauthenticated(),
                _ => verifier,
            };
            builder
                .with_client_cert_verifier(verifier.build().map_err(|e| invalid("client CA", e))?)
        }
    };
    let mut config = builder
        .with_single_cert(
            identity.certificate_chain().to_vec(),
            identity.private_key(),
        )
        .map_err(|e| invalid("identity", e))?;
    config.alpn_protocols = ALPN.iter().map(|p| p.to_vec()).collect();
    Ok(tokio_rustls::TlsAcceptor::from(Arc::new(config)))
}
