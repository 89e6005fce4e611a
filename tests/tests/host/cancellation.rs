//! Server-side cancellation (DESIGN §4): the client going away, abort, close
//! and its timeout, and the concurrency limit.

use std::sync::Arc;
use std::task::{Context, Waker};
use std::time::{Duration, Instant};

use crate::common::*;
use wws_core::state::ServiceHostState;
use wws_core::{AddressingVersion, EnvelopeVersion, Error};
use wws_host::ServiceHostProperties;
use wws_host::{CancelReason, Contract, Endpoint, OperationContext, ServiceHost};

const DELAY: (&str, &str) = ("SOAPAction", "\"http://example.org/wws/calculator/Delay\"");

#[tokio::test]
async fn client_disconnect_tells_the_operation_channel_faulted_within_50ms() {
    let (host, addr, mut ev) = start(Default::default()).await;
    let mut c = Conn::connect(addr).await;
    c.send(
        "POST",
        "/calc11",
        &[CT11, DELAY],
        &env11("", &delay_body(20_000)),
    )
    .await;
    wait_event(&mut ev, |e| *e == Event::DelayStarted(20_000)).await;
    let gone = Instant::now();
    drop(c);
    let Event::Cancelled(reason, at) =
        wait_event(&mut ev, |e| matches!(e, Event::Cancelled(..))).await
    else {
        unreachable!()
    };
    assert_eq!(reason, CancelReason::ChannelFaulted);
    let took = at.duration_since(gone);
    assert!(took < Duration::from_millis(50), "told after {took:?}");
    // The host is still serving.
    let r = request(
        addr,
        "POST",
        "/calc11",
        &[CT11],
        &env11("", &add_body("1", "2")),
    )
    .await;
    assert_eq!(r.status, 200);
    host.abort();
}

#[tokio::test]
async fn abort_tells_every_operation_host_aborted_and_closes_their_connections() {
    let (host, addr, mut ev) = start(Default::default()).await;
    let mut conns = Vec::new();
    for _ in 0..3 {
        let mut c = Conn::connect(addr).await;
        c.send(
            "POST",
            "/calc12",
            &[(
                "Content-Type",
                &ct12_action("http://example.org/wws/calculator/Delay"),
            )],
            &env12("", &delay_body(20_000)),
        )
        .await;
        conns.push(c);
    }
    for _ in 0..3 {
        wait_event(&mut ev, |e| *e == Event::DelayStarted(20_000)).await;
    }
    let t0 = Instant::now();
    host.abort();
    assert!(t0.elapsed() < Duration::from_millis(50), "abort blocked");
    assert_eq!(host.state(), ServiceHostState::Faulted);
    for _ in 0..3 {
        let e = wait_event(&mut ev, |e| matches!(e, Event::Cancelled(..))).await;
        assert!(
            matches!(e, Event::Cancelled(CancelReason::HostAborted, _)),
            "{e:?}"
        );
    }
    for c in &mut conns {
        assert!(c.closed_by_server().await, "connection left open");
    }
    // No longer listening: a new connection is refused or closed at once.
    match tokio::net::TcpStream::connect(addr).await {
        Err(_) => {}
        Ok(s) => {
            let mut c = Conn::from_stream(s);
            c.send("POST", "/calc11", &[CT11], &env11("", &add_body("1", "1")))
                .await;
            assert!(c.closed_by_server().await, "aborted host answered");
        }
    }
    host.abort();
    assert_eq!(host.state(), ServiceHostState::Faulted);
}

#[tokio::test]
async fn close_lets_in_flight_operations_finish_and_reply() {
    let (host, addr, mut ev) = start(Default::default()).await;
    let mut c = Conn::connect(addr).await;
    c.send(
        "POST",
        "/calc11",
        &[CT11, DELAY],
        &env11("", &delay_body(300)),
    )
    .await;
    wait_event(&mut ev, |e| *e == Event::DelayStarted(300)).await;
    let closer = {
        let host = host.clone();
        tokio::spawn(async move { host.close().await })
    };
    let r = c.read().await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(
        r.body.contains("DelayResponse") && r.body.contains(">300<"),
        "{}",
        r.body
    );
    tokio::time::timeout(STEP, closer)
        .await
        .expect("close timed out")
        .expect("close task")
        .expect("close");
    assert_eq!(host.state(), ServiceHostState::Closed);
    // The handler ran to its end (it reports that before returning the
    // reply the client has read), and nothing was cancelled.
    assert_eq!(ev.try_recv(), Ok(Event::DelayFinished(300)));
    while let Ok(e) = ev.try_recv() {
        assert!(!matches!(e, Event::Cancelled(..)), "{e:?}");
    }
}

#[tokio::test]
async fn close_timeout_tells_the_rest_host_closing_and_drops_them() {
    let props = {
        let mut props = ServiceHostProperties::default();
        props.close_timeout = Duration::from_millis(200);
        props
    };
    let (host, addr, mut ev) = start(props).await;
    let mut c = Conn::connect(addr).await;
    c.send(
        "POST",
        "/calc11",
        &[CT11, DELAY],
        &env11("", &delay_body(20_000)),
    )
    .await;
    wait_event(&mut ev, |e| *e == Event::DelayStarted(20_000)).await;
    let t0 = Instant::now();
    tokio::time::timeout(STEP, host.close())
        .await
        .expect("close timed out")
        .expect("close");
    let took = t0.elapsed();
    assert!(
        took >= Duration::from_millis(200),
        "closed before the timeout: {took:?}"
    );
    let e = wait_event(&mut ev, |e| matches!(e, Event::Cancelled(..))).await;
    assert!(
        matches!(e, Event::Cancelled(CancelReason::HostClosing, _)),
        "{e:?}"
    );
    assert!(c.closed_by_server().await);
    assert_eq!(host.state(), ServiceHostState::Closed);
}

#[tokio::test]
async fn beyond_max_concurrency_a_request_waits_for_a_slot() {
    let props = {
        let mut props = ServiceHostProperties::default();
        props.max_concurrency = 1;
        props
    };
    let (host, addr, mut ev) = start(props).await;
    let mut a = Conn::connect(addr).await;
    a.send(
        "POST",
        "/calc11",
        &[CT11, DELAY],
        &env11("", &delay_body(300)),
    )
    .await;
    wait_event(&mut ev, |e| *e == Event::DelayStarted(300)).await;
    let mut b = Conn::connect(addr).await;
    b.send(
        "POST",
        "/calc11",
        &[CT11, DELAY],
        &env11("", &delay_body(1)),
    )
    .await;
    // The second operation starts only after the first finished.
    let next = wait_event(&mut ev, |e| {
        matches!(e, Event::DelayStarted(_) | Event::DelayFinished(_))
    })
    .await;
    assert_eq!(next, Event::DelayFinished(300));
    let next = wait_event(&mut ev, |e| {
        matches!(e, Event::DelayStarted(_) | Event::DelayFinished(_))
    })
    .await;
    assert_eq!(next, Event::DelayStarted(1));
    assert_eq!(a.read().await.status, 200);
    assert_eq!(b.read().await.status, 200);
    host.abort();
}

#[tokio::test]
async fn open_racing_abort_fails_with_aborted() {
    let host = ServiceHost::new("127.0.0.1:0".parse().expect("addr"));
    let (tx, _rx) = tokio::sync::mpsc::unbounded_channel();
    host.add_endpoint(Endpoint::new(
        "/c",
        EnvelopeVersion::Soap11,
        AddressingVersion::Transport,
        contract(tx),
    ))
    .expect("endpoint");
    // One poll enters Opening; open() yields there before binding.
    let mut opening = std::pin::pin!(host.open());
    let first = opening
        .as_mut()
        .poll(&mut Context::from_waker(Waker::noop()));
    assert!(first.is_pending(), "open completed on its first poll");
    assert_eq!(host.state(), ServiceHostState::Opening);
    host.abort();
    assert_eq!(host.state(), ServiceHostState::Faulted);
    let r = tokio::time::timeout(STEP, opening)
        .await
        .expect("open timed out");
    assert!(
        matches!(
            r,
            Err(Error::Aborted {
                object: "ServiceHost"
            })
        ),
        "{r:?}"
    );
    assert_eq!(host.state(), ServiceHostState::Faulted);
    assert_eq!(host.local_addr(), None, "an aborted open bound anyway");
}

#[tokio::test(flavor = "current_thread")]
async fn abort_returns_on_a_single_thread_while_an_operation_awaits() {
    let (host, addr, mut ev) = start(Default::default()).await;
    let mut c = Conn::connect(addr).await;
    c.send(
        "POST",
        "/calc11",
        &[CT11, DELAY],
        &env11("", &delay_body(20_000)),
    )
    .await;
    wait_event(&mut ev, |e| *e == Event::DelayStarted(20_000)).await;
    assert_eq!(host.in_flight(), 1);
    // The operation's task is parked on this same thread: an abort that
    // waited for it (or for a lock it holds) would never return.
    let aborter = {
        let host = host.clone();
        tokio::spawn(async move {
            let t0 = Instant::now();
            host.abort();
            t0.elapsed()
        })
    };
    let took = tokio::time::timeout(STEP, aborter)
        .await
        .expect("abort did not return")
        .expect("abort task");
    assert!(took < Duration::from_millis(50), "abort took {took:?}");
    assert_eq!(host.state(), ServiceHostState::Faulted);
    let e = wait_event(&mut ev, |e| matches!(e, Event::Cancelled(..))).await;
    assert!(
        matches!(e, Event::Cancelled(CancelReason::HostAborted, _)),
        "{e:?}"
    );
    assert!(c.closed_by_server().await, "connection left open");
}

wws_core::body_element! {
    #[namespace = "urn:test"]
    /// A one-way notification.
    #[derive(Debug, Clone)]
    pub struct Notify {
        /// Payload.
        pub text: String,
    }
}

#[tokio::test]
async fn one_way_is_acknowledged_with_202_before_the_handler_finishes() {
    let gate = Arc::new(tokio::sync::Notify::new());
    let (done_tx, mut done_rx) = tokio::sync::mpsc::unbounded_channel();
    let g = gate.clone();
    let contract = Contract::new().one_way(
        "urn:test/Notify",
        move |_ctx: OperationContext, n: Notify| {
            let g = g.clone();
            let done = done_tx.clone();
            async move {
                g.notified().await;
                let _ = done.send(n.text);
                Ok(())
            }
        },
    );
    let host = ServiceHost::new("127.0.0.1:0".parse().expect("addr"));
    host.add_endpoint(Endpoint::new(
        "/n",
        EnvelopeVersion::Soap11,
        AddressingVersion::Transport,
        contract,
    ))
    .expect("endpoint");
    host.open().await.expect("open");
    let addr = host.local_addr().expect("addr");
    let body = env11(
        "",
        "<t:Notify xmlns:t=\"urn:test\"><t:text>hi</t:text></t:Notify>",
    );
    let r = request(
        addr,
        "POST",
        "/n",
        &[CT11, ("SOAPAction", "\"urn:test/Notify\"")],
        &body,
    )
    .await;
    assert_eq!(r.status, 202);
    assert!(r.body.is_empty());
    assert!(
        done_rx.try_recv().is_err(),
        "handler finished before the 202"
    );
    gate.notify_one();
    let text = tokio::time::timeout(STEP, done_rx.recv())
        .await
        .expect("handler ran");
    assert_eq!(text.as_deref(), Some("hi"));
    host.close().await.expect("close");
}

#[tokio::test]
async fn beyond_max_accepting_channels_waiting_requests_get_503() {
    let props = {
        let mut props = ServiceHostProperties::default();
        props.max_concurrency = 1;
        props.max_accepting_channels = 1;
        props
    };
    let (host, addr, mut ev) = start(props).await;
    let mut running = Conn::connect(addr).await;
    running
        .send(
            "POST",
            "/calc11",
            &[CT11, DELAY],
            &env11("", &delay_body(20_000)),
        )
        .await;
    wait_event(&mut ev, |e| *e == Event::DelayStarted(20_000)).await;
    // Two more: whichever comes second finds the one queue place taken.
    // The first to be answered must be that one, shed with 503; the other
    // waits for the running Delay.
    let mut b = Conn::connect(addr).await;
    let mut c = Conn::connect(addr).await;
    b.send(
        "POST",
        "/calc11",
        &[CT11, DELAY],
        &env11("", &delay_body(1)),
    )
    .await;
    c.send(
        "POST",
        "/calc11",
        &[CT11, DELAY],
        &env11("", &delay_body(2)),
    )
    .await;
    let shed = tokio::select! {
        r = b.read() => r,
        r = c.read() => r,
    };
    assert_eq!(shed.status, 503, "{}", shed.body);
    assert_eq!(shed.header("retry-after"), Some("1"));
    host.abort();
}
