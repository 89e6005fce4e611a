//! The proxy calls the host through an outbound HTTP proxy: `http://`
//! forwarded in absolute form, `https://` tunnelled with `CONNECT` (TLS to
//! the host, trusting the test CA), the no-proxy list going direct,
//! `Proxy-Authorization` from the proxy URL's user info, and refusals
//! (407, 502), an unreachable proxy, a silent one (connect timeout) and an
//! abort during `CONNECT` (the socket is closed) reported naming the proxy.
//!
//! The HTTP proxy is written here (hyper, on 127.0.0.1 port 0) and counts
//! what it saw.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use http::{Method, Request, Response, StatusCode};
use http_body_util::{BodyExt, Empty, combinators::BoxBody};
use hyper::body::Incoming;
use hyper_util::rt::TokioIo;
use tokio::io::AsyncReadExt;
use tokio::net::{TcpListener, TcpStream};
use wws_channel::ChannelProperties;
use wws_channel::proxy::{EnvVars, ProxyConnector};
use wws_channel::tls::{BuiltInRoots, Certificate, TlsConnector};
use wws_core::{AddressingVersion, EnvelopeVersion, Error};
use wws_examples::calculator::{self, Add, Calculator};
use wws_host::{ServiceHost, ServiceHostProperties};
use wws_proxy::{CallOptions, ServiceProxy};
use wws_tests::pki::{PemFiles, TestCa};

use crate::support::*;

/// One request the test proxy received.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Seen {
    method: Method,
    /// The request target as sent: absolute form, or `host:port` for CONNECT.
    target: String,
    proxy_authorization: Option<String>,
}

/// How the test proxy answers.
#[derive(Clone, Debug, Default)]
struct Rules {
    /// The `Proxy-Authorization` it requires (407 otherwise).
    require: Option<String>,
    /// Refuse every CONNECT with this status.
    refuse_connect: Option<StatusCode>,
}

/// A minimal forwarding and tunnelling HTTP proxy.
struct TestProxy {
    addr: SocketAddr,
    seen: Arc<Mutex<Vec<Seen>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for TestProxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl TestProxy {
    async fn start(rules: Rules) -> TestProxy {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let seen = Arc::new(Mutex::new(Vec::new()));
        let (rules, log) = (Arc::new(rules), seen.clone());
        let task = tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                let (rules, log) = (rules.clone(), log.clone());
                tokio::spawn(async move {
                    let service = hyper::service::service_fn(move |req| {
                        handle(req, rules.clone(), log.clone())
                    });
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .with_upgrades()
                        .await;
                });
            }
        });
        TestProxy { addr, seen, task }
    }

    fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().expect("log").clone()
    }
}

type Body = BoxBody<Bytes, hyper::Error>;

fn empty(status: StatusCode) -> Response<Body> {
    let mut r = Response::new(Empty::new().map_err(|e| match e {}).boxed());
    *r.status_mut() = status;
    r
}

async fn handle(
    mut req: Request<Incoming>,
    rules: Arc<Rules>,
    log: Arc<Mutex<Vec<Seen>>>,
) -> Result<Response<Body>, Infallible> {
    let auth = req
        .headers_mut()
        .remove(http::header::PROXY_AUTHORIZATION)
        .and_then(|v| v.to_str().ok().map(str::to_owned));
    log.lock().expect("log").push(Seen {
        method: req.method().clone(),
        target: req.uri().to_string(),
        proxy_authorization: auth.clone(),
    });
    if rules.require.is_some() && auth != rules.require {
        let mut r = empty(StatusCode::PROXY_AUTHENTICATION_REQUIRED);
        r.headers_mut().insert(
            http::header::PROXY_AUTHENTICATE,
            http::HeaderValue::from_static("Basic realm=\"test proxy\""),
        );
        return Ok(r);
    }
    if req.method() == Method::CONNECT {
        if let Some(status) = rules.refuse_connect {
            return Ok(empty(status));
        }
        let Some(authority) = req.uri().authority().map(|a| a.to_string()) else {
            return Ok(empty(StatusCode::BAD_REQUEST));
        };
        let Ok(upstream) = TcpStream::connect(authority).await else {
            return Ok(empty(StatusCode::BAD_GATEWAY));
        };
        tokio::spawn(async move {
            if let Ok(upgraded) = hyper::upgrade::on(req).await {
                let mut upstream = upstream;
                let _ =
                    tokio::io::copy_bidirectional(&mut TokioIo::new(upgraded), &mut upstream).await;
            }
        });
        return Ok(empty(StatusCode::OK));
    }
    // Absolute form: forward to the origin in origin form.
    let (Some(host), Some(port)) = (
        req.uri().host().map(str::to_owned),
        req.uri().port_u16().or(Some(80)),
    ) else {
        return Ok(empty(StatusCode::BAD_REQUEST));
    };
    let Ok(upstream) = TcpStream::connect((host.as_str(), port)).await else {
        return Ok(empty(StatusCode::BAD_GATEWAY));
    };
    let Ok((mut sender, conn)) =
        hyper::client::conn::http1::handshake(TokioIo::new(upstream)).await
    else {
        return Ok(empty(StatusCode::BAD_GATEWAY));
    };
    tokio::spawn(conn);
    let path = req
        .uri()
        .path_and_query()
        .map_or("/".to_owned(), |p| p.to_string());
    *req.uri_mut() = path.parse().unwrap_or_default();
    match sender.send_request(req).await {
        Ok(resp) => Ok(resp.map(|b| b.boxed())),
        Err(_) => Ok(empty(StatusCode::BAD_GATEWAY)),
    }
}

fn add() -> Add {
    Add { a: 1.0, b: 2.0 }
}

async fn proxy_through(url: &str, connector: ProxyConnector) -> ServiceProxy {
    ServiceProxy::builder(url)
        .envelope(EnvelopeVersion::Soap11)
        .addressing(AddressingVersion::Transport)
        .connector(connector)
        .build()
        .expect("service proxy")
}

fn http_url(addr: SocketAddr) -> String {
    calculator::url(addr, calculator::PATH_SOAP11)
}

/// A calculator host over HTTPS with a certificate for `localhost` from `ca`.
pub(crate) async fn serve_https(ca: &TestCa, files: &PemFiles) -> Served {
    let server = ca.server(&["localhost", "127.0.0.1"]);
    let (cert, key) = (
        files.write("server.crt", &server.cert),
        files.write("server.key", &server.key),
    );
    let (service, events) = Calculator::with_events();
    let mut builder = ServiceHost::builder(([127, 0, 0, 1], 0).into()).tls_pem_files(cert, key);
    for e in service.endpoints() {
        builder = builder.endpoint(e);
    }
    let host = builder.build().expect("host");
    host.open().await.expect("host open");
    let addr = host.local_addr().expect("bound");
    Served { host, addr, events }
}

pub(crate) fn trusting(ca: &TestCa) -> TlsConnector {
    TlsConnector::builder()
        .built_in_roots(BuiltInRoots::None)
        .add_root_certificate(Certificate::from_pem(ca.cert_pem.as_bytes()).expect("ca"))
        .build()
        .expect("tls connector")
}

#[tokio::test]
async fn http_calls_are_forwarded_in_absolute_form() {
    let served = serve(ServiceHostProperties::default()).await;
    let proxy = TestProxy::start(Rules::default()).await;
    let connector = ProxyConnector::builder()
        .http_proxy(proxy.url())
        .build()
        .expect("connector");
    assert_eq!(
        connector.proxy_for("http", "127.0.0.1"),
        Some(proxy.url().as_str())
    );
    let p = proxy_through(&http_url(served.addr), connector).await;
    within(p.open()).await.expect("open");
    for _ in 0..2 {
        let r = within(p.invoke::<calculator::op::Add>(&add(), CallOptions::new()))
            .await
            .expect("Add through the proxy");
        assert_eq!(r.result, 3.0);
    }
    let seen = proxy.seen();
    let expected = Seen {
        method: Method::POST,
        target: http_url(served.addr),
        proxy_authorization: None,
    };
    assert_eq!(seen, vec![expected.clone(), expected], "{seen:?}");
    within(p.close()).await.expect("close");
    served.host.close().await.expect("host close");
}

#[tokio::test]
async fn https_calls_tunnel_through_connect_and_verify_the_host() {
    let (ca, files) = (
        TestCa::new("wws test CA"),
        PemFiles::new("e2e-proxy-connect"),
    );
    let served = serve_https(&ca, &files).await;
    let proxy = TestProxy::start(Rules::default()).await;
    let connector = ProxyConnector::builder()
        .proxy(proxy.url())
        .tls(trusting(&ca))
        .build()
        .expect("connector");
    let url = format!(
        "https://localhost:{}{}",
        served.addr.port(),
        calculator::PATH_SOAP11
    );
    let p = proxy_through(&url, connector).await;
    within(p.open()).await.expect("open through CONNECT");
    let r = within(p.invoke::<calculator::op::Add>(&add(), CallOptions::new()))
        .await
        .expect("Add through the tunnel");
    assert_eq!(r.result, 3.0);
    let seen = proxy.seen();
    assert_eq!(
        seen,
        vec![Seen {
            method: Method::CONNECT,
            target: format!("localhost:{}", served.addr.port()),
            proxy_authorization: None,
        }],
        "one tunnel, the SOAP request inside it"
    );
    within(p.close()).await.expect("close");

    // Without the test CA the host's certificate is refused through the tunnel too.
    let untrusting = ProxyConnector::builder()
        .proxy(proxy.url())
        .tls(
            TlsConnector::builder()
                .built_in_roots(BuiltInRoots::None)
                .build()
                .expect("tls"),
        )
        .build()
        .expect("connector");
    let p = proxy_through(&url, untrusting).await;
    let r = within(p.open()).await;
    assert!(
        matches!(r, Err(Error::SecurityVerificationFailure { .. })),
        "{r:?}"
    );
    served.host.close().await.expect("host close");
}

#[tokio::test]
async fn no_proxy_hosts_are_called_directly() {
    let served = serve(ServiceHostProperties::default()).await;
    let proxy = TestProxy::start(Rules::default()).await;
    // As the environment would say it, parsed from a lookup (the process environment is not touched).
    let proxy_url = proxy.url();
    let vars = EnvVars::from_lookup(|name| match name {
        "http_proxy" => Some(proxy_url.clone()),
        "NO_PROXY" => Some("localhost, 127.0.0.1".to_owned()),
        _ => None,
    });
    let connector = ProxyConnector::builder()
        .env_vars(&vars)
        .build()
        .expect("connector");
    assert_eq!(connector.proxy_for("http", "127.0.0.1"), None);
    assert_eq!(
        connector.proxy_for("http", "example.com"),
        Some(proxy_url.as_str())
    );
    let p = proxy_through(&http_url(served.addr), connector).await;
    within(p.open()).await.expect("open");
    let r = within(p.invoke::<calculator::op::Add>(&add(), CallOptions::new()))
        .await
        .expect("Add direct");
    assert_eq!(r.result, 3.0);
    assert_eq!(proxy.seen(), vec![], "the proxy saw nothing");
    within(p.close()).await.expect("close");
    served.host.close().await.expect("host close");
}

#[tokio::test]
async fn proxy_credentials_are_sent_as_proxy_authorization() {
    let (ca, files) = (TestCa::new("wws test CA"), PemFiles::new("e2e-proxy-auth"));
    let served = serve(ServiceHostProperties::default()).await;
    let served_tls = serve_https(&ca, &files).await;
    // "user:s3cret" (the password percent-encoded in the URL as s3cr%65t).
    let basic = "Basic dXNlcjpzM2NyZXQ=".to_owned();
    let proxy = TestProxy::start(Rules {
        require: Some(basic.clone()),
        ..Rules::default()
    })
    .await;
    let with_credentials = format!("http://user:s3cr%65t@{}", proxy.addr);
    let connector = ProxyConnector::builder()
        .proxy(with_credentials)
        .tls(trusting(&ca))
        .build()
        .expect("connector");
    // The credentials stay out of what the connector reports.
    assert_eq!(
        connector.proxy_for("http", "127.0.0.1"),
        Some(proxy.url().as_str())
    );
    assert!(!format!("{connector:?}").contains("s3cr"));

    let p = proxy_through(&http_url(served.addr), connector.clone()).await;
    within(p.open()).await.expect("open");
    within(p.invoke::<calculator::op::Add>(&add(), CallOptions::new()))
        .await
        .expect("Add forwarded with credentials");
    within(p.close()).await.expect("close");
    let url = format!(
        "https://localhost:{}{}",
        served_tls.addr.port(),
        calculator::PATH_SOAP11
    );
    let p = proxy_through(&url, connector).await;
    within(p.open())
        .await
        .expect("open through an authenticated CONNECT");
    within(p.invoke::<calculator::op::Add>(&add(), CallOptions::new()))
        .await
        .expect("Add tunnelled with credentials");
    within(p.close()).await.expect("close");

    let seen = proxy.seen();
    assert_eq!(seen.len(), 2, "{seen:?}");
    assert_eq!(seen[0].method, Method::POST);
    assert_eq!(seen[1].method, Method::CONNECT);
    assert!(
        seen.iter()
            .all(|s| s.proxy_authorization.as_deref() == Some(basic.as_str())),
        "{seen:?}"
    );
    served.host.close().await.expect("host close");
    served_tls.host.close().await.expect("host close");
}

#[tokio::test]
async fn a_proxy_refusing_is_named_with_its_status() {
    let (ca, files) = (
        TestCa::new("wws test CA"),
        PemFiles::new("e2e-proxy-refuse"),
    );
    let served = serve(ServiceHostProperties::default()).await;
    let served_tls = serve_https(&ca, &files).await;
    let https_url = format!(
        "https://localhost:{}{}",
        served_tls.addr.port(),
        calculator::PATH_SOAP11
    );
    let proxy = TestProxy::start(Rules {
        require: Some("Basic bm9ib2R5Om5vbmU=".to_owned()),
        ..Rules::default()
    })
    .await;
    let connector = ProxyConnector::builder()
        .proxy(proxy.url())
        .tls(trusting(&ca))
        .build()
        .expect("connector");

    // 407 to CONNECT: the open fails, naming the proxy and its challenge.
    let p = proxy_through(&https_url, connector.clone()).await;
    let r = within(p.open()).await;
    match &r {
        Err(Error::EndpointAccessDenied {
            url,
            status: 407,
            challenge: Some(challenge),
        }) => {
            assert_eq!(url, &proxy.url());
            assert_eq!(challenge, "Basic realm=\"test proxy\"");
        }
        other => panic!("expected the proxy's 407, got {other:?}"),
    }

    // 407 to a forwarded request: the call fails the same way.
    let p = proxy_through(&http_url(served.addr), connector).await;
    within(p.open()).await.expect("open (TCP to the proxy)");
    let r = within(p.invoke::<calculator::op::Add>(&add(), CallOptions::new())).await;
    assert!(
        matches!(&r, Err(Error::EndpointAccessDenied { url, status: 407, .. }) if *url == proxy.url()),
        "{r:?}"
    );

    // 502 to CONNECT: the endpoint is unreachable, and the error says through which proxy.
    let bad_gateway = TestProxy::start(Rules {
        refuse_connect: Some(StatusCode::BAD_GATEWAY),
        ..Rules::default()
    })
    .await;
    let connector = ProxyConnector::builder()
        .proxy(bad_gateway.url())
        .tls(trusting(&ca))
        .build()
        .expect("connector");
    let p = proxy_through(&https_url, connector).await;
    let r = within(p.open()).await;
    let Err(e @ Error::EndpointUnreachable { .. }) = &r else {
        panic!("expected EndpointUnreachable, got {r:?}");
    };
    let chain = error_chain(e);
    assert!(
        chain.contains(&format!(
            "the HTTP proxy {} refused CONNECT",
            bad_gateway.url()
        )) && chain.contains("HTTP 502"),
        "{chain}"
    );
    served.host.close().await.expect("host close");
    served_tls.host.close().await.expect("host close");
}

#[tokio::test]
async fn a_silent_proxy_is_bounded_by_the_connect_timeout_and_its_socket_closed() {
    // A proxy that takes the CONNECT and never answers.
    let listener = TcpListener::bind(("127.0.0.1", 0)).await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let (closed_tx, closed_rx) = tokio::sync::oneshot::channel();
    tokio::spawn(async move {
        let Ok((mut stream, _)) = listener.accept().await else {
            return;
        };
        let mut sink = Vec::new();
        // Returns when the client closes its socket.
        let _ = stream.read_to_end(&mut sink).await;
        let _ = closed_tx.send(sink);
    });
    let connector = ProxyConnector::builder()
        .proxy(format!("http://{addr}"))
        .build()
        .expect("connector");
    let mut channel = ChannelProperties::default();
    channel.connect_timeout = Some(Duration::from_millis(300));
    let p = ServiceProxy::builder("https://localhost:9/calculator")
        .envelope(EnvelopeVersion::Soap11)
        .addressing(AddressingVersion::Transport)
        .channel_properties(channel)
        .connector(connector)
        .build()
        .expect("service proxy");
    let r = within(p.open()).await;
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
    let sent = within(closed_rx)
        .await
        .expect("the proxy's socket was closed");
    assert!(sent.starts_with(b"CONNECT localhost:9 HTTP/1.1\r\n"));
}

#[tokio::test]
async fn abort_during_connect_closes_the_proxy_socket() {
    // A proxy that reports the CONNECT it got, then never answers.
    let listener = TcpListener::bind(("127.0.0.1", 0)).await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let (got_tx, got_rx) = tokio::sync::oneshot::channel();
    let (closed_tx, closed_rx) = tokio::sync::oneshot::channel();
    tokio::spawn(async move {
        let Ok((mut stream, _)) = listener.accept().await else {
            return;
        };
        let mut head = vec![0u8; 1024];
        let n = stream.read(&mut head).await.unwrap_or(0);
        let _ = got_tx.send(head[..n].to_vec());
        let mut rest = Vec::new();
        let _ = stream.read_to_end(&mut rest).await;
        let _ = closed_tx.send(());
    });
    let connector = ProxyConnector::builder()
        .proxy(format!("http://{addr}"))
        .build()
        .expect("connector");
    let p = Arc::new(proxy_through("https://localhost:9/calculator", connector).await);
    let opening = tokio::spawn({
        let p = p.clone();
        async move { p.open().await }
    });
    let head = within(got_rx).await.expect("the CONNECT arrived");
    assert!(head.starts_with(b"CONNECT localhost:9 HTTP/1.1\r\n"));
    p.abort();
    let r = within(opening).await.expect("open task");
    assert!(matches!(r, Err(Error::Aborted { .. })), "{r:?}");
    within(closed_rx)
        .await
        .expect("the proxy's socket was closed");
}

#[tokio::test]
async fn an_unreachable_proxy_is_named() {
    // A port nothing listens on: bound, then released.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port();
    let proxy_url = format!("http://127.0.0.1:{port}");
    let connector = ProxyConnector::builder()
        .proxy(proxy_url.clone())
        .build()
        .expect("connector");
    let p = proxy_through("http://calculator.invalid/calculator", connector).await;
    let r = within(p.open()).await;
    let Err(e @ Error::EndpointUnreachable { url, .. }) = &r else {
        panic!("expected EndpointUnreachable, got {r:?}");
    };
    assert_eq!(url, "http://calculator.invalid/calculator");
    let chain = error_chain(e);
    assert!(
        chain.contains(&format!("cannot connect to the HTTP proxy {proxy_url}")),
        "{chain}"
    );
}

#[test]
fn proxy_urls_are_checked_at_build() {
    for bad in [
        "https://proxy:3128",
        "socks5://proxy:1080",
        "http://proxy:3128/path",
        "http://",
    ] {
        let r = ProxyConnector::builder().proxy(bad).build();
        assert!(
            matches!(
                &r,
                Err(Error::InvalidProperty {
                    property: "http_proxy",
                    ..
                })
            ),
            "{bad}: {r:?}"
        );
    }
    // No scheme is http://, no port 80.
    let c = ProxyConnector::builder()
        .proxy("proxy.example")
        .build()
        .expect("connector");
    assert_eq!(
        c.proxy_for("https", "example.com"),
        Some("http://proxy.example")
    );
}

fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}
