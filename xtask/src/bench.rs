//! `cargo xtask bench [NAME..]`: runs bench programs and records their tables.
//!
//! A bench is a program `tests/src/bin/bench_<name>.rs` of `wws-tests` that
//! prints markdown (at least one table) to stdout and its progress to stderr.
//! Each run replaces that bench's section of `BENCHMARKS.md`, between
//! `<!-- bench:<name>:begin -->` and `<!-- bench:<name>:end -->`, together
//! with the command, the date and the machine; other sections are kept.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

use crate::run::{self, Failure, Result};

/// The package holding the bench programs.
pub const PACKAGE: &str = "wws-tests";
/// Where bench programs live, for messages.
pub const BIN_PATTERN: &str = "tests/src/bin/bench_<name>.rs";
/// The benches that run first, in this order; any others follow by name.
const FIRST: &[&str] = &["codec"];
/// The file the tables are recorded in.
const OUTPUT: &str = "BENCHMARKS.md";

const HEADER: &str = "\
# Benchmarks

Recorded by `cargo xtask bench [NAME..]`: each section is the verbatim output of
one bench program (`tests/src/bin/bench_<name>.rs`, release build), with the
command, date and machine of the run that produced it. Re-running a bench
replaces its section only.
";

/// The bench programs present in this checkout, `FIRST` ones first.
pub fn programs() -> std::result::Result<Vec<String>, String> {
    list_programs(&run::root().join("tests/src/bin"))
}

fn list_programs(dir: &Path) -> std::result::Result<Vec<String>, String> {
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    let read_err = |e: std::io::Error| format!("reading {}: {e}", dir.display());
    let mut names = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(read_err)? {
        let entry = entry.map_err(read_err)?;
        let file = entry.file_name().to_string_lossy().into_owned();
        let path = entry.path();
        // A bin is `bench_x.rs` or a directory `bench_x/` with a `main.rs`.
        let stem = match file.strip_suffix(".rs") {
            Some(stem) if path.is_file() => stem.to_owned(),
            None if path.join("main.rs").is_file() => file,
            _ => continue,
        };
        if let Some(name) = stem.strip_prefix("bench_")
            && !name.is_empty()
        {
            names.push(name.to_owned());
        }
    }
    names.sort_by_key(|n| {
        let rank = FIRST.iter().position(|f| f == n).unwrap_or(FIRST.len());
        (rank, n.clone())
    });
    Ok(names)
}

/// Runs the named benches (all when `names` is empty) and updates `BENCHMARKS.md`.
pub fn run(names: &[String]) -> Result {
    let available = programs().map_err(Failure::failed)?;
    let selected: Vec<String> = if names.is_empty() {
        if available.is_empty() {
            return Err(Failure::usage(format!(
                "no bench programs yet ({BIN_PATTERN})"
            )));
        }
        available.clone()
    } else {
        for n in names {
            if !available.contains(n) {
                return Err(Failure::usage(format!(
                    "no bench `{n}`: tests/src/bin/bench_{n}.rs does not exist (available: {})",
                    if available.is_empty() {
                        "none".to_owned()
                    } else {
                        available.join(", ")
                    }
                )));
            }
        }
        names.to_vec()
    };

    // Build once, so that compile time is not mixed into the first bench's run.
    let mut build = run::cargo();
    // The benches also run the shipped calculator host, as a user runs it.
    build.args([
        "build",
        "--release",
        "-p",
        PACKAGE,
        "--bins",
        "-p",
        "wws-examples",
    ]);
    println!("==> {}", run::describe(&build));
    run::checked(&mut build)?;

    let machine = Machine::probe();
    let output = run::root().join(OUTPUT);
    for (i, name) in selected.iter().enumerate() {
        let mut cmd = run::cargo();
        let bin = format!("bench_{name}");
        cmd.args(["run", "--release", "--quiet", "-p", PACKAGE, "--bin", &bin]);
        let line = run::describe(&cmd);
        run::banner_start(i + 1, selected.len(), name, &line);
        let (printed, took) = run::timed(|| capture_stdout(&mut cmd));
        let printed = printed?;
        if !has_markdown_table(&printed) {
            return Err(Failure::failed(format!(
                "{bin} printed no markdown table on stdout; nothing recorded"
            )));
        }
        let date = command_output("date", &["-u"]);
        let section = render_section(name, &line, &date, &machine, &printed);
        let existing = match std::fs::read_to_string(&output) {
            Ok(text) => Some(text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(Failure::failed(format!("reading {OUTPUT}: {e}"))),
        };
        let merged = merge_section(existing.as_deref(), name, &section).map_err(Failure::failed)?;
        std::fs::write(&output, merged)
            .map_err(|e| Failure::failed(format!("writing {OUTPUT}: {e}")))?;
        run::banner_end(name, &format!("recorded in {OUTPUT}"), took);
    }
    Ok(())
}

/// Runs `cmd`, echoing and returning its stdout; stderr passes through.
fn capture_stdout(cmd: &mut Command) -> Result<String> {
    let what = run::describe(cmd);
    let mut child = cmd
        .stdout(Stdio::piped())
        .spawn()
        .map_err(|e| Failure::failed(format!("could not start `{what}`: {e}")))?;
    let mut printed = String::new();
    if let Some(stdout) = child.stdout.take() {
        for line in BufReader::new(stdout).lines() {
            let line = line.map_err(|e| Failure::failed(format!("reading `{what}`: {e}")))?;
            println!("{line}");
            printed.push_str(&line);
            printed.push('\n');
        }
    }
    let status = child
        .wait()
        .map_err(|e| Failure::failed(format!("waiting for `{what}`: {e}")))?;
    if status.success() {
        Ok(printed)
    } else {
        Err(Failure::failed(format!("`{what}` failed ({status})")))
    }
}

/// Whether `text` holds a markdown table (a `|`-row followed by a `|---` separator).
fn has_markdown_table(text: &str) -> bool {
    let lines: Vec<&str> = text.lines().map(str::trim).collect();
    lines.windows(2).any(|w| {
        w[0].starts_with('|')
            && w[1].starts_with('|')
            && w[1].contains('-')
            && w[1].chars().all(|c| matches!(c, '|' | '-' | ':' | ' '))
    })
}

/// What a bench ran on.
struct Machine {
    os: String,
    cpus: String,
    cpu_model: String,
    memory: String,
    rustc: String,
}

impl Machine {
    fn probe() -> Self {
        let read = |path: &str| std::fs::read_to_string(path).unwrap_or_default();
        Machine {
            os: command_output("uname", &["-srm"]),
            cpus: command_output("nproc", &[]),
            cpu_model: cpu_model(&read("/proc/cpuinfo")).unwrap_or_else(|| "unknown CPU".into()),
            memory: mem_total(&read("/proc/meminfo")).unwrap_or_else(|| "unknown".into()),
            rustc: command_output("rustc", &["-V"]),
        }
    }
}

/// The trimmed stdout of a small system command, or a note that it failed.
fn command_output(program: &str, args: &[&str]) -> String {
    match Command::new(program).args(args).output() {
        Ok(out) if out.status.success() => String::from_utf8_lossy(&out.stdout).trim().to_owned(),
        Ok(out) => format!("unknown (`{program}` {})", out.status),
        Err(e) => format!("unknown (`{program}`: {e})"),
    }
}

/// The first `model name` of `/proc/cpuinfo`.
fn cpu_model(cpuinfo: &str) -> Option<String> {
    cpuinfo.lines().find_map(|line| {
        let (key, value) = line.split_once(':')?;
        (key.trim() == "model name").then(|| value.trim().to_owned())
    })
}

/// `MemTotal` of `/proc/meminfo` in GiB.
fn mem_total(meminfo: &str) -> Option<String> {
    let line = meminfo.lines().find(|l| l.starts_with("MemTotal:"))?;
    let kib: u64 = line
        .trim_start_matches("MemTotal:")
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(format!("{:.1} GiB", kib as f64 / (1024.0 * 1024.0)))
}

fn markers(name: &str) -> (String, String) {
    (
        format!("<!-- bench:{name}:begin -->"),
        format!("<!-- bench:{name}:end -->"),
    )
}

fn render_section(name: &str, command: &str, date: &str, m: &Machine, printed: &str) -> String {
    let (begin, end) = markers(name);
    format!(
        "{begin}\n## {name}\n\n\
         - Command: `{command}` (via `cargo xtask bench {name}`)\n\
         - Date: {date}\n\
         - Machine: {os}; {cpus} CPUs (nproc); {cpu}; {mem} RAM\n\
         - Toolchain: {rustc}\n\n\
         {body}\n{end}\n",
        os = m.os,
        cpus = m.cpus,
        cpu = m.cpu_model,
        mem = m.memory,
        rustc = m.rustc,
        body = printed.trim_end(),
    )
}

/// `existing` with the section of `name` replaced by `section` (appended if absent).
fn merge_section(
    existing: Option<&str>,
    name: &str,
    section: &str,
) -> std::result::Result<String, String> {
    let (begin, end) = markers(name);
    let existing = match existing {
        Some(text) if !text.trim().is_empty() => text,
        _ => return Ok(format!("{HEADER}\n{section}")),
    };
    match existing.find(&begin) {
        Some(start) => {
            let after = start + begin.len();
            let stop = existing[after..]
                .find(&end)
                .map(|i| after + i + end.len())
                .ok_or_else(|| format!("{OUTPUT}: `{begin}` has no matching `{end}`"))?;
            // Swallow the newline after the end marker; `section` ends with one.
            let stop = if existing[stop..].starts_with('\n') {
                stop + 1
            } else {
                stop
            };
            Ok(format!(
                "{}{section}{}",
                &existing[..start],
                &existing[stop..]
            ))
        }
        None => {
            let sep = if existing.ends_with("\n\n") {
                ""
            } else if existing.ends_with('\n') {
                "\n"
            } else {
                "\n\n"
            };
            Ok(format!("{existing}{sep}{section}"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TABLE: &str = "| case | MB/s |\n|---|---:|\n| read | 120.0 |\n";

    fn section(name: &str, body: &str) -> String {
        let m = Machine {
            os: "Linux 6.1 x86_64".into(),
            cpus: "2".into(),
            cpu_model: "Test CPU".into(),
            memory: "1.0 GiB".into(),
            rustc: "rustc 1.0".into(),
        };
        render_section(name, "cargo run", "Thu Jan  1 00:00:00 UTC 1970", &m, body)
    }

    #[test]
    fn first_run_writes_header_and_section() {
        let out = merge_section(None, "codec", &section("codec", TABLE)).expect("merge");
        assert!(out.starts_with("# Benchmarks"));
        assert!(out.contains("## codec"));
        assert!(out.contains("- Machine: Linux 6.1 x86_64; 2 CPUs (nproc); Test CPU; 1.0 GiB RAM"));
        assert!(out.contains("| read | 120.0 |\n<!-- bench:codec:end -->\n"));
    }

    #[test]
    fn rerun_replaces_only_its_section() {
        let first = merge_section(None, "codec", &section("codec", TABLE)).expect("codec");
        let both = merge_section(
            Some(&first),
            "proxy",
            &section("proxy", "| a |\n|---|\n| 1 |\n"),
        )
        .expect("proxy");
        let newer = "| case | MB/s |\n|---|---:|\n| read | 999.0 |\n";
        let updated = merge_section(Some(&both), "codec", &section("codec", newer)).expect("again");
        assert!(updated.contains("| read | 999.0 |"));
        assert!(!updated.contains("| read | 120.0 |"));
        assert!(updated.contains("## proxy\n"));
        assert_eq!(updated.matches("<!-- bench:codec:begin -->").count(), 1);
        // codec stays before proxy, and the file does not grow on identical re-runs.
        assert!(updated.find("## codec") < updated.find("## proxy"));
        let again = merge_section(Some(&updated), "codec", &section("codec", newer)).expect("same");
        assert_eq!(again, updated);
    }

    #[test]
    fn unterminated_section_is_an_error() {
        let broken = format!("{HEADER}\n<!-- bench:codec:begin -->\n## codec\n");
        assert!(merge_section(Some(&broken), "codec", &section("codec", TABLE)).is_err());
    }

    #[test]
    fn table_detection() {
        assert!(has_markdown_table(TABLE));
        assert!(has_markdown_table("intro\n\n| a | b |\n| :-- | --: |\n"));
        assert!(!has_markdown_table("read: 120 MB/s\nwrite: 80 MB/s\n"));
        assert!(!has_markdown_table("| just one row |\n"));
    }

    #[test]
    fn parses_proc_files() {
        let cpuinfo = "processor\t: 0\nvendor_id\t: GenuineIntel\nmodel name\t: Intel(R) Xeon(R) CPU @ 2.20GHz\n";
        assert_eq!(
            cpu_model(cpuinfo).as_deref(),
            Some("Intel(R) Xeon(R) CPU @ 2.20GHz")
        );
        assert_eq!(cpu_model("processor : 0\n"), None);
        let meminfo = "MemTotal:        8048288 kB\nMemFree:  1 kB\n";
        assert_eq!(mem_total(meminfo).as_deref(), Some("7.7 GiB"));
        assert_eq!(mem_total(""), None);
    }

    #[test]
    fn lists_bench_programs_codec_first() {
        let dir = std::env::temp_dir().join(format!("xtask-bench-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("bench_proxy")).expect("dir");
        std::fs::write(dir.join("bench_proxy/main.rs"), "").expect("write");
        for f in [
            "bench_abandon.rs",
            "bench_codec.rs",
            "echo_server.rs",
            "bench_.rs",
        ] {
            std::fs::write(dir.join(f), "").expect("write");
        }
        let found = list_programs(&dir);
        let _ = std::fs::remove_dir_all(&dir);
        assert_eq!(found.expect("list"), vec!["codec", "abandon", "proxy"]);
    }
}
