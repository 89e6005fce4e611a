//! `CONNECT host:port` on a proxy connection (RFC 9110 §9.3.6).

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use http::HeaderMap;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadBuf};

use super::ProxyRefused;
use crate::connector::{Io, Target};

/// Largest answer head (status line and headers) read from a proxy to a
/// `CONNECT`; a larger one fails the connect.
pub const MAX_CONNECT_RESPONSE_HEAD_SIZE: usize = 16 * 1024;

/// Asks the proxy on `io` for a tunnel to `target`; on a 2xx answer the
/// stream is the tunnel. Not bounded in time itself: the channel bounds
/// the whole connect by `connect_timeout`, and dropping the future drops
/// (closes) the socket.
pub(crate) async fn connect<I: Io>(
    mut io: I,
    proxy: &str,
    headers: &HeaderMap,
    target: &Target,
) -> io::Result<Rewind<I>> {
    let authority = if target.host.contains(':') {
        format!("[{}]:{}", target.host, target.port)
    } else {
        format!("{}:{}", target.host, target.port)
    };
    let mut request = format!("CONNECT {authority} HTTP/1.1\r\nHost: {authority}\r\n").into_bytes();
    for (name, value) in headers {
        request.extend_from_slice(name.as_str().as_bytes());
        request.extend_from_slice(b": ");
        request.extend_from_slice(value.as_bytes());
        request.extend_from_slice(b"\r\n");
    }
    request.extend_from_slice(b"\r\n");
    io.write_all(&request).await?;
    io.flush().await?;

    let mut buf = Vec::with_capacity(1024);
    let head_len = loop {
        if let Some(end) = find_head_end(&buf) {
            break end;
        }
        if buf.len() >= MAX_CONNECT_RESPONSE_HEAD_SIZE {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "the HTTP proxy {proxy} answered CONNECT with a head over {MAX_CONNECT_RESPONSE_HEAD_SIZE} bytes"
                ),
            ));
        }
        let mut chunk = [0u8; 1024];
        let room = (MAX_CONNECT_RESPONSE_HEAD_SIZE - buf.len()).min(chunk.len());
        let n = io.read(chunk.get_mut(..room).unwrap_or(&mut [])).await?;
        if n == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                format!("the HTTP proxy {proxy} closed the connection during CONNECT {authority}"),
            ));
        }
        buf.extend_from_slice(chunk.get(..n).unwrap_or(&[]));
    };
    let head = buf.get(..head_len).unwrap_or(&[]);
    let malformed = || {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!("the HTTP proxy {proxy} answered CONNECT with something that is not HTTP/1.x"),
        )
    };
    let head = std::str::from_utf8(head).map_err(|_| malformed())?;
    let mut lines = head.split("\r\n");
    let status_line = lines.next().ok_or_else(malformed)?;
    let mut parts = status_line.splitn(3, ' ');
    let version = parts.next().unwrap_or("");
    let status = parts.next().unwrap_or("");
    let reason = parts.next().unwrap_or("").trim().to_owned();
    if !version.starts_with("HTTP/1.") || status.len() != 3 {
        return Err(malformed());
    }
    let status: u16 = status.parse().map_err(|_| malformed())?;
    if (200..300).contains(&status) {
        let rest = buf.split_off(head_len);
        return Ok(Rewind::new(io, rest));
    }
    let challenge = lines
        .filter_map(|l| l.split_once(':'))
        .find(|(name, _)| name.trim().eq_ignore_ascii_case("proxy-authenticate"))
        .map(|(_, value)| value.trim().to_owned());
    Err(io::Error::other(ProxyRefused {
        proxy: proxy.to_owned(),
        target: authority,
        status,
        reason,
        challenge,
    }))
}

/// The length of the head up to and including the blank line, once it is all in.
fn find_head_end(buf: &[u8]) -> Option<usize> {
    buf.windows(4).position(|w| w == b"\r\n\r\n").map(|p| p + 4)
}

/// A stream that first yields bytes already read from it (what a proxy
/// sent after its answer to `CONNECT`, before the tunnel's first read).
#[derive(Debug)]
pub(crate) struct Rewind<I> {
    prefix: Vec<u8>,
    pos: usize,
    inner: I,
}

impl<I> Rewind<I> {
    fn new(inner: I, prefix: Vec<u8>) -> Self {
        Rewind {
            prefix,
            pos: 0,
            inner,
        }
    }
}

impl<I: AsyncRead + Unpin> AsyncRead for Rewind<I> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = &mut *self;
        if let Some(rest) = this.prefix.get(this.pos..).filter(|r| !r.is_empty()) {
            let n = rest.len().min(buf.remaining());
            buf.put_slice(rest.get(..n).unwrap_or(&[]));
            this.pos += n;
            return Poll::Ready(Ok(()));
        }
        Pin::new(&mut this.inner).poll_read(cx, buf)
    }
}

impl<I: AsyncWrite + Unpin> AsyncWrite for Rewind<I> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::duplex;

    async fn answer(
        reply: &'static [u8],
    ) -> (io::Result<Rewind<tokio::io::DuplexStream>>, Vec<u8>) {
        let (client, mut server) = duplex(64 * 1024);
        let mut auth = HeaderMap::new();
        auth.insert(
            http::header::PROXY_AUTHORIZATION,
            http::HeaderValue::from_static("Basic dTpw"),
        );
        let target = Target::new("https", "example.test", 443);
        let peer = tokio::spawn(async move {
            let mut seen = Vec::new();
            let mut chunk = [0u8; 512];
            while find_head_end(&seen).is_none() {
                let n = server.read(&mut chunk).await.unwrap_or(0);
                if n == 0 {
                    break;
                }
                seen.extend_from_slice(&chunk[..n]);
            }
            let _ = server.write_all(reply).await;
            // Dropped: the client reads what was written, then end of stream.
            seen
        });
        let r = connect(client, "http://proxy:3128", &auth, &target).await;
        let seen = peer.await.expect("peer");
        (r, seen)
    }

    #[tokio::test]
    async fn a_2xx_answer_opens_the_tunnel_and_keeps_early_bytes() {
        let (r, seen) = answer(b"HTTP/1.1 200 Connection established\r\nVia: x\r\n\r\nearly").await;
        let seen = String::from_utf8(seen).expect("ascii");
        assert!(
            seen.starts_with("CONNECT example.test:443 HTTP/1.1\r\nHost: example.test:443\r\n"),
            "{seen}"
        );
        assert!(
            seen.contains("proxy-authorization: Basic dTpw\r\n"),
            "{seen}"
        );
        let mut tunnel = r.expect("tunnel");
        let mut first = [0u8; 5];
        tunnel.read_exact(&mut first).await.expect("early bytes");
        assert_eq!(&first, b"early");
    }

    #[tokio::test]
    async fn a_407_names_the_proxy_status_and_challenge() {
        let (r, _) = answer(b"HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"p\"\r\n\r\n").await;
        let e = r.expect_err("refused");
        let refused = e
            .get_ref()
            .and_then(|i| i.downcast_ref::<ProxyRefused>())
            .expect("ProxyRefused");
        assert_eq!(refused.status(), 407);
        assert_eq!(refused.proxy(), "http://proxy:3128");
        assert_eq!(refused.challenge(), Some("Basic realm=\"p\""));
        assert!(refused.denies_access());
        assert_eq!(
            refused.to_string(),
            "the HTTP proxy http://proxy:3128 refused CONNECT example.test:443: HTTP 407 Proxy Authentication Required"
        );
    }

    #[tokio::test]
    async fn a_502_is_a_refusal_that_does_not_deny_access() {
        let (r, _) = answer(b"HTTP/1.0 502 Bad Gateway\r\n\r\n").await;
        let e = r.expect_err("refused");
        let refused = e
            .get_ref()
            .and_then(|i| i.downcast_ref::<ProxyRefused>())
            .expect("ProxyRefused");
        assert_eq!(refused.status(), 502);
        assert!(!refused.denies_access());
    }

    #[tokio::test]
    async fn garbage_and_oversized_heads_fail() {
        let (r, _) = answer(b"SSH-2.0-OpenSSH\r\n\r\n").await;
        assert_eq!(r.expect_err("garbage").kind(), io::ErrorKind::InvalidData);
        let (r, _) = answer(b"HTTP/1.1 200 OK\r\n").await;
        assert_eq!(r.expect_err("eof").kind(), io::ErrorKind::UnexpectedEof);
        static BIG: std::sync::LazyLock<Vec<u8>> = std::sync::LazyLock::new(|| {
            let mut v = b"HTTP/1.1 200 OK\r\n".to_vec();
            v.extend(std::iter::repeat_n(
                b'x',
                MAX_CONNECT_RESPONSE_HEAD_SIZE + 10,
            ));
            v
        });
        let (r, _) = answer(BIG.as_slice()).await;
        let e = r.expect_err("oversized");
        assert!(e.to_string().contains("over"), "{e}");
    }
}
