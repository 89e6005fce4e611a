//! Runs `zeep_call.py`: one operation called by zeep from the host's `?wsdl`.

use std::collections::BTreeMap;
use std::process::Command;

use crate::support::loud_skip;

/// Exit code of a peer that cannot run here.
const EXIT_SKIPPED: i32 = 77;

/// What zeep answered: the flattened result, or a fault line.
#[derive(Debug)]
pub enum Zeep {
    /// `path` → value.
    Result(BTreeMap<String, String>),
    /// `FAULT code=... message=...`.
    Fault(String),
}

impl Zeep {
    /// The result's leaves; panics on a fault.
    pub fn result(self) -> BTreeMap<String, String> {
        match self {
            Zeep::Result(r) => r,
            Zeep::Fault(f) => panic!("zeep got a fault: {f}"),
        }
    }
}

/// Calls `operation(**kwargs)` on `service`/`port` of the WSDL at
/// `wsdl_url`, on a blocking thread. `None` (after a loud SKIPPED) when
/// python3 or zeep is missing.
pub async fn call(
    wsdl_url: &str,
    service: &str,
    port: &str,
    operation: &str,
    kwargs: &str,
) -> Option<Zeep> {
    let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/contracts/zeep_call.py");
    let mut cmd = Command::new(&python);
    cmd.arg(script)
        .args([wsdl_url, service, port, operation, kwargs])
        .env("PYTHONDONTWRITEBYTECODE", "1");
    let what = format!("zeep {operation} on {port}");
    let out = crate::support::within(&what, tokio::task::spawn_blocking(move || cmd.output()))
        .await
        .expect("zeep thread");
    let out = match out {
        Ok(out) => out,
        Err(e) => {
            loud_skip(&format!("{python} cannot run ({e}): {what} did not run"));
            return None;
        }
    };
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    match out.status.code() {
        Some(0) => Some(Zeep::Result(
            stdout
                .lines()
                .filter_map(|l| l.split_once('='))
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect(),
        )),
        Some(3) => Some(Zeep::Fault(stdout.trim().to_owned())),
        Some(EXIT_SKIPPED) => {
            loud_skip(&format!("{}: {what} did not run", stderr.trim()));
            None
        }
        _ => panic!("{what} failed ({}):\n{stdout}\n{stderr}", out.status),
    }
}
