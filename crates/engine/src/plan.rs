//! Plans: the typed list of intended removals, each classified against the
//! tenant as it was read, before anything is sent.

use std::collections::{BTreeMap, HashMap, HashSet};

use license_desk_tenant::model::User;
use license_desk_tenant::TenantPicture;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A group a license is inherited from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GroupRef {
    pub id: Uuid,
    pub name: Option<String>,
}

/// What will happen to one (user, product) pair, decided before the run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Verdict {
    /// Held directly: the license goes and a seat is freed.
    Remove,
    /// Held directly and through groups: the direct copy goes, the groups
    /// keep the license on the user and the seat stays taken.
    RemoveDirectSeatStays { groups: Vec<GroupRef> },
    /// Held only through groups: it must be removed at the group.
    InheritedOnly { groups: Vec<GroupRef> },
    /// A user bought the subscription: admins cannot change it.
    SelfService,
    /// The user does not hold it (any more).
    AlreadyGone,
    /// No such user in the tenant.
    UserNotFound,
}

impl Verdict {
    pub fn will_send(&self) -> bool {
        matches!(self, Verdict::Remove | Verdict::RemoveDirectSeatStays { .. })
    }

    pub fn frees_a_seat(&self) -> bool {
        matches!(self, Verdict::Remove)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PlanItem {
    /// The user as asked (id or user principal name).
    pub user: String,
    pub user_id: Option<Uuid>,
    pub user_principal_name: Option<String>,
    /// The product; nil only for a user who was not found when "every
    /// product of these users" was asked, as no product can be named.
    pub sku_id: Uuid,
    /// The service plans the user had switched off for this product when it
    /// was planned, so that undo can put back exactly what was there.
    pub disabled_plans_before: Vec<Uuid>,
    pub verdict: Verdict,
}

impl PlanItem {
    /// Stands in for an item whose record was lost: it names no one and
    /// nothing is ever sent for it.
    pub fn unreadable(index: usize) -> PlanItem {
        PlanItem {
            user: format!("(item {index}: its record is damaged)"),
            user_id: None,
            user_principal_name: None,
            sku_id: Uuid::nil(),
            disabled_plans_before: Vec::new(),
            verdict: Verdict::AlreadyGone,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Plan {
    pub items: Vec<PlanItem>,
}

/// Which removals to plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Selection {
    /// Every holder of one product (directly or through groups).
    AllHolders { sku_id: Uuid },
    /// These users (ids or user principal names), these products.
    Users { users: Vec<String>, sku_ids: Vec<Uuid> },
    /// These users, every product they hold.
    EverythingOf { users: Vec<String> },
    /// These (user, product) pairs, each once.
    Pairs { pairs: Vec<(String, Uuid)> },
}

/// Per product, what the plan does.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProductCounts {
    pub will_remove: u32,
    pub seats_freed: u32,
    pub seat_stays: u32,
    pub inherited_only: u32,
    pub self_service: u32,
    pub already_gone: u32,
    pub user_not_found: u32,
}

impl Plan {
    /// Classifies `selection` against the tenant as read in `snapshot`.
    pub fn new(snapshot: &TenantPicture, selection: &Selection) -> Plan {
        let by_id: HashMap<Uuid, &User> = snapshot.users.iter().map(|u| (u.id, u)).collect();
        let by_upn: HashMap<String, &User> = snapshot
            .users
            .iter()
            .map(|u| (u.user_principal_name.to_lowercase(), u))
            .collect();
        let find = |key: &str| -> Option<&User> {
            match Uuid::parse_str(key.trim()) {
                Ok(id) => by_id.get(&id).copied(),
                Err(_) => by_upn.get(&key.trim().to_lowercase()).copied(),
            }
        };
        let self_service: HashSet<Uuid> = snapshot
            .subscriptions
            .iter()
            .filter(|s| s.is_self_service())
            .map(|s| s.sku_id)
            .collect();
        let group = |id: Uuid| GroupRef {
            id,
            name: snapshot.groups.get(&id).and_then(|g| g.display_name.clone()),
        };
        let classify = |asked: &str, user: Option<&User>, sku_id: Uuid| -> PlanItem {
            let Some(user) = user else {
                return PlanItem {
                    user: asked.to_owned(),
                    user_id: None,
                    user_principal_name: None,
                    sku_id,
                    disabled_plans_before: Vec::new(),
                    verdict: Verdict::UserNotFound,
                };
            };
            let states: Vec<_> = user
                .license_assignment_states
                .iter()
                .filter(|s| s.sku_id == sku_id)
                .collect();
            let direct = states.iter().find(|s| s.assigned_by_group.is_none());
            let groups: Vec<GroupRef> = states
                .iter()
                .filter_map(|s| s.assigned_by_group)
                .map(group)
                .collect();
            let verdict = if states.is_empty() {
                Verdict::AlreadyGone
            } else if self_service.contains(&sku_id) {
                Verdict::SelfService
            } else if direct.is_none() {
                Verdict::InheritedOnly { groups }
            } else if groups.is_empty() {
                Verdict::Remove
            } else {
                Verdict::RemoveDirectSeatStays { groups }
            };
            PlanItem {
                user: asked.to_owned(),
                user_id: Some(user.id),
                user_principal_name: Some(user.user_principal_name.clone()),
                sku_id,
                disabled_plans_before: direct.map(|s| s.disabled_plans.clone()).unwrap_or_default(),
                verdict,
            }
        };
        let items = match selection {
            Selection::AllHolders { sku_id } => snapshot
                .users
                .iter()
                .filter(|u| u.license_assignment_states.iter().any(|s| s.sku_id == *sku_id))
                .map(|u| classify(&u.id.to_string(), Some(u), *sku_id))
                .collect(),
            Selection::Users { users, sku_ids } => distinct(users, find)
                .flat_map(|asked| sku_ids.iter().map(move |sku| (asked, *sku)))
                .map(|(asked, sku)| classify(asked, find(asked), sku))
                .collect(),
            Selection::Pairs { pairs } => {
                let mut seen = HashSet::new();
                pairs
                    .iter()
                    .filter(|(asked, sku)| {
                        let person =
                            find(asked).map_or_else(|| asked.trim().to_lowercase(), |u| u.id.to_string());
                        seen.insert((person, *sku))
                    })
                    .map(|(asked, sku)| classify(asked, find(asked), *sku))
                    .collect()
            }
            Selection::EverythingOf { users } => distinct(users, find)
                .flat_map(|asked| {
                    let user = find(asked);
                    let skus: Vec<Uuid> = match user {
                        Some(u) => {
                            let mut skus: Vec<Uuid> =
                                u.license_assignment_states.iter().map(|s| s.sku_id).collect();
                            skus.sort();
                            skus.dedup();
                            skus
                        }
                        None => vec![Uuid::nil()],
                    };
                    skus.into_iter()
                        .map(move |sku| classify(asked, user, sku))
                        .collect::<Vec<_>>()
                })
                .collect(),
        };
        Plan { items }
    }

    /// The dry run: per product, what will go, what cannot and why, and
    /// the seats freed.
    pub fn counts(&self) -> BTreeMap<Uuid, ProductCounts> {
        let mut counts: BTreeMap<Uuid, ProductCounts> = BTreeMap::new();
        for item in &self.items {
            let entry = counts.entry(item.sku_id).or_default();
            match &item.verdict {
                Verdict::Remove => {
                    entry.will_remove += 1;
                    entry.seats_freed += 1;
                }
                Verdict::RemoveDirectSeatStays { .. } => {
                    entry.will_remove += 1;
                    entry.seat_stays += 1;
                }
                Verdict::InheritedOnly { .. } => entry.inherited_only += 1,
                Verdict::SelfService => entry.self_service += 1,
                Verdict::AlreadyGone => entry.already_gone += 1,
                Verdict::UserNotFound => entry.user_not_found += 1,
            }
        }
        counts
    }
}

/// The users a plain text list names: one user principal name or object
/// id a line, blank lines and `#` comments ignored, a byte order mark
/// dropped.
pub fn users_listed(text: &str) -> Vec<String> {
    text.lines()
        .map(|l| l.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}'))
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_owned)
        .collect()
}

/// The users asked for, each person once: the same user given by user
/// name, in other letter case, or by object id is one person.
fn distinct<'a>(
    users: &'a [String],
    find: impl Fn(&str) -> Option<&'a User> + 'a,
) -> impl Iterator<Item = &'a String> + 'a {
    let mut seen: HashSet<String> = HashSet::new();
    users.iter().filter(move |asked| {
        let person = match find(asked) {
            Some(user) => user.id.to_string(),
            None => asked.trim().to_lowercase(),
        };
        seen.insert(person)
    })
}

impl Verdict {
    fn shown(&self) -> (license_desk_core::overview::PlanVerdict, Vec<String>) {
        use license_desk_core::overview::PlanVerdict as Shown;
        let names = |groups: &[GroupRef]| {
            groups
                .iter()
                .map(|g| g.name.clone().unwrap_or_else(|| g.id.to_string()))
                .collect()
        };
        match self {
            Verdict::Remove => (Shown::Remove, Vec::new()),
            Verdict::RemoveDirectSeatStays { groups } => (Shown::RemoveDirectSeatStays, names(groups)),
            Verdict::InheritedOnly { groups } => (Shown::InheritedOnly, names(groups)),
            Verdict::SelfService => (Shown::SelfService, Vec::new()),
            Verdict::AlreadyGone => (Shown::AlreadyGone, Vec::new()),
            Verdict::UserNotFound => (Shown::UserNotFound, Vec::new()),
        }
    }
}

impl Plan {
    /// The plan as the admin reads it before confirming: counts, every
    /// person with their items and what the removal really does to them,
    /// and whether the signed-in admin (`admin`, a user name) is among them.
    pub fn preview(
        &self,
        product: &str,
        picture: &TenantPicture,
        admin: Option<&str>,
    ) -> license_desk_core::overview::PlanPreview {
        use license_desk_core::overview::{ConsequenceCount, PlanPerson, PlanPersonItem};
        let totals = self
            .counts()
            .into_values()
            .fold(ProductCounts::default(), |mut sum, c| {
                sum.will_remove += c.will_remove;
                sum.seats_freed += c.seats_freed;
                sum.seat_stays += c.seat_stays;
                sum.inherited_only += c.inherited_only;
                sum.self_service += c.self_service;
                sum.already_gone += c.already_gone;
                sum.user_not_found += c.user_not_found;
                sum
            });
        let notes = self
            .items
            .iter()
            .filter(|i| i.verdict != Verdict::Remove)
            .map(|i| {
                let (verdict, groups) = i.verdict.shown();
                license_desk_core::overview::PlanRow {
                    user: i.user_principal_name.clone().unwrap_or_else(|| i.user.clone()),
                    verdict,
                    groups,
                }
            })
            .collect();
        let consequences = crate::consequences::per_person(self, picture);
        let names: HashMap<Uuid, &User> = picture.users.iter().map(|u| (u.id, u)).collect();
        let people: Vec<PlanPerson> = crate::consequences::by_person(self)
            .into_iter()
            .map(|(_, items)| {
                let first = items[0];
                let user = first.user_id.and_then(|id| names.get(&id));
                PlanPerson {
                    display_name: user.and_then(|u| u.display_name.clone()),
                    user_principal_name: first
                        .user_principal_name
                        .clone()
                        .unwrap_or_else(|| first.user.clone()),
                    items: items
                        .iter()
                        .map(|item| {
                            let (verdict, groups) = item.verdict.shown();
                            PlanPersonItem {
                                product: if item.sku_id.is_nil() {
                                    String::new()
                                } else {
                                    picture.product_name(item.sku_id)
                                },
                                verdict,
                                groups,
                            }
                        })
                        .collect(),
                    consequences: first
                        .user_id
                        .and_then(|id| consequences.get(&id).cloned())
                        .unwrap_or_default(),
                }
            })
            .collect();
        let mut counted: BTreeMap<license_desk_core::overview::Consequence, u32> = BTreeMap::new();
        for person in &people {
            for consequence in &person.consequences {
                *counted.entry(*consequence).or_default() += 1;
            }
        }
        let includes_signed_in_admin = admin.is_some_and(|admin| {
            self.items.iter().any(|i| {
                i.verdict.will_send()
                    && i.user_principal_name
                        .as_deref()
                        .is_some_and(|upn| upn.eq_ignore_ascii_case(admin))
            })
        });
        license_desk_core::overview::PlanPreview {
            product: product.to_owned(),
            will_remove: totals.will_remove,
            seats_freed: totals.seats_freed,
            seat_stays: totals.seat_stays,
            cannot: totals.inherited_only + totals.self_service + totals.already_gone + totals.user_not_found,
            notes,
            people,
            consequences: counted
                .into_iter()
                .map(|(consequence, people)| ConsequenceCount { consequence, people })
                .collect(),
            includes_signed_in_admin,
        }
    }
}
