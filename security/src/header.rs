//! The `wsse:Security` header block: written by the client layer, read
//! (sans-I/O, bounded) by the host layer.
//!
//! The reader takes the header's standalone XML, as the envelope reader
//! keeps it, and returns what it found or the [`SecurityFault`] to answer.
//! It holds to fixed limits so that hostile input costs a bounded amount of
//! work and memory: at most [`MAX_CHILDREN`] children in `Security` and in
//! a token, one `UsernameToken`, one `Timestamp`, short strings
//! ([`MAX_USERNAME`], [`MAX_PASSWORD`], [`MAX_NONCE`] decoded bytes), a
//! digest of exactly 20 bytes. It stops at the first violation.

use std::borrow::Cow;

use wws_core::xml::{StartTag, XmlReader, escape_attr, escape_text};
use wws_core::xsd::{Base64Binary, SimpleType};

use crate::digest::DIGEST_LEN;
use crate::faults::SecurityFault;
use crate::ns;
use crate::time::{self, Millis};

/// Most children read in `Security`, `UsernameToken` or `Timestamp`.
pub const MAX_CHILDREN: usize = 16;
/// Longest `wsse:Username`, in bytes.
pub const MAX_USERNAME: usize = 256;
/// Longest clear-text password, in bytes.
pub const MAX_PASSWORD: usize = 1024;
/// Longest nonce, decoded (senders use 16 bytes).
pub const MAX_NONCE: usize = 64;
/// Longest `xs:dateTime` text read.
const MAX_DATETIME: usize = 64;

/// The password of a `UsernameToken` as sent.
#[derive(Clone, PartialEq, Eq)]
pub enum Password {
    /// `#PasswordText`: the password itself.
    Text(String),
    /// `#PasswordDigest`: SHA-1(nonce + created + password).
    Digest([u8; DIGEST_LEN]),
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never a secret in a log.
        f.write_str(match self {
            Password::Text(_) => "Text(..)",
            Password::Digest(_) => "Digest(..)",
        })
    }
}

/// A `wsse:UsernameToken` as read.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct UsernameToken {
    /// `wsse:Username`, trimmed.
    pub username: String,
    /// `wsse:Password`, if sent.
    pub password: Option<Password>,
    /// `wsse:Nonce`, decoded.
    pub nonce: Option<Vec<u8>>,
    /// `wsu:Created` as written (the digest covers the text) and as a time.
    pub created: Option<(String, Millis)>,
}

/// A `wsu:Timestamp` as read: milliseconds since the epoch.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Timestamp {
    /// `wsu:Created`.
    pub created: Option<Millis>,
    /// `wsu:Expires`.
    pub expires: Option<Millis>,
}

/// What a `wsse:Security` header carries that this crate processes.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct SecurityHeader {
    /// The one `UsernameToken`, if any.
    pub username_token: Option<UsernameToken>,
    /// The one `Timestamp`, if any.
    pub timestamp: Option<Timestamp>,
    /// Whether a `ds:Signature` or a `wsse:BinarySecurityToken` was there:
    /// skipped here, verified by [`crate::dsig`]; a layer that does not know
    /// the signature was verified refuses the header.
    pub signature: bool,
}

type Read<T> = Result<T, SecurityFault>;

/// Reads a `wsse:Security` header block (standalone XML).
///
/// A `ds:Signature` and `wsse:BinarySecurityToken`s are skipped and
/// [`signature`](SecurityHeader::signature) set (their checks are
/// [`crate::dsig`]'s). Other children (an encrypted key, a SAML assertion)
/// are `UnsupportedSecurityToken`: no layer here can process them, so none
/// must claim the header as understood.
pub fn read_security_header(xml: &[u8]) -> Read<SecurityHeader> {
    let invalid = |_| SecurityFault::InvalidSecurity;
    let mut r = XmlReader::new(xml).map_err(invalid)?;
    let root = r.root().map_err(invalid)?;
    if !root.is(ns::WSSE, "Security") {
        return Err(SecurityFault::InvalidSecurity);
    }
    let mut header = SecurityHeader::default();
    let mut children = 0usize;
    while let Some(child) = r.next_child().map_err(invalid)? {
        children += 1;
        if children > MAX_CHILDREN {
            return Err(SecurityFault::InvalidSecurity);
        }
        if child.is(ns::WSSE, "UsernameToken") {
            if header.username_token.is_some() {
                // One token authenticates a message; two is ambiguity.
                return Err(SecurityFault::InvalidSecurity);
            }
            header.username_token = Some(read_username_token(&mut r)?);
        } else if child.is(ns::WSU, "Timestamp") {
            if header.timestamp.is_some() {
                // SOAP Message Security 1.1 §10: at most one per header.
                return Err(SecurityFault::InvalidSecurity);
            }
            header.timestamp = Some(read_timestamp(&mut r)?);
        } else if child.is(crate::dsig::DS, "Signature")
            || child.is(ns::WSSE, "BinarySecurityToken")
        {
            header.signature = true;
            r.skip_element().map_err(invalid)?;
        } else {
            return Err(SecurityFault::UnsupportedSecurityToken);
        }
    }
    Ok(header)
}

fn read_username_token(r: &mut XmlReader<'_>) -> Read<UsernameToken> {
    let bad = |_| SecurityFault::InvalidSecurityToken;
    let mut username = None;
    let mut password = None;
    let mut nonce = None;
    let mut created = None;
    let mut children = 0usize;
    while let Some(child) = r.next_child().map_err(bad)? {
        children += 1;
        if children > MAX_CHILDREN {
            return Err(SecurityFault::InvalidSecurityToken);
        }
        if child.is(ns::WSSE, "Username") {
            let text = bounded_text(r, &child, MAX_USERNAME)?;
            once(&mut username, text.trim().to_owned())?;
        } else if child.is(ns::WSSE, "Password") {
            let kind = r.attribute(&child, "", "Type");
            let text = bounded_text(r, &child, MAX_PASSWORD * 4 / 3 + 8)?;
            let value = match kind.as_deref().map(str::trim) {
                None | Some(ns::PASSWORD_TEXT) => {
                    if text.len() > MAX_PASSWORD {
                        return Err(SecurityFault::InvalidSecurityToken);
                    }
                    Password::Text(text.into_owned())
                }
                Some(ns::PASSWORD_DIGEST) => {
                    let bytes = Base64Binary::parse(&text)
                        .map_err(|_| SecurityFault::InvalidSecurityToken)?
                        .0;
                    let digest: [u8; DIGEST_LEN] = bytes
                        .try_into()
                        .map_err(|_| SecurityFault::InvalidSecurityToken)?;
                    Password::Digest(digest)
                }
                Some(_) => return Err(SecurityFault::UnsupportedSecurityToken),
            };
            once(&mut password, value)?;
        } else if child.is(ns::WSSE, "Nonce") {
            match r
                .attribute(&child, "", "EncodingType")
                .as_deref()
                .map(str::trim)
            {
                None | Some(ns::BASE64_BINARY) => {}
                Some(_) => return Err(SecurityFault::UnsupportedSecurityToken),
            }
            let text = bounded_text(r, &child, MAX_NONCE * 4 / 3 + 8)?;
            let bytes = Base64Binary::parse(&text)
                .map_err(|_| SecurityFault::InvalidSecurityToken)?
                .0;
            if bytes.is_empty() || bytes.len() > MAX_NONCE {
                return Err(SecurityFault::InvalidSecurityToken);
            }
            once(&mut nonce, bytes)?;
        } else if child.is(ns::WSU, "Created") {
            let text = bounded_text(r, &child, MAX_DATETIME)?;
            let at = time::parse(&text).ok_or(SecurityFault::InvalidSecurityToken)?;
            once(&mut created, (text.into_owned(), at))?;
        } else {
            // Extensions of the token (e.g. WSS 1.1 Salt, Iteration) are not
            // processed; ignoring them would misread the token.
            return Err(SecurityFault::UnsupportedSecurityToken);
        }
    }
    let username = username.ok_or(SecurityFault::InvalidSecurityToken)?;
    if matches!(password, Some(Password::Digest(_))) && (nonce.is_none() || created.is_none()) {
        // A digest without its nonce and time protects nothing against replay.
        return Err(SecurityFault::InvalidSecurityToken);
    }
    Ok(UsernameToken {
        username,
        password,
        nonce,
        created,
    })
}

fn read_timestamp(r: &mut XmlReader<'_>) -> Read<Timestamp> {
    let bad = |_| SecurityFault::InvalidSecurity;
    let mut ts = Timestamp::default();
    let mut children = 0usize;
    while let Some(child) = r.next_child().map_err(bad)? {
        children += 1;
        if children > MAX_CHILDREN {
            return Err(SecurityFault::InvalidSecurity);
        }
        let slot = if child.is(ns::WSU, "Created") {
            &mut ts.created
        } else if child.is(ns::WSU, "Expires") {
            &mut ts.expires
        } else {
            return Err(SecurityFault::InvalidSecurity);
        };
        let text =
            bounded_text(r, &child, MAX_DATETIME).map_err(|_| SecurityFault::InvalidSecurity)?;
        let at = time::parse(&text).ok_or(SecurityFault::InvalidSecurity)?;
        if slot.replace(at).is_some() {
            return Err(SecurityFault::InvalidSecurity);
        }
    }
    if let (Some(c), Some(e)) = (ts.created, ts.expires)
        && e < c
    {
        return Err(SecurityFault::InvalidSecurity);
    }
    Ok(ts)
}

/// The text of `tag`, refused when longer than `limit` bytes.
fn bounded_text<'a>(r: &mut XmlReader<'a>, tag: &StartTag<'a>, limit: usize) -> Read<Cow<'a, str>> {
    let text = r
        .read_text(tag)
        .map_err(|_| SecurityFault::InvalidSecurityToken)?;
    if text.len() > limit {
        return Err(SecurityFault::InvalidSecurityToken);
    }
    Ok(text)
}

fn once<T>(slot: &mut Option<T>, value: T) -> Read<()> {
    if slot.replace(value).is_some() {
        return Err(SecurityFault::InvalidSecurityToken);
    }
    Ok(())
}

/// What the client layer writes into a `Security` header.
#[derive(Debug)]
pub(crate) struct Outgoing<'a> {
    /// `mustUnderstand` on the header, with the envelope's namespace.
    pub envelope_ns: &'a str,
    /// `wsu:Timestamp` Created and Expires, formatted.
    pub timestamp: Option<(String, String)>,
    /// Username, password element (type URI and text), nonce (base64), created.
    pub token: Option<OutgoingToken<'a>>,
}

#[derive(Debug)]
pub(crate) struct OutgoingToken<'a> {
    pub username: &'a str,
    pub password_type: &'static str,
    pub password: String,
    pub nonce: Option<String>,
    pub created: Option<String>,
}

impl Outgoing<'_> {
    /// The header block's XML: `wsse`/`wsu` declared on it, `mustUnderstand="1"`
    /// (both SOAP versions take `1`), the Timestamp first as WCF orders it.
    pub(crate) fn to_xml(&self) -> wws_core::Result<String> {
        let mut x = format!(
            "<wsse:Security xmlns:wsse=\"{}\" xmlns:wsu=\"{}\" xmlns:soapenv=\"{}\" soapenv:mustUnderstand=\"1\">",
            ns::WSSE,
            ns::WSU,
            escape_attr(self.envelope_ns)?
        );
        if let Some((created, expires)) = &self.timestamp {
            x.push_str(&format!(
                "<wsu:Timestamp wsu:Id=\"TS-1\"><wsu:Created>{created}</wsu:Created><wsu:Expires>{expires}</wsu:Expires></wsu:Timestamp>"
            ));
        }
        if let Some(t) = &self.token {
            x.push_str(&format!(
                "<wsse:UsernameToken wsu:Id=\"UsernameToken-1\"><wsse:Username>{}</wsse:Username><wsse:Password Type=\"{}\">{}</wsse:Password>",
                escape_text(t.username)?,
                t.password_type,
                escape_text(&t.password)?
            ));
            if let Some(nonce) = &t.nonce {
                x.push_str(&format!(
                    "<wsse:Nonce EncodingType=\"{}\">{nonce}</wsse:Nonce>",
                    ns::BASE64_BINARY
                ));
            }
            if let Some(created) = &t.created {
                x.push_str(&format!("<wsu:Created>{created}</wsu:Created>"));
            }
            x.push_str("</wsse:UsernameToken>");
        }
        x.push_str("</wsse:Security>");
        Ok(x)
    }
}
