//! The admin's preferences. Stored as plain JSON by the shell, so they must
//! never hold a secret, and reading them must survive any file on disk.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::Cloud;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    En,
    Sv,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Settings {
    /// `None` follows the system's language.
    pub language: Option<Language>,
    /// The cloud offered first at sign-in.
    pub cloud: Cloud,
}

impl Settings {
    /// Reads settings as stored, keeping every field that still makes sense.
    ///
    /// A file from another version or edited by hand must not cost the admin
    /// all their settings, so each field falls back to its default on its own.
    pub fn from_stored(stored: Option<&Value>) -> Self {
        let Some(Value::Object(fields)) = stored else {
            return Self::default();
        };
        fn field<T: serde::de::DeserializeOwned + Default>(
            fields: &serde_json::Map<String, Value>,
            name: &str,
        ) -> T {
            fields
                .get(name)
                .and_then(|value| serde_json::from_value(value.clone()).ok())
                .unwrap_or_default()
        }
        Self {
            language: field(fields, "language"),
            cloud: field(fields, "cloud"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn round_trips_through_json() {
        let settings = Settings {
            language: Some(Language::Sv),
            cloud: Cloud::UsGovDod,
        };
        let stored = serde_json::to_value(&settings).unwrap();
        assert_eq!(stored, json!({"language": "sv", "cloud": "us_gov_dod"}));
        assert_eq!(Settings::from_stored(Some(&stored)), settings);
    }

    #[test]
    fn nothing_stored_gives_defaults() {
        assert_eq!(Settings::from_stored(None), Settings::default());
        assert_eq!(Settings::default().cloud, Cloud::Worldwide);
        assert_eq!(Settings::default().language, None);
    }

    #[test]
    fn a_bad_field_costs_only_itself() {
        let stored = json!({"language": "sv", "cloud": "germany", "unknown": 1});
        assert_eq!(
            Settings::from_stored(Some(&stored)),
            Settings {
                language: Some(Language::Sv),
                cloud: Cloud::Worldwide
            }
        );
    }

    #[test]
    fn garbage_gives_defaults() {
        assert_eq!(
            Settings::from_stored(Some(&json!("not settings"))),
            Settings::default()
        );
        assert_eq!(Settings::from_stored(Some(&json!([1, 2]))), Settings::default());
    }
}
