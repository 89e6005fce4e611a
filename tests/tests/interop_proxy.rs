//! Our typed proxy against foreign calculator servers (issue 6 §2, issue 14):
//! gSOAP (stock, whose answers to SOAP 1.1 requests carry SOAP 1.2 fault
//! elements, and `--proper-soap11`), spyne (HTTP/1.0, a connection per
//! request), WCF's ServiceHost on Mono (faults with a `mustUnderstand`
//! Action header in the addressing-none namespace), JAX-WS RI's Endpoint and
//! node-soap's `soap.listen`.
//! Each test starts its server on a free loopback port and stops it when done.
//!
//! A peer that is not installed here is reported SKIPPED on stderr (past the
//! test harness's capture, so it shows) and the test passes: the workspace's
//! tests never depend on peers. `tests/interop/install.sh` installs them and
//! `cargo xtask interop` runs these tests with them present, where any
//! failure fails the run.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

use wws_core::{AddressingVersion, EnvelopeVersion, Error, FaultCode};
use wws_examples::calculator::{
    ADD_ACTION, Add, AddResponse, DELAY_ACTION, DIVIDE_ACTION, Delay, DelayResponse, Divide,
    DivideResponse, ECHO_ACTION, Echo, EchoResponse,
};
use wws_proxy::{CallOptions, ServiceProxy};

/// Exit code of a peer script that cannot run here (`tests/interop/lib.sh`).
const EXIT_SKIPPED: i32 = 77;
/// Bound on a server's start and on any one call (generous: loaded 2-core CI).
const STEP: Duration = Duration::from_secs(30);
const SPECIAL_TEXT: &str = "héllo <&> \"' ünïcødé ✓";
const VERSIONS: [EnvelopeVersion; 2] = [EnvelopeVersion::Soap11, EnvelopeVersion::Soap12];

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ has a parent")
        .to_path_buf()
}

fn interop_dir() -> PathBuf {
    repo_root().join("tests/interop")
}

/// Prints past libtest's output capture, so a skip is seen in every run.
fn loud_skip(why: &str) {
    let line = "=".repeat(65);
    let _ = writeln!(std::io::stderr(), "{line}\nSKIPPED: {why}\n{line}");
}

/// A foreign server process, killed when dropped.
struct Peer {
    name: &'static str,
    child: Child,
    port: u16,
    stderr: Arc<Mutex<Vec<String>>>,
}

impl Peer {
    fn url(&self, envelope: EnvelopeVersion) -> String {
        let path = match envelope {
            EnvelopeVersion::Soap11 => "/calculator",
            EnvelopeVersion::Soap12 => "/calculator12",
        };
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// The server's last stderr lines, for failure messages.
    fn log(&self) -> String {
        self.stderr.lock().map(|l| l.join("\n")).unwrap_or_default()
    }
}

impl Drop for Peer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `cmd`, which prints `listening on PORT` once it accepts
/// connections. `None` (after a loud SKIPPED) when the peer cannot run here:
/// its program is missing or it exits with [`EXIT_SKIPPED`]. Panics when a
/// present peer fails to start.
fn start(name: &'static str, mut cmd: Command) -> Option<Peer> {
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = match cmd.spawn() {
        Ok(c) => c,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            loud_skip(&format!("{name}: {:?} not found", cmd.get_program()));
            return None;
        }
        Err(e) => panic!("{name}: cannot start {:?}: {e}", cmd.get_program()),
    };
    let stderr = Arc::new(Mutex::new(Vec::new()));
    if let Some(err) = child.stderr.take() {
        let lines = Arc::clone(&stderr);
        std::thread::spawn(move || {
            for line in BufReader::new(err).lines().map_while(Result::ok) {
                if let Ok(mut l) = lines.lock() {
                    l.push(line);
                    let excess = l.len().saturating_sub(50);
                    l.drain(..excess);
                }
            }
        });
    }
    let (port_tx, port_rx) = mpsc::channel();
    let out = child.stdout.take().expect("stdout is piped");
    std::thread::spawn(move || {
        let mut sent = false;
        // Keeps reading after the port so the server never blocks on a full pipe.
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            if !sent && let Some(port) = line.trim().strip_prefix("listening on ") {
                sent = port_tx.send(port.parse::<u16>().ok()).is_ok();
            }
        }
    });
    let mut peer = Peer {
        name,
        child,
        port: 0,
        stderr,
    };
    match port_rx.recv_timeout(STEP) {
        Ok(Some(port)) => {
            peer.port = port;
            Some(peer)
        }
        Ok(None) => panic!("{name}: bad 'listening on' line; stderr:\n{}", peer.log()),
        Err(_) => {
            // stdout closed or nothing in time: did it exit, and how?
            let status = wait_exit(&mut peer.child, Duration::from_secs(5));
            if status.and_then(|s| s.code()) == Some(EXIT_SKIPPED) {
                let log = peer.log();
                let why: Vec<&str> = log
                    .lines()
                    .filter_map(|l| l.strip_prefix("SKIPPED: "))
                    .collect();
                loud_skip(&format!("{name}: {}", why.join("; ")));
                return None;
            }
            panic!(
                "{name} did not print 'listening on PORT' within {STEP:?} (exit {status:?}); stderr:\n{}",
                peer.log()
            );
        }
    }
}

fn wait_exit(child: &mut Child, bound: Duration) -> Option<std::process::ExitStatus> {
    let deadline = Instant::now() + bound;
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Some(status),
            Ok(None) if Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(20));
            }
            _ => return None,
        }
    }
}

/// Runs a build script of `tests/interop` that prints the directory of what
/// it built on its last stdout line (`gsoap_cache.sh`, `peer_cache.sh`,
/// shared with `run.sh`): its stdout lines. `None` after a loud SKIPPED.
fn cached_build(script: &str, args: &[&str]) -> Option<Vec<String>> {
    let out = match Command::new("bash")
        .arg(interop_dir().join(script))
        .args(args)
        .stdin(Stdio::null())
        .output()
    {
        Ok(out) => out,
        Err(e) => {
            loud_skip(&format!("{script}: cannot run bash: {e}"));
            return None;
        }
    };
    let stderr = String::from_utf8_lossy(&out.stderr);
    match out.status.code() {
        Some(0) => {}
        Some(EXIT_SKIPPED) => {
            let why: Vec<&str> = stderr
                .lines()
                .filter_map(|l| l.strip_prefix("SKIPPED: "))
                .collect();
            loud_skip(&why.join("; "));
            return None;
        }
        _ => panic!("{script} {args:?} failed ({}):\n{stderr}", out.status),
    }
    Some(
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(str::to_owned)
            .collect(),
    )
}

/// The directory of the gSOAP binaries, built once per source hash by
/// `gsoap_cache.sh`. `None` after a loud SKIPPED.
fn gsoap_binaries() -> Option<PathBuf> {
    let cache = Path::new(env!("CARGO_TARGET_TMPDIR")).join("interop-gsoap");
    let lines = cached_build("gsoap_cache.sh", &[&cache.to_string_lossy()])?;
    let dir = PathBuf::from(lines.last().cloned().unwrap_or_default());
    assert!(
        dir.join("calc_server").is_file(),
        "gsoap_cache.sh printed {dir:?}, which has no calc_server"
    );
    Some(dir)
}

/// `peer_cache.sh` for `peer` (`wcf`, `jaxws-server`): the directory it
/// built and, for Java, the class path. `None` after a loud SKIPPED.
fn peer_build(peer: &str) -> Option<(PathBuf, Option<String>)> {
    let cache = Path::new(env!("CARGO_TARGET_TMPDIR")).join("interop-peers");
    let lines = cached_build("peer_cache.sh", &[&cache.to_string_lossy(), peer])?;
    let classpath = lines
        .iter()
        .find_map(|l| l.strip_prefix("classpath "))
        .map(str::to_owned);
    let dir = PathBuf::from(lines.last().cloned().unwrap_or_default());
    assert!(dir.is_dir(), "peer_cache.sh {peer} printed {dir:?}");
    Some((dir, classpath))
}

fn wcf() -> Option<Peer> {
    let (dir, _) = peer_build("wcf")?;
    let mut cmd = Command::new("mono");
    cmd.arg(dir.join("wcf_server.exe")).arg("0");
    start("WCF (Mono)", cmd)
}

fn jaxws() -> Option<Peer> {
    let (_, classpath) = peer_build("jaxws-server")?;
    let mut cmd = Command::new("java");
    cmd.arg("-Djava.util.logging.config.file=/dev/null")
        .arg("-cp")
        .arg(classpath.expect("peer_cache.sh prints the class path"))
        .args(["Server", "0"]);
    start("JAX-WS RI", cmd)
}

fn node() -> Option<Peer> {
    let lib = interop_dir().join("lib.sh");
    let out = Command::new("bash")
        .arg("-c")
        .arg(format!("source '{}' && node_soap_path", lib.display()))
        .stdin(Stdio::null())
        .output();
    let node_path = match out {
        Ok(out) if out.status.success() => String::from_utf8_lossy(&out.stdout).trim().to_owned(),
        _ => {
            loud_skip("node-soap: the soap package is not installed (tests/interop/install.sh)");
            return None;
        }
    };
    let mut cmd = Command::new("node");
    cmd.arg(interop_dir().join("node/server.js"))
        .arg("0")
        .arg(repo_root().join("examples/calculator.wsdl"))
        .env("NODE_PATH", node_path);
    start("node-soap", cmd)
}

fn gsoap(proper_soap11: bool) -> Option<Peer> {
    let dir = gsoap_binaries()?;
    let mut cmd = Command::new(dir.join("calc_server"));
    if proper_soap11 {
        cmd.arg("--proper-soap11");
    }
    cmd.arg("0");
    let name = if proper_soap11 {
        "gSOAP --proper-soap11"
    } else {
        "gSOAP (stock)"
    };
    start(name, cmd)
}

fn spyne() -> Option<Peer> {
    let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
    let mut cmd = Command::new(python);
    cmd.arg(interop_dir().join("spyne_server.py"))
        .arg("0")
        .arg("--wsdl")
        .arg(repo_root().join("examples/calculator.wsdl"))
        // Keep __pycache__ out of the source tree.
        .env("PYTHONDONTWRITEBYTECODE", "1");
    start("spyne", cmd)
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
}

async fn within<F: std::future::Future>(what: &str, f: F) -> F::Output {
    tokio::time::timeout(STEP, f)
        .await
        .unwrap_or_else(|_| panic!("{what}: no answer within {STEP:?}"))
}

async fn open(peer: &Peer, envelope: EnvelopeVersion) -> ServiceProxy {
    let proxy = ServiceProxy::new(&peer.url(envelope), envelope, AddressingVersion::Transport)
        .expect("proxy");
    within("open", proxy.open())
        .await
        .unwrap_or_else(|e| panic!("{}: open {:?}: {e}", peer.name, envelope));
    proxy
}

/// Every operation of the contract, its result or fault checked.
async fn every_call(peer: &Peer, envelope: EnvelopeVersion) {
    let proxy = open(peer, envelope).await;
    let ctx = format!("{} {envelope:?}", peer.name);
    let fail = |what: &str, e: Error| -> ! { panic!("{ctx}: {what}: {e}\n{}", peer.log()) };

    let r: AddResponse = within(
        &ctx,
        proxy.call(ADD_ACTION, &Add { a: 1.5, b: 2.25 }, CallOptions::new()),
    )
    .await
    .unwrap_or_else(|e| fail("Add", e));
    assert_eq!(r.result, 3.75, "{ctx}: Add(1.5, 2.25)");

    let r: DivideResponse = within(
        &ctx,
        proxy.call(
            DIVIDE_ACTION,
            &Divide { a: 1.0, b: 4.0 },
            CallOptions::new(),
        ),
    )
    .await
    .unwrap_or_else(|e| fail("Divide(1, 4)", e));
    assert_eq!(r.result, 0.25, "{ctx}: Divide(1, 4)");

    let r: Result<DivideResponse, _> = within(
        &ctx,
        proxy.call(
            DIVIDE_ACTION,
            &Divide { a: 1.0, b: 0.0 },
            CallOptions::new(),
        ),
    )
    .await;
    match r {
        Err(Error::FaultReceived(fault)) => {
            assert_eq!(
                fault.code,
                FaultCode::Sender,
                "{ctx}: fault code of {fault:?}"
            );
            assert_eq!(fault.reason_text(), "division by zero", "{ctx}: {fault:?}");
        }
        other => panic!("{ctx}: Divide(1, 0) gave {other:?}, not a fault"),
    }

    for text in [
        SPECIAL_TEXT.to_owned(),
        String::new(),
        "x".repeat(1024 * 1024),
    ] {
        let shown = if text.len() > 100 {
            format!("{} bytes", text.len())
        } else {
            format!("{text:?}")
        };
        let r: EchoResponse = within(
            &ctx,
            proxy.call(
                ECHO_ACTION,
                &Echo { text: text.clone() },
                CallOptions::new(),
            ),
        )
        .await
        .unwrap_or_else(|e| fail(&format!("Echo({shown})"), e));
        assert!(
            r.text == text,
            "{ctx}: Echo({shown}) came back as {} bytes",
            r.text.len()
        );
    }

    let t0 = Instant::now();
    let r: DelayResponse = within(
        &ctx,
        proxy.call(
            DELAY_ACTION,
            &Delay { milliseconds: 50 },
            CallOptions::new(),
        ),
    )
    .await
    .unwrap_or_else(|e| fail("Delay(50)", e));
    let took = t0.elapsed();
    assert_eq!(r.milliseconds, 50, "{ctx}: Delay(50)");
    assert!(
        took >= Duration::from_millis(50),
        "{ctx}: Delay(50) answered after {took:?}"
    );

    within(&ctx, proxy.close())
        .await
        .unwrap_or_else(|e| fail("close", e));
}

/// A Delay(2000) is abandoned after five other calls, made after it, have
/// finished with correct results while it was still pending; the abandoned
/// call ends with `Abandoned` within 50 ms.
async fn abandon_delay_while_others_finish(peer: &Peer, envelope: EnvelopeVersion) {
    let proxy = open(peer, envelope).await;
    let ctx = format!("{} {envelope:?}", peer.name);
    let fail = |what: &str, e: Error| -> ! { panic!("{ctx}: {what}: {e}\n{}", peer.log()) };
    let started = Instant::now();
    let doomed = proxy.call::<Delay, DelayResponse>(
        DELAY_ACTION,
        &Delay { milliseconds: 2000 },
        CallOptions::new(),
    );

    let add =
        proxy.call::<Add, AddResponse>(ADD_ACTION, &Add { a: 1.5, b: 2.25 }, CallOptions::new());
    let divide = proxy.call::<Divide, DivideResponse>(
        DIVIDE_ACTION,
        &Divide { a: 1.0, b: 4.0 },
        CallOptions::new(),
    );
    let echo = proxy.call::<Echo, EchoResponse>(
        ECHO_ACTION,
        &Echo {
            text: SPECIAL_TEXT.into(),
        },
        CallOptions::new(),
    );
    let empty = proxy.call::<Echo, EchoResponse>(
        ECHO_ACTION,
        &Echo {
            text: String::new(),
        },
        CallOptions::new(),
    );
    let delay = proxy.call::<Delay, DelayResponse>(
        DELAY_ACTION,
        &Delay { milliseconds: 100 },
        CallOptions::new(),
    );
    let (add, divide, echo, empty, delay) = within(&ctx, async {
        tokio::join!(add, divide, echo, empty, delay)
    })
    .await;
    assert_eq!(add.unwrap_or_else(|e| fail("Add", e)).result, 3.75, "{ctx}");
    assert_eq!(
        divide.unwrap_or_else(|e| fail("Divide", e)).result,
        0.25,
        "{ctx}"
    );
    assert_eq!(
        echo.unwrap_or_else(|e| fail("Echo", e)).text,
        SPECIAL_TEXT,
        "{ctx}"
    );
    assert_eq!(
        empty.unwrap_or_else(|e| fail("Echo(\"\")", e)).text,
        "",
        "{ctx}"
    );
    assert_eq!(
        delay.unwrap_or_else(|e| fail("Delay(100)", e)).milliseconds,
        100,
        "{ctx}"
    );

    // The five finished while the Delay(2000) was pending, not after it.
    assert_eq!(
        proxy.pending_calls(),
        1,
        "{ctx}: Delay(2000) no longer pending after {:?}",
        started.elapsed()
    );
    let t0 = Instant::now();
    proxy.abandon_call(doomed.id()).expect("abandon_call");
    let r = doomed.await;
    let took = t0.elapsed();
    assert!(
        matches!(r, Err(Error::Abandoned { .. })),
        "{ctx}: abandoned call gave {r:?}"
    );
    assert!(
        took < Duration::from_millis(50),
        "{ctx}: abandoned call ended after {took:?}"
    );
    assert!(
        started.elapsed() < Duration::from_millis(2000),
        "{ctx}: abandoned only after {:?}, when the Delay could have answered",
        started.elapsed()
    );
    assert_eq!(proxy.pending_calls(), 0, "{ctx}");

    // The proxy goes on working after the abandon.
    let r: AddResponse = within(
        &ctx,
        proxy.call(ADD_ACTION, &Add { a: 2.0, b: 3.0 }, CallOptions::new()),
    )
    .await
    .unwrap_or_else(|e| fail("Add after abandon", e));
    assert_eq!(r.result, 5.0, "{ctx}");
    within(&ctx, proxy.close())
        .await
        .unwrap_or_else(|e| fail("close", e));
}

/// For a server that answers one request at a time (WCF's ServiceHost on
/// Mono, README): a Delay(2000) abandoned while pending ends with
/// `Abandoned` within 50 ms, and the proxy's next call succeeds (once the
/// server is done with the Delay it still runs).
async fn abandon_delay_on_serial_server(peer: &Peer, envelope: EnvelopeVersion) {
    let proxy = open(peer, envelope).await;
    let ctx = format!("{} {envelope:?}", peer.name);
    let fail = |what: &str, e: Error| -> ! { panic!("{ctx}: {what}: {e}\n{}", peer.log()) };
    let doomed = proxy.call::<Delay, DelayResponse>(
        DELAY_ACTION,
        &Delay { milliseconds: 2000 },
        CallOptions::new(),
    );
    let id = doomed.id();
    let doomed = tokio::spawn(doomed);
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(proxy.pending_calls(), 1, "{ctx}: Delay(2000) not pending");
    let t0 = Instant::now();
    proxy.abandon_call(id).expect("abandon_call");
    let r = within(&ctx, doomed).await.expect("the call's task");
    let took = t0.elapsed();
    assert!(
        matches!(r, Err(Error::Abandoned { .. })),
        "{ctx}: abandoned call gave {r:?}"
    );
    assert!(
        took < Duration::from_millis(50),
        "{ctx}: abandoned call ended after {took:?}"
    );
    let r: AddResponse = within(
        &ctx,
        proxy.call(ADD_ACTION, &Add { a: 2.0, b: 3.0 }, CallOptions::new()),
    )
    .await
    .unwrap_or_else(|e| fail("Add after abandon", e));
    assert_eq!(r.result, 5.0, "{ctx}");
    within(&ctx, proxy.close())
        .await
        .unwrap_or_else(|e| fail("close", e));
}

fn every_call_both_versions(peer: Option<Peer>) {
    let Some(peer) = peer else { return };
    runtime().block_on(async {
        for envelope in VERSIONS {
            every_call(&peer, envelope).await;
        }
    });
}

fn abandon_both_versions(peer: Option<Peer>) {
    let Some(peer) = peer else { return };
    runtime().block_on(async {
        for envelope in VERSIONS {
            abandon_delay_while_others_finish(&peer, envelope).await;
        }
    });
}

#[test]
fn gsoap_stock_every_call() {
    every_call_both_versions(gsoap(false));
}

#[test]
fn gsoap_proper_soap11_every_call() {
    every_call_both_versions(gsoap(true));
}

#[test]
fn spyne_every_call() {
    every_call_both_versions(spyne());
}

#[test]
fn gsoap_abandon_delay_while_others_finish() {
    abandon_both_versions(gsoap(false));
}

#[test]
fn spyne_abandon_delay_while_others_finish() {
    abandon_both_versions(spyne());
}

#[test]
fn wcf_every_call() {
    every_call_both_versions(wcf());
}

#[test]
fn jaxws_every_call() {
    every_call_both_versions(jaxws());
}

#[test]
fn node_every_call() {
    every_call_both_versions(node());
}

/// Mono's ServiceHost serves one request at a time (README), so the five
/// calls cannot finish while the Delay runs: the serial variant.
#[test]
fn wcf_abandon_delay() {
    let Some(peer) = wcf() else { return };
    runtime().block_on(async {
        for envelope in VERSIONS {
            abandon_delay_on_serial_server(&peer, envelope).await;
        }
    });
}

#[test]
fn jaxws_abandon_delay_while_others_finish() {
    abandon_both_versions(jaxws());
}

#[test]
fn node_abandon_delay_while_others_finish() {
    abandon_both_versions(node());
}
