//! A service trait implemented once, its state shared (never cloned into
//! closures), served by a host and called through the typed client from
//! clones concurrently; the client's calls are pending calls as ever.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::sync::mpsc;
use wws_core::operation::Reply;
use wws_core::{AddressingVersion, EnvelopeVersion, Error, Fault};
use wws_examples::calculator::{
    self, ADD_ACTION, Add, AddResponse, CalculatorClient, CalculatorService, Delay, Divide, Echo,
    EchoResponse, op,
};
use wws_host::{CancelReason, OperationContext};
use wws_proxy::ProxyProperties;

use crate::support::{host, proxy, within};

/// Not `Clone`: the host can only share it.
struct Counting {
    calls: AtomicUsize,
    events: mpsc::UnboundedSender<Event>,
}

#[derive(Debug, PartialEq)]
enum Event {
    DelayStarted,
    Cancelled(CancelReason),
}

impl CalculatorService for Counting {
    async fn add(&self, ctx: &OperationContext, r: Add) -> Reply<op::Add> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        if ctx.action() != ADD_ACTION {
            return Err(Fault::receiver("dispatched on another action").into());
        }
        Ok(AddResponse { result: r.a + r.b })
    }

    async fn divide(&self, _: &OperationContext, r: Divide) -> Reply<op::Divide> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        calculator::divide(&r).map_err(Into::into)
    }

    async fn echo(&self, _: &OperationContext, r: Echo) -> Reply<op::Echo> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        Ok(EchoResponse { text: r.text })
    }

    async fn delay(&self, ctx: &OperationContext, r: Delay) -> Reply<op::Delay> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        let tx = self.events.clone();
        let _ = ctx.on_cancel(move |reason| {
            let _ = tx.send(Event::Cancelled(reason));
        });
        let _ = self.events.send(Event::DelayStarted);
        calculator::delay(ctx, r).await.map_err(Into::into)
    }
}

#[tokio::test]
async fn one_shared_service_serves_concurrent_calls_from_client_clones() {
    let (tx, _rx) = mpsc::unbounded_channel();
    let service = Arc::new(Counting {
        calls: AtomicUsize::new(0),
        events: tx,
    });
    for envelope in [EnvelopeVersion::Soap11, EnvelopeVersion::Soap12] {
        let (host, url) = host(envelope, Arc::clone(&service).into_contract()).await;
        let p = proxy(
            &url,
            envelope,
            AddressingVersion::WsAddressing10,
            ProxyProperties::default(),
        )
        .await;
        let client = CalculatorClient::new(p);
        let mut tasks = Vec::new();
        for i in 0..8 {
            let client = client.clone();
            tasks.push(tokio::spawn(async move {
                let sum = client.add(&Add {
                    a: f64::from(i),
                    b: 1.0,
                });
                let text = client.echo(&Echo {
                    text: format!("t{i}"),
                });
                let (sum, text) = (sum.await, text.await);
                (i, sum, text)
            }));
        }
        for task in tasks {
            let (i, sum, text) = within("calls", task).await.expect("task");
            assert_eq!(sum.expect("add").result, f64::from(i) + 1.0);
            assert_eq!(text.expect("echo").text, format!("t{i}"));
        }
        let fault = within("divide", client.divide(&Divide { a: 1.0, b: 0.0 })).await;
        assert_eq!(
            fault
                .as_ref()
                .err()
                .and_then(Error::fault)
                .map(|f| f.reason_text()),
            Some("division by zero")
        );
        host.abort();
    }
    assert_eq!(service.calls.load(Ordering::SeqCst), 2 * 17);
}

#[tokio::test]
async fn a_dropped_client_call_is_abandoned_and_the_service_told() {
    let (tx, mut events) = mpsc::unbounded_channel();
    let service = Arc::new(Counting {
        calls: AtomicUsize::new(0),
        events: tx,
    });
    let (host, url) = host(EnvelopeVersion::Soap12, service.clone().into_contract()).await;
    let p = proxy(
        &url,
        EnvelopeVersion::Soap12,
        AddressingVersion::Transport,
        ProxyProperties::default(),
    )
    .await;
    let client = CalculatorClient::new(p.clone());
    let slow = client.delay(&Delay {
        milliseconds: 60_000,
    });
    // Once the operation runs, drop the call.
    assert_eq!(
        within("started", events.recv()).await,
        Some(Event::DelayStarted)
    );
    drop(slow);
    assert_eq!(p.pending_calls(), 0);
    assert_eq!(
        within("cancel", events.recv()).await,
        Some(Event::Cancelled(CancelReason::ChannelFaulted))
    );
    host.abort();
}
