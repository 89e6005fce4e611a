//! Reliability under attack (issue 16): the shipped calculator host, with its
//! default settings, under a connection flood and under bursts of large
//! bodies. A benchmark: it prints tables and asserts nothing.
//!
//! - Flood: 5,000 TCP connections that send nothing (reopened by the
//!   attacker as the host closes them) plus 500 slowloris connections that
//!   send a request head one byte every 100 ms, for `WWS_BENCH_FLOOD_SECONDS`
//!   (default 20). Throughout, a new client every 20 ms opens a connection,
//!   makes one `Add` call and closes: its latency (connect to reply) and
//!   errors are reported, before, during and after the flood, with the
//!   host's resident memory (peak during, and once the flood has gone).
//! - Bodies: `WWS_BENCH_BURSTS` (default 6) bursts of 200 clients each
//!   sending a ~4 MiB `Echo` at once (just under the default 4 MiB quota);
//!   the host's peak and retained resident memory after each burst.
//!
//! Loopback only; every loop is bounded in count and time.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use wws_examples::calculator::ADD_ACTION;
use wws_tests::bench::client::BareClient;
use wws_tests::bench::process::{self, ChildServer, rss_bytes};
use wws_tests::bench::{Table, limits, percentile};

const IDLE: usize = 5_000;
const SLOW: usize = 500;
const PROBE_EVERY: Duration = Duration::from_millis(20);
const PROBE_WITHIN: Duration = Duration::from_secs(5);
const BURST_CLIENTS: usize = 200;
/// Echo text per burst client: the envelope brings it just under 4 MiB.
const BURST_TEXT: usize = 4 * 1024 * 1024 - 512;

fn main() -> ExitCode {
    if let Err(e) = limits::ensure_open_files(2 * (IDLE + SLOW) as u64 + 2_048) {
        eprintln!("bench_flood: {e}");
        return ExitCode::FAILURE;
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("bench_flood: runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bench_flood: {e}");
            ExitCode::FAILURE
        }
    }
}

fn seconds(var: &str, default: u64) -> u64 {
    std::env::var(var)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

async fn run() -> Result<(), String> {
    let flood_for = Duration::from_secs(seconds("WWS_BENCH_FLOOD_SECONDS", 20));
    let bursts = seconds("WWS_BENCH_BURSTS", 6) as usize;
    let load = limits::Load::start();
    let began = Instant::now();
    let cmd = process::shipped_program("calculator", &["--listen", "127.0.0.1:0"])?;
    let host = ChildServer::start("calculator", cmd, Duration::from_secs(30))
        .map_err(|e| e.to_string())?;
    let addr = host.addr();
    let pid = host.pid();
    println!(
        "Reliability under attack (issue 16): the shipped `calculator` host with its defaults (max_connections 8192, first_byte_timeout 10 s, header_read_timeout 30 s, 4 MiB quota), loopback.\n"
    );

    // --- flood
    let before = probe_for(addr, Duration::from_secs(3)).await;
    let rss_idle = rss_bytes(pid)?;
    let fds_idle = open_fds(pid);
    let stop = Arc::new(AtomicBool::new(false));
    let reopened = Arc::new(AtomicU64::new(0));
    let mut attackers = Vec::new();
    for i in 0..IDLE {
        attackers.push(tokio::spawn(idle_attacker(
            addr,
            stop.clone(),
            reopened.clone(),
        )));
        if i % 500 == 499 {
            tokio::task::yield_now().await;
        }
    }
    for _ in 0..SLOW {
        attackers.push(tokio::spawn(slowloris(
            addr,
            stop.clone(),
            reopened.clone(),
        )));
    }
    let peak = Arc::new(AtomicU64::new(rss_idle));
    let sampler = {
        let (peak, stop) = (peak.clone(), stop.clone());
        tokio::spawn(async move {
            // Bounded by the flood's end.
            while !stop.load(Ordering::Relaxed) {
                if let Ok(rss) = rss_bytes(pid) {
                    peak.fetch_max(rss, Ordering::Relaxed);
                }
                tokio::time::sleep(Duration::from_millis(250)).await;
            }
        })
    };
    // Let the flood take hold before measuring.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let during = probe_for(addr, flood_for).await;
    stop.store(true, Ordering::Relaxed);
    for a in attackers {
        let _ = a.await;
    }
    let _ = sampler.await;
    tokio::time::sleep(Duration::from_secs(2)).await;
    let rss_after = rss_bytes(pid)?;
    let fds_after = open_fds(pid);
    let after = probe_for(addr, Duration::from_secs(3)).await;

    let mut t = Table::new(&[
        "phase",
        ">new clients",
        ">errors",
        ">p50 latency",
        ">p99 latency",
        ">max latency",
        "goal",
    ]);
    for (phase, p) in [
        ("before the flood", &before),
        ("during the flood", &during),
        ("after the flood", &after),
    ] {
        t.row(&[
            phase.to_owned(),
            p.latencies.len().to_string(),
            p.errors.to_string(),
            ms(percentile(&p.latencies, 50.0)),
            ms(percentile(&p.latencies, 99.0)),
            ms(p.latencies.iter().copied().fold(0.0, f64::max)),
            "p99 < 10 ms, no error".to_owned(),
        ]);
    }
    println!(
        "Flood: {IDLE} silent connections (reopened when closed: {} reopens) and {SLOW} slowloris heads (a byte every 100 ms) for {} s; a new client every {} ms connects, calls `Add` and closes.\n",
        reopened.load(Ordering::Relaxed),
        flood_for.as_secs(),
        PROBE_EVERY.as_millis()
    );
    print!("{}", t.render());
    let mut m = Table::new(&[
        ">host RSS idle",
        ">peak during the flood",
        ">after the flood",
        ">host descriptors before",
        ">after",
    ]);
    m.row(&[
        mib(rss_idle),
        mib(peak.load(Ordering::Relaxed)),
        mib(rss_after),
        fds_idle.to_string(),
        fds_after.to_string(),
    ]);
    println!();
    print!("{}", m.render());
    drop(host);

    // --- bodies, with glibc's default malloc and with a fixed mmap threshold
    let mut b = Table::new(&[
        "host malloc",
        "burst",
        ">ok",
        ">failed",
        ">host RSS peak",
        ">retained after",
    ]);
    let text = "x".repeat(BURST_TEXT);
    let body = Bytes::from(format!(
        "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body><c:Echo xmlns:c=\"http://example.org/wws/calculator\"><c:text>{text}</c:text></c:Echo></s:Body></s:Envelope>"
    ));
    for (malloc, env) in [
        ("glibc default", None),
        ("MALLOC_MMAP_THRESHOLD_=131072", Some("131072")),
    ] {
        let mut cmd = process::shipped_program("calculator", &["--listen", "127.0.0.1:0"])?;
        if let Some(v) = env {
            cmd.env("MALLOC_MMAP_THRESHOLD_", v);
        }
        let host = ChildServer::start("calculator", cmd, Duration::from_secs(30))
            .map_err(|e| e.to_string())?;
        let (addr, pid) = (host.addr(), host.pid());
        for burst in 1..=bursts {
            let peak = Arc::new(AtomicU64::new(0));
            let done = Arc::new(AtomicBool::new(false));
            let sampler = {
                let (peak, done) = (peak.clone(), done.clone());
                tokio::spawn(async move {
                    while !done.load(Ordering::Relaxed) {
                        if let Ok(rss) = rss_bytes(pid) {
                            peak.fetch_max(rss, Ordering::Relaxed);
                        }
                        tokio::time::sleep(Duration::from_millis(50)).await;
                    }
                })
            };
            let clients: Vec<_> = (0..BURST_CLIENTS)
                .map(|_| {
                    let body = body.clone();
                    tokio::spawn(async move {
                        let call = async {
                            let mut c = BareClient::connect(
                                addr,
                                "/calculator",
                                "http://example.org/wws/calculator/Echo",
                                body,
                            )
                            .await
                            .ok()?;
                            Some(c.call(b"EchoResponse").await)
                        };
                        matches!(
                            tokio::time::timeout(Duration::from_secs(120), call).await,
                            Ok(Some(true))
                        )
                    })
                })
                .collect();
            let mut ok = 0;
            for c in clients {
                ok += usize::from(c.await.unwrap_or(false));
            }
            done.store(true, Ordering::Relaxed);
            let _ = sampler.await;
            tokio::time::sleep(Duration::from_secs(1)).await;
            let retained = rss_bytes(pid)?;
            b.row(&[
                malloc.to_owned(),
                burst.to_string(),
                ok.to_string(),
                (BURST_CLIENTS - ok).to_string(),
                mib(peak.load(Ordering::Relaxed)),
                mib(retained),
            ]);
            eprintln!("burst {burst} ({malloc}): {ok} ok");
        }
        drop(host);
    }
    println!(
        "\nBodies: {bursts} bursts of {BURST_CLIENTS} clients each sending a {} KiB `Echo` at once (reply as large); resident memory of the host.\n",
        body.len() / 1024
    );
    print!("{}", b.render());
    println!("\n{}\n- Took {} s.", load.note(), began.elapsed().as_secs());
    Ok(())
}

/// Open descriptors of process `pid`.
fn open_fds(pid: u32) -> usize {
    std::fs::read_dir(format!("/proc/{pid}/fd"))
        .map(|d| d.count())
        .unwrap_or(0)
}

/// New clients: latencies (ms) of those answered, and the failures.
struct Probe {
    latencies: Vec<f64>,
    errors: usize,
}

async fn probe_for(addr: SocketAddr, span: Duration) -> Probe {
    let add = Bytes::from_static(b"<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body><c:Add xmlns:c=\"http://example.org/wws/calculator\"><c:a>1.5</c:a><c:b>2.25</c:b></c:Add></s:Body></s:Envelope>");
    let started = Instant::now();
    let end = started + span;
    let mut probes = Vec::new();
    // Bounded by `span`: one new client per PROBE_EVERY.
    while Instant::now() < end {
        let add = add.clone();
        probes.push(tokio::spawn(async move {
            let t0 = Instant::now();
            let call = async {
                let mut c = BareClient::connect(addr, "/calculator", ADD_ACTION, add)
                    .await
                    .ok()?;
                c.call(b"3.75").await.then_some(())
            };
            match tokio::time::timeout(PROBE_WITHIN, call).await {
                Ok(Some(())) => {
                    let ms = t0.elapsed().as_secs_f64() * 1e3;
                    if ms > 10.0 && std::env::var_os("WWS_BENCH_FLOOD_TRACE").is_some() {
                        eprintln!("slow probe at {:?}: {ms:.1} ms", t0.duration_since(started));
                    }
                    Some(ms)
                }
                _ => None,
            }
        }));
        tokio::time::sleep(PROBE_EVERY).await;
    }
    let mut p = Probe {
        latencies: Vec::new(),
        errors: 0,
    };
    for probe in probes {
        match probe.await {
            Ok(Some(ms)) => p.latencies.push(ms),
            _ => p.errors += 1,
        }
    }
    p
}

/// Holds a silent connection; opens another when the host closes it.
async fn idle_attacker(addr: SocketAddr, stop: Arc<AtomicBool>, reopened: Arc<AtomicU64>) {
    let mut first = true;
    // Bounded by `stop`.
    while !stop.load(Ordering::Relaxed) {
        let Ok(mut s) = TcpStream::connect(addr).await else {
            tokio::time::sleep(Duration::from_millis(100)).await;
            continue;
        };
        if !first {
            reopened.fetch_add(1, Ordering::Relaxed);
        }
        first = false;
        let mut buf = [0u8; 64];
        // Wait for the host to close it, or the flood to end.
        loop {
            tokio::select! {
                r = s.read(&mut buf) => if matches!(r, Ok(0) | Err(_)) { break },
                _ = tokio::time::sleep(Duration::from_millis(500)) => {
                    if stop.load(Ordering::Relaxed) { return; }
                }
            }
        }
    }
}

/// Sends a request head one byte every 100 ms, for ever; reconnects when closed.
async fn slowloris(addr: SocketAddr, stop: Arc<AtomicBool>, reopened: Arc<AtomicU64>) {
    const HEAD: &[u8] = b"POST /calculator HTTP/1.1\r\nHost: x\r\nX-Slow: ";
    // Bounded by `stop`.
    while !stop.load(Ordering::Relaxed) {
        let Ok(mut s) = TcpStream::connect(addr).await else {
            tokio::time::sleep(Duration::from_millis(100)).await;
            continue;
        };
        let mut sent = 0usize;
        loop {
            if stop.load(Ordering::Relaxed) {
                return;
            }
            let byte = HEAD.get(sent).copied().unwrap_or(b'a');
            if s.write_all(&[byte]).await.is_err() {
                reopened.fetch_add(1, Ordering::Relaxed);
                break;
            }
            sent += 1;
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

fn ms(v: f64) -> String {
    if v.is_nan() {
        "—".to_owned()
    } else {
        format!("{v:.2} ms")
    }
}

fn mib(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
}
