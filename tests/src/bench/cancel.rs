//! The cancellation bench's round (`bench_cancel`, and `bench_h2` over
//! HTTP/2): many `Delay` calls pending on one proxy against a
//! `host-reporting` child, abandoned one by one, then all aborted; and the
//! bare hyper floors of abort.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use bytes::Bytes;
use tokio::net::TcpStream;
use wws_core::{AddressingVersion, EnvelopeVersion, Message};
use wws_examples::calculator::{DELAY_ACTION, Delay};
use wws_proxy::ProxyProperties;

use super::calc::unix_nanos;
use super::pending::{self, AwaitedCalls, HostEvent, ReportingHost};
use super::table::thousands;
use super::{Table, limits, percentile, process};

/// Bound on setting up the pending calls of one round.
pub const SETUP_WITHIN: Duration = Duration::from_secs(120);
/// Bound on waiting for one abandoned call's error, or for the host's reports.
pub const WAIT: Duration = Duration::from_secs(10);
/// Tags of the floor's requests (the proxy's start at `pending::TAG_BASE`).
const BARE_TAG_BASE: i32 = 2_000_000_000;

/// One round's measurements.
#[derive(Default, Debug)]
pub struct Round {
    /// `abandon_call(id)` → that call's error, per sample, in ms.
    pub abandon_ms: Vec<f64>,
    /// `abandon_call(id)` → the host's `on_cancel(ChannelFaulted)`, in ms.
    pub told_ms: Vec<f64>,
    /// Abandoned calls the host never reported cancelled.
    pub told_missing: usize,
    /// Calls that ended with another error than `Abandoned`/`Aborted`.
    pub wrong_errors: usize,
    /// `abort()` → the last awaiting caller has its error, in ms.
    pub abort_all_ms: f64,
    /// How long the `abort()` call itself took, in µs.
    pub abort_call_us: f64,
    /// `abort()` → the host told the last operation, in ms (NaN if not all were).
    pub abort_told_all_ms: f64,
    /// Operations the host told after the abort.
    pub abort_told: usize,
    /// The floor: each caller closes its socket when signalled.
    pub bare: Option<BareAbort>,
    /// The floor: every caller woken first, then the sockets closed.
    pub bare_first: Option<BareAbort>,
    /// Resident bytes of this process per pending call (proxy, calls, their awaiting tasks).
    pub rss_per_call: f64,
}

/// The floor's times after the signal, in ms.
#[derive(Debug)]
pub struct BareAbort {
    /// Until the last task woke (before it closed its socket).
    pub woken_ms: f64,
    /// Until the last task had dropped its connection.
    pub dropped_ms: f64,
    /// Until the host told the last operation.
    pub told_ms: f64,
}

/// One round: a fresh host, `pending` calls on a proxy with `props`,
/// `samples` abandoned one by one, then an abort of all; with `floors`, the
/// bare hyper floors of abort after it. Also the proxy's resident memory
/// per pending call (this process's RSS before and after the calls start).
pub async fn round(
    pending: usize,
    samples: usize,
    props: ProxyProperties,
    floors: bool,
) -> Result<Round, String> {
    let mut host = ReportingHost::start()?;
    let proxy = pending::open_proxy(host.child.addr(), props).await?;
    let rss_before = process::rss_bytes(std::process::id())?;
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
    let rss_after = process::rss_bytes(std::process::id())?;
    out.rss_per_call = rss_after.saturating_sub(rss_before) as f64 / pending.max(1) as f64;

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
    for callers_first in [false, true].into_iter().filter(|_| floors) {
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

/// A latency in ms, or `n/a`.
pub fn ms(x: f64) -> String {
    if x.is_finite() {
        format!("{x:.3} ms")
    } else {
        "n/a".into()
    }
}

/// The abandon latencies of some rounds: `abandon_call(id)` → the call's
/// error (`abandon` ms), and → the host's `on_cancel` (`told` ms; `missing`
/// never told), with `told_label` after the measure's name.
pub fn latency_table(abandon: &[f64], told: &[f64], missing: usize, told_label: &str) -> Table {
    let mut t = Table::new(&["measure", ">p50", ">p99", ">max", "samples", "target"]);
    t.row(&[
        "`abandon_call(id)` → that call's error".to_owned(),
        ms(percentile(abandon, 50.0)),
        ms(percentile(abandon, 99.0)),
        ms(percentile(abandon, 100.0)),
        thousands(abandon.len() as f64),
        "p99 < 1 ms".to_owned(),
    ]);
    let never = if missing > 0 {
        format!(" ({missing} never told)")
    } else {
        String::new()
    };
    t.row(&[
        format!("`abandon_call(id)` → host's `on_cancel(ChannelFaulted)`{told_label}"),
        ms(percentile(told, 50.0)),
        ms(percentile(told, 99.0)),
        ms(percentile(told, 100.0)),
        format!("{}{never}", thousands(told.len() as f64)),
        "p99 < 10 ms".to_owned(),
    ]);
    t
}
