//! The host's states and the checks on its configuration.

use std::pin::Pin;
use std::task::{Context, Poll, Waker};

use crate::common::*;
use wws_core::state::ServiceHostState;
use wws_core::{AddressingVersion, EnvelopeVersion, Error};
use wws_host::{Contract, Endpoint, ServiceHost};

/// Polls `fut` once, with a waker that does nothing.
fn poll_once<F: Future>(fut: Pin<&mut F>) -> Poll<F::Output> {
    fut.poll(&mut Context::from_waker(Waker::noop()))
}

fn new_host(addr: &str) -> ServiceHost {
    ServiceHost::new(addr.parse().expect("addr"))
}

fn endpoint(path: &str) -> Endpoint {
    let (tx, _rx) = tokio::sync::mpsc::unbounded_channel();
    Endpoint::new(
        path,
        EnvelopeVersion::Soap11,
        AddressingVersion::Transport,
        contract(tx),
    )
}

#[tokio::test]
async fn endpoints_only_while_created_and_paths_are_unique_and_valid() {
    let host = new_host("127.0.0.1:0");
    host.add_endpoint(endpoint("/a")).expect("first");
    let r = host.add_endpoint(endpoint("/a"));
    assert!(
        matches!(&r, Err(Error::DuplicateEndpoint { path }) if path == "/a"),
        "{r:?}"
    );
    for bad in ["a", "/a?x", "/a b"] {
        let r = host.add_endpoint(endpoint(bad));
        assert!(
            matches!(r, Err(Error::InvalidEndpointUrl { .. })),
            "{bad}: {r:?}"
        );
    }
    host.open().await.expect("open");
    let r = host.add_endpoint(endpoint("/b"));
    assert!(
        matches!(
            r,
            Err(Error::InvalidOperation {
                object: "ServiceHost",
                state: "Open",
                ..
            })
        ),
        "{r:?}"
    );
    host.close().await.expect("close");
}

#[tokio::test]
async fn a_contract_with_a_duplicate_action_or_a_bad_wsdl_is_refused() {
    use wws_examples::calculator::{Add, AddResponse};
    let host = new_host("127.0.0.1:0");
    let add = |_ctx, r: Add| async move { Ok(AddResponse { result: r.a + r.b }) };
    let dup = Contract::new()
        .operation("urn:x", add)
        .operation("urn:x", add);
    let r = host.add_endpoint(Endpoint::new(
        "/d",
        EnvelopeVersion::Soap11,
        AddressingVersion::Transport,
        dup,
    ));
    assert!(
        matches!(
            &r,
            Err(Error::DuplicateOperation { what: "action", name }) if name == "urn:x"
        ),
        "{r:?}"
    );
    let r = host.add_endpoint(endpoint("/w").with_wsdl("<definitions><oops></definitions>"));
    assert!(matches!(r, Err(Error::InvalidFormat(_))), "{r:?}");
}

#[tokio::test]
async fn open_and_close_states() {
    let host = new_host("127.0.0.1:0");
    assert_eq!(host.state(), ServiceHostState::Created);
    assert_eq!(host.local_addr(), None);
    host.add_endpoint(endpoint("/a")).expect("endpoint");
    host.open().await.expect("open");
    assert_eq!(host.state(), ServiceHostState::Open);
    assert!(host.local_addr().is_some_and(|a| a.port() != 0));
    let again = host.open().await;
    assert!(
        matches!(again, Err(Error::InvalidOperation { .. })),
        "{again:?}"
    );
    host.close().await.expect("close");
    assert_eq!(host.state(), ServiceHostState::Closed);
    host.close().await.expect("close is idempotent");
    // A closed host opens again only after a reset.
    let reopen = host.open().await;
    assert!(
        matches!(
            reopen,
            Err(Error::InvalidOperation {
                object: "ServiceHost",
                state: "Closed",
                ..
            })
        ),
        "{reopen:?}"
    );
    assert_eq!(host.state(), ServiceHostState::Closed);
}

#[tokio::test]
async fn reset_after_close_opens_again_on_the_same_address_and_serves() {
    // A fixed free port, so that the reopen proves close released it.
    let addr = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port");
    let host = ServiceHost::new(addr);
    host.add_endpoint(endpoint("/a")).expect("endpoint");
    for round in 0..2 {
        host.open().await.expect("open");
        assert_eq!(host.local_addr(), Some(addr));
        let r = request(addr, "POST", "/a", &[CT11], &env11("", &add_body("2", "3"))).await;
        assert_eq!(r.status, 200, "round {round}: {}", r.body);
        assert!(r.body.contains("<result>5"), "round {round}: {}", r.body);
        let r = host.reset();
        assert!(
            matches!(r, Err(Error::InvalidOperation { state: "Open", .. })),
            "{r:?}"
        );
        host.close().await.expect("close");
        host.reset().expect("reset");
        assert_eq!(host.state(), ServiceHostState::Created);
        assert_eq!(host.local_addr(), None);
    }
    // Created again: endpoints may be added; the old ones are kept.
    host.add_endpoint(endpoint("/b"))
        .expect("endpoint after reset");
    host.open().await.expect("open");
    for path in ["/a", "/b"] {
        let r = request(addr, "POST", path, &[CT11], &env11("", &add_body("1", "1"))).await;
        assert_eq!(r.status, 200, "{path}: {}", r.body);
    }
    host.close().await.expect("close");
}

#[tokio::test]
async fn reset_of_a_faulted_host_needs_a_close_first() {
    let host = new_host("127.0.0.1:0");
    host.add_endpoint(endpoint("/a")).expect("endpoint");
    host.open().await.expect("open");
    host.abort();
    assert_eq!(host.state(), ServiceHostState::Faulted);
    let r = host.reset();
    assert!(
        matches!(
            r,
            Err(Error::InvalidOperation {
                object: "ServiceHost",
                state: "Faulted",
                operation: "reset",
            })
        ),
        "{r:?}"
    );
    host.close().await.expect("close after abort");
    host.reset().expect("reset");
    host.open()
        .await
        .expect("open after abort, close and reset");
    let addr = host.local_addr().expect("bound");
    let r = request(addr, "POST", "/a", &[CT11], &env11("", &add_body("1", "2"))).await;
    assert_eq!(r.status, 200, "{}", r.body);
    host.close().await.expect("close");
}

#[tokio::test]
async fn dropping_open_faults_the_host_and_close_and_reset_recover_it() {
    let host = new_host("127.0.0.1:0");
    host.add_endpoint(endpoint("/a")).expect("endpoint");
    {
        let mut opening = std::pin::pin!(host.open());
        assert!(poll_once(opening.as_mut()).is_pending());
        assert_eq!(host.state(), ServiceHostState::Opening);
    }
    // As a failed open: Faulted, nothing bound.
    assert_eq!(host.state(), ServiceHostState::Faulted);
    assert_eq!(host.local_addr(), None);
    let r = host.open().await;
    assert!(
        matches!(
            r,
            Err(Error::InvalidOperation {
                state: "Faulted",
                ..
            })
        ),
        "{r:?}"
    );
    tokio::time::timeout(STEP, host.close())
        .await
        .expect("close timed out")
        .expect("close");
    host.reset().expect("reset");
    host.open().await.expect("open");
    let addr = host.local_addr().expect("bound");
    let r = request(addr, "POST", "/a", &[CT11], &env11("", &add_body("1", "2"))).await;
    assert_eq!(r.status, 200, "{}", r.body);
    host.close().await.expect("close");
}

#[tokio::test]
async fn dropping_close_aborts_the_host() {
    let (host, addr, mut ev) = start(Default::default()).await;
    let mut c = Conn::connect(addr).await;
    c.send(
        "POST",
        "/calc11",
        &[
            CT11,
            ("SOAPAction", "\"http://example.org/wws/calculator/Delay\""),
        ],
        &env11("", &delay_body(20_000)),
    )
    .await;
    wait_event(&mut ev, |e| *e == Event::DelayStarted(20_000)).await;
    {
        let mut closing = std::pin::pin!(host.close());
        assert!(poll_once(closing.as_mut()).is_pending());
        assert_eq!(host.state(), ServiceHostState::Closing);
    }
    // Not left Closing with nobody to time it out: aborted, so Closed.
    assert_eq!(host.state(), ServiceHostState::Closed);
    let e = wait_event(&mut ev, |e| matches!(e, Event::Cancelled(..))).await;
    assert!(
        matches!(e, Event::Cancelled(wws_host::CancelReason::HostAborted, _)),
        "{e:?}"
    );
    assert!(c.closed_by_server().await, "connection left open");
    // Closed is settled: close is Ok at once, and a reset host opens again.
    host.close().await.expect("close");
    host.reset().expect("reset");
    host.open().await.expect("open");
    host.close().await.expect("close");
}

#[tokio::test]
async fn close_from_created_is_ok() {
    let host = new_host("127.0.0.1:0");
    host.close().await.expect("close");
    assert_eq!(host.state(), ServiceHostState::Closed);
}

#[tokio::test]
async fn address_in_use_faults_the_host() {
    let first = new_host("127.0.0.1:0");
    first.add_endpoint(endpoint("/a")).expect("endpoint");
    first.open().await.expect("open");
    let taken = first.local_addr().expect("addr");
    let second = ServiceHost::new(taken);
    second.add_endpoint(endpoint("/a")).expect("endpoint");
    let r = second.open().await;
    assert!(matches!(r, Err(Error::AddressInUse { .. })), "{r:?}");
    assert_eq!(second.state(), ServiceHostState::Faulted);
    first.abort();
}

#[tokio::test]
async fn abort_from_created_and_closed_changes_nothing() {
    let host = new_host("127.0.0.1:0");
    host.add_endpoint(endpoint("/a")).expect("endpoint");
    host.abort();
    assert_eq!(host.state(), ServiceHostState::Created);
    // The abort belonged to no open: a later one is not affected.
    host.open().await.expect("open after an abort in Created");
    let addr = host.local_addr().expect("bound");
    let r = request(addr, "POST", "/a", &[CT11], &env11("", &add_body("1", "2"))).await;
    assert_eq!(r.status, 200, "{}", r.body);
    host.close().await.expect("close");
    host.abort();
    assert_eq!(host.state(), ServiceHostState::Closed);
    host.reset().expect("reset");
    host.abort();
    assert_eq!(host.state(), ServiceHostState::Created);
    host.open()
        .await
        .expect("open after an abort in Closed and Created");
    assert_eq!(host.state(), ServiceHostState::Open);
    host.close().await.expect("close");
}

#[tokio::test]
async fn dropping_the_last_handle_aborts_the_host() {
    let (host, addr, mut ev) = start(Default::default()).await;
    let mut c = Conn::connect(addr).await;
    c.send(
        "POST",
        "/calc11",
        &[
            CT11,
            ("SOAPAction", "\"http://example.org/wws/calculator/Delay\""),
        ],
        &env11("", &delay_body(20_000)),
    )
    .await;
    wait_event(&mut ev, |e| *e == Event::DelayStarted(20_000)).await;
    let other = host.clone();
    drop(host);
    assert_eq!(
        other.state(),
        ServiceHostState::Open,
        "a clone keeps the host"
    );
    drop(other);
    let e = wait_event(&mut ev, |e| matches!(e, Event::Cancelled(..))).await;
    assert!(
        matches!(e, Event::Cancelled(wws_host::CancelReason::HostAborted, _)),
        "{e:?}"
    );
    assert!(c.closed_by_server().await);
}
