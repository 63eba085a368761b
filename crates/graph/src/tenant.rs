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
    let users = read_users(client, &mut progress);
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
    // Batches of twenty reads, several side by side.
    let chunks: Vec<&[Uuid]> = ids.chunks(20).collect();
    let mut answered: Vec<(&[Uuid], Vec<crate::client::Answer>)> = Vec::new();
    for wave in chunks.chunks(PARALLEL_READS) {
        let reads = wave.iter().map(|chunk| {
            let requests: Vec<Request> = chunk
                .iter()
                .map(|id| Request::get(format!("/users/{id}?$select={USER_FIELDS}")))
                .collect();
            async move { client.batch(&requests).await }
        });
        for (chunk, answers) in wave.iter().zip(futures_util::future::join_all(reads).await) {
            answered.push((chunk, answers?));
        }
    }
    for (chunk, answers) in answered {
        for (id, answer) in chunk.iter().zip(answers) {
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

/// Users a page, at most (Graph's own limit).
const PAGE: usize = 999;
/// A partition of more users than this is split by one more character, and
/// a tenant of no more is read page by page: below it, a wave of first pages
/// costs more than it saves.
const SPLIT_ABOVE: usize = 10 * PAGE;
/// The characters user names start with, as partitions split them. Graph's
/// `startswith` ignores case, so upper-case names fall in with these.
const PREFIXES: &str = "abcdefghijklmnopqrstuvwxyz0123456789";
/// Partitions read side by side: within the read budget of a tenant of
/// any size, so the read itself causes no throttling.
const PARALLEL_READS: usize = 16;

/// One page of users as Graph sent it.
struct Page {
    users: Vec<User>,
    count: Option<usize>,
    next: Option<String>,
}

async fn page(client: &GraphClient, request: &Request) -> Result<Page, Error> {
    #[derive(Deserialize)]
    struct Wire {
        value: Vec<User>,
        #[serde(rename = "@odata.count")]
        count: Option<usize>,
        #[serde(rename = "@odata.nextLink")]
        next: Option<String>,
    }
    let wire: Wire = serde_json::from_value(client.send_ok(request).await?).map_err(|e| {
        Error::new(
            license_desk_core::ErrorCode::GraphRequestFailed,
            "Microsoft Graph sent a page of users License Desk could not read.",
        )
        .with_details(e.to_string())
    })?;
    Ok(Page {
        users: wire.value,
        count: wire.count,
        next: wire.next,
    })
}

/// The first page of the users whose name starts with `prefix` (all users
/// for an empty prefix), with their count.
fn users_request(prefix: &str) -> Request {
    let filter = if prefix.is_empty() {
        String::new()
    } else {
        format!("&$filter=startswith(userPrincipalName,'{prefix}')")
    };
    Request {
        eventual: true,
        ..Request::get(format!(
            "/users?$select={USER_FIELDS}&$top={PAGE}&$count=true{filter}"
        ))
    }
}

/// The rest of a partition after its first page, page by page.
async fn rest_of(client: &GraphClient, first: Page) -> Result<Vec<User>, Error> {
    let mut users = first.users;
    let mut next = first.next;
    while let Some(link) = next {
        let request = Request {
            eventual: true,
            ..Request::get(link)
        };
        let page = page(client, &request).await?;
        users.extend(page.users);
        next = page.next;
    }
    Ok(users)
}

/// Every user, read once. A tenant of one page is read in one request; a
/// larger one in partitions by the first characters of user names, read
/// side by side (a large partition split further), and the partitions'
/// counts must add up to the tenant's, or the tenant is read page by page
/// from the start, as a tenant that refuses the filter is.
async fn read_users(
    client: &GraphClient,
    progress: &mut (impl FnMut(LoadProgress) + Send),
) -> Result<Vec<User>, Error> {
    let first = page(client, &users_request("")).await?;
    let total = first.count;
    let report = |progress: &mut (dyn FnMut(LoadProgress) + Send), loaded: usize| {
        progress(LoadProgress {
            users_loaded: loaded as u32,
            users_total: total.map(|t| t as u32),
        })
    };
    report(progress, first.users.len());
    if first.next.is_none() {
        return Ok(first.users);
    }
    // A few pages go faster one after another than as dozens of partitions.
    if let Some(total) = total.filter(|&t| t > SPLIT_ABOVE) {
        if let Ok(Some(users)) = partitioned(client, total, progress).await {
            return Ok(users);
        }
    }
    // Page by page, as Graph offers it.
    let users = rest_of(client, first).await?;
    report(progress, users.len());
    Ok(users)
}

/// The partitioned read; `None` when the partitions do not add up to
/// `total` (user names starting with other characters, or a tenant that
/// refuses the filter).
async fn partitioned(
    client: &GraphClient,
    total: usize,
    progress: &mut (impl FnMut(LoadProgress) + Send),
) -> Result<Option<Vec<User>>, Error> {
    use futures_util::stream::{self, StreamExt, TryStreamExt};
    let first_pages = |prefixes: Vec<String>| {
        stream::iter(prefixes)
            .map(|prefix| async move {
                let first = page(client, &users_request(&prefix)).await?;
                Ok::<_, Error>((prefix, first))
            })
            .buffer_unordered(PARALLEL_READS)
            .try_collect::<Vec<(String, Page)>>()
    };
    let one_character: Vec<String> = PREFIXES.chars().map(String::from).collect();
    let mut partitions: Vec<Page> = Vec::new();
    for (prefix, first) in first_pages(one_character).await? {
        let count = first.count.unwrap_or_default();
        if count <= SPLIT_ABOVE {
            partitions.push(first);
            continue;
        }
        // Split a large partition by its second character, if the parts
        // account for all of it; otherwise read it page by page.
        let parts = first_pages(PREFIXES.chars().map(|c| format!("{prefix}{c}")).collect()).await?;
        if parts
            .iter()
            .map(|(_, p)| p.count.unwrap_or_default())
            .sum::<usize>()
            == count
        {
            partitions.extend(parts.into_iter().map(|(_, page)| page));
        } else {
            partitions.push(first);
        }
    }
    if partitions
        .iter()
        .map(|p| p.count.unwrap_or_default())
        .sum::<usize>()
        != total
    {
        return Ok(None);
    }
    let mut users = Vec::with_capacity(total);
    let mut reads = stream::iter(partitions)
        .map(|first| rest_of(client, first))
        .buffer_unordered(PARALLEL_READS);
    while let Some(part) = reads.next().await {
        users.extend(part?);
        progress(LoadProgress {
            users_loaded: users.len() as u32,
            users_total: Some(total as u32),
        });
    }
    Ok((users.len() == total).then_some(users))
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
