//! The host's states and the checks on its configuration.

mod common;

use common::*;
use wws_core::state::ServiceHostState;
use wws_core::{AddressingVersion, EnvelopeVersion, Error};
use wws_host::{Contract, Endpoint, ServiceHost};

fn new_host(addr: &str) -> ServiceHost {
    ServiceHost::new(addr.parse().expect("addr"), Default::default())
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
    assert!(matches!(r, Err(Error::AddressInUse { .. })), "{r:?}");
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
    use wws_core::calculator::{Add, AddResponse};
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
            r,
            Err(Error::InvalidOperation {
                object: "Contract",
                ..
            })
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
    let reopen = host.open().await;
    assert!(
        matches!(reopen, Err(Error::InvalidOperation { .. })),
        "{reopen:?}"
    );
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
    let second = ServiceHost::new(taken, Default::default());
    second.add_endpoint(endpoint("/a")).expect("endpoint");
    let r = second.open().await;
    assert!(matches!(r, Err(Error::AddressInUse { .. })), "{r:?}");
    assert_eq!(second.state(), ServiceHostState::Faulted);
    first.abort();
}

#[tokio::test]
async fn abort_from_created_and_closed_changes_nothing() {
    let host = new_host("127.0.0.1:0");
    host.abort();
    assert_eq!(host.state(), ServiceHostState::Created);
    let host = new_host("127.0.0.1:0");
    host.close().await.expect("close");
    host.abort();
    assert_eq!(host.state(), ServiceHostState::Closed);
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
