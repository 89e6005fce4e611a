//! HTTP channels of the wws SOAP stack: [`Channel`], the client request
//! channel (the server side of an exchange, `ReplyChannel`, is the
//! listener's: `wws_listener::ReplyChannel`), and the SOAP HTTP binding
//! both sides share ([`http_binding`]).
//!
//! A channel speaks SOAP over HTTP/1.1 (or HTTP/2, see [HTTP/2](#http2)) as DESIGN.md §5 and the SOAP HTTP bindings
//! say: SOAP 1.1 as `text/xml` with a `SOAPAction` header, SOAP 1.2 as
//! `application/soap+xml` with an `action` parameter, faults with 500 (1.1)
//! or 400/500 (1.2). Every message is read under [`wws_core::ReaderQuotas`]
//! while it streams in. A channel can be aborted at any time from any thread:
//! `abort()` is synchronous, never waits on I/O, completes pending operations
//! with [`wws_core::Error::Aborted`] and closes the socket.
//!
//! ```no_run
//! use bytes::Bytes;
//! use wws_channel::Channel;
//! use wws_core::{AddressingVersion, EnvelopeVersion, Message, QName};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> wws_core::Result<()> {
//! let channel = Channel::new();
//! channel.open("http://127.0.0.1:8080/echo").await?;
//! let mut request = Message::new(EnvelopeVersion::Soap11, AddressingVersion::Transport);
//! request.action = Some("urn:example/Echo".into());
//! request.body = Bytes::from_static(b"<e:Echo xmlns:e=\"urn:example\">hi</e:Echo>");
//! let reply = channel.request(request).await?;
//! assert_eq!(reply.body_element(), Some(QName::new("urn:example", "Echo")));
//! channel.close().await?;
//! # Ok(())
//! # }
//! ```
//!
//! The server side of the same exchange, run end to end, is the example of
//! the `wws-listener` crate (which depends on this one).
//!
//! # HTTPS
//!
//! With the `tls` feature (on by default) the default connector is
//! [`tls::TlsConnector`]: `https://` URLs are verified against the
//! platform's roots (honouring `SSL_CERT_FILE` and `SSL_CERT_DIR`) or the
//! bundled Mozilla set. To trust a private CA or present a client
//! certificate, build one and give it to [`ChannelBuilder::connector`], as
//! a hyper-util user hands a connector to its client:
//!
//! ```no_run
//! use wws_channel::Channel;
//! use wws_channel::tls::{Identity, TlsConnector};
//!
//! # fn main() -> wws_core::Result<()> {
//! let tls = TlsConnector::builder()
//!     .add_root_certificates_pem_file("ca.pem")
//!     .identity(Identity::from_pem_files("client.crt", "client.key")?)
//!     .build()?;
//! let channel = Channel::builder().connector(tls).build()?;
//! # let _ = channel; Ok(()) }
//! ```
//!
//! A certificate check that fails is
//! [`Error::SecurityVerificationFailure`](wws_core::Error::SecurityVerificationFailure)
//! naming it; it faults the channel like any transport error.
//!
//! # HTTP/2
//!
//! [`ChannelBuilder::http2`] with [`connector::Http2Mode::Negotiate`]
//! offers `h2` before `http/1.1` by ALPN over TLS;
//! [`connector::Http2Mode::PriorKnowledge`] also speaks HTTP/2 in the clear
//! (h2c). On an HTTP/2 connection the channel's requests run at once, one
//! stream each ([`Channel::http_version`] says which version the
//! connection speaks); dropping a request, its timeout or an oversized
//! reply resets its stream only, and the channel stays `Open`.
//!
//! ```
//! use wws_channel::Channel;
//! use wws_channel::connector::Http2Mode;
//!
//! let channel = Channel::builder().http2(Http2Mode::PriorKnowledge).build()?;
//! assert_eq!(channel.properties().http2, Http2Mode::PriorKnowledge);
//! # Ok::<(), wws_core::Error>(())
//! ```
//!
//! # HTTP proxies
//!
//! [`proxy::ProxyConnector`] sends `http://` requests through an HTTP
//! proxy and tunnels `https://` with `CONNECT`, configured by its builder
//! or from `HTTPS_PROXY`, `HTTP_PROXY`, `ALL_PROXY` and `NO_PROXY` as curl
//! reads them; the default connector reads no proxy variables.
//!
//! # HTTP headers and authentication
//!
//! [`ChannelBuilder::http_header`] adds a header to every request,
//! [`Channel::request_with_headers`] to one; [`auth`] makes Basic and
//! Bearer `Authorization` values, and user info in the URL is Basic
//! authentication. A 401 or 403 answer is
//! [`Error::EndpointAccessDenied`](wws_core::Error::EndpointAccessDenied)
//! with its `WWW-Authenticate` challenge; the channel stays `Open`.
//!
//! # Decisions where the spec is silent
//!
//! - Transport failures (abort, timeouts, a lost or refused connection)
//!   fault a [`Channel`]; complete HTTP answers (a SOAP fault, 404, 503, a
//!   malformed or oversized reply) leave it `Open`.
//! - A channel's requests take turns on one keep-alive connection; a
//!   request that was not yet written when the server closed the idle
//!   connection is retried once on a new one, a written one never is.
//! - A server may answer before the request is all sent (refusing a body
//!   over its quota) and then close: the channel reports that answer rather
//!   than the broken pipe of its unfinished write, and closes the connection.
//! - Redirects (3xx) are not followed: a SOAP request is not replayed to
//!   another address behind the caller's back; the error names the location.
//! - A response head is read up to [`MAX_RESPONSE_HEAD_SIZE`] (64 KiB); an
//!   answer that is not HTTP/1.1 or has a broken chunked framing is
//!   `InvalidFormat`, not "disconnected", and leaves the channel `Open`.

pub mod auth;
mod binding;
mod body;
mod channel;
mod codec;
pub mod connector;
mod endpoint;
mod io;
mod properties;
pub mod proxy;
#[cfg(feature = "tls")]
pub mod tls;

pub use channel::{Channel, MAX_RESPONSE_HEAD_SIZE};
pub use properties::{ChannelBuilder, ChannelProperties};
pub use wws_core::state::ChannelState;

/// Checks, without connecting, that `url` is an address [`Channel::open`]
/// accepts with the default connector (`http://host[:port][/path]`, and
/// `https://` with the `tls` feature); else
/// [`wws_core::Error::InvalidEndpointUrl`].
pub fn validate_endpoint_url(url: &str) -> wws_core::Result<()> {
    let connector = connector::default_connector();
    endpoint::Endpoint::parse(url, |scheme| connector.supports(scheme)).map(|_| ())
}

/// `url` without the `user:password@` of its authority, for showing or
/// logging an endpoint address (the channel sends the user info as Basic
/// authentication).
pub fn url_without_user_info(url: &str) -> String {
    endpoint::without_user_info(url)
}

/// The `http` crate, whose header types the channel's options take.
pub use http;

/// The SOAP HTTP binding's helpers (media types, transport action, fault
/// status codes, reading a message body under the size quota), shared by
/// the client channel and the listener's reply channels.
pub mod http_binding {
    pub use crate::binding::{
        SOAP_ACTION, content_type, envelope_version_of, media_type, media_type_param, reply_status,
        soap_action_header, transport_action,
    };
    pub use crate::body::{BodyReadError, is_malformed_body, read_body_limited};
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync<T: Send + Sync>() {}
    fn assert_send<T: Send>(_: &T) {}

    #[test]
    fn endpoint_urls_are_validated_without_connecting() {
        assert!(validate_endpoint_url("http://127.0.0.1:1/x").is_ok());
        assert_eq!(
            validate_endpoint_url("https://example.com/").is_ok(),
            cfg!(feature = "tls")
        );
        assert!(matches!(
            validate_endpoint_url("ftp://example.com/"),
            Err(wws_core::Error::InvalidEndpointUrl { .. })
        ));
    }

    #[test]
    fn objects_and_futures_are_send() {
        assert_send_sync::<Channel>();
        let channel = Channel::new();
        let msg = wws_core::Message::new(
            wws_core::EnvelopeVersion::Soap11,
            wws_core::AddressingVersion::Transport,
        );
        assert_send(&channel.open("http://127.0.0.1:1/"));
        assert_send(&channel.request(msg.clone()));
        assert_send(&channel.send(msg));
        assert_send(&channel.close());
    }
}
