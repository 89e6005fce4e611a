//! The service proxy against test servers on raw hyper: typed calls, abandon, groups, abort, close, timeouts, quotas and leaks (moved from wws-proxy, which cannot depend on the calculator example).

mod support;

mod abandon_call;
mod abandon_group;
mod abandon_leaks;
mod abort_one_thread;
mod abort_proxy;
mod call_timeout;
mod close_idle_connections;
mod close_proxy;
mod drop_before_start;
mod envelope_mismatch;
mod fault_reply;
mod max_pending_calls;
mod runtime_shutdown;
mod strict_replies;
mod typed_calls;
