//! Endpoint addresses: which URLs a channel accepts and what it sends to.

use http::Uri;
use wws_core::{Error, Result};

/// A parsed `http://` (or, with a connector that serves it, `https://`) endpoint address.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Endpoint {
    /// The URL as given.
    pub url: String,
    /// The scheme, lower case.
    pub scheme: String,
    /// Host name or address, without IPv6 brackets.
    pub host: String,
    /// TCP port (80 for http, 443 for https when the URL has none).
    pub port: u16,
    /// The `Host` header value.
    pub authority: String,
    /// The request target: path and query, `/` when empty.
    pub target: String,
}

impl Endpoint {
    /// Parses and checks `url`: a scheme the connector `supports`, a host,
    /// no user info, no fragment.
    pub(crate) fn parse(url: &str, supports: impl Fn(&str) -> bool) -> Result<Endpoint> {
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
        let scheme = match uri.scheme_str() {
            Some(s) => s.to_ascii_lowercase(),
            None => return Err(invalid("an absolute http:// URL is required")),
        };
        if !supports(&scheme) {
            return Err(invalid(&match scheme.as_str() {
                "https" if cfg!(feature = "tls") => {
                    "https needs a TLS connector (wws_channel::tls::TlsConnector, the default)"
                        .to_owned()
                }
                "https" => {
                    "https needs a TLS connector: enable wws-channel's `tls` feature".to_owned()
                }
                s => format!("scheme {s:?} is not served by the channel's connector"),
            }));
        }
        let default_port = match scheme.as_str() {
            "https" => 443,
            _ => 80,
        };
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
            None => default_port,
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
            scheme,
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

    fn http(scheme: &str) -> bool {
        scheme == "http"
    }

    #[test]
    fn https_needs_a_connector_that_serves_it() {
        let e = Endpoint::parse("HTTPS://example.com/x", |s| s == "https").expect("valid");
        assert_eq!((e.scheme.as_str(), e.port), ("https", 443));
        let r = Endpoint::parse("https://example.com/x", http);
        assert!(
            matches!(&r, Err(Error::InvalidEndpointUrl { reason, .. }) if reason.contains("TLS connector")),
            "{r:?}"
        );
    }

    #[test]
    fn accepts_http_urls() {
        let e = Endpoint::parse("http://127.0.0.1:8080/calc?x=1", http).expect("valid");
        assert_eq!((e.host.as_str(), e.port), ("127.0.0.1", 8080));
        assert_eq!(e.target, "/calc?x=1");
        assert_eq!(e.authority, "127.0.0.1:8080");
        let e = Endpoint::parse("HTTP://example.com", http).expect("valid");
        assert_eq!(
            (e.host.as_str(), e.port, e.target.as_str()),
            ("example.com", 80, "/")
        );
        let e = Endpoint::parse("http://[::1]:9/a", http).expect("valid");
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
            match Endpoint::parse(url, http) {
                Err(Error::InvalidEndpointUrl { url: u, reason }) => {
                    assert_eq!(u, url);
                    assert!(!reason.is_empty());
                }
                other => panic!("{url:?}: {other:?}"),
            }
        }
    }
}
