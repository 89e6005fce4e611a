//! Message layers: see and change each request before it is sent and each
//! reply before it is decoded (custom SOAP headers, logging, credentials;
//! WS-Security in `wws-security`).
//!
//! ```
//! use wws_core::{Header, Message, Result};
//! use wws_proxy::{CallInfo, ProxyLayer, ServiceProxy};
//!
//! /// Adds a session header to every request.
//! #[derive(Debug)]
//! struct Session(&'static str);
//!
//! impl ProxyLayer for Session {
//!     fn on_request(&self, _call: &CallInfo, request: &mut Message) -> Result<()> {
//!         let xml = format!("<s:Session xmlns:s=\"urn:example:session\">{}</s:Session>", self.0);
//!         request.headers.push(Header::from_xml(request.envelope, xml)?);
//!         Ok(())
//!     }
//! }
//!
//! let proxy = ServiceProxy::builder("http://127.0.0.1:8080/svc")
//!     .layer(Session("42"))
//!     .build()?;
//! # Ok::<(), wws_core::Error>(())
//! ```

use std::fmt::Debug;

use bytes::Bytes;
use http::{Extensions, HeaderMap};
use wws_core::{CallId, Message, QName, Result};

/// What a layer knows of the call a message belongs to.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct CallInfo {
    /// The call's id.
    pub id: CallId,
    /// The endpoint address.
    pub url: String,
    /// What the caller handed to the layers for this call ([`CallOptions::extension`](crate::CallOptions::extension)).
    pub extensions: Extensions,
    /// In [`ProxyLayer::on_reply`]: the reply envelope's bytes as they
    /// arrived (to check a signature over the markup); `None` in
    /// [`ProxyLayer::on_request`].
    pub reply_envelope: Option<Bytes>,
}

/// A message layer of a [`ServiceProxy`](crate::ServiceProxy).
///
/// Both hooks run on the call's task, synchronously: they must not block.
/// An error from [`on_request`](Self::on_request) fails the call before
/// anything is sent; one from [`on_reply`](Self::on_reply) fails it with
/// that error instead of the reply. A reply that is a SOAP fault reaches
/// no layer: it fails the call with `FaultReceived` first. Values a caller
/// gives one call ([`CallOptions::extension`](crate::CallOptions::extension),
/// e.g. other credentials) are in [`CallInfo::extensions`].
pub trait ProxyLayer: Send + Sync + Debug + 'static {
    /// Reply header blocks this layer processes, so that a reply carrying
    /// one marked `mustUnderstand` is not refused as not understood.
    fn understands(&self) -> &[QName] {
        &[]
    }

    /// Sees and may change the request (headers, body, action) before it is sent.
    fn on_request(&self, call: &CallInfo, request: &mut Message) -> Result<()> {
        let _ = (call, request);
        Ok(())
    }

    /// Sees and may change the request's HTTP headers (a fresh
    /// `Authorization`, a tracing header), after [`on_request`](Self::on_request)
    /// of every layer. They start as the call's own
    /// ([`CallOptions::http_header`](crate::CallOptions::http_header)); what
    /// a layer sets replaces the proxy's header of that name for the call.
    /// The binding's own headers (`Content-Type`, `SOAPAction`, ...) are
    /// refused when the request is sent.
    fn on_request_http_headers(&self, call: &CallInfo, headers: &mut HeaderMap) -> Result<()> {
        let _ = (call, headers);
        Ok(())
    }

    /// Sees and may change the reply before it is decoded.
    fn on_reply(&self, call: &CallInfo, reply: &mut Message) -> Result<()> {
        let _ = (call, reply);
        Ok(())
    }
}
