//! 10,000 calls pending on one proxy over HTTP/2 hold one connection:
//! the kernel's table of TCP connections (`/proc/net/tcp`) shows one to
//! the host's port, not 10,000.

use std::time::{Duration, Instant};

use crate::support::*;
use wws_core::{AddressingVersion, CallId, EnvelopeVersion, Error};
use wws_examples::calculator::{self, DELAY_ACTION, Delay, DelayResponse, ServiceEvent};
use wws_proxy::{CallOptions, ServiceProxy};

/// Established TCP connections (IPv4) whose (local, remote) port is
/// `port`: (the host's ends, the clients' ends). Other tests' sockets,
/// on other ports, do not count.
fn connections_of(port: u16) -> (usize, usize) {
    let table = std::fs::read_to_string("/proc/net/tcp").unwrap_or_default();
    let port_of = |addr: &str| {
        addr.rsplit(':')
            .next()
            .and_then(|p| u16::from_str_radix(p, 16).ok())
    };
    let (mut server, mut client) = (0, 0);
    for line in table.lines().skip(1) {
        let fields: Vec<&str> = line.split_whitespace().collect();
        let (Some(local), Some(remote), Some(&state)) =
            (fields.get(1), fields.get(2), fields.get(3))
        else {
            continue;
        };
        // 01: ESTABLISHED.
        if state != "01" {
            continue;
        }
        if port_of(local) == Some(port) {
            server += 1;
        }
        if port_of(remote) == Some(port) {
            client += 1;
        }
    }
    (server, client)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_pending_calls_hold_one_connection() {
    if !std::path::Path::new("/proc/net/tcp").exists() {
        eprintln!("SKIPPED: no /proc/net/tcp on this platform");
        return;
    }
    const CALLS: usize = 10_000;
    let mut served = serve(h2_host(CALLS as u32)).await;
    let p = ServiceProxy::builder(&calculator::url(served.addr, calculator::PATH_SOAP11))
        .envelope(EnvelopeVersion::Soap11)
        .addressing(AddressingVersion::Transport)
        .http2(wws_channel::connector::Http2Mode::PriorKnowledge)
        .max_pending_calls(CALLS)
        .max_streams_per_connection(CALLS)
        .build()
        .expect("proxy");
    within(p.open()).await.expect("open");
    let calls: Vec<_> = (0..CALLS)
        .map(|_| {
            p.call::<Delay, DelayResponse>(
                DELAY_ACTION,
                &Delay {
                    milliseconds: 60_000,
                },
                CallOptions::new(),
            )
        })
        .collect();
    // Every call reached the host: all 10,000 are on the wire at once.
    tokio::time::timeout(Duration::from_secs(120), async {
        let mut started = 0;
        while started < CALLS {
            if let Some(ServiceEvent::Started { .. }) = served.events.recv().await {
                started += 1;
            }
        }
    })
    .await
    .expect("every call started");
    // The host's end and the proxy's end of one connection.
    assert_eq!(connections_of(served.addr.port()), (1, 1));
    assert_eq!(p.http2_connections(), 1);
    assert_eq!(p.pending_calls(), CALLS);
    let t0 = Instant::now();
    p.abandon_call(CallId::ALL).expect("abandon all");
    eprintln!("abandon of {CALLS} calls took {:?}", t0.elapsed());
    for call in calls {
        assert!(matches!(within(call).await, Err(Error::Abandoned { .. })));
    }
    assert_eq!(p.pending_calls(), 0);
    within(p.close()).await.expect("close");
    served.host.abort();
}
