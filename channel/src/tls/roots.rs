//! The built-in root sets: the platform's (read once per process) and the bundled one.

use std::sync::OnceLock;

use rustls::RootCertStore;

/// The platform's roots, as rustls-native-certs finds them (honouring
/// `SSL_CERT_FILE` and `SSL_CERT_DIR`); certificates it cannot parse are skipped.
pub(crate) fn platform() -> RootCertStore {
    static PLATFORM: OnceLock<RootCertStore> = OnceLock::new();
    PLATFORM
        .get_or_init(|| {
            let found = rustls_native_certs::load_native_certs();
            for e in &found.errors {
                tracing::debug!(target: "wws.channel", error = %e, "platform root certificates: not all could be read");
            }
            let mut store = RootCertStore::empty();
            let (added, ignored) = store.add_parsable_certificates(found.certs);
            tracing::debug!(target: "wws.channel", added, ignored, "platform root certificates loaded");
            store
        })
        .clone()
}

/// The bundled Mozilla root set.
pub(crate) fn bundled() -> RootCertStore {
    RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    }
}
