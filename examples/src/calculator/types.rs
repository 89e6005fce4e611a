//! Typed bodies, actions and operations of the reference calculator contract
//! (`examples/calculator.wsdl`, namespace `http://example.org/wws/calculator`).
//!
//! The types come from [`body_element!`](wws_core::body_element): own traits and
//! a declarative macro instead of serde, so the namespace of every element
//! is fixed and exact (no serde field-name/namespace ambiguity) and reading
//! accepts whatever prefixes a peer chose.

/// Target namespace of the contract.
pub const NAMESPACE: &str = "http://example.org/wws/calculator";
/// The WSDL's port type.
pub const PORT_TYPE: &str = "CalculatorPortType";
/// Action of `Add`.
pub const ADD_ACTION: &str = "http://example.org/wws/calculator/Add";
/// Action of `Divide`.
pub const DIVIDE_ACTION: &str = "http://example.org/wws/calculator/Divide";
/// Action of `Echo`.
pub const ECHO_ACTION: &str = "http://example.org/wws/calculator/Echo";
/// Action of `Delay`.
pub const DELAY_ACTION: &str = "http://example.org/wws/calculator/Delay";

wws_core::body_element! {
    #[namespace = "http://example.org/wws/calculator"]
    /// `Add` request: `a + b`.
    #[derive(Debug, Clone, Copy, PartialEq)]
    pub struct Add {
        /// First addend.
        pub a: f64,
        /// Second addend.
        pub b: f64,
    }
}

wws_core::body_element! {
    #[namespace = "http://example.org/wws/calculator"]
    /// `Add` response.
    #[derive(Debug, Clone, Copy, PartialEq)]
    pub struct AddResponse {
        /// The sum.
        pub result: f64,
    }
}

wws_core::body_element! {
    #[namespace = "http://example.org/wws/calculator"]
    /// `Divide` request: `a / b`; the service faults on `b = 0`.
    #[derive(Debug, Clone, Copy, PartialEq)]
    pub struct Divide {
        /// Dividend.
        pub a: f64,
        /// Divisor.
        pub b: f64,
    }
}

wws_core::body_element! {
    #[namespace = "http://example.org/wws/calculator"]
    /// `Divide` response.
    #[derive(Debug, Clone, Copy, PartialEq)]
    pub struct DivideResponse {
        /// The quotient.
        pub result: f64,
    }
}

wws_core::body_element! {
    #[namespace = "http://example.org/wws/calculator"]
    /// `Echo` request.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct Echo {
        /// Text to echo.
        pub text: String,
    }
}

wws_core::body_element! {
    #[namespace = "http://example.org/wws/calculator"]
    /// `Echo` response.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct EchoResponse {
        /// The echoed text.
        pub text: String,
    }
}

wws_core::body_element! {
    #[namespace = "http://example.org/wws/calculator"]
    /// `Delay` request: the service waits this long before answering.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub struct Delay {
        /// How long to wait.
        pub milliseconds: i32,
    }
}

wws_core::body_element! {
    #[namespace = "http://example.org/wws/calculator"]
    /// `Delay` response.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub struct DelayResponse {
        /// How long the service waited.
        pub milliseconds: i32,
    }
}

/// The contract's operations: each ties its action, reply action
/// (WS-Addressing's default, `{NAMESPACE}/CalculatorPortType/{op}Response`:
/// the WSDL names none), request and response together.
pub mod op {
    wws_core::operations! {
        namespace = super::NAMESPACE, port_type = super::PORT_TYPE;
        /// `Add`: `a + b`.
        pub Add(super::Add) -> super::AddResponse { action: super::ADD_ACTION }
        /// `Divide`: `a / b`; a Sender fault (no detail) on `b = 0`.
        pub Divide(super::Divide) -> super::DivideResponse { action: super::DIVIDE_ACTION }
        /// `Echo`: the text back.
        pub Echo(super::Echo) -> super::EchoResponse { action: super::ECHO_ACTION }
        /// `Delay`: answers after the given milliseconds.
        pub Delay(super::Delay) -> super::DelayResponse { action: super::DELAY_ACTION }
    }
}
