//! The keychain against the real OS store (gnome-keyring's Secret Service
//! in CI): what is saved can be read back, replaced and forgotten.
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use license_desk_graph::keychain::Secret;

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
