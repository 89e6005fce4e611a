//! Sans-I/O core of the wws SOAP stack.
//!
//! Errors with WWSAPI's HRESULTs, the state machines of every object, SOAP
//! 1.1/1.2 messages with WS-Addressing, faults, typed bodies with the XSD
//! data binding ([`xsd`], `#[derive(XmlType, BodyElement)]`), typed
//! operations ([`operation`], [`operations!`]) that clients and services share, reader quotas
//! and the cancellation primitives the other layers share. Nothing here does
//! I/O or reads a clock.
//!
//! ```
//! use wws_core::{AddressingVersion, EnvelopeVersion, Fault, Message, ReaderQuotas};
//!
//! wws_core::body_element! {
//!     #[namespace = "http://example.org/wws/calculator"]
//!     /// `Add` request: `a + b`.
//!     #[derive(Debug, PartialEq)]
//!     pub struct Add {
//!         /// First addend.
//!         pub a: f64,
//!         /// Second addend.
//!         pub b: f64,
//!     }
//! }
//! wws_core::body_element! {
//!     #[namespace = "http://example.org/wws/calculator"]
//!     /// `Echo` request.
//!     #[derive(Debug, PartialEq)]
//!     pub struct Echo {
//!         /// The text to echo.
//!         pub text: String,
//!     }
//! }
//! const ADD_ACTION: &str = "http://example.org/wws/calculator/Add";
//! const ECHO_ACTION: &str = "http://example.org/wws/calculator/Echo";
//!
//! // A typed request, written as a SOAP 1.2 envelope with WS-Addressing 1.0 …
//! let request = Message::from_body(
//!     EnvelopeVersion::Soap12,
//!     AddressingVersion::WsAddressing10,
//!     ADD_ACTION,
//!     &Add { a: 1.5, b: 2.25 },
//! )?;
//! let wire = request.to_bytes()?;
//!
//! // … read back under the default quotas (4 MiB, depth 32, 128 attributes, 64 headers).
//! let read = Message::read(&wire, &ReaderQuotas::default())?;
//! assert_eq!(read.action.as_deref(), Some(ADD_ACTION));
//! assert_eq!(read.read_body::<Add>()?, Add { a: 1.5, b: 2.25 });
//!
//! // Faults travel in either SOAP version with one model.
//! let fault = Message::from_fault(
//!     EnvelopeVersion::Soap11,
//!     AddressingVersion::Transport,
//!     &Fault::sender("division by zero"),
//! )?;
//! let fault = Message::read(&fault.to_bytes()?, &ReaderQuotas::default())?.fault()?;
//! assert_eq!(fault.map(|f| f.reason_text().to_owned()).as_deref(), Some("division by zero"));
//!
//! // Hostile input is an error, never a panic; so is a character XML 1.0
//! // forbids, on read and on write alike.
//! assert!(Message::read(b"<!DOCTYPE x [<!ENTITY a 'a'>]><x/>", &ReaderQuotas::default()).is_err());
//! assert!(Message::read(b"<x>&#x1;</x>", &ReaderQuotas::default()).is_err());
//! let nul = Echo { text: "a\0b".into() };
//! assert!(Message::from_body(EnvelopeVersion::Soap11, AddressingVersion::Transport, ECHO_ACTION, &nul).is_err());
//! # Ok::<(), wws_core::Error>(())
//! ```

// Lets the derive's `::wws_core::…` paths work inside this crate too.
extern crate self as wws_core;

pub mod body;
pub mod cancel;
mod envelope_read;
mod envelope_write;
pub mod error;
pub mod fault;
pub mod message;
pub mod operation;
pub mod properties;
pub mod state;
pub mod xml;
pub mod xsd;

/// Re-export of `bytes`, used by [`body_element!`] expansions.
pub use bytes;

pub use body::BodyElement;
pub use cancel::{AbortSignal, CallId, CallIdGenerator};
pub use error::{Error, Result, SecurityCheck};
pub use fault::{Fault, FaultCode, FaultReason};
pub use message::{AddressingVersion, ElementIds, EnvelopeVersion, Header, Message, QName};
pub use operation::{FromHeaders, NoFault, Operation, ServiceFault};
pub use properties::ReaderQuotas;
/// Derives [`BodyElement`] for an [`XmlType`] given `#[xml(namespace, name)]`; see [`xsd`].
pub use wws_derive::BodyElement;
/// Derives [`XmlType`](trait@XmlType) (and [`xsd::ComplexType`] or [`xsd::SimpleType`]) for a struct or enum; see [`xsd`].
pub use wws_derive::XmlType;
pub use xsd::XmlType;

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
    /// WS-Security utility (`wsu:Id` of [`ElementIds`](crate::ElementIds)).
    pub const WSU: &str =
        "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd";
}
