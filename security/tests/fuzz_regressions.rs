//! The `wssecurity_header` fuzz target's code (`fuzz/src/security_target.rs`)
//! under a plain `cargo test`: on its seeds (`fuzz/seeds/wssecurity_header/`,
//! which must authenticate where they carry alice's token) and on its saved
//! crash inputs (`fuzz/regressions/wssecurity_header/`).

#[allow(dead_code)]
#[path = "../../fuzz/src/security_target.rs"]
mod security_target;

mod common;

use std::time::{Duration, SystemTime};

use wws_core::{AddressingVersion, EnvelopeVersion, Header, Message};
use wws_security::{Principal, UserEntry, UsernameTokenValidator};

fn inputs(kind: &str) -> Vec<(String, Vec<u8>)> {
    common::fuzz_inputs(kind, "wssecurity_header")
}

#[test]
fn saved_inputs_pass_the_target() {
    for (name, bytes) in inputs("regressions").into_iter().chain(inputs("seeds")) {
        let outcome = std::panic::catch_unwind(|| security_target::wssecurity_header(&bytes));
        assert!(outcome.is_ok(), "{name} fails the target");
    }
}

#[test]
fn the_seeds_with_a_token_authenticate_at_the_target_s_time() {
    let seeds = inputs("seeds");
    assert!(seeds.len() >= 4, "seeds missing: {seeds:?}");
    for (name, bytes) in seeds {
        let validator = UsernameTokenValidator::new(|n: &str| {
            (n == "alice").then(|| UserEntry::new("secret", Principal::new("Alice")))
        })
        .require_token(false)
        .clock(|| SystemTime::UNIX_EPOCH + Duration::from_secs(1_796_126_400));
        let mut m = Message::new(EnvelopeVersion::Soap11, AddressingVersion::Transport);
        m.headers
            .push(Header::from_xml(EnvelopeVersion::Soap11, bytes).expect("seed header"));
        let outcome = validator.validate(&m);
        let expected = if name.contains("timestamp") {
            None
        } else {
            Some(Principal::new("Alice"))
        };
        assert_eq!(outcome, Ok(expected), "{name}");
    }
}
