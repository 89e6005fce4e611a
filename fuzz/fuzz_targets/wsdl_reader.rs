//! Fuzz target `wsdl_reader`: see [`wws_fuzz::wsdl_target::wsdl_reader`].
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| wws_fuzz::wsdl_target::wsdl_reader(data));
