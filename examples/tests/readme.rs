//! The README's quick start, as written there, run over loopback (port 0
//! instead of 8080), so the README cannot drift from the API.

// As terse as the README shows it.
#![allow(missing_docs)]

use std::sync::Arc;

use wws_core::{AddressingVersion, BodyElement, EnvelopeVersion, XmlType};
use wws_host::{Contract, Endpoint, ServiceHost};
use wws_proxy::{CallOptions, ServiceProxy};

const NS: &str = "http://example.org/wws/calculator";

#[derive(XmlType, BodyElement, Debug)]
#[xml(namespace = NS, name = "Add")]
pub struct Add {
    pub a: f64,
    pub b: f64,
}

#[derive(XmlType, BodyElement, Debug)]
#[xml(namespace = NS, name = "AddResponse")]
pub struct AddResponse {
    pub result: f64,
}

pub mod op {
    wws_core::operations! {
        namespace = super::NS, port_type = "CalculatorPortType";
        /// `Add`: `a + b`.
        pub Add(super::Add) -> super::AddResponse { action: "http://example.org/wws/calculator/Add" }
    }
}

struct Calculator; // the state every call shares

impl Calculator {
    async fn add(&self, r: Add) -> wws_core::operation::Reply<op::Add> {
        Ok(AddResponse { result: r.a + r.b })
    }
}

#[tokio::test]
async fn the_quick_start_runs() -> Result<(), Box<dyn std::error::Error>> {
    let contract: Contract = Contract::from_service(Arc::new(Calculator))
        .serve::<op::Add, _, _>(|svc, _ctx, r| async move { svc.add(r).await })
        .into();
    let host = ServiceHost::builder("127.0.0.1:0".parse()?)
        .endpoint(Endpoint::new(
            "/calculator",
            EnvelopeVersion::Soap11,
            AddressingVersion::Transport,
            contract,
        ))
        .build()?;
    host.open().await?;
    let addr = host.local_addr().ok_or("bound")?;

    let proxy = ServiceProxy::builder(&format!("http://{addr}/calculator"))
        .envelope(EnvelopeVersion::Soap11)
        .addressing(AddressingVersion::Transport)
        .call_timeout(Some(std::time::Duration::from_secs(5)))
        .build()?;
    proxy.open().await?;
    let call = proxy.invoke::<op::Add>(&Add { a: 1.0, b: 2.0 }, CallOptions::new());
    println!("call {} pending", call.id());
    assert_eq!(call.await?.result, 3.0);
    host.close().await?;
    Ok(())
}
