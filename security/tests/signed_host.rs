//! X.509 signatures on the host (`SignatureValidator`, issue 15 §2): a
//! signed request reaches the operation with its signer as principal;
//! what the policy requires unsigned, a replay, an old timestamp, an
//! unknown signer, a tampered body and the known wrapping attacks each end
//! with a WSS fault over HTTP, never with the attacker's body dispatched.

use std::time::{Duration, SystemTime};

use wws_core::{EnvelopeVersion, Message, ReaderQuotas};
use wws_security::dsig::RSA_SHA256;
use wws_security::{
    Principal, SecurityFault, SignatureValidator, UsernameTokenValidator, VerifiedSigner,
};

mod common;
use common::sign::*;
use common::{ACTION, host_with, post_soap11, users, utc};

const WHO_BODY: &str =
    r#"<soap:Body wsu:Id="Body-1"><w:WhoAmI xmlns:w="urn:example:who"/></soap:Body>"#;
const EVIL_BODY: &str =
    r#"<soap:Body><w:WhoAmI xmlns:w="urn:example:who"><w:evil>1</w:evil></w:WhoAmI></soap:Body>"#;

/// An envelope signed by `pki`'s signer over `refs`, its timestamp created at `created`.
fn signed_at(pki: &Pki, refs: &[&str], created: SystemTime) -> String {
    let xml = template_at(pki, RSA_SHA256, refs, WHO_BODY, &utc(created));
    sign(pki, xml, refs)
}

fn fresh(pki: &Pki) -> String {
    signed_at(pki, &["Body-1", "TS-1"], SystemTime::now())
}

async fn signed_host(validator: SignatureValidator) -> (wws_host::ServiceHost, String) {
    host_with(EnvelopeVersion::Soap11, |b| b.layer(validator)).await
}

/// The WSS fault of an HTTP answer (SOAP 1.1: status 500).
fn wss_fault(status: u16, body: &str) -> SecurityFault {
    assert_eq!(status, 500, "a fault, got: {body}");
    let fault = Message::read(body.as_bytes(), &ReaderQuotas::default())
        .and_then(|m| m.fault())
        .unwrap_or_else(|e| panic!("{e}: {body}"))
        .unwrap_or_else(|| panic!("not a fault: {body}"));
    SecurityFault::of(&fault).unwrap_or_else(|| panic!("not a WSS fault: {body}"))
}

/// The principal's name the operation answered.
fn answered(status: u16, body: &str) -> String {
    assert_eq!(status, 200, "{body}");
    let start = body
        .find("<name>")
        .or_else(|| body.find(":name>"))
        .expect("name");
    let rest = &body[start..];
    let open_end = rest.find('>').expect(">") + 1;
    let close = rest.find("</").expect("</");
    rest[open_end..close].to_owned()
}

#[tokio::test]
async fn a_signed_request_reaches_the_operation_with_its_signer() {
    let pki = pki_for("test CA", "Signer Alice");
    let (host, url) = signed_host(SignatureValidator::new([pki.ca_der.clone()])).await;
    let (status, body) = post_soap11(&url, ACTION, &fresh(&pki)).await;
    // The subject's CN is the principal by default; the header stays for later layers.
    assert_eq!(answered(status, &body), "Signer Alice (saw Security)");
    host.close().await.expect("close");
}

#[tokio::test]
async fn the_principal_mapping_decides_who_the_signer_is() {
    let pki = pki_for("test CA", "cn-42");
    let validator =
        SignatureValidator::new([pki.ca_der.clone()]).principal(|s: &VerifiedSigner| {
            assert!(!s.certificate.is_empty());
            (s.common_name.as_deref() == Some("cn-42")).then(|| Principal::new("Employee 42"))
        });
    let (host, url) = signed_host(validator).await;
    let (status, body) = post_soap11(&url, ACTION, &fresh(&pki)).await;
    assert_eq!(answered(status, &body), "Employee 42 (saw Security)");
    host.close().await.expect("close");

    // A signer the trust store vouches for but the application does not know.
    let pki = pki_for("test CA", "cn-7");
    let validator =
        SignatureValidator::new([pki.ca_der.clone()]).principal(|s: &VerifiedSigner| {
            (s.common_name.as_deref() == Some("cn-42")).then(|| Principal::new("x"))
        });
    let (host, url) = signed_host(validator).await;
    let (status, body) = post_soap11(&url, ACTION, &fresh(&pki)).await;
    assert_eq!(
        wss_fault(status, &body),
        SecurityFault::FailedAuthentication
    );
    host.close().await.expect("close");
}

#[tokio::test]
async fn a_signer_from_another_ca_is_refused() {
    let trusted = pki("trusted CA");
    let other = pki("other CA");
    let (host, url) = signed_host(SignatureValidator::new([trusted.ca_der.clone()])).await;
    let (status, body) = post_soap11(&url, ACTION, &fresh(&other)).await;
    assert_eq!(
        wss_fault(status, &body),
        SecurityFault::FailedAuthentication
    );
    host.close().await.expect("close");
}

#[tokio::test]
async fn what_the_policy_requires_must_be_signed() {
    let pki = pki("test CA");
    let (host, url) = signed_host(SignatureValidator::new([pki.ca_der.clone()])).await;
    let now = SystemTime::now();
    // The Body unsigned (only the timestamp referenced).
    let (status, body) = post_soap11(&url, ACTION, &signed_at(&pki, &["TS-1"], now)).await;
    assert_eq!(wss_fault(status, &body), SecurityFault::InvalidSecurity);
    // The timestamp unsigned.
    let (status, body) = post_soap11(&url, ACTION, &signed_at(&pki, &["Body-1"], now)).await;
    assert_eq!(wss_fault(status, &body), SecurityFault::InvalidSecurity);
    // No Security header at all.
    let plain = format!(
        r#"<soap:Envelope xmlns:soap="{SOAP11}"><soap:Body><w:WhoAmI xmlns:w="urn:example:who"/></soap:Body></soap:Envelope>"#
    );
    let (status, body) = post_soap11(&url, ACTION, &plain).await;
    assert_eq!(wss_fault(status, &body), SecurityFault::InvalidSecurity);
    host.close().await.expect("close");

    // Without a required timestamp, a signed Body is enough.
    let validator = SignatureValidator::new([pki.ca_der.clone()]).require_timestamp(false);
    let (host, url) = signed_host(validator).await;
    let (status, body) = post_soap11(&url, ACTION, &signed_at(&pki, &["Body-1"], now)).await;
    assert_eq!(answered(status, &body), "signer (saw Security)");
    host.close().await.expect("close");
}

#[tokio::test]
async fn a_replayed_or_old_signed_request_is_refused() {
    let pki = pki("test CA");
    let (host, url) = signed_host(SignatureValidator::new([pki.ca_der.clone()])).await;
    let xml = fresh(&pki);
    let (status, body) = post_soap11(&url, ACTION, &xml).await;
    assert_eq!(answered(status, &body), "signer (saw Security)");
    let (status, body) = post_soap11(&url, ACTION, &xml).await;
    assert_eq!(
        wss_fault(status, &body),
        SecurityFault::FailedAuthentication
    );
    host.close().await.expect("close");
    // Unless replay detection is off.
    let validator = SignatureValidator::new([pki.ca_der.clone()]).detect_replays(false);
    let (host, url) = signed_host(validator).await;
    for _ in 0..2 {
        let (status, body) = post_soap11(&url, ACTION, &xml).await;
        assert_eq!(answered(status, &body), "signer (saw Security)");
    }
    // Signed ten minutes ago: outside five minutes of freshness plus five of skew.
    let old = signed_at(
        &pki,
        &["Body-1", "TS-1"],
        SystemTime::now() - Duration::from_secs(660),
    );
    let (status, body) = post_soap11(&url, ACTION, &old).await;
    assert_eq!(wss_fault(status, &body), SecurityFault::MessageExpired);
    // Created in the future beyond the skew.
    let future = signed_at(
        &pki,
        &["Body-1", "TS-1"],
        SystemTime::now() + Duration::from_secs(600),
    );
    let (status, body) = post_soap11(&url, ACTION, &future).await;
    assert_eq!(wss_fault(status, &body), SecurityFault::MessageExpired);
    host.close().await.expect("close");
}

#[tokio::test]
async fn a_tampered_body_fails_the_check() {
    let pki = pki("test CA");
    let (host, url) = signed_host(SignatureValidator::new([pki.ca_der.clone()])).await;
    let xml = fresh(&pki).replace(
        r#"<w:WhoAmI xmlns:w="urn:example:who"/>"#,
        r#"<w:WhoAmI xmlns:w="urn:example:who"><w:evil/></w:WhoAmI>"#,
    );
    let (status, body) = post_soap11(&url, ACTION, &xml).await;
    assert_eq!(wss_fault(status, &body), SecurityFault::FailedCheck);
    host.close().await.expect("close");
}

#[tokio::test]
async fn the_wrapping_attacks_end_with_a_fault() {
    let pki = pki("test CA");
    let (host, url) = signed_host(SignatureValidator::new([pki.ca_der.clone()])).await;
    let attacks = [
        // The signed Body moved into a header wrapper, the attacker's in its place.
        fresh(&pki).replace(WHO_BODY, "").replace(
            "</soap:Header>",
            &format!(
                r#"<x:Wrapper xmlns:x="urn:evil">{WHO_BODY}</x:Wrapper></soap:Header>{EVIL_BODY}"#
            ),
        ),
        // The signed Body inside an unverified wrapper inside the Body.
        fresh(&pki).replace(
            WHO_BODY,
            &format!(
                r#"<soap:Body><x:Wrapper xmlns:x="urn:evil">{WHO_BODY}</x:Wrapper></soap:Body>"#
            ),
        ),
        // The attacker's Body carries the signed Body's ID; the signed one hides in a header.
        fresh(&pki).replace(WHO_BODY, "").replace(
            "</soap:Header>",
            &format!(
                r#"<x:Wrapper xmlns:x="urn:evil">{WHO_BODY}</x:Wrapper></soap:Header>{}"#,
                EVIL_BODY.replace("<soap:Body>", r#"<soap:Body wsu:Id="Body-1">"#)
            ),
        ),
    ];
    for (i, xml) in attacks.iter().enumerate() {
        let (status, body) = post_soap11(&url, ACTION, xml).await;
        assert!(
            !body.contains("WhoAmIResponse"),
            "attack {i} dispatched: {body}"
        );
        let fault = wss_fault(status, &body);
        assert!(
            matches!(
                fault,
                SecurityFault::InvalidSecurity | SecurityFault::FailedCheck
            ),
            "attack {i}: {fault:?}"
        );
    }
    host.close().await.expect("close");
}

#[tokio::test]
async fn a_username_token_after_a_verified_signature_is_read_too() {
    let pki = pki("test CA");
    // Without a signature layer before it, the token layer cannot vouch for a signature.
    let (host, url) = host_with(EnvelopeVersion::Soap11, |b| {
        b.layer(UsernameTokenValidator::new(users))
    })
    .await;
    let xml = with_token(&fresh(&pki));
    let (status, body) = post_soap11(&url, ACTION, &xml).await;
    assert_eq!(
        wss_fault(status, &body),
        SecurityFault::UnsupportedSecurityToken
    );
    host.close().await.expect("close");

    let validator = SignatureValidator::new([pki.ca_der.clone()]);
    let (host, url) = host_with(EnvelopeVersion::Soap11, |b| {
        b.layer(validator).layer(UsernameTokenValidator::new(users))
    })
    .await;
    let (status, body) = post_soap11(&url, ACTION, &with_token(&fresh(&pki))).await;
    // The token layer's principal replaces the signer's; it consumes the header.
    assert_eq!(answered(status, &body), "Alice");
    host.close().await.expect("close");
}

/// `xml` with a clear-text UsernameToken for alice added to its Security
/// header (unsigned: the signature does not reference it).
fn with_token(xml: &str) -> String {
    let token = "<wsse:UsernameToken><wsse:Username>alice</wsse:Username><wsse:Password>secret</wsse:Password></wsse:UsernameToken>";
    let at = xml.find("<wsu:Timestamp").expect("timestamp");
    format!("{}{token}{}", &xml[..at], &xml[at..])
}

#[tokio::test]
async fn a_signed_timestamp_moved_to_another_security_header_is_refused() {
    let pki = pki("test CA");
    // Signed long ago; a fresh unsigned Timestamp in our header, the signed
    // one in a second Security header for another actor.
    let old = signed_at(
        &pki,
        &["Body-1", "TS-1"],
        SystemTime::now() - Duration::from_secs(3600),
    );
    let start = old.find("<wsu:Timestamp").expect("timestamp");
    let end = old.find("</wsu:Timestamp>").expect("end") + "</wsu:Timestamp>".len();
    let signed_ts = &old[start..end];
    let fresh_ts = format!(
        "<wsu:Timestamp><wsu:Created>{}</wsu:Created></wsu:Timestamp>",
        utc(SystemTime::now())
    );
    let moved = format!("{}{fresh_ts}{}", &old[..start], &old[end..]).replace(
        "</soap:Header>",
        &format!(
            r#"<wsse:Security xmlns:wsse="{}" soap:actor="urn:other">{signed_ts}</wsse:Security></soap:Header>"#,
            wws_security::ns::WSSE
        ),
    );
    let (host, url) = signed_host(SignatureValidator::new([pki.ca_der.clone()])).await;
    let (status, body) = post_soap11(&url, ACTION, &moved).await;
    assert_eq!(wss_fault(status, &body), SecurityFault::InvalidSecurity);
    host.close().await.expect("close");
    // The core refuses two Security headers itself.
    let verified = wws_security::dsig::verify_envelope(
        moved.as_bytes(),
        SOAP11,
        std::slice::from_ref(&pki.ca_der),
        SystemTime::now(),
    );
    assert_eq!(
        verified.expect_err("refused"),
        SecurityFault::InvalidSecurity
    );
}

#[test]
fn a_signer_the_mapping_refuses_leaves_no_replay_entry() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let pki = pki("test CA");
    let xml = fresh(&pki);
    let m = Message::read(xml.as_bytes(), &ReaderQuotas::default()).expect("reads");
    let asked = AtomicUsize::new(0);
    // Refused the first time, known the second.
    let validator =
        SignatureValidator::new([pki.ca_der.clone()]).principal(move |_: &VerifiedSigner| {
            (asked.fetch_add(1, Ordering::SeqCst) > 0).then(|| Principal::new("known now"))
        });
    assert_eq!(
        validator.validate(&m, xml.as_bytes()).expect_err("refused"),
        SecurityFault::FailedAuthentication
    );
    let (_, principal) = validator
        .validate(&m, xml.as_bytes())
        .expect("the refusal recorded nothing, so this is no replay");
    assert_eq!(principal.name, "known now");
    // And now it was recorded.
    assert!(validator.validate(&m, xml.as_bytes()).is_err());
}
