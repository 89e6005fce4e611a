//! Fuzz target `signed_envelope`: see [`wws_fuzz::signature_target::signed_envelope`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| wws_fuzz::signature_target::signed_envelope(data));
