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

use std::process::ExitCode;
use std::time::Instant;

use wws_tests::bench::cancel::{BareAbort, Round, latency_table, ms, round};
use wws_tests::bench::pending;
use wws_tests::bench::table::thousands;
use wws_tests::bench::{Config, Table, limits, median, serve};

/// File descriptors besides the sockets of the calls.
const FD_HEADROOM: u64 = 512;

fn main() -> ExitCode {
    wws_tests::bench::main("bench_cancel", run)
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
        rounds.push(
            round(
                pending,
                samples,
                pending::proxy_properties(pending + 1),
                true,
            )
            .await?,
        );
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
    let t = latency_table(&abandon, &told, missing, "");
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
