//! HTTP/2 (issue 13 §6), in the same run as its floors:
//!
//! 1. h2load against the shipped `calculator` host over h2c (prior
//!    knowledge; the host detects the preface on its one port), SOAP 1.1
//!    `Add(1.5, 2.25)`, against the bare hyper HTTP/2 floor
//!    (`bench_h2 serve floor-h2`: the host benches' floor on
//!    `hyper::server::conn::http2`), each a separate process. h2load counts
//!    2xx answers; the host's replies are the ones wrk checks in bench_host.
//! 2. 10,000 `Delay` calls pending on one `ServiceProxy` over h2c against
//!    the reporting calculator host: the proxy's resident memory per
//!    pending call, `abandon_call(id)` → that call's error and → the host's
//!    `on_cancel(ChannelFaulted)` (the stream reset), and `abort()` of all
//!    (bench_cancel's round, over HTTP/2 streams instead of one connection
//!    per call).
//!
//! `WWS_BENCH_SECONDS` (default 10), `WWS_BENCH_ROUNDS` (default 3),
//! `WWS_BENCH_PENDING` (default 10,000), `WWS_BENCH_SAMPLES` (default
//! 1,000). Prints markdown on stdout, progress on stderr; asserts nothing.

use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use wws_channel::connector::Http2Mode;
use wws_core::{AddressingVersion, EnvelopeVersion, Message};
use wws_examples::calculator::{ADD_ACTION, Add};
use wws_tests::bench::cancel::{Round, latency_table, ms, round};
use wws_tests::bench::process::ChildServer;
use wws_tests::bench::table::thousands;
use wws_tests::bench::{Config, Table, median, pending, process, serve};

const CONNECTIONS: usize = 8;
const STREAMS: usize = 16;
const THREADS: usize = 2;
const REQUEST: Add = Add { a: 1.5, b: 2.25 };
const SLICE: Duration = Duration::from_secs(1);
const START_WITHIN: Duration = Duration::from_secs(60);

fn main() -> ExitCode {
    wws_tests::bench::main("bench_h2", run)
}

fn env_count(name: &str, default: usize) -> Result<usize, String> {
    match std::env::var(name) {
        Ok(v) => v
            .parse::<usize>()
            .ok()
            .filter(|n| (1..=100_000).contains(n))
            .ok_or_else(|| format!("{name}={v:?}: want 1..=100000")),
        Err(_) => Ok(default),
    }
}

async fn run() -> Result<(), String> {
    let config = Config::from_env()?;
    let began = Instant::now();
    let load = wws_tests::bench::limits::Load::start();
    println!(
        "HTTP/2 (issue 13 §6): h2c on loopback; each server a separate process. {}.\n",
        config.describe()
    );
    h2load_rounds(&config)?;
    pending_rounds(&config).await?;
    println!("{}", load.note());
    println!("- Took {:.0} s.", began.elapsed().as_secs_f64());
    Ok(())
}

/// What one h2load run counted.
#[derive(Debug, Default, Clone, Copy)]
struct H2Run {
    succeeded: u64,
    failed: u64,
    seconds: f64,
}

fn h2load_available() -> bool {
    Command::new("h2load")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// `h2load` for `span` against `url`, POSTing `body` as SOAP 1.1 `Add`.
fn h2load(url: &str, body: &std::path::Path, span: Duration) -> Result<H2Run, String> {
    let out = Command::new("h2load")
        .arg(format!("-c{CONNECTIONS}"))
        .arg(format!("-m{STREAMS}"))
        .arg(format!("-t{THREADS}"))
        .arg(format!("-D{}", span.as_secs().max(1)))
        .arg("-d")
        .arg(body)
        .args(["-H", "content-type: text/xml; charset=utf-8"])
        .args(["-H", &format!("soapaction: \"{ADD_ACTION}\"")])
        .arg(url)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("could not run h2load: {e}"))?;
    let text = String::from_utf8_lossy(&out.stdout);
    parse_h2load(&text).ok_or_else(|| {
        format!(
            "h2load ({}) printed no result:\n{text}{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// Reads `finished in <t>s, …` and `requests: … N succeeded, N failed, …`.
fn parse_h2load(text: &str) -> Option<H2Run> {
    let mut run = H2Run::default();
    let mut seen = (false, false);
    for line in text.lines() {
        let line = line.trim();
        if let Some(rest) = line.strip_prefix("finished in ") {
            let t = rest.split(',').next()?.trim();
            run.seconds = if let Some(ms) = t.strip_suffix("ms") {
                ms.parse::<f64>().ok()? / 1e3
            } else {
                t.strip_suffix('s')?.parse().ok()?
            };
            seen.0 = true;
        } else if let Some(rest) = line.strip_prefix("requests: ") {
            for part in rest.split(',') {
                let mut w = part.split_whitespace();
                let (n, what) = (w.next()?, w.next()?);
                match what {
                    "succeeded" => run.succeeded = n.parse().ok()?,
                    "failed" => run.failed = n.parse().ok()?,
                    _ => {}
                }
            }
            seen.1 = true;
        }
    }
    (seen.0 && seen.1).then_some(run)
}

fn h2load_rounds(config: &Config) -> Result<(), String> {
    if !h2load_available() {
        eprintln!(
            "=====\nSKIPPED: h2load is not installed (tests/interop/install.sh installs nghttp2-client)\n====="
        );
        println!("### h2load, Add over h2c\n\nSKIPPED: h2load not installed.\n");
        return Ok(());
    }
    let host = ChildServer::start(
        "wws host",
        process::shipped_program("calculator", &["--listen", "127.0.0.1:0"])?,
        START_WITHIN,
    )
    .map_err(|e| e.to_string())?;
    let floor = ChildServer::start(
        "hyper h2 floor",
        process::this_program(&["serve", "floor-h2"])?,
        START_WITHIN,
    )
    .map_err(|e| e.to_string())?;
    let body = Message::from_body(
        EnvelopeVersion::Soap11,
        AddressingVersion::Transport,
        ADD_ACTION,
        &REQUEST,
    )
    .and_then(|m| m.to_bytes())
    .map_err(|e| e.to_string())?;
    let file = std::env::temp_dir().join(format!("wws-bench-h2-{}.xml", std::process::id()));
    std::fs::write(&file, &body).map_err(|e| format!("{}: {e}", file.display()))?;
    let servers = [("wws host", &host), ("hyper h2 floor", &floor)];
    let url = |s: &ChildServer| format!("http://127.0.0.1:{}/calculator", s.addr().port());
    for (name, s) in &servers {
        eprintln!("h2load warm-up on {name}");
        h2load(&url(s), &file, SLICE)?;
    }
    let slices = (config.round.as_secs_f64() / SLICE.as_secs_f64())
        .round()
        .max(1.0) as usize;
    // Per server and round: (succeeded, failed, seconds, server CPU).
    let mut rounds = [Vec::new(), Vec::new()];
    for r in 0..config.rounds {
        eprintln!(
            "h2load: round {}/{} ({slices} slices of {SLICE:?} per server)",
            r + 1,
            config.rounds
        );
        let mut tally = [(0u64, 0u64, 0f64, 0f64); 2];
        for slice in 0..slices {
            for k in 0..2 {
                let i = (k + slice + r) % 2;
                let s = servers[i].1;
                let before = process::cpu_seconds(s.pid())?;
                let run = h2load(&url(s), &file, SLICE)?;
                let cpu = process::cpu_seconds(s.pid())? - before;
                let t = &mut tally[i];
                t.0 += run.succeeded;
                t.1 += run.failed;
                t.2 += run.seconds;
                t.3 += cpu;
            }
        }
        for (i, t) in tally.iter().enumerate() {
            eprintln!(
                "  {}: {:.0} calls/s, {} failed",
                servers[i].0,
                t.0 as f64 / t.2.max(1e-9),
                t.1
            );
            rounds[i].push(*t);
        }
    }
    let _ = std::fs::remove_file(&file);
    let rate = |t: &(u64, u64, f64, f64)| t.0 as f64 / t.2.max(1e-9);
    let cpu = |t: &(u64, u64, f64, f64)| t.3 / t.0.max(1) as f64 * 1e6;
    let rates = |i: usize| rounds[i].iter().map(rate).collect::<Vec<_>>();
    let cpus = |i: usize| rounds[i].iter().map(cpu).collect::<Vec<_>>();
    let failed = |i: usize| rounds[i].iter().map(|t| t.1).sum::<u64>();
    let paired = |a: &[f64], b: &[f64]| {
        let r: Vec<f64> = a.iter().zip(b).map(|(x, y)| x / y).collect();
        format!("{:.2}×", median(&r))
    };
    let mut t = Table::new(&[
        "server",
        ">median calls/s",
        "rounds (calls/s)",
        ">server CPU µs/call",
        ">failed",
        ">vs floor",
        "target",
    ]);
    for (i, (name, _)) in servers.iter().enumerate() {
        t.row(&[
            (*name).to_owned(),
            thousands(median(&rates(i))),
            rates(i)
                .iter()
                .map(|r| thousands(*r))
                .collect::<Vec<_>>()
                .join(", "),
            format!("{:.1}", median(&cpus(i))),
            failed(i).to_string(),
            if i == 0 {
                paired(&rates(0), &rates(1))
            } else {
                "1.00×".to_owned()
            },
            if i == 0 { "≥ 0.85× floor" } else { "" }.to_owned(),
        ]);
    }
    println!("### h2load, Add over h2c\n");
    print!("{}", t.render());
    println!();
    println!(
        "- `h2load -c{CONNECTIONS} -m{STREAMS} -t{THREADS} -D1` per slice ({} concurrent streams), rotating between the servers; calls/s counts 2xx answers. The host: `calculator --listen 127.0.0.1:0` as shipped (release, default properties and log level); the floor answers a fixed `AddResponse` after reading the body whole.\n",
        CONNECTIONS * STREAMS
    );
    Ok(())
}

async fn pending_rounds(config: &Config) -> Result<(), String> {
    let wanted = env_count("WWS_BENCH_PENDING", 10_000)?;
    let samples = env_count("WWS_BENCH_SAMPLES", 1_000)?;
    let mut rounds: Vec<Round> = Vec::new();
    for r in 0..config.rounds {
        eprintln!(
            "pending over h2c: round {}/{}: {wanted} calls",
            r + 1,
            config.rounds
        );
        let mut props = pending::proxy_properties(wanted + 1);
        props.channel.http2 = Http2Mode::PriorKnowledge;
        // One connection may carry them all (the host allows as many streams).
        props.max_streams_per_connection = wanted + 1;
        rounds.push(round(wanted, samples, props, false).await?);
    }
    let all = |f: fn(&Round) -> &Vec<f64>| {
        rounds
            .iter()
            .flat_map(|r| f(r).iter().copied())
            .collect::<Vec<f64>>()
    };
    let abandon = all(|r| &r.abandon_ms);
    let told = all(|r| &r.told_ms);
    let per_round = |f: fn(&Round) -> f64| rounds.iter().map(f).collect::<Vec<f64>>();
    let memory = per_round(|r| r.rss_per_call);
    let abort_all = per_round(|r| r.abort_all_ms);
    let abort_told = per_round(|r| r.abort_told_all_ms);
    let missing: usize = rounds.iter().map(|r| r.told_missing).sum();
    let wrong: usize = rounds.iter().map(|r| r.wrong_errors).sum();
    let list = |v: &[f64], digits: usize| {
        v.iter()
            .map(|x| format!("{x:.digits$}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let t = latency_table(&abandon, &told, missing, " (stream reset)");
    println!("### {wanted} calls pending on one proxy over h2c\n");
    print!("{}", t.render());
    println!();
    let mut a = Table::new(&["measure", ">median", "rounds", "target"]);
    a.row(&[
        "proxy memory per pending call (RSS, first round)".to_owned(),
        format!(
            "{} bytes",
            thousands(memory.first().copied().unwrap_or(f64::NAN))
        ),
        list(&memory, 0),
        "≤ 4,096 bytes".to_owned(),
    ]);
    a.row(&[
        format!(
            "`abort()` → all {} awaiting callers have their error",
            thousands(wanted as f64)
        ),
        ms(median(&abort_all)),
        list(&abort_all, 2),
        "< 50 ms".to_owned(),
    ]);
    a.row(&[
        "`abort()` → host told every operation".to_owned(),
        ms(median(&abort_told)),
        list(&abort_told, 1),
        String::new(),
    ]);
    print!("{}", a.render());
    println!();
    println!(
        "- Proxy: `max_pending_calls` = {}, call and receive timeouts 600 s, `http2 = PriorKnowledge`: the calls share the pool's HTTP/2 connections, a stream each. Memory: this process's VmRSS after the calls started minus before, over the calls (it includes each call's awaiting task), in the first round: later rounds reuse pages the allocator kept from the one before, so they read lower. Host: the reporting calculator, `max_concurrency` and `max_connections` {}.",
        wanted + 1,
        serve::MAX_CONNECTIONS
    );
    if wrong > 0 {
        println!(
            "- {wrong} calls ended with an error other than the expected `Abandoned`/`Aborted`."
        );
    }
    Ok(())
}
