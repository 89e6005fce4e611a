//! [`Certificate`] and [`Identity`]: certificates and keys read from PEM.

use std::path::Path;
use std::sync::Arc;

use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use wws_core::{Error, Result};

fn invalid(object: &'static str, property: &'static str, reason: String) -> Error {
    Error::InvalidProperty {
        object,
        property,
        reason,
    }
}

/// A certificate (DER), as a CA to trust or as part of a chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Certificate(CertificateDer<'static>);

impl Certificate {
    /// A certificate from its DER bytes (not checked until used).
    pub fn from_der(der: impl Into<Vec<u8>>) -> Certificate {
        Certificate(CertificateDer::from(der.into()))
    }

    /// The first `CERTIFICATE` block of `pem`.
    pub fn from_pem(pem: &[u8]) -> Result<Certificate> {
        CertificateDer::from_pem_slice(pem)
            .map(Certificate)
            .map_err(|e| invalid("Certificate", "pem", e.to_string()))
    }

    /// Every `CERTIFICATE` block of `pem` (a CA bundle); at least one.
    pub fn from_pem_bundle(pem: &[u8]) -> Result<Vec<Certificate>> {
        let certs = CertificateDer::pem_slice_iter(pem)
            .map(|c| c.map(Certificate))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| invalid("Certificate", "pem", e.to_string()))?;
        if certs.is_empty() {
            return Err(invalid(
                "Certificate",
                "pem",
                "no CERTIFICATE block found".to_owned(),
            ));
        }
        Ok(certs)
    }

    /// Every `CERTIFICATE` block of the PEM file at `path`; at least one.
    pub fn from_pem_file(path: impl AsRef<Path>) -> Result<Vec<Certificate>> {
        let path = path.as_ref();
        let pem = std::fs::read(path).map_err(|e| {
            invalid(
                "Certificate",
                "pem file",
                format!("cannot read {}: {e}", path.display()),
            )
        })?;
        Certificate::from_pem_bundle(&pem).map_err(|e| match e {
            Error::InvalidProperty { reason, .. } => invalid(
                "Certificate",
                "pem file",
                format!("{}: {reason}", path.display()),
            ),
            other => other,
        })
    }

    /// The certificate's DER bytes.
    pub fn der(&self) -> &[u8] {
        &self.0
    }

    pub(crate) fn into_der(self) -> CertificateDer<'static> {
        self.0
    }
}

/// Who we are to the peer: a certificate chain (leaf first) and the leaf's
/// private key. A client's identity for mutual TLS, a server's certificate.
#[derive(Clone)]
pub struct Identity {
    chain: Vec<CertificateDer<'static>>,
    key: Arc<PrivateKeyDer<'static>>,
}

impl std::fmt::Debug for Identity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the key.
        f.debug_struct("Identity")
            .field("certificates", &self.chain.len())
            .finish_non_exhaustive()
    }
}

impl Identity {
    /// An identity from PEM: `certificate_chain` holds the `CERTIFICATE`
    /// blocks (leaf first), `private_key` a PKCS#8, PKCS#1 or SEC1 key.
    pub fn from_pem(certificate_chain: &[u8], private_key: &[u8]) -> Result<Identity> {
        let chain = CertificateDer::pem_slice_iter(certificate_chain)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| invalid("Identity", "certificate chain", e.to_string()))?;
        if chain.is_empty() {
            return Err(invalid(
                "Identity",
                "certificate chain",
                "no CERTIFICATE block found".to_owned(),
            ));
        }
        let key = PrivateKeyDer::from_pem_slice(private_key)
            .map_err(|e| invalid("Identity", "private key", e.to_string()))?;
        Ok(Identity {
            chain,
            key: Arc::new(key),
        })
    }

    /// An identity from the PEM files at `certificate_chain` and `private_key`.
    pub fn from_pem_files(
        certificate_chain: impl AsRef<Path>,
        private_key: impl AsRef<Path>,
    ) -> Result<Identity> {
        let read = |path: &Path, property| {
            std::fs::read(path).map_err(|e| {
                invalid(
                    "Identity",
                    property,
                    format!("cannot read {}: {e}", path.display()),
                )
            })
        };
        let (cert_path, key_path) = (certificate_chain.as_ref(), private_key.as_ref());
        let certs = read(cert_path, "certificate chain")?;
        let key = read(key_path, "private key")?;
        Identity::from_pem(&certs, &key).map_err(|e| match e {
            Error::InvalidProperty {
                property, reason, ..
            } => {
                let path = if property == "private key" {
                    key_path
                } else {
                    cert_path
                };
                invalid(
                    "Identity",
                    property,
                    format!("{}: {reason}", path.display()),
                )
            }
            other => other,
        })
    }

    /// The certificate chain, leaf first.
    pub fn certificate_chain(&self) -> &[CertificateDer<'static>] {
        &self.chain
    }

    /// A copy of the private key, for building a rustls configuration.
    #[doc(hidden)]
    pub fn private_key(&self) -> PrivateKeyDer<'static> {
        self.key.clone_key()
    }
}
