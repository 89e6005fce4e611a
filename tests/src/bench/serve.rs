//! `bench_x serve <kind>`: the server side of a bench, run as a child process
//! of the bench itself. Prints `listening on <port>` once it accepts, and
//! exits when its stdin closes (the bench ended or died) or on error.
//!
//! Kinds:
//! - `floor`: the bare hyper [`super::floor`] server;
//! - `floor-tls CERT KEY`: the same over TLS (tokio-rustls, ring);
//! - `floor-h2`: the same over HTTP/2 with prior knowledge (h2c);
//! - `host`: the calculator on [`ServiceHost`] (SOAP 1.1 at `/calculator`,
//!   SOAP 1.2 at `/calculator12`);
//! - `host-username`: `host` with the WS-Security `UsernameTokenValidator`
//!   layer (user [`BENCH_USER`]);
//! - `host-signed CA.pem`: `host` with the WS-Security `SignatureValidator`
//!   layer trusting that CA (X.509 signed requests);
//! - `host-reporting`: the same with the reporting `Delay`
//!   ([`super::calc::reporting_calculator`]).
//!
//! The hosts run with `max_concurrency`, the listener's `max_connections`
//! and its HTTP/2 `max_concurrent_streams` raised to [`MAX_CONNECTIONS`]
//! (defaults 1024, 8192 and 100), so that the 10,000-call
//! benches are not queued by them; nothing else differs from the defaults.

use std::io::Read;
use std::net::SocketAddr;
use std::process::ExitCode;

use tokio::net::TcpListener;
use wws_core::{AddressingVersion, EnvelopeVersion};
use wws_host::{Contract, Endpoint, ServiceHost};

use super::{calc, floor};
use wws_host::ServiceHostProperties;

/// Connections and concurrent operations the bench hosts allow.
pub const MAX_CONNECTIONS: usize = 20_000;

/// When this program was started as `<program> serve <kind>`, serves and
/// returns the exit code; otherwise `None` (run the bench).
pub fn serve_if_asked() -> Option<ExitCode> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (kind, rest) = match args.as_slice() {
        [serve, kind, rest @ ..] if serve == "serve" => (kind.clone(), rest.to_vec()),
        _ => return None,
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("serve {kind}: runtime: {e}");
            return Some(ExitCode::FAILURE);
        }
    };
    let result = runtime.block_on(async {
        match kind.as_str() {
            "floor" => serve_floor().await,
            "floor-h2" => serve_floor_h2().await,
            "floor-tls" => match rest.as_slice() {
                [cert, key] => serve_floor_tls(cert.as_ref(), key.as_ref()).await,
                _ => Err("usage: serve floor-tls CERT.pem KEY.pem".to_owned()),
            },
            "host" => serve_host(calc::calculator()).await,
            "host-username" => serve_host_with(calc::calculator(), Security::UsernameToken).await,
            "host-signed" => match rest.as_slice() {
                [ca] => match std::fs::read(ca) {
                    Ok(pem) => serve_host_with(calc::calculator(), Security::Signature(pem)).await,
                    Err(e) => Err(format!("{ca}: {e}")),
                },
                _ => Err("usage: serve host-signed CA.pem".to_owned()),
            },
            "host-reporting" => serve_host(calc::reporting_calculator()).await,
            other => Err(format!(
                "unknown server kind {other:?} (floor, floor-h2, floor-tls, host, host-username, host-signed, host-reporting)"
            )),
        }
    });
    match result {
        Ok(()) => Some(ExitCode::SUCCESS),
        Err(e) => {
            eprintln!("serve {kind}: {e}");
            Some(ExitCode::FAILURE)
        }
    }
}

async fn serve_floor() -> Result<(), String> {
    let listener = TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .map_err(|e| format!("bind: {e}"))?;
    let port = listener.local_addr().map_err(|e| e.to_string())?.port();
    let server = tokio::spawn(floor::serve(listener));
    println!("listening on {port}");
    until_stdin_closes().await;
    server.abort();
    Ok(())
}

async fn serve_floor_h2() -> Result<(), String> {
    let listener = TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .map_err(|e| format!("bind: {e}"))?;
    let port = listener.local_addr().map_err(|e| e.to_string())?.port();
    let server = tokio::spawn(floor::serve_h2(listener));
    println!("listening on {port}");
    until_stdin_closes().await;
    server.abort();
    Ok(())
}

async fn serve_floor_tls(cert: &std::path::Path, key: &std::path::Path) -> Result<(), String> {
    let acceptor = floor::tls_acceptor(cert, key)?;
    let listener = TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .map_err(|e| format!("bind: {e}"))?;
    let port = listener.local_addr().map_err(|e| e.to_string())?.port();
    let server = tokio::spawn(floor::serve_tls(listener, acceptor));
    println!("listening on {port}");
    until_stdin_closes().await;
    server.abort();
    Ok(())
}

async fn serve_host(contract: Contract) -> Result<(), String> {
    serve_host_with(contract, Security::None).await
}

/// The WS-Security layer of a bench host.
enum Security {
    None,
    /// `UsernameTokenValidator` for [`BENCH_USER`].
    UsernameToken,
    /// `SignatureValidator` trusting the CA of this PEM.
    Signature(Vec<u8>),
}

/// The user `bench_security` calls as (`host-username`).
pub const BENCH_USER: (&str, &str) = ("bench", "bench-secret");

async fn serve_host_with(contract: Contract, security: Security) -> Result<(), String> {
    let mut props = {
        let mut props = ServiceHostProperties::default();
        props.max_concurrency = MAX_CONNECTIONS;
        props
    };
    props.listener.max_connections = MAX_CONNECTIONS;
    // And as many HTTP/2 streams on one connection (bench_h2's pending calls).
    props.listener.http2.max_concurrent_streams = MAX_CONNECTIONS as u32;
    let mut builder = ServiceHost::builder(SocketAddr::from(([127, 0, 0, 1], 0))).properties(props);
    match security {
        Security::None => {}
        Security::UsernameToken => {
            let users = |name: &str| {
                (name == BENCH_USER.0).then(|| {
                    wws_security::UserEntry::new(
                        BENCH_USER.1,
                        wws_security::Principal::new("Bench"),
                    )
                })
            };
            builder = builder.layer(wws_security::UsernameTokenValidator::new(users));
        }
        Security::Signature(pem) => {
            use rustls_pki_types::CertificateDer;
            use rustls_pki_types::pem::PemObject;
            let ca = CertificateDer::from_pem_slice(&pem).map_err(|e| format!("CA PEM: {e}"))?;
            builder = builder.layer(wws_security::SignatureValidator::new([ca.to_vec()]));
        }
    }
    let host = builder.build().map_err(|e| e.to_string())?;
    let endpoint = |path: &str, version| {
        Endpoint::new(
            path,
            version,
            AddressingVersion::Transport,
            contract.clone(),
        )
    };
    host.add_endpoint(endpoint("/calculator", EnvelopeVersion::Soap11))
        .map_err(|e| e.to_string())?;
    host.add_endpoint(endpoint("/calculator12", EnvelopeVersion::Soap12))
        .map_err(|e| e.to_string())?;
    host.open().await.map_err(|e| format!("open: {e}"))?;
    let port = host.local_addr().ok_or("no local address")?.port();
    println!("listening on {port}");
    until_stdin_closes().await;
    host.abort();
    Ok(())
}

/// Resolves when stdin reaches end of file or fails.
async fn until_stdin_closes() {
    let _ = tokio::task::spawn_blocking(|| {
        let mut sink = [0u8; 64];
        let mut stdin = std::io::stdin();
        while matches!(stdin.read(&mut sink), Ok(n) if n > 0) {}
    })
    .await;
}
