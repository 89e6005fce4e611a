//! SOAP 1.2 processing by the host as a wws proxy sees it: roles next,
//! none and ultimateReceiver with mustUnderstand (Part 1 §2), addressing of
//! replies.

use crate::support::*;
use wws_core::Operation;
use wws_core::{AddressingVersion, EnvelopeVersion, FaultCode, ns};
use wws_examples::calculator::{AddResponse, op};

const E: &str = ns::SOAP12;

fn header(attrs: &str) -> String {
    format!("<x:Ext xmlns:x=\"urn:x\" xmlns:e=\"{E}\" {attrs}/>")
}

#[tokio::test]
async fn mandatory_headers_targeted_at_us_fault_with_must_understand() {
    let served = serve(Default::default()).await;
    for addressing in [
        AddressingVersion::Transport,
        AddressingVersion::WsAddressing10,
    ] {
        let p = proxy(served.addr, EnvelopeVersion::Soap12, addressing).await;
        for attrs in [
            "e:mustUnderstand=\"true\"".to_owned(),
            format!("e:mustUnderstand=\"1\" e:role=\"{}\"", ns::ROLE_NEXT),
            format!(
                "e:mustUnderstand=\"true\" e:role=\"{}\"",
                ns::ROLE_ULTIMATE_RECEIVER
            ),
        ] {
            let r = add_with_headers(&p, None, &[header(&attrs)]).await;
            let f = fault_of(&r).unwrap_or_else(|| panic!("{attrs}: {r:?}"));
            assert_eq!(f.code, FaultCode::MustUnderstand, "{attrs}");
        }
    }
    served.host.close().await.expect("close");
}

#[tokio::test]
async fn role_none_other_roles_and_optional_headers_are_not_processed() {
    let served = serve(Default::default()).await;
    let p = proxy(
        served.addr,
        EnvelopeVersion::Soap12,
        AddressingVersion::WsAddressing10,
    )
    .await;
    for attrs in [
        format!("e:mustUnderstand=\"true\" e:role=\"{}\"", ns::ROLE_NONE),
        "e:mustUnderstand=\"true\" e:role=\"http://example.org/ts-tests/C\"".to_owned(),
        "e:mustUnderstand=\"false\"".to_owned(),
        format!("e:relay=\"true\" e:role=\"{}\"", ns::ROLE_NEXT),
    ] {
        let reply = add_with_headers(&p, None, &[header(&attrs)])
            .await
            .unwrap_or_else(|e| panic!("{attrs}: {e}"));
        let r: AddResponse = reply.read_body().expect("AddResponse");
        assert_eq!(r.result, 3.0, "{attrs}");
    }
    served.host.close().await.expect("close");
}

#[tokio::test]
async fn ws_addressing_replies_relate_to_the_request() {
    let served = serve(Default::default()).await;
    let p = proxy(
        served.addr,
        EnvelopeVersion::Soap12,
        AddressingVersion::WsAddressing10,
    )
    .await;
    let reply = add_with_headers(&p, Some("urn:uuid:77"), &[])
        .await
        .expect("reply");
    assert_eq!(reply.envelope, EnvelopeVersion::Soap12);
    assert_eq!(reply.relates_to.as_deref(), Some("urn:uuid:77"));
    assert_eq!(reply.action.as_deref(), Some(&*op::Add::reply_action()));
    served.host.close().await.expect("close");
}
