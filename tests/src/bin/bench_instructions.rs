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
//! Each server: start under callgrind, warm up, zero the counters
//! (`callgrind_control --zero`), make the measured calls, dump
//! (`callgrind_control --dump`), read the dump's `summary:` line. Without
//! valgrind the bench prints a `SKIPPED:` line. `WWS_BENCH_CALLS` sets the
//! number of Add calls (default 4000; Echo makes a tenth of that).

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

use wws_core::Message;
use wws_examples::calculator::{ADD_ACTION, Add, ECHO_ACTION, Echo};
use wws_tests::bench::client::BareClient;
use wws_tests::bench::process::{self, ChildServer};
use wws_tests::bench::table::{ratio, thousands};
use wws_tests::bench::{Table, limits, serve};

/// Keep-alive connections the calls are spread over.
const CONNECTIONS: usize = 8;
/// Calls before the counters are zeroed (connections made, caches warm).
const WARM_UP: usize = 400;
/// A server under callgrind starts some 50 times slower.
const START_WITHIN: Duration = Duration::from_secs(120);
const ECHO_BYTES: usize = 64 * 1024;

fn main() -> ExitCode {
    if let Some(code) = serve::serve_if_asked() {
        return code;
    }
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bench_instructions: {e}");
            ExitCode::FAILURE
        }
    }
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
        "Instructions per call (issue 10 §8): user-space instructions the server executes per SOAP 1.1 call, counted by valgrind's callgrind over {calls} Add calls and {} Echo 64 KiB calls on {CONNECTIONS} keep-alive connections, after {WARM_UP} warm-up calls; every reply checked. Each server a separate process, run as a user runs it (the calculator with its default settings and log level).\n",
        calls / 10
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
            calls: (calls / 10).max(CONNECTIONS),
        },
    ];
    let dir = std::env::temp_dir().join(format!("wws-bench-instructions-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
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
        let host = measure(&runtime, &dir, "wws host", host_command()?, case)?;
        let floor = measure(
            &runtime,
            &dir,
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
    let _ = std::fs::remove_dir_all(&dir);
    print!("{}", t.render());
    println!();
    println!(
        "- Instructions per call: the dump's total over the measured calls, all threads of the server process; the warm-up and start-up are zeroed away."
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
    runtime.block_on(drive(addr, case, WARM_UP))?;
    control(&["--zero", &pid])?;
    runtime.block_on(drive(addr, case, case.calls))?;
    control(&["--dump=measured", &pid])?;
    let total = read_summary(&dumped(&out)?)?;
    drop(child);
    Ok(total as f64 / case.calls as f64)
}

/// `calls` calls of `case`, spread over fresh keep-alive connections, each
/// reply checked.
async fn drive(addr: std::net::SocketAddr, case: &Case, calls: usize) -> Result<(), String> {
    let mut set = tokio::task::JoinSet::new();
    for i in 0..CONNECTIONS {
        let share = calls / CONNECTIONS + usize::from(i < calls % CONNECTIONS);
        let body = case.body.clone();
        let (action, expect) = (case.action, case.expect);
        set.spawn(async move {
            let mut c = BareClient::connect(addr, "/calculator", action, body)
                .await
                .map_err(|e| format!("connect: {e}"))?;
            for _ in 0..share {
                if !c.call(expect).await {
                    return Err(format!("a reply to {action} was wrong"));
                }
            }
            Ok::<(), String>(())
        });
    }
    while let Some(r) = set.join_next().await {
        r.map_err(|e| e.to_string())??;
    }
    Ok(())
}

fn control(args: &[&str]) -> Result<(), String> {
    let out = Command::new("callgrind_control")
        .args(args)
        .output()
        .map_err(|e| format!("callgrind_control: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "callgrind_control {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(())
}

/// The file of the first dump of `out` (callgrind names it `<out>.1`);
/// waits for it, since callgrind_control returns once the dump is asked for.
fn dumped(out: &Path) -> Result<PathBuf, String> {
    let mut path = out.as_os_str().to_owned();
    path.push(".1");
    let path = PathBuf::from(path);
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Ok(text) = std::fs::read_to_string(&path)
            && text.contains("\ntotals:")
        {
            return Ok(path);
        }
        if Instant::now() > deadline {
            return Err(format!("no dump at {}", path.display()));
        }
        std::thread::sleep(Duration::from_millis(100));
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

fn soap11<T: wws_core::BodyElement>(action: &str, body: &T) -> bytes::Bytes {
    Message::from_body(
        wws_core::EnvelopeVersion::Soap11,
        wws_core::AddressingVersion::Transport,
        action,
        body,
    )
    .expect("from_body")
    .to_bytes()
    .expect("to_bytes")
}
