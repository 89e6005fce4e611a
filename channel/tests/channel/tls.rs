//! `https://` through the TLS connector, against a rustls server made
//! here: a caller's CA, SNI and ALPN, each failed check named, client
//! certificates, the dangerous switch, `https_only`, PEM errors.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::Full;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use rustls::ServerConfig;
use rustls::server::WebPkiClientVerifier;
use tokio::net::TcpListener;
use wws_channel::tls::{BuiltInRoots, Certificate, Identity, TlsConnector};
use wws_channel::{Channel, ChannelState};
use wws_core::{EnvelopeVersion, Error, SecurityCheck};

use crate::common::*;
use crate::pki::TestCa;

/// Bound on any one step.
const STEP: Duration = Duration::from_secs(10);

/// What the server saw of a handshake.
#[derive(Clone, Debug, Default)]
struct Seen {
    sni: Option<String>,
    alpn: Option<Vec<u8>>,
    client_cert: Option<Vec<u8>>,
}

/// A TLS server on 127.0.0.1 answering every POST with an Echo reply;
/// with `client_ca`, it requires a client certificate signed by it.
async fn tls_server(
    cert: &crate::pki::Pem,
    client_ca: Option<&TestCa>,
) -> (SocketAddr, Arc<Mutex<Vec<Seen>>>) {
    let identity = Identity::from_pem(cert.cert.as_bytes(), cert.key.as_bytes()).expect("identity");
    let provider = wws_channel::tls::provider();
    let builder = ServerConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .expect("versions");
    let builder = match client_ca {
        Some(ca) => {
            let mut roots = rustls::RootCertStore::empty();
            let ca = Certificate::from_pem(ca.cert_pem.as_bytes()).expect("ca");
            roots
                .add(rustls_pki_types::CertificateDer::from(ca.der().to_vec()))
                .expect("root");
            let verifier = WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider)
                .build()
                .expect("verifier");
            builder.with_client_cert_verifier(verifier)
        }
        None => builder.with_no_client_auth(),
    };
    let mut config = builder
        .with_single_cert(
            identity.certificate_chain().to_vec(),
            identity.private_key(),
        )
        .expect("server config");
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let seen = Arc::new(Mutex::new(Vec::new()));
    let record = seen.clone();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            let record = record.clone();
            tokio::spawn(async move {
                let Ok(tls) = acceptor.accept(tcp).await else {
                    return;
                };
                let conn = tls.get_ref().1;
                record.lock().expect("seen").push(Seen {
                    sni: conn.server_name().map(str::to_owned),
                    alpn: conn.alpn_protocol().map(<[u8]>::to_vec),
                    client_cert: conn
                        .peer_certificates()
                        .and_then(|c| c.first())
                        .map(|c| c.to_vec()),
                });
                let service = service_fn(|_req| async {
                    let body = envelope11("<t:EchoResponse xmlns:t=\"urn:test\"/>");
                    http::Response::builder()
                        .header("content-type", "text/xml; charset=utf-8")
                        .body(Full::new(Bytes::from(body)))
                });
                if conn.alpn_protocol() == Some(b"h2") {
                    let _ = hyper::server::conn::http2::Builder::new(
                        hyper_util::rt::TokioExecutor::new(),
                    )
                    .serve_connection(TokioIo::new(tls), service)
                    .await;
                } else {
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(tls), service)
                        .await;
                }
            });
        }
    });
    (addr, seen)
}

fn trusting(ca: &TestCa) -> TlsConnector {
    TlsConnector::builder()
        .built_in_roots(BuiltInRoots::None)
        .add_root_certificate(Certificate::from_pem(ca.cert_pem.as_bytes()).expect("ca"))
        .build()
        .expect("connector")
}

fn channel(connector: TlsConnector) -> Channel {
    let mut props = no_timeouts();
    props.connect_timeout = Some(STEP);
    props.receive_response_timeout = Some(STEP);
    Channel::builder()
        .properties(props)
        .connector(connector)
        .build()
        .expect("channel")
}

/// Opens `url` and sends one request, as a user would.
async fn call(channel: &Channel, url: &str) -> wws_core::Result<()> {
    tokio::time::timeout(STEP, async {
        channel.open(url).await?;
        channel
            .request(echo(EnvelopeVersion::Soap11, "x"))
            .await
            .map(drop)
    })
    .await
    .expect("bounded")
}

fn assert_check(r: &wws_core::Result<()>, want: SecurityCheck) {
    match r {
        Err(e @ Error::SecurityVerificationFailure { check, .. }) => {
            assert_eq!(*check, want, "{e}");
            assert_eq!(e.hresult(), 0x803D_000A);
            assert!(e.to_string().contains(want.as_str()), "{e}");
        }
        other => panic!("want {want:?}, got {other:?}"),
    }
}

#[tokio::test]
async fn a_callers_ca_is_trusted_the_name_goes_as_sni_and_alpn_is_http11() {
    let ca = TestCa::new("wws test CA");
    let (addr, seen) = tls_server(&ca.server(&["localhost"]), None).await;
    let ch = channel(trusting(&ca));
    call(&ch, &format!("https://localhost:{}/x", addr.port()))
        .await
        .expect("call over https");
    // The second request reuses the connection: one handshake.
    ch.request(echo(EnvelopeVersion::Soap11, "y"))
        .await
        .expect("again");
    let seen = seen.lock().expect("seen").clone();
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert_eq!(seen[0].sni.as_deref(), Some("localhost"));
    // The server offers h2 first; the channel offers only what it speaks.
    assert_eq!(seen[0].alpn.as_deref(), Some(&b"http/1.1"[..]));
    ch.close().await.expect("close");
}

#[tokio::test]
async fn with_http2_alpn_offers_h2_and_the_channel_speaks_what_the_server_picks() {
    let ca = TestCa::new("wws test CA");
    let (addr, seen) = tls_server(&ca.server(&["localhost"]), None).await;
    let mut props = no_timeouts();
    props.receive_response_timeout = Some(STEP);
    props.http2 = wws_channel::connector::Http2Mode::Negotiate;
    let ch = Channel::builder()
        .properties(props)
        .connector(trusting(&ca))
        .build()
        .expect("channel");
    call(&ch, &format!("https://localhost:{}/x", addr.port()))
        .await
        .expect("call over h2");
    assert_eq!(
        ch.http_version(),
        Some(wws_channel::connector::HttpVersion::Http2)
    );
    // Two at once, on the one connection.
    let (a, b) = tokio::join!(
        ch.request(echo(EnvelopeVersion::Soap11, "a")),
        ch.request(echo(EnvelopeVersion::Soap11, "b"))
    );
    a.expect("a");
    b.expect("b");
    let seen = seen.lock().expect("seen").clone();
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert_eq!(seen[0].alpn.as_deref(), Some(&b"h2"[..]));
    ch.close().await.expect("close");
}

#[tokio::test]
async fn an_ip_address_is_verified_against_the_certificates_ip_names() {
    let ca = TestCa::new("wws test CA");
    let (addr, seen) = tls_server(&ca.server(&["127.0.0.1"]), None).await;
    let ch = channel(trusting(&ca));
    call(&ch, &format!("https://{addr}/x")).await.expect("call");
    // No SNI for an address (RFC 6066 §3).
    assert_eq!(seen.lock().expect("seen")[0].sni, None);
}

#[tokio::test]
async fn an_expired_certificate_is_named() {
    let ca = TestCa::new("wws test CA");
    let (addr, _) = tls_server(&ca.expired_server(&["localhost"]), None).await;
    let ch = channel(trusting(&ca));
    let r = call(&ch, &format!("https://localhost:{}/x", addr.port())).await;
    assert_check(&r, SecurityCheck::Expired);
    assert_eq!(ch.state(), ChannelState::Faulted);
}

#[tokio::test]
async fn a_certificate_for_another_name_is_named() {
    let ca = TestCa::new("wws test CA");
    let (addr, _) = tls_server(&ca.server(&["calculator.example"]), None).await;
    let r = call(
        &channel(trusting(&ca)),
        &format!("https://localhost:{}/x", addr.port()),
    )
    .await;
    assert_check(&r, SecurityCheck::WrongName);
}

#[tokio::test]
async fn an_unknown_issuer_is_named() {
    let ca = TestCa::new("wws test CA");
    let (addr, _) = tls_server(&ca.server(&["localhost"]), None).await;
    let url = format!("https://localhost:{}/x", addr.port());
    // The default connector (platform or bundled roots) does not know the test CA.
    let r = call(&Channel::new(), &url).await;
    assert_check(&r, SecurityCheck::UnknownIssuer);
    // Nor does one that trusts another CA only.
    let other = TestCa::new("another CA");
    assert_check(
        &call(&channel(trusting(&other)), &url).await,
        SecurityCheck::UnknownIssuer,
    );
}

#[tokio::test]
async fn a_client_certificate_is_presented_when_the_server_asks() {
    let ca = TestCa::new("wws test CA");
    let (addr, seen) = tls_server(&ca.server(&["localhost"]), Some(&ca)).await;
    let url = format!("https://localhost:{}/x", addr.port());
    let client = ca.client("calculator client");
    let tls = TlsConnector::builder()
        .built_in_roots(BuiltInRoots::None)
        .add_root_certificate(Certificate::from_pem(ca.cert_pem.as_bytes()).expect("ca"))
        .identity(
            Identity::from_pem(client.cert.as_bytes(), client.key.as_bytes()).expect("identity"),
        )
        .build()
        .expect("connector");
    call(&channel(tls), &url).await.expect("mutual TLS call");
    assert_eq!(
        seen.lock().expect("seen")[0].client_cert.as_deref(),
        Some(&client.der[..])
    );
    // Without one the server refuses the connection, and the error says so.
    let r = call(&channel(trusting(&ca)), &url).await;
    assert_check(&r, SecurityCheck::RefusedByPeer);
}

#[tokio::test]
async fn dangerous_accept_invalid_certificates_accepts_an_expired_certificate_of_an_unknown_ca() {
    let ca = TestCa::new("wws test CA");
    let (addr, _) = tls_server(&ca.expired_server(&["calculator.example"]), None).await;
    let tls = TlsConnector::builder()
        .dangerous_accept_invalid_certificates(true)
        .build()
        .expect("connector");
    call(
        &channel(tls),
        &format!("https://localhost:{}/x", addr.port()),
    )
    .await
    .expect("unverified call");
}

#[tokio::test]
async fn the_tls_connector_serves_http_too_unless_https_only() {
    let (listener, addr) = raw_listener().await;
    let ch = channel(TlsConnector::new());
    assert!(ch.validate_url(&url(addr, "/x")).is_ok());
    drop(listener);
    let only = channel(
        TlsConnector::builder()
            .https_only(true)
            .build()
            .expect("connector"),
    );
    let r = only.validate_url(&url(addr, "/x"));
    assert!(matches!(r, Err(Error::InvalidEndpointUrl { .. })), "{r:?}");
    assert!(only.validate_url("https://localhost/x").is_ok());
}

#[test]
fn pem_errors_name_what_and_where() {
    let r = Certificate::from_pem(b"not pem");
    assert!(
        matches!(
            r,
            Err(Error::InvalidProperty {
                object: "Certificate",
                ..
            })
        ),
        "{r:?}"
    );
    let r = Identity::from_pem_files("/nonexistent/cert.pem", "/nonexistent/key.pem");
    match r {
        Err(Error::InvalidProperty {
            property, reason, ..
        }) => {
            assert_eq!(property, "certificate chain");
            assert!(reason.contains("/nonexistent/cert.pem"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
    let r = TlsConnector::builder()
        .add_root_certificates_pem_file("/nonexistent/ca.pem")
        .build();
    assert!(
        matches!(&r, Err(Error::InvalidProperty { reason, .. }) if reason.contains("/nonexistent/ca.pem")),
        "{r:?}"
    );
    // A key that is not the certificate's is refused when the connector is built.
    let ca = TestCa::new("wws test CA");
    let (a, b) = (ca.client("a"), ca.client("b"));
    let mismatched = Identity::from_pem(a.cert.as_bytes(), b.key.as_bytes()).expect("parses");
    let r = TlsConnector::builder().identity(mismatched).build();
    assert!(
        matches!(
            r,
            Err(Error::InvalidProperty {
                property: "identity",
                ..
            })
        ),
        "{r:?}"
    );
}

/// A TCP server that reads a client's first bytes (its ClientHello) and
/// never answers: `hello` fires when they came, `closed` when the client
/// closed the connection.
async fn silent_tls_server() -> (
    SocketAddr,
    tokio::sync::oneshot::Receiver<()>,
    tokio::sync::oneshot::Receiver<()>,
) {
    use tokio::io::AsyncReadExt;
    let (listener, addr) = raw_listener().await;
    let (hello_tx, hello) = tokio::sync::oneshot::channel();
    let (closed_tx, closed) = tokio::sync::oneshot::channel();
    tokio::spawn(async move {
        let (mut stream, _) = listener.accept().await.expect("accept");
        let mut buf = [0u8; 4096];
        let n = stream.read(&mut buf).await.unwrap_or(0);
        assert!(n > 0 && buf[0] == 0x16, "a TLS handshake record first");
        let _ = hello_tx.send(());
        // Bounded by the client: it closes the connection or the test ends.
        while matches!(stream.read(&mut buf).await, Ok(n) if n > 0) {}
        let _ = closed_tx.send(());
    });
    (addr, hello, closed)
}

#[tokio::test(start_paused = true)]
async fn a_handshake_the_server_never_answers_is_bounded_by_the_connect_timeout() {
    const LIMIT: Duration = Duration::from_secs(5);
    let (addr, hello, closed) = silent_tls_server().await;
    let mut props = no_timeouts();
    props.connect_timeout = Some(LIMIT);
    let ch = Channel::builder()
        .properties(props)
        .connector(TlsConnector::new())
        .build()
        .expect("channel");
    let start = tokio::time::Instant::now();
    let r = ch
        .open(&format!("https://localhost:{}/x", addr.port()))
        .await;
    let elapsed = start.elapsed();
    assert!(
        matches!(
            r,
            Err(Error::TimedOut {
                what: "connect",
                ..
            })
        ),
        "{r:?}"
    );
    assert!(
        elapsed >= LIMIT && elapsed < LIMIT + Duration::from_secs(1),
        "{elapsed:?}"
    );
    hello.await.expect("the handshake had started");
    // The half-done handshake's socket is closed, not left open.
    tokio::time::timeout(STEP, closed)
        .await
        .expect("closed")
        .expect("closed");
}

#[tokio::test]
async fn abort_ends_a_handshake_in_progress_and_closes_its_socket() {
    let (addr, hello, closed) = silent_tls_server().await;
    let ch = channel(TlsConnector::new());
    let opening = {
        let ch = ch.clone();
        tokio::spawn(async move {
            ch.open(&format!("https://localhost:{}/x", addr.port()))
                .await
        })
    };
    tokio::time::timeout(STEP, hello)
        .await
        .expect("bounded")
        .expect("hello");
    ch.abort();
    let r = tokio::time::timeout(STEP, opening)
        .await
        .expect("bounded")
        .expect("task");
    assert!(is_channel_aborted(&r), "{r:?}");
    assert_eq!(ch.state(), ChannelState::Created);
    tokio::time::timeout(STEP, closed)
        .await
        .expect("closed")
        .expect("closed");
}
