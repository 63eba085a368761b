//! Signing in from the app: where to (the settings, or a local tenant named
//! in the environment), keeping the sign-in in the OS keychain, and reading
//! the tenant afterwards.

use std::sync::Arc;

use license_desk_core::overview::{LoadProgress, SignedIn};
use license_desk_core::{Cloud, Connection, Error, ErrorCode, Settings};
use license_desk_graph::auth::{RefreshTokenStore, Session, SignInTarget, TokenResponse};
use license_desk_graph::keychain::{self, Secret};
use license_desk_graph::retry::RetryPolicy;
use license_desk_graph::{tenant, Endpoints, GraphClient};

use crate::state::OpenTenant;

/// Points the app at a local tenant (e.g. `graph-emulator`) instead of a
/// Microsoft cloud, for development and tests. The status area says so.
pub const LOCAL_TENANT_VARIABLE: &str = "LICENSE_DESK_LOCAL_TENANT";
/// The local tenant's CA certificate (PEM), when it serves HTTPS.
pub const LOCAL_TENANT_CA_VARIABLE: &str = "LICENSE_DESK_LOCAL_TENANT_CA";

fn local_tenant() -> Option<String> {
    std::env::var(LOCAL_TENANT_VARIABLE)
        .ok()
        .filter(|url| !url.trim().is_empty())
}

/// Where and as which app to sign in, from the settings.
pub fn target(settings: &Settings) -> Result<SignInTarget, Error> {
    let endpoints = match local_tenant() {
        Some(url) => {
            let ca = match std::env::var_os(LOCAL_TENANT_CA_VARIABLE) {
                Some(path) => Some(std::fs::read(&path).map_err(|e| {
                    Error::new(
                        ErrorCode::SignInFailed,
                        "The local tenant's certificate file could not be read.",
                    )
                    .with_details(format!("{}: {e}", std::path::Path::new(&path).display()))
                })?),
                None => None,
            };
            Endpoints::local(&url, ca)
        }
        None => Endpoints::cloud(settings.cloud),
    };
    Ok(SignInTarget {
        endpoints,
        tenant: settings.sign_in_tenant().to_owned(),
        client_id: settings.sign_in_client_id().to_owned(),
    })
}

/// A rotated refresh token could not be kept in the keychain: the sign-in
/// works until the app closes, then the admin signs in again.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, specta::Type, tauri_specta::Event)]
#[serde(rename_all = "camelCase")]
pub struct SignInNotKept {
    /// What happened, for the admin (English; the UI says it in its language).
    pub message: String,
}

/// Who hears that a rotated refresh token could not be kept: the window
/// (an event) or the command line (standard error). Set once at start.
type NotKeptReporter = Box<dyn Fn(&Error) + Send + Sync>;
static NOT_KEPT: std::sync::OnceLock<NotKeptReporter> = std::sync::OnceLock::new();

/// Tells `report` of every rotated refresh token the keychain refused, for
/// the rest of the process (the first call wins).
pub fn on_refresh_token_not_kept(report: impl Fn(&Error) + Send + Sync + 'static) {
    let _ = NOT_KEPT.set(Box::new(report));
}

/// Keeps the refresh token in the keychain, replacing it at every rotation.
/// `None` when no keychain can be used: the sign-in then lasts this run only.
fn keychain_store(account: &str, first: Option<&str>) -> Option<RefreshTokenStore> {
    let secret = match Secret::new(account) {
        Ok(secret) => secret,
        Err(error) => {
            tracing::warn!(
                details = error.details.as_deref().unwrap_or_default(),
                "no keychain: the sign-in lasts this run only"
            );
            return None;
        }
    };
    if let Some(token) = first {
        // Try it now, so the admin hears at once if nothing can be kept.
        if let Err(error) = secret.save(token) {
            tracing::warn!(
                details = error.details.as_deref().unwrap_or_default(),
                "the keychain refused the sign-in: it lasts this run only"
            );
            return None;
        }
    }
    // A rotation that cannot be kept does not fail the request that caused
    // it (the new token works from memory): the session logs it, the admin
    // is told the sign-in will not outlast this run, and the next rotation
    // tries again.
    Some(Arc::new(move |token: &str| {
        secret.save(token).inspect_err(|error| {
            if let Some(report) = NOT_KEPT.get() {
                report(error);
            }
        })
    }))
}

/// A delegated session from a fresh sign-in, kept in the keychain if one works.
pub fn delegated(
    target: SignInTarget,
    tokens: &TokenResponse,
) -> Result<(GraphClient, Option<String>), Error> {
    let account = keychain::refresh_token_account(&target);
    let store = keychain_store(&account, tokens.refresh_token.as_deref());
    let kept = store.is_some().then_some(account);
    let session = Session::delegated(target, tokens, store)?;
    Ok((GraphClient::new(Arc::new(session), RetryPolicy::default())?, kept))
}

/// What the keychain holds for `account`; nothing when it cannot be read
/// or is incomplete (logged: the admin then simply signs in again).
fn kept(account: &str) -> Option<String> {
    match Secret::new(account).and_then(|secret| secret.load()) {
        Ok(value) => value,
        Err(error) => {
            tracing::warn!(
                details = error.details.as_deref().unwrap_or_default(),
                "nothing usable in the keychain: {}",
                error.message
            );
            None
        }
    }
}

/// Opens what the keychain kept from last time: a refresh token, or an
/// app-only secret. `None` when nothing is kept (or no keychain works).
pub async fn restore(target: SignInTarget) -> Result<Option<(GraphClient, String, bool)>, Error> {
    let refresh_account = keychain::refresh_token_account(&target);
    if let Some(refresh) = kept(&refresh_account) {
        let store = keychain_store(&refresh_account, None);
        let session = Session::resume(target, refresh, store)?;
        return Ok(Some((
            GraphClient::new(Arc::new(session), RetryPolicy::default())?,
            refresh_account,
            true,
        )));
    }
    let secret_account = keychain::client_secret_account(&target);
    if let Some(secret) = kept(&secret_account) {
        let session = Session::app_only(target, secret).await?;
        return Ok(Some((
            GraphClient::new(Arc::new(session), RetryPolicy::default())?,
            secret_account,
            false,
        )));
    }
    Ok(None)
}

/// Forgets what the keychain kept for this sign-in.
pub fn forget(account: &str) -> Result<(), Error> {
    Secret::new(account)?.delete()
}

/// Reads the tenant behind `client` and says what the status area shows.
pub async fn open(
    client: GraphClient,
    delegated: bool,
    keychain_account: Option<String>,
    cloud: Cloud,
    mut progress: impl FnMut(LoadProgress) + Send,
) -> Result<(OpenTenant, SignedIn, Connection), Error> {
    // Who is signed in is read while the tenant is: neither waits for the other.
    let admin = async {
        if delegated {
            tenant::signed_in_admin(&client).await.map(Some)
        } else {
            Ok(None)
        }
    };
    let (admin, snapshot) = tokio::try_join!(admin, tenant::load(&client, &mut progress))?;
    let overview = snapshot.overview(admin.as_ref().map(tenant::SignedInAdmin::summary));
    let connection = Connection::SignedIn {
        tenant: overview.tenant_name.clone(),
        cloud,
        local: local_tenant(),
    };
    let signed_in = SignedIn {
        overview,
        remembered: keychain_account.is_some(),
    };
    let open = OpenTenant {
        client: Some(Arc::new(client)),
        snapshot,
        admin,
        pending_plan: None,
        keychain_account,
        demo_tenant: None,
        offline: None,
    };
    Ok((open, signed_in, connection))
}
