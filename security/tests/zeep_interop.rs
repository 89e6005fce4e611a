//! zeep's `UsernameToken` (text, digest, digest with a timestamp) against
//! our host (issue 15 §3), on both calculator ports: `zeep_wsse.py`.
//! SKIPPED loudly when python3 or zeep is missing (`tests/interop/install.sh`
//! installs zeep).

use std::process::Command;

use wws_examples::calculator::Calculator;
use wws_host::ServiceHost;
use wws_security::{Principal, UserEntry, UsernameTokenValidator};

/// Exit code of a peer that cannot run here.
const EXIT_SKIPPED: i32 = 77;

fn loud_skip(why: &str) {
    let line = "=".repeat(65);
    eprintln!("{line}\nSKIPPED: {why}\n{line}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn zeep_username_tokens_authenticate_against_our_host() {
    let users = |n: &str| (n == "alice").then(|| UserEntry::new("secret", Principal::new("Alice")));
    let host = ServiceHost::builder(([127, 0, 0, 1], 0).into())
        .layer(UsernameTokenValidator::new(users))
        .build()
        .expect("host");
    for e in Calculator::new().endpoints() {
        host.add_endpoint(e).expect("endpoint");
    }
    host.open().await.expect("open");
    let wsdl = format!(
        "http://{}/calculator?wsdl",
        host.local_addr().expect("bound")
    );
    let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/zeep_wsse.py");
    let mut cmd = Command::new(&python);
    cmd.arg(script)
        .arg(&wsdl)
        .env("PYTHONDONTWRITEBYTECODE", "1");
    let out = tokio::task::spawn_blocking(move || cmd.output())
        .await
        .expect("zeep thread");
    host.close().await.expect("close");
    let out = match out {
        Ok(out) => out,
        Err(e) => {
            return loud_skip(&format!(
                "{python} cannot run ({e}): zeep WS-Security did not run"
            ));
        }
    };
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    match out.status.code() {
        Some(0) => {
            print!("{stdout}");
            assert!(
                stdout.lines().filter(|l| l.starts_with("PASS")).count() >= 12,
                "{stdout}"
            );
        }
        Some(EXIT_SKIPPED) => {
            loud_skip(&format!("{}: zeep WS-Security did not run", stderr.trim()))
        }
        _ => panic!(
            "zeep WS-Security failed ({}):\n{stdout}\n{stderr}",
            out.status
        ),
    }
}
