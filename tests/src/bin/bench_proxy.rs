//! Proxy throughput (issue 7 §2): typed `ServiceProxy` calls of SOAP 1.1
//! `Add(1.5, 2.25)` with 32 concurrent callers against the bare hyper floor
//! server (a separate process, `bench_proxy serve floor`), beside a bare
//! hyper client sending the same POSTs with 32 callers, each on its own
//! keep-alive connection. Every reply is checked (proxy: the decoded result
//! is 3.75; bare client: HTTP 200 and the body contains `3.75`).
//!
//! Rounds are interleaved (proxy, bare, proxy, …); medians and their ratio
//! are reported. `WWS_BENCH_SECONDS` (default 10), `WWS_BENCH_ROUNDS`
//! (default 3). Prints markdown on stdout, progress on stderr; asserts nothing.
//! `WWS_BENCH_PERF_CTL=<fifo>` with `WWS_BENCH_PERF_SPAN=proxy|bare` limits a
//! `perf record -D -1 --control=fifo:<fifo>` profile to those rounds.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use bytes::Bytes;
use wws_core::{AddressingVersion, EnvelopeVersion, Message};
use wws_examples::calculator::{ADD_ACTION, Add};
use wws_proxy::ProxyProperties;
use wws_proxy::ServiceProxy;
use wws_tests::bench::client::{BareClient, Rate, Tally, closed_loop_keep, proxy_add_round};
use wws_tests::bench::compare::{alternate, client_table, paired};
use wws_tests::bench::process::ChildServer;
use wws_tests::bench::{Config, process};

const CALLERS: usize = 32;
const PATH: &str = "/calculator";
const REQUEST: Add = Add { a: 1.5, b: 2.25 };
/// Proxy and bare client alternate in slices this long, so that a burst of
/// other load on the machine hits both alike.
const SLICE: Duration = Duration::from_secs(1);

fn main() -> ExitCode {
    wws_tests::bench::main("bench_proxy", run)
}

async fn run() -> Result<(), String> {
    let config = Config::from_env()?;
    let began = Instant::now();
    let load = wws_tests::bench::limits::Load::start();
    let floor = ChildServer::start(
        "hyper floor",
        process::this_program(&["serve", "floor"])?,
        Duration::from_secs(60),
    )
    .map_err(|e| e.to_string())?;
    let addr = floor.addr();

    let props = {
        let mut props = ProxyProperties::default();
        props.max_call_pool_size = CALLERS;
        props
    };
    let url = format!("http://{addr}{PATH}");
    let proxy = ServiceProxy::with_properties(
        &url,
        EnvelopeVersion::Soap11,
        AddressingVersion::Transport,
        props,
    )
    .map_err(|e| e.to_string())?;
    proxy.open().await.map_err(|e| format!("open: {e}"))?;
    // The bare client sends exactly the bytes the proxy sends.
    let body = Message::from_body(
        EnvelopeVersion::Soap11,
        AddressingVersion::Transport,
        ADD_ACTION,
        &REQUEST,
    )
    .expect("from_body")
    .to_bytes()
    .expect("to_bytes");

    let pool = Mutex::new(Vec::new());
    eprintln!("warm-up");
    proxy_add_round(&proxy, CALLERS, SLICE).await;
    bare_round(addr, &pool, body.clone(), SLICE).await?;

    let (proxy_rounds, bare_rounds) = {
        let (proxy, body, pool) = (&proxy, &body, &pool);
        alternate(
            &config,
            SLICE,
            floor.pid(),
            ["proxy", "bare"],
            move || async move { Ok(proxy_add_round(proxy, CALLERS, SLICE).await) },
            move || bare_round(addr, pool, body.clone(), SLICE),
        )
        .await?
    };
    proxy.abort();

    let client = |t: &[Tally]| t.iter().map(Tally::client_us).collect::<Vec<_>>();
    println!(
        "Proxy throughput (issue 7 §2): SOAP 1.1 `Add` against the bare hyper floor server (separate process) over loopback, {CALLERS} concurrent callers. {}.\n",
        config.describe()
    );
    let t = client_table(
        "wws ServiceProxy (typed `call`)",
        &proxy_rounds,
        "≥ 0.80×, client CPU ≤ 1.25×",
        "bare hyper client",
        &bare_rounds,
    );
    print!("{}", t.render());
    println!();
    println!(
        "- Client CPU per call: proxy {}× the bare client's (median of per-round ratios). CPU is user + system time from `/proc/<pid>/stat`, and is less sensitive than calls/s to other load on the machine.",
        paired(&client(&proxy_rounds), &client(&bare_rounds)).trim_end_matches('×')
    );
    println!(
        "- A round is a sequence of {SLICE:?} slices, proxy and bare client alternating (which goes first alternates too); its calls/s is a client's calls over its measured time. The ratio is the median of per-round ratios."
    );
    println!(
        "- Both clients run in this process on one tokio runtime (a worker thread per core); the server is the same floor process for both."
    );
    println!(
        "- Proxy: `ProxyProperties::default()` but `max_call_pool_size = {CALLERS}` (default 5), so that it keeps one connection per caller as the bare client does. Each caller awaits `proxy.call::<Add, AddResponse>(..)` and checks the result is 3.75."
    );
    println!(
        "- Bare client: one `hyper::client::conn::http1` connection per caller, made in the warm-up and kept from slice to slice as the proxy's pool is, POSTing the envelope the proxy writes (same headers), reading the whole reply and checking status 200 and `3.75` in it."
    );
    println!("{}", load.note());
    println!("- Took {:.0} s.", began.elapsed().as_secs_f64());
    Ok(())
}

/// One slice of the bare client: the connections `pool` kept from the last
/// slice (made anew only when missing, as in the warm-up), given back after.
async fn bare_round(
    addr: SocketAddr,
    pool: &Mutex<Vec<BareClient>>,
    body: Bytes,
    span: Duration,
) -> Result<Rate, String> {
    let mut callers = std::mem::take(&mut *pool.lock().map_err(|_| "pool poisoned")?);
    while callers.len() < CALLERS {
        let c = BareClient::connect(addr, PATH, ADD_ACTION, body.clone())
            .await
            .map_err(|e| format!("bare client connect: {e}"))?;
        callers.push(c);
    }
    let (rate, kept) = closed_loop_keep(callers, span, |mut c: BareClient| async move {
        let good = c.call(b"3.75").await;
        (c, good)
    })
    .await;
    *pool.lock().map_err(|_| "pool poisoned")? = kept;
    Ok(rate)
}
