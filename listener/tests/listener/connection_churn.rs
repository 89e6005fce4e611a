//! 10,000 connections opened and dropped in every way a client can drop
//! one (reset, close, mid-head, after a whole request): afterwards the
//! process holds as many file descriptors as before — no socket, task or
//! slot outlives its client.

use std::time::Duration;

use crate::common::*;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

const CONNECTIONS: usize = 10_000;

fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd")
        .expect("/proc/self/fd")
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_dropped_connections_leave_no_descriptor_behind() {
    let (listener, addr) = open_listener({
        let mut props = no_timeouts();
        props.max_connections = 64;
        props
    })
    .await;
    // Exchanges that arrive whole are accepted and found gone when read.
    let server = tokio::spawn({
        let listener = listener.clone();
        async move {
            let mut served = 0usize;
            while let Ok(exchange) = listener.accept_channel().await {
                assert!(exchange.receive().await.is_err(), "the client was gone");
                served += 1;
            }
            served
        }
    });
    let before = open_fds();
    let request = soap11_request("/", "urn:test/A", "<t:A xmlns:t=\"urn:test\"/>");
    let mut whole_requests = 0;
    for i in 0..CONNECTIONS {
        let mut stream = TcpStream::connect(addr).await.expect("connect");
        match i % 10 {
            // A close (FIN): the client side keeps TIME_WAIT, so only one in ten.
            0 => {}
            1 => {
                let _ = stream
                    .write_all(b"POST / HTTP/1.1\r\nhost: t\r\ncontent-le")
                    .await;
            }
            2 if i % 20 == 2 => {
                // A whole request with its body cut short, then gone.
                let _ = stream.write_all(&request[..request.len() - 10]).await;
                whole_requests += 1;
            }
            _ => {
                // A reset: a zero linger does not block the drop.
                #[allow(deprecated)]
                let _ = stream.set_linger(Some(Duration::ZERO));
            }
        }
        drop(stream);
    }
    // Bounded wait for the server side to notice every client left.
    let mut now = open_fds();
    for _ in 0..2000 {
        if now <= before {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
        now = open_fds();
    }
    assert!(
        now <= before,
        "{now} descriptors open, {before} before the churn"
    );
    listener.abort();
    let served = tokio::time::timeout(Duration::from_secs(10), server)
        .await
        .expect("server ended")
        .expect("server task");
    assert!(
        served <= whole_requests,
        "{served} served of {whole_requests}"
    );
}
