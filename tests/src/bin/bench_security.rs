//! WS-Security costs (issue 15 §5), in the same run as their floors:
//!
//! 1. Per call, a digest `UsernameToken` with a `wsu:Timestamp`: SOAP 1.1
//!    `Add(1.5, 2.25)` from a `ServiceProxy` with `UsernameTokenLayer`
//!    (32 callers) to a calculator host with `UsernameTokenValidator`
//!    (`bench_security serve host-username`, a separate process), against
//!    the same calls without either layer to the same host without the
//!    validator (`serve host`). Client CPU is this process's, server CPU the
//!    host's, per call; 1 s slices alternate between the two.
//! 2. Exclusive c14n (`wws_security::c14n::exclusive`) plus SHA-256 of a
//!    1 MiB Echo body, against a bare SHA-256 of its bytes (ring, the same
//!    provider): what digesting a signed body costs over hashing it.
//!
//! 3. Per call, an X.509 signed request: the same `Add` from a proxy with
//!    `SigningLayer` (RSA-2048, SHA-256, Body and Timestamp) to a host with
//!    `SignatureValidator` (`serve host-signed CA.pem`), against plain calls
//!    in the same run, as 1.
//!
//! `WWS_BENCH_SECONDS` (default 10), `WWS_BENCH_ROUNDS` (default 3). Prints
//! markdown on stdout, progress on stderr; asserts nothing.

use std::process::ExitCode;
use std::time::{Duration, Instant};

use wws_core::{AddressingVersion, EnvelopeVersion};
use wws_proxy::{ProxyBuilder, ProxyProperties, ServiceProxy};
use wws_security::{SigningLayer, UsernameCredentials, UsernameTokenLayer, X509Credentials};
use wws_tests::bench::client::{Tally, proxy_add_round};
use wws_tests::bench::process::ChildServer;
use wws_tests::bench::serve::BENCH_USER;
use wws_tests::bench::table::thousands;
use wws_tests::bench::{Config, Table, median, process};
use wws_tests::pki::{PemFiles, TestCa};

/// The X.509 signer's key: the test-only RSA key of wws-security's tests
/// (rcgen cannot generate RSA keys on ring).
const SIGNER_KEY: &str = include_str!("../../../security/tests/data/rsa-2048-test-key.pem");

const CALLERS: usize = 32;
const PATH: &str = "/calculator";
const SLICE: Duration = Duration::from_secs(1);
const START_WITHIN: Duration = Duration::from_secs(60);

fn main() -> ExitCode {
    wws_tests::bench::main("bench_security", run)
}

async fn run() -> Result<(), String> {
    let config = Config::from_env()?;
    let began = Instant::now();
    let load = wws_tests::bench::limits::Load::start();
    println!(
        "WS-Security costs (issue 15 §5): a digest UsernameToken per call, an X.509 signed call, and exclusive c14n of a 1 MiB body; each against its floor in the same run. {}.\n",
        config.describe()
    );
    let digest =
        || UsernameTokenLayer::new(UsernameCredentials::digest(BENCH_USER.0, BENCH_USER.1));
    per_call(
        &config,
        &Secured {
            title: "Digest UsernameToken per call",
            row: "digest UsernameToken + Timestamp",
            host: ("host with UsernameTokenValidator", vec!["serve".into(), "host-username".into()]),
            layer: &|b: ProxyBuilder| b.layer(digest()),
            note: "the proxy's `UsernameTokenLayer` (PasswordDigest: SHA-1 of a fresh 16-byte nonce, Created and the password; a `wsu:Timestamp`) against the host's `UsernameTokenValidator` (freshness window, replay cache, constant-time check)",
        },
    )
    .await?;
    let ca = TestCa::new("bench CA");
    let signer = ca.client_for_key("bench client", SIGNER_KEY);
    let files = PemFiles::new("bench-security");
    let ca_file = files.write("ca.pem", &ca.cert_pem);
    let credentials = X509Credentials::from_pem(signer.cert.as_bytes(), signer.key.as_bytes())
        .map_err(|e| e.to_string())?;
    per_call(
        &config,
        &Secured {
            title: "X.509 signed call",
            row: "signed (RSA-2048 SHA-256: Body, Timestamp)",
            host: (
                "host with SignatureValidator",
                vec!["serve".into(), "host-signed".into(), ca_file.display().to_string()],
            ),
            layer: &|b: ProxyBuilder| b.layer(SigningLayer::new(credentials.clone())),
            note: "the proxy's `SigningLayer` (a BinarySecurityToken, a Timestamp, exclusive c14n and SHA-256 digests of Body and Timestamp as written, RSA-SHA256 over SignedInfo) against the host's `SignatureValidator` (certificate verified up to the CA on every call, digests by position, replay cache of signature values)",
        },
    )
    .await?;
    c14n(&config)?;
    println!("{}", load.note());
    println!("- Took {:.0} s.", began.elapsed().as_secs_f64());
    Ok(())
}

async fn open_proxy(
    addr: std::net::SocketAddr,
    layer: Option<&dyn Fn(ProxyBuilder) -> ProxyBuilder>,
) -> Result<ServiceProxy, String> {
    let mut props = ProxyProperties::default();
    props.max_call_pool_size = CALLERS;
    let mut builder = ServiceProxy::builder(&format!("http://{addr}{PATH}"))
        .envelope(EnvelopeVersion::Soap11)
        .addressing(AddressingVersion::Transport)
        .properties(props);
    if let Some(layer) = layer {
        builder = layer(builder);
    }
    let proxy = builder.build().map_err(|e| e.to_string())?;
    proxy.open().await.map_err(|e| format!("open: {e}"))?;
    Ok(proxy)
}

/// A secured kind of call, measured against plain calls.
struct Secured<'a> {
    title: &'static str,
    row: &'static str,
    /// The secured host's name and its `serve` arguments.
    host: (&'static str, Vec<String>),
    /// Adds the proxy's layer.
    layer: &'a dyn Fn(ProxyBuilder) -> ProxyBuilder,
    note: &'static str,
}

async fn per_call(config: &Config, secured_kind: &Secured<'_>) -> Result<(), String> {
    let plain_host = ChildServer::start(
        "host",
        process::this_program(&["serve", "host"])?,
        START_WITHIN,
    )
    .map_err(|e| e.to_string())?;
    let args: Vec<&str> = secured_kind.host.1.iter().map(String::as_str).collect();
    let secured_host = ChildServer::start(
        secured_kind.host.0,
        process::this_program(&args)?,
        START_WITHIN,
    )
    .map_err(|e| e.to_string())?;
    let plain = open_proxy(plain_host.addr(), None).await?;
    let secured = open_proxy(secured_host.addr(), Some(secured_kind.layer)).await?;
    let what = secured_kind.title;
    eprintln!("{what}: warm-up");
    proxy_add_round(&plain, CALLERS, SLICE).await;
    proxy_add_round(&secured, CALLERS, SLICE).await;
    let me = std::process::id();
    let slices = (config.round.as_secs_f64() / SLICE.as_secs_f64())
        .round()
        .max(1.0) as usize;
    let (mut plain_t, mut secured_t) = (Vec::new(), Vec::new());
    for r in 0..config.rounds {
        eprintln!(
            "{what}: round {}/{} ({slices} slices of {SLICE:?} each)",
            r + 1,
            config.rounds
        );
        let (mut p, mut s) = (Tally::default(), Tally::default());
        for slice in 0..slices {
            for secured_turn in if (slice + r) % 2 == 0 {
                [false, true]
            } else {
                [true, false]
            } {
                let (proxy, host, t) = if secured_turn {
                    (&secured, &secured_host, &mut s)
                } else {
                    (&plain, &plain_host, &mut p)
                };
                let before = (process::cpu_seconds(me)?, process::cpu_seconds(host.pid())?);
                let rate = proxy_add_round(proxy, CALLERS, SLICE).await;
                let client = process::cpu_seconds(me)? - before.0;
                let server = process::cpu_seconds(host.pid())? - before.1;
                t.add(&rate, client, server);
            }
        }
        eprintln!(
            "  plain {:.0} calls/s; secured {:.0} calls/s ({} errors)",
            p.rate(),
            s.rate(),
            s.errors
        );
        plain_t.push(p);
        secured_t.push(s);
    }
    plain.abort();
    secured.abort();
    let rates = |t: &[Tally]| t.iter().map(Tally::rate).collect::<Vec<_>>();
    let client = |t: &[Tally]| t.iter().map(Tally::client_us).collect::<Vec<_>>();
    let server = |t: &[Tally]| t.iter().map(Tally::server_us).collect::<Vec<_>>();
    let errors = |t: &[Tally]| t.iter().map(|x| x.errors).sum::<u64>();
    let extra = |a: &[f64], b: &[f64]| {
        let d: Vec<f64> = a.iter().zip(b).map(|(x, y)| x - y).collect();
        format!("+{:.1} µs", median(&d))
    };
    let mut t = Table::new(&[
        "calls",
        ">median calls/s",
        ">client CPU µs/call",
        ">server CPU µs/call",
        ">errors",
        ">client cost",
        ">server cost",
        ">calls/s vs plain",
    ]);
    let ratio = {
        let r: Vec<f64> = rates(&secured_t)
            .iter()
            .zip(rates(&plain_t))
            .map(|(a, b)| a / b)
            .collect();
        format!("{:.2}×", median(&r))
    };
    t.row(&[
        secured_kind.row.to_owned(),
        thousands(median(&rates(&secured_t))),
        format!("{:.1}", median(&client(&secured_t))),
        format!("{:.1}", median(&server(&secured_t))),
        errors(&secured_t).to_string(),
        extra(&client(&secured_t), &client(&plain_t)),
        extra(&server(&secured_t), &server(&plain_t)),
        ratio,
    ]);
    t.row(&[
        "plain (no WS-Security)".to_owned(),
        thousands(median(&rates(&plain_t))),
        format!("{:.1}", median(&client(&plain_t))),
        format!("{:.1}", median(&server(&plain_t))),
        errors(&plain_t).to_string(),
        String::new(),
        String::new(),
        "1.00×".to_owned(),
    ]);
    println!("### {what}\n");
    print!("{}", t.render());
    println!();
    println!(
        "- SOAP 1.1 `Add` over HTTP/1.1 on loopback, {CALLERS} callers, each reply checked; {}. Costs are medians of per-round differences in CPU per call.\n",
        secured_kind.note
    );
    Ok(())
}

/// A 1 MiB Echo body: the element with its text, as a signed Body holds it.
fn echo_body() -> Vec<u8> {
    let text: String = "The quick brown fox jumps over the lazy dog. "
        .chars()
        .cycle()
        .take(1024 * 1024)
        .collect();
    format!(
        r#"<c:Echo xmlns:c="http://example.org/wws/calculator"><c:text>{text}</c:text></c:Echo>"#
    )
    .into_bytes()
}

fn c14n(config: &Config) -> Result<(), String> {
    let body = echo_body();
    // Both produce a digest of the same content.
    let once = wws_security::c14n::exclusive(&body, &[]).map_err(|e| e.to_string())?;
    if once != body {
        return Err("the body is not canonical already; the comparison would not be fair".into());
    }
    let c14n_digest = || {
        let canonical = wws_security::c14n::exclusive(&body, &[]).expect("canonical");
        ring::digest::digest(&ring::digest::SHA256, &canonical)
    };
    let bare_digest = || ring::digest::digest(&ring::digest::SHA256, &body);
    let span = Duration::from_millis(250);
    let rate = |f: &dyn Fn() -> ring::digest::Digest| {
        let start = Instant::now();
        let mut n = 0u64;
        while start.elapsed() < span {
            std::hint::black_box(f());
            n += 1;
        }
        n as f64 * body.len() as f64 / start.elapsed().as_secs_f64() / 1e6
    };
    let rounds = config.rounds.max(5);
    let (mut c, mut b) = (Vec::new(), Vec::new());
    for _ in 0..rounds {
        c.push(rate(&c14n_digest));
        b.push(rate(&bare_digest));
    }
    let mut t = Table::new(&["operation", ">MB/s", "rounds (MB/s)", ">vs bare SHA-256"]);
    let list = |v: &[f64]| {
        v.iter()
            .map(|x| format!("{x:.0}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let r: Vec<f64> = c.iter().zip(&b).map(|(x, y)| x / y).collect();
    t.row(&[
        "exclusive c14n + SHA-256".to_owned(),
        format!("{:.0}", median(&c)),
        list(&c),
        format!("{:.2}×", median(&r)),
    ]);
    t.row(&[
        "bare SHA-256 (ring)".to_owned(),
        format!("{:.0}", median(&b)),
        list(&b),
        "1.00×".to_owned(),
    ]);
    println!("### Exclusive c14n of a 1 MiB body\n");
    print!("{}", t.render());
    println!();
    println!(
        "- {} bytes (`Echo` with 1 MiB of text, already canonical, so both hash the same bytes); {rounds} interleaved rounds of {span:?} each, medians.\n",
        body.len()
    );
    Ok(())
}
