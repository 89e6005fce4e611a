//! `cargo xtask lb`: several calculator hosts behind Debian's nginx (issue 13
//! §4; `tests/src/bin/lb_nginx.rs` says what it checks). Also run by
//! `cargo xtask interop` and as a step of `cargo xtask ci`.
//!
//! Builds the calculator and `lb_nginx` (dev profile), runs `lb_nginx` from
//! the target directory bounded by [`BOUND`], and maps its exit code: 0
//! passed, 77 SKIPPED (nginx cannot be had here; the reason printed
//! loudly), anything else, or running past the bound, a failure.
//!
//! In `cargo xtask ci` the build is `cargo test --workspace --no-run`,
//! which the test step has just done: the binaries it left are the ones
//! run, with no rebuild (a `cargo build -p ...` of two packages resolves
//! other features than the whole workspace's tests, and would rebuild
//! much of the dependency graph).

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::ci::Outcome;
use crate::run::{self, Failure, Result};

/// The whole run of `lb_nginx`, nginx's install included; killed past it.
pub const BOUND: Duration = Duration::from_secs(300);
/// Exit code of a skipped run (autotools' convention, as `tests/interop/lib.sh`).
const EXIT_SKIPPED: i32 = 77;

/// Builds the two packages' binaries and runs `lb_nginx`.
pub fn check() -> Result<Outcome> {
    check_with(&[
        "build",
        "-p",
        "wws-examples",
        "--bins",
        "-p",
        "wws-tests",
        "--bin",
        "lb_nginx",
    ])
}

/// After `cargo test --workspace`: runs the `lb_nginx` it built.
pub fn check_after_tests() -> Result<Outcome> {
    check_with(&["test", "--workspace", "--no-run", "-q"])
}

/// The workspace's target directory (`cargo metadata`'s `target_directory`).
fn target_dir() -> Result<PathBuf> {
    let mut cmd = run::cargo();
    cmd.args(["metadata", "--format-version", "1", "--no-deps"]);
    let out = cmd
        .output()
        .map_err(|e| Failure::failed(format!("could not start `{}`: {e}", run::describe(&cmd))))?;
    target_directory(&String::from_utf8_lossy(&out.stdout))
        .ok_or_else(|| Failure::failed("cargo metadata names no target_directory"))
}

/// `target_directory` from `cargo metadata`'s JSON (std only: no JSON parser here).
fn target_directory(metadata: &str) -> Option<PathBuf> {
    let key = "\"target_directory\":\"";
    let rest = &metadata[metadata.find(key)? + key.len()..];
    rest.find('"').map(|end| PathBuf::from(&rest[..end]))
}

fn check_with(build_args: &[&str]) -> Result<Outcome> {
    let mut build = run::cargo();
    build.args(build_args);
    println!("==> {}", run::describe(&build));
    run::checked(&mut build)?;
    let bin = target_dir()?.join("debug");
    for name in ["lb_nginx", "calculator"] {
        if !bin.join(name).is_file() {
            return Err(Failure::failed(format!(
                "{} was not built by `{}`",
                bin.join(name).display(),
                run::describe(&build)
            )));
        }
    }
    let mut cmd = Command::new(bin.join("lb_nginx"));
    cmd.current_dir(run::root());
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_target_directory() {
        let json = r#"{"packages":[],"target_directory":"/w/target","version":1}"#;
        assert_eq!(target_directory(json), Some(PathBuf::from("/w/target")));
        assert_eq!(target_directory(r#"{"version":1}"#), None);
    }

    #[test]
    fn the_bound_ends_a_run() {
        let mut cmd = Command::new("sleep");
        cmd.arg("5");
        let (result, took) = run::timed(|| bounded(&mut cmd, Duration::from_millis(200)));
        assert!(result.is_err());
        assert!(took < Duration::from_secs(3), "{took:?}");
    }
}
