//! Endpoint addresses: which URLs a channel accepts and what it sends to.

use http::Uri;
use wws_core::{Error, Result};

/// A parsed `http://` (or, with a connector that serves it, `https://`) endpoint address.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Endpoint {
    /// The URL as given, without its user info (so no password is logged or reported).
    pub url: String,
    /// `Authorization: Basic` from the URL's user info (`user:password@`), if any.
    pub basic_auth: http::HeaderMap,
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
    /// no fragment; user info (`user:password@`, percent-encoded) becomes
    /// Basic authentication.
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
        let (authority_text, basic_auth) = match authority.as_str().rsplit_once('@') {
            Some((user_info, rest)) => {
                let (user, password) = match user_info.split_once(':') {
                    Some((u, p)) => (u, Some(p)),
                    None => (user_info, None),
                };
                let decode = |s: &str| {
                    percent_decode(s)
                        .ok_or_else(|| invalid("the user info is not valid percent-encoded UTF-8"))
                };
                let user = decode(user)?;
                let password = password.map(decode).transpose()?;
                let mut headers = http::HeaderMap::new();
                headers.insert(
                    http::header::AUTHORIZATION,
                    crate::auth::basic(&user, password.as_deref()),
                );
                (rest, headers)
            }
            None => (authority.as_str(), http::HeaderMap::new()),
        };
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
        let url = if basic_auth.is_empty() {
            url.to_owned()
        } else {
            without_user_info(url)
        };
        Ok(Endpoint {
            url,
            basic_auth,
            scheme,
            host: host.to_owned(),
            port,
            authority: authority_text.to_owned(),
            target,
        })
    }
}

/// `url` without the `user:password@` of its authority, if it has one.
pub(crate) fn without_user_info(url: &str) -> String {
    let Some(scheme_end) = url.find("://").map(|i| i + 3) else {
        return url.to_owned();
    };
    let rest = &url[scheme_end..];
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{}{}", &url[..scheme_end], &rest[at + 1..]),
        None => url.to_owned(),
    }
}

/// Decodes `%XX` escapes; `None` for a broken escape or bytes that are not UTF-8.
pub(crate) fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = s.get(i + 1..i + 3)?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 3;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
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
    fn user_info_is_basic_authentication_and_kept_out_of_the_url() {
        let e = Endpoint::parse("http://calc:s3%3Acret@example.com:81/x?y", http).expect("valid");
        assert_eq!(e.url, "http://example.com:81/x?y");
        assert_eq!(e.authority, "example.com:81");
        assert_eq!((e.host.as_str(), e.port), ("example.com", 81));
        // base64("calc:s3:cret")
        assert_eq!(
            e.basic_auth[http::header::AUTHORIZATION],
            "Basic Y2FsYzpzMzpjcmV0"
        );
        let e = Endpoint::parse("http://anonymous@example.com/", http).expect("valid");
        assert_eq!(
            e.basic_auth[http::header::AUTHORIZATION],
            "Basic YW5vbnltb3VzOg=="
        );
        assert!(Endpoint::parse("http://u:%zz@example.com/", http).is_err());
        assert_eq!(without_user_info("https://a:b@h/p@q"), "https://h/p@q");
        assert_eq!(without_user_info("https://h/p@q"), "https://h/p@q");
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
