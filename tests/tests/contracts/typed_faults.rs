//! A WSDL fault's detail travels typed: a service returns a
//! `ServiceFault` with its detail element, the client decodes it with
//! `Error::fault_detail`.

use wws_core::{
    AddressingVersion, BodyElement, EnvelopeVersion, Fault, FaultCode, ServiceFault, XmlType,
};
use wws_host::Contract;
use wws_proxy::{CallOptions, ProxyProperties};

use crate::support::{host, proxy, within};

const NS: &str = "urn:wws:test:faults";

#[derive(XmlType, BodyElement, Debug, Clone, PartialEq)]
#[xml(namespace = NS)]
pub struct Withdraw {
    pub amount: i64,
}

#[derive(XmlType, BodyElement, Debug, Clone, PartialEq)]
#[xml(namespace = NS)]
pub struct WithdrawResponse {
    pub balance: i64,
}

/// The detail of `Withdraw`'s WSDL fault.
#[derive(XmlType, BodyElement, Debug, Clone, PartialEq)]
#[xml(namespace = NS, rename_all = "PascalCase")]
pub struct InsufficientFunds {
    pub balance: i64,
    pub requested: i64,
    pub note: Option<String>,
}

mod op {
    wws_core::operations! {
        namespace = super::NS, port_type = "BankPortType";
        /// Withdraw, faulting with InsufficientFunds.
        pub Withdraw(super::Withdraw) -> super::WithdrawResponse {
            action: "urn:wws:test:faults/Withdraw",
            fault: super::InsufficientFunds,
        }
    }
}

const BALANCE: i64 = 100;

fn bank() -> Contract {
    Contract::new().serve::<op::Withdraw, _, _>(|_, r: Withdraw| async move {
        if r.amount < 0 {
            // A plain fault, no detail.
            return Err(Fault::sender("negative amount").into());
        }
        if r.amount > BALANCE {
            let detail = InsufficientFunds {
                balance: BALANCE,
                requested: r.amount,
                note: Some("ask <the> bank & wait".into()),
            };
            return Err(ServiceFault::with_detail(
                Fault::sender("insufficient funds"),
                detail,
            ));
        }
        Ok(WithdrawResponse {
            balance: BALANCE - r.amount,
        })
    })
}

#[tokio::test]
async fn a_typed_fault_arrives_with_its_detail_decoded() {
    for envelope in [EnvelopeVersion::Soap11, EnvelopeVersion::Soap12] {
        let (host, url) = host(envelope, bank()).await;
        let p = proxy(
            &url,
            envelope,
            AddressingVersion::Transport,
            ProxyProperties::default(),
        )
        .await;
        let ok = p.invoke::<op::Withdraw>(&Withdraw { amount: 30 }, CallOptions::new());
        assert_eq!(within("withdraw", ok).await.expect("ok").balance, 70);

        let call = p.invoke::<op::Withdraw>(&Withdraw { amount: 500 }, CallOptions::new());
        let err = within("withdraw", call).await.expect_err("a fault");
        let fault = err.fault().expect("FaultReceived");
        assert_eq!(fault.code, FaultCode::Sender);
        assert_eq!(fault.reason_text(), "insufficient funds");
        let detail = err
            .fault_detail::<InsufficientFunds>()
            .expect("an InsufficientFunds detail")
            .expect("decodes");
        assert_eq!(
            detail,
            InsufficientFunds {
                balance: BALANCE,
                requested: 500,
                note: Some("ask <the> bank & wait".into()),
            },
            "{envelope:?}"
        );

        // A fault without the detail: no typed detail, the fault itself is there.
        let call = p.invoke::<op::Withdraw>(&Withdraw { amount: -1 }, CallOptions::new());
        let err = within("withdraw", call).await.expect_err("a fault");
        assert_eq!(err.fault().map(Fault::reason_text), Some("negative amount"));
        assert!(err.fault_detail::<InsufficientFunds>().is_none());
        host.abort();
    }
}

#[test]
fn a_detail_of_another_element_or_broken_is_told_apart() {
    let other = Fault::sender("x").with_detail(format!("<Other xmlns=\"{NS}\"/>"));
    assert!(wws_core::operation::fault_detail::<InsufficientFunds>(&other).is_none());
    let broken = Fault::sender("x").with_detail(format!(
        "<InsufficientFunds xmlns=\"{NS}\"><Balance>many</Balance><Requested>1</Requested></InsufficientFunds>"
    ));
    let r = wws_core::operation::fault_detail::<InsufficientFunds>(&broken).expect("its element");
    assert!(r.is_err(), "{r:?}");
}
