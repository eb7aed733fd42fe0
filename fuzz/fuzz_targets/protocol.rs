#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| kmsim_fuzz::protocol(data));
