//! What a well-run HTTP server does: 404, 405, 415, and the WSDL at `?wsdl`.

use crate::common::*;

#[tokio::test]
async fn unknown_path_is_404() {
    let (host, addr, _ev) = start(Default::default()).await;
    let r = request(
        addr,
        "POST",
        "/nowhere",
        &[CT11],
        &env11("", &add_body("1", "1")),
    )
    .await;
    assert_eq!(r.status, 404);
    host.abort();
}

#[tokio::test]
async fn get_without_wsdl_and_other_methods_are_405_with_allow() {
    let (host, addr, _ev) = start(Default::default()).await;
    let r = request(addr, "GET", "/calc11", &[], "").await;
    assert_eq!(r.status, 405);
    assert_eq!(r.header("allow"), Some("POST, GET"));
    let r = request(addr, "PUT", "/calc12wsa", &[CT12], "x").await;
    assert_eq!(r.status, 405);
    // This endpoint has no WSDL: only POST.
    assert_eq!(r.header("allow"), Some("POST"));
    let r = request(addr, "GET", "/calc12wsa?wsdl", &[], "").await;
    assert_eq!(r.status, 405);
    host.abort();
}

#[tokio::test]
async fn unsupported_content_type_is_415() {
    let (host, addr, _ev) = start(Default::default()).await;
    for ct in ["application/json", "text/plain; charset=utf-8"] {
        let r = request(addr, "POST", "/calc11", &[("Content-Type", ct)], "{}").await;
        assert_eq!(r.status, 415, "{ct}");
    }
    let r = request(
        addr,
        "POST",
        "/calc11",
        &[],
        &env11("", &add_body("1", "1")),
    )
    .await;
    assert_eq!(r.status, 415, "no content type");
    host.abort();
}

#[tokio::test]
async fn wsdl_has_each_ports_address_from_the_host_header() {
    let (host, addr, _ev) = start(Default::default()).await;
    for path in ["/calc11?wsdl", "/calc12?WSDL"] {
        let r = request(addr, "GET", path, &[], "").await;
        assert_eq!(r.status, 200, "{path}");
        assert!(
            r.header("content-type")
                .unwrap_or_default()
                .starts_with("text/xml")
        );
        // `Conn::send` sends `Host: test.invalid:1234`.
        assert!(
            r.body
                .contains("<soap:address location=\"http://test.invalid:1234/calc11\"/>"),
            "{}",
            r.body
        );
        assert!(
            r.body
                .contains("<soap12:address location=\"http://test.invalid:1234/calc12\"/>"),
            "{}",
            r.body
        );
        assert!(!r.body.contains("localhost:8080"));
        assert!(r.body.contains("CalculatorService"));
    }
    host.abort();
}

#[tokio::test]
async fn wsdl_without_host_header_uses_the_bound_address() {
    let (host, addr, _ev) = start(Default::default()).await;
    let mut c = Conn::connect(addr).await;
    c.send_raw(b"GET /calc11?wsdl HTTP/1.0\r\n\r\n").await;
    let r = c.read().await;
    assert_eq!(r.status, 200);
    assert!(
        r.body
            .contains(&format!("location=\"http://{addr}/calc11\"")),
        "{}",
        r.body
    );
    host.abort();
}

#[tokio::test]
async fn a_bad_host_header_is_not_echoed_into_the_wsdl() {
    let (host, addr, _ev) = start(Default::default()).await;
    let mut c = Conn::connect(addr).await;
    c.send_raw(b"GET /calc11?wsdl HTTP/1.1\r\nHost: a\"><x/>\r\n\r\n")
        .await;
    let r = c.read().await;
    if r.status == 200 {
        assert!(!r.body.contains("<x/>"), "{}", r.body);
        assert!(
            r.body.contains(&format!("http://{addr}/calc11")),
            "{}",
            r.body
        );
    } else {
        assert_eq!(r.status, 400, "hyper may refuse the header itself");
    }
    host.abort();
}

#[tokio::test]
async fn a_chunk_beyond_the_quota_gets_a_fault_at_once_not_after_the_body_timeout() {
    // The default body timeout is 30 s; the answer must come long before it.
    let (host, addr, _ev) = start(Default::default()).await;
    let mut c = Conn::connect(addr).await;
    c.send_raw(
        b"POST /calc11 HTTP/1.1\r\nHost: t\r\nContent-Type: text/xml; charset=utf-8\r\nSOAPAction: \"\"\r\nTransfer-Encoding: chunked\r\n\r\n8000000000000000\r\n",
    )
    .await;
    let started = std::time::Instant::now();
    let r = c.read().await;
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    assert_eq!(r.status, 500, "{}", r.body);
    let (_, fault) = fault_of(&r.body);
    assert_eq!(fault.code, wws_core::FaultCode::Sender, "{fault}");
    assert!(fault.reason_text().contains("quota"), "{fault}");
    host.abort();
}

#[tokio::test]
async fn a_body_that_does_not_arrive_in_time_is_answered_408() {
    let mut props = wws_host::ServiceHostProperties::default();
    props.listener.body_read_timeout = Some(std::time::Duration::from_millis(300));
    let (host, addr, _ev) = start(props).await;
    let mut c = Conn::connect(addr).await;
    c.send_raw(
        b"POST /calc11 HTTP/1.1\r\nHost: t\r\nContent-Type: text/xml; charset=utf-8\r\nSOAPAction: \"\"\r\nContent-Length: 500\r\n\r\n<s:Envelope",
    )
    .await;
    let r = c.read().await;
    assert_eq!(r.status, 408, "{}", r.body);
    assert!(c.closed_by_server().await);
    host.abort();
}
