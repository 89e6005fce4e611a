//! The no-proxy list: which hosts are connected to directly.

use std::net::IpAddr;

/// Hosts reached without the proxy, in curl's `NO_PROXY` syntax.
///
/// Entries are separated by commas (spaces around them are ignored):
/// - `*` alone matches every host;
/// - a name matches that host and every host under it, case-insensitive:
///   `example.com` (or `.example.com`, or `*.example.com`) matches
///   `example.com` and `www.example.com`, not `notexample.com`; a `:port`
///   after a name is ignored, as curl ignores it;
/// - an IP address matches that address (IPv6 without brackets, or with
///   them), and `address/bits` a CIDR range (`10.0.0.0/8`, `fd00::/8`).
///
/// A name never matches an IP address, and no host is bypassed unless
/// listed: as in curl, `localhost` and `127.0.0.1` go through the proxy
/// unless named (`localhost,127.0.0.1,::1`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NoProxy {
    all: bool,
    names: Vec<String>,
    nets: Vec<(IpAddr, u8)>,
}

impl NoProxy {
    /// Parses a list; entries that are neither names nor addresses are skipped.
    pub fn parse(list: &str) -> NoProxy {
        let mut this = NoProxy::default();
        for entry in list.split(',').map(str::trim).filter(|e| !e.is_empty()) {
            if entry == "*" {
                this.all = true;
                continue;
            }
            // `[v6]`, `[v6]/bits` and `[v6]:port` as `v6`, `v6/bits`, `v6`.
            let bare = match entry.strip_prefix('[').and_then(|e| e.split_once(']')) {
                Some((ip, bits)) if bits.starts_with('/') => format!("{ip}{bits}"),
                Some((ip, _)) => ip.to_owned(),
                None => entry.to_owned(),
            };
            if let Some(net) = parse_net(&bare) {
                this.nets.push(net);
                continue;
            }
            let name = entry.split_once(':').map_or(entry, |(name, _)| name);
            let name = name.trim_start_matches("*.").trim_start_matches('.');
            let name = name.trim_end_matches('.').to_ascii_lowercase();
            if !name.is_empty() {
                this.names.push(name);
            }
        }
        this
    }

    /// Whether `host` (a name, or an address without brackets) goes direct.
    pub fn matches(&self, host: &str) -> bool {
        if self.all {
            return true;
        }
        let host = host.trim_start_matches('[').trim_end_matches(']');
        if let Ok(ip) = host.parse::<IpAddr>() {
            return self.nets.iter().any(|&(net, bits)| in_net(ip, net, bits));
        }
        let host = host.trim_end_matches('.').to_ascii_lowercase();
        self.names.iter().any(|name| {
            host.strip_suffix(name.as_str())
                .is_some_and(|rest| rest.is_empty() || rest.ends_with('.'))
        })
    }
}

/// `address` or `address/bits`.
fn parse_net(entry: &str) -> Option<(IpAddr, u8)> {
    let (addr, bits) = match entry.split_once('/') {
        Some((a, b)) => (a, Some(b)),
        None => (entry, None),
    };
    let ip: IpAddr = addr.parse().ok()?;
    let max = if ip.is_ipv4() { 32 } else { 128 };
    let bits = match bits {
        Some(b) => b.parse::<u8>().ok().filter(|&b| b <= max)?,
        None => max,
    };
    Some((ip, bits))
}

fn in_net(ip: IpAddr, net: IpAddr, bits: u8) -> bool {
    let (ip, net, width) = match (ip, net) {
        (IpAddr::V4(a), IpAddr::V4(n)) => (u32::from(a) as u128, u32::from(n) as u128, 32),
        (IpAddr::V6(a), IpAddr::V6(n)) => (u128::from(a), u128::from(n), 128),
        _ => return false,
    };
    if bits == 0 {
        return true;
    }
    let shift = width - u32::from(bits);
    (ip >> shift) == (net >> shift)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn star_matches_everything() {
        let n = NoProxy::parse("*");
        assert!(n.matches("example.com") && n.matches("127.0.0.1") && n.matches("::1"));
        // `*` inside a list is still everything (curl: only alone, but a list with it is meant so).
        assert!(NoProxy::parse("a.example, *").matches("b.example"));
    }

    #[test]
    fn names_match_the_host_and_its_subdomains_only() {
        let n = NoProxy::parse("example.com, .internal.test ,*.corp.test,Ample.ORG:8080");
        for yes in [
            "example.com",
            "www.example.com",
            "EXAMPLE.com.",
            "a.b.internal.test",
            "internal.test",
            "x.corp.test",
            "ample.org",
            "www.ample.org",
        ] {
            assert!(n.matches(yes), "{yes}");
        }
        for no in [
            "notexample.com",
            "example.com.org",
            "test",
            "corp",
            "sample.org",
        ] {
            assert!(!n.matches(no), "{no}");
        }
    }

    #[test]
    fn addresses_and_cidr_ranges() {
        let n = NoProxy::parse("192.168.0.0/16,10.1.2.3,::1,[fd00::]/8,bad/99");
        assert!(n.matches("192.168.4.5"));
        assert!(!n.matches("192.169.0.1"));
        assert!(n.matches("10.1.2.3"));
        assert!(!n.matches("10.1.2.4"));
        assert!(n.matches("::1"));
        assert!(n.matches("[::1]"));
        assert!(n.matches("fd12::1"));
        assert!(!n.matches("fe80::1"));
        // A v4 range does not match v6 addresses, and a name never matches an address.
        assert!(!NoProxy::parse("0.0.0.0/0").matches("::1"));
        assert!(NoProxy::parse("0.0.0.0/0").matches("8.8.8.8"));
        assert!(!NoProxy::parse("localhost").matches("127.0.0.1"));
    }

    #[test]
    fn loopback_is_not_bypassed_unless_listed() {
        let none = NoProxy::parse("");
        assert!(!none.matches("localhost") && !none.matches("127.0.0.1") && !none.matches("::1"));
        let listed = NoProxy::parse("localhost,127.0.0.0/8,::1");
        assert!(
            listed.matches("localhost") && listed.matches("127.0.0.2") && listed.matches("::1")
        );
    }
}
