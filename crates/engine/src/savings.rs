//! The savings finder: from one picture of a tenant to who is not using
//! what the tenant pays for.
//!
//! Every finding is one kind for one product, naming the people concerned
//! (or, for idle seats, only the seats), with the seats it would free and
//! their price a month where the admin set one. The rules:
//!
//! - **`inactive_sign_in`**: only when the users' sign-ins were read. A
//!   person's date is `lastSuccessfulSignInDateTime`, else the later of the
//!   interactive and non-interactive sign-ins, else (never signed in) when
//!   the account was made; a person with none of these is not judged but
//!   counted (`sign_ins_unknown`). Inactive when that date is `inactive_days`
//!   or more before today.
//! - **`inactive_usage`**: only when the usage report was read and names
//!   people (never from a concealed report). Rows are matched to people by
//!   user name, any case; rows of deleted users are skipped. Inactive when
//!   the row's last activity is `inactive_days` or more before the report's
//!   refresh date (today when it gives none), or when the row shows no
//!   activity at all and the report's period covers `inactive_days`. A person
//!   the report cannot judge (no row, a period too short) is counted
//!   (`usage_unknown`).
//! - **`disabled_holding`**: accounts switched off (`accountEnabled` false)
//!   holding licenses, however held; group-held ones name their groups.
//! - **`overlap`**: see [`overlaps`].
//! - **`idle_seats`**: per product, seats paid for (enabled prepaid units,
//!   less those of trial subscriptions) less those assigned; only when the
//!   picture knows seats.
//!
//! Only products that cost the tenant money count, see [`not_counted`].
//! Money is seats times the product's price from the settings (hundredths
//! of the currency there, whole units here); no price gives `None`, never 0.
//! The overall total counts each (person, product) once, whatever findings
//! name it, plus the idle seats.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use license_desk_core::savings::{
    ActivityStatus, Finding, FindingKind, FindingPerson, Findings, NotCounted, NotCountedReason,
};
use license_desk_core::Settings;
use license_desk_tenant::activity::{SignIns, Usage, UsageReport};
use license_desk_tenant::export::parse_iso_utc;
use license_desk_tenant::model::{LicenseAssignmentState, SubscribedSku, User};
use license_desk_tenant::TenantPicture;
use serde::Serialize;
use uuid::Uuid;

use crate::consequences::Services;
use crate::plan::Selection;

const DAY: u64 = 86_400;

/// Service plans every kind of product carries and that give no service of
/// their own: `EXCHANGE_S_FOUNDATION` (and its government twin) sits in
/// about 40% of Microsoft's table, in add-ons such as Power BI Pro but not
/// in the suites that include them. Left in, it would hide nearly every
/// overlap; every other plan is a service and is compared.
const FOUNDATION_PLANS: &[Uuid] = &[
    uuid::uuid!("113feb6c-3fe4-4440-bddc-54d774bf0318"), // EXCHANGE_S_FOUNDATION
    uuid::uuid!("922ba911-5694-4e99-a794-73aed9bfeec8"), // EXCHANGE_S_FOUNDATION_GOV
];

/// Prepaid counts Microsoft gives free ("viral") products: 10,000,
/// 100,000, 1,000,000 and up, always a power of ten.
const VIRAL_SEATS: u32 = 10_000;

/// Whether a product is left out of every finding, and why: it costs the
/// tenant nothing, or the admin cannot act on it.
///
/// - **Self-service**: any of its subscriptions was bought by a user
///   (`ownerType` User). Not the admin's to remove.
/// - **Trial**: it has subscriptions and every one is a trial (`isTrial`).
///   A product with paid and trial subscriptions counts, with its trial
///   seats left out of the idle seats.
/// - **Free**: Microsoft's free and viral products by part number or by
///   name ([`license_desk_files::is_free_or_trial`]: FLOW_FREE,
///   POWER_BI_STANDARD "Microsoft Fabric (Free)", TEAMS_EXPLORATORY, names
///   saying "Free", "Trial", "Exploratory"); and a product with a viral
///   prepaid count (a power of ten of 10,000 or more) for which the admin
///   set no price. A price the admin set says it is paid for.
/// - **Not active**: its `capabilityStatus` is not `Enabled` (expired in
///   its grace period, suspended, locked out, deleted): not paid going
///   forward.
pub fn not_counted(
    picture: &TenantPicture,
    settings: &Settings,
    product: &SubscribedSku,
) -> Option<NotCountedReason> {
    let subscriptions: Vec<_> = picture
        .subscriptions
        .iter()
        .filter(|s| s.sku_id == product.sku_id)
        .collect();
    if subscriptions.iter().any(|s| s.is_self_service()) {
        return Some(NotCountedReason::SelfService);
    }
    if !subscriptions.is_empty() && subscriptions.iter().all(|s| s.is_trial) {
        return Some(NotCountedReason::Trial);
    }
    let enabled = product.prepaid_units.enabled;
    let viral = enabled >= VIRAL_SEATS && is_power_of_ten(enabled);
    if license_desk_files::is_free_or_trial(&product.sku_part_number)
        || (viral && price(settings, &product.sku_part_number).is_none())
    {
        return Some(NotCountedReason::Free);
    }
    if !product.capability_status.eq_ignore_ascii_case("Enabled") {
        return Some(NotCountedReason::NotActive);
    }
    None
}

fn is_power_of_ten(mut n: u32) -> bool {
    while n >= 10 && n.is_multiple_of(10) {
        n /= 10;
    }
    n == 1
}

/// A seat's price a month in hundredths of the currency: as set for the
/// part number, or for the same part number in other letter case.
fn price(settings: &Settings, part_number: &str) -> Option<u32> {
    settings.seat_prices.get(part_number).copied().or_else(|| {
        settings
            .seat_prices
            .iter()
            .find(|(part, _)| part.eq_ignore_ascii_case(part_number))
            .map(|(_, price)| *price)
    })
}

fn units(hundredths: u64) -> f64 {
    hundredths as f64 / 100.0
}

/// A date as Graph or the usage report writes it (`2026-01-31T08:00:00Z`
/// or `2026-01-31`), in seconds since the Unix epoch.
fn parse_date(text: &str) -> Option<u64> {
    let text = text.trim();
    parse_iso_utc(text).or_else(|| parse_iso_utc(&format!("{text}T00:00:00Z")))
}

fn days_between(earlier: u64, later: u64) -> u32 {
    u32::try_from(later.saturating_sub(earlier) / DAY).unwrap_or(u32::MAX)
}

/// When the user last signed in: the last successful sign-in, else the
/// later of the last interactive and non-interactive ones.
fn last_sign_in(user: &User) -> Option<u64> {
    let activity = user.sign_in_activity.as_ref()?;
    let date = |d: &Option<String>| d.as_deref().and_then(parse_date);
    date(&activity.last_successful_sign_in_date_time).or_else(|| {
        date(&activity.last_sign_in_date_time).max(date(&activity.last_non_interactive_sign_in_date_time))
    })
}

/// A product the findings count, with what they need of it.
struct Counted<'a> {
    product: &'a SubscribedSku,
    name: String,
    /// Hundredths of the currency a month.
    price: Option<u32>,
    /// Seats of trial subscriptions beside paid ones.
    trial_seats: u32,
}

/// How one user holds one product: the direct copy, and the groups.
struct Holding<'a> {
    sku_id: Uuid,
    direct: Option<&'a LicenseAssignmentState>,
    states: Vec<&'a LicenseAssignmentState>,
    groups: Vec<Uuid>,
}

impl Holding<'_> {
    /// Held directly and through no group: removing it frees a seat.
    fn direct_only(&self) -> bool {
        self.direct.is_some() && self.groups.is_empty()
    }
}

/// The user's licenses, one per product, in the order first held.
fn holdings(user: &User) -> Vec<Holding<'_>> {
    let mut held: Vec<Holding<'_>> = Vec::new();
    for state in &user.license_assignment_states {
        let index = match held.iter().position(|h| h.sku_id == state.sku_id) {
            Some(index) => index,
            None => {
                held.push(Holding {
                    sku_id: state.sku_id,
                    direct: None,
                    states: Vec::new(),
                    groups: Vec::new(),
                });
                held.len() - 1
            }
        };
        let holding = &mut held[index];
        holding.states.push(state);
        match state.assigned_by_group {
            None => holding.direct = holding.direct.or(Some(state)),
            Some(group) => holding.groups.push(group),
        }
    }
    held
}

struct Finder<'a> {
    picture: &'a TenantPicture,
    counted: HashMap<Uuid, Counted<'a>>,
    people: BTreeMap<(FindingKind, Uuid), Vec<FindingPerson>>,
}

impl<'a> Finder<'a> {
    fn person(
        &self,
        user: &User,
        holding: &Holding<'_>,
        since_days: Option<u32>,
        covered_by: Option<String>,
    ) -> FindingPerson {
        FindingPerson {
            user_id: user.id.to_string(),
            display_name: user.display_name.clone(),
            user_principal_name: user.user_principal_name.clone(),
            since_days,
            direct: holding.direct.is_some(),
            groups: holding
                .groups
                .iter()
                .map(|group| {
                    self.picture
                        .groups
                        .get(group)
                        .and_then(|g| g.display_name.clone())
                        .unwrap_or_else(|| group.to_string())
                })
                .collect(),
            covered_by,
        }
    }

    /// The user's holdings of counted products.
    fn counted_holdings<'u>(&self, user: &'u User) -> Vec<Holding<'u>> {
        holdings(user)
            .into_iter()
            .filter(|h| self.counted.contains_key(&h.sku_id))
            .collect()
    }

    /// Names the user for every counted product they hold.
    fn add_all(&mut self, kind: FindingKind, user: &User, since_days: Option<u32>) {
        for holding in self.counted_holdings(user) {
            let person = self.person(user, &holding, since_days, None);
            self.people
                .entry((kind, holding.sku_id))
                .or_default()
                .push(person);
        }
    }

    /// The users holding at least one counted product.
    fn licensed(&self) -> Vec<&'a User> {
        let picture = self.picture;
        picture
            .users
            .iter()
            .filter(|user| {
                user.license_assignment_states
                    .iter()
                    .any(|s| self.counted.contains_key(&s.sku_id))
            })
            .collect()
    }

    /// Inactive by sign-ins; the status and how many could not be judged.
    fn sign_ins(&mut self, inactive_days: u32, today: u64) -> (ActivityStatus, u32) {
        match self.picture.activity.sign_ins {
            SignIns::Read { .. } => {}
            SignIns::NotRead => return (ActivityStatus::NotRead, 0),
            SignIns::NotPremium => return (ActivityStatus::NotPremium, 0),
            SignIns::NotPermitted => return (ActivityStatus::NotPermitted, 0),
        }
        let mut unknown = 0;
        for user in self.licensed() {
            let since = last_sign_in(user).or_else(|| user.created_date_time.as_deref().and_then(parse_date));
            match since {
                None => unknown += 1,
                Some(date) => {
                    let days = days_between(date, today);
                    if days >= inactive_days {
                        self.add_all(FindingKind::InactiveSignIn, user, Some(days));
                    }
                }
            }
        }
        (ActivityStatus::Read, unknown)
    }

    /// Inactive by the usage report; the status and how many could not be judged.
    fn usage(&mut self, report: &UsageReport, inactive_days: u32, today: u64) -> u32 {
        let rows: HashMap<String, _> = report
            .rows
            .iter()
            .filter(|row| !row.is_deleted)
            .map(|row| (row.user_principal_name.trim().to_lowercase(), row))
            .collect();
        let refreshed = report
            .refreshed_on
            .as_deref()
            .and_then(parse_date)
            .unwrap_or(today);
        let covers_days = report.period_days >= inactive_days;
        let mut unknown = 0;
        for user in self.licensed() {
            let Some(row) = rows.get(&user.user_principal_name.trim().to_lowercase()) else {
                unknown += 1;
                continue;
            };
            match row.last_activity.as_deref().map(parse_date) {
                // Active in the period, but how long ago?
                Some(Some(date)) => {
                    if days_between(date, refreshed) >= inactive_days {
                        self.add_all(FindingKind::InactiveUsage, user, Some(days_between(date, today)));
                    }
                }
                Some(None) => unknown += 1,
                None if covers_days => self.add_all(FindingKind::InactiveUsage, user, None),
                None => unknown += 1,
            }
        }
        unknown
    }

    fn disabled(&mut self) {
        let picture = self.picture;
        for user in picture.users.iter().filter(|u| u.account_enabled == Some(false)) {
            self.add_all(FindingKind::DisabledHolding, user, None);
        }
    }

    fn overlaps(&mut self) {
        let services = Services {
            picture: self.picture,
        };
        let mut plans: HashMap<Uuid, Option<BTreeSet<Uuid>>> = HashMap::new();
        let picture = self.picture;
        for user in &picture.users {
            let held = self.counted_holdings(user);
            if held.len() < 2 {
                continue;
            }
            let known: Vec<(&Holding<'_>, BTreeSet<Uuid>)> = held
                .iter()
                .filter_map(|holding| {
                    let all = plans
                        .entry(holding.sku_id)
                        .or_insert_with(|| {
                            services.of(holding.sku_id).map(|plans| {
                                plans
                                    .into_iter()
                                    .map(|(id, _)| id)
                                    .filter(|id| !FOUNDATION_PLANS.contains(id))
                                    .collect()
                            })
                        })
                        .as_ref()?;
                    (!all.is_empty()).then(|| (holding, enabled_plans(all, holding)))
                })
                .collect();
            for (covered, covering) in overlaps(&known) {
                let name = self.counted[&covering.sku_id].name.clone();
                let person = self.person(user, covered, None, Some(name));
                self.people
                    .entry((FindingKind::Overlap, covered.sku_id))
                    .or_default()
                    .push(person);
            }
        }
    }
}

/// The service plans a holding gives: the product's, less those switched
/// off on every copy of it the user holds.
fn enabled_plans(all: &BTreeSet<Uuid>, holding: &Holding<'_>) -> BTreeSet<Uuid> {
    all.iter()
        .filter(|plan| {
            holding
                .states
                .iter()
                .any(|state| !state.disabled_plans.contains(plan))
        })
        .copied()
        .collect()
}

/// Which of one person's products another of theirs already covers, each
/// with the product that covers it.
///
/// Product A is covered by product B when every service plan A gives the
/// person (by id, from the tenant's list of the product's plans together
/// with Microsoft's table; less the plans switched off on the person's
/// copies; less the foundation plans, which give no service) is one B gives
/// them too. Plans are compared by id only: Exchange Online (Plan 1)
/// `EXCHANGE_S_STANDARD` is not taken as covered by Plan 2
/// `EXCHANGE_S_ENTERPRISE`, so no tier is assumed to include another. A
/// product whose services are unknown, or that has none but the foundation
/// plans, is never compared.
///
/// Products are taken largest first (most services the person has from
/// them); each is covered by one already kept, or kept. So with equal
/// services only one goes, and whatever covers a removal stays. Only a copy
/// held directly and through no group is proposed (removing it frees a
/// seat); a product held through a group stays and may cover others; with
/// equal services the one a group holds is kept.
fn overlaps<'h, 'u>(
    known: &'h [(&'h Holding<'u>, BTreeSet<Uuid>)],
) -> Vec<(&'h Holding<'u>, &'h Holding<'u>)> {
    let mut order: Vec<&(&Holding<'_>, BTreeSet<Uuid>)> = known.iter().collect();
    order.sort_by(|(a, a_plans), (b, b_plans)| {
        b_plans
            .len()
            .cmp(&a_plans.len())
            .then(a.direct_only().cmp(&b.direct_only()))
            .then(a.sku_id.cmp(&b.sku_id))
    });
    let mut kept: Vec<&(&Holding<'_>, BTreeSet<Uuid>)> = Vec::new();
    let mut covered = Vec::new();
    for entry in order {
        let (holding, plans) = entry;
        let by = kept.iter().find(|(_, other)| plans.is_subset(other));
        match by {
            Some((covering, _)) if holding.direct_only() => covered.push((*holding, *covering)),
            _ => kept.push(entry),
        }
    }
    covered
}

/// Every finding for `picture`: people not signed in or not active for
/// `inactive_days` (30, 60, 90 or 180), disabled accounts holding licenses,
/// products another product of the same person covers, and idle seats;
/// priced from `settings`. `today` is seconds since the Unix epoch.
pub fn findings(picture: &TenantPicture, settings: &Settings, inactive_days: u32, today: u64) -> Findings {
    let mut not_counted_products = Vec::new();
    let mut counted = HashMap::new();
    for product in picture.products.iter().filter(|p| p.applies_to == "User") {
        let name = picture.product_name(product.sku_id);
        if let Some(reason) = not_counted(picture, settings, product) {
            not_counted_products.push(NotCounted {
                sku_id: product.sku_id.to_string(),
                part_number: product.sku_part_number.clone(),
                product: name,
                reason,
            });
            continue;
        }
        let trial_seats = picture
            .subscriptions
            .iter()
            .filter(|s| s.sku_id == product.sku_id && s.is_trial)
            .map(|s| s.total_licenses)
            .sum();
        counted.insert(
            product.sku_id,
            Counted {
                product,
                name,
                price: price(settings, &product.sku_part_number),
                trial_seats,
            },
        );
    }
    let mut finder = Finder {
        picture,
        counted,
        people: BTreeMap::new(),
    };

    let (sign_ins, sign_ins_unknown) = finder.sign_ins(inactive_days, today);
    let (usage, usage_unknown, usage_period_days, usage_refreshed_on) = match &picture.activity.usage {
        Usage::NotRead => (ActivityStatus::NotRead, 0, None, None),
        Usage::NotPermitted => (ActivityStatus::NotPermitted, 0, None, None),
        Usage::RoleCannotRead => (ActivityStatus::RoleCannotRead, 0, None, None),
        Usage::Read(report) => {
            let period = Some(report.period_days);
            let refreshed = report.refreshed_on.clone();
            if report.concealed {
                (ActivityStatus::Concealed, 0, period, refreshed)
            } else {
                let unknown = finder.usage(report, inactive_days, today);
                (ActivityStatus::Read, unknown, period, refreshed)
            }
        }
    };
    finder.disabled();
    finder.overlaps();

    let mut result: Vec<Finding> = Vec::new();
    // Each (person, product) once, whatever findings name it.
    let mut seen: HashSet<(String, Uuid)> = HashSet::new();
    let (mut seats, mut priced, mut unpriced) = (0u32, None::<u64>, 0u32);
    let mut count = |seats_here: u32, price: Option<u32>| {
        seats += seats_here;
        match price {
            Some(price) => *priced.get_or_insert(0) += u64::from(seats_here) * u64::from(price),
            None => unpriced += seats_here,
        }
    };
    let finding = |kind, counted: &Counted<'_>, people: Vec<FindingPerson>, seats: u32| Finding {
        kind,
        sku_id: counted.product.sku_id.to_string(),
        part_number: counted.product.sku_part_number.clone(),
        product: counted.name.clone(),
        people,
        seats,
        seat_price: counted.price.map(|p| units(u64::from(p))),
        monthly: counted.price.map(|p| units(u64::from(seats) * u64::from(p))),
    };
    for ((kind, sku_id), mut people) in std::mem::take(&mut finder.people) {
        let counted = &finder.counted[&sku_id];
        people.sort_by(|a, b| {
            b.since_days.cmp(&a.since_days).then_with(|| {
                a.user_principal_name
                    .to_lowercase()
                    .cmp(&b.user_principal_name.to_lowercase())
            })
        });
        let new = people
            .iter()
            .filter(|p| seen.insert((p.user_id.clone(), sku_id)))
            .count() as u32;
        count(new, counted.price);
        let seats = people.len() as u32;
        result.push(finding(kind, counted, people, seats));
    }
    if picture.knowledge.seats {
        for counted in finder.counted.values() {
            let paid = counted
                .product
                .prepaid_units
                .enabled
                .saturating_sub(counted.trial_seats);
            let idle = paid.saturating_sub(counted.product.consumed_units);
            if idle > 0 {
                count(idle, counted.price);
                result.push(finding(FindingKind::IdleSeats, counted, Vec::new(), idle));
            }
        }
    }
    result.sort_by(|a, b| {
        a.kind
            .cmp(&b.kind)
            .then(b.monthly.unwrap_or(-1.0).total_cmp(&a.monthly.unwrap_or(-1.0)))
            .then(b.seats.cmp(&a.seats))
            .then_with(|| a.product.cmp(&b.product))
            .then_with(|| a.sku_id.cmp(&b.sku_id))
    });
    not_counted_products.sort_by(|a, b| a.product.cmp(&b.product).then_with(|| a.sku_id.cmp(&b.sku_id)));

    Findings {
        inactive_days,
        sign_ins,
        sign_ins_unknown,
        usage,
        usage_period_days,
        usage_refreshed_on,
        usage_unknown,
        findings: result,
        seats,
        total_monthly: priced.map(units),
        unpriced_seats: unpriced,
        currency: settings.currency.clone(),
        not_counted: not_counted_products,
    }
}

/// The plan selection that removes what the findings name: each person's
/// product, as (user id, product) pairs, each once. The plan then says what
/// can be done (a group-held license is removed at its group). `None` when
/// the findings name no one (idle seats name only seats).
pub fn selection<'a>(findings: impl IntoIterator<Item = &'a Finding>) -> Option<Selection> {
    let mut seen = HashSet::new();
    let pairs: Vec<(String, Uuid)> = findings
        .into_iter()
        .filter_map(|finding| Some((finding, Uuid::parse_str(&finding.sku_id).ok()?)))
        .flat_map(|(finding, sku_id)| finding.people.iter().map(move |p| (p.user_id.clone(), sku_id)))
        .filter(|pair| seen.insert(pair.clone()))
        .collect();
    (!pairs.is_empty()).then_some(Selection::Pairs { pairs })
}

/// One line of the findings as the command line lists them: one per
/// (finding, person, product), or one per product for idle seats.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FindingRow {
    pub kind: FindingKind,
    pub user_id: Option<String>,
    pub user_principal_name: Option<String>,
    pub display_name: Option<String>,
    pub sku_id: String,
    pub part_number: String,
    pub product: String,
    pub since_days: Option<u32>,
    /// Held directly (a row with neither this nor groups is idle seats).
    pub direct: bool,
    pub groups: Vec<String>,
    pub covered_by: Option<String>,
    pub seats: u32,
    /// The row's seats times the price; `None` when no price is set.
    pub monthly: Option<f64>,
    pub currency: Option<String>,
}

/// The findings flattened to rows, in the findings' order.
pub fn finding_rows(findings: &Findings) -> Vec<FindingRow> {
    let mut rows = Vec::new();
    for finding in &findings.findings {
        let row = |seats: u32, monthly: Option<f64>| FindingRow {
            kind: finding.kind,
            user_id: None,
            user_principal_name: None,
            display_name: None,
            sku_id: finding.sku_id.clone(),
            part_number: finding.part_number.clone(),
            product: finding.product.clone(),
            since_days: None,
            direct: false,
            groups: Vec::new(),
            covered_by: None,
            seats,
            monthly,
            currency: findings.currency.clone(),
        };
        if finding.people.is_empty() {
            rows.push(row(finding.seats, finding.monthly));
        }
        for person in &finding.people {
            rows.push(FindingRow {
                user_id: Some(person.user_id.clone()),
                user_principal_name: Some(person.user_principal_name.clone()),
                display_name: person.display_name.clone(),
                since_days: person.since_days,
                direct: person.direct,
                groups: person.groups.clone(),
                covered_by: person.covered_by.clone(),
                ..row(1, finding.seat_price)
            });
        }
    }
    rows
}

/// The column names of [`findings_csv`], English (scripts read them).
const FINDING_COLUMNS: [&str; 13] = [
    "Finding",
    "Display name",
    "User principal name",
    "User id",
    "Product",
    "Part number",
    "Sku id",
    "Days inactive",
    "Held",
    "Covered by",
    "Seats",
    "Monthly",
    "Currency",
];

/// The rows as a CSV file for Excel and scripts: UTF-8 with a byte order
/// mark, comma-separated, formula-safe, one row per (finding, person,
/// product) and one per product of idle seats.
pub fn findings_csv(rows: &[FindingRow]) -> Vec<u8> {
    let table = rows.iter().map(|row| {
        let held = if row.direct {
            "direct".to_owned()
        } else if row.groups.is_empty() {
            String::new()
        } else {
            format!("group: {}", row.groups.join(", "))
        };
        [
            row.kind.code().to_owned(),
            row.display_name.clone().unwrap_or_default(),
            row.user_principal_name.clone().unwrap_or_default(),
            row.user_id.clone().unwrap_or_default(),
            row.product.clone(),
            row.part_number.clone(),
            row.sku_id.clone(),
            row.since_days.map(|d| d.to_string()).unwrap_or_default(),
            held,
            row.covered_by.clone().unwrap_or_default(),
            row.seats.to_string(),
            row.monthly.map(|m| format!("{m:.2}")).unwrap_or_default(),
            row.currency.clone().unwrap_or_default(),
        ]
    });
    crate::export::excel_csv(&FINDING_COLUMNS, table, license_desk_core::Language::En)
}
