//! `max_accepting_channels` bounds the accepts waiting at once; many may
//! wait, and each gets its own exchange.

use crate::common::*;
use wws_core::Error;

#[tokio::test]
async fn one_accept_beyond_the_limit_fails_at_once() {
    let (listener, addr) = open_listener({
        let mut props = no_timeouts();
        props.max_accepting_channels = 2;
        props
    })
    .await;
    let mut a = Box::pin(listener.accept_channel());
    let mut b = Box::pin(listener.accept_channel());
    assert!(poll_once(&mut a).await.is_none());
    assert!(poll_once(&mut b).await.is_none());
    match listener.accept_channel().await {
        Err(Error::QuotaExceeded { quota, limit }) => {
            assert_eq!((quota, limit), ("max accepting channels", 2));
        }
        other => panic!("{other:?}"),
    }
    // When one accept ends, there is room again.
    drop(a);
    let mut c = Box::pin(listener.accept_channel());
    assert!(
        poll_once(&mut c).await.is_none(),
        "room for one more after a drop"
    );

    let mut client = RawClient::connect(addr).await;
    client
        .send(&soap11_request(
            "/",
            "urn:test/A",
            "<t:A xmlns:t=\"urn:test\"/>",
        ))
        .await;
    // Exactly one of the two waiting accepts gets the exchange.
    let got = tokio::select! {
        r = &mut b => r,
        r = &mut c => r,
    };
    let exchange = got.expect("an accept got the exchange");
    assert_eq!(exchange.soap_action(), Some("urn:test/A"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_waiting_accepts_each_get_one_exchange() {
    let (listener, addr) = open_listener(no_timeouts()).await;
    let accepts: Vec<_> = (0..4)
        .map(|_| {
            let listener = listener.clone();
            tokio::spawn(async move { listener.accept_channel().await })
        })
        .collect();
    let mut clients = Vec::new();
    for i in 0..4 {
        let mut client = RawClient::connect(addr).await;
        client
            .send(&soap11_request(
                "/",
                &format!("urn:test/{i}"),
                "<t:A xmlns:t=\"urn:test\"/>",
            ))
            .await;
        clients.push(client);
    }
    let mut actions = Vec::new();
    for a in accepts {
        let exchange = a.await.expect("task").expect("accept");
        actions.push(exchange.soap_action().expect("action").to_owned());
        exchange.close().await.expect("ack");
    }
    actions.sort();
    assert_eq!(
        actions,
        ["urn:test/0", "urn:test/1", "urn:test/2", "urn:test/3"]
    );
    for mut c in clients {
        assert_eq!(c.response().await.expect("response").status, 202);
    }
}
