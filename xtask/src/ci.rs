//! `cargo xtask ci`: every check CI makes, in order, stopping at the first failure.
//!
//! The test step runs last so that the closing lines of the output are
//! `cargo test`'s own summary (CI reads them), followed by one xtask line.

use std::time::Duration;

use crate::run::{self, Failure, Result};
use crate::{bench, interop};

/// How a step ended when it did not fail.
pub enum Outcome {
    /// The step ran and passed.
    Passed,
    /// The step had nothing to do here; the reason is printed loudly.
    Skipped(String),
}

struct Step {
    name: &'static str,
    what: String,
    action: fn() -> Result<Outcome>,
}

fn steps() -> Vec<Step> {
    vec![
        Step {
            name: "fmt",
            what: "cargo fmt --all --check".into(),
            action: || cargo(&["fmt", "--all", "--check"], None),
        },
        Step {
            name: "clippy",
            what: "cargo clippy --workspace --all-targets -- -D warnings".into(),
            action: || {
                cargo(
                    &[
                        "clippy",
                        "--workspace",
                        "--all-targets",
                        "--",
                        "-D",
                        "warnings",
                    ],
                    None,
                )
            },
        },
        Step {
            name: "doc",
            what: "RUSTDOCFLAGS=\"-D warnings\" cargo doc --workspace --no-deps".into(),
            action: || {
                cargo(
                    &["doc", "--workspace", "--no-deps"],
                    Some(("RUSTDOCFLAGS", rustdocflags())),
                )
            },
        },
        Step {
            name: "bench-build",
            what: "cargo build --release -p wws-tests --bins (when bench programs exist)".into(),
            action: build_benches,
        },
        Step {
            name: "interop-peers",
            what: format!("{} (when present)", interop::INSTALL_SCRIPT),
            action: interop::provision,
        },
        Step {
            name: "test",
            what: "cargo test --workspace".into(),
            action: || cargo(&["test", "--workspace"], None),
        },
    ]
}

/// Runs every step; the first failure ends the run with exit code 1.
pub fn run() -> Result {
    let steps = steps();
    let total = steps.len();
    let mut took_all = Duration::ZERO;
    let mut skipped = Vec::new();
    for (i, step) in steps.iter().enumerate() {
        run::banner_start(i + 1, total, step.name, &step.what);
        let (result, took) = run::timed(step.action);
        took_all += took;
        match result {
            Ok(Outcome::Passed) => run::banner_end(step.name, "ok", took),
            Ok(Outcome::Skipped(why)) => {
                println!("SKIPPED: {}: {why}", step.name);
                run::banner_end(step.name, "skipped", took);
                skipped.push(step.name);
            }
            Err(failure) => {
                run::banner_end(step.name, "FAILED", took);
                return Err(Failure::failed(format!(
                    "ci FAILED at step {}/{total} `{}` after {}: {}",
                    i + 1,
                    step.name,
                    run::seconds(took),
                    failure.message
                )));
            }
        }
    }
    let skipped = if skipped.is_empty() {
        String::new()
    } else {
        format!(" (skipped: {})", skipped.join(", "))
    };
    println!(
        "xtask ci: all {total} steps passed in {}{skipped}",
        run::seconds(took_all)
    );
    Ok(())
}

fn cargo(args: &[&str], env: Option<(&str, String)>) -> Result<Outcome> {
    let mut cmd = run::cargo();
    cmd.args(args);
    if let Some((key, value)) = env {
        cmd.env(key, value);
    }
    run::checked(&mut cmd).map(|()| Outcome::Passed)
}

/// `-D warnings`, added to whatever RUSTDOCFLAGS the caller already set.
fn rustdocflags() -> String {
    match std::env::var("RUSTDOCFLAGS") {
        Ok(existing) if !existing.trim().is_empty() => format!("{existing} -D warnings"),
        _ => "-D warnings".into(),
    }
}

fn build_benches() -> Result<Outcome> {
    let benches = bench::programs().map_err(Failure::failed)?;
    if benches.is_empty() {
        return Ok(Outcome::Skipped(format!(
            "no bench programs ({}) yet",
            bench::BIN_PATTERN
        )));
    }
    cargo(
        &["build", "--release", "-p", bench::PACKAGE, "--bins"],
        None,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tests_run_last_and_fmt_first() {
        let names: Vec<_> = steps().iter().map(|s| s.name).collect();
        assert_eq!(names.first(), Some(&"fmt"));
        assert_eq!(names.last(), Some(&"test"));
        for required in ["clippy", "doc", "bench-build", "interop-peers"] {
            assert!(
                names.contains(&required),
                "{required} missing from {names:?}"
            );
        }
    }
}
