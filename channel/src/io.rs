//! A socket wrapper that reports flushes, so the client knows when a request
//! is on the wire, and that lets an early answer win over a failed write.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::time::Sleep;
use wws_core::AbortSignal;

use crate::body::FlushSignal;

/// A transport stream whose successful flushes fire a [`FlushSignal`].
///
/// A write that fails because the peer closed or reset the connection is
/// held (`Pending`) instead of failing the exchange: a server that refuses
/// a request body mid-send (over its quota) answers first and then closes,
/// and hyper would otherwise report the broken pipe before it reads that
/// answer. Such a failure always leaves the socket readable, so the read
/// side then delivers the answer, or the error when there is none.
#[derive(Debug)]
pub(crate) struct SignallingIo<T> {
    inner: T,
    signal: Arc<FlushSignal>,
    write_failed: bool,
    cut: Option<Cut>,
}

/// Fails the stream's I/O a grace period after a signal: an HTTP/2
/// connection's socket belongs to hyper's own task, which says goodbye
/// (`GOAWAY`) once the channel let go of it; this bounds that goodbye, so
/// a peer that does not read cannot keep the socket open.
#[derive(Debug)]
struct Cut {
    signal: AbortSignal,
    grace: Duration,
    deadline: Option<Pin<Box<Sleep>>>,
}

impl<T> SignallingIo<T> {
    /// Wraps `inner`.
    pub(crate) fn new(inner: T, signal: Arc<FlushSignal>) -> Self {
        SignallingIo {
            inner,
            signal,
            write_failed: false,
            cut: None,
        }
    }

    /// The same stream, whose I/O fails `grace` after `signal` is aborted.
    pub(crate) fn cut_after(mut self, signal: AbortSignal, grace: Duration) -> Self {
        self.cut = Some(Cut {
            signal,
            grace,
            deadline: None,
        });
        self
    }

    /// Ready with the error to fail with once the cut is due; else pending
    /// (and woken when it is due, if it was signalled).
    fn poll_cut(&mut self, cx: &mut Context<'_>) -> Poll<io::Error> {
        let Some(cut) = &mut self.cut else {
            return Poll::Pending;
        };
        if !cut.signal.is_aborted() {
            return Poll::Pending;
        }
        let grace = cut.grace;
        let deadline = cut
            .deadline
            .get_or_insert_with(|| Box::pin(tokio::time::sleep(grace)));
        match deadline.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(io::Error::new(
                io::ErrorKind::ConnectionAborted,
                "the channel closed the connection",
            )),
            Poll::Pending => Poll::Pending,
        }
    }

    /// Holds a write error caused by the peer going away; see the type's docs.
    fn hold_peer_gone<R>(
        &mut self,
        cx: &mut Context<'_>,
        res: Poll<io::Result<R>>,
    ) -> Poll<io::Result<R>> {
        match res {
            Poll::Ready(Err(e))
                if matches!(
                    e.kind(),
                    io::ErrorKind::BrokenPipe | io::ErrorKind::ConnectionReset
                ) =>
            {
                if !self.write_failed {
                    self.write_failed = true;
                    // One more turn of the connection, so it polls the read side.
                    cx.waker().wake_by_ref();
                }
                Poll::Pending
            }
            other => other,
        }
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for SignallingIo<T> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        if let Poll::Ready(e) = self.poll_cut(cx) {
            return Poll::Ready(Err(e));
        }
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for SignallingIo<T> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        if let Poll::Ready(e) = self.poll_cut(cx) {
            return Poll::Ready(Err(e));
        }
        if self.write_failed {
            return Poll::Pending;
        }
        let res = Pin::new(&mut self.inner).poll_write(cx, buf);
        self.hold_peer_gone(cx, res)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        if let Poll::Ready(e) = self.poll_cut(cx) {
            return Poll::Ready(Err(e));
        }
        if self.write_failed {
            return Poll::Pending;
        }
        let res = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        self.hold_peer_gone(cx, res)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if let Poll::Ready(e) = self.poll_cut(cx) {
            return Poll::Ready(Err(e));
        }
        if self.write_failed {
            return Poll::Pending;
        }
        let res = Pin::new(&mut self.inner).poll_flush(cx);
        if let Poll::Ready(Ok(())) = res {
            self.signal.flushed();
        }
        self.hold_peer_gone(cx, res)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if self.write_failed || self.poll_cut(cx).is_ready() {
            // Nothing more can be written; the connection is closing anyway.
            return Poll::Ready(Ok(()));
        }
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}
