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
}

fn default_country() -> String {
    "SE".to_owned()
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
