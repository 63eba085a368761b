//! The live tenant: the fixture plus indexes, and the licensing rules that
//! change it. Every change goes through [`Directory::assign_license`], which
//! validates the whole request before touching anything, so a failed call
//! changes nothing, as in Graph.

use std::collections::{HashMap, HashSet};

use uuid::Uuid;

use crate::error::GraphError;
use crate::model::{AssignedLicense, Subscription, Tenant, User};

/// A self-service purchase: a subscription a user bought for themselves.
/// Graph documents no flag; `ownerType` "User" is our reading (unconfirmed),
/// kept in this one place.
pub fn is_self_service(subscription: &Subscription) -> bool {
    subscription
        .owner_type
        .as_deref()
        .is_some_and(|owner| owner.eq_ignore_ascii_case("User"))
}

/// One way a user holds a license: directly, or through one group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LicenseState {
    pub sku_id: Uuid,
    pub disabled_plans: Vec<Uuid>,
    pub assigned_by_group: Option<Uuid>,
}

pub struct Directory {
    tenant: Tenant,
    users_by_id: HashMap<Uuid, usize>,
    users_by_upn: HashMap<String, usize>,
    groups_by_id: HashMap<Uuid, usize>,
    products_by_sku: HashMap<Uuid, usize>,
    self_service: HashSet<Uuid>,
    /// Holders per product, kept in step with every change (a check on
    /// every `assignLicense` cannot afford to count 50,000 users).
    consumed: HashMap<Uuid, u32>,
}

impl Directory {
    pub fn new(tenant: Tenant) -> Self {
        let users_by_id = tenant.users.iter().enumerate().map(|(i, u)| (u.id, i)).collect();
        let users_by_upn = tenant
            .users
            .iter()
            .enumerate()
            .map(|(i, u)| (u.user_principal_name.to_lowercase(), i))
            .collect();
        let groups_by_id = tenant.groups.iter().enumerate().map(|(i, g)| (g.id, i)).collect();
        let products_by_sku = tenant
            .products
            .iter()
            .enumerate()
            .map(|(i, p)| (p.sku_id, i))
            .collect();
        let self_service = tenant
            .subscriptions
            .iter()
            .filter(|s| is_self_service(s))
            .map(|s| s.sku_id)
            .collect();
        let mut directory = Self {
            tenant,
            users_by_id,
            users_by_upn,
            groups_by_id,
            products_by_sku,
            self_service,
            consumed: HashMap::new(),
        };
        directory.consumed = directory.count_holders();
        directory
    }

    pub fn tenant(&self) -> &Tenant {
        &self.tenant
    }

    /// Whether reports conceal names (`PATCH /admin/reportSettings`).
    pub fn set_display_concealed_names(&mut self, concealed: bool) {
        self.tenant.display_concealed_names = concealed;
    }

    pub fn users(&self) -> &[User] {
        &self.tenant.users
    }

    /// A user by object id or user principal name (case-insensitive), as
    /// `/users/{id | userPrincipalName}` accepts.
    pub fn find_user(&self, key: &str) -> Option<&User> {
        let index = match Uuid::parse_str(key) {
            Ok(id) => self.users_by_id.get(&id),
            Err(_) => self.users_by_upn.get(&key.to_lowercase()),
        };
        index.map(|&i| &self.tenant.users[i])
    }

    pub fn find_group(&self, id: Uuid) -> Option<&crate::model::Group> {
        self.groups_by_id.get(&id).map(|&i| &self.tenant.groups[i])
    }

    pub fn consumed_units(&self, sku_id: Uuid) -> u32 {
        self.consumed.get(&sku_id).copied().unwrap_or(0)
    }

    pub fn is_self_service_sku(&self, sku_id: Uuid) -> bool {
        self.self_service.contains(&sku_id)
    }

    /// Every way `user` holds each license: direct first, then per group.
    pub fn license_states(&self, user: &User) -> Vec<LicenseState> {
        let direct = user.assigned_licenses.iter().map(|l| LicenseState {
            sku_id: l.sku_id,
            disabled_plans: l.disabled_plans.clone(),
            assigned_by_group: None,
        });
        let inherited = user
            .member_of
            .iter()
            .filter_map(|id| self.find_group(*id))
            .flat_map(|group| {
                group.assigned_licenses.iter().map(|l| LicenseState {
                    sku_id: l.sku_id,
                    disabled_plans: l.disabled_plans.clone(),
                    assigned_by_group: Some(group.id),
                })
            });
        direct.chain(inherited).collect()
    }

    /// The user's licenses, one per product. A service plan counts as
    /// disabled only when every assignment of that product disables it.
    pub fn assigned_licenses(&self, user: &User) -> Vec<AssignedLicense> {
        let mut merged: Vec<AssignedLicense> = Vec::new();
        for state in self.license_states(user) {
            match merged.iter_mut().find(|l| l.sku_id == state.sku_id) {
                Some(existing) => existing
                    .disabled_plans
                    .retain(|p| state.disabled_plans.contains(p)),
                None => merged.push(AssignedLicense {
                    sku_id: state.sku_id,
                    disabled_plans: state.disabled_plans,
                }),
            }
        }
        merged
    }

    fn holds(&self, user: &User, sku_id: Uuid) -> bool {
        user.assigned_licenses.iter().any(|l| l.sku_id == sku_id) || self.holds_through_group(user, sku_id)
    }

    fn holds_through_group(&self, user: &User, sku_id: Uuid) -> bool {
        user.member_of
            .iter()
            .filter_map(|id| self.find_group(*id))
            .any(|g| g.assigned_licenses.iter().any(|l| l.sku_id == sku_id))
    }

    /// Counts holders from scratch; [`Self::consumed_units`] must always agree.
    pub fn count_holders(&self) -> HashMap<Uuid, u32> {
        let mut counts = HashMap::new();
        for user in &self.tenant.users {
            for license in self.assigned_licenses(user) {
                *counts.entry(license.sku_id).or_insert(0) += 1;
            }
        }
        counts
    }

    /// `POST /users/{id}/assignLicense`: all or nothing.
    pub fn assign_license(
        &mut self,
        user_key: &str,
        add: &[AssignedLicense],
        remove: &[Uuid],
    ) -> Result<&User, GraphError> {
        let Some(user) = self.find_user(user_key) else {
            return Err(GraphError::not_found(user_key));
        };
        for sku_id in remove.iter().chain(add.iter().map(|l| &l.sku_id)) {
            if !self.products_by_sku.contains_key(sku_id) {
                return Err(GraphError::not_a_company_license(*sku_id));
            }
            if self.self_service.contains(sku_id) {
                return Err(GraphError::self_service_subscription(*sku_id));
            }
        }
        for sku_id in remove {
            if !user.assigned_licenses.iter().any(|l| l.sku_id == *sku_id) {
                return Err(if self.holds_through_group(user, *sku_id) {
                    GraphError::inherited_from_group()
                } else {
                    GraphError::license_not_held()
                });
            }
        }
        if !add.is_empty() && user.usage_location.as_deref().is_none_or(str::is_empty) {
            return Err(GraphError::invalid_usage_location());
        }
        for license in add {
            // A product the user already holds (also one being removed and
            // put back in the same call) takes no new seat.
            if !self.holds(user, license.sku_id) {
                let product = &self.tenant.products[self.products_by_sku[&license.sku_id]];
                let seats = product.prepaid_units.enabled + product.prepaid_units.warning;
                if self.consumed_units(license.sku_id) >= seats {
                    return Err(GraphError::no_available_licenses(license.sku_id));
                }
            }
        }

        // Valid: apply, keeping the holder counts in step.
        let index = self.users_by_id[&user.id];
        let mut touched: Vec<Uuid> = remove
            .iter()
            .copied()
            .chain(add.iter().map(|l| l.sku_id))
            .collect();
        touched.sort_unstable();
        touched.dedup();
        let before: Vec<bool> = touched
            .iter()
            .map(|s| self.holds(&self.tenant.users[index], *s))
            .collect();
        let user = &mut self.tenant.users[index];
        user.assigned_licenses.retain(|l| !remove.contains(&l.sku_id));
        for license in add {
            match user
                .assigned_licenses
                .iter_mut()
                .find(|l| l.sku_id == license.sku_id)
            {
                Some(existing) => existing.disabled_plans = license.disabled_plans.clone(),
                None => user.assigned_licenses.push(license.clone()),
            }
        }
        for (sku_id, held_before) in touched.iter().zip(before) {
            let held_after = self.holds(&self.tenant.users[index], *sku_id);
            let count = self.consumed.entry(*sku_id).or_insert(0);
            match (held_before, held_after) {
                (false, true) => *count += 1,
                (true, false) => *count -= 1,
                _ => {}
            }
        }
        Ok(&self.tenant.users[index])
    }
}
