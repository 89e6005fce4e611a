//! [`ListenerProperties`] (`WS_LISTENER_PROPERTY_*`) and [`ListenerBuilder`].

#[cfg(feature = "tls")]
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use wws_core::properties::{at_least, timeout};
use wws_core::{ReaderQuotas, Result};

use crate::acceptor::{Acceptor, PlainAcceptor};
use crate::{Listener, OBJECT};

/// Properties of a listener, with WWSAPI's defaults. A timeout of `None` is infinite.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ListenerProperties {
    /// Most connections open at once (default 8192, about 50 MB of idle
    /// connections). At the limit a new connection is still accepted: an
    /// idle keep-alive connection is closed to make room, else one that has
    /// sent nothing yet, else one still sending its head (oldest first);
    /// when all are busy with exchanges, the newcomer is answered 503.
    pub max_connections: usize,
    /// Most `accept_channel` calls waiting at once (default 1024).
    pub max_accepting_channels: usize,
    /// Time a client has to send a request head, also on an idle keep-alive
    /// connection (default 30 s). A head begun and not finished in time is
    /// answered 408.
    pub header_read_timeout: Option<Duration>,
    /// Time a new connection has to send its first byte (default 10 s); a
    /// silent one is closed then.
    pub first_byte_timeout: Option<Duration>,
    /// Time a client has to send a request body once its head arrived (default 30 s).
    pub body_read_timeout: Option<Duration>,
    /// Time a response may stay stuck on a client that does not read it
    /// before the connection is dropped (default 30 s, WWSAPI's send timeout).
    pub send_timeout: Option<Duration>,
    /// Quotas applied to the requests read.
    pub quotas: ReaderQuotas,
    /// Limits of HTTP/2 connections (served next to HTTP/1.1 on the same
    /// port, detected by the client's preface or by ALPN `h2`).
    pub http2: Http2Limits,
}

/// Limits of an HTTP/2 connection, so that one client multiplexing many
/// streams is bounded as HTTP/1.1 clients are by `max_connections`.
///
/// A request head is limited to [`MAX_REQUEST_HEAD_SIZE`](crate::MAX_REQUEST_HEAD_SIZE)
/// (as the header list size, `SETTINGS_MAX_HEADER_LIST_SIZE`) and its
/// body by the message size quota, as over HTTP/1.1. The defaults:
///
/// | limit | default | bounds |
/// |---|---|---|
/// | `max_concurrent_streams` | 100 | exchanges open at once on one connection (`SETTINGS_MAX_CONCURRENT_STREAMS`); a client that opens more is refused them (`REFUSED_STREAM`) |
/// | `initial_stream_window_size` | 1 MiB (at most the message size quota) | request bytes a client may send on one stream before the host reads them |
/// | `initial_connection_window_size` | 4 MiB | the same, for all streams of a connection together |
/// | `max_send_buffer_size` | 400 KiB | reply bytes buffered per stream for a client that does not read them |
/// | `max_pending_reset_streams` | 20 | streams a client opened and reset before they were served; beyond, the connection is closed (the "rapid reset" flood, CVE-2023-44487) |
/// | `max_local_error_reset_streams` | 1024 | streams the server had to reset for a client's errors; beyond, the connection is closed |
///
/// A client that opens streams faster than it reads replies is held by
/// `max_concurrent_streams` and the send buffer; the send timeout then
/// drops its connection as over HTTP/1.1. A connection with no exchange
/// in progress for `header_read_timeout` is sent `GOAWAY` and closed, as
/// an idle HTTP/1.1 keep-alive connection is.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Http2Limits {
    /// Streams open at once on one connection (default 100).
    pub max_concurrent_streams: u32,
    /// Flow-control window of each stream, in bytes (default 1 MiB, and
    /// never more than the message size quota).
    pub initial_stream_window_size: u32,
    /// Flow-control window of a connection, in bytes (default 4 MiB).
    pub initial_connection_window_size: u32,
    /// Reply bytes buffered per stream (default 400 KiB).
    pub max_send_buffer_size: usize,
    /// Streams reset by the client before they were served, at once (default 20).
    pub max_pending_reset_streams: usize,
    /// Streams reset by the server for the client's errors (default 1024).
    pub max_local_error_reset_streams: usize,
}

impl Default for Http2Limits {
    fn default() -> Self {
        Http2Limits {
            max_concurrent_streams: 100,
            initial_stream_window_size: 1 << 20,
            initial_connection_window_size: 4 << 20,
            max_send_buffer_size: 400 << 10,
            max_pending_reset_streams: 20,
            max_local_error_reset_streams: 1024,
        }
    }
}

/// Smallest flow-control window HTTP/2 allows a peer to start with (RFC 9113 §6.9.2).
const MIN_WINDOW: u32 = 65_535;
/// Largest flow-control window (RFC 9113 §6.9.1).
const MAX_WINDOW: u32 = (1 << 31) - 1;

impl Http2Limits {
    /// Checks every limit; the error names the first one out of range.
    pub fn validate(&self) -> Result<()> {
        at_least(
            OBJECT,
            "http2.max_concurrent_streams",
            self.max_concurrent_streams as usize,
            1,
        )?;
        for (property, window) in [
            (
                "http2.initial_stream_window_size",
                self.initial_stream_window_size,
            ),
            (
                "http2.initial_connection_window_size",
                self.initial_connection_window_size,
            ),
        ] {
            if !(MIN_WINDOW..=MAX_WINDOW).contains(&window) {
                return Err(wws_core::Error::InvalidProperty {
                    object: OBJECT,
                    property,
                    reason: format!(
                        "{window} is outside HTTP/2's window range {MIN_WINDOW}..={MAX_WINDOW}"
                    ),
                });
            }
        }
        at_least(
            OBJECT,
            "http2.max_send_buffer_size",
            self.max_send_buffer_size,
            1,
        )?;
        Ok(())
    }
}

impl Default for ListenerProperties {
    fn default() -> Self {
        ListenerProperties {
            max_connections: 8192,
            max_accepting_channels: 1024,
            header_read_timeout: Some(Duration::from_secs(30)),
            first_byte_timeout: Some(Duration::from_secs(10)),
            body_read_timeout: Some(Duration::from_secs(30)),
            send_timeout: Some(Duration::from_secs(30)),
            quotas: ReaderQuotas::default(),
            http2: Http2Limits::default(),
        }
    }
}

impl ListenerProperties {
    /// The defaults with every timeout infinite.
    pub fn no_timeouts() -> Self {
        ListenerProperties {
            header_read_timeout: None,
            first_byte_timeout: None,
            body_read_timeout: None,
            send_timeout: None,
            ..ListenerProperties::default()
        }
    }

    /// Checks every property; the error names the first one out of range.
    pub fn validate(&self) -> Result<()> {
        at_least(OBJECT, "max_connections", self.max_connections, 1)?;
        at_least(
            OBJECT,
            "max_accepting_channels",
            self.max_accepting_channels,
            1,
        )?;
        timeout(OBJECT, "header_read_timeout", self.header_read_timeout)?;
        timeout(OBJECT, "first_byte_timeout", self.first_byte_timeout)?;
        timeout(OBJECT, "body_read_timeout", self.body_read_timeout)?;
        timeout(OBJECT, "send_timeout", self.send_timeout)?;
        self.http2.validate()?;
        self.quotas.validate(OBJECT)
    }
}

/// Builds a [`Listener`]: each property starts at its default and is
/// checked by [`build`](Self::build).
///
/// ```
/// use std::time::Duration;
/// use wws_listener::Listener;
///
/// let listener = Listener::builder()
///     .max_connections(4096)
///     .header_read_timeout(Some(Duration::from_secs(10)))
///     .build()?;
/// assert_eq!(listener.properties().max_connections, 4096);
/// let r = Listener::builder().max_connections(0).build();
/// assert!(matches!(r, Err(wws_core::Error::InvalidProperty { property: "max_connections", .. })));
/// # Ok::<(), wws_core::Error>(())
/// ```
#[derive(Clone, Debug, Default)]
pub struct ListenerBuilder {
    props: ListenerProperties,
    acceptor: Option<Arc<dyn Acceptor>>,
    /// Certificate chain and key files to serve HTTPS from, read at `build`.
    #[cfg(feature = "tls")]
    tls_files: Option<(PathBuf, PathBuf)>,
}

impl ListenerBuilder {
    /// Replaces every property at once.
    pub fn properties(mut self, props: ListenerProperties) -> Self {
        self.props = props;
        self
    }

    /// Most connections open at once.
    pub fn max_connections(mut self, n: usize) -> Self {
        self.props.max_connections = n;
        self
    }

    /// Most `accept_channel` calls waiting at once.
    pub fn max_accepting_channels(mut self, n: usize) -> Self {
        self.props.max_accepting_channels = n;
        self
    }

    /// Time a client has to send a request head.
    pub fn header_read_timeout(mut self, limit: Option<Duration>) -> Self {
        self.props.header_read_timeout = limit;
        self
    }

    /// Time a new connection has to send its first byte.
    pub fn first_byte_timeout(mut self, limit: Option<Duration>) -> Self {
        self.props.first_byte_timeout = limit;
        self
    }

    /// Time a client has to send a request body once its head arrived.
    pub fn body_read_timeout(mut self, limit: Option<Duration>) -> Self {
        self.props.body_read_timeout = limit;
        self
    }

    /// Time a response may stay stuck on a client that does not read it.
    pub fn send_timeout(mut self, limit: Option<Duration>) -> Self {
        self.props.send_timeout = limit;
        self
    }

    /// Quotas applied to the requests read.
    pub fn quotas(mut self, quotas: ReaderQuotas) -> Self {
        self.props.quotas = quotas;
        self
    }

    /// Largest request accepted, in bytes.
    pub fn max_message_size(mut self, bytes: usize) -> Self {
        self.props.quotas.max_message_size = bytes;
        self
    }

    /// Limits of HTTP/2 connections; see [`Http2Limits`].
    pub fn http2_limits(mut self, limits: Http2Limits) -> Self {
        self.props.http2 = limits;
        self
    }

    /// Streams open at once on one HTTP/2 connection.
    pub fn http2_max_concurrent_streams(mut self, n: u32) -> Self {
        self.props.http2.max_concurrent_streams = n;
        self
    }

    /// What turns each accepted TCP connection into the byte stream HTTP
    /// runs on (default [`PlainAcceptor`]; TLS plugs in here).
    pub fn acceptor(mut self, acceptor: impl Acceptor) -> Self {
        self.acceptor = Some(Arc::new(acceptor));
        self
    }

    /// Serves HTTPS: a [`TlsAcceptor`](crate::acceptor::TlsAcceptor) with
    /// the certificate chain and private key of these PEM files, read at
    /// [`build`](Self::build) (replaces any acceptor set before). For
    /// client certificates, build the acceptor and pass it to
    /// [`acceptor`](Self::acceptor).
    #[cfg(feature = "tls")]
    pub fn tls_pem_files(
        mut self,
        certificate_chain: impl Into<PathBuf>,
        private_key: impl Into<PathBuf>,
    ) -> Self {
        self.tls_files = Some((certificate_chain.into(), private_key.into()));
        self
    }

    /// What makes accepted connections ready, shared with other listeners.
    pub fn shared_acceptor(mut self, acceptor: Arc<dyn Acceptor>) -> Self {
        self.acceptor = Some(acceptor);
        self
    }

    /// The listener, in state `Created`; [`Error::InvalidProperty`](wws_core::Error::InvalidProperty)
    /// names the first property out of range (or a TLS file that cannot be used).
    #[cfg_attr(not(feature = "tls"), allow(unused_mut))]
    pub fn build(mut self) -> Result<Listener> {
        self.props.validate()?;
        #[cfg(feature = "tls")]
        if let Some((chain, key)) = self.tls_files.take() {
            let tls = crate::acceptor::TlsAcceptor::from_pem_files(chain, key)?;
            self.acceptor = Some(Arc::new(tls));
        }
        let acceptor = self
            .acceptor
            .unwrap_or_else(|| Arc::new(PlainAcceptor::new()));
        Ok(Listener::from_parts(self.props, acceptor))
    }
}
