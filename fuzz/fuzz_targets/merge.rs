//! The merge path: a sync message received on a stored facility document.
//! See `mopai_fuzz::merge`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    mopai_fuzz::merge(data);
});
