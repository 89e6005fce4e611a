//! A request and its reply over loopback, through `wws_listener`, in both SOAP versions.

use crate::common::*;
use wws_channel::{Channel, ChannelState};
use wws_core::{AddressingVersion, EnvelopeVersion, Message, QName};
use wws_listener::Listener;
use wws_listener::ReplyChannel;

async fn open_listener() -> Listener {
    let listener = Listener::new();
    listener
        .open("127.0.0.1:0".parse().expect("addr"))
        .await
        .expect("listener open");
    listener
}

/// Echoes the request body back with action `<action>Response`.
async fn echo_once(exchange: &ReplyChannel) -> Message {
    let request = exchange.receive().await.expect("receive");
    let mut reply = Message::new(request.envelope, AddressingVersion::Transport);
    reply.action = request.action.as_ref().map(|a| format!("{a}Response"));
    reply.body = request.body.clone();
    exchange.reply(reply).await.expect("reply");
    request
}

#[tokio::test]
async fn soap11_request_carries_text_xml_and_soapaction() {
    let listener = open_listener().await;
    let addr = listener.local_addr().expect("bound");
    let channel = Channel::with_properties(channel_no_timeouts()).expect("valid properties");
    channel.open(&url(addr, "/calc?x=1")).await.expect("open");
    assert_eq!(channel.state(), ChannelState::Open);
    assert_eq!(channel.url(), Some(url(addr, "/calc?x=1")));

    let server = tokio::spawn(async move {
        let exchange = listener.accept_channel().await.expect("accept");
        assert_eq!(exchange.state(), ChannelState::Open);
        assert_eq!(exchange.method(), http::Method::POST);
        assert_eq!(exchange.path(), "/calc");
        assert_eq!(exchange.query(), Some("x=1"));
        assert_eq!(exchange.content_type(), Some("text/xml; charset=utf-8"));
        assert_eq!(exchange.soap_action(), Some("urn:test/Echo"));
        assert_eq!(
            exchange
                .headers()
                .get("soapaction")
                .expect("SOAPAction header"),
            "\"urn:test/Echo\""
        );
        assert_eq!(
            exchange.envelope_version_hint(),
            Some(EnvelopeVersion::Soap11)
        );
        let request = echo_once(&exchange).await;
        assert_eq!(request.envelope, EnvelopeVersion::Soap11);
        assert_eq!(request.action.as_deref(), Some("urn:test/Echo"));
    });

    let reply = channel
        .request(echo_request(EnvelopeVersion::Soap11, "one"))
        .await
        .expect("request");
    server.await.expect("server");
    assert_eq!(reply.envelope, EnvelopeVersion::Soap11);
    assert_eq!(reply.body_element(), Some(QName::new("urn:test", "Echo")));
    channel.close().await.expect("close");
    assert_eq!(channel.state(), ChannelState::Closed);
}

#[tokio::test]
async fn soap12_request_carries_the_action_parameter() {
    let listener = open_listener().await;
    let addr = listener.local_addr().expect("bound");
    let channel = Channel::with_properties(channel_no_timeouts()).expect("valid properties");
    channel.open(&url(addr, "/calc12")).await.expect("open");

    let server = tokio::spawn(async move {
        let exchange = listener.accept_channel().await.expect("accept");
        assert_eq!(
            exchange.content_type(),
            Some("application/soap+xml; charset=utf-8; action=\"urn:test/Echo\"")
        );
        assert!(exchange.headers().get("soapaction").is_none());
        assert_eq!(exchange.soap_action(), Some("urn:test/Echo"));
        assert_eq!(
            exchange.envelope_version_hint(),
            Some(EnvelopeVersion::Soap12)
        );
        let request = echo_once(&exchange).await;
        assert_eq!(request.envelope, EnvelopeVersion::Soap12);
        assert_eq!(request.action.as_deref(), Some("urn:test/Echo"));
    });

    let reply = channel
        .request(echo_request(EnvelopeVersion::Soap12, "two"))
        .await
        .expect("request");
    server.await.expect("server");
    assert_eq!(reply.envelope, EnvelopeVersion::Soap12);
    assert_eq!(reply.body_element(), Some(QName::new("urn:test", "Echo")));
}

#[tokio::test]
async fn a_wsa_action_travels_in_the_envelope_and_the_transport() {
    let listener = open_listener().await;
    let addr = listener.local_addr().expect("bound");
    let channel = Channel::with_properties(channel_no_timeouts()).expect("valid properties");
    channel.open(&url(addr, "/")).await.expect("open");
    let server = tokio::spawn(async move {
        let exchange = listener.accept_channel().await.expect("accept");
        assert_eq!(exchange.soap_action(), Some("urn:test/Echo"));
        let request = exchange.receive().await.expect("receive");
        assert_eq!(request.action.as_deref(), Some("urn:test/Echo"));
        assert_eq!(request.addressing, AddressingVersion::WsAddressing10);
        exchange.close().await.expect("close");
    });
    let mut msg = echo_request(EnvelopeVersion::Soap12, "wsa");
    msg.addressing = AddressingVersion::WsAddressing10;
    channel.send(msg).await.expect("one-way send");
    server.await.expect("server");
}

#[tokio::test]
async fn a_message_without_action_has_none_on_either_side() {
    let listener = open_listener().await;
    let addr = listener.local_addr().expect("bound");
    let channel = Channel::with_properties(channel_no_timeouts()).expect("valid properties");
    channel.open(&url(addr, "/")).await.expect("open");
    let server = tokio::spawn(async move {
        let exchange = listener.accept_channel().await.expect("accept");
        assert_eq!(
            exchange.headers().get("soapaction").expect("header"),
            "\"\""
        );
        assert_eq!(exchange.soap_action(), None);
        let request = exchange.receive().await.expect("receive");
        assert_eq!(request.action, None);
        exchange.close().await.expect("close");
    });
    let msg = request_message(
        EnvelopeVersion::Soap11,
        None,
        "<t:Ping xmlns:t=\"urn:test\"/>",
    );
    channel.send(msg).await.expect("one-way send");
    server.await.expect("server");
}
