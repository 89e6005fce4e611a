//! [`Contract`]: the operations an endpoint serves, keyed by action and by
//! the qualified name of the request's body element.

use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use bytes::{Bytes, BytesMut};
use wws_core::{BodyElement, Error, Fault, Message, QName, Result};

use crate::context::OperationContext;

/// The boxed future an operation runs as.
pub(crate) type OperationFuture = Pin<Box<dyn Future<Output = Result<Reply, Fault>> + Send>>;

/// What a handler produced.
pub(crate) enum Reply {
    /// The body of the reply (one element, standalone XML); the host adds envelope and addressing.
    Body(Bytes),
    /// A whole reply message from an untyped handler; the host fills in what it left empty.
    Message(Box<Message>),
    /// Nothing: a one-way operation.
    None,
}

/// A handler with its request type erased.
pub(crate) trait ErasedHandler: Send + Sync {
    /// Decodes the request and starts the handler; `Err` when the request's
    /// body does not decode as the operation's argument.
    fn start(&self, ctx: OperationContext, request: Message) -> Result<OperationFuture>;
}

struct Typed<F, Req, Resp> {
    handler: F,
    _types: std::marker::PhantomData<fn(Req) -> Resp>,
}

impl<F, Fut, Req, Resp> ErasedHandler for Typed<F, Req, Resp>
where
    F: Fn(OperationContext, Req) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<Resp, Fault>> + Send + 'static,
    Req: BodyElement + Send + 'static,
    Resp: BodyElement + Send + 'static,
{
    fn start(&self, ctx: OperationContext, request: Message) -> Result<OperationFuture> {
        let req = request.read_body::<Req>()?;
        let fut = (self.handler)(ctx, req);
        Ok(Box::pin(async move {
            let resp = fut.await?;
            let mut out = BytesMut::new();
            resp.write_element(&mut out)
                .map_err(|e| Fault::receiver(format!("The reply cannot be written: {e}")))?;
            Ok(Reply::Body(out.freeze()))
        }))
    }
}

struct OneWay<F, Req> {
    handler: F,
    _types: std::marker::PhantomData<fn(Req)>,
}

impl<F, Fut, Req> ErasedHandler for OneWay<F, Req>
where
    F: Fn(OperationContext, Req) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<(), Fault>> + Send + 'static,
    Req: BodyElement + Send + 'static,
{
    fn start(&self, ctx: OperationContext, request: Message) -> Result<OperationFuture> {
        let req = request.read_body::<Req>()?;
        let fut = (self.handler)(ctx, req);
        Ok(Box::pin(async move {
            fut.await?;
            Ok(Reply::None)
        }))
    }
}

struct Untyped<F> {
    handler: F,
}

impl<F, Fut> ErasedHandler for Untyped<F>
where
    F: Fn(OperationContext, Message) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<Message, Fault>> + Send + 'static,
{
    fn start(&self, ctx: OperationContext, request: Message) -> Result<OperationFuture> {
        let fut = (self.handler)(ctx, request);
        Ok(Box::pin(
            async move { Ok(Reply::Message(Box::new(fut.await?))) },
        ))
    }
}

/// One operation of a contract.
#[derive(Clone)]
pub(crate) struct Operation {
    pub(crate) action: String,
    pub(crate) reply_action: String,
    pub(crate) body: Option<QName>,
    pub(crate) one_way: bool,
    pub(crate) handler: Arc<dyn ErasedHandler>,
}

/// The operations an endpoint serves.
///
/// Each operation has an action (the `wsa:Action` or the transport action a
/// request carries) and, when typed, the qualified name of its request
/// element, used when a request carries no action or one the contract does not
/// know (transport addressing only: a WS-Addressing action is authoritative).
///
/// ```
/// use wws_core::{BodyElement, Fault, Result};
/// use wws_host::{Contract, OperationContext};
/// # struct Ping; struct Pong;
/// # impl BodyElement for Ping { const NAMESPACE: &'static str = "urn:t"; const NAME: &'static str = "Ping";
/// #   fn write_element(&self, _: &mut bytes::BytesMut) -> Result<()> { Ok(()) } fn read_element(_: &[u8]) -> Result<Self> { Ok(Ping) } }
/// # impl BodyElement for Pong { const NAMESPACE: &'static str = "urn:t"; const NAME: &'static str = "Pong";
/// #   fn write_element(&self, _: &mut bytes::BytesMut) -> Result<()> { Ok(()) } fn read_element(_: &[u8]) -> Result<Self> { Ok(Pong) } }
/// async fn ping(_ctx: OperationContext, _req: Ping) -> Result<Pong, Fault> { Ok(Pong) }
/// let contract = Contract::new().operation("urn:t/Ping", ping);
/// assert_eq!(contract.len(), 1);
/// ```
#[derive(Clone, Default)]
pub struct Contract {
    pub(crate) operations: Vec<Operation>,
}

impl fmt::Debug for Contract {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.operations.iter().map(|o| &o.action))
            .finish()
    }
}

impl Contract {
    /// An empty contract.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a request-reply operation with a typed request and response.
    ///
    /// The reply's action is `action` + `"Response"`; see
    /// [`operation_with_reply_action`](Self::operation_with_reply_action).
    pub fn operation<Req, Resp, F, Fut>(self, action: impl Into<String>, handler: F) -> Self
    where
        F: Fn(OperationContext, Req) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<Resp, Fault>> + Send + 'static,
        Req: BodyElement + Send + 'static,
        Resp: BodyElement + Send + 'static,
    {
        let action = action.into();
        let reply_action = format!("{action}Response");
        self.operation_with_reply_action(action, reply_action, handler)
    }

    /// Adds a request-reply operation whose reply carries `reply_action`.
    pub fn operation_with_reply_action<Req, Resp, F, Fut>(
        mut self,
        action: impl Into<String>,
        reply_action: impl Into<String>,
        handler: F,
    ) -> Self
    where
        F: Fn(OperationContext, Req) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<Resp, Fault>> + Send + 'static,
        Req: BodyElement + Send + 'static,
        Resp: BodyElement + Send + 'static,
    {
        self.operations.push(Operation {
            action: action.into(),
            reply_action: reply_action.into(),
            body: Some(QName::new(Req::NAMESPACE, Req::NAME)),
            one_way: false,
            handler: Arc::new(Typed {
                handler,
                _types: std::marker::PhantomData,
            }),
        });
        self
    }

    /// Adds a one-way operation: the host answers `202 Accepted` as soon as the
    /// request is read and accepted (decoded, headers understood), then runs the
    /// handler, as WWSAPI does. A fault the handler returns is only logged.
    pub fn one_way<Req, F, Fut>(mut self, action: impl Into<String>, handler: F) -> Self
    where
        F: Fn(OperationContext, Req) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<(), Fault>> + Send + 'static,
        Req: BodyElement + Send + 'static,
    {
        self.operations.push(Operation {
            action: action.into(),
            reply_action: String::new(),
            body: Some(QName::new(Req::NAMESPACE, Req::NAME)),
            one_way: true,
            handler: Arc::new(OneWay {
                handler,
                _types: std::marker::PhantomData,
            }),
        });
        self
    }

    /// Adds a request-reply operation that takes and returns whole messages.
    ///
    /// It is dispatched by action only. The host sets the reply's envelope
    /// version, and for WS-Addressing its `RelatesTo` and, when left empty,
    /// its action (`action` + `"Response"`).
    pub fn operation_raw<F, Fut>(mut self, action: impl Into<String>, handler: F) -> Self
    where
        F: Fn(OperationContext, Message) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<Message, Fault>> + Send + 'static,
    {
        let action = action.into();
        self.operations.push(Operation {
            reply_action: format!("{action}Response"),
            action,
            body: None,
            one_way: false,
            handler: Arc::new(Untyped { handler }),
        });
        self
    }

    /// Number of operations.
    pub fn len(&self) -> usize {
        self.operations.len()
    }

    /// Whether the contract has no operation.
    pub fn is_empty(&self) -> bool {
        self.operations.is_empty()
    }

    /// The dispatch tables; fails when two operations share an action or a
    /// request element.
    pub(crate) fn index(&self) -> Result<Dispatch> {
        let mut by_action = HashMap::new();
        let mut by_body = HashMap::new();
        for (i, op) in self.operations.iter().enumerate() {
            if by_action.insert(op.action.clone(), i).is_some() {
                return Err(Error::DuplicateOperation {
                    what: "action",
                    name: op.action.clone(),
                });
            }
            if let Some(q) = &op.body {
                if by_body.insert(q.clone(), i).is_some() {
                    return Err(Error::DuplicateOperation {
                        what: "request element",
                        name: format!("{{{}}}{}", q.namespace, q.local),
                    });
                }
            }
        }
        Ok(Dispatch {
            operations: self.operations.clone(),
            by_action,
            by_body,
        })
    }
}

/// A contract indexed for dispatch.
pub(crate) struct Dispatch {
    operations: Vec<Operation>,
    by_action: HashMap<String, usize>,
    by_body: HashMap<QName, usize>,
}

impl Dispatch {
    /// The operation for `action`.
    pub(crate) fn by_action(&self, action: &str) -> Option<&Operation> {
        self.by_action
            .get(action)
            .and_then(|&i| self.operations.get(i))
    }

    /// The operation whose request element is `name`.
    pub(crate) fn by_body(&self, name: &QName) -> Option<&Operation> {
        self.by_body.get(name).and_then(|&i| self.operations.get(i))
    }
}
