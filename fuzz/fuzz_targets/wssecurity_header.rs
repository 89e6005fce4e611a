//! Fuzz target `wssecurity_header`: see [`wws_fuzz::security_target::wssecurity_header`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| wws_fuzz::security_target::wssecurity_header(data));
