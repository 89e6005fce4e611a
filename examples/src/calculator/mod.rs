//! The reference calculator contract (`examples/calculator.wsdl`): Add,
//! Divide (a fault on `b = 0`), Echo and Delay, in namespace
//! `http://example.org/wws/calculator`.
//!
//! [`types`] holds the typed bodies, actions and operations ([`op`]);
//! [`contract`] the service trait ([`CalculatorService`]) and the typed
//! client ([`CalculatorClient`]); [`service`] the service itself
//! ([`Calculator`]) and its operations as plain functions, which the tests'
//! own instrumented servers call too, so the contract is implemented once.
//!
//! ```no_run
//! use std::sync::Arc;
//! use wws_examples::calculator::{Add, Calculator, CalculatorClient, CalculatorService};
//! # async fn f(proxy: wws_proxy::ServiceProxy) -> wws_core::Result<()> {
//! // Host side: the service's methods are the operations.
//! let contract = Arc::new(Calculator::new()).into_contract();
//! # let _ = contract;
//! // Client side: one method per operation, the pending call's id known at once.
//! let client = CalculatorClient::new(proxy);
//! let sum = client.add(&Add { a: 1.0, b: 2.0 });
//! println!("call {}", sum.id());
//! assert_eq!(sum.await?.result, 3.0);
//! # Ok(()) }
//! ```

pub mod contract;
pub mod service;
pub mod types;

pub use contract::{CalculatorClient, CalculatorService};
pub use service::{
    Calculator, PATH_SOAP11, PATH_SOAP12, ServiceEvent, WSDL, add, delay, divide, echo, url,
};
pub use types::*;
