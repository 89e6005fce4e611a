//! Fuzz target over the listener's HTTP request framing: the input is sent
//! as-is on a fresh loopback connection to a [`Listener`] whose exchanges
//! are received and answered (the request body echoed, a fault for what does
//! not read), then the client closes its side. The listener must answer or
//! close within [`HANG`], and never panic.
//!
//! A real listener on 127.0.0.1 rather than an in-memory pipe: the framing
//! (hyper's HTTP/1.1 server with the listener's head and body bounds, the
//! reply channel's body reading and quotas, the lingering close) is then
//! exactly what a client meets. Uses nothing but `wws_core`, `wws_listener`,
//! `tokio` and `std`, so that `listener/tests/fuzz_regressions.rs` can
//! include it by path.

use std::net::SocketAddr;
use std::sync::OnceLock;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use wws_core::{AddressingVersion, EnvelopeVersion, Fault, Message};
use wws_listener::Listener;

/// Longest a connection may stay open once its client sent everything and
/// closed its side: well past every listener timeout below.
pub const HANG: Duration = Duration::from_secs(5);

struct Server {
    runtime: tokio::runtime::Runtime,
    addr: SocketAddr,
}

fn server() -> &'static Server {
    static SERVER: OnceLock<Server> = OnceLock::new();
    SERVER.get_or_init(|| {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        let listener = Listener::builder()
            .header_read_timeout(Some(Duration::from_secs(1)))
            .first_byte_timeout(Some(Duration::from_secs(1)))
            .body_read_timeout(Some(Duration::from_secs(1)))
            .send_timeout(Some(Duration::from_secs(1)))
            .build()
            .expect("listener");
        let addr = runtime.block_on(async {
            let any: SocketAddr = "127.0.0.1:0".parse().expect("address");
            listener.open(any).await.expect("listener opens");
            listener.local_addr().expect("bound")
        });
        runtime.spawn(serve(listener));
        Server { runtime, addr }
    })
}

/// Answers every exchange: the request body echoed back, or a Sender fault.
async fn serve(listener: Listener) {
    while let Ok(exchange) = listener.accept_channel().await {
        tokio::spawn(async move {
            let envelope = exchange
                .envelope_version_hint()
                .unwrap_or(EnvelopeVersion::Soap11);
            match exchange.receive().await {
                Ok(request) => {
                    let mut reply = Message::new(request.envelope, AddressingVersion::Transport);
                    reply.body = request.body;
                    let _ = exchange.reply(reply).await;
                }
                Err(e) => {
                    let _ = exchange
                        .reply_fault(envelope, &Fault::sender(e.to_string()))
                        .await;
                }
            }
        });
    }
}

/// One connection: all of `data`, then EOF; reads until the listener closes.
async fn exchange(addr: SocketAddr, data: &[u8]) {
    let Ok(mut stream) = TcpStream::connect(addr).await else {
        return;
    };
    let _ = stream.set_nodelay(true);
    // The listener may answer and close before it has read everything.
    let _ = stream.write_all(data).await;
    let _ = stream.shutdown().await;
    let mut sink = [0u8; 8192];
    while let Ok(n) = stream.read(&mut sink).await {
        if n == 0 {
            break;
        }
    }
}

/// `http_request`: `data` as the bytes of one client connection.
pub fn http_request(data: &[u8]) {
    let s = server();
    let done = s
        .runtime
        .block_on(async { tokio::time::timeout(HANG, exchange(s.addr, data)).await });
    assert!(
        done.is_ok(),
        "the listener held a connection for {HANG:?} after its client had sent everything and closed its side"
    );
}
