//! Refresh tokens and client secrets in the OS keychain (Windows Credential
//! Manager, macOS Keychain, the Secret Service on Linux), and nowhere else:
//! when no keychain can be used, the caller is told, and nothing is written
//! anywhere instead.

use license_desk_core::{Error, ErrorCode};

/// The keychain service name every entry of License Desk's is filed under.
pub const SERVICE: &str = "License Desk";

/// One secret in the keychain, named by what it is for, e.g.
/// `refresh-token:worldwide:contoso.onmicrosoft.com:<client id>`.
pub struct Secret {
    entry: keyring::Entry,
}

fn unavailable(error: keyring::Error) -> Error {
    Error::new(
        ErrorCode::KeychainUnavailable,
        "The system keychain cannot be used, so License Desk keeps your sign-in for this session only. You will be asked to sign in again next time.",
    )
    .with_details(error.to_string())
}

impl Secret {
    pub fn new(account: &str) -> Result<Self, Error> {
        keyring::Entry::new(SERVICE, account)
            .map(|entry| Self { entry })
            .map_err(unavailable)
    }

    pub fn save(&self, value: &str) -> Result<(), Error> {
        self.entry.set_password(value).map_err(unavailable)
    }

    /// `None` when nothing is stored.
    pub fn load(&self) -> Result<Option<String>, Error> {
        match self.entry.get_password() {
            Ok(value) => Ok(Some(value)),
            Err(keyring::Error::NoEntry) => Ok(None),
            Err(error) => Err(unavailable(error)),
        }
    }

    /// Forgets the secret; forgetting nothing is fine.
    pub fn delete(&self) -> Result<(), Error> {
        match self.entry.delete_credential() {
            Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
            Err(error) => Err(unavailable(error)),
        }
    }
}

/// The keychain account of a delegated sign-in's refresh token: one per
/// sign-in service, tenant and app registration.
pub fn refresh_token_account(target: &crate::auth::SignInTarget) -> String {
    format!(
        "refresh-token {} {} {}",
        target.endpoints.login, target.tenant, target.client_id
    )
}

/// The keychain account of an app registration's client secret.
pub fn client_secret_account(target: &crate::auth::SignInTarget) -> String {
    format!(
        "client-secret {} {} {}",
        target.endpoints.login, target.tenant, target.client_id
    )
}
