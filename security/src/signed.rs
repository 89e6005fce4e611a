//! The host layer over [`dsig`](crate::dsig): verifies the X.509 signature
//! of every request of a [`ServiceHost`](wws_host::ServiceHost), insists
//! on what a policy says must be signed, and hands the signer to the
//! operation.

use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use rustls_pki_types::CertificateDer;
use webpki::EndEntityCert;
use wws_core::message::is_targeted;
use wws_core::{AddressingVersion, Error, Message, QName, SecurityCheck};
use wws_host::{HostLayer, Rejection, RequestInfo};
use wws_proxy::{CallInfo, ProxyLayer};

use crate::dsig;
use crate::faults::SecurityFault;
use crate::header::read_security_header;
use crate::host::{Principal, Window};
use crate::replay::{ReplayCache, Seen};
use crate::time;
use crate::{Clock, DEFAULT_REPLAY_CAPACITY, ns};

/// Who signed a request: in the operation's
/// [`OperationContext::extension`](wws_host::OperationContext::extension),
/// and what the principal mapping sees.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct VerifiedSigner {
    /// The signer's certificate (DER), verified up to a trust anchor.
    pub certificate: Vec<u8>,
    /// The first common name (`CN`) of the certificate's subject, if any.
    pub common_name: Option<String>,
}

type MapPrincipal = dyn Fn(&VerifiedSigner) -> Option<Principal> + Send + Sync;

/// A [`HostLayer`] that verifies the XML Signature of each request's
/// `wsse:Security` header ([`dsig::verify_envelope`]) against a trust store.
///
/// Installed on a host, it understands `wsse:Security`, asks for the
/// request's bytes as they arrived ([`HostLayer::wants_envelope`]), and
/// refuses the request with a WSS fault unless:
///
/// - there is exactly one `Security` header in the envelope, targeted at
///   this node, with a signature that verifies, by a certificate one of
///   the trust anchors vouches for directly (no intermediate certificates
///   are looked for; faults as [`dsig::verify_envelope`] gives them);
/// - the signature covers the envelope's `Body` at its place (not a copy
///   moved elsewhere: the signature-wrapping defence), else
///   `wsse:InvalidSecurity`;
/// - when [a timestamp is required](Self::require_timestamp) (the
///   default), the header has a `wsu:Timestamp`, the signature covers it,
///   it is inside the freshness window (`wsu:MessageExpired` otherwise),
///   and the same signature value was not seen before inside the window
///   (a replay: `wsse:FailedAuthentication`; see
///   [`detect_replays`](Self::detect_replays));
/// - in a message with WS-Addressing, each addressing header is signed at
///   its place and appears once ([`require_signed_addressing`](Self::require_signed_addressing));
/// - the [principal mapping](Self::principal) knows the signer
///   (`wsse:FailedAuthentication` otherwise).
///
/// On success the operation finds the [`VerifiedSigner`] and the
/// [`Principal`] with `ctx.extension::<…>()`. The `Security` header stays
/// on the request, so a [`UsernameTokenValidator`](crate::UsernameTokenValidator)
/// installed after this layer reads its token too (and accepts the
/// signature in it as verified); its principal then replaces this one.
pub struct SignatureValidator {
    anchors: Vec<Vec<u8>>,
    principal: Box<MapPrincipal>,
    require_timestamp: bool,
    require_signed_addressing: bool,
    detect_replays: bool,
    options: dsig::VerifyOptions,
    freshness: Duration,
    clock_skew: Duration,
    clock: Clock,
    replay: Mutex<ReplayCache>,
    understands: [QName; 1],
}

impl fmt::Debug for SignatureValidator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SignatureValidator")
            .field("anchors", &self.anchors.len())
            .field("require_timestamp", &self.require_timestamp)
            .field("freshness", &self.freshness)
            .field("clock_skew", &self.clock_skew)
            .finish_non_exhaustive()
    }
}

impl SignatureValidator {
    /// A validator trusting signers whose certificates chain up to one of
    /// `trust_anchors` (DER certificates): a signed timestamp required,
    /// freshness and clock skew 5 minutes each (WCF's defaults), replays of
    /// a signature refused, and each signer the principal named by its
    /// subject's common name (a certificate without one is refused).
    pub fn new(trust_anchors: impl IntoIterator<Item = Vec<u8>>) -> Self {
        SignatureValidator {
            anchors: trust_anchors.into_iter().collect(),
            principal: Box::new(|s: &VerifiedSigner| s.common_name.clone().map(Principal::new)),
            require_timestamp: true,
            require_signed_addressing: true,
            detect_replays: true,
            options: dsig::VerifyOptions::default(),
            freshness: Duration::from_secs(300),
            clock_skew: Duration::from_secs(300),
            clock: Arc::new(SystemTime::now),
            replay: Mutex::new(ReplayCache::new(DEFAULT_REPLAY_CAPACITY)),
            understands: [QName::new(ns::WSSE, "Security")],
        }
    }

    /// Maps a verified signer to the principal the operation sees; `None`
    /// refuses the request with `wsse:FailedAuthentication` (a certificate
    /// the trust store vouches for but the application does not know).
    pub fn principal(
        mut self,
        map: impl Fn(&VerifiedSigner) -> Option<Principal> + Send + Sync + 'static,
    ) -> Self {
        self.principal = Box::new(map);
        self
    }

    /// Whether a signed, fresh `wsu:Timestamp` is required (default true).
    /// Without one nothing bounds how long a signed request can be
    /// replayed: turn it off only for peers that cannot send one.
    pub fn require_timestamp(mut self, required: bool) -> Self {
        self.require_timestamp = required;
        self
    }

    /// Whether each WS-Addressing header of a message in WS-Addressing
    /// (Action, To, MessageID, RelatesTo, ReplyTo, FaultTo, where present)
    /// must be signed at its place and appear once (default true: a
    /// changed `To` or a swapped `RelatesTo` would otherwise pass). Off for
    /// peers that sign only Body and Timestamp while sending addressing.
    pub fn require_signed_addressing(mut self, required: bool) -> Self {
        self.require_signed_addressing = required;
        self
    }

    /// How old a timestamp's `Created` may be (besides the skew).
    pub fn freshness(mut self, window: Duration) -> Self {
        self.freshness = window;
        self
    }

    /// How far the sender's clock may be off ours, either way.
    pub fn clock_skew(mut self, skew: Duration) -> Self {
        self.clock_skew = skew;
        self
    }

    /// Certificates (DER) a signer may name by thumbprint instead of
    /// sending its own (`wsse:KeyIdentifier` `ThumbprintSHA1`); they are
    /// still verified up to the trust anchors. An unknown thumbprint is
    /// `wsse:SecurityTokenUnavailable`.
    pub fn known_certificates(mut self, certificates: impl IntoIterator<Item = Vec<u8>>) -> Self {
        self.options = std::mem::take(&mut self.options).known_certificates(certificates);
        self
    }

    /// Whether RSA-SHA1 signatures and SHA-1 digests are accepted (default
    /// false: `wsse:UnsupportedAlgorithm`). zeep and other XML Signature 1.0
    /// stacks sign so by default; see [`dsig::VerifyOptions::allow_sha1`]
    /// for the risk.
    pub fn allow_sha1(mut self, allowed: bool) -> Self {
        self.options = std::mem::take(&mut self.options).allow_sha1(allowed);
        self
    }

    /// Whether a signature value seen before inside the freshness window is
    /// refused (default true, as WCF's replay detection). A client whose
    /// timestamps have one-second resolution (node-soap) and that sends the
    /// same request twice within a second sends the same signature: it is
    /// refused as a replay unless this is off.
    pub fn detect_replays(mut self, detect: bool) -> Self {
        self.detect_replays = detect;
        self
    }

    /// Remembers at most `capacity` signature values (see [`crate::replay`]).
    pub fn replay_capacity(self, capacity: usize) -> Self {
        *self.replay.lock().unwrap_or_else(PoisonError::into_inner) = ReplayCache::new(capacity);
        self
    }

    /// Reads the time from `clock` instead of the system clock.
    pub fn clock(mut self, clock: impl Fn() -> SystemTime + Send + Sync + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// Checks the signature of `request`, whose envelope arrived as
    /// `envelope`: the signer and its principal, or the fault to answer.
    /// What [`HostLayer::on_request`] runs; public for tests and for hosts
    /// of other kinds.
    pub fn validate(
        &self,
        request: &Message,
        envelope: &[u8],
    ) -> Result<(VerifiedSigner, Principal), SecurityFault> {
        self.validate_with(request, envelope, &self.options)
    }

    fn validate_with(
        &self,
        request: &Message,
        envelope: &[u8],
        options: &dsig::VerifyOptions,
    ) -> Result<(VerifiedSigner, Principal), SecurityFault> {
        let now = (self.clock)();
        // One Security header in the whole envelope, whatever its role: the
        // signature, the Timestamp this layer reads and the Timestamp it
        // was told is signed are then all in the same header (paths from
        // the root name elements, not positions among same-named siblings).
        let mut all = request
            .headers
            .iter()
            .filter(|h| h.name.namespace == ns::WSSE && h.name.local == "Security");
        let header = all.next().ok_or(SecurityFault::InvalidSecurity)?;
        if all.next().is_some() || !is_targeted(request.envelope, header.role.as_deref()) {
            return Err(SecurityFault::InvalidSecurity);
        }
        let read = read_security_header(&header.xml)?;
        if !read.signature {
            return Err(SecurityFault::InvalidSecurity);
        }
        let env_ns = request.envelope.namespace();
        let verified = dsig::verify_envelope_with(envelope, env_ns, &self.anchors, now, options)?;
        if !verified.covers(&[(env_ns, "Envelope"), (env_ns, "Body")]) {
            return Err(SecurityFault::InvalidSecurity);
        }
        if self.require_signed_addressing {
            check_addressing_signed(request, &verified)?;
        }
        let window = Window::new(time::millis(now), self.freshness, self.clock_skew);
        let mut replay_key = None;
        if self.require_timestamp {
            let ts = read.timestamp.ok_or(SecurityFault::InvalidSecurity)?;
            let at = [
                (env_ns, "Envelope"),
                (env_ns, "Header"),
                (ns::WSSE, "Security"),
                (ns::WSU, "Timestamp"),
            ];
            if !verified.covers(&at) {
                return Err(SecurityFault::InvalidSecurity);
            }
            window.check(&ts)?;
            replay_key = Some(ts.created.ok_or(SecurityFault::InvalidSecurity)?);
        } else if let Some(ts) = &read.timestamp {
            window.check(ts)?;
        }
        let signer = VerifiedSigner {
            common_name: common_name(&verified.certificate),
            certificate: verified.certificate,
        };
        let principal = (self.principal)(&signer).ok_or(SecurityFault::FailedAuthentication)?;
        // Recorded last: only a signer the application accepts fills the cache.
        if let (Some(created), true) = (replay_key, self.detect_replays) {
            let seen = self
                .replay
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .check_and_insert(&verified.value, created, window.oldest);
            match seen {
                Seen::Fresh => {}
                Seen::Replayed => return Err(SecurityFault::FailedAuthentication),
                Seen::TooOld => return Err(SecurityFault::MessageExpired),
            }
        }
        Ok((signer, principal))
    }
}

/// `InvalidSecurity` unless each WS-Addressing header of `message` is
/// signed at its place and appears once (a repeated one is kept among the
/// plain headers by the reader: its twin could be the signed one).
fn check_addressing_signed(
    message: &Message,
    verified: &dsig::Verified,
) -> Result<(), SecurityFault> {
    let wsa = match message.addressing {
        AddressingVersion::Transport => return Ok(()),
        AddressingVersion::WsAddressing10 => wws_core::ns::WSA10,
        AddressingVersion::WsAddressing200408 => wws_core::ns::WSA200408,
    };
    let env_ns = message.envelope.namespace();
    let present = [
        ("Action", message.action.is_some()),
        ("To", message.to.is_some()),
        ("MessageID", message.message_id.is_some()),
        ("RelatesTo", message.relates_to.is_some()),
        ("ReplyTo", message.reply_to.is_some()),
        ("FaultTo", message.fault_to.is_some()),
    ];
    for (name, is_there) in present {
        let twin = message.headers.iter().any(|h| {
            h.name.local == name
                && (h.name.namespace == wws_core::ns::WSA10
                    || h.name.namespace == wws_core::ns::WSA200408)
        });
        if twin {
            return Err(SecurityFault::InvalidSecurity);
        }
        if is_there && !verified.covers(&[(env_ns, "Envelope"), (env_ns, "Header"), (wsa, name)]) {
            return Err(SecurityFault::InvalidSecurity);
        }
    }
    Ok(())
}

impl HostLayer for SignatureValidator {
    fn understands(&self) -> &[QName] {
        &self.understands
    }

    fn wants_envelope(&self) -> bool {
        true
    }

    fn on_request(&self, info: &RequestInfo<'_>, request: &mut Message) -> Result<(), Rejection> {
        let checked = match info.envelope {
            Some(envelope) => self.validate(request, envelope),
            None => {
                // A host that ignores `wants_envelope`: nothing can be verified.
                tracing::warn!("no envelope bytes for the signature layer; refused");
                Err(SecurityFault::InvalidSecurity)
            }
        };
        match checked {
            Ok((signer, principal)) => {
                tracing::debug!(principal = %principal.name, "authenticated by X.509 signature");
                info.insert_extension(signer);
                info.insert_extension(principal);
                Ok(())
            }
            Err(fault) => {
                tracing::debug!(%fault, "signed request refused");
                Err(Rejection::fault(fault.to_fault(request.envelope)))
            }
        }
    }
}

/// On a [`ServiceProxy`](wws_proxy::ServiceProxy), the validator checks
/// each reply as it checks requests on a host: a reply whose signature,
/// timestamp or signer does not pass fails the call with
/// [`Error::SecurityVerificationFailure`] (check
/// [`SecurityCheck::MessageSecurity`], the WSS fault as its source). A
/// SOAP fault reply fails the call before any layer sees it.
impl ProxyLayer for SignatureValidator {
    fn understands(&self) -> &[QName] {
        &self.understands
    }

    fn on_reply(&self, call: &CallInfo, reply: &mut Message) -> wws_core::Result<()> {
        let checked = match &call.reply_envelope {
            // A reply is signed by a server: its certificate's usage is server authentication.
            Some(envelope) => self.validate_with(
                reply,
                envelope,
                &self.options.clone().signed_by_server(true),
            ),
            None => Err(SecurityFault::InvalidSecurity),
        };
        match checked {
            Ok((signer, principal)) => {
                tracing::debug!(principal = %principal.name, call = %call.id, "reply signature verified");
                let _ = signer;
                Ok(())
            }
            Err(fault) => Err(Error::SecurityVerificationFailure {
                url: call.url.clone(),
                check: SecurityCheck::MessageSecurity,
                source: Some(Box::new(fault)),
            }),
        }
    }
}

/// The first `CN` of the subject of `der`, if the certificate parses and
/// has one in a string type.
pub fn common_name(der: &[u8]) -> Option<String> {
    let der = CertificateDer::from(der);
    let cert = EndEntityCert::try_from(&der).ok()?;
    // The subject is the contents of a Name: RDN SETs of
    // AttributeTypeAndValue SEQUENCEs (RFC 5280 §4.1.2.4).
    let mut rdns = Der(cert.subject());
    while let Some((0x31, set)) = rdns.next() {
        let mut attributes = Der(set);
        while let Some((0x30, pair)) = attributes.next() {
            let mut pair = Der(pair);
            let (Some((0x06, oid)), Some((tag, value))) = (pair.next(), pair.next()) else {
                return None;
            };
            // 2.5.4.3, id-at-commonName.
            if oid == [0x55, 0x04, 0x03] {
                return match tag {
                    // UTF8String, PrintableString, IA5String (T61String is not guessed at).
                    0x0c | 0x13 | 0x16 => std::str::from_utf8(value).ok().map(str::to_owned),
                    // BMPString: UTF-16BE.
                    0x1e if value.len() % 2 == 0 => {
                        let units = value.chunks(2).map(|c| u16::from_be_bytes([c[0], c[1]]));
                        char::decode_utf16(units)
                            .collect::<Result<String, _>>()
                            .ok()
                    }
                    _ => None,
                };
            }
        }
    }
    None
}

/// A reader of DER TLVs (short tags only, as a Name has), over bytes
/// webpki already parsed; stops at anything malformed.
pub(crate) struct Der<'a>(pub(crate) &'a [u8]);

impl<'a> Iterator for Der<'a> {
    type Item = (u8, &'a [u8]);

    fn next(&mut self) -> Option<Self::Item> {
        let (&tag, rest) = self.0.split_first()?;
        let (&first, rest) = rest.split_first()?;
        let (len, rest) = if first < 0x80 {
            (usize::from(first), rest)
        } else {
            let n = usize::from(first & 0x7f);
            if n == 0 || n > 4 || rest.len() < n {
                self.0 = &[];
                return None;
            }
            let len = rest[..n]
                .iter()
                .fold(0usize, |acc, b| (acc << 8) | usize::from(*b));
            (len, &rest[n..])
        };
        if rest.len() < len {
            self.0 = &[];
            return None;
        }
        let (value, rest) = rest.split_at(len);
        self.0 = rest;
        Some((tag, value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn der_stops_at_truncated_or_oversized_lengths() {
        assert_eq!(Der(&[0x30, 0x02, 1]).next(), None);
        assert_eq!(Der(&[0x30, 0x85, 1, 1, 1, 1, 1]).next(), None);
        assert_eq!(
            Der(&[0x30, 0x81, 0x01, 7]).collect::<Vec<_>>(),
            vec![(0x30, &[7u8][..])]
        );
        assert_eq!(Der(&[]).next(), None);
    }
}
