//! License Desk's one picture of a tenant, whatever it came from.
//!
//! - [`model`]: what a tenant holds (users, products, subscriptions,
//!   groups), in Microsoft Graph's own shapes.
//! - [`picture`]: [`TenantPicture`], the tenant as seen at one moment, with
//!   where it came from ([`Source`]), what that source could not tell
//!   ([`Knowledge`]) and how a file's product names were matched
//!   ([`Resolution`]); and the views' queries over it (overview, pages of
//!   users, ids for a selection).
//! - [`activity`]: who uses what (sign-ins, the usage report), or why it
//!   is not known.
//! - [`licenses`]: one user's licenses in full (how held, locks, apps).
//! - [`export`]: our own file format, written from a picture and read back.
//! - [`open`]: any file an admin has (ours, or the exports of Microsoft's
//!   admin center, PowerShell, CIPP, Graph) made into a picture.
//!
//! The Graph client produces a picture from a live tenant; [`open`]
//! produces one from a file. Views, plans and drift checks read the
//! picture, never the source. No Tauri, no network here.

pub mod activity;
pub mod export;
pub mod licenses;
pub mod model;
pub mod open;
pub mod picture;

pub use picture::{stand_in_id, Knowledge, Resolution, Source, TenantPicture};

/// A product's name from its part number: the admin's own name for it
/// (`product-names.csv`, see [`license_desk_files::own_names`]), else the
/// name Microsoft publishes: in its table as last downloaded (see
/// [`license_desk_files::downloaded_table`]), else in the copy carried with
/// License Desk.
pub fn product_name(part_number: &str) -> Option<&'static str> {
    if let Some(name) = license_desk_files::own_names::own_name(part_number) {
        return Some(name);
    }
    if let Some(name) = license_desk_files::downloaded_table::downloaded_name(part_number) {
        return Some(name);
    }
    license_desk_files::catalog()
        .by_part_number(part_number.trim())
        .first()
        .map(|p| p.display_name.as_str())
}
