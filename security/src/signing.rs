//! The client layer that signs requests with an X.509 certificate's key
//! (WSS X.509 Token Profile 1.1, XML Signature): the Body, the
//! `wsu:Timestamp` and the WS-Addressing headers, RSA-SHA256 over exclusive
//! c14n, the certificate as a `BinarySecurityToken`.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use ring::rand::SystemRandom;
use ring::signature::{RSA_PKCS1_SHA256, RsaKeyPair};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use wws_core::message::is_targeted;
use wws_core::xml::{XmlReader, escape_attr, escape_text};
use wws_core::xsd::{Base64Binary, SimpleType};
use wws_core::{AddressingVersion, Error, Header, Message, QName, Result};
use wws_host::{HostLayer, RequestInfo};
use wws_proxy::{CallInfo, ProxyLayer};

use crate::c14n::{self, Select};
use crate::dsig::{DS, EXC_C14N, RSA_SHA256, SHA256, THUMBPRINT_SHA1, X509V3};
use crate::{Clock, ns, time};

/// IDs the layer gives what it signs (an NCName each, unlikely in a body).
const BODY_ID: &str = "wws-Body";
const TOKEN_ID: &str = "wws-X509";

/// A certificate and its RSA private key, for signing.
#[derive(Clone)]
pub struct X509Credentials {
    certificate: Vec<u8>,
    key: Arc<RsaKeyPair>,
}

impl fmt::Debug for X509Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("X509Credentials")
            .field("common_name", &crate::common_name(&self.certificate))
            .finish_non_exhaustive()
    }
}

impl X509Credentials {
    /// The DER certificate and its private key (PKCS#8 or PKCS#1 RSA).
    /// Errors: a key that is not an RSA key of 2048 to 8192 bits.
    pub fn from_der(certificate: Vec<u8>, key: &PrivateKeyDer<'_>) -> Result<Self> {
        let bad = |e: ring::error::KeyRejected| {
            Error::invalid_format(format!("the signing key is not usable: {e}"))
        };
        let key = match key {
            PrivateKeyDer::Pkcs8(k) => RsaKeyPair::from_pkcs8(k.secret_pkcs8_der()).map_err(bad)?,
            PrivateKeyDer::Pkcs1(k) => RsaKeyPair::from_der(k.secret_pkcs1_der()).map_err(bad)?,
            _ => {
                return Err(Error::invalid_format(
                    "the signing key is not an RSA key (PKCS#8 or PKCS#1)",
                ));
            }
        };
        Ok(X509Credentials {
            certificate,
            key: Arc::new(key),
        })
    }

    /// The first certificate of `certificate_pem` and the first private key
    /// of `key_pem`.
    pub fn from_pem(certificate_pem: &[u8], key_pem: &[u8]) -> Result<Self> {
        let cert = CertificateDer::from_pem_slice(certificate_pem)
            .map_err(|e| Error::invalid_format(format!("no PEM certificate: {e}")))?;
        let key = PrivateKeyDer::from_pem_slice(key_pem)
            .map_err(|e| Error::invalid_format(format!("no PEM private key: {e}")))?;
        Self::from_der(cert.to_vec(), &key)
    }

    /// The certificate (DER).
    pub fn certificate(&self) -> &[u8] {
        &self.certificate
    }
}

/// How a signature names its certificate.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeyReference {
    /// A `wsse:BinarySecurityToken` carries the certificate, referenced by
    /// ID (the default: the receiver needs only its trust anchors).
    #[default]
    BinarySecurityToken,
    /// A `wsse:KeyIdentifier` with the certificate's SHA-1 thumbprint
    /// (`ThumbprintSHA1`): smaller messages, for a receiver that already
    /// has the certificate (WCF's `X509KeyIdentifierClauseType.Thumbprint`).
    Thumbprint,
    /// A `ds:X509IssuerSerial`: the issuer's name (RFC 4514) and the
    /// serial number, for a receiver that already has the certificate.
    IssuerSerial,
}

/// A [`ProxyLayer`] that signs every request with [`X509Credentials`].
///
/// It puts into the request's `wsse:Security` header (the one an earlier
/// [`UsernameTokenLayer`](crate::UsernameTokenLayer) wrote, else a new one
/// marked `mustUnderstand="1"`): the certificate as a
/// `BinarySecurityToken` (or only its thumbprint: [`KeyReference`]), a `wsu:Timestamp` (unless the header has one
/// already), and a `ds:Signature` over the Body, the Timestamp, an earlier
/// layer's `UsernameToken` (where it has a `wsu:Id`) and, when
/// the message uses WS-Addressing, each addressing header the writer puts
/// on (Action, To, MessageID, RelatesTo, ReplyTo, FaultTo): RSA-SHA256 of
/// `SignedInfo`, SHA-256 digests, exclusive c14n, key info a
/// `SecurityTokenReference` to the token. The IDs go on the elements as
/// [`ElementIds`](wws_core::ElementIds).
///
/// The digests are of the envelope exactly as the proxy writes it, so this
/// layer must be the **last** installed: a layer after it that changes the
/// message breaks the signature.
pub struct SigningLayer {
    credentials: X509Credentials,
    ttl: Duration,
    sign_addressing: bool,
    key_reference: KeyReference,
    clock: Clock,
    rng: SystemRandom,
    understands: [QName; 1],
}

impl fmt::Debug for SigningLayer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningLayer")
            .field("credentials", &self.credentials)
            .field("ttl", &self.ttl)
            .field("sign_addressing", &self.sign_addressing)
            .finish_non_exhaustive()
    }
}

impl SigningLayer {
    /// A layer signing with `credentials`, its timestamps valid 5 minutes,
    /// the addressing headers signed.
    pub fn new(credentials: X509Credentials) -> Self {
        SigningLayer {
            credentials,
            ttl: Duration::from_secs(300),
            sign_addressing: true,
            key_reference: KeyReference::BinarySecurityToken,
            clock: Arc::new(SystemTime::now),
            rng: SystemRandom::new(),
            understands: [QName::new(ns::WSSE, "Security")],
        }
    }

    /// How long the timestamp this layer writes is valid.
    pub fn timestamp_ttl(mut self, ttl: Duration) -> Self {
        self.ttl = ttl;
        self
    }

    /// How the signature names the certificate (default: a
    /// `BinarySecurityToken` carrying it).
    pub fn key_reference(mut self, reference: KeyReference) -> Self {
        self.key_reference = reference;
        self
    }

    /// Whether the WS-Addressing headers are signed too (default true).
    pub fn sign_addressing(mut self, sign: bool) -> Self {
        self.sign_addressing = sign;
        self
    }

    /// Reads the time from `clock` instead of the system clock.
    pub fn clock(mut self, clock: impl Fn() -> SystemTime + Send + Sync + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// Signs `request` in place: what [`ProxyLayer::on_request`] runs.
    pub fn sign(&self, request: &mut Message) -> Result<()> {
        let now = (self.clock)();
        let mut refs = vec![BODY_ID.to_owned()];
        request.ids.body = Some(BODY_ID.to_owned());
        if self.sign_addressing && request.addressing != AddressingVersion::Transport {
            let ids = &mut request.ids;
            let fields = [
                (&request.action, &mut ids.action, "Action"),
                (&request.to, &mut ids.to, "To"),
                (&request.message_id, &mut ids.message_id, "MessageID"),
                (&request.relates_to, &mut ids.relates_to, "RelatesTo"),
                (&request.reply_to, &mut ids.reply_to, "ReplyTo"),
                (&request.fault_to, &mut ids.fault_to, "FaultTo"),
            ];
            for (value, id, name) in fields {
                if value.is_some() {
                    let v = format!("wws-{name}");
                    refs.push(v.clone());
                    *id = Some(v);
                }
            }
        }

        // The header: an earlier layer's, or a new one.
        let envelope = request.envelope;
        let existing = request.headers.iter().position(|h| {
            h.name.namespace == ns::WSSE
                && h.name.local == "Security"
                && is_targeted(envelope, h.role.as_deref())
        });
        let (open, mut children, timestamp_id, token_ids) = match existing {
            Some(i) => split_header(&request.headers[i].xml)?,
            None => (
                format!(
                    "<wsse:Security xmlns:wsse=\"{}\" xmlns:wsu=\"{}\" xmlns:soapenv=\"{}\" soapenv:mustUnderstand=\"1\">",
                    ns::WSSE,
                    ns::WSU,
                    escape_attr(envelope.namespace())?
                ),
                String::new(),
                None,
                Vec::new(),
            ),
        };
        let (close, existing_children) = children
            .rfind("</")
            .map(|at| (children[at..].to_owned(), children[..at].to_owned()))
            .unwrap_or_else(|| ("</wsse:Security>".to_owned(), String::new()));
        children = existing_children;
        let (mut ours, key_reference) = match self.key_reference {
            KeyReference::BinarySecurityToken => (
                format!(
                    "<wsse:BinarySecurityToken xmlns:wsse=\"{wsse}\" xmlns:wsu=\"{wsu}\" wsu:Id=\"{TOKEN_ID}\" ValueType=\"{X509V3}\" EncodingType=\"{enc}\">{cert}</wsse:BinarySecurityToken>",
                    wsse = ns::WSSE,
                    wsu = ns::WSU,
                    enc = ns::BASE64_BINARY,
                    cert = base64(&self.credentials.certificate)?,
                ),
                format!("<wsse:Reference URI=\"#{TOKEN_ID}\" ValueType=\"{X509V3}\"/>"),
            ),
            KeyReference::IssuerSerial => {
                let der = CertificateDer::from(self.credentials.certificate.as_slice());
                let cert = webpki::EndEntityCert::try_from(&der).map_err(|e| {
                    Error::invalid_format(format!("the signing certificate does not parse: {e}"))
                })?;
                let issuer = crate::x509name::rfc4514(cert.issuer()).ok_or_else(|| {
                    Error::invalid_format("the signing certificate's issuer does not parse")
                })?;
                (
                    String::new(),
                    format!(
                        "<ds:X509Data><ds:X509IssuerSerial><ds:X509IssuerName>{}</ds:X509IssuerName><ds:X509SerialNumber>{}</ds:X509SerialNumber></ds:X509IssuerSerial></ds:X509Data>",
                        escape_text(&issuer)?,
                        crate::x509name::serial_decimal(cert.serial()),
                    ),
                )
            }
            KeyReference::Thumbprint => {
                let sha1 = ring::digest::digest(
                    &ring::digest::SHA1_FOR_LEGACY_USE_ONLY,
                    &self.credentials.certificate,
                );
                (
                    String::new(),
                    format!(
                        "<wsse:KeyIdentifier ValueType=\"{THUMBPRINT_SHA1}\" EncodingType=\"{enc}\">{t}</wsse:KeyIdentifier>",
                        enc = ns::BASE64_BINARY,
                        t = base64(sha1.as_ref())?,
                    ),
                )
            }
        };
        let timestamp_id = match timestamp_id {
            Some(id) => id,
            None => {
                // A random ID: it is part of the signed Timestamp, so two
                // requests alike in the same millisecond still differ in
                // their signatures (and neither is taken for a replay).
                let mut random = [0u8; 16];
                ring::rand::SecureRandom::fill(&self.rng, &mut random)
                    .map_err(|_| Error::invalid_format("no random bytes for the Timestamp's ID"))?;
                let id: String = std::iter::once("TS-".to_owned())
                    .chain(random.iter().map(|b| format!("{b:02x}")))
                    .collect();
                ours.push_str(&format!(
                    "<wsu:Timestamp xmlns:wsu=\"{wsu}\" wsu:Id=\"{id}\"><wsu:Created>{c}</wsu:Created><wsu:Expires>{e}</wsu:Expires></wsu:Timestamp>",
                    wsu = ns::WSU,
                    c = time::format_utc(now),
                    e = time::format_utc(now + self.ttl),
                ));
                id
            }
        };
        refs.push(timestamp_id);
        // An earlier layer's UsernameToken is signed too (its nonce makes
        // each signature unique where the Timestamp is that layer's).
        refs.extend(token_ids);
        let assemble = |digests: &[String], value: &str| -> Result<(String, String)> {
            let signed_info = signed_info(&refs, digests)?;
            let header = format!(
                "{open}{children}{ours}<ds:Signature xmlns:ds=\"{DS}\">{signed_info}<ds:SignatureValue>{value}</ds:SignatureValue><ds:KeyInfo><wsse:SecurityTokenReference xmlns:wsse=\"{wsse}\">{key_reference}</wsse:SecurityTokenReference></ds:KeyInfo></ds:Signature>{close}",
                wsse = ns::WSSE,
            );
            Ok((header, signed_info))
        };
        // The envelope as it will be written, the signature's texts empty
        // (base64 text has no colon, so the writer's prefixes stay the same).
        let (skeleton, _) = assemble(&vec![String::new(); refs.len()], "")?;
        let skeleton = Header::from_xml(envelope, skeleton)?;
        let slot = match existing {
            Some(i) => {
                request.headers[i] = skeleton;
                i
            }
            None => {
                request.headers.push(skeleton);
                request.headers.len() - 1
            }
        };
        let put = |request: &mut Message, xml: String| -> Result<()> {
            request.headers[slot] = Header::from_xml(envelope, xml)?;
            Ok(())
        };
        let written = request.to_bytes()?;
        let mut digests = Vec::with_capacity(refs.len());
        for id in &refs {
            let found = c14n::exclusive_in(&written, Select::Id(id), &[])
                .map_err(|e| Error::invalid_format(format!("cannot sign #{id}: {e}")))?;
            let digest = ring::digest::digest(&ring::digest::SHA256, &found.canonical);
            digests.push(base64(digest.as_ref())?);
        }
        let (_, signed_info) = assemble(&digests, "")?;
        let canonical = c14n::exclusive(signed_info.as_bytes(), &[])
            .map_err(|e| Error::invalid_format(format!("cannot sign: {e}")))?;
        let key = &self.credentials.key;
        let mut value = vec![0u8; key.public().modulus_len()];
        key.sign(&RSA_PKCS1_SHA256, &self.rng, &canonical, &mut value)
            .map_err(|_| Error::invalid_format("RSA signing failed"))?;
        let (header, _) = assemble(&digests, &base64(&value)?)?;
        put(request, header)
    }
}

impl ProxyLayer for SigningLayer {
    fn understands(&self) -> &[QName] {
        &self.understands
    }

    fn on_request(&self, _call: &CallInfo, request: &mut Message) -> Result<()> {
        self.sign(request)
    }
}

/// On a [`ServiceHost`](wws_host::ServiceHost), the layer signs each reply
/// and fault the host sends for a request that reached the layers, the same
/// way (a reply it cannot sign, which only an unrepresentable ID could
/// cause, goes unsigned and is logged: the client's check then refuses it).
/// Host layers see replies in the reverse order of installation, so on a
/// host this layer is installed **first** (it then signs last).
impl HostLayer for SigningLayer {
    fn understands(&self) -> &[QName] {
        &[]
    }

    fn on_reply(&self, _info: &RequestInfo<'_>, reply: &mut Message) {
        if let Err(e) = self.sign(reply) {
            tracing::error!(error = %e, "the reply could not be signed; sent unsigned");
        }
    }
}

/// `SignedInfo` (standalone: `ds` declared on it) over `refs` with `digests`.
fn signed_info(refs: &[String], digests: &[String]) -> Result<String> {
    let mut x = format!(
        "<ds:SignedInfo xmlns:ds=\"{DS}\"><ds:CanonicalizationMethod Algorithm=\"{EXC_C14N}\"/><ds:SignatureMethod Algorithm=\"{RSA_SHA256}\"/>"
    );
    for (id, digest) in refs.iter().zip(digests) {
        x.push_str(&format!(
            "<ds:Reference URI=\"#{}\"><ds:Transforms><ds:Transform Algorithm=\"{EXC_C14N}\"/></ds:Transforms><ds:DigestMethod Algorithm=\"{SHA256}\"/><ds:DigestValue>{digest}</ds:DigestValue></ds:Reference>",
            escape_attr(id)?
        ));
    }
    x.push_str("</ds:SignedInfo>");
    Ok(x)
}

/// An earlier layer's `Security` header as (its start tag, the rest), the
/// `wsu:Id` of its `Timestamp` if it has one, and those of its
/// `UsernameToken`s.
fn split_header(xml: &[u8]) -> Result<(String, String, Option<String>, Vec<String>)> {
    let text = std::str::from_utf8(xml)
        .map_err(|_| Error::invalid_format("the Security header is not UTF-8"))?;
    let mut r = XmlReader::new(xml)?;
    let root = r.root()?;
    if root.is_empty() {
        // `<wsse:Security/>`: open it.
        let tag = text.trim_end();
        let open = tag.strip_suffix("/>").unwrap_or(tag);
        let name = root.raw_name();
        return Ok((format!("{open}>"), format!("</{name}>"), None, Vec::new()));
    }
    let mut timestamp = None;
    let mut tokens = Vec::new();
    while let Some(child) = r.next_child()? {
        if child.is(ns::WSSE, "UsernameToken")
            && let Some(id) = r.attribute(&child, ns::WSU, "Id")
        {
            tokens.push(id.into_owned());
        }
        if child.is(ns::WSU, "Timestamp") {
            let id = r.attribute(&child, ns::WSU, "Id").ok_or_else(|| {
                Error::invalid_format("the Security header's Timestamp has no wsu:Id to sign")
            })?;
            timestamp = Some(id.into_owned());
        }
        r.skip_element()?;
    }
    // The start tag ends at the first '>' outside a quoted attribute value.
    let mut quote = None;
    let end = text
        .char_indices()
        .find(|&(_, c)| match quote {
            Some(q) if c == q => {
                quote = None;
                false
            }
            Some(_) => false,
            None if c == '"' || c == '\'' => {
                quote = Some(c);
                false
            }
            None => c == '>',
        })
        .map(|(i, _)| i + 1)
        .ok_or_else(|| Error::invalid_format("the Security header has no start tag"))?;
    Ok((
        text[..end].to_owned(),
        text[end..].to_owned(),
        timestamp,
        tokens,
    ))
}

fn base64(bytes: &[u8]) -> Result<String> {
    let mut s = String::new();
    Base64Binary(bytes.to_vec()).format(&mut s)?;
    Ok(s)
}
