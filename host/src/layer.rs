//! Message layers: see each request before dispatch and each reply or
//! fault before it is sent (custom SOAP headers, logging, authentication;
//! WS-Security in `wws-security`). A layer may refuse a request with a
//! SOAP fault or an HTTP answer such as 401.
//!
//! ```
//! use wws_core::{Fault, Message, QName};
//! use wws_host::{HostLayer, Rejection, RequestInfo, ServiceHost};
//!
//! /// Refuses requests without the `{urn:example}Ticket` header, which it understands.
//! #[derive(Debug)]
//! struct RequireTicket(Vec<QName>);
//!
//! impl HostLayer for RequireTicket {
//!     fn understands(&self) -> &[QName] {
//!         &self.0
//!     }
//!
//!     fn on_request(&self, _info: &RequestInfo<'_>, request: &mut Message) -> Result<(), Rejection> {
//!         if request.headers.iter().any(|h| h.name == self.0[0]) {
//!             Ok(())
//!         } else {
//!             Err(Rejection::fault(Fault::sender("a ticket is required")))
//!         }
//!     }
//! }
//!
//! let host = ServiceHost::builder("127.0.0.1:0".parse().expect("address"))
//!     .layer(RequireTicket(vec![QName::new("urn:example", "Ticket")]))
//!     .build()?;
//! # Ok::<(), wws_core::Error>(())
//! ```

use std::fmt::Debug;
use std::net::SocketAddr;
use std::sync::{Mutex, PoisonError};

use http::{Extensions, HeaderMap, StatusCode};
use wws_channel::connector::TlsInfo;
use wws_core::{Fault, Message, QName};

/// What a layer knows of the HTTP request a message came in.
#[derive(Debug)]
#[non_exhaustive]
pub struct RequestInfo<'a> {
    /// The endpoint's path.
    pub path: &'a str,
    /// The request's HTTP headers.
    pub http_headers: &'a HeaderMap,
    /// The client's address.
    pub peer_addr: SocketAddr,
    /// The host's sequence number of the exchange (as in the operation's `CallInfo`).
    pub exchange_id: u64,
    /// What TLS established (the client's certificate, the SNI name); `None` over plain HTTP.
    pub tls: Option<&'a TlsInfo>,
    /// The request envelope's bytes as they arrived, when a layer of the
    /// host [wants them](HostLayer::wants_envelope) (to check a signature
    /// over the markup); `None` otherwise, and in [`HostLayer::on_reply`].
    pub envelope: Option<&'a [u8]>,
    /// Values layers hand to the operation ([`insert_extension`](Self::insert_extension)).
    pub(crate) extensions: Mutex<Extensions>,
}

impl RequestInfo<'_> {
    /// Hands `value` to the operation this request is dispatched to, where
    /// [`OperationContext::extension`](crate::OperationContext::extension)
    /// returns it (e.g. the principal an authentication layer found). One
    /// value per type: a later insert of the same type replaces it. Values
    /// inserted in [`HostLayer::on_reply`] go nowhere.
    pub fn insert_extension<T: Clone + Send + Sync + 'static>(&self, value: T) {
        self.extensions
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(value);
    }

    /// A copy of the value of type `T` an earlier layer inserted, if any
    /// (e.g. a signature layer's verified signer, which a later layer takes
    /// into account).
    pub fn extension<T: Clone + Send + Sync + 'static>(&self) -> Option<T> {
        self.extensions
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get::<T>()
            .cloned()
    }

    /// The values inserted so far, leaving none.
    pub(crate) fn take_extensions(&self) -> Extensions {
        std::mem::take(
            &mut *self
                .extensions
                .lock()
                .unwrap_or_else(PoisonError::into_inner),
        )
    }
}

/// How a layer refuses a request.
#[derive(Debug)]
#[non_exhaustive]
pub enum Rejection {
    /// Answer with this SOAP fault (in the request's envelope version and addressing).
    Fault(Box<Fault>),
    /// Answer with this HTTP status, headers (e.g. `WWW-Authenticate`) and no SOAP body.
    Http {
        /// The status, e.g. 401.
        status: StatusCode,
        /// Headers to send with it.
        headers: HeaderMap,
    },
}

impl Rejection {
    /// Refuses with `fault`.
    pub fn fault(fault: Fault) -> Self {
        Rejection::Fault(Box::new(fault))
    }
}

/// A message layer of a [`ServiceHost`](crate::ServiceHost).
///
/// Hooks run synchronously on the exchange's task: they must not block.
/// [`on_request`](Self::on_request) runs after the envelope is read and its
/// version checked, before the mandatory-header check and dispatch; the
/// headers a layer lists in [`understands`](Self::understands) count as
/// understood there. [`on_reply`](Self::on_reply) sees every reply and
/// fault the host sends for a request that reached the layers. A layer
/// hands values to the operation (e.g. the principal it authenticated)
/// with [`RequestInfo::insert_extension`]; the operation reads them with
/// [`OperationContext::extension`](crate::OperationContext::extension).
pub trait HostLayer: Send + Sync + Debug + 'static {
    /// Header blocks this layer processes (so `mustUnderstand` on them is honoured).
    fn understands(&self) -> &[QName] {
        &[]
    }

    /// Whether [`RequestInfo::envelope`] should hold the request's bytes as
    /// they arrived (default false: the host then keeps no copy of them).
    /// A layer that verifies an XML Signature needs them, because the
    /// parsed [`Message`] does not keep the markup that was signed.
    fn wants_envelope(&self) -> bool {
        false
    }

    /// Sees and may change the request, or refuses it.
    fn on_request(&self, info: &RequestInfo<'_>, request: &mut Message) -> Result<(), Rejection> {
        let _ = (info, request);
        Ok(())
    }

    /// Sees and may change the reply or fault before it is sent.
    fn on_reply(&self, info: &RequestInfo<'_>, reply: &mut Message) {
        let _ = (info, reply);
    }
}
