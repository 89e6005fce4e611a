//! One call on a service proxy: its options and the future that completes it.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use http::header::AUTHORIZATION;
use http::{Extensions, HeaderMap, HeaderName, HeaderValue};
use tokio::sync::oneshot;
use wws_core::{CallId, Error, Header, Message, QName, Result};

use crate::proxy::Inner;

/// Options of one call.
#[derive(Clone, Debug, Default)]
pub struct CallOptions {
    call_id: Option<CallId>,
    timeout: Option<Duration>,
    headers: Vec<Header>,
    http_headers: HeaderMap,
    /// Why an option given could not be used; the call fails with it.
    invalid: Option<String>,
    extensions: Extensions,
    /// Reply header blocks this call reads itself (its typed reply headers),
    /// understood besides the layers' when they are `mustUnderstand`.
    understood: Vec<QName>,
}

impl CallOptions {
    /// Default options: a fresh call id chosen by the proxy.
    pub fn new() -> Self {
        Self::default()
    }

    /// Gives the call this id. Several calls may share one id (a call group);
    /// `abandon_call(id)` then abandons them together.
    ///
    /// [`CallId::ALL`] is not an id a call can carry; the proxy assigns a
    /// fresh one instead.
    pub fn call_id(mut self, id: impl Into<CallId>) -> Self {
        let id = id.into();
        self.call_id = (!id.is_all()).then_some(id);
        self
    }

    /// Ends this call with [`Error::TimedOut`] after `timeout`, instead of
    /// the proxy's `call_timeout` (longer or shorter), and closes its connection.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Sends `header` with this call's request (after the headers the
    /// message already has, before those layers add).
    pub fn header(mut self, header: Header) -> Self {
        self.headers.push(header);
        self
    }

    /// Sends `value` as the HTTP header `name` with this call's request,
    /// replacing the proxy's value of that name (the binding's own headers,
    /// `Content-Type`, `SOAPAction`, ..., are refused when the call starts).
    pub fn http_header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.http_headers.insert(name, value);
        self
    }

    /// Authenticates this call with HTTP Basic (`Authorization: Basic ...`).
    pub fn basic_auth(self, user: &str, password: Option<&str>) -> Self {
        self.http_header(AUTHORIZATION, wws_channel::auth::basic(user, password))
    }

    /// Authenticates this call with a bearer token (`Authorization: Bearer ...`);
    /// a token a header cannot carry fails the call at once with `InvalidProperty`.
    pub fn bearer_auth(mut self, token: &str) -> Self {
        match wws_channel::auth::bearer(token) {
            Ok(value) => self.http_header(AUTHORIZATION, value),
            Err(e) => {
                self.invalid.get_or_insert(e.to_string());
                self
            }
        }
    }

    pub(crate) fn invalid(&self) -> Option<Error> {
        self.invalid.as_ref().map(|reason| Error::InvalidProperty {
            object: "CallOptions",
            property: "http headers",
            reason: reason.clone(),
        })
    }

    pub(crate) fn take_http_headers(&mut self) -> HeaderMap {
        std::mem::take(&mut self.http_headers)
    }

    /// Hands `value` to the proxy's layers for this call, where
    /// [`CallInfo::extensions`](crate::CallInfo::extensions) holds it (e.g.
    /// `wws_security::UsernameCredentials` overriding the proxy's own). One
    /// value per type: a later one of the same type replaces it.
    pub fn extension<T: Clone + Send + Sync + 'static>(mut self, value: T) -> Self {
        self.extensions.insert(value);
        self
    }

    pub(crate) fn take_extensions(&mut self) -> Extensions {
        std::mem::take(&mut self.extensions)
    }

    pub(crate) fn chosen_id(&self) -> Option<CallId> {
        self.call_id
    }

    pub(crate) fn chosen_timeout(&self) -> Option<Duration> {
        self.timeout
    }

    pub(crate) fn take_headers(&mut self) -> Vec<Header> {
        std::mem::take(&mut self.headers)
    }

    pub(crate) fn understand(&mut self, names: impl IntoIterator<Item = QName>) {
        self.understood.extend(names);
    }

    pub(crate) fn take_understood(&mut self) -> Vec<QName> {
        std::mem::take(&mut self.understood)
    }
}

/// Turns the reply message into the caller's type.
pub(crate) type Decode<T> = fn(Message) -> Result<T>;

/// A call in flight: a future of the reply, whose [`id`](Self::id) is known at once.
///
/// The exchange runs on its own task from the moment the call is made, so it
/// progresses (and can time out) before this future is first polled.
///
/// Dropping a `PendingCall` before it completes abandons that call (and only
/// that one, even when it shares its id with others): its connection is
/// closed, its slot and task are freed.
#[must_use = "a call is abandoned when its PendingCall is dropped"]
pub struct PendingCall<T> {
    id: CallId,
    state: CallState<T>,
}

enum CallState<T> {
    /// Failed before it started (state, quota, encoding).
    Failed(Option<Error>),
    /// Registered in the proxy under `key`.
    Waiting {
        key: u64,
        rx: oneshot::Receiver<Result<Message>>,
        proxy: Arc<Inner>,
        decode: Decode<T>,
    },
    /// Completed and returned.
    Done,
}

// No field is ever pinned: the reply value is moved out, never polled in place.
impl<T> Unpin for PendingCall<T> {}

impl<T> PendingCall<T> {
    pub(crate) fn failed(id: CallId, error: Error) -> Self {
        PendingCall {
            id,
            state: CallState::Failed(Some(error)),
        }
    }

    pub(crate) fn waiting(
        id: CallId,
        key: u64,
        rx: oneshot::Receiver<Result<Message>>,
        proxy: Arc<Inner>,
        decode: Decode<T>,
    ) -> Self {
        PendingCall {
            id,
            state: CallState::Waiting {
                key,
                rx,
                proxy,
                decode,
            },
        }
    }

    /// The call's id, for [`ServiceProxy::abandon_call`](crate::ServiceProxy::abandon_call).
    pub fn id(&self) -> CallId {
        self.id
    }
}

impl<T> Future for PendingCall<T> {
    type Output = Result<T>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Result<T>> {
        let this = self.get_mut();
        match &mut this.state {
            CallState::Failed(error) => {
                let error = error.take().unwrap_or(Error::InvalidOperation {
                    object: "PendingCall",
                    state: "Done",
                    operation: "poll",
                });
                this.state = CallState::Done;
                Poll::Ready(Err(error))
            }
            CallState::Waiting { rx, decode, .. } => {
                let outcome = match Pin::new(rx).poll(cx) {
                    Poll::Pending => return Poll::Pending,
                    Poll::Ready(Ok(outcome)) => outcome,
                    // The proxy always completes a slot before dropping its sender.
                    Poll::Ready(Err(_)) => Err(Error::Aborted {
                        object: "ServiceProxy",
                    }),
                };
                let decode = *decode;
                this.state = CallState::Done;
                Poll::Ready(outcome.and_then(decode))
            }
            CallState::Done => Poll::Ready(Err(Error::InvalidOperation {
                object: "PendingCall",
                state: "Done",
                operation: "poll",
            })),
        }
    }
}

impl<T> Drop for PendingCall<T> {
    fn drop(&mut self) {
        if let CallState::Waiting { key, proxy, .. } = &self.state {
            proxy.forget_call(*key);
        }
    }
}

impl<T> fmt::Debug for PendingCall<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = match self.state {
            CallState::Failed(_) => "Failed",
            CallState::Waiting { .. } => "Waiting",
            CallState::Done => "Done",
        };
        f.debug_struct("PendingCall")
            .field("id", &self.id)
            .field("state", &state)
            .finish()
    }
}
