//! The calculator service (`calculator.wsdl` next to this file) on a service host.
//!
//! ```text
//! cargo run --release -p wws-examples --bin calculator -- --listen 127.0.0.1:8080
//! ```
//!
//! SOAP 1.1 at `/calculator`, SOAP 1.2 at `/calculator12`, the WSDL at
//! `/calculator?wsdl`. Ctrl-C closes the host gracefully (in-flight calls
//! finish, up to the close timeout). `RUST_LOG` filters the log (default `info`).

use std::net::SocketAddr;
use std::process::ExitCode;

use wws_examples::calculator::{self, Calculator};
use wws_host::ServiceHostProperties;

fn usage() -> ExitCode {
    eprintln!("usage: calculator [--listen ADDR]   (default 127.0.0.1:8080)");
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
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--listen" | "-l" => match args.next().map(|a| a.parse()) {
                Some(Ok(a)) => listen = a,
                _ => return usage(),
            },
            "--help" | "-h" => {
                usage();
                return ExitCode::SUCCESS;
            }
            _ => return usage(),
        }
    }

    let host = match Calculator::new()
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
