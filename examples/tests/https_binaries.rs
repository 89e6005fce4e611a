//! The calculator host binary serves HTTPS (`--tls-cert`, `--tls-key`) and
//! the client binary calls it with a CA file, or with the platform roots
//! pointed at the CA by `SSL_CERT_FILE`, and names an untrusted certificate.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

#[path = "../../tests/src/pki.rs"]
mod pki;

/// The host process, killed when the test ends however it ends.
struct Host(Child);

impl Drop for Host {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts the calculator host over HTTPS on a free port; returns it and its port.
fn start_host(cert: &std::path::Path, key: &std::path::Path) -> (Host, u16) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_calculator"))
        .args(["--listen", "127.0.0.1:0", "--tls-cert"])
        .arg(cert)
        .arg("--tls-key")
        .arg(key)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .spawn()
        .expect("start calculator");
    let stdout = child.stdout.take().expect("stdout");
    let host = Host(child);
    // The first lines: "listening on ADDR", then the https:// URLs.
    let mut lines = BufReader::new(stdout).lines();
    let first = lines.next().expect("a line").expect("stdout");
    let addr: std::net::SocketAddr = first
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("{first:?}"))
        .parse()
        .expect("address");
    let soap11 = lines.next().expect("a line").expect("stdout");
    assert!(soap11.contains("https://"), "{soap11}");
    // Keep reading, so the host never writes to a closed pipe.
    std::thread::spawn(move || lines.for_each(drop));
    (host, addr.port())
}

/// Runs the client with `args` then `add 1 2` (its own call timeout bounds it).
fn client(port: u16, args: &[&str], env: &[(&str, &std::path::Path)]) -> std::process::Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_calculator_client"));
    cmd.arg("--url")
        .arg(format!("https://localhost:{port}/calculator"))
        .args(["--timeout", "10"])
        .args(args)
        .args(["add", "1", "2"])
        .env_remove("SSL_CERT_FILE")
        .env_remove("SSL_CERT_DIR");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("run calculator_client")
}

#[test]
fn the_binaries_speak_https() {
    let ca = pki::TestCa::new("wws test CA");
    let server = ca.server(&["localhost"]);
    let files = pki::PemFiles::new("binaries");
    let cert = files.write("server.crt", &server.cert);
    let key = files.write("server.key", &server.key);
    let ca_file = files.write("ca.pem", &ca.cert_pem);
    let (_host, port) = start_host(&cert, &key);

    let out = client(port, &["--ca-file", ca_file.to_str().expect("utf-8")], &[]);
    assert!(out.status.success(), "{out:?}");
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "3");

    // The platform roots honour SSL_CERT_FILE, as OpenSSL-based tools do.
    let out = client(port, &[], &[("SSL_CERT_FILE", &ca_file)]);
    assert!(out.status.success(), "{out:?}");
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "3");

    // Without the CA: refused, and the error names the check.
    let out = client(port, &[], &[]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("issuer is unknown"), "{err}");
}
