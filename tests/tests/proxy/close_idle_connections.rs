//! `close()` releases a full pool of idle connections without waiting on
//! them one by one: it never overruns `max_close_timeout`, even when the
//! runtime that drives those connections is not running.

use std::time::{Duration, Instant};

use crate::support::{CalculatorServer, delay, within};
use wws_core::{AddressingVersion, EnvelopeVersion};
use wws_proxy::ProxyProperties;
use wws_proxy::{ServiceProxy, ServiceProxyState};

const LIMIT: Duration = Duration::from_secs(30);
const POOL: usize = 5;

#[test]
fn close_releases_a_full_pool_within_max_close_timeout() {
    // The server runs on its own runtime, driven by its worker threads.
    let server_rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("server runtime");
    // The proxy is opened on a current-thread runtime, which runs only inside
    // its block_on: its connection tasks stand still between those.
    let proxy_rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("proxy runtime");

    let server = server_rt.block_on(CalculatorServer::start_gated());
    let close_timeout = Duration::from_millis(500);
    let props = {
        let mut props = ProxyProperties::default();
        props.max_close_timeout = close_timeout;
        props.max_call_pool_size = POOL;
        props
    };
    let proxy = ServiceProxy::with_properties(
        &server.url(),
        EnvelopeVersion::Soap11,
        AddressingVersion::Transport,
        props,
    )
    .expect("proxy");

    // Fill the pool: POOL calls in flight at once, each on a connection of its own.
    proxy_rt.block_on(async {
        within(LIMIT, "open", proxy.open()).await.expect("open");
        let calls: Vec<_> = (0..POOL).map(|_| delay(&proxy, 1)).collect();
        assert!(
            server
                .stats
                .wait_until(LIMIT, |s| s.get(|s| &s.in_flight) == POOL)
                .await
        );
        server.open_gate();
        for call in calls {
            within(LIMIT, "a call", call).await.expect("reply");
        }
    });
    assert_eq!(proxy.idle_connections(), POOL);
    assert_eq!(server.stats.get(|s| &s.connections), POOL);

    // Closed from the other runtime while the proxy's runtime is not running:
    // nothing is pending, and closing an idle connection must not wait for
    // that runtime.
    let t0 = Instant::now();
    server_rt
        .block_on(within(LIMIT, "close", proxy.close()))
        .expect("close");
    let elapsed = t0.elapsed();
    println!("close with {POOL} idle connections took {elapsed:?}");
    assert!(
        elapsed < close_timeout + Duration::from_millis(500),
        "close took {elapsed:?}, past max_close_timeout {close_timeout:?}"
    );
    assert_eq!(proxy.state(), ServiceProxyState::Closed);
    assert_eq!(proxy.idle_connections(), 0);

    // Once their runtime runs again, every socket is really closed.
    proxy_rt.block_on(async {
        assert!(
            server
                .stats
                .wait_until(LIMIT, |s| s.get(|s| &s.open_connections) == 0)
                .await,
            "the server still holds {} connections",
            server.stats.get(|s| &s.open_connections)
        );
    });
}
