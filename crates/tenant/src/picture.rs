//! The picture of a tenant: what the views, plans, savings and drift checks
//! read, never the source behind it.

use std::collections::{BTreeSet, HashMap};
use std::sync::OnceLock;

use license_desk_core::overview::{
    AdminSummary, ProductStatus, ProductSummary, TenantOverview, UserFilter, UserLicense, UserPage,
    UserQuery, UserRow, UserSort,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::activity::Activity;
use crate::model::{CompanySubscription, Group, Organization, SubscribedSku, User};

/// Where a picture came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Source {
    /// Read from Microsoft Graph just now.
    Live,
    /// Read from a file, with no sign-in.
    File {
        /// The file's name, as the admin knows it.
        name: String,
        /// The format's short name (`license_desk_export`, `admin_center_users`, ...).
        format: String,
        /// When the picture in the file was taken (seconds since the Unix
        /// epoch), where the file says.
        taken_at: Option<u64>,
        /// Who took it, where the file says.
        taken_by: Option<String>,
    },
}

/// What the source could tell. A live tenant tells everything; a file may
/// not, and what it cannot tell is shown as unknown, never guessed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Knowledge {
    /// Every user of the tenant is in it (not only the licensed ones, not
    /// one page of many).
    pub complete: bool,
    /// Whether a license is held directly or through which groups.
    pub groups: bool,
    /// The service plans switched off per license.
    pub disabled_plans: bool,
    /// Users' object ids (otherwise users are known by user name only).
    pub object_ids: bool,
    /// Paid seats per product.
    pub seats: bool,
}

impl Knowledge {
    pub const EVERYTHING: Knowledge = Knowledge {
        complete: true,
        groups: true,
        disabled_plans: true,
        object_ids: true,
        seats: true,
    };
}

/// How a product named in a file was matched to Microsoft's products.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Resolution {
    /// Known exactly (always, on a live tenant).
    Exact,
    /// Written under an old or localized name.
    Alias { written_as: String },
    /// The name fits several products; every candidate is kept and the
    /// live tenant decides at apply time.
    Ambiguous {
        written_as: String,
        candidates: Vec<Uuid>,
    },
    /// Not a name License Desk knows; shown as written.
    Unknown { written_as: String },
}

impl Resolution {
    /// The products this could be, when applied to a live tenant.
    pub fn candidates(&self, sku_id: Uuid) -> Vec<Uuid> {
        match self {
            Resolution::Exact | Resolution::Alias { .. } => vec![sku_id],
            Resolution::Ambiguous { candidates, .. } => candidates.clone(),
            Resolution::Unknown { .. } => Vec::new(),
        }
    }
}

/// A stand-in id for a user or product a file names without one, the same
/// for the same name every time (so plans made from a file are stable).
pub fn stand_in_id(kind: &str, name: &str) -> Uuid {
    Uuid::new_v5(
        &Uuid::NAMESPACE_URL,
        format!("license-desk:{kind}:{}", name.to_lowercase()).as_bytes(),
    )
}

/// Everything License Desk shows about a tenant, as seen at one moment.
#[derive(Debug, Clone)]
pub struct TenantPicture {
    pub organization: Organization,
    pub products: Vec<SubscribedSku>,
    pub subscriptions: Vec<CompanySubscription>,
    pub users: Vec<User>,
    /// The groups licenses are inherited from, by id.
    pub groups: HashMap<Uuid, Group>,
    pub source: Source,
    pub knowledge: Knowledge,
    /// Products a file named by something other than a known id, by the
    /// id they stand under here (a live tenant has none).
    pub resolutions: HashMap<Uuid, Resolution>,
    /// Sign-ins and usage, read on demand (savings); not known until then.
    pub activity: Activity,
    /// Built on the first search; a snapshot is read-only once loaded.
    index: OnceLock<UserIndex>,
}

/// Lower-cased names and the three orders, so that a search over 50,000
/// users neither allocates nor sorts.
#[derive(Debug, Clone)]
struct UserIndex {
    names: Vec<String>,
    user_names: Vec<String>,
    by_name: Vec<usize>,
    by_user_name: Vec<usize>,
    by_most_licenses: Vec<usize>,
}

impl UserIndex {
    fn new(users: &[User]) -> Self {
        let names: Vec<String> = users
            .iter()
            .map(|u| u.display_name.as_deref().unwrap_or_default().to_lowercase())
            .collect();
        let user_names: Vec<String> = users
            .iter()
            .map(|u| u.user_principal_name.to_lowercase())
            .collect();
        let held: Vec<usize> = users
            .iter()
            .map(|u| {
                let products: BTreeSet<Uuid> = u.license_assignment_states.iter().map(|s| s.sku_id).collect();
                products.len()
            })
            .collect();
        let mut by_name: Vec<usize> = (0..users.len()).collect();
        by_name.sort_by(|a, b| names[*a].cmp(&names[*b]));
        let mut by_user_name = by_name.clone();
        by_user_name.sort_by(|a, b| user_names[*a].cmp(&user_names[*b]));
        let mut by_most_licenses = by_name.clone();
        // Stable: equal counts stay by name.
        by_most_licenses.sort_by(|a, b| held[*b].cmp(&held[*a]));
        Self {
            names,
            user_names,
            by_name,
            by_user_name,
            by_most_licenses,
        }
    }
}

impl TenantPicture {
    /// A picture of a live tenant, as just read.
    pub fn live(
        organization: Organization,
        products: Vec<SubscribedSku>,
        subscriptions: Vec<CompanySubscription>,
        users: Vec<User>,
        groups: HashMap<Uuid, Group>,
    ) -> Self {
        Self {
            organization,
            products,
            subscriptions,
            users,
            groups,
            source: Source::Live,
            knowledge: Knowledge::EVERYTHING,
            resolutions: HashMap::new(),
            activity: Activity::default(),
            index: OnceLock::new(),
        }
    }

    /// A picture from a file: what it could tell, and how its products
    /// were matched.
    #[allow(clippy::too_many_arguments)]
    pub fn from_file(
        organization: Organization,
        products: Vec<SubscribedSku>,
        subscriptions: Vec<CompanySubscription>,
        users: Vec<User>,
        groups: HashMap<Uuid, Group>,
        source: Source,
        knowledge: Knowledge,
        resolutions: HashMap<Uuid, Resolution>,
    ) -> Self {
        Self {
            organization,
            products,
            subscriptions,
            users,
            groups,
            source,
            knowledge,
            resolutions,
            activity: Activity::default(),
            index: OnceLock::new(),
        }
    }

    /// Puts `fresh` users in place of the ones with their ids (a user who
    /// is gone is left out of `fresh` and listed in `gone`), with the
    /// products' counts as read again; the search index is rebuilt on the
    /// next query.
    pub fn update_users(
        &mut self,
        fresh: Vec<User>,
        gone: &[Uuid],
        products: Vec<SubscribedSku>,
        groups: HashMap<Uuid, Group>,
    ) {
        let mut fresh: HashMap<Uuid, User> = fresh.into_iter().map(|u| (u.id, u)).collect();
        self.users.retain(|u| !gone.contains(&u.id));
        for user in &mut self.users {
            if let Some(updated) = fresh.remove(&user.id) {
                *user = updated;
            }
        }
        self.users.extend(fresh.into_values());
        self.products = products;
        self.groups.extend(groups);
        self.index = OnceLock::new();
    }

    /// Puts activity read from the tenant in place: each user's creation
    /// and sign-in dates by id (a user the reading did not see keeps what
    /// it had; a date Graph did not give stays unknown), and what was
    /// read. Cheap: the reading itself happens beforehand, without the
    /// picture.
    pub fn set_activity(&mut self, read: crate::activity::ActivityRead) {
        let crate::activity::ActivityRead { activity, mut users } = read;
        for user in &mut self.users {
            if let Some(dates) = users.remove(&user.id) {
                if dates.created_date_time.is_some() {
                    user.created_date_time = dates.created_date_time;
                }
                user.sign_in_activity = dates.sign_in_activity;
            }
        }
        self.activity = activity;
    }

    pub fn is_live(&self) -> bool {
        self.source == Source::Live
    }

    /// How a product was matched (exact unless a file said otherwise).
    pub fn resolution(&self, sku_id: Uuid) -> Resolution {
        self.resolutions
            .get(&sku_id)
            .cloned()
            .unwrap_or(Resolution::Exact)
    }

    /// The tenant's default domain, where known.
    pub fn default_domain(&self) -> Option<&str> {
        self.organization
            .verified_domains
            .iter()
            .find(|d| d.is_default)
            .or(self.organization.verified_domains.first())
            .map(|d| d.name.as_str())
    }
}

impl TenantPicture {
    /// What the views show: products by name with their seats, and counts.
    pub fn overview(&self, admin: Option<AdminSummary>) -> TenantOverview {
        let self_service: BTreeSet<Uuid> = self
            .subscriptions
            .iter()
            .filter(|s| s.is_self_service())
            .map(|s| s.sku_id)
            .collect();
        let products = self
            .products
            .iter()
            .filter(|p| p.applies_to == "User")
            .map(|p| {
                let seats = p.prepaid_units.enabled + p.prepaid_units.warning;
                ProductSummary {
                    sku_id: p.sku_id.to_string(),
                    part_number: p.sku_part_number.clone(),
                    name: crate::product_name(&p.sku_part_number).map(str::to_owned),
                    status: ProductStatus::from_graph(&p.capability_status),
                    seats,
                    assigned: p.consumed_units,
                    available: seats as i32 - p.consumed_units as i32,
                    self_service: self_service.contains(&p.sku_id),
                }
            })
            .collect();
        let licensed = |u: &&User| !u.license_assignment_states.is_empty();
        TenantOverview {
            tenant_name: self.organization.display_name.clone(),
            admin,
            products,
            users_total: self.users.len() as u32,
            users_licensed: self.users.iter().filter(licensed).count() as u32,
            disabled_with_licenses: self
                .users
                .iter()
                .filter(licensed)
                .filter(|u| u.account_enabled == Some(false))
                .count() as u32,
            // What a file is and cannot tell is the opener's to say.
            offline: None,
        }
    }
}

impl TenantPicture {
    /// A product's friendly name (its part number, or id, at worst).
    pub fn product_name(&self, sku_id: Uuid) -> String {
        self.products
            .iter()
            .find(|p| p.sku_id == sku_id)
            .map(|p| {
                crate::product_name(&p.sku_part_number)
                    .unwrap_or(&p.sku_part_number)
                    .to_owned()
            })
            .unwrap_or_else(|| sku_id.to_string())
    }

    fn row(&self, user: &User) -> UserRow {
        let mut licenses: Vec<UserLicense> = Vec::new();
        for state in &user.license_assignment_states {
            let index = match licenses.iter().position(|l| l.sku_id == state.sku_id.to_string()) {
                Some(index) => index,
                None => {
                    licenses.push(UserLicense {
                        sku_id: state.sku_id.to_string(),
                        name: self.product_name(state.sku_id),
                        direct: false,
                        groups: Vec::new(),
                    });
                    licenses.len() - 1
                }
            };
            match state.assigned_by_group {
                None => licenses[index].direct = true,
                Some(group) => licenses[index].groups.push(
                    self.groups
                        .get(&group)
                        .and_then(|g| g.display_name.clone())
                        .unwrap_or_else(|| group.to_string()),
                ),
            }
        }
        UserRow {
            id: user.id.to_string(),
            display_name: user
                .display_name
                .clone()
                .unwrap_or_else(|| user.user_principal_name.clone()),
            user_principal_name: user.user_principal_name.clone(),
            enabled: user.account_enabled != Some(false),
            licenses,
        }
    }

    /// The users `query` asks for, in its order.
    fn matching(&self, query: &UserQuery) -> Vec<&User> {
        let needle = query.search.trim().to_lowercase();
        let product = query.product.as_deref().and_then(|p| p.parse::<Uuid>().ok());
        if query.product.is_some() && product.is_none() {
            return Vec::new();
        }
        let index = self.index.get_or_init(|| UserIndex::new(&self.users));
        let order = match query.sort {
            UserSort::Name => &index.by_name,
            UserSort::UserName => &index.by_user_name,
            UserSort::MostLicenses => &index.by_most_licenses,
        };
        order
            .iter()
            .filter(|&&i| {
                needle.is_empty() || index.names[i].contains(&needle) || index.user_names[i].contains(&needle)
            })
            .map(|&i| &self.users[i])
            .filter(|u| match query.filter {
                UserFilter::All => true,
                UserFilter::Unlicensed => u.license_assignment_states.is_empty(),
                UserFilter::DisabledLicensed => {
                    u.account_enabled == Some(false) && !u.license_assignment_states.is_empty()
                }
                UserFilter::ThroughGroup => u
                    .license_assignment_states
                    .iter()
                    .any(|s| s.assigned_by_group.is_some()),
            })
            .filter(|u| product.is_none_or(|sku| u.license_assignment_states.iter().any(|s| s.sku_id == sku)))
            .collect()
    }

    /// One window of the users `query` asks for.
    pub fn users_page(&self, query: &UserQuery, offset: usize, limit: usize) -> UserPage {
        let matching = self.matching(query);
        UserPage {
            total: matching.len() as u32,
            offset: offset as u32,
            rows: matching
                .iter()
                .skip(offset)
                .take(limit)
                .map(|u| self.row(u))
                .collect(),
        }
    }

    /// The ids of every user `query` asks for, in its order (for selecting
    /// them all, or a range).
    pub fn user_ids(&self, query: &UserQuery) -> Vec<String> {
        self.matching(query).iter().map(|u| u.id.to_string()).collect()
    }
}
