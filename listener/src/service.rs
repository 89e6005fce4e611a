//! The serve seam: a service the listener runs for each exchange on the
//! connection's own task, instead of queueing it for `accept_channel`.

use std::future::Future;
use std::pin::Pin;

use crate::ReplyChannel;

/// The future an [`ExchangeService`] returns for one exchange.
pub type Serving = Pin<Box<dyn Future<Output = ()> + Send>>;

/// Serves exchanges: receives the request and answers it on the
/// [`ReplyChannel`] it is given.
///
/// The future runs on the task of the connection that carried the request.
/// When that connection goes first (the client left, an exchange or the
/// listener aborted it), the future is dropped where it stands; a service
/// that must tell its work why watches for that in a drop guard. A future
/// that ends without answering aborts the exchange (the client sees the
/// connection close), as dropping a `ReplyChannel` does.
///
/// Any `Fn(ReplyChannel) -> impl Future<Output = ()>` is one.
pub trait ExchangeService: Send + Sync + 'static {
    /// The future that serves `exchange`.
    fn serve(&self, exchange: ReplyChannel) -> Serving;
}

impl<F, Fut> ExchangeService for F
where
    F: Fn(ReplyChannel) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    fn serve(&self, exchange: ReplyChannel) -> Serving {
        Box::pin(self(exchange))
    }
}
