//! The floor server: bare hyper, no SOAP stack.
//!
//! It reads every request body whole and answers
//! - `Echo` (a `SOAPAction` or `action=` naming `Echo`): an `EchoResponse`
//!   envelope whose text is the request's text, found by a byte search for
//!   the `text` element (no XML parsing) and copied once into the reply, so
//!   that it reads and writes as many bytes as a real echo;
//! - anything else: a fixed SOAP 1.1 `AddResponse` with result 3.75 (the
//!   answer to the benches' `Add(1.5, 2.25)`).
//!
//! No SOAP host on hyper can do less work per request, which makes it the
//! floor of the host benches, and the server of the proxy bench.

use std::convert::Infallible;

use bytes::{Bytes, BytesMut};
use http::{HeaderValue, Request, Response, StatusCode, header};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;

/// The fixed reply to `Add`.
pub const ADD_RESPONSE: &str = concat!(
    r#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>"#,
    r#"<c:AddResponse xmlns:c="http://example.org/wws/calculator"><c:result>3.75</c:result></c:AddResponse>"#,
    "</s:Body></s:Envelope>"
);
const ECHO_HEAD: &str = concat!(
    r#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>"#,
    r#"<c:EchoResponse xmlns:c="http://example.org/wws/calculator"><c:text>"#
);
const ECHO_TAIL: &str = "</c:text></c:EchoResponse></s:Body></s:Envelope>";
const CONTENT_TYPE: &str = "text/xml; charset=utf-8";

/// Serves the floor on `listener` until the task is dropped; one task per connection.
///
/// Cancel safe: dropping it stops accepting; connections already accepted run on.
pub async fn serve(listener: TcpListener) -> std::io::Result<()> {
    loop {
        let (stream, _) = listener.accept().await?;
        let _ = stream.set_nodelay(true);
        tokio::spawn(serve_connection(stream));
    }
}

/// [`serve`] over TLS: each connection's handshake, then the same HTTP/1.1
/// service, on the connection's task (a failed handshake ends that task).
///
/// Cancel safe as [`serve`].
pub async fn serve_tls(
    listener: TcpListener,
    acceptor: tokio_rustls::TlsAcceptor,
) -> std::io::Result<()> {
    loop {
        let (stream, _) = listener.accept().await?;
        let _ = stream.set_nodelay(true);
        let acceptor = acceptor.clone();
        tokio::spawn(async move {
            if let Ok(tls) = acceptor.accept(stream).await {
                serve_connection(tls).await;
            }
        });
    }
}

async fn serve_connection<I>(io: I)
where
    I: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let conn = http1::Builder::new()
        .keep_alive(true)
        .serve_connection(TokioIo::new(io), service_fn(handle));
    // A client that goes away is no error of the floor's.
    let _ = conn.await;
}

/// A TLS acceptor for the floor from PEM files: the same rustls provider
/// (ring) and ALPN (`http/1.1`) as the listener's.
pub fn tls_acceptor(
    cert: &std::path::Path,
    key: &std::path::Path,
) -> Result<tokio_rustls::TlsAcceptor, String> {
    use rustls_pki_types::pem::PemObject;
    let certs = rustls_pki_types::CertificateDer::pem_file_iter(cert)
        .map_err(|e| format!("{}: {e}", cert.display()))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("{}: {e}", cert.display()))?;
    let key = rustls_pki_types::PrivateKeyDer::from_pem_file(key)
        .map_err(|e| format!("{}: {e}", key.display()))?;
    let mut config = rustls::ServerConfig::builder_with_provider(wws_channel::tls::provider())
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .map_err(|e| e.to_string())?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(tokio_rustls::TlsAcceptor::from(std::sync::Arc::new(config)))
}

async fn handle(req: Request<Incoming>) -> Result<Response<Full<Bytes>>, Infallible> {
    let echo = is_echo(&req);
    let body = match req.into_body().collect().await {
        Ok(body) => body.to_bytes(),
        Err(_) => return Ok(status(StatusCode::BAD_REQUEST)),
    };
    let reply = if echo {
        match echo_text(&body) {
            Some(text) => {
                let mut out =
                    BytesMut::with_capacity(ECHO_HEAD.len() + text.len() + ECHO_TAIL.len());
                out.extend_from_slice(ECHO_HEAD.as_bytes());
                out.extend_from_slice(text);
                out.extend_from_slice(ECHO_TAIL.as_bytes());
                out.freeze()
            }
            None => return Ok(status(StatusCode::BAD_REQUEST)),
        }
    } else {
        Bytes::from_static(ADD_RESPONSE.as_bytes())
    };
    let mut resp = Response::new(Full::new(reply));
    resp.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE));
    Ok(resp)
}

fn status(code: StatusCode) -> Response<Full<Bytes>> {
    let mut resp = Response::new(Full::new(Bytes::new()));
    *resp.status_mut() = code;
    resp
}

/// Whether the request's action (SOAP 1.1 header or SOAP 1.2 parameter) is `Echo`.
fn is_echo(req: &Request<Incoming>) -> bool {
    let named = |v: &HeaderValue| v.as_bytes().windows(5).any(|w| w == b"/Echo");
    req.headers().get("soapaction").is_some_and(named)
        || req.headers().get(header::CONTENT_TYPE).is_some_and(named)
}

/// The content of the first `…text>` element up to the last `</` before the last `text>`.
pub fn echo_text(body: &[u8]) -> Option<&[u8]> {
    let open = find(body, b"text>")? + b"text>".len();
    let close_name = rfind(body, b"text>")?;
    let close = rfind(body.get(..close_name)?, b"</")?;
    body.get(open..close)
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn rfind(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).rposition(|w| w == needle)
}

/// [`serve`] over HTTP/2 with prior knowledge (h2c): hyper's HTTP/2 server,
/// each stream answered as [`serve`] answers a request.
///
/// Cancel safe as [`serve`].
pub async fn serve_h2(listener: TcpListener) -> std::io::Result<()> {
    loop {
        let (stream, _) = listener.accept().await?;
        let _ = stream.set_nodelay(true);
        tokio::spawn(async move {
            let conn =
                hyper::server::conn::http2::Builder::new(hyper_util::rt::TokioExecutor::new())
                    .serve_connection(TokioIo::new(stream), service_fn(handle));
            // A client that goes away is no error of the floor's.
            let _ = conn.await;
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_echo_text_with_any_prefix() {
        let body = b"<s:Envelope><s:Body><c:Echo xmlns:c=\"x\"><c:text>hello</c:text></c:Echo></s:Body></s:Envelope>";
        assert_eq!(echo_text(body), Some(&b"hello"[..]));
        let body = b"<Envelope><Body><Echo><text></text></Echo></Body></Envelope>";
        assert_eq!(echo_text(body), Some(&b""[..]));
        assert_eq!(echo_text(b"<Add/>"), None);
    }
}
