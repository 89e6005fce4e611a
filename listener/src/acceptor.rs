//! The acceptor seam: what turns an accepted TCP connection into the byte
//! stream HTTP is served on, and which HTTP version that is (the server
//! side of the channel's connector).
//!
//! [`PlainAcceptor`] is the default: the TCP stream as it is, HTTP/1.1
//! (the listener serves it HTTP/2 when the client opens with HTTP/2's
//! preface). An acceptor that says [`HttpVersion::Http2`] (the TLS one,
//! when ALPN chose `h2`) gets HTTP/2 at once.
//! [`TlsAcceptor`] (feature `tls`) runs the TLS handshake here, in the
//! connection's own task, so a slow handshake holds up no other client;
//! it is bounded by the listener's `header_read_timeout` like a request
//! head, and what it established ([`TlsInfo`]) goes with the connection.

use std::fmt::Debug;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;

use std::sync::Arc;
use tokio::net::TcpStream;

pub use wws_channel::connector::{HttpVersion, Io, TlsInfo};

#[cfg(feature = "tls")]
pub use crate::tls::{ClientAuth, TlsAcceptor, TlsAcceptorBuilder};

/// A connection an [`Acceptor`] made ready: the stream, its HTTP version
/// and, over TLS, what the handshake established.
pub struct Accepted {
    pub(crate) io: Box<dyn Io>,
    pub(crate) version: HttpVersion,
    pub(crate) tls: Option<Arc<TlsInfo>>,
}

impl Accepted {
    /// An HTTP/1.1 connection over `io`.
    pub fn new(io: impl Io) -> Self {
        Accepted {
            io: Box::new(io),
            version: HttpVersion::Http1,
            tls: None,
        }
    }

    /// The same connection, speaking `version`.
    pub fn with_version(mut self, version: HttpVersion) -> Self {
        self.version = version;
        self
    }

    /// The same connection, over TLS that established `info` (seen by
    /// every exchange it carries: `ReplyChannel::tls`).
    pub fn with_tls(mut self, info: TlsInfo) -> Self {
        self.tls = Some(Arc::new(info));
        self
    }
}

impl Debug for Accepted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Accepted")
            .field("version", &self.version)
            .field("tls", &self.tls)
            .finish_non_exhaustive()
    }
}

/// The future an acceptor returns.
pub type Accepting = Pin<Box<dyn Future<Output = io::Result<Accepted>> + Send>>;

/// Makes each accepted TCP connection ready for HTTP.
///
/// The listener bounds the whole step by its `header_read_timeout` and
/// drops the future on abort or close; dropping it must release the stream.
pub trait Acceptor: Send + Sync + Debug + 'static {
    /// Prepares `stream`, accepted from `peer`.
    fn accept(&self, stream: TcpStream, peer: SocketAddr) -> Accepting;

    /// Whether a client speaks plain HTTP/1.1 on the TCP stream (default
    /// `true`): then a connection over `max_connections` is answered 503
    /// in plain text; otherwise (TLS) it is just closed, since a TLS client
    /// could not read that answer.
    fn is_plain_http(&self) -> bool {
        true
    }
}

/// The TCP stream as it is: HTTP/1.1, or HTTP/2 when the client opens
/// with its preface (h2c with prior knowledge).
#[derive(Clone, Debug, Default)]
pub struct PlainAcceptor {
    _private: (),
}

impl PlainAcceptor {
    /// The plain acceptor.
    pub fn new() -> Self {
        PlainAcceptor::default()
    }
}

impl Acceptor for PlainAcceptor {
    fn accept(&self, stream: TcpStream, _peer: SocketAddr) -> Accepting {
        Box::pin(async move { Ok(Accepted::new(stream)) })
    }
}
