//! Reading a whole tenant: who is signed in and what they may do, the
//! products, the subscriptions, every user with how each license is held,
//! and the names of the groups licenses come from.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

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
/// A tenant of no more users is read page by page: below it, counting
/// partitions costs more than it saves.
const PARTITIONED_ABOVE: usize = 10 * PAGE;
/// The longest prefix a partition is split down to.
const DEEPEST_PREFIX: usize = 3;
/// The characters partitions are made of. Graph's `startswith` ignores
/// case, so upper-case names fall in with these; none needs quoting in a
/// filter or escaping in a URL.
const CHARACTERS: &str = "abcdefghijklmnopqrstuvwxyz0123456789._-";
/// Partitions read side by side: within the read budget of a tenant of
/// any size, so the read itself causes no throttling.
const PARALLEL_READS: usize = 16;
/// Counts asked side by side. A count costs one resource unit and answers
/// in one round trip, so a whole round of them stays far inside the budget.
const PARALLEL_COUNTS: usize = 128;

/// The most users a partition holds before it is split by one more
/// character: as many pages as each of the reads side by side has of the
/// tenant (two at least), so no partition's chain of pages outlasts the
/// others'. Smaller partitions would only add half-empty pages.
fn largest_partition(total: usize) -> usize {
    total.div_ceil(PARALLEL_READS).div_ceil(PAGE).max(2) * PAGE
}

/// One page of users as Graph sent it.
struct Page {
    users: Vec<User>,
    count: Option<usize>,
    next: Option<String>,
}

fn unreadable(what: &str, e: serde_json::Error) -> Error {
    Error::new(
        license_desk_core::ErrorCode::GraphRequestFailed,
        format!("Microsoft Graph sent {what} License Desk could not read."),
    )
    .with_details(e.to_string())
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
    // Through a JSON tree, not straight from the bytes: a tree tells each
    // list's length, so every user's lists are made to their size (decoded
    // from the bytes, each grows to room for four and the load holds about
    // 10 MiB more at 50,000 users).
    let wire: Wire = serde_json::from_value(client.send_ok(request).await?)
        .map_err(|e| unreadable("a page of users", e))?;
    Ok(Page {
        users: wire.value,
        count: wire.count,
        next: wire.next,
    })
}

fn starting_with(prefix: &str) -> String {
    format!("&$filter=startswith(userPrincipalName,'{prefix}')")
}

/// The first page of all users, with their count.
fn all_users_request() -> Request {
    Request {
        eventual: true,
        ..Request::get(format!("/users?$select={USER_FIELDS}&$top={PAGE}&$count=true"))
    }
}

/// The first page of the users whose name starts with `prefix`, read as
/// consistently as they were counted, their count known already.
fn partition_request(prefix: &str) -> Request {
    Request {
        eventual: true,
        ..Request::get(format!(
            "/users?$select={USER_FIELDS}&$top={PAGE}{}",
            starting_with(prefix)
        ))
    }
}

/// How many user names start with `prefix`: one user's id comes along, as
/// little as Graph sends with a count (a page under 20 costs a unit less).
async fn count(client: &GraphClient, prefix: &str) -> Result<usize, Error> {
    #[derive(Deserialize)]
    struct Counted {
        #[serde(rename = "@odata.count")]
        count: usize,
    }
    let request = Request {
        eventual: true,
        ..Request::get(format!(
            "/users?$top=1&$select=id&$count=true{}",
            starting_with(prefix)
        ))
    };
    let counted: Counted = serde_json::from_value(client.send_ok(&request).await?)
        .map_err(|e| unreadable("a count of users", e))?;
    Ok(counted.count)
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
    let first = page(client, &all_users_request()).await?;
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
    if let Some(total) = total.filter(|&t| t > PARTITIONED_ABOVE) {
        if let Ok(Some(users)) = partitioned(client, total, &first.users, progress).await {
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
/// refuses the filter), or the users read are not `total` different ones.
async fn partitioned(
    client: &GraphClient,
    total: usize,
    sample: &[User],
    progress: &mut (impl FnMut(LoadProgress) + Send),
) -> Result<Option<Vec<User>>, Error> {
    use futures_util::stream::{self, StreamExt};
    let largest = largest_partition(total);
    let counts = count_prefixes(client, likely_prefixes(sample, total, largest), largest).await?;
    let Some(mut partitions) = partitions(&counts, total, largest) else {
        return Ok(None);
    };
    // The longest chains of pages start first.
    partitions.sort_by_key(|(_, count)| std::cmp::Reverse(*count));
    let mut users = Vec::with_capacity(total);
    let mut reads = stream::iter(partitions)
        .map(|(prefix, _)| async move {
            let first = page(client, &partition_request(&prefix)).await?;
            rest_of(client, first).await
        })
        .buffer_unordered(PARALLEL_READS);
    while let Some(part) = reads.next().await {
        users.extend(part?);
        progress(LoadProgress {
            users_loaded: users.len() as u32,
            users_total: Some(total as u32),
        });
    }
    let mut seen = HashSet::with_capacity(users.len());
    let each_once = users.iter().all(|u| seen.insert(u.id));
    Ok((users.len() == total && each_once).then_some(users))
}

/// The first `length` characters of a lower-cased `name`, if they are all
/// characters partitions are made of.
fn prefix_of(name: &str, length: usize) -> Option<&str> {
    name.get(..length)
        .filter(|prefix| prefix.chars().all(|c| CHARACTERS.contains(c)))
}

/// `prefix` and one more character, every way.
fn parts_of(prefix: &str) -> impl Iterator<Item = String> + '_ {
    CHARACTERS.chars().map(move |c| format!("{prefix}{c}"))
}

/// The prefixes to count before any count is known: every first character
/// and the parts that names go on with of any prefix the first page (a
/// sample of the tenant) puts above half of `largest`, so that a second
/// round of counts is seldom needed.
fn likely_prefixes(sample: &[User], total: usize, largest: usize) -> BTreeSet<String> {
    let names: Vec<String> = sample
        .iter()
        .map(|u| u.user_principal_name.to_lowercase())
        .collect();
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    for name in &names {
        for length in 1..=DEEPEST_PREFIX {
            if let Some(prefix) = prefix_of(name, length) {
                *seen.entry(prefix).or_default() += 1;
            }
        }
    }
    let may_split = |prefix: &str| {
        seen.get(prefix)
            .is_some_and(|&n| 2 * n * total > largest * names.len())
    };
    let mut prefixes: BTreeSet<String> = parts_of("").collect();
    prefixes.extend(
        seen.keys()
            .filter(|prefix| prefix.len() > 1 && may_split(&prefix[..prefix.len() - 1]))
            .map(|prefix| (*prefix).to_owned()),
    );
    prefixes
}

/// How many user names start with each prefix worth knowing: `likely` at
/// once, then, round by round, the parts not counted yet of any prefix
/// above `largest` whose counted parts fall short of it.
async fn count_prefixes(
    client: &GraphClient,
    likely: BTreeSet<String>,
    largest: usize,
) -> Result<BTreeMap<String, usize>, Error> {
    use futures_util::stream::{self, StreamExt, TryStreamExt};
    let mut counts = BTreeMap::new();
    let mut round = likely;
    while !round.is_empty() {
        let counted: Vec<(String, usize)> = stream::iter(round)
            .map(|prefix| async move {
                let n = count(client, &prefix).await?;
                Ok::<_, Error>((prefix, n))
            })
            .buffer_unordered(PARALLEL_COUNTS)
            .try_collect()
            .await?;
        counts.extend(counted);
        round = counts
            .iter()
            .filter(|(prefix, &count)| {
                prefix.len() < DEEPEST_PREFIX
                    && count > largest
                    && users_in(&counted_parts(&counts, prefix)) < count
            })
            .flat_map(|(prefix, _)| parts_of(prefix).filter(|part| !counts.contains_key(part)))
            .collect();
    }
    Ok(counts)
}

/// The parts of `prefix` counted so far, with their counts.
fn counted_parts(counts: &BTreeMap<String, usize>, prefix: &str) -> Vec<(String, usize)> {
    parts_of(prefix)
        .filter_map(|part| counts.get(&part).map(|&n| (part, n)))
        .collect()
}

fn users_in(prefixes: &[(String, usize)]) -> usize {
    prefixes.iter().map(|(_, n)| n).sum()
}

/// The partitions to read, with their counts: a prefix above `largest` is
/// read in its parts when they account for all of it, else whole. `None`
/// when the first characters do not account for the whole tenant.
fn partitions(
    counts: &BTreeMap<String, usize>,
    total: usize,
    largest: usize,
) -> Option<Vec<(String, usize)>> {
    let mut partitions = Vec::new();
    let mut to_place = counted_parts(counts, "");
    while let Some((prefix, count)) = to_place.pop() {
        let parts = counted_parts(counts, &prefix);
        if count > largest && users_in(&parts) == count {
            to_place.extend(parts);
        } else if count > 0 {
            partitions.push((prefix, count));
        }
    }
    (users_in(&partitions) == total).then_some(partitions)
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
