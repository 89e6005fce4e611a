//! Signing envelopes for the tests: a CA and a signer made with rcgen (the
//! signer's key a fixed test-only RSA key), an envelope template with a
//! BinarySecurityToken, a Timestamp and a Signature, and RSA-SHA256 by ring.

use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};
use ring::rand::SystemRandom;
use ring::signature::{RSA_PKCS1_SHA256, RsaKeyPair};
use wws_core::xsd::{Base64Binary, SimpleType};
use wws_security::c14n::{Select, exclusive_in};
use wws_security::dsig::{DS, EXC_C14N, RSA_SHA256, SHA256, X509V3};
use wws_security::ns::{BASE64_BINARY, WSSE, WSU};

pub const SOAP11: &str = "http://schemas.xmlsoap.org/soap/envelope/";
/// A test-only RSA key (`openssl genpkey -algorithm RSA`): ring signs with
/// RSA keys but cannot make them, and the signer needs one.
pub const SIGNER_KEY: &str = include_str!("../data/rsa-2048-test-key.pem");

pub fn b64(bytes: &[u8]) -> String {
    let mut s = String::new();
    Base64Binary(bytes.to_vec()).format(&mut s).expect("base64");
    s
}

/// A CA, and the signer's certificate it issued (for the test RSA key).
pub struct Pki {
    pub ca_der: Vec<u8>,
    pub signer_der: Vec<u8>,
    pub signer_pkcs8: Vec<u8>,
}

pub fn pki(ca_name: &str) -> Pki {
    pki_for(ca_name, "signer")
}

/// A CA called `ca_name` and a signer certificate whose subject CN is `signer_cn`.
pub fn pki_for(ca_name: &str, signer_cn: &str) -> Pki {
    pki_with_usage(ca_name, signer_cn, &[])
}

/// [`pki_for`], the signer's certificate stating these extended key usages.
pub fn pki_with_usage(
    ca_name: &str,
    signer_cn: &str,
    usages: &[rcgen::ExtendedKeyUsagePurpose],
) -> Pki {
    let mut ca = CertificateParams::new(Vec::<String>::new()).expect("ca params");
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.distinguished_name.push(DnType::CommonName, ca_name);
    let ca_key = KeyPair::generate().expect("ca key");
    let ca_cert = ca.self_signed(&ca_key).expect("ca cert");
    let issuer = Issuer::new(ca, ca_key);
    let key = KeyPair::from_pem(SIGNER_KEY).expect("test key");
    let mut ee = CertificateParams::new(Vec::<String>::new()).expect("signer params");
    ee.distinguished_name.push(DnType::CommonName, signer_cn);
    ee.extended_key_usages = usages.to_vec();
    let cert = ee.signed_by(&key, &issuer).expect("signer cert");
    Pki {
        ca_der: ca_cert.der().to_vec(),
        signer_der: cert.der().to_vec(),
        signer_pkcs8: key.serialize_der(),
    }
}

pub fn reference(id: &str) -> String {
    format!(
        r##"<ds:Reference URI="#{id}"><ds:Transforms><ds:Transform Algorithm="{EXC_C14N}"/></ds:Transforms><ds:DigestMethod Algorithm="{SHA256}"/><ds:DigestValue>DIGEST-{id}</ds:DigestValue></ds:Reference>"##
    )
}

/// An envelope template: `{SIG}` is where the signature goes, `{REFS}` its references.
pub fn template(pki: &Pki, method: &str, refs: &[&str], body: &str) -> String {
    template_at(pki, method, refs, body, CREATED)
}

/// [`template`] with the timestamp created at `created`.
pub fn template_at(pki: &Pki, method: &str, refs: &[&str], body: &str, created: &str) -> String {
    let refs: String = refs.iter().map(|id| reference(id)).collect();
    format!(
        r##"<?xml version="1.0"?>
<soap:Envelope xmlns:soap="{SOAP11}" xmlns:wsu="{WSU}">
  <soap:Header>
    <wsse:Security xmlns:wsse="{WSSE}" soap:mustUnderstand="1">
      <wsse:BinarySecurityToken wsu:Id="X509-1" ValueType="{X509V3}" EncodingType="{BASE64_BINARY}">{cert}</wsse:BinarySecurityToken>
      <wsu:Timestamp wsu:Id="TS-1"><wsu:Created>{created}</wsu:Created></wsu:Timestamp>
      <ds:Signature xmlns:ds="{DS}">
        <ds:SignedInfo>
          <ds:CanonicalizationMethod Algorithm="{EXC_C14N}"><ec:InclusiveNamespaces xmlns:ec="{EXC_C14N}" PrefixList="soap"/></ds:CanonicalizationMethod>
          <ds:SignatureMethod Algorithm="{method}"/>
          {refs}
        </ds:SignedInfo>
        <ds:SignatureValue>SIGVALUE</ds:SignatureValue>
        <ds:KeyInfo><wsse:SecurityTokenReference><wsse:Reference URI="#X509-1" ValueType="{X509V3}"/></wsse:SecurityTokenReference></ds:KeyInfo>
      </ds:Signature>
    </wsse:Security>
  </soap:Header>
  {body}
</soap:Envelope>"##,
        cert = b64(&pki.signer_der),
    )
}

/// The timestamp's `Created` in [`template`].
pub const CREATED: &str = "2026-12-01T00:00:00Z";

pub const BODY: &str = r#"<soap:Body wsu:Id="Body-1"><m:Add xmlns:m="urn:calc"><m:a>1.5</m:a><m:b>2.25</m:b></m:Add></soap:Body>"#;

/// Fills in the digests, then signs SignedInfo in its context.
pub fn sign(pki: &Pki, mut xml: String, refs: &[&str]) -> String {
    for id in refs {
        let found = exclusive_in(xml.as_bytes(), Select::Id(id), &[]).expect("referenced element");
        let digest = ring::digest::digest(&ring::digest::SHA256, &found.canonical);
        xml = xml.replace(&format!("DIGEST-{id}"), &b64(digest.as_ref()));
    }
    let path = [
        (SOAP11, "Envelope"),
        (SOAP11, "Header"),
        (WSSE, "Security"),
        (DS, "Signature"),
        (DS, "SignedInfo"),
    ];
    let signed_info =
        exclusive_in(xml.as_bytes(), Select::Path(&path), &["soap"]).expect("SignedInfo");
    let key = RsaKeyPair::from_pkcs8(&pki.signer_pkcs8).expect("rsa key");
    let mut sig = vec![0u8; key.public().modulus_len()];
    key.sign(
        &RSA_PKCS1_SHA256,
        &SystemRandom::new(),
        &signed_info.canonical,
        &mut sig,
    )
    .expect("sign");
    xml.replace("SIGVALUE", &b64(&sig))
}

pub fn signed(pki: &Pki) -> String {
    let refs = ["Body-1", "TS-1"];
    sign(pki, template(pki, RSA_SHA256, &refs, BODY), &refs)
}

/// `der` as PEM with `label` (e.g. `CERTIFICATE`), 64 columns.
pub fn pem(label: &str, der: &[u8]) -> String {
    let text = b64(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for line in text.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(line).expect("base64 is ASCII"));
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}
