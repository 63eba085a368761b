//! License Desk's offline files.
//!
//! What this crate is:
//! - The [`catalog`](mod@catalog) module: Microsoft's "Product names and service plan identifiers"
//!   table, carried in the repository (`data/`), parsed once, with lookups
//!   by `skuId`, part number, display name (all candidates, never a guess)
//!   and an alias table of old and localized names seen in real files.
//! - [`own_names`]: the admin's own names for products (`product-names.csv`),
//!   read once at start; they win wherever a name is shown.
//! - [`downloaded_table`]: Microsoft's table as the app last downloaded it,
//!   for the names of products newer than the carried copy (names only).
//! - The importers [`read`] and [`read_path`]: for the user and licence exports
//!   admins already have (the Microsoft 365 admin center's user export in
//!   both layouts and any language, Graph PowerShell and MSOnline reports,
//!   AdminDroid, CIPP, a saved Graph `/users` page). Each file is
//!   recognised by its content, never its name, and read into a neutral
//!   [`Imported`] picture: users, the products as written with how they
//!   resolve, and what the file can and cannot tell.
//!
//! What it is not: it never talks to Microsoft Graph, never turns an
//! ambiguous name into a guessed SKU, and never plans anything. A file
//! either imports whole or is refused with a [`FileError`] that names the
//! file, the line and what to export instead.

mod builder;
pub mod catalog;
mod csv_formats;
mod decode;
pub mod downloaded_table;
mod error;
mod graph_json;
mod model;
mod names;
pub mod own_names;
pub mod part_number_names;
mod table;
mod values;

use std::path::Path;

pub use catalog::{catalog, is_free_or_trial, Catalog, Product, ServicePlan};
pub use csv_formats::{ADMIN_CENTER_HEADER, ADMIN_CENTER_LEGACY_HEADER};
pub use error::{FileError, FileErrorCode};
pub use model::{
    Format, Imported, ImportedLicense, ImportedProduct, ImportedUser, Resolution, Sku, Warning, WarningCode,
};

/// Files larger than this are refused before they are read.
pub const MAX_FILE_BYTES: u64 = 200 * 1024 * 1024;

/// More users than this in one file are refused.
pub const MAX_USERS: usize = 1_000_000;

/// Reads an export. `file_name` is used only in messages: the format is
/// recognised from the content.
pub fn read(bytes: &[u8], file_name: &str) -> Result<Imported, FileError> {
    let size = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
    if size > MAX_FILE_BYTES {
        return Err(too_large(file_name, size));
    }
    let decoded = decode::decode(bytes, file_name)?;
    let text = decoded.text.trim_start_matches('\u{feff}');
    let content = text.trim_start();
    if content.is_empty() {
        return Err(FileError::new(
            FileErrorCode::Empty,
            format!("{file_name} is empty."),
        ));
    }
    if content.starts_with('{') || content.starts_with('[') {
        graph_json::read(text, decoded.encoding, file_name)
    } else {
        csv_formats::read(text, decoded.encoding, file_name)
    }
}

/// Reads an export from disk, refusing one over [`MAX_FILE_BYTES`] before
/// reading it.
pub fn read_path(path: &Path) -> Result<Imported, FileError> {
    let file_name = path.file_name().map_or_else(
        || path.display().to_string(),
        |name| name.to_string_lossy().into_owned(),
    );
    let unreadable = |error: std::io::Error| {
        FileError::new(
            FileErrorCode::Unreadable,
            format!("{file_name} cannot be read: {error}."),
        )
    };
    let size = std::fs::metadata(path).map_err(unreadable)?.len();
    if size > MAX_FILE_BYTES {
        return Err(too_large(&file_name, size));
    }
    let bytes = std::fs::read(path).map_err(unreadable)?;
    read(&bytes, &file_name)
}

fn too_large(file_name: &str, size: u64) -> FileError {
    const MEGABYTE: u64 = 1024 * 1024;
    FileError::new(
        FileErrorCode::TooLarge,
        format!(
            "{file_name} is {} MB; License Desk reads files up to {} MB. Export fewer columns, \
             or open the tenant online.",
            size.div_ceil(MEGABYTE),
            MAX_FILE_BYTES / MEGABYTE
        ),
    )
}
