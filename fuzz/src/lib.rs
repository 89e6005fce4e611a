//! The bodies of the fuzz targets, kept out of `fuzz_targets/` so that the
//! saved regression inputs (`fuzz/regressions/<target>/`) also run under a
//! plain `cargo test`: `wws-core/tests/fuzz_regressions.rs`,
//! `listener/tests/fuzz_regressions.rs` and
//! `security/tests/fuzz_regressions.rs` include these files by path.

pub mod core_targets;
pub mod derive_target;
pub mod http_target;
pub mod security_target;
pub mod signature_target;
pub mod wsdl_target;
