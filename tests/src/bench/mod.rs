//! Helpers of the bench programs (`src/bin/bench_*.rs`): configuration,
//! statistics, the bare hyper floor server and client, child server
//! processes, `wrk`, resident-memory probes and markdown tables.
//!
//! Each bench program that needs a server runs it as a child process of
//! itself (`bench_x serve <kind>`, see [`serve`]), so that the load generator
//! and the server never share a process or a runtime.

pub mod calc;
pub mod cancel;
pub mod client;
pub mod config;
pub mod floor;
pub mod limits;
pub mod pending;
pub mod process;
pub mod serve;
pub mod stats;
pub mod table;
pub mod wrk;

pub use config::Config;
pub use stats::{median, percentile};
pub use table::Table;
