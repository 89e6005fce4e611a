//! XML Signature in a `wsse:Security` header (WSS X.509 Token Profile 1.1):
//! the verifying core, over the envelope's bytes as received.
//!
//! [`verify_envelope`] checks one `ds:Signature` in the envelope's
//! `wsse:Security` header:
//!
//! - `SignedInfo` canonicalized with exclusive c14n ([`crate::c14n`]), in its
//!   namespace context, then its `SignatureValue` checked with RSA-SHA256
//!   (ring, through rustls-webpki) against the certificate of the key info;
//! - the key info: a `wsse:SecurityTokenReference` to a
//!   `wsse:BinarySecurityToken` (X509v3, base64) of the same header, or an
//!   embedded `ds:X509Data/ds:X509Certificate`;
//! - the certificate verified up to one of the trust anchors (rustls-webpki,
//!   with the client-authentication key usage where it states any);
//! - each `Reference` (at most [`MAX_REFERENCES`]): a same-document URI
//!   `#id`, one exclusive c14n transform (after at most an
//!   enveloped-signature one, on an element that does not hold the
//!   signature), SHA-256, its digest compared with the element's canonical
//!   form.
//!
//! # Signature wrapping
//!
//! What was verified is told by *position*, not by ID: [`Verified::signed`]
//! holds the path from the root of each referenced element, and an ID that
//! two elements carry (under `wsu:Id`, `Id` or `xml:id`) is refused. The
//! caller asks [`Verified::covers`] for the path it will process (the
//! envelope's one `Body`, the `Timestamp` of this `Security` header), so a
//! signed Body moved into a wrapper, a duplicate ID, or a signed element
//! inside an unverified wrapper leaves the processed Body unsigned.
//!
//! RSA-SHA1 and SHA-1 digests only with [`VerifyOptions::allow_sha1`]
//! (ring verifies them over the certificate's key; webpki does not offer
//! RSA-SHA1). A `wsse:KeyIdentifier` thumbprint (SHA-1 of the
//! certificate) or a `ds:X509IssuerSerial` names one of
//! [`VerifyOptions::known_certificates`]. Not yet: ECDSA.

use ring::digest;
use rustls_pki_types::{CertificateDer, UnixTime};
use webpki::{EndEntityCert, KeyUsage, anchor_from_trusted_cert};
use wws_core::xml::{StartTag, XmlReader};
use wws_core::xsd::{Base64Binary, SimpleType};

use crate::c14n::{self, Select};
use crate::faults::SecurityFault;
use crate::{ns, x509name};

/// The XML Signature namespace.
pub const DS: &str = "http://www.w3.org/2000/09/xmldsig#";
/// Exclusive XML canonicalization without comments.
pub const EXC_C14N: &str = "http://www.w3.org/2001/10/xml-exc-c14n#";
/// RSA PKCS#1 v1.5 with SHA-256 (RFC 6931).
pub const RSA_SHA256: &str = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";
/// The enveloped-signature transform (allowed before exclusive c14n on an
/// element that does not hold the signature, where it changes nothing).
pub const ENVELOPED_SIGNATURE: &str = "http://www.w3.org/2000/09/xmldsig#enveloped-signature";
/// RSA PKCS#1 v1.5 with SHA-1 (XML Signature 1.0): only with
/// [`VerifyOptions::allow_sha1`].
pub const RSA_SHA1: &str = "http://www.w3.org/2000/09/xmldsig#rsa-sha1";
/// SHA-1 as a digest method: only with [`VerifyOptions::allow_sha1`].
pub const SHA1: &str = "http://www.w3.org/2000/09/xmldsig#sha1";
/// SHA-256 as a digest method.
pub const SHA256: &str = "http://www.w3.org/2001/04/xmlenc#sha256";
/// The `ValueType` of an X.509 v3 `BinarySecurityToken`.
pub const X509V3: &str =
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-x509-token-profile-1.0#X509v3";

/// The `ValueType` of a `wsse:KeyIdentifier` holding the SHA-1 of a
/// certificate (WSS X.509 Token Profile 1.1 §3.2).
pub const THUMBPRINT_SHA1: &str =
    "http://docs.oasis-open.org/wss/oasis-wss-soap-message-security-1.1#ThumbprintSHA1";

/// Most `Reference`s a signature may have; more is refused before any digest.
pub const MAX_REFERENCES: usize = 16;
/// Most children read in a signature's elements.
const MAX_CHILDREN: usize = 32;
/// Longest base64 text read (a certificate, a signature value).
const MAX_BASE64: usize = 64 * 1024;

type Read<T> = Result<T, SecurityFault>;

/// What certificate chains may be signed with (as rustls accepts for TLS).
static CHAIN_ALGORITHMS: &[&dyn rustls_pki_types::SignatureVerificationAlgorithm] = &[
    webpki::ring::ECDSA_P256_SHA256,
    webpki::ring::ECDSA_P256_SHA384,
    webpki::ring::ECDSA_P384_SHA256,
    webpki::ring::ECDSA_P384_SHA384,
    webpki::ring::ED25519,
    webpki::ring::RSA_PKCS1_2048_8192_SHA256,
    webpki::ring::RSA_PKCS1_2048_8192_SHA384,
    webpki::ring::RSA_PKCS1_2048_8192_SHA512,
    webpki::ring::RSA_PSS_2048_8192_SHA256_LEGACY_KEY,
    webpki::ring::RSA_PSS_2048_8192_SHA384_LEGACY_KEY,
    webpki::ring::RSA_PSS_2048_8192_SHA512_LEGACY_KEY,
];

/// What a verified signature covers, and whose it is.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Verified {
    /// The path from the root ((namespace, local name) per element) of each
    /// element a reference covered.
    pub signed: Vec<Vec<(String, String)>>,
    /// The signer's certificate (DER), verified up to a trust anchor.
    pub certificate: Vec<u8>,
    /// The `SignatureValue` (what a replay cache remembers).
    pub value: Vec<u8>,
}

impl Verified {
    /// Whether the element at `path` (namespace, local name from the root) was signed.
    pub fn covers(&self, path: &[(&str, &str)]) -> bool {
        self.signed.iter().any(|p| {
            p.len() == path.len()
                && p.iter()
                    .zip(path)
                    .all(|((n, l), (wn, wl))| n == wn && l == wl)
        })
    }
}

/// One `ds:Reference` as read.
#[derive(Debug)]
struct Reference {
    id: String,
    /// A SHA-1 digest rather than SHA-256.
    sha1: bool,
    /// An enveloped-signature transform came first: a no-op unless the
    /// element holds the signature, which is refused.
    enveloped: bool,
    prefixes: Vec<String>,
    digest: Vec<u8>,
}

/// `ds:Signature` as read.
#[derive(Debug)]
struct Signature {
    /// RSA-SHA1 rather than RSA-SHA256.
    sha1: bool,
    prefixes: Vec<String>,
    references: Vec<Reference>,
    value: Vec<u8>,
    key: KeyRef,
}

#[derive(Debug)]
enum KeyRef {
    /// A `BinarySecurityToken` of the header, by its ID.
    Token(String),
    /// The certificate itself.
    Certificate(Vec<u8>),
    /// A known certificate, by the SHA-1 of its DER.
    Thumbprint(Vec<u8>),
    /// A known certificate, by its issuer's name and its serial (decimal).
    IssuerSerial { issuer: String, serial: String },
}

/// Verifies the signature of the `wsse:Security` header of `envelope` (the
/// bytes as received, SOAP namespace `env_ns`) against `trust_anchors`
/// (DER certificates) at `now`.
///
/// Every failure is one of the faults SOAP Message Security names: a
/// malformed signature is `InvalidSecurity`, an algorithm other than those
/// above `UnsupportedAlgorithm`, a digest or signature value that does not
/// verify `FailedCheck`, a certificate no anchor vouches for
/// `FailedAuthentication`.
pub fn verify_envelope(
    envelope: &[u8],
    env_ns: &str,
    trust_anchors: &[Vec<u8>],
    now: std::time::SystemTime,
) -> Read<Verified> {
    verify_envelope_with(
        envelope,
        env_ns,
        trust_anchors,
        now,
        &VerifyOptions::default(),
    )
}

/// What [`verify_envelope_with`] accepts beyond the defaults.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct VerifyOptions {
    /// Certificates (DER) a signature may name by thumbprint instead of
    /// carrying one: the signer's certificate is looked up here, then
    /// verified up to the trust anchors like any other.
    pub known_certificates: Vec<Vec<u8>>,
    /// The signer is a server (a signed reply): its certificate is checked
    /// for server authentication where it states a usage, instead of client
    /// authentication.
    pub signed_by_server: bool,
    /// Accept RSA-SHA1 signatures and SHA-1 digests (XML Signature 1.0,
    /// zeep's and many older stacks' default). SHA-1 is broken for
    /// collision resistance: an attacker who can choose signed content may
    /// forge; accept it only from peers that cannot send SHA-256.
    pub allow_sha1: bool,
}

impl VerifyOptions {
    /// With `certificates` (DER) as the [known
    /// ones](Self::known_certificates).
    pub fn known_certificates(mut self, certificates: impl IntoIterator<Item = Vec<u8>>) -> Self {
        self.known_certificates = certificates.into_iter().collect();
        self
    }

    /// With [`signed_by_server`](Self::signed_by_server) set to `server`.
    pub fn signed_by_server(mut self, server: bool) -> Self {
        self.signed_by_server = server;
        self
    }

    /// With [`allow_sha1`](Self::allow_sha1) set to `allowed`.
    pub fn allow_sha1(mut self, allowed: bool) -> Self {
        self.allow_sha1 = allowed;
        self
    }
}

/// [`verify_envelope`] with `options`.
pub fn verify_envelope_with(
    envelope: &[u8],
    env_ns: &str,
    trust_anchors: &[Vec<u8>],
    now: std::time::SystemTime,
    options: &VerifyOptions,
) -> Read<Verified> {
    let security = [
        (env_ns, "Envelope"),
        (env_ns, "Header"),
        (ns::WSSE, "Security"),
    ];
    let invalid = |_| SecurityFault::InvalidSecurity;
    // One Security header in the envelope: then "the Timestamp of the
    // Security header" and the signature's own header are one element.
    c14n::exclusive_in(envelope, Select::Path(&security), &[]).map_err(invalid)?;
    let mut at = security.to_vec();
    at.push((DS, "Signature"));
    let signature_xml = c14n::exclusive_in(envelope, Select::Path(&at), &[]).map_err(invalid)?;
    let signature = read_signature(&signature_xml.canonical, options.allow_sha1)?;

    // SignedInfo, in its context, under its own PrefixList.
    at.push((DS, "SignedInfo"));
    let prefixes: Vec<&str> = signature.prefixes.iter().map(String::as_str).collect();
    let signed_info =
        c14n::exclusive_in(envelope, Select::Path(&at), &prefixes).map_err(invalid)?;

    let der = match &signature.key {
        KeyRef::Certificate(der) => der.clone(),
        KeyRef::Thumbprint(sha1) => options
            .known_certificates
            .iter()
            .find(|c| {
                digest::digest(&digest::SHA1_FOR_LEGACY_USE_ONLY, c).as_ref() == sha1.as_slice()
            })
            .cloned()
            .ok_or(SecurityFault::SecurityTokenUnavailable)?,
        KeyRef::IssuerSerial { issuer, serial } => options
            .known_certificates
            .iter()
            .find(|c| {
                let der = CertificateDer::from(c.as_slice());
                EndEntityCert::try_from(&der).is_ok_and(|cert| {
                    x509name::serial_decimal(cert.serial()) == *serial
                        && x509name::rfc4514(cert.issuer())
                            .is_some_and(|name| x509name::same_name(&name, issuer))
                })
            })
            .cloned()
            .ok_or(SecurityFault::SecurityTokenUnavailable)?,
        KeyRef::Token(id) => {
            let token = c14n::exclusive_in(envelope, Select::Id(id), &[]).map_err(invalid)?;
            let mut want = security.to_vec();
            want.push((ns::WSSE, "BinarySecurityToken"));
            if !path_is(&token.path, &want) {
                return Err(SecurityFault::InvalidSecurityToken);
            }
            read_token(&token.canonical)?
        }
    };

    // The certificate first: nothing is digested for a signer no one trusts.
    let cert_der = CertificateDer::from(der.as_slice());
    let cert =
        EndEntityCert::try_from(&cert_der).map_err(|_| SecurityFault::InvalidSecurityToken)?;
    let anchors: Vec<CertificateDer<'_>> = trust_anchors
        .iter()
        .map(|d| CertificateDer::from(d.as_slice()))
        .collect();
    let anchors = anchors
        .iter()
        .filter_map(|c| anchor_from_trusted_cert(c).ok())
        .collect::<Vec<_>>();
    let now = UnixTime::since_unix_epoch(
        now.duration_since(std::time::UNIX_EPOCH)
            .map_err(|_| SecurityFault::FailedAuthentication)?,
    );
    cert.verify_for_usage(
        CHAIN_ALGORITHMS,
        &anchors,
        &[],
        now,
        if options.signed_by_server {
            KeyUsage::server_auth()
        } else {
            KeyUsage::client_auth()
        },
        None,
        None,
    )
    .map_err(|_| SecurityFault::FailedAuthentication)?;
    if signature.sha1 {
        // webpki offers no RSA-SHA1; ring verifies it over the certificate's key.
        let spki = cert.subject_public_key_info();
        let key = rsa_public_key(&spki).ok_or(SecurityFault::FailedCheck)?;
        ring::signature::UnparsedPublicKey::new(
            &ring::signature::RSA_PKCS1_2048_8192_SHA1_FOR_LEGACY_USE_ONLY,
            key,
        )
        .verify(&signed_info.canonical, &signature.value)
        .map_err(|_| SecurityFault::FailedCheck)?;
    } else {
        cert.verify_signature(
            webpki::ring::RSA_PKCS1_2048_8192_SHA256,
            &signed_info.canonical,
            &signature.value,
        )
        .map_err(|_| SecurityFault::FailedCheck)?;
    }

    // Then each reference, by position.
    let mut signature_path = security.to_vec();
    signature_path.push((DS, "Signature"));
    let mut signed = Vec::with_capacity(signature.references.len());
    for r in &signature.references {
        let prefixes: Vec<&str> = r.prefixes.iter().map(String::as_str).collect();
        let found = c14n::exclusive_in(envelope, Select::Id(&r.id), &prefixes).map_err(invalid)?;
        if r.enveloped && holds_signature(&found.path, &signature_path) {
            // Removing the signature from the element is not implemented.
            return Err(SecurityFault::UnsupportedAlgorithm);
        }
        let algorithm = if r.sha1 {
            &digest::SHA1_FOR_LEGACY_USE_ONLY
        } else {
            &digest::SHA256
        };
        let actual = digest::digest(algorithm, &found.canonical);
        if actual.as_ref() != r.digest.as_slice() {
            return Err(SecurityFault::FailedCheck);
        }
        signed.push(found.path);
    }
    Ok(Verified {
        signed,
        certificate: der,
        value: signature.value,
    })
}

/// The RSAPublicKey (PKCS#1) inside an RSA SubjectPublicKeyInfo (DER, with
/// its outer SEQUENCE), as ring verifies with; `None` for another key type.
fn rsa_public_key(spki: &[u8]) -> Option<&[u8]> {
    /// 1.2.840.113549.1.1.1, rsaEncryption.
    const RSA_ENCRYPTION: [u8; 9] = [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
    let (0x30, inner) = crate::signed::Der(spki).next()? else {
        return None;
    };
    let mut fields = crate::signed::Der(inner);
    let (0x30, algorithm) = fields.next()? else {
        return None;
    };
    let (0x06, oid) = crate::signed::Der(algorithm).next()? else {
        return None;
    };
    let (0x03, bits) = fields.next()? else {
        return None;
    };
    match bits.split_first() {
        Some((0, key)) if oid == RSA_ENCRYPTION => Some(key),
        _ => None,
    }
}

/// Whether the element at `path` is the signature at `signature` or one of
/// its ancestors.
fn holds_signature(path: &[(String, String)], signature: &[(&str, &str)]) -> bool {
    path.len() <= signature.len() && path_is(path, &signature[..path.len()])
}

fn path_is(path: &[(String, String)], want: &[(&str, &str)]) -> bool {
    path.len() == want.len()
        && path
            .iter()
            .zip(want)
            .all(|((n, l), (wn, wl))| n == wn && l == wl)
}

/// Reads a canonical `ds:Signature` (standalone XML).
fn read_signature(xml: &[u8], allow_sha1: bool) -> Read<Signature> {
    let bad = |_| SecurityFault::InvalidSecurity;
    let mut r = XmlReader::new(xml).map_err(bad)?;
    let root = r.root().map_err(bad)?;
    if !root.is(DS, "Signature") {
        return Err(SecurityFault::InvalidSecurity);
    }
    let mut signed_info = None;
    let mut value = None;
    let mut key = None;
    let mut children = 0;
    while let Some(child) = r.next_child().map_err(bad)? {
        children += 1;
        if children > MAX_CHILDREN {
            return Err(SecurityFault::InvalidSecurity);
        }
        if child.is(DS, "SignedInfo") && signed_info.is_none() {
            signed_info = Some(read_signed_info(&mut r, allow_sha1)?);
        } else if child.is(DS, "SignatureValue") && value.is_none() {
            value = Some(base64(&mut r, &child)?);
        } else if child.is(DS, "KeyInfo") && key.is_none() {
            key = Some(read_key_info(&mut r)?);
        } else if child.is(DS, "Object") {
            r.skip_element().map_err(bad)?;
        } else {
            return Err(SecurityFault::InvalidSecurity);
        }
    }
    let (sha1, prefixes, references) = signed_info.ok_or(SecurityFault::InvalidSecurity)?;
    Ok(Signature {
        sha1,
        prefixes,
        references,
        value: value.ok_or(SecurityFault::InvalidSecurity)?,
        key: key.ok_or(SecurityFault::InvalidSecurity)?,
    })
}

/// (RSA-SHA1, the PrefixList, the references).
type SignedInfo = (bool, Vec<String>, Vec<Reference>);

fn read_signed_info(r: &mut XmlReader<'_>, allow_sha1: bool) -> Read<SignedInfo> {
    let bad = |_| SecurityFault::InvalidSecurity;
    let mut prefixes = None;
    let mut method = false;
    let mut sha1 = false;
    let mut references = Vec::new();
    while let Some(child) = r.next_child().map_err(bad)? {
        if child.is(DS, "CanonicalizationMethod") && prefixes.is_none() && references.is_empty() {
            prefixes = Some(read_c14n_method(r, &child)?);
        } else if child.is(DS, "SignatureMethod") && !method {
            match algorithm(r, &child)?.as_str() {
                RSA_SHA256 => {}
                RSA_SHA1 if allow_sha1 => sha1 = true,
                _ => return Err(SecurityFault::UnsupportedAlgorithm),
            }
            r.skip_element().map_err(bad)?;
            method = true;
        } else if child.is(DS, "Reference") && method {
            if references.len() == MAX_REFERENCES {
                return Err(SecurityFault::InvalidSecurity);
            }
            references.push(read_reference(r, &child, allow_sha1)?);
        } else {
            return Err(SecurityFault::InvalidSecurity);
        }
    }
    let prefixes = prefixes.ok_or(SecurityFault::InvalidSecurity)?;
    if !method || references.is_empty() {
        return Err(SecurityFault::InvalidSecurity);
    }
    Ok((sha1, prefixes, references))
}

fn algorithm<'a>(r: &XmlReader<'a>, tag: &StartTag<'a>) -> Read<String> {
    r.attribute(tag, "", "Algorithm")
        .map(|a| a.trim().to_owned())
        .ok_or(SecurityFault::InvalidSecurity)
}

/// An exclusive c14n method (`CanonicalizationMethod` or `Transform`) and its PrefixList.
fn read_c14n_method<'a>(r: &mut XmlReader<'a>, tag: &StartTag<'a>) -> Read<Vec<String>> {
    let bad = |_| SecurityFault::InvalidSecurity;
    if algorithm(r, tag)? != EXC_C14N {
        return Err(SecurityFault::UnsupportedAlgorithm);
    }
    let mut prefixes = None;
    while let Some(child) = r.next_child().map_err(bad)? {
        if child.is(EXC_C14N, "InclusiveNamespaces") && prefixes.is_none() {
            let list = r.attribute(&child, "", "PrefixList").unwrap_or_default();
            if list.len() > 1024 {
                return Err(SecurityFault::InvalidSecurity);
            }
            prefixes = Some(list.split_ascii_whitespace().map(str::to_owned).collect());
            r.skip_element().map_err(bad)?;
        } else {
            return Err(SecurityFault::InvalidSecurity);
        }
    }
    Ok(prefixes.unwrap_or_default())
}

fn read_reference<'a>(
    r: &mut XmlReader<'a>,
    tag: &StartTag<'a>,
    allow_sha1: bool,
) -> Read<Reference> {
    let bad = |_| SecurityFault::InvalidSecurity;
    let uri = r
        .attribute(tag, "", "URI")
        .ok_or(SecurityFault::InvalidSecurity)?;
    // Same-document references by ID only: no external fetch, no XPointer.
    let id = uri
        .strip_prefix('#')
        .filter(|id| wws_core::xml::chars::is_ncname(id))
        .ok_or(SecurityFault::InvalidSecurity)?
        .to_owned();
    let mut prefixes = None;
    let mut enveloped = false;
    let mut digest_ok = false;
    let mut sha1 = false;
    let mut value = None;
    while let Some(child) = r.next_child().map_err(bad)? {
        if child.is(DS, "Transforms") && prefixes.is_none() {
            // Exclusive c14n, after at most an enveloped-signature transform
            // (node-soap's default): anything else could select other
            // content than the element itself.
            let mut one = None;
            while let Some(t) = r.next_child().map_err(bad)? {
                if !t.is(DS, "Transform") || one.is_some() {
                    return Err(SecurityFault::UnsupportedAlgorithm);
                }
                if algorithm(r, &t)? == ENVELOPED_SIGNATURE && !enveloped {
                    enveloped = true;
                    r.skip_element().map_err(bad)?;
                    continue;
                }
                one = Some(read_c14n_method(r, &t)?);
            }
            prefixes = Some(one.ok_or(SecurityFault::UnsupportedAlgorithm)?);
        } else if child.is(DS, "DigestMethod") && !digest_ok {
            match algorithm(r, &child)?.as_str() {
                SHA256 => {}
                SHA1 if allow_sha1 => sha1 = true,
                _ => return Err(SecurityFault::UnsupportedAlgorithm),
            }
            r.skip_element().map_err(bad)?;
            digest_ok = true;
        } else if child.is(DS, "DigestValue") && digest_ok && value.is_none() {
            let v = base64(r, &child)?;
            let len = if sha1 {
                digest::SHA1_FOR_LEGACY_USE_ONLY.output_len()
            } else {
                digest::SHA256.output_len()
            };
            if v.len() != len {
                return Err(SecurityFault::InvalidSecurity);
            }
            value = Some(v);
        } else {
            return Err(SecurityFault::InvalidSecurity);
        }
    }
    Ok(Reference {
        id,
        sha1,
        enveloped,
        prefixes: prefixes.ok_or(SecurityFault::InvalidSecurity)?,
        digest: value.ok_or(SecurityFault::InvalidSecurity)?,
    })
}

fn read_key_info(r: &mut XmlReader<'_>) -> Read<KeyRef> {
    let bad = |_| SecurityFault::InvalidSecurity;
    let mut key = None;
    while let Some(child) = r.next_child().map_err(bad)? {
        if key.is_some() {
            return Err(SecurityFault::InvalidSecurity);
        }
        if child.is(ns::WSSE, "SecurityTokenReference") {
            key = Some(read_token_reference(r)?);
        } else if child.is(DS, "X509Data") {
            key = Some(read_x509_data(r)?);
        } else {
            return Err(SecurityFault::UnsupportedSecurityToken);
        }
    }
    key.ok_or(SecurityFault::InvalidSecurity)
}

fn read_token_reference(r: &mut XmlReader<'_>) -> Read<KeyRef> {
    let bad = |_| SecurityFault::InvalidSecurity;
    let mut key = None;
    while let Some(child) = r.next_child().map_err(bad)? {
        if key.is_some() {
            return Err(SecurityFault::InvalidSecurity);
        }
        if child.is(ns::WSSE, "Reference") {
            if let Some(t) = r.attribute(&child, "", "ValueType")
                && t.trim() != X509V3
            {
                return Err(SecurityFault::UnsupportedSecurityToken);
            }
            let uri = r
                .attribute(&child, "", "URI")
                .ok_or(SecurityFault::InvalidSecurity)?;
            let id = uri
                .strip_prefix('#')
                .filter(|id| wws_core::xml::chars::is_ncname(id))
                .ok_or(SecurityFault::UnsupportedSecurityToken)?
                .to_owned();
            r.skip_element().map_err(bad)?;
            key = Some(KeyRef::Token(id));
        } else if child.is(DS, "X509Data") {
            key = Some(read_x509_data(r)?);
        } else if child.is(ns::WSSE, "KeyIdentifier") {
            let kind = r.attribute(&child, "", "ValueType").unwrap_or_default();
            if kind.trim() != THUMBPRINT_SHA1 {
                // Other identifiers (a subject key identifier) are not looked up.
                return Err(SecurityFault::UnsupportedSecurityToken);
            }
            match r
                .attribute(&child, "", "EncodingType")
                .as_deref()
                .map(str::trim)
            {
                None | Some(ns::BASE64_BINARY) => {}
                Some(_) => return Err(SecurityFault::UnsupportedSecurityToken),
            }
            let sha1 = base64(r, &child)?;
            if sha1.len() != digest::SHA1_FOR_LEGACY_USE_ONLY.output_len() {
                return Err(SecurityFault::InvalidSecurityToken);
            }
            key = Some(KeyRef::Thumbprint(sha1));
        } else {
            // A subject key identifier, an embedded token: not looked up.
            return Err(SecurityFault::UnsupportedSecurityToken);
        }
    }
    key.ok_or(SecurityFault::InvalidSecurity)
}

/// `ds:X509Data`: its `X509Certificate`, else its `X509IssuerSerial` (a
/// known certificate by issuer and serial number); other children are
/// skipped.
fn read_x509_data(r: &mut XmlReader<'_>) -> Read<KeyRef> {
    let bad = |_| SecurityFault::InvalidSecurity;
    let mut cert = None;
    let mut issuer_serial = None;
    let mut children = 0;
    while let Some(child) = r.next_child().map_err(bad)? {
        children += 1;
        if children > MAX_CHILDREN {
            return Err(SecurityFault::InvalidSecurity);
        }
        if child.is(DS, "X509Certificate") && cert.is_none() {
            cert = Some(base64(r, &child)?);
        } else if child.is(DS, "X509IssuerSerial") && issuer_serial.is_none() {
            issuer_serial = Some(read_issuer_serial(r)?);
        } else {
            r.skip_element().map_err(bad)?;
        }
    }
    match (cert, issuer_serial) {
        (Some(der), _) => Ok(KeyRef::Certificate(der)),
        (None, Some((issuer, serial))) => Ok(KeyRef::IssuerSerial { issuer, serial }),
        (None, None) => Err(SecurityFault::UnsupportedSecurityToken),
    }
}

/// `ds:X509IssuerSerial`: the issuer's name and the serial number, in
/// decimal without leading zeros.
fn read_issuer_serial(r: &mut XmlReader<'_>) -> Read<(String, String)> {
    let bad = |_| SecurityFault::InvalidSecurityToken;
    let (mut issuer, mut serial) = (None, None);
    while let Some(child) = r.next_child().map_err(bad)? {
        let text = r.read_text(&child).map_err(bad)?;
        if child.is(DS, "X509IssuerName") && issuer.is_none() && text.len() <= 4096 {
            issuer = Some(text.trim().to_owned());
        } else if child.is(DS, "X509SerialNumber") && serial.is_none() {
            let digits = text.trim().trim_start_matches('0');
            if digits.len() > 160 || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return Err(SecurityFault::InvalidSecurityToken);
            }
            serial = Some(if digits.is_empty() { "0" } else { digits }.to_owned());
        } else {
            return Err(SecurityFault::InvalidSecurityToken);
        }
    }
    issuer
        .zip(serial)
        .ok_or(SecurityFault::InvalidSecurityToken)
}

/// A canonical `wsse:BinarySecurityToken`: the certificate it carries.
fn read_token(xml: &[u8]) -> Read<Vec<u8>> {
    let bad = |_| SecurityFault::InvalidSecurityToken;
    let mut r = XmlReader::new(xml).map_err(bad)?;
    let root = r.root().map_err(bad)?;
    match r
        .attribute(&root, "", "ValueType")
        .as_deref()
        .map(str::trim)
    {
        Some(X509V3) => {}
        _ => return Err(SecurityFault::UnsupportedSecurityToken),
    }
    match r
        .attribute(&root, "", "EncodingType")
        .as_deref()
        .map(str::trim)
    {
        None | Some(ns::BASE64_BINARY) => {}
        Some(_) => return Err(SecurityFault::UnsupportedSecurityToken),
    }
    base64(&mut r, &root).map_err(|_| SecurityFault::InvalidSecurityToken)
}

fn base64<'a>(r: &mut XmlReader<'a>, tag: &StartTag<'a>) -> Read<Vec<u8>> {
    let text = r
        .read_text(tag)
        .map_err(|_| SecurityFault::InvalidSecurity)?;
    if text.len() > MAX_BASE64 {
        return Err(SecurityFault::InvalidSecurity);
    }
    Ok(Base64Binary::parse(&text)
        .map_err(|_| SecurityFault::InvalidSecurity)?
        .0)
}
