//! Settings persisted with tauri-plugin-store: plain JSON in the app's data
//! folder, so only [`Settings`] goes in, never a secret.

use license_desk_core::{Error, Result, Settings};
use tauri::{AppHandle, Runtime};
use tauri_plugin_store::StoreExt;

const FILE: &str = "settings.json";
const KEY: &str = "settings";

pub fn load<R: Runtime>(app: &AppHandle<R>) -> Result<Settings> {
    let store = app.store(FILE).map_err(Error::settings_storage)?;
    Ok(Settings::from_stored(store.get(KEY).as_ref()))
}

pub fn save<R: Runtime>(app: &AppHandle<R>, settings: &Settings) -> Result<()> {
    let store = app.store(FILE).map_err(Error::settings_storage)?;
    let value = serde_json::to_value(settings).map_err(Error::settings_storage)?;
    store.set(KEY, value);
    store.save().map_err(Error::settings_storage)
}

const RECENT_KEY: &str = "recent_files";
/// How many recent files are remembered.
const RECENT_KEPT: usize = 8;

/// Files opened lately, newest first (paths only, never their content).
pub fn recent_files<R: Runtime>(app: &AppHandle<R>) -> Result<Vec<String>> {
    let store = app.store(FILE).map_err(Error::settings_storage)?;
    Ok(store
        .get(RECENT_KEY)
        .and_then(|value| serde_json::from_value::<Vec<String>>(value).ok())
        .unwrap_or_default())
}

/// Puts `path` first among the recent files.
pub fn remember_file<R: Runtime>(app: &AppHandle<R>, path: &std::path::Path) -> Result<()> {
    let path = path.display().to_string();
    let mut recent = recent_files(app)?;
    recent.retain(|p| *p != path);
    recent.insert(0, path);
    recent.truncate(RECENT_KEPT);
    let store = app.store(FILE).map_err(Error::settings_storage)?;
    store.set(RECENT_KEY, serde_json::json!(recent));
    store.save().map_err(Error::settings_storage)
}
