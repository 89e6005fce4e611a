//! The `signed_envelope` fuzz target's code (`fuzz/src/signature_target.rs`)
//! under a plain `cargo test`: on its seeds (`fuzz/seeds/signed_envelope/`,
//! each of which must verify at the target's time under its CA) and on its
//! saved crash inputs (`fuzz/regressions/signed_envelope/`).
//!
//! The seeds and the CA are written by the ignored test
//! `write_the_seeds` (`cargo test -p wws-security --test fuzz_signature --
//! --ignored`): envelopes signed by `SigningLayer` at the target's time
//! less 30 s, under a CA made with rcgen whose key is then thrown away.

#[allow(dead_code)]
#[path = "../../fuzz/src/signature_target.rs"]
mod signature_target;

mod common;

use std::path::PathBuf;
use std::time::Duration;

use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};
use wws_core::{AddressingVersion, EnvelopeVersion, Message, ReaderQuotas};
use wws_security::{SignatureValidator, SigningLayer, X509Credentials};

fn dir(kind: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../fuzz")
        .join(kind)
        .join("signed_envelope")
}

fn inputs(kind: &str) -> Vec<(String, Vec<u8>)> {
    common::fuzz_inputs(kind, "signed_envelope")
}

#[test]
fn saved_inputs_pass_the_target() {
    for (name, bytes) in inputs("regressions").into_iter().chain(inputs("seeds")) {
        let outcome = std::panic::catch_unwind(|| signature_target::signed_envelope(&bytes));
        assert!(outcome.is_ok(), "{name} fails the target");
    }
}

#[test]
fn the_seeds_verify_at_the_target_s_time() {
    let seeds = inputs("seeds");
    assert!(seeds.len() >= 3, "seeds missing: {seeds:?}");
    for (name, bytes) in seeds {
        let m = Message::read(&bytes, &ReaderQuotas::default()).expect("seed reads");
        let validator = SignatureValidator::new([signature_target::TRUSTED_CA.to_vec()])
            .clock(signature_target::now);
        let outcome = validator.validate(&m, &bytes);
        assert!(outcome.is_ok(), "{name}: {outcome:?}");
    }
}

#[test]
#[ignore = "writes fuzz/seeds/signed_envelope/ and its CA; run by hand"]
fn write_the_seeds() {
    let mut ca = CertificateParams::new(Vec::<String>::new()).expect("ca params");
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.distinguished_name
        .push(DnType::CommonName, "wws fuzz CA");
    let ca_key = KeyPair::generate().expect("ca key");
    let ca_cert = ca.self_signed(&ca_key).expect("ca cert");
    let issuer = Issuer::new(ca, ca_key);
    let key = KeyPair::from_pem(common::sign::SIGNER_KEY).expect("test key");
    let mut ee = CertificateParams::new(Vec::<String>::new()).expect("signer params");
    ee.distinguished_name
        .push(DnType::CommonName, "wws fuzz signer");
    let cert = ee.signed_by(&key, &issuer).expect("signer cert");
    let credentials =
        X509Credentials::from_pem(cert.pem().as_bytes(), common::sign::SIGNER_KEY.as_bytes())
            .expect("credentials");
    let signed_at = signature_target::now() - Duration::from_secs(30);
    let signing = SigningLayer::new(credentials).clock(move || signed_at);
    let seeds = dir("seeds");
    std::fs::create_dir_all(&seeds).expect("seed dir");
    std::fs::write(
        seeds.with_file_name("signed_envelope-ca.der"),
        ca_cert.der(),
    )
    .expect("ca");
    let add = |envelope, addressing| {
        let mut m = Message::new(envelope, addressing);
        m.action = Some("http://example.org/wws/calculator/Add".into());
        m.body = b"<c:Add xmlns:c=\"http://example.org/wws/calculator\"><c:a>1.5</c:a><c:b>2.25</c:b></c:Add>"
            .to_vec()
            .into();
        m
    };
    let mut cases = Vec::new();
    cases.push((
        "soap11.xml",
        add(EnvelopeVersion::Soap11, AddressingVersion::Transport),
    ));
    let mut wsa = add(EnvelopeVersion::Soap12, AddressingVersion::WsAddressing10);
    wsa.to = Some("http://127.0.0.1/calculator".into());
    wsa.message_id = Some("urn:uuid:6b1d".into());
    cases.push(("soap12-wsa.xml", wsa));
    // A digest UsernameToken first, then the signature in the same header.
    let mut with_token = add(EnvelopeVersion::Soap11, AddressingVersion::Transport);
    let header = common::digest_header(
        "alice",
        "secret",
        b"0123456789abcdef",
        &common::utc(signed_at),
    );
    with_token
        .headers
        .push(wws_core::Header::from_xml(EnvelopeVersion::Soap11, header).expect("token"));
    cases.push(("token-and-signature.xml", with_token));
    for (name, mut m) in cases {
        signing.sign(&mut m).expect("signs");
        std::fs::write(seeds.join(name), m.to_bytes().expect("writes")).expect("seed");
    }
}
