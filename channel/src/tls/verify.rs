//! Which check a TLS failure was, and the verifier that skips every check
//! (for [`dangerous_accept_invalid_certificates`](super::TlsConnectorBuilder::dangerous_accept_invalid_certificates)).

use std::io;
use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::{AlertDescription, CertificateError, DigitallySignedStruct, SignatureScheme};
use rustls_pki_types::{CertificateDer, ServerName, UnixTime};
use wws_core::SecurityCheck;

/// The check a TLS error (somewhere in `err`'s source chain) names, if it is one.
///
/// `std::io::Error` hides the error it wraps from `source()`, so each one
/// met is opened too.
pub(crate) fn failed_check(err: &(dyn std::error::Error + 'static)) -> Option<SecurityCheck> {
    let mut next = Some(err);
    // Bounded by the length of the source chain.
    while let Some(e) = next {
        if let Some(tls) = e.downcast_ref::<rustls::Error>() {
            return Some(check_of(tls));
        }
        if let Some(inner) = e.downcast_ref::<io::Error>().and_then(|io| io.get_ref()) {
            if let Some(check) = failed_check(inner) {
                return Some(check);
            }
        }
        next = e.source();
    }
    None
}

fn check_of(err: &rustls::Error) -> SecurityCheck {
    use CertificateError as C;
    match err {
        rustls::Error::InvalidCertificate(c) => match c {
            C::Expired | C::ExpiredContext { .. } => SecurityCheck::Expired,
            C::NotValidYet | C::NotValidYetContext { .. } => SecurityCheck::NotYetValid,
            C::NotValidForName | C::NotValidForNameContext { .. } => SecurityCheck::WrongName,
            C::UnknownIssuer => SecurityCheck::UnknownIssuer,
            C::Revoked => SecurityCheck::Revoked,
            C::BadSignature
            | C::UnsupportedSignatureAlgorithmContext { .. }
            | C::UnsupportedSignatureAlgorithmForPublicKeyContext { .. } => {
                SecurityCheck::BadSignature
            }
            C::InvalidPurpose | C::InvalidPurposeContext { .. } => SecurityCheck::WrongPurpose,
            _ => SecurityCheck::Handshake,
        },
        rustls::Error::AlertReceived(
            AlertDescription::BadCertificate
            | AlertDescription::UnsupportedCertificate
            | AlertDescription::CertificateRevoked
            | AlertDescription::CertificateExpired
            | AlertDescription::CertificateUnknown
            | AlertDescription::UnknownCA
            | AlertDescription::AccessDenied
            | AlertDescription::CertificateRequired,
        ) => SecurityCheck::RefusedByPeer,
        _ => SecurityCheck::Handshake,
    }
}

/// Accepts any server certificate; handshake signatures are still checked
/// (by the provider), so the connection is encrypted, just not authenticated.
#[derive(Debug)]
pub(crate) struct AcceptAnyServerCertificate(pub(crate) Arc<CryptoProvider>);

impl ServerCertVerifier for AcceptAnyServerCertificate {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}
