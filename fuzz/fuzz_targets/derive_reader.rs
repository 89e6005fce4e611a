//! Fuzz target `derive_reader`: see [`wws_fuzz::derive_target::derive_reader`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| wws_fuzz::derive_target::derive_reader(data));
