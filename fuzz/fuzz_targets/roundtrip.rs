//! Fuzz target `roundtrip`: see [`wws_fuzz::core_targets::roundtrip`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| wws_fuzz::core_targets::roundtrip(data));
