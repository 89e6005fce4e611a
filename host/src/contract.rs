//! [`Contract`]: the operations an endpoint serves, keyed by action and by
//! the qualified name of the request's body element.

use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use bytes::{Bytes, BytesMut};
use wws_core::operation::{Operation as TypedOperation, Reply as TypedReply};
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

/// A handler of a typed [`Operation`](wws_core::Operation).
struct OfOperation<O, F> {
    handler: F,
    _op: std::marker::PhantomData<fn(O)>,
}

impl<O, F, Fut> ErasedHandler for OfOperation<O, F>
where
    O: TypedOperation,
    F: Fn(OperationContext, O::Request) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = TypedReply<O>> + Send + 'static,
{
    fn start(&self, ctx: OperationContext, request: Message) -> Result<OperationFuture> {
        let req = request.read_body::<O::Request>()?;
        let fut = (self.handler)(ctx, req);
        Ok(Box::pin(async move {
            let resp = fut.await.map_err(|fault| fault.into_fault())?;
            let mut out = BytesMut::new();
            if let Err(e) = resp.write_element(&mut out) {
                tracing::error!(error = %e, operation = O::NAME, "the response cannot be written");
                return Err(Fault::receiver(crate::faults::INTERNAL_ERROR));
            }
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
    /// A second action the operation answers to: WS-Addressing's default
    /// request action of a typed operation whose own action is empty.
    pub(crate) addressing_action: Option<String>,
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
/// Several typed operations may share one action (CountryInfoService gives
/// all of its operations `soapAction=""`): a request with that action goes
/// to the one whose request element its body carries. Two operations with
/// the same action and the same request element, two sharing an action of
/// which one is untyped, or two with one request element are refused
/// ([`Error::DuplicateOperation`]) when the endpoint is added.
///
/// Typed operations ([`serve`](Self::serve), [`from_service`](Self::from_service))
/// take their action, reply action, request, response and fault detail from
/// an [`Operation`](wws_core::Operation) type.
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

    /// Adds the typed operation `O`, served by `handler`.
    ///
    /// Requests carry [`O::ACTION`](wws_core::Operation::ACTION) (or, when
    /// it is shared or missing, `O::Request`'s element; when it is empty,
    /// WS-Addressing requests may carry [`O::request_action()`](wws_core::Operation::request_action));
    /// replies carry
    /// [`O::reply_action()`](wws_core::Operation::reply_action); a
    /// [`ServiceFault`](wws_core::ServiceFault) the handler returns is sent
    /// with its detail element.
    ///
    /// ```
    /// use wws_core::{Fault, XmlType, BodyElement};
    /// use wws_host::{Contract, OperationContext};
    /// # const NS: &str = "urn:t";
    /// #[derive(XmlType, BodyElement)] #[xml(namespace = NS)] pub struct Ping {}
    /// #[derive(XmlType, BodyElement)] #[xml(namespace = NS)] pub struct Pong {}
    /// mod op {
    ///     wws_core::operations! {
    ///         namespace = super::NS, port_type = "PingPortType";
    ///         /// Ping.
    ///         pub Ping(super::Ping) -> super::Pong { action: "urn:t/Ping" }
    ///     }
    /// }
    /// # fn main() {
    /// let contract = Contract::new().serve::<op::Ping, _, _>(|_ctx: OperationContext, _req| async { Ok(Pong {}) });
    /// assert_eq!(contract.len(), 1);
    /// # }
    /// ```
    pub fn serve<O, F, Fut>(mut self, handler: F) -> Self
    where
        O: TypedOperation,
        F: Fn(OperationContext, O::Request) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = TypedReply<O>> + Send + 'static,
    {
        self.operations.push(Operation {
            action: O::ACTION.to_owned(),
            addressing_action: O::ACTION
                .is_empty()
                .then(|| O::request_action().into_owned()),
            reply_action: O::reply_action().into_owned(),
            body: Some(QName::new(
                <O::Request as BodyElement>::NAMESPACE,
                <O::Request as BodyElement>::NAME,
            )),
            one_way: false,
            handler: Arc::new(OfOperation::<O, F> {
                handler,
                _op: std::marker::PhantomData,
            }),
        });
        self
    }

    /// Starts a contract whose operations are methods of `service`: state is
    /// passed once, as axum's `with_state`, and every operation added with
    /// [`ServiceContract::serve`] gets the shared service.
    pub fn from_service<S: Send + Sync + 'static>(service: Arc<S>) -> ServiceContract<S> {
        ServiceContract {
            service,
            contract: Contract::new(),
        }
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
            addressing_action: None,
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
            addressing_action: None,
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
            addressing_action: None,
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

    /// The dispatch tables; fails when two operations cannot be told apart:
    /// same action and same request element, an action shared with an
    /// untyped operation, or one request element for two actions.
    pub(crate) fn index(&self) -> Result<Dispatch> {
        let mut by_action: HashMap<String, Vec<usize>> = HashMap::new();
        let mut by_body = HashMap::new();
        for (i, op) in self.operations.iter().enumerate() {
            for action in std::iter::once(&op.action).chain(&op.addressing_action) {
                let sharing = by_action.entry(action.clone()).or_default();
                let clash = sharing
                    .iter()
                    .filter_map(|&j| self.operations.get(j))
                    .any(|other| {
                        other.body.is_none() || op.body.is_none() || other.body == op.body
                    });
                if clash {
                    return Err(Error::DuplicateOperation {
                        what: "action",
                        name: action.clone(),
                    });
                }
                sharing.push(i);
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

/// A [`Contract`] being built from a service's methods; see
/// [`Contract::from_service`]. Turns into a `Contract` with [`into_contract`](Self::into_contract) or `into()`.
pub struct ServiceContract<S> {
    service: Arc<S>,
    contract: Contract,
}

impl<S: Send + Sync + 'static> ServiceContract<S> {
    /// Adds the typed operation `O`, served by `handler` with the shared
    /// service (the host clones the `Arc`, never the service), e.g.
    /// `|s, ctx, req| async move { s.add(&ctx, req).await }`.
    ///
    /// Replies and faults as [`Contract::serve`]. Cancellation as for
    /// every handler: once the operation is told why, its future is polled
    /// once more and dropped.
    pub fn serve<O, F, Fut>(mut self, handler: F) -> Self
    where
        O: TypedOperation,
        F: Fn(Arc<S>, OperationContext, O::Request) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = TypedReply<O>> + Send + 'static,
    {
        let service = Arc::clone(&self.service);
        self.contract = self
            .contract
            .serve::<O, _, _>(move |ctx, req| handler(Arc::clone(&service), ctx, req));
        self
    }

    /// The contract.
    pub fn into_contract(self) -> Contract {
        self.contract
    }
}

impl<S> From<ServiceContract<S>> for Contract {
    fn from(c: ServiceContract<S>) -> Contract {
        c.contract
    }
}

impl<S> fmt::Debug for ServiceContract<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("ServiceContract")
            .field(&self.contract)
            .finish()
    }
}

/// A contract indexed for dispatch.
pub(crate) struct Dispatch {
    operations: Vec<Operation>,
    by_action: HashMap<String, Vec<usize>>,
    by_body: HashMap<QName, usize>,
}

/// The operations one action names.
pub(crate) enum ByAction<'a> {
    /// One operation.
    One(&'a Operation),
    /// Several typed ones, told apart by their request elements.
    Shared(Vec<&'a Operation>),
}

impl Dispatch {
    /// The operations for `action`.
    pub(crate) fn by_action(&self, action: &str) -> Option<ByAction<'_>> {
        let ops: Vec<&Operation> = self
            .by_action
            .get(action)?
            .iter()
            .filter_map(|&i| self.operations.get(i))
            .collect();
        match ops.as_slice() {
            [] => None,
            [one] => Some(ByAction::One(one)),
            _ => Some(ByAction::Shared(ops)),
        }
    }

    /// The operation whose request element is `name`.
    pub(crate) fn by_body(&self, name: &QName) -> Option<&Operation> {
        self.by_body.get(name).and_then(|&i| self.operations.get(i))
    }
}
