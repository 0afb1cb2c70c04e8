//! The request decoder: `POST /api/sync` bodies. See `mopai_fuzz::sync_request`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| mopai_fuzz::sync_request(data));
