//! HTTPS through the TLS acceptor: exchanges see what the handshake
//! established, client certificates required or optional, ALPN, a
//! handshake that never completes, a certificate renewed while serving.

use std::sync::Arc;
use std::time::Duration;

use tokio::io::AsyncWriteExt;
use tokio::time::Instant;
use wws_channel::Channel;
use wws_channel::tls::{BuiltInRoots, Certificate, Identity, TlsConnector};
use wws_core::{EnvelopeVersion, Error, SecurityCheck};
use wws_listener::Listener;
use wws_listener::acceptor::{ClientAuth, TlsAcceptor};

use crate::common::*;
use crate::pki::{PemFiles, TestCa};

const STEP: Duration = Duration::from_secs(10);

fn identity(pem: &crate::pki::Pem) -> Identity {
    Identity::from_pem(pem.cert.as_bytes(), pem.key.as_bytes()).expect("identity")
}

fn ca_cert(ca: &TestCa) -> Certificate {
    Certificate::from_pem(ca.cert_pem.as_bytes()).expect("ca")
}

/// A connector that trusts `ca` only, presenting `client` if given.
fn connector(ca: &TestCa, client: Option<&crate::pki::Pem>) -> TlsConnector {
    let mut b = TlsConnector::builder()
        .built_in_roots(BuiltInRoots::None)
        .add_root_certificate(ca_cert(ca));
    if let Some(c) = client {
        b = b.identity(identity(c));
    }
    b.build().expect("connector")
}

async fn open_tls(acceptor: TlsAcceptor) -> (Listener, u16) {
    let listener = Listener::builder()
        .properties(no_timeouts())
        .acceptor(acceptor)
        .build()
        .expect("listener");
    listener
        .open("127.0.0.1:0".parse().expect("addr"))
        .await
        .expect("open");
    let port = listener.local_addr().expect("bound").port();
    (listener, port)
}

/// One Echo from a new channel with `connector` to `https://localhost:port/echo`,
/// answered by the listener; returns what the exchange saw of TLS.
async fn exchange(
    listener: &Listener,
    port: u16,
    connector: TlsConnector,
) -> wws_core::Result<Option<Arc<wws_listener::acceptor::TlsInfo>>> {
    let channel = Channel::builder()
        .properties(channel_no_timeouts())
        .connector(connector)
        .build()
        .expect("channel");
    let url = format!("https://localhost:{port}/echo");
    let mut client = tokio::spawn(async move {
        channel.open(&url).await?;
        let r = channel
            .request(echo_request(EnvelopeVersion::Soap11, "hi"))
            .await;
        let _ = channel.close().await;
        r
    });
    let served = async {
        let exchange = listener.accept_channel().await.expect("accept");
        let tls = exchange.tls().cloned();
        exchange.receive().await.expect("request");
        exchange
            .reply(reply_message(
                EnvelopeVersion::Soap11,
                "<t:EchoResponse xmlns:t=\"urn:test\"/>",
            ))
            .await
            .expect("reply");
        tls
    };
    tokio::pin!(served);
    tokio::time::timeout(STEP, async {
        tokio::select! {
            tls = &mut served => client.await.expect("client task").map(|_| tls),
            // The client may be done first: failed, or answered before `served` ends.
            r = &mut client => match r.expect("client task") {
                Err(e) => Err(e),
                Ok(_) => Ok(served.await),
            },
        }
    })
    .await
    .expect("bounded")
}

#[tokio::test]
async fn an_https_exchange_sees_the_server_name_and_alpn() {
    let ca = TestCa::new("wws test CA");
    let tls = TlsAcceptor::new(identity(&ca.server(&["localhost"]))).expect("acceptor");
    let (listener, port) = open_tls(tls).await;
    let info = exchange(&listener, port, connector(&ca, None))
        .await
        .expect("https exchange")
        .expect("over TLS");
    assert_eq!(info.server_name(), Some("localhost"));
    assert_eq!(info.alpn_protocol(), Some(&b"http/1.1"[..]));
    assert!(info.peer_certificates().is_empty());
    assert_eq!(info.peer_certificate(), None);
    listener.close().await.expect("close");
}

#[tokio::test]
async fn an_h2_client_is_served_http2_by_alpn() {
    let ca = TestCa::new("wws test CA");
    let tls = TlsAcceptor::new(identity(&ca.server(&["localhost"]))).expect("acceptor");
    let (listener, port) = open_tls(tls).await;
    let mut props = channel_no_timeouts();
    props.http2 = wws_channel::connector::Http2Mode::Negotiate;
    let channel = Channel::builder()
        .properties(props)
        .connector(connector(&ca, None))
        .build()
        .expect("channel");
    let url = format!("https://localhost:{port}/echo");
    let client = tokio::spawn({
        let channel = channel.clone();
        async move {
            channel.open(&url).await?;
            channel
                .request(echo_request(EnvelopeVersion::Soap11, "hi"))
                .await
        }
    });
    let exchange = tokio::time::timeout(STEP, listener.accept_channel())
        .await
        .expect("bounded")
        .expect("accept");
    let alpn = exchange
        .tls()
        .and_then(|t| t.alpn_protocol().map(<[u8]>::to_vec));
    assert_eq!(alpn.as_deref(), Some(&b"h2"[..]));
    exchange.receive().await.expect("request");
    exchange
        .reply(reply_message(
            EnvelopeVersion::Soap11,
            "<t:EchoResponse xmlns:t=\"urn:test\"/>",
        ))
        .await
        .expect("reply");
    tokio::time::timeout(STEP, client)
        .await
        .expect("bounded")
        .expect("task")
        .expect("reply over h2");
    assert_eq!(
        channel.http_version(),
        Some(wws_channel::connector::HttpVersion::Http2)
    );
    listener.close().await.expect("close");
}

#[tokio::test]
async fn a_required_client_certificate_is_seen_by_the_exchange_and_its_absence_refused() {
    let ca = TestCa::new("wws test CA");
    let tls = TlsAcceptor::builder(identity(&ca.server(&["localhost"])))
        .client_auth(ClientAuth::Required(vec![ca_cert(&ca)]))
        .build()
        .expect("acceptor");
    let (listener, port) = open_tls(tls).await;
    let client = ca.client("calculator client");
    let info = exchange(&listener, port, connector(&ca, Some(&client)))
        .await
        .expect("mutual TLS exchange")
        .expect("over TLS");
    assert_eq!(info.peer_certificate(), Some(&client.der[..]));

    // Without a certificate, or with one of another CA: refused, no exchange handed out.
    let stranger = TestCa::new("another CA").client("stranger");
    for who in [None, Some(&stranger)] {
        let channel = Channel::builder()
            .properties(channel_no_timeouts())
            .connector(connector(&ca, who))
            .build()
            .expect("channel");
        let r = tokio::time::timeout(STEP, async {
            channel
                .open(&format!("https://localhost:{port}/echo"))
                .await?;
            channel
                .request(echo_request(EnvelopeVersion::Soap11, "hi"))
                .await
        })
        .await
        .expect("bounded");
        assert!(
            matches!(
                &r,
                Err(Error::SecurityVerificationFailure {
                    check: SecurityCheck::RefusedByPeer,
                    ..
                })
            ),
            "{r:?}"
        );
    }
    let mut accept = Box::pin(listener.accept_channel());
    assert!(
        poll_once(&mut accept).await.is_none(),
        "no exchange from a refused client"
    );
}

#[tokio::test]
async fn optional_client_auth_serves_clients_with_and_without_a_certificate() {
    let ca = TestCa::new("wws test CA");
    let tls = TlsAcceptor::builder(identity(&ca.server(&["localhost"])))
        .client_auth(ClientAuth::Optional(vec![ca_cert(&ca)]))
        .build()
        .expect("acceptor");
    let (listener, port) = open_tls(tls).await;
    let client = ca.client("calculator client");
    let with = exchange(&listener, port, connector(&ca, Some(&client)))
        .await
        .expect("with a certificate")
        .expect("tls");
    assert_eq!(with.peer_certificate(), Some(&client.der[..]));
    let without = exchange(&listener, port, connector(&ca, None))
        .await
        .expect("without one")
        .expect("tls");
    assert_eq!(without.peer_certificate(), None);
}

/// A raw TLS client offering `alpn`; the protocol agreed on, or the handshake error.
async fn handshake(port: u16, ca: &TestCa, alpn: &[&[u8]]) -> std::io::Result<Option<Vec<u8>>> {
    let mut roots = rustls::RootCertStore::empty();
    roots.add(ca_cert(ca).der().to_vec().into()).expect("root");
    let mut config = rustls::ClientConfig::builder_with_provider(wws_channel::tls::provider())
        .with_safe_default_protocol_versions()
        .expect("versions")
        .with_root_certificates(roots)
        .with_no_client_auth();
    config.alpn_protocols = alpn.iter().map(|p| p.to_vec()).collect();
    let tcp = tokio::net::TcpStream::connect(("127.0.0.1", port)).await?;
    let name = rustls_pki_types::ServerName::try_from("localhost").expect("name");
    let tls = tokio_rustls::TlsConnector::from(Arc::new(config))
        .connect(name, tcp)
        .await?;
    Ok(tls.get_ref().1.alpn_protocol().map(<[u8]>::to_vec))
}

#[tokio::test]
async fn alpn_prefers_h2_agrees_on_http11_and_refuses_a_protocol_it_does_not_serve() {
    let ca = TestCa::new("wws test CA");
    let tls = TlsAcceptor::new(identity(&ca.server(&["localhost"]))).expect("acceptor");
    let (_listener, port) = open_tls(tls).await;
    let agreed = handshake(port, &ca, &[b"http/1.1", b"h2"])
        .await
        .expect("handshake");
    assert_eq!(
        agreed.as_deref(),
        Some(&b"h2"[..]),
        "the server's preference"
    );
    let agreed = handshake(port, &ca, &[b"http/1.1"])
        .await
        .expect("handshake");
    assert_eq!(agreed.as_deref(), Some(&b"http/1.1"[..]));
    assert_eq!(handshake(port, &ca, &[]).await.expect("no ALPN"), None);
    assert!(
        handshake(port, &ca, &[b"spdy/3.1"]).await.is_err(),
        "a protocol not served is refused"
    );
}

#[tokio::test(start_paused = true)]
async fn a_handshake_that_never_completes_is_closed_by_the_header_timeout() {
    const LIMIT: Duration = Duration::from_secs(10);
    let ca = TestCa::new("wws test CA");
    let tls = TlsAcceptor::new(identity(&ca.server(&["localhost"]))).expect("acceptor");
    let mut props = no_timeouts();
    props.header_read_timeout = Some(LIMIT);
    let listener = Listener::builder()
        .properties(props)
        .acceptor(tls)
        .build()
        .expect("listener");
    listener
        .open("127.0.0.1:0".parse().expect("addr"))
        .await
        .expect("open");
    let addr = listener.local_addr().expect("bound");
    // One client sends nothing; the other the first bytes of a ClientHello record only.
    for partial in [&b""[..], &[0x16, 0x03, 0x01, 0x00, 0xc8, 0x01, 0x00][..]] {
        let start = Instant::now();
        let mut client = RawClient::connect(addr).await;
        client.stream.write_all(partial).await.expect("write");
        let got = client.closed_by_server(LIMIT * 3).await;
        let elapsed = start.elapsed();
        assert!(
            elapsed >= LIMIT,
            "closed after {elapsed:?}, before the limit"
        );
        assert!(
            elapsed < LIMIT + Duration::from_secs(1),
            "closed after {elapsed:?}"
        );
        assert!(got.is_empty(), "nothing is answered in plain text: {got:?}");
    }
}

#[tokio::test]
async fn a_renewed_certificate_serves_new_connections_and_leaves_open_ones_alone() {
    let (old_ca, new_ca) = (TestCa::new("old CA"), TestCa::new("new CA"));
    let tls = TlsAcceptor::new(identity(&old_ca.server(&["localhost"]))).expect("acceptor");
    let (listener, port) = open_tls(tls.clone()).await;
    let open_channel = Channel::builder()
        .properties(channel_no_timeouts())
        .connector(connector(&old_ca, None))
        .build()
        .expect("channel");
    open_channel
        .open(&format!("https://localhost:{port}/echo"))
        .await
        .expect("open with the old certificate");

    let files = PemFiles::new("renew");
    let renewed = new_ca.server(&["localhost"]);
    let (cert, key) = (
        files.write("server.crt", &renewed.cert),
        files.write("server.key", &renewed.key),
    );
    tls.reload_pem_files(&cert, &key).expect("reload");
    // A bad file leaves the renewed identity in place.
    assert!(
        tls.reload_pem_files(&cert, files.dir.join("missing.key"))
            .is_err()
    );

    // The connection opened before still carries exchanges.
    let request = open_channel.request(echo_request(EnvelopeVersion::Soap11, "old"));
    let serve = async {
        let exchange = listener.accept_channel().await.expect("accept");
        exchange.receive().await.expect("request");
        exchange
            .reply(reply_message(
                EnvelopeVersion::Soap11,
                "<t:EchoResponse xmlns:t=\"urn:test\"/>",
            ))
            .await
            .expect("reply");
    };
    let (reply, ()) = tokio::time::timeout(STEP, async { tokio::join!(request, serve) })
        .await
        .expect("bounded");
    reply.expect("the open connection is not dropped");

    // New connections get the new certificate.
    exchange(&listener, port, connector(&new_ca, None))
        .await
        .expect("new CA trusted");
    let r = Channel::builder()
        .properties(channel_no_timeouts())
        .connector(connector(&old_ca, None))
        .build()
        .expect("channel")
        .open(&format!("https://localhost:{port}/echo"))
        .await;
    assert!(
        matches!(
            &r,
            Err(Error::SecurityVerificationFailure {
                check: SecurityCheck::UnknownIssuer,
                ..
            })
        ),
        "{r:?}"
    );
}

#[tokio::test]
async fn the_builder_serves_https_from_pem_files_and_names_a_bad_one() {
    let ca = TestCa::new("wws test CA");
    let files = PemFiles::new("builder");
    let server = ca.server(&["localhost"]);
    let (cert, key) = (
        files.write("server.crt", &server.cert),
        files.write("server.key", &server.key),
    );
    let listener = Listener::builder()
        .properties(no_timeouts())
        .tls_pem_files(&cert, &key)
        .build()
        .expect("listener");
    listener
        .open("127.0.0.1:0".parse().expect("addr"))
        .await
        .expect("open");
    let port = listener.local_addr().expect("bound").port();
    exchange(&listener, port, connector(&ca, None))
        .await
        .expect("https from files")
        .expect("tls");

    let r = Listener::builder()
        .tls_pem_files(&cert, files.dir.join("missing.key"))
        .build();
    assert!(
        matches!(&r, Err(Error::InvalidProperty { property: "private key", reason, .. }) if reason.contains("missing.key")),
        "{r:?}"
    );
    // A key of another certificate.
    let other = ca.server(&["localhost"]);
    let wrong = files.write("other.key", &other.key);
    let r = Listener::builder().tls_pem_files(&cert, &wrong).build();
    assert!(
        matches!(
            &r,
            Err(Error::InvalidProperty {
                property: "identity",
                ..
            })
        ),
        "{r:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn when_every_connection_is_busy_a_tls_client_is_closed_not_sent_plain_text() {
    let ca = TestCa::new("wws test CA");
    let tls = TlsAcceptor::new(identity(&ca.server(&["localhost"]))).expect("acceptor");
    let mut props = no_timeouts();
    props.max_connections = 1;
    let listener = Listener::builder()
        .properties(props)
        .acceptor(tls)
        .build()
        .expect("listener");
    listener
        .open("127.0.0.1:0".parse().expect("addr"))
        .await
        .expect("open");
    let addr = listener.local_addr().expect("bound");
    // The only connection carries an exchange accepted and not answered.
    let channel = Channel::builder()
        .properties(channel_no_timeouts())
        .connector(connector(&ca, None))
        .build()
        .expect("channel");
    let url = format!("https://localhost:{}/echo", addr.port());
    let busy = tokio::spawn(async move {
        channel.open(&url).await?;
        channel
            .request(echo_request(EnvelopeVersion::Soap11, "busy"))
            .await
    });
    let exchange = tokio::time::timeout(STEP, listener.accept_channel())
        .await
        .expect("bounded")
        .expect("accept");

    let mut second = RawClient::connect(addr).await;
    let got = second.closed_by_server(STEP).await;
    assert!(
        got.is_empty(),
        "no plain-text answer to a TLS port: {:?}",
        String::from_utf8_lossy(&got)
    );

    exchange
        .reply(reply_message(
            EnvelopeVersion::Soap11,
            "<t:EchoResponse xmlns:t=\"urn:test\"/>",
        ))
        .await
        .expect("reply");
    tokio::time::timeout(STEP, busy)
        .await
        .expect("bounded")
        .expect("task")
        .expect("the busy exchange was not touched");
}
