//! Several calculator hosts behind a real load balancer (issue 13 §4, and
//! the `curl --http2` case of §5): Debian's nginx on loopback terminating
//! TLS and HTTP/2 in front of two `calculator` hosts.
//!
//! ```text
//! cargo build -p wws-examples --bins -p wws-tests --bin lb_nginx
//! target/debug/lb_nginx            # or: cargo xtask lb
//! ```
//!
//! It finds nginx (installs `nginx-light` with apt-get when root and it is
//! missing), makes a test CA and a server certificate (rcgen, in a temp
//! dir, removed at the end), starts two `calculator --report-events` hosts
//! on free loopback ports and nginx with a config written to the temp dir
//! (`-p DIR -c nginx.conf`, pid and logs there, `daemon off`), then checks,
//! in the order of the closing table:
//!
//! 1. Add calls through nginx over HTTPS: both hosts answered (each host's
//!    `event started` lines).
//! 2. A Delay(10000) abandoned by id through `ServiceProxy::abandon_call`:
//!    the upstream host's operation told `ChannelFaulted` within
//!    [`TOLD_BOUND`].
//! 3. `curl --http2` over TLS trusting the test CA: an Add, reply checked,
//!    HTTP/2 used.
//! 4. A `curl --http2` client killed mid-Delay(10000): the upstream host's
//!    operation told `ChannelFaulted` within [`TOLD_BOUND`].
//! 5. One host killed (SIGKILL) mid-load ([`LOAD_CALLS`] Add calls from
//!    [`LOAD_CALLERS`] callers, each call bounded by [`CALL_BOUND`]): every
//!    call answered correctly or failed with a transport error, none hung.
//!
//! 6. Our proxy over HTTPS to nginx in front of gSOAP (the interop peer's
//!    calculator server, `tests/interop/serve_peer.py gsoap`, behind
//!    `location /gsoap/`): Add calls answered correctly, each one logged by
//!    nginx as an HTTP/1.1 request with the gSOAP server as its upstream.
//! 7. The same with the proxy speaking HTTP/2 (`Http2Mode::Negotiate`: h2
//!    by ALPN), each call logged by nginx as an HTTP/2.0 request.
//!    6 and 7 are SKIPPED loudly when gSOAP cannot be built here.
//!
//! `WWS_LB_IGNORE_CLIENT_ABORT=on` writes `proxy_ignore_client_abort on;`
//! instead of nginx's default `off`: checks 2 and 4 then fail, which shows
//! that they see what nginx does; `WWS_LB_IGNORE_CLIENT_ABORT=default`
//! leaves the directive out, to see that nginx's default is `off`.
//! `WWS_LB_KEEP=1` keeps the temp dir
//! (config, logs).
//!
//! Prints a table of the checks with nginx's version. Exit: 0 every check
//! passed, 1 a check failed, 77 SKIPPED (nginx cannot be had here; the
//! reason is printed between `=====` lines, as `tests/interop/lib.sh`).

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use wws_channel::connector::Http2Mode;
use wws_channel::tls::TlsConnector;
use wws_core::{EnvelopeVersion, Error};
use wws_examples::calculator::{Add, CalculatorClient, Delay};
use wws_proxy::{ProxyProperties, ServiceProxy};
use wws_tests::pki::TestCa;

/// Calls of the kill-one-host load.
const LOAD_CALLS: usize = 2_000;
/// Concurrent callers of that load.
const LOAD_CALLERS: usize = 16;
/// The load kills host B once this many calls have ended.
const KILL_AFTER: usize = 400;
/// Each call's timeout (the proxy's `call_timeout`).
const CALL_TIMEOUT: Duration = Duration::from_secs(10);
/// A call that has not ended this long after it began counts as hung.
const CALL_BOUND: Duration = Duration::from_secs(15);
/// The abandoned Delay's operation must be told within this bound.
const TOLD_BOUND: Duration = Duration::from_secs(2);
/// Waiting for a process to listen, or for an event line.
const START_BOUND: Duration = Duration::from_secs(20);
/// Exit code of a skipped run.
const EXIT_SKIPPED: u8 = 77;

/// One check of the closing table.
struct Check {
    what: String,
    shown: String,
    passed: bool,
}

/// A child process killed (and reaped) on drop.
struct Proc {
    name: String,
    child: Child,
    lines: Arc<Mutex<Vec<String>>>,
}

impl Proc {
    fn lines(&self) -> Vec<String> {
        self.lines.lock().map(|l| l.clone()).unwrap_or_default()
    }

    /// Waits until a stdout line satisfies `pred`; returns it and when it was seen.
    fn wait_line(&self, bound: Duration, pred: impl Fn(&str) -> bool) -> Option<String> {
        let start = Instant::now();
        while start.elapsed() < bound {
            if let Some(l) = self.lines().into_iter().find(|l| pred(l)) {
                return Some(l);
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        None
    }

    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            // SIGTERM first, so that nginx removes its pid file; SIGKILL after a bound.
            let _ = Command::new("kill")
                .args(["-TERM", &self.child.id().to_string()])
                .status();
            for _ in 0..50 {
                if let Ok(Some(_)) = self.child.try_wait() {
                    return;
                }
                std::thread::sleep(Duration::from_millis(100));
            }
            eprintln!(
                "lb_nginx: {} did not stop on SIGTERM; killing it",
                self.name
            );
            self.kill();
        }
    }
}

/// Starts `cmd` with stdout collected line by line.
fn spawn(name: &str, mut cmd: Command) -> Result<Proc, String> {
    cmd.stdin(Stdio::null()).stdout(Stdio::piped());
    let mut child = cmd
        .spawn()
        .map_err(|e| format!("cannot start {name} ({cmd:?}): {e}"))?;
    let lines = Arc::new(Mutex::new(Vec::new()));
    if let Some(out) = child.stdout.take() {
        let sink = Arc::clone(&lines);
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(|l| l.ok()) {
                if let Ok(mut l) = sink.lock() {
                    l.push(line);
                }
            }
        });
    }
    Ok(Proc {
        name: name.to_owned(),
        child,
        lines,
    })
}

/// A temp dir removed on drop.
struct TempDir(PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        if std::env::var_os("WWS_LB_KEEP").is_none() {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

fn skipped(why: &str) -> ExitCode {
    println!("=====");
    println!("SKIPPED: several hosts behind nginx: {why}");
    println!("=====");
    ExitCode::from(EXIT_SKIPPED)
}

fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .map(|s| {
            s.lines()
                .find(|l| l.starts_with("Uid:"))
                .and_then(|l| l.split_whitespace().nth(1).map(|u| u == "0"))
                .unwrap_or(false)
        })
        .unwrap_or(false)
}

/// `program` on PATH or in /usr/sbin.
fn find(program: &str) -> Option<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect())
        .unwrap_or_default();
    dirs.push("/usr/sbin".into());
    dirs.into_iter()
        .map(|d| d.join(program))
        .find(|p| p.is_file())
}

/// Finds `program`, installing the first of Debian's `packages` that
/// apt-get can install when root (`apt-get update` once if needed).
fn find_or_install(program: &str, packages: &[&str]) -> Result<PathBuf, String> {
    if let Some(p) = find(program) {
        return Ok(p);
    }
    if !is_root() {
        return Err(format!(
            "{program} is not installed and we are not root to apt-get it"
        ));
    }
    let apt = |args: &[&str]| {
        println!("==> apt-get {}", args.join(" "));
        Command::new("apt-get")
            .args(args)
            .env("DEBIAN_FRONTEND", "noninteractive")
            .stdin(Stdio::null())
            .status()
            .map(|s| s.success())
            .unwrap_or(false)
    };
    let mut updated = false;
    for package in packages {
        let installed = apt(&["install", "-y", "-q", package]) || {
            updated = updated || apt(&["update", "-q"]);
            updated && apt(&["install", "-y", "-q", package])
        };
        if installed && let Some(p) = find(program) {
            return Ok(p);
        }
    }
    find(program).ok_or_else(|| {
        format!(
            "{program} is missing and apt-get could not install {}",
            packages.join(" or ")
        )
    })
}

/// A free loopback port (bound, then released for the server to take).
fn free_port() -> Result<u16, String> {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| format!("no free port: {e}"))
}

/// nginx's version line (`nginx version: nginx/1.22.1`).
fn nginx_version(nginx: &Path) -> String {
    Command::new(nginx)
        .arg("-v")
        .output()
        .map(|o| {
            String::from_utf8_lossy(&o.stderr)
                .trim()
                .trim_start_matches("nginx version: ")
                .to_owned()
        })
        .unwrap_or_else(|e| format!("unknown ({e})"))
}

/// `1.22.1` from `nginx/1.22.1 ...`.
fn version_numbers(version: &str) -> (u32, u32, u32) {
    let v = version
        .split('/')
        .nth(1)
        .unwrap_or("")
        .split_whitespace()
        .next()
        .unwrap_or("");
    let mut n = v.split('.').map(|p| p.parse::<u32>().unwrap_or(0));
    (
        n.next().unwrap_or(0),
        n.next().unwrap_or(0),
        n.next().unwrap_or(0),
    )
}

/// The nginx configuration: TLS and HTTP/2 on `listen`, both hosts upstream.
/// The README's "Several hosts behind nginx" shows the same.
fn nginx_conf(
    dir: &Path,
    listen: u16,
    hosts: [SocketAddr; 2],
    gsoap: Option<u16>,
    version: (u32, u32, u32),
) -> String {
    let d = dir.display();
    // gSOAP's calculator server behind `/gsoap/` (its own path after it).
    let gsoap = gsoap.map_or_else(String::new, |port| {
        format!(
            "
        location /gsoap/ {{
            proxy_pass http://127.0.0.1:{port}/;
            proxy_http_version 1.1;
            proxy_set_header Connection \"\";
            proxy_connect_timeout 2s;
            proxy_read_timeout 30s;
        }}
"
        )
    });
    // `http2 on;` exists from 1.25.1; before it, `listen ... ssl http2`.
    let (listen_http2, http2_on) = if version >= (1, 25, 1) {
        ("", "        http2 on;\n")
    } else {
        (" http2", "")
    };
    let user = if is_root() { "user root;\n" } else { "" };
    format!(
        "# Written by lb_nginx for one run; nothing outside {d} is used.
{user}daemon off;
worker_processes 1;
pid {d}/nginx.pid;
error_log {d}/error.log info;
events {{ worker_connections 512; }}
http {{
    log_format upstream '$remote_addr \"$request\" $status upstream=$upstream_addr $request_time';
    access_log {d}/access.log upstream;
    client_body_temp_path {d}/client_body;
    proxy_temp_path {d}/proxy;
    fastcgi_temp_path {d}/fastcgi;
    uwsgi_temp_path {d}/uwsgi;
    scgi_temp_path {d}/scgi;

    upstream calculators {{
        server {a};
        server {b};
        keepalive 16;
    }}

    server {{
        listen 127.0.0.1:{listen} ssl{listen_http2};
{http2_on}        server_name localhost;
        ssl_certificate {d}/server.crt;
        ssl_certificate_key {d}/server.key;

        location / {{
            proxy_pass http://calculators;
            proxy_http_version 1.1;
            proxy_set_header Connection \"\";
            proxy_set_header Host $host;
{ignore}            proxy_connect_timeout 2s;
            proxy_read_timeout 30s;
        }}
{gsoap}    }}
}}
",
        a = hosts[0],
        b = hosts[1],
        ignore = ignore_client_abort(),
    )
}

/// The `proxy_ignore_client_abort` lines: `off` (nginx's default) written
/// out; `on` when `WWS_LB_IGNORE_CLIENT_ABORT=on`, to see the two
/// told-ChannelFaulted checks fail when nginx keeps the upstream call going
/// after its client left; none when `WWS_LB_IGNORE_CLIENT_ABORT=default`,
/// to see that nginx's default is `off`.
fn ignore_client_abort() -> &'static str {
    match std::env::var("WWS_LB_IGNORE_CLIENT_ABORT").as_deref() {
        Ok("on") => {
            "            # WWS_LB_IGNORE_CLIENT_ABORT=on: the upstream call goes on when the client goes.\n            proxy_ignore_client_abort on;\n"
        }
        Ok("default") => {
            "            # WWS_LB_IGNORE_CLIENT_ABORT=default: proxy_ignore_client_abort left to nginx.\n"
        }
        _ => {
            "            # The default, written out: when the client goes, nginx closes\n            # its upstream connection, and the host tells the operation.\n            proxy_ignore_client_abort off;\n"
        }
    }
}

/// Waits until `port` on loopback accepts, or `proc` exits.
fn wait_listening(proc: &mut Proc, port: u16) -> Result<(), String> {
    let start = Instant::now();
    while start.elapsed() < START_BOUND {
        if let Ok(Some(st)) = proc.child.try_wait() {
            return Err(format!("{} exited ({st}) before listening", proc.name));
        }
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    Err(format!(
        "{} did not listen on {port} within {START_BOUND:?}",
        proc.name
    ))
}

/// Starts a calculator host with `--report-events`; returns it and its address.
fn start_host(calculator: &Path, name: &str) -> Result<(Proc, SocketAddr), String> {
    let mut cmd = Command::new(calculator);
    cmd.args(["--listen", "127.0.0.1:0", "--report-events"])
        .env("RUST_LOG", "warn");
    let host = spawn(name, cmd)?;
    let line = host
        .wait_line(START_BOUND, |l| l.starts_with("listening on "))
        .ok_or_else(|| format!("{name} did not print `listening on ADDR`"))?;
    let addr = line["listening on ".len()..]
        .trim()
        .parse()
        .map_err(|e| format!("{name}: bad address in {line:?}: {e}"))?;
    Ok((host, addr))
}

fn started_count(host: &Proc, request_prefix: &str) -> usize {
    host.lines()
        .iter()
        .filter(|l| {
            l.starts_with("event started ") && l.contains(&format!("request={request_prefix}"))
        })
        .count()
}

fn proxy(url: &str, ca: &Path) -> Result<ServiceProxy, String> {
    proxy_with(url, ca, Http2Mode::Off)
}

/// A SOAP 1.1 proxy for `url` trusting the test CA `ca`, speaking HTTP/2
/// as `http2` says (off: HTTP/1.1; negotiate: h2 by ALPN when nginx offers it).
fn proxy_with(url: &str, ca: &Path, http2: Http2Mode) -> Result<ServiceProxy, String> {
    let tls = TlsConnector::builder()
        .add_root_certificates_pem_file(ca)
        .build()
        .map_err(|e| format!("TLS connector: {e}"))?;
    let mut props = ProxyProperties::default();
    props.call_timeout = Some(CALL_TIMEOUT);
    ServiceProxy::builder(url)
        .envelope(EnvelopeVersion::Soap11)
        .properties(props)
        .connector(tls)
        .http2(http2)
        .build()
        .map_err(|e| format!("proxy for {url}: {e}"))
}

/// How the calls of the load ended.
#[derive(Default, Debug)]
struct Outcomes {
    correct: usize,
    wrong: usize,
    transport: usize,
    other: Vec<String>,
    hung: usize,
}

fn is_transport(e: &Error) -> bool {
    matches!(
        e,
        Error::EndpointUnreachable { .. }
            | Error::EndpointDisconnected { .. }
            | Error::EndpointTooBusy { .. }
    )
}

/// Check 1: calls through nginx; both hosts answer.
async fn both_answer(client: &CalculatorClient, hosts: &[Proc; 2]) -> Check {
    const CALLS: usize = 40;
    let (before_a, before_b) = (
        started_count(&hosts[0], "Add"),
        started_count(&hosts[1], "Add"),
    );
    let mut correct = 0;
    let mut errors = Vec::new();
    for i in 0..CALLS {
        let (a, b) = (i as f64, 0.5);
        match client.add(&Add { a, b }).await {
            Ok(r) if r.result == a + b => correct += 1,
            Ok(r) => errors.push(format!("{a}+{b} answered {}", r.result)),
            Err(e) => errors.push(e.to_string()),
        }
    }
    errors.truncate(3);
    // A host prints its events from a task of its own: wait for them (bounded).
    let ran = |h: &Proc, before: usize| started_count(h, "Add") - before;
    let waited = Instant::now();
    while ran(&hosts[0], before_a) + ran(&hosts[1], before_b) < correct
        && waited.elapsed() < TOLD_BOUND
    {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let (a, b) = (ran(&hosts[0], before_a), ran(&hosts[1], before_b));
    Check {
        what: format!("{CALLS} Add calls through nginx: both hosts answer"),
        shown: format!(
            "{correct}/{CALLS} correct; host A ran {a}, host B ran {b}{}",
            if errors.is_empty() {
                String::new()
            } else {
                format!("; errors: {}", errors.join(" | "))
            }
        ),
        passed: correct == CALLS && a > 0 && b > 0 && a + b == CALLS,
    }
}

/// Check 2: a Delay abandoned by id; its upstream host's operation is told ChannelFaulted.
async fn abandon_told(proxy: &ServiceProxy, client: &CalculatorClient, hosts: &[Proc; 2]) -> Check {
    let what = format!(
        "Delay(10000) abandoned by id: upstream operation told ChannelFaulted within {TOLD_BOUND:?}"
    );
    let fail = |shown: String| Check {
        what: what.clone(),
        shown,
        passed: false,
    };
    let pending = client.delay(&Delay {
        milliseconds: 10_000,
    });
    let call_id = pending.id();
    let waiter = tokio::spawn(pending);
    let is_start = |l: &str| l.starts_with("event started ") && l.contains("request=Delay(10000)");
    let start = Instant::now();
    let mut upstream = None;
    while upstream.is_none() && start.elapsed() < START_BOUND {
        upstream = hosts
            .iter()
            .position(|h| h.lines().iter().any(|l| is_start(l)));
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let Some(which) = upstream else {
        return fail("no host started the Delay".into());
    };
    let host = &hosts[which];
    let op_id = host
        .lines()
        .into_iter()
        .find(|l| is_start(l))
        .and_then(|l| {
            l.split_whitespace()
                .find_map(|w| w.strip_prefix("id=").map(str::to_owned))
        })
        .unwrap_or_default();
    let abandoned_at = Instant::now();
    if let Err(e) = proxy.abandon_call(call_id) {
        return fail(format!("abandon_call({call_id}) failed: {e}"));
    }
    let returned = match tokio::time::timeout(TOLD_BOUND, waiter).await {
        Ok(Ok(Err(Error::Abandoned { .. }))) => format!(
            "call returned Abandoned in {} ms",
            abandoned_at.elapsed().as_millis()
        ),
        Ok(other) => return fail(format!("the abandoned call ended with {other:?}")),
        Err(_) => return fail("the abandoned call did not return".into()),
    };
    let prefix = format!("event cancelled id={op_id} ");
    let told = host.wait_line(TOLD_BOUND, |l| l.starts_with(&prefix));
    let took = abandoned_at.elapsed();
    match told {
        Some(line) if line.contains("reason=ChannelFaulted") => Check {
            what,
            shown: format!(
                "{returned}; host {} op id={op_id} told ChannelFaulted {} ms after abandon_call",
                ["A", "B"][which],
                took.as_millis()
            ),
            passed: true,
        },
        Some(line) => fail(format!("{returned}; host told: {line}")),
        None => fail(format!(
            "{returned}; host {} did not tell op id={op_id} within {TOLD_BOUND:?}",
            ["A", "B"][which]
        )),
    }
}

/// Check 5: host B killed mid-load; every call answered correctly or a transport error.
async fn kill_mid_load(client: &CalculatorClient, hosts: &mut [Proc; 2], dir: &Path) -> Check {
    let before = [
        started_count(&hosts[0], "Add"),
        started_count(&hosts[1], "Add"),
    ];
    let done = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let outcomes = Arc::new(Mutex::new(Outcomes::default()));
    let started = Instant::now();
    let mut callers = Vec::new();
    for caller in 0..LOAD_CALLERS {
        let client = client.clone();
        let done = Arc::clone(&done);
        let outcomes = Arc::clone(&outcomes);
        callers.push(tokio::spawn(async move {
            let mut i = caller;
            while i < LOAD_CALLS {
                let (a, b) = (i as f64, 0.25);
                let r = tokio::time::timeout(CALL_BOUND, client.add(&Add { a, b })).await;
                if let Ok(mut o) = outcomes.lock() {
                    match r {
                        Ok(Ok(r)) if r.result == a + b => o.correct += 1,
                        Ok(Ok(_)) => o.wrong += 1,
                        Ok(Err(e)) if is_transport(&e) => o.transport += 1,
                        Ok(Err(e)) => o.other.push(e.to_string()),
                        Err(_) => o.hung += 1,
                    }
                }
                done.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                i += LOAD_CALLERS;
            }
        }));
    }
    let mut killed_at = None;
    while killed_at.is_none() && started.elapsed() < START_BOUND * 3 {
        if done.load(std::sync::atomic::Ordering::Relaxed) >= KILL_AFTER {
            hosts[1].kill();
            killed_at = Some(done.load(std::sync::atomic::Ordering::Relaxed));
        }
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    for c in callers {
        let _ = c.await;
    }
    let took = started.elapsed();
    let o = outcomes
        .lock()
        .map(|mut o| std::mem::take(&mut *o))
        .unwrap_or_default();
    // A host prints its events from a task of its own: wait (bounded) until
    // every correct answer's start is printed; host B's last ones may never be.
    let count = |hosts: &[Proc; 2]| {
        [
            started_count(&hosts[0], "Add") - before[0],
            started_count(&hosts[1], "Add") - before[1],
        ]
    };
    let waited = Instant::now();
    while count(hosts).iter().sum::<usize>() < o.correct && waited.elapsed() < TOLD_BOUND {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let ran = count(hosts);
    // nginx's own count of the calls it could not finish (one log line per request).
    let bad_gateway = std::fs::read_to_string(dir.join("access.log"))
        .map(|log| {
            log.lines()
                .filter(|l| l.contains("\" 502 upstream="))
                .count()
        })
        .unwrap_or(0);
    let ended = o.correct + o.wrong + o.transport + o.other.len() + o.hung;
    let mut other: Vec<String> = o.other.iter().take(3).cloned().collect();
    if o.other.len() > 3 {
        other.push(format!("... {} more", o.other.len() - 3));
    }
    Check {
        what: format!(
            "{LOAD_CALLS} Add calls, {LOAD_CALLERS} callers, host B SIGKILLed mid-load: \
             each answered correctly or a transport error, none hung (bound {CALL_BOUND:?})"
        ),
        shown: format!(
            "host A ran {}, host B ran {} and was killed after {} calls had ended; {} correct, {} transport errors (nginx logged {bad_gateway} × 502), {} wrong, {} other, {} hung; {ended} ended in {:.1}s{}",
            ran[0],
            ran[1],
            killed_at.map_or("-".to_owned(), |n| n.to_string()),
            o.correct,
            o.transport,
            o.wrong,
            o.other.len(),
            o.hung,
            took.as_secs_f64(),
            if other.is_empty() {
                String::new()
            } else {
                format!("; other: {}", other.join(" | "))
            }
        ),
        passed: killed_at.is_some()
            && ended == LOAD_CALLS
            && o.correct + o.transport == LOAD_CALLS
            && o.correct > 0,
    }
}

/// `curl --http2` posting `dir/name` to nginx over TLS, trusting the test CA.
fn curl_command(dir: &Path, port: u16, name: &str, action: &str, max_time: &str) -> Command {
    let mut cmd = Command::new("curl");
    cmd.args(["--http2", "-sS", "--max-time", max_time, "--cacert"])
        .arg(dir.join("ca.crt"))
        .args([
            "--resolve",
            &format!("localhost:{port}:127.0.0.1"),
            "-H",
            "Content-Type: text/xml; charset=utf-8",
            "-H",
            &format!("SOAPAction: \"{action}\""),
            "--data-binary",
        ])
        .arg(format!("@{}", dir.join(name).display()))
        .args(["-w", "\n%{http_version} %{http_code}"])
        .arg(format!("https://localhost:{port}/calculator"))
        .stdin(Stdio::null());
    cmd
}

/// A SOAP 1.1 envelope around `body`.
fn envelope(body: &str) -> String {
    format!(
        "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body>{body}</s:Body></s:Envelope>"
    )
}

/// Check 4: a `curl --http2` client killed mid-Delay; the upstream operation is told.
fn curl_dropped(dir: &Path, port: u16, hosts: &[Proc; 2]) -> Check {
    let what = format!(
        "curl --http2 killed mid-Delay(10000): upstream operation told ChannelFaulted within {TOLD_BOUND:?}"
    );
    let fail = |shown: String| Check {
        what: what.clone(),
        shown,
        passed: false,
    };
    let body = envelope(&format!(
        "<c:Delay xmlns:c=\"{}\"><c:milliseconds>10000</c:milliseconds></c:Delay>",
        wws_examples::calculator::NAMESPACE
    ));
    if let Err(e) = std::fs::write(dir.join("delay.xml"), body) {
        return fail(format!("cannot write the request: {e}"));
    }
    let is_start = |l: &str| l.starts_with("event started ") && l.contains("request=Delay(10000)");
    let before: Vec<usize> = hosts
        .iter()
        .map(|h| h.lines().iter().filter(|l| is_start(l)).count())
        .collect();
    let mut cmd = curl_command(
        dir,
        port,
        "delay.xml",
        wws_examples::calculator::DELAY_ACTION,
        "30",
    );
    cmd.stdout(Stdio::null()).stderr(Stdio::null());
    let mut curl = match cmd.spawn() {
        Ok(c) => c,
        Err(e) => return fail(format!("cannot run curl: {e}")),
    };
    let start = Instant::now();
    let mut found = None;
    while found.is_none() && start.elapsed() < START_BOUND {
        found = hosts.iter().enumerate().find_map(|(i, h)| {
            h.lines()
                .into_iter()
                .filter(|l| is_start(l))
                .nth(before[i])
                .map(|l| (i, l))
        });
        std::thread::sleep(Duration::from_millis(5));
    }
    let Some((which, line)) = found else {
        let _ = curl.kill();
        let _ = curl.wait();
        return fail("no host started the Delay".into());
    };
    let op_id = line
        .split_whitespace()
        .find_map(|w| w.strip_prefix("id="))
        .unwrap_or_default()
        .to_owned();
    let killed_at = Instant::now();
    let _ = curl.kill();
    let _ = curl.wait();
    let prefix = format!("event cancelled id={op_id} ");
    let told = hosts[which].wait_line(TOLD_BOUND, |l| l.starts_with(&prefix));
    let took = killed_at.elapsed();
    let name = ["A", "B"][which];
    match told {
        Some(l) if l.contains("reason=ChannelFaulted") => Check {
            what,
            shown: format!(
                "curl SIGKILLed; host {name} op id={op_id} told ChannelFaulted {} ms later",
                took.as_millis()
            ),
            passed: true,
        },
        Some(l) => fail(format!("host {name} told: {l}")),
        None => fail(format!(
            "host {name} did not tell op id={op_id} within {TOLD_BOUND:?}"
        )),
    }
}

/// Check 3: `curl --http2` over TLS trusting the test CA, an Add.
fn curl_add(dir: &Path, port: u16) -> Check {
    let what = "curl --http2 over TLS (test CA): Add(2, 3) answered 5 over HTTP/2".to_owned();
    let request = envelope(&format!(
        "<c:Add xmlns:c=\"{}\"><c:a>2</c:a><c:b>3</c:b></c:Add>",
        wws_examples::calculator::NAMESPACE
    ));
    if let Err(e) = std::fs::write(dir.join("add.xml"), request) {
        return Check {
            what,
            shown: format!("cannot write the request: {e}"),
            passed: false,
        };
    }
    let out = curl_command(
        dir,
        port,
        "add.xml",
        wws_examples::calculator::ADD_ACTION,
        "10",
    )
    .output();
    match out {
        Err(e) => Check {
            what,
            shown: format!("cannot run curl: {e}"),
            passed: false,
        },
        Ok(out) => {
            let text = String::from_utf8_lossy(&out.stdout).into_owned();
            let (reply, status) = text.rsplit_once('\n').unwrap_or((&text, ""));
            let result = reply
                .split("result>")
                .nth(1)
                .and_then(|s| s.split('<').next())
                .unwrap_or("")
                .to_owned();
            let passed = out.status.success()
                && status.trim() == "2 200"
                && result.parse::<f64>().ok() == Some(5.0);
            Check {
                what,
                shown: format!(
                    "HTTP version and status {:?}, result {result:?}{}",
                    status.trim(),
                    if passed {
                        String::new()
                    } else {
                        format!(
                            "; reply {reply:?}; stderr {:?}",
                            String::from_utf8_lossy(&out.stderr).trim()
                        )
                    }
                ),
                passed,
            }
        }
    }
}

/// gSOAP's calculator server (the interop peer) on a free port, or why not.
fn start_gsoap() -> Result<(Proc, u16), String> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("interop/serve_peer.py");
    let mut cmd = Command::new("python3");
    cmd.arg(&script).args(["gsoap", "0"]);
    let mut proc = spawn("gSOAP", cmd)?;
    // A first run builds the server (a minute or two on 2 cores).
    let bound = Duration::from_secs(300);
    let start = Instant::now();
    while start.elapsed() < bound {
        if let Some(line) = proc
            .lines()
            .into_iter()
            .find(|l| l.starts_with("listening on "))
        {
            let port = line["listening on ".len()..]
                .trim()
                .parse()
                .map_err(|e| format!("gSOAP: bad port in {line:?}: {e}"))?;
            return Ok((proc, port));
        }
        if let Ok(Some(status)) = proc.child.try_wait() {
            let why = proc
                .lines()
                .into_iter()
                .find(|l| l.starts_with("SKIPPED"))
                .unwrap_or_else(|| format!("serve_peer.py gsoap exited ({status})"));
            return Err(why);
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    Err(format!("gSOAP did not listen within {bound:?}"))
}

/// Check 6: our proxy over HTTPS through nginx to gSOAP.
async fn gsoap_through_nginx(
    url: &str,
    ca: &Path,
    dir: &Path,
    gsoap_port: u16,
    http2: bool,
) -> Check {
    const CALLS: usize = 20;
    let (mode, over, request) = if http2 {
        (Http2Mode::Negotiate, "HTTPS and HTTP/2", "HTTP/2.0\"")
    } else {
        (Http2Mode::Off, "HTTPS (HTTP/1.1)", "HTTP/1.1\"")
    };
    let what = format!("{CALLS} Add calls over {over} through nginx to gSOAP");
    let upstream = format!("upstream=127.0.0.1:{gsoap_port} ");
    // nginx logs the client's protocol in `$request`: each call, on its protocol.
    let logged = || {
        std::fs::read_to_string(dir.join("access.log"))
            .unwrap_or_default()
            .lines()
            .filter(|l| {
                l.contains("/gsoap/calculator")
                    && l.contains(request)
                    && l.contains(" 200 ")
                    && l.contains(&upstream)
            })
            .count()
    };
    let before = logged();
    let proxy = match proxy_with(url, ca, mode) {
        Ok(p) => p,
        Err(e) => {
            return Check {
                what,
                shown: e,
                passed: false,
            };
        }
    };
    if let Err(e) = proxy.open().await {
        return Check {
            what,
            shown: format!("opening the proxy to {url}: {e}"),
            passed: false,
        };
    }
    let client = CalculatorClient::new(proxy.clone());
    let mut correct = 0;
    let mut errors = Vec::new();
    for i in 0..CALLS {
        let (a, b) = (i as f64, 0.25);
        match client.add(&Add { a, b }).await {
            Ok(r) if r.result == a + b => correct += 1,
            Ok(r) => errors.push(format!("{a}+{b} answered {}", r.result)),
            Err(e) => errors.push(e.to_string()),
        }
    }
    let _ = proxy.close().await;
    errors.truncate(3);
    // nginx writes a request's log line when it has answered it (bounded wait).
    let waited = Instant::now();
    while logged() - before < correct && waited.elapsed() < TOLD_BOUND {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let via = logged() - before;
    Check {
        what,
        shown: format!(
            "{correct}/{CALLS} correct; {via} logged by nginx as {} requests with gSOAP upstream{}",
            request.trim_end_matches('"'),
            if errors.is_empty() {
                String::new()
            } else {
                format!("; errors: {}", errors.join(" | "))
            }
        ),
        passed: correct == CALLS && via == CALLS,
    }
}

fn print_table(version: &str, checks: &[Check]) {
    println!();
    println!(
        "Several hosts behind nginx ({version}; TLS and HTTP/2 in front, two calculator hosts upstream)"
    );
    println!();
    println!("| # | check | shown | result |");
    println!("| --- | --- | --- | --- |");
    for (i, c) in checks.iter().enumerate() {
        println!(
            "| {} | {} | {} | {} |",
            i + 1,
            c.what,
            c.shown,
            if c.passed { "PASS" } else { "FAIL" }
        );
    }
    let failed = checks.iter().filter(|c| !c.passed).count();
    println!();
    // Not the plain "N passed, N failed" line: CI reads that one as a test runner's count.
    println!(
        "lb_nginx: {} of {} checks passed{}",
        checks.len() - failed,
        checks.len(),
        if failed == 0 { "" } else { " (FAILED)" }
    );
}

fn main() -> ExitCode {
    let nginx = match find_or_install("nginx", &["nginx-light", "nginx"]) {
        Ok(n) => n,
        Err(why) => return skipped(&why),
    };
    if let Err(why) = find_or_install("curl", &["curl"]) {
        return skipped(&why);
    }
    let version = nginx_version(&nginx);
    println!("nginx: {} ({version})", nginx.display());
    match run(&nginx, &version) {
        Ok(checks) => {
            print_table(&version, &checks);
            if checks.iter().all(|c| c.passed) {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Err(why) => {
            eprintln!("lb_nginx: FAILED: {why}");
            ExitCode::FAILURE
        }
    }
}

fn run(nginx: &Path, version: &str) -> Result<Vec<Check>, String> {
    let exe = std::env::current_exe().map_err(|e| format!("current_exe: {e}"))?;
    let calculator = exe.with_file_name("calculator");
    if !calculator.is_file() {
        return Err(format!(
            "{} is missing: cargo build -p wws-examples --bins",
            calculator.display()
        ));
    }
    let dir = TempDir(std::env::temp_dir().join(format!("wws-lb-{}", std::process::id())));
    std::fs::create_dir_all(&dir.0).map_err(|e| format!("temp dir: {e}"))?;
    let ca = TestCa::new("wws lb test CA");
    let server = ca.server(&["localhost", "127.0.0.1"]);
    let write = |name: &str, text: &str| {
        std::fs::write(dir.0.join(name), text).map_err(|e| format!("writing {name}: {e}"))
    };
    write("ca.crt", &ca.cert_pem)?;
    write("server.crt", &server.cert)?;
    write("server.key", &server.key)?;

    let (host_a, addr_a) = start_host(&calculator, "host A")?;
    let (host_b, addr_b) = start_host(&calculator, "host B")?;
    let mut hosts = [host_a, host_b];
    println!("host A on {addr_a}, host B on {addr_b}");

    let gsoap = match start_gsoap() {
        Ok((proc, gport)) => {
            println!("gSOAP on 127.0.0.1:{gport}");
            Some((proc, gport))
        }
        Err(why) => {
            println!("=====");
            println!("SKIPPED: check 6 (our proxy through nginx to gSOAP): {why}");
            println!("=====");
            None
        }
    };
    let gsoap_port = gsoap.as_ref().map(|(_, p)| *p);

    let port = free_port()?;
    let conf = nginx_conf(
        &dir.0,
        port,
        [addr_a, addr_b],
        gsoap_port,
        version_numbers(version),
    );
    write("nginx.conf", &conf)?;
    let conf_path = dir.0.join("nginx.conf");
    let mut test = Command::new(nginx);
    test.arg("-t")
        .arg("-p")
        .arg(&dir.0)
        .arg("-e")
        .arg(dir.0.join("error.log"))
        .arg("-c")
        .arg(&conf_path);
    let out = test.output().map_err(|e| format!("nginx -t: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "nginx -t refused the config:\n{}\n{conf}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let mut cmd = Command::new(nginx);
    cmd.arg("-p")
        .arg(&dir.0)
        .arg("-e")
        .arg(dir.0.join("error.log"))
        .arg("-c")
        .arg(&conf_path);
    let mut lb = spawn("nginx", cmd)?;
    if let Err(e) = wait_listening(&mut lb, port) {
        let log = std::fs::read_to_string(dir.0.join("error.log")).unwrap_or_default();
        return Err(format!("{e}\nerror.log:\n{log}"));
    }
    println!(
        "nginx on https://localhost:{port} (config {})",
        conf_path.display()
    );

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| format!("tokio runtime: {e}"))?;
    let url = format!("https://localhost:{port}/calculator");
    let ca_path = dir.0.join("ca.crt");
    let mut checks = Vec::new();
    runtime.block_on(async {
        let proxy = proxy(&url, &ca_path)?;
        proxy
            .open()
            .await
            .map_err(|e| format!("opening the proxy to {url}: {e}"))?;
        let client = CalculatorClient::new(proxy.clone());
        checks.push(both_answer(&client, &hosts).await);
        checks.push(abandon_told(&proxy, &client, &hosts).await);
        checks.push(curl_add(&dir.0, port));
        checks.push(curl_dropped(&dir.0, port, &hosts));
        checks.push(kill_mid_load(&client, &mut hosts, &dir.0).await);
        if let Some(gport) = gsoap_port {
            let url = format!("https://localhost:{port}/gsoap/calculator");
            checks.push(gsoap_through_nginx(&url, &ca_path, &dir.0, gport, false).await);
            checks.push(gsoap_through_nginx(&url, &ca_path, &dir.0, gport, true).await);
        }
        Ok::<(), String>(())
    })?;
    let _ = std::io::stdout().flush();
    drop(lb);
    drop(gsoap);
    Ok(checks)
}
