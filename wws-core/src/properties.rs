//! Property structs with WWSAPI's defaults.
//!
//! A timeout of `None` means "infinite" (WWSAPI's `INFINITE`).

use std::time::Duration;

/// Limits enforced while a message is read, never after buffering it whole.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReaderQuotas {
    /// Largest message accepted, in bytes (default 4 MiB, WWSAPI's streamed default).
    pub max_message_size: usize,
    /// Deepest element nesting accepted (default 32, as WWSAPI's XML reader).
    pub max_depth: usize,
    /// Most attributes on one element (default 128, as WWSAPI's XML reader).
    pub max_attributes: usize,
    /// Most SOAP header blocks in one envelope (default 64).
    pub max_headers: usize,
}

impl Default for ReaderQuotas {
    fn default() -> Self {
        ReaderQuotas {
            max_message_size: 4 * 1024 * 1024,
            max_depth: 32,
            max_attributes: 128,
            max_headers: 64,
        }
    }
}

/// Properties of a client request channel (`WS_CHANNEL_PROPERTY_*`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChannelProperties {
    /// Time allowed to resolve and connect (default 30 s).
    pub connect_timeout: Option<Duration>,
    /// Time allowed to send a request (default 30 s).
    pub send_timeout: Option<Duration>,
    /// Time allowed until the response head arrives (default 30 s).
    pub receive_response_timeout: Option<Duration>,
    /// Time allowed to receive the response body (default 30 s).
    pub receive_timeout: Option<Duration>,
    /// Quotas applied to the messages this channel reads.
    pub quotas: ReaderQuotas,
}

impl Default for ChannelProperties {
    fn default() -> Self {
        let t = Some(Duration::from_secs(30));
        ChannelProperties {
            connect_timeout: t,
            send_timeout: t,
            receive_response_timeout: t,
            receive_timeout: t,
            quotas: ReaderQuotas::default(),
        }
    }
}

/// Properties of a listener (`WS_LISTENER_PROPERTY_*`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListenerProperties {
    /// Most connections open at once; further ones wait in the OS backlog (default 1024).
    pub max_connections: usize,
    /// Most `accept_channel` calls waiting at once (default 1024).
    pub max_accepting_channels: usize,
    /// Time a client has to send a request head, also on an idle keep-alive connection (default 30 s).
    pub header_read_timeout: Option<Duration>,
    /// Time a client has to send a request body once its head arrived (default 30 s).
    pub body_read_timeout: Option<Duration>,
    /// Time a response may stay stuck on a client that does not read it
    /// before the connection is dropped (default 30 s, WWSAPI's send timeout).
    pub send_timeout: Option<Duration>,
    /// Quotas applied to the requests read.
    pub quotas: ReaderQuotas,
}

impl Default for ListenerProperties {
    fn default() -> Self {
        ListenerProperties {
            max_connections: 1024,
            max_accepting_channels: 1024,
            header_read_timeout: Some(Duration::from_secs(30)),
            body_read_timeout: Some(Duration::from_secs(30)),
            send_timeout: Some(Duration::from_secs(30)),
            quotas: ReaderQuotas::default(),
        }
    }
}

/// Properties of a service proxy (`WS_PROXY_PROPERTY_*`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProxyProperties {
    /// Time allowed for one call, end to end (default 30 s).
    pub call_timeout: Option<Duration>,
    /// Most calls pending at once; one more fails with `QuotaExceeded` (default 100).
    pub max_pending_calls: usize,
    /// How long `close` waits for pending calls before aborting (default 5 s).
    pub max_close_timeout: Duration,
    /// Idle connections kept for reuse (default 5).
    pub max_call_pool_size: usize,
    /// Properties of the channels the proxy opens.
    pub channel: ChannelProperties,
}

impl Default for ProxyProperties {
    fn default() -> Self {
        ProxyProperties {
            call_timeout: Some(Duration::from_secs(30)),
            max_pending_calls: 100,
            max_close_timeout: Duration::from_secs(5),
            max_call_pool_size: 5,
            channel: ChannelProperties::default(),
        }
    }
}

/// How much of an internal error a host puts into the faults it sends.
#[derive(Copy, Clone, Debug, Default, PartialEq, Eq)]
pub enum FaultDisclosure {
    /// Only a generic reason; no internal error text (default).
    #[default]
    Minimal,
    /// The internal error text too.
    Full,
}

/// Properties of a service host (`WS_SERVICE_PROPERTY_*`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServiceHostProperties {
    /// How long `close` lets in-flight operations run before aborting them (default 5 s).
    pub close_timeout: Duration,
    /// Most operations running at once across endpoints (default 1024).
    pub max_concurrency: usize,
    /// Most channels waiting in accept per endpoint (default 64).
    pub max_accepting_channels: usize,
    /// Fault detail policy (default [`FaultDisclosure::Minimal`]).
    pub fault_disclosure: FaultDisclosure,
    /// Properties of the listeners the host opens.
    pub listener: ListenerProperties,
}

impl Default for ServiceHostProperties {
    fn default() -> Self {
        ServiceHostProperties {
            close_timeout: Duration::from_secs(5),
            max_concurrency: 1024,
            max_accepting_channels: 64,
            fault_disclosure: FaultDisclosure::Minimal,
            listener: ListenerProperties::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_match_wwsapi() {
        let q = ReaderQuotas::default();
        assert_eq!(
            (
                q.max_message_size,
                q.max_depth,
                q.max_attributes,
                q.max_headers
            ),
            (4 << 20, 32, 128, 64)
        );
        let c = ChannelProperties::default();
        let s30 = Some(Duration::from_secs(30));
        assert_eq!(c.connect_timeout, s30);
        assert_eq!(c.send_timeout, s30);
        assert_eq!(c.receive_response_timeout, s30);
        assert_eq!(c.receive_timeout, s30);
        let p = ProxyProperties::default();
        assert_eq!(p.call_timeout, s30);
        assert_eq!(p.max_pending_calls, 100);
        assert_eq!(p.max_close_timeout, Duration::from_secs(5));
        assert_eq!(p.max_call_pool_size, 5);
        let h = ServiceHostProperties::default();
        assert_eq!(h.close_timeout, Duration::from_secs(5));
        assert_eq!(h.fault_disclosure, FaultDisclosure::Minimal);
    }
}
