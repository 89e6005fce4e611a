//! `wrk` driven with `tests/interop/wrk_calculator.lua`, which checks every reply.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;

/// What one calculator operation wrk sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// `Add(1.5, 2.25)`.
    Add,
    /// `Echo` of this many bytes of text.
    Echo(usize),
}

/// One wrk run's result.
#[derive(Debug, Clone, Copy)]
pub struct WrkRun {
    /// Requests per second as wrk counts them.
    pub requests_per_second: f64,
    /// Replies the Lua script checked.
    pub replies: u64,
    /// Replies that failed the check (non-200 or wrong content).
    pub bad: u64,
    /// Socket errors wrk reported (connect, read, write, timeout).
    pub socket_errors: u64,
    /// The span wrk measured (its `N requests in <span>` line).
    pub span: Duration,
}

/// Whether the `wrk` program can be run.
pub fn available() -> bool {
    Command::new("wrk")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok()
}

/// The Lua script in the repository.
pub fn script() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("interop/wrk_calculator.lua")
}

/// Runs `wrk -t<threads> -c<connections> -d<span>` against `http://addr/path` with `op`.
pub fn run(
    addr: SocketAddr,
    path: &str,
    op: Op,
    threads: usize,
    connections: usize,
    span: Duration,
) -> Result<WrkRun, String> {
    run_url(
        &format!("http://{addr}{path}"),
        op,
        threads,
        connections,
        span,
    )
}

/// As [`run`], against `url` (`https://` too: wrk does not check the
/// server's certificate).
pub fn run_url(
    url: &str,
    op: Op,
    threads: usize,
    connections: usize,
    span: Duration,
) -> Result<WrkRun, String> {
    let mut cmd = Command::new("wrk");
    cmd.arg(format!("-t{threads}"))
        .arg(format!("-c{connections}"))
        .arg(format!("-d{}s", span.as_secs().max(1)))
        .arg("--timeout")
        .arg("10s")
        .arg("-s")
        .arg(script())
        .arg(url)
        .env("WWS_SOAP", "1.1");
    match op {
        Op::Add => cmd.env("WWS_OP", "add"),
        Op::Echo(bytes) => cmd
            .env("WWS_OP", "echo")
            .env("WWS_ECHO_BYTES", bytes.to_string()),
    };
    let out = cmd
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("could not run wrk: {e}"))?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    let parsed = parse(&stdout);
    match parsed {
        Some(run) => Ok(run),
        None => Err(format!(
            "wrk ({}) printed no result:\n{stdout}{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        )),
    }
}

/// Reads `Requests/sec:`, the script's `wrk-check:` line and socket errors from wrk's output.
pub fn parse(text: &str) -> Option<WrkRun> {
    let mut rps = None;
    let mut check = None;
    let mut socket_errors = 0;
    let mut span = None;
    for line in text.lines().map(str::trim) {
        if let Some((_, after)) = line.split_once(" requests in ") {
            span = after.split(',').next().and_then(parse_span);
        }
        if let Some(v) = line.strip_prefix("Requests/sec:") {
            rps = v.trim().parse::<f64>().ok();
        } else if let Some(v) = line.strip_prefix("wrk-check:") {
            // " N replies, M bad"
            let nums: Vec<u64> = v
                .split(|c: char| !c.is_ascii_digit())
                .filter_map(|s| s.parse().ok())
                .collect();
            if let [replies, bad] = nums[..] {
                check = Some((replies, bad));
            }
        } else if let Some(v) = line.strip_prefix("Socket errors:") {
            // " connect 0, read 0, write 0, timeout 0"
            socket_errors = v
                .split(',')
                .filter_map(|part| part.split_whitespace().nth(1)?.parse::<u64>().ok())
                .sum();
        }
    }
    let (replies, bad) = check?;
    Some(WrkRun {
        requests_per_second: rps?,
        replies,
        bad,
        socket_errors,
        span: span?,
    })
}

/// wrk's durations: `10.00s`, `999.95ms`, `1.00m`, `12.3us`.
fn parse_span(text: &str) -> Option<Duration> {
    let text = text.trim();
    let split = text.find(|c: char| c.is_ascii_alphabetic())?;
    let (number, unit) = text.split_at(split);
    let value: f64 = number.parse().ok()?;
    let seconds = match unit {
        "us" => value / 1e6,
        "ms" => value / 1e3,
        "s" => value,
        "m" => value * 60.0,
        "h" => value * 3600.0,
        _ => return None,
    };
    (seconds.is_finite() && seconds >= 0.0).then(|| Duration::from_secs_f64(seconds))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_wrk_output() {
        let text = "Running 2s test @ http://127.0.0.1:1/calculator\n  2 threads and 32 connections\n\
            \x20 102470 requests in 2.00s, 25.12MB read\n\
            \x20 Socket errors: connect 0, read 3, write 0, timeout 2\n\
            Requests/sec:  51234.56\nTransfer/sec:      9.87MB\nwrk-check: 102469 replies, 1 bad\n";
        let run = parse(text).expect("parsed");
        assert_eq!(run.requests_per_second, 51234.56);
        assert_eq!((run.replies, run.bad, run.socket_errors), (102469, 1, 5));
        assert_eq!(run.span, Duration::from_secs(2));
        assert_eq!(parse_span("999.5ms"), Some(Duration::from_micros(999_500)));
        assert_eq!(parse_span("1.00m"), Some(Duration::from_secs(60)));
        assert_eq!(parse_span("3x"), None);
        assert!(parse("Requests/sec: 1\n").is_none());
    }
}
