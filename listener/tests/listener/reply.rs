//! How a `ReplyChannel` answers: status codes and content types per SOAP
//! version, one-way acknowledgement, non-SOAP answers, drop and abort, and
//! the request size quota.

use std::time::Duration;

use crate::common::*;
use bytes::Bytes;
use http::{HeaderMap, HeaderValue, StatusCode};
use wws_channel::ChannelState;
use wws_core::{EnvelopeVersion, Error, Fault, FaultCode, FaultReason, ReaderQuotas};

fn fault(code: FaultCode) -> Fault {
    Fault {
        code,
        subcodes: Vec::new(),
        reasons: vec![FaultReason {
            text: "no".into(),
            lang: "en".into(),
        }],
        actor: None,
        node: None,
        detail: None,
    }
}

/// Sends one request over a fresh connection and returns the accepted exchange.
async fn exchange(
    listener: &wws_listener::Listener,
    addr: std::net::SocketAddr,
    request: Vec<u8>,
) -> (wws_listener::ReplyChannel, RawClient) {
    let mut client = RawClient::connect(addr).await;
    client.send(&request).await;
    let exchange = listener.accept_channel().await.expect("accept");
    (exchange, client)
}

#[tokio::test]
async fn fault_status_codes_follow_the_soap_version() {
    let (listener, addr) = open_listener(no_timeouts()).await;
    let cases = [
        (
            EnvelopeVersion::Soap11,
            FaultCode::Sender,
            500,
            "text/xml; charset=utf-8",
        ),
        (
            EnvelopeVersion::Soap11,
            FaultCode::Receiver,
            500,
            "text/xml; charset=utf-8",
        ),
        (
            EnvelopeVersion::Soap12,
            FaultCode::Sender,
            400,
            "application/soap+xml; charset=utf-8",
        ),
        (
            EnvelopeVersion::Soap12,
            FaultCode::Receiver,
            500,
            "application/soap+xml; charset=utf-8",
        ),
        (
            EnvelopeVersion::Soap12,
            FaultCode::MustUnderstand,
            500,
            "application/soap+xml; charset=utf-8",
        ),
        (
            EnvelopeVersion::Soap12,
            FaultCode::VersionMismatch,
            500,
            "application/soap+xml; charset=utf-8",
        ),
        (
            EnvelopeVersion::Soap12,
            FaultCode::DataEncodingUnknown,
            500,
            "application/soap+xml; charset=utf-8",
        ),
    ];
    for (version, code, status, content_type) in cases {
        let (ex, mut client) = exchange(
            &listener,
            addr,
            soap11_request("/", "urn:test/A", "<t:A xmlns:t=\"urn:test\"/>"),
        )
        .await;
        ex.receive().await.expect("receive");
        ex.reply_fault(version, &fault(code.clone()))
            .await
            .expect("reply fault");
        let response = client.response().await.expect("response");
        assert_eq!(response.status, status, "{version:?} {code:?}");
        assert_eq!(
            response.header("content-type").as_deref(),
            Some(content_type)
        );
        let read =
            wws_core::Message::read(&response.body, &ReaderQuotas::default()).expect("envelope");
        assert_eq!(read.fault().expect("fault").map(|f| f.code), Some(code));
    }
}

#[tokio::test]
async fn a_reply_is_200_with_the_version_content_type() {
    let (listener, addr) = open_listener(no_timeouts()).await;
    let (ex, mut client) = exchange(
        &listener,
        addr,
        soap12_request("/", "urn:test/A", "<t:A xmlns:t=\"urn:test\"/>"),
    )
    .await;
    let request = ex.receive().await.expect("receive");
    assert_eq!(
        request.action.as_deref(),
        Some("urn:test/A"),
        "action from the media type"
    );
    let mut reply = reply_message(
        EnvelopeVersion::Soap12,
        "<t:AResponse xmlns:t=\"urn:test\"/>",
    );
    reply.action = Some("urn:test/AResponse".into());
    ex.reply(reply).await.expect("reply");
    let response = client.response().await.expect("response");
    assert_eq!(response.status, 200);
    assert_eq!(
        response.header("content-type").as_deref(),
        Some("application/soap+xml; charset=utf-8; action=\"urn:test/AResponse\"")
    );
    // A second answer is refused; closing after a reply just ends the exchange.
    assert!(matches!(
        ex.reply_http(StatusCode::OK, None, Bytes::new(), HeaderMap::new())
            .await,
        Err(Error::InvalidOperation {
            object: "ReplyChannel",
            state: "Open",
            ..
        })
    ));
    assert!(matches!(
        ex.receive().await,
        Err(Error::InvalidOperation {
            object: "ReplyChannel",
            ..
        })
    ));
    ex.close().await.expect("close after reply");
    assert_eq!(ex.state(), ChannelState::Closed);
}

#[tokio::test]
async fn close_without_reply_is_a_202_acknowledgement() {
    let (listener, addr) = open_listener(no_timeouts()).await;
    let (ex, mut client) = exchange(
        &listener,
        addr,
        soap11_request("/", "urn:test/Log", "<t:Log xmlns:t=\"urn:test\"/>"),
    )
    .await;
    ex.receive().await.expect("receive");
    ex.close().await.expect("close");
    assert_eq!(ex.state(), ChannelState::Closed);
    let response = client.response().await.expect("response");
    assert_eq!(response.status, 202);
    assert!(response.body.is_empty());
    ex.close().await.expect("close twice");
    assert!(matches!(
        ex.receive().await,
        Err(Error::InvalidOperation {
            state: "Closed",
            ..
        })
    ));
}

#[tokio::test]
async fn non_soap_answers() {
    let (listener, addr) = open_listener(no_timeouts()).await;
    let mut client = RawClient::connect(addr).await;
    client
        .send(b"GET /calc?wsdl HTTP/1.1\r\nhost: t\r\n\r\n")
        .await;
    let ex = listener.accept_channel().await.expect("accept");
    assert_eq!(ex.method(), http::Method::GET);
    assert_eq!(ex.query(), Some("wsdl"));
    assert_eq!(ex.envelope_version_hint(), None);
    ex.reply_http(
        StatusCode::OK,
        Some("text/xml"),
        Bytes::from_static(b"<definitions/>"),
        HeaderMap::new(),
    )
    .await
    .expect("wsdl");
    let response = client.response().await.expect("response");
    assert_eq!(
        (response.status, response.text().as_str()),
        (200, "<definitions/>")
    );

    client
        .send(b"PUT /calc HTTP/1.1\r\nhost: t\r\ncontent-length: 0\r\n\r\n")
        .await;
    let ex = listener.accept_channel().await.expect("accept");
    let mut allow = HeaderMap::new();
    allow.insert(http::header::ALLOW, HeaderValue::from_static("POST, GET"));
    ex.reply_http(StatusCode::METHOD_NOT_ALLOWED, None, Bytes::new(), allow)
        .await
        .expect("405");
    let response = client.response().await.expect("response");
    assert_eq!(response.status, 405);
    assert_eq!(response.header("allow").as_deref(), Some("POST, GET"));
}

#[tokio::test]
async fn dropping_without_an_answer_closes_the_connection() {
    let (listener, addr) = open_listener(no_timeouts()).await;
    let (ex, mut client) = exchange(
        &listener,
        addr,
        soap11_request("/", "urn:test/A", "<t:A xmlns:t=\"urn:test\"/>"),
    )
    .await;
    ex.receive().await.expect("receive");
    drop(ex);
    let got = client.closed_by_server(Duration::from_secs(10)).await;
    assert!(
        got.is_empty(),
        "no response expected: {}",
        String::from_utf8_lossy(&got)
    );
}

#[tokio::test]
async fn abort_drops_the_connection() {
    let (listener, addr) = open_listener(no_timeouts()).await;
    let (ex, mut client) = exchange(
        &listener,
        addr,
        soap11_request("/", "urn:test/A", "<t:A xmlns:t=\"urn:test\"/>"),
    )
    .await;
    ex.abort();
    ex.abort();
    assert_eq!(ex.state(), ChannelState::Faulted);
    let got = client.closed_by_server(Duration::from_secs(10)).await;
    assert!(got.is_empty());
    assert!(matches!(
        ex.receive().await,
        Err(Error::ObjectFaulted {
            object: "ReplyChannel"
        })
    ));
    assert!(matches!(
        ex.reply(reply_message(
            EnvelopeVersion::Soap11,
            "<t:R xmlns:t=\"urn:test\"/>"
        ))
        .await,
        Err(Error::ObjectFaulted { .. })
    ));
    ex.close().await.expect("close after abort");
    assert_eq!(ex.state(), ChannelState::Closed);
}

#[tokio::test]
async fn abort_ends_a_pending_receive() {
    let (listener, addr) = open_listener(no_timeouts()).await;
    let mut client = RawClient::connect(addr).await;
    client
        .send(b"POST / HTTP/1.1\r\nhost: t\r\ncontent-type: text/xml\r\ncontent-length: 100\r\n\r\n<s:")
        .await;
    let ex = listener.accept_channel().await.expect("accept");
    let mut receive = Box::pin(ex.receive());
    assert!(poll_once(&mut receive).await.is_none());
    ex.abort();
    assert!(matches!(
        receive.await,
        Err(Error::Aborted {
            object: "ReplyChannel"
        })
    ));
    client.closed_by_server(Duration::from_secs(10)).await;
}

#[tokio::test]
async fn a_request_over_the_quota_is_refused_and_can_get_a_fault() {
    let (listener, addr) = open_listener({
        let mut props = no_timeouts();
        props.quotas = {
            let mut props = ReaderQuotas::default();
            props.max_message_size = 1024;
            props
        };
        props
    })
    .await;
    let big = format!("<t:Big xmlns:t=\"urn:test\">{}</t:Big>", "x".repeat(4096));
    let (ex, mut client) =
        exchange(&listener, addr, soap11_request("/", "urn:test/Big", &big)).await;
    match ex.receive().await {
        Err(Error::QuotaExceeded { quota, limit }) => {
            assert_eq!((quota, limit), ("max message size", 1024))
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(ex.state(), ChannelState::Open);
    ex.reply_fault(EnvelopeVersion::Soap11, &fault(FaultCode::Sender))
        .await
        .expect("fault reply");
    assert_eq!(client.response().await.expect("response").status, 500);
}
