//! Interop peers (gSOAP, zeep, spyne, PHP ext/soap; DESIGN.md §8) and their tests.
//!
//! Extension point: the peers are installed by [`INSTALL_SCRIPT`], which
//! follows the exit-code convention of `tests/interop/lib.sh` (0 installed,
//! 77 SKIPPED because a peer cannot be had here, anything else a failure).
//! Interop tests are the `tests/tests/interop*.rs` targets of `wws-tests`;
//! they run inside `cargo test --workspace` too and skip loudly when a peer
//! is missing. `cargo xtask ci` provisions before its test step.

use std::path::Path;

use crate::ci::Outcome;
use crate::run::{self, Failure, Result};

/// Installs the peers it can (needs root for apt, pip for the Python ones).
pub const INSTALL_SCRIPT: &str = "tests/interop/install.sh";

/// Exit code of a script that skipped (autotools' convention, as `lib.sh`).
const EXIT_SKIPPED: i32 = 77;

/// Runs the install script when there is one.
pub fn provision() -> Result<Outcome> {
    let script = run::root().join(INSTALL_SCRIPT);
    if !script.is_file() {
        return Ok(Outcome::Skipped(format!(
            "{INSTALL_SCRIPT} does not exist yet (issue 6): no interop peer installed"
        )));
    }
    let mut cmd = std::process::Command::new("bash");
    cmd.arg(&script).current_dir(run::root());
    let status = run::status(&mut cmd)?;
    match status.code() {
        Some(0) => Ok(Outcome::Passed),
        Some(EXIT_SKIPPED) => Ok(Outcome::Skipped(
            "some interop peers cannot be installed here (reasons above); \
             their interop tests skip loudly"
                .into(),
        )),
        _ => Err(Failure::failed(format!(
            "{INSTALL_SCRIPT} failed ({status})"
        ))),
    }
}

/// The interop test targets: `tests/tests/interop*.rs`, sorted.
pub fn test_targets(root: &Path) -> std::result::Result<Vec<String>, String> {
    let dir = root.join("tests/tests");
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    let entries = std::fs::read_dir(&dir).map_err(|e| format!("reading {}: {e}", dir.display()))?;
    let mut targets = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| format!("reading {}: {e}", dir.display()))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if let Some(stem) = name.strip_suffix(".rs")
            && stem.starts_with("interop")
        {
            targets.push(stem.to_owned());
        }
    }
    targets.sort();
    Ok(targets)
}

/// `cargo xtask interop`: provision, then run only the interop tests.
pub fn run() -> Result {
    match provision()? {
        Outcome::Passed => println!("interop peers: installed"),
        Outcome::Skipped(why) => println!("SKIPPED: interop peers: {why}"),
    }
    let targets = test_targets(&run::root()).map_err(Failure::failed)?;
    if targets.is_empty() {
        return Err(Failure::usage(
            "no interop tests yet (tests/tests/interop*.rs; issue 6)",
        ));
    }
    let mut cmd = run::cargo();
    cmd.args(["test", "-p", "wws-tests"]);
    for t in &targets {
        cmd.args(["--test", t]);
    }
    run::checked(&mut cmd)
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
