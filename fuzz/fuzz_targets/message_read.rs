//! Fuzz target `message_read`: see [`wws_fuzz::core_targets::message_read`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| wws_fuzz::core_targets::message_read(data));
