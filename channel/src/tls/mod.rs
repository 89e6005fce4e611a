//! TLS for `https://` endpoints (feature `tls`, on by default): rustls with
//! the ring provider, pure Rust apart from ring's own assembly.
//!
//! [`TlsConnector`] is the default connector of [`Channel`](crate::Channel)
//! (and so of the service proxy): `https://` URLs work without setup,
//! verified against the platform's roots (which honour `SSL_CERT_FILE` and
//! `SSL_CERT_DIR`, as OpenSSL-based tools do) or the bundled Mozilla set.
//! Build one to trust a private CA, present a client certificate (mutual
//! TLS) or refuse `http://`; the server side is `wws_listener`'s `TlsAcceptor`,
//! which reads the same [`Certificate`] and [`Identity`].
//!
//! A failed certificate check is
//! [`Error::SecurityVerificationFailure`](wws_core::Error::SecurityVerificationFailure),
//! whose [`SecurityCheck`](wws_core::SecurityCheck) names it (expired,
//! wrong name, unknown issuer, refused by the peer, ...), with rustls's
//! error as its source. The only option that weakens verification is
//! [`TlsConnectorBuilder::dangerous_accept_invalid_certificates`].
//!
//! Connections made by one connector share its rustls configuration, and
//! so its TLS session cache (rustls's default, in memory): a proxy's pooled
//! channels resume each other's sessions. Not yet: HTTP/2 (ALPN offers
//! `http/1.1` only), certificate revocation lists and OCSP.

mod connector;
mod pem;
mod roots;
mod verify;

pub use connector::{BuiltInRoots, TlsConnector, TlsConnectorBuilder};
pub use pem::{Certificate, Identity};

pub(crate) use verify::failed_check;

/// The crypto provider the stack's TLS uses (ring), for the listener's configuration.
#[doc(hidden)]
pub fn provider() -> std::sync::Arc<rustls::crypto::CryptoProvider> {
    connector::provider()
}
