//! The README's quick start, as written there, run over loopback (port 0
//! instead of 8080), so the README cannot drift from the API.

// As terse as the README shows it.
#![allow(missing_docs)]

use wws_core::{AddressingVersion, BodyElement, EnvelopeVersion, Fault, XmlType};
use wws_host::{Contract, Endpoint, OperationContext, ServiceHost};
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

async fn add(_ctx: OperationContext, r: Add) -> Result<AddResponse, Fault> {
    Ok(AddResponse { result: r.a + r.b })
}

#[tokio::test]
async fn the_quick_start_runs() -> Result<(), Box<dyn std::error::Error>> {
    let contract = Contract::new().operation(format!("{NS}/Add"), add);
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
    let call = proxy.call::<Add, AddResponse>(
        &format!("{NS}/Add"),
        &Add { a: 1.0, b: 2.0 },
        CallOptions::new(),
    );
    println!("call {} pending", call.id());
    assert_eq!(call.await?.result, 3.0);
    host.close().await?;
    Ok(())
}
