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
/// users neither allocates nor sorts. The names live in one string (a few
/// megabytes at 50,000 users, not two allocations a user), searched from
/// end to end.
#[derive(Debug, Clone)]
struct UserIndex {
    /// Each user's lower-cased name and user name, each ended by `\n`, in
    /// the users' order.
    text: String,
    /// Where each user's name, user name and the next user start in `text`.
    starts: Vec<u32>,
    by_name: Vec<u32>,
    by_user_name: Vec<u32>,
    by_most_licenses: Vec<u32>,
}

impl UserIndex {
    fn new(users: &[User]) -> Self {
        let mut text = String::new();
        let mut starts = Vec::with_capacity(2 * users.len() + 1);
        for user in users {
            for part in [
                user.display_name.as_deref().unwrap_or_default(),
                &user.user_principal_name,
            ] {
                starts.push(text.len() as u32);
                // A line ending in a name would end its part early.
                text.extend(
                    part.to_lowercase()
                        .chars()
                        .map(|c| if c == '\n' { ' ' } else { c }),
                );
                text.push('\n');
            }
        }
        starts.push(text.len() as u32);
        text.shrink_to_fit();
        let held: Vec<usize> = users
            .iter()
            .map(|u| {
                let products: BTreeSet<Uuid> = u.license_assignment_states.iter().map(|s| s.sku_id).collect();
                products.len()
            })
            .collect();
        let mut index = Self {
            text,
            starts,
            by_name: (0..users.len() as u32).collect(),
            by_user_name: Vec::new(),
            by_most_licenses: Vec::new(),
        };
        let mut by_name = std::mem::take(&mut index.by_name);
        by_name.sort_by(|a, b| index.name(*a).cmp(index.name(*b)));
        let mut by_user_name = by_name.clone();
        by_user_name.sort_by(|a, b| index.user_name(*a).cmp(index.user_name(*b)));
        let mut by_most_licenses = by_name.clone();
        // Stable: equal counts stay by name.
        by_most_licenses.sort_by(|a, b| held[*b as usize].cmp(&held[*a as usize]));
        index.by_name = by_name;
        index.by_user_name = by_user_name;
        index.by_most_licenses = by_most_licenses;
        index
    }

    /// Part `part` (0 the name, 1 the user name) of user `user`, lower-cased.
    fn part(&self, user: u32, part: usize) -> &str {
        let at = 2 * user as usize + part;
        &self.text[self.starts[at] as usize..self.starts[at + 1] as usize - 1]
    }

    fn name(&self, user: u32) -> &str {
        self.part(user, 0)
    }

    fn user_name(&self, user: u32) -> &str {
        self.part(user, 1)
    }

    /// Which users' name or user name holds `needle` (lower-cased), by
    /// user: one pass over the text, skipping to the next user at a hit.
    fn holding(&self, needle: &str) -> Vec<bool> {
        let users = self.starts.len() / 2;
        let mut found = vec![false; users];
        if needle.contains('\n') {
            return found;
        }
        let mut from = 0;
        let mut user = 0;
        while let Some(at) = self.text[from..].find(needle) {
            let at = (from + at) as u32;
            // Parts are in order: walk on to the one the hit is in.
            while self.starts[2 * user + 2] <= at {
                user += 1;
            }
            found[user] = true;
            user += 1;
            if user == users {
                break;
            }
            from = self.starts[2 * user] as usize;
        }
        found
    }
}

impl TenantPicture {
    /// A picture of a live tenant, as just read.
    pub fn live(
        organization: Organization,
        products: Vec<SubscribedSku>,
        subscriptions: Vec<CompanySubscription>,
        mut users: Vec<User>,
        groups: HashMap<Uuid, Group>,
    ) -> Self {
        users.iter_mut().for_each(User::shrink_to_fit);
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
        mut users: Vec<User>,
        groups: HashMap<Uuid, Group>,
        source: Source,
        knowledge: Knowledge,
        resolutions: HashMap<Uuid, Resolution>,
    ) -> Self {
        users.iter_mut().for_each(User::shrink_to_fit);
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
        let mut fresh: HashMap<Uuid, User> = fresh
            .into_iter()
            .map(|mut u| {
                u.shrink_to_fit();
                (u.id, u)
            })
            .collect();
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
        let found = (!needle.is_empty()).then(|| index.holding(&needle));
        order
            .iter()
            .filter(|&&i| found.as_ref().is_none_or(|found| found[i as usize]))
            .map(|&i| &self.users[i as usize])
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

#[cfg(test)]
mod tests {
    use super::*;

    fn user(n: u128, name: Option<&str>, user_name: &str, products: usize) -> User {
        User {
            id: Uuid::from_u128(n),
            display_name: name.map(str::to_owned),
            user_principal_name: user_name.to_owned(),
            account_enabled: Some(true),
            usage_location: None,
            department: None,
            assigned_licenses: Vec::new(),
            license_assignment_states: (0..products)
                .map(|p| crate::model::LicenseAssignmentState {
                    sku_id: Uuid::from_u128(1000 + p as u128),
                    disabled_plans: Vec::new(),
                    assigned_by_group: None,
                    state: None,
                    error: None,
                })
                .collect(),
            created_date_time: None,
            sign_in_activity: None,
        }
    }

    fn picture(users: Vec<User>) -> TenantPicture {
        TenantPicture::live(
            Organization {
                id: Uuid::nil(),
                display_name: "Contoso".to_owned(),
                verified_domains: Vec::new(),
            },
            Vec::new(),
            Vec::new(),
            users,
            HashMap::new(),
        )
    }

    fn names(picture: &TenantPicture, search: &str, sort: UserSort) -> Vec<String> {
        let query = UserQuery {
            search: search.to_owned(),
            sort,
            ..UserQuery::everyone()
        };
        picture
            .users_page(&query, 0, 100)
            .rows
            .into_iter()
            .map(|r| r.display_name)
            .collect()
    }

    #[test]
    fn search_finds_names_and_user_names_in_any_case_in_the_chosen_order() {
        let picture = picture(vec![
            user(1, Some("Sven Svensson"), "sven@contoso.example", 1),
            user(2, Some("Anna Andersson"), "anna.a@contoso.example", 3),
            user(3, None, "NoName@Contoso.example", 0),
            user(4, Some("Åsa Öberg"), "asa@contoso.example", 2),
            user(5, Some("Line\nBreak"), "jo@contoso.example", 0),
        ]);
        let by_name = UserSort::Name;
        // A user with no name sorts as an empty one, and shows the user name.
        assert_eq!(
            names(&picture, "", by_name),
            [
                "NoName@Contoso.example",
                "Anna Andersson",
                "Line\nBreak",
                "Sven Svensson",
                "Åsa Öberg"
            ]
        );
        assert_eq!(names(&picture, "SVEN", by_name), ["Sven Svensson"]);
        assert_eq!(names(&picture, "  anna ", by_name), ["Anna Andersson"]);
        // The user name, when the name does not hold it.
        assert_eq!(names(&picture, "a.a@", by_name), ["Anna Andersson"]);
        assert_eq!(
            names(&picture, "noname@contoso", by_name),
            ["NoName@Contoso.example"]
        );
        assert_eq!(names(&picture, "öb", by_name), ["Åsa Öberg"]);
        // Every user holding it once, however often it occurs.
        assert_eq!(
            names(&picture, "ss", by_name),
            ["Anna Andersson", "Sven Svensson"]
        );
        assert_eq!(
            names(&picture, "contoso.example", UserSort::MostLicenses),
            [
                "Anna Andersson",
                "Åsa Öberg",
                "Sven Svensson",
                "NoName@Contoso.example",
                "Line\nBreak"
            ]
        );
        assert_eq!(
            names(&picture, "contoso", UserSort::UserName)[0],
            "Anna Andersson"
        );
        // Never across a name and the next part, nor a line break.
        assert!(names(&picture, "svenssonsven", by_name).is_empty());
        assert!(names(&picture, "obergasa", by_name).is_empty());
        assert!(names(&picture, "line\nbreak", by_name).is_empty());
        assert_eq!(names(&picture, "line break", by_name), ["Line\nBreak"]);
        assert!(names(&picture, "nobody", by_name).is_empty());
    }

    #[test]
    fn search_of_no_users_finds_none() {
        assert!(names(&picture(Vec::new()), "a", UserSort::Name).is_empty());
    }
}
