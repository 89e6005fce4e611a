//! Fuzz target `wssecurity_header`: the WS-Security header reader
//! (`wws_security::header::read_security_header`) and the host layer's
//! whole check (`UsernameTokenValidator::validate`) on the input as a
//! `wsse:Security` header block, at a fixed time, for the one user
//! alice / secret.
//!
//! What must hold: no panic; what reads stays inside the reader's limits;
//! a request the validator accepts carries alice's right password (as
//! text, or as the digest of its own nonce and Created); the same input a
//! second time is refused whenever it carried a nonce (a replay); the
//! exclusive canonical form of the input, where there is one, is its own
//! canonical form (c14n is idempotent).
//!
//! Uses nothing but `wws_core`, `wws_security` and `std`, so that
//! `security/tests/fuzz_regressions.rs` can include it by path.

use std::time::{Duration, SystemTime};

use wws_core::{AddressingVersion, EnvelopeVersion, Header, Message};
use wws_security::header::{self, Password, read_security_header};
use wws_security::{Principal, UserEntry, UsernameTokenValidator, password_digest};

/// 2026-12-01T12:00:00Z, the time the seeds are written at.
const NOW_UNIX: u64 = 1_796_126_400;

pub fn wssecurity_header(data: &[u8]) {
    if let Ok(once) = wws_security::c14n::exclusive(data, &[]) {
        let twice =
            wws_security::c14n::exclusive(&once, &[]).expect("a canonical form reads again");
        assert_eq!(once, twice, "c14n is not idempotent");
    }
    let read = read_security_header(data);
    if let Ok(h) = &read {
        if let Some(t) = &h.username_token {
            assert!(t.username.len() <= header::MAX_USERNAME);
            assert!(
                t.nonce
                    .as_ref()
                    .is_none_or(|n| !n.is_empty() && n.len() <= header::MAX_NONCE)
            );
            if let Some(Password::Text(p)) = &t.password {
                assert!(p.len() <= header::MAX_PASSWORD);
            }
        }
    }
    for envelope in [EnvelopeVersion::Soap11, EnvelopeVersion::Soap12] {
        let Ok(block) = Header::from_xml(envelope, data.to_vec()) else {
            continue;
        };
        let mut m = Message::new(envelope, AddressingVersion::Transport);
        m.headers.push(block);
        let validator = UsernameTokenValidator::new(|name: &str| {
            (name == "alice").then(|| UserEntry::new("secret", Principal::new("Alice")))
        })
        .clock(|| SystemTime::UNIX_EPOCH + Duration::from_secs(NOW_UNIX));
        let outcome = validator.validate(&m);
        if let Ok(Some(principal)) = &outcome {
            assert_eq!(principal.name, "Alice");
            let token = read
                .as_ref()
                .ok()
                .and_then(|h| h.username_token.clone())
                .expect("an accepted request read as a token");
            let right = match &token.password {
                Some(Password::Text(p)) => p == "secret",
                Some(Password::Digest(d)) => match (&token.nonce, &token.created) {
                    (Some(n), Some((c, _))) => *d == password_digest(n, c, "secret"),
                    _ => false,
                },
                None => false,
            };
            assert!(right, "accepted without alice's password: {token:?}");
            if token.nonce.is_some() {
                assert!(
                    validator.validate(&m).is_err(),
                    "replay accepted: {token:?}"
                );
            }
        }
    }
}
