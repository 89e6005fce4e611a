//! SOAP faults, one model for SOAP 1.1 and 1.2.

use bytes::Bytes;

use crate::message::QName;

/// The top-level fault code, named as SOAP 1.2 names them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FaultCode {
    /// `VersionMismatch` (both versions).
    VersionMismatch,
    /// `MustUnderstand` (both versions).
    MustUnderstand,
    /// SOAP 1.2 `DataEncodingUnknown`.
    DataEncodingUnknown,
    /// SOAP 1.2 `Sender`, SOAP 1.1 `Client`.
    Sender,
    /// SOAP 1.2 `Receiver`, SOAP 1.1 `Server`.
    Receiver,
    /// Any other code (SOAP 1.1 allows application codes).
    Other(QName),
}

/// A human-readable fault reason in one language.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FaultReason {
    /// The text.
    pub text: String,
    /// Its `xml:lang` (SOAP 1.2 requires one; "en" when the peer gave none).
    pub lang: String,
}

/// A SOAP fault.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fault {
    /// The top-level code.
    pub code: FaultCode,
    /// Subcodes, outermost first (SOAP 1.2 `Subcode`; SOAP 1.1 dotted code suffixes).
    pub subcodes: Vec<QName>,
    /// Reasons, at least one.
    pub reasons: Vec<FaultReason>,
    /// SOAP 1.1 `faultactor` / SOAP 1.2 `Role`.
    pub actor: Option<String>,
    /// SOAP 1.2 `Node`.
    pub node: Option<String>,
    /// The content of `detail`/`Detail` as standalone XML.
    pub detail: Option<Bytes>,
}

impl std::fmt::Display for Fault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let code = match &self.code {
            FaultCode::VersionMismatch => "VersionMismatch".to_string(),
            FaultCode::MustUnderstand => "MustUnderstand".to_string(),
            FaultCode::DataEncodingUnknown => "DataEncodingUnknown".to_string(),
            FaultCode::Sender => "Sender".to_string(),
            FaultCode::Receiver => "Receiver".to_string(),
            FaultCode::Other(q) => q.to_string(),
        };
        let reason = self.reasons.first().map(|r| r.text.as_str()).unwrap_or("");
        write!(f, "{code}: {reason}")
    }
}

impl std::error::Error for Fault {}
