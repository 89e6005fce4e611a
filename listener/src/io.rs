//! The server side of a socket, with a limit on how long a response may
//! stay stuck on a client that does not read it.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::Sleep;

use crate::acceptor::Io;
use crate::admission::Slot;
use crate::framing::{Framing, Verdict};
use crate::reply::ServerConnection;

/// A served stream whose writes fail with `TimedOut` once they have
/// been held up for `send_timeout` without everything queued being sent.
///
/// The clock starts when the socket first refuses bytes (the client's
/// window is full) and stops when the connection has flushed all it had;
/// progress in between does not restart it, so a client that reads a byte
/// now and then cannot hold a response for ever either.
pub(crate) struct ServedIo {
    stream: Box<dyn Io>,
    send_timeout: Option<Duration>,
    /// Told when bytes arrive, so the listener knows a head is coming.
    slot: Arc<Slot>,
    /// Follows the request framing to refuse an oversized chunk at once.
    framing: Framing,
    conn: ServerConnection,
    stall: Option<Pin<Box<Sleep>>>,
}

impl std::fmt::Debug for ServedIo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServedIo")
            .field("send_timeout", &self.send_timeout)
            .finish_non_exhaustive()
    }
}

impl ServedIo {
    /// Wraps `stream`; `None` lets writes wait for ever.
    pub(crate) fn new(
        stream: Box<dyn Io>,
        send_timeout: Option<Duration>,
        slot: Arc<Slot>,
        conn: ServerConnection,
        max_message_size: usize,
    ) -> Self {
        ServedIo {
            stream,
            send_timeout,
            slot,
            framing: Framing::new(max_message_size),
            conn,
            stall: None,
        }
    }

    /// The same stream, its bytes not followed as HTTP/1.1 framing (HTTP/2
    /// frames its own messages, and hyper's h2 refuses oversized ones).
    pub(crate) fn http2(mut self) -> Self {
        self.framing = Framing::blind(0);
        self
    }

    /// The socket, for a lingering close.
    pub(crate) fn into_inner(self) -> Box<dyn Io> {
        self.stream
    }

    /// A write was refused: pending until the send timeout, then an error.
    fn held_up<T>(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<T>> {
        let Some(limit) = self.send_timeout else {
            return Poll::Pending;
        };
        let stall = self
            .stall
            .get_or_insert_with(|| Box::pin(tokio::time::sleep(limit)));
        match stall.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(Err(io::Error::new(
                io::ErrorKind::TimedOut,
                format!("the client did not take the response within the send timeout ({limit:?})"),
            ))),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl AsyncRead for ServedIo {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let r = Pin::new(&mut self.stream).poll_read(cx, buf);
        if buf.filled().len() > before {
            self.slot.received();
            if self.framing.is_watching()
                && self.framing.feed(&buf.filled()[before..]) == Verdict::Oversize
            {
                tracing::debug!(target: "wws.listener", "a chunk larger than the message quota: refused");
                self.conn.refuse_body();
            }
        }
        r
    }
}

impl AsyncWrite for ServedIo {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match Pin::new(&mut self.stream).poll_write(cx, buf) {
            Poll::Pending => self.held_up(cx),
            ready => ready,
        }
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        match Pin::new(&mut self.stream).poll_write_vectored(cx, bufs) {
            Poll::Pending => self.held_up(cx),
            ready => ready,
        }
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        // hyper flushes the socket once its own buffer is empty: all was sent.
        let res = Pin::new(&mut self.stream).poll_flush(cx);
        if let Poll::Ready(Ok(())) = res {
            self.stall = None;
        }
        res
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}

/// A stream whose first bytes were already read (to tell HTTP/2's preface
/// from an HTTP/1.1 request): they are read again first.
pub(crate) struct Prefixed {
    prefix: Vec<u8>,
    read: usize,
    stream: Box<dyn Io>,
}

impl Prefixed {
    pub(crate) fn new(prefix: Vec<u8>, stream: Box<dyn Io>) -> Self {
        Prefixed {
            prefix,
            read: 0,
            stream,
        }
    }
}

impl AsyncRead for Prefixed {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = &mut *self;
        if let Some(rest) = this.prefix.get(this.read..).filter(|r| !r.is_empty()) {
            let n = rest.len().min(buf.remaining());
            buf.put_slice(&rest[..n]);
            this.read += n;
            if this.read == this.prefix.len() {
                this.prefix = Vec::new();
                this.read = 0;
            }
            return Poll::Ready(Ok(()));
        }
        Pin::new(&mut this.stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for Prefixed {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::AsyncReadExt;

    #[tokio::test]
    async fn a_prefixed_stream_reads_its_prefix_then_the_stream() {
        let (mut a, b) = tokio::io::duplex(64);
        tokio::io::AsyncWriteExt::write_all(&mut a, b" world")
            .await
            .expect("write");
        drop(a);
        let mut s = Prefixed::new(b"hello".to_vec(), Box::new(b));
        let mut out = String::new();
        s.read_to_string(&mut out).await.expect("read");
        assert_eq!(out, "hello world");
    }
}
