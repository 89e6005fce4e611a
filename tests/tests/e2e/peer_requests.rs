//! The host answers what real SOAP clients send: every request that gSOAP,
//! zeep and PHP ext/soap sent in `tests/fixtures/wire/` is replayed byte for
//! byte against the calculator host, with each client's own HTTP headers
//! (SOAP 1.1: `SOAPAction`; SOAP 1.2: the `action` parameter only, as PHP does).

use std::net::SocketAddr;
use std::path::PathBuf;

use crate::support::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use wws_examples::calculator;

/// One POST on a fresh connection (`Connection: close`): (status, body).
async fn post(
    addr: SocketAddr,
    path: &str,
    headers: &[(&str, String)],
    body: &[u8],
) -> (u16, String) {
    let mut s = TcpStream::connect(addr).await.expect("connect");
    let mut req = format!("POST {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
    for (n, v) in headers {
        req.push_str(&format!("{n}: {v}\r\n"));
    }
    req.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
    s.write_all(req.as_bytes()).await.expect("write");
    s.write_all(body).await.expect("write");
    let mut raw = Vec::new();
    within(s.read_to_end(&mut raw)).await.expect("read");
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").expect("response head");
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("status");
    (status, body.to_owned())
}

#[tokio::test]
async fn every_captured_client_request_gets_the_right_answer() {
    let served = serve(Default::default()).await;
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures/wire");
    let mut replayed = 0;
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("fixtures")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with("-request.xml"))
        .collect();
    names.sort();
    for name in names {
        // <peer>-<version>-<case>-request.xml
        let parts: Vec<&str> = name.split('-').collect();
        let [_, version, case, _] = parts[..] else {
            panic!("fixture name {name}")
        };
        let op = case.trim_end_matches("Ok").trim_end_matches("Empty");
        let action = format!("{}/{op}", wws_examples::calculator::NAMESPACE);
        let body = std::fs::read(dir.join(&name)).expect("fixture");
        let (path, headers) = match version {
            "1.1" => (
                calculator::PATH_SOAP11,
                vec![
                    ("Content-Type", "text/xml; charset=utf-8".to_owned()),
                    ("SOAPAction", format!("\"{action}\"")),
                ],
            ),
            "1.2" => (
                calculator::PATH_SOAP12,
                vec![(
                    "Content-Type",
                    format!("application/soap+xml; charset=utf-8; action=\"{action}\""),
                )],
            ),
            other => panic!("{name}: version {other}"),
        };
        let (status, reply) = post(served.addr, path, &headers, &body).await;
        if case == "Divide" {
            let want = if version == "1.1" { 500 } else { 400 };
            assert_eq!(status, want, "{name}: {reply}");
            assert!(reply.contains("division by zero"), "{name}: {reply}");
        } else {
            assert_eq!(status, 200, "{name}: {reply}");
            assert!(reply.contains(&format!("{op}Response")), "{name}: {reply}");
        }
        if case == "Echo" {
            assert!(
                reply.contains("h\u{e9}llo &lt;&amp;&gt;"),
                "{name}: {reply}"
            );
        }
        replayed += 1;
    }
    assert!(replayed >= 30, "only {replayed} fixtures");
    served.host.close().await.expect("close");
}
