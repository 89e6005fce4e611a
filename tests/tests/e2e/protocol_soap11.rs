//! SOAP 1.1 processing by the host as a wws proxy sees it: mustUnderstand
//! and actors (SOAP 1.1 §4.2), addressing of replies.

use crate::support::*;
use wws_core::Operation;
use wws_core::{AddressingVersion, EnvelopeVersion, FaultCode, ns};
use wws_examples::calculator::{AddResponse, op};

const S: &str = ns::SOAP11;

#[tokio::test]
async fn a_mandatory_header_for_us_that_we_do_not_understand_is_must_understand() {
    let served = serve(Default::default()).await;
    for addressing in [
        AddressingVersion::Transport,
        AddressingVersion::WsAddressing10,
    ] {
        let p = proxy(served.addr, EnvelopeVersion::Soap11, addressing).await;
        for h in [
            format!("<x:Ext xmlns:x=\"urn:x\" xmlns:s=\"{S}\" s:mustUnderstand=\"1\"/>"),
            format!(
                "<x:Ext xmlns:x=\"urn:x\" xmlns:s=\"{S}\" s:mustUnderstand=\"1\" s:actor=\"{}\"/>",
                ns::ACTOR_NEXT_11
            ),
        ] {
            let r = add_with_headers(&p, None, std::slice::from_ref(&h)).await;
            let f = fault_of(&r).unwrap_or_else(|| panic!("{h}: {r:?}"));
            assert_eq!(f.code, FaultCode::MustUnderstand, "{h}");
        }
    }
    served.host.close().await.expect("close");
}

#[tokio::test]
async fn headers_for_other_actors_or_optional_ones_are_ignored() {
    let served = serve(Default::default()).await;
    let p = proxy(
        served.addr,
        EnvelopeVersion::Soap11,
        AddressingVersion::Transport,
    )
    .await;
    for h in [
        format!(
            "<x:Ext xmlns:x=\"urn:x\" xmlns:s=\"{S}\" s:mustUnderstand=\"1\" s:actor=\"urn:another-node\"/>"
        ),
        format!("<x:Ext xmlns:x=\"urn:x\" xmlns:s=\"{S}\" s:mustUnderstand=\"0\"/>"),
        "<x:Ext xmlns:x=\"urn:x\">no attributes</x:Ext>".to_owned(),
    ] {
        let reply = add_with_headers(&p, None, std::slice::from_ref(&h))
            .await
            .unwrap_or_else(|e| panic!("{h}: {e}"));
        let r: AddResponse = reply.read_body().expect("AddResponse");
        assert_eq!(r.result, 3.0);
    }
    served.host.close().await.expect("close");
}

#[tokio::test]
async fn ws_addressing_replies_relate_to_the_request() {
    let served = serve(Default::default()).await;
    let p = proxy(
        served.addr,
        EnvelopeVersion::Soap11,
        AddressingVersion::WsAddressing10,
    )
    .await;
    let reply = add_with_headers(&p, Some("urn:uuid:0a1b-11"), &[])
        .await
        .expect("reply");
    assert_eq!(reply.addressing, AddressingVersion::WsAddressing10);
    assert_eq!(reply.relates_to.as_deref(), Some("urn:uuid:0a1b-11"));
    assert_eq!(reply.action.as_deref(), Some(&*op::Add::reply_action()));
    // A fault relates to its request too.
    let h = format!("<x:Ext xmlns:x=\"urn:x\" xmlns:s=\"{S}\" s:mustUnderstand=\"1\"/>");
    let r = add_with_headers(&p, Some("urn:uuid:0a1b-12"), &[h]).await;
    if let Ok(m) = &r {
        assert_eq!(m.relates_to.as_deref(), Some("urn:uuid:0a1b-12"));
    }
    assert!(fault_of(&r).is_some());
    served.host.close().await.expect("close");
}

#[tokio::test]
async fn transport_replies_carry_no_addressing_headers() {
    let served = serve(Default::default()).await;
    let p = proxy(
        served.addr,
        EnvelopeVersion::Soap11,
        AddressingVersion::Transport,
    )
    .await;
    let reply = add_with_headers(&p, None, &[]).await.expect("reply");
    assert_eq!(reply.addressing, AddressingVersion::Transport);
    assert_eq!(reply.relates_to, None);
    served.host.close().await.expect("close");
}
