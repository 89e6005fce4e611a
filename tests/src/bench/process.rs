//! Servers run as child processes that print `listening on <port>`.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Why a child server did not come up.
#[derive(Debug)]
pub struct StartFailure {
    /// What happened.
    pub message: String,
    /// Its exit code, when it exited (77: the peer is not available here).
    pub code: Option<i32>,
}

impl StartFailure {
    fn new(message: String) -> Self {
        StartFailure {
            message,
            code: None,
        }
    }
}

impl std::fmt::Display for StartFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// A child server process; killed (by its pid) and reaped when dropped.
pub struct ChildServer {
    name: String,
    child: Child,
    /// Kept open: a `serve` child of ours exits when its stdin closes, so it
    /// never outlives the bench even if the bench is killed.
    _stdin: Option<ChildStdin>,
    addr: SocketAddr,
    lines: mpsc::Receiver<String>,
}

impl ChildServer {
    /// Starts `cmd` (stdout piped, stdin piped, stderr inherited) and waits up
    /// to `within` for its `listening on <port>` line.
    pub fn start(
        name: &str,
        mut cmd: Command,
        within: Duration,
    ) -> Result<ChildServer, StartFailure> {
        cmd.stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        let mut child = cmd
            .spawn()
            .map_err(|e| StartFailure::new(format!("{name}: could not start {cmd:?}: {e}")))?;
        let stdin = child.stdin.take();
        let Some(stdout) = child.stdout.take() else {
            let _ = child.kill();
            let _ = child.wait();
            return Err(StartFailure::new(format!("{name}: no stdout")));
        };
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut server = ChildServer {
            name: name.to_owned(),
            child,
            _stdin: stdin,
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            lines,
        };
        let deadline = Instant::now() + within;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match server.lines.recv_timeout(left) {
                Ok(line) => {
                    if let Some(at) = line.trim().strip_prefix("listening on ") {
                        // `<port>` (our serve children) or `<ip>:<port>` (the calculator).
                        let port = at.trim().rsplit(':').next().unwrap_or_default();
                        let port: u16 = port.parse().map_err(|_| {
                            StartFailure::new(format!("{name}: bad port line {line:?}"))
                        })?;
                        server.addr = SocketAddr::from(([127, 0, 0, 1], port));
                        return Ok(server);
                    }
                    eprintln!("[{name}] {line}");
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {
                    return Err(StartFailure::new(format!(
                        "{name}: no `listening on` line within {within:?}"
                    )));
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    let status = server.child.wait().ok();
                    return Err(StartFailure {
                        message: format!(
                            "{name}: exited before listening ({})",
                            status.map(|s| s.to_string()).unwrap_or_default()
                        ),
                        code: status.and_then(|s| s.code()),
                    });
                }
            }
        }
    }

    /// The loopback address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Its process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Takes the stream of the lines it prints after `listening on`; other
    /// lines are then no longer echoed. Replaced by an empty stream.
    pub fn take_lines(&mut self) -> mpsc::Receiver<String> {
        std::mem::replace(&mut self.lines, mpsc::channel().1)
    }

    /// Its name, for messages.
    pub fn name(&self) -> &str {
        &self.name
    }
}

impl Drop for ChildServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A command running this very program with `args` (`bench_x serve floor`).
pub fn this_program(args: &[&str]) -> Result<Command, String> {
    let exe = std::env::current_exe().map_err(|e| format!("current_exe: {e}"))?;
    let mut cmd = Command::new(exe);
    cmd.args(args);
    Ok(cmd)
}

/// The shipped program `name` (a binary of this workspace, such as the
/// `calculator` host of wws-examples) next to this one, built with the same
/// profile; run as a user runs it, with `args`.
pub fn shipped_program(name: &str, args: &[&str]) -> Result<Command, String> {
    let exe = std::env::current_exe().map_err(|e| format!("current_exe: {e}"))?;
    let path = exe.with_file_name(name);
    if !path.is_file() {
        return Err(format!(
            "{} is not built (cargo build --release -p wws-examples --bin {name})",
            path.display()
        ));
    }
    let mut cmd = Command::new(path);
    cmd.args(args);
    Ok(cmd)
}

/// Resident set size of process `pid` (`VmRSS` of `/proc/<pid>/status`), in bytes.
pub fn rss_bytes(pid: u32) -> Result<u64, String> {
    let path = format!("/proc/{pid}/status");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{path}: {e}"))?;
    let line = text
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .ok_or_else(|| format!("{path}: no VmRSS"))?;
    let kib: u64 = line
        .trim_start_matches("VmRSS:")
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .map_err(|_| format!("{path}: bad VmRSS line {line:?}"))?;
    Ok(kib * 1024)
}

/// CPU time (user + system) process `pid` has used so far, in seconds, from
/// `/proc/<pid>/stat` (10 ms resolution).
pub fn cpu_seconds(pid: u32) -> Result<f64, String> {
    let path = format!("/proc/{pid}/stat");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{path}: {e}"))?;
    // Fields after the command name, which is in parentheses and may hold spaces.
    let rest = text
        .rsplit_once(')')
        .map(|(_, rest)| rest)
        .ok_or_else(|| format!("{path}: no command field"))?;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the command.
    let ticks = |i: usize| -> Result<u64, String> {
        fields
            .get(i)
            .and_then(|f| f.parse().ok())
            .ok_or_else(|| format!("{path}: bad field {}", i + 3))
    };
    Ok((ticks(11)? + ticks(12)?) as f64 / clock_ticks() as f64)
}

/// Clock ticks per second (`getconf CLK_TCK`; 100 when that fails).
fn clock_ticks() -> u64 {
    static TICKS: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
    *TICKS.get_or_init(|| {
        Command::new("getconf")
            .arg("CLK_TCK")
            .output()
            .ok()
            .and_then(|o| String::from_utf8(o.stdout).ok())
            .and_then(|s| s.trim().parse().ok())
            .filter(|t| *t > 0)
            .unwrap_or(100)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_own_cpu_time_and_rss() {
        let me = std::process::id();
        let before = cpu_seconds(me).expect("cpu");
        // Burn a little CPU so that the counter moves by at least one tick.
        let start = Instant::now();
        let mut x = 0u64;
        while start.elapsed() < Duration::from_millis(50) {
            x = std::hint::black_box(x.wrapping_mul(31).wrapping_add(7));
        }
        let after = cpu_seconds(me).expect("cpu");
        assert!(after >= before, "{before} -> {after}");
        assert!(after - before < 5.0);
        assert!(rss_bytes(me).expect("rss") > 0);
    }
}
