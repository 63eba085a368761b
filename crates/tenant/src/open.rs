//! Any file an admin has, made into a picture: our own export, or what
//! [`license_desk_files`] reads (the admin center's user export,
//! PowerShell, MSOnline, AdminDroid, CIPP, a saved Graph page).
//!
//! What a file cannot tell stays unknown in the picture's [`Knowledge`]: a
//! user with no object id gets a stand-in id (and is matched by user name
//! when a plan is applied), a product the file names ambiguously stands
//! under a stand-in id with every candidate kept, and a license whose
//! groups the file does not give is shown as held directly, with the
//! picture saying that groups are unknown.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use license_desk_core::overview::{FileKind, FileWarning, FileWarningCode, ProductMention};
use license_desk_core::{Error, ErrorCode};
use license_desk_files::{FileError, Format, Imported, Warning, WarningCode};
use uuid::Uuid;

use crate::model::{
    AssignedLicense, Group, LicenseAssignmentState, Organization, PrepaidUnits, ServicePlan, SubscribedSku,
    User, VerifiedDomain,
};
use crate::picture::{stand_in_id, Knowledge, Resolution, Source, TenantPicture};

/// A file opened: its picture, and what the admin should know about it.
pub struct Opened {
    pub picture: TenantPicture,
    pub kind: FileKind,
    /// The format in words ("Microsoft 365 admin center user export"),
    /// for the command line.
    pub format_name: String,
    pub warnings: Vec<Warning>,
}

impl Opened {
    /// The warnings as the window says them: by code and figures, in the
    /// admin's language.
    pub fn file_warnings(&self) -> Vec<FileWarning> {
        self.warnings.iter().map(file_warning).collect()
    }
}

fn file_warning(warning: &Warning) -> FileWarning {
    let small = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    FileWarning {
        code: match warning.code {
            WarningCode::DuplicateRows => FileWarningCode::DuplicateRows,
            WarningCode::ConflictingDuplicates => FileWarningCode::ConflictingDuplicates,
            WarningCode::RowsWithoutUpn => FileWarningCode::RowsWithoutUpn,
            WarningCode::UnknownProducts => FileWarningCode::UnknownProducts,
            WarningCode::AmbiguousProducts => FileWarningCode::AmbiguousProducts,
            WarningCode::RenamedProducts => FileWarningCode::RenamedProducts,
            WarningCode::LicenseStateUnclear => FileWarningCode::LicenseStateUnclear,
            WarningCode::ReplacedCharacters => FileWarningCode::ReplacedCharacters,
            WarningCode::PartialFile => FileWarningCode::PartialFile,
            WarningCode::LocalizedHeaders => FileWarningCode::LocalizedHeaders,
            WarningCode::KeyedOnEmail => FileWarningCode::KeyedOnEmail,
            WarningCode::TypeNames => FileWarningCode::TypeNames,
        },
        count: small(warning.count),
        products: warning
            .products
            .iter()
            .map(|(name, holders)| ProductMention {
                name: name.clone(),
                holders: *holders,
            })
            .collect(),
        lines: warning.lines.iter().map(|&line| small(line)).collect(),
    }
}

fn kind(format: Format) -> FileKind {
    match format {
        Format::AdminCenterUsers => FileKind::AdminCenterUsers,
        Format::AdminCenterUsersLegacy => FileKind::AdminCenterUsersLegacy,
        Format::GraphPowershell => FileKind::GraphPowershell,
        Format::Msonline => FileKind::Msonline,
        Format::Admindroid => FileKind::Admindroid,
        Format::CippUsers => FileKind::CippUsers,
        Format::GraphUsersJson => FileKind::GraphUsersJson,
    }
}

fn unusable(error: FileError) -> Error {
    let details = error.line.map(|line| format!("line {line}"));
    let error_out = Error::new(ErrorCode::FileNotUsable, error.message);
    match details {
        Some(details) => error_out.with_details(details),
        None => error_out,
    }
}

/// Opens the file at `path` (its size is checked before it is read).
pub fn open_path(path: &Path) -> Result<Opened, Error> {
    let name = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let size = std::fs::metadata(path)
        .map_err(|e| Error::new(ErrorCode::FileNotUsable, format!("{name} cannot be read: {e}.")))?
        .len();
    if size > license_desk_files::MAX_FILE_BYTES {
        const MEGABYTE: u64 = 1024 * 1024;
        return Err(Error::new(
            ErrorCode::FileNotUsable,
            format!(
                "{name} is {} MB; License Desk opens files of up to {} MB. Is it the right file? A user export of even 500,000 users is far smaller.",
                size / MEGABYTE,
                license_desk_files::MAX_FILE_BYTES / MEGABYTE
            ),
        ));
    }
    let bytes = std::fs::read(path)
        .map_err(|e| Error::new(ErrorCode::FileNotUsable, format!("{name} cannot be read: {e}.")))?;
    open(&bytes, &name)
}

/// Opens a file's bytes; `file_name` is for messages and the status bar.
pub fn open(bytes: &[u8], file_name: &str) -> Result<Opened, Error> {
    if is_a_plan(bytes) {
        return Err(Error::new(
            ErrorCode::FileNotUsable,
            format!(
                "{file_name} is a License Desk plan, not a picture of a tenant. Sign in to the tenant it was made for, then apply it (Licenses, Apply a saved plan…, or `license-desk apply`)."
            ),
        ));
    }
    if crate::export::is_ours(bytes) {
        return Ok(Opened {
            picture: crate::export::read(bytes, file_name)?,
            kind: FileKind::LicenseDeskExport,
            format_name: "License Desk export".to_owned(),
            warnings: Vec::new(),
        });
    }
    let imported = license_desk_files::read(bytes, file_name).map_err(unusable)?;
    Ok(from_imported(imported, file_name))
}

/// Whether `bytes` look like a saved plan (`license-desk-plan`).
fn is_a_plan(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(512)];
    head.trim_ascii_start().starts_with(b"{")
        && String::from_utf8_lossy(head).contains("\"license-desk-plan\"")
}

/// The picture of what an imported file says, and no more.
pub fn from_imported(imported: Imported, file_name: &str) -> Opened {
    let catalog = license_desk_files::catalog();
    // Each product as written: the id it stands under here, and how it was matched.
    let mut resolutions: HashMap<Uuid, Resolution> = HashMap::new();
    let product_ids: Vec<Uuid> = imported
        .products
        .iter()
        .map(|product| {
            let (id, resolution) = match &product.resolution {
                license_desk_files::Resolution::Exact { sku } => (sku.sku_id, Resolution::Exact),
                license_desk_files::Resolution::Alias { sku, written_as } => (
                    sku.sku_id,
                    Resolution::Alias {
                        written_as: written_as.clone(),
                    },
                ),
                license_desk_files::Resolution::Ambiguous { candidates, .. } => (
                    stand_in_id("product", &product.raw),
                    Resolution::Ambiguous {
                        written_as: product.raw.clone(),
                        candidates: candidates.iter().map(|c| c.sku_id).collect(),
                    },
                ),
                license_desk_files::Resolution::Unknown => (
                    stand_in_id("product", &product.raw),
                    Resolution::Unknown {
                        written_as: product.raw.clone(),
                    },
                ),
            };
            if resolution != Resolution::Exact {
                resolutions.insert(id, resolution);
            }
            id
        })
        .collect();

    let mut groups: HashMap<Uuid, Group> = HashMap::new();
    let mut holders: BTreeMap<Uuid, u32> = BTreeMap::new();
    let users: Vec<User> = imported
        .users
        .iter()
        .map(|row| {
            let mut states = Vec::new();
            let mut assigned = Vec::new();
            for license in &row.licenses {
                let sku_id = product_ids[license.product];
                let disabled_plans = license.disabled_plans.clone().unwrap_or_default();
                let via: Vec<Uuid> = license.via_groups.clone().unwrap_or_default();
                // A file that does not say how a license is held shows it as direct.
                let direct = license.direct.unwrap_or(via.is_empty());
                for group in &via {
                    groups.entry(*group).or_insert_with(|| Group {
                        id: *group,
                        display_name: None,
                        group_types: Vec::new(),
                        membership_rule: None,
                        on_premises_sync_enabled: None,
                        mail_enabled: None,
                    });
                    states.push(state(sku_id, &disabled_plans, Some(*group)));
                }
                if direct {
                    states.push(state(sku_id, &disabled_plans, None));
                    assigned.push(AssignedLicense {
                        sku_id,
                        disabled_plans: disabled_plans.clone(),
                    });
                }
                *holders.entry(sku_id).or_default() += 1;
            }
            User {
                id: row
                    .object_id
                    .unwrap_or_else(|| stand_in_id("user", &row.user_principal_name)),
                display_name: row.display_name.clone(),
                user_principal_name: row.user_principal_name.clone(),
                account_enabled: row.account_enabled,
                usage_location: row.usage_location.clone(),
                department: None,
                assigned_licenses: assigned,
                license_assignment_states: states,
                created_date_time: None,
                sign_in_activity: None,
            }
        })
        .collect();

    let products: Vec<SubscribedSku> = imported
        .products
        .iter()
        .zip(&product_ids)
        .map(|(product, &sku_id)| {
            let known = catalog.by_sku_id(sku_id);
            SubscribedSku {
                sku_id,
                sku_part_number: known.map_or_else(|| product.raw.clone(), |p| p.part_number.clone()),
                applies_to: "User".to_owned(),
                capability_status: "Enabled".to_owned(),
                consumed_units: holders.get(&sku_id).copied().unwrap_or_default(),
                // A file says nothing of seats paid for.
                prepaid_units: PrepaidUnits::default(),
                service_plans: known
                    .map(|p| {
                        p.service_plans
                            .iter()
                            .map(|plan| ServicePlan {
                                service_plan_id: plan.id,
                                service_plan_name: plan.name.clone(),
                            })
                            .collect()
                    })
                    .unwrap_or_default(),
                subscription_ids: Vec::new(),
            }
        })
        .collect();

    let picture = TenantPicture::from_file(
        Organization {
            // A file from the admin center names no tenant: domains stand in.
            id: Uuid::nil(),
            display_name: file_name.to_owned(),
            verified_domains: domains_of(&users),
        },
        products,
        Vec::new(),
        users,
        groups,
        Source::File {
            name: file_name.to_owned(),
            format: imported.format.short_name().to_owned(),
            taken_at: None,
            taken_by: None,
        },
        Knowledge {
            complete: imported.complete,
            groups: imported.knows_groups,
            disabled_plans: imported.knows_disabled_plans,
            object_ids: imported.knows_object_ids,
            seats: false,
        },
        resolutions,
    );
    Opened {
        picture,
        kind: kind(imported.format),
        format_name: imported.format_name,
        warnings: imported.warnings,
    }
}

fn state(sku_id: Uuid, disabled_plans: &[Uuid], group: Option<Uuid>) -> LicenseAssignmentState {
    LicenseAssignmentState {
        sku_id,
        disabled_plans: disabled_plans.to_vec(),
        assigned_by_group: group,
        state: Some("Active".to_owned()),
        error: Some("None".to_owned()),
    }
}

/// The domains of the file's user names, the most used first (as default);
/// guests' home domains left out.
fn domains_of(users: &[User]) -> Vec<VerifiedDomain> {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for user in users.iter().filter(|u| !u.user_principal_name.contains("#EXT#")) {
        if let Some((_, domain)) = user.user_principal_name.rsplit_once('@') {
            *counts.entry(domain.to_lowercase()).or_default() += 1;
        }
    }
    let mut domains: Vec<(String, usize)> = counts.into_iter().collect();
    domains.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    domains
        .into_iter()
        .enumerate()
        .map(|(i, (name, _))| VerifiedDomain {
            name,
            is_default: i == 0,
        })
        .collect()
}
