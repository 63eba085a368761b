//! The keychain against the real OS store (gnome-keyring's Secret Service
//! in CI): what is saved can be read back, replaced and forgotten, and a
//! secret too long for one Windows credential is kept whole in parts.
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use license_desk_core::ErrorCode;
use license_desk_graph::keychain::{Secret, PART_BYTES, SERVICE};

#[test]
fn saves_replaces_and_forgets_a_secret() {
    let account = format!("test:{}:{}", std::process::id(), uuid::Uuid::new_v4());
    let secret = Secret::new(&account).unwrap();
    assert_eq!(secret.load().unwrap(), None);
    secret.save("first-refresh-token").unwrap();
    assert_eq!(
        Secret::new(&account).unwrap().load().unwrap().as_deref(),
        Some("first-refresh-token")
    );
    secret.save("rotated-refresh-token").unwrap();
    assert_eq!(secret.load().unwrap().as_deref(), Some("rotated-refresh-token"));
    secret.delete().unwrap();
    assert_eq!(secret.load().unwrap(), None);
    secret.delete().unwrap();
}

/// A refresh token longer than Windows Credential Manager keeps in one
/// entry (2,560 bytes): ten kilobytes, as Microsoft may well issue.
fn long_secret(seed: char) -> String {
    (0..10 * 1024)
        .map(|i| {
            if i % 97 == 0 {
                seed
            } else {
                char::from(b'A' + (i % 26) as u8)
            }
        })
        .collect()
}

/// Part `number` of set `set` of `account`, as the keychain holds it.
fn part(account: &str, set: char, number: usize) -> keyring::Entry {
    keyring::Entry::new(SERVICE, &format!("{account}#{set}{number}")).unwrap()
}

/// Every part entry of `account` in either set, counted by probing.
fn parts_kept(account: &str) -> Vec<(char, usize, String)> {
    let mut kept = Vec::new();
    for set in ['a', 'b'] {
        for number in 1.. {
            match part(account, set, number).get_password() {
                Ok(value) => kept.push((set, number, value)),
                Err(keyring::Error::NoEntry) => break,
                Err(error) => panic!("{error}"),
            }
        }
    }
    kept
}

#[test]
fn a_ten_kilobyte_secret_is_kept_whole_in_parts_replaced_and_forgotten() {
    let account = format!("test:{}:{}", std::process::id(), uuid::Uuid::new_v4());
    let secret = Secret::new(&account).unwrap();
    let first = long_secret('1');
    secret.save(&first).unwrap();
    assert_eq!(
        Secret::new(&account).unwrap().load().unwrap().as_deref(),
        Some(first.as_str())
    );
    let kept = parts_kept(&account);
    assert_eq!(kept.len(), 11, "10 KB in parts of at most {PART_BYTES} bytes");
    for (_, _, value) in &kept {
        assert!(
            value.encode_utf16().count() * 2 <= 2560,
            "every part fits Windows' limit"
        );
    }
    let head = keyring::Entry::new(SERVICE, &account)
        .unwrap()
        .get_password()
        .unwrap();
    assert!(
        head.len() < 100 && !head.contains(&first[..50]),
        "the head names the parts: {head}"
    );

    // A rotation to another long token: the old parts are gone.
    let second = long_secret('2');
    secret.save(&second).unwrap();
    assert_eq!(secret.load().unwrap().as_deref(), Some(second.as_str()));
    assert_eq!(
        parts_kept(&account).len(),
        11,
        "only the new token's parts are kept"
    );

    // A shorter one (still in parts), then a short one: no stale part is left.
    let shorter = long_secret('3')[..3001].to_owned();
    secret.save(&shorter).unwrap();
    assert_eq!(secret.load().unwrap().as_deref(), Some(shorter.as_str()));
    assert_eq!(parts_kept(&account).len(), 4);
    secret.save("short-refresh-token").unwrap();
    assert_eq!(secret.load().unwrap().as_deref(), Some("short-refresh-token"));
    assert!(
        parts_kept(&account).is_empty(),
        "a short secret leaves no parts behind"
    );

    // Long again, then forgotten: the head and every part go.
    secret.save(&first).unwrap();
    secret.delete().unwrap();
    assert_eq!(secret.load().unwrap(), None);
    assert!(parts_kept(&account).is_empty());
}

#[test]
fn a_missing_or_foreign_part_is_reported_never_a_cut_token() {
    let account = format!("test:{}:{}", std::process::id(), uuid::Uuid::new_v4());
    let secret = Secret::new(&account).unwrap();
    secret.save(&long_secret('1')).unwrap();
    let (set, _, _) = parts_kept(&account)[0].clone();

    // A part lost (another program, a crash while forgetting).
    part(&account, set, 5).delete_credential().unwrap();
    let error = secret.load().unwrap_err();
    assert_eq!(error.code, ErrorCode::KeychainUnavailable);
    assert!(error.message.contains("incomplete"), "{}", error.message);
    assert!(error.details.unwrap().contains("part 5 of 11"));

    // A part from another write: the digest tells.
    part(&account, set, 5)
        .set_password(&"Z".repeat(PART_BYTES))
        .unwrap();
    let error = secret.load().unwrap_err();
    assert!(error.message.contains("incomplete"), "{}", error.message);

    // Writing afresh mends it; forgetting removes everything.
    let fresh = long_secret('4');
    secret.save(&fresh).unwrap();
    assert_eq!(secret.load().unwrap().as_deref(), Some(fresh.as_str()));
    secret.delete().unwrap();
    assert!(parts_kept(&account).is_empty());
    assert_eq!(secret.load().unwrap(), None);
}

#[test]
fn a_short_secret_that_looks_like_a_list_of_parts_is_kept_as_it_is() {
    let account = format!("test:{}:{}", std::process::id(), uuid::Uuid::new_v4());
    let secret = Secret::new(&account).unwrap();
    let odd = "license-desk-parts/1 a 1 0000";
    secret.save(odd).unwrap();
    assert_eq!(secret.load().unwrap().as_deref(), Some(odd));
    secret.delete().unwrap();
    assert!(parts_kept(&account).is_empty());
}

#[test]
fn a_write_cut_short_leaves_the_old_secret_whole_and_its_parts_are_cleared_later() {
    let account = format!("test:{}:{}", std::process::id(), uuid::Uuid::new_v4());
    let secret = Secret::new(&account).unwrap();
    let old = long_secret('1');
    secret.save(&old).unwrap();
    let (set, _, _) = parts_kept(&account)[0].clone();
    let other = if set == 'a' { 'b' } else { 'a' };
    // A rotation stopped after three parts of the new token, before its head.
    for number in 1..=3 {
        part(&account, other, number)
            .set_password("new-token-part")
            .unwrap();
    }
    assert_eq!(secret.load().unwrap().as_deref(), Some(old.as_str()));
    // The next write clears what the cut one left, whatever its length.
    secret.save("short-refresh-token").unwrap();
    assert!(parts_kept(&account).is_empty());
    secret.delete().unwrap();
}
