//! The shapes of the calculator's messages, declared as any user of
//! wws-core would (the contract itself lives in `wws-examples`, which
//! wws-core's tests cannot depend on): shared by the codec tests and the
//! fuzz targets (`fuzz/src/core_targets.rs`), which include this file.
#![allow(dead_code, missing_docs)]

/// Target namespace.
pub const NAMESPACE: &str = "http://example.org/wws/calculator";
/// Action of `Add`.
pub const ADD_ACTION: &str = "http://example.org/wws/calculator/Add";
/// Action of `Divide`.
pub const DIVIDE_ACTION: &str = "http://example.org/wws/calculator/Divide";
/// Action of `Echo`.
pub const ECHO_ACTION: &str = "http://example.org/wws/calculator/Echo";
/// Action of `Delay`.
pub const DELAY_ACTION: &str = "http://example.org/wws/calculator/Delay";

wws_core::body_element! {
    #[namespace = "http://example.org/wws/calculator"]
    #[derive(Debug, Clone, Copy, PartialEq)]
    pub struct Add { pub a: f64, pub b: f64 }
}
wws_core::body_element! {
    #[namespace = "http://example.org/wws/calculator"]
    #[derive(Debug, Clone, Copy, PartialEq)]
    pub struct AddResponse { pub result: f64 }
}
wws_core::body_element! {
    #[namespace = "http://example.org/wws/calculator"]
    #[derive(Debug, Clone, Copy, PartialEq)]
    pub struct Divide { pub a: f64, pub b: f64 }
}
wws_core::body_element! {
    #[namespace = "http://example.org/wws/calculator"]
    #[derive(Debug, Clone, Copy, PartialEq)]
    pub struct DivideResponse { pub result: f64 }
}
wws_core::body_element! {
    #[namespace = "http://example.org/wws/calculator"]
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct Echo { pub text: String }
}
wws_core::body_element! {
    #[namespace = "http://example.org/wws/calculator"]
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct EchoResponse { pub text: String }
}
wws_core::body_element! {
    #[namespace = "http://example.org/wws/calculator"]
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub struct Delay { pub milliseconds: i32 }
}
wws_core::body_element! {
    #[namespace = "http://example.org/wws/calculator"]
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub struct DelayResponse { pub milliseconds: i32 }
}
