//! What the views show of a tenant, as it crosses to the UI.

use serde::{Deserialize, Serialize};

/// A product's state as Microsoft reports it (`capabilityStatus`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum ProductStatus {
    Enabled,
    /// Expired, in its grace period: still works, must be renewed.
    Warning,
    /// Cancelled; can still be reactivated for a while.
    Suspended,
    /// Locked by Microsoft (e.g. unpaid); users lose access.
    LockedOut,
    Deleted,
}

impl ProductStatus {
    pub fn from_graph(status: &str) -> Self {
        match status {
            "Warning" => Self::Warning,
            "Suspended" => Self::Suspended,
            "LockedOut" => Self::LockedOut,
            "Deleted" => Self::Deleted,
            _ => Self::Enabled,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ProductSummary {
    pub sku_id: String,
    pub part_number: String,
    /// Microsoft's name for it; `None` when unknown (show the part number).
    pub name: Option<String>,
    pub status: ProductStatus,
    /// Seats that can be assigned: enabled plus those in their grace period.
    pub seats: u32,
    pub assigned: u32,
    /// May be negative when more are assigned than paid for.
    pub available: i32,
    /// Bought by a user themselves: admins cannot change its licenses.
    pub self_service: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct AdminSummary {
    pub display_name: String,
    pub user_principal_name: String,
    /// Which of Global, License or User Administrator (or Directory
    /// Writers) the admin holds; empty means they cannot change licenses.
    pub license_roles: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct TenantOverview {
    pub tenant_name: String,
    pub admin: Option<AdminSummary>,
    pub products: Vec<ProductSummary>,
    pub users_total: u32,
    pub users_licensed: u32,
    /// Disabled accounts that still hold at least one license.
    pub disabled_with_licenses: u32,
    /// Set when the picture comes from a file: what it is and what it
    /// cannot tell.
    pub offline: Option<OfflineFile>,
}

/// A file opened for review with no sign-in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct OfflineFile {
    /// The file's name.
    pub file: String,
    /// What kind of file it is (the window names it in the admin's language).
    pub kind: FileKind,
    /// When the picture was taken (seconds since the Unix epoch): as the
    /// file says, or else when the file was last saved.
    pub taken_at: Option<u32>,
    /// `taken_at` is the file's own date, not one the file states.
    pub taken_at_is_file_date: bool,
    /// Every user of the tenant is in the file.
    pub complete: bool,
    /// The file says which licenses come from groups.
    pub knows_groups: bool,
    /// The file says which service plans are switched off.
    pub knows_disabled_plans: bool,
    /// The file gives users' object ids (otherwise they are matched by
    /// user name when a plan is applied).
    pub knows_object_ids: bool,
    /// The file gives paid seats per product.
    pub knows_seats: bool,
    /// What the admin should know about the file.
    pub warnings: Vec<FileWarning>,
}

/// The kinds of file License Desk reviews.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum FileKind {
    /// License Desk's own export.
    LicenseDeskExport,
    /// The Microsoft 365 admin center's user export.
    AdminCenterUsers,
    /// The same export in its older layout.
    AdminCenterUsersLegacy,
    /// A PowerShell license report.
    GraphPowershell,
    /// An MSOnline PowerShell report (AccountSkuIds).
    Msonline,
    /// AdminDroid's license report.
    Admindroid,
    /// CIPP's user export.
    CippUsers,
    /// Saved Microsoft Graph users (JSON).
    GraphUsersJson,
}

/// Something the admin should know about a file before trusting it; the
/// window says it in the admin's language from its code and figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct FileWarning {
    pub code: FileWarningCode,
    /// How many users, rows or values it concerns (0 when it counts none).
    pub count: u32,
    /// The products it names, as the file writes them.
    pub products: Vec<ProductMention>,
    /// The file's lines it names (the first ten of `count`).
    pub lines: Vec<u32>,
}

/// A product as a file writes it, and how many users hold it there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ProductMention {
    pub name: String,
    pub holders: u32,
}

/// What a [`FileWarning`] is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum FileWarningCode {
    /// Users listed more than once with the same details (read once).
    DuplicateRows,
    /// Users listed more than once with different details (nothing planned for them).
    ConflictingDuplicates,
    /// Rows with no user name, skipped.
    RowsWithoutUpn,
    /// Products not in Microsoft's product list.
    UnknownProducts,
    /// Names that belong to more than one product.
    AmbiguousProducts,
    /// Products written with an older or other-language name.
    RenamedProducts,
    /// Users whose licenses the file hints at but does not list.
    LicenseStateUnclear,
    /// Letters lost to `?` by a save as ASCII.
    ReplacedCharacters,
    /// The file lists only some users.
    PartialFile,
    /// Column names not in English.
    LocalizedHeaders,
    /// Users named by email address, not user name.
    KeyedOnEmail,
    /// License values that are type names (`System.Object[]`).
    TypeNames,
}

/// What changed for one item of a saved plan since its file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum PlanDrift {
    /// As the file showed it.
    Unchanged,
    /// The license is already gone.
    AlreadyGone,
    /// The user now holds it through a group (only, or as well).
    NowThroughGroup,
    /// No such user any more.
    UserGone,
    /// The same person (same object id) under another user name.
    Renamed,
    /// The tenant no longer has the product.
    ProductGone,
    /// The file's name fitted several products; what the user really holds
    /// decided which.
    Resolved,
    /// The file's name fits several products the user holds: nothing is
    /// done, as it cannot be told which was meant.
    StillAmbiguous,
    /// Not a name License Desk knows, so it cannot be applied.
    UnknownProduct,
}

/// One item of a saved plan that changed since its file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct PlanDriftRow {
    pub user_principal_name: String,
    pub display_name: Option<String>,
    /// The user name the tenant has now, when it differs.
    pub now_user_principal_name: Option<String>,
    pub product: String,
    pub drift: PlanDrift,
}

/// A saved plan checked against the live tenant, before it runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct SavedPlanCheck {
    /// The file the plan was made from.
    pub from_file: String,
    /// When that file's picture was taken, where known.
    pub taken_at: Option<u32>,
    /// Users were matched by user name: the file had no object ids.
    pub matched_by_user_name: bool,
    pub items: u32,
    /// Only the items that changed since the file.
    pub changed: Vec<PlanDriftRow>,
    /// What will be done now, as any plan is shown.
    pub preview: PlanPreview,
}

/// How far reading a tenant has come.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct LoadProgress {
    pub users_loaded: u32,
    pub users_total: Option<u32>,
}

/// A finished sign-in: the tenant read, and whether the sign-in was kept
/// in the OS keychain for next time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct SignedIn {
    pub overview: TenantOverview,
    /// False when no keychain could be used: signed in for this run only.
    pub remembered: bool,
}

/// What the admin needs to finish a device code sign-in elsewhere.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct DeviceCodePrompt {
    pub user_code: String,
    pub verification_uri: String,
}

/// What the plan says of one (user, product).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum PlanVerdict {
    Remove,
    RemoveDirectSeatStays,
    InheritedOnly,
    SelfService,
    AlreadyGone,
    UserNotFound,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct PlanRow {
    pub user: String,
    pub verdict: PlanVerdict,
    /// The groups that give the license, where that matters.
    pub groups: Vec<String>,
}

/// What a removal really does to a person, from the service plans they
/// have before and after it. Stable codes: scripts and the UI rely on them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum Consequence {
    /// Their last Exchange Online plan goes: the mailbox is kept 30 days,
    /// then deleted (kept as inactive under a hold on Enterprise plans),
    /// and leaves eDiscovery searches.
    Mailbox,
    /// Their last SharePoint or OneDrive plan goes: their OneDrive is kept
    /// for the retention period, then deleted.
    Onedrive,
    /// Their last Microsoft 365 Apps plan goes: Word, Excel and Outlook say
    /// "unlicensed" and turn read-only.
    OfficeApps,
    /// They can no longer use Teams.
    Teams,
    /// Power BI Pro or Premium per user goes: shared reports stop working for them.
    PowerBi,
    /// Intune goes: their devices are no longer managed.
    Intune,
    /// Entra ID P1 goes: conditional access and self-service password reset stop applying.
    EntraP1,
    /// Entra ID P2 goes: risk-based sign-in protection stops applying.
    EntraP2,
    /// They keep every service: no effect on mail, files or apps.
    NoEffect,
    /// What the product carries is not known, so neither is the effect.
    Unknown,
}

/// One person of a plan: what happens to each of their items, and what
/// that really does to them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct PlanPerson {
    pub display_name: Option<String>,
    pub user_principal_name: String,
    pub items: Vec<PlanPersonItem>,
    pub consequences: Vec<Consequence>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct PlanPersonItem {
    pub product: String,
    pub verdict: PlanVerdict,
    /// The groups that give the license, where that matters.
    pub groups: Vec<String>,
}

/// How many people a consequence touches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ConsequenceCount {
    pub consequence: Consequence,
    pub people: u32,
}

/// A plan shown before anything changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct PlanPreview {
    pub product: String,
    pub will_remove: u32,
    pub seats_freed: u32,
    pub seat_stays: u32,
    pub cannot: u32,
    /// Every item that is not a plain removal, for the admin to read.
    pub notes: Vec<PlanRow>,
    /// Everyone the plan names, with their items and consequences.
    pub people: Vec<PlanPerson>,
    /// Each consequence with the number of people it touches.
    pub consequences: Vec<ConsequenceCount>,
    /// The signed-in admin is among the people who lose a license.
    pub includes_signed_in_admin: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct RunProgress {
    pub done: u32,
    pub failed: u32,
    pub remaining: u32,
    /// Changes made per second so far.
    pub per_second: f64,
    pub seconds_left: Option<u32>,
    /// Waiting on Microsoft's limit, this many seconds.
    pub waiting_seconds: Option<u32>,
    /// Changes sent and not answered yet.
    pub in_flight: u32,
    /// Stop was asked for: what is in flight finishes, nothing more is sent.
    pub stopping: bool,
    /// No answer for this many seconds (no limit explains it); the time
    /// left is then unknown.
    pub silent_seconds: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct RunFailure {
    pub user: String,
    /// The user's id, so the failed can be planned again.
    pub user_id: Option<String>,
    pub sku_id: String,
    pub reason: String,
}

/// Seats one run freed of one product.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct FreedSeats {
    pub sku_id: String,
    pub part_number: String,
    pub name: String,
    pub seats: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct RunSummary {
    pub run: String,
    pub done: u32,
    /// Seats this run freed (removals no group kept taken). They are still
    /// paid for until the subscription is reduced.
    pub seats_freed: u32,
    /// The same seats, per product.
    pub freed: Vec<FreedSeats>,
    pub failed: u32,
    pub not_run: u32,
    /// Items the run was given, whatever became of them.
    pub total: u32,
    /// Stopped by the admin before every item was sent.
    pub stopped: bool,
    /// People and products the plan left alone (held through a group,
    /// self-service, already gone, not found).
    pub skipped: u32,
    /// The items left not run, to plan again.
    pub not_run_items: Vec<UserProduct>,
    /// Everyone the run was given, by name, with what became of each item.
    pub people: Vec<ResultPerson>,
    pub failures: Vec<RunFailure>,
    /// The tenant as read again after the run.
    pub overview: TenantOverview,
}

/// A run that stopped before it finished (a crash, a closed lid, a lost
/// network), offered for resuming.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct InterruptedRun {
    pub run: String,
    /// Items settled so far, of `total`.
    pub settled: u32,
    pub total: u32,
    pub undo: bool,
    /// The products it changes, by name.
    pub products: Vec<String>,
    /// The people it changes.
    pub users: u32,
    /// When it started (seconds since 1970, UTC).
    pub started_at: u32,
}

/// One person of a run, and what became of each of their items.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ResultPerson {
    pub display_name: Option<String>,
    pub user_principal_name: String,
    pub items: Vec<ResultItem>,
}

/// One (person, product) of a run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct ResultItem {
    /// The product by name.
    pub product: String,
    pub result: ItemResult,
    /// Why, when it was not done: Microsoft's words for a failure.
    pub reason: Option<String>,
}

/// What became of one item of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum ItemResult {
    Failed,
    /// Not checked yet: sent, with no answer (resume the run to check).
    Unknown,
    NotRun,
    Done,
    /// Left alone by the plan (held through a group, self-service, already
    /// gone, not found) or, for an undo, already back.
    Skipped,
}

/// One product of one user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct UserProduct {
    pub user_id: String,
    pub sku_id: String,
}

/// One license of one user, and how it is held.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct UserLicense {
    pub sku_id: String,
    pub name: String,
    /// Assigned to the user directly (so it can be removed from the user).
    pub direct: bool,
    /// The groups that give it, if any.
    pub groups: Vec<String>,
}

/// One license of one user in full: how it is held, whether it can be
/// removed here and why not, and the apps (service plans) it gives.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct LicenseDetail {
    pub sku_id: String,
    pub name: String,
    pub part_number: String,
    /// Assigned to the user directly.
    pub direct: bool,
    /// The groups that give it.
    pub groups: Vec<GroupHold>,
    /// Why it cannot be removed from this user here; none when it can.
    pub lock: Option<LicenseLock>,
    /// Its apps, each on or switched off for this user.
    pub apps: Vec<LicenseApp>,
}

/// A group a license comes through.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct GroupHold {
    pub name: String,
    /// Synced from an on-premises directory: its members change there.
    pub synced: bool,
}

/// Why a license cannot be removed from a user here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum LicenseLock {
    /// Held only through groups: it goes when the user leaves them.
    OnlyThroughGroups,
    /// A user bought it: an admin must take the subscription over first.
    SelfService,
}

/// One app (service plan) of a license.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct LicenseApp {
    /// Microsoft's name for it, e.g. `Exchange Online (Plan 1)`.
    pub name: String,
    /// `servicePlanName`, e.g. `EXCHANGE_S_STANDARD`.
    pub plan: String,
    /// On for this user (not switched off in every way they hold it);
    /// none when the source cannot tell (a file without disabled plans).
    pub on: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct UserRow {
    pub id: String,
    pub display_name: String,
    pub user_principal_name: String,
    pub enabled: bool,
    pub licenses: Vec<UserLicense>,
}

/// Which users to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum UserFilter {
    All,
    Unlicensed,
    /// Disabled accounts that still hold licenses.
    DisabledLicensed,
    /// Holding at least one license through a group.
    ThroughGroup,
}

/// How to order the users.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum UserSort {
    Name,
    UserName,
    /// Most licenses first (then by name).
    MostLicenses,
}

/// Which users to list, in which order.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct UserQuery {
    /// Part of a name or user principal name, any case; empty for all.
    pub search: String,
    pub filter: UserFilter,
    /// Only the holders of this product (directly or through a group).
    pub product: Option<String>,
    pub sort: UserSort,
}

impl UserQuery {
    /// Everyone, by name.
    pub fn everyone() -> Self {
        Self {
            search: String::new(),
            filter: UserFilter::All,
            product: None,
            sort: UserSort::Name,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct UserPage {
    /// How many users match, of which `rows` is one window.
    pub total: u32,
    pub offset: u32,
    pub rows: Vec<UserRow>,
}

/// What to plan removing.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, specta::Type)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RemovalRequest {
    /// A product from everyone who holds it.
    AllHolders { sku_id: String },
    /// These products from these users.
    Users {
        user_ids: Vec<String>,
        sku_ids: Vec<String>,
    },
    /// Every product these users hold.
    EverythingOf { user_ids: Vec<String> },
    /// These products of these users, each pair once (the rest of a
    /// stopped run).
    Items { items: Vec<UserProduct> },
}

/// How a past run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum RunState {
    Finished,
    Cancelled,
    /// Stopped by a crash or a lost connection; it can be resumed.
    Interrupted,
    /// Its record is damaged or cut short: what it recorded is settled,
    /// the rest cannot be known from it.
    Damaged,
}

/// One past run of the open tenant, for the run history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct RunEntry {
    pub run: String,
    /// Seconds since 1970 (UTC).
    pub started_at: u32,
    pub undo: bool,
    /// The run this one undid, for an undo.
    pub undoes: Option<String>,
    /// The products it touched, by name.
    pub products: Vec<String>,
    pub users: u32,
    pub state: RunState,
    pub done: u32,
    pub failed: u32,
    /// Undone since (an undo of it finished).
    pub undone: bool,
}

/// The file formats results are exported in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, specta::Type)]
#[serde(rename_all = "snake_case")]
pub enum ExportFormat {
    /// For a person: the app's language, Excel's separator for it.
    Csv,
    /// An Excel workbook, in the app's language.
    Xlsx,
    /// For programs: stable keys, English codes.
    Json,
}
