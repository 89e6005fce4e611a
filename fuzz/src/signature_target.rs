//! Fuzz target `signed_envelope`: the X.509 signature reader and verifier
//! (`wws_security::dsig::verify_envelope`) and the host layer's whole
//! check (`SignatureValidator::validate`) on the input as a request
//! envelope, in both SOAP versions, at a fixed time, trusting the one CA
//! whose certificate is `fuzz/seeds/signed_envelope-ca.der`.
//!
//! What must hold: no panic; a verified signature has at most
//! `MAX_REFERENCES` references, each covering an element by its path from
//! the root; what the validator accepts, `verify_envelope` accepts too and
//! says the Body was signed; the same input a second time is refused by the
//! same validator (a replay of its signature). The seeds
//! (`fuzz/seeds/signed_envelope/`) are envelopes signed under that CA,
//! which `security/tests/fuzz_regressions.rs` checks do verify.
//!
//! Uses nothing but `wws_core`, `wws_security` and `std`, so that
//! `security/tests/fuzz_regressions.rs` can include it by path.

use std::time::{Duration, SystemTime};

use wws_core::{EnvelopeVersion, Message, ReaderQuotas};
use wws_security::SignatureValidator;
use wws_security::dsig::{self, MAX_REFERENCES};

/// The CA the seeds were signed under (its key was thrown away).
pub const TRUSTED_CA: &[u8] = include_bytes!("../seeds/signed_envelope-ca.der");
/// 2026-12-01T12:00:30Z: 30 s after the seeds' timestamps were created.
pub const NOW_UNIX: u64 = 1_796_126_430;

pub fn now() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(NOW_UNIX)
}

pub fn signed_envelope(data: &[u8]) {
    let anchors = [TRUSTED_CA.to_vec()];
    for envelope in [EnvelopeVersion::Soap11, EnvelopeVersion::Soap12] {
        let ns = envelope.namespace();
        let verified = dsig::verify_envelope(data, ns, &anchors, now());
        if let Ok(v) = &verified {
            assert!(!v.signed.is_empty() && v.signed.len() <= MAX_REFERENCES);
            assert!(v.signed.iter().all(|p| !p.is_empty()));
        }
        let Ok(message) = Message::read(data, &ReaderQuotas::default()) else {
            continue;
        };
        if message.envelope != envelope {
            continue;
        }
        let validator = SignatureValidator::new(anchors.clone()).clock(now);
        if validator.validate(&message, data).is_ok() {
            let v = verified.as_ref().expect("accepted, so it verifies");
            assert!(v.covers(&[(ns, "Envelope"), (ns, "Body")]));
            assert!(
                validator.validate(&message, data).is_err(),
                "a replayed signature was accepted"
            );
        }
    }
}
