//! New versions: looked for at start (unless the settings say not to) and
//! from Settings, in the manifest (`latest.json`) the release workflow
//! publishes with the project's GitHub releases. An update is installed
//! only when the admin asks, only when it carries the project's signature
//! (the public key is in `tauri.conf.json`), and never while a run is
//! going, here or in a command line: while it is being installed, no run
//! can start.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;

use license_desk_core::{Error, ErrorCode};
use serde::Serialize;
use tauri::ipc::Channel;
use tauri::{AppHandle, Manager, State};
use tauri_plugin_updater::{Update, Updater, UpdaterExt};

use crate::state::AppState;

/// Looks for updates at this address instead of the project's releases
/// (a test, a mirror). What it offers must still be signed with the
/// project's key.
pub const ENDPOINT_VARIABLE: &str = "LICENSE_DESK_UPDATE_ENDPOINT";

/// The update found by the last check, waiting for the admin.
#[derive(Default)]
pub struct Updates {
    found: Mutex<Option<Update>>,
}

/// Set while an update is being downloaded and installed: runs wait.
static INSTALLING: AtomicBool = AtomicBool::new(false);

/// Whether an update is being installed (no run may start meanwhile).
pub fn installing() -> bool {
    INSTALLING.load(Ordering::SeqCst)
}

/// What a check found.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct UpdateCheck {
    /// The version running now.
    pub current_version: String,
    /// A newer version, if there is one.
    pub available: Option<AvailableUpdate>,
}

#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct AvailableUpdate {
    pub version: String,
    /// What changed, as the release says it (the changelog's entry).
    pub notes: Option<String>,
    /// When it was published (RFC 3339).
    pub date: Option<String>,
}

/// How far an install has come.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(tag = "step", rename_all = "camelCase")]
pub enum UpdateProgress {
    /// Downloading: kibibytes so far, of the total when known.
    #[serde(rename_all = "camelCase")]
    Downloading {
        downloaded_kib: u32,
        total_kib: Option<u32>,
    },
    /// Downloaded and its signature checked: installing, then restarting.
    Installing,
}

fn update_failed(message: &str, details: impl std::fmt::Display) -> Error {
    Error::new(ErrorCode::UpdateFailed, message).with_details(details.to_string())
}

fn updater(app: &AppHandle) -> Result<Updater, Error> {
    let cannot = |e: tauri_plugin_updater::Error| update_failed("Updates could not be looked for.", e);
    let mut builder = app.updater_builder();
    if let Some(endpoint) = std::env::var(ENDPOINT_VARIABLE)
        .ok()
        .filter(|e| !e.trim().is_empty())
    {
        let url = url::Url::parse(endpoint.trim()).map_err(|e| {
            update_failed(
                "The update address is not an address.",
                format!("{endpoint}: {e}"),
            )
        })?;
        builder = builder.endpoints(vec![url]).map_err(cannot)?;
    }
    builder.build().map_err(cannot)
}

/// Looks for a newer version. Nothing is downloaded yet.
#[tauri::command]
#[specta::specta]
pub async fn check_for_update(app: AppHandle, updates: State<'_, Updates>) -> Result<UpdateCheck, Error> {
    let found = updater(&app)?.check().await.map_err(|e| {
        tracing::info!("no update check: {e}");
        update_failed(
            "License Desk could not find out whether a newer version exists. Check the connection (and the proxy settings), then try again.",
            e,
        )
    })?;
    match &found {
        Some(update) => tracing::info!(version = update.version.as_str(), "a newer version is available"),
        None => tracing::info!("no newer version"),
    }
    let available = found.as_ref().map(|update| AvailableUpdate {
        version: update.version.clone(),
        notes: update.body.clone().filter(|notes| !notes.trim().is_empty()),
        date: update
            .raw_json
            .get("pub_date")
            .and_then(serde_json::Value::as_str)
            .map(str::to_owned),
    });
    *updates.found.lock().map_err(|_| crate::commands::internal())? = found;
    Ok(UpdateCheck {
        current_version: app.package_info().version.to_string(),
        available,
    })
}

/// A run that another License Desk (a command line) is working on now: its
/// journal is locked. The installer would replace the program under it.
fn run_in_another_process(app: &AppHandle) -> bool {
    let Ok(runs) = app.path().app_data_dir().map(|dir| dir.join("runs")) else {
        return false;
    };
    license_desk_engine::journal::list(&runs)
        .into_iter()
        .filter(|(_, record)| !record.settled())
        .any(|(path, _)| {
            matches!(
                license_desk_engine::journal::lock(&path),
                Err(error) if error.code == ErrorCode::RunInProgress
            )
        })
}

/// Downloads the update found by the last check, checks its signature,
/// installs it and restarts the app. Refused while a run is going.
#[tauri::command]
#[specta::specta]
pub async fn install_update(
    app: AppHandle,
    state: State<'_, AppState>,
    updates: State<'_, Updates>,
    on_progress: Channel<UpdateProgress>,
) -> Result<(), Error> {
    let update = updates
        .found
        .lock()
        .map_err(|_| crate::commands::internal())?
        .clone()
        .ok_or_else(|| {
            Error::new(
                ErrorCode::UpdateFailed,
                "No update is waiting: check for updates first.",
            )
        })?;
    {
        // The one-run-at-a-time guard: held while deciding, so no run can
        // start between the check and the flag.
        let run = state.cancel_run.lock().map_err(|_| crate::commands::internal())?;
        if run.is_some() || run_in_another_process(&app) {
            tracing::info!("the update waits: a run is under way");
            return Err(Error::new(
                ErrorCode::RunInProgress,
                "A run is under way. The update can be installed once it has ended.",
            ));
        }
        if INSTALLING.swap(true, Ordering::SeqCst) {
            return Err(Error::new(
                ErrorCode::UpdateFailed,
                "The update is already being installed.",
            ));
        }
    }
    tracing::info!(version = update.version.as_str(), "installing the update");
    let mut downloaded: usize = 0;
    let kib = |bytes: u64| u32::try_from(bytes / 1024).unwrap_or(u32::MAX);
    let installed = update
        .download_and_install(
            |chunk, total| {
                downloaded += chunk;
                let _ = on_progress.send(UpdateProgress::Downloading {
                    downloaded_kib: kib(downloaded as u64),
                    total_kib: total.map(kib),
                });
            },
            || {
                let _ = on_progress.send(UpdateProgress::Installing);
            },
        )
        .await;
    match installed {
        Ok(()) => app.restart(),
        Err(error) => {
            INSTALLING.store(false, Ordering::SeqCst);
            tracing::error!("the update could not be installed: {error}");
            Err(update_failed(
                "The update could not be installed; nothing was changed. Try again, or download it from the project's releases page.",
                error,
            ))
        }
    }
}
