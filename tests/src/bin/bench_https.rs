//! HTTPS throughput (issue 13 §6): SOAP 1.1 `Add(1.5, 2.25)` over TLS on
//! loopback, keep-alive, 32 connections, every reply checked:
//!
//! - host: the shipped `calculator` host with `--tls-cert`/`--tls-key`
//!   (default settings, default log level) against the bare hyper + rustls
//!   floor (`bench_https serve floor-tls`: the host benches' floor behind
//!   tokio-rustls), each a separate process, driven by `wrk -t2 -c32` over
//!   `https://` with `tests/interop/wrk_calculator.lua`;
//! - proxy: a `ServiceProxy` on its default TLS connector (trusting the test
//!   CA, 32 callers) against a bare hyper + rustls client (one
//!   `hyper::client::conn::http1` connection over tokio-rustls per caller,
//!   32 callers, the same POSTs), both calling the TLS floor.
//!
//! TLS 1.3 on rustls's ring provider on every side but wrk's (OpenSSL); the
//! certificate (ECDSA P-256) is made at run time. Rounds are interleaved in
//! 1 s slices; medians, and the median of per-round ratios, are reported.
//! `WWS_BENCH_SECONDS` (default 10), `WWS_BENCH_ROUNDS` (default 3). Prints
//! markdown on stdout, progress on stderr; asserts nothing.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use wws_channel::tls::{BuiltInRoots, Certificate, TlsConnector};
use wws_core::{AddressingVersion, EnvelopeVersion, Message};
use wws_examples::calculator::{ADD_ACTION, Add};
use wws_proxy::{ProxyProperties, ServiceProxy};
use wws_tests::bench::client::{BareClient, Rate, Tally, closed_loop_keep, proxy_add_round};
use wws_tests::bench::compare::{alternate, client_table, paired};
use wws_tests::bench::process::ChildServer;
use wws_tests::bench::table::thousands;
use wws_tests::bench::wrk::{self, Op};
use wws_tests::bench::{Config, Table, median, process};
use wws_tests::pki::{PemFiles, TestCa};

const CONNECTIONS: usize = 32;
const WRK_THREADS: usize = 2;
const CALLERS: usize = 32;
const PATH: &str = "/calculator";
const REQUEST: Add = Add { a: 1.5, b: 2.25 };
/// The two sides of a comparison alternate in slices this long, so that a
/// burst of other load on the machine hits both alike.
const SLICE: Duration = Duration::from_secs(1);
const START_WITHIN: Duration = Duration::from_secs(60);

fn main() -> ExitCode {
    wws_tests::bench::main("bench_https", run)
}

fn list(v: &[f64], f: fn(f64) -> String) -> String {
    v.iter().map(|x| f(*x)).collect::<Vec<_>>().join(", ")
}

fn us(x: f64) -> String {
    format!("{x:.1}")
}

async fn run() -> Result<(), String> {
    let config = Config::from_env()?;
    let began = Instant::now();
    let load = wws_tests::bench::limits::Load::start();
    let ca = TestCa::new("wws bench CA");
    let server = ca.server(&["localhost", "127.0.0.1"]);
    let files = PemFiles::new("bench-https");
    let cert = files.write("server.crt", &server.cert);
    let key = files.write("server.key", &server.key);
    let (cert_arg, key_arg) = (cert.display().to_string(), key.display().to_string());

    let floor = ChildServer::start(
        "hyper + rustls floor",
        process::this_program(&["serve", "floor-tls", &cert_arg, &key_arg])?,
        START_WITHIN,
    )
    .map_err(|e| e.to_string())?;
    println!(
        "HTTPS throughput (issue 13 §6): SOAP 1.1 `Add` over TLS 1.3 (rustls, ring; ECDSA P-256 certificate made at run time) on loopback, keep-alive, {CONNECTIONS} connections, every reply checked; each server a separate process. {}.\n",
        config.describe()
    );

    if wrk::available() {
        let host = ChildServer::start(
            "wws host",
            process::shipped_program(
                "calculator",
                &[
                    "--listen",
                    "127.0.0.1:0",
                    "--tls-cert",
                    &cert_arg,
                    "--tls-key",
                    &key_arg,
                ],
            )?,
            START_WITHIN,
        )
        .map_err(|e| e.to_string())?;
        host_rounds(&config, &host, &floor)?;
    } else {
        eprintln!(
            "=====\nSKIPPED: wrk is not installed (tests/interop/install.sh installs it); the host is not measured over HTTPS\n====="
        );
        println!("Host over HTTPS: SKIPPED (wrk not installed).\n");
    }
    proxy_rounds(&config, &ca, floor.addr(), floor.pid()).await?;
    println!("{}", load.note());
    println!("- Took {:.0} s.", began.elapsed().as_secs_f64());
    Ok(())
}

/// The host against the floor, both under wrk over `https://`.
fn host_rounds(config: &Config, host: &ChildServer, floor: &ChildServer) -> Result<(), String> {
    let servers = [("wws host", host), ("hyper + rustls floor", floor)];
    let url = |s: &ChildServer| format!("https://127.0.0.1:{}{PATH}", s.addr().port());
    for (name, s) in &servers {
        eprintln!("warm-up on {name}");
        wrk::run_url(&url(s), Op::Add, WRK_THREADS, CONNECTIONS, SLICE)?;
    }
    let slices = (config.round.as_secs_f64() / SLICE.as_secs_f64())
        .round()
        .max(1.0) as usize;
    let mut rounds: [Vec<Tally>; 2] = [Vec::new(), Vec::new()];
    let mut socket_errors = [0u64; 2];
    for round in 0..config.rounds {
        eprintln!(
            "host: round {}/{} ({slices} slices of {SLICE:?} per server)",
            round + 1,
            config.rounds
        );
        let mut tallies = [Tally::default(), Tally::default()];
        for slice in 0..slices {
            for k in 0..2 {
                let i = (k + slice + round) % 2;
                let s = servers[i].1;
                let before = process::cpu_seconds(s.pid())?;
                let r = wrk::run_url(&url(s), Op::Add, WRK_THREADS, CONNECTIONS, SLICE)?;
                let cpu = process::cpu_seconds(s.pid())? - before;
                let rate = Rate {
                    calls: r.replies.saturating_sub(r.bad),
                    errors: r.bad,
                    elapsed: r.span,
                };
                tallies[i].add(&rate, 0.0, cpu);
                socket_errors[i] += r.socket_errors;
            }
        }
        for (i, t) in tallies.into_iter().enumerate() {
            eprintln!(
                "  {}: {:.0} calls/s, {:.1} µs server CPU per call, {} bad",
                servers[i].0,
                t.rate(),
                t.server_us(),
                t.errors
            );
            rounds[i].push(t);
        }
    }
    let rates = |t: &[Tally]| t.iter().map(Tally::rate).collect::<Vec<_>>();
    let cpu = |t: &[Tally]| t.iter().map(Tally::server_us).collect::<Vec<_>>();
    let bad = |t: &[Tally]| t.iter().map(|r| r.errors).sum::<u64>();
    let mut t = Table::new(&[
        "server",
        ">median calls/s",
        "rounds (calls/s)",
        ">server CPU µs/call",
        ">bad replies",
        ">socket errors",
        ">vs floor (calls/s)",
        ">vs floor (CPU/call)",
        "target",
    ]);
    let ok = bad(&rounds[0]) == 0 && bad(&rounds[1]) == 0;
    for (i, (name, _)) in servers.iter().enumerate() {
        let (vs_rate, vs_cpu, target) = if i == 0 {
            if ok {
                (
                    paired(&rates(&rounds[0]), &rates(&rounds[1])),
                    paired(&cpu(&rounds[0]), &cpu(&rounds[1])),
                    "≥ 0.85× floor",
                )
            } else {
                ("bad replies: n/a".into(), "n/a".into(), "≥ 0.85× floor")
            }
        } else {
            ("1.00×".into(), "1.00×".into(), "")
        };
        t.row(&[
            (*name).to_owned(),
            thousands(median(&rates(&rounds[i]))),
            list(&rates(&rounds[i]), thousands),
            us(median(&cpu(&rounds[i]))),
            bad(&rounds[i]).to_string(),
            socket_errors[i].to_string(),
            vs_rate,
            vs_cpu,
            target.to_owned(),
        ]);
    }
    println!("### Host over HTTPS\n");
    print!("{}", t.render());
    println!();
    println!(
        "- `wrk -t{WRK_THREADS} -c{CONNECTIONS}` (OpenSSL, no certificate check) with `tests/interop/wrk_calculator.lua`, {SLICE:?} runs rotating between the servers; server CPU is user + system time from `/proc/<pid>/stat`."
    );
    println!(
        "- The host: `calculator --listen 127.0.0.1:0 --tls-cert … --tls-key …`, as shipped (release build, default properties, default log level). The floor answers a fixed `AddResponse` after reading the body whole (no XML), behind tokio-rustls with the listener's provider and ALPN.\n"
    );
    Ok(())
}

/// The proxy against the bare hyper + rustls client, both calling the floor.
async fn proxy_rounds(
    config: &Config,
    ca: &TestCa,
    addr: SocketAddr,
    floor_pid: u32,
) -> Result<(), String> {
    let root = Certificate::from_pem(ca.cert_pem.as_bytes()).map_err(|e| e.to_string())?;
    let tls = TlsConnector::builder()
        .built_in_roots(BuiltInRoots::None)
        .add_root_certificate(root.clone())
        .build()
        .map_err(|e| e.to_string())?;
    let props = {
        let mut props = ProxyProperties::default();
        props.max_call_pool_size = CALLERS;
        props
    };
    let url = format!("https://localhost:{}{PATH}", addr.port());
    let proxy = ServiceProxy::builder(&url)
        .envelope(EnvelopeVersion::Soap11)
        .addressing(AddressingVersion::Transport)
        .properties(props)
        .connector(tls)
        .build()
        .map_err(|e| e.to_string())?;
    proxy.open().await.map_err(|e| format!("open: {e}"))?;
    let mut roots = rustls::RootCertStore::empty();
    roots
        .add(root.der().to_vec().into())
        .map_err(|e| e.to_string())?;
    let bare_config = Arc::new(
        rustls::ClientConfig::builder_with_provider(wws_channel::tls::provider())
            .with_safe_default_protocol_versions()
            .map_err(|e| e.to_string())?
            .with_root_certificates(roots)
            .with_no_client_auth(),
    );
    // The bare client sends exactly the bytes the proxy sends.
    let body = Message::from_body(
        EnvelopeVersion::Soap11,
        AddressingVersion::Transport,
        ADD_ACTION,
        &REQUEST,
    )
    .and_then(|m| m.to_bytes())
    .map_err(|e| e.to_string())?;

    let pool = Mutex::new(Vec::new());
    eprintln!("proxy: warm-up");
    proxy_add_round(&proxy, CALLERS, SLICE).await;
    bare_round(addr, &bare_config, &pool, body.clone(), SLICE).await?;
    let (proxy_tallies, bare_tallies) = {
        let (proxy, body, bare_config, pool) = (&proxy, &body, &bare_config, &pool);
        alternate(
            config,
            SLICE,
            floor_pid,
            ["proxy", "bare"],
            move || async move { Ok(proxy_add_round(proxy, CALLERS, SLICE).await) },
            move || bare_round(addr, bare_config, pool, body.clone(), SLICE),
        )
        .await?
    };
    proxy.abort();
    let t = client_table(
        "wws ServiceProxy (typed `call`, TLS connector)",
        &proxy_tallies,
        "≥ 0.80× floor",
        "bare hyper + rustls client",
        &bare_tallies,
    );
    println!("### Proxy over HTTPS\n");
    print!("{}", t.render());
    println!();
    println!(
        "- {CALLERS} callers each, against the TLS floor; proxy and bare client alternate in {SLICE:?} slices (which goes first alternates too). Both run in this process on one tokio runtime; client CPU is this process's user + system time."
    );
    println!(
        "- Proxy: `ProxyProperties::default()` but `max_call_pool_size = {CALLERS}`, its TLS connector trusting the test CA. Bare client: one `hyper::client::conn::http1` connection over tokio-rustls per caller, made in the warm-up and kept from slice to slice as the proxy's pool is (no handshake inside a measured span), the same POST, reply checked for 200 and `3.75`."
    );
    Ok(())
}

/// One slice of the bare client: the connections `pool` kept from the last
/// slice (made anew only when missing, as in the warm-up), given back after.
async fn bare_round(
    addr: SocketAddr,
    config: &Arc<rustls::ClientConfig>,
    pool: &Mutex<Vec<BareClient>>,
    body: Bytes,
    span: Duration,
) -> Result<Rate, String> {
    let mut callers = std::mem::take(&mut *pool.lock().map_err(|_| "pool poisoned")?);
    while callers.len() < CALLERS {
        let c = BareClient::connect_tls(
            addr,
            "localhost",
            config.clone(),
            PATH,
            ADD_ACTION,
            body.clone(),
        )
        .await
        .map_err(|e| format!("bare TLS client connect: {e}"))?;
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
