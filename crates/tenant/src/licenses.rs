//! One user's licenses in full, for "Licenses and apps": how each is held,
//! what stops it being removed here, and its apps, on or switched off.

use std::collections::HashMap;
use std::sync::OnceLock;

use license_desk_core::overview::{GroupHold, LicenseApp, LicenseDetail, LicenseLock};
use uuid::Uuid;

use crate::TenantPicture;

/// Microsoft's names for service plans, by id, from its product table.
/// The table writes some of them in capitals in some rows; the name as
/// written elsewhere wins.
fn plan_names() -> &'static HashMap<Uuid, String> {
    static NAMES: OnceLock<HashMap<Uuid, String>> = OnceLock::new();
    NAMES.get_or_init(|| {
        let shouted = |name: &str| !name.chars().any(char::is_lowercase);
        let mut names: HashMap<Uuid, String> = HashMap::new();
        for plan in license_desk_files::catalog()
            .products()
            .iter()
            .flat_map(|p| &p.service_plans)
        {
            let name = names.entry(plan.id).or_insert_with(|| plan.friendly_name.clone());
            if shouted(name) && !shouted(&plan.friendly_name) {
                name.clone_from(&plan.friendly_name);
            }
        }
        names
    })
}

impl TenantPicture {
    /// The licenses of the user with `user_id`, in the order the tenant
    /// lists them; `None` when there is no such user.
    pub fn license_details(&self, user_id: Uuid) -> Option<Vec<LicenseDetail>> {
        let user = self.users.iter().find(|u| u.id == user_id)?;
        let mut order: Vec<Uuid> = Vec::new();
        for state in &user.license_assignment_states {
            if !order.contains(&state.sku_id) {
                order.push(state.sku_id);
            }
        }
        Some(
            order
                .into_iter()
                .map(|sku_id| {
                    let ways: Vec<_> = user
                        .license_assignment_states
                        .iter()
                        .filter(|s| s.sku_id == sku_id)
                        .collect();
                    let direct = ways.iter().any(|w| w.assigned_by_group.is_none());
                    let groups: Vec<GroupHold> = ways
                        .iter()
                        .filter_map(|w| w.assigned_by_group)
                        .map(|id| {
                            let group = self.groups.get(&id);
                            GroupHold {
                                name: group
                                    .and_then(|g| g.display_name.clone())
                                    .unwrap_or_else(|| id.to_string()),
                                synced: group.and_then(|g| g.on_premises_sync_enabled) == Some(true),
                            }
                        })
                        .collect();
                    let self_service = self
                        .subscriptions
                        .iter()
                        .any(|s| s.sku_id == sku_id && s.is_self_service());
                    let lock = if self_service {
                        Some(LicenseLock::SelfService)
                    } else if !direct {
                        Some(LicenseLock::OnlyThroughGroups)
                    } else {
                        None
                    };
                    // A plan is on when some way the user holds the license
                    // leaves it on.
                    let apps = self
                        .service_plans_of(sku_id)
                        .into_iter()
                        .map(|(id, plan)| LicenseApp {
                            name: plan_names().get(&id).cloned().unwrap_or_else(|| plan.clone()),
                            plan,
                            on: self
                                .knowledge
                                .disabled_plans
                                .then(|| ways.iter().any(|w| !w.disabled_plans.contains(&id))),
                        })
                        .collect();
                    let part_number = self
                        .products
                        .iter()
                        .find(|p| p.sku_id == sku_id)
                        .map(|p| p.sku_part_number.clone())
                        .unwrap_or_default();
                    LicenseDetail {
                        sku_id: sku_id.to_string(),
                        name: self.product_name(sku_id),
                        part_number,
                        direct,
                        groups,
                        lock,
                        apps,
                    }
                })
                .collect(),
        )
    }

    /// A product's service plans: as the tenant lists them, else as
    /// Microsoft's table does.
    fn service_plans_of(&self, sku_id: Uuid) -> Vec<(Uuid, String)> {
        let listed: Vec<(Uuid, String)> = self
            .products
            .iter()
            .find(|p| p.sku_id == sku_id)
            .map(|p| {
                p.service_plans
                    .iter()
                    .map(|plan| (plan.service_plan_id, plan.service_plan_name.clone()))
                    .collect()
            })
            .unwrap_or_default();
        if !listed.is_empty() {
            return listed;
        }
        license_desk_files::catalog()
            .by_sku_id(sku_id)
            .map(|p| {
                p.service_plans
                    .iter()
                    .map(|plan| (plan.id, plan.name.clone()))
                    .collect()
            })
            .unwrap_or_default()
    }
}
