//! The open-files limit, read from `/proc/self/limits` (the workspace denies
//! `unsafe_code`, so no `getrlimit` call).

use std::process::Command;

/// Soft and hard `Max open files` of this process.
pub fn open_files() -> Result<(u64, u64), String> {
    let text = std::fs::read_to_string("/proc/self/limits")
        .map_err(|e| format!("/proc/self/limits: {e}"))?;
    let line = text
        .lines()
        .find(|l| l.starts_with("Max open files"))
        .ok_or("/proc/self/limits: no `Max open files` line")?;
    let mut fields = line.trim_start_matches("Max open files").split_whitespace();
    let parse = |f: Option<&str>| -> Result<u64, String> {
        match f {
            Some("unlimited") => Ok(u64::MAX),
            Some(v) => v
                .parse()
                .map_err(|_| format!("bad limit {v:?} in {line:?}")),
            None => Err(format!("short line {line:?}")),
        }
    };
    let soft = parse(fields.next())?;
    let hard = parse(fields.next())?;
    Ok((soft, hard))
}

/// Makes sure this process may open `needed` files, or as many as the hard
/// limit allows: when the soft limit is lower, runs this program again
/// through `sh -c 'ulimit -n <n>; exec …'` (same arguments, same stdio) and
/// exits with its status. Returns the limit in force otherwise.
pub fn ensure_open_files(needed: u64) -> Result<u64, String> {
    const MARK: &str = "WWS_BENCH_NOFILE_RAISED";
    let (soft, hard) = open_files()?;
    let target = needed.min(hard);
    if soft >= target || std::env::var_os(MARK).is_some() {
        return Ok(soft);
    }
    let exe = std::env::current_exe().map_err(|e| format!("current_exe: {e}"))?;
    eprintln!("raising the open-files limit from {soft} to {target} (hard {hard}) and restarting");
    let status = Command::new("sh")
        .arg("-c")
        .arg(format!("ulimit -n {target} && exec \"$0\" \"$@\""))
        .arg(exe)
        .args(std::env::args_os().skip(1))
        .env(MARK, "1")
        .status()
        .map_err(|e| format!("sh: {e}"))?;
    std::process::exit(status.code().unwrap_or(1));
}

/// Sends `command` (`enable` / `disable`) to a `perf record
/// --control=fifo:<path>` session named by `WWS_BENCH_PERF_CTL` when
/// `WWS_BENCH_PERF_SPAN` names `span`, so that a profile covers only the span
/// of interest; nothing when they are unset.
pub fn perf_control(span: &str, command: &str) {
    use std::io::Write;
    if std::env::var("WWS_BENCH_PERF_SPAN").ok().as_deref() != Some(span) {
        return;
    }
    if let Some(path) = std::env::var_os("WWS_BENCH_PERF_CTL") {
        match std::fs::OpenOptions::new().write(true).open(&path) {
            Ok(mut fifo) => {
                let _ = writeln!(fifo, "{command}");
            }
            Err(e) => eprintln!("WWS_BENCH_PERF_CTL: {e}"),
        }
    }
}

/// The 1-minute load average (`/proc/loadavg`), or NaN when unreadable.
pub fn load_average() -> f64 {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|t| t.split_whitespace().next()?.parse().ok())
        .unwrap_or(f64::NAN)
}

/// Where a bench notes the load on the machine at its start and end.
#[derive(Debug, Clone, Copy)]
pub struct Load {
    start: f64,
}

impl Load {
    /// Notes the load average now.
    pub fn start() -> Load {
        Load {
            start: load_average(),
        }
    }

    /// A markdown bullet with the load average at start and now, and the CPU count.
    pub fn note(&self) -> String {
        let cpus = std::thread::available_parallelism().map_or(0, |n| n.get());
        format!(
            "- Load average (1 min) at start / end: {:.1} / {:.1} on {cpus} CPUs; above {cpus}, other processes competed for the CPUs and the numbers are pessimistic.",
            self.start,
            load_average()
        )
    }
}
