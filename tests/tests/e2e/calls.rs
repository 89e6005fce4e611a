//! Typed calls proxy → host over loopback, in SOAP 1.1 and 1.2, with
//! transport addressing and WS-Addressing 1.0.

use crate::support::*;
use wws_examples::calculator::{
    ADD_ACTION, Add, AddResponse, DELAY_ACTION, DIVIDE_ACTION, Delay, DelayResponse, Divide,
    DivideResponse, ECHO_ACTION, Echo, EchoResponse,
};
use wws_proxy::CallOptions;

#[tokio::test]
async fn every_operation_in_every_binding() {
    let served = serve(Default::default()).await;
    for (envelope, addressing) in BINDINGS {
        let p = proxy(served.addr, envelope, addressing).await;
        let ctx = format!("{envelope:?}/{addressing:?}");
        let add: AddResponse =
            within(p.call(ADD_ACTION, &Add { a: 1.5, b: 2.25 }, CallOptions::new()))
                .await
                .expect(&ctx);
        assert_eq!(add.result, 3.75, "{ctx}");
        let div: DivideResponse = within(p.call(
            DIVIDE_ACTION,
            &Divide { a: 1.0, b: 4.0 },
            CallOptions::new(),
        ))
        .await
        .expect(&ctx);
        assert_eq!(div.result, 0.25, "{ctx}");
        let text = "héllo <&> \"' ünïcødé ✓".to_owned();
        let echo: EchoResponse = within(p.call(
            ECHO_ACTION,
            &Echo { text: text.clone() },
            CallOptions::new(),
        ))
        .await
        .expect(&ctx);
        assert_eq!(echo.text, text, "{ctx}");
        let empty: EchoResponse = within(p.call(
            ECHO_ACTION,
            &Echo {
                text: String::new(),
            },
            CallOptions::new(),
        ))
        .await
        .expect(&ctx);
        assert_eq!(empty.text, "", "{ctx}");
        let d: DelayResponse =
            within(p.call(DELAY_ACTION, &Delay { milliseconds: 5 }, CallOptions::new()))
                .await
                .expect(&ctx);
        assert_eq!(d.milliseconds, 5, "{ctx}");
        within(p.close()).await.expect("proxy close");
    }
    served.host.close().await.expect("host close");
}

#[tokio::test]
async fn fifty_concurrent_calls_each_get_their_own_answer() {
    let served = serve(Default::default()).await;
    for (envelope, addressing) in [BINDINGS[0], BINDINGS[3]] {
        let p = proxy(served.addr, envelope, addressing).await;
        let calls: Vec<_> = (0..50)
            .map(|i| {
                let a = f64::from(i);
                (
                    i,
                    p.call::<Add, AddResponse>(
                        ADD_ACTION,
                        &Add { a, b: 1000.0 },
                        CallOptions::new(),
                    ),
                )
            })
            .collect();
        for (i, call) in calls {
            let r = within(call).await.expect("add");
            assert_eq!(r.result, f64::from(i) + 1000.0);
        }
        within(p.close()).await.expect("proxy close");
    }
    served.host.close().await.expect("host close");
}

#[tokio::test]
async fn a_large_echo_round_trips() {
    let served = serve(Default::default()).await;
    let p = proxy(
        served.addr,
        wws_core::EnvelopeVersion::Soap12,
        wws_core::AddressingVersion::Transport,
    )
    .await;
    let text: String = "0123456789abcdef".repeat(64 * 1024); // 1 MiB
    let r: EchoResponse = within(p.call(
        ECHO_ACTION,
        &Echo { text: text.clone() },
        CallOptions::new(),
    ))
    .await
    .expect("echo");
    assert_eq!(r.text.len(), text.len());
    assert!(r.text == text);
    served.host.close().await.expect("host close");
}

#[tokio::test]
async fn ws_addressing_2004_08_is_answered_in_kind() {
    let served = serve(Default::default()).await;
    for envelope in [
        wws_core::EnvelopeVersion::Soap11,
        wws_core::EnvelopeVersion::Soap12,
    ] {
        let p = proxy(
            served.addr,
            envelope,
            wws_core::AddressingVersion::WsAddressing200408,
        )
        .await;
        let reply = add_with_headers(&p, Some("urn:uuid:2004-1"), &[])
            .await
            .expect("reply");
        assert_eq!(
            reply.addressing,
            wws_core::AddressingVersion::WsAddressing200408,
            "{envelope:?}"
        );
        assert_eq!(
            reply.relates_to.as_deref(),
            Some("urn:uuid:2004-1"),
            "{envelope:?}"
        );
        let r: AddResponse = reply.read_body().expect("AddResponse");
        assert_eq!(r.result, 3.0);
    }
    served.host.close().await.expect("close");
}
