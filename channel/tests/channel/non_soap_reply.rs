//! Answers that are HTTP but not SOAP: an HTML page with 200, an XML
//! document that is no envelope. Each is `InvalidFormat` saying what came
//! back; the exchange was complete, so the channel stays `Open`.

use crate::common::*;
use wws_channel::{Channel, ChannelState};
use wws_core::{EnvelopeVersion, Error};

async fn request_against(answer: Vec<u8>) -> (Channel, wws_core::Result<wws_core::Message>) {
    let (addr, server) = canned_server(vec![answer]).await;
    let channel = Channel::with_properties(no_timeouts()).expect("valid properties");
    channel.open(&url(addr, "/svc")).await.expect("open");
    let result = channel.request(echo(EnvelopeVersion::Soap11, "x")).await;
    server.await.expect("server");
    (channel, result)
}

#[tokio::test]
async fn an_html_page_is_invalid_format() {
    let html = "<!DOCTYPE html><html><body><h1>It works!</h1></body></html>";
    let (channel, result) =
        request_against(response("200 OK", &[("content-type", "text/html")], html)).await;
    match result {
        Err(Error::InvalidFormat(m)) => assert!(m.contains("text/html"), "{m}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(channel.state(), ChannelState::Open);
}

#[tokio::test]
async fn xhtml_served_as_xml_is_invalid_format() {
    let xhtml = "<html xmlns=\"http://www.w3.org/1999/xhtml\"><body>hi</body></html>";
    let (channel, result) =
        request_against(response("200 OK", &[("content-type", "text/xml")], xhtml)).await;
    match result {
        Err(Error::InvalidFormat(m)) => {
            assert!(m.to_lowercase().contains("not a soap envelope"), "{m}")
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(channel.state(), ChannelState::Open);
}

#[tokio::test]
async fn an_error_page_with_a_failure_status_is_invalid_format() {
    let (channel, result) = request_against(response(
        "500 Internal Server Error",
        &[("content-type", "text/html")],
        "<html><body>Internal error</body></html>",
    ))
    .await;
    match result {
        Err(Error::InvalidFormat(m)) => assert!(m.contains("500"), "{m}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(channel.state(), ChannelState::Open);
}
