//! `cargo xtask ci`: every check CI makes, in order, stopping at the first failure.
//!
//! Order: the quick static checks first; the interop peers are installed
//! before `cargo test` (Rust interop tests need them); the script-driven
//! interop cases run after the Rust tests (issue 6), then several hosts
//! behind nginx (issue 13 §4). The fuzz targets (a
//! short run each, plus their saved crash inputs; issue 16) run before the
//! tests, so that little is printed after `cargo test`'s own closing lines,
//! which CI reads.

use std::time::Duration;

use crate::run::{self, Failure, Result};
use crate::{fuzz, interop, lb};

/// How a step ended when it did not fail.
pub enum Outcome {
    /// The step ran and passed.
    Passed,
    /// The step passed; the note says what it did.
    Done(String),
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
            name: "fuzz",
            what: format!(
                "cargo xtask fuzz, {} s per target (built at opt-level 1), after the saved crash inputs",
                fuzz::CI_SECONDS
            ),
            action: fuzz::ci,
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
        Step {
            name: "interop",
            what: format!("{} (when present)", interop::RUN_SCRIPT),
            action: interop::cases_after_tests,
        },
        Step {
            name: "lb",
            what: format!(
                "cargo xtask lb on the test step's binaries: two hosts behind nginx (bounded by {}s; SKIPPED without nginx)",
                lb::BOUND.as_secs()
            ),
            action: lb::check_after_tests,
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
            Ok(Outcome::Done(note)) => {
                println!("{}: {note}", step.name);
                run::banner_end(step.name, "ok", took);
            }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn peers_before_tests_and_interop_cases_after() {
        let names: Vec<_> = steps().iter().map(|s| s.name).collect();
        let at = |n: &str| names.iter().position(|s| *s == n);
        assert_eq!(names.first(), Some(&"fmt"));
        for required in [
            "clippy",
            "doc",
            "interop-peers",
            "test",
            "fuzz",
            "interop",
            "lb",
        ] {
            assert!(at(required).is_some(), "{required} missing from {names:?}");
        }
        assert!(at("interop-peers") < at("test"));
        assert!(at("test") < at("interop"));
        assert!(at("fuzz") < at("test"));
        assert!(at("test") < at("lb"));
        // The bench programs build (in the dev profile) with the test step;
        // a release build of them is `cargo xtask bench`'s, not CI's.
        assert!(at("bench-build").is_none());
    }
}
