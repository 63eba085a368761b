//! The log support asks for: one file a day in the platform's log folder
//! (the app's `app.<date>.log`, the command line's `command-line.<date>.log`),
//! the last [`KEPT_FILES`] of each kept. Runs, sign-in steps, waits, retries
//! and errors are logged with their `client-request-id`; a token, a code or
//! a secret never is (`src-tauri/tests/log_secrets.rs` checks).

use std::path::{Path, PathBuf};

use tracing_subscriber::filter::Targets;
use tracing_subscriber::prelude::*;

/// How many daily files of each kind are kept.
pub const KEPT_FILES: usize = 7;

/// Names what is logged instead of the default, e.g. `debug` (every
/// request) or `warn,license_desk_graph=trace`.
pub const FILTER_VARIABLE: &str = "LICENSE_DESK_LOG";

/// Puts the log in another folder than the platform's.
pub const FOLDER_VARIABLE: &str = "LICENSE_DESK_LOG_DIR";

/// License Desk's own crates at `info`, everything else only when it warns.
const DEFAULT_FILTER: &str =
    "warn,license_desk=info,license_desk_lib=info,license_desk_graph=info,license_desk_engine=info";

/// The file name the app's log starts with.
pub const APP: &str = "app";
/// The file name the command line's log starts with.
pub const COMMAND_LINE: &str = "command-line";

/// The platform's log folder, as Tauri's `app_log_dir` names it: under
/// `~/Library/Logs` on macOS, the local data folder's `<app>/logs`
/// elsewhere (`%LOCALAPPDATA%` on Windows). [`FOLDER_VARIABLE`] overrides it.
pub fn folder() -> Option<PathBuf> {
    if let Some(folder) = std::env::var_os(FOLDER_VARIABLE).filter(|f| !f.is_empty()) {
        return Some(PathBuf::from(folder));
    }
    platform_folder()
}

#[cfg(target_os = "macos")]
fn platform_folder() -> Option<PathBuf> {
    dirs::home_dir().map(|home| home.join("Library/Logs").join(crate::cli::APP_ID))
}

#[cfg(not(target_os = "macos"))]
fn platform_folder() -> Option<PathBuf> {
    dirs::data_local_dir().map(|dir| dir.join(crate::cli::APP_ID).join("logs"))
}

/// Logs to `folder` for the rest of the process, in files named `name`.
/// Fails when the folder cannot be made or a log is already set up.
pub fn start(folder: &Path, name: &str) -> Result<(), String> {
    std::fs::create_dir_all(folder).map_err(|e| format!("{}: {e}", folder.display()))?;
    // The log names people and tenants: it is the user's alone, as journals are.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(folder, std::fs::Permissions::from_mode(0o700));
    }
    let appender = tracing_appender::rolling::Builder::new()
        .rotation(tracing_appender::rolling::Rotation::DAILY)
        .filename_prefix(name)
        .filename_suffix("log")
        .max_log_files(KEPT_FILES)
        .build(folder)
        .map_err(|e| e.to_string())?;
    let filter = std::env::var(FILTER_VARIABLE)
        .ok()
        .and_then(|wanted| wanted.parse::<Targets>().ok())
        .or_else(|| DEFAULT_FILTER.parse().ok())
        .unwrap_or_default();
    let layer = tracing_subscriber::fmt::layer()
        .with_writer(appender)
        .with_ansi(false)
        .with_filter(filter);
    tracing::subscriber::set_global_default(tracing_subscriber::registry().with(layer))
        .map_err(|e| e.to_string())?;
    // A panic is the one error nothing else reports: log it, then let the
    // usual hook print it.
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |panic| {
        tracing::error!("panic: {panic}");
        previous(panic);
    }));
    tracing::info!(
        version = env!("CARGO_PKG_VERSION"),
        os = std::env::consts::OS,
        arch = std::env::consts::ARCH,
        "License Desk started"
    );
    Ok(())
}

/// Logs to the platform's log folder (or [`FOLDER_VARIABLE`]'s); a log
/// that cannot be set up is said on standard error and the app goes on.
pub fn start_in_platform_folder(name: &str) {
    let started = folder()
        .ok_or_else(|| "no log folder is known for this user".to_owned())
        .and_then(|folder| start(&folder, name));
    if let Err(problem) = started {
        eprintln!("License Desk keeps no log: {problem}");
    }
}

/// The app's log folder: [`FOLDER_VARIABLE`]'s, else Tauri's `app_log_dir`.
pub fn app_folder(app: &tauri::AppHandle) -> Option<PathBuf> {
    use tauri::Manager;
    std::env::var_os(FOLDER_VARIABLE)
        .filter(|f| !f.is_empty())
        .map(PathBuf::from)
        .or_else(|| app.path().app_log_dir().ok())
        .or_else(platform_folder)
}

/// Opens the log folder in the system's file manager (made first if no
/// log is there yet), for the admin to send a file to support.
#[tauri::command]
#[specta::specta]
pub fn open_log_folder(app: tauri::AppHandle) -> Result<(), license_desk_core::Error> {
    use license_desk_core::{Error, ErrorCode};
    use tauri_plugin_opener::OpenerExt;
    let folder = app_folder(&app)
        .ok_or_else(|| Error::new(ErrorCode::Internal, "No log folder is known for this user."))?;
    std::fs::create_dir_all(&folder).map_err(|e| {
        Error::new(ErrorCode::Internal, "The log folder could not be made.")
            .with_details(format!("{}: {e}", folder.display()))
    })?;
    app.opener()
        .open_path(folder.display().to_string(), None::<&str>)
        .map_err(|e| {
            Error::new(
                ErrorCode::Internal,
                "The log folder could not be opened. It is at the place named in the details.",
            )
            .with_details(format!("{}: {e}", folder.display()))
        })
}
