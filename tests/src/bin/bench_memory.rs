//! Memory (issue 7 §4): resident bytes per pending call on the proxy and per
//! idle keep-alive connection on the host, from RSS deltas over 10,000.
//!
//! - Proxy: a fresh process of this program (`bench_memory probe proxy N`)
//!   opens a `ServiceProxy` against the reporting calculator host (its own
//!   child process), makes a few calls to warm up, reads its own `VmRSS`,
//!   starts N `Delay` calls (kept as `PendingCall`s in a `Vec`, no task per
//!   caller) and, once the host reports all N operations started, reads
//!   `VmRSS` again. Bytes per call = delta / N.
//! - Bare hyper client, for comparison: the same in a fresh process, with
//!   one `hyper::client::conn::http1` connection per request.
//! - Host: the calculator host as a child process; after a warm-up, its
//!   `VmRSS` is read, N keep-alive connections each make one `Add` call and
//!   stay open idle, and its `VmRSS` is read again. The bare hyper floor
//!   server is measured the same way, for comparison.
//!
//! Rounds are interleaved; medians reported. `WWS_BENCH_ROUNDS` (default 3),
//! `WWS_BENCH_PENDING` (default 10,000). Prints markdown on stdout, progress
//! on stderr; asserts nothing. RSS counts user-space memory only: kernel
//! socket buffers are not in it.

use std::process::{ExitCode, Stdio};
use std::time::{Duration, Instant};

use wws_examples::calculator::{ADD_ACTION, Add, AddResponse, DELAY_ACTION, Delay};
use wws_proxy::CallOptions;
use wws_tests::bench::calc::soap11;
use wws_tests::bench::client::BareClient;
use wws_tests::bench::pending::{self, ReportingHost};
use wws_tests::bench::process::{self, ChildServer, rss_bytes};
use wws_tests::bench::table::thousands;
use wws_tests::bench::{Config, Table, limits, median, serve};

const FD_HEADROOM: u64 = 512;
const SETUP_WITHIN: Duration = Duration::from_secs(120);
/// Connections opened at once on the host side.
const CONNECT_BATCH: usize = pending::BATCH;
/// The host closes keep-alive connections idle this long (listener `header_read_timeout` default).
const IDLE_TIMEOUT: Duration = Duration::from_secs(30);

fn main() -> ExitCode {
    if let Some(code) = serve::serve_if_asked() {
        return code;
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("bench_memory: runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.as_slice() {
        [probe, client, n] if probe == "probe" => match (client.as_str(), n.parse::<usize>()) {
            ("proxy", Ok(n)) => runtime.block_on(probe_proxy(n)),
            ("bare", Ok(n)) => runtime.block_on(probe_bare(n)),
            _ => Err(format!("bad probe arguments {client:?} {n:?}")),
        }
        .map(|per_call| println!("bytes-per-call {per_call}")),
        [] => runtime.block_on(run()),
        _ => Err(format!("unknown arguments {args:?}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bench_memory: {e}");
            ExitCode::FAILURE
        }
    }
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
    let wanted = env_count("WWS_BENCH_PENDING", 10_000)?;
    let began = Instant::now();
    let load = wws_tests::bench::limits::Load::start();
    let limit = limits::ensure_open_files(wanted as u64 + FD_HEADROOM)?;
    let n = wanted.min(usize::try_from(limit.saturating_sub(FD_HEADROOM)).unwrap_or(wanted));
    if n < wanted {
        eprintln!("=====\nopen-files limit {limit}: measuring over {n} instead of {wanted}\n=====");
    }

    let mut proxy_rounds = Vec::new();
    let mut bare_rounds = Vec::new();
    let mut host_rounds = Vec::new();
    let mut floor_rounds = Vec::new();
    for r in 0..config.rounds {
        for (client, out) in [("proxy", &mut proxy_rounds), ("bare", &mut bare_rounds)] {
            eprintln!(
                "round {}/{}: {client} client, {n} pending calls",
                r + 1,
                config.rounds
            );
            let per_call = run_probe(client, n)?;
            eprintln!("  {per_call:.0} B per pending call");
            out.push(per_call);
        }
        for (name, kind, out) in [
            ("wws host", "host", &mut host_rounds),
            ("hyper floor", "floor", &mut floor_rounds),
        ] {
            eprintln!(
                "round {}/{}: {name}, {n} idle connections",
                r + 1,
                config.rounds
            );
            let per_conn = idle_connections(kind, n).await?;
            eprintln!("  {per_conn:.0} B per idle connection");
            out.push(per_conn);
        }
    }

    println!(
        "Memory (issue 7 §4): resident bytes (VmRSS deltas) over {} pending calls / idle keep-alive connections; {} rounds, each in fresh processes, interleaved; medians.\n",
        thousands(n as f64),
        config.rounds
    );
    let mut t = Table::new(&[
        "what",
        ">median bytes each",
        "rounds (bytes each)",
        "target",
    ]);
    let list = |v: &[f64]| {
        v.iter()
            .map(|x| thousands(*x))
            .collect::<Vec<_>>()
            .join(", ")
    };
    t.row(&[
        "proxy: per pending call".to_owned(),
        thousands(median(&proxy_rounds)),
        list(&proxy_rounds),
        "≤ 16,384".to_owned(),
    ]);
    t.row(&[
        "bare hyper client: per pending request".to_owned(),
        thousands(median(&bare_rounds)),
        list(&bare_rounds),
        "(comparison)".to_owned(),
    ]);
    t.row(&[
        "host: per idle keep-alive connection".to_owned(),
        thousands(median(&host_rounds)),
        list(&host_rounds),
        "≤ 16,384".to_owned(),
    ]);
    t.row(&[
        "hyper floor server: per idle keep-alive connection".to_owned(),
        thousands(median(&floor_rounds)),
        list(&floor_rounds),
        "(comparison)".to_owned(),
    ]);
    print!("{}", t.render());
    println!();
    println!(
        "- Proxy: a pending call is a `PendingCall` kept in a `Vec` (no task per caller), its slot, its call task and its own connection (`Channel`, HTTP/1.1), waiting for the reply of a `Delay` the host has started. `max_pending_calls` = N; default pool size."
    );
    println!(
        "- Host: each connection made one `Add` call and is idle in keep-alive. Host: `max_connections` and `max_concurrency` {} (bench setting).",
        serve::MAX_CONNECTIONS
    );
    println!(
        "- RSS counts user-space pages only (kernel socket buffers are not in it); the baseline is read after a warm-up, so one-time runtime setup is not counted."
    );
    println!("{}", load.note());
    println!("- Took {:.0} s.", began.elapsed().as_secs_f64());
    Ok(())
}

/// Runs `bench_memory probe <client> n` and returns its bytes per call.
fn run_probe(client: &str, n: usize) -> Result<f64, String> {
    let mut cmd = process::this_program(&["probe", client, &n.to_string()])?;
    let out = cmd
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("probe-proxy: {e}"))?;
    let text = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() {
        return Err(format!("probe-proxy failed ({}): {text}", out.status));
    }
    text.lines()
        .find_map(|l| {
            l.strip_prefix("bytes-per-call ")?
                .trim()
                .parse::<f64>()
                .ok()
        })
        .ok_or_else(|| format!("probe-proxy printed no result: {text}"))
}

/// In a fresh process: RSS per pending call of a proxy with `n` pending calls.
async fn probe_proxy(n: usize) -> Result<f64, String> {
    let mut host = ReportingHost::start()?;
    let proxy = pending::open_proxy(host.child.addr(), pending::proxy_properties(n)).await?;
    // Warm-up: a few whole calls, so that the runtime, pool and codec are set up.
    for _ in 0..32 {
        proxy
            .call::<Add, AddResponse>(ADD_ACTION, &Add { a: 1.5, b: 2.25 }, CallOptions::new())
            .await
            .map_err(|e| format!("warm-up call: {e}"))?;
    }
    let me = std::process::id();
    let before = rss_bytes(me)?;
    let mut calls = Vec::with_capacity(n);
    let mut other = Vec::new();
    let deadline = Instant::now() + SETUP_WITHIN;
    while calls.len() < n {
        let batch = pending::BATCH.min(n - calls.len());
        for _ in 0..batch {
            calls.push(pending::start_call(
                &proxy,
                pending::TAG_BASE + calls.len() as i32,
            ));
        }
        let left = deadline.saturating_duration_since(Instant::now());
        if host.wait_started(batch, left, &mut other).await < batch {
            proxy.abort();
            return Err(format!(
                "only some of {n} calls started within {SETUP_WITHIN:?}"
            ));
        }
    }
    let after = rss_bytes(me)?;
    eprintln!(
        "  {n} calls pending after {:.1} s",
        (Instant::now() + SETUP_WITHIN - deadline).as_secs_f64()
    );
    if proxy.pending_calls() != n {
        return Err(format!("{} calls pending, not {n}", proxy.pending_calls()));
    }
    proxy.abort();
    drop(calls);
    Ok(after.saturating_sub(before) as f64 / n as f64)
}

/// In a fresh process: RSS per pending request of `n` bare hyper client
/// connections, each with one `Delay` POST sent and its response awaited by
/// no one (the connection task drives the I/O).
async fn probe_bare(n: usize) -> Result<f64, String> {
    let mut host = ReportingHost::start()?;
    let addr = host.child.addr();
    let add = soap11(ADD_ACTION, &Add { a: 1.5, b: 2.25 });
    let mut warm = tokio::task::JoinSet::new();
    for _ in 0..32 {
        let add = add.clone();
        warm.spawn(async move {
            let mut c = BareClient::connect(addr, "/calculator", ADD_ACTION, add)
                .await
                .ok()?;
            c.call(b"3.75").await.then_some(())
        });
    }
    while let Some(r) = warm.join_next().await {
        r.map_err(|e| e.to_string())?.ok_or("warm-up call failed")?;
    }
    let me = std::process::id();
    let before = rss_bytes(me)?;
    let mut clients = Vec::with_capacity(n);
    let mut responses = Vec::with_capacity(n);
    let mut other = Vec::new();
    let deadline = Instant::now() + SETUP_WITHIN;
    while clients.len() < n {
        let batch = pending::BATCH.min(n - clients.len());
        for _ in 0..batch {
            let tag = pending::TAG_BASE + clients.len() as i32;
            let body = soap11(DELAY_ACTION, &Delay { milliseconds: tag });
            let mut c = BareClient::connect(addr, "/calculator", DELAY_ACTION, body)
                .await
                .map_err(|e| format!("connect: {e}"))?;
            let response = c
                .send()
                .await
                .ok_or("connection closed before the request")?;
            responses.push(Box::pin(response));
            clients.push(c);
        }
        let left = deadline.saturating_duration_since(Instant::now());
        if host.wait_started(batch, left, &mut other).await < batch {
            return Err(format!(
                "only some of {n} requests started within {SETUP_WITHIN:?}"
            ));
        }
    }
    let after = rss_bytes(me)?;
    eprintln!(
        "  {n} requests pending after {:.1} s",
        (Instant::now() + SETUP_WITHIN - deadline).as_secs_f64()
    );
    drop(responses);
    drop(clients);
    Ok(after.saturating_sub(before) as f64 / n as f64)
}

/// RSS per idle keep-alive connection of the server `kind` (`host`, `floor`), over `n`.
async fn idle_connections(kind: &str, n: usize) -> Result<f64, String> {
    let server = ChildServer::start(
        kind,
        process::this_program(&["serve", kind])?,
        Duration::from_secs(60),
    )
    .map_err(|e| e.to_string())?;
    let addr = server.addr();
    let body = soap11(ADD_ACTION, &Add { a: 1.5, b: 2.25 });
    let connect = |body: bytes::Bytes| async move {
        let mut c = BareClient::connect(addr, "/calculator", ADD_ACTION, body)
            .await
            .map_err(|e| format!("connect: {e}"))?;
        if c.call(b"3.75").await {
            Ok(c)
        } else {
            Err("bad reply".to_owned())
        }
    };
    // Warm-up: a batch of connections that make a call and close again.
    let mut warm = tokio::task::JoinSet::new();
    for _ in 0..CONNECT_BATCH {
        warm.spawn(connect(body.clone()));
    }
    while let Some(r) = warm.join_next().await {
        r.map_err(|e| e.to_string())??;
    }
    let before = rss_bytes(server.pid())?;
    let t = Instant::now();
    let mut idle = Vec::with_capacity(n);
    while idle.len() < n {
        let batch = CONNECT_BATCH.min(n - idle.len());
        let mut set = tokio::task::JoinSet::new();
        for _ in 0..batch {
            set.spawn(connect(body.clone()));
        }
        while let Some(r) = set.join_next().await {
            idle.push(r.map_err(|e| e.to_string())??);
        }
        if t.elapsed() > SETUP_WITHIN {
            return Err(format!(
                "{kind}: {} connections after {SETUP_WITHIN:?}",
                idle.len()
            ));
        }
    }
    let after = rss_bytes(server.pid())?;
    let took = t.elapsed();
    eprintln!("  {n} idle connections after {:.1} s", took.as_secs_f64());
    if took >= IDLE_TIMEOUT {
        eprintln!("  warning: setup took {took:?}; the first connections may have timed out idle");
    }
    drop(idle);
    Ok(after.saturating_sub(before) as f64 / n as f64)
}
