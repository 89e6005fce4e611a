//! The saved crash inputs of the core fuzz targets (`fuzz/regressions/`),
//! through the targets' own code (`fuzz/src/core_targets.rs`), under a plain
//! `cargo test`.

#[allow(dead_code)]
#[path = "../../fuzz/src/core_targets.rs"]
mod core_targets;

use std::path::PathBuf;

fn inputs(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../fuzz/regressions")
        .join(target);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut out: Vec<(String, Vec<u8>)> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .map(|p| {
            let bytes = std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            (p.display().to_string(), bytes)
        })
        .collect();
    out.sort();
    out
}

fn replay(target: &str, run: fn(&[u8])) {
    for (name, bytes) in inputs(target) {
        let outcome = std::panic::catch_unwind(|| run(&bytes));
        assert!(outcome.is_ok(), "{target}: {name} fails again");
    }
}

#[test]
fn message_read_regressions() {
    replay("message_read", core_targets::message_read);
}

#[test]
fn typed_body_regressions() {
    replay("typed_body", core_targets::typed_body);
}

#[test]
fn roundtrip_regressions() {
    replay("roundtrip", core_targets::roundtrip);
}

/// The targets' invariants hold on every peer's wire fixture (their seeds).
#[test]
fn targets_pass_on_the_wire_fixtures() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/wire");
    let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for entry in entries.filter_map(Result::ok) {
        let bytes = std::fs::read(entry.path()).expect("fixture reads");
        core_targets::message_read(&bytes);
        core_targets::typed_body(&bytes);
        core_targets::roundtrip(&bytes);
    }
}
