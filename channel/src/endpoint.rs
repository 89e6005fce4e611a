//! Endpoint addresses: which URLs a channel accepts and what it sends to.

use http::Uri;
use wws_core::{Error, Result};

/// A parsed `http://` endpoint address.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Endpoint {
    /// The URL as given.
    pub url: String,
    /// Host name or address, without IPv6 brackets.
    pub host: String,
    /// TCP port (80 when the URL has none).
    pub port: u16,
    /// The `Host` header value.
    pub authority: String,
    /// The request target: path and query, `/` when empty.
    pub target: String,
}

impl Endpoint {
    /// Parses and checks `url`: `http` scheme, a host, no user info, no fragment.
    pub(crate) fn parse(url: &str) -> Result<Endpoint> {
        let invalid = |reason: &str| Error::InvalidEndpointUrl {
            url: url.to_owned(),
            reason: reason.to_owned(),
        };
        if url.contains('#') {
            return Err(invalid("a fragment is not allowed"));
        }
        let uri: Uri = url
            .parse()
            .map_err(|e: http::uri::InvalidUri| invalid(&e.to_string()))?;
        match uri.scheme_str() {
            Some(s) if s.eq_ignore_ascii_case("http") => {}
            Some(s) if s.eq_ignore_ascii_case("https") => {
                return Err(invalid("https is not supported yet; use http"));
            }
            Some(s) => return Err(invalid(&format!("scheme {s:?} is not supported; use http"))),
            None => return Err(invalid("an absolute http:// URL is required")),
        }
        let authority = uri.authority().ok_or_else(|| invalid("no host"))?;
        if authority.as_str().contains('@') {
            return Err(invalid("user info is not allowed"));
        }
        let host = authority.host();
        if host.is_empty() {
            return Err(invalid("no host"));
        }
        let host = host
            .strip_prefix('[')
            .and_then(|h| h.strip_suffix(']'))
            .unwrap_or(host);
        let port = match authority.port() {
            Some(p) => p.as_u16(),
            None if authority.as_str().ends_with(':') => return Err(invalid("empty port")),
            None => 80,
        };
        if port == 0 {
            return Err(invalid("port 0"));
        }
        let target = uri
            .path_and_query()
            .map(|pq| pq.as_str())
            .filter(|s| !s.is_empty())
            .unwrap_or("/");
        let target = if target.starts_with('/') {
            target.to_owned()
        } else {
            format!("/{target}")
        };
        Ok(Endpoint {
            url: url.to_owned(),
            host: host.to_owned(),
            port,
            authority: authority.as_str().to_owned(),
            target,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_http_urls() {
        let e = Endpoint::parse("http://127.0.0.1:8080/calc?x=1").expect("valid");
        assert_eq!((e.host.as_str(), e.port), ("127.0.0.1", 8080));
        assert_eq!(e.target, "/calc?x=1");
        assert_eq!(e.authority, "127.0.0.1:8080");
        let e = Endpoint::parse("HTTP://example.com").expect("valid");
        assert_eq!(
            (e.host.as_str(), e.port, e.target.as_str()),
            ("example.com", 80, "/")
        );
        let e = Endpoint::parse("http://[::1]:9/a").expect("valid");
        assert_eq!((e.host.as_str(), e.port), ("::1", 9));
    }

    #[test]
    fn rejects_others_with_a_reason() {
        for url in [
            "",
            "localhost:80/x",
            "/relative",
            "https://example.com/",
            "ftp://example.com/",
            "http://user:pw@example.com/",
            "http://example.com/#frag",
            "http://example.com:0/",
            "http://exa mple.com/",
            "http://:80/",
        ] {
            match Endpoint::parse(url) {
                Err(Error::InvalidEndpointUrl { url: u, reason }) => {
                    assert_eq!(u, url);
                    assert!(!reason.is_empty());
                }
                other => panic!("{url:?}: {other:?}"),
            }
        }
    }
}
