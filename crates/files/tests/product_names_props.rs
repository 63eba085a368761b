//! Properties of the two product-name readers: the admin's
//! `product-names.csv` and a downloaded product table never panic, whatever
//! the bytes; every problem says what is wrong on a line counted from 1;
//! names written to the file are found by part number in any case.

use license_desk_files::{downloaded_table, own_names};
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn any_bytes_give_names_and_problems_that_say_what_is_wrong(
        bytes in proptest::collection::vec(any::<u8>(), 0..2048),
    ) {
        let (_, problems) = own_names::read(&bytes, own_names::FILE_NAME);
        for problem in &problems {
            prop_assert!(!problem.message.trim().is_empty());
            prop_assert_ne!(problem.line, Some(0));
        }
        if let Ok(text) = std::str::from_utf8(&bytes) {
            match downloaded_table::parse(text) {
                Ok(names) => prop_assert!(!names.is_empty()),
                Err(reason) => prop_assert!(!reason.trim().is_empty()),
            }
        }
    }

    #[test]
    fn names_written_are_found_by_part_number_in_any_case(
        rows in proptest::collection::btree_map("[A-Z][A-Z0-9_]{0,15}", "[A-Za-zåäö][A-Za-z0-9 åäö()+-]{0,30}", 1..30),
    ) {
        let mut text = String::from("Part number;Name\r\n");
        for (part_number, name) in &rows {
            text.push_str(&format!("{part_number};{name}\r\n"));
        }
        let (names, problems) = own_names::read(text.as_bytes(), own_names::FILE_NAME);
        prop_assert!(problems.is_empty(), "{:?}", problems);
        prop_assert_eq!(names.len(), rows.len());
        for (part_number, name) in &rows {
            prop_assert_eq!(names.get(&part_number.to_lowercase()), Some(name.trim()));
        }
    }
}
