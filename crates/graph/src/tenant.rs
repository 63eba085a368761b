//! Reading a whole tenant: who is signed in and what they may do, the
//! products, the subscriptions, every user with how each license is held,
//! and the names of the groups licenses come from.

use std::collections::{BTreeSet, HashMap};

use license_desk_core::overview::{AdminSummary, LoadProgress};
use license_desk_core::Error;
pub use license_desk_tenant::TenantPicture;
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

    /// The admin as the views show them.
    pub fn summary(&self) -> AdminSummary {
        AdminSummary {
            display_name: self.display_name.clone(),
            user_principal_name: self.user_principal_name.clone(),
            license_roles: self.license_roles.clone(),
        }
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

/// Reads the whole tenant. Products and subscriptions load while users page.
pub async fn load(
    client: &GraphClient,
    mut progress: impl FnMut(LoadProgress) + Send,
) -> Result<TenantPicture, Error> {
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
    Ok(TenantPicture::live(
        organization,
        products?.value,
        subscriptions?.value,
        users,
        groups(client, &group_ids).await?,
    ))
}

/// Reads again only `ids` (twenty to a batch of reads) and the products'
/// counts, and updates `picture` with them: what a run changed, without
/// reading the whole tenant.
pub async fn refresh_users(
    client: &GraphClient,
    picture: &mut TenantPicture,
    ids: &[Uuid],
) -> Result<(), Error> {
    let mut fresh = Vec::new();
    let mut gone = Vec::new();
    for chunk in ids.chunks(20) {
        let reads: Vec<Request> = chunk
            .iter()
            .map(|id| Request::get(format!("/users/{id}?$select={USER_FIELDS}")))
            .collect();
        for (id, answer) in chunk.iter().zip(client.batch(&reads).await?) {
            match answer.status {
                200 => fresh.push(serde_json::from_value::<User>(answer.body).map_err(|e| {
                    Error::new(
                        license_desk_core::ErrorCode::GraphRequestFailed,
                        "Microsoft Graph sent a user License Desk could not read.",
                    )
                    .with_details(e.to_string())
                })?),
                404 => gone.push(*id),
                status => {
                    return Err(crate::failure::GraphFailure::from_body(
                        status,
                        &answer.body,
                        &answer.client_request_id,
                    )
                    .into_error())
                }
            }
        }
    }
    let products_path = format!("/subscribedSkus?$select={SKU_FIELDS}");
    let products = client
        .get::<Collection<SubscribedSku>>(&products_path)
        .await?
        .value;
    let new_groups: BTreeSet<Uuid> = fresh
        .iter()
        .flat_map(|u| {
            u.license_assignment_states
                .iter()
                .filter_map(|s| s.assigned_by_group)
        })
        .filter(|g| !picture.groups.contains_key(g))
        .collect();
    let groups = groups(client, &new_groups).await?;
    picture.update_users(fresh, &gone, products, groups);
    Ok(())
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
