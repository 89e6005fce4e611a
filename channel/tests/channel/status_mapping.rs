//! How HTTP answers map to results: SOAP faults whatever the status, 404,
//! 503, 415, answers without an envelope, one-way acknowledgements, and
//! refused or lost connections.

use crate::common::*;
use wws_channel::{Channel, ChannelState};
use wws_core::{EnvelopeVersion, Error, FaultCode};

const FAULT11: &str =
    "<s:Fault><faultcode>s:Client</faultcode><faultstring>bad input</faultstring></s:Fault>";
const FAULT12_SENDER: &str = "<e:Fault><e:Code><e:Value>e:Sender</e:Value></e:Code><e:Reason><e:Text xml:lang=\"en\">bad input</e:Text></e:Reason></e:Fault>";
const FAULT12_RECEIVER: &str = "<e:Fault><e:Code><e:Value>e:Receiver</e:Value></e:Code><e:Reason><e:Text xml:lang=\"en\">broken</e:Text></e:Reason></e:Fault>";
const ECHO_REPLY: &str =
    "<t:EchoResponse xmlns:t=\"urn:test\"><t:text>ok</t:text></t:EchoResponse>";

fn soap11(status: &str, body: &str) -> Vec<u8> {
    response(
        status,
        &[("content-type", "text/xml; charset=utf-8")],
        &envelope11(body),
    )
}

fn soap12(status: &str, body: &str) -> Vec<u8> {
    response(
        status,
        &[("content-type", "application/soap+xml; charset=utf-8")],
        &envelope12(body),
    )
}

async fn open_to(addr: std::net::SocketAddr) -> Channel {
    let channel = Channel::with_properties(no_timeouts()).expect("valid properties");
    channel.open(&url(addr, "/svc")).await.expect("open");
    channel
}

#[tokio::test]
async fn fault_bodies_are_fault_received_whatever_the_status() {
    let (addr, server) = canned_server(vec![
        soap11("500 Internal Server Error", FAULT11),
        soap12("400 Bad Request", FAULT12_SENDER),
        soap12("500 Internal Server Error", FAULT12_RECEIVER),
        soap11("200 OK", FAULT11),
        soap11("404 Not Found", FAULT11),
        soap11("200 OK", ECHO_REPLY),
    ])
    .await;
    let channel = open_to(addr).await;
    let expected = [
        (EnvelopeVersion::Soap11, FaultCode::Sender, "bad input"),
        (EnvelopeVersion::Soap12, FaultCode::Sender, "bad input"),
        (EnvelopeVersion::Soap12, FaultCode::Receiver, "broken"),
        (EnvelopeVersion::Soap11, FaultCode::Sender, "bad input"),
        (EnvelopeVersion::Soap11, FaultCode::Sender, "bad input"),
    ];
    for (i, (version, code, reason)) in expected.into_iter().enumerate() {
        match channel.request(echo(version, "x")).await {
            Err(Error::FaultReceived(fault)) => {
                assert_eq!(fault.code, code, "answer {i}");
                assert_eq!(fault.reasons.first().map(|r| r.text.as_str()), Some(reason));
            }
            other => panic!("answer {i}: expected a fault, got {other:?}"),
        }
        // A fault completes the exchange: the channel stays usable.
        assert_eq!(channel.state(), ChannelState::Open);
    }
    let reply = channel
        .request(echo(EnvelopeVersion::Soap11, "x"))
        .await
        .expect("reply after faults");
    assert!(!reply.is_fault());
    // All six exchanges went over the one keep-alive connection.
    assert_eq!(server.await.expect("server").len(), 6);
}

#[tokio::test]
async fn status_codes_without_envelope_map_to_endpoint_errors() {
    let (addr, _server) = canned_server(vec![
        response("404 Not Found", &[], ""),
        response(
            "404 Not Found",
            &[("content-type", "text/html")],
            "<html>nope</html>",
        ),
        response("503 Service Unavailable", &[], ""),
        response("415 Unsupported Media Type", &[], ""),
        response(
            "500 Internal Server Error",
            &[("content-type", "text/plain")],
            "oops",
        ),
        response("202 Accepted", &[], ""),
        response(
            "200 OK",
            &[("content-type", "text/html")],
            "<html>not soap</html>",
        ),
    ])
    .await;
    let channel = open_to(addr).await;
    let url = url(addr, "/svc");
    let mut results = Vec::new();
    for _ in 0..7 {
        results.push(channel.request(echo(EnvelopeVersion::Soap11, "x")).await);
        assert_eq!(
            channel.state(),
            ChannelState::Open,
            "an HTTP answer does not fault the channel"
        );
    }
    let mut results = results.into_iter();
    for _ in 0..2 {
        match results.next() {
            Some(Err(Error::EndpointNotFound { url: u })) => assert_eq!(u, url),
            other => panic!("404: {other:?}"),
        }
    }
    assert!(matches!(
        results.next(),
        Some(Err(Error::EndpointTooBusy { .. }))
    ));
    match results.next() {
        Some(Err(Error::InvalidFormat(m))) => assert!(m.contains("415"), "{m}"),
        other => panic!("415: {other:?}"),
    }
    match results.next() {
        Some(Err(Error::InvalidFormat(m))) => assert!(m.contains("500"), "{m}"),
        other => panic!("500: {other:?}"),
    }
    match results.next() {
        Some(Err(Error::InvalidFormat(m))) => assert!(m.contains("no reply"), "{m}"),
        other => panic!("202 on request: {other:?}"),
    }
    assert!(
        matches!(results.next(), Some(Err(Error::InvalidFormat(_)))),
        "HTML with 200"
    );
}

#[tokio::test]
async fn one_way_send_accepts_202_and_200_with_empty_body() {
    let (addr, server) = canned_server(vec![
        response("202 Accepted", &[], ""),
        response("200 OK", &[], ""),
        soap11("500 Internal Server Error", FAULT11),
    ])
    .await;
    let channel = open_to(addr).await;
    channel
        .send(echo(EnvelopeVersion::Soap11, "a"))
        .await
        .expect("202");
    channel
        .send(echo(EnvelopeVersion::Soap11, "b"))
        .await
        .expect("200");
    assert!(matches!(
        channel.send(echo(EnvelopeVersion::Soap11, "c")).await,
        Err(Error::FaultReceived(_))
    ));
    let seen = server.await.expect("server");
    assert_eq!(seen.len(), 3);
    assert!(
        seen.iter()
            .all(|r| r.request_line() == "POST /svc HTTP/1.1")
    );
}

#[tokio::test]
async fn refused_connection_is_unreachable_at_open() {
    // Bind then drop: nothing listens on the port any more.
    let addr = {
        let (listener, addr) = raw_listener().await;
        drop(listener);
        addr
    };
    let channel = Channel::with_properties(no_timeouts()).expect("valid properties");
    match channel.open(&url(addr, "/")).await {
        Err(Error::EndpointUnreachable { url: u, source }) => {
            assert_eq!(u, url(addr, "/"));
            assert!(source.is_some());
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(channel.state(), ChannelState::Faulted);
}

#[tokio::test]
async fn connection_lost_mid_response_is_disconnected() {
    let (listener, addr) = raw_listener().await;
    let server = tokio::spawn(async move {
        let (mut stream, _) = listener.accept().await.expect("accept");
        read_request(&mut stream).await.expect("first request");
        write_response(&mut stream, "200 OK", &[], b"").await;
        read_request(&mut stream).await.expect("second request");
        // Announce 1000 bytes, send 20, hang up.
        use tokio::io::AsyncWriteExt;
        stream
            .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 1000\r\n\r\n<s:Envelope xmlns:s=")
            .await
            .expect("write");
    });
    let channel = open_to(addr).await;
    channel
        .send(echo(EnvelopeVersion::Soap11, "a"))
        .await
        .expect("first exchange");
    let err = channel
        .request(echo(EnvelopeVersion::Soap11, "b"))
        .await
        .expect_err("truncated reply");
    server.await.expect("server");
    match err {
        Error::EndpointDisconnected { detail, .. } => assert!(detail.contains("reply"), "{detail}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(channel.state(), ChannelState::Faulted);
    assert!(matches!(
        channel.request(echo(EnvelopeVersion::Soap11, "c")).await,
        Err(Error::ObjectFaulted { object: "Channel" })
    ));
}

#[tokio::test]
async fn connection_closed_before_any_answer_is_disconnected() {
    let (listener, addr) = raw_listener().await;
    let server = tokio::spawn(async move {
        let (mut stream, _) = listener.accept().await.expect("accept");
        read_request(&mut stream).await.expect("request");
        drop(stream);
    });
    let channel = open_to(addr).await;
    let err = channel
        .request(echo(EnvelopeVersion::Soap11, "a"))
        .await
        .expect_err("no answer");
    server.await.expect("server");
    assert!(matches!(err, Error::EndpointDisconnected { .. }), "{err:?}");
    assert_eq!(channel.state(), ChannelState::Faulted);
}
