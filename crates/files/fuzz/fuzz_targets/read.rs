//! Any bytes: `read` returns an import or a refusal, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let _ = license_desk_files::read(bytes, "fuzz.csv");
});
