//! The proxy calls the host through Debian's tinyproxy, started here on
//! loopback with a temporary configuration that requires Basic
//! credentials: `http://` forwarded, `https://` tunnelled with `CONNECT`,
//! and a call without credentials refused with the proxy's 407.
//!
//! tinyproxy is a peer, not a dependency: when it is not installed
//! (`apt-get install -y tinyproxy`, done by `tests/interop/install.sh`)
//! the test says SKIPPED on stderr, past the harness's capture, and passes.
//! `WWS_TINYPROXY` names the program if it is not on the usual paths.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use wws_channel::proxy::ProxyConnector;
use wws_core::{AddressingVersion, EnvelopeVersion, Error};
use wws_examples::calculator::{self, Add};
use wws_host::ServiceHostProperties;
use wws_proxy::{CallOptions, ServiceProxy};
use wws_tests::pki::{PemFiles, TestCa};

use crate::http_proxy::{serve_https, trusting};
use crate::support::*;

const USER: &str = "wws";
const PASSWORD: &str = "s3cret";

fn loud_skip(why: &str) {
    let line = "=".repeat(65);
    let _ = writeln!(std::io::stderr(), "{line}\nSKIPPED: {why}\n{line}");
}

fn tinyproxy_program() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("WWS_TINYPROXY") {
        return Some(PathBuf::from(p));
    }
    [
        "/usr/bin/tinyproxy",
        "/usr/sbin/tinyproxy",
        "/usr/local/bin/tinyproxy",
    ]
    .iter()
    .map(PathBuf::from)
    .find(|p| p.exists())
}

/// A tinyproxy process, killed when dropped.
struct Tinyproxy {
    child: Child,
    port: u16,
}

impl Drop for Tinyproxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Tinyproxy {
    /// Starts `program` on a free loopback port; waits until it accepts.
    async fn start(program: &Path, dir: &PemFiles) -> Tinyproxy {
        // A free port: bound, then released for tinyproxy (which cannot take port 0).
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("free port")
            .port();
        let root = cfg!(unix)
            && Command::new("id")
                .arg("-u")
                .output()
                .is_ok_and(|o| o.stdout.starts_with(b"0"));
        let mut conf = format!(
            "Port {port}\nListen 127.0.0.1\nTimeout 30\nMaxClients 16\nAllow 127.0.0.1\n\
             LogLevel Info\nBasicAuth {USER} {PASSWORD}\n"
        );
        if root {
            // tinyproxy drops root; nobody cannot read the temporary directory's files, it needs none.
            conf.push_str("User nobody\nGroup nogroup\n");
        }
        let path = dir.write("tinyproxy.conf", &conf);
        let child = Command::new(program)
            .arg("-d")
            .arg("-c")
            .arg(&path)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("tinyproxy starts");
        let mut proxy = Tinyproxy { child, port };
        let deadline = Instant::now() + STEP;
        loop {
            if tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .is_ok()
            {
                return proxy;
            }
            if let Ok(Some(status)) = proxy.child.try_wait() {
                panic!("tinyproxy exited at start: {status}");
            }
            assert!(
                Instant::now() < deadline,
                "tinyproxy did not listen within {STEP:?}"
            );
            // Polls an external process's readiness: nothing to wait on but the port.
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    fn url(&self, credentials: bool) -> String {
        match credentials {
            true => format!("http://{USER}:{PASSWORD}@127.0.0.1:{}", self.port),
            false => format!("http://127.0.0.1:{}", self.port),
        }
    }
}

fn version(program: &Path) -> String {
    Command::new(program)
        .arg("-v")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default()
}

async fn add_through(url: &str, connector: ProxyConnector) -> wws_core::Result<f64> {
    let p = ServiceProxy::builder(url)
        .envelope(EnvelopeVersion::Soap11)
        .addressing(AddressingVersion::Transport)
        .connector(connector)
        .build()?;
    within(p.open()).await?;
    let r =
        within(p.invoke::<calculator::op::Add>(&Add { a: 2.0, b: 3.0 }, CallOptions::new())).await;
    let _ = within(p.close()).await;
    r.map(|r| r.result)
}

#[tokio::test]
async fn calls_go_through_debian_tinyproxy() {
    let Some(program) = tinyproxy_program() else {
        loud_skip(
            "tinyproxy not installed (apt-get install -y tinyproxy, or tests/interop/install.sh)",
        );
        return;
    };
    let (ca, files) = (TestCa::new("wws test CA"), PemFiles::new("e2e-tinyproxy"));
    let tinyproxy = Tinyproxy::start(&program, &files).await;
    let _ = writeln!(
        std::io::stderr(),
        "tinyproxy: {} on port {}",
        version(&program),
        tinyproxy.port
    );
    let served = serve(ServiceHostProperties::default()).await;
    let served_tls = serve_https(&ca, &files).await;
    let http_url = calculator::url(served.addr, calculator::PATH_SOAP11);
    let https_url = format!(
        "https://localhost:{}{}",
        served_tls.addr.port(),
        calculator::PATH_SOAP11
    );
    let connector = |credentials| {
        ProxyConnector::builder()
            .proxy(tinyproxy.url(credentials))
            .tls(trusting(&ca))
            .build()
            .expect("connector")
    };

    let r = add_through(&http_url, connector(true)).await;
    assert_eq!(r.expect("http:// forwarded by tinyproxy"), 5.0);
    let r = add_through(&https_url, connector(true)).await;
    assert_eq!(r.expect("https:// through tinyproxy's CONNECT"), 5.0);

    // Without credentials tinyproxy answers 407, to a forwarded request and to CONNECT.
    let proxy_url = tinyproxy.url(false);
    for url in [&http_url, &https_url] {
        let r = add_through(url, connector(false)).await;
        assert!(
            matches!(&r, Err(Error::EndpointAccessDenied { url, status: 407, .. }) if *url == proxy_url),
            "{url}: {r:?}"
        );
    }
    served.host.close().await.expect("host close");
    served_tls.host.close().await.expect("host close");
}
