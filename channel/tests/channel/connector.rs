//! The connector seam: a channel opens its connections through its
//! connector, which also decides which URL schemes it serves.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::common::*;
use wws_channel::Channel;
use wws_channel::connector::{Connected, Connecting, Connector, HttpVersion, Target, TcpConnector};
use wws_core::{EnvelopeVersion, Error};

/// Serves `https://` URLs over plain TCP (a stand-in for a TLS connector)
/// and counts the connections it opens and the targets it was given.
#[derive(Debug, Default)]
struct Recording {
    opened: Arc<AtomicUsize>,
    targets: Arc<std::sync::Mutex<Vec<Target>>>,
    version: Option<HttpVersion>,
}

impl Connector for Recording {
    fn supports(&self, scheme: &str) -> bool {
        scheme == "https"
    }

    fn connect(&self, target: &Target) -> Connecting {
        self.opened.fetch_add(1, Ordering::SeqCst);
        self.targets.lock().expect("targets").push(target.clone());
        let target = target.clone();
        let version = self.version;
        Box::pin(async move {
            let stream = TcpConnector::connect_tcp(&target).await?;
            let connected = Connected::new(stream);
            Ok(match version {
                Some(v) => connected.with_version(v),
                None => connected,
            })
        })
    }
}

async fn echo_server() -> std::net::SocketAddr {
    let (listener, addr) = raw_listener().await;
    tokio::spawn(async move {
        // Bounded by the test: it ends when the runtime does.
        while let Ok((mut stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                while read_request(&mut stream).await.is_some() {
                    let body = envelope11("<t:EchoResponse xmlns:t=\"urn:test\"/>");
                    write_response(
                        &mut stream,
                        "200 OK",
                        &[("content-type", "text/xml")],
                        body.as_bytes(),
                    )
                    .await;
                }
            });
        }
    });
    addr
}

#[tokio::test]
async fn the_tcp_connector_refuses_https_naming_why() {
    let channel = Channel::builder()
        .connector(wws_channel::connector::TcpConnector::new())
        .build()
        .expect("channel");
    let r = channel.open("https://127.0.0.1:1/x").await;
    assert!(
        matches!(&r, Err(Error::InvalidEndpointUrl { reason, .. }) if reason.contains("TLS connector")),
        "{r:?}"
    );
    assert!(channel.validate_url("http://127.0.0.1:1/x").is_ok());
}

#[tokio::test]
async fn requests_go_through_the_channels_connector() {
    let addr = echo_server().await;
    let recording = Recording::default();
    let (opened, targets) = (recording.opened.clone(), recording.targets.clone());
    let channel = Channel::builder()
        .properties(no_timeouts())
        .connector(recording)
        .build()
        .expect("channel");
    // The connector serves https (here over plain TCP), and only https.
    let r = channel.validate_url(&url(addr, "/x"));
    assert!(matches!(r, Err(Error::InvalidEndpointUrl { .. })), "{r:?}");
    channel
        .open(&format!("https://{addr}/x"))
        .await
        .expect("open");
    channel
        .request(echo(EnvelopeVersion::Soap11, "1"))
        .await
        .expect("reply");
    assert_eq!(opened.load(Ordering::SeqCst), 1);
    let seen = targets.lock().expect("targets").clone();
    assert_eq!(
        seen,
        vec![Target::new("https", addr.ip().to_string(), addr.port())]
    );
    channel.close().await.expect("close");
}

/// A connector that says HTTP/2 to a server that speaks only HTTP/1.1:
/// the channel speaks HTTP/2 as told, and the server's HTTP/1.1 answer to
/// the preface fails the request (an error, not a hang).
#[tokio::test]
async fn http2_to_a_server_that_does_not_speak_it_is_an_error_not_a_hang() {
    let addr = echo_server().await;
    let channel = Channel::builder()
        .properties(no_timeouts())
        .connector(Recording {
            version: Some(HttpVersion::Http2),
            ..Recording::default()
        })
        .build()
        .expect("channel");
    let r = tokio::time::timeout(std::time::Duration::from_secs(10), async {
        channel.open(&format!("https://{addr}/x")).await?;
        assert_eq!(channel.http_version(), Some(HttpVersion::Http2));
        channel.request(echo(EnvelopeVersion::Soap11, "1")).await
    })
    .await
    .expect("bounded");
    assert!(
        matches!(
            &r,
            Err(Error::EndpointUnreachable { .. } | Error::EndpointDisconnected { .. })
        ),
        "{r:?}"
    );
}

#[tokio::test]
async fn builder_checks_name_the_property() {
    let r = Channel::builder()
        .receive_timeout(Some(std::time::Duration::ZERO))
        .build();
    assert!(
        matches!(
            r,
            Err(Error::InvalidProperty {
                object: "Channel",
                property: "receive_timeout",
                ..
            })
        ),
        "{r:?}"
    );
    let r = Channel::builder().max_message_size(10).build();
    assert!(
        matches!(
            r,
            Err(Error::InvalidProperty {
                property: "max_message_size",
                ..
            })
        ),
        "{r:?}"
    );
}
