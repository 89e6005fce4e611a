//! Fuzz target `wsdl_reader`: the code generator's WSDL/XSD reader and
//! emitter (`wws_build`) on the input as a WSDL file. The input is written to
//! a scratch directory of its own (per process) with the project's shop
//! contract schemas beside it, so relative `xs:import`/`xs:include` of
//! `shop-common.xsd` and `shop-types.xsd` resolve, and generated twice.
//!
//! What must hold: no panic, no hang; a contract that cannot be read is an
//! error, anything else generates; generation is deterministic (twice, the
//! same module and the same warnings).
//!
//! Uses nothing but `wws_build` and `std`, so that
//! `build/tests/fuzz_regressions.rs` can include it by path.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The scratch directory of this thread (tests run targets in parallel):
/// the input goes in as `input.wsdl`.
fn scratch() -> PathBuf {
    thread_local! {
        static DIR: PathBuf = {
            static NEXT: AtomicUsize = AtomicUsize::new(0);
            let n = NEXT.fetch_add(1, Ordering::Relaxed);
            let dir = std::env::temp_dir()
                .join(format!("wws-fuzz-wsdl-{}-{n}", std::process::id()));
            std::fs::create_dir_all(&dir).expect("scratch directory");
            for (name, text) in [("shop-common.xsd", SHOP_COMMON), ("shop-types.xsd", SHOP_TYPES)] {
                std::fs::write(dir.join(name), text).expect("schema written");
            }
            dir
        };
    }
    DIR.with(Clone::clone)
}

const SHOP_COMMON: &str = include_str!("../../build/tests/contracts/shop-common.xsd");
const SHOP_TYPES: &str = include_str!("../../build/tests/contracts/shop-types.xsd");

/// The path the input is written to (in this thread's scratch directory).
pub fn input_path() -> PathBuf {
    scratch().join("input.wsdl")
}

/// `wsdl_reader`: `data` as a WSDL file, generated twice.
pub fn wsdl_reader(data: &[u8]) {
    let path = input_path();
    if std::fs::write(&path, data).is_err() {
        return;
    }
    let first = wws_build::configure().generate(&[&path]);
    let second = wws_build::configure().generate(&[&path]);
    match (&first, &second) {
        (Ok(a), Ok(b)) => {
            assert_eq!(a.code, b.code, "generation is not deterministic");
            assert_eq!(a.warnings, b.warnings, "warnings are not deterministic");
        }
        (Err(a), Err(b)) => assert_eq!(a, b, "errors are not deterministic"),
        _ => panic!("the same input once generated and once not: {first:?} / {second:?}"),
    }
}
