//! End-to-end, interop and benchmark programs of the wws SOAP stack (not published).
//!
//! - `tests/*.rs`: end-to-end tests over loopback, one file per behaviour
//!   (abandon one call, abort the host, close with calls pending, ...), and
//!   interop tests `tests/interop*.rs` that run the calculator contract
//!   against gSOAP, zeep, spyne and PHP ext/soap (peer scripts in `interop/`;
//!   a missing peer is skipped with a loud message).
//! - `src/bin/bench_<name>.rs`: bench programs; each prints a markdown table
//!   on stdout, which `cargo xtask bench <name>` records in `BENCHMARKS.md`.
//!
//! Helpers shared by those tests and programs belong in this library.

pub mod bench;
pub mod pki;
