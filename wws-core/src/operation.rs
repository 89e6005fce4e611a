//! Typed operations: one type per WSDL operation ties its action, reply
//! action, request, response and fault detail together, so a client cannot
//! send the wrong action or decode the wrong type, and a service cannot
//! answer with the wrong element.
//!
//! ```
//! use wws_core::operation::{Operation, ServiceFault};
//! use wws_core::{BodyElement, Error, Fault, XmlType};
//!
//! const NS: &str = "urn:example:calc";
//! #[derive(XmlType, BodyElement, Debug, PartialEq)]
//! #[xml(namespace = NS)]
//! pub struct Divide { pub a: f64, pub b: f64 }
//! #[derive(XmlType, BodyElement, Debug, PartialEq)]
//! #[xml(namespace = NS)]
//! pub struct DivideResponse { pub result: f64 }
//! #[derive(XmlType, BodyElement, Debug, PartialEq)]
//! #[xml(namespace = NS)]
//! pub struct DivideByZero { pub dividend: f64 }
//!
//! pub mod op {
//!     wws_core::operations! {
//!         namespace = super::NS, port_type = "CalcPortType";
//!         /// `Divide`: `a / b`, faulting with `DivideByZero`.
//!         pub Divide(super::Divide) -> super::DivideResponse {
//!             action: "urn:example:calc/Divide",
//!             fault: super::DivideByZero,
//!         }
//!     }
//! }
//!
//! # fn main() -> wws_core::Result<()> {
//! // WS-Addressing 1.0 Metadata §4.4.4 (the WSDL names no output action).
//! assert_eq!(op::Divide::reply_action(), "urn:example:calc:CalcPortType:DivideResponse");
//!
//! // A service answers with a typed fault; the client decodes its detail.
//! let detail = DivideByZero { dividend: 1.0 };
//! let fault = ServiceFault::with_detail(Fault::sender("division by zero"), detail).into_fault();
//! let error = Error::FaultReceived(Box::new(fault));
//! let detail = error.fault_detail::<DivideByZero>().expect("a detail")?;
//! assert_eq!(detail, DivideByZero { dividend: 1.0 });
//! # Ok(())
//! # }
//! ```
//!
//! # Actions
//!
//! [`Operation::ACTION`] is the request's action: the WSDL's `soapAction`
//! (or `wsam:Action` of the input), sent as the transport action and, with
//! WS-Addressing, as `wsa:Action`. Several operations may share one action
//! — CountryInfoService and NumberConversion give every operation
//! `soapAction=""` — and a host then tells them apart by their request
//! element. The reply's action is [`Operation::REPLY_ACTION`] when the WSDL
//! names one (`wsam:Action` on the output), else WS-Addressing 1.0
//! Metadata's default pattern (§4.4.4), `{namespace}/{portType}/{operation}Response`,
//! as WCF and JAX-WS RI send it. WS-Addressing needs a request action too:
//! an operation whose `ACTION` is empty sends (and a host accepts) the
//! default `{namespace}/{portType}/{operation}Request` there
//! ([`Operation::request_action`]).
//!
//! # Faults
//!
//! A WSDL fault's part is one element, the content of the fault's `detail`:
//! [`Operation::Fault`] is its type ([`NoFault`] when the WSDL declares
//! none). A service returns a [`ServiceFault`] of it, which the host turns
//! into a [`Fault`] whose detail is that element; a client reads it back
//! with [`Error::fault_detail`]. An operation with several WSDL faults
//! declares the one its clients need most; the others stay readable from
//! the raw [`Fault::detail`].

use std::borrow::Cow;
use std::fmt;

use bytes::BytesMut;

use crate::body::BodyElement;
use crate::error::{Error, Result};
use crate::fault::Fault;
use crate::message::{Header, QName};
use crate::xsd::RawXml;

/// One operation of a WSDL port type, as a type (usually a unit struct, see
/// [`operations!`](crate::operations)).
pub trait Operation: Send + Sync + 'static {
    /// The WSDL target namespace of the port type.
    const NAMESPACE: &'static str;
    /// The port type's name (`wsdl:portType/@name`).
    const PORT_TYPE: &'static str;
    /// The operation's name (`wsdl:operation/@name`).
    const NAME: &'static str;
    /// The request's action (`soapAction`); may be `""`, then a host
    /// dispatches by the request element.
    const ACTION: &'static str;
    /// The reply's action when the WSDL names one; see [`reply_action`](Self::reply_action).
    const REPLY_ACTION: Option<&'static str> = None;

    /// The request: the body element of the input message.
    type Request: BodyElement + Send + 'static;
    /// The response: the body element of the output message.
    type Response: BodyElement + Send + 'static;
    /// The detail element of the operation's fault ([`NoFault`] when none).
    type Fault: BodyElement + Send + 'static;

    /// The request's action under WS-Addressing, which needs one:
    /// [`ACTION`](Self::ACTION), or when that is empty WS-Addressing 1.0
    /// Metadata's default `{NAMESPACE}/{PORT_TYPE}/{NAME}Request` (§4.4.4).
    fn request_action() -> Cow<'static, str> {
        if Self::ACTION.is_empty() {
            Cow::Owned(default_action(
                Self::NAMESPACE,
                Self::PORT_TYPE,
                &format!("{}Request", Self::NAME),
            ))
        } else {
            Cow::Borrowed(Self::ACTION)
        }
    }

    /// The reply's action: [`REPLY_ACTION`](Self::REPLY_ACTION), else
    /// `{NAMESPACE}/{PORT_TYPE}/{NAME}Response` (WS-Addressing 1.0 Metadata
    /// §4.4.4, with `/` as the delimiter unless the namespace is a URN).
    fn reply_action() -> Cow<'static, str> {
        match Self::REPLY_ACTION {
            Some(action) => Cow::Borrowed(action),
            None => Cow::Owned(default_action(
                Self::NAMESPACE,
                Self::PORT_TYPE,
                &format!("{}Response", Self::NAME),
            )),
        }
    }
}

/// WS-Addressing 1.0 Metadata §4.4.4's default action:
/// `[target namespace][delimiter][port type name][delimiter][message name]`,
/// the delimiter `:` for a `urn:` namespace and `/` otherwise, with no
/// doubled `/` after a namespace that ends in one.
pub fn default_action(namespace: &str, port_type: &str, message: &str) -> String {
    let urn = namespace
        .get(..4)
        .is_some_and(|s| s.eq_ignore_ascii_case("urn:"));
    let delimiter = if urn { ':' } else { '/' };
    let namespace = if urn {
        namespace
    } else {
        namespace.strip_suffix('/').unwrap_or(namespace)
    };
    format!("{namespace}{delimiter}{port_type}{delimiter}{message}")
}

/// SOAP header blocks a typed call reads from its reply beside the body
/// (`ServiceProxy::invoke_with_reply_headers` in wws-proxy): a struct of an
/// operation's typed header elements, as wws-build generates for a WSDL's
/// `soap:header` parts, or `Vec<Header>` for every block as it came.
pub trait FromHeaders: Sized {
    /// The blocks of `Self` found among `headers` (others are ignored); an
    /// error when one of them does not read as its type.
    fn from_headers(headers: &[Header]) -> Result<Self>;

    /// The header elements `Self` reads, which a call that returns it
    /// understands (SOAP `mustUnderstand`). None by default.
    fn understands() -> Vec<QName> {
        Vec::new()
    }
}

/// Every header block, as it came. It understands none of them: a
/// `mustUnderstand` block still needs a layer (or a typed header set) that does.
impl FromHeaders for Vec<Header> {
    fn from_headers(headers: &[Header]) -> Result<Self> {
        Ok(headers.to_vec())
    }
}

/// What a typed handler answers: the response, or a fault with the
/// operation's detail.
pub type Reply<O> =
    std::result::Result<<O as Operation>::Response, ServiceFault<<O as Operation>::Fault>>;

/// The fault detail of an operation whose WSDL declares no fault. It has no
/// value: such an operation's [`ServiceFault`] never carries a detail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoFault {}

impl BodyElement for NoFault {
    const NAMESPACE: &'static str = "";
    const NAME: &'static str = "";

    fn write_element(&self, _out: &mut BytesMut) -> Result<()> {
        match *self {}
    }

    fn read_element(_xml: &[u8]) -> Result<Self> {
        Err(Error::InvalidFormat(
            "this operation declares no fault detail".to_owned(),
        ))
    }
}

/// A fault a service answers, with the operation's typed detail if any.
///
/// Made from a plain [`Fault`] with `?`/`into()`, or with a detail by
/// [`with_detail`](Self::with_detail); the host writes the detail element
/// into the fault's `detail`.
#[derive(Clone, PartialEq)]
pub struct ServiceFault<D> {
    /// Code, reasons, role; its `detail` is replaced by [`detail`](Self::detail) when that is set.
    pub fault: Fault,
    /// The typed detail.
    pub detail: Option<D>,
}

impl<D> ServiceFault<D> {
    /// A fault with `detail` as its detail element.
    pub fn with_detail(fault: Fault, detail: D) -> Self {
        ServiceFault {
            fault,
            detail: Some(detail),
        }
    }
}

impl<D: BodyElement> ServiceFault<D> {
    /// The fault as it travels, its detail written (a detail that cannot be
    /// written is left out; [`try_into_fault`](Self::try_into_fault) says why).
    pub fn into_fault(self) -> Fault {
        let fallback = self.fault.clone();
        self.try_into_fault().unwrap_or_else(|e| {
            tracing::error!(error = %e, "fault detail cannot be written; sent without it");
            fallback
        })
    }

    /// The fault as it travels, or why its detail cannot be written.
    pub fn try_into_fault(self) -> Result<Fault> {
        let mut fault = self.fault;
        if let Some(detail) = self.detail {
            let mut out = BytesMut::new();
            detail.write_element(&mut out)?;
            fault.detail = Some(out.freeze());
        }
        Ok(fault)
    }
}

impl<D> From<Fault> for ServiceFault<D> {
    fn from(fault: Fault) -> Self {
        ServiceFault {
            fault,
            detail: None,
        }
    }
}

impl<D: fmt::Debug> fmt::Debug for ServiceFault<D> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServiceFault")
            .field("fault", &self.fault)
            .field("detail", &self.detail)
            .finish()
    }
}

impl<D> fmt::Display for ServiceFault<D> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.fault, f)
    }
}

/// Reads the detail element `D` of `fault`: `None` when the fault has no
/// detail or its (first) detail element is not `D`'s, `Some(Err)` when it
/// is but does not decode.
pub fn fault_detail<D: BodyElement>(fault: &Fault) -> Option<Result<D>> {
    let detail = fault.detail.as_ref()?;
    let raw = match RawXml::parse(detail.clone()) {
        Ok(raw) => raw,
        Err(e) => return Some(Err(e)),
    };
    let name = raw.name().ok()?;
    if name.namespace != D::NAMESPACE || name.local != D::NAME {
        return None;
    }
    Some(D::read_element(raw.as_bytes()))
}

impl Error {
    /// The typed detail of a [`FaultReceived`](Error::FaultReceived) error:
    /// `None` when this is no fault or its detail is not a `D` element,
    /// `Some(Err)` when it is one that does not decode. See [`fault_detail`].
    pub fn fault_detail<D: BodyElement>(&self) -> Option<Result<D>> {
        fault_detail(self.fault()?)
    }
}

/// Declares operations of one port type: a unit struct per operation
/// implementing [`Operation`].
///
/// `fault:` (the detail element's type; default [`NoFault`]) and
/// `reply_action:` (default: WS-Addressing's pattern, see
/// [`Operation::reply_action`]) are optional; the operation's name is the
/// struct's.
///
/// ```
/// # const NS: &str = "urn:t";
/// # #[derive(wws_core::XmlType, wws_core::BodyElement)] #[xml(namespace = NS)] pub struct Ping {}
/// # #[derive(wws_core::XmlType, wws_core::BodyElement)] #[xml(namespace = NS)] pub struct Pong {}
/// mod op {
///     wws_core::operations! {
///         namespace = super::NS, port_type = "PingPortType";
///         /// `Ping`.
///         pub Ping(super::Ping) -> super::Pong { action: "" }
///         /// `Ping` under another name, answering with its own action.
///         pub Ping2(super::Ping) -> super::Pong { action: "urn:t/Ping2", reply_action: "urn:t/Pong2" }
///     }
/// }
/// use wws_core::operation::Operation;
/// # fn main() {
/// assert_eq!(op::Ping::reply_action(), "urn:t:PingPortType:PingResponse");
/// assert_eq!(op::Ping2::reply_action(), "urn:t/Pong2");
/// # }
/// ```
#[macro_export]
macro_rules! operations {
    (
        namespace = $ns:expr, port_type = $pt:expr;
        $(
            $(#[$meta:meta])*
            $vis:vis $name:ident ( $req:ty ) -> $resp:ty {
                action: $action:expr
                $(, reply_action: $reply:expr)?
                $(, fault: $fault:ty)?
                $(,)?
            }
        )*
    ) => {
        $(
            $(#[$meta])*
            #[derive(Debug, Clone, Copy, PartialEq, Eq)]
            $vis struct $name;

            impl $crate::operation::Operation for $name {
                const NAMESPACE: &'static str = $ns;
                const PORT_TYPE: &'static str = $pt;
                const NAME: &'static str = stringify!($name);
                const ACTION: &'static str = $action;
                const REPLY_ACTION: Option<&'static str> = $crate::operations!(@reply $($reply)?);
                type Request = $req;
                type Response = $resp;
                type Fault = $crate::operations!(@fault $($fault)?);
            }
        )*
    };
    (@reply) => { None };
    (@reply $reply:expr) => { Some($reply) };
    (@fault) => { $crate::operation::NoFault };
    (@fault $fault:ty) => { $fault };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_actions_follow_ws_addressing_metadata() {
        assert_eq!(
            default_action("http://example.org/calc", "CalcPortType", "AddResponse"),
            "http://example.org/calc/CalcPortType/AddResponse"
        );
        assert_eq!(
            default_action("http://example.org/calc/", "P", "AddResponse"),
            "http://example.org/calc/P/AddResponse"
        );
        assert_eq!(
            default_action("urn:example:calc", "P", "AddResponse"),
            "urn:example:calc:P:AddResponse"
        );
    }

    struct Empty;
    impl Operation for Empty {
        const NAMESPACE: &'static str = "http://example.org/c";
        const PORT_TYPE: &'static str = "P";
        const NAME: &'static str = "Op";
        const ACTION: &'static str = "";
        type Request = NoFault;
        type Response = NoFault;
        type Fault = NoFault;
    }

    #[test]
    fn an_empty_action_gets_the_default_request_action() {
        assert_eq!(Empty::request_action(), "http://example.org/c/P/OpRequest");
        assert_eq!(Empty::reply_action(), "http://example.org/c/P/OpResponse");
    }

    #[test]
    fn no_fault_never_decodes() {
        let fault = Fault::sender("x").with_detail("<a xmlns=\"urn:a\"/>");
        assert!(fault_detail::<NoFault>(&fault).is_none());
        assert!(NoFault::read_element(b"<a/>").is_err());
    }
}
