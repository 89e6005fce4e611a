//! A bind conflict is `AddressInUse` and faults the listener; close and reset recover it.

use crate::common::*;
use wws_core::Error;
use wws_listener::{Listener, ListenerState};

#[tokio::test]
async fn a_second_listener_on_the_same_port_fails() {
    let (_first, addr) = open_listener(no_timeouts()).await;
    let second = Listener::with_properties(no_timeouts()).expect("valid properties");
    match second.open(addr).await {
        Err(Error::AddressInUse { addr: a, source }) => {
            assert_eq!(a, addr.to_string());
            assert!(source.is_some());
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(second.state(), ListenerState::Faulted);
    assert!(matches!(
        second.accept_channel().await,
        Err(Error::ObjectFaulted { .. })
    ));
    second.close().await.expect("close");
    second.reset().expect("reset");
    second
        .open("127.0.0.1:0".parse().expect("addr"))
        .await
        .expect("open on a free port");
    assert_ne!(second.local_addr(), Some(addr));
}
