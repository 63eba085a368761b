//! Any text as the users file (`--users-file`): `users_listed` never panics
//! and every user it returns is a real entry: not empty, not a comment, no
//! surrounding whitespace or byte order mark, one line.
#![no_main]

use libfuzzer_sys::fuzz_target;
use license_desk_engine::plan::users_listed;

fuzz_target!(|bytes: &[u8]| {
    let text = String::from_utf8_lossy(bytes);
    let lines = text.lines().count();
    let users = users_listed(&text);
    assert!(users.len() <= lines);
    for user in &users {
        assert!(!user.is_empty(), "an empty entry");
        assert!(!user.starts_with('#'), "a comment kept: {user:?}");
        assert_eq!(user.trim(), user, "surrounding whitespace kept");
        assert!(
            !user.starts_with('\u{feff}') && !user.ends_with('\u{feff}'),
            "a byte order mark kept: {user:?}"
        );
        assert!(!user.contains('\n'), "an entry spans lines");
    }
});
