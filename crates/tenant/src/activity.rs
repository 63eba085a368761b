//! What a picture knows of who uses what: users' sign-ins and Microsoft
//! 365's usage report. Each is either read or says why it could not be, so
//! a finding never rests on data the tenant did not give.

use serde::{Deserialize, Serialize};

/// Activity beside a picture's users.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Activity {
    pub sign_ins: SignIns,
    pub usage: Usage,
}

/// Whether the users' `signInActivity` was read.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SignIns {
    /// Not asked for (yet).
    #[default]
    NotRead,
    /// Read; the users carry their dates (`User::sign_in_activity`).
    Read {
        /// When it was read (seconds since the Unix epoch).
        at: u64,
    },
    /// The tenant has no Entra ID P1 or P2, so Graph keeps no sign-in dates
    /// for it (403 `Authentication_RequestFromNonPremiumTenantOrB2CTenant`).
    NotPremium,
    /// The admin has not granted AuditLog.Read.All (or lacks the role).
    NotPermitted,
}

/// Whether the "active users" usage report was read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Usage {
    #[default]
    NotRead,
    Read(UsageReport),
    /// The admin has not granted Reports.Read.All (or lacks the role).
    NotPermitted,
}

/// Microsoft 365's "active users" report (`getOffice365ActiveUserDetail`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageReport {
    /// The period asked for: 7, 30, 90 or 180 days.
    pub period_days: u32,
    /// The report's "Report Refresh Date" (`YYYY-MM-DD`), where given.
    pub refreshed_on: Option<String>,
    /// The tenant hides names in reports: the rows carry hashes, which are
    /// never matched to people.
    pub concealed: bool,
    pub rows: Vec<UsageRow>,
}

/// One user's line of the usage report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageRow {
    /// The user name, or a hash when names are concealed.
    pub user_principal_name: String,
    pub display_name: Option<String>,
    pub is_deleted: bool,
    /// The latest of the per-service "Last Activity Date" columns
    /// (`YYYY-MM-DD`); none when the user did nothing in the period.
    pub last_activity: Option<String>,
    /// "Assigned Products" as written (upper-case product names).
    pub assigned_products: Vec<String>,
}
