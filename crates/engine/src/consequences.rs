//! What a plan really does to each person, from the service plans they
//! have before and after it.
//!
//! A person's services are the service plans of every license they hold,
//! directly or through a group, less the plans switched off on that
//! license. A removal takes away the direct assignments it removes; a
//! group's copy stays. Only a service that no remaining license provides is
//! lost: someone who keeps Exchange through a group loses no mailbox.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use license_desk_core::overview::Consequence;
use license_desk_tenant::model::User;
use license_desk_tenant::TenantPicture;
use uuid::Uuid;

use crate::plan::{Plan, PlanItem};

/// The service a plan name provides, as the consequences speak of it.
fn family(service_plan: &str) -> Option<Consequence> {
    let name = service_plan.to_ascii_uppercase();
    let starts = |prefixes: &[&str]| prefixes.iter().any(|p| name.starts_with(p));
    if starts(&[
        "EXCHANGE_S_STANDARD",
        "EXCHANGE_S_ENTERPRISE",
        "EXCHANGE_S_DESKLESS",
        "EXCHANGE_S_ESSENTIALS",
        "EXCHANGE_B_STANDARD",
        "EXCHANGE_L_STANDARD",
    ]) {
        Some(Consequence::Mailbox)
    } else if starts(&[
        "SHAREPOINTSTANDARD",
        "SHAREPOINTENTERPRISE",
        "SHAREPOINTDESKLESS",
        "SHAREPOINT_S_DEVELOPER",
        "ONEDRIVESTANDARD",
        "ONEDRIVEENTERPRISE",
        "ONEDRIVE_BASIC",
    ]) {
        Some(Consequence::Onedrive)
    } else if starts(&["OFFICESUBSCRIPTION", "OFFICE_BUSINESS"]) {
        Some(Consequence::OfficeApps)
    } else if starts(&["TEAMS1", "TEAMS_GOV", "TEAMS_DESKLESS", "TEAMS_AR_", "TEAMS_FREE"]) {
        Some(Consequence::Teams)
    } else if starts(&["BI_AZURE_P2", "BI_AZURE_P3", "BI_AZURE_P_2"]) {
        Some(Consequence::PowerBi)
    } else if starts(&["INTUNE_A", "INTUNE_SMBIZ", "INTUNE_EDU", "INTUNE_P2"]) {
        Some(Consequence::Intune)
    } else if name == "AAD_PREMIUM_P2" {
        Some(Consequence::EntraP2)
    } else if name == "AAD_PREMIUM" {
        Some(Consequence::EntraP1)
    } else {
        None
    }
}

/// Each product's service plans: those the tenant lists, with those
/// Microsoft's product table gives the product (the same set on a live
/// tenant; a file lists none); `None` where neither knows the product.
pub(crate) struct Services<'a> {
    pub(crate) picture: &'a TenantPicture,
}

impl Services<'_> {
    pub(crate) fn of(&self, sku_id: Uuid) -> Option<Vec<(Uuid, String)>> {
        let mut plans: Vec<(Uuid, String)> = self
            .picture
            .products
            .iter()
            .find(|p| p.sku_id == sku_id)
            .map(|p| {
                p.service_plans
                    .iter()
                    .map(|s| (s.service_plan_id, s.service_plan_name.clone()))
                    .collect()
            })
            .unwrap_or_default();
        if let Some(product) = license_desk_files::catalog().by_sku_id(sku_id) {
            for plan in &product.service_plans {
                if !plans.iter().any(|(id, _)| *id == plan.id) {
                    plans.push((plan.id, plan.name.clone()));
                }
            }
        }
        (!plans.is_empty()).then_some(plans)
    }
}

/// The services `user` has from the licenses `keep` lets stand, and whether
/// any of those licenses is of a product whose services are unknown.
fn services(
    user: &User,
    known: &Services<'_>,
    keep: impl Fn(Uuid, Option<Uuid>) -> bool,
) -> (BTreeSet<Consequence>, bool) {
    let mut held = BTreeSet::new();
    let mut unknown = false;
    for state in &user.license_assignment_states {
        if !keep(state.sku_id, state.assigned_by_group) {
            continue;
        }
        match known.of(state.sku_id) {
            Some(plans) => held.extend(
                plans
                    .iter()
                    .filter(|(id, _)| !state.disabled_plans.contains(id))
                    .filter_map(|(_, name)| family(name)),
            ),
            None => unknown = true,
        }
    }
    (held, unknown)
}

/// Per person (by user id), what the plan really does to them.
pub fn per_person(plan: &Plan, picture: &TenantPicture) -> BTreeMap<Uuid, Vec<Consequence>> {
    let known = Services { picture };
    let users: HashMap<Uuid, &User> = picture.users.iter().map(|u| (u.id, u)).collect();
    let mut removed: HashMap<Uuid, BTreeSet<Uuid>> = HashMap::new();
    for item in plan.items.iter().filter(|i| i.verdict.will_send()) {
        if let Some(user) = item.user_id {
            removed.entry(user).or_default().insert(item.sku_id);
        }
    }
    let mut result = BTreeMap::new();
    for (user_id, gone) in removed {
        let Some(user) = users.get(&user_id) else { continue };
        let (before, _) = services(user, &known, |_, _| true);
        // A removal takes the direct copy; what a group gives stays.
        let (after, _) = services(user, &known, |sku, group| group.is_some() || !gone.contains(&sku));
        let unknown_removed = gone.iter().any(|sku| known.of(*sku).is_none());
        let mut lost: Vec<Consequence> = before.difference(&after).copied().collect();
        if lost.is_empty() {
            lost.push(if unknown_removed {
                Consequence::Unknown
            } else {
                Consequence::NoEffect
            });
        }
        result.insert(user_id, lost);
    }
    result
}

/// The plan's items of one person, in plan order.
pub fn by_person(plan: &Plan) -> Vec<(String, Vec<&PlanItem>)> {
    let mut order: Vec<String> = Vec::new();
    let mut items: HashMap<String, Vec<&PlanItem>> = HashMap::new();
    for item in &plan.items {
        let key = item
            .user_id
            .map(|id| id.to_string())
            .unwrap_or_else(|| item.user.to_lowercase());
        if !items.contains_key(&key) {
            order.push(key.clone());
        }
        items.entry(key).or_default().push(item);
    }
    order
        .into_iter()
        .map(|key| {
            let list = items.remove(&key).unwrap_or_default();
            (key, list)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_plan_names_fall_in_their_families() {
        assert_eq!(family("EXCHANGE_S_STANDARD"), Some(Consequence::Mailbox));
        assert_eq!(
            family("EXCHANGE_S_FOUNDATION"),
            None,
            "no mailbox from the foundation plan"
        );
        assert_eq!(family("SHAREPOINTENTERPRISE"), Some(Consequence::Onedrive));
        assert_eq!(family("OFFICESUBSCRIPTION"), Some(Consequence::OfficeApps));
        assert_eq!(family("TEAMS1"), Some(Consequence::Teams));
        assert_eq!(family("BI_AZURE_P2"), Some(Consequence::PowerBi));
        assert_eq!(family("BI_AZURE_P0"), None, "Power BI (free) is not Pro");
        assert_eq!(family("INTUNE_A"), Some(Consequence::Intune));
        assert_eq!(family("AAD_PREMIUM"), Some(Consequence::EntraP1));
        assert_eq!(family("AAD_PREMIUM_P2"), Some(Consequence::EntraP2));
    }
}
