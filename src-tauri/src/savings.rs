//! Savings: what the tenant pays for that nobody uses, read from the open
//! picture (a live tenant or a file). Thin adapters over
//! `license_desk_engine::savings`.

use std::sync::Arc;

use license_desk_core::savings::Findings;
use license_desk_core::{Error, ErrorCode};
use license_desk_engine::savings;
use license_desk_graph::activity;
use license_desk_graph::auth::BrowserSignIn;
use license_desk_graph::tenant;
use tauri::{AppHandle, State};
use tauri_plugin_opener::OpenerExt;

use crate::commands::{cancelled, no_tenant, BROWSER_SIGN_IN_TIMEOUT};
use crate::state::AppState;
use crate::{settings_store, sign_in};

/// Seconds since 1970, for "how long ago".
fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// The findings for the open tenant, counting as inactive whoever has not
/// signed in or used Microsoft 365 for `inactive_days`.
#[tauri::command]
#[specta::specta]
pub async fn savings(
    app: AppHandle,
    state: State<'_, AppState>,
    inactive_days: u32,
) -> Result<Findings, Error> {
    let settings = settings_store::load(&app)?;
    let open = state.open.lock().await;
    let open = open.as_ref().ok_or_else(no_tenant)?;
    Ok(savings::findings(
        &open.snapshot,
        &settings,
        inactive_days.clamp(1, 3650),
        now(),
    ))
}

/// The usage report's period (7, 30, 90 or 180 days) that covers `days`.
fn report_period(days: u32) -> u32 {
    [7, 30, 90, 180].into_iter().find(|p| *p >= days).unwrap_or(180)
}

/// Reads who signed in when and the Microsoft 365 usage report from the
/// live tenant, keeps them in its picture, and gives the findings again.
/// The reading goes on without holding the tenant, so the views keep
/// answering meanwhile.
#[tauri::command]
#[specta::specta]
pub async fn read_activity(
    app: AppHandle,
    state: State<'_, AppState>,
    inactive_days: u32,
) -> Result<Findings, Error> {
    let (client, tenant) = {
        let open = state.open.lock().await;
        let open = open.as_ref().ok_or_else(no_tenant)?;
        (open.client()?, open.snapshot.organization.id)
    };
    let read = activity::load_activity(&client, report_period(inactive_days)).await?;
    let settings = settings_store::load(&app)?;
    let mut open = state.open.lock().await;
    let open = open.as_mut().ok_or_else(no_tenant)?;
    // The admin may have opened another tenant meanwhile: leave it be.
    if open.snapshot.organization.id == tenant {
        open.snapshot.set_activity(read);
    }
    Ok(savings::findings(
        &open.snapshot,
        &settings,
        inactive_days.clamp(1, 3650),
        now(),
    ))
}

/// Asks the admin, in the system browser, to allow what Savings reads
/// beyond the sign-in's permissions (sign-in logs, usage reports), for the
/// account already open; then reads sign-ins and usage with it.
#[tauri::command]
#[specta::specta]
pub async fn ask_activity_permissions(
    app: AppHandle,
    state: State<'_, AppState>,
    inactive_days: u32,
) -> Result<Findings, Error> {
    let admin = {
        let open = state.open.lock().await;
        let open = open.as_ref().ok_or_else(no_tenant)?;
        if open.demo_tenant.is_some() || open.client.is_none() {
            return Err(Error::new(
                ErrorCode::InvalidInput,
                "Permissions are asked for a signed-in tenant only; the demo and files need none.",
            ));
        }
        match &open.admin {
            Some(admin) => admin.user_principal_name.clone(),
            None => {
                return Err(Error::new(
                    ErrorCode::InsufficientPrivileges,
                    "An app registration's permissions are granted in the Microsoft Entra admin center: add AuditLog.Read.All and Reports.Read.All as application permissions and grant admin consent.",
                ))
            }
        }
    };
    let settings = settings_store::load(&app)?;
    let target = sign_in::target(&settings)?;
    let scopes = target.delegated_scopes_with(&target.savings_scopes());
    let pending = BrowserSignIn::start_with_scopes(target.clone(), scopes).await?;
    app.opener()
        .open_url(&pending.authorize_url, None::<&str>)
        .map_err(|e| {
            Error::new(ErrorCode::SignInFailed, "The system browser could not be opened.")
                .with_details(e.to_string())
        })?;
    let tokens = tokio::select! {
        tokens = pending.finish(BROWSER_SIGN_IN_TIMEOUT) => tokens?,
        () = state.cancel_sign_in.notified() => return Err(cancelled()),
    };
    let (client, kept) = sign_in::delegated(target, &tokens)?;
    // The browser may have signed in someone else: their permissions are
    // not the open tenant's to use.
    let signed_in = tenant::signed_in_admin(&client).await?;
    if !signed_in.user_principal_name.eq_ignore_ascii_case(&admin) {
        return Err(Error::new(
            ErrorCode::SignInFailed,
            format!(
                "The browser signed in {}, not {admin}. Allow the permissions as {admin}.",
                signed_in.user_principal_name
            ),
        ));
    }
    {
        let mut open = state.open.lock().await;
        let open = open.as_mut().ok_or_else(no_tenant)?;
        open.client = Some(Arc::new(client));
        if kept.is_some() {
            open.keychain_account = kept;
        }
    }
    read_activity(app, state, inactive_days).await
}

#[cfg(test)]
mod tests {
    use super::report_period;

    #[test]
    fn the_report_period_covers_the_days_asked() {
        assert_eq!([30, 60, 90, 180, 365].map(report_period), [30, 90, 90, 180, 180]);
    }
}
