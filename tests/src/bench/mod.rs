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
pub mod compare;
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

use std::future::Future;
use std::process::ExitCode;

/// A bench program's `main`: serves when started as `<program> serve
/// <kind>` (see [`serve`]), else runs `run` on a multi-thread tokio runtime
/// and reports its error as `<name>: <error>` with a failing exit code.
pub fn main<F: Future<Output = Result<(), String>>>(
    name: &str,
    run: impl FnOnce() -> F,
) -> ExitCode {
    if let Some(code) = serve::serve_if_asked() {
        return code;
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("{name}: runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{name}: {e}");
            ExitCode::FAILURE
        }
    }
}

/// [`main`] for a bench that makes its own runtimes (or none): serves when
/// asked, else runs `run` on this thread.
pub fn main_blocking(name: &str, run: impl FnOnce() -> Result<(), String>) -> ExitCode {
    if let Some(code) = serve::serve_if_asked() {
        return code;
    }
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{name}: {e}");
            ExitCode::FAILURE
        }
    }
}

pub use stats::{median, percentile};
pub use table::Table;
