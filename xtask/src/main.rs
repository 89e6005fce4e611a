//! Project automation for wws: `cargo xtask ci | demo | bench | interop | lb | fuzz`.
//!
//! Std only, so that it builds before anything else. Every command runs
//! `cargo` (the one that invoked us, via `$CARGO`) from the workspace root and
//! streams its output unchanged.

mod bench;
mod ci;
mod demo;
mod fuzz;
mod interop;
mod lb;
mod run;

use std::process::ExitCode;

use run::Failure;

const USAGE: &str = "\
usage: cargo xtask <command> [args]

commands:
  ci               everything CI checks, in order: fmt, clippy, doc, bench build,
                   interop peers (installed when possible), tests, fuzz (each
                   target briefly, plus its saved crash inputs), interop cases,
                   lb
  demo [ARGS..]    the calculator demo on the service host
                   (cargo run --release -p wws-examples --bin demo -- ARGS)
  bench [NAME..]   run the bench programs (tests/src/bin/bench_<NAME>.rs, all
                   when no NAME) and record their tables in BENCHMARKS.md
  interop          install the interop peers when possible, then run the
                   interop tests (tests/tests/interop*.rs), then lb
  lb               several calculator hosts behind Debian's nginx (TLS and HTTP/2;
                   installed with apt-get when root): both answer, abandoned
                   calls told upstream, one host killed mid-load, curl --http2
                   (tests/src/bin/lb_nginx.rs); also run by interop and ci
  fuzz [TARGET] [SECONDS]
                   the cargo-fuzz targets of fuzz/ (all when no TARGET), SECONDS
                   each (default 60), after their saved crash inputs
                   (fuzz/regressions/<TARGET>/); installs cargo-fuzz if missing
  help             this text
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((command, rest)) = args.split_first() else {
        eprint!("{USAGE}");
        return ExitCode::from(2);
    };
    let result = match command.as_str() {
        "ci" if rest.is_empty() => ci::run(),
        "demo" => demo::run(rest),
        "bench" => bench::run(rest),
        "interop" if rest.is_empty() => interop::run(),
        "lb" if rest.is_empty() => lb::run(),
        "fuzz" => fuzz::run(rest),
        "help" | "-h" | "--help" => {
            print!("{USAGE}");
            Ok(())
        }
        _ => Err(Failure::usage(format!(
            "unknown command or arguments: {}\n\n{USAGE}",
            args.join(" ")
        ))),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("xtask: {}", failure.message);
            ExitCode::from(failure.code)
        }
    }
}
