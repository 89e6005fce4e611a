//! Extra HTTP headers on the wire (the channel's and one request's, the
//! request's winning), Basic and Bearer values, the binding's own headers
//! refused, and 401/403 as `EndpointAccessDenied` with the challenge.

use http::header::AUTHORIZATION;
use http::{HeaderMap, HeaderName, HeaderValue};
use wws_channel::{Channel, ChannelState, auth};
use wws_core::{EnvelopeVersion, Error};

use crate::common::*;

const TAG: HeaderName = HeaderName::from_static("x-tag");

fn ok_reply() -> Vec<u8> {
    response(
        "200 OK",
        &[("content-type", "text/xml")],
        &envelope11("<t:EchoResponse xmlns:t=\"urn:test\"/>"),
    )
}

#[tokio::test]
async fn the_channels_headers_go_with_every_request_and_a_requests_replace_them() {
    let (addr, seen) = canned_server(vec![ok_reply(), ok_reply()]).await;
    let ch = Channel::builder()
        .properties(no_timeouts())
        .http_header(AUTHORIZATION, auth::basic("calc", Some("s3cret")))
        .http_header(TAG, HeaderValue::from_static("channel"))
        .build()
        .expect("channel");
    ch.open(&url(addr, "/x")).await.expect("open");
    ch.request(echo(EnvelopeVersion::Soap11, "1"))
        .await
        .expect("first");
    let mut mine = HeaderMap::new();
    mine.insert(AUTHORIZATION, auth::bearer("t0ken").expect("token"));
    ch.request_with_headers(echo(EnvelopeVersion::Soap11, "2"), mine)
        .await
        .expect("second");
    let seen = seen.await.expect("server");
    assert_eq!(
        seen[0].header("authorization").as_deref(),
        Some("Basic Y2FsYzpzM2NyZXQ=")
    );
    assert_eq!(seen[0].header("x-tag").as_deref(), Some("channel"));
    assert_eq!(
        seen[1].header("authorization").as_deref(),
        Some("Bearer t0ken")
    );
    assert_eq!(seen[1].header("x-tag").as_deref(), Some("channel"));
    // One Authorization line, not two.
    assert_eq!(
        seen[1].head.matches("authorization").count(),
        1,
        "{}",
        seen[1].head
    );
}

#[tokio::test]
async fn the_bindings_own_headers_are_refused() {
    let r = Channel::builder()
        .http_header(http::header::HOST, HeaderValue::from_static("elsewhere"))
        .build();
    assert!(
        matches!(
            &r,
            Err(Error::InvalidProperty {
                property: "http_headers",
                ..
            })
        ),
        "{r:?}"
    );
    let (addr, _seen) = canned_server(vec![]).await;
    let ch = Channel::with_properties(no_timeouts()).expect("channel");
    ch.open(&url(addr, "/x")).await.expect("open");
    let mut mine = HeaderMap::new();
    mine.insert(http::header::CONTENT_LENGTH, HeaderValue::from_static("1"));
    let r = ch
        .request_with_headers(echo(EnvelopeVersion::Soap11, "x"), mine)
        .await;
    assert!(
        matches!(&r, Err(Error::InvalidProperty { reason, .. }) if reason.contains("content-length")),
        "{r:?}"
    );
    assert!(auth::bearer("a\nb").is_err());
}

#[tokio::test]
async fn a_401_or_403_is_access_denied_and_leaves_the_channel_open() {
    let challenge = (
        "www-authenticate",
        "Bearer realm=\"calc\", error=\"invalid_token\"",
    );
    let (addr, _seen) = canned_server(vec![
        response("401 Unauthorized", &[challenge], ""),
        response("403 Forbidden", &[], ""),
    ])
    .await;
    let ch = Channel::with_properties(no_timeouts()).expect("channel");
    ch.open(&url(addr, "/x")).await.expect("open");
    match ch.request(echo(EnvelopeVersion::Soap11, "1")).await {
        Err(e @ Error::EndpointAccessDenied { status: 401, .. }) => {
            assert!(e.to_string().contains("invalid_token"), "{e}");
            assert!(
                matches!(&e, Error::EndpointAccessDenied { challenge: Some(c), .. } if c == challenge.1)
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(ch.state(), ChannelState::Open);
    let r = ch.request(echo(EnvelopeVersion::Soap11, "2")).await;
    assert!(
        matches!(
            &r,
            Err(Error::EndpointAccessDenied {
                status: 403,
                challenge: None,
                ..
            })
        ),
        "{r:?}"
    );
}
