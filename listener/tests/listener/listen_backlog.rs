//! The listen backlog holds a burst of connects well beyond tokio's default
//! of 128: none of them waits for a SYN retransmission (1 s on Linux).

use std::time::{Duration, Instant};

use crate::common::*;
use tokio::net::TcpStream;

/// More connects than a 128 backlog holds, fewer than the 4096 asked for.
const BURST: usize = 400;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_of_connects_beyond_128_completes_without_a_retransmission() {
    // With one connection slot the listener accepts one connection only:
    // the rest of the burst stays in the kernel's backlog.
    let (_listener, addr) = open_listener({
        let mut props = no_timeouts();
        props.max_connections = 1;
        props
    })
    .await;
    let t0 = Instant::now();
    let connects: Vec<_> = (0..BURST)
        .map(|_| tokio::spawn(TcpStream::connect(addr)))
        .collect();
    let mut streams = Vec::with_capacity(BURST);
    for c in connects {
        let stream = tokio::time::timeout(Duration::from_secs(10), c)
            .await
            .expect("connect within 10 s")
            .expect("connect task")
            .expect("connect");
        streams.push(stream);
    }
    let elapsed = t0.elapsed();
    // A connect whose SYN found the backlog full is retried after 1 s.
    assert!(
        elapsed < Duration::from_millis(900),
        "{BURST} connects took {elapsed:?}: some waited for a SYN retransmission"
    );
}
