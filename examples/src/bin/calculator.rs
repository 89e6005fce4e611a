//! The calculator service (`calculator.wsdl` next to this file) on a service host.
//!
//! ```text
//! cargo run --release -p wws-examples --bin calculator -- --listen 127.0.0.1:8080
//! ```
//!
//! SOAP 1.1 at `/calculator`, SOAP 1.2 at `/calculator12`, the WSDL at
//! `/calculator?wsdl`. Ctrl-C closes the host gracefully (in-flight calls
//! finish, up to the close timeout). `RUST_LOG` filters the log (default `info`).
//!
//! `--tls-cert FILE --tls-key FILE` serve HTTPS instead, from a PEM
//! certificate chain and private key (ALPN `http/1.1`):
//!
//! ```text
//! cargo run -p wws-examples --bin calculator -- --listen 127.0.0.1:8443 \
//!     --tls-cert server.crt --tls-key server.key
//! ```
//!
//! `--report-events` prints one stdout line per operation start, completion
//! and cancellation (`event cancelled id=7 request=Delay(10000)
//! reason=ChannelFaulted unix_ms=...`), for the interop scripts that check
//! what the host did when a foreign client went away.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use wws_examples::calculator::{self, Calculator, ServiceEvent};
use wws_host::{ServiceHost, ServiceHostProperties};

fn usage() -> ExitCode {
    eprintln!(
        "usage: calculator [--listen ADDR] [--tls-cert FILE --tls-key FILE] [--report-events]   (default 127.0.0.1:8080)"
    );
    ExitCode::from(2)
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();

    let mut listen: SocketAddr = SocketAddr::from(([127, 0, 0, 1], 8080));
    let mut report_events = false;
    let (mut tls_cert, mut tls_key) = (None, None);
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--listen" | "-l" => match args.next().map(|a| a.parse()) {
                Some(Ok(a)) => listen = a,
                _ => return usage(),
            },
            "--report-events" => report_events = true,
            "--tls-cert" => match args.next() {
                Some(f) => tls_cert = Some(f),
                None => return usage(),
            },
            "--tls-key" => match args.next() {
                Some(f) => tls_key = Some(f),
                None => return usage(),
            },
            "--help" | "-h" => {
                usage();
                return ExitCode::SUCCESS;
            }
            _ => return usage(),
        }
    }

    let service = if report_events {
        let (service, events) = Calculator::with_events();
        tokio::spawn(print_events(events));
        service
    } else {
        Calculator::new()
    };
    let tls = match (tls_cert, tls_key) {
        (Some(cert), Some(key)) => Some((cert, key)),
        (None, None) => None,
        _ => {
            eprintln!("calculator: --tls-cert and --tls-key go together");
            return usage();
        }
    };
    let scheme = if tls.is_some() { "https" } else { "http" };
    let host = match start(&service, listen, tls).await {
        Ok(h) => h,
        Err(e) => {
            eprintln!("calculator: cannot start on {listen}: {e}");
            return ExitCode::FAILURE;
        }
    };
    let Some(addr) = host.local_addr() else {
        eprintln!("calculator: host has no address");
        return ExitCode::FAILURE;
    };
    println!("listening on {addr}");
    println!("  SOAP 1.1  {scheme}://{addr}{}", calculator::PATH_SOAP11);
    println!("  SOAP 1.2  {scheme}://{addr}{}", calculator::PATH_SOAP12);
    println!(
        "  WSDL      {scheme}://{addr}{}?wsdl",
        calculator::PATH_SOAP11
    );
    println!("Ctrl-C to stop.");

    if let Err(e) = tokio::signal::ctrl_c().await {
        eprintln!("calculator: cannot wait for Ctrl-C: {e}");
    }
    println!("closing...");
    match host.close().await {
        Ok(()) => {
            println!("closed");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("calculator: close failed: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Opens the calculator's host on `listen`, over TLS from `tls`'s PEM files if given.
async fn start(
    service: &Calculator,
    listen: SocketAddr,
    tls: Option<(String, String)>,
) -> wws_core::Result<ServiceHost> {
    let mut builder = ServiceHost::builder(listen).properties(ServiceHostProperties::default());
    if let Some((cert, key)) = tls {
        builder = builder.tls_pem_files(cert, key);
    }
    for endpoint in service.endpoints() {
        builder = builder.endpoint(endpoint);
    }
    let host = builder.build()?;
    host.open().await?;
    Ok(host)
}

/// Prints each event on one line, with the wall-clock time it happened.
async fn print_events(mut events: tokio::sync::mpsc::UnboundedReceiver<ServiceEvent>) {
    while let Some(event) = events.recv().await {
        let unix_ms = |at: Instant| {
            let now = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .unwrap_or_default();
            (now.saturating_sub(at.elapsed())).as_millis()
        };
        match event {
            ServiceEvent::Started {
                id,
                action,
                request,
                at,
            } => println!(
                "event started id={id} request={request} action={action} unix_ms={}",
                unix_ms(at)
            ),
            ServiceEvent::Completed { id, request, at } => println!(
                "event completed id={id} request={request} unix_ms={}",
                unix_ms(at)
            ),
            ServiceEvent::Cancelled {
                id,
                request,
                reason,
                at,
            } => println!(
                "event cancelled id={id} request={request} reason={reason} unix_ms={}",
                unix_ms(at)
            ),
        }
    }
}
