//! The listener and its reply channels against raw HTTP clients, and the client channel against the listener.

mod common;
#[cfg(feature = "tls")]
#[path = "../../../tests/src/pki.rs"]
mod pki;

mod abort_after_reply;
mod accept_abort;
mod accept_quota;
mod address_in_use;
mod body_timeout;
mod channel_idle_close;
mod channel_request_over_server_quota;
mod channel_request_reply;
mod close;
mod connection_churn;
mod disconnected;
mod disconnected_reset;
mod drop_listener;
mod drop_open_close;
mod drop_receive;
mod expect_continue;
mod half_close;
mod header_timeout;
mod http10;
mod http2;
mod keep_alive;
mod lingering_close;
mod listen_backlog;
mod malformed_request;
mod max_connections;
mod overload;
mod pipelining;
mod reply;
mod request_body_quota;
mod request_head_quota;
mod send_timeout;
mod serve;
mod stop_mid_head;
#[cfg(feature = "tls")]
mod tls;
