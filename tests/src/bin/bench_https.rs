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
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use wws_channel::tls::{BuiltInRoots, Certificate, TlsConnector};
use wws_core::{AddressingVersion, EnvelopeVersion, Message};
use wws_examples::calculator::{ADD_ACTION, Add, AddResponse};
use wws_proxy::{CallOptions, ProxyProperties, ServiceProxy};
use wws_tests::bench::client::{BareClient, Rate, closed_loop};
use wws_tests::bench::process::ChildServer;
use wws_tests::bench::table::thousands;
use wws_tests::bench::wrk::{self, Op};
use wws_tests::bench::{Config, Table, median, process, serve};
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
    if let Some(code) = serve::serve_if_asked() {
        return code;
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("bench_https: runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bench_https: {e}");
            ExitCode::FAILURE
        }
    }
}

/// What one side did over the slices of a round.
#[derive(Debug, Default, Clone)]
struct Tally {
    calls: u64,
    bad: u64,
    seconds: f64,
    client_cpu: f64,
    server_cpu: f64,
}

impl Tally {
    fn add(&mut self, calls: u64, bad: u64, seconds: f64, client_cpu: f64, server_cpu: f64) {
        self.calls += calls;
        self.bad += bad;
        self.seconds += seconds;
        self.client_cpu += client_cpu;
        self.server_cpu += server_cpu;
    }

    fn rate(&self) -> f64 {
        self.calls as f64 / self.seconds.max(1e-9)
    }

    fn client_us(&self) -> f64 {
        self.client_cpu / self.calls.max(1) as f64 * 1e6
    }

    fn server_us(&self) -> f64 {
        self.server_cpu / self.calls.max(1) as f64 * 1e6
    }
}

/// The median of per-round ratios `a / b`.
fn paired(a: &[f64], b: &[f64]) -> String {
    let r: Vec<f64> = a.iter().zip(b).map(|(x, y)| x / y).collect();
    format!("{:.2}×", median(&r))
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
                tallies[i].add(r.replies, r.bad, r.span.as_secs_f64(), 0.0, cpu);
                socket_errors[i] += r.socket_errors;
            }
        }
        for (i, t) in tallies.into_iter().enumerate() {
            eprintln!(
                "  {}: {:.0} calls/s, {:.1} µs server CPU per call, {} bad",
                servers[i].0,
                t.rate(),
                t.server_us(),
                t.bad
            );
            rounds[i].push(t);
        }
    }
    let rates = |t: &[Tally]| t.iter().map(Tally::rate).collect::<Vec<_>>();
    let cpu = |t: &[Tally]| t.iter().map(Tally::server_us).collect::<Vec<_>>();
    let bad = |t: &[Tally]| t.iter().map(|r| r.bad).sum::<u64>();
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

    eprintln!("proxy: warm-up");
    proxy_round(&proxy, SLICE).await;
    bare_round(addr, &bare_config, body.clone(), SLICE).await?;
    let me = std::process::id();
    let slices = (config.round.as_secs_f64() / SLICE.as_secs_f64())
        .round()
        .max(1.0) as usize;
    let (mut proxy_tallies, mut bare_tallies) = (Vec::new(), Vec::new());
    for round in 0..config.rounds {
        eprintln!(
            "proxy: round {}/{}: {slices} slices of {SLICE:?} each",
            round + 1,
            config.rounds
        );
        let (mut p, mut b) = (Tally::default(), Tally::default());
        for slice in 0..slices {
            for proxy_turn in if (slice + round) % 2 == 0 {
                [true, false]
            } else {
                [false, true]
            } {
                let cpu = (process::cpu_seconds(me)?, process::cpu_seconds(floor_pid)?);
                let rate = if proxy_turn {
                    proxy_round(&proxy, SLICE).await
                } else {
                    bare_round(addr, &bare_config, body.clone(), SLICE).await?
                };
                let client_cpu = process::cpu_seconds(me)? - cpu.0;
                let server_cpu = process::cpu_seconds(floor_pid)? - cpu.1;
                let t = if proxy_turn { &mut p } else { &mut b };
                t.add(
                    rate.calls,
                    rate.errors,
                    rate.elapsed.as_secs_f64(),
                    client_cpu,
                    server_cpu,
                );
            }
        }
        eprintln!(
            "  proxy {:.0} calls/s ({:.1} µs client CPU per call); bare {:.0} calls/s ({:.1} µs)",
            p.rate(),
            p.client_us(),
            b.rate(),
            b.client_us()
        );
        proxy_tallies.push(p);
        bare_tallies.push(b);
    }
    proxy.abort();
    let rates = |t: &[Tally]| t.iter().map(Tally::rate).collect::<Vec<_>>();
    let client = |t: &[Tally]| t.iter().map(Tally::client_us).collect::<Vec<_>>();
    let server = |t: &[Tally]| t.iter().map(Tally::server_us).collect::<Vec<_>>();
    let errors = |t: &[Tally]| t.iter().map(|r| r.bad).sum::<u64>();
    let mut t = Table::new(&[
        "client",
        ">median calls/s",
        "rounds (calls/s)",
        ">client CPU µs/call",
        ">server CPU µs/call",
        ">errors",
        ">vs bare client",
        ">client CPU vs bare",
        "target",
    ]);
    let ok = errors(&proxy_tallies) == 0;
    t.row(&[
        "wws ServiceProxy (typed `call`, TLS connector)".to_owned(),
        thousands(median(&rates(&proxy_tallies))),
        list(&rates(&proxy_tallies), thousands),
        us(median(&client(&proxy_tallies))),
        us(median(&server(&proxy_tallies))),
        errors(&proxy_tallies).to_string(),
        if ok {
            paired(&rates(&proxy_tallies), &rates(&bare_tallies))
        } else {
            "errors: n/a".into()
        },
        paired(&client(&proxy_tallies), &client(&bare_tallies)),
        "≥ 0.80× bare".to_owned(),
    ]);
    t.row(&[
        "bare hyper + rustls client".to_owned(),
        thousands(median(&rates(&bare_tallies))),
        list(&rates(&bare_tallies), thousands),
        us(median(&client(&bare_tallies))),
        us(median(&server(&bare_tallies))),
        errors(&bare_tallies).to_string(),
        "1.00×".to_owned(),
        "1.00×".to_owned(),
        String::new(),
    ]);
    println!("### Proxy over HTTPS\n");
    print!("{}", t.render());
    println!();
    println!(
        "- {CALLERS} callers each, against the TLS floor; proxy and bare client alternate in {SLICE:?} slices (which goes first alternates too). Both run in this process on one tokio runtime; client CPU is this process's user + system time."
    );
    println!(
        "- Proxy: `ProxyProperties::default()` but `max_call_pool_size = {CALLERS}`, its TLS connector trusting the test CA. Bare client: one `hyper::client::conn::http1` connection over tokio-rustls per caller (made anew each slice, as the proxy's pool is warm), the same POST, reply checked for 200 and `3.75`."
    );
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

async fn bare_round(
    addr: SocketAddr,
    config: &Arc<rustls::ClientConfig>,
    body: Bytes,
    span: Duration,
) -> Result<Rate, String> {
    let mut callers = Vec::with_capacity(CALLERS);
    for _ in 0..CALLERS {
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
    Ok(closed_loop(callers, span, |mut c: BareClient| async move {
        let good = c.call(b"3.75").await;
        (c, good)
    })
    .await)
}
