//! A keep-alive connection the server closes while idle (here: the
//! listener's idle timeout) is replaced transparently by the next request.

use std::time::Duration;

use crate::common::*;
use wws_channel::{Channel, ChannelState};
use wws_core::{AddressingVersion, EnvelopeVersion, Message};
use wws_listener::Listener;
use wws_listener::ListenerProperties;

#[tokio::test(start_paused = true)]
async fn the_next_request_after_an_idle_close_reconnects() {
    let idle_limit = Duration::from_secs(5);
    let listener = Listener::with_properties({
        let mut props = ListenerProperties::default();
        props.header_read_timeout = Some(idle_limit);
        props.body_read_timeout = None;
        props
    })
    .expect("valid properties");
    listener
        .open("127.0.0.1:0".parse().expect("addr"))
        .await
        .expect("open");
    let addr = listener.local_addr().expect("bound");
    let server = tokio::spawn(async move {
        let mut peers = Vec::new();
        for _ in 0..2 {
            let exchange = listener.accept_channel().await.expect("accept");
            peers.push(exchange.peer_addr());
            let request = exchange.receive().await.expect("receive");
            let mut reply = Message::new(request.envelope, AddressingVersion::Transport);
            reply.body = request.body;
            exchange.reply(reply).await.expect("reply");
        }
        peers
    });
    let channel = Channel::with_properties(channel_no_timeouts()).expect("valid properties");
    channel.open(&url(addr, "/")).await.expect("open");
    channel
        .request(echo_request(EnvelopeVersion::Soap11, "1"))
        .await
        .expect("first");
    // The server drops the idle connection after its limit.
    tokio::time::sleep(idle_limit * 2).await;
    channel
        .request(echo_request(EnvelopeVersion::Soap11, "2"))
        .await
        .expect("second request over a new connection");
    assert_eq!(channel.state(), ChannelState::Open);
    let peers = server.await.expect("server");
    assert_ne!(peers[0], peers[1], "a new connection was made");
}
