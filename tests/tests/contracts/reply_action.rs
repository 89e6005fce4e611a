//! Replies of typed operations carry WS-Addressing 1.0 Metadata's default
//! action (§4.4.4) when the WSDL names none, as WCF and JAX-WS RI send it,
//! or the one the operation names.

use wws_core::{AddressingVersion, BodyElement, EnvelopeVersion, Message, Operation, XmlType};
use wws_examples::calculator::{self, op as calc};
use wws_host::Contract;
use wws_proxy::{CallOptions, ProxyProperties};

use crate::support::{host, proxy, within};

const NS: &str = "http://example.org/wws/test/reply";

#[derive(XmlType, BodyElement, Debug, Clone, PartialEq)]
#[xml(namespace = NS)]
pub struct Ping {}

#[derive(XmlType, BodyElement, Debug, Clone, PartialEq)]
#[xml(namespace = NS)]
pub struct Pong {}

mod op {
    wws_core::operations! {
        namespace = super::NS, port_type = "PingPortType";
        /// No wsam:Action on the output.
        pub Ping(super::Ping) -> super::Pong { action: "http://example.org/wws/test/reply/Ping" }
        /// wsam:Action="urn:pong" on the output.
        pub Named(super::Ping) -> super::Pong {
            action: "http://example.org/wws/test/reply/Named",
            reply_action: "urn:pong",
        }
    }
}

async fn reply_action<O: Operation<Request = Ping>>(contract: Contract) -> Option<String> {
    let (host, url) = host(EnvelopeVersion::Soap12, contract).await;
    let p = proxy(
        &url,
        EnvelopeVersion::Soap12,
        AddressingVersion::WsAddressing10,
        ProxyProperties::default(),
    )
    .await;
    let m = Message::from_body(
        EnvelopeVersion::Soap12,
        AddressingVersion::WsAddressing10,
        O::ACTION,
        &Ping {},
    )
    .expect("writes");
    let reply = within("ping", p.call_message(m, CallOptions::new()))
        .await
        .expect("reply");
    host.abort();
    reply.action
}

#[tokio::test]
async fn the_default_reply_action_is_namespace_port_type_operation_response() {
    let contract = Contract::new().serve::<op::Ping, _, _>(|_, _| async { Ok(Pong {}) });
    assert_eq!(
        reply_action::<op::Ping>(contract).await.as_deref(),
        Some("http://example.org/wws/test/reply/PingPortType/PingResponse")
    );
}

#[tokio::test]
async fn a_reply_action_the_operation_names_is_sent() {
    let contract = Contract::new().serve::<op::Named, _, _>(|_, _| async { Ok(Pong {}) });
    assert_eq!(
        reply_action::<op::Named>(contract).await.as_deref(),
        Some("urn:pong")
    );
}

#[test]
fn the_calculator_replies_as_wcf_and_jax_ws_do() {
    assert_eq!(
        calc::Add::reply_action(),
        "http://example.org/wws/calculator/CalculatorPortType/AddResponse"
    );
    assert_eq!(calc::Delay::ACTION, calculator::DELAY_ACTION);
    assert_eq!(
        calc::Delay::reply_action(),
        "http://example.org/wws/calculator/CalculatorPortType/DelayResponse"
    );
}
