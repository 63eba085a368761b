//! Any bytes as the settings file: reading never panics, and what is read,
//! stored again, reads back the same.
#![no_main]

use libfuzzer_sys::fuzz_target;
use license_desk_core::Settings;
use serde_json::Value;

fuzz_target!(|bytes: &[u8]| {
    let stored = serde_json::from_slice::<Value>(bytes).ok();
    let settings = Settings::from_stored(stored.as_ref());
    let again = serde_json::to_value(&settings).expect("settings always serialise");
    assert_eq!(
        Settings::from_stored(Some(&again)),
        settings,
        "stored again, read back the same"
    );
    assert!(!settings.sign_in_tenant().trim().is_empty());
    assert!(!settings.sign_in_client_id().trim().is_empty());
});
