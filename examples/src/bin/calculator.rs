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
//! `--report-events` prints one stdout line per operation start, completion
//! and cancellation (`event cancelled id=7 request=Delay(10000)
//! reason=ChannelFaulted unix_ms=...`), for the interop scripts that check
//! what the host did when a foreign client went away.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use wws_examples::calculator::{self, Calculator, ServiceEvent};
use wws_host::ServiceHostProperties;

fn usage() -> ExitCode {
    eprintln!("usage: calculator [--listen ADDR] [--report-events]   (default 127.0.0.1:8080)");
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
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--listen" | "-l" => match args.next().map(|a| a.parse()) {
                Some(Ok(a)) => listen = a,
                _ => return usage(),
            },
            "--report-events" => report_events = true,
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
    let host = match service
        .start(listen, ServiceHostProperties::default())
        .await
    {
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
    println!(
        "  SOAP 1.1  {}",
        calculator::url(addr, calculator::PATH_SOAP11)
    );
    println!(
        "  SOAP 1.2  {}",
        calculator::url(addr, calculator::PATH_SOAP12)
    );
    println!(
        "  WSDL      {}?wsdl",
        calculator::url(addr, calculator::PATH_SOAP11)
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
