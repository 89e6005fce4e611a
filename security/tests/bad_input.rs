//! Hostile Security headers (issue 15 §4): each is answered with a fault,
//! quickly, by a reader that stops at its limits.

mod common;

use std::time::{Duration, Instant, SystemTime};

use common::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use wws_core::EnvelopeVersion;
use wws_security::header::read_security_header;
use wws_security::{SecurityFault, UsernameTokenValidator, ns};

/// Generous: these take milliseconds; the bound only catches a blow-up.
const QUICK: Duration = Duration::from_secs(10);

fn security(inner: &str) -> String {
    format!(
        "<wsse:Security xmlns:wsse=\"{}\" xmlns:wsu=\"{}\">{inner}</wsse:Security>",
        ns::WSSE,
        ns::WSU
    )
}

fn token(user: &str, password: &str) -> String {
    format!(
        "<wsse:UsernameToken><wsse:Username>{user}</wsse:Username>\
         <wsse:Password Type=\"{}\">{password}</wsse:Password></wsse:UsernameToken>",
        ns::PASSWORD_TEXT
    )
}

async fn refused_with(security: String, expected: SecurityFault) {
    let envelope = EnvelopeVersion::Soap11;
    let (host, url) = host(envelope, Some(UsernameTokenValidator::new(users))).await;
    let proxy = open(builder(&url, envelope)).await;
    let t0 = Instant::now();
    let r = who_with_header(&proxy, envelope, security).await;
    assert_eq!(security_fault(r), expected);
    assert!(t0.elapsed() < QUICK, "took {:?}", t0.elapsed());
    host.close().await.expect("close");
}

#[tokio::test]
async fn a_security_header_with_10000_tokens_is_invalid_security() {
    let many = token("alice", "secret").repeat(10_000);
    refused_with(security(&many), SecurityFault::InvalidSecurity).await;
}

#[test]
fn the_reader_stops_at_the_second_token_and_at_the_child_limit() {
    let two = security(&token("alice", "secret").repeat(2));
    assert_eq!(
        read_security_header(two.as_bytes()),
        Err(SecurityFault::InvalidSecurity)
    );
    let timestamps =
        "<wsu:Timestamp><wsu:Created>2026-12-01T00:00:00Z</wsu:Created></wsu:Timestamp>";
    let many = security(&timestamps.repeat(10_000));
    assert_eq!(
        read_security_header(many.as_bytes()),
        Err(SecurityFault::InvalidSecurity)
    );
}

#[tokio::test]
async fn a_1_mib_nonce_is_an_invalid_token() {
    let nonce = "QUFB".repeat(1 << 18); // 1 MiB of base64 text
    let created = utc(SystemTime::now());
    let inner = format!(
        "<wsse:UsernameToken><wsse:Username>alice</wsse:Username>\
         <wsse:Password Type=\"{}\">secret</wsse:Password>\
         <wsse:Nonce EncodingType=\"{}\">{nonce}</wsse:Nonce>\
         <wsu:Created>{created}</wsu:Created></wsse:UsernameToken>",
        ns::PASSWORD_TEXT,
        ns::BASE64_BINARY
    );
    refused_with(security(&inner), SecurityFault::InvalidSecurityToken).await;
}

#[tokio::test]
async fn a_digest_of_the_wrong_length_is_an_invalid_token() {
    let created = utc(SystemTime::now());
    for len in [0usize, 19, 21, 32] {
        let right = digest_header("alice", "secret", b"0123456789abcdef", &created);
        let good = base64(&wws_security::password_digest(
            b"0123456789abcdef",
            &created,
            "secret",
        ));
        let wrong = right.replace(&good, &base64(&vec![7u8; len]));
        assert_ne!(wrong, right);
        refused_with(wrong, SecurityFault::InvalidSecurityToken).await;
    }
}

#[tokio::test]
async fn a_future_created_is_expired() {
    let future = utc(SystemTime::now() + Duration::from_secs(3600));
    let header = digest_header("alice", "secret", b"0123456789abcdef", &future);
    refused_with(header, SecurityFault::MessageExpired).await;
}

#[tokio::test]
async fn a_security_header_this_layer_cannot_process_is_unsupported() {
    let sig = "<ds:Signature xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"/>";
    refused_with(security(sig), SecurityFault::UnsupportedSecurityToken).await;
}

#[test]
fn an_entity_in_the_header_never_expands() {
    // A billion laughs needs a DTD; the reader refuses both the DTD and an
    // undeclared entity.
    let laughs = format!(
        "<!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">]>{}",
        security(&token("&lol1;", "secret"))
    );
    assert_eq!(
        read_security_header(laughs.as_bytes()),
        Err(SecurityFault::InvalidSecurity)
    );
    let undeclared = security(&token("&lol9;", "secret"));
    assert_eq!(
        read_security_header(undeclared.as_bytes()).map(|_| ()),
        Err(SecurityFault::InvalidSecurityToken)
    );
}

#[tokio::test]
async fn a_billion_laughs_in_the_message_is_a_client_fault_before_any_expansion() {
    let (host, url) = host(
        EnvelopeVersion::Soap11,
        Some(UsernameTokenValidator::new(users)),
    )
    .await;
    let addr = url
        .trim_start_matches("http://")
        .trim_end_matches("/who")
        .to_owned();
    let mut lol = String::from("<!ENTITY lol0 \"lol\">");
    for i in 1..10 {
        let prev = format!("&lol{};", i - 1).repeat(10);
        lol.push_str(&format!("<!ENTITY lol{i} \"{prev}\">"));
    }
    for (name, body) in [
        (
            "DTD in the prolog",
            format!(
                "<?xml version=\"1.0\"?><!DOCTYPE s:Envelope [{lol}]>\
                 <s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Header>{}</s:Header>\
                 <s:Body><WhoAmI xmlns=\"urn:example:who\"/></s:Body></s:Envelope>",
                security(&token("&lol9;", "secret"))
            ),
        ),
        (
            "undeclared entity in the header",
            format!(
                "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Header>{}</s:Header>\
                 <s:Body><WhoAmI xmlns=\"urn:example:who\"/></s:Body></s:Envelope>",
                security(&token("&lol9;", "secret"))
            ),
        ),
    ] {
        let t0 = Instant::now();
        let answer = post(&addr, &body).await;
        assert!(answer.starts_with("HTTP/1.1 500"), "{name}: {answer}");
        assert!(answer.contains("Fault"), "{name}: {answer}");
        assert!(t0.elapsed() < QUICK, "{name}: took {:?}", t0.elapsed());
    }
    host.close().await.expect("close");
}

/// POSTs `body` as SOAP 1.1 to `/who` and returns the whole answer.
async fn post(addr: &str, body: &str) -> String {
    let mut s = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let req = format!(
        "POST /who HTTP/1.1\r\nHost: {addr}\r\nContent-Type: text/xml; charset=utf-8\r\n\
         SOAPAction: \"{ACTION}\"\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes()).await.expect("write");
    let mut answer = Vec::new();
    s.read_to_end(&mut answer).await.expect("read");
    String::from_utf8_lossy(&answer).into_owned()
}
