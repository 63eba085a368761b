//! The Graph objects License Desk reads, as Graph sends them. What a
//! tenant holds (users, products, groups) is the tenant picture's own model,
//! re-exported here; only what the client alone needs is defined here.

use serde::Deserialize;
use uuid::Uuid;

pub use license_desk_tenant::model::{
    AssignedLicense, CompanySubscription, Group, LicenseAssignmentState, Organization, PrepaidUnits,
    ServicePlan, SubscribedSku, User, VerifiedDomain,
};

/// The properties every user read asks for (`$select` always).
pub const USER_FIELDS: &str =
    "id,displayName,userPrincipalName,accountEnabled,usageLocation,department,assignedLicenses,licenseAssignmentStates";

pub const SKU_FIELDS: &str =
    "skuId,skuPartNumber,appliesTo,capabilityStatus,consumedUnits,prepaidUnits,servicePlans,subscriptionIds";

pub const GROUP_FIELDS: &str = "id,displayName,groupTypes,membershipRule,onPremisesSyncEnabled,mailEnabled";

/// An entry of `/me/memberOf`: a directory role or a group.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct DirectoryObject {
    #[serde(rename = "@odata.type")]
    pub odata_type: String,
    pub id: String,
    #[serde(rename = "displayName", default)]
    pub display_name: Option<String>,
    #[serde(rename = "roleTemplateId", default)]
    pub role_template_id: Option<Uuid>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Me {
    pub id: Uuid,
    pub display_name: Option<String>,
    pub user_principal_name: String,
}
