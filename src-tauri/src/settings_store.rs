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
