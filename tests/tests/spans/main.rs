//! Tracing spans of the channel and the proxy. A binary of their own: each
//! test installs a thread-local subscriber, and tracing caches per call
//! site whether anyone listens, which other tests running on other threads
//! of the same binary could settle first.

#[path = "../../../listener/tests/listener/common.rs"]
mod common;
#[path = "../proxy/support.rs"]
mod support;

mod channel_exchange;
mod proxy_call;
