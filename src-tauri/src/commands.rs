//! The IPC surface. Each command only converts between Tauri and the domain.

use license_desk_core::overview::{LoadProgress, TenantOverview};
use license_desk_core::{cloud::CloudEndpoints, Cloud, Connection, Error, ErrorCode, Settings};
use license_desk_graph::tenant;
use serde::Serialize;
use tauri::ipc::Channel;
use tauri::{AppHandle, State};

use crate::state::AppState;
use crate::{demo, settings_store};

fn internal() -> Error {
    Error::new(
        ErrorCode::Internal,
        "License Desk hit an internal error. Restart the app.",
    )
}

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
        .map_err(|_| internal())
}

/// The clouds offered at sign-in, with their hosts.
#[tauri::command]
#[specta::specta]
pub fn clouds() -> Vec<CloudEndpoints> {
    Cloud::ALL.iter().map(|cloud| cloud.endpoints()).collect()
}

/// How the app was started.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct StartupOptions {
    /// `license-desk --demo`: open the demo tenant at once.
    pub demo: bool,
}

#[tauri::command]
#[specta::specta]
pub fn startup_options() -> StartupOptions {
    StartupOptions {
        demo: std::env::args().skip(1).any(|a| a == "--demo"),
    }
}

/// Opens the built-in demo tenant and reads it, reporting progress.
#[tauri::command]
#[specta::specta]
pub async fn open_demo(
    state: State<'_, AppState>,
    on_progress: Channel<LoadProgress>,
) -> Result<TenantOverview, Error> {
    let mut open = state.demo.lock().await;
    let demo = demo::open().await?;
    let admin = tenant::signed_in_admin(&demo.client).await?;
    let snapshot = tenant::load(&demo.client, |progress| {
        // A closed window stops listening; loading goes on regardless.
        let _ = on_progress.send(progress);
    })
    .await?;
    let overview = snapshot.overview(Some(&admin));
    *open = Some(demo);
    *state.connection.lock().map_err(|_| internal())? = Connection::Demo;
    Ok(overview)
}
