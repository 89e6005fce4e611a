//! Host throughput (issue 7 §1): SOAP 1.1 `Add`, and `Echo` of 64 KiB and
//! 1 MiB, over loopback with keep-alive, 32 connections, driven by `wrk`
//! with `tests/interop/wrk_calculator.lua` (which checks every reply),
//! against three servers, each a separate process:
//!
//! - the calculator on `wws_host::ServiceHost` (`bench_host serve host`);
//! - the gSOAP calculator server built from the same WSDL
//!   (`tests/interop/serve_peer.py gsoap`; skipped loudly when gSOAP is missing);
//! - the bare hyper floor (`bench_host serve floor`).
//!
//! Rounds are interleaved (host, gSOAP, floor, host, …); medians are
//! reported with the ratios. `WWS_BENCH_SECONDS` (default 10) sets the length
//! of an Add round (Echo rounds last half that) and `WWS_BENCH_ROUNDS`
//! (default 3) the number of rounds. Prints
//! markdown on stdout, progress on stderr; asserts nothing.

use std::collections::HashMap;
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

use wws_tests::bench::process::ChildServer;
use wws_tests::bench::table::thousands;
use wws_tests::bench::wrk::{self, Op};
use wws_tests::bench::{Config, Table, median, process, serve};

const CONNECTIONS: usize = 32;
/// wrk threads: one per core of the 2-core machines this runs on.
const WRK_THREADS: usize = 2;
const START_WITHIN: Duration = Duration::from_secs(120);
const PEER_SKIPPED: i32 = 77;
/// One `wrk` run; rounds are made of slices, interleaved across servers, so
/// that a burst of other load on the machine hits every server alike.
const SLICE: Duration = Duration::from_secs(1);

/// A server's per-round rates (calls/s) and server CPU per call (µs).
struct Series {
    rates: Vec<f64>,
    cpu: Vec<f64>,
}

/// What one server did over the slices of a round.
#[derive(Debug, Clone, Default)]
struct Tally {
    replies: u64,
    bad: u64,
    socket_errors: u64,
    seconds: f64,
    server_cpu: f64,
}

impl Tally {
    fn add(&mut self, run: &wrk::WrkRun, server_cpu: f64) {
        self.replies += run.replies;
        self.bad += run.bad;
        self.socket_errors += run.socket_errors;
        self.seconds += run.span.as_secs_f64();
        self.server_cpu += server_cpu;
    }

    fn rate(&self) -> f64 {
        self.replies as f64 / self.seconds.max(1e-9)
    }

    fn cpu_per_call_us(&self) -> f64 {
        self.server_cpu / (self.replies.max(1) as f64) * 1e6
    }
}

struct Server {
    name: &'static str,
    child: ChildServer,
}

fn main() -> ExitCode {
    wws_tests::bench::main_blocking("bench_host", run)
}

fn run() -> Result<(), String> {
    let config = Config::from_env()?;
    let began = Instant::now();
    let load = wws_tests::bench::limits::Load::start();
    println!(
        "Host throughput (issue 7 §1): SOAP 1.1 over loopback, keep-alive, {CONNECTIONS} connections, `wrk -t{WRK_THREADS} -c{CONNECTIONS}` with `tests/interop/wrk_calculator.lua` checking every reply; each server a separate process. {}.\n",
        config.describe()
    );
    if !wrk::available() {
        eprintln!(
            "=====\nSKIPPED: wrk is not installed (tests/interop/install.sh installs it)\n====="
        );
        let mut t = Table::new(&["bench", "result"]);
        t.row(&["host throughput", "SKIPPED: wrk not installed"]);
        print!("{}", t.render());
        return Ok(());
    }

    let mut servers = Vec::new();
    // The shipped calculator host, as a user runs it: default properties,
    // default log level (info).
    let host = process::shipped_program("calculator", &["--listen", "127.0.0.1:0"])?;
    servers.push(Server {
        name: "wws host",
        child: ChildServer::start("wws host", host, START_WITHIN).map_err(|e| e.to_string())?,
    });
    let gsoap_note = match start_gsoap() {
        Ok(child) => {
            servers.push(Server {
                name: "gSOAP",
                child,
            });
            None
        }
        Err(why) => {
            eprintln!("=====\nSKIPPED gSOAP: {why}\n=====");
            Some(why)
        }
    };
    let floor = process::this_program(&["serve", "floor"])?;
    servers.push(Server {
        name: "hyper floor",
        child: ChildServer::start("hyper floor", floor, START_WITHIN).map_err(|e| e.to_string())?,
    });

    let cases = [
        ("Add", Op::Add, "calls/s"),
        ("Echo 64 KiB", Op::Echo(64 * 1024), "MB/s"),
        ("Echo 1 MiB", Op::Echo(1024 * 1024), "MB/s"),
    ];
    let mut summary = Table::new(&[
        "operation",
        ">wws host",
        ">gSOAP",
        ">hyper floor",
        ">host / floor",
        ">host / gSOAP",
        "target",
    ]);
    let mut cpu_table = Table::new(&[
        "operation",
        ">wws host",
        ">gSOAP",
        ">hyper floor",
        ">host / floor",
        ">host / gSOAP",
    ]);
    let mut detail = Table::new(&[
        "operation",
        "server",
        "rounds (calls/s)",
        ">median calls/s",
        ">median",
        "rounds (server CPU µs/call)",
        ">replies checked",
        ">bad",
        ">socket errors",
    ]);
    for (label, op, unit) in cases {
        // Warm-up: one short run each, not counted.
        for s in &servers {
            eprintln!("warm-up {label} on {}", s.name);
            wrk::run(
                s.child.addr(),
                "/calculator",
                op,
                WRK_THREADS,
                CONNECTIONS,
                SLICE,
            )?;
        }
        // Echo moves enough bytes per call to settle in half the time.
        let span = match op {
            Op::Add => config.round,
            Op::Echo(_) => (config.round / 2).max(SLICE),
        };
        let slices = (span.as_secs_f64() / SLICE.as_secs_f64()).round().max(1.0) as usize;
        // rounds[i][r]: server i, round r.
        let mut rounds: Vec<Vec<Tally>> = vec![Vec::new(); servers.len()];
        for round in 0..config.rounds {
            eprintln!(
                "{label}: round {}/{} ({slices} slices of {SLICE:?} per server)",
                round + 1,
                config.rounds
            );
            let mut tallies = vec![Tally::default(); servers.len()];
            for slice in 0..slices {
                // Rotate the order, so that no server always follows the same one.
                for k in 0..servers.len() {
                    let i = (k + slice + round) % servers.len();
                    let s = &servers[i];
                    let cpu_before = process::cpu_seconds(s.child.pid())?;
                    let r = wrk::run(
                        s.child.addr(),
                        "/calculator",
                        op,
                        WRK_THREADS,
                        CONNECTIONS,
                        SLICE,
                    )?;
                    let cpu = process::cpu_seconds(s.child.pid())? - cpu_before;
                    tallies[i].add(&r, cpu);
                }
            }
            for (i, t) in tallies.into_iter().enumerate() {
                eprintln!(
                    "  {}: {:.0} calls/s, {:.1} µs server CPU per call, {} replies, {} bad",
                    servers[i].name,
                    t.rate(),
                    t.cpu_per_call_us(),
                    t.replies,
                    t.bad
                );
                rounds[i].push(t);
            }
        }
        let value = |rps: f64| match op {
            Op::Add => rps,
            Op::Echo(bytes) => rps * bytes as f64 / 1e6,
        };
        let show = |v: f64| match op {
            Op::Add => thousands(v),
            Op::Echo(_) => format!("{v:.1}"),
        };
        // Per server: rates and CPU per call of each round, unless a reply was bad.
        let mut good: HashMap<&str, Series> = HashMap::new();
        for (i, s) in servers.iter().enumerate() {
            let runs = &rounds[i];
            let bad: u64 = runs.iter().map(|r| r.bad).sum();
            let replies: u64 = runs.iter().map(|r| r.replies).sum();
            let errors: u64 = runs.iter().map(|r| r.socket_errors).sum();
            let rates: Vec<f64> = runs.iter().map(Tally::rate).collect();
            let cpu: Vec<f64> = runs.iter().map(Tally::cpu_per_call_us).collect();
            let m = median(&rates);
            // A server that gave a bad reply gets no number.
            if bad == 0 {
                good.insert(
                    s.name,
                    Series {
                        rates: rates.clone(),
                        cpu: cpu.clone(),
                    },
                );
            }
            detail.row(&[
                label.to_owned(),
                s.name.to_owned(),
                rates
                    .iter()
                    .map(|r| thousands(*r))
                    .collect::<Vec<_>>()
                    .join(", "),
                thousands(m),
                format!("{} {unit}", show(value(m))),
                cpu.iter()
                    .map(|c| format!("{c:.1}"))
                    .collect::<Vec<_>>()
                    .join(", "),
                thousands(replies as f64),
                bad.to_string(),
                errors.to_string(),
            ]);
        }
        let missing = |name: &str| {
            if name == "gSOAP" && gsoap_note.is_some() {
                "skipped".to_owned()
            } else {
                "bad replies".to_owned()
            }
        };
        let cell = |name: &str| match good.get(name) {
            Some(Series { rates, .. }) => format!("{} {unit}", show(value(median(rates)))),
            None => missing(name),
        };
        let cpu_cell = |name: &str| match good.get(name) {
            Some(Series { cpu, .. }) => format!("{:.1} µs", median(cpu)),
            None => missing(name),
        };
        // Ratios pair the rounds (same round, adjacent slices), then take the median.
        let paired =
            |a: &str, b: &str, which: fn(&Series) -> &Vec<f64>| match (good.get(a), good.get(b)) {
                (Some(x), Some(y)) => {
                    let r: Vec<f64> = which(x).iter().zip(which(y)).map(|(p, q)| p / q).collect();
                    format!("{:.2}×", median(&r))
                }
                _ => "n/a".to_owned(),
            };
        let target = match op {
            Op::Add => "host ≥ 0.85× floor, ≥ 1.5× gSOAP",
            Op::Echo(b) if b >= 1024 * 1024 => "host ≥ 1.0× gSOAP",
            Op::Echo(_) => "—",
        };
        summary.row(&[
            label.to_owned(),
            cell("wws host"),
            cell("gSOAP"),
            cell("hyper floor"),
            paired("wws host", "hyper floor", |g| &g.rates),
            paired("wws host", "gSOAP", |g| &g.rates),
            target.to_owned(),
        ]);
        cpu_table.row(&[
            label.to_owned(),
            cpu_cell("wws host"),
            cpu_cell("gSOAP"),
            cpu_cell("hyper floor"),
            paired("wws host", "hyper floor", |g| &g.cpu),
            paired("wws host", "gSOAP", |g| &g.cpu),
        ]);
    }
    print!("{}", summary.render());
    println!();
    println!(
        "Server CPU time (user + system, from `/proc/<pid>/stat`) per call, median of rounds; less sensitive than calls/s to other load on the machine:\n"
    );
    print!("{}", cpu_table.render());
    println!();
    print!("{}", detail.render());
    println!();
    println!(
        "- A round is a sequence of {SLICE:?} `wrk` runs, one per server in rotating order, repeated for the round's length; its calls/s is that server's replies over its measured time. Ratios are the median of per-round ratios. Echo rounds last half as long as Add rounds ({:.1} s), to keep `cargo xtask bench` short.",
        (config.round / 2).max(SLICE).as_secs_f64()
    );
    println!("- Echo MB/s counts the echoed text (one direction): calls/s × text length / 10^6.");
    println!(
        "- The floor reads each body whole; for Echo it finds the text by a byte search (no XML parsing) and copies it into the reply, so it moves as many bytes as a real echo."
    );
    println!(
        "- The hosts allow {} connections and concurrent operations (bench setting; nothing else differs from the defaults). gSOAP: stock build (`serve_peer.py gsoap`), a thread per connection.",
        serve::MAX_CONNECTIONS
    );
    if let Some(why) = gsoap_note {
        println!("- gSOAP SKIPPED: {why}");
    }
    println!("{}", load.note());
    println!("- Took {:.0} s.", began.elapsed().as_secs_f64());
    Ok(())
}

fn start_gsoap() -> Result<ChildServer, String> {
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("interop/serve_peer.py");
    let mut cmd = Command::new("python3");
    cmd.arg(script).arg("gsoap").arg("0");
    match ChildServer::start("gSOAP", cmd, START_WITHIN) {
        Ok(child) => Ok(child),
        Err(f) if f.code == Some(PEER_SKIPPED) => Err(format!(
            "gSOAP is not available here ({f}); see the messages above"
        )),
        Err(f) => Err(f.to_string()),
    }
}
