//! `cargo xtask fuzz [TARGET] [SECONDS]`: the cargo-fuzz targets of `fuzz/`.
//!
//! Installs cargo-fuzz when it is missing (or says `SKIPPED:` loudly with the
//! reason when it cannot be had), builds every target with AddressSanitizer on
//! the stable toolchain (`RUSTC_BOOTSTRAP=1`, as cargo-fuzz needs nightly
//! flags), seeds each corpus from the peers' wire fixtures
//! (`tests/fixtures/wire/`) at run time, runs the saved crash inputs of
//! `fuzz/regressions/<target>/` once each, then fuzzes each target for
//! SECONDS with the SOAP/XML dictionary `fuzz/soap.dict`, one process at a
//! time. A crash fails the command; libFuzzer leaves the input in
//! `fuzz/artifacts/<target>/` (save it under `fuzz/regressions/<target>/`
//! with a fix).
//!
//! `cargo xtask ci` runs [`ci`]: the same with [`CI_SECONDS`] per target,
//! built at `opt-level = 1` ([`Build::Quick`]): the ASan build of every
//! target and its dependencies takes about 180 s instead of 300 s on two
//! cores, for about half the executions per second. `cargo xtask fuzz`
//! builds them as the long runs do, at the fuzz workspace's `opt-level = 3`.

use crate::ci::Outcome;
use crate::run::{self, Failure, Result};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The fuzz targets (`fuzz/fuzz_targets/<name>.rs`).
pub const TARGETS: [&str; 8] = [
    "message_read",
    "typed_body",
    "roundtrip",
    "derive_reader",
    "http_request",
    "wssecurity_header",
    "signed_envelope",
    "wsdl_reader",
];

/// Seconds per target when none are given.
const DEFAULT_SECONDS: u64 = 60;

/// Seconds per target in `cargo xtask ci`: with the build, the whole step
/// stays well under three minutes on two cores once `fuzz/target` is warm.
pub const CI_SECONDS: u64 = 15;

/// Where the peers' captured messages are (as `wws-core/tests/wire_fixtures.rs` reads them).
const WIRE_FIXTURES: &str = "tests/fixtures/wire";
/// The seeds of `wsdl_reader`: contracts the project writes.
const CONTRACT_SEEDS: [&str; 2] = [
    "examples/calculator.wsdl",
    "build/tests/contracts/shop.wsdl",
];

fn fuzz_dir() -> PathBuf {
    run::root().join("fuzz")
}

/// `cargo xtask fuzz [TARGET] [SECONDS]`.
pub fn run(args: &[String]) -> Result {
    let (targets, seconds) = parse_args(args)?;
    match fuzz(&targets, seconds, Build::Full)? {
        Outcome::Skipped(why) => {
            println!("SKIPPED: fuzz: {why}");
            Ok(())
        }
        Outcome::Done(note) => {
            println!("fuzz: {note}");
            Ok(())
        }
        Outcome::Passed => Ok(()),
    }
}

/// The `fuzz` step of `cargo xtask ci`.
pub fn ci() -> Result<Outcome> {
    fuzz(&TARGETS, CI_SECONDS, Build::Quick)
}

/// How the targets are built.
#[derive(Clone, Copy, PartialEq, Debug)]
enum Build {
    /// The fuzz workspace's release profile (`opt-level = 3`): long runs.
    Full,
    /// The same at `opt-level = 1`: a short bounded run after a fresh build.
    Quick,
}

fn parse_args(args: &[String]) -> Result<(Vec<&'static str>, u64)> {
    let mut targets: Vec<&'static str> = TARGETS.to_vec();
    let mut seconds = DEFAULT_SECONDS;
    let mut rest = args;
    if let Some((first, tail)) = rest.split_first() {
        if let Some(t) = TARGETS.iter().find(|t| **t == first.as_str()) {
            targets = vec![*t];
            rest = tail;
        }
    }
    match rest {
        [] => {}
        [s] => {
            seconds = s.parse().map_err(|_| {
                Failure::usage(format!(
                    "fuzz: {s:?} is neither a target ({}) nor a number of seconds",
                    TARGETS.join(", ")
                ))
            })?;
        }
        _ => {
            return Err(Failure::usage(format!(
                "fuzz: usage: cargo xtask fuzz [TARGET] [SECONDS]; targets: {}",
                TARGETS.join(", ")
            )));
        }
    }
    Ok((targets, seconds))
}

fn fuzz(targets: &[&str], seconds: u64, build_as: Build) -> Result<Outcome> {
    if let Some(why) = ensure_cargo_fuzz() {
        return Ok(Outcome::Skipped(why));
    }
    let mut build = cargo_fuzz(build_as);
    build.arg("build");
    run::checked(&mut build)?;
    let mut rows = Vec::new();
    for target in targets {
        let regressions = regression_inputs(target).map_err(Failure::failed)?;
        if !regressions.is_empty() {
            let mut cmd = cargo_fuzz(build_as);
            cmd.args(["run", target])
                .args(&regressions)
                .args(["--", "-runs=1"]);
            println!(
                "fuzz: {target}: {} saved crash input(s) from fuzz/regressions/{target}/",
                regressions.len()
            );
            run::checked(&mut cmd).map_err(|f| {
                Failure::failed(format!(
                    "{target}: a saved crash input fails again: {}",
                    f.message
                ))
            })?;
        }
        let corpus = seed_corpus(target).map_err(Failure::failed)?;
        let dict = fuzz_dir().join("soap.dict");
        let mut cmd = cargo_fuzz(build_as);
        cmd.args(["run", target])
            .arg(&corpus)
            .arg("--")
            .arg(format!("-max_total_time={seconds}"))
            .arg(format!("-dict={}", dict.display()))
            .args(["-timeout=10", "-rss_limit_mb=2048", "-print_final_stats=1"]);
        let (stats, took) = run::timed(|| run_streaming(&mut cmd));
        let stats = stats?;
        if !stats.success {
            return Err(Failure::failed(format!(
                "fuzz target {target} crashed after {} executions: the input is in fuzz/artifacts/{target}/; \
                 fix the bug and save the input under fuzz/regressions/{target}/",
                stats.runs.map_or("?".into(), |r| r.to_string())
            )));
        }
        rows.push((target.to_string(), took, stats.runs, regressions.len()));
    }
    println!();
    println!("| target | seconds | executions | exec/s | saved crash inputs |");
    println!("|---|---:|---:|---:|---:|");
    for (target, took, runs, saved) in &rows {
        let per_second = runs.map_or("?".into(), |r| {
            format!("{:.0}", r as f64 / took.as_secs_f64().max(0.001))
        });
        let runs = runs.map_or("?".into(), |r| r.to_string());
        println!(
            "| {target} | {:.0} | {runs} | {per_second} | {saved} |",
            took.as_secs_f64()
        );
    }
    Ok(Outcome::Done(format!(
        "{} target(s) fuzzed {seconds} s each without a crash",
        rows.len()
    )))
}

/// `cargo fuzz` from the workspace root, with what it needs on stable.
///
/// Every command of one run gets the same `build_as`, or `cargo fuzz run`
/// would rebuild what `cargo fuzz build` just built.
fn cargo_fuzz(build_as: Build) -> Command {
    let mut cmd = run::cargo();
    cmd.arg("fuzz");
    cmd.env("RUSTC_BOOTSTRAP", "1");
    if build_as == Build::Quick {
        cmd.env("CARGO_PROFILE_RELEASE_OPT_LEVEL", "1");
    }
    cmd
}

/// `None` when `cargo fuzz` works (installed now if it was missing), else why not.
fn ensure_cargo_fuzz() -> Option<String> {
    if has_cargo_fuzz() {
        return None;
    }
    println!("fuzz: cargo-fuzz is not installed; cargo install cargo-fuzz --locked");
    let mut install = run::cargo();
    install.args(["install", "cargo-fuzz", "--locked"]);
    match install.status() {
        Ok(st) if st.success() && has_cargo_fuzz() => None,
        Ok(st) => Some(format!(
            "cargo-fuzz is missing and `cargo install cargo-fuzz --locked` failed ({st})"
        )),
        Err(e) => Some(format!(
            "cargo-fuzz is missing and cargo could not be run to install it: {e}"
        )),
    }
}

fn has_cargo_fuzz() -> bool {
    let mut cmd = run::cargo();
    cmd.args(["fuzz", "--version"])
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    cmd.status().is_ok_and(|st| st.success())
}

/// What a libFuzzer run reported.
struct Stats {
    success: bool,
    runs: Option<u64>,
}

/// Runs `cmd` with its stderr echoed line by line, keeping libFuzzer's count of executions.
fn run_streaming(cmd: &mut Command) -> Result<Stats> {
    cmd.stderr(Stdio::piped());
    let mut child = cmd
        .spawn()
        .map_err(|e| Failure::failed(format!("could not start `{}`: {e}", run::describe(cmd))))?;
    let mut runs = None;
    if let Some(stderr) = child.stderr.take() {
        for line in BufReader::new(stderr)
            .lines()
            .map_while(std::result::Result::ok)
        {
            eprintln!("{line}");
            runs = executions(&line).or(runs);
        }
    }
    let st = child
        .wait()
        .map_err(|e| Failure::failed(format!("`{}`: {e}", run::describe(cmd))))?;
    Ok(Stats {
        success: st.success(),
        runs,
    })
}

/// The executions libFuzzer reports in `line`, if it reports them.
fn executions(line: &str) -> Option<u64> {
    if let Some(n) = line.strip_prefix("stat::number_of_executed_units:") {
        return n.trim().parse().ok();
    }
    // "Done 123456 runs in 15 second(s)"
    let rest = line.strip_prefix("Done ")?;
    rest.split_whitespace().next()?.parse().ok()
}

/// The saved crash inputs of `target`, sorted (none when the folder is absent).
fn regression_inputs(target: &str) -> std::result::Result<Vec<PathBuf>, String> {
    files(&fuzz_dir().join("regressions").join(target))
}

fn files(dir: &Path) -> std::result::Result<Vec<PathBuf>, String> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(format!("{}: {e}", dir.display())),
    };
    let mut out = Vec::new();
    for entry in entries {
        let path = entry.map_err(|e| format!("{}: {e}", dir.display()))?.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if path.is_file() && !name.starts_with('.') && name != "README.md" {
            out.push(path);
        }
    }
    out.sort();
    Ok(out)
}

/// `fuzz/corpus/<target>/` (not committed), with a seed per wire fixture
/// added when missing: the message itself, or for `http_request` the message
/// in an HTTP request (Content-Length and chunked framings).
fn seed_corpus(target: &str) -> std::result::Result<PathBuf, String> {
    let corpus = fuzz_dir().join("corpus").join(target);
    std::fs::create_dir_all(&corpus).map_err(|e| format!("{}: {e}", corpus.display()))?;
    if target == "wsdl_reader" {
        // The project's own contracts; SOAP messages are no WSDL.
        for contract in CONTRACT_SEEDS {
            let from = run::root().join(contract);
            let name = from.file_name().and_then(|n| n.to_str()).unwrap_or("wsdl");
            let path = corpus.join(format!("seed-{name}"));
            if !path.exists() {
                std::fs::copy(&from, &path).map_err(|e| format!("{}: {e}", from.display()))?;
            }
        }
        return Ok(corpus);
    }
    for fixture in files(&run::root().join(WIRE_FIXTURES))? {
        let name = fixture
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("fixture")
            .to_string();
        let body = std::fs::read(&fixture).map_err(|e| format!("{}: {e}", fixture.display()))?;
        let seeds: Vec<(String, Vec<u8>)> = if target == "http_request" {
            http_seeds(&name, &body)
        } else {
            vec![(name, body)]
        };
        for (name, bytes) in seeds {
            let path = corpus.join(format!("seed-{name}"));
            if !path.exists() {
                std::fs::write(&path, bytes).map_err(|e| format!("{}: {e}", path.display()))?;
            }
        }
    }
    // Seeds of the target's own (the derive target's types are no calculator's).
    let own = fuzz_dir().join("seeds").join(target);
    if own.is_dir() {
        for seed in files(&own)? {
            let name = seed.file_name().and_then(|n| n.to_str()).unwrap_or("seed");
            let path = corpus.join(format!("seed-own-{name}"));
            if !path.exists() {
                std::fs::copy(&seed, &path).map_err(|e| format!("{}: {e}", seed.display()))?;
            }
        }
    }
    Ok(corpus)
}

/// HTTP requests carrying the fixture `body`, as a peer would send it.
fn http_seeds(name: &str, body: &[u8]) -> Vec<(String, Vec<u8>)> {
    let head = |framing: &str| {
        let content_type = if name.contains("-1.2-") {
            "Content-Type: application/soap+xml; charset=utf-8; action=\"urn:a\"\r\n".to_string()
        } else {
            "Content-Type: text/xml; charset=utf-8\r\nSOAPAction: \"urn:a\"\r\n".to_string()
        };
        format!("POST /calculator HTTP/1.1\r\nHost: 127.0.0.1\r\n{content_type}{framing}\r\n")
    };
    let mut length = head(&format!("Content-Length: {}\r\n", body.len())).into_bytes();
    length.extend_from_slice(body);
    let mut chunked = head("Transfer-Encoding: chunked\r\n").into_bytes();
    for piece in body.chunks(97) {
        chunked.extend_from_slice(format!("{:x}\r\n", piece.len()).as_bytes());
        chunked.extend_from_slice(piece);
        chunked.extend_from_slice(b"\r\n");
    }
    chunked.extend_from_slice(b"0\r\n\r\n");
    // Two requests on one connection: keep-alive framing.
    let mut pipelined = length.clone();
    pipelined.extend_from_slice(&length);
    vec![
        (format!("{name}.length.http"), length),
        (format!("{name}.chunked.http"), chunked),
        (format!("{name}.pipelined.http"), pipelined),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arguments_name_a_target_and_seconds() {
        let args = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let (t, s) = parse_args(&args(&[])).expect("none");
        assert_eq!((t.len(), s), (TARGETS.len(), DEFAULT_SECONDS));
        let (t, s) = parse_args(&args(&["roundtrip", "7"])).expect("both");
        assert_eq!((t, s), (vec!["roundtrip"], 7));
        let (t, s) = parse_args(&args(&["30"])).expect("seconds");
        assert_eq!((t.len(), s), (TARGETS.len(), 30));
        assert!(parse_args(&args(&["nope"])).is_err());
        assert!(parse_args(&args(&["roundtrip", "1", "2"])).is_err());
    }

    #[test]
    fn only_the_ci_build_lowers_the_optimisation_level() {
        let level = |b| {
            cargo_fuzz(b)
                .get_envs()
                .find(|(k, _)| *k == "CARGO_PROFILE_RELEASE_OPT_LEVEL")
                .and_then(|(_, v)| v.map(|v| v.to_owned()))
        };
        assert_eq!(level(Build::Quick), Some("1".into()));
        assert_eq!(level(Build::Full), None);
    }

    #[test]
    fn libfuzzer_counts_are_read() {
        assert_eq!(executions("Done 123456 runs in 15 second(s)"), Some(123456));
        assert_eq!(executions("stat::number_of_executed_units: 42"), Some(42));
        assert_eq!(executions("#1024 pulse cov: 10"), None);
    }

    #[test]
    fn every_target_has_a_source() {
        for t in TARGETS {
            let path = fuzz_dir().join("fuzz_targets").join(format!("{t}.rs"));
            assert!(path.is_file(), "{}", path.display());
        }
    }

    #[test]
    fn http_seeds_are_framed() {
        let seeds = http_seeds("x-1.1-Add-request.xml", b"<a/>");
        assert!(
            seeds
                .iter()
                .any(|(_, s)| s.ends_with(b"Content-Length: 4\r\n\r\n<a/>"))
        );
        assert!(
            seeds
                .iter()
                .any(|(_, s)| s.ends_with(b"4\r\n<a/>\r\n0\r\n\r\n"))
        );
    }
}
