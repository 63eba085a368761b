//! What a tenant holds, in Microsoft Graph's own shapes (camelCase on the
//! wire): Graph answers decode straight into these, and our export file
//! writes them back the same way.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AssignedLicense {
    pub sku_id: Uuid,
    #[serde(default)]
    pub disabled_plans: Vec<Uuid>,
}

/// One way a user holds a license: directly (`assigned_by_group` is
/// `None`) or through one group. A license can appear once per way.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LicenseAssignmentState {
    pub sku_id: Uuid,
    #[serde(default)]
    pub disabled_plans: Vec<Uuid>,
    #[serde(default)]
    pub assigned_by_group: Option<Uuid>,
    #[serde(default)]
    pub state: Option<String>,
    /// `"None"` (a string) when all is well.
    #[serde(default)]
    pub error: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct User {
    pub id: Uuid,
    pub display_name: Option<String>,
    pub user_principal_name: String,
    #[serde(default)]
    pub account_enabled: Option<bool>,
    #[serde(default)]
    pub usage_location: Option<String>,
    #[serde(default)]
    pub department: Option<String>,
    #[serde(default)]
    pub assigned_licenses: Vec<AssignedLicense>,
    #[serde(default)]
    pub license_assignment_states: Vec<LicenseAssignmentState>,
    /// When the account was made (ISO 8601, UTC), where known: a user who
    /// never signed in counts as inactive from this day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_date_time: Option<String>,
    /// When the user last signed in, where the tenant could tell (Graph
    /// gives it only with AuditLog.Read.All on Entra ID P1 or P2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sign_in_activity: Option<SignInActivity>,
}

impl User {
    /// Gives back the room serde left in the user's lists: decoded from a
    /// file's bytes, JSON tells no length up front, so a list of one
    /// license keeps room for four.
    pub fn shrink_to_fit(&mut self) {
        self.assigned_licenses.shrink_to_fit();
        self.license_assignment_states.shrink_to_fit();
        for license in &mut self.assigned_licenses {
            license.disabled_plans.shrink_to_fit();
        }
        for state in &mut self.license_assignment_states {
            state.disabled_plans.shrink_to_fit();
        }
    }
}

/// A user's last sign-ins, in Graph's shape (`signInActivity`); each date
/// ISO 8601 UTC, absent when there was none.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SignInActivity {
    #[serde(default)]
    pub last_sign_in_date_time: Option<String>,
    #[serde(default)]
    pub last_non_interactive_sign_in_date_time: Option<String>,
    #[serde(default)]
    pub last_successful_sign_in_date_time: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
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

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SubscribedSku {
    pub sku_id: Uuid,
    pub sku_part_number: String,
    pub applies_to: String,
    /// Enabled, Warning, Suspended, Deleted or LockedOut.
    pub capability_status: String,
    pub consumed_units: u32,
    pub prepaid_units: PrepaidUnits,
    #[serde(default)]
    pub service_plans: Vec<ServicePlan>,
    #[serde(default)]
    pub subscription_ids: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CompanySubscription {
    pub id: String,
    pub sku_id: Uuid,
    #[serde(default)]
    pub sku_part_number: Option<String>,
    #[serde(default)]
    pub owner_type: Option<String>,
    #[serde(default)]
    pub owner_id: Option<String>,
    pub status: String,
    #[serde(default)]
    pub total_licenses: u32,
    #[serde(default)]
    pub is_trial: bool,
    #[serde(default)]
    pub next_lifecycle_date_time: Option<String>,
}

impl CompanySubscription {
    /// A self-service purchase (a user bought it). Graph documents no flag;
    /// `ownerType` "User" is our reading, kept in this one place.
    pub fn is_self_service(&self) -> bool {
        self.owner_type
            .as_deref()
            .is_some_and(|o| o.eq_ignore_ascii_case("User"))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Group {
    pub id: Uuid,
    pub display_name: Option<String>,
    #[serde(default)]
    pub group_types: Vec<String>,
    #[serde(default)]
    pub membership_rule: Option<String>,
    #[serde(default)]
    pub on_premises_sync_enabled: Option<bool>,
    #[serde(default)]
    pub mail_enabled: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VerifiedDomain {
    pub name: String,
    #[serde(default)]
    pub is_default: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Organization {
    pub id: Uuid,
    pub display_name: String,
    #[serde(default)]
    pub verified_domains: Vec<VerifiedDomain>,
}
