//! Generates the modules of `src/lib.rs` with wws-build, as a user's build.rs would:
//! the calculator (examples/calculator.wsdl), the project's shop contract, the
//! ONVIF subset the contracts tests serve (tests/tests/contracts/onvif_device.wsdl), and
//! TempConvert, NumberConversion, CountryInfoService and ONVIF device management from `../shared/wsdl/` when it is there
//! (cfg `wws_corpus`; the tests say SKIPPED otherwise).

use std::path::{Path, PathBuf};

/// Generates `wsdl` into `out`; its warnings go to `out` with `.warnings` appended,
/// which the tests read (TempConvert's HTTP POST binding warns, as it should).
fn generate(wsdl: &Path, out: &Path) -> Result<(), Box<dyn std::error::Error>> {
    let generated = wws_build::configure().compile(&[wsdl], out)?;
    let mut warnings = generated.warnings.join("\n");
    warnings.push('\n');
    std::fs::write(out.with_extension("warnings"), warnings)?;
    Ok(())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("cargo:rustc-check-cfg=cfg(wws_corpus)");
    let out = PathBuf::from(std::env::var("OUT_DIR")?);
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR")?).join("..");
    generate(
        &root.join("examples/calculator.wsdl"),
        &out.join("calculator.rs"),
    )?;
    generate(
        &root.join("build/tests/contracts/shop.wsdl"),
        &out.join("shop.rs"),
    )?;
    // xsi:type families and a substitution group (a bare schema).
    generate(
        &root.join("codegen-tests/contracts/shapes.xsd"),
        &out.join("shapes.rs"),
    )?;
    // The ONVIF subset the contracts tests host and zeep reads (their own file).
    generate(
        &root.join("tests/tests/contracts/onvif_device.wsdl"),
        &out.join("onvif_subset.rs"),
    )?;
    let corpus = root.join("../shared/wsdl");
    println!("cargo:rerun-if-changed={}", corpus.display());
    if corpus.join("tempconvert/TempConvert.wsdl").is_file()
        && corpus
            .join("numberconversion/NumberConversion.wsdl")
            .is_file()
    {
        generate(
            &corpus.join("tempconvert/TempConvert.wsdl"),
            &out.join("tempconvert.rs"),
        )?;
        generate(
            &corpus.join("numberconversion/NumberConversion.wsdl"),
            &out.join("numberconversion.rs"),
        )?;
        // CountryInfoService's 21 operations: the tests implement a few, the rest answer a fault.
        let countryinfo = corpus.join("countryinfo/CountryInfoService.wsdl");
        wws_build::configure()
            .unimplemented_by_default(true)
            .compile(&[countryinfo.as_path()], out.join("countryinfo.rs"))?;
        // ONVIF's 103 operations: a device implements its profile, the rest answer a fault.
        let onvif = corpus.join("onvif-devicemgmt/ver10/device/wsdl/devicemgmt.wsdl");
        let generated = wws_build::configure()
            .unimplemented_by_default(true)
            .compile(&[onvif.as_path()], out.join("onvif.rs"))?;
        std::fs::write(
            out.join("onvif.warnings"),
            generated.warnings.join("\n") + "\n",
        )?;
        println!("cargo:rustc-cfg=wws_corpus");
    }
    Ok(())
}
