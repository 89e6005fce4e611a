//! [`OperationContext`]: what an operation handler knows about its call, and
//! how it learns that the call was cancelled.

use std::fmt;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};

use http::Extensions;
use tokio_util::sync::CancellationToken;
use wws_channel::connector::TlsInfo;
use wws_core::{Error, Header, Result};

/// Why the host cancelled an operation.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum CancelReason {
    /// [`ServiceHost::abort`](crate::ServiceHost::abort) was called.
    HostAborted,
    /// The client went away (disconnected, abandoned the call) or the transport failed.
    ChannelFaulted,
    /// [`ServiceHost::close`](crate::ServiceHost::close) waited `close_timeout` and gave up on the operation.
    HostClosing,
}

impl CancelReason {
    /// The reason's name, as logged.
    pub const fn as_str(self) -> &'static str {
        match self {
            CancelReason::HostAborted => "HostAborted",
            CancelReason::ChannelFaulted => "ChannelFaulted",
            CancelReason::HostClosing => "HostClosing",
        }
    }
}

impl fmt::Display for CancelReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What the host knows about the call an operation serves.
#[derive(Clone, Debug, Default)]
pub struct CallInfo {
    /// A host-wide sequence number of the exchange, for logs.
    pub id: u64,
    /// The action of the operation the call was dispatched to (also when found by its body element).
    pub action: String,
    /// `wsa:MessageID` of the request, if any.
    pub message_id: Option<String>,
    /// The request's header blocks other than the addressing headers.
    pub headers: Vec<Header>,
    /// The path of the endpoint that received the call.
    pub endpoint_path: String,
    /// The client's address.
    pub peer_addr: Option<SocketAddr>,
    /// What TLS established on the call's connection (the client's
    /// certificate under mutual TLS, the SNI name); `None` over plain HTTP.
    pub tls: Option<Arc<TlsInfo>>,
    /// The request's HTTP headers (`Authorization`, a proxy's `X-Forwarded-For`, ...).
    pub http_headers: http::HeaderMap,
}

type Callback = Box<dyn FnOnce(CancelReason) + Send + 'static>;

#[derive(Default)]
struct CancelState {
    reason: Option<CancelReason>,
    registered: bool,
    callback: Option<Callback>,
    /// Made on first use: most operations never ask for one. Made and
    /// cancelled under this lock, so a token made late is cancelled too.
    token: Option<CancellationToken>,
    /// Header blocks the operation added to its reply.
    reply_headers: Vec<Header>,
}

struct Inner {
    info: CallInfo,
    /// What the host's layers handed on (`RequestInfo::insert_extension`).
    extensions: Extensions,
    state: Mutex<CancelState>,
}

/// Passed to every operation handler: the call's details and its cancellation.
///
/// Cheap to clone; clones share the cancellation state. The host cancels an
/// operation when the client goes away ([`CancelReason::ChannelFaulted`]),
/// when it is aborted ([`CancelReason::HostAborted`]) or when a graceful close
/// runs out of time ([`CancelReason::HostClosing`]). After notifying, the host
/// polls the handler future once more (so a `select!` on
/// [`cancelled`](Self::cancelled) can run its branch) and then drops it.
#[derive(Clone)]
pub struct OperationContext {
    inner: Arc<Inner>,
}

impl fmt::Debug for OperationContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OperationContext")
            .field("info", &self.inner.info)
            .field("cancelled", &self.cancel_reason())
            .finish()
    }
}

impl OperationContext {
    /// A context for `info`, not cancelled.
    ///
    /// The host makes these; handlers can too, to be tested without a host.
    pub fn new(info: CallInfo) -> Self {
        Self::with_extensions(info, Extensions::new())
    }

    /// A context for `info` carrying what layers handed on, not cancelled.
    ///
    /// The host makes these from what its layers inserted with
    /// [`RequestInfo::insert_extension`](crate::RequestInfo::insert_extension);
    /// handlers can too, to be tested without a host (e.g. with a principal).
    pub fn with_extensions(info: CallInfo, extensions: Extensions) -> Self {
        OperationContext {
            inner: Arc::new(Inner {
                info,
                extensions,
                state: Mutex::new(CancelState::default()),
            }),
        }
    }

    /// The call's details.
    pub fn call(&self) -> &CallInfo {
        &self.inner.info
    }

    /// The value of type `T` a host layer handed on for this call, if any
    /// (e.g. `wws_security::Principal`, the user a WS-Security layer authenticated).
    pub fn extension<T: Send + Sync + 'static>(&self) -> Option<&T> {
        self.inner.extensions.get::<T>()
    }

    /// Everything the host's layers handed on for this call.
    pub fn extensions(&self) -> &Extensions {
        &self.inner.extensions
    }

    /// The action the call was dispatched on.
    pub fn action(&self) -> &str {
        &self.inner.info.action
    }

    /// `wsa:MessageID` of the request, if any.
    pub fn message_id(&self) -> Option<&str> {
        self.inner.info.message_id.as_deref()
    }

    /// The request's header blocks other than the addressing headers.
    pub fn headers(&self) -> &[Header] {
        &self.inner.info.headers
    }

    /// The request's HTTP headers.
    pub fn http_headers(&self) -> &http::HeaderMap {
        &self.inner.info.http_headers
    }

    /// What TLS established on the call's connection; `None` over plain HTTP.
    pub fn tls(&self) -> Option<&TlsInfo> {
        self.inner.info.tls.as_deref()
    }

    /// The client's certificate (DER), verified by the host's TLS acceptor:
    /// its identity under mutual TLS. `None` without one or over plain HTTP.
    pub fn peer_certificate(&self) -> Option<&[u8]> {
        self.tls().and_then(TlsInfo::peer_certificate)
    }

    /// Whether the operation was cancelled.
    pub fn is_cancelled(&self) -> bool {
        self.lock().reason.is_some()
    }

    /// The reason, once cancelled.
    pub fn cancel_reason(&self) -> Option<CancelReason> {
        self.lock().reason
    }

    /// Resolves with the reason once the operation is cancelled.
    ///
    /// Cancel safe: dropping the future changes nothing; call it again.
    pub async fn cancelled(&self) -> CancelReason {
        self.token().cancelled().await;
        // The reason is stored before the token fires.
        self.cancel_reason().unwrap_or(CancelReason::ChannelFaulted)
    }

    /// Registers `callback` to run once when the operation is cancelled
    /// (WWSAPI's `WsRegisterOperationForCancel`).
    ///
    /// Only the first registration is accepted; a later one returns
    /// `InvalidOperation` and its callback is dropped unrun. If the operation is
    /// already cancelled the callback runs at once, on this thread; otherwise it
    /// runs on the thread that cancels, so it should be quick and not block.
    pub fn on_cancel(&self, callback: impl FnOnce(CancelReason) + Send + 'static) -> Result<()> {
        let mut st = self.lock();
        if st.registered {
            return Err(Error::InvalidOperation {
                object: "OperationContext",
                state: "CancelCallbackRegistered",
                operation: "on_cancel",
            });
        }
        st.registered = true;
        match st.reason {
            Some(reason) => {
                drop(st);
                callback(reason);
            }
            None => st.callback = Some(Box::new(callback)),
        }
        Ok(())
    }

    /// The cancellation token, for blocking or spawned work that must stop with the operation.
    pub fn token(&self) -> CancellationToken {
        let mut st = self.lock();
        let cancelled = st.reason.is_some();
        st.token
            .get_or_insert_with(|| {
                let token = CancellationToken::new();
                if cancelled {
                    token.cancel();
                }
                token
            })
            .clone()
    }

    /// Adds `header` to the reply (or fault) the operation sends.
    pub fn add_reply_header(&self, header: Header) {
        self.lock().reply_headers.push(header);
    }

    /// The header blocks added with [`add_reply_header`](Self::add_reply_header).
    pub(crate) fn take_reply_headers(&self) -> Vec<Header> {
        std::mem::take(&mut self.lock().reply_headers)
    }

    /// Cancels the operation with `reason`; the first reason sticks. Returns
    /// whether this call did the cancelling.
    pub(crate) fn cancel(&self, reason: CancelReason) -> bool {
        let (callback, token) = {
            let mut st = self.lock();
            if st.reason.is_some() {
                return false;
            }
            st.reason = Some(reason);
            (st.callback.take(), st.token.clone())
        };
        if let Some(token) = token {
            token.cancel();
        }
        if let Some(cb) = callback {
            cb(reason);
        }
        true
    }

    fn lock(&self) -> MutexGuard<'_, CancelState> {
        // A panicking callback runs outside the lock, so poisoning cannot
        // leave the state half-written; recover it.
        self.inner
            .state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn callback_runs_once_with_the_first_reason() {
        let ctx = OperationContext::new(CallInfo::default());
        let runs = Arc::new(AtomicUsize::new(0));
        let seen = Arc::new(Mutex::new(None));
        let (r, s) = (runs.clone(), seen.clone());
        ctx.on_cancel(move |reason| {
            r.fetch_add(1, Ordering::SeqCst);
            *s.lock().expect("lock") = Some(reason);
        })
        .expect("ok");
        assert!(ctx.cancel(CancelReason::ChannelFaulted));
        assert!(!ctx.cancel(CancelReason::HostAborted));
        assert_eq!(runs.load(Ordering::SeqCst), 1);
        assert_eq!(
            *seen.lock().expect("lock"),
            Some(CancelReason::ChannelFaulted)
        );
        assert_eq!(ctx.cancel_reason(), Some(CancelReason::ChannelFaulted));
        assert!(ctx.is_cancelled());
    }

    #[test]
    fn second_registration_is_refused_and_never_runs() {
        let ctx = OperationContext::new(CallInfo::default());
        let runs = Arc::new(AtomicUsize::new(0));
        let r = runs.clone();
        ctx.on_cancel(|_| {}).expect("ok");
        let err = ctx
            .on_cancel(move |_| {
                r.fetch_add(1, Ordering::SeqCst);
            })
            .expect_err("second registration");
        assert!(matches!(err, Error::InvalidOperation { .. }));
        ctx.cancel(CancelReason::HostClosing);
        assert_eq!(runs.load(Ordering::SeqCst), 0);
    }

    #[test]
    fn registration_after_cancel_runs_at_once() {
        let ctx = OperationContext::new(CallInfo::default());
        ctx.cancel(CancelReason::HostAborted);
        let seen = Arc::new(Mutex::new(None));
        let s = seen.clone();
        ctx.on_cancel(move |reason| *s.lock().expect("lock") = Some(reason))
            .expect("ok");
        assert_eq!(*seen.lock().expect("lock"), Some(CancelReason::HostAborted));
    }

    #[test]
    fn extensions_reach_the_context_and_its_clones() {
        #[derive(Clone, Debug, PartialEq)]
        struct Who(&'static str);
        let mut ext = Extensions::new();
        ext.insert(Who("alice"));
        let ctx = OperationContext::with_extensions(CallInfo::default(), ext);
        assert_eq!(ctx.clone().extension::<Who>(), Some(&Who("alice")));
        assert_eq!(ctx.extension::<u32>(), None);
        assert_eq!(
            OperationContext::new(CallInfo::default()).extension::<Who>(),
            None
        );
    }

    #[tokio::test]
    async fn cancelled_future_and_token_fire() {
        let ctx = OperationContext::new(CallInfo::default());
        let token = ctx.token();
        let c2 = ctx.clone();
        let waiter = tokio::spawn(async move { c2.cancelled().await });
        assert!(!token.is_cancelled());
        ctx.cancel(CancelReason::HostClosing);
        assert_eq!(waiter.await.expect("ok"), CancelReason::HostClosing);
        assert!(token.is_cancelled());
    }

    #[tokio::test]
    async fn a_token_taken_after_the_cancel_is_cancelled() {
        let ctx = OperationContext::new(CallInfo::default());
        assert!(!ctx.is_cancelled());
        ctx.cancel(CancelReason::ChannelFaulted);
        assert!(ctx.is_cancelled());
        assert!(ctx.token().is_cancelled());
        assert_eq!(ctx.cancelled().await, CancelReason::ChannelFaulted);
    }
}
