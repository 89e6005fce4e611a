//! Endpoint address checks and WS-Addressing message ids.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

use wws_core::{Error, Result};

/// Checks that `url` is an `http://host[:port][/path]` address a channel can connect to.
pub(crate) fn validate_endpoint_url(url: &str) -> Result<()> {
    let invalid = |reason: &str| Error::InvalidEndpointUrl {
        url: url.to_owned(),
        reason: reason.to_owned(),
    };
    let rest = match url.split_once("://") {
        Some((scheme, rest)) if scheme.eq_ignore_ascii_case("http") => rest,
        Some((scheme, _)) => {
            return Err(invalid(&format!(
                "scheme {scheme:?} is not supported (only http)"
            )));
        }
        None => return Err(invalid("no scheme (expected http://host[:port]/path)")),
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if authority.contains('@') {
        return Err(invalid("user info is not supported"));
    }
    let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
        let (host, after) = v6
            .split_once(']')
            .ok_or_else(|| invalid("unterminated IPv6 address"))?;
        let port = match after {
            "" => None,
            p => Some(
                p.strip_prefix(':')
                    .ok_or_else(|| invalid("junk after IPv6 address"))?,
            ),
        };
        (host, port)
    } else {
        match authority.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        }
    };
    if host.is_empty() {
        return Err(invalid("no host"));
    }
    if host.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(invalid("host contains whitespace"));
    }
    if let Some(port) = port {
        match port.parse::<u16>() {
            Ok(p) if p != 0 => {}
            _ => return Err(invalid("port is not a number in 1..=65535")),
        }
    }
    Ok(())
}

/// A fresh `urn:uuid:` (version 4 layout) for `wsa:MessageID`.
///
/// Unique within the process by a counter, across processes by the random
/// keys of std's `RandomState`; not meant to be unguessable.
pub(crate) fn fresh_message_id() -> String {
    static STATE: OnceLock<RandomState> = OnceLock::new();
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let state = STATE.get_or_init(RandomState::new);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let mut h = state.build_hasher();
    h.write_u64(n);
    let hi = h.finish();
    h.write_u64(!n);
    let lo = h.finish();
    format!(
        "urn:uuid:{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
        hi >> 32,
        (hi >> 16) & 0xffff,
        hi & 0x0fff,
        ((lo >> 48) & 0x3fff) | 0x8000,
        lo & 0xffff_ffff_ffff
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_http_urls() {
        for url in [
            "http://127.0.0.1:8080/calculator",
            "http://localhost/calculator",
            "HTTP://example.org",
            "http://[::1]:80/x?wsdl",
        ] {
            assert!(validate_endpoint_url(url).is_ok(), "{url}");
        }
    }

    #[test]
    fn rejects_other_urls_with_a_reason() {
        for url in [
            "",
            "127.0.0.1:8080/calculator",
            "https://example.org/",
            "ftp://example.org/",
            "http:///path",
            "http://host:0/",
            "http://host:99999/",
            "http://host:port/",
            "http://[::1/",
            "http://user@host/",
            "http://ho st/",
        ] {
            match validate_endpoint_url(url) {
                Err(Error::InvalidEndpointUrl { url: u, reason }) => {
                    assert_eq!(u, url);
                    assert!(!reason.is_empty());
                }
                other => panic!("{url}: {other:?}"),
            }
        }
    }

    #[test]
    fn message_ids_are_distinct_uuids() {
        let a = fresh_message_id();
        let b = fresh_message_id();
        assert_ne!(a, b);
        for id in [&a, &b] {
            let hex = id.strip_prefix("urn:uuid:").expect("urn:uuid prefix");
            let groups: Vec<usize> = hex.split('-').map(str::len).collect();
            assert_eq!(groups, [8, 4, 4, 4, 12], "{id}");
            assert!(hex.chars().all(|c| c == '-' || c.is_ascii_hexdigit()));
        }
    }
}
