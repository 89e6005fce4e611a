//! The namespaces and URIs of OASIS WSS 1.0/1.1 that UsernameToken and Timestamp use.

/// `wsse`: the SOAP Message Security 1.0 extension namespace (also used by WSS 1.1).
pub const WSSE: &str =
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd";
/// `wsu`: the utility namespace (`Timestamp`, `Created`, `Expires`, `Id`).
pub const WSU: &str =
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd";
/// The `Type` of a clear-text `wsse:Password` (also the default when none is given).
pub const PASSWORD_TEXT: &str = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordText";
/// The `Type` of a `wsse:Password` holding Base64(SHA-1(nonce + created + password)).
pub const PASSWORD_DIGEST: &str = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordDigest";
/// The `EncodingType` of a base64 `wsse:Nonce` (the default when none is given).
pub const BASE64_BINARY: &str = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary";
