//! Any bytes read as the admin's `product-names.csv`, and any text read as
//! a downloaded product table: names and problems, never a panic. Every
//! problem says what is wrong and on which line (counted from 1); a table
//! is refused with a reason, or names products.
#![no_main]

use libfuzzer_sys::fuzz_target;
use license_desk_files::{downloaded_table, own_names};

fuzz_target!(|bytes: &[u8]| {
    let (_, problems) = own_names::read(bytes, own_names::FILE_NAME);
    for problem in &problems {
        assert!(!problem.message.trim().is_empty(), "a problem with no message");
        assert_ne!(problem.line, Some(0), "lines count from 1");
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        match downloaded_table::parse(text) {
            Ok(names) => assert!(!names.is_empty(), "a table that names nothing"),
            Err(reason) => assert!(!reason.trim().is_empty(), "a refusal with no reason"),
        }
    }
});
