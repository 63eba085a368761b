//! The admin's own product names (`product-names.csv` in the app's data
//! folder), read once when the app or the command line starts. A file that
//! cannot be used whole never stops either: what can be used is, and each
//! problem is said (in Settings, on standard error, in the log).

use std::path::PathBuf;
use std::sync::OnceLock;

use license_desk_core::{Error, ErrorCode};
use license_desk_files::own_names::{self, FILE_NAME, TEMPLATE};
use license_desk_files::part_number_names::PartNumberNames;
use serde::Serialize;

/// What was read from the file, as Settings shows it.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ProductNames {
    /// Where the file is (or would be); `None` when no data folder is known.
    pub path: Option<String>,
    pub exists: bool,
    /// How many products it names.
    pub count: u32,
    /// Each line (or the whole file) that could not be used, for the admin.
    pub problems: Vec<String>,
    /// When Microsoft's table was last downloaded (seconds since 1970), if
    /// that copy names the products; `None`: the copy carried with License
    /// Desk alone, of `carried_table_date`.
    pub downloaded_table: Option<u32>,
    /// The date of the copy of Microsoft's table carried with License Desk.
    pub carried_table_date: String,
}

/// Where the file lives: the app's data folder, beside the settings.
pub fn path() -> Option<PathBuf> {
    dirs::data_dir().map(|dir| dir.join(crate::cli::APP_ID).join(FILE_NAME))
}

static LOADED: OnceLock<ProductNames> = OnceLock::new();

/// Reads the file (and Microsoft's table as last downloaded) and makes
/// their names the ones shown, once per process.
pub fn load() -> &'static ProductNames {
    LOADED.get_or_init(|| {
        let downloaded_table = crate::product_table::load_cached();
        let path = path();
        let (names, problems) = match &path {
            Some(path) => own_names::read_path(path),
            None => (PartNumberNames::default(), Vec::new()),
        };
        let count = u32::try_from(names.len()).unwrap_or(u32::MAX);
        own_names::install(names);
        let problems: Vec<String> = problems.iter().map(ToString::to_string).collect();
        ProductNames {
            exists: path.as_ref().is_some_and(|path| path.exists()),
            path: path.map(|path| path.display().to_string()),
            count,
            problems,
            downloaded_table,
            carried_table_date: license_desk_files::catalog::SOURCE_DATE.to_owned(),
        }
    })
}

/// For the command line: reads the names and says on standard error what
/// could not be used; the command goes on.
pub fn load_for_command_line() {
    let loaded = load();
    for problem in &loaded.problems {
        eprintln!("warning: {FILE_NAME}: {problem}");
    }
    if !loaded.problems.is_empty() {
        if let Some(path) = &loaded.path {
            eprintln!("  The rest of {path} is used; products it does not name keep Microsoft's names.");
        }
    }
}

/// The admin's own product names: where the file is, how many it names and
/// what in it could not be used.
#[tauri::command]
#[specta::specta]
pub fn product_names() -> ProductNames {
    load().clone()
}

/// Opens the names file in the program the system opens CSV files with
/// (Excel, Numbers, a text editor), first writing one with only its header
/// line when there is none yet.
#[tauri::command]
#[specta::specta]
pub fn edit_product_names(app: tauri::AppHandle) -> Result<(), Error> {
    use tauri_plugin_opener::OpenerExt;
    let path = path().ok_or_else(|| {
        Error::new(
            ErrorCode::Internal,
            "No data folder is known for this user, so there is nowhere to keep product names.",
        )
    })?;
    let cannot = |error: &dyn std::fmt::Display| {
        Error::new(
            ErrorCode::Internal,
            "The product names file could not be created.",
        )
        .with_details(format!("{}: {error}", path.display()))
    };
    if !path.exists() {
        if let Some(folder) = path.parent() {
            std::fs::create_dir_all(folder).map_err(|e| cannot(&e))?;
        }
        std::fs::write(&path, TEMPLATE).map_err(|e| cannot(&e))?;
    }
    app.opener()
        .open_path(path.display().to_string(), None::<&str>)
        .map_err(|e| {
            Error::new(
                ErrorCode::Internal,
                "The product names file could not be opened. Open it yourself from the folder shown.",
            )
            .with_details(e.to_string())
        })
}
