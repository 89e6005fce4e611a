//! The saved crash inputs of the `http_request` fuzz target
//! (`fuzz/regressions/http_request/`), through the target's own code
//! (`fuzz/src/http_target.rs`), under a plain `cargo test`.

#[path = "../../fuzz/src/http_target.rs"]
mod http_target;

use std::path::PathBuf;

#[test]
fn http_request_regressions() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fuzz/regressions/http_request");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return;
    };
    let mut paths: Vec<PathBuf> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
    paths.sort();
    for path in paths.iter().filter(|p| p.is_file()) {
        let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        http_target::http_request(&bytes);
    }
    // And a well-formed request, so the harness itself is known to work.
    let body = b"<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body><a xmlns=\"urn:a\"/></s:Body></s:Envelope>";
    let mut request = format!(
        "POST /x HTTP/1.1\r\nHost: h\r\nContent-Type: text/xml; charset=utf-8\r\nSOAPAction: \"urn:a\"\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    request.extend_from_slice(body);
    http_target::http_request(&request);
}
