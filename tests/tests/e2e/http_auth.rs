//! HTTP authentication and extra HTTP headers (issue 13 §3): Basic and
//! Bearer per proxy and per call, arbitrary headers, the host's layers and
//! operations reading them, and a 401 with its challenge reaching the caller.

use std::sync::Arc;

use http::header::{AUTHORIZATION, WWW_AUTHENTICATE};
use http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use tokio::sync::mpsc;
use wws_core::{AddressingVersion, EnvelopeVersion, Error, Message};
use wws_examples::calculator::{self, Echo, EchoResponse};
use wws_host::{
    Contract, Endpoint, HostLayer, OperationContext, Rejection, RequestInfo, ServiceHost,
};
use wws_proxy::{CallOptions, ServiceProxy};

use crate::support::*;

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// Lets through requests whose `Authorization` is one of `accepted`; others
/// get 401 with a Basic challenge.
#[derive(Debug)]
struct RequireAuthorization {
    accepted: Vec<&'static str>,
}

impl HostLayer for RequireAuthorization {
    fn on_request(&self, info: &RequestInfo<'_>, _request: &mut Message) -> Result<(), Rejection> {
        let given = info
            .http_headers
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok());
        if given.is_some_and(|g| self.accepted.contains(&g)) {
            return Ok(());
        }
        let mut headers = HeaderMap::new();
        headers.insert(
            WWW_AUTHENTICATE,
            HeaderValue::from_static("Basic realm=\"calculator\""),
        );
        Err(Rejection::Http {
            status: StatusCode::UNAUTHORIZED,
            headers,
        })
    }
}

/// An Echo host behind `RequireAuthorization`; its operation reports the
/// `Authorization` and `X-Request-Id` it was called with.
async fn host(
    accepted: Vec<&'static str>,
) -> (
    ServiceHost,
    mpsc::UnboundedReceiver<(Option<String>, Option<String>)>,
) {
    let (tx, rx) = mpsc::unbounded_channel();
    let tx = Arc::new(tx);
    let contract = Contract::new().serve::<calculator::op::Echo, _, _>(
        move |ctx: OperationContext, r: Echo| {
            let tx = tx.clone();
            async move {
                let text = |name| {
                    ctx.http_headers()
                        .get(name)
                        .and_then(|v: &HeaderValue| v.to_str().ok())
                        .map(str::to_owned)
                };
                let _ = tx.send((text(AUTHORIZATION), text(REQUEST_ID)));
                Ok(EchoResponse { text: r.text })
            }
        },
    );
    let host = ServiceHost::builder(([127, 0, 0, 1], 0).into())
        .layer(RequireAuthorization { accepted })
        .endpoint(Endpoint::new(
            calculator::PATH_SOAP11,
            EnvelopeVersion::Soap11,
            AddressingVersion::Transport,
            contract,
        ))
        .build()
        .expect("host");
    host.open().await.expect("open");
    (host, rx)
}

fn url(host: &ServiceHost) -> String {
    calculator::url(host.local_addr().expect("bound"), calculator::PATH_SOAP11)
}

async fn echo(p: &ServiceProxy, opts: CallOptions) -> wws_core::Result<EchoResponse> {
    within(p.invoke::<calculator::op::Echo>(&Echo { text: "hi".into() }, opts)).await
}

#[tokio::test]
async fn basic_auth_per_proxy_and_bearer_per_call_reach_the_layer_and_the_operation() {
    // "calc:s3cret" in base64.
    let (host, mut seen) = host(vec!["Basic Y2FsYzpzM2NyZXQ=", "Bearer t0ken"]).await;
    let p = ServiceProxy::builder(&url(&host))
        .envelope(EnvelopeVersion::Soap11)
        .basic_auth("calc", Some("s3cret"))
        .http_header(REQUEST_ID, HeaderValue::from_static("proxy-1"))
        .build()
        .expect("proxy");
    within(p.open()).await.expect("open");

    echo(&p, CallOptions::new())
        .await
        .expect("basic auth of the proxy");
    let (auth, id) = within(seen.recv()).await.expect("seen");
    assert_eq!(auth.as_deref(), Some("Basic Y2FsYzpzM2NyZXQ="));
    assert_eq!(id.as_deref(), Some("proxy-1"));

    // The call's own values replace the proxy's, for that call only.
    let opts = CallOptions::new()
        .bearer_auth("t0ken")
        .http_header(REQUEST_ID, HeaderValue::from_static("call-2"));
    echo(&p, opts).await.expect("bearer auth of the call");
    let (auth, id) = within(seen.recv()).await.expect("seen");
    assert_eq!(auth.as_deref(), Some("Bearer t0ken"));
    assert_eq!(id.as_deref(), Some("call-2"));

    echo(&p, CallOptions::new())
        .await
        .expect("the proxy's again");
    let (auth, _) = within(seen.recv()).await.expect("seen");
    assert_eq!(auth.as_deref(), Some("Basic Y2FsYzpzM2NyZXQ="));
    host.close().await.expect("close");
}

#[tokio::test]
async fn a_401_reaches_the_caller_as_access_denied_with_its_challenge() {
    let (host, _seen) = host(vec!["Bearer right"]).await;
    let p = ServiceProxy::builder(&url(&host))
        .envelope(EnvelopeVersion::Soap11)
        .bearer_auth("wrong")
        .build()
        .expect("proxy");
    within(p.open()).await.expect("open");
    let r = echo(&p, CallOptions::new()).await;
    match &r {
        Err(
            e @ Error::EndpointAccessDenied {
                status, challenge, ..
            },
        ) => {
            assert_eq!(*status, 401);
            assert_eq!(challenge.as_deref(), Some("Basic realm=\"calculator\""));
            assert_eq!(e.hresult(), 0x803D_0005);
        }
        other => panic!("{other:?}"),
    }
    // The answer completed the exchange: the proxy and its connection go on.
    echo(&p, CallOptions::new().bearer_auth("right"))
        .await
        .expect("with the right token");
    host.close().await.expect("close");
}

#[tokio::test]
async fn headers_the_binding_owns_and_unusable_tokens_are_refused_naming_why() {
    let (host, _seen) = host(vec![]).await;
    let r = ServiceProxy::builder(&url(&host))
        .http_header(
            http::header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain"),
        )
        .build();
    assert!(
        matches!(&r, Err(Error::InvalidProperty { reason, .. }) if reason.contains("content-type")),
        "{r:?}"
    );
    let r = ServiceProxy::builder(&url(&host))
        .bearer_auth("two\nlines")
        .build();
    assert!(
        matches!(
            &r,
            Err(Error::InvalidProperty {
                property: "bearer token",
                ..
            })
        ),
        "{r:?}"
    );

    let p = ServiceProxy::builder(&url(&host))
        .envelope(EnvelopeVersion::Soap11)
        .build()
        .expect("proxy");
    within(p.open()).await.expect("open");
    let soap_action = HeaderName::from_static("soapaction");
    let r = echo(
        &p,
        CallOptions::new().http_header(soap_action, HeaderValue::from_static("\"x\"")),
    )
    .await;
    assert!(
        matches!(&r, Err(Error::InvalidProperty { reason, .. }) if reason.contains("soapaction")),
        "{r:?}"
    );
    let r = echo(&p, CallOptions::new().bearer_auth("bad\r\ntoken")).await;
    assert!(matches!(&r, Err(Error::InvalidProperty { .. })), "{r:?}");
    host.close().await.expect("close");
}

#[tokio::test]
async fn user_info_in_the_url_is_basic_auth_and_never_shown() {
    let (host, mut seen) = host(vec!["Basic Y2FsYzpzM2NyZXQ="]).await;
    let addr = host.local_addr().expect("bound");
    let p = ServiceProxy::builder(&format!(
        "http://calc:s3cret@{addr}{}",
        calculator::PATH_SOAP11
    ))
    .envelope(EnvelopeVersion::Soap11)
    .addressing(AddressingVersion::WsAddressing10)
    .build()
    .expect("user info accepted");
    assert_eq!(p.url(), url(&host));
    within(p.open()).await.expect("open");
    echo(&p, CallOptions::new())
        .await
        .expect("basic auth from the url");
    let (auth, _) = within(seen.recv()).await.expect("seen");
    assert_eq!(auth.as_deref(), Some("Basic Y2FsYzpzM2NyZXQ="));
    // A wrong password's refusal does not repeat it either.
    let p = ServiceProxy::builder(&format!(
        "http://calc:wrong@{addr}{}",
        calculator::PATH_SOAP11
    ))
    .envelope(EnvelopeVersion::Soap11)
    .build()
    .expect("proxy");
    within(p.open()).await.expect("open");
    let r = echo(&p, CallOptions::new()).await;
    let text = format!(
        "{:?} {}",
        r,
        r.as_ref()
            .err()
            .map(ToString::to_string)
            .unwrap_or_default()
    );
    assert!(
        matches!(r, Err(Error::EndpointAccessDenied { .. })),
        "{text}"
    );
    assert!(!text.contains("wrong"), "{text}");
    host.close().await.expect("close");
}

/// Gives every call a fresh bearer token, as a layer refreshing OAuth tokens would.
#[derive(Debug, Default)]
struct FreshToken(std::sync::atomic::AtomicUsize);

impl wws_proxy::ProxyLayer for FreshToken {
    fn on_request_http_headers(
        &self,
        _call: &wws_proxy::CallInfo,
        headers: &mut HeaderMap,
    ) -> wws_core::Result<()> {
        let n = self.0.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        headers.insert(AUTHORIZATION, wws_channel::auth::bearer(&format!("t{n}"))?);
        Ok(())
    }
}

#[tokio::test]
async fn a_proxy_layer_sets_http_headers_over_the_proxys() {
    let (host, mut seen) = host(vec!["Bearer t0", "Bearer t1"]).await;
    let p = ServiceProxy::builder(&url(&host))
        .envelope(EnvelopeVersion::Soap11)
        .basic_auth("replaced", None)
        .layer(FreshToken::default())
        .build()
        .expect("proxy");
    within(p.open()).await.expect("open");
    for want in ["Bearer t0", "Bearer t1"] {
        echo(&p, CallOptions::new()).await.expect("fresh token");
        let (auth, _) = within(seen.recv()).await.expect("seen");
        assert_eq!(auth.as_deref(), Some(want));
    }
    host.close().await.expect("close");
}
