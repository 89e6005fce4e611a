//! X.509 signatures on the client (`SigningLayer`, issue 15 §2): the proxy
//! signs the Body, the Timestamp and the WS-Addressing headers as it writes
//! them; our host's `SignatureValidator` accepts them; with a
//! UsernameToken the one Security header carries both; a change after
//! signing fails the check.

use std::time::SystemTime;

use wws_core::{AddressingVersion, EnvelopeVersion, Message, Result};
use wws_proxy::{CallInfo, CallOptions, ProxyLayer};
use wws_security::dsig;
use wws_security::ns::{WSSE, WSU};
use wws_security::{
    SecurityFault, SignatureValidator, SigningLayer, UsernameCredentials, UsernameTokenLayer,
    UsernameTokenValidator, X509Credentials,
};

mod common;
use common::sign::{Pki, SIGNER_KEY, pem, pki_for};
use common::{WhoAmI, host_addressed, host_with, open, security_fault, users, who};

fn credentials(pki: &Pki) -> X509Credentials {
    X509Credentials::from_pem(
        pem("CERTIFICATE", &pki.signer_der).as_bytes(),
        SIGNER_KEY.as_bytes(),
    )
    .expect("credentials")
}

/// `message` signed by `pki`'s signer, as written.
fn signed_bytes(pki: &Pki, mut message: Message) -> Vec<u8> {
    SigningLayer::new(credentials(pki))
        .sign(&mut message)
        .expect("signs");
    message.to_bytes().expect("writes").to_vec()
}

#[test]
fn the_body_timestamp_and_addressing_headers_are_signed_as_written() {
    let pki = pki_for("test CA", "client");
    for envelope in [EnvelopeVersion::Soap11, EnvelopeVersion::Soap12] {
        let mut m = Message::from_body(
            envelope,
            AddressingVersion::WsAddressing10,
            "urn:example:who/WhoAmI",
            &WhoAmI {},
        )
        .expect("message");
        m.to = Some("http://127.0.0.1/who".into());
        m.message_id = Some("urn:uuid:5e1f".into());
        m.reply_to = Some("http://www.w3.org/2005/08/addressing/anonymous".into());
        let wire = signed_bytes(&pki, m);
        let e = envelope.namespace();
        let verified = dsig::verify_envelope(
            &wire,
            e,
            std::slice::from_ref(&pki.ca_der),
            SystemTime::now(),
        )
        .unwrap_or_else(|f| panic!("{f:?}: {}", String::from_utf8_lossy(&wire)));
        let wsa = "http://www.w3.org/2005/08/addressing";
        assert!(verified.covers(&[(e, "Envelope"), (e, "Body")]));
        assert!(verified.covers(&[
            (e, "Envelope"),
            (e, "Header"),
            (WSSE, "Security"),
            (WSU, "Timestamp")
        ]));
        for name in ["Action", "To", "MessageID", "ReplyTo"] {
            assert!(
                verified.covers(&[(e, "Envelope"), (e, "Header"), (wsa, name)]),
                "{name} signed"
            );
        }
        assert_eq!(verified.signed.len(), 6);
    }
}

#[test]
fn a_body_that_moves_the_envelope_prefix_still_verifies() {
    // The body mentions `s:` in its text, so the writer picks another
    // envelope prefix: the digests are of what is written.
    let pki = pki_for("test CA", "client");
    let mut m = Message::new(EnvelopeVersion::Soap11, AddressingVersion::Transport);
    m.action = Some("urn:x".into());
    m.body = b"<t:Q xmlns:t=\"urn:t\">s:Client a:b</t:Q>".to_vec().into();
    let wire = signed_bytes(&pki, m);
    assert!(
        wire.starts_with(b"<s1:Envelope"),
        "{}",
        String::from_utf8_lossy(&wire)
    );
    let e = EnvelopeVersion::Soap11.namespace();
    let verified = dsig::verify_envelope(
        &wire,
        e,
        std::slice::from_ref(&pki.ca_der),
        SystemTime::now(),
    )
    .expect("verifies");
    assert!(verified.covers(&[(e, "Envelope"), (e, "Body")]));
}

#[test]
fn a_key_that_is_not_rsa_is_refused_when_the_credentials_are_made() {
    let pki = pki_for("test CA", "client");
    let ec = rcgen::KeyPair::generate().expect("P-256 key");
    let refused = X509Credentials::from_pem(
        pem("CERTIFICATE", &pki.signer_der).as_bytes(),
        ec.serialize_pem().as_bytes(),
    );
    assert!(refused.is_err());
    assert!(X509Credentials::from_pem(b"not pem", SIGNER_KEY.as_bytes()).is_err());
}

#[tokio::test]
async fn our_signed_calls_pass_our_host_in_both_soap_versions() {
    let pki = pki_for("test CA", "Billing Client");
    for (envelope, addressing) in [
        (EnvelopeVersion::Soap11, AddressingVersion::Transport),
        (EnvelopeVersion::Soap12, AddressingVersion::WsAddressing10),
    ] {
        let validator = SignatureValidator::new([pki.ca_der.clone()]);
        let (host, url) = host_addressed(envelope, addressing, |b| b.layer(validator)).await;
        let proxy = open(
            wws_proxy::ServiceProxy::builder(&url)
                .envelope(envelope)
                .addressing(addressing)
                .layer(SigningLayer::new(credentials(&pki))),
        )
        .await;
        // Each call is signed afresh (a replay would be refused), also 32 at once.
        let calls = (0..32).map(|_| who(&proxy, CallOptions::new()));
        for name in futures_join(calls).await {
            assert_eq!(name.expect("signed call"), "Billing Client (saw Security)");
        }
        proxy.close().await.expect("close");
        host.close().await.expect("close");
    }
}

#[tokio::test]
async fn a_username_token_and_a_signature_share_one_security_header() {
    let pki = pki_for("test CA", "client");
    let validator = SignatureValidator::new([pki.ca_der.clone()]);
    let (host, url) = host_with(EnvelopeVersion::Soap11, |b| {
        b.layer(validator).layer(UsernameTokenValidator::new(users))
    })
    .await;
    let proxy = open(
        common::builder(&url, EnvelopeVersion::Soap11)
            .layer(UsernameTokenLayer::new(UsernameCredentials::digest(
                "alice", "secret",
            )))
            .layer(SigningLayer::new(credentials(&pki))),
    )
    .await;
    let name = who(&proxy, CallOptions::new()).await.expect("call");
    assert_eq!(name, "Alice");
    proxy.close().await.expect("close");
    host.close().await.expect("close");
}

/// Changes the body after the signing layer ran.
#[derive(Debug)]
struct Tamper;

impl ProxyLayer for Tamper {
    fn on_request(&self, _call: &CallInfo, request: &mut Message) -> Result<()> {
        request.body = b"<w:WhoAmI xmlns:w=\"urn:example:who\"><w:changed/></w:WhoAmI>"
            .to_vec()
            .into();
        Ok(())
    }
}

#[tokio::test]
async fn a_change_after_signing_fails_the_check() {
    let pki = pki_for("test CA", "client");
    let validator = SignatureValidator::new([pki.ca_der.clone()]);
    let (host, url) = host_with(EnvelopeVersion::Soap11, |b| b.layer(validator)).await;
    let proxy = open(
        common::builder(&url, EnvelopeVersion::Soap11)
            .layer(SigningLayer::new(credentials(&pki)))
            .layer(Tamper),
    )
    .await;
    let fault = security_fault(who(&proxy, CallOptions::new()).await);
    assert_eq!(fault, SecurityFault::FailedCheck);
    proxy.close().await.expect("close");
    host.close().await.expect("close");
}

#[tokio::test]
async fn signed_replies_are_verified_by_the_proxy() {
    let pki = pki_for("test CA", "server");
    let other = pki_for("other CA", "server");
    for (envelope, addressing) in [
        (EnvelopeVersion::Soap11, AddressingVersion::Transport),
        (EnvelopeVersion::Soap12, AddressingVersion::WsAddressing10),
    ] {
        for (signer, trusted) in [(Some(&pki), true), (Some(&other), false), (None, false)] {
            let (host, url) = host_addressed(envelope, addressing, |b| match signer {
                Some(p) => b.layer(SigningLayer::new(credentials(p))),
                None => b,
            })
            .await;
            let proxy = open(
                wws_proxy::ServiceProxy::builder(&url)
                    .envelope(envelope)
                    .addressing(addressing)
                    .layer(SignatureValidator::new([pki.ca_der.clone()])),
            )
            .await;
            let result = who(&proxy, CallOptions::new()).await;
            if trusted {
                for _ in 0..2 {
                    assert_eq!(who(&proxy, CallOptions::new()).await.expect("verified"), "");
                }
                assert_eq!(result.expect("a signed reply verifies"), "");
            } else {
                match result {
                    Err(wws_core::Error::SecurityVerificationFailure { check, source, .. }) => {
                        assert_eq!(check, wws_core::SecurityCheck::MessageSecurity);
                        let fault = source
                            .and_then(|s| s.downcast::<SecurityFault>().ok())
                            .expect("the WSS fault as source");
                        let expected = if signer.is_some() {
                            SecurityFault::FailedAuthentication
                        } else {
                            SecurityFault::InvalidSecurity
                        };
                        assert_eq!(*fault, expected);
                    }
                    other => panic!("an unverified reply was accepted: {other:?}"),
                }
            }
            proxy.close().await.expect("close");
            host.close().await.expect("close");
        }
    }
}

#[test]
fn two_requests_alike_at_the_same_instant_are_not_taken_for_replays() {
    let pki = pki_for("test CA", "client");
    let at = SystemTime::now();
    let layer = SigningLayer::new(credentials(&pki)).clock(move || at);
    let validator = SignatureValidator::new([pki.ca_der.clone()]).clock(move || at);
    for _ in 0..2 {
        let mut m = Message::from_body(
            EnvelopeVersion::Soap11,
            AddressingVersion::Transport,
            "urn:example:who/WhoAmI",
            &WhoAmI {},
        )
        .expect("message");
        layer.sign(&mut m).expect("signs");
        let wire = m.to_bytes().expect("writes");
        let read = Message::read(&wire, &wws_core::ReaderQuotas::default()).expect("reads");
        validator
            .validate(&read, &wire)
            .expect("the same request at the same instant is signed anew");
    }
}

/// Runs `calls` concurrently on this task and gives their results in order.
async fn futures_join<F: std::future::Future>(calls: impl Iterator<Item = F>) -> Vec<F::Output> {
    let mut set = Vec::new();
    for c in calls {
        set.push(Box::pin(c));
    }
    let mut out: Vec<Option<F::Output>> = set.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (f, slot) in set.iter_mut().zip(out.iter_mut()) {
            if slot.is_none() {
                match f.as_mut().poll(cx) {
                    std::task::Poll::Ready(v) => *slot = Some(v),
                    std::task::Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            std::task::Poll::Pending
        } else {
            std::task::Poll::Ready(())
        }
    })
    .await;
    out.into_iter().map(|o| o.expect("done")).collect()
}

#[tokio::test]
async fn a_certificate_named_by_thumbprint_or_issuer_serial_is_looked_up_among_known_ones() {
    use wws_security::KeyReference;
    for (reference, marker) in [
        (KeyReference::Thumbprint, "ThumbprintSHA1"),
        (
            KeyReference::IssuerSerial,
            "<ds:X509IssuerName>CN=test CA</ds:X509IssuerName>",
        ),
    ] {
        named_by(reference, marker).await;
    }
}

async fn named_by(reference: wws_security::KeyReference, marker: &str) {
    let pki = pki_for("test CA", "Thumbprint Client");
    let signing = || SigningLayer::new(credentials(&pki)).key_reference(reference);
    // The certificate is not in the message: a host that knows it verifies.
    let mut m = Message::new(EnvelopeVersion::Soap11, AddressingVersion::Transport);
    m.action = Some("urn:x".into());
    m.body = b"<t:Q xmlns:t=\"urn:t\"/>".to_vec().into();
    signing().sign(&mut m).expect("signs");
    let wire = m.to_bytes().expect("writes");
    let text = std::str::from_utf8(&wire).expect("utf-8");
    assert!(
        !text.contains("BinarySecurityToken") && text.contains(marker),
        "{text}"
    );

    let knows =
        SignatureValidator::new([pki.ca_der.clone()]).known_certificates([pki.signer_der.clone()]);
    let (host, url) = host_with(EnvelopeVersion::Soap11, |b| b.layer(knows)).await;
    let proxy = open(common::builder(&url, EnvelopeVersion::Soap11).layer(signing())).await;
    let name = who(&proxy, CallOptions::new())
        .await
        .expect("verified by thumbprint");
    assert_eq!(name, "Thumbprint Client (saw Security)");
    proxy.close().await.expect("close");
    host.close().await.expect("close");

    // A host that does not know it cannot find it.
    let (host, url) = host_with(EnvelopeVersion::Soap11, |b| {
        b.layer(SignatureValidator::new([pki.ca_der.clone()]))
    })
    .await;
    let proxy = open(common::builder(&url, EnvelopeVersion::Soap11).layer(signing())).await;
    let fault = security_fault(who(&proxy, CallOptions::new()).await);
    assert_eq!(fault, SecurityFault::SecurityTokenUnavailable);
    proxy.close().await.expect("close");
    host.close().await.expect("close");

    // A known certificate is still verified up to the anchors.
    let other = pki_for("other CA", "Thumbprint Client");
    let (host, url) = host_with(EnvelopeVersion::Soap11, |b| {
        b.layer(
            SignatureValidator::new([other.ca_der.clone()])
                .known_certificates([pki.signer_der.clone()]),
        )
    })
    .await;
    let proxy = open(common::builder(&url, EnvelopeVersion::Soap11).layer(signing())).await;
    let fault = security_fault(who(&proxy, CallOptions::new()).await);
    assert_eq!(fault, SecurityFault::FailedAuthentication);
    proxy.close().await.expect("close");
    host.close().await.expect("close");
}

#[tokio::test]
async fn a_reply_signed_with_a_server_certificate_verifies_on_the_proxy() {
    use rcgen::ExtendedKeyUsagePurpose::{ClientAuth, ServerAuth};
    // A certificate for server authentication only (as a TLS server's is)
    // signs replies; one for client authentication only does not.
    for (usage, verifies) in [(ServerAuth, true), (ClientAuth, false)] {
        let pki = common::sign::pki_with_usage("test CA", "server", std::slice::from_ref(&usage));
        let (host, url) = host_with(EnvelopeVersion::Soap11, |b| {
            b.layer(SigningLayer::new(credentials(&pki)))
        })
        .await;
        let proxy = open(
            common::builder(&url, EnvelopeVersion::Soap11)
                .layer(SignatureValidator::new([pki.ca_der.clone()])),
        )
        .await;
        let result = who(&proxy, CallOptions::new()).await;
        assert_eq!(result.is_ok(), verifies, "{usage:?}: {result:?}");
        proxy.close().await.expect("close");
        host.close().await.expect("close");
    }
}

#[tokio::test]
async fn addressing_headers_must_be_signed_where_the_message_has_them() {
    let pki = pki_for("test CA", "client");
    let validator = || SignatureValidator::new([pki.ca_der.clone()]);
    let unsigned_addressing = || SigningLayer::new(credentials(&pki)).sign_addressing(false);
    let call = |validator: SignatureValidator| async move {
        let (host, url) = host_addressed(
            EnvelopeVersion::Soap12,
            AddressingVersion::WsAddressing10,
            |b| b.layer(validator),
        )
        .await;
        let proxy = open(
            wws_proxy::ServiceProxy::builder(&url)
                .envelope(EnvelopeVersion::Soap12)
                .addressing(AddressingVersion::WsAddressing10)
                .layer(unsigned_addressing()),
        )
        .await;
        let result = who(&proxy, CallOptions::new()).await;
        proxy.close().await.expect("close");
        host.close().await.expect("close");
        result
    };
    // Body and Timestamp signed, Action and To not: refused by default.
    assert_eq!(
        security_fault(call(validator()).await),
        SecurityFault::InvalidSecurity
    );
    // Accepted where the policy says the addressing headers need not be signed.
    let lenient = validator().require_signed_addressing(false);
    assert_eq!(
        call(lenient).await.expect("accepted"),
        "client (saw Security)"
    );
}
