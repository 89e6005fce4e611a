//! A connection whose request head has only partly arrived holds no
//! exchange: when the listener is closed or aborted it is dropped at once,
//! even without a header read timeout, instead of outliving the listener
//! for as long as the client trickles (or for ever).

use std::time::Duration;

use crate::common::*;

const BOUND: Duration = Duration::from_secs(10);

/// Two connections mid-head: a fresh one, and one that served an exchange before.
async fn partial_head_clients(
    addr: std::net::SocketAddr,
    listener: &wws_listener::Listener,
) -> [RawClient; 2] {
    // A served connection first, so the partial one is surely taken from the backlog.
    let mut served = RawClient::connect(addr).await;
    served
        .send(&soap11_request(
            "/",
            "urn:test/A",
            "<t:A xmlns:t=\"urn:test\"/>",
        ))
        .await;
    let exchange = listener.accept_channel().await.expect("accept");
    let mut client = RawClient::connect(addr).await;
    client
        .send(b"POST / HTTP/1.1\r\nhost: t\r\ncontent-ty")
        .await;
    exchange.close().await.expect("ack");
    assert_eq!(served.response().await.expect("ack").status, 202);
    // The same connection now trickles the next head.
    served
        .send(b"POST / HTTP/1.1\r\nhost: t\r\ncontent-ty")
        .await;
    [client, served]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn abort_drops_a_connection_mid_head() {
    let (listener, addr) = open_listener(no_timeouts()).await;
    let clients = partial_head_clients(addr, &listener).await;
    listener.abort();
    for mut client in clients {
        let got = client.closed_by_server(BOUND).await;
        assert!(got.is_empty(), "{:?}", String::from_utf8_lossy(&got));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn close_drops_a_connection_mid_head() {
    let (listener, addr) = open_listener(no_timeouts()).await;
    let clients = partial_head_clients(addr, &listener).await;
    listener.close().await.expect("close");
    for mut client in clients {
        let got = client.closed_by_server(BOUND).await;
        assert!(got.is_empty(), "{:?}", String::from_utf8_lossy(&got));
    }
}
