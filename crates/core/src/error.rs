//! The one error type that crosses the IPC boundary.
//!
//! Every failure the UI can see is an [`Error`]: a stable [`ErrorCode`] that
//! code may branch on, a `message` written for the admin (what happened and
//! what to do), and optional `details` for support (never secrets).

use serde::{Deserialize, Serialize};

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Stable identifiers of failures. The serialised names are part of the IPC
/// contract: renaming one is a breaking change for the UI.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The app's settings file could not be read or written.
    SettingsStorage,
    /// A bug or an unexpected state inside the app.
    Internal,
    /// Microsoft's service could not be reached at all.
    Network,
    /// Microsoft's service kept failing (5xx) past the retry budget.
    ServiceUnavailable,
    /// Microsoft's limit kept the request waiting past the retry budget.
    Throttled,
    /// The connection broke after a change was sent: it may or may not
    /// have been made, and must be checked before it is sent again.
    OutcomeUnknown,
    /// The sign-in is over (refresh token expired or revoked): sign in again.
    SignedOut,
    /// Signing in failed (wrong tenant, app not found, declined…).
    SignInFailed,
    /// The admin cancelled signing in.
    SignInCancelled,
    /// Nobody finished signing in in time.
    SignInTimedOut,
    /// The signed-in admin or app lacks the role or permission.
    InsufficientPrivileges,
    /// The license comes from a group and must be removed at the group.
    LicenseInherited,
    /// The user does not hold that license (already removed).
    LicenseNotHeld,
    /// The product is not one the organisation owns.
    ProductNotInTenant,
    /// No free seat is left to put a license back.
    NoFreeSeats,
    /// A license cannot be assigned to a user without a usage location.
    UsageLocationMissing,
    /// No such user in the tenant.
    UserNotFound,
    /// The product was bought by a user (self-service) and is locked.
    SelfServiceLocked,
    /// Any other answer from Microsoft Graph that was not a success.
    GraphRequestFailed,
    /// The OS keychain could not be used.
    KeychainUnavailable,
    /// No run with that id is in the journal folder.
    RunNotFound,
    /// Another License Desk (a window or a command line) is working on
    /// this run right now.
    RunInProgress,
    /// The run belongs to another tenant, or its record names none.
    RunOfAnotherTenant,
    /// A run's record is damaged: what it still says is usable, the rest
    /// cannot be known.
    JournalDamaged,
    /// The command line was used wrongly (a bad value, a missing file).
    InvalidInput,
    /// A file cannot be opened as a picture of a tenant (or a plan): the
    /// message names the file, the line and what was expected.
    FileNotUsable,
    /// A saved plan is of another tenant than the one signed in.
    PlanOfAnotherTenant,
    /// What is open is a file, reviewed offline: nothing can change.
    OfflineReadOnly,
    /// A newer version could not be looked for, downloaded or installed.
    UpdateFailed,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type, thiserror::Error)]
#[error("{message}")]
#[serde(rename = "AppError")]
pub struct Error {
    pub code: ErrorCode,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<String>,
}

impl Error {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            details: None,
        }
    }

    /// Adds text for support: a cause, an identifier. Never a secret.
    pub fn with_details(mut self, details: impl Into<String>) -> Self {
        self.details = Some(details.into());
        self
    }

    pub fn settings_storage(cause: impl std::fmt::Display) -> Self {
        Self::new(
            ErrorCode::SettingsStorage,
            "License Desk could not save its settings. Check that your user folder is writable and has free space, then try again.",
        )
        .with_details(cause.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn serialises_code_message_and_details() {
        let error = Error::new(ErrorCode::Internal, "Something broke.").with_details("at step 3");
        assert_eq!(
            serde_json::to_value(&error).unwrap(),
            json!({"code": "internal", "message": "Something broke.", "details": "at step 3"})
        );
    }

    #[test]
    fn leaves_out_absent_details() {
        let error = Error::new(ErrorCode::SettingsStorage, "Could not save.");
        assert_eq!(
            serde_json::to_value(&error).unwrap(),
            json!({"code": "settings_storage", "message": "Could not save."})
        );
    }

    #[test]
    fn codes_keep_their_wire_names() {
        let pinned = [
            (ErrorCode::SettingsStorage, "settings_storage"),
            (ErrorCode::Internal, "internal"),
            (ErrorCode::Network, "network"),
            (ErrorCode::ServiceUnavailable, "service_unavailable"),
            (ErrorCode::Throttled, "throttled"),
            (ErrorCode::OutcomeUnknown, "outcome_unknown"),
            (ErrorCode::SignedOut, "signed_out"),
            (ErrorCode::SignInFailed, "sign_in_failed"),
            (ErrorCode::SignInCancelled, "sign_in_cancelled"),
            (ErrorCode::SignInTimedOut, "sign_in_timed_out"),
            (ErrorCode::InsufficientPrivileges, "insufficient_privileges"),
            (ErrorCode::LicenseInherited, "license_inherited"),
            (ErrorCode::LicenseNotHeld, "license_not_held"),
            (ErrorCode::ProductNotInTenant, "product_not_in_tenant"),
            (ErrorCode::NoFreeSeats, "no_free_seats"),
            (ErrorCode::UsageLocationMissing, "usage_location_missing"),
            (ErrorCode::UserNotFound, "user_not_found"),
            (ErrorCode::SelfServiceLocked, "self_service_locked"),
            (ErrorCode::GraphRequestFailed, "graph_request_failed"),
            (ErrorCode::KeychainUnavailable, "keychain_unavailable"),
            (ErrorCode::RunNotFound, "run_not_found"),
            (ErrorCode::RunInProgress, "run_in_progress"),
            (ErrorCode::RunOfAnotherTenant, "run_of_another_tenant"),
            (ErrorCode::JournalDamaged, "journal_damaged"),
            (ErrorCode::InvalidInput, "invalid_input"),
            (ErrorCode::FileNotUsable, "file_not_usable"),
            (ErrorCode::PlanOfAnotherTenant, "plan_of_another_tenant"),
            (ErrorCode::OfflineReadOnly, "offline_read_only"),
            (ErrorCode::UpdateFailed, "update_failed"),
        ];
        for (code, name) in pinned {
            assert_eq!(serde_json::to_value(code).unwrap(), json!(name));
            assert_eq!(serde_json::from_value::<ErrorCode>(json!(name)).unwrap(), code);
        }
    }

    #[test]
    fn displays_its_message() {
        let error = Error::settings_storage("disk full");
        assert!(error
            .to_string()
            .starts_with("License Desk could not save its settings."));
        assert_eq!(error.details.as_deref(), Some("disk full"));
    }
}
