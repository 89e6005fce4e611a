//! `cargo xtask demo`: the calculator demo, once the service host has one.
//!
//! The demo plugs in by existing: when `examples/src/bin/demo.rs` is there, this
//! runs `cargo run --release -p wws-examples --bin demo -- ARGS`.

use crate::run::{self, Failure, Result};

/// Where the demo program lives.
const DEMO_EXAMPLE: &str = "examples/src/bin/demo.rs";

/// Runs the demo, or explains (exit code 2) that it does not exist yet.
pub fn run(args: &[String]) -> Result {
    if !run::root().join(DEMO_EXAMPLE).is_file() {
        return Err(Failure::usage(format!(
            "the demo needs the service host (issue 5): {DEMO_EXAMPLE} does not exist yet"
        )));
    }
    let mut cmd = run::cargo();
    cmd.args([
        "run",
        "--release",
        "-p",
        "wws-examples",
        "--bin",
        "demo",
        "--",
    ]);
    cmd.args(args);
    println!("==> {}", run::describe(&cmd));
    run::checked(&mut cmd)
}
