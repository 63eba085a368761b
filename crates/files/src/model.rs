//! What an imported file says, in neutral terms: no Graph types, nothing
//! resolved against a live tenant yet.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The kinds of file this crate reads, recognised by content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    /// Microsoft 365 admin center, Active users → Export users (28 columns).
    AdminCenterUsers,
    /// The same export in its older 32-column, alphabetical layout.
    AdminCenterUsersLegacy,
    /// A PowerShell report with a UPN and a licence column (Graph
    /// PowerShell's part numbers, or names as some scripts write them).
    GraphPowershell,
    /// An MSOnline (`Get-MsolUser`) report: UPN and `tenant:PART` AccountSkuIds.
    Msonline,
    /// AdminDroid's simple licence report: `PART[services]`.
    Admindroid,
    /// CIPP's Users page exported as CSV.
    CippUsers,
    /// A saved Graph `/users` response (JSON).
    GraphUsersJson,
}

impl Format {
    /// The short, stable name (as serialized).
    pub fn short_name(self) -> &'static str {
        match self {
            Format::AdminCenterUsers => "admin_center_users",
            Format::AdminCenterUsersLegacy => "admin_center_users_legacy",
            Format::GraphPowershell => "graph_powershell",
            Format::Msonline => "msonline",
            Format::Admindroid => "admindroid",
            Format::CippUsers => "cipp_users",
            Format::GraphUsersJson => "graph_users_json",
        }
    }

    /// What an admin would call the file.
    pub fn human_name(self) -> &'static str {
        match self {
            Format::AdminCenterUsers => "Microsoft 365 admin center user export",
            Format::AdminCenterUsersLegacy => {
                "Microsoft 365 admin center user export (older layout, before mid-2023)"
            }
            Format::GraphPowershell => "PowerShell licence report",
            Format::Msonline => "MSOnline PowerShell licence report (AccountSkuIds)",
            Format::Admindroid => "AdminDroid user licence report",
            Format::CippUsers => "CIPP Users export",
            Format::GraphUsersJson => "Saved Microsoft Graph users (JSON)",
        }
    }
}

/// Everything a file says about users and their licences.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Imported {
    pub format: Format,
    pub format_name: String,
    /// `UTF-8`, `UTF-8 (BOM)`, `UTF-16LE`, `UTF-16BE` or `windows-1252`.
    pub encoding: String,
    /// The CSV delimiter; `None` for JSON.
    pub delimiter: Option<char>,
    /// False when the file cannot list every user (licensed-only reports, a
    /// single Graph page): absence from it proves nothing.
    pub complete: bool,
    /// Whether licences say which groups hold them.
    pub knows_groups: bool,
    /// Whether licences say which service plans are turned off.
    pub knows_disabled_plans: bool,
    /// Whether users carry their Entra object id.
    pub knows_object_ids: bool,
    /// Whether the file says if sign-in is blocked.
    pub knows_account_enabled: bool,
    pub users: Vec<ImportedUser>,
    /// Every product written in the file, once per distinct spelling.
    pub products: Vec<ImportedProduct>,
    pub warnings: Vec<Warning>,
}

/// One user as the file lists them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportedUser {
    /// The line where the user's row (or JSON object) starts, 1-based.
    pub line: usize,
    pub object_id: Option<Uuid>,
    pub user_principal_name: String,
    pub display_name: Option<String>,
    pub account_enabled: Option<bool>,
    pub usage_location: Option<String>,
    pub licenses: Vec<ImportedLicense>,
    /// The file hints at licences it does not list (assignment errors, a
    /// missing licence field): never read this user as unlicensed.
    pub license_state_unclear: bool,
    /// An external (B2B) account.
    pub guest: bool,
    /// The file lists this user more than once with different content;
    /// nothing should be planned for them from this file.
    pub conflicting_duplicate: bool,
}

/// One licence a user holds, as written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportedLicense {
    /// The text the file used for it (name, part number, AccountSkuId, GUID).
    pub raw: String,
    /// Index into [`Imported::products`].
    pub product: usize,
    /// Service plans turned off; `None` when the file does not say.
    pub disabled_plans: Option<Vec<Uuid>>,
    /// Groups that assign it; `None` when the file does not say.
    pub via_groups: Option<Vec<Uuid>>,
    /// Whether it is also assigned directly; `None` when the file does not say.
    pub direct: Option<bool>,
}

/// One product as written in the file, resolved against Microsoft's table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportedProduct {
    pub raw: String,
    pub resolution: Resolution,
    /// How many users hold it.
    pub holders: u32,
    /// A free or trial SKU (no cost): true only when every candidate is.
    pub free_or_trial: bool,
}

/// A SKU from Microsoft's table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sku {
    pub sku_id: Uuid,
    pub part_number: String,
    pub name: String,
}

/// How a written product maps to Microsoft's table. Offline, a name is never
/// turned into a guessed SKU: ambiguity is kept for the live tenant to settle.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Resolution {
    /// The text is a current name, part number or id of exactly one SKU.
    Exact { sku: Sku },
    /// The text is an old, other-language or other-tool name of one SKU.
    Alias { sku: Sku, written_as: String },
    /// The text fits several SKUs. `alias_of` names the catalog name when
    /// the text was an alias of an ambiguous name.
    Ambiguous {
        candidates: Vec<Sku>,
        alias_of: Option<String>,
    },
    /// Not in Microsoft's table; kept verbatim.
    Unknown,
}

impl Resolution {
    /// Every SKU the text may stand for.
    pub fn candidates(&self) -> Vec<&Sku> {
        match self {
            Resolution::Exact { sku } | Resolution::Alias { sku, .. } => vec![sku],
            Resolution::Ambiguous { candidates, .. } => candidates.iter().collect(),
            Resolution::Unknown => Vec::new(),
        }
    }
}

/// Something the admin should know about the file; the import still stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Warning {
    pub code: WarningCode,
    /// In English, for the command line; a window says it in the admin's
    /// language from the code and the figures below.
    pub message: String,
    /// The users concerned (UPNs), if any.
    pub users: Vec<String>,
    /// How many users, rows or values it concerns (0 when it counts none).
    pub count: usize,
    /// The products it names, as the file writes them, with their holders.
    pub products: Vec<(String, u32)>,
    /// The file's lines it names (the first ten).
    pub lines: Vec<usize>,
}

/// What a [`Warning`] is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WarningCode {
    /// Users listed more than once with the same content.
    DuplicateRows,
    /// Users listed more than once with different content.
    ConflictingDuplicates,
    /// Rows with no user principal name, skipped.
    RowsWithoutUpn,
    /// Products not in Microsoft's product list.
    UnknownProducts,
    /// Names that belong to more than one product.
    AmbiguousProducts,
    /// Products written with an older or other-language name.
    RenamedProducts,
    /// Users whose licences the file hints at but does not list.
    LicenseStateUnclear,
    /// Letters lost to `?` by an ASCII save.
    ReplacedCharacters,
    /// A file that lists only some users.
    PartialFile,
    /// Column names not in English.
    LocalizedHeaders,
    /// Users named by e-mail address, not user principal name.
    KeyedOnEmail,
    /// Licence cells holding type names (`System.Object[]`).
    TypeNames,
}

impl WarningCode {
    /// The stable snake_case code (as serialized).
    pub fn as_str(self) -> &'static str {
        match self {
            WarningCode::DuplicateRows => "duplicate_rows",
            WarningCode::ConflictingDuplicates => "conflicting_duplicates",
            WarningCode::RowsWithoutUpn => "rows_without_upn",
            WarningCode::UnknownProducts => "unknown_products",
            WarningCode::AmbiguousProducts => "ambiguous_products",
            WarningCode::RenamedProducts => "renamed_products",
            WarningCode::LicenseStateUnclear => "license_state_unclear",
            WarningCode::ReplacedCharacters => "replaced_characters",
            WarningCode::PartialFile => "partial_file",
            WarningCode::LocalizedHeaders => "localized_headers",
            WarningCode::KeyedOnEmail => "keyed_on_email",
            WarningCode::TypeNames => "type_names",
        }
    }
}
