//! Any bytes as an offline file: `read` returns an import or a refusal,
//! never a panic, and a refusal says what is wrong.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    if let Err(error) = license_desk_files::read(bytes, "fuzz.csv") {
        assert!(!error.message.trim().is_empty(), "a refusal with no message");
    }
});
