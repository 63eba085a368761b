//! Any bytes opened as a tenant's picture (our export first, then every
//! format the importers know): a picture or a refusal with a message, never
//! a panic; a picture's views answer.
#![no_main]

use libfuzzer_sys::fuzz_target;
use license_desk_core::overview::UserQuery;

fuzz_target!(|bytes: &[u8]| {
    match license_desk_tenant::open::open(bytes, "fuzz.json") {
        Ok(opened) => {
            let picture = opened.picture;
            let overview = picture.overview(None);
            assert_eq!(overview.users_total as usize, picture.users.len());
            let page = picture.users_page(&UserQuery::everyone(), 0, 50);
            assert!(page.rows.len() <= 50);
        }
        Err(error) => assert!(!error.message.trim().is_empty(), "a refusal with no message"),
    }
});
