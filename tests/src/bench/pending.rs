//! Many pending `Delay` calls on a [`ServiceProxy`] against a
//! `host-reporting` child (see [`serve`](super::serve)), with the host's
//! reports of started and cancelled operations.
//!
//! Each call's `milliseconds` is [`TAG_BASE`] plus a sequence number: a delay
//! of more than 11 days, which never ends by itself, and a tag that names the
//! call in the host's reports.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use tokio::sync::mpsc;
use wws_core::{AddressingVersion, CallId, EnvelopeVersion, Error};
use wws_examples::calculator::{DELAY_ACTION, Delay, DelayResponse};
use wws_proxy::{CallOptions, PendingCall, ServiceProxy};

use super::process::{self, ChildServer};
use wws_proxy::ProxyProperties;

/// `milliseconds` of the first call.
pub const TAG_BASE: i32 = 1_000_000_000;
/// Calls started at once before waiting for the host to report them, so that
/// the listen backlog (128 with `tokio::net::TcpListener::bind`) never
/// overflows: a dropped SYN costs a 1 s retransmission.
pub const BATCH: usize = 100;

/// What the host reported.
#[derive(Debug, Clone)]
pub enum HostEvent {
    /// The operation with this tag started.
    Started(i32),
    /// Its `on_cancel` hook ran, with the reason, at this Unix time (ns).
    Cancelled {
        /// The call's tag.
        tag: i32,
        /// `CancelReason` as printed.
        reason: String,
        /// When, in ns since the Unix epoch.
        unix_ns: u128,
    },
}

/// A `host-reporting` child process and its reports.
pub struct ReportingHost {
    /// The child process.
    pub child: ChildServer,
    /// Its reports, in order.
    pub events: mpsc::UnboundedReceiver<HostEvent>,
}

impl ReportingHost {
    /// Starts `<this program> serve host-reporting`.
    pub fn start() -> Result<ReportingHost, String> {
        let cmd = process::this_program(&["serve", "host-reporting"])?;
        let mut child = ChildServer::start("wws host", cmd, Duration::from_secs(60))
            .map_err(|e| e.to_string())?;
        let lines = child.take_lines();
        let (tx, events) = mpsc::unbounded_channel();
        std::thread::spawn(move || {
            while let Ok(line) = lines.recv() {
                match parse_event(&line) {
                    Some(e) => {
                        if tx.send(e).is_err() {
                            break;
                        }
                    }
                    None => eprintln!("[wws host] {line}"),
                }
            }
        });
        Ok(ReportingHost { child, events })
    }

    /// Waits up to `within` for `count` more `Started` reports; other
    /// reports go to `other`. Returns how many arrived.
    ///
    /// Cancel safe in that no report is lost: reports not yet taken stay queued.
    pub async fn wait_started(
        &mut self,
        count: usize,
        within: Duration,
        other: &mut Vec<HostEvent>,
    ) -> usize {
        let deadline = tokio::time::Instant::now() + within;
        let mut seen = 0;
        while seen < count {
            match tokio::time::timeout_at(deadline, self.events.recv()).await {
                Ok(Some(HostEvent::Started(_))) => seen += 1,
                Ok(Some(e)) => other.push(e),
                Ok(None) | Err(_) => break,
            }
        }
        seen
    }
}

/// Parses `started <tag>` and `cancelled <tag> <reason> <unix-ns>`.
pub fn parse_event(line: &str) -> Option<HostEvent> {
    let mut f = line.split_whitespace();
    match (f.next()?, f.next()?.parse().ok()?) {
        ("started", tag) => Some(HostEvent::Started(tag)),
        ("cancelled", tag) => Some(HostEvent::Cancelled {
            tag,
            reason: f.next()?.to_owned(),
            unix_ns: f.next()?.parse().ok()?,
        }),
        _ => None,
    }
}

/// Proxy properties for `pending` long calls: the quota raised to fit them,
/// call and response timeouts long enough for the bench.
pub fn proxy_properties(pending: usize) -> ProxyProperties {
    let long = Some(Duration::from_secs(600));
    let mut props = {
        let mut props = ProxyProperties::default();
        props.max_pending_calls = pending;
        props.call_timeout = long;
        props
    };
    props.channel.receive_response_timeout = long;
    props.channel.receive_timeout = long;
    props
}

/// An opened SOAP 1.1 proxy for the host at `addr`.
///
/// Cancel safety: as `ServiceProxy::open` (dropped half-way, the proxy is dropped too).
pub async fn open_proxy(
    addr: std::net::SocketAddr,
    props: ProxyProperties,
) -> Result<ServiceProxy, String> {
    let url = format!("http://{addr}/calculator");
    let proxy = ServiceProxy::with_properties(
        &url,
        EnvelopeVersion::Soap11,
        AddressingVersion::Transport,
        props,
    )
    .map_err(|e| e.to_string())?;
    proxy.open().await.map_err(|e| format!("proxy open: {e}"))?;
    Ok(proxy)
}

/// Starts the `Delay` call with `tag`.
pub fn start_call(proxy: &ServiceProxy, tag: i32) -> PendingCall<DelayResponse> {
    proxy.call::<Delay, DelayResponse>(
        DELAY_ACTION,
        &Delay { milliseconds: tag },
        CallOptions::new(),
    )
}

/// How an awaited call ended.
#[derive(Debug)]
pub struct Done {
    /// The call's tag.
    pub tag: i32,
    /// When its awaiting task got the result.
    pub at: Instant,
    /// The result (`Err` for abandoned and aborted calls).
    pub result: Result<DelayResponse, Error>,
}

/// Pending calls, each awaited by a task of its own that reports when it ends.
pub struct AwaitedCalls {
    proxy: ServiceProxy,
    ids: HashMap<i32, CallId>,
    next_tag: i32,
    done_tx: mpsc::UnboundedSender<Done>,
    /// Results, as the awaiting tasks get them.
    pub done: mpsc::UnboundedReceiver<Done>,
}

impl AwaitedCalls {
    /// No calls yet, on `proxy`.
    pub fn new(proxy: ServiceProxy) -> Self {
        let (done_tx, done) = mpsc::unbounded_channel();
        AwaitedCalls {
            proxy,
            ids: HashMap::new(),
            next_tag: TAG_BASE,
            done_tx,
            done,
        }
    }

    /// Starts one more call and its awaiting task; returns its tag. An
    /// immediate failure (quota, state) shows up on [`done`](Self::done).
    pub fn launch(&mut self) -> i32 {
        let tag = self.next_tag;
        self.next_tag += 1;
        let call = start_call(&self.proxy, tag);
        self.ids.insert(tag, call.id());
        let tx = self.done_tx.clone();
        tokio::spawn(async move {
            let result = call.await;
            let _ = tx.send(Done {
                tag,
                at: Instant::now(),
                result,
            });
        });
        tag
    }

    /// The call id of `tag`.
    pub fn id(&self, tag: i32) -> Option<CallId> {
        self.ids.get(&tag).copied()
    }

    /// Starts `count` calls in batches of [`BATCH`], waiting after each for
    /// the host to report them started (at most `within` in all). Returns how
    /// many it saw start; other host reports go to `other`.
    ///
    /// Cancel safe in that calls already started stay pending and awaited.
    pub async fn launch_many(
        &mut self,
        host: &mut ReportingHost,
        count: usize,
        within: Duration,
        other: &mut Vec<HostEvent>,
    ) -> usize {
        let deadline = Instant::now() + within;
        let mut started = 0;
        while started < count {
            let batch = BATCH.min(count - started);
            for _ in 0..batch {
                self.launch();
            }
            let left = deadline.saturating_duration_since(Instant::now());
            let seen = host.wait_started(batch, left, other).await;
            started += seen;
            if seen < batch {
                break;
            }
        }
        started
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_host_reports() {
        assert!(matches!(
            parse_event("started 1000000007"),
            Some(HostEvent::Started(1_000_000_007))
        ));
        match parse_event("cancelled 1000000001 ChannelFaulted 1700000000123456789") {
            Some(HostEvent::Cancelled {
                tag,
                reason,
                unix_ns,
            }) => {
                assert_eq!(
                    (tag, reason.as_str(), unix_ns),
                    (1_000_000_001, "ChannelFaulted", 1_700_000_000_123_456_789)
                );
            }
            other => panic!("{other:?}"),
        }
        assert!(parse_event("listening on 80").is_none());
        assert!(parse_event("cancelled x").is_none());
    }
}
