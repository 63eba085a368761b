//! Plans saved to a file: made offline from a file's picture of a tenant,
//! applied later against the live tenant after a drift check.
//!
//! Format (version 1): one JSON object, UTF-8, indented for a text editor.
//!
//! ```text
//! {
//!   "format": "license-desk-plan",
//!   "version": 1,
//!   "createdAt": "2026-11-25T09:30:00Z",
//!   "from": {                                  // the file the plan was made from
//!     "file": "users_9_15_2025 9_17_18 PM.csv",
//!     "format": "admin_center_users",
//!     "takenAt": null,                         // when the file's picture was taken, where known
//!     "tenantId": null,                        // null when the file names no tenant
//!     "tenantName": "…",
//!     "domains": ["contoso.com"],              // the tenant's domains as the file shows them
//!     "objectIds": true                        // false: users are matched by user name only
//!   },
//!   "items": [{
//!     "userPrincipalName": "adele@contoso.com",
//!     "displayName": "Adele Vance",
//!     "userId": "…" | null,                    // null when the file had no object ids
//!     "product": { "name": "Microsoft 365 Business Basic", "partNumber": "O365_BUSINESS_ESSENTIALS" | null,
//!                  "writtenAs": "…" | null,    // the name as the file wrote it, when not an exact match
//!                  "skuIds": ["…"] },          // every candidate; one when the file was exact
//!     "verdict": { "kind": "remove" | "remove_direct_seat_stays" | "inherited_only" | "self_service"
//!                  | "already_gone" | "user_not_found", "groups": [...] },
//!     "disabledPlans": ["…"] | null            // null when the file did not say
//!   }]
//! }
//! ```
//!
//! Applying checks every item against the live tenant first (see
//! [`SavedPlan::against`]): the admin sees what changed since the file
//! before anything runs, and the run itself is an ordinary journaled run.

use std::collections::{BTreeSet, HashMap};

pub use license_desk_core::overview::PlanDrift as Drift;
use license_desk_core::{Error, ErrorCode};
use license_desk_tenant::export::{iso_utc, parse_iso_utc};
use license_desk_tenant::model::User;
use license_desk_tenant::{Resolution, Source, TenantPicture};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::plan::{Plan, Selection, Verdict};

pub const FORMAT: &str = "license-desk-plan";
pub const VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SavedPlan {
    pub format: String,
    pub version: u32,
    pub created_at: String,
    pub from: PlanSource,
    pub items: Vec<SavedItem>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PlanSource {
    pub file: String,
    pub format: String,
    pub taken_at: Option<String>,
    pub tenant_id: Option<Uuid>,
    pub tenant_name: String,
    pub domains: Vec<String>,
    pub object_ids: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SavedItem {
    pub user_principal_name: String,
    pub display_name: Option<String>,
    pub user_id: Option<Uuid>,
    pub product: SavedProduct,
    pub verdict: Verdict,
    pub disabled_plans: Option<Vec<Uuid>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SavedProduct {
    pub name: String,
    pub part_number: Option<String>,
    pub written_as: Option<String>,
    pub sku_ids: Vec<Uuid>,
}

/// One item of a saved plan as it stands against the live tenant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DriftRow {
    pub user_principal_name: String,
    pub display_name: Option<String>,
    /// The user name the tenant has now, when it differs.
    pub now_user_principal_name: Option<String>,
    pub product: String,
    pub drift: Drift,
    pub planned: Verdict,
    /// What the live tenant says now (`None` when it cannot be applied).
    pub now: Option<Verdict>,
}

/// A saved plan checked against the live tenant: what to run, and what
/// changed since the file.
#[derive(Debug, Clone)]
pub struct Checked {
    pub plan: Plan,
    pub drift: Vec<DriftRow>,
    /// Users are matched by user name only (the file had no object ids).
    pub matched_by_user_name: bool,
}

fn unusable(message: String) -> Error {
    Error::new(ErrorCode::FileNotUsable, message)
}

impl SavedPlan {
    /// A plan made from `picture` (a file's), to save.
    pub fn new(picture: &TenantPicture, plan: &Plan, created_at: u64) -> SavedPlan {
        let (file, format, taken_at) = match &picture.source {
            Source::File {
                name,
                format,
                taken_at,
                ..
            } => (name.clone(), format.clone(), taken_at.map(iso_utc)),
            Source::Live => (
                "live tenant".to_owned(),
                "live".to_owned(),
                Some(iso_utc(created_at)),
            ),
        };
        let users: HashMap<Uuid, &User> = picture.users.iter().map(|u| (u.id, u)).collect();
        let items = plan
            .items
            .iter()
            .map(|item| {
                let user = item.user_id.and_then(|id| users.get(&id).copied());
                let resolution = picture.resolution(item.sku_id);
                let part_number = picture
                    .products
                    .iter()
                    .find(|p| p.sku_id == item.sku_id)
                    .map(|p| p.sku_part_number.clone())
                    .filter(|_| matches!(resolution, Resolution::Exact | Resolution::Alias { .. }));
                let written_as = match &resolution {
                    Resolution::Exact => None,
                    Resolution::Alias { written_as }
                    | Resolution::Ambiguous { written_as, .. }
                    | Resolution::Unknown { written_as } => Some(written_as.clone()),
                };
                SavedItem {
                    user_principal_name: item
                        .user_principal_name
                        .clone()
                        .unwrap_or_else(|| item.user.clone()),
                    display_name: user.and_then(|u| u.display_name.clone()),
                    user_id: item.user_id.filter(|_| picture.knowledge.object_ids),
                    product: SavedProduct {
                        name: picture.product_name(item.sku_id),
                        part_number,
                        written_as,
                        sku_ids: resolution.candidates(item.sku_id),
                    },
                    verdict: item.verdict.clone(),
                    disabled_plans: picture
                        .knowledge
                        .disabled_plans
                        .then(|| item.disabled_plans_before.clone()),
                }
            })
            .collect();
        SavedPlan {
            format: FORMAT.to_owned(),
            version: VERSION,
            created_at: iso_utc(created_at),
            from: PlanSource {
                file,
                format,
                taken_at,
                tenant_id: Some(picture.organization.id).filter(|id| !id.is_nil()),
                tenant_name: picture.organization.display_name.clone(),
                domains: picture
                    .organization
                    .verified_domains
                    .iter()
                    .map(|d| d.name.to_lowercase())
                    .collect(),
                object_ids: picture.knowledge.object_ids,
            },
            items,
        }
    }

    pub fn to_text(&self) -> String {
        // Plain data with string keys always serialises.
        serde_json::to_string_pretty(self).unwrap_or_default() + "\n"
    }

    /// Reads a plan file; `name` is for messages.
    pub fn parse(bytes: &[u8], name: &str) -> Result<SavedPlan, Error> {
        let value: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| {
            unusable(format!(
                "{name} is not a License Desk plan: line {}, column {}: {e}.",
                e.line(),
                e.column()
            ))
        })?;
        if value.get("format").and_then(serde_json::Value::as_str) != Some(FORMAT) {
            return Err(unusable(format!(
                "{name} is not a License Desk plan (it has no \"format\": \"{FORMAT}\")."
            )));
        }
        let version = value
            .get("version")
            .and_then(serde_json::Value::as_u64)
            .unwrap_or(0);
        if version > u64::from(VERSION) || version == 0 {
            return Err(unusable(format!(
                "{name} is a plan of format version {version}; this License Desk reads version {VERSION}. Update License Desk to apply it."
            )));
        }
        serde_json::from_value(value).map_err(|e| unusable(format!("{name} is a damaged plan: {e}.")))
    }

    /// When the file's picture was taken, where known.
    pub fn taken_at(&self) -> Option<u64> {
        self.from.taken_at.as_deref().and_then(parse_iso_utc)
    }

    /// Checks the plan against the live tenant: refuses another tenant,
    /// then matches every item and says what changed since the file.
    pub fn against(&self, live: &TenantPicture) -> Result<Checked, Error> {
        self.check_tenant(live)?;
        let by_id: HashMap<Uuid, &User> = live.users.iter().map(|u| (u.id, u)).collect();
        let by_name: HashMap<String, &User> = live
            .users
            .iter()
            .map(|u| (u.user_principal_name.to_lowercase(), u))
            .collect();
        let live_products: BTreeSet<Uuid> = live.products.iter().map(|p| p.sku_id).collect();
        let mut pairs: Vec<(String, Uuid)> = Vec::new();
        let mut drift = Vec::new();
        for item in &self.items {
            let user = match item.user_id {
                Some(id) => by_id.get(&id).copied(),
                None => by_name.get(&item.user_principal_name.to_lowercase()).copied(),
            };
            let row = |drift: Drift, now: Option<Verdict>| DriftRow {
                user_principal_name: item.user_principal_name.clone(),
                display_name: item.display_name.clone(),
                now_user_principal_name: user
                    .map(|u| u.user_principal_name.clone())
                    .filter(|now| !now.eq_ignore_ascii_case(&item.user_principal_name)),
                product: item.product.name.clone(),
                drift,
                planned: item.verdict.clone(),
                now,
            };
            let Some(user) = user else {
                drift.push(row(Drift::UserGone, None));
                continue;
            };
            if item.product.sku_ids.is_empty() {
                drift.push(row(Drift::UnknownProduct, None));
                continue;
            }
            let in_tenant: Vec<Uuid> = item
                .product
                .sku_ids
                .iter()
                .copied()
                .filter(|sku| live_products.contains(sku))
                .collect();
            if in_tenant.is_empty() {
                drift.push(row(Drift::ProductGone, None));
                continue;
            }
            let held: Vec<Uuid> = in_tenant
                .iter()
                .copied()
                .filter(|sku| user.license_assignment_states.iter().any(|s| s.sku_id == *sku))
                .collect();
            let sku = match (in_tenant.len(), held.as_slice()) {
                (1, _) => in_tenant[0],
                (_, [only]) => *only,
                (_, []) => {
                    drift.push(row(Drift::AlreadyGone, Some(Verdict::AlreadyGone)));
                    continue;
                }
                _ => {
                    drift.push(row(Drift::StillAmbiguous, None));
                    continue;
                }
            };
            let now = Plan::new(
                live,
                &Selection::Users {
                    users: vec![user.id.to_string()],
                    sku_ids: vec![sku],
                },
            )
            .items
            .remove(0)
            .verdict;
            let change = if item.product.sku_ids.len() > 1 && now == item.verdict {
                Drift::Resolved
            } else if now == item.verdict {
                if item.user_id.is_some()
                    && !user
                        .user_principal_name
                        .eq_ignore_ascii_case(&item.user_principal_name)
                {
                    Drift::Renamed
                } else {
                    Drift::Unchanged
                }
            } else {
                match now {
                    Verdict::AlreadyGone => Drift::AlreadyGone,
                    Verdict::InheritedOnly { .. } | Verdict::RemoveDirectSeatStays { .. } => {
                        Drift::NowThroughGroup
                    }
                    _ => Drift::Unchanged,
                }
            };
            drift.push(row(change, Some(now)));
            pairs.push((user.id.to_string(), sku));
        }
        let plan = Plan::new(live, &Selection::Pairs { pairs });
        Ok(Checked {
            plan,
            drift,
            matched_by_user_name: !self.from.object_ids,
        })
    }

    /// A plan from another tenant is refused, naming both: by id where the
    /// file named its tenant, otherwise by the users' domains.
    fn check_tenant(&self, live: &TenantPicture) -> Result<(), Error> {
        let live_domains: BTreeSet<String> = live
            .organization
            .verified_domains
            .iter()
            .map(|d| d.name.to_lowercase())
            .collect();
        let same = match self.from.tenant_id {
            Some(id) => id == live.organization.id,
            None => {
                let planned: BTreeSet<String> = self
                    .items
                    .iter()
                    .filter(|i| !i.user_principal_name.contains("#EXT#"))
                    .filter_map(|i| i.user_principal_name.rsplit_once('@'))
                    .map(|(_, domain)| domain.to_lowercase())
                    .collect();
                planned.is_empty() || planned.iter().any(|d| live_domains.contains(d))
            }
        };
        if same {
            return Ok(());
        }
        let theirs = if self.from.domains.is_empty() {
            self.from.tenant_name.clone()
        } else {
            format!("{} ({})", self.from.tenant_name, self.from.domains.join(", "))
        };
        let ours = format!(
            "{} ({})",
            live.organization.display_name,
            live_domains.iter().cloned().collect::<Vec<_>>().join(", ")
        );
        Err(Error::new(
            ErrorCode::PlanOfAnotherTenant,
            format!(
                "This plan was made for {theirs}, but you are signed in to {ours}. Sign in to the plan's organisation to apply it."
            ),
        ))
    }
}
