//! The CSV files: recognised by their header (or, for a localized admin
//! center, by the position of the untranslated `DirSyncEnabled` column and
//! the shape of the values), then read row by row into users.

use std::collections::HashMap;

use uuid::Uuid;

use crate::builder::{plain_license, Builder, Meta};
use crate::error::{FileError, FileErrorCode};
use crate::graph_json;
use crate::model::{Format, Imported, ImportedLicense, ImportedUser, Resolution, WarningCode};
use crate::names::split_products;
use crate::table::{Row, Table};
use crate::values::{is_guest, is_type_name, means_no_licenses, parse_bool, text};

/// Admin center → Active users → Export users, 2025–26 (28 columns).
pub const ADMIN_CENTER_HEADER: [&str; 28] = [
    "Display name",
    "DirSyncEnabled",
    "User principal name",
    "Object Id",
    "First name",
    "Last name",
    "When created",
    "Soft deletion time stamp",
    "Title",
    "Department",
    "Preferred data location",
    "City",
    "CountryOrRegion",
    "Office",
    "StateOrProvince",
    "Usage location",
    "Last dirsync time",
    "Block credential",
    "Licenses",
    "Password never expires",
    "Last password change time stamp",
    "Mobile Phone",
    "Phone number",
    "Postal code",
    "Preferred language",
    "Street address",
    "Fax",
    "Proxy addresses",
];

/// The same export until mid-2023 (32 columns, alphabetical by English name).
pub const ADMIN_CENTER_LEGACY_HEADER: [&str; 32] = [
    "Block credential",
    "City",
    "Country/Region",
    "Department",
    "DirSyncEnabled",
    "Display name",
    "Fax",
    "First name",
    "Last dirsync time",
    "Last name",
    "Last password change time stamp",
    "License assignment details",
    "Licenses",
    "Mobile Phone",
    "Oath token meta data",
    "Object Id",
    "Office",
    "Password never expires",
    "Phone number",
    "Postal code",
    "Preferred data location",
    "Preferred language",
    "Proxy addresses",
    "Release track",
    "Soft deletion time stamp",
    "State",
    "Street address",
    "Strong password required",
    "Title",
    "Usage location",
    "User principal name",
    "When created",
];

const UPN_KEYS: &[&str] = &["userprincipalname", "upn"];
/// Scripts keyed on the mailbox instead of the UPN (§4.5).
const EMAIL_KEYS: &[&str] = &["email", "mail", "primarysmtpaddress", "emailaddress"];
const LICENSE_KEYS: &[&str] = &[
    "licenses",
    "licences",
    "license",
    "licence",
    "assignedlicenses",
    "skus",
    "skupartnumber",
    "skupartnumbers",
    "licenseplan",
    "licenseplans",
];
const DISPLAY_NAME_KEYS: &[&str] = &["displayname", "name"];

/// How a format writes several products in one cell.
#[derive(Clone, Copy)]
enum Cell {
    /// Names joined by `+` (admin center).
    PlusJoined,
    /// Names, part numbers or AccountSkuIds joined by `,` `;` or `, `.
    CommaJoined,
    /// AdminDroid's `PART[enabled plans],PART[All services]`.
    PartWithPlans,
}

struct Layout {
    format: Format,
    /// Columns found by position under translated headers.
    localized: bool,
    upn: usize,
    /// The key column holds e-mail addresses, not UPNs.
    keyed_on_email: bool,
    display_name: Option<usize>,
    object_id: Option<usize>,
    block_credential: Option<usize>,
    account_enabled: Option<usize>,
    usage_location: Option<usize>,
    user_type: Option<usize>,
    licenses: usize,
    license_details: Option<usize>,
    assignment_states: Option<usize>,
    cell: Cell,
}

pub(crate) fn read(text: &str, encoding: &str, file_name: &str) -> Result<Imported, FileError> {
    let Some(table) = Table::open(text, file_name)? else {
        return Err(FileError::new(
            FileErrorCode::Empty,
            format!("{file_name} is empty."),
        ));
    };
    let layout = recognise(&table, file_name)?;
    read_rows(&table, &layout, encoding, file_name)
}

fn recognise(table: &Table, file_name: &str) -> Result<Layout, FileError> {
    if table.has("reportrefreshdate") && table.has("assignedproducts") {
        return Err(usage_report(file_name));
    }
    if let Some(layout) = admin_center_by_name(table) {
        return Ok(layout);
    }
    if let Some(layout) = admin_center_by_position(table, file_name)? {
        return Ok(layout);
    }
    let upn = table.column(UPN_KEYS);
    let email = table.column(EMAIL_KEYS);
    let Some(key_column) = upn.or(email) else {
        return Err(unrecognised(table, file_name));
    };
    let common = |format, licenses, cell| Layout {
        format,
        localized: false,
        upn: key_column,
        keyed_on_email: upn.is_none(),
        display_name: table.column(DISPLAY_NAME_KEYS),
        object_id: table.column(&["objectid", "id", "userid"]),
        block_credential: table.column(&["blockcredential"]),
        account_enabled: table.column(&["accountenabled"]),
        usage_location: table.column(&["usagelocation"]),
        user_type: table.column(&["usertype"]),
        licenses,
        license_details: None,
        assignment_states: None,
        cell,
    };
    if let Some(licenses) = table.column(&["licenseplanwithenabledservice"]) {
        return Ok(common(Format::Admindroid, licenses, Cell::PartWithPlans));
    }
    // Older CIPP files wrote `[object Object]` in assignedLicenses and the
    // names in LicJoined (CIPP #854, #881).
    let cipp_licenses = table.column(&["licjoined", "assignedlicenses"]);
    if let Some(licenses) =
        cipp_licenses.filter(|_| table.has("accountenabled") || table.has("licenseassignmentstates"))
    {
        return Ok(Layout {
            assignment_states: table.column(&["licenseassignmentstates"]),
            ..common(Format::CippUsers, licenses, Cell::CommaJoined)
        });
    }
    if let Some(licenses) = table.column(LICENSE_KEYS) {
        // Graph PowerShell and MSOnline differ only in the values; the
        // rows decide (AccountSkuIds carry `tenant:`).
        return Ok(common(Format::GraphPowershell, licenses, Cell::CommaJoined));
    }
    Err(no_license_data(table, file_name))
}

fn admin_center_by_name(table: &Table) -> Option<Layout> {
    let required = [
        "userprincipalname",
        "licenses",
        "dirsyncenabled",
        "blockcredential",
    ];
    if !required.iter().all(|key| table.has(key)) {
        return None;
    }
    let legacy = table.has("licenseassignmentdetails");
    Some(Layout {
        format: if legacy {
            Format::AdminCenterUsersLegacy
        } else {
            Format::AdminCenterUsers
        },
        localized: false,
        upn: table.column(&["userprincipalname"])?,
        keyed_on_email: false,
        display_name: table.column(&["displayname"]),
        object_id: table.column(&["objectid"]),
        block_credential: table.column(&["blockcredential"]),
        account_enabled: None,
        usage_location: table.column(&["usagelocation"]),
        user_type: None,
        licenses: table.column(&["licenses"])?,
        license_details: table.column(&["licenseassignmentdetails"]),
        assignment_states: None,
        cell: Cell::PlusJoined,
    })
}

/// Localized admin centers translate the headers but keep the English
/// column order, and leave `DirSyncEnabled` untranslated (§1.3).
fn admin_center_by_position(table: &Table, file_name: &str) -> Result<Option<Layout>, FileError> {
    let position = |names: &[&str], name: &str| names.iter().position(|candidate| *candidate == name);
    let (format, names): (Format, &[&str]) = match table.keys.len() {
        28 => (Format::AdminCenterUsers, &ADMIN_CENTER_HEADER),
        32 => (Format::AdminCenterUsersLegacy, &ADMIN_CENTER_LEGACY_HEADER),
        _ => return Ok(None),
    };
    let column = |name: &str| position(names, name);
    let (Some(dir_sync), Some(upn), Some(object_id), Some(licenses)) = (
        column("DirSyncEnabled"),
        column("User principal name"),
        column("Object Id"),
        column("Licenses"),
    ) else {
        return Ok(None);
    };
    if table.keys[dir_sync] != "dirsyncenabled" {
        return Ok(None);
    }
    // The values must look like the columns they should be in.
    const SAMPLE_ROWS: usize = 50;
    for row in table.rows(file_name).take(SAMPLE_ROWS) {
        let row = match row {
            Ok(row) => row,
            // A ragged row is reported when the rows are read.
            Err(_) => break,
        };
        let upn_value = row.field(upn);
        let object_id_value = row.field(object_id);
        let upn_fits = upn_value.is_empty() || upn_value.contains('@');
        let object_id_fits = object_id_value.is_empty() || Uuid::parse_str(object_id_value).is_ok();
        if !upn_fits || !object_id_fits {
            return Ok(None);
        }
    }
    Ok(Some(Layout {
        format,
        localized: true,
        upn,
        keyed_on_email: false,
        display_name: column("Display name"),
        object_id: Some(object_id),
        block_credential: column("Block credential"),
        account_enabled: None,
        usage_location: column("Usage location"),
        user_type: None,
        licenses,
        license_details: column("License assignment details"),
        assignment_states: None,
        cell: Cell::PlusJoined,
    }))
}

fn read_rows(table: &Table, layout: &Layout, encoding: &str, file_name: &str) -> Result<Imported, FileError> {
    let mut builder = Builder::new(file_name);
    // Cells repeat across users: split and resolve each distinct one once.
    let mut cell_cache: HashMap<String, CellProducts> = HashMap::new();
    let mut account_skus_seen = false;
    let mut license_cells = 0usize;
    let mut type_name_cells = 0usize;
    let mut states_parsed = false;
    for row in table.rows(file_name) {
        let row = row?;
        let upn = row.field(layout.upn);
        if upn.is_empty() {
            builder.skip_row_without_upn(row.line);
            continue;
        }
        let object_id = object_id(&row, layout.object_id, file_name)?;
        let cell = row.field(layout.licenses);
        let mut license_state_unclear = false;
        let mut licenses: Vec<ImportedLicense> = Vec::new();
        if is_type_name(cell) {
            license_cells += 1;
            type_name_cells += 1;
            license_state_unclear = true;
        } else if cell == "No data" && layout.format == Format::CippUsers {
            // CIPP's text for a null value: licences were not read.
            license_state_unclear = true;
        } else if !means_no_licenses(cell) {
            license_cells += 1;
            if !cell_cache.contains_key(cell) {
                let parsed = parse_cell(cell, layout.cell, &mut builder);
                cell_cache.insert(cell.to_owned(), parsed);
            }
            for (product, disabled_plans) in cell_cache.get(cell).into_iter().flatten() {
                let raw = &builder.products()[*product].raw;
                account_skus_seen |= raw.contains(':');
                licenses.push(ImportedLicense {
                    disabled_plans: disabled_plans.clone(),
                    ..plain_license(raw, *product)
                });
            }
        }
        if licenses.is_empty() && row.optional(layout.license_details).is_some() {
            license_state_unclear = true;
        }
        if let Some(states) = row
            .optional(layout.assignment_states)
            .and_then(graph_json::parse_states)
        {
            states_parsed = true;
            let products = builder.products();
            graph_json::annotate(&mut licenses, &states, |product| {
                products[product]
                    .resolution
                    .candidates()
                    .iter()
                    .map(|sku| sku.sku_id)
                    .collect()
            });
        }
        let account_enabled = match (layout.block_credential, layout.account_enabled) {
            (Some(block), _) => parse_bool(row.field(block)).map(|blocked| !blocked),
            (None, Some(enabled)) => parse_bool(row.field(enabled)),
            (None, None) => None,
        };
        builder.add_user(ImportedUser {
            line: row.line,
            object_id,
            user_principal_name: upn.to_owned(),
            display_name: text(row.optional(layout.display_name)),
            account_enabled,
            usage_location: text(row.optional(layout.usage_location)),
            guest: is_guest(upn, row.optional(layout.user_type)),
            licenses,
            license_state_unclear,
            conflicting_duplicate: false,
        })?;
    }
    if license_cells > 0 && type_name_cells == license_cells {
        return Err(type_names_only(file_name));
    }
    let format = if layout.format == Format::GraphPowershell && account_skus_seen {
        Format::Msonline
    } else {
        layout.format
    };
    let mut format_name = format.human_name().to_owned();
    if layout.localized {
        format_name.push_str(", localized headers");
    }
    let complete = matches!(
        format,
        Format::AdminCenterUsers | Format::AdminCenterUsersLegacy | Format::CippUsers
    );
    let has_account_column = layout.block_credential.is_some() || layout.account_enabled.is_some();
    let knows_object_ids = layout.object_id.is_some();
    if layout.localized {
        builder.warn(
            WarningCode::LocalizedHeaders,
            "The column names are not English; columns were identified by their position in the \
             admin center's export."
                .to_owned(),
        );
    }
    if layout.keyed_on_email {
        builder.warn(
            WarningCode::KeyedOnEmail,
            "The file names users by e-mail address, not user principal name; each user is \
             confirmed against the tenant before anything changes."
                .to_owned(),
        );
    }
    if type_name_cells > 0 {
        builder.warn_counting(
            WarningCode::TypeNames,
            format!(
                "{type_name_cells} licence value(s) are type names (such as System.Object[]) \
                 instead of licences; those users' licences are unknown."
            ),
            type_name_cells,
        );
    }
    Ok(builder.finish(Meta {
        format,
        format_name,
        encoding: encoding.to_owned(),
        delimiter: Some(table.delimiter_char()),
        complete,
        knows_groups: states_parsed,
        knows_disabled_plans: format == Format::Admindroid,
        knows_object_ids,
        knows_account_enabled: has_account_column,
    }))
}

fn object_id(row: &Row, column: Option<usize>, file_name: &str) -> Result<Option<Uuid>, FileError> {
    let Some(value) = row.optional(column) else {
        return Ok(None);
    };
    Uuid::parse_str(value).map(Some).map_err(|_| {
        FileError::at_line(
            FileErrorCode::BadValue,
            row.line,
            format!(
                "{file_name}, line {}: the object id {value:?} is not a GUID. The columns may be \
                 shifted on this line; check it, or export the file again.",
                row.line
            ),
        )
    })
}

/// The products in one cell, each with its disabled plans when the cell says.
type CellProducts = Vec<(usize, Option<Vec<Uuid>>)>;

fn parse_cell(cell: &str, kind: Cell, builder: &mut Builder) -> CellProducts {
    match kind {
        Cell::PlusJoined => split_products(cell, &['+'])
            .into_iter()
            .map(|raw| (builder.product(raw), None))
            .collect(),
        Cell::CommaJoined => split_products(cell, &[',', ';'])
            .into_iter()
            .map(|raw| (builder.product(raw), None))
            .collect(),
        Cell::PartWithPlans => split_outside_brackets(cell)
            .into_iter()
            .filter_map(|item| {
                let (part, plans) = match item.split_once('[') {
                    Some((part, rest)) => (part.trim(), Some(rest.trim_end_matches(']'))),
                    None => (item.trim(), None),
                };
                if part.is_empty() {
                    return None;
                }
                let product = builder.product(part);
                let disabled =
                    plans.and_then(|plans| disabled_plans(&builder.products()[product].resolution, plans));
                Some((product, disabled))
            })
            .collect(),
    }
}

/// AdminDroid lists the *enabled* plans by name; the disabled ones are the
/// product's other plans in Microsoft's table. Unknown when the product is
/// not one exact SKU or a listed plan is not in the table.
fn disabled_plans(resolution: &Resolution, enabled: &str) -> Option<Vec<Uuid>> {
    if enabled.trim().eq_ignore_ascii_case("All services") {
        return Some(Vec::new());
    }
    let (Resolution::Exact { sku } | Resolution::Alias { sku, .. }) = resolution else {
        return None;
    };
    let product = crate::catalog::catalog().by_sku_id(sku.sku_id)?;
    let enabled: Vec<&str> = enabled
        .split(',')
        .map(str::trim)
        .filter(|name| !name.is_empty())
        .collect();
    let all_listed_known = enabled.iter().all(|name| {
        product
            .service_plans
            .iter()
            .any(|plan| plan.name.eq_ignore_ascii_case(name))
    });
    if !all_listed_known {
        return None;
    }
    Some(
        product
            .service_plans
            .iter()
            .filter(|plan| !enabled.iter().any(|name| plan.name.eq_ignore_ascii_case(name)))
            .map(|plan| plan.id)
            .collect(),
    )
}

fn split_outside_brackets(cell: &str) -> Vec<&str> {
    let mut items = Vec::new();
    let mut depth = 0usize;
    let mut start = 0;
    for (index, character) in cell.char_indices() {
        match character {
            '[' => depth += 1,
            ']' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => {
                items.push(&cell[start..index]);
                start = index + 1;
            }
            _ => {}
        }
    }
    items.push(&cell[start..]);
    items
}

fn usage_report(file_name: &str) -> FileError {
    FileError::new(
        FileErrorCode::UsageReport,
        format!(
            "{file_name} is Microsoft 365's usage report (Reports → Usage → Active users). It shows \
             activity, often with user names concealed, not who holds which licence, so removals \
             cannot be planned from it. Export the users from the Microsoft 365 admin center instead: \
             Users → Active users → Export users."
        ),
    )
}

fn type_names_only(file_name: &str) -> FileError {
    FileError::new(
        FileErrorCode::NoLicenseData,
        format!(
            "{file_name} has type names (such as System.Object[] or [object Object]) where the licences \
             should be: the script or tool wrote the objects, not their values. Export the users from \
             the Microsoft 365 admin center (Users → Active users → Export users), or join the \
             licences in the script, e.g. (Get-MgUserLicenseDetail -UserId $id).SkuPartNumber -join \", \"."
        ),
    )
}

fn no_license_data(table: &Table, file_name: &str) -> FileError {
    let entra_download = table.has("userprincipalname")
        && (table.has("usertype") || table.has("creationtype") || table.has("objectid") || table.has("id"));
    let what = if entra_download {
        "is a user list from Microsoft Entra (Users → All users → Download users) and has no licence column"
    } else {
        "lists users but has no licence column"
    };
    FileError::new(
        FileErrorCode::NoLicenseData,
        format!(
            "{file_name} {what}, so it cannot show who holds which licence. Export the users from the \
             Microsoft 365 admin center instead: Users → Active users → Export users."
        ),
    )
}

fn unrecognised(table: &Table, file_name: &str) -> FileError {
    let shown: Vec<&str> = table.header.iter().take(6).map(String::as_str).collect();
    let looks_like_licenses_report = table.has("license") && table.has("countused");
    let hint = if looks_like_licenses_report {
        " It looks like a licence summary (one row per product): it does not say which user holds what."
    } else {
        ""
    };
    FileError::at_line(
        FileErrorCode::UnrecognisedFormat,
        1,
        format!(
            "{file_name} is not a user export License Desk knows (its header starts: {}).{hint} \
             Expected the Microsoft 365 admin center's Users → Active users → Export users file, a \
             PowerShell report with UserPrincipalName and Licenses columns, a CIPP Users export, or a \
             saved Graph /users JSON response.",
            shown.join(", ")
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table::header_key;

    #[test]
    fn the_layouts_keep_dir_sync_enabled_where_localized_files_have_it() {
        assert_eq!(header_key(ADMIN_CENTER_HEADER[1]), "dirsyncenabled");
        assert_eq!(header_key(ADMIN_CENTER_LEGACY_HEADER[4]), "dirsyncenabled");
    }

    #[test]
    fn admindroid_cells_split_between_brackets_only() {
        assert_eq!(
            split_outside_brackets("SPB[All services],FLOW_FREE[FLOW_P2_VIRAL,DYN365_CDS_VIRAL]"),
            vec!["SPB[All services]", "FLOW_FREE[FLOW_P2_VIRAL,DYN365_CDS_VIRAL]"]
        );
    }
}
