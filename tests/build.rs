//! Sets cfg `wws_corpus` when `../shared/wsdl/` holds the contracts that
//! wws-codegen-tests generates modules from (its build.rs checks the same
//! files), so the contracts tests use the generated CountryInfoService and
//! ONVIF types, and say SKIPPED otherwise.

use std::path::PathBuf;

fn main() {
    println!("cargo:rustc-check-cfg=cfg(wws_corpus)");
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("manifest dir")).join("..");
    let corpus = root.join("../shared/wsdl");
    println!("cargo:rerun-if-changed={}", corpus.display());
    if corpus.join("tempconvert/TempConvert.wsdl").is_file()
        && corpus
            .join("numberconversion/NumberConversion.wsdl")
            .is_file()
    {
        println!("cargo:rustc-cfg=wws_corpus");
    }
}
