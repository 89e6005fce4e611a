//! The serve and acceptor seams: a service run for each exchange on its
//! connection's task, and what makes accepted connections ready.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use crate::common::*;
use tokio::sync::mpsc;
use wws_core::{EnvelopeVersion, Error};
use wws_listener::Listener;
use wws_listener::acceptor::{Accepted, Accepting, Acceptor};

const STEP: Duration = Duration::from_secs(10);

/// Sends `what` when dropped: shows that a service future went away.
struct Dropped(mpsc::UnboundedSender<&'static str>, &'static str);

impl Drop for Dropped {
    fn drop(&mut self) {
        let _ = self.0.send(self.1);
    }
}

/// A listener whose service echoes each request's body, or waits for ever
/// when the body says `wait`; it reports each exchange's end.
async fn serving() -> (Listener, SocketAddr, mpsc::UnboundedReceiver<&'static str>) {
    let (tx, rx) = mpsc::unbounded_channel();
    let listener = Listener::builder()
        .properties(wws_listener::ListenerProperties::no_timeouts())
        .build()
        .expect("listener");
    listener
        .serve(move |exchange: wws_listener::ReplyChannel| {
            let tx = tx.clone();
            async move {
                let _gone = Dropped(tx.clone(), "service future dropped");
                let request = exchange.receive().await.expect("request");
                if std::str::from_utf8(&request.body).is_ok_and(|b| b.contains("wait")) {
                    let _ = tx.send("waiting");
                    std::future::pending::<()>().await;
                }
                let mut reply = reply_message(request.envelope, "<t:R xmlns:t=\"urn:test\"/>");
                reply.body = request.body;
                exchange.reply(reply).await.expect("reply");
            }
        })
        .expect("serve");
    listener
        .open("127.0.0.1:0".parse().expect("addr"))
        .await
        .expect("open");
    let addr = listener.local_addr().expect("bound");
    (listener, addr, rx)
}

#[tokio::test]
async fn a_served_listener_answers_through_its_service_and_refuses_accept() {
    let (listener, addr, mut ends) = serving().await;
    let mut client = RawClient::connect(addr).await;
    for i in 0..3 {
        let body = format!("<t:Echo xmlns:t=\"urn:test\">{i}</t:Echo>");
        client
            .send(&soap12_request("/x", "urn:test/Echo", &body))
            .await;
        let response = tokio::time::timeout(STEP, client.response())
            .await
            .expect("bounded")
            .expect("response");
        assert!(
            response.text().contains(&format!(">{i}</t:Echo>")),
            "{}",
            response.text()
        );
        assert_eq!(
            tokio::time::timeout(STEP, ends.recv())
                .await
                .expect("bounded"),
            Some("service future dropped")
        );
    }
    let r = listener.accept_channel().await;
    assert!(
        matches!(
            r,
            Err(Error::InvalidOperation {
                operation: "accept_channel",
                ..
            })
        ),
        "{r:?}"
    );
    let r = listener.serve(|_exchange: wws_listener::ReplyChannel| async {});
    assert!(
        matches!(
            r,
            Err(Error::InvalidOperation {
                operation: "serve",
                ..
            })
        ),
        "{r:?}"
    );
    listener.close().await.expect("close");
}

#[tokio::test]
async fn a_client_leaving_drops_its_exchange_where_it_stands() {
    let (listener, addr, mut ends) = serving().await;
    let mut client = RawClient::connect(addr).await;
    client
        .send(&soap12_request(
            "/x",
            "urn:test/Echo",
            "<t:Echo xmlns:t=\"urn:test\">wait</t:Echo>",
        ))
        .await;
    assert_eq!(
        tokio::time::timeout(STEP, ends.recv())
            .await
            .expect("bounded"),
        Some("waiting")
    );
    drop(client);
    assert_eq!(
        tokio::time::timeout(STEP, ends.recv())
            .await
            .expect("bounded"),
        Some("service future dropped")
    );
    listener.abort();
}

#[tokio::test]
async fn abort_drops_the_exchanges_in_progress() {
    let (listener, addr, mut ends) = serving().await;
    let mut client = RawClient::connect(addr).await;
    client
        .send(&soap12_request(
            "/x",
            "urn:test/Echo",
            "<t:Echo xmlns:t=\"urn:test\">wait</t:Echo>",
        ))
        .await;
    assert_eq!(
        tokio::time::timeout(STEP, ends.recv())
            .await
            .expect("bounded"),
        Some("waiting")
    );
    listener.abort();
    assert_eq!(
        tokio::time::timeout(STEP, ends.recv())
            .await
            .expect("bounded"),
        Some("service future dropped")
    );
    assert!(client.closed_by_server(STEP).await.is_empty());
}

/// Counts connections; refuses every other one.
#[derive(Debug, Default)]
struct Picky(Arc<AtomicUsize>);

impl Acceptor for Picky {
    fn accept(&self, stream: tokio::net::TcpStream, _peer: SocketAddr) -> Accepting {
        let n = self.0.fetch_add(1, Ordering::SeqCst);
        Box::pin(async move {
            if n % 2 == 1 {
                return Err(std::io::Error::other("refused by the acceptor"));
            }
            Ok(Accepted::new(stream))
        })
    }
}

#[tokio::test]
async fn connections_are_made_ready_by_the_listeners_acceptor() {
    let seen = Arc::new(AtomicUsize::new(0));
    let listener = Listener::builder()
        .acceptor(Picky(seen.clone()))
        .build()
        .expect("listener");
    listener
        .open("127.0.0.1:0".parse().expect("addr"))
        .await
        .expect("open");
    let addr = listener.local_addr().expect("bound");
    let request = soap12_request("/x", "urn:test/Echo", "<t:Echo xmlns:t=\"urn:test\"/>");

    // First connection: accepted, its exchange handed out.
    let mut first = RawClient::connect(addr).await;
    first.send(&request).await;
    let exchange = tokio::time::timeout(STEP, listener.accept_channel())
        .await
        .expect("bounded")
        .expect("accept");
    exchange
        .reply(reply_message(
            EnvelopeVersion::Soap12,
            "<t:R xmlns:t=\"urn:test\"/>",
        ))
        .await
        .expect("reply");
    assert!(first.response().await.is_some());

    // Second: refused by the acceptor, closed without an answer.
    let mut second = RawClient::connect(addr).await;
    second.send(&request).await;
    assert!(second.closed_by_server(STEP).await.is_empty());
    assert_eq!(seen.load(Ordering::SeqCst), 2);
    listener.close().await.expect("close");
}
