//! The request size quota, enforced while the body streams in: a body
//! announced larger than the quota is refused before a byte of it is read,
//! an endless chunked body is refused after the quota. `receive` fails with
//! `QuotaExceeded`, the exchange stays `Open` so the host can answer with a
//! fault, and the connection is closed after that answer (the rest of the
//! body was never read, so the connection cannot carry another request).

use std::time::Duration;

use crate::common::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use wws_channel::ChannelState;
use wws_core::{EnvelopeVersion, Error, Fault, FaultCode, FaultReason, ReaderQuotas};
use wws_listener::ListenerProperties;

const QUOTA: usize = 64 * 1024;
const BOUND: Duration = Duration::from_secs(20);

fn props() -> ListenerProperties {
    {
        let mut props = no_timeouts();
        props.quotas = {
            let mut props = ReaderQuotas::default();
            props.max_message_size = QUOTA;
            props
        };
        props
    }
}

fn sender_fault() -> Fault {
    Fault {
        code: FaultCode::Sender,
        subcodes: Vec::new(),
        reasons: vec![FaultReason {
            text: "too large".into(),
            lang: "en".into(),
        }],
        actor: None,
        node: None,
        detail: None,
    }
}

fn assert_quota(r: wws_core::Result<wws_core::Message>) {
    match r {
        Err(Error::QuotaExceeded { quota, limit }) => {
            assert_eq!((quota, limit), ("max message size", QUOTA as u64))
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn an_announced_gigabyte_is_refused_before_reading_and_gets_a_fault() {
    let (listener, addr) = open_listener(props()).await;
    let mut client = RawClient::connect(addr).await;
    // The head only: not one byte of the body is ever sent.
    client
        .send(b"POST / HTTP/1.1\r\nhost: t\r\ncontent-type: text/xml\r\ncontent-length: 1073741824\r\n\r\n")
        .await;
    let exchange = listener.accept_channel().await.expect("accept");
    let received = tokio::time::timeout(BOUND, exchange.receive())
        .await
        .expect("refused without waiting for the body");
    assert_quota(received);
    assert_eq!(exchange.state(), ChannelState::Open);
    exchange
        .reply_fault(EnvelopeVersion::Soap11, &sender_fault())
        .await
        .expect("fault reply");
    let response = client.response().await.expect("the fault");
    assert_eq!(response.status, 500);
    assert!(response.text().contains("too large"), "{}", response.text());
    assert_eq!(response.header("connection").as_deref(), Some("close"));
    client.closed_by_server(BOUND).await;
}

#[tokio::test]
async fn an_endless_chunked_body_is_refused_after_the_quota() {
    let (listener, addr) = open_listener(props()).await;
    let stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let (mut read, mut write) = stream.into_split();
    let writer = tokio::spawn(async move {
        write
            .write_all(b"POST / HTTP/1.1\r\nhost: t\r\ncontent-type: text/xml\r\ntransfer-encoding: chunked\r\n\r\n")
            .await
            .expect("head");
        let chunk = [b"1000\r\n".as_slice(), &[b' '; 0x1000], b"\r\n"].concat();
        let mut sent = 0usize;
        // Bounded: stops when the server closes, or fails the test after 1 GiB.
        for _ in 0..(1 << 18) {
            if write.write_all(&chunk).await.is_err() {
                return sent;
            }
            sent += chunk.len();
        }
        panic!("the server read {sent} bytes of body");
    });
    let exchange = listener.accept_channel().await.expect("accept");
    assert_quota(
        tokio::time::timeout(BOUND, exchange.receive())
            .await
            .expect("in time"),
    );
    exchange
        .reply_fault(EnvelopeVersion::Soap11, &sender_fault())
        .await
        .expect("fault reply");
    // The fault arrives, then the connection closes (however much the client still pushes).
    let mut got = Vec::new();
    let mut chunk = [0u8; 4096];
    tokio::time::timeout(BOUND, async {
        // Bounded by the timeout; each turn consumes bytes or ends.
        loop {
            match read.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => got.extend_from_slice(&chunk[..n]),
            }
        }
    })
    .await
    .expect("the server closed the connection");
    let text = String::from_utf8_lossy(&got);
    assert!(text.starts_with("HTTP/1.1 500"), "{text}");
    assert!(text.contains("too large"), "{text}");
    let sent = tokio::time::timeout(BOUND, writer)
        .await
        .expect("the writer saw the close")
        .expect("writer task");
    assert!(
        sent < 64 << 20,
        "client pushed {sent} bytes before the close"
    );
}
