//! What a removal really does to each person, from Microsoft's service
//! plans: only a service no remaining license provides is lost.
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use std::collections::HashMap;

use license_desk_core::overview::Consequence::{self, *};
use license_desk_engine::consequences::per_person;
use license_desk_engine::plan::{Plan, Selection};
use license_desk_tenant::model::{LicenseAssignmentState, Organization, PrepaidUnits, SubscribedSku, User};
use license_desk_tenant::TenantPicture;
use uuid::{uuid, Uuid};

const BUSINESS_PREMIUM: Uuid = uuid!("cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46");
const OFFICE_365_E3: Uuid = uuid!("6fd2c87f-b296-42f0-b197-1e91e994b900");
const MICROSOFT_365_E3: Uuid = uuid!("05e9a617-0261-4cee-bb44-138d3ef5d965");
const POWER_BI_PRO: Uuid = uuid!("f8a1db68-be16-40ed-86d5-cb42ce701560");
const EXCHANGE_PLAN_1: Uuid = uuid!("4b9405b0-7788-4568-add1-99614e613b69");
const GROUP: Uuid = Uuid::from_u128(500);

fn holds(sku_id: Uuid, group: Option<Uuid>) -> LicenseAssignmentState {
    LicenseAssignmentState {
        sku_id,
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
        created_date_time: None,
        sign_in_activity: None,
    }
}

/// Products with no service plans listed: their services come from
/// Microsoft's product table, as for a file.
fn product(sku_id: Uuid, part: &str) -> SubscribedSku {
    SubscribedSku {
        sku_id,
        sku_part_number: part.into(),
        applies_to: "User".into(),
        capability_status: "Enabled".into(),
        consumed_units: 1,
        prepaid_units: PrepaidUnits {
            enabled: 10,
            ..PrepaidUnits::default()
        },
        service_plans: Vec::new(),
        subscription_ids: Vec::new(),
    }
}

fn consequences_of(users: Vec<User>, removing: Uuid) -> HashMap<u128, Vec<Consequence>> {
    let picture = TenantPicture::live(
        Organization {
            id: Uuid::from_u128(1),
            display_name: "Contoso".into(),
            verified_domains: Vec::new(),
        },
        vec![
            product(BUSINESS_PREMIUM, "SPB"),
            product(OFFICE_365_E3, "ENTERPRISEPACK"),
            product(MICROSOFT_365_E3, "SPE_E3"),
            product(POWER_BI_PRO, "POWER_BI_PRO"),
            product(EXCHANGE_PLAN_1, "EXCHANGESTANDARD"),
        ],
        Vec::new(),
        users,
        HashMap::new(),
    );
    let plan = Plan::new(&picture, &Selection::AllHolders { sku_id: removing });
    per_person(&plan, &picture)
        .into_iter()
        .map(|(id, lost)| (id.as_u128(), lost))
        .collect()
}

#[test]
fn someone_who_keeps_exchange_through_a_group_loses_no_mailbox() {
    let lost = consequences_of(
        vec![person(
            1,
            vec![holds(BUSINESS_PREMIUM, None), holds(EXCHANGE_PLAN_1, Some(GROUP))],
        )],
        BUSINESS_PREMIUM,
    );
    assert!(!lost[&1].contains(&Mailbox), "{:?}", lost[&1]);
    assert_eq!(lost[&1], [Onedrive, OfficeApps, Teams, Intune, EntraP1]);
}

#[test]
fn power_bi_pro_alone_touches_no_mailbox() {
    let lost = consequences_of(
        vec![
            person(1, vec![holds(POWER_BI_PRO, None), holds(BUSINESS_PREMIUM, None)]),
            person(2, vec![holds(POWER_BI_PRO, None)]),
        ],
        POWER_BI_PRO,
    );
    assert_eq!(lost[&1], [PowerBi]);
    assert_eq!(lost[&2], [PowerBi]);
}

#[test]
fn losing_business_premium_while_keeping_e3_through_a_group_costs_only_what_e3_lacks() {
    let lost = consequences_of(
        vec![
            person(
                1,
                vec![holds(BUSINESS_PREMIUM, None), holds(OFFICE_365_E3, Some(GROUP))],
            ),
            person(
                2,
                vec![
                    holds(BUSINESS_PREMIUM, None),
                    holds(MICROSOFT_365_E3, Some(GROUP)),
                ],
            ),
            person(3, vec![holds(BUSINESS_PREMIUM, None)]),
        ],
        BUSINESS_PREMIUM,
    );
    assert_eq!(
        lost[&1],
        [Intune, EntraP1],
        "Office 365 E3 has no Intune or Entra ID P1"
    );
    assert_eq!(lost[&2], [NoEffect], "Microsoft 365 E3 has them all");
    assert_eq!(lost[&3], [Mailbox, Onedrive, OfficeApps, Teams, Intune, EntraP1]);
}

#[test]
fn a_license_held_directly_and_through_a_group_loses_nothing() {
    let lost = consequences_of(
        vec![person(
            1,
            vec![
                holds(BUSINESS_PREMIUM, None),
                holds(BUSINESS_PREMIUM, Some(GROUP)),
            ],
        )],
        BUSINESS_PREMIUM,
    );
    assert_eq!(lost[&1], [NoEffect]);
}

#[test]
fn a_service_switched_off_is_not_lost_again() {
    let mut premium = holds(BUSINESS_PREMIUM, None);
    let exchange = license_desk_files::catalog()
        .by_sku_id(BUSINESS_PREMIUM)
        .unwrap()
        .service_plans
        .iter()
        .find(|p| p.name == "EXCHANGE_S_STANDARD")
        .unwrap()
        .id;
    premium.disabled_plans.push(exchange);
    let lost = consequences_of(vec![person(1, vec![premium])], BUSINESS_PREMIUM);
    assert!(
        !lost[&1].contains(&Mailbox),
        "they had no mailbox from it: {:?}",
        lost[&1]
    );
}
