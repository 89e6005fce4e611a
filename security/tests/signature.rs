//! X.509 signatures, verifying core (`wws_security::dsig`, issue 15 §2):
//! an envelope signed here (RSA-SHA256 by ring, exclusive c14n, a
//! BinarySecurityToken) verifies, tells by position what it covered, and
//! each tampering and known wrapping attack ends with a fault or with the
//! processed Body reported unsigned.

use std::time::SystemTime;

use wws_security::SecurityFault;
use wws_security::c14n::{Select, exclusive_in};
use wws_security::dsig::{self, ENVELOPED_SIGNATURE, EXC_C14N, RSA_SHA256};
use wws_security::ns::{WSSE, WSU};

mod common;
use common::sign::*;

fn verify(xml: &str, pki: &Pki) -> Result<dsig::Verified, SecurityFault> {
    dsig::verify_envelope(
        xml.as_bytes(),
        SOAP11,
        std::slice::from_ref(&pki.ca_der),
        SystemTime::now(),
    )
}

const BODY_PATH: [(&str, &str); 2] = [(SOAP11, "Envelope"), (SOAP11, "Body")];
const TS_PATH: [(&str, &str); 4] = [
    (SOAP11, "Envelope"),
    (SOAP11, "Header"),
    (WSSE, "Security"),
    (WSU, "Timestamp"),
];

#[test]
fn a_signed_envelope_verifies_and_tells_what_was_signed() {
    let pki = pki("test CA");
    let xml = signed(&pki);
    let v = verify(&xml, &pki).expect("verifies");
    assert!(v.covers(&BODY_PATH));
    assert!(v.covers(&TS_PATH));
    assert!(!v.covers(&[(SOAP11, "Envelope"), (SOAP11, "Header")]));
    assert_eq!(v.certificate, pki.signer_der);
    // Reformatting the signed content's markup is not a change (c14n).
    let reformatted = xml.replace(r#"<m:a>1.5</m:a>"#, r#"<m:a >1.5</m:a >"#);
    assert!(verify(&reformatted, &pki).is_ok());
}

#[test]
fn a_changed_body_or_signed_info_fails_the_check() {
    let pki = pki("test CA");
    let xml = signed(&pki);
    let body = xml.replace("<m:a>1.5</m:a>", "<m:a>1000</m:a>");
    assert_eq!(
        verify(&body, &pki).expect_err("refused"),
        SecurityFault::FailedCheck
    );
    let ts = xml.replace("2026-12-01T00:00:00Z", "2036-12-01T00:00:00Z");
    assert_eq!(
        verify(&ts, &pki).expect_err("refused"),
        SecurityFault::FailedCheck
    );
    // A reference dropped from SignedInfo: the signature no longer matches.
    let start = xml.find(r##"<ds:Reference URI="#TS-1""##).expect("ts ref");
    let end = start + xml[start..].find("</ds:Reference>").expect("end") + "</ds:Reference>".len();
    let dropped = format!("{}{}", &xml[..start], &xml[end..]);
    assert_eq!(
        verify(&dropped, &pki).expect_err("refused"),
        SecurityFault::FailedCheck
    );
}

#[test]
fn a_signer_no_trust_anchor_vouches_for_is_refused() {
    let other = pki("another CA");
    let pki = pki("test CA");
    let xml = signed(&pki);
    let refused = dsig::verify_envelope(xml.as_bytes(), SOAP11, &[other.ca_der], SystemTime::now());
    assert_eq!(
        refused.expect_err("refused"),
        SecurityFault::FailedAuthentication
    );
    let none = dsig::verify_envelope(xml.as_bytes(), SOAP11, &[], SystemTime::now());
    assert_eq!(
        none.expect_err("refused"),
        SecurityFault::FailedAuthentication
    );
}

#[test]
fn a_moved_body_leaves_the_processed_body_unsigned() {
    let pki = pki("test CA");
    let xml = signed(&pki);
    // The signed Body moved into a header wrapper, a new Body in its place.
    let wrapped = xml.replace(BODY, "").replace(
        "</soap:Header>",
        &format!(
            r#"<x:Wrapper xmlns:x="urn:evil">{BODY}</x:Wrapper></soap:Header><soap:Body><m:Add xmlns:m="urn:calc"><m:a>1000</m:a><m:b>0</m:b></m:Add></soap:Body>"#
        ),
    );
    let v = verify(&wrapped, &pki).expect("the moved element still verifies");
    assert!(!v.covers(&BODY_PATH), "the attacker's Body is not signed");
    // The signed Body inside an unverified wrapper inside the Body.
    let nested = xml.replace(
        BODY,
        &format!(r#"<soap:Body><x:Wrapper xmlns:x="urn:evil">{BODY}</x:Wrapper></soap:Body>"#),
    );
    let v = verify(&nested, &pki).expect("verifies");
    assert!(!v.covers(&BODY_PATH));
}

#[test]
fn a_duplicate_id_is_refused() {
    let pki = pki("test CA");
    let xml = signed(&pki);
    // The attacker's Body takes the signed Body's ID; the signed one hides in a header.
    let twin = xml.replace(BODY, "").replace(
        "</soap:Header>",
        &format!(
            r#"<x:Wrapper xmlns:x="urn:evil">{BODY}</x:Wrapper></soap:Header><soap:Body wsu:Id="Body-1"><m:Add xmlns:m="urn:calc"><m:a>1000</m:a></m:Add></soap:Body>"#
        ),
    );
    assert_eq!(
        verify(&twin, &pki).expect_err("refused"),
        SecurityFault::InvalidSecurity
    );
    // The same value under another ID attribute name counts too.
    let other_name = xml.replace(
        "<soap:Header>",
        r#"<soap:Header><x:Y xmlns:x="urn:x" Id="TS-1"/>"#,
    );
    assert_eq!(
        verify(&other_name, &pki).expect_err("refused"),
        SecurityFault::InvalidSecurity
    );
}

#[test]
fn a_reference_to_no_element_and_too_many_references_are_refused() {
    let pki = pki("test CA");
    let refs = ["Body-1", "Missing-1"];
    let mut xml = template(&pki, RSA_SHA256, &refs, BODY);
    xml = xml.replace("DIGEST-Missing-1", &b64(&[0u8; 32]));
    let xml = sign(&pki, xml, &["Body-1"]);
    assert_eq!(
        verify(&xml, &pki).expect_err("refused"),
        SecurityFault::InvalidSecurity
    );

    let many: Vec<String> = (0..64).map(|_| "Body-1".to_owned()).collect();
    let many: Vec<&str> = many.iter().map(String::as_str).collect();
    let xml = template(&pki, RSA_SHA256, &many, BODY).replace("DIGEST-Body-1", &b64(&[0u8; 32]));
    assert_eq!(
        verify(&xml, &pki).expect_err("refused"),
        SecurityFault::InvalidSecurity
    );
}

#[test]
fn other_algorithms_and_transforms_are_unsupported() {
    let pki = pki("test CA");
    let refs = ["Body-1"];
    let sha1 = "http://www.w3.org/2000/09/xmldsig#rsa-sha1";
    let xml = sign(&pki, template(&pki, sha1, &refs, BODY), &refs);
    assert_eq!(
        verify(&xml, &pki).expect_err("refused"),
        SecurityFault::UnsupportedAlgorithm
    );
    // An XPath transform could select other content than the element.
    let xml = signed(&pki).replacen(
        &format!(r#"<ds:Transform Algorithm="{EXC_C14N}"/>"#),
        r#"<ds:Transform Algorithm="http://www.w3.org/TR/1999/REC-xpath-19991116"/>"#,
        1,
    );
    assert_eq!(
        verify(&xml, &pki).expect_err("refused"),
        SecurityFault::UnsupportedAlgorithm
    );
    // An external reference is never fetched.
    let xml = signed(&pki).replacen(r##"URI="#Body-1""##, r#"URI="http://evil/x""#, 1);
    assert_eq!(
        verify(&xml, &pki).expect_err("refused"),
        SecurityFault::InvalidSecurity
    );
}

#[test]
fn an_enveloped_signature_transform_is_a_no_op_only_outside_the_signature() {
    let pki = pki("test CA");
    let exc = format!(r#"<ds:Transforms><ds:Transform Algorithm="{EXC_C14N}"/>"#);
    let both = format!(
        r#"<ds:Transforms><ds:Transform Algorithm="{ENVELOPED_SIGNATURE}"/><ds:Transform Algorithm="{EXC_C14N}"/>"#
    );
    // node-soap's default: enveloped-signature, then exclusive c14n, on Body and Timestamp.
    let refs = ["Body-1", "TS-1"];
    let xml = template(&pki, RSA_SHA256, &refs, BODY).replace(&exc, &both);
    let v = verify(&sign(&pki, xml, &refs), &pki).expect("verifies");
    assert!(v.covers(&BODY_PATH) && v.covers(&TS_PATH));
    // On the Security header, which holds the signature, it would remove
    // content: refused rather than implemented.
    let refs = ["Body-1", "Sec-1"];
    let xml = template(&pki, RSA_SHA256, &refs, BODY)
        .replace(&exc, &both)
        .replace("<wsse:Security ", r#"<wsse:Security wsu:Id="Sec-1" "#);
    assert_eq!(
        verify(&sign(&pki, xml, &refs), &pki).expect_err("refused"),
        SecurityFault::UnsupportedAlgorithm
    );
    // Two enveloped transforms, or one alone, are not exclusive c14n.
    let refs = ["Body-1"];
    let alone = template(&pki, RSA_SHA256, &refs, BODY).replace(
        &exc,
        &format!(r#"<ds:Transforms><ds:Transform Algorithm="{ENVELOPED_SIGNATURE}"/>"#),
    );
    assert_eq!(
        verify(&sign(&pki, alone, &refs), &pki).expect_err("refused"),
        SecurityFault::UnsupportedAlgorithm
    );
}

#[test]
fn an_element_is_canonicalized_in_its_namespace_context() {
    let doc = br#"<r:root xmlns:r="urn:r" xmlns:u="urn:u" xmlns:unused="urn:unused"><r:a u:x="1" b="2"><u:c>t &amp; &#x41;</u:c><r:e/></r:a></r:root>"#;
    let found =
        exclusive_in(doc, Select::Path(&[("urn:r", "root"), ("urn:r", "a")]), &[]).expect("a");
    assert_eq!(
        String::from_utf8(found.canonical).expect("utf-8"),
        r#"<r:a xmlns:r="urn:r" xmlns:u="urn:u" b="2" u:x="1"><u:c>t &amp; A</u:c><r:e></r:e></r:a>"#
    );
    // An inclusive prefix in scope is rendered on the apex.
    let found = exclusive_in(
        doc,
        Select::Path(&[("urn:r", "root"), ("urn:r", "a")]),
        &["unused"],
    )
    .expect("a");
    assert!(
        String::from_utf8(found.canonical)
            .expect("utf-8")
            .contains(r#"xmlns:unused="urn:unused""#)
    );
    assert!(exclusive_in(doc, Select::Id("nope"), &[]).is_err());
}

#[test]
fn zeep_s_envelopes_verify_and_sha1_only_when_allowed() {
    // Signed by zeep 4.3.3 / python-xmlsec 1.3.17 (`zeep_signature.py
    // selftest`) for the test key, under a CA whose key was thrown away.
    let ca = include_bytes!("data/zeep-fixture-ca.der").to_vec();
    let anchors = std::slice::from_ref(&ca);
    let sha256 = include_bytes!("data/zeep-rsa-sha256-signed.xml");
    let sha1 = include_bytes!("data/zeep-rsa-sha1-signed.xml");
    let now = SystemTime::now();
    let v = dsig::verify_envelope(sha256, SOAP11, anchors, now).expect("zeep's SHA-256 verifies");
    assert!(v.covers(&BODY_PATH) && v.covers(&TS_PATH));
    assert_eq!(
        dsig::verify_envelope(sha1, SOAP11, anchors, now).expect_err("refused"),
        SecurityFault::UnsupportedAlgorithm
    );
    let legacy = dsig::VerifyOptions::default().allow_sha1(true);
    let v = dsig::verify_envelope_with(sha1, SOAP11, anchors, now, &legacy).expect("allowed");
    assert!(v.covers(&BODY_PATH) && v.covers(&TS_PATH));
    let text = std::str::from_utf8(sha1).expect("utf-8");
    let tampered = text.replace(">1.5<", ">100<");
    assert_ne!(tampered, text);
    assert_eq!(
        dsig::verify_envelope_with(tampered.as_bytes(), SOAP11, anchors, now, &legacy)
            .expect_err("changed"),
        SecurityFault::FailedCheck
    );
    // A changed signature value fails the RSA-SHA1 check itself.
    let at = text.find("<SignatureValue>").expect("value") + "<SignatureValue>".len();
    let flipped = if text.as_bytes()[at] == b'A' {
        "B"
    } else {
        "A"
    };
    let forged = format!("{}{flipped}{}", &text[..at], &text[at + 1..]);
    assert_eq!(
        dsig::verify_envelope_with(forged.as_bytes(), SOAP11, anchors, now, &legacy)
            .expect_err("forged"),
        SecurityFault::FailedCheck
    );
}
