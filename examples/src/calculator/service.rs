//! The reference calculator service (`calculator.wsdl`) on a
//! [`ServiceHost`]: shared by the `calculator` and `demo` binaries, the
//! end-to-end tests and the bench programs.
//!
//! `Divide` by zero faults (Client/Sender, reason "division by zero");
//! `Delay` sleeps the given milliseconds but stops early when its operation is
//! cancelled. Every call is logged with tracing, and can be watched through
//! [`ServiceEvent`]s.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::contract::CalculatorService;
use super::types::{
    Add, AddResponse, Delay, DelayResponse, Divide, DivideResponse, Echo, EchoResponse, op,
};
use tokio::sync::mpsc;
use wws_core::operation::Reply;
use wws_core::{AddressingVersion, EnvelopeVersion, Fault, Result};
use wws_host::ServiceHostProperties;
use wws_host::{CancelReason, Contract, Endpoint, OperationContext, ServiceHost};

/// The contract's WSDL (`examples/calculator.wsdl`).
pub const WSDL: &str = include_str!("../../calculator.wsdl");
/// Path of the SOAP 1.1 endpoint.
pub const PATH_SOAP11: &str = "/calculator";
/// Path of the SOAP 1.2 endpoint.
pub const PATH_SOAP12: &str = "/calculator12";

/// `Add`: `a + b`.
pub fn add(r: &Add) -> AddResponse {
    AddResponse { result: r.a + r.b }
}

/// `Divide`: `a / b`, a Sender (SOAP 1.1 Client) fault "division by zero" on `b = 0`.
#[allow(clippy::result_large_err)] // the host's operations answer `Result<_, Fault>`
pub fn divide(r: &Divide) -> std::result::Result<DivideResponse, Fault> {
    if r.b == 0.0 {
        return Err(Fault::sender("division by zero"));
    }
    Ok(DivideResponse { result: r.a / r.b })
}

/// `Echo`: the text back.
pub fn echo(r: Echo) -> EchoResponse {
    EchoResponse { text: r.text }
}

/// `Delay`: waits the given milliseconds (a negative count is none), or
/// answers a Receiver fault as soon as the operation is cancelled.
///
/// Cancel safety: dropping the future stops the wait; nothing else is held.
pub async fn delay(ctx: &OperationContext, r: Delay) -> std::result::Result<DelayResponse, Fault> {
    let ms = u64::try_from(r.milliseconds).unwrap_or(0);
    tokio::select! {
        _ = tokio::time::sleep(Duration::from_millis(ms)) => {
            Ok(DelayResponse { milliseconds: r.milliseconds })
        }
        reason = ctx.cancelled() => {
            Err(Fault::receiver(format!("delay cancelled: {reason}")))
        }
    }
}

/// What an operation of the service did, with when.
#[derive(Clone, Debug, PartialEq)]
pub enum ServiceEvent {
    /// An operation started.
    Started {
        /// The host's exchange id.
        id: u64,
        /// The operation's action.
        action: String,
        /// The request, briefly (e.g. `Delay(500)`).
        request: String,
        /// When.
        at: Instant,
    },
    /// An operation ended with a reply or a fault.
    Completed {
        /// The host's exchange id.
        id: u64,
        /// The request, briefly.
        request: String,
        /// When.
        at: Instant,
    },
    /// An operation was cancelled (seen by its `on_cancel` callback).
    Cancelled {
        /// The host's exchange id.
        id: u64,
        /// The request, briefly.
        request: String,
        /// Why.
        reason: CancelReason,
        /// When.
        at: Instant,
    },
}

/// The calculator service, optionally reporting [`ServiceEvent`]s.
#[derive(Clone, Debug, Default)]
pub struct Calculator {
    events: Option<mpsc::UnboundedSender<ServiceEvent>>,
}

impl Calculator {
    /// The service, reporting nothing.
    pub fn new() -> Self {
        Self::default()
    }

    /// The service and the receiver of its events.
    pub fn with_events() -> (Self, mpsc::UnboundedReceiver<ServiceEvent>) {
        let (tx, rx) = mpsc::unbounded_channel();
        (Calculator { events: Some(tx) }, rx)
    }

    fn emit(&self, e: ServiceEvent) {
        if let Some(tx) = &self.events {
            // A dropped receiver only means nobody watches.
            let _ = tx.send(e);
        }
    }

    /// Reports start, then completion or cancellation, around `op`, when
    /// someone watches (events, or debug logs); `request` describes the
    /// call briefly and is only made then.
    async fn observe<T, E>(
        &self,
        ctx: &OperationContext,
        request: impl FnOnce() -> String,
        op: impl std::future::Future<Output = std::result::Result<T, E>>,
    ) -> std::result::Result<T, E> {
        let logged = tracing::enabled!(tracing::Level::DEBUG);
        if self.events.is_none() && !logged {
            // Nobody watches: the host itself logs cancellations.
            return op.await;
        }
        let id = ctx.call().id;
        let request = request();
        tracing::debug!(id, action = ctx.action(), %request, "calculator call");
        self.emit(ServiceEvent::Started {
            id,
            action: ctx.action().to_owned(),
            request: request.clone(),
            at: Instant::now(),
        });
        let me = self.clone();
        let req = request.clone();
        // The callback runs at the moment the host cancels, even if the
        // handler future is dropped right after.
        let _ = ctx.on_cancel(move |reason| {
            tracing::debug!(id, request = %req, %reason, "calculator call cancelled");
            me.emit(ServiceEvent::Cancelled {
                id,
                request: req,
                reason,
                at: Instant::now(),
            });
        });
        let r = op.await;
        if !ctx.is_cancelled() {
            self.emit(ServiceEvent::Completed {
                id,
                request,
                at: Instant::now(),
            });
        }
        r
    }

    /// The calculator contract (Add, Divide, Echo, Delay) served by this
    /// service (see [`CalculatorService::into_contract`]).
    pub fn contract(&self) -> Contract {
        Arc::new(self.clone()).into_contract()
    }

    /// The two endpoints: SOAP 1.1 at [`PATH_SOAP11`] and SOAP 1.2 at
    /// [`PATH_SOAP12`], both serving the WSDL. They answer WS-Addressing
    /// requests as well as plain ones.
    pub fn endpoints(&self) -> [Endpoint; 2] {
        let contract = self.contract();
        [
            Endpoint::new(
                PATH_SOAP11,
                EnvelopeVersion::Soap11,
                AddressingVersion::Transport,
                contract.clone(),
            )
            .with_wsdl(WSDL),
            Endpoint::new(
                PATH_SOAP12,
                EnvelopeVersion::Soap12,
                AddressingVersion::Transport,
                contract,
            )
            .with_wsdl(WSDL),
        ]
    }

    /// A host on `addr` with both endpoints, opened.
    ///
    /// Cancel safety: as [`ServiceHost::open`].
    pub async fn start(
        &self,
        addr: SocketAddr,
        props: ServiceHostProperties,
    ) -> Result<ServiceHost> {
        let host = ServiceHost::with_properties(addr, props)?;
        for e in self.endpoints() {
            host.add_endpoint(e)?;
        }
        host.open().await?;
        Ok(host)
    }
}

impl CalculatorService for Calculator {
    async fn add(&self, ctx: &OperationContext, r: Add) -> Reply<op::Add> {
        let request = || format!("Add({}, {})", r.a, r.b);
        self.observe(ctx, request, async { Ok(add(&r)) }).await
    }

    async fn divide(&self, ctx: &OperationContext, r: Divide) -> Reply<op::Divide> {
        let request = || format!("Divide({}, {})", r.a, r.b);
        self.observe(ctx, request, async { divide(&r).map_err(Into::into) })
            .await
    }

    async fn echo(&self, ctx: &OperationContext, r: Echo) -> Reply<op::Echo> {
        let bytes = r.text.len();
        let request = || format!("Echo({bytes} bytes)");
        self.observe(ctx, request, async { Ok(echo(r)) }).await
    }

    async fn delay(&self, ctx: &OperationContext, r: Delay) -> Reply<op::Delay> {
        let request = || format!("Delay({})", r.milliseconds);
        let wait = async { delay(ctx, r).await.map_err(Into::into) };
        self.observe(ctx, request, wait).await
    }
}

/// The URL of `path` on a host bound to `addr`.
pub fn url(addr: SocketAddr, path: &str) -> String {
    format!("http://{addr}{path}")
}
