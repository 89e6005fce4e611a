//! Every error variant maps to WWSAPI's HRESULT (DESIGN.md §6), written out
//! literally here so that a wrong constant fails.

use std::time::Duration;

use wws_core::{Error, Fault};

fn one_of_each() -> Vec<(Error, u32, bool)> {
    vec![
        (Error::Aborted { object: "Channel" }, 0x803D_0004, true),
        (Error::Abandoned { call_id: 7 }, 0x803D_0007, true),
        (
            Error::TimedOut {
                what: "call",
                after: Duration::from_secs(30),
            },
            0x803D_0006,
            true,
        ),
        (
            Error::InvalidOperation {
                object: "ServiceProxy",
                state: "Created",
                operation: "call",
            },
            0x803D_0003,
            false,
        ),
        (
            Error::ObjectFaulted { object: "Listener" },
            0x803D_0001,
            false,
        ),
        (
            Error::QuotaExceeded {
                quota: "max pending calls",
                limit: 100,
            },
            0x803D_0008,
            false,
        ),
        (Error::invalid_format("truncated"), 0x803D_0000, false),
        (
            Error::VersionMismatch {
                namespace: "urn:x".into(),
            },
            0x803D_0000,
            false,
        ),
        (
            Error::FaultReceived(Box::new(Fault::sender("division by zero"))),
            0x803D_0013,
            false,
        ),
        (
            Error::EndpointNotFound {
                url: "http://127.0.0.1:1/x".into(),
            },
            0x803D_000D,
            false,
        ),
        (
            Error::EndpointUnreachable {
                url: "http://127.0.0.1:1/x".into(),
                source: None,
            },
            0x803D_0010,
            false,
        ),
        (
            Error::EndpointAccessDenied {
                url: "http://127.0.0.1:1/x".into(),
                status: 401,
                challenge: Some("Basic realm=\"x\"".into()),
            },
            0x803D_0005,
            false,
        ),
        (
            Error::EndpointTooBusy {
                url: "http://127.0.0.1:1/x".into(),
            },
            0x803D_0012,
            false,
        ),
        (
            Error::EndpointDisconnected {
                detail: "reading the response".into(),
                source: None,
            },
            0x803D_0014,
            false,
        ),
        (
            Error::EndpointActionNotSupported {
                action: "urn:a".into(),
            },
            0x803D_0011,
            false,
        ),
        (
            Error::AddressInUse {
                addr: "127.0.0.1:80".into(),
                source: None,
            },
            0x803D_000B,
            false,
        ),
        (
            Error::SecurityVerificationFailure {
                url: "https://127.0.0.1:1/x".into(),
                check: wws_core::SecurityCheck::Expired,
                source: None,
            },
            0x803D_000A,
            false,
        ),
        (
            Error::InvalidEndpointUrl {
                url: "ftp://x".into(),
                reason: "not http".into(),
            },
            0x803D_0020,
            false,
        ),
        (
            Error::InvalidProperty {
                object: "Channel",
                property: "max_message_size",
                reason: "must be at least 1".into(),
            },
            0x8007_0057,
            false,
        ),
        (
            Error::DuplicateEndpoint { path: "/a".into() },
            0x8007_0057,
            false,
        ),
        (
            Error::DuplicateOperation {
                what: "action",
                name: "urn:x".into(),
            },
            0x8007_0057,
            false,
        ),
    ]
}

#[test]
fn each_variant_has_wwsapi_hresult() {
    for (error, hresult, _) in one_of_each() {
        assert_eq!(error.hresult(), hresult, "{error:?}");
    }
}

#[test]
fn only_aborted_abandoned_and_timed_out_are_cancellation() {
    for (error, _, cancellation) in one_of_each() {
        assert_eq!(error.is_cancellation(), cancellation, "{error:?}");
    }
}

#[test]
fn errors_carry_their_context_in_the_message() {
    let e = Error::InvalidOperation {
        object: "ServiceProxy",
        state: "Created",
        operation: "call",
    };
    let text = e.to_string();
    assert!(text.contains("ServiceProxy") && text.contains("Created") && text.contains("call"));
    let q = Error::QuotaExceeded {
        quota: "max message size",
        limit: 4 << 20,
    };
    assert!(q.to_string().contains("max message size") && q.to_string().contains("4194304"));
    let f = Error::FaultReceived(Box::new(Fault::sender("division by zero")));
    assert_eq!(f.fault().map(Fault::reason_text), Some("division by zero"));
}
