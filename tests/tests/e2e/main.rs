//! End-to-end: the wws proxy against the wws host over loopback, and foreign requests replayed at the host.

mod support;

mod abandon_call;
mod abort_host;
mod calls;
mod close_host;
mod faults;
mod http2_abandon;
mod http2_abort;
mod http2_pool;
mod http2_sockets;
mod http_auth;
mod http_proxy;
mod https;
mod layers;
mod peer_requests;
mod protocol_soap11;
mod protocol_soap12;
mod server_cancellation;
mod tinyproxy;
