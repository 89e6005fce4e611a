//! Operations sharing one action (CountryInfoService and NumberConversion
//! give every operation `soapAction=""`) are told apart by their request
//! element; true duplicates are still refused.

use wws_core::operation::Reply;
use wws_core::{AddressingVersion, BodyElement, EnvelopeVersion, Error, Message, XmlType};
use wws_host::{Contract, Endpoint, OperationContext, ServiceHost};
use wws_proxy::{CallOptions, ProxyProperties};

use crate::support::{host, proxy, within};

const NS: &str = "urn:wws:test:shared";
const ANY: &str = "urn:wws:test:shared/Any";

#[derive(XmlType, BodyElement, Debug, Clone, PartialEq)]
#[xml(namespace = NS)]
pub struct Square {
    pub n: i32,
}

#[derive(XmlType, BodyElement, Debug, Clone, PartialEq)]
#[xml(namespace = NS)]
pub struct SquareResponse {
    pub n: i32,
}

#[derive(XmlType, BodyElement, Debug, Clone, PartialEq)]
#[xml(namespace = NS)]
pub struct Negate {
    pub n: i32,
}

#[derive(XmlType, BodyElement, Debug, Clone, PartialEq)]
#[xml(namespace = NS)]
pub struct NegateResponse {
    pub n: i32,
}

mod op {
    wws_core::operations! {
        namespace = super::NS, port_type = "MathPortType";
        /// soapAction="" as CountryInfoService has it.
        pub Square(super::Square) -> super::SquareResponse { action: "" }
        /// soapAction="" too.
        pub Negate(super::Negate) -> super::NegateResponse { action: "" }
        /// One non-empty action for two operations.
        pub SquareAny(super::Square) -> super::SquareResponse { action: super::ANY }
        /// The same action.
        pub NegateAny(super::Negate) -> super::NegateResponse { action: super::ANY }
        /// Square's element under another action.
        pub SquareAgain(super::Square) -> super::SquareResponse { action: "urn:wws:test:shared/Again" }
    }
}

async fn square(_: OperationContext, r: Square) -> Reply<op::Square> {
    Ok(SquareResponse { n: r.n * r.n })
}

async fn negate(_: OperationContext, r: Negate) -> Reply<op::Negate> {
    Ok(NegateResponse { n: -r.n })
}

#[tokio::test]
async fn operations_sharing_an_empty_action_are_told_apart_by_their_request_element() {
    for envelope in [EnvelopeVersion::Soap11, EnvelopeVersion::Soap12] {
        let contract = Contract::new()
            .serve::<op::Square, _, _>(square)
            .serve::<op::Negate, _, _>(negate);
        let (host, url) = host(envelope, contract).await;
        let p = proxy(
            &url,
            envelope,
            AddressingVersion::Transport,
            ProxyProperties::default(),
        )
        .await;
        let sq = p.invoke::<op::Square>(&Square { n: 7 }, CallOptions::new());
        let ng = p.invoke::<op::Negate>(&Negate { n: 7 }, CallOptions::new());
        assert_eq!(within("square", sq).await.expect("square").n, 49);
        assert_eq!(within("negate", ng).await.expect("negate").n, -7);
        host.abort();
    }
}

#[tokio::test]
async fn a_shared_ws_addressing_action_is_completed_by_the_body_element() {
    let contract = Contract::new()
        .serve::<op::SquareAny, _, _>(square)
        .serve::<op::NegateAny, _, _>(negate);
    let (host, url) = host(EnvelopeVersion::Soap12, contract).await;
    let p = proxy(
        &url,
        EnvelopeVersion::Soap12,
        AddressingVersion::WsAddressing10,
        ProxyProperties::default(),
    )
    .await;
    let sq = p.invoke::<op::SquareAny>(&Square { n: 3 }, CallOptions::new());
    let ng = p.invoke::<op::NegateAny>(&Negate { n: 3 }, CallOptions::new());
    assert_eq!(within("square", sq).await.expect("square").n, 9);
    assert_eq!(within("negate", ng).await.expect("negate").n, -3);

    // The shared action with an element neither operation takes: a Sender fault.
    let mut m = Message::new(EnvelopeVersion::Soap12, AddressingVersion::WsAddressing10);
    m.action = Some(ANY.to_owned());
    m.body = format!("<Other xmlns=\"{NS}\"/>").into_bytes().into();
    let r = within("other", p.call_message(m, CallOptions::new())).await;
    match r {
        Err(Error::FaultReceived(f)) => {
            assert_eq!(f.code, wws_core::FaultCode::Sender, "{f}")
        }
        other => panic!("expected a fault, got {other:?}"),
    }
    host.abort();
}

fn add(contract: Contract) -> wws_core::Result<()> {
    let host = ServiceHost::new("127.0.0.1:0".parse().expect("addr"));
    host.add_endpoint(Endpoint::new(
        "/d",
        EnvelopeVersion::Soap11,
        AddressingVersion::Transport,
        contract,
    ))
}

#[test]
fn true_duplicates_are_refused() {
    // Same action, same request element.
    let r = add(Contract::new()
        .serve::<op::Square, _, _>(square)
        .serve::<op::Square, _, _>(square));
    assert!(
        matches!(&r, Err(Error::DuplicateOperation { what: "action", name }) if name.is_empty()),
        "{r:?}"
    );
    // An action shared with an untyped operation, which has no element to tell it apart.
    let r = add(Contract::new()
        .serve::<op::SquareAny, _, _>(square)
        .operation_raw(ANY, |_ctx, m: Message| async move { Ok(m) }));
    assert!(
        matches!(&r, Err(Error::DuplicateOperation { what: "action", .. })),
        "{r:?}"
    );
    // One request element under two actions: the body could not choose.
    let r = add(Contract::new()
        .serve::<op::Square, _, _>(square)
        .serve::<op::SquareAgain, _, _>(square));
    assert!(
        matches!(
            &r,
            Err(Error::DuplicateOperation {
                what: "request element",
                ..
            })
        ),
        "{r:?}"
    );
    // Sharing with distinct elements is fine.
    add(Contract::new()
        .serve::<op::Square, _, _>(square)
        .serve::<op::Negate, _, _>(negate))
    .expect("told apart by element");
}
