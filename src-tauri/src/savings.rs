//! Savings: what the tenant pays for that nobody uses, read from the open
//! picture (a live tenant or a file). Thin adapters over
//! `license_desk_engine::savings`.

use license_desk_core::savings::Findings;
use license_desk_core::Error;
use license_desk_engine::savings;
use license_desk_graph::activity;
use tauri::{AppHandle, State};

use crate::commands::no_tenant;
use crate::settings_store;
use crate::state::AppState;

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
pub async fn savings(app: AppHandle, state: State<'_, AppState>, inactive_days: u32) -> Result<Findings, Error> {
    let settings = settings_store::load(&app)?;
    let open = state.open.lock().await;
    let open = open.as_ref().ok_or_else(no_tenant)?;
    Ok(savings::findings(&open.snapshot, &settings, inactive_days.clamp(1, 3650), now()))
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
pub async fn read_activity(app: AppHandle, state: State<'_, AppState>, inactive_days: u32) -> Result<Findings, Error> {
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
    Ok(savings::findings(&open.snapshot, &settings, inactive_days.clamp(1, 3650), now()))
}

#[cfg(test)]
mod tests {
    use super::report_period;

    #[test]
    fn the_report_period_covers_the_days_asked() {
        assert_eq!([30, 60, 90, 180, 365].map(report_period), [30, 90, 90, 180, 180]);
    }
}
