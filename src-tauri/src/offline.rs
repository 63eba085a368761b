//! Offline review in the app: open a file with no sign-in, export the open
//! tenant, save a plan made from a file, and check a saved plan against
//! the live tenant before it runs. Native file dialogs are shown from here,
//! so the web view never touches the file system.

use std::path::{Path, PathBuf};

use license_desk_core::overview::{ExportFormat, OfflineFile, PlanDriftRow, SavedPlanCheck, TenantOverview};
use license_desk_core::{Connection, Error, ErrorCode, Language};
use license_desk_engine::export as results_export;
use license_desk_engine::journal;
use license_desk_engine::run::Report;
use license_desk_engine::saved_plan::{Drift, SavedPlan};
use license_desk_tenant::export::{self as tenant_export, Taken};
use license_desk_tenant::open::{open_path, Opened};
use license_desk_tenant::Source;
use serde::{Deserialize, Serialize};
use tauri::{AppHandle, State};
use tauri_plugin_dialog::DialogExt;

use crate::settings_store;
use crate::state::{AppState, OpenTenant};

/// Set only where the system's dialog cannot be answered (tests of the real
/// window): a save dialog is then not shown, and answers with the name it
/// would suggest, in this folder.
pub const SAVE_DIALOG_FOLDER_VARIABLE: &str = "LICENSE_DESK_SAVE_DIALOG_FOLDER";

/// What a file dialog is for: its title, filters and suggested name.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum FilePurpose {
    /// A tenant's picture to review: our export or Microsoft's.
    OpenTenantFile,
    /// A plan saved earlier, to apply.
    OpenPlan,
    /// Where to export the open tenant.
    SaveExport,
    /// Where to save the plan made from a file.
    SavePlan,
    /// Where to save a run's results, in `format`.
    SaveResults { run: String, format: ExportFormat },
}

/// Asks the admin for a file with the system's own dialog; `None` when
/// they cancel.
#[tauri::command]
#[specta::specta]
pub async fn choose_file(
    app: AppHandle,
    state: State<'_, AppState>,
    purpose: FilePurpose,
) -> Result<Option<String>, Error> {
    let today = license_desk_tenant::export::iso_utc(license_desk_engine::journal::now());
    let date = today[..10].to_owned();
    let (tenant, results) = {
        let open = state.open.lock().await;
        let tenant = open
            .as_ref()
            .map(|open| open.snapshot.organization.display_name.clone())
            .unwrap_or_default();
        let results = match &purpose {
            FilePurpose::SaveResults { run, format } => {
                let open = open.as_ref().ok_or_else(crate::commands::no_tenant)?;
                let report = run_report(&app, open, run)?;
                Some(results_export::suggested_file_name(
                    &report.product_names(Some(&open.snapshot)),
                    report.kind,
                    export_language(&app),
                    &date,
                    *format,
                ))
            }
            _ => None,
        };
        (tenant, results)
    };
    let suggested = match &purpose {
        FilePurpose::SaveExport => Some(file_name(&format!("License Desk export {tenant} {date}"))),
        FilePurpose::SavePlan => Some(file_name(&format!("License Desk plan {date}"))),
        FilePurpose::SaveResults { .. } => results.clone(),
        FilePurpose::OpenTenantFile | FilePurpose::OpenPlan => None,
    };
    if let (Some(name), Some(folder)) = (&suggested, std::env::var_os(SAVE_DIALOG_FOLDER_VARIABLE)) {
        return Ok(Some(PathBuf::from(folder).join(name).display().to_string()));
    }
    let dialog = app.dialog().file();
    let folder = downloads(&app);
    let chosen = tauri::async_runtime::spawn_blocking(move || {
        let dialog = match folder {
            Some(folder) => dialog.set_directory(folder),
            None => dialog,
        };
        match purpose {
            FilePurpose::OpenTenantFile => dialog
                .add_filter("Exports", &["json", "csv", "txt"])
                .blocking_pick_file(),
            FilePurpose::OpenPlan => dialog.add_filter("Plans", &["json"]).blocking_pick_file(),
            FilePurpose::SaveExport => dialog
                .add_filter("License Desk export", &["json"])
                .set_file_name(file_name(&format!("License Desk export {tenant} {date}")))
                .blocking_save_file(),
            FilePurpose::SavePlan => dialog
                .add_filter("License Desk plan", &["json"])
                .set_file_name(file_name(&format!("License Desk plan {date}")))
                .blocking_save_file(),
            FilePurpose::SaveResults { format, .. } => {
                let kind = match format {
                    ExportFormat::Csv => "CSV",
                    ExportFormat::Xlsx => "Excel workbook",
                    ExportFormat::Json => "JSON",
                };
                dialog
                    .add_filter(kind, &[results_export::extension(format)])
                    .set_file_name(results.unwrap_or_default())
                    .blocking_save_file()
            }
        }
    })
    .await
    .map_err(|e| {
        Error::new(ErrorCode::Internal, "The file dialog could not be shown.").with_details(e.to_string())
    })?;
    Ok(chosen
        .and_then(|path| path.into_path().ok())
        .map(|path| path.display().to_string()))
}

/// A name safe on every platform's file system.
fn file_name(stem: &str) -> String {
    let safe: String = stem
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || " -_.".contains(c) {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("{}.json", safe.trim())
}

/// A run of the open tenant, as its journal recorded it: runs of another
/// tenant are refused.
fn run_report(app: &AppHandle, open: &OpenTenant, run: &str) -> Result<Report, Error> {
    let path = crate::commands::tenant_journal(app, open, run)?;
    let record = journal::read(&path)?;
    Ok(Report::from_record(path, record))
}

/// The language exports are written in: the admin's choice, or the
/// system's as the environment says it (as the window follows the system
/// when there is no choice).
pub(crate) fn export_language(app: &AppHandle) -> Language {
    settings_store::load(app)
        .ok()
        .and_then(|settings| settings.language)
        .unwrap_or_else(|| {
            system_language(
                ["LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"]
                    .iter()
                    .filter_map(|name| std::env::var(name).ok()),
            )
        })
}

/// Swedish when the first locale set asks for it, else English.
fn system_language(locales: impl Iterator<Item = String>) -> Language {
    match locales
        .filter(|l| !l.is_empty())
        .find(|l| l != "C" && l != "POSIX")
    {
        Some(locale) if locale.to_lowercase().starts_with("sv") => Language::Sv,
        _ => Language::En,
    }
}

fn downloads(app: &AppHandle) -> Option<PathBuf> {
    use tauri::Manager;
    app.path().download_dir().ok()
}

/// What the status bar and the views say about a file.
fn offline_notes(opened: &Opened, path: &Path) -> OfflineFile {
    let picture = &opened.picture;
    let (file, stated) = match &picture.source {
        Source::File { name, taken_at, .. } => (name.clone(), *taken_at),
        Source::Live => (path.display().to_string(), None),
    };
    let saved = std::fs::metadata(path)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map(|d| d.as_secs());
    OfflineFile {
        file,
        kind: opened.kind,
        taken_at: stated.or(saved).map(|s| s.min(u64::from(u32::MAX)) as u32),
        taken_at_is_file_date: stated.is_none() && saved.is_some(),
        complete: picture.knowledge.complete,
        knows_groups: picture.knowledge.groups,
        knows_disabled_plans: picture.knowledge.disabled_plans,
        knows_object_ids: picture.knowledge.object_ids,
        knows_seats: picture.knowledge.seats,
        warnings: opened.file_warnings(),
    }
}

/// Opens a file for review with no sign-in. Whatever was open before is
/// closed only once the file has been read whole.
#[tauri::command]
#[specta::specta]
pub async fn open_file(
    app: AppHandle,
    state: State<'_, AppState>,
    path: String,
) -> Result<TenantOverview, Error> {
    let path = PathBuf::from(path);
    let reading = path.clone();
    let opened = tauri::async_runtime::spawn_blocking(move || open_path(&reading))
        .await
        .map_err(|e| {
            Error::new(ErrorCode::Internal, "The file could not be read.").with_details(e.to_string())
        })??;
    let notes = offline_notes(&opened, &path);
    let open = OpenTenant {
        client: None,
        snapshot: opened.picture,
        admin: None,
        pending_plan: None,
        keychain_account: None,
        demo_tenant: None,
        offline: Some(notes.clone()),
    };
    let overview = open.overview();
    *state.open.lock().await = Some(open);
    *state.connection.lock().map_err(|_| crate::commands::internal())? = Connection::OfflineFile {
        file: notes.file,
        taken_at: notes.taken_at,
    };
    // A recent file the app cannot remember is no reason to fail the open.
    let _ = settings_store::remember_file(&app, &path);
    Ok(overview)
}

/// Files opened lately, newest first.
#[tauri::command]
#[specta::specta]
pub fn recent_files(app: AppHandle) -> Result<Vec<String>, Error> {
    settings_store::recent_files(&app)
}

/// Saves the open tenant's picture (a signed-in tenant or the demo) in our
/// export format, and says where.
#[tauri::command]
#[specta::specta]
pub async fn export_tenant(state: State<'_, AppState>, path: String) -> Result<String, Error> {
    let cloud = match state
        .connection
        .lock()
        .map_err(|_| crate::commands::internal())?
        .clone()
    {
        Connection::SignedIn { cloud, .. } => cloud,
        _ => license_desk_core::Cloud::default(),
    };
    let open = state.open.lock().await;
    let open = open.as_ref().ok_or_else(crate::commands::no_tenant)?;
    let taken = Taken {
        at: license_desk_engine::journal::now(),
        by: open.admin.as_ref().map(|a| a.user_principal_name.clone()),
        cloud,
    };
    let path = PathBuf::from(path);
    tenant_export::write(&open.snapshot, &taken, &path)?;
    Ok(path.display().to_string())
}

/// Saves the plan shown (made from a file) for applying later.
#[tauri::command]
#[specta::specta]
pub async fn save_plan(state: State<'_, AppState>, path: String) -> Result<String, Error> {
    let open = state.open.lock().await;
    let open = open.as_ref().ok_or_else(crate::commands::no_tenant)?;
    let plan = open
        .pending_plan
        .as_ref()
        .ok_or_else(|| Error::new(ErrorCode::Internal, "There is no plan to save. Plan again."))?;
    let saved = SavedPlan::new(&open.snapshot, plan, license_desk_engine::journal::now());
    let path = PathBuf::from(path);
    tenant_export::write_atomically(&path, &saved.to_text())?;
    Ok(path.display().to_string())
}

/// Checks a saved plan against the signed-in tenant: refuses another
/// tenant, says what changed since the file, and keeps what still applies
/// as the plan to confirm (then `run_plan` runs it, journaled as any run).
#[tauri::command]
#[specta::specta]
pub async fn check_saved_plan(state: State<'_, AppState>, path: String) -> Result<SavedPlanCheck, Error> {
    let bytes = std::fs::read(&path).map_err(|e| {
        Error::new(
            ErrorCode::FileNotUsable,
            format!("The plan {path} cannot be read: {e}."),
        )
    })?;
    let name = Path::new(&path)
        .file_name()
        .map_or_else(|| path.clone(), |n| n.to_string_lossy().into_owned());
    let saved = SavedPlan::parse(&bytes, &name)?;
    let mut open = state.open.lock().await;
    let open = open.as_mut().ok_or_else(crate::commands::no_tenant)?;
    open.client()?;
    let checked = saved.against(&open.snapshot)?;
    let changed = checked
        .drift
        .iter()
        .filter(|row| row.drift != Drift::Unchanged)
        .map(|row| PlanDriftRow {
            user_principal_name: row.user_principal_name.clone(),
            display_name: row.display_name.clone(),
            now_user_principal_name: row.now_user_principal_name.clone(),
            product: row.product.clone(),
            drift: row.drift,
        })
        .collect();
    let title = {
        let products: std::collections::BTreeSet<String> =
            saved.items.iter().map(|i| i.product.name.clone()).collect();
        products.into_iter().collect::<Vec<_>>().join(", ")
    };
    let check = SavedPlanCheck {
        from_file: saved.from.file.clone(),
        taken_at: saved.taken_at().map(|s| s.min(u64::from(u32::MAX)) as u32),
        matched_by_user_name: checked.matched_by_user_name,
        items: saved.items.len() as u32,
        changed,
        preview: checked.plan.preview(
            &title,
            &open.snapshot,
            open.admin.as_ref().map(|a| a.user_principal_name.as_str()),
        ),
    };
    open.pending_plan = Some(checked.plan);
    Ok(check)
}

/// A file handed to the app from outside the window (dropped on it, or
/// given to a second start): the UI opens it as if chosen.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type, tauri_specta::Event)]
#[serde(rename_all = "camelCase")]
pub struct FileHandedOver {
    pub path: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn language(locales: &[&str]) -> Language {
        system_language(locales.iter().map(|l| (*l).to_owned()))
    }

    #[test]
    fn exports_follow_the_systems_language_when_none_is_chosen() {
        assert_eq!(language(&["sv_SE.UTF-8"]), Language::Sv);
        assert_eq!(language(&["", "C", "sv_FI.UTF-8"]), Language::Sv);
        assert_eq!(language(&["en_GB.UTF-8", "sv_SE.UTF-8"]), Language::En);
        assert_eq!(language(&["C"]), Language::En);
        assert_eq!(language(&[]), Language::En);
    }
}
