//! The `wsdl_reader` fuzz target's code (`fuzz/src/wsdl_target.rs`) under a
//! plain `cargo test`: on its seeds (the project's own contracts) and on every
//! saved crash input in `fuzz/regressions/wsdl_reader/`.

#[allow(dead_code)]
#[path = "../../fuzz/src/wsdl_target.rs"]
mod wsdl_target;

use std::path::PathBuf;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

#[test]
fn the_target_holds_on_its_seeds_and_they_generate() {
    for seed in [
        "examples/calculator.wsdl",
        "build/tests/contracts/shop.wsdl",
    ] {
        let bytes = std::fs::read(root().join(seed)).expect("seed reads");
        wsdl_target::wsdl_reader(&bytes);
    }
    // The shop seed imports its schemas from beside it: the scratch directory has them.
    let shop = std::fs::read(root().join("build/tests/contracts/shop.wsdl")).expect("shop");
    let input = wsdl_target::input_path();
    std::fs::write(&input, &shop).expect("written");
    let generated = wws_build::configure()
        .generate(&[input])
        .expect("the shop generates from the scratch directory");
    assert!(generated.code.contains("pub struct"), "{}", generated.code);
}

#[test]
fn saved_crash_inputs_hold() {
    let dir = root().join("fuzz/regressions/wsdl_reader");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return;
    };
    for entry in entries.filter_map(Result::ok) {
        let bytes = std::fs::read(entry.path()).expect("input reads");
        let outcome = std::panic::catch_unwind(|| wsdl_target::wsdl_reader(&bytes));
        assert!(outcome.is_ok(), "{} fails again", entry.path().display());
    }
}
