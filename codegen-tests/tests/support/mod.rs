//! What the loopback tests share: running zeep on a host's `?wsdl`.

use std::time::Duration;

/// Runs `script` with python3 and zeep, `args` after it (`None`, after a
/// loud SKIPPED, when zeep is not installed); its stdout. Panics when the
/// script fails or takes over a minute.
pub async fn zeep(script: &'static str, args: Vec<String>) -> Option<String> {
    let have = std::process::Command::new("python3")
        .args(["-c", "import zeep"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !have {
        println!(
            "SKIPPED: python3 with zeep is not installed; zeep does not call the generated host"
        );
        return None;
    }
    let run = tokio::task::spawn_blocking(move || {
        std::process::Command::new("timeout")
            .args(["60", "python3", "-c", script])
            .args(args)
            .output()
    });
    let out = tokio::time::timeout(Duration::from_secs(90), run)
        .await
        .expect("zeep in time")
        .expect("joined")
        .expect("python3 runs");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "zeep failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(stdout)
}
