//! Proxy settings from environment variables, read as curl reads them.

/// The proxy variables of an environment: which proxy each scheme uses
/// and which hosts go direct.
///
/// Read from a lookup function so they can be parsed without touching the
/// process environment ([`from_lookup`](Self::from_lookup)); an empty
/// value counts as unset. Per scheme, the first set of:
///
/// - `https://`: `https_proxy`, `HTTPS_PROXY`, then `all_proxy`, `ALL_PROXY`;
/// - `http://`: `http_proxy`, `HTTP_PROXY`, then `all_proxy`, `ALL_PROXY`.
///   `HTTP_PROXY` is ignored when `REQUEST_METHOD` is set (a CGI program,
///   where a request's `Proxy:` header arrives as `HTTP_PROXY`: "httpoxy").
/// - hosts reached directly: `no_proxy`, then `NO_PROXY` (see
///   [`NoProxy`](super::NoProxy)).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct EnvVars {
    /// The proxy URL for `http://` endpoints.
    pub http_proxy: Option<String>,
    /// The proxy URL for `https://` endpoints.
    pub https_proxy: Option<String>,
    /// The no-proxy list.
    pub no_proxy: Option<String>,
}

impl EnvVars {
    /// The variables of the process environment.
    pub fn from_env() -> EnvVars {
        EnvVars::from_lookup(|name| std::env::var(name).ok())
    }

    /// The variables as `lookup` (name → value) gives them.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> EnvVars {
        let get = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
        let first = |names: &[&str]| names.iter().find_map(|n| get(n));
        let all = first(&["all_proxy", "ALL_PROXY"]);
        let cgi = get("REQUEST_METHOD").is_some();
        let http = match cgi {
            true => first(&["http_proxy"]),
            false => first(&["http_proxy", "HTTP_PROXY"]),
        };
        EnvVars {
            http_proxy: http.or_else(|| all.clone()),
            https_proxy: first(&["https_proxy", "HTTPS_PROXY"]).or(all),
            no_proxy: first(&["no_proxy", "NO_PROXY"]),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn vars(pairs: &[(&str, &str)]) -> EnvVars {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        EnvVars::from_lookup(|name| map.get(name).cloned())
    }

    #[test]
    fn nothing_set_is_no_proxy() {
        assert_eq!(vars(&[]), EnvVars::default());
    }

    #[test]
    fn lower_case_wins_over_upper_case() {
        let v = vars(&[
            ("https_proxy", "http://lower:1"),
            ("HTTPS_PROXY", "http://upper:1"),
            ("http_proxy", "http://lower:2"),
            ("HTTP_PROXY", "http://upper:2"),
            ("no_proxy", "lower"),
            ("NO_PROXY", "upper"),
        ]);
        assert_eq!(v.https_proxy.as_deref(), Some("http://lower:1"));
        assert_eq!(v.http_proxy.as_deref(), Some("http://lower:2"));
        assert_eq!(v.no_proxy.as_deref(), Some("lower"));
    }

    #[test]
    fn upper_case_is_read_when_lower_case_is_unset_or_empty() {
        let v = vars(&[
            ("https_proxy", ""),
            ("HTTPS_PROXY", "http://upper:1"),
            ("HTTP_PROXY", "http://upper:2"),
            ("NO_PROXY", "example.com"),
        ]);
        assert_eq!(v.https_proxy.as_deref(), Some("http://upper:1"));
        assert_eq!(v.http_proxy.as_deref(), Some("http://upper:2"));
        assert_eq!(v.no_proxy.as_deref(), Some("example.com"));
    }

    #[test]
    fn all_proxy_is_the_fallback_of_both_schemes() {
        let v = vars(&[("ALL_PROXY", "http://all:3"), ("https_proxy", "http://s:1")]);
        assert_eq!(v.https_proxy.as_deref(), Some("http://s:1"));
        assert_eq!(v.http_proxy.as_deref(), Some("http://all:3"));
        let v = vars(&[("all_proxy", "http://a:3"), ("ALL_PROXY", "http://b:3")]);
        assert_eq!(v.http_proxy.as_deref(), Some("http://a:3"));
        assert_eq!(v.https_proxy.as_deref(), Some("http://a:3"));
    }

    #[test]
    fn upper_case_http_proxy_is_ignored_under_cgi() {
        let v = vars(&[("REQUEST_METHOD", "GET"), ("HTTP_PROXY", "http://evil:1")]);
        assert_eq!(v.http_proxy, None);
        let v = vars(&[("REQUEST_METHOD", "GET"), ("http_proxy", "http://ok:1")]);
        assert_eq!(v.http_proxy.as_deref(), Some("http://ok:1"));
    }
}
