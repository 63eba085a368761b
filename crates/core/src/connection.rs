//! What the app is looking at: the status area shows this at all times, so an
//! admin never mistakes a demo or an old export for their live tenant.

use serde::{Deserialize, Serialize};

use crate::Cloud;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Connection {
    /// Nothing opened yet.
    #[default]
    None,
    /// The built-in demo tenant: nothing real changes.
    Demo,
    /// A tenant, signed in. `local` holds the address of a local tenant
    /// (for development and tests), so it is never taken for a real cloud.
    SignedIn {
        tenant: String,
        cloud: Cloud,
        local: Option<String>,
    },
    /// An exported file, reviewed offline and read-only; `taken_at` in
    /// seconds since the Unix epoch, where known.
    OfflineFile { file: String, taken_at: Option<u32> },
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn is_tagged_by_kind() {
        assert_eq!(
            serde_json::to_value(Connection::None).unwrap(),
            json!({"kind": "none"})
        );
        assert_eq!(
            serde_json::to_value(Connection::SignedIn {
                tenant: "Contoso".into(),
                cloud: Cloud::China,
                local: None
            })
            .unwrap(),
            json!({"kind": "signed_in", "tenant": "Contoso", "cloud": "china", "local": null})
        );
        assert_eq!(
            serde_json::to_value(Connection::OfflineFile {
                file: "export.csv".into(),
                taken_at: Some(1)
            })
            .unwrap(),
            json!({"kind": "offline_file", "file": "export.csv", "taken_at": 1})
        );
    }
}
