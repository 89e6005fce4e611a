//! `header_read_timeout`: a client that sends nothing, trickles its request
//! head, or idles on a keep-alive connection is disconnected. Virtual time.

use std::time::Duration;

use crate::common::*;
use tokio::time::Instant;
use wws_listener::ListenerProperties;

const LIMIT: Duration = Duration::from_secs(10);

fn props() -> ListenerProperties {
    {
        let mut props = no_timeouts();
        props.header_read_timeout = Some(LIMIT);
        props
    }
}

/// The connection must close after the limit and well before twice the limit.
fn assert_closed_at_limit(start: Instant) {
    let elapsed = start.elapsed();
    assert!(
        elapsed >= LIMIT,
        "closed after {elapsed:?}, before the limit"
    );
    assert!(
        elapsed < LIMIT + Duration::from_secs(1),
        "closed after {elapsed:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn a_client_that_sends_nothing_is_closed() {
    let (_listener, addr) = open_listener(props()).await;
    let start = Instant::now();
    let mut client = RawClient::connect(addr).await;
    let got = client.closed_by_server(LIMIT * 3).await;
    assert_closed_at_limit(start);
    // hyper answers a header timeout with nothing or a 408; never with a 2xx.
    let text = String::from_utf8_lossy(&got);
    assert!(got.is_empty() || text.starts_with("HTTP/1.1 408"), "{text}");
}

#[tokio::test(start_paused = true)]
async fn a_trickled_head_is_closed_at_the_limit() {
    let (_listener, addr) = open_listener(props()).await;
    let start = Instant::now();
    let mut client = RawClient::connect(addr).await;
    let head = b"POST /svc HTTP/1.1\r\nhost: test\r\ncontent-type: text/xml\r\nx-padding: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n";
    // One byte a second: the head would take longer than the limit.
    let mut closed = false;
    for byte in head.iter() {
        if tokio::io::AsyncWriteExt::write_all(&mut client.stream, &[*byte])
            .await
            .is_err()
        {
            closed = true;
            break;
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
        if start.elapsed() > LIMIT + Duration::from_secs(1) {
            break;
        }
    }
    if !closed {
        client.closed_by_server(LIMIT).await;
    }
    let elapsed = start.elapsed();
    assert!(
        elapsed <= LIMIT + Duration::from_secs(2),
        "closed after {elapsed:?}"
    );
    assert!(elapsed >= LIMIT, "closed after {elapsed:?}");
}

#[tokio::test(start_paused = true)]
async fn an_idle_keep_alive_connection_is_closed() {
    let (listener, addr) = open_listener(props()).await;
    let mut client = RawClient::connect(addr).await;
    client
        .send(&soap11_request(
            "/",
            "urn:test/A",
            "<t:A xmlns:t=\"urn:test\"/>",
        ))
        .await;
    let exchange = listener.accept_channel().await.expect("accept");
    exchange.close().await.expect("ack");
    assert_eq!(client.response().await.expect("ack").status, 202);
    // From here the connection idles between requests.
    let start = Instant::now();
    client.closed_by_server(LIMIT * 3).await;
    assert_closed_at_limit(start);
}

#[tokio::test(start_paused = true)]
async fn a_prompt_client_is_not_affected() {
    let (listener, addr) = open_listener(props()).await;
    let mut client = RawClient::connect(addr).await;
    for i in 0..3 {
        // Each request comes just before the limit of the idle time.
        tokio::time::sleep(LIMIT - Duration::from_secs(1)).await;
        client
            .send(&soap11_request(
                "/",
                &format!("urn:test/{i}"),
                "<t:A xmlns:t=\"urn:test\"/>",
            ))
            .await;
        let exchange = listener.accept_channel().await.expect("accept");
        exchange.close().await.expect("ack");
        assert_eq!(client.response().await.expect("ack").status, 202);
    }
}
