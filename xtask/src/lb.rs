//! `cargo xtask lb`: several calculator hosts behind Debian's nginx (issue 13
//! §4; `tests/src/bin/lb_nginx.rs` says what it checks). Also run by
//! `cargo xtask interop` and as a step of `cargo xtask ci`.
//!
//! Builds the calculator and `lb_nginx` (dev profile), runs `lb_nginx`
//! bounded by [`BOUND`], and maps its exit code: 0 passed, 77 SKIPPED
//! (nginx cannot be had here; the reason printed loudly), anything else,
//! or running past the bound, a failure.

use std::process::Command;
use std::time::{Duration, Instant};

use crate::ci::Outcome;
use crate::run::{self, Failure, Result};

/// The whole run of `lb_nginx`, nginx's install included; killed past it.
pub const BOUND: Duration = Duration::from_secs(300);
/// Exit code of a skipped run (autotools' convention, as `tests/interop/lib.sh`).
const EXIT_SKIPPED: i32 = 77;

/// Builds and runs `lb_nginx`.
pub fn check() -> Result<Outcome> {
    let mut build = run::cargo();
    build.args([
        "build",
        "-p",
        "wws-examples",
        "--bins",
        "-p",
        "wws-tests",
        "--bin",
        "lb_nginx",
    ]);
    println!("==> {}", run::describe(&build));
    run::checked(&mut build)?;
    let mut cmd = run::cargo();
    cmd.args(["run", "-q", "-p", "wws-tests", "--bin", "lb_nginx"]);
    println!(
        "==> {} (bounded by {}s)",
        run::describe(&cmd),
        BOUND.as_secs()
    );
    let code = bounded(&mut cmd, BOUND)?;
    match code {
        Some(0) => Ok(Outcome::Passed),
        Some(EXIT_SKIPPED) => Ok(Outcome::Skipped(
            "several hosts behind nginx: nginx cannot be had here (reason above)".into(),
        )),
        other => Err(Failure::failed(format!(
            "several hosts behind nginx: a check failed (lb_nginx exit {other:?}; table above)"
        ))),
    }
}

/// Runs `cmd`, killing it past `bound`; its exit code (`None` when killed by a signal).
fn bounded(cmd: &mut Command, bound: Duration) -> Result<Option<i32>> {
    let mut child = cmd
        .spawn()
        .map_err(|e| Failure::failed(format!("could not start `{}`: {e}", run::describe(cmd))))?;
    let start = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Ok(status.code()),
            Ok(None) if start.elapsed() < bound => {
                std::thread::sleep(Duration::from_millis(100));
            }
            Ok(None) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(Failure::failed(format!(
                    "`{}` ran past {}s and was killed",
                    run::describe(cmd),
                    bound.as_secs()
                )));
            }
            Err(e) => return Err(Failure::failed(format!("waiting for lb_nginx: {e}"))),
        }
    }
}

/// `cargo xtask lb`.
pub fn run() -> Result {
    match check()? {
        Outcome::Skipped(why) => println!("SKIPPED: {why}"),
        Outcome::Passed | Outcome::Done(_) => println!("lb: ok"),
    }
    Ok(())
}
