//! The reference contract of the wws SOAP stack, as a user would write it
//! on top of the library crates (not published).
//!
//! - [`calculator`]: the calculator contract's types, its service on a
//!   `ServiceHost`, and the operations themselves.
//! - Binaries: `calculator` (the host), `calculator_client` (a command-line
//!   client on a `ServiceProxy`) and `demo` (what `cargo xtask demo` runs).
//!
//! The end-to-end tests, the interop tests and the bench programs in
//! `tests/` use this one implementation. No library crate names the
//! calculator.
//!
//! ```
//! use wws_examples::calculator::{self, Add};
//!
//! assert_eq!(calculator::add(&Add { a: 1.5, b: 2.0 }).result, 3.5);
//! ```

pub mod calculator;
