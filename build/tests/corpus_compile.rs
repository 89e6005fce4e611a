//! Every corpus WSDL (`../shared/wsdl/`, SKIPPED when absent) generates
//! into a scratch crate depending on wws-core, wws-proxy and wws-host, which
//! `cargo check` must accept without a warning under the workspace's lints.
//! Slow (Salesforce and ONVIF are ~31k lines of derives), so ignored by
//! default: `cargo test -p wws-build --test corpus_compile -- --ignored --nocapture`.
//!
//! The budget on 2 cores, per WSDL: [`GENERATION_BUDGET`] to generate (a
//! debug build of wws-build) and [`CHECK_BUDGET`] for its `cargo check`,
//! the dependencies already checked; over it is a failure.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// Most a corpus WSDL may take to generate.
const GENERATION_BUDGET: Duration = Duration::from_secs(5);
/// Most its generated module may take to `cargo check`.
const CHECK_BUDGET: Duration = Duration::from_secs(120);

const CORPUS: [(&str, &str); 5] = [
    ("countryinfo", "countryinfo/CountryInfoService.wsdl"),
    ("numberconversion", "numberconversion/NumberConversion.wsdl"),
    ("tempconvert", "tempconvert/TempConvert.wsdl"),
    (
        "onvif",
        "onvif-devicemgmt/ver10/device/wsdl/devicemgmt.wsdl",
    ),
    ("salesforce", "salesforce-partner/partner.wsdl"),
];

fn scratch_crate(dir: &Path, root: &Path, code: &str) {
    std::fs::create_dir_all(dir.join("src")).expect("scratch dir");
    let dep = |p: &str| root.join(p).display().to_string();
    let manifest = format!(
        "[package]\nname = \"corpus-check\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
         [workspace]\n\n[dependencies]\nwws-core = {{ path = {:?} }}\nwws-proxy = {{ path = {:?} }}\nwws-host = {{ path = {:?} }}\n\n\
         [lints.rust]\nunsafe_code = \"deny\"\nmissing_docs = \"warn\"\n\n[lints.clippy]\nunwrap_used = \"warn\"\n",
        dep("wws-core"),
        dep("proxy"),
        dep("host")
    );
    std::fs::write(dir.join("Cargo.toml"), manifest).expect("manifest");
    std::fs::write(
        dir.join("src/lib.rs"),
        format!("//! Generated corpus module.\n\n/// The generated module.\npub mod generated {{\n{code}\n}}\n"),
    )
    .expect("lib.rs");
}

#[test]
#[ignore = "compiles ~25k generated lines; run with --ignored"]
fn corpus_compiles_without_warnings() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let corpus = root.join("../shared/wsdl");
    if !corpus.is_dir() {
        println!(
            "SKIPPED: {} is absent; the corpus is not compiled",
            corpus.display()
        );
        return;
    }
    let tmp = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("corpus");
    let target = tmp.join("target");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let check = |dir: &Path| {
        let t = Instant::now();
        let out = Command::new(&cargo)
            .args(["check", "--quiet", "--message-format", "short"])
            .env("CARGO_TARGET_DIR", &target)
            .current_dir(dir)
            .output()
            .expect("cargo runs");
        (t.elapsed(), out)
    };
    // The dependencies first, so each WSDL's time is its own.
    let empty = tmp.join("empty");
    scratch_crate(&empty, &root, "");
    let (deps, out) = check(&empty);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    println!("dependencies checked in {:.1} s", deps.as_secs_f64());
    println!(
        "| WSDL | lines | generation | cargo check | warnings (generator) | warnings (rustc) |"
    );
    println!("|---|---|---|---|---|---|");
    let mut failed = Vec::new();
    for (name, wsdl) in CORPUS {
        let path = corpus.join(wsdl);
        if !path.is_file() {
            println!("SKIPPED: {} is absent", path.display());
            continue;
        }
        let t = Instant::now();
        let g = wws_build::configure().generate(&[path]).expect("generates");
        let took = t.elapsed();
        let dir = tmp.join(name);
        scratch_crate(&dir, &root, &g.code);
        let (compile, out) = check(&dir);
        let stderr = String::from_utf8_lossy(&out.stderr);
        let rustc_warnings = stderr.lines().filter(|l| l.contains("warning")).count();
        println!(
            "| {wsdl} | {} | {:.0} ms | {:.1} s{} | {} | {} |",
            g.code.lines().count(),
            took.as_secs_f64() * 1e3,
            compile.as_secs_f64(),
            if out.status.success() { "" } else { " FAILED" },
            g.warnings.len(),
            rustc_warnings
        );
        if !out.status.success() || rustc_warnings > 0 {
            failed.push(format!("{wsdl}:\n{stderr}"));
        }
        if took > GENERATION_BUDGET || compile > CHECK_BUDGET {
            failed.push(format!(
                "{wsdl}: over the budget ({took:?} to generate, {compile:?} to check; budget {GENERATION_BUDGET:?}, {CHECK_BUDGET:?})"
            ));
        }
    }
    assert!(failed.is_empty(), "{}", failed.join("\n"));
}
