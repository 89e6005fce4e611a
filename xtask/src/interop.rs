//! Interop peers (gSOAP, zeep, spyne, PHP ext/soap, WCF on Mono, JAX-WS RI,
//! node-soap; DESIGN.md §8) and their cases.
//!
//! Extension points, both optional scripts following the exit-code convention
//! of `tests/interop/lib.sh` (0 passed, 77 SKIPPED because a peer cannot be
//! had here, anything else a failure):
//!
//! - [`INSTALL_SCRIPT`] installs the peers it can (root for apt, pip for the
//!   Python ones). `cargo xtask ci` runs it before its test step, so that
//!   Rust interop tests (`tests/tests/interop*.rs`) find their peers.
//! - [`RUN_SCRIPT`] runs the cases that are not Rust tests (a peer's client
//!   against our host, ours against the peer's server). `cargo xtask ci` runs
//!   it after the Rust tests.
//!
//! `cargo xtask interop` does all of it: install, the Rust interop tests, the
//! tests over the captured peer messages ([`WIRE_FIXTURE_TESTS`]), the
//! script, which closes with a table peer × direction × SOAP version, then
//! several hosts behind nginx (`cargo xtask lb`).

use std::path::Path;
use std::process::Command;

use crate::ci::Outcome;
use crate::run::{self, Failure, Result};

/// Installs the peers it can.
pub const INSTALL_SCRIPT: &str = "tests/interop/install.sh";
/// Runs the script-driven interop cases.
pub const RUN_SCRIPT: &str = "tests/interop/run.sh";

/// The tests over captured peer messages (`tests/fixtures/wire/`): package,
/// test target, its source folder (relative to the root), name filter. The
/// codec reads every fixture; the host answers every captured request.
pub const WIRE_FIXTURE_TESTS: [(&str, &str, &str, &str); 2] = [
    ("wws-core", "codec", "wws-core/tests/codec", "wire_fixtures"),
    ("wws-tests", "e2e", "tests/tests/e2e", "peer_requests"),
];

/// Exit code of a script that skipped (autotools' convention, as `lib.sh`).
const EXIT_SKIPPED: i32 = 77;

/// Runs `script` (relative to the root) if it exists; `None` when it does not.
fn script(path: &str) -> Result<Option<Outcome>> {
    let file = run::root().join(path);
    if !file.is_file() {
        return Ok(None);
    }
    let mut cmd = Command::new("bash");
    cmd.arg(&file).current_dir(run::root());
    let status = run::status(&mut cmd)?;
    match status.code() {
        Some(0) => Ok(Some(Outcome::Passed)),
        Some(EXIT_SKIPPED) => Ok(Some(Outcome::Skipped(format!(
            "{path}: some peers cannot be had here (reasons above)"
        )))),
        _ => Err(Failure::failed(format!("{path} failed ({status})"))),
    }
}

/// Installs the peers when there is an install script.
pub fn provision() -> Result<Outcome> {
    Ok(script(INSTALL_SCRIPT)?.unwrap_or_else(|| {
        Outcome::Skipped(format!(
            "{INSTALL_SCRIPT} does not exist yet (issue 6): no interop peer installed"
        ))
    }))
}

/// The script-driven cases, after the Rust tests (which include `interop*` targets).
pub fn cases_after_tests() -> Result<Outcome> {
    if let Some(outcome) = script(RUN_SCRIPT)? {
        return Ok(outcome);
    }
    let targets = test_targets(&run::root()).map_err(Failure::failed)?;
    if targets.is_empty() {
        Ok(Outcome::Skipped(format!(
            "no interop cases yet ({RUN_SCRIPT}, tests/tests/interop*.rs; issue 6)"
        )))
    } else {
        Ok(Outcome::Done(format!(
            "interop tests {} ran in the test step; no {RUN_SCRIPT}",
            targets.join(", ")
        )))
    }
}

/// The interop test targets: `tests/tests/interop*.rs`, sorted.
pub fn test_targets(root: &Path) -> std::result::Result<Vec<String>, String> {
    let dir = root.join("tests/tests");
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    let read_err = |e: std::io::Error| format!("reading {}: {e}", dir.display());
    let mut targets = Vec::new();
    for entry in std::fs::read_dir(&dir).map_err(read_err)? {
        let name = entry.map_err(read_err)?.file_name();
        let name = name.to_string_lossy();
        if let Some(stem) = name.strip_suffix(".rs")
            && stem.starts_with("interop")
        {
            targets.push(stem.to_owned());
        }
    }
    targets.sort();
    Ok(targets)
}

/// `cargo xtask interop`: install, the Rust interop tests, then the script cases.
pub fn run() -> Result {
    report("install", provision()?);
    let targets = test_targets(&run::root()).map_err(Failure::failed)?;
    if !targets.is_empty() {
        let mut cmd = run::cargo();
        cmd.args(["test", "-p", "wws-tests"]);
        for t in &targets {
            cmd.args(["--test", t]);
        }
        println!("==> {}", run::describe(&cmd));
        run::checked(&mut cmd)?;
    }
    for (package, target, dir, filter) in WIRE_FIXTURE_TESTS {
        if !run::root().join(dir).join(format!("{filter}.rs")).is_file() {
            println!("SKIPPED: interop fixtures: {dir}/{filter}.rs does not exist");
            continue;
        }
        let mut cmd = run::cargo();
        cmd.args(["test", "-p", package, "--test", target, filter]);
        println!("==> {}", run::describe(&cmd));
        run::checked(&mut cmd)?;
    }
    match script(RUN_SCRIPT)? {
        Some(outcome) => report("cases", outcome),
        None if targets.is_empty() => report(
            "cases",
            Outcome::Skipped(format!(
                "no interop cases yet ({RUN_SCRIPT}, tests/tests/interop*.rs; issue 6)"
            )),
        ),
        None => {}
    }
    report("lb", crate::lb::check()?);
    Ok(())
}

fn report(what: &str, outcome: Outcome) {
    match outcome {
        Outcome::Passed => println!("interop {what}: ok"),
        Outcome::Done(note) => println!("interop {what}: {note}"),
        Outcome::Skipped(why) => println!("SKIPPED: interop {what}: {why}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_only_interop_test_files() {
        let root = std::env::temp_dir().join(format!("xtask-interop-{}", std::process::id()));
        let dir = root.join("tests/tests");
        std::fs::create_dir_all(&dir).expect("temp dir");
        for f in [
            "interop_zeep.rs",
            "interop_gsoap.rs",
            "abandon_call.rs",
            "interop.txt",
        ] {
            std::fs::write(dir.join(f), "").expect("write");
        }
        let found = test_targets(&root);
        let _ = std::fs::remove_dir_all(&root);
        assert_eq!(
            found.expect("listing"),
            vec!["interop_gsoap".to_string(), "interop_zeep".to_string()]
        );
    }

    #[test]
    fn no_tests_dir_means_no_targets() {
        let root = std::env::temp_dir().join(format!("xtask-none-{}", std::process::id()));
        assert_eq!(test_targets(&root).expect("listing"), Vec::<String>::new());
    }
}
