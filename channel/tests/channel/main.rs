//! The client request channel against raw HTTP/1.1 peers that can misbehave: abort in every state, drops, timeouts, quotas, keep-alive, status mapping.

mod common;
#[cfg(feature = "tls")]
#[path = "../../../tests/src/pki.rs"]
mod pki;

mod abort_open;
mod abort_request;
mod abort_single_thread;
mod abort_states;
mod connector;
mod drop_channel;
mod drop_open_close;
mod drop_request;
mod early_answer_then_reset;
mod http2;
mod http_headers;
mod informational_and_redirect;
mod keep_alive;
mod malformed_http_reply;
mod non_soap_reply;
mod reset;
mod response_head_quota;
mod response_quota;
mod status_mapping;
mod timeouts;
#[cfg(feature = "tls")]
mod tls;
mod trickled_reply;
mod wrong_state;
