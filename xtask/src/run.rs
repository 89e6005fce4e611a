//! Running cargo and other programs from the workspace root, with timed banners.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus};
use std::time::{Duration, Instant};

/// Why a command failed, and the exit code xtask ends with.
#[derive(Debug)]
pub struct Failure {
    pub message: String,
    pub code: u8,
}

impl Failure {
    /// A failed step or program: exit code 1.
    pub fn failed(message: impl Into<String>) -> Self {
        Failure {
            message: message.into(),
            code: 1,
        }
    }

    /// Wrong arguments, or something this checkout cannot do yet: exit code 2.
    pub fn usage(message: impl Into<String>) -> Self {
        Failure {
            message: message.into(),
            code: 2,
        }
    }
}

pub type Result<T = ()> = std::result::Result<T, Failure>;

/// The workspace root (the parent of `xtask/`).
pub fn root() -> PathBuf {
    let xtask_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    xtask_dir.parent().unwrap_or(xtask_dir).to_path_buf()
}

/// The cargo that runs us (`$CARGO`), else `cargo` from `PATH`.
pub fn cargo() -> Command {
    let program = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(program);
    cmd.current_dir(root());
    cmd
}

/// `cmd` as a shell-like line, for banners and messages.
pub fn describe(cmd: &Command) -> String {
    let mut line = String::new();
    for (key, value) in cmd.get_envs() {
        if let Some(value) = value {
            line.push_str(&format!(
                "{}={:?} ",
                key.to_string_lossy(),
                value.to_string_lossy()
            ));
        }
    }
    let program = Path::new(cmd.get_program())
        .file_name()
        .unwrap_or(cmd.get_program());
    line.push_str(&program.to_string_lossy());
    for arg in cmd.get_args() {
        line.push(' ');
        line.push_str(&arg.to_string_lossy());
    }
    line
}

/// Runs `cmd` with inherited stdio; returns its status.
pub fn status(cmd: &mut Command) -> Result<ExitStatus> {
    cmd.status()
        .map_err(|e| Failure::failed(format!("could not start `{}`: {e}", describe(cmd))))
}

/// Runs `cmd` with inherited stdio and fails unless it exits with 0.
pub fn checked(cmd: &mut Command) -> Result {
    let st = status(cmd)?;
    if st.success() {
        Ok(())
    } else {
        Err(Failure::failed(format!(
            "`{}` failed ({st})",
            describe(cmd)
        )))
    }
}

/// Prints the opening banner of a step.
pub fn banner_start(index: usize, total: usize, name: &str, what: &str) {
    println!();
    println!("==> [{index}/{total}] {name}: {what}");
}

/// Prints the closing banner of a step.
pub fn banner_end(name: &str, outcome: &str, took: Duration) {
    println!("<== {name}: {outcome} in {}", seconds(took));
}

/// A duration as seconds with one decimal ("12.3s").
pub fn seconds(d: Duration) -> String {
    format!("{:.1}s", d.as_secs_f64())
}

/// Times `f`.
pub fn timed<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let start = Instant::now();
    let out = f();
    (out, start.elapsed())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn describe_shows_env_program_and_args() {
        let mut cmd = Command::new("/usr/bin/cargo");
        cmd.args(["doc", "--no-deps"])
            .env("RUSTDOCFLAGS", "-D warnings");
        assert_eq!(
            describe(&cmd),
            "RUSTDOCFLAGS=\"-D warnings\" cargo doc --no-deps"
        );
    }

    #[test]
    fn seconds_has_one_decimal() {
        assert_eq!(seconds(Duration::from_millis(12_345)), "12.3s");
        assert_eq!(seconds(Duration::ZERO), "0.0s");
    }

    #[test]
    fn root_holds_the_workspace_manifest() {
        let manifest = std::fs::read_to_string(root().join("Cargo.toml")).expect("root manifest");
        assert!(manifest.contains("[workspace]"));
    }
}
