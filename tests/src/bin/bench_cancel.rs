//! Cancellation latency (issue 7 §3), with 10,000 `Delay` calls pending on
//! one `ServiceProxy` against the calculator host (a separate process,
//! `bench_cancel serve host-reporting`, whose `Delay` reports on stdout when
//! it starts and, from its `OperationContext::on_cancel` hook, when it is
//! cancelled):
//!
//! - abandon: time from `abandon_call(id)` until the task awaiting that
//!   call has its error (samples taken one after another; after each, a new
//!   call replaces the abandoned one, so 10,000 stay pending);
//! - server told: time from that `abandon_call` until the host's `on_cancel`
//!   hook runs with `ChannelFaulted` (the two processes compare
//!   CLOCK_REALTIME, which they share);
//! - abort: time from `abort()` until the last of the 10,000 awaiting tasks
//!   has its error; and until the host has told the last operation.
//!
//! Each round uses a fresh host process and proxy. `WWS_BENCH_ROUNDS`
//! (default 3), `WWS_BENCH_PENDING` (default 10,000), `WWS_BENCH_SAMPLES`
//! (abandon samples per round, default 1,000). `WWS_BENCH_PERF_CTL=<fifo>`
//! with `WWS_BENCH_PERF_SPAN=abort|floor-abort` limits a
//! `perf record -D -1 --control=fifo:<fifo>` profile to the proxy's abort
//! span or the floor's. Prints markdown on stdout,
//! progress on stderr; asserts nothing.

use std::collections::HashMap;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use bytes::Bytes;
use tokio::net::TcpStream;
use wws_core::{AddressingVersion, EnvelopeVersion, Message};
use wws_examples::calculator::{DELAY_ACTION, Delay};
use wws_tests::bench::calc::unix_nanos;
use wws_tests::bench::pending::{self, AwaitedCalls, HostEvent, ReportingHost};
use wws_tests::bench::table::thousands;
use wws_tests::bench::{Config, Table, limits, median, percentile, serve};

/// File descriptors besides the sockets of the calls.
const FD_HEADROOM: u64 = 512;
/// Bound on setting up the pending calls of one round.
const SETUP_WITHIN: Duration = Duration::from_secs(120);
/// Bound on waiting for one abandoned call's error, or for the host's reports.
const WAIT: Duration = Duration::from_secs(10);
/// Tags of the floor's requests (the proxy's start at `pending::TAG_BASE`).
const BARE_TAG_BASE: i32 = 2_000_000_000;

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
            eprintln!("bench_cancel: runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bench_cancel: {e}");
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

/// One round's measurements.
#[derive(Default)]
struct Round {
    abandon_ms: Vec<f64>,
    told_ms: Vec<f64>,
    told_missing: usize,
    wrong_errors: usize,
    abort_all_ms: f64,
    abort_call_us: f64,
    abort_told_all_ms: f64,
    abort_told: usize,
    bare: Option<BareAbort>,
    bare_first: Option<BareAbort>,
}

async fn run() -> Result<(), String> {
    let config = Config::from_env()?;
    let wanted = env_count("WWS_BENCH_PENDING", 10_000)?;
    let samples = env_count("WWS_BENCH_SAMPLES", 1_000)?;
    let began = Instant::now();
    let load = wws_tests::bench::limits::Load::start();
    let limit = limits::ensure_open_files(wanted as u64 + FD_HEADROOM)?;
    let pending = wanted.min(usize::try_from(limit.saturating_sub(FD_HEADROOM)).unwrap_or(wanted));
    if pending < wanted {
        eprintln!(
            "=====\nopen-files limit {limit}: only {pending} pending calls instead of {wanted}\n====="
        );
    }

    let mut rounds = Vec::new();
    for r in 0..config.rounds {
        eprintln!("round {}/{}: {pending} pending calls", r + 1, config.rounds);
        rounds.push(round(pending, samples).await?);
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
    let abort_all = per_round(|r| r.abort_all_ms);
    let abort_told = per_round(|r| r.abort_told_all_ms);
    let abort_call = per_round(|r| r.abort_call_us);
    let bare = |first: bool, f: fn(&BareAbort) -> f64| {
        rounds
            .iter()
            .map(|r| {
                if first { &r.bare_first } else { &r.bare }
                    .as_ref()
                    .map_or(f64::NAN, f)
            })
            .collect::<Vec<f64>>()
    };
    let list = |v: &[f64], digits: usize| {
        v.iter()
            .map(|x| format!("{x:.digits$}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let missing: usize = rounds.iter().map(|r| r.told_missing).sum();
    let wrong: usize = rounds.iter().map(|r| r.wrong_errors).sum();
    let told_after_abort: Vec<usize> = rounds.iter().map(|r| r.abort_told).collect();

    println!(
        "Cancellation latency (issue 7 §3): {pending} `Delay` calls pending on one `ServiceProxy` (SOAP 1.1, one connection each) against the calculator host in a separate process; {} rounds, each with a fresh host and proxy, {samples} abandon samples per round.\n",
        config.rounds
    );
    let mut t = Table::new(&["measure", ">p50", ">p99", ">max", "samples", "target"]);
    t.row(&[
        "`abandon_call(id)` → that call's error".to_owned(),
        ms(percentile(&abandon, 50.0)),
        ms(percentile(&abandon, 99.0)),
        ms(percentile(&abandon, 100.0)),
        thousands(abandon.len() as f64),
        "p99 < 1 ms".to_owned(),
    ]);
    t.row(&[
        "`abandon_call(id)` → host's `on_cancel(ChannelFaulted)`".to_owned(),
        ms(percentile(&told, 50.0)),
        ms(percentile(&told, 99.0)),
        ms(percentile(&told, 100.0)),
        format!(
            "{}{}",
            thousands(told.len() as f64),
            if missing > 0 {
                format!(" ({missing} never told)")
            } else {
                String::new()
            }
        ),
        "< 10 ms".to_owned(),
    ]);
    print!("{}", t.render());
    println!();
    let mut a = Table::new(&["measure", ">median", "rounds", "target"]);
    a.row(&[
        format!(
            "`abort()` → all {} awaiting callers have their error",
            thousands(pending as f64)
        ),
        ms(median(&abort_all)),
        list(&abort_all, 2),
        "< 50 ms".to_owned(),
    ]);
    a.row(&[
        "`abort()` call itself returns".to_owned(),
        ms(median(&abort_call) / 1000.0),
        list(
            &abort_call.iter().map(|us| us / 1000.0).collect::<Vec<_>>(),
            2,
        ),
        String::new(),
    ]);
    a.row(&[
        format!(
            "`abort()` → host told every operation (told: {})",
            told_after_abort
                .iter()
                .map(|n| thousands(*n as f64))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        ms(median(&abort_told)),
        list(&abort_told, 1),
        String::new(),
    ]);
    for (first, label) in [
        (false, "floor, each caller closes its socket"),
        (true, "floor, callers first, then sockets closed"),
    ] {
        for (what, f) in [
            (
                "all callers woken",
                (|b: &BareAbort| b.woken_ms) as fn(&BareAbort) -> f64,
            ),
            ("all sockets closed", |b: &BareAbort| b.dropped_ms),
            ("host told every operation", |b: &BareAbort| b.told_ms),
        ] {
            let v = bare(first, f);
            a.row(&[
                format!("{label}: signal → {what}"),
                ms(median(&v)),
                list(&v, 1),
                "(comparison)".to_owned(),
            ]);
        }
    }
    print!("{}", a.render());
    println!();
    println!(
        "- Floors: the same number of `Delay` requests, each on a bare `hyper::client::conn::http1` connection owned by one task that awaits the response or a shared `watch` signal. On the signal the task reports that it woke, then drops the connection (closing the socket) and reports again: at once (\"each caller closes its socket\"), or only after every task has woken (\"callers first\", a second signal). This is the least any client can do to give up that many exchanges: wake every waiter and close every socket."
    );
    println!(
        "- Latencies in ms. A caller is a tokio task awaiting its `PendingCall`; it takes `Instant::now()` when the await returns, so the span includes waking that task."
    );
    println!(
        "- Host told: the host's `on_cancel` hook takes CLOCK_REALTIME when it runs; the bench takes it just before `abandon_call` (same clock, two processes)."
    );
    println!(
        "- Proxy: `max_pending_calls` = {}, call and receive timeouts 600 s; one connection per pending call (so {} sockets each side). Host: `max_concurrency` and `max_connections` {}.",
        pending + 1,
        thousands(pending as f64),
        serve::MAX_CONNECTIONS
    );
    if wrong > 0 {
        println!(
            "- {wrong} calls ended with an error other than the expected `Abandoned`/`Aborted`."
        );
    }
    println!("{}", load.note());
    println!("- Took {:.0} s.", began.elapsed().as_secs_f64());
    Ok(())
}

/// The floor of abort: `n` bare hyper requests pending on `host`, each in a
/// task of its own that, when a shared signal fires, reports that it woke
/// and drops its connection (closing the socket). With `callers_first`, the
/// tasks drop their connections only once every task has woken (a second
/// signal), as a client that completes every call before tearing down would.
async fn bare_abort(
    host: &mut ReportingHost,
    n: usize,
    callers_first: bool,
) -> Result<BareAbort, String> {
    use http_body_util::Full;
    use hyper::client::conn::http1;
    use hyper_util::rt::TokioIo;

    enum Event {
        Woken(Instant),
        Dropped(Instant),
    }
    let addr = host.child.addr();
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let (close_tx, close_rx) = tokio::sync::watch::channel(!callers_first);
    let (done_tx, mut done_rx) = tokio::sync::mpsc::unbounded_channel::<Event>();
    let mut other = Vec::new();
    let mut started = 0;
    let t = Instant::now();
    let tag_base = BARE_TAG_BASE + if callers_first { 50_000 } else { 0 };
    while started < n {
        let batch = pending::BATCH.min(n - started);
        for i in 0..batch {
            let tag = tag_base + (started + i) as i32;
            let body = Message::from_body(
                EnvelopeVersion::Soap11,
                AddressingVersion::Transport,
                DELAY_ACTION,
                &Delay { milliseconds: tag },
            )
            .expect("from_body")
            .to_bytes()
            .expect("to_bytes");
            let stream = TcpStream::connect(addr)
                .await
                .map_err(|e| format!("connect: {e}"))?;
            let (mut sender, conn) = http1::handshake::<_, Full<Bytes>>(TokioIo::new(stream))
                .await
                .map_err(|e| format!("handshake: {e}"))?;
            let req = http::Request::post("/calculator")
                .header(http::header::HOST, addr.to_string())
                .header(http::header::CONTENT_TYPE, "text/xml; charset=utf-8")
                .header("soapaction", format!("\"{DELAY_ACTION}\""))
                .body(Full::new(body))
                .map_err(|e| e.to_string())?;
            let response = sender.send_request(req);
            let (mut stop, mut close, done) = (stop_rx.clone(), close_rx.clone(), done_tx.clone());
            tokio::spawn(async move {
                let mut conn = Box::pin(conn);
                tokio::select! {
                    _ = &mut conn => {}
                    _ = response => {}
                    _ = stop.wait_for(|s| *s) => {}
                }
                let _ = done.send(Event::Woken(Instant::now()));
                let _ = close.wait_for(|c| *c).await;
                // Dropping the connection closes the socket.
                drop(conn);
                drop(sender);
                let _ = done.send(Event::Dropped(Instant::now()));
            });
        }
        let left = SETUP_WITHIN.saturating_sub(t.elapsed());
        if host.wait_started(batch, left, &mut other).await < batch {
            return Err(format!(
                "bare floor: only some of {n} requests started within {SETUP_WITHIN:?}"
            ));
        }
        started += batch;
    }
    drop(done_tx);
    let span = if callers_first {
        "floor-first-abort"
    } else {
        "floor-abort"
    };
    limits::perf_control(span, "enable");
    let wall = unix_nanos();
    let t0 = Instant::now();
    let _ = stop_tx.send(true);
    let (mut woken, mut dropped) = (0, 0);
    let (mut last_woken, mut last) = (t0, t0);
    while dropped < n {
        let event = tokio::time::timeout(WAIT, done_rx.recv())
            .await
            .map_err(|_| format!("bare floor: not every task ended within {WAIT:?}"))?
            .ok_or("bare floor: tasks gone")?;
        match event {
            Event::Woken(at) => {
                woken += 1;
                last_woken = last_woken.max(at);
                if woken == n {
                    let _ = close_tx.send(true);
                }
            }
            Event::Dropped(at) => {
                dropped += 1;
                last = last.max(at);
            }
        }
    }
    limits::perf_control(span, "disable");
    let mut told = 0;
    let mut latest = wall;
    let deadline = tokio::time::Instant::now() + WAIT;
    while told < n {
        match tokio::time::timeout_at(deadline, host.events.recv()).await {
            Ok(Some(HostEvent::Cancelled { tag, unix_ns, .. })) if tag >= tag_base => {
                told += 1;
                latest = latest.max(unix_ns);
            }
            Ok(Some(_)) => {}
            Ok(None) | Err(_) => break,
        }
    }
    let told_ms = if told == n {
        latest.saturating_sub(wall) as f64 / 1e6
    } else {
        f64::NAN
    };
    Ok(BareAbort {
        woken_ms: last_woken.duration_since(t0).as_secs_f64() * 1e3,
        dropped_ms: last.duration_since(t0).as_secs_f64() * 1e3,
        told_ms,
    })
}

/// The floor's times after the signal, in ms.
struct BareAbort {
    /// Until the last task woke (before it closed its socket).
    woken_ms: f64,
    /// Until the last task had dropped its connection.
    dropped_ms: f64,
    /// Until the host told the last operation.
    told_ms: f64,
}

fn ms(x: f64) -> String {
    if x.is_finite() {
        format!("{x:.3} ms")
    } else {
        "n/a".into()
    }
}

async fn round(pending: usize, samples: usize) -> Result<Round, String> {
    let mut host = ReportingHost::start()?;
    let proxy =
        pending::open_proxy(host.child.addr(), pending::proxy_properties(pending + 1)).await?;
    let mut calls = AwaitedCalls::new(proxy.clone());
    let mut cancels = Vec::new();
    let t = Instant::now();
    let started = calls
        .launch_many(&mut host, pending, SETUP_WITHIN, &mut cancels)
        .await;
    if started < pending {
        proxy.abort();
        return Err(format!(
            "only {started} of {pending} calls started within {SETUP_WITHIN:?}"
        ));
    }
    eprintln!(
        "  {pending} calls pending after {:.1} s",
        t.elapsed().as_secs_f64()
    );
    let mut out = Round::default();

    // Abandon one at a time, oldest first; each is replaced by a new call.
    let mut abandoned_at: HashMap<i32, u128> = HashMap::new();
    for k in 0..samples {
        let tag = pending::TAG_BASE + k as i32;
        let id = calls.id(tag).ok_or("no such call")?;
        let wall = unix_nanos();
        let t0 = Instant::now();
        proxy
            .abandon_call(id)
            .map_err(|e| format!("abandon_call: {e}"))?;
        abandoned_at.insert(tag, wall);
        let done = tokio::time::timeout(WAIT, calls.done.recv())
            .await
            .map_err(|_| format!("abandoned call {tag} did not end within {WAIT:?}"))?
            .ok_or("awaiting tasks gone")?;
        if done.tag != tag {
            return Err(format!(
                "call {} ended while abandoning {tag}: {:?}",
                done.tag, done.result
            ));
        }
        if !matches!(done.result, Err(wws_core::Error::Abandoned { .. })) {
            out.wrong_errors += 1;
        }
        out.abandon_ms
            .push(done.at.duration_since(t0).as_secs_f64() * 1e3);
        calls.launch();
    }
    // The replacements start, and the host reports the abandoned ones.
    let seen = host.wait_started(samples, WAIT, &mut cancels).await;
    if seen < samples {
        eprintln!("  only {seen} of {samples} replacement calls started");
    }
    let deadline = tokio::time::Instant::now() + WAIT;
    while cancels.len() < samples {
        match tokio::time::timeout_at(deadline, host.events.recv()).await {
            Ok(Some(e @ HostEvent::Cancelled { .. })) => cancels.push(e),
            Ok(Some(HostEvent::Started(_))) => {}
            Ok(None) | Err(_) => break,
        }
    }
    for e in cancels.drain(..) {
        if let HostEvent::Cancelled {
            tag,
            reason,
            unix_ns,
        } = e
            && let Some(wall) = abandoned_at.remove(&tag)
            && reason == "ChannelFaulted"
        {
            out.told_ms.push(unix_ns.saturating_sub(wall) as f64 / 1e6);
        }
    }
    out.told_missing = abandoned_at.len();

    // Abort with every call pending.
    let now_pending = proxy.pending_calls();
    limits::perf_control("abort", "enable");
    let wall = unix_nanos();
    let t0 = Instant::now();
    proxy.abort();
    out.abort_call_us = t0.elapsed().as_secs_f64() * 1e6;
    let mut last = t0;
    for _ in 0..now_pending {
        let done = tokio::time::timeout(WAIT, calls.done.recv())
            .await
            .map_err(|_| format!("not every call ended within {WAIT:?} of abort()"))?
            .ok_or("awaiting tasks gone")?;
        if !matches!(done.result, Err(wws_core::Error::Aborted { .. })) {
            out.wrong_errors += 1;
        }
        last = last.max(done.at);
    }
    out.abort_all_ms = last.duration_since(t0).as_secs_f64() * 1e3;
    limits::perf_control("abort", "disable");
    let mut latest = wall;
    let deadline = tokio::time::Instant::now() + WAIT;
    while out.abort_told < now_pending {
        match tokio::time::timeout_at(deadline, host.events.recv()).await {
            Ok(Some(HostEvent::Cancelled { unix_ns, .. })) => {
                out.abort_told += 1;
                latest = latest.max(unix_ns);
            }
            Ok(Some(_)) => {}
            Ok(None) | Err(_) => break,
        }
    }
    out.abort_told_all_ms = if out.abort_told == now_pending {
        latest.saturating_sub(wall) as f64 / 1e6
    } else {
        f64::NAN
    };
    for callers_first in [false, true] {
        let bare = bare_abort(&mut host, pending, callers_first).await?;
        eprintln!(
            "  bare hyper floor{}: all {pending} woken {:.2} ms and connections dropped {:.2} ms after the signal, host told all in {:.1} ms",
            if callers_first {
                " (callers first)"
            } else {
                ""
            },
            bare.woken_ms,
            bare.dropped_ms,
            bare.told_ms
        );
        if callers_first {
            out.bare_first = Some(bare);
        } else {
            out.bare = Some(bare);
        }
    }
    eprintln!(
        "  abandon p50 {:.3} ms, told p50 {:.3} ms, abort all {:.2} ms, host told {} of {now_pending} in {:.1} ms",
        percentile(&out.abandon_ms, 50.0),
        percentile(&out.told_ms, 50.0),
        out.abort_all_ms,
        out.abort_told,
        out.abort_told_all_ms
    );
    Ok(out)
}
