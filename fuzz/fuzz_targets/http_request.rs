//! Fuzz target `http_request`: see [`wws_fuzz::http_target::http_request`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| wws_fuzz::http_target::http_request(data));
