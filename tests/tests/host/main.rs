//! The service host over loopback: HTTP, SOAP 1.1/1.2 processing, WS-Addressing, dispatch, lifecycle and server-side cancellation (moved from wws-host, which cannot depend on the calculator example).

mod common;

mod cancellation;
mod contract;
mod handler_dropped;
mod http;
mod lifecycle;
mod soap11;
mod soap11_conformance;
mod soap12;
mod soap12_test_collection;
mod workers;
mod ws_addressing;
mod xml_chars;
