//! The tenant as data: the documented JSON fixture format.
//!
//! A fixture holds what an admin would see in the admin center: products
//! (with their service plans and seats), subscriptions, groups (and the
//! licenses they hand out), users (with the licenses assigned to them
//! directly, their group memberships and directory roles) and app
//! registrations. Everything Graph derives (license states, consumed units,
//! merged assignments) is computed from it, never stored, so it cannot drift.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Tenant {
    pub id: Uuid,
    pub display_name: String,
    /// Verified domains; the first is the default, and one ends in `.onmicrosoft.com`.
    pub domains: Vec<String>,
    #[serde(default = "default_country")]
    pub country_letter_code: String,
    pub products: Vec<Product>,
    #[serde(default)]
    pub subscriptions: Vec<Subscription>,
    #[serde(default)]
    pub groups: Vec<Group>,
    pub users: Vec<User>,
    /// App registrations besides the two every tenant carries
    /// (see [`crate::apps`]).
    #[serde(default)]
    pub apps: Vec<AppRegistration>,
    /// The delegated Graph permissions an administrator has consented to
    /// for everyone in the tenant (what `.default` stands for). A refresh
    /// token is redeemed for these, and for what its user consented to
    /// when signing in; anything else needs an interactive sign-in
    /// (`AADSTS65001`).
    #[serde(default = "default_consent")]
    pub consented_permissions: Vec<String>,
    /// Reports show hashes instead of user, group and site names (Microsoft
    /// 365 admin center: Settings → Org settings → Services → Reports), as
    /// tenants do by default.
    #[serde(default = "yes")]
    pub display_concealed_names: bool,
}

fn default_country() -> String {
    "SE".to_owned()
}

/// What an administrator consented to when License Desk was first used:
/// the permissions it signs in with.
pub const DEFAULT_CONSENT: [&str; 6] = [
    "User.Read",
    "User.Read.All",
    "LicenseAssignment.ReadWrite.All",
    "Organization.Read.All",
    "RoleManagement.Read.Directory",
    "GroupMember.Read.All",
];

/// The permissions the savings view asks for on top (sign-in dates, the
/// usage report, whether reports conceal names).
pub const SAVINGS_PERMISSIONS: [&str; 3] =
    ["AuditLog.Read.All", "Reports.Read.All", "ReportSettings.Read.All"];

pub fn default_consent() -> Vec<String> {
    DEFAULT_CONSENT.iter().map(|p| (*p).to_owned()).collect()
}

impl Tenant {
    /// Entra ID P1 or P2: a product in use that carries `AAD_PREMIUM` or
    /// `AAD_PREMIUM_P2`. Without it Graph keeps no sign-in dates.
    pub fn has_entra_premium(&self) -> bool {
        self.products
            .iter()
            .filter(|p| matches!(p.capability_status.as_str(), "Enabled" | "Warning"))
            .any(|p| {
                p.service_plans.iter().any(|s| {
                    s.service_plan_name.eq_ignore_ascii_case("AAD_PREMIUM")
                        || s.service_plan_name.eq_ignore_ascii_case("AAD_PREMIUM_P2")
                })
            })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Product {
    pub sku_id: Uuid,
    pub sku_part_number: String,
    #[serde(default = "default_applies_to")]
    pub applies_to: String,
    /// Enabled, Warning, Suspended, Deleted or LockedOut.
    #[serde(default = "default_capability")]
    pub capability_status: String,
    pub prepaid_units: PrepaidUnits,
    pub service_plans: Vec<ServicePlan>,
}

fn default_applies_to() -> String {
    "User".to_owned()
}

fn default_capability() -> String {
    "Enabled".to_owned()
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PrepaidUnits {
    pub enabled: u32,
    #[serde(default)]
    pub locked_out: u32,
    #[serde(default)]
    pub suspended: u32,
    #[serde(default)]
    pub warning: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServicePlan {
    pub service_plan_id: Uuid,
    pub service_plan_name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Subscription {
    pub id: Uuid,
    pub commerce_subscription_id: Uuid,
    pub sku_id: Uuid,
    /// `User` marks a self-service purchase (see [`crate::directory::is_self_service`]).
    #[serde(default)]
    pub owner_type: Option<String>,
    #[serde(default)]
    pub owner_id: Option<Uuid>,
    /// Enabled, Warning, Suspended, Deleted or LockedOut.
    pub status: String,
    pub total_licenses: u32,
    #[serde(default)]
    pub is_trial: bool,
    pub created_date_time: String,
    #[serde(default)]
    pub next_lifecycle_date_time: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Group {
    pub id: Uuid,
    pub display_name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub mail_enabled: bool,
    #[serde(default)]
    pub mail: Option<String>,
    #[serde(default = "yes")]
    pub security_enabled: bool,
    /// Set for dynamic groups: the rule that decides membership.
    #[serde(default)]
    pub membership_rule: Option<String>,
    /// True for groups synced from on-premises Active Directory.
    #[serde(default)]
    pub on_premises_sync_enabled: Option<bool>,
    /// Licenses every member receives (group-based licensing).
    #[serde(default)]
    pub assigned_licenses: Vec<AssignedLicense>,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct User {
    pub id: Uuid,
    pub display_name: String,
    #[serde(default)]
    pub given_name: Option<String>,
    #[serde(default)]
    pub surname: Option<String>,
    pub user_principal_name: String,
    #[serde(default)]
    pub mail: Option<String>,
    #[serde(default)]
    pub job_title: Option<String>,
    #[serde(default)]
    pub department: Option<String>,
    /// Two-letter country code; licenses cannot be assigned without one.
    #[serde(default)]
    pub usage_location: Option<String>,
    #[serde(default = "yes")]
    pub account_enabled: bool,
    pub created_date_time: String,
    /// Licenses assigned to the user directly (not through a group).
    #[serde(default)]
    pub assigned_licenses: Vec<AssignedLicense>,
    /// Ids of the groups the user is a member of.
    #[serde(default)]
    pub member_of: Vec<Uuid>,
    /// Role template ids of the directory roles the user holds.
    #[serde(default)]
    pub directory_roles: Vec<Uuid>,
    /// When the user last signed in (Graph's `signInActivity`); none for
    /// an account nobody has signed in to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sign_in_activity: Option<SignInActivity>,
}

/// A user's last sign-ins, each ISO 8601 UTC (`2026-11-20T08:14:03Z`),
/// absent when there was none.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SignInActivity {
    #[serde(default)]
    pub last_sign_in_date_time: Option<String>,
    #[serde(default)]
    pub last_non_interactive_sign_in_date_time: Option<String>,
    #[serde(default)]
    pub last_successful_sign_in_date_time: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AssignedLicense {
    pub sku_id: Uuid,
    #[serde(default)]
    pub disabled_plans: Vec<Uuid>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AppRegistration {
    pub app_id: Uuid,
    pub display_name: String,
    /// A public client (desktop, no secret) signs users in; a confidential
    /// one has a secret and may use the client credentials grant.
    #[serde(default)]
    pub secret: Option<String>,
    /// Application permissions granted (with admin consent) for app-only use.
    #[serde(default)]
    pub application_permissions: Vec<String>,
}
