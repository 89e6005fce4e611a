//! The stack's one error type, with WWSAPI's HRESULT for each variant.

use std::time::Duration;

use crate::fault::Fault;

/// Result alias used across the stack.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Boxed source error carried by transport variants.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Every error the stack produces; each maps to one WWSAPI `WS_E_*` code.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The operation was aborted (`WS_E_OPERATION_ABORTED`).
    #[error("{object}: operation aborted")]
    Aborted {
        /// The object whose abort ended the operation (e.g. "Channel").
        object: &'static str,
    },
    /// The call was abandoned by `abandon_call` or by dropping it (`WS_E_OPERATION_ABANDONED`).
    #[error("call {call_id} abandoned")]
    Abandoned {
        /// The id of the abandoned call.
        call_id: u64,
    },
    /// A timeout expired (`WS_E_OPERATION_TIMED_OUT`).
    #[error("{what} timed out after {after:?}")]
    TimedOut {
        /// What timed out (e.g. "call", "connect", "receive").
        what: &'static str,
        /// The limit that expired.
        after: Duration,
    },
    /// The operation is not allowed in the object's current state (`WS_E_INVALID_OPERATION`).
    #[error("{object}: {operation} is not allowed in state {state}")]
    InvalidOperation {
        /// The object (e.g. "ServiceProxy").
        object: &'static str,
        /// The state it was in.
        state: &'static str,
        /// The operation attempted.
        operation: &'static str,
    },
    /// The object is faulted and can only be aborted or closed (`WS_E_OBJECT_FAULTED`).
    #[error("{object} is faulted")]
    ObjectFaulted {
        /// The faulted object.
        object: &'static str,
    },
    /// A quota was exceeded (`WS_E_QUOTA_EXCEEDED`).
    #[error("quota exceeded: {quota} (limit {limit})")]
    QuotaExceeded {
        /// Which quota (e.g. "max message size").
        quota: &'static str,
        /// The limit in force.
        limit: u64,
    },
    /// Input was not well-formed or not valid for its use (`WS_E_INVALID_FORMAT`).
    #[error("invalid format: {0}")]
    InvalidFormat(String),
    /// The envelope's namespace is not a SOAP envelope version we speak; a
    /// receiver answers with a VersionMismatch fault (`WS_E_INVALID_FORMAT`).
    #[error("envelope version mismatch: {namespace:?}")]
    VersionMismatch {
        /// The namespace of the root element (empty when none).
        namespace: String,
    },
    /// The peer replied with a SOAP fault (`WS_E_ENDPOINT_FAULT_RECEIVED`).
    #[error("fault received: {0}")]
    FaultReceived(Box<Fault>),
    /// The endpoint does not exist, e.g. HTTP 404 (`WS_E_ENDPOINT_NOT_FOUND`).
    #[error("endpoint not found: {url}")]
    EndpointNotFound {
        /// The address that was not found.
        url: String,
    },
    /// The endpoint could not be reached, e.g. connection refused (`WS_E_ENDPOINT_UNREACHABLE`).
    #[error("endpoint unreachable: {url}")]
    EndpointUnreachable {
        /// The address that could not be reached.
        url: String,
        /// The transport error.
        #[source]
        source: Option<BoxError>,
    },
    /// The endpoint refused the caller's credentials or wants some: HTTP
    /// 401 or 403 (`WS_E_ENDPOINT_ACCESS_DENIED`).
    #[error("endpoint access denied: {url} (HTTP {status}{})", challenge.as_deref().map(|c| format!(", WWW-Authenticate: {c}")).unwrap_or_default())]
    EndpointAccessDenied {
        /// The address that refused.
        url: String,
        /// The HTTP status (401 or 403).
        status: u16,
        /// The `WWW-Authenticate` challenge of a 401, if any (e.g. `Basic realm="calculator"`).
        challenge: Option<String>,
    },
    /// The endpoint is too busy, e.g. HTTP 503 (`WS_E_ENDPOINT_TOO_BUSY`).
    #[error("endpoint too busy: {url}")]
    EndpointTooBusy {
        /// The busy address.
        url: String,
    },
    /// The connection was lost mid-exchange (`WS_E_ENDPOINT_DISCONNECTED`).
    #[error("endpoint disconnected: {detail}")]
    EndpointDisconnected {
        /// What was happening when the connection went away.
        detail: String,
        /// The transport error.
        #[source]
        source: Option<BoxError>,
    },
    /// The endpoint does not support the action (`WS_E_ENDPOINT_ACTION_NOT_SUPPORTED`).
    #[error("action not supported: {action}")]
    EndpointActionNotSupported {
        /// The unsupported action.
        action: String,
    },
    /// The address is already in use (`WS_E_ADDRESS_IN_USE`).
    #[error("address in use: {addr}")]
    AddressInUse {
        /// The address that could not be bound.
        addr: String,
        /// The bind error.
        #[source]
        source: Option<BoxError>,
    },
    /// A property value is out of its range (`E_INVALIDARG`, as WWSAPI
    /// answers a bad `WS_*_PROPERTY`).
    #[error("{object}: invalid {property}: {reason}")]
    InvalidProperty {
        /// The object being built (e.g. "Channel").
        object: &'static str,
        /// The property (e.g. "max_message_size").
        property: &'static str,
        /// Why the value is refused.
        reason: String,
    },
    /// Two endpoints of one host have the same path (`E_INVALIDARG`).
    #[error("an endpoint already has the path {path:?}")]
    DuplicateEndpoint {
        /// The path given twice.
        path: String,
    },
    /// Two operations of one contract cannot be told apart (`E_INVALIDARG`).
    #[error("two operations share the {what} {name:?}")]
    DuplicateOperation {
        /// What they share: "action" or "request element".
        what: &'static str,
        /// The action or the request element's name.
        name: String,
    },
    /// The peer's security could not be verified: a TLS certificate check
    /// failed, the peer refused ours, or a reply's WS-Security signature did
    /// not verify (`WS_E_SECURITY_VERIFICATION_FAILURE`).
    #[error("security verification failed for {url}: {check}")]
    SecurityVerificationFailure {
        /// The address whose peer failed the check.
        url: String,
        /// Which check failed.
        check: SecurityCheck,
        /// The TLS library's error, with its details (dates, names).
        #[source]
        source: Option<BoxError>,
    },
    /// The endpoint URL is not valid (`WS_E_INVALID_ENDPOINT_URL`).
    #[error("invalid endpoint url {url:?}: {reason}")]
    InvalidEndpointUrl {
        /// The rejected URL.
        url: String,
        /// Why it was rejected.
        reason: String,
    },
}

/// The check that failed in [`Error::SecurityVerificationFailure`].
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SecurityCheck {
    /// The peer's certificate has expired.
    Expired,
    /// The peer's certificate is not valid yet.
    NotYetValid,
    /// The peer's certificate is not valid for the name connected to.
    WrongName,
    /// The peer's certificate was not issued by a trusted root or a given CA.
    UnknownIssuer,
    /// The peer's certificate was revoked.
    Revoked,
    /// A signature in the peer's certificate chain is invalid or of an unsupported algorithm.
    BadSignature,
    /// The peer's certificate is not for this use (a client certificate presented by a server, say).
    WrongPurpose,
    /// The peer refused our certificate, or wanted one and got none.
    RefusedByPeer,
    /// The TLS handshake failed otherwise (no common version or cipher suite, a malformed certificate, ...).
    Handshake,
    /// A message's WS-Security (XML Signature, timestamp) did not verify: a
    /// signed reply that is not, or is no longer, what its signer sent.
    MessageSecurity,
}

impl SecurityCheck {
    /// What failed, in words.
    pub const fn as_str(self) -> &'static str {
        match self {
            SecurityCheck::Expired => "the certificate has expired",
            SecurityCheck::NotYetValid => "the certificate is not valid yet",
            SecurityCheck::WrongName => "the certificate is not valid for the host name",
            SecurityCheck::UnknownIssuer => {
                "the certificate's issuer is unknown (not a trusted root or a given CA)"
            }
            SecurityCheck::Revoked => "the certificate was revoked",
            SecurityCheck::BadSignature => "a signature in the certificate chain is not valid",
            SecurityCheck::WrongPurpose => "the certificate is not for this use",
            SecurityCheck::RefusedByPeer => "the peer refused our certificate (or wanted one)",
            SecurityCheck::Handshake => "the TLS handshake failed",
            SecurityCheck::MessageSecurity => "the message's WS-Security did not verify",
        }
    }
}

impl std::fmt::Display for SecurityCheck {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// WWSAPI HRESULT codes.
pub mod hresult {
    /// `WS_E_INVALID_FORMAT`
    pub const WS_E_INVALID_FORMAT: u32 = 0x803D_0000;
    /// `WS_E_OBJECT_FAULTED`
    pub const WS_E_OBJECT_FAULTED: u32 = 0x803D_0001;
    /// `WS_E_INVALID_OPERATION`
    pub const WS_E_INVALID_OPERATION: u32 = 0x803D_0003;
    /// `WS_E_OPERATION_ABORTED`
    pub const WS_E_OPERATION_ABORTED: u32 = 0x803D_0004;
    /// `WS_E_ENDPOINT_ACCESS_DENIED`
    pub const WS_E_ENDPOINT_ACCESS_DENIED: u32 = 0x803D_0005;
    /// `WS_E_OPERATION_TIMED_OUT`
    pub const WS_E_OPERATION_TIMED_OUT: u32 = 0x803D_0006;
    /// `WS_E_OPERATION_ABANDONED`
    pub const WS_E_OPERATION_ABANDONED: u32 = 0x803D_0007;
    /// `WS_E_QUOTA_EXCEEDED`
    pub const WS_E_QUOTA_EXCEEDED: u32 = 0x803D_0008;
    /// `WS_E_SECURITY_VERIFICATION_FAILURE`
    pub const WS_E_SECURITY_VERIFICATION_FAILURE: u32 = 0x803D_000A;
    /// `WS_E_ADDRESS_IN_USE`
    pub const WS_E_ADDRESS_IN_USE: u32 = 0x803D_000B;
    /// `WS_E_ENDPOINT_NOT_FOUND`
    pub const WS_E_ENDPOINT_NOT_FOUND: u32 = 0x803D_000D;
    /// `WS_E_ENDPOINT_UNREACHABLE`
    pub const WS_E_ENDPOINT_UNREACHABLE: u32 = 0x803D_0010;
    /// `WS_E_ENDPOINT_ACTION_NOT_SUPPORTED`
    pub const WS_E_ENDPOINT_ACTION_NOT_SUPPORTED: u32 = 0x803D_0011;
    /// `WS_E_ENDPOINT_TOO_BUSY`
    pub const WS_E_ENDPOINT_TOO_BUSY: u32 = 0x803D_0012;
    /// `WS_E_ENDPOINT_FAULT_RECEIVED`
    pub const WS_E_ENDPOINT_FAULT_RECEIVED: u32 = 0x803D_0013;
    /// `WS_E_ENDPOINT_DISCONNECTED`
    pub const WS_E_ENDPOINT_DISCONNECTED: u32 = 0x803D_0014;
    /// `WS_E_INVALID_ENDPOINT_URL`
    pub const WS_E_INVALID_ENDPOINT_URL: u32 = 0x803D_0020;
    /// `E_INVALIDARG`
    pub const E_INVALIDARG: u32 = 0x8007_0057;
}

impl Error {
    /// WWSAPI's HRESULT for this error.
    pub fn hresult(&self) -> u32 {
        use hresult::*;
        match self {
            Error::Aborted { .. } => WS_E_OPERATION_ABORTED,
            Error::Abandoned { .. } => WS_E_OPERATION_ABANDONED,
            Error::TimedOut { .. } => WS_E_OPERATION_TIMED_OUT,
            Error::InvalidOperation { .. } => WS_E_INVALID_OPERATION,
            Error::ObjectFaulted { .. } => WS_E_OBJECT_FAULTED,
            Error::QuotaExceeded { .. } => WS_E_QUOTA_EXCEEDED,
            Error::InvalidFormat(_) | Error::VersionMismatch { .. } => WS_E_INVALID_FORMAT,
            Error::FaultReceived(_) => WS_E_ENDPOINT_FAULT_RECEIVED,
            Error::EndpointNotFound { .. } => WS_E_ENDPOINT_NOT_FOUND,
            Error::EndpointUnreachable { .. } => WS_E_ENDPOINT_UNREACHABLE,
            Error::EndpointTooBusy { .. } => WS_E_ENDPOINT_TOO_BUSY,
            Error::EndpointAccessDenied { .. } => WS_E_ENDPOINT_ACCESS_DENIED,
            Error::EndpointDisconnected { .. } => WS_E_ENDPOINT_DISCONNECTED,
            Error::EndpointActionNotSupported { .. } => WS_E_ENDPOINT_ACTION_NOT_SUPPORTED,
            Error::AddressInUse { .. } => WS_E_ADDRESS_IN_USE,
            Error::InvalidEndpointUrl { .. } => WS_E_INVALID_ENDPOINT_URL,
            Error::SecurityVerificationFailure { .. } => WS_E_SECURITY_VERIFICATION_FAILURE,
            Error::InvalidProperty { .. }
            | Error::DuplicateEndpoint { .. }
            | Error::DuplicateOperation { .. } => E_INVALIDARG,
        }
    }

    /// True for the errors that cancellation produces: aborted, abandoned, timed out.
    pub fn is_cancellation(&self) -> bool {
        matches!(
            self,
            Error::Aborted { .. } | Error::Abandoned { .. } | Error::TimedOut { .. }
        )
    }

    /// The fault carried by [`Error::FaultReceived`], if this is one.
    pub fn fault(&self) -> Option<&Fault> {
        match self {
            Error::FaultReceived(f) => Some(f),
            _ => None,
        }
    }

    /// Shorthand for [`Error::InvalidFormat`].
    pub fn invalid_format(msg: impl Into<String>) -> Self {
        Error::InvalidFormat(msg.into())
    }
}
