//! Long operations never keep the host from accepting: each exchange runs
//! on its own connection's task (the listener's serve seam), so however
//! many operations are running, a new request is still read and answered.
//! (This file once tested the accept workers that serving on the
//! connection replaced; the behaviour it pins is the same.)

use std::time::Duration;

use crate::common::*;
use wws_host::CancelReason;
use wws_host::ServiceHostProperties;

const DELAY: (&str, &str) = ("SOAPAction", "\"http://example.org/wws/calculator/Delay\"");

/// More long operations than `max_accepting_channels` (1 here).
const RUNNING: usize = 6;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn long_operations_beyond_the_accepting_workers_run_at_once_and_the_host_still_answers() {
    let props = {
        let mut props = ServiceHostProperties::default();
        props.max_accepting_channels = 1;
        props
    };
    let (host, addr, mut ev) = start(props).await;
    let mut conns = Vec::new();
    for i in 0..RUNNING {
        let mut c = Conn::connect(addr).await;
        let ms = 60_000 + i as i32;
        c.send(
            "POST",
            "/calc11",
            &[CT11, DELAY],
            &env11("", &delay_body(ms)),
        )
        .await;
        // Each one starts while the ones before it still run.
        wait_event(&mut ev, |e| *e == Event::DelayStarted(ms)).await;
        conns.push(c);
    }
    assert_eq!(host.in_flight(), RUNNING);
    // Six operations run, yet a new request is answered.
    let r = tokio::time::timeout(
        Duration::from_secs(10),
        request(
            addr,
            "POST",
            "/calc11",
            &[CT11],
            &env11("", &add_body("2", "3")),
        ),
    )
    .await
    .expect("answered while every other operation runs");
    assert_eq!(r.status, 200);
    host.abort();
    for _ in 0..RUNNING {
        let e = wait_event(&mut ev, |e| matches!(e, Event::Cancelled(..))).await;
        assert!(
            matches!(e, Event::Cancelled(CancelReason::HostAborted, _)),
            "{e:?}"
        );
    }
}
