//! Faults end to end: an application fault, and the host's protocol faults
//! as a wws proxy receives them, in both SOAP versions.

use crate::support::*;
use wws_core::{AddressingVersion, EnvelopeVersion, Error, FaultCode, Message, QName, ns};
use wws_examples::calculator;
use wws_examples::calculator::{
    ADD_ACTION, Add, AddResponse, DIVIDE_ACTION, Divide, DivideResponse,
};
use wws_proxy::{CallOptions, ServiceProxy};

#[tokio::test]
async fn divide_by_zero_is_a_sender_fault_in_every_binding() {
    let served = serve(Default::default()).await;
    for (envelope, addressing) in BINDINGS {
        let p = proxy(served.addr, envelope, addressing).await;
        let r: Result<DivideResponse, _> = within(p.call(
            DIVIDE_ACTION,
            &Divide { a: 1.0, b: 0.0 },
            CallOptions::new(),
        ))
        .await;
        let fault = match r {
            Err(Error::FaultReceived(f)) => f,
            other => panic!("{envelope:?}/{addressing:?}: {other:?}"),
        };
        assert_eq!(fault.code, FaultCode::Sender);
        assert_eq!(fault.reason_text(), "division by zero");
        // The proxy stays usable after a fault.
        let ok: AddResponse =
            within(p.call(ADD_ACTION, &Add { a: 1.0, b: 1.0 }, CallOptions::new()))
                .await
                .expect("add after fault");
        assert_eq!(ok.result, 2.0);
    }
    served.host.close().await.expect("close");
}

#[tokio::test]
async fn unknown_ws_addressing_action_is_action_not_supported() {
    let served = serve(Default::default()).await;
    for envelope in [EnvelopeVersion::Soap11, EnvelopeVersion::Soap12] {
        let p = proxy(served.addr, envelope, AddressingVersion::WsAddressing10).await;
        let r: Result<AddResponse, _> = within(p.call(
            "urn:no-such-operation",
            &Add { a: 1.0, b: 1.0 },
            CallOptions::new(),
        ))
        .await;
        let fault = r.err().and_then(|e| e.fault().cloned()).expect("a fault");
        let code = QName::new(ns::WSA10, "ActionNotSupported");
        // The WS-Addressing SOAP binding: a subcode of Sender in SOAP 1.2,
        // the fault code itself in SOAP 1.1.
        match envelope {
            EnvelopeVersion::Soap12 => {
                assert_eq!(
                    (fault.code, fault.subcodes),
                    (FaultCode::Sender, vec![code])
                );
            }
            EnvelopeVersion::Soap11 => assert_eq!(fault.code, FaultCode::Other(code)),
        }
    }
    served.host.close().await.expect("close");
}

#[tokio::test]
async fn with_transport_addressing_an_unknown_action_falls_back_to_the_body_element() {
    let served = serve(Default::default()).await;
    let p = proxy(
        served.addr,
        EnvelopeVersion::Soap11,
        AddressingVersion::Transport,
    )
    .await;
    let r: AddResponse = within(p.call(
        "urn:some-odd-soapaction",
        &Add { a: 2.0, b: 2.0 },
        CallOptions::new(),
    ))
    .await
    .expect("dispatched by body element");
    assert_eq!(r.result, 4.0);
    served.host.close().await.expect("close");
}

#[tokio::test]
async fn the_wrong_soap_version_is_a_version_mismatch_fault() {
    let served = serve(Default::default()).await;
    // A SOAP 1.2 client at the SOAP 1.1 endpoint and the other way round.
    for (envelope, path) in [
        (EnvelopeVersion::Soap12, calculator::PATH_SOAP11),
        (EnvelopeVersion::Soap11, calculator::PATH_SOAP12),
    ] {
        let url = calculator::url(served.addr, path);
        let p = ServiceProxy::new(&url, envelope, AddressingVersion::Transport).expect("proxy");
        p.open().await.expect("open");
        let r: Result<AddResponse, _> =
            within(p.call(ADD_ACTION, &Add { a: 1.0, b: 1.0 }, CallOptions::new())).await;
        let fault = r.err().and_then(|e| e.fault().cloned()).expect("a fault");
        assert_eq!(
            fault.code,
            FaultCode::VersionMismatch,
            "{envelope:?} at {path}"
        );
    }
    served.host.close().await.expect("close");
}

#[tokio::test]
async fn an_argument_that_does_not_decode_is_a_sender_fault() {
    let served = serve(Default::default()).await;
    for envelope in [EnvelopeVersion::Soap11, EnvelopeVersion::Soap12] {
        let p = proxy(served.addr, envelope, AddressingVersion::Transport).await;
        let mut m = Message::new(envelope, AddressingVersion::Transport);
        m.action = Some(ADD_ACTION.to_owned());
        m.body = bytes::Bytes::from_static(
            b"<Add xmlns=\"http://example.org/wws/calculator\"><a>one</a><b>2</b></Add>",
        );
        let r = within(p.call_message(m, CallOptions::new())).await;
        let fault = match r {
            Ok(reply) => reply.fault().expect("fault parses").expect("a fault reply"),
            Err(e) => e.fault().cloned().expect("a fault"),
        };
        assert_eq!(fault.code, FaultCode::Sender, "{envelope:?}");
    }
    served.host.close().await.expect("close");
}
