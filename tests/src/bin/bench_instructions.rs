//! Instructions per call (`cargo xtask bench instructions`): the shipped
//! calculator host and the bare hyper floor, each run under valgrind's
//! callgrind, driven by the same keep-alive clients.
//!
//! Calls per second on this 2-CPU machine move by a factor of two from one
//! run to the next when anything else runs; an instruction count does not
//! (callgrind counts, it does not time). So this is the figure to compare
//! before and after a change on the serve path: user-space instructions per
//! call, with the kernel's share left out (the two servers make the same
//! system calls per call: one `recvfrom`, one `writev`).
//!
//! Each server: start under callgrind, warm up, dump
//! (`callgrind_control --dump`), make the measured calls on the same
//! connections, dump again, read the second dump's `summary:` line. Without
//! valgrind the bench prints a `SKIPPED:` line. `WWS_BENCH_CALLS` sets the
//! number of Add calls (default 4000; Echo makes a tenth of that).

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

use wws_examples::calculator::{ADD_ACTION, Add, ECHO_ACTION, Echo};
use wws_tests::bench::calc::soap11;
use wws_tests::bench::client::BareClient;
use wws_tests::bench::process::{self, ChildServer};
use wws_tests::bench::table::{ratio, thousands};
use wws_tests::bench::{Table, limits};

/// Keep-alive connections the calls are spread over.
const CONNECTIONS: usize = 8;
/// Calls before the first dump (connections made, caches warm).
const WARM_UP: usize = 400;
/// A server under callgrind starts some 50 times slower.
const START_WITHIN: Duration = Duration::from_secs(120);
const ECHO_BYTES: usize = 64 * 1024;
/// Bound on each phase of calls, under callgrind.
const CALLS_WITHIN: Duration = Duration::from_secs(600);
/// Bound on a `callgrind_control` command and on its dump appearing.
const CONTROL_WITHIN: Duration = Duration::from_secs(60);

fn main() -> ExitCode {
    wws_tests::bench::main_blocking("bench_instructions", run)
}

struct Case {
    name: &'static str,
    action: &'static str,
    body: bytes::Bytes,
    expect: &'static [u8],
    calls: usize,
}

fn run() -> Result<(), String> {
    let began = Instant::now();
    let load = limits::Load::start();
    let calls: usize = match std::env::var("WWS_BENCH_CALLS") {
        Ok(v) => v
            .parse()
            .map_err(|_| format!("WWS_BENCH_CALLS={v:?} is not a count"))?,
        Err(_) => 4000,
    };
    let calls = calls.max(CONNECTIONS);
    println!(
        "Instructions per call (issue 10 §8): user-space instructions the server executes per SOAP 1.1 call, counted by valgrind's callgrind over {calls} Add calls and {} Echo 64 KiB calls on {CONNECTIONS} keep-alive connections, after {WARM_UP} warm-up calls on the same connections; every reply checked. Each server a separate process, run as a user runs it (the calculator with its default settings and log level).\n",
        echo_calls(calls)
    );
    if let Some(why) = missing_tools() {
        eprintln!("=====\nSKIPPED: {why}\n=====");
        let mut t = Table::new(&["bench", "result"]);
        t.row(&["instructions per call", &format!("SKIPPED: {why}")]);
        print!("{}", t.render());
        return Ok(());
    }
    let cases = [
        Case {
            name: "Add",
            action: ADD_ACTION,
            body: soap11(ADD_ACTION, &Add { a: 1.5, b: 2.25 }),
            expect: b"3.75",
            calls,
        },
        Case {
            name: "Echo 64 KiB",
            action: ECHO_ACTION,
            body: soap11(
                ECHO_ACTION,
                &Echo {
                    text: "x".repeat(ECHO_BYTES),
                },
            ),
            expect: b"EchoResponse",
            calls: echo_calls(calls),
        },
    ];
    let dir = ScratchDir::new()?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;

    let mut t = Table::new(&[
        "operation",
        ">wws host",
        ">hyper floor",
        ">host − floor",
        ">host / floor",
        ">calls measured",
    ]);
    for case in &cases {
        let host = measure(&runtime, &dir.0, "wws host", host_command()?, case)?;
        let floor = measure(
            &runtime,
            &dir.0,
            "hyper floor",
            process::this_program(&["serve", "floor"])?,
            case,
        )?;
        t.row(&[
            case.name.to_owned(),
            thousands(host),
            thousands(floor),
            thousands(host - floor),
            ratio(host, floor),
            thousands(case.calls as f64),
        ]);
    }
    drop(dir);
    print!("{}", t.render());
    println!();
    println!(
        "- Instructions per call: the total of the second of two dumps (one after the warm-up, one after the measured calls; each counts from the dump before) over the measured calls, all threads of the server process."
    );
    println!(
        "- The floor (`bench_instructions serve floor`) reads each body whole and answers with a fixed reply (Add) or a byte search and copy (Echo): no XML parsing. It is what hyper itself costs."
    );
    println!(
        "- The clients: one bare hyper HTTP/1.1 connection each, sending the same POST in a closed loop; they run in this process, not under callgrind."
    );
    println!("{}", load.note());
    println!("- Took {:.0} s.", began.elapsed().as_secs_f64());
    Ok(())
}

/// Why the bench cannot run here, if it cannot.
fn missing_tools() -> Option<String> {
    for tool in ["valgrind", "callgrind_control"] {
        let found = Command::new(tool)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success());
        if !found {
            return Some(format!(
                "{tool} is not installed (apt-get install valgrind)"
            ));
        }
    }
    None
}

/// The shipped calculator host, with its default settings and log level.
fn host_command() -> Result<Command, String> {
    process::shipped_program("calculator", &["--listen", "127.0.0.1:0"])
}

/// `server` under callgrind: instructions per call of `case`.
fn measure(
    runtime: &tokio::runtime::Runtime,
    dir: &Path,
    name: &str,
    server: Command,
    case: &Case,
) -> Result<f64, String> {
    let out = dir.join(format!(
        "{}.{}",
        name.replace(' ', "-"),
        case.name.replace(' ', "-")
    ));
    let mut cmd = Command::new("valgrind");
    cmd.arg("--tool=callgrind")
        .arg("--quiet")
        .arg(format!("--callgrind-out-file={}", out.display()))
        .arg(server.get_program())
        .args(server.get_args());
    let child = ChildServer::start(name, cmd, START_WITHIN).map_err(|e| e.to_string())?;
    let pid = child.pid().to_string();
    let addr = child.addr();
    eprintln!("{name}: {} under callgrind at {addr}", case.name);
    let mut clients = runtime.block_on(bounded(connect(addr, case)))?;
    clients = runtime.block_on(bounded(drive(clients, case, WARM_UP)))?;
    // Dump 1 ends the warm-up (and start-up); dump 2 counts from there.
    control(&["--dump=warm", &pid])?;
    dumped(&out, 1)?;
    let clients = runtime.block_on(bounded(drive(clients, case, case.calls)))?;
    control(&["--dump=measured", &pid])?;
    let total = read_summary(&dumped(&out, 2)?)?;
    drop(clients);
    drop(child);
    Ok(total as f64 / case.calls as f64)
}

/// Echo calls for `calls` Add calls: a tenth, one per connection at least.
fn echo_calls(calls: usize) -> usize {
    (calls / 10).max(CONNECTIONS)
}

/// `f`, or an error past [`CALLS_WITHIN`]: a server that stopped answering
/// ends the bench instead of hanging it.
async fn bounded<T>(f: impl Future<Output = Result<T, String>>) -> Result<T, String> {
    tokio::time::timeout(CALLS_WITHIN, f)
        .await
        .map_err(|_| format!("no end within {CALLS_WITHIN:?}"))?
}

/// One keep-alive connection per [`CONNECTIONS`], for POSTs of `case`.
async fn connect(addr: std::net::SocketAddr, case: &Case) -> Result<Vec<BareClient>, String> {
    let mut clients = Vec::with_capacity(CONNECTIONS);
    for _ in 0..CONNECTIONS {
        let c = BareClient::connect(addr, "/calculator", case.action, case.body.clone())
            .await
            .map_err(|e| format!("connect: {e}"))?;
        clients.push(c);
    }
    Ok(clients)
}

/// `calls` calls of `case`, spread over `clients`, each reply checked; the
/// clients are handed back for the next phase.
async fn drive(
    clients: Vec<BareClient>,
    case: &Case,
    calls: usize,
) -> Result<Vec<BareClient>, String> {
    let n = clients.len().max(1);
    let mut set = tokio::task::JoinSet::new();
    for (i, mut c) in clients.into_iter().enumerate() {
        let share = calls / n + usize::from(i < calls % n);
        let (action, expect) = (case.action, case.expect);
        set.spawn(async move {
            for _ in 0..share {
                if !c.call(expect).await {
                    return Err(format!("a reply to {action} was wrong"));
                }
            }
            Ok::<BareClient, String>(c)
        });
    }
    let mut back = Vec::with_capacity(n);
    while let Some(r) = set.join_next().await {
        back.push(r.map_err(|e| e.to_string())??);
    }
    Ok(back)
}

/// `callgrind_control ARGS`, bounded by coreutils' `timeout` (vgdb can wait
/// for ever on a process it cannot reach). It exits 0 even when it found
/// no callgrind run, so success is the dump file appearing (`dumped`).
fn control(args: &[&str]) -> Result<(), String> {
    let out = Command::new("timeout")
        .arg(CONTROL_WITHIN.as_secs().to_string())
        .arg("callgrind_control")
        .args(args)
        .output()
        .map_err(|e| format!("callgrind_control: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "callgrind_control {args:?} ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(())
}

/// The file of dump number `n` of `out` (callgrind names it `<out>.<n>`),
/// once it is whole.
fn dumped(out: &Path, n: u32) -> Result<PathBuf, String> {
    let mut path = out.as_os_str().to_owned();
    path.push(format!(".{n}"));
    let path = PathBuf::from(path);
    let deadline = Instant::now() + CONTROL_WITHIN;
    loop {
        if let Ok(text) = std::fs::read_to_string(&path)
            && text.contains("\ntotals:")
        {
            return Ok(path);
        }
        if Instant::now() > deadline {
            return Err(format!(
                "no dump at {} (callgrind_control found no run?)",
                path.display()
            ));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// A fresh directory for the dumps, removed with everything in it on drop.
struct ScratchDir(PathBuf);

impl ScratchDir {
    fn new() -> Result<ScratchDir, String> {
        let dir =
            std::env::temp_dir().join(format!("wws-bench-instructions-{}", std::process::id()));
        // A directory left by an earlier run with the same pid holds stale dumps.
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        Ok(ScratchDir(dir))
    }
}

impl Drop for ScratchDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The `summary:` count of a callgrind dump.
fn read_summary(path: &Path) -> Result<u64, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    text.lines()
        .find_map(|l| l.strip_prefix("summary:"))
        .and_then(|v| v.trim().parse().ok())
        .ok_or_else(|| format!("{}: no summary line", path.display()))
}
