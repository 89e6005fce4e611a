//! Sans-I/O core of the wws SOAP stack.
//!
//! Errors with WWSAPI's HRESULTs, the state machines of every object, SOAP
//! 1.1/1.2 messages with WS-Addressing, faults, typed bodies, reader quotas
//! and the cancellation primitives the other layers share. Nothing here does
//! I/O or reads a clock.

pub mod body;
pub mod calculator;
pub mod cancel;
mod envelope_read;
mod envelope_write;
pub mod error;
pub mod fault;
pub mod message;
pub mod properties;
pub mod state;
pub mod xml;

/// Re-export of `bytes`, used by [`body_element!`] expansions.
pub use bytes;

pub use body::{BodyElement, BodyField, XmlValue};
pub use cancel::{AbortSignal, CallId, CallIdGenerator};
pub use error::{Error, Result};
pub use fault::{Fault, FaultCode, FaultReason};
pub use message::{AddressingVersion, EnvelopeVersion, Header, Message, QName};
pub use properties::{
    ChannelProperties, FaultDisclosure, ListenerProperties, ProxyProperties, ReaderQuotas,
    ServiceHostProperties,
};

/// Namespace URIs.
pub mod ns {
    /// SOAP 1.1 envelope.
    pub const SOAP11: &str = "http://schemas.xmlsoap.org/soap/envelope/";
    /// SOAP 1.2 envelope.
    pub const SOAP12: &str = "http://www.w3.org/2003/05/soap-envelope";
    /// WS-Addressing 1.0.
    pub const WSA10: &str = "http://www.w3.org/2005/08/addressing";
    /// WS-Addressing 2004/08.
    pub const WSA200408: &str = "http://schemas.xmlsoap.org/ws/2004/08/addressing";
    /// The `xml:` prefix namespace.
    pub const XML: &str = "http://www.w3.org/XML/1998/namespace";
    /// XML Schema instance.
    pub const XSI: &str = "http://www.w3.org/2001/XMLSchema-instance";
    /// SOAP 1.2 role `next`.
    pub const ROLE_NEXT: &str = "http://www.w3.org/2003/05/soap-envelope/role/next";
    /// SOAP 1.2 role `none`.
    pub const ROLE_NONE: &str = "http://www.w3.org/2003/05/soap-envelope/role/none";
    /// SOAP 1.2 role `ultimateReceiver`.
    pub const ROLE_ULTIMATE_RECEIVER: &str =
        "http://www.w3.org/2003/05/soap-envelope/role/ultimateReceiver";
    /// SOAP 1.1 actor `next`.
    pub const ACTOR_NEXT_11: &str = "http://schemas.xmlsoap.org/soap/actor/next";
}
