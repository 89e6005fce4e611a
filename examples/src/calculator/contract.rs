//! The calculator contract as a service trait for the host and a typed
//! client over a `ServiceProxy`: what the WSDL code generator will emit,
//! written by hand.

use std::future::Future;
use std::sync::Arc;

use wws_core::operation::Reply;
use wws_host::{Contract, OperationContext};
use wws_proxy::{CallOptions, PendingCall, ServiceProxy};

use super::types::{
    Add, AddResponse, Delay, DelayResponse, Divide, DivideResponse, Echo, EchoResponse, op,
};

/// The calculator's operations, implemented by a service and served by a
/// host with [`into_contract`](Self::into_contract).
///
/// Each method may be written `async fn` in the impl; its future must be
/// `Send` (the host runs it on its connection's task).
///
/// Cancel safety: when the operation is cancelled (the client left, the
/// host aborts or gives up on a close) the host polls the method's future
/// once more and drops it; a method holds nothing that must outlive it, and
/// hands [`OperationContext::token`] to any work it spawns.
pub trait CalculatorService: Send + Sync + Sized + 'static {
    /// `Add`: `a + b`.
    fn add(&self, ctx: &OperationContext, req: Add) -> impl Future<Output = Reply<op::Add>> + Send;
    /// `Divide`: `a / b`.
    fn divide(
        &self,
        ctx: &OperationContext,
        req: Divide,
    ) -> impl Future<Output = Reply<op::Divide>> + Send;
    /// `Echo`: the text back.
    fn echo(
        &self,
        ctx: &OperationContext,
        req: Echo,
    ) -> impl Future<Output = Reply<op::Echo>> + Send;
    /// `Delay`: answers after the given milliseconds.
    fn delay(
        &self,
        ctx: &OperationContext,
        req: Delay,
    ) -> impl Future<Output = Reply<op::Delay>> + Send;

    /// The contract serving this service's methods; the service is shared, never cloned.
    fn into_contract(self: Arc<Self>) -> Contract {
        Contract::from_service(self)
            .serve::<op::Add, _, _>(|s, ctx, r| async move { s.add(&ctx, r).await })
            .serve::<op::Divide, _, _>(|s, ctx, r| async move { s.divide(&ctx, r).await })
            .serve::<op::Echo, _, _>(|s, ctx, r| async move { s.echo(&ctx, r).await })
            .serve::<op::Delay, _, _>(|s, ctx, r| async move { s.delay(&ctx, r).await })
            .into()
    }
}

/// A typed client of the calculator: one method per operation, each
/// returning the [`PendingCall`] at once (its id known, abandoned when
/// dropped), and a `_with` variant taking [`CallOptions`] (call id,
/// timeout, SOAP headers).
///
/// Cheap to clone; clones share the proxy, and calls from any of them run
/// concurrently.
#[derive(Clone, Debug)]
pub struct CalculatorClient {
    proxy: ServiceProxy,
}

impl CalculatorClient {
    /// A client over `proxy` (opened by the caller).
    pub fn new(proxy: ServiceProxy) -> Self {
        CalculatorClient { proxy }
    }

    /// The proxy, to open, close, abort or abandon calls.
    pub fn proxy(&self) -> &ServiceProxy {
        &self.proxy
    }

    /// `Add`: `a + b`.
    pub fn add(&self, req: &Add) -> PendingCall<AddResponse> {
        self.add_with(req, CallOptions::new())
    }

    /// `Add` with call options.
    pub fn add_with(&self, req: &Add, opts: CallOptions) -> PendingCall<AddResponse> {
        self.proxy.invoke::<op::Add>(req, opts)
    }

    /// `Divide`: `a / b`; a Sender fault on `b = 0`.
    pub fn divide(&self, req: &Divide) -> PendingCall<DivideResponse> {
        self.divide_with(req, CallOptions::new())
    }

    /// `Divide` with call options.
    pub fn divide_with(&self, req: &Divide, opts: CallOptions) -> PendingCall<DivideResponse> {
        self.proxy.invoke::<op::Divide>(req, opts)
    }

    /// `Echo`: the text back.
    pub fn echo(&self, req: &Echo) -> PendingCall<EchoResponse> {
        self.echo_with(req, CallOptions::new())
    }

    /// `Echo` with call options.
    pub fn echo_with(&self, req: &Echo, opts: CallOptions) -> PendingCall<EchoResponse> {
        self.proxy.invoke::<op::Echo>(req, opts)
    }

    /// `Delay`: answers after the given milliseconds.
    pub fn delay(&self, req: &Delay) -> PendingCall<DelayResponse> {
        self.delay_with(req, CallOptions::new())
    }

    /// `Delay` with call options.
    pub fn delay_with(&self, req: &Delay, opts: CallOptions) -> PendingCall<DelayResponse> {
        self.proxy.invoke::<op::Delay>(req, opts)
    }
}
