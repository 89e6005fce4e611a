//! The reference calculator contract (`examples/calculator.wsdl`): Add,
//! Divide (a fault on `b = 0`), Echo and Delay, in namespace
//! `http://example.org/wws/calculator`.
//!
//! [`types`] holds the typed bodies and actions; [`service`] the service
//! on a `ServiceHost` and the operations themselves, which the tests' own
//! instrumented servers call too, so the contract is implemented once.

pub mod service;
pub mod types;

pub use service::{
    Calculator, PATH_SOAP11, PATH_SOAP12, ServiceEvent, WSDL, add, delay, divide, echo, url,
};
pub use types::*;
