//! Each exchange is a tracing span carrying the URL, action, bytes in and
//! out, HTTP status and outcome, on the client and on the server side.

use std::io::Write;
use std::sync::{Arc, Mutex};

use crate::common::*;
use tracing_subscriber::fmt::format::FmtSpan;
use wws_channel::Channel;
use wws_core::{AddressingVersion, EnvelopeVersion, Message};
use wws_listener::Listener;

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("capture").extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn exchange_spans_carry_url_action_sizes_and_outcome() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_span_events(FmtSpan::CLOSE)
        .with_ansi(false)
        .with_max_level(tracing::Level::DEBUG)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let listener = Listener::new();
    listener
        .open("127.0.0.1:0".parse().expect("addr"))
        .await
        .expect("open");
    let addr = listener.local_addr().expect("bound");
    let server = tokio::spawn(async move {
        let exchange = listener.accept_channel().await.expect("accept");
        let request = exchange.receive().await.expect("receive");
        let mut reply = Message::new(request.envelope, AddressingVersion::Transport);
        reply.body = request.body;
        exchange.reply(reply).await.expect("reply");
    });
    let channel = Channel::with_properties(channel_no_timeouts()).expect("valid properties");
    let target = url(addr, "/traced");
    channel.open(&target).await.expect("open");
    channel
        .request(echo_request(EnvelopeVersion::Soap11, "t"))
        .await
        .expect("request");
    server.await.expect("server");
    drop(channel);

    let text = String::from_utf8(captured.0.lock().expect("capture").clone()).expect("utf-8");
    let client = text
        .lines()
        .find(|l| l.contains("wws.channel.exchange") && l.contains("close"))
        .unwrap_or_else(|| panic!("no client exchange span in:\n{text}"));
    for field in [
        format!("url={target}"),
        "action=\"urn:test/Echo\"".to_owned(),
        "status=200".to_owned(),
        "outcome=\"ok\"".to_owned(),
        "bytes_out=".to_owned(),
        "bytes_in=".to_owned(),
    ] {
        assert!(client.contains(&field), "{field} missing in: {client}");
    }
    let server = text
        .lines()
        .find(|l| l.contains("wws.reply") && l.contains("close"))
        .unwrap_or_else(|| panic!("no server exchange span in:\n{text}"));
    for field in [
        "path=\"/traced\"",
        "action=\"urn:test/Echo\"",
        "status=200",
        "outcome=\"ok\"",
        "bytes_in=",
        "bytes_out=",
    ] {
        assert!(server.contains(field), "{field} missing in: {server}");
    }
}
