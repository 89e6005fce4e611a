//! HTTP bodies: reading one under the message-size quota, and an outgoing
//! body that tells when the transport has taken all of it.

use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};

use bytes::{Bytes, BytesMut};
use http_body_util::BodyExt;
use hyper::body::{Body, Frame, SizeHint};
use tokio::sync::oneshot;

/// Why [`read_body_limited`] stopped.
#[derive(Debug)]
#[non_exhaustive]
pub enum BodyReadError {
    /// More than `limit` bytes (announced or streamed).
    TooLarge {
        /// The limit the body was read under.
        limit: usize,
    },
    /// The transport failed mid-body.
    Transport(hyper::Error),
}

impl std::fmt::Display for BodyReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BodyReadError::TooLarge { limit } => {
                write!(f, "the body is larger than the {limit}-byte limit")
            }
            BodyReadError::Transport(e) => write!(f, "the body could not be read: {e}"),
        }
    }
}

impl std::error::Error for BodyReadError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            BodyReadError::TooLarge { .. } => None,
            BodyReadError::Transport(e) => Some(e),
        }
    }
}

/// Most a body read reserves before its bytes arrive.
const INITIAL_RESERVE: usize = 64 * 1024;

/// Reads `body` whole, refusing it as soon as it announces or streams more than `limit` bytes.
///
/// Nothing beyond `limit` bytes is buffered: an announced `Content-Length`
/// over the limit is refused before reading, a streamed one after the chunk
/// that crosses it. Cancel safe in the sense that dropping it drops the body.
pub async fn read_body_limited<B>(body: &mut B, limit: usize) -> Result<Bytes, BodyReadError>
where
    B: Body<Data = Bytes, Error = hyper::Error> + Unpin,
{
    let hint = body.size_hint();
    if hint.lower() > limit as u64 {
        return Err(BodyReadError::TooLarge { limit });
    }
    // What is announced is reserved only up to a small amount: a peer that
    // announces the quota and sends nothing must not make us commit it.
    let initial = hint
        .exact()
        .map_or(0, |n| n as usize)
        .min(limit)
        .min(INITIAL_RESERVE);
    let mut buf = BytesMut::with_capacity(initial);
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(BodyReadError::Transport)?;
        if let Ok(data) = frame.into_data() {
            if buf.len() + data.len() > limit {
                return Err(BodyReadError::TooLarge { limit });
            }
            buf.extend_from_slice(&data);
        }
    }
    Ok(buf.freeze())
}

/// Whether a body error is a framing error of the peer (a bad chunk), not a lost connection.
pub fn is_malformed_body(e: &hyper::Error) -> bool {
    let mut source = std::error::Error::source(e);
    // Bounded by the length of the error chain.
    while let Some(s) = source {
        if let Some(io) = s.downcast_ref::<std::io::Error>() {
            // hyper's decoder reports bad chunk lines and sizes as these two kinds.
            return matches!(
                io.kind(),
                std::io::ErrorKind::InvalidData | std::io::ErrorKind::InvalidInput
            );
        }
        source = s.source();
    }
    false
}

/// A slot the transport fills in once everything queued was flushed to the socket.
#[derive(Debug, Default)]
pub(crate) struct FlushSignal {
    armed: Mutex<Option<oneshot::Sender<()>>>,
}

impl FlushSignal {
    /// Arms the signal: the next successful flush fires `tx`.
    pub(crate) fn arm(&self, tx: oneshot::Sender<()>) {
        *self.armed.lock().unwrap_or_else(PoisonError::into_inner) = Some(tx);
    }

    /// Called by the I/O after a successful flush.
    pub(crate) fn flushed(&self) {
        let tx = self
            .armed
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let Some(tx) = tx {
            let _ = tx.send(());
        }
    }
}

/// A complete outgoing body that arms a [`FlushSignal`] once its last byte was handed over.
///
/// The client uses it to tell the send phase (ends when the request is on
/// the wire) from the receive phase, each with its own timeout.
#[derive(Debug)]
pub(crate) struct OutgoingBody {
    data: Option<Bytes>,
    len: u64,
    on_end: Option<OnEnd>,
}

/// What an [`OutgoingBody`] does once its last byte was handed over.
#[derive(Debug)]
enum OnEnd {
    /// Arms the connection's flush signal: sent once the socket took it (HTTP/1.1).
    Flush(Arc<FlushSignal>, oneshot::Sender<()>),
    /// Sent at once: HTTP/2 framed it for its stream, the connection writes it.
    Taken(oneshot::Sender<()>),
}

impl OutgoingBody {
    /// A body of `data` that arms `signal` with `tx` when fully handed over.
    pub(crate) fn new(data: Bytes, signal: Arc<FlushSignal>, tx: oneshot::Sender<()>) -> Self {
        Self::with_end(data, OnEnd::Flush(signal, tx))
    }

    /// A body of `data` that fires `tx` when handed over whole to an
    /// HTTP/2 stream (whose connection is shared, so no flush is its own).
    pub(crate) fn for_stream(data: Bytes, tx: oneshot::Sender<()>) -> Self {
        Self::with_end(data, OnEnd::Taken(tx))
    }

    fn with_end(data: Bytes, on_end: OnEnd) -> Self {
        let mut body = OutgoingBody {
            len: data.len() as u64,
            data: (!data.is_empty()).then_some(data),
            on_end: Some(on_end),
        };
        if body.data.is_none() {
            // The transport never polls an empty body; the head's flush ends the send.
            body.finish();
        }
        body
    }

    fn finish(&mut self) {
        match self.on_end.take() {
            Some(OnEnd::Flush(signal, tx)) => signal.arm(tx),
            Some(OnEnd::Taken(tx)) => {
                let _ = tx.send(());
            }
            None => {}
        }
    }
}

impl Body for OutgoingBody {
    type Data = Bytes;
    type Error = std::convert::Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        match self.data.take() {
            Some(data) => {
                self.finish();
                Poll::Ready(Some(Ok(Frame::data(data))))
            }
            None => {
                self.finish();
                Poll::Ready(None)
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.data.is_none()
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact(self.len)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn outgoing_body_arms_signal_at_end() {
        let signal = Arc::new(FlushSignal::default());
        let (tx, mut rx) = oneshot::channel();
        let mut body = OutgoingBody::new(Bytes::from_static(b"abc"), signal.clone(), tx);
        assert_eq!(body.size_hint().exact(), Some(3));
        signal.flushed();
        assert!(rx.try_recv().is_err(), "not armed before the body is taken");
        let frame = body.frame().await.expect("a frame").expect("infallible");
        assert_eq!(frame.into_data().expect("data"), "abc");
        assert!(body.is_end_stream());
        signal.flushed();
        assert!(rx.try_recv().is_ok());
    }
}
