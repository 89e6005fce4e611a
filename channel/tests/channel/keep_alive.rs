//! Requests on one channel reuse one keep-alive connection; a connection the
//! server will not keep is replaced before the next request.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::common::*;
use wws_channel::{Channel, ChannelState};
use wws_core::EnvelopeVersion;

const REPLY: &str = "<t:EchoResponse xmlns:t=\"urn:test\"/>";

/// Serves every connection it accepts; the first `close_after_first` connections
/// answer one request with `Connection: close` and hang up.
async fn counting_server(close_first: bool) -> (std::net::SocketAddr, Arc<AtomicUsize>) {
    let (listener, addr) = raw_listener().await;
    let accepted = Arc::new(AtomicUsize::new(0));
    let count = accepted.clone();
    tokio::spawn(async move {
        // Bounded by the test: it ends when the runtime does.
        loop {
            let Ok((mut stream, _)) = listener.accept().await else {
                return;
            };
            let n = count.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(async move {
                while let Some(_req) = read_request(&mut stream).await {
                    let body = envelope11(REPLY);
                    if close_first && n == 0 {
                        write_response(
                            &mut stream,
                            "200 OK",
                            &[("content-type", "text/xml"), ("connection", "close")],
                            body.as_bytes(),
                        )
                        .await;
                        return;
                    }
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
    (addr, accepted)
}

#[tokio::test]
async fn consecutive_requests_share_one_connection() {
    let (addr, accepted) = counting_server(false).await;
    let channel = Channel::with_properties(no_timeouts()).expect("valid properties");
    channel.open(&url(addr, "/")).await.expect("open");
    for i in 0..3 {
        channel
            .request(echo(EnvelopeVersion::Soap11, &i.to_string()))
            .await
            .expect("request");
    }
    assert_eq!(accepted.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn concurrent_requests_take_turns_on_the_connection() {
    let (addr, accepted) = counting_server(false).await;
    let channel = Channel::with_properties(no_timeouts()).expect("valid properties");
    channel.open(&url(addr, "/")).await.expect("open");
    let tasks: Vec<_> = (0..4)
        .map(|i| {
            let channel = channel.clone();
            tokio::spawn(async move {
                channel
                    .request(echo(EnvelopeVersion::Soap11, &i.to_string()))
                    .await
            })
        })
        .collect();
    for t in tasks {
        t.await.expect("task").expect("request");
    }
    assert_eq!(accepted.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_connection_the_server_closes_is_replaced_transparently() {
    let (addr, accepted) = counting_server(true).await;
    let channel = Channel::with_properties(no_timeouts()).expect("valid properties");
    channel.open(&url(addr, "/")).await.expect("open");
    channel
        .request(echo(EnvelopeVersion::Soap11, "1"))
        .await
        .expect("first");
    channel
        .request(echo(EnvelopeVersion::Soap11, "2"))
        .await
        .expect("second, reconnected");
    channel
        .request(echo(EnvelopeVersion::Soap11, "3"))
        .await
        .expect("third, kept");
    assert_eq!(accepted.load(Ordering::SeqCst), 2);
    assert_eq!(channel.state(), ChannelState::Open);
}
