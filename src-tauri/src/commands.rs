//! The IPC surface. Each command only converts between Tauri and the domain.

use license_desk_core::{cloud::CloudEndpoints, Cloud, Connection, Error, ErrorCode, Settings};
use tauri::{AppHandle, State};

use crate::{settings_store, state::AppState};

#[tauri::command]
#[specta::specta]
pub fn get_settings(app: AppHandle) -> Result<Settings, Error> {
    settings_store::load(&app)
}

#[tauri::command]
#[specta::specta]
pub fn save_settings(app: AppHandle, settings: Settings) -> Result<Settings, Error> {
    settings_store::save(&app, &settings)?;
    Ok(settings)
}

#[tauri::command]
#[specta::specta]
pub fn connection_status(state: State<'_, AppState>) -> Result<Connection, Error> {
    state
        .connection
        .lock()
        .map(|connection| connection.clone())
        .map_err(|_| {
            Error::new(
                ErrorCode::Internal,
                "License Desk hit an internal error. Restart the app.",
            )
        })
}

/// The clouds offered at sign-in, with their hosts.
#[tauri::command]
#[specta::specta]
pub fn clouds() -> Vec<CloudEndpoints> {
    Cloud::ALL.iter().map(|cloud| cloud.endpoints()).collect()
}
