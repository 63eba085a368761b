//! Reading a whole tenant: who is signed in and what they may do, the
//! products, the subscriptions, every user with how each license is held,
//! and the names of the groups licenses come from.

use std::collections::{BTreeSet, HashMap};
use std::sync::OnceLock;

use license_desk_core::overview::{
    AdminSummary, LoadProgress, ProductStatus, ProductSummary, TenantOverview, UserFilter, UserLicense,
    UserPage, UserQuery, UserRow, UserSort,
};
use license_desk_core::{products, Error};
use serde::Deserialize;
use uuid::Uuid;

use crate::client::{GraphClient, Request};
use crate::models::{
    CompanySubscription, DirectoryObject, Group, Me, Organization, SubscribedSku, User, GROUP_FIELDS,
    SKU_FIELDS, USER_FIELDS,
};

/// Role template ids of the roles that may change licenses.
pub const LICENSE_ROLES: [(Uuid, &str); 4] = [
    (
        uuid::uuid!("62e90394-69f5-4237-9190-012177145e10"),
        "Global Administrator",
    ),
    (
        uuid::uuid!("4d6ac14f-3453-41d0-bef9-a3e0c569773a"),
        "License Administrator",
    ),
    (
        uuid::uuid!("fe930be7-5e62-47db-91af-98c3a49a38b1"),
        "User Administrator",
    ),
    (
        uuid::uuid!("9360feb5-f418-4baa-8175-e2a00bac4301"),
        "Directory Writers",
    ),
];

/// The signed-in admin, and which of the license roles they hold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedInAdmin {
    pub display_name: String,
    pub user_principal_name: String,
    pub license_roles: Vec<String>,
}

impl SignedInAdmin {
    pub fn may_manage_licenses(&self) -> bool {
        !self.license_roles.is_empty()
    }
}

#[derive(Deserialize)]
struct Collection<T> {
    value: Vec<T>,
}

/// `/me` and `/me/memberOf`: read before anything is tried.
pub async fn signed_in_admin(client: &GraphClient) -> Result<SignedInAdmin, Error> {
    let me: Me = client.get("/me?$select=id,displayName,userPrincipalName").await?;
    let member_of: Vec<DirectoryObject> = client
        .get_all(
            Request::get("/me/memberOf?$select=id,displayName,roleTemplateId"),
            |_, _| {},
        )
        .await?;
    let license_roles = member_of
        .iter()
        .filter(|o| o.odata_type == "#microsoft.graph.directoryRole")
        .filter_map(|o| o.role_template_id)
        .filter_map(|t| {
            LICENSE_ROLES
                .iter()
                .find(|(id, _)| *id == t)
                .map(|(_, name)| (*name).to_owned())
        })
        .collect();
    Ok(SignedInAdmin {
        display_name: me.display_name.unwrap_or_else(|| me.user_principal_name.clone()),
        user_principal_name: me.user_principal_name,
        license_roles,
    })
}

/// Everything License Desk shows about a tenant, as read at one moment.
#[derive(Debug, Clone)]
pub struct TenantSnapshot {
    pub organization: Organization,
    pub products: Vec<SubscribedSku>,
    pub subscriptions: Vec<CompanySubscription>,
    pub users: Vec<User>,
    /// The groups licenses are inherited from, by id.
    pub groups: HashMap<Uuid, Group>,
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

/// Reads the whole tenant. Products and subscriptions load while users page.
pub async fn load(
    client: &GraphClient,
    mut progress: impl FnMut(LoadProgress) + Send,
) -> Result<TenantSnapshot, Error> {
    let organizations =
        client.get::<Collection<Organization>>("/organization?$select=id,displayName,verifiedDomains");
    let products_path = format!("/subscribedSkus?$select={SKU_FIELDS}");
    let products = client.get::<Collection<SubscribedSku>>(&products_path);
    let subscriptions = client.get::<Collection<CompanySubscription>>("/directory/subscriptions");
    let users = async {
        // The count rides on the first page; the header goes with every page.
        let first = Request {
            eventual: true,
            ..Request::get(format!("/users?$select={USER_FIELDS}&$top=999&$count=true"))
        };
        client
            .get_all(first, |loaded, total| {
                progress(LoadProgress {
                    users_loaded: loaded as u32,
                    users_total: total.map(|t| t as u32),
                })
            })
            .await
    };
    let (organizations, products, subscriptions, users) =
        tokio::join!(organizations, products, subscriptions, users);
    let users: Vec<User> = users?;
    let organization = organizations?.value.into_iter().next().ok_or_else(|| {
        Error::new(
            license_desk_core::ErrorCode::GraphRequestFailed,
            "Microsoft Graph returned no organisation for this sign-in.",
        )
    })?;
    let group_ids: BTreeSet<Uuid> = users
        .iter()
        .flat_map(|u| {
            u.license_assignment_states
                .iter()
                .filter_map(|s| s.assigned_by_group)
        })
        .collect();
    Ok(TenantSnapshot {
        organization,
        products: products?.value,
        subscriptions: subscriptions?.value,
        groups: groups(client, &group_ids).await?,
        users,
        index: OnceLock::new(),
    })
}

/// Group names and kinds, twenty to a batch.
async fn groups(client: &GraphClient, ids: &BTreeSet<Uuid>) -> Result<HashMap<Uuid, Group>, Error> {
    let ids: Vec<&Uuid> = ids.iter().collect();
    let mut found = HashMap::new();
    for chunk in ids.chunks(20) {
        let requests: Vec<Request> = chunk
            .iter()
            .map(|id| Request::get(format!("/groups/{id}?$select={GROUP_FIELDS}")))
            .collect();
        for answer in client.batch(&requests).await? {
            if answer.status == 200 {
                if let Ok(group) = serde_json::from_value::<Group>(answer.body) {
                    found.insert(group.id, group);
                }
            }
        }
    }
    Ok(found)
}

impl TenantSnapshot {
    /// What the views show: products by name with their seats, and counts.
    pub fn overview(&self, admin: Option<&SignedInAdmin>) -> TenantOverview {
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
                    name: products::friendly_name(&p.sku_part_number).map(str::to_owned),
                    status: ProductStatus::from_graph(&p.capability_status),
                    seats,
                    assigned: p.consumed_units,
                    available: seats as i32 - p.consumed_units as i32,
                    self_service: self_service.contains(&p.sku_id),
                }
            })
            .collect();
        let licensed = |u: &&User| !u.assigned_licenses.is_empty();
        TenantOverview {
            tenant_name: self.organization.display_name.clone(),
            admin: admin.map(|a| AdminSummary {
                display_name: a.display_name.clone(),
                user_principal_name: a.user_principal_name.clone(),
                license_roles: a.license_roles.clone(),
            }),
            products,
            users_total: self.users.len() as u32,
            users_licensed: self.users.iter().filter(licensed).count() as u32,
            disabled_with_licenses: self
                .users
                .iter()
                .filter(licensed)
                .filter(|u| u.account_enabled == Some(false))
                .count() as u32,
        }
    }
}

impl TenantSnapshot {
    /// A product's friendly name (its part number, or id, at worst).
    pub fn product_name(&self, sku_id: Uuid) -> String {
        self.products
            .iter()
            .find(|p| p.sku_id == sku_id)
            .map(|p| {
                products::friendly_name(&p.sku_part_number)
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
