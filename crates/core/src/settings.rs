//! The admin's preferences. Stored as plain JSON by the shell, so they must
//! never hold a secret, and reading them must survive any file on disk.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::Cloud;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    En,
    Sv,
}

/// The multi-tenant public client License Desk signs in with unless the
/// admin names their own app registration.
pub const DEFAULT_CLIENT_ID: &str = "5d7c3a1e-9b4f-4c1a-8e2d-4c1e0b7a9f31";

/// Which organisation to sign in to when none is named: any work account.
pub const ANY_ORGANIZATION: &str = "organizations";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct Settings {
    /// `None` follows the system's language.
    pub language: Option<Language>,
    /// The cloud to sign in to.
    pub cloud: Cloud,
    /// `organizations`, a domain or a tenant id.
    pub tenant: String,
    /// An app registration of the admin's own; `None` uses License Desk's.
    pub client_id: Option<String>,
    /// The currency seat prices are in (ISO 4217, such as SEK).
    pub currency: Option<String>,
    /// What one seat costs a month, in hundredths of `currency`, by part
    /// number: it turns freed seats into money.
    pub seat_prices: BTreeMap<String, u32>,
    /// Whether to look for a newer version when the app starts; `None`
    /// means yes. Settings can always look.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[specta(optional)]
    pub check_for_updates: Option<bool>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            language: None,
            cloud: Cloud::default(),
            tenant: ANY_ORGANIZATION.to_owned(),
            client_id: None,
            currency: None,
            seat_prices: BTreeMap::new(),
            check_for_updates: None,
        }
    }
}

impl Settings {
    /// The tenant to sign in to, `organizations` when left blank.
    pub fn sign_in_tenant(&self) -> &str {
        match self.tenant.trim() {
            "" => ANY_ORGANIZATION,
            tenant => tenant,
        }
    }

    pub fn sign_in_client_id(&self) -> &str {
        self.client_id
            .as_deref()
            .map(str::trim)
            .filter(|id| !id.is_empty())
            .unwrap_or(DEFAULT_CLIENT_ID)
    }

    /// Whether to look for a newer version when the app starts.
    pub fn checks_for_updates_at_start(&self) -> bool {
        self.check_for_updates != Some(false)
    }
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
        let defaults = Self::default();
        Self {
            language: field(fields, "language"),
            cloud: field(fields, "cloud"),
            tenant: fields
                .get("tenant")
                .and_then(Value::as_str)
                .map(str::to_owned)
                .unwrap_or(defaults.tenant),
            client_id: field(fields, "clientId"),
            currency: field(fields, "currency"),
            seat_prices: field(fields, "seatPrices"),
            check_for_updates: field(fields, "checkForUpdates"),
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
            tenant: "contoso.onmicrosoft.com".into(),
            client_id: Some("11111111-2222-3333-4444-555555555555".into()),
            currency: Some("SEK".into()),
            seat_prices: BTreeMap::from([("SPB".to_owned(), 23_990)]),
            check_for_updates: Some(false),
        };
        let stored = serde_json::to_value(&settings).unwrap();
        assert_eq!(
            stored,
            json!({"language": "sv", "cloud": "us_gov_dod", "tenant": "contoso.onmicrosoft.com",
                   "clientId": "11111111-2222-3333-4444-555555555555",
                   "currency": "SEK", "seatPrices": {"SPB": 23990}, "checkForUpdates": false})
        );
        assert!(!settings.checks_for_updates_at_start());
        assert_eq!(Settings::from_stored(Some(&stored)), settings);
    }

    #[test]
    fn nothing_stored_gives_defaults() {
        assert_eq!(Settings::from_stored(None), Settings::default());
        assert_eq!(Settings::default().cloud, Cloud::Worldwide);
        assert_eq!(Settings::default().language, None);
        assert_eq!(Settings::default().sign_in_tenant(), "organizations");
        assert_eq!(Settings::default().sign_in_client_id(), DEFAULT_CLIENT_ID);
        assert!(Settings::default().checks_for_updates_at_start());
    }

    #[test]
    fn blank_tenant_and_client_id_fall_back() {
        let settings = Settings {
            tenant: "  ".into(),
            client_id: Some(" ".into()),
            ..Settings::default()
        };
        assert_eq!(settings.sign_in_tenant(), "organizations");
        assert_eq!(settings.sign_in_client_id(), DEFAULT_CLIENT_ID);
    }

    #[test]
    fn a_bad_field_costs_only_itself() {
        let stored = json!({"language": "sv", "cloud": "germany", "unknown": 1, "seatPrices": {"SPB": -5}});
        assert_eq!(
            Settings::from_stored(Some(&stored)),
            Settings {
                language: Some(Language::Sv),
                ..Settings::default()
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
