//! The faults of SOAP Message Security 1.1 §12 and §10 (`wsu:MessageExpired`).
//!
//! In SOAP 1.1 the WSS code is the `faultcode` itself; in SOAP 1.2 it is a
//! subcode of `env:Sender` (§12: "the faultcode is a subcode of Sender").
//! Reasons are the specification's fixed texts and say nothing about which
//! part of the token was wrong.

use wws_core::{EnvelopeVersion, Fault, FaultCode, QName};

use crate::ns;

/// Why the host layer refused a request: one of the fault codes WSS defines.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SecurityFault {
    /// `wsse:UnsupportedSecurityToken`: a token this layer does not process.
    UnsupportedSecurityToken,
    /// `wsse:InvalidSecurity`: the `Security` header is missing or malformed.
    InvalidSecurity,
    /// `wsse:InvalidSecurityToken`: the `UsernameToken` is malformed.
    InvalidSecurityToken,
    /// `wsse:FailedAuthentication`: unknown user, wrong password or a replayed nonce.
    FailedAuthentication,
    /// `wsu:MessageExpired`: the timestamp or the token's `Created` is outside the freshness window.
    MessageExpired,
    /// `wsse:UnsupportedAlgorithm`: a signature or digest algorithm this layer does not accept.
    UnsupportedAlgorithm,
    /// `wsse:FailedCheck`: a signature or a digest does not verify.
    FailedCheck,
    /// `wsse:SecurityTokenUnavailable`: a referenced token (a certificate
    /// named by its thumbprint) could not be found.
    SecurityTokenUnavailable,
}

impl SecurityFault {
    /// The fault code's qualified name.
    pub fn code(self) -> QName {
        let (namespace, local) = match self {
            SecurityFault::UnsupportedSecurityToken => (ns::WSSE, "UnsupportedSecurityToken"),
            SecurityFault::InvalidSecurity => (ns::WSSE, "InvalidSecurity"),
            SecurityFault::InvalidSecurityToken => (ns::WSSE, "InvalidSecurityToken"),
            SecurityFault::FailedAuthentication => (ns::WSSE, "FailedAuthentication"),
            SecurityFault::MessageExpired => (ns::WSU, "MessageExpired"),
            SecurityFault::UnsupportedAlgorithm => (ns::WSSE, "UnsupportedAlgorithm"),
            SecurityFault::FailedCheck => (ns::WSSE, "FailedCheck"),
            SecurityFault::SecurityTokenUnavailable => (ns::WSSE, "SecurityTokenUnavailable"),
        };
        QName::new(namespace, local)
    }

    /// The specification's fault string.
    pub fn reason(self) -> &'static str {
        match self {
            SecurityFault::UnsupportedSecurityToken => "An unsupported token was provided",
            SecurityFault::InvalidSecurity => {
                "An error was discovered processing the <wsse:Security> header"
            }
            SecurityFault::InvalidSecurityToken => "An invalid security token was provided",
            SecurityFault::FailedAuthentication => {
                "The security token could not be authenticated or authorized"
            }
            SecurityFault::MessageExpired => "The message has expired",
            SecurityFault::UnsupportedAlgorithm => {
                "An unsupported signature or encryption algorithm was used"
            }
            SecurityFault::FailedCheck => "The signature or decryption was invalid",
            SecurityFault::SecurityTokenUnavailable => {
                "Referenced security token could not be retrieved"
            }
        }
    }

    /// The SOAP fault in `envelope`'s form.
    pub fn to_fault(self, envelope: EnvelopeVersion) -> Fault {
        match envelope {
            EnvelopeVersion::Soap11 => Fault::new(FaultCode::Other(self.code()), self.reason()),
            EnvelopeVersion::Soap12 => Fault::sender(self.reason()).with_subcode(self.code()),
        }
    }

    /// The WSS fault `fault` carries, if any (for clients and tests).
    pub fn of(fault: &Fault) -> Option<SecurityFault> {
        let code = match &fault.code {
            FaultCode::Other(q) => Some(q),
            _ => fault.subcodes.first(),
        }?;
        [
            SecurityFault::UnsupportedSecurityToken,
            SecurityFault::InvalidSecurity,
            SecurityFault::InvalidSecurityToken,
            SecurityFault::FailedAuthentication,
            SecurityFault::MessageExpired,
            SecurityFault::UnsupportedAlgorithm,
            SecurityFault::FailedCheck,
            SecurityFault::SecurityTokenUnavailable,
        ]
        .into_iter()
        .find(|f| f.code() == *code)
    }
}

impl std::fmt::Display for SecurityFault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code().local, self.reason())
    }
}

impl std::error::Error for SecurityFault {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn soap11_code_is_the_faultcode_and_soap12_a_sender_subcode() {
        for f in [
            SecurityFault::FailedAuthentication,
            SecurityFault::MessageExpired,
            SecurityFault::InvalidSecurity,
            SecurityFault::UnsupportedAlgorithm,
            SecurityFault::FailedCheck,
        ] {
            let f11 = f.to_fault(EnvelopeVersion::Soap11);
            assert_eq!(f11.code, FaultCode::Other(f.code()));
            let f12 = f.to_fault(EnvelopeVersion::Soap12);
            assert_eq!(f12.code, FaultCode::Sender);
            assert_eq!(f12.subcodes, vec![f.code()]);
            assert_eq!(SecurityFault::of(&f11), Some(f));
            assert_eq!(SecurityFault::of(&f12), Some(f));
            // The code's prefix is declared: the fault reads back the same.
            for (v, fault) in [
                (EnvelopeVersion::Soap11, &f11),
                (EnvelopeVersion::Soap12, &f12),
            ] {
                let xml = fault.to_xml(v).expect("write");
                assert_eq!(&Fault::read(&xml).expect("read"), fault, "{v:?}");
            }
        }
    }
}
