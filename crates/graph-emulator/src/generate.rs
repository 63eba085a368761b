//! Generated tenants of any size, and the built-in demo tenant.
//!
//! Every case License Desk must show appears: direct and group-inherited
//! licenses, users holding one both ways, disabled accounts that still hold
//! licenses, a self-service subscription, a product at capacity, products in
//! Warning and Suspended state, disabled service plans, users without a usage
//! location, admins of each kind (one of them unlicensed) and plain users.
//!
//! Users sign in as people do: most within the last days; those whose
//! accounts are disabled left months ago (and still hold their licenses);
//! one account in about every 150 was made months ago and never used, and
//! one belongs to a seasonal worker last seen about 75 days ago.

use rand::{seq::SliceRandom, Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use uuid::Uuid;

use crate::apps::roles;
use crate::catalog::{self, CatalogProduct};
use crate::directory::Directory;
use crate::model::{
    default_consent, AssignedLicense, Group, PrepaidUnits, SignInActivity, Subscription, Tenant, User,
    SAVINGS_PERMISSIONS,
};

const FIRST_NAMES: &[&str] = &[
    "Anna", "Erik", "Maria", "Lars", "Karin", "Johan", "Sara", "Anders", "Emma", "Per", "Elin", "Magnus",
    "Linnea", "Oskar", "Ingrid", "Nils", "Sofia", "Gustav", "Maja", "Henrik", "Olivia", "James", "Priya",
    "Wei", "Fatima", "Lucas", "Amira", "Jonas", "Ebba", "Ali", "Hanna", "David", "Noah", "Freja", "Mikael",
    "Astrid", "Omar", "Klara",
];
const LAST_NAMES: &[&str] = &[
    "Andersson",
    "Johansson",
    "Karlsson",
    "Nilsson",
    "Eriksson",
    "Larsson",
    "Olsson",
    "Persson",
    "Svensson",
    "Gustafsson",
    "Pettersson",
    "Jonsson",
    "Lindberg",
    "Lindqvist",
    "Berg",
    "Holm",
    "Ek",
    "Sandberg",
    "Smith",
    "Patel",
    "Chen",
    "Haddad",
    "Novak",
    "Moreau",
    "Rossi",
    "Nguyen",
    "Kowalski",
    "Öberg",
    "Åberg",
    "Strand",
];
const DEPARTMENTS: &[&str] = &[
    "Sales",
    "Engineering",
    "Finance",
    "Support",
    "Marketing",
    "Operations",
    "HR",
];
const JOB_TITLES: &[&str] = &[
    "Specialist",
    "Coordinator",
    "Manager",
    "Consultant",
    "Assistant",
    "Lead",
    "Analyst",
];
const LOCATIONS: &[&str] = &["SE", "SE", "SE", "SE", "NO", "DK", "FI", "GB", "US"];

fn uuid(rng: &mut ChaCha8Rng) -> Uuid {
    uuid::Builder::from_random_bytes(rng.gen()).into_uuid()
}

fn slug(text: &str) -> String {
    text.chars()
        .filter_map(|c| match c.to_ascii_lowercase() {
            c @ 'a'..='z' => Some(c),
            _ => match c {
                'å' | 'ä' | 'Å' | 'Ä' => Some('a'),
                'ö' | 'Ö' => Some('o'),
                _ => None,
            },
        })
        .collect()
}

fn license(product: &CatalogProduct) -> AssignedLicense {
    AssignedLicense {
        sku_id: product.sku_id,
        disabled_plans: Vec::new(),
    }
}

/// What a generated tenant has besides its users.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// Entra ID P1 or P2 through its products (Business Premium, E3, Entra
    /// ID P1), so Graph keeps sign-in dates. Without it the tenant has
    /// Business Standard where it would have had Business Premium, and no
    /// E3 or Entra ID P1, as a tenant on the smaller plans does.
    pub entra_premium: bool,
    /// An administrator has consented to the savings view's permissions
    /// (AuditLog.Read.All, Reports.Read.All, ReportSettings.Read.All), so
    /// License Desk gets them without asking anyone.
    pub savings_consent: bool,
    /// Reports show hashes instead of names (Microsoft's default).
    pub concealed_names: bool,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            entra_premium: true,
            savings_consent: true,
            concealed_names: true,
        }
    }
}

/// A tenant named `name` with `user_count` users, the same for the same
/// seed (sign-in dates count back from today).
pub fn tenant(name: &str, user_count: usize, seed: u64) -> Tenant {
    tenant_with(name, user_count, seed, Options::default())
}

/// As [`tenant`], with `options`.
pub fn tenant_with(name: &str, user_count: usize, seed: u64, options: Options) -> Tenant {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let domain_slug = slug(name);
    let domain = format!("{domain_slug}.example");
    let tenant_id = uuid(&mut rng);
    let created = "2021-03-15T09:30:00Z";

    let entra_group = Group {
        id: uuid(&mut rng),
        display_name: "Licensing - Entra ID P1".to_owned(),
        description: Some(
            "Everyone in Sales and Engineering gets Entra ID P1 through this group.".to_owned(),
        ),
        mail_enabled: false,
        mail: None,
        security_enabled: true,
        membership_rule: None,
        on_premises_sync_enabled: None,
        assigned_licenses: vec![license(&catalog::ENTRA_ID_P1)],
    };
    let engineering_group = Group {
        id: uuid(&mut rng),
        display_name: "Engineering (dynamic)".to_owned(),
        description: Some("Members follow the department field.".to_owned()),
        mail_enabled: false,
        mail: None,
        security_enabled: true,
        membership_rule: Some("(user.department -eq \"Engineering\")".to_owned()),
        on_premises_sync_enabled: None,
        assigned_licenses: vec![license(&catalog::M365_E3)],
    };
    let synced_group = Group {
        id: uuid(&mut rng),
        display_name: "Finance (synced)".to_owned(),
        description: Some("Synced from the office's Active Directory.".to_owned()),
        mail_enabled: false,
        mail: None,
        security_enabled: true,
        membership_rule: None,
        on_premises_sync_enabled: Some(true),
        assigned_licenses: vec![license(&catalog::POWER_BI_PRO)],
    };
    let all_company = Group {
        id: uuid(&mut rng),
        display_name: "All company".to_owned(),
        description: None,
        mail_enabled: true,
        mail: Some(format!("all@{domain}")),
        security_enabled: false,
        membership_rule: None,
        on_premises_sync_enabled: None,
        assigned_licenses: Vec::new(),
    };

    let mut users = Vec::with_capacity(user_count);
    let mut taken_upns = std::collections::HashSet::new();
    for index in 0..user_count {
        let first = *FIRST_NAMES.choose(&mut rng).unwrap_or(&"Alex");
        let last = *LAST_NAMES.choose(&mut rng).unwrap_or(&"Berg");
        let mut local = format!("{}.{}", slug(first), slug(last));
        let mut n = 2;
        while !taken_upns.insert(local.clone()) {
            local = format!("{}.{}{n}", slug(first), slug(last));
            n += 1;
        }
        let department = *DEPARTMENTS.choose(&mut rng).unwrap_or(&"Sales");
        let upn = format!("{local}@{domain}");
        let mut user = User {
            id: uuid(&mut rng),
            display_name: format!("{first} {last}"),
            given_name: Some(first.to_owned()),
            surname: Some(last.to_owned()),
            mail: Some(upn.clone()),
            user_principal_name: upn,
            job_title: Some(format!(
                "{department} {}",
                JOB_TITLES.choose(&mut rng).unwrap_or(&"Specialist")
            )),
            department: Some(department.to_owned()),
            usage_location: LOCATIONS.choose(&mut rng).map(|l| (*l).to_owned()),
            account_enabled: rng.gen_bool(0.94),
            created_date_time: format!(
                "20{:02}-{:02}-{:02}T08:00:00Z",
                rng.gen_range(19..26),
                rng.gen_range(1..13),
                rng.gen_range(1..29)
            ),
            assigned_licenses: Vec::new(),
            member_of: vec![all_company.id],
            directory_roles: Vec::new(),
            sign_in_activity: None,
        };
        // The main product: most on Business Premium, some on Basic or
        // Standard, a few with none.
        let roll: f64 = rng.gen();
        let main = if roll < 0.62 {
            Some(&catalog::BUSINESS_PREMIUM)
        } else if roll < 0.84 {
            Some(&catalog::BUSINESS_BASIC)
        } else if roll < 0.92 {
            Some(&catalog::BUSINESS_STANDARD)
        } else {
            None
        };
        if let Some(product) = main {
            let mut assigned = license(product);
            if rng.gen_bool(0.15) {
                // Some have a service plan switched off (e.g. no Forms).
                assigned
                    .disabled_plans
                    .push(product.service_plans[product.service_plans.len() - 1].1);
            }
            user.assigned_licenses.push(assigned);
        }
        if department == "Sales" || department == "Engineering" {
            user.member_of.push(entra_group.id);
        }
        if department == "Engineering" {
            user.member_of.push(engineering_group.id);
            if rng.gen_bool(0.2) {
                // Held both directly and through the group.
                user.assigned_licenses.push(license(&catalog::M365_E3));
            }
        }
        if department == "Finance" {
            user.member_of.push(synced_group.id);
        }
        for (product, share) in [
            (&catalog::POWER_BI_PRO, 0.06),
            (&catalog::VISIO_PLAN_2, 0.03),
            (&catalog::PROJECT_PLAN_3, 0.04),
            (&catalog::COPILOT, 0.05),
            (&catalog::EXCHANGE_PLAN_1, 0.04),
        ] {
            let direct_power_bi = product.sku_id == catalog::POWER_BI_PRO.sku_id && department == "Finance";
            if !direct_power_bi && rng.gen_bool(share) {
                user.assigned_licenses.push(license(product));
            }
        }
        if user.usage_location.is_some() && rng.gen_bool(0.01) && user.assigned_licenses.is_empty() {
            user.usage_location = None;
        }
        if index == 0 {
            admin(
                &mut user,
                "admin",
                &domain,
                "IT Administrator",
                roles::GLOBAL_ADMINISTRATOR,
            );
        } else if index == 1 {
            admin(
                &mut user,
                "licenses",
                &domain,
                "License Administrator",
                roles::LICENSE_ADMINISTRATOR,
            );
        } else if index == 2 {
            // An admin who holds no license of their own.
            admin(
                &mut user,
                "useradmin",
                &domain,
                "User Administrator",
                roles::USER_ADMINISTRATOR,
            );
            user.assigned_licenses.clear();
            user.department = Some("Operations".to_owned());
            user.member_of.truncate(1);
        } else if index == 3 {
            // A plain user: signs in, may not change licenses.
            admin(&mut user, "reader", &domain, "Office Assistant", Uuid::nil());
            user.directory_roles.clear();
        }
        users.push(user);
    }

    let mut groups = vec![entra_group, engineering_group, synced_group, all_company];
    if !options.entra_premium {
        without_entra_premium(&mut users, &mut groups);
    }
    sign_ins(&mut users, seed);

    let products_in_use = [
        (&catalog::BUSINESS_PREMIUM, "Enabled"),
        (&catalog::BUSINESS_BASIC, "Enabled"),
        (&catalog::BUSINESS_STANDARD, "Enabled"),
        (&catalog::M365_E3, "Enabled"),
        (&catalog::EXCHANGE_PLAN_1, "Enabled"),
        (&catalog::POWER_BI_PRO, "Enabled"),
        (&catalog::VISIO_PLAN_2, "Enabled"),
        (&catalog::PROJECT_PLAN_3, "Warning"),
        (&catalog::ENTRA_ID_P1, "Enabled"),
        (&catalog::COPILOT, "Suspended"),
    ];
    let mut tenant = Tenant {
        id: tenant_id,
        display_name: name.to_owned(),
        domains: vec![domain, format!("{domain_slug}.onmicrosoft.com")],
        country_letter_code: "SE".to_owned(),
        products: products_in_use
            .iter()
            .filter(|(p, _)| options.entra_premium || !carries_entra_premium(p))
            .map(|(p, status)| p.product(PrepaidUnits::default(), status))
            .collect(),
        subscriptions: Vec::new(),
        groups,
        users,
        apps: Vec::new(),
        consented_permissions: {
            let mut consent = default_consent();
            if options.savings_consent {
                consent.extend(SAVINGS_PERMISSIONS.iter().map(|p| (*p).to_owned()));
            }
            consent
        },
        display_concealed_names: options.concealed_names,
    };

    // Seats: what is held plus some to spare, except Power BI Pro (exactly
    // at capacity) and the products in Warning or Suspended state.
    let holders = Directory::new(tenant.clone()).count_holders();
    let visio_buyer = tenant.users.get(4).map(|u| u.id);
    for product in &mut tenant.products {
        let held = holders.get(&product.sku_id).copied().unwrap_or(0);
        let spare = (held / 8).max(2);
        product.prepaid_units = match product.capability_status.as_str() {
            "Warning" => PrepaidUnits {
                enabled: 0,
                warning: held + 1,
                ..PrepaidUnits::default()
            },
            "Suspended" => PrepaidUnits {
                enabled: 0,
                suspended: held.max(1),
                ..PrepaidUnits::default()
            },
            _ if product.sku_id == catalog::POWER_BI_PRO.sku_id => PrepaidUnits {
                enabled: held,
                ..PrepaidUnits::default()
            },
            _ => PrepaidUnits {
                enabled: held + spare,
                ..PrepaidUnits::default()
            },
        };
        let self_service = product.sku_id == catalog::VISIO_PLAN_2.sku_id;
        let units = product.prepaid_units;
        tenant.subscriptions.push(Subscription {
            id: uuid(&mut rng),
            commerce_subscription_id: uuid(&mut rng),
            sku_id: product.sku_id,
            owner_type: self_service.then(|| "User".to_owned()),
            owner_id: if self_service { visio_buyer } else { None },
            status: product.capability_status.clone(),
            total_licenses: units.enabled + units.warning + units.suspended + units.locked_out,
            is_trial: false,
            created_date_time: created.to_owned(),
            next_lifecycle_date_time: Some("2027-03-15T00:00:00Z".to_owned()),
        });
    }
    tenant
}

fn carries_entra_premium(product: &CatalogProduct) -> bool {
    product
        .service_plans
        .iter()
        .any(|(name, _)| *name == "AAD_PREMIUM" || *name == "AAD_PREMIUM_P2")
}

/// The same people on plans without Entra ID P1 or P2: Business Standard
/// instead of Business Premium, and no E3 or Entra ID P1 (directly or
/// through a group).
fn without_entra_premium(users: &mut [User], groups: &mut [Group]) {
    let standard = &catalog::BUSINESS_STANDARD;
    let premium_skus: Vec<Uuid> = [&catalog::M365_E3, &catalog::ENTRA_ID_P1]
        .iter()
        .map(|p| p.sku_id)
        .collect();
    for user in users.iter_mut() {
        user.assigned_licenses
            .retain(|l| !premium_skus.contains(&l.sku_id));
        let already_standard = user.assigned_licenses.iter().any(|l| l.sku_id == standard.sku_id);
        user.assigned_licenses.retain_mut(|l| {
            if l.sku_id != catalog::BUSINESS_PREMIUM.sku_id {
                return true;
            }
            l.sku_id = standard.sku_id;
            l.disabled_plans
                .retain(|p| standard.service_plans.iter().any(|(_, id)| id == p));
            !already_standard
        });
    }
    for group in groups.iter_mut() {
        group
            .assigned_licenses
            .retain(|l| !premium_skus.contains(&l.sku_id));
    }
}

/// Midnight UTC today, as seconds since the Unix epoch.
fn today_start() -> i64 {
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    now - now.rem_euclid(86_400)
}

/// `days` days before today, at a time of day from `rng` (always in the past).
fn days_ago(today: i64, days: i64, rng: &mut ChaCha8Rng) -> String {
    let at = today - days * 86_400 + rng.gen_range(6 * 3_600..19 * 3_600);
    time::OffsetDateTime::from_unix_timestamp(at)
        .ok()
        .and_then(|t| {
            t.format(time::macros::format_description!(
                "[year]-[month]-[day]T[hour]:[minute]:[second]Z"
            ))
            .ok()
        })
        .unwrap_or_default()
}

/// Who signed in when (see the module's description). Drawn from its own
/// generator, so the users and licenses are those the seed always made.
fn sign_ins(users: &mut [User], seed: u64) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x5167_4e15_a7c1_7e55);
    let today = today_start();
    let mut plain = 0usize;
    let activity = |last: i64, rng: &mut ChaCha8Rng| {
        let interactive = days_ago(today, last, rng);
        // Apps on a device go on signing in quietly for a few days more.
        let quiet = days_ago(today, rng.gen_range((last - 3).max(1)..=last), rng).max(interactive.clone());
        SignInActivity {
            last_sign_in_date_time: Some(interactive.clone()),
            last_non_interactive_sign_in_date_time: Some(quiet),
            last_successful_sign_in_date_time: Some(interactive),
        }
    };
    for (index, user) in users.iter_mut().enumerate() {
        let last = if !user.account_enabled {
            // Left months ago; the account was disabled, the licenses kept.
            rng.gen_range(100..=200)
        } else if index >= 4 && !user.assigned_licenses.is_empty() {
            plain += 1;
            match plain % 150 {
                16 => {
                    // Made 120 days ago for someone who never started.
                    user.created_date_time = days_ago(today, 120, &mut rng);
                    user.sign_in_activity = None;
                    continue;
                }
                // A seasonal worker, last here about 75 days ago.
                40 => rng.gen_range(74..=76),
                _ => rng.gen_range(1..=6),
            }
        } else {
            rng.gen_range(1..=6)
        };
        user.sign_in_activity = Some(activity(last, &mut rng));
    }
}

fn admin(user: &mut User, local: &str, domain: &str, title: &str, role: Uuid) {
    user.user_principal_name = format!("{local}@{domain}");
    user.mail = Some(user.user_principal_name.clone());
    user.job_title = Some(title.to_owned());
    user.account_enabled = true;
    if user.usage_location.is_none() {
        user.usage_location = Some("SE".to_owned());
    }
    user.directory_roles = vec![role];
}

/// The built-in demo tenant: a small company of 150 people, whose reports
/// show names (so usage can be matched to people).
pub fn demo() -> Tenant {
    tenant_with(
        "Northwind Traders",
        150,
        2026,
        Options {
            concealed_names: false,
            ..Options::default()
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_makes_the_same_tenant() {
        assert_eq!(tenant("A", 300, 1), tenant("A", 300, 1));
        assert_ne!(tenant("A", 300, 1), tenant("A", 300, 2));
    }

    #[test]
    fn the_demo_tenant_has_every_case() {
        let tenant = demo();
        let directory = Directory::new(tenant.clone());
        assert_eq!(tenant.users.len(), 150);
        assert!((8..=10).contains(&tenant.products.len()));
        let states: Vec<_> = tenant.users.iter().map(|u| directory.license_states(u)).collect();
        assert!(
            states.iter().flatten().any(|s| s.assigned_by_group.is_some()),
            "group-inherited"
        );
        assert!(
            states
                .iter()
                .any(|s| s.iter().any(|a| a.assigned_by_group.is_none()
                    && s.iter()
                        .any(|b| b.sku_id == a.sku_id && b.assigned_by_group.is_some()))),
            "held both ways"
        );
        assert!(
            tenant
                .users
                .iter()
                .any(|u| !u.account_enabled && !directory.assigned_licenses(u).is_empty()),
            "disabled but licensed"
        );
        assert!(
            tenant
                .users
                .iter()
                .any(|u| directory.assigned_licenses(u).is_empty()),
            "unlicensed"
        );
        assert!(
            tenant
                .users
                .iter()
                .any(|u| u.assigned_licenses.iter().any(|l| !l.disabled_plans.is_empty())),
            "disabled plans"
        );
        assert!(
            tenant.subscriptions.iter().any(crate::directory::is_self_service),
            "self-service"
        );
        assert!(tenant.products.iter().any(|p| p.capability_status == "Warning"));
        assert!(tenant.products.iter().any(|p| p.capability_status == "Suspended"));
        assert!(
            tenant.products.iter().any(|p| p.capability_status == "Enabled"
                && p.prepaid_units.enabled > 0
                && directory.consumed_units(p.sku_id) == p.prepaid_units.enabled),
            "a product at capacity"
        );
        let admins: Vec<_> = tenant
            .users
            .iter()
            .filter(|u| !u.directory_roles.is_empty())
            .collect();
        assert_eq!(admins.len(), 3);
        assert!(
            admins.iter().any(|u| directory.assigned_licenses(u).is_empty()),
            "an unlicensed admin"
        );
        assert!(tenant
            .users
            .iter()
            .any(|u| u.user_principal_name.starts_with("reader@") && u.directory_roles.is_empty()));
    }

    /// Days since an ISO 8601 date and time, counted from today's midnight.
    fn age(date: &str) -> i64 {
        let year: i32 = date[..4].parse().unwrap();
        let month: u8 = date[5..7].parse().unwrap();
        let day: u8 = date[8..10].parse().unwrap();
        let date = time::Date::from_calendar_date(year, time::Month::try_from(month).unwrap(), day).unwrap();
        (time::OffsetDateTime::now_utc().date() - date).whole_days()
    }

    fn last_sign_in(user: &User) -> Option<i64> {
        user.sign_in_activity
            .as_ref()
            .and_then(|a| a.last_successful_sign_in_date_time.as_deref())
            .map(age)
    }

    #[test]
    fn the_demo_tenant_shows_every_saving() {
        let tenant = demo();
        let directory = Directory::new(tenant.clone());
        assert!(tenant.has_entra_premium());
        assert!(!tenant.display_concealed_names, "the demo's reports show names");
        assert!(tenant
            .consented_permissions
            .iter()
            .any(|p| p == "AuditLog.Read.All"));
        let licensed = |u: &&User| !directory.assigned_licenses(u).is_empty();
        // People who left months ago, still licensed.
        let leavers: Vec<&User> = tenant
            .users
            .iter()
            .filter(|u| !u.account_enabled)
            .filter(licensed)
            .collect();
        assert!(leavers.len() >= 3);
        for user in &leavers {
            let days = last_sign_in(user).unwrap();
            assert!((100..=201).contains(&days), "{} {days}", user.display_name);
            let quiet = user
                .sign_in_activity
                .as_ref()
                .unwrap()
                .last_non_interactive_sign_in_date_time
                .as_deref();
            assert!(age(quiet.unwrap()) >= 96, "no quiet sign-in since they left");
        }
        // One account made 120 days ago and never used.
        let never: Vec<&User> = tenant
            .users
            .iter()
            .filter(|u| u.account_enabled && u.sign_in_activity.is_none())
            .collect();
        assert_eq!(never.len(), 1);
        assert!(licensed(&never[0]));
        assert!((119..=121).contains(&age(&never[0].created_date_time)));
        // One seasonal worker, last here about 75 days ago.
        let enabled: Vec<&User> = tenant.users.iter().filter(|u| u.account_enabled).collect();
        let seasonal: Vec<&&User> = enabled
            .iter()
            .filter(|u| last_sign_in(u).is_some_and(|d| (60..=90).contains(&d)))
            .collect();
        assert_eq!(seasonal.len(), 1);
        // Everyone else was here this week, and nobody signed in today or later.
        let recent = enabled
            .iter()
            .filter(|u| last_sign_in(u).is_some_and(|d| (1..=7).contains(&d)))
            .count();
        assert_eq!(recent, enabled.len() - 2);
        // Overlaps: Business Premium beside Exchange Online Plan 1, and beside E3.
        let holds = |u: &User, product: &CatalogProduct| {
            directory
                .assigned_licenses(u)
                .iter()
                .any(|l| l.sku_id == product.sku_id)
        };
        for other in [&catalog::EXCHANGE_PLAN_1, &catalog::M365_E3] {
            assert!(
                tenant
                    .users
                    .iter()
                    .filter(|u| u.account_enabled)
                    .any(|u| holds(u, &catalog::BUSINESS_PREMIUM) && holds(u, other)),
                "{}",
                other.part_number
            );
        }
        // Idle seats.
        assert!(
            tenant
                .products
                .iter()
                .filter(|p| p.capability_status == "Enabled")
                .filter(|p| p.prepaid_units.enabled > directory.consumed_units(p.sku_id))
                .count()
                >= 3
        );
    }

    #[test]
    fn a_tenant_without_entra_premium() {
        let options = Options {
            entra_premium: false,
            ..Options::default()
        };
        let tenant = tenant_with("Small", 200, 5, options);
        assert!(!tenant.has_entra_premium());
        assert!(tenant
            .products
            .iter()
            .all(|p| p.sku_id != catalog::BUSINESS_PREMIUM.sku_id
                && p.sku_id != catalog::M365_E3.sku_id
                && p.sku_id != catalog::ENTRA_ID_P1.sku_id));
        let directory = Directory::new(tenant.clone());
        assert!(tenant.users.iter().all(|u| directory
            .assigned_licenses(u)
            .iter()
            .all(|l| tenant.products.iter().any(|p| p.sku_id == l.sku_id))));
        assert!(tenant.users.iter().any(|u| u
            .assigned_licenses
            .iter()
            .any(|l| l.sku_id == catalog::BUSINESS_STANDARD.sku_id)));
        // The same people as with premium.
        let premium = tenant_with("Small", 200, 5, Options::default());
        assert!(premium.has_entra_premium());
        assert_eq!(
            tenant
                .users
                .iter()
                .map(|u| &u.user_principal_name)
                .collect::<Vec<_>>(),
            premium
                .users
                .iter()
                .map(|u| &u.user_principal_name)
                .collect::<Vec<_>>()
        );
    }

    #[test]
    fn user_principal_names_are_unique() {
        let tenant = tenant("Big", 5_000, 3);
        let upns: std::collections::HashSet<_> = tenant
            .users
            .iter()
            .map(|u| u.user_principal_name.to_lowercase())
            .collect();
        assert_eq!(upns.len(), 5_000);
    }
}
