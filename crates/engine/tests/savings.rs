//! The savings finder's rules, on small tenants made by hand and on
//! Microsoft's real product table.
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use std::collections::{BTreeMap, HashMap};

use license_desk_core::savings::{ActivityStatus, Finding, FindingKind, Findings, NotCountedReason};
use license_desk_core::Settings;
use license_desk_engine::plan::{Plan, Selection, Verdict};
use license_desk_engine::savings::{finding_rows, findings, not_counted, selection};
use license_desk_tenant::activity::{SignIns, Usage, UsageReport, UsageRow};
use license_desk_tenant::export::parse_iso_utc;
use license_desk_tenant::model::{
    CompanySubscription, Group, LicenseAssignmentState, Organization, PrepaidUnits, ServicePlan,
    SignInActivity, SubscribedSku, User,
};
use license_desk_tenant::TenantPicture;
use uuid::Uuid;

const GROUP: Uuid = Uuid::from_u128(500);

fn today() -> u64 {
    parse_iso_utc("2026-03-01T12:00:00Z").unwrap()
}

/// Microsoft's id for a part number, from the product table.
fn sku(part: &str) -> Uuid {
    license_desk_files::catalog().by_part_number(part)[0].sku_id
}

fn holds(part: &str, group: Option<Uuid>) -> LicenseAssignmentState {
    LicenseAssignmentState {
        sku_id: sku(part),
        disabled_plans: Vec::new(),
        assigned_by_group: group,
        state: Some("Active".into()),
        error: Some("None".into()),
    }
}

fn person(n: u128, states: Vec<LicenseAssignmentState>) -> User {
    User {
        id: Uuid::from_u128(n),
        display_name: Some(format!("Person {n}")),
        user_principal_name: format!("person{n}@contoso.com"),
        account_enabled: Some(true),
        usage_location: Some("SE".into()),
        department: None,
        assigned_licenses: Vec::new(),
        license_assignment_states: states,
        created_date_time: Some("2020-01-01T00:00:00Z".into()),
        sign_in_activity: None,
    }
}

fn signed_in(
    mut user: User,
    successful: Option<&str>,
    interactive: Option<&str>,
    other: Option<&str>,
) -> User {
    user.sign_in_activity = Some(SignInActivity {
        last_sign_in_date_time: interactive.map(str::to_owned),
        last_non_interactive_sign_in_date_time: other.map(str::to_owned),
        last_successful_sign_in_date_time: successful.map(str::to_owned),
    });
    user
}

/// A product with its service plans left to Microsoft's product table (as
/// a file gives them), 10 seats paid, `consumed` assigned.
fn product(part: &str, consumed: u32) -> SubscribedSku {
    SubscribedSku {
        sku_id: sku(part),
        sku_part_number: part.into(),
        applies_to: "User".into(),
        capability_status: "Enabled".into(),
        consumed_units: consumed,
        prepaid_units: PrepaidUnits {
            enabled: 10,
            ..PrepaidUnits::default()
        },
        service_plans: Vec::new(),
        subscription_ids: Vec::new(),
    }
}

fn subscription(part: &str, trial: bool, owner: &str, seats: u32) -> CompanySubscription {
    CompanySubscription {
        id: format!("{part}-{trial}-{owner}"),
        sku_id: sku(part),
        sku_part_number: Some(part.into()),
        owner_type: Some(owner.into()),
        owner_id: None,
        status: "Enabled".into(),
        total_licenses: seats,
        is_trial: trial,
        next_lifecycle_date_time: None,
    }
}

fn tenant(products: Vec<SubscribedSku>, users: Vec<User>) -> TenantPicture {
    TenantPicture::live(
        Organization {
            id: Uuid::from_u128(1),
            display_name: "Contoso".into(),
            verified_domains: Vec::new(),
        },
        products,
        Vec::new(),
        users,
        HashMap::from([(
            GROUP,
            Group {
                id: GROUP,
                display_name: Some("All staff".into()),
                group_types: Vec::new(),
                membership_rule: None,
                on_premises_sync_enabled: None,
                mail_enabled: None,
            },
        )]),
    )
}

fn priced(prices: &[(&str, u32)]) -> Settings {
    Settings {
        currency: Some("SEK".into()),
        seat_prices: prices
            .iter()
            .map(|(p, c)| ((*p).to_owned(), *c))
            .collect::<BTreeMap<_, _>>(),
        ..Settings::default()
    }
}

fn of(found: &Findings, kind: FindingKind) -> Vec<&Finding> {
    found.findings.iter().filter(|f| f.kind == kind).collect()
}

/// (user number, product part number, since days) of every person of a kind.
fn people(found: &Findings, kind: FindingKind) -> Vec<(u128, String, Option<u32>)> {
    let mut people: Vec<_> = of(found, kind)
        .into_iter()
        .flat_map(|f| {
            f.people.iter().map(|p| {
                (
                    p.user_id.parse::<Uuid>().unwrap().as_u128(),
                    f.part_number.clone(),
                    p.since_days,
                )
            })
        })
        .collect();
    people.sort();
    people
}

// ---- sign-ins ----

fn sign_in_tenant() -> TenantPicture {
    let mut no_dates = person(6, vec![holds("SPB", None)]);
    no_dates.created_date_time = None;
    let mut new_never = person(5, vec![holds("SPB", None)]);
    new_never.created_date_time = Some("2026-02-20T09:00:00Z".into());
    let mut picture = tenant(
        vec![product("SPB", 6)],
        vec![
            // The last successful sign-in counts, even when a later failed
            // interactive one is on record.
            signed_in(
                person(1, vec![holds("SPB", None)]),
                Some("2025-11-01T08:00:00Z"),
                Some("2026-02-27T08:00:00Z"),
                None,
            ),
            // No successful date: the later of interactive and non-interactive.
            signed_in(
                person(2, vec![holds("SPB", None)]),
                None,
                Some("2025-10-01T08:00:00Z"),
                Some("2026-02-25T08:00:00Z"),
            ),
            signed_in(
                person(3, vec![holds("SPB", None)]),
                None,
                Some("2025-10-01T08:00:00Z"),
                Some("2025-09-01T08:00:00Z"),
            ),
            // Never signed in: counts from when the account was made.
            person(4, vec![holds("SPB", None)]),
            new_never,
            no_dates,
            // Unlicensed people are not judged.
            person(7, Vec::new()),
        ],
    );
    picture.activity.sign_ins = SignIns::Read { at: today() };
    picture
}

#[test]
fn sign_in_dates_fall_back_from_successful_to_the_latest_to_creation() {
    let found = findings(&sign_in_tenant(), &Settings::default(), 90, today());
    assert_eq!(found.sign_ins, ActivityStatus::Read);
    assert_eq!(
        people(&found, FindingKind::InactiveSignIn),
        [
            (1, "SPB".into(), Some(120)),
            (3, "SPB".into(), Some(151)),
            (4, "SPB".into(), Some(2251)),
        ]
    );
    // Person 2 signed in non-interactively 4 days ago; person 5's account
    // is 9 days old; person 6 has no date at all and is only counted.
    assert_eq!(found.sign_ins_unknown, 1);
    let finding = of(&found, FindingKind::InactiveSignIn)[0];
    assert_eq!(finding.product, "Microsoft 365 Business Premium");
    assert_eq!(finding.seats, 3);
    assert_eq!(
        finding.people.iter().map(|p| p.since_days).collect::<Vec<_>>(),
        [Some(2251), Some(151), Some(120)],
        "longest idle first"
    );
}

#[test]
fn the_days_asked_decide_who_is_inactive() {
    let picture = sign_in_tenant();
    let at = |days| {
        people(
            &findings(&picture, &Settings::default(), days, today()),
            FindingKind::InactiveSignIn,
        )
    };
    assert_eq!(at(180).len(), 1);
    assert_eq!(at(120).len(), 3, "exactly 120 days counts");
    assert_eq!(at(30).len(), 3);
    assert_eq!(at(10).len(), 3);
    assert_eq!(
        at(9).len(),
        4,
        "person 5's account is 9 days old, never signed in"
    );
    assert_eq!(at(4).len(), 5, "person 2 signed in 4 days ago");
}

#[test]
fn without_sign_ins_the_finding_says_why_and_names_no_one() {
    for (sign_ins, status) in [
        (SignIns::NotPremium, ActivityStatus::NotPremium),
        (SignIns::NotPermitted, ActivityStatus::NotPermitted),
        (SignIns::NotRead, ActivityStatus::NotRead),
    ] {
        let mut picture = sign_in_tenant();
        picture.activity.sign_ins = sign_ins;
        let found = findings(&picture, &Settings::default(), 30, today());
        assert_eq!(found.sign_ins, status);
        assert!(of(&found, FindingKind::InactiveSignIn).is_empty());
        assert_eq!(found.sign_ins_unknown, 0);
    }
}

// ---- usage ----

fn row(upn: &str, last: Option<&str>, deleted: bool) -> UsageRow {
    UsageRow {
        user_principal_name: upn.into(),
        display_name: None,
        is_deleted: deleted,
        last_activity: last.map(str::to_owned),
        assigned_products: Vec::new(),
    }
}

fn usage_tenant(period_days: u32, concealed: bool) -> TenantPicture {
    let mut picture = tenant(
        vec![product("SPB", 5)],
        (1..=5).map(|n| person(n, vec![holds("SPB", None)])).collect(),
    );
    picture.activity.usage = Usage::Read(UsageReport {
        period_days,
        refreshed_on: Some("2026-02-27".into()),
        concealed,
        rows: vec![
            // Matched whatever the letter case.
            row("PERSON1@Contoso.com", Some("2025-11-20"), false),
            row("person2@contoso.com", Some("2026-02-20"), false),
            row("person3@contoso.com", None, false),
            // A deleted user's row is skipped; the live one counts.
            row("person4@contoso.com", None, true),
            row("person4@contoso.com", Some("2026-02-26"), false),
            // Only a deleted row: not judged.
            row("person5@contoso.com", Some("2025-01-01"), true),
        ],
    });
    picture
}

#[test]
fn usage_rows_are_matched_by_user_name_and_deleted_rows_skipped() {
    let found = findings(&usage_tenant(90, false), &Settings::default(), 90, today());
    assert_eq!(found.usage, ActivityStatus::Read);
    assert_eq!(found.usage_period_days, Some(90));
    assert_eq!(found.usage_refreshed_on.as_deref(), Some("2026-02-27"));
    assert_eq!(
        people(&found, FindingKind::InactiveUsage),
        [(1, "SPB".into(), Some(101)), (3, "SPB".into(), None)],
        "person 1 was last active 99 days before the refresh, 101 before today"
    );
    assert_eq!(found.usage_unknown, 1, "person 5 has only a deleted row");
}

#[test]
fn days_are_counted_to_the_reports_refresh_date() {
    // 100 days before today, 98 before the refresh.
    let found = findings(&usage_tenant(180, false), &Settings::default(), 100, today());
    assert_eq!(
        people(&found, FindingKind::InactiveUsage),
        [(3, "SPB".into(), None)],
        "person 1 is 99 days idle at the refresh date"
    );
}

#[test]
fn no_activity_in_a_period_shorter_than_the_days_asked_proves_nothing() {
    let found = findings(&usage_tenant(30, false), &Settings::default(), 90, today());
    assert_eq!(
        people(&found, FindingKind::InactiveUsage),
        [(1, "SPB".into(), Some(101))]
    );
    assert_eq!(
        found.usage_unknown, 2,
        "person 3 (nothing in 30 days) and person 5"
    );
}

#[test]
fn a_concealed_report_names_no_one() {
    let found = findings(&usage_tenant(90, true), &Settings::default(), 30, today());
    assert_eq!(found.usage, ActivityStatus::Concealed);
    assert!(of(&found, FindingKind::InactiveUsage).is_empty());
    assert_eq!(found.usage_unknown, 0);
}

#[test]
fn usage_not_read_or_not_permitted_says_so() {
    let mut picture = usage_tenant(90, false);
    picture.activity.usage = Usage::NotPermitted;
    let found = findings(&picture, &Settings::default(), 30, today());
    assert_eq!(found.usage, ActivityStatus::NotPermitted);
    assert!(of(&found, FindingKind::InactiveUsage).is_empty());
    picture.activity.usage = Usage::NotRead;
    assert_eq!(
        findings(&picture, &Settings::default(), 30, today()).usage,
        ActivityStatus::NotRead
    );
}

// ---- disabled accounts ----

#[test]
fn disabled_accounts_holding_licenses_name_the_group_that_gives_one() {
    let mut disabled = person(1, vec![holds("SPB", None), holds("POWER_BI_PRO", Some(GROUP))]);
    disabled.account_enabled = Some(false);
    let mut disabled_unlicensed = person(2, Vec::new());
    disabled_unlicensed.account_enabled = Some(false);
    let unknown_state = {
        let mut u = person(3, vec![holds("SPB", None)]);
        u.account_enabled = None;
        u
    };
    let picture = tenant(
        vec![product("SPB", 2), product("POWER_BI_PRO", 1)],
        vec![disabled, disabled_unlicensed, unknown_state],
    );
    let found = findings(&picture, &Settings::default(), 90, today());
    assert_eq!(
        people(&found, FindingKind::DisabledHolding),
        [(1, "POWER_BI_PRO".into(), None), (1, "SPB".into(), None)]
    );
    let power_bi = of(&found, FindingKind::DisabledHolding)
        .into_iter()
        .find(|f| f.part_number == "POWER_BI_PRO")
        .unwrap();
    assert!(!power_bi.people[0].direct);
    assert_eq!(power_bi.people[0].groups, ["All staff"]);
    let spb = of(&found, FindingKind::DisabledHolding)
        .into_iter()
        .find(|f| f.part_number == "SPB")
        .unwrap();
    assert!(spb.people[0].direct && spb.people[0].groups.is_empty());
}

// ---- overlap ----

/// What is proposed when one person holds both products directly: the
/// part number of the covered one and the name of what covers it.
fn covered(first: &str, second: &str) -> Option<(String, String)> {
    let picture = tenant(
        vec![product(first, 1), product(second, 1)],
        vec![person(1, vec![holds(first, None), holds(second, None)])],
    );
    let found = findings(&picture, &Settings::default(), 90, today());
    let overlap = of(&found, FindingKind::Overlap);
    assert!(overlap.len() <= 1, "{first} beside {second}: {overlap:?}");
    overlap
        .first()
        .map(|f| (f.part_number.clone(), f.people[0].covered_by.clone().unwrap()))
}

fn proposed(part: &str, by: &str) -> Option<(String, String)> {
    Some((part.to_owned(), by.to_owned()))
}

#[test]
fn overlaps_from_microsofts_table() {
    // Every service plan of the first is in the second (by id, the
    // foundation plan aside).
    let business_premium = "Microsoft 365 Business Premium";
    assert_eq!(
        covered("EXCHANGESTANDARD", "SPB"),
        proposed("EXCHANGESTANDARD", business_premium)
    );
    assert_eq!(
        covered("ENTERPRISEPACK", "SPE_E3"),
        proposed("ENTERPRISEPACK", "Microsoft 365 E3")
    );
    assert_eq!(
        covered("POWER_BI_PRO", "SPE_E5"),
        proposed("POWER_BI_PRO", "Microsoft 365 E5")
    );
    assert_eq!(
        covered("AAD_PREMIUM", "AAD_PREMIUM_P2"),
        proposed("AAD_PREMIUM", "Microsoft Entra ID P2")
    );
    assert_eq!(covered("EMS", "SPB"), proposed("EMS", business_premium));
    // Whichever is held first, the smaller one is proposed.
    assert_eq!(
        covered("SPB", "EXCHANGESTANDARD"),
        proposed("EXCHANGESTANDARD", business_premium)
    );
    // Business Basic has Office Mobile (OFFICEMOBILE_SUBSCRIPTION), which
    // Business Standard does not list; neither of Business Premium and
    // Microsoft 365 E3 contains the other; Office 365 E3 has Exchange Plan
    // 2, not Plan 1's EXCHANGE_S_STANDARD.
    assert_eq!(covered("O365_BUSINESS_ESSENTIALS", "O365_BUSINESS_PREMIUM"), None);
    assert_eq!(covered("O365_BUSINESS_PREMIUM", "O365_BUSINESS_ESSENTIALS"), None);
    assert_eq!(covered("SPB", "SPE_E3"), None);
    assert_eq!(covered("EXCHANGESTANDARD", "ENTERPRISEPACK"), None);
}

#[test]
fn overlap_proposes_only_a_direct_copy_and_keeps_what_covers_it() {
    let picture = tenant(
        vec![
            product("EXCHANGESTANDARD", 3),
            product("SPB", 3),
            product("AAD_PREMIUM", 1),
            product("AAD_PREMIUM_P2", 1),
        ],
        vec![
            // Covered, but held through a group: the group stays.
            person(
                1,
                vec![holds("EXCHANGESTANDARD", Some(GROUP)), holds("SPB", None)],
            ),
            // Direct and through a group: removing the direct copy frees no seat.
            person(
                2,
                vec![
                    holds("EXCHANGESTANDARD", None),
                    holds("EXCHANGESTANDARD", Some(GROUP)),
                    holds("SPB", None),
                ],
            ),
            // Covered by a product a group gives: proposed.
            person(
                3,
                vec![holds("EXCHANGESTANDARD", None), holds("SPB", Some(GROUP))],
            ),
            // P1 inside P2, which is inside nothing here.
            person(4, vec![holds("AAD_PREMIUM", None), holds("AAD_PREMIUM_P2", None)]),
        ],
    );
    let found = findings(&picture, &Settings::default(), 90, today());
    assert_eq!(
        people(&found, FindingKind::Overlap),
        [
            (3, "EXCHANGESTANDARD".into(), None),
            (4, "AAD_PREMIUM".into(), None)
        ]
    );
}

#[test]
fn a_service_switched_off_in_the_bigger_product_is_not_covered() {
    let exchange = license_desk_files::catalog().by_part_number("SPB")[0]
        .service_plans
        .iter()
        .find(|p| p.name == "EXCHANGE_S_STANDARD")
        .unwrap()
        .id;
    let mut spb = holds("SPB", None);
    spb.disabled_plans = vec![exchange];
    let picture = tenant(
        vec![product("EXCHANGESTANDARD", 1), product("SPB", 1)],
        vec![person(1, vec![holds("EXCHANGESTANDARD", None), spb])],
    );
    let found = findings(&picture, &Settings::default(), 90, today());
    assert!(of(&found, FindingKind::Overlap).is_empty());
}

#[test]
fn the_tenants_own_list_of_service_plans_counts() {
    // A product the table does not know, whose tenant list is one plan of
    // Business Premium's: covered.
    let spb = license_desk_files::catalog().by_part_number("SPB")[0].clone();
    let intune = spb.service_plans.iter().find(|p| p.name == "INTUNE_A").unwrap();
    let custom = Uuid::from_u128(777);
    let mut own = product("SPB", 1);
    own.sku_id = custom;
    own.sku_part_number = "CONTOSO_INTUNE".into();
    own.service_plans = vec![ServicePlan {
        service_plan_id: intune.id,
        service_plan_name: intune.name.clone(),
    }];
    let mut user = person(1, vec![holds("SPB", None)]);
    user.license_assignment_states.push(LicenseAssignmentState {
        sku_id: custom,
        ..holds("SPB", None)
    });
    let picture = tenant(vec![product("SPB", 1), own], vec![user]);
    let found = findings(&picture, &Settings::default(), 90, today());
    assert_eq!(
        people(&found, FindingKind::Overlap),
        [(1, "CONTOSO_INTUNE".into(), None)]
    );
}

#[test]
fn equal_products_propose_one_of_the_two() {
    // The same services under two ids (a tenant's own list for both).
    let plans = vec![ServicePlan {
        service_plan_id: Uuid::from_u128(900),
        service_plan_name: "SOME_SERVICE".into(),
    }];
    let mut a = product("SPB", 1);
    a.sku_id = Uuid::from_u128(901);
    a.sku_part_number = "CONTOSO_A".into();
    a.service_plans = plans.clone();
    let mut b = a.clone();
    b.sku_id = Uuid::from_u128(902);
    b.sku_part_number = "CONTOSO_B".into();
    let state = |sku_id| LicenseAssignmentState {
        sku_id,
        ..holds("SPB", None)
    };
    let picture = tenant(
        vec![a, b],
        vec![person(
            1,
            vec![state(Uuid::from_u128(901)), state(Uuid::from_u128(902))],
        )],
    );
    let found = findings(&picture, &Settings::default(), 90, today());
    assert_eq!(people(&found, FindingKind::Overlap).len(), 1);
}

// ---- idle seats ----

#[test]
fn idle_seats_are_paid_less_assigned() {
    let mut e3 = product("SPE_E3", 7);
    e3.prepaid_units = PrepaidUnits {
        enabled: 10,
        warning: 5,
        ..PrepaidUnits::default()
    };
    let full = product("SPB", 10);
    let over = product("POWER_BI_PRO", 12);
    let picture = tenant(vec![e3, full, over], Vec::new());
    let found = findings(&picture, &priced(&[("SPE_E3", 36_000)]), 90, today());
    let idle = of(&found, FindingKind::IdleSeats);
    assert_eq!(idle.len(), 1, "{idle:?}");
    assert_eq!(idle[0].part_number, "SPE_E3");
    assert_eq!(
        idle[0].seats, 3,
        "seats in their grace period are not paid going forward"
    );
    assert!(idle[0].people.is_empty());
    assert_eq!(idle[0].seat_price, Some(360.0));
    assert_eq!(idle[0].monthly, Some(1080.0));
}

#[test]
fn trial_seats_beside_paid_ones_are_not_idle() {
    let mut spb = product("SPB", 12);
    spb.prepaid_units.enabled = 25;
    let mut picture = tenant(vec![spb], Vec::new());
    picture.subscriptions = vec![
        subscription("SPB", false, "Company", 10),
        subscription("SPB", true, "Company", 10),
    ];
    let found = findings(&picture, &Settings::default(), 90, today());
    assert_eq!(of(&found, FindingKind::IdleSeats)[0].seats, 3);
}

#[test]
fn a_file_that_does_not_know_seats_has_no_idle_seats() {
    let mut picture = tenant(vec![product("SPB", 2)], Vec::new());
    picture.knowledge.seats = false;
    let found = findings(&picture, &Settings::default(), 90, today());
    assert!(of(&found, FindingKind::IdleSeats).is_empty());
}

// ---- what is never a saving ----

#[test]
fn free_trial_self_service_and_inactive_products_are_not_counted() {
    let settings = priced(&[("SPE_E5", 50_000)]);
    let mut viral = product("SPE_E5", 0);
    viral.sku_id = Uuid::from_u128(801);
    viral.sku_part_number = "SOMETHING_VIRAL".into();
    viral.prepaid_units.enabled = 10_000;
    let mut bought_many = viral.clone();
    bought_many.sku_id = Uuid::from_u128(802);
    bought_many.sku_part_number = "BOUGHT_MANY".into();
    bought_many.prepaid_units.enabled = 12_000;
    let mut priced_viral = product("SPE_E5", 0);
    priced_viral.prepaid_units.enabled = 10_000;
    let mut expired = product("ENTERPRISEPACK", 0);
    expired.capability_status = "Warning".into();
    let mut picture = tenant(
        vec![
            product("FLOW_FREE", 0),
            product("POWER_BI_STANDARD", 0),
            product("TEAMS_EXPLORATORY", 0),
            product("SPB", 0),
            product("POWER_BI_PRO", 0),
            viral.clone(),
            bought_many.clone(),
            priced_viral.clone(),
            expired.clone(),
            product("EMS", 0),
        ],
        Vec::new(),
    );
    picture.subscriptions = vec![
        subscription("SPB", true, "Company", 25),
        subscription("POWER_BI_PRO", false, "User", 1),
        subscription("EMS", false, "Company", 10),
    ];
    let reason = |p: &SubscribedSku| not_counted(&picture, &settings, p);
    assert_eq!(reason(&product("FLOW_FREE", 0)), Some(NotCountedReason::Free));
    assert_eq!(
        reason(&product("POWER_BI_STANDARD", 0)),
        Some(NotCountedReason::Free)
    );
    assert_eq!(
        reason(&product("TEAMS_EXPLORATORY", 0)),
        Some(NotCountedReason::Free)
    );
    assert_eq!(reason(&product("SPB", 0)), Some(NotCountedReason::Trial));
    assert_eq!(
        reason(&product("POWER_BI_PRO", 0)),
        Some(NotCountedReason::SelfService)
    );
    assert_eq!(
        reason(&viral),
        Some(NotCountedReason::Free),
        "10,000 seats, no price"
    );
    assert_eq!(reason(&bought_many), None, "12,000 is no viral count");
    assert_eq!(reason(&priced_viral), None, "a price says it is paid");
    assert_eq!(reason(&expired), Some(NotCountedReason::NotActive));
    assert_eq!(reason(&product("EMS", 0)), None);

    let found = findings(&picture, &settings, 90, today());
    let mut left_out: Vec<(&str, NotCountedReason)> = found
        .not_counted
        .iter()
        .map(|n| (n.part_number.as_str(), n.reason))
        .collect();
    left_out.sort_by_key(|(part, _)| *part);
    assert_eq!(
        left_out,
        [
            ("ENTERPRISEPACK", NotCountedReason::NotActive),
            ("FLOW_FREE", NotCountedReason::Free),
            ("POWER_BI_PRO", NotCountedReason::SelfService),
            ("POWER_BI_STANDARD", NotCountedReason::Free),
            ("SOMETHING_VIRAL", NotCountedReason::Free),
            ("SPB", NotCountedReason::Trial),
            ("TEAMS_EXPLORATORY", NotCountedReason::Free),
        ]
    );
    let idle: Vec<&str> = of(&found, FindingKind::IdleSeats)
        .iter()
        .map(|f| f.part_number.as_str())
        .collect();
    assert_eq!(
        idle,
        ["SPE_E5", "BOUGHT_MANY", "EMS"],
        "priced first, then most seats"
    );
}

#[test]
fn people_holding_only_free_or_trial_products_are_not_findings() {
    let mut disabled = person(
        1,
        vec![
            holds("FLOW_FREE", None),
            holds("SPB", None),
            holds("SPE_E5", None),
        ],
    );
    disabled.account_enabled = Some(false);
    let mut picture = tenant(
        vec![product("FLOW_FREE", 1), product("SPB", 1), product("SPE_E5", 1)],
        vec![disabled],
    );
    picture.subscriptions = vec![subscription("SPE_E5", true, "Company", 25)];
    let found = findings(&picture, &Settings::default(), 90, today());
    assert_eq!(
        people(&found, FindingKind::DisabledHolding),
        [(1, "SPB".into(), None)]
    );
}

#[test]
fn a_trial_never_covers_a_paid_product() {
    // Power BI Pro is inside Microsoft 365 E5, but E5 here is a trial that ends.
    let mut picture = tenant(
        vec![product("POWER_BI_PRO", 1), product("SPE_E5", 1)],
        vec![person(
            1,
            vec![holds("POWER_BI_PRO", None), holds("SPE_E5", None)],
        )],
    );
    picture.subscriptions = vec![subscription("SPE_E5", true, "Company", 25)];
    let found = findings(&picture, &Settings::default(), 90, today());
    assert!(of(&found, FindingKind::Overlap).is_empty());
}

// ---- money ----

#[test]
fn money_is_seats_times_price_and_none_without_one() {
    let disabled = |n: u128| {
        let mut u = person(n, vec![holds("SPB", None), holds("POWER_BI_PRO", None)]);
        u.account_enabled = Some(false);
        u
    };
    let mut picture = tenant(
        vec![product("SPB", 2), product("POWER_BI_PRO", 2)],
        vec![disabled(1), disabled(2)],
    );
    picture.knowledge.seats = false;
    let found = findings(&picture, &priced(&[("SPB", 23_990)]), 90, today());
    let spb = of(&found, FindingKind::DisabledHolding)
        .into_iter()
        .find(|f| f.part_number == "SPB")
        .unwrap();
    assert_eq!(spb.seats, 2);
    assert_eq!(spb.seat_price, Some(239.9));
    assert_eq!(spb.monthly, Some(479.8));
    let power_bi = of(&found, FindingKind::DisabledHolding)
        .into_iter()
        .find(|f| f.part_number == "POWER_BI_PRO")
        .unwrap();
    assert_eq!(power_bi.monthly, None, "no price is no money, never 0");
    assert_eq!(found.seats, 4);
    assert_eq!(found.total_monthly, Some(479.8));
    assert_eq!(found.unpriced_seats, 2);
    assert_eq!(found.currency.as_deref(), Some("SEK"));

    let unpriced = findings(&picture, &Settings::default(), 90, today());
    assert_eq!(unpriced.total_monthly, None);
    assert_eq!(unpriced.unpriced_seats, 4);
    assert!(unpriced.findings.iter().all(|f| f.monthly.is_none()));
}

#[test]
fn the_total_counts_each_seat_once_whatever_findings_name_it() {
    let mut user = signed_in(
        person(1, vec![holds("EXCHANGESTANDARD", None), holds("SPB", None)]),
        Some("2025-01-01T00:00:00Z"),
        None,
        None,
    );
    user.account_enabled = Some(false);
    let mut picture = tenant(
        vec![product("EXCHANGESTANDARD", 1), product("SPB", 1)],
        vec![user],
    );
    picture.activity.sign_ins = SignIns::Read { at: today() };
    let found = findings(
        &picture,
        &priced(&[("SPB", 20_000), ("EXCHANGESTANDARD", 4_000)]),
        90,
        today(),
    );
    // Each product is inactive and disabled; Exchange is an overlap too;
    // and each has 9 idle seats.
    assert_eq!(of(&found, FindingKind::InactiveSignIn).len(), 2);
    assert_eq!(of(&found, FindingKind::DisabledHolding).len(), 2);
    assert_eq!(of(&found, FindingKind::Overlap).len(), 1);
    assert_eq!(of(&found, FindingKind::IdleSeats).len(), 2);
    assert_eq!(found.seats, 2 + 18);
    assert_eq!(found.total_monthly, Some(240.0 + 9.0 * 240.0));
    assert_eq!(found.unpriced_seats, 0);
    let kinds: Vec<FindingKind> = found.findings.iter().map(|f| f.kind).collect();
    assert!(kinds.windows(2).all(|w| w[0] <= w[1]), "by kind: {kinds:?}");
    assert_eq!(
        found.findings[0].part_number, "SPB",
        "the most money first within a kind"
    );
}

// ---- to a plan, and to rows ----

#[test]
fn a_finding_becomes_the_pairs_of_a_plan() {
    let mut one = person(1, vec![holds("SPB", None)]);
    one.account_enabled = Some(false);
    let mut two = person(2, vec![holds("SPB", Some(GROUP))]);
    two.account_enabled = Some(false);
    let picture = tenant(vec![product("SPB", 2)], vec![one, two]);
    let found = findings(&picture, &Settings::default(), 90, today());
    let disabled = of(&found, FindingKind::DisabledHolding);
    let chosen = selection(disabled.iter().copied()).unwrap();
    assert_eq!(
        chosen,
        Selection::Pairs {
            pairs: vec![
                (Uuid::from_u128(1).to_string(), sku("SPB")),
                (Uuid::from_u128(2).to_string(), sku("SPB")),
            ]
        }
    );
    let plan = Plan::new(&picture, &chosen);
    assert_eq!(plan.items.len(), 2);
    assert_eq!(plan.items[0].verdict, Verdict::Remove);
    assert!(matches!(plan.items[1].verdict, Verdict::InheritedOnly { .. }));

    // The same pair from two findings is planned once; idle seats name no one.
    let twice = selection([disabled[0], disabled[0]]).unwrap();
    let Selection::Pairs { pairs } = twice else {
        panic!()
    };
    assert_eq!(pairs.len(), 2);
    let idle = of(&found, FindingKind::IdleSeats);
    assert_eq!(idle.len(), 1);
    assert_eq!(selection(idle), None);
}

#[test]
fn rows_are_one_per_finding_person_and_product() {
    let mut user = person(1, vec![holds("SPB", None), holds("POWER_BI_PRO", Some(GROUP))]);
    user.account_enabled = Some(false);
    let picture = tenant(vec![product("SPB", 1), product("POWER_BI_PRO", 10)], vec![user]);
    let found = findings(&picture, &priced(&[("SPB", 23_990)]), 90, today());
    let rows = finding_rows(&found);
    let text: Vec<String> = rows
        .iter()
        .map(|r| {
            format!(
                "{} {} {} {} {:?} {:?}",
                r.kind.code(),
                r.user_principal_name.as_deref().unwrap_or("-"),
                r.part_number,
                r.seats,
                r.groups,
                r.monthly
            )
        })
        .collect();
    assert_eq!(
        text,
        [
            "disabled_holding person1@contoso.com SPB 1 [] Some(239.9)",
            "disabled_holding person1@contoso.com POWER_BI_PRO 1 [\"All staff\"] None",
            "idle_seats - SPB 9 [] Some(2159.1)",
        ]
    );
    let json = serde_json::to_value(&rows[0]).unwrap();
    assert_eq!(json["kind"], "disabled_holding");
    assert_eq!(json["userPrincipalName"], "person1@contoso.com");
    assert_eq!(json["currency"], "SEK");
    assert_eq!(json["direct"], true);
}
