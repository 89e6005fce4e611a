//! A command-line client of the calculator contract (`contracts/calculator.wsdl`).
//!
//! ```text
//! cargo run -p wws-examples --bin calculator_client -- \
//!     [--url http://127.0.0.1:8080/calculator] [--soap12] [--wsa] [--timeout SECONDS] \
//!     add A B | divide A B | echo TEXT | delay MS
//! ```
//!
//! `https://` URLs are verified against the platform's roots (honouring
//! `SSL_CERT_FILE` and `SSL_CERT_DIR`); `--ca-file FILE` trusts the PEM
//! CAs in FILE too, `--cert FILE --key FILE` present a client certificate
//! (mutual TLS):
//!
//! ```text
//! cargo run -p wws-examples --bin calculator_client -- \
//!     --url https://localhost:8443/calculator --ca-file ca.pem add 1 2
//! ```
//!
//! `--proxy URL` sends the call through an HTTP proxy (`http://` forwarded,
//! `https://` tunnelled with `CONNECT`; `http://user:password@host:port`
//! for Basic proxy credentials) and `--noproxy LIST` names hosts reached
//! directly, as curl's options do; `--proxy-env` takes both from
//! `HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY` and `NO_PROXY` instead.
//!
//! `--http2` offers HTTP/2 by ALPN over `https://`, and
//! `--http2-prior-knowledge` speaks it over `http://` too (h2c), as
//! curl's options of those names do.
//!
//! Prints the result, or `fault: CODE: REASON` for a SOAP fault. Exits 0 on
//! success, 1 on a fault or an error, 2 on a usage error. Ctrl-C abandons the
//! call (the server sees the client go) and exits 130.
//!
//! It speaks the contract as the WSDL says (document/literal wrapped, the
//! WSDL's `soapAction`s, transport addressing unless `--wsa`), so it works
//! with any server of the contract, not only wws's.

use std::process::ExitCode;
use std::time::Duration;

use wws_channel::connector::Http2Mode;
use wws_channel::proxy::ProxyConnector;
use wws_channel::tls::{Identity, TlsConnector};
use wws_core::{AddressingVersion, EnvelopeVersion, Error, Fault, FaultCode};
use wws_examples::calculator::{Add, CalculatorClient, Delay, Divide, Echo};
use wws_proxy::ProxyProperties;
use wws_proxy::{PendingCall, ServiceProxy};

const USAGE: &str = "usage: calculator_client [--url URL] [--soap12] [--wsa] [--timeout SECONDS] \
                     [--http2 | --http2-prior-knowledge] [--ca-file FILE] [--cert FILE --key FILE] \
                     [--proxy URL] [--noproxy LIST] [--proxy-env] \
                     (add A B | divide A B | echo TEXT | delay MS)";

/// What to call.
enum Operation {
    Add(f64, f64),
    Divide(f64, f64),
    Echo(String),
    Delay(i32),
}

struct Args {
    url: Option<String>,
    envelope: EnvelopeVersion,
    addressing: AddressingVersion,
    timeout: Option<Duration>,
    ca_file: Option<String>,
    client_cert: Option<(String, String)>,
    proxy: Option<String>,
    no_proxy: Option<String>,
    proxy_env: bool,
    http2: Http2Mode,
    operation: Operation,
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Args, String> {
    let mut url = None;
    let mut envelope = EnvelopeVersion::Soap11;
    let mut addressing = AddressingVersion::Transport;
    let mut timeout = None;
    let (mut ca_file, mut cert, mut key) = (None, None, None);
    let (mut proxy, mut no_proxy, mut proxy_env) = (None, None, false);
    let mut http2 = Http2Mode::Off;
    let mut words = Vec::new();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--url" => url = Some(args.next().ok_or("--url needs a value")?),
            "--soap12" => envelope = EnvelopeVersion::Soap12,
            "--wsa" => addressing = AddressingVersion::WsAddressing10,
            "--timeout" => {
                let secs = args.next().ok_or("--timeout needs a value")?;
                let secs: f64 = secs
                    .parse()
                    .map_err(|_| format!("--timeout: {secs:?} is not a number of seconds"))?;
                timeout = Some(
                    Duration::try_from_secs_f64(secs)
                        .map_err(|_| format!("--timeout: {secs} is out of range"))?,
                );
            }
            "--ca-file" => ca_file = Some(args.next().ok_or("--ca-file needs a file")?),
            "--cert" => cert = Some(args.next().ok_or("--cert needs a file")?),
            "--key" => key = Some(args.next().ok_or("--key needs a file")?),
            "--proxy" => proxy = Some(args.next().ok_or("--proxy needs a URL")?),
            "--noproxy" => no_proxy = Some(args.next().ok_or("--noproxy needs a list")?),
            "--proxy-env" => proxy_env = true,
            "--http2" => http2 = Http2Mode::Negotiate,
            "--http2-prior-knowledge" => http2 = Http2Mode::PriorKnowledge,
            "-h" | "--help" => return Err(String::new()),
            s if s.starts_with("--url=") => url = Some(s["--url=".len()..].to_owned()),
            s if s.starts_with("--") => return Err(format!("unknown option {s}")),
            _ => words.push(arg),
        }
    }
    let number = |s: &str| {
        s.parse::<f64>()
            .map_err(|_| format!("{s:?} is not a number"))
    };
    let operation = match words
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["add", a, b] => Operation::Add(number(a)?, number(b)?),
        ["divide", a, b] => Operation::Divide(number(a)?, number(b)?),
        ["echo", text] => Operation::Echo((*text).to_owned()),
        ["delay", ms] => Operation::Delay(
            ms.parse()
                .map_err(|_| format!("{ms:?} is not a number of milliseconds"))?,
        ),
        [] => return Err("no operation given".to_owned()),
        [op, ..] => return Err(format!("cannot call {op:?} with these arguments")),
    };
    let client_cert = match (cert, key) {
        (Some(c), Some(k)) => Some((c, k)),
        (None, None) => None,
        _ => return Err("--cert and --key go together".to_owned()),
    };
    Ok(Args {
        url,
        envelope,
        addressing,
        timeout,
        ca_file,
        client_cert,
        proxy,
        no_proxy,
        proxy_env,
        http2,
        operation,
    })
}

/// A fault's code as the envelope version names it, with its subcodes.
fn fault_code(fault: &Fault, envelope: EnvelopeVersion) -> String {
    let soap11 = envelope == EnvelopeVersion::Soap11;
    let mut code = match &fault.code {
        FaultCode::VersionMismatch => "VersionMismatch".to_owned(),
        FaultCode::MustUnderstand => "MustUnderstand".to_owned(),
        FaultCode::DataEncodingUnknown => "DataEncodingUnknown".to_owned(),
        FaultCode::Sender if soap11 => "Client".to_owned(),
        FaultCode::Sender => "Sender".to_owned(),
        FaultCode::Receiver if soap11 => "Server".to_owned(),
        FaultCode::Receiver => "Receiver".to_owned(),
        FaultCode::Other(q) => q.local.clone(),
    };
    for sub in &fault.subcodes {
        code.push('/');
        code.push_str(&sub.local);
    }
    code
}

/// Awaits `call`, abandoning it on Ctrl-C.
async fn finish<T>(
    proxy: &ServiceProxy,
    call: PendingCall<T>,
    show: impl Fn(T) -> String,
) -> ExitCode {
    let id = call.id();
    let outcome = tokio::select! {
        outcome = call => outcome,
        _ = tokio::signal::ctrl_c() => {
            let _ = proxy.abandon_call(id);
            eprintln!("call {id} abandoned");
            return ExitCode::from(130);
        }
    };
    match outcome {
        Ok(value) => {
            println!("{}", show(value));
            ExitCode::SUCCESS
        }
        Err(Error::FaultReceived(fault)) => {
            println!(
                "fault: {}: {}",
                fault_code(&fault, proxy.envelope_version()),
                fault.reason_text()
            );
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("error: {}", with_sources(&e));
            ExitCode::FAILURE
        }
    }
}

/// A TLS connector trusting the platform's roots and `ca_file`'s CAs, presenting `client_cert`.
fn tls_connector(
    ca_file: Option<&str>,
    client_cert: Option<&(String, String)>,
) -> wws_core::Result<TlsConnector> {
    let mut tls = TlsConnector::builder();
    if let Some(file) = ca_file {
        tls = tls.add_root_certificates_pem_file(file);
    }
    if let Some((cert, key)) = client_cert {
        tls = tls.identity(Identity::from_pem_files(cert, key)?);
    }
    tls.build()
}

/// The error and its sources, `: `-separated (the TLS check's details are in a source).
fn with_sources(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut next = e.source();
    while let Some(s) = next {
        text.push_str(": ");
        text.push_str(&s.to_string());
        next = s.source();
    }
    text
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(args) => args,
        Err(why) => {
            if !why.is_empty() {
                eprintln!("error: {why}");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    let url = args.url.unwrap_or_else(|| match args.envelope {
        EnvelopeVersion::Soap11 => "http://127.0.0.1:8080/calculator".to_owned(),
        EnvelopeVersion::Soap12 => "http://127.0.0.1:8080/calculator12".to_owned(),
    });
    let mut props = ProxyProperties::default();
    if let Some(timeout) = args.timeout {
        props.call_timeout = Some(timeout);
    }
    let mut builder = ServiceProxy::builder(&url)
        .envelope(args.envelope)
        .addressing(args.addressing)
        .properties(props)
        .http2(args.http2);
    let through_proxy = args.proxy.is_some() || args.proxy_env;
    if args.ca_file.is_some() || args.client_cert.is_some() || through_proxy {
        let connector =
            tls_connector(args.ca_file.as_deref(), args.client_cert.as_ref()).and_then(|tls| {
                match through_proxy {
                    false => Ok(builder.connector(tls)),
                    true => {
                        let mut proxy = ProxyConnector::builder().tls(tls);
                        if args.proxy_env {
                            proxy = proxy.env();
                        }
                        if let Some(url) = &args.proxy {
                            proxy = proxy.proxy(url.clone());
                        }
                        if let Some(list) = &args.no_proxy {
                            proxy = proxy.no_proxy(list.clone());
                        }
                        Ok(builder.connector(proxy.build()?))
                    }
                }
            });
        builder = match connector {
            Ok(b) => b,
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(2);
            }
        };
    }
    let proxy = match builder.build() {
        Ok(proxy) => proxy,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    if let Err(e) = proxy.open().await {
        eprintln!("error: {}", with_sources(&e));
        return ExitCode::FAILURE;
    }
    let client = CalculatorClient::new(proxy.clone());
    let code = match args.operation {
        Operation::Add(a, b) => {
            let pending = client.add(&Add { a, b });
            finish(&proxy, pending, |r| r.result.to_string()).await
        }
        Operation::Divide(a, b) => {
            let pending = client.divide(&Divide { a, b });
            finish(&proxy, pending, |r| r.result.to_string()).await
        }
        Operation::Echo(text) => {
            let pending = client.echo(&Echo { text });
            finish(&proxy, pending, |r| r.text).await
        }
        Operation::Delay(milliseconds) => {
            let pending = client.delay(&Delay { milliseconds });
            finish(&proxy, pending, |r| r.milliseconds.to_string()).await
        }
    };
    // Nothing is pending any more: close only releases the pooled connection.
    let _ = proxy.close().await;
    code
}
