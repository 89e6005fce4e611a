//! Fuzz target `typed_body`: see [`wws_fuzz::core_targets::typed_body`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| wws_fuzz::core_targets::typed_body(data));
