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
use std::time::{Duration, Instant};

use bytes::Bytes;
use wws_core::calculator::{ADD_ACTION, Add, AddResponse};
use wws_core::{AddressingVersion, EnvelopeVersion, Message, ProxyProperties};
use wws_proxy::{CallOptions, ServiceProxy};
use wws_tests::bench::client::{BareClient, Rate, closed_loop};
use wws_tests::bench::process::ChildServer;
use wws_tests::bench::table::{ratio, thousands};
use wws_tests::bench::{Config, Table, limits, median, process, serve};

const CALLERS: usize = 32;
const PATH: &str = "/calculator";
const REQUEST: Add = Add { a: 1.5, b: 2.25 };

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
            eprintln!("bench_proxy: runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bench_proxy: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), String> {
    let config = Config::from_env()?;
    let began = Instant::now();
    let floor = ChildServer::start(
        "hyper floor",
        process::this_program(&["serve", "floor"])?,
        Duration::from_secs(60),
    )
    .map_err(|e| e.to_string())?;
    let addr = floor.addr();

    let props = ProxyProperties {
        max_call_pool_size: CALLERS,
        ..ProxyProperties::default()
    };
    let url = format!("http://{addr}{PATH}");
    let proxy = ServiceProxy::new(
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
    .to_bytes();

    eprintln!("warm-up");
    proxy_round(&proxy, Duration::from_secs(1)).await;
    bare_round(addr, body.clone(), Duration::from_secs(1)).await?;

    let mut proxy_rates = Vec::new();
    let mut bare_rates = Vec::new();
    for round in 0..config.rounds {
        eprintln!("round {}/{}: proxy", round + 1, config.rounds);
        limits::perf_control("proxy", "enable");
        let p = proxy_round(&proxy, config.round).await;
        limits::perf_control("proxy", "disable");
        eprintln!("  {:.0} calls/s ({} errors)", p.per_second(), p.errors);
        proxy_rates.push(p);
        eprintln!("round {}/{}: bare hyper client", round + 1, config.rounds);
        limits::perf_control("bare", "enable");
        let b = bare_round(addr, body.clone(), config.round).await?;
        limits::perf_control("bare", "disable");
        eprintln!("  {:.0} calls/s ({} errors)", b.per_second(), b.errors);
        bare_rates.push(b);
    }
    proxy.abort();

    let show = |rates: &[Rate]| {
        rates
            .iter()
            .map(|r| thousands(r.per_second()))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let med = |rates: &[Rate]| median(&rates.iter().map(Rate::per_second).collect::<Vec<_>>());
    let errors = |rates: &[Rate]| rates.iter().map(|r| r.errors).sum::<u64>();
    let (p, b) = (med(&proxy_rates), med(&bare_rates));

    println!(
        "Proxy throughput (issue 7 §2): SOAP 1.1 `Add` against the bare hyper floor server (separate process) over loopback, {CALLERS} concurrent callers. {}.\n",
        config.describe()
    );
    let mut t = Table::new(&[
        "client",
        ">median calls/s",
        "rounds (calls/s)",
        ">errors",
        ">vs bare client",
        "target",
    ]);
    let proxy_ok = errors(&proxy_rates) == 0;
    t.row(&[
        "wws ServiceProxy (typed `call`)".to_owned(),
        thousands(p),
        show(&proxy_rates),
        errors(&proxy_rates).to_string(),
        if proxy_ok {
            ratio(p, b)
        } else {
            "errors: n/a".into()
        },
        "≥ 0.80×".to_owned(),
    ]);
    t.row(&[
        "bare hyper client".to_owned(),
        thousands(b),
        show(&bare_rates),
        errors(&bare_rates).to_string(),
        "1.00×".to_owned(),
        String::new(),
    ]);
    print!("{}", t.render());
    println!();
    println!(
        "- Both clients run in this process on one tokio runtime (2 worker threads); the server is the same floor process for both."
    );
    println!(
        "- Proxy: `ProxyProperties::default()` but `max_call_pool_size = {CALLERS}` (default 5), so that it keeps one connection per caller as the bare client does. Each caller awaits `proxy.call::<Add, AddResponse>(..)` and checks the result is 3.75."
    );
    println!(
        "- Bare client: one `hyper::client::conn::http1` connection per caller, POSTing the envelope the proxy writes (same headers), reading the whole reply and checking status 200 and `3.75` in it."
    );
    println!("- Took {:.0} s.", began.elapsed().as_secs_f64());
    Ok(())
}

async fn proxy_round(proxy: &ServiceProxy, span: Duration) -> Rate {
    let callers = vec![proxy.clone(); CALLERS];
    closed_loop(callers, span, |proxy: ServiceProxy| async move {
        let reply = proxy
            .call::<Add, AddResponse>(ADD_ACTION, &REQUEST, CallOptions::new())
            .await;
        let good = matches!(reply, Ok(AddResponse { result }) if result == 3.75);
        (proxy, good)
    })
    .await
}

async fn bare_round(addr: SocketAddr, body: Bytes, span: Duration) -> Result<Rate, String> {
    let mut callers = Vec::with_capacity(CALLERS);
    for _ in 0..CALLERS {
        let c = BareClient::connect(addr, PATH, ADD_ACTION, body.clone())
            .await
            .map_err(|e| format!("bare client connect: {e}"))?;
        callers.push(c);
    }
    Ok(closed_loop(callers, span, |mut c: BareClient| async move {
        let good = c.call(b"3.75").await;
        (c, good)
    })
    .await)
}
