//! Our own export: a tenant's license picture in one file, to review
//! offline and to plan from.
//!
//! Format (version 1): one JSON object, UTF-8, indented so that a text
//! editor shows it plainly; field names as Microsoft Graph spells them.
//!
//! ```text
//! {
//!   "format": "license-desk-tenant-export",
//!   "version": 1,
//!   "takenAt": "2026-11-25T09:30:00Z",        // UTC
//!   "takenBy": "admin@contoso.com",           // or null
//!   "tenant": { "id", "displayName", "defaultDomain", "cloud", "verifiedDomains": [{ "name", "isDefault" }] },
//!   "products": [ { Graph's subscribedSku: "skuId", "skuPartNumber", "appliesTo",
//!                   "capabilityStatus", "consumedUnits", "prepaidUnits", "servicePlans",
//!                   "subscriptionIds"; plus "name" (Microsoft's name) and "selfService" } ],
//!   "subscriptions": [ Graph's companySubscription ],
//!   "groups": [ { "id", "displayName", ... } ],              // the groups licenses come from
//!   "users": [ { "id", "userPrincipalName", "displayName", "accountEnabled", "usageLocation",
//!                "assignedLicenses": [{ "skuId", "disabledPlans" }],
//!                "licenseAssignmentStates": [{ "skuId", "disabledPlans", "assignedByGroup", ... }],
//!                "createdDateTime", "signInActivity": { Graph's, where read } } ],
//!   "signIns": { "kind": "read", "at": 1764063000 }   // absent when sign-ins were not read
//! }
//! ```
//!
//! A license held directly has a `licenseAssignmentStates` entry with
//! `assignedByGroup: null`; one held through a group names the group; a
//! license held both ways has both. The file is written atomically (a
//! temporary file beside it, synced, then renamed), so a crash never
//! leaves half a file. A file of a newer version is refused with a message
//! saying so; older versions keep being read.

use std::collections::HashMap;
use std::io::Write;
use std::path::Path;

use license_desk_core::{Cloud, Error, ErrorCode};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::activity::SignIns;
use crate::model::{CompanySubscription, Group, Organization, SubscribedSku, User, VerifiedDomain};
use crate::picture::{Knowledge, Source, TenantPicture};

pub const FORMAT: &str = "license-desk-tenant-export";
pub const VERSION: u32 = 1;

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ExportFile {
    format: String,
    version: u32,
    taken_at: String,
    taken_by: Option<String>,
    tenant: ExportTenant,
    products: Vec<ExportProduct>,
    #[serde(default)]
    subscriptions: Vec<CompanySubscription>,
    #[serde(default)]
    groups: Vec<Group>,
    users: Vec<User>,
    /// Whether the users' sign-in dates were read (so a file can show the
    /// same savings findings); absent when they were not.
    #[serde(default, skip_serializing_if = "is_not_read")]
    sign_ins: SignIns,
}

fn is_not_read(sign_ins: &SignIns) -> bool {
    *sign_ins == SignIns::NotRead
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ExportTenant {
    id: Uuid,
    display_name: String,
    default_domain: Option<String>,
    cloud: Cloud,
    #[serde(default)]
    verified_domains: Vec<VerifiedDomain>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ExportProduct {
    #[serde(flatten)]
    sku: SubscribedSku,
    name: Option<String>,
    #[serde(default)]
    self_service: bool,
}

/// Who took the picture, and when (seconds since the Unix epoch).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Taken {
    pub at: u64,
    pub by: Option<String>,
    pub cloud: Cloud,
}

/// The picture as our export's text.
pub fn to_text(picture: &TenantPicture, taken: &Taken) -> String {
    let self_service: Vec<Uuid> = picture
        .subscriptions
        .iter()
        .filter(|s| s.is_self_service())
        .map(|s| s.sku_id)
        .collect();
    let mut groups: Vec<Group> = picture.groups.values().cloned().collect();
    groups.sort_by_key(|g| g.id);
    let file = ExportFile {
        format: FORMAT.to_owned(),
        version: VERSION,
        taken_at: iso_utc(taken.at),
        taken_by: taken.by.clone(),
        tenant: ExportTenant {
            id: picture.organization.id,
            display_name: picture.organization.display_name.clone(),
            default_domain: picture.default_domain().map(str::to_owned),
            cloud: taken.cloud,
            verified_domains: picture.organization.verified_domains.clone(),
        },
        products: picture
            .products
            .iter()
            .map(|sku| ExportProduct {
                sku: sku.clone(),
                name: crate::product_name(&sku.sku_part_number).map(str::to_owned),
                self_service: self_service.contains(&sku.sku_id),
            })
            .collect(),
        subscriptions: picture.subscriptions.clone(),
        groups,
        users: picture.users.clone(),
        sign_ins: picture.activity.sign_ins.clone(),
    };
    // Serialising plain data with string keys cannot fail.
    serde_json::to_string_pretty(&file).unwrap_or_default() + "\n"
}

/// Writes the picture to `path` atomically: all of it or nothing.
pub fn write(picture: &TenantPicture, taken: &Taken, path: &Path) -> Result<(), Error> {
    write_atomically(path, &to_text(picture, taken))
}

/// Writes `text` to `path` all or nothing: a temporary file beside it,
/// synced, then renamed over it. Saved plans and run results go the same way.
pub fn write_atomically(path: &Path, text: &(impl AsRef<[u8]> + ?Sized)) -> Result<(), Error> {
    let folder = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temporary = folder.join(format!(".{name}.{}.partial", std::process::id()));
    let failed = |error: std::io::Error| {
        let _ = std::fs::remove_file(&temporary);
        Error::new(
            ErrorCode::Internal,
            format!(
                "The file could not be saved as {}. Check that the folder exists and is writable.",
                path.display()
            ),
        )
        .with_details(error.to_string())
    };
    let mut file = std::fs::File::create(&temporary).map_err(failed)?;
    file.write_all(text.as_ref())
        .and_then(|()| file.sync_all())
        .map_err(failed)?;
    drop(file);
    std::fs::rename(&temporary, path).map_err(failed)
}

/// Whether `bytes` look like our export (checked before any other format).
pub fn is_ours(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(512)];
    head.trim_ascii_start().starts_with(b"{")
        && String::from_utf8_lossy(head).contains(&format!("\"{FORMAT}\""))
}

/// Reads our export into a picture.
pub fn read(bytes: &[u8], file_name: &str) -> Result<TenantPicture, Error> {
    let unusable = |message: String| Error::new(ErrorCode::FileNotUsable, message);
    // The version first (the rest skipped unread), so a newer file is
    // refused by its version, not by a field this version does not know.
    #[derive(Deserialize)]
    struct Head {
        #[serde(default)]
        version: u64,
    }
    let head: Head = serde_json::from_slice(bytes).map_err(|e| {
        unusable(format!(
            "{file_name} is a License Desk export but is damaged at line {}, column {}: {}. Export the tenant again.",
            e.line(),
            e.column(),
            e
        ))
    })?;
    let version = head.version;
    if version > u64::from(VERSION) {
        return Err(unusable(format!(
            "{file_name} was written by a newer License Desk (export format version {version}; this one reads up to {VERSION}). Update License Desk to open it."
        )));
    }
    if version == 0 {
        return Err(unusable(format!(
            "{file_name} says it is a License Desk export but has no format version."
        )));
    }
    let file: ExportFile = serde_json::from_slice(bytes).map_err(|e| {
        unusable(format!(
            "{file_name} is a License Desk export version {version}, but line {}: {e}. Export the tenant again.",
            e.line()
        ))
    })?;
    let taken_at = parse_iso_utc(&file.taken_at);
    let subscriptions = file.subscriptions;
    let groups: HashMap<Uuid, Group> = file.groups.into_iter().map(|g| (g.id, g)).collect();
    let mut verified_domains = file.tenant.verified_domains;
    if verified_domains.is_empty() {
        verified_domains.extend(file.tenant.default_domain.map(|name| VerifiedDomain {
            name,
            is_default: true,
        }));
    }
    let mut picture = TenantPicture::from_file(
        Organization {
            id: file.tenant.id,
            display_name: file.tenant.display_name,
            verified_domains,
        },
        file.products.into_iter().map(|p| p.sku).collect(),
        subscriptions,
        file.users,
        groups,
        Source::File {
            name: file_name.to_owned(),
            format: "license_desk_export".to_owned(),
            taken_at,
            taken_by: file.taken_by,
        },
        Knowledge::EVERYTHING,
        HashMap::new(),
    );
    picture.activity.sign_ins = file.sign_ins;
    Ok(picture)
}

/// `2026-11-25T09:30:00Z` for seconds since the Unix epoch.
pub fn iso_utc(seconds: u64) -> String {
    let days = (seconds / 86_400) as i64;
    let rest = seconds % 86_400;
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rest / 3600,
        rest / 60 % 60,
        rest % 60
    )
}

/// Seconds since the Unix epoch of `YYYY-MM-DDTHH:MM:SSZ` (or with a space
/// instead of `T`); `None` for anything else.
pub fn parse_iso_utc(text: &str) -> Option<u64> {
    let text = text.trim().trim_end_matches('Z');
    let (date, time) = text.split_once(['T', ' '])?;
    let mut date = date.splitn(3, '-').map(str::parse::<i64>);
    let (year, month, day) = (date.next()?.ok()?, date.next()?.ok()?, date.next()?.ok()?);
    let mut time = time
        .splitn(3, ':')
        .map(|p| p.split('.').next().unwrap_or(p).parse::<u64>());
    let (hour, minute, second) = (time.next()?.ok()?, time.next()?.ok()?, time.next()?.ok()?);
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let days = days_from_civil(year, month, day);
    u64::try_from(days)
        .ok()
        .map(|d| d * 86_400 + hour * 3600 + minute * 60 + second)
}

// Howard Hinnant's civil calendar algorithms (proleptic Gregorian).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let yoe = year.rem_euclid(400);
    let mp = if month > 2 { month - 3 } else { month + 9 };
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip() {
        for seconds in [0, 951_782_400, 1_795_000_000, 4_102_444_799] {
            assert_eq!(
                parse_iso_utc(&iso_utc(seconds)),
                Some(seconds),
                "{}",
                iso_utc(seconds)
            );
        }
        assert_eq!(iso_utc(1_795_000_000), "2026-11-18T11:06:40Z");
        assert_eq!(parse_iso_utc("2022-03-18 19:49:35Z"), Some(1_647_632_975));
        assert_eq!(parse_iso_utc("yesterday"), None);
        assert_eq!(parse_iso_utc("2022-13-01T00:00:00Z"), None);
    }
}
