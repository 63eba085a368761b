//! "Licenses and apps": each license with how it is held, what stops its
//! removal here, and its apps on or switched off, named as Microsoft does.
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use std::collections::HashMap;

use license_desk_core::overview::LicenseLock;
use license_desk_tenant::model::{
    CompanySubscription, Group, LicenseAssignmentState, Organization, PrepaidUnits, SubscribedSku, User,
};
use license_desk_tenant::TenantPicture;
use uuid::{uuid, Uuid};

const SPB: Uuid = uuid!("cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46");
const EXCHANGE_PLAN_1: Uuid = uuid!("4b9405b0-7788-4568-add1-99614e613b69");
const EXCHANGE_S_STANDARD: Uuid = uuid!("9aaf7827-d63c-4b61-89c3-182f06f82e5c");
const SALES: Uuid = Uuid::from_u128(7);
const SYNCED: Uuid = Uuid::from_u128(8);

fn held(sku_id: Uuid, group: Option<Uuid>, disabled: Vec<Uuid>) -> LicenseAssignmentState {
    LicenseAssignmentState {
        sku_id,
        disabled_plans: disabled,
        assigned_by_group: group,
        state: Some("Active".into()),
        error: Some("None".into()),
    }
}

fn product(sku_id: Uuid, part: &str) -> SubscribedSku {
    SubscribedSku {
        sku_id,
        sku_part_number: part.into(),
        applies_to: "User".into(),
        capability_status: "Enabled".into(),
        consumed_units: 1,
        prepaid_units: PrepaidUnits {
            enabled: 5,
            ..PrepaidUnits::default()
        },
        // As a file may leave them out: Microsoft's table fills them in.
        service_plans: Vec::new(),
        subscription_ids: Vec::new(),
    }
}

fn group(id: Uuid, name: &str, synced: bool) -> (Uuid, Group) {
    (
        id,
        Group {
            id,
            display_name: Some(name.into()),
            group_types: Vec::new(),
            membership_rule: None,
            on_premises_sync_enabled: synced.then_some(true),
            mail_enabled: None,
        },
    )
}

fn picture(states: Vec<LicenseAssignmentState>, self_service: bool) -> TenantPicture {
    TenantPicture::live(
        Organization {
            id: Uuid::from_u128(1),
            display_name: "Contoso".into(),
            verified_domains: Vec::new(),
        },
        vec![product(SPB, "SPB"), product(EXCHANGE_PLAN_1, "EXCHANGESTANDARD")],
        vec![CompanySubscription {
            id: "s".into(),
            sku_id: EXCHANGE_PLAN_1,
            sku_part_number: None,
            owner_type: self_service.then(|| "User".into()),
            owner_id: None,
            status: "Enabled".into(),
            total_licenses: 5,
            is_trial: false,
            next_lifecycle_date_time: None,
        }],
        vec![User {
            id: Uuid::from_u128(100),
            display_name: Some("Anna".into()),
            user_principal_name: "anna@contoso.com".into(),
            account_enabled: Some(true),
            usage_location: None,
            department: None,
            assigned_licenses: Vec::new(),
            license_assignment_states: states,
            created_date_time: None,
            sign_in_activity: None,
        }],
        HashMap::from([
            group(SALES, "Sales", false),
            group(SYNCED, "Staff (from AD)", true),
        ]),
    )
}

#[test]
fn apps_are_named_as_microsoft_does_and_switched_off_only_where_every_way_switches_them_off() {
    let tenant = picture(
        vec![
            held(SPB, None, vec![EXCHANGE_S_STANDARD]),
            held(EXCHANGE_PLAN_1, None, vec![EXCHANGE_S_STANDARD]),
            held(EXCHANGE_PLAN_1, Some(SALES), Vec::new()),
        ],
        false,
    );
    let details = tenant.license_details(Uuid::from_u128(100)).unwrap();
    assert_eq!(details.len(), 2);
    let premium = &details[0];
    assert_eq!(
        (premium.name.as_str(), premium.part_number.as_str()),
        ("Microsoft 365 Business Premium", "SPB")
    );
    assert!(premium.direct && premium.lock.is_none());
    assert!(premium.apps.len() > 20, "{} apps", premium.apps.len());
    let mail = premium
        .apps
        .iter()
        .find(|a| a.plan == "EXCHANGE_S_STANDARD")
        .unwrap();
    assert_eq!(
        (mail.name.as_str(), mail.on),
        ("Exchange Online (Plan 1)", Some(false))
    );
    assert!(premium
        .apps
        .iter()
        .filter(|a| a.plan != "EXCHANGE_S_STANDARD")
        .all(|a| a.on == Some(true)));
    // Switched off on the direct copy, on through the group: on.
    let exchange = &details[1];
    assert_eq!(
        exchange
            .groups
            .iter()
            .map(|g| g.name.as_str())
            .collect::<Vec<_>>(),
        ["Sales"]
    );
    assert_eq!(
        exchange
            .apps
            .iter()
            .find(|a| a.plan == "EXCHANGE_S_STANDARD")
            .unwrap()
            .on,
        Some(true)
    );
}

#[test]
fn locks_say_why_a_license_cannot_be_removed_here() {
    let tenant = picture(
        vec![
            held(SPB, Some(SYNCED), Vec::new()),
            held(EXCHANGE_PLAN_1, None, Vec::new()),
        ],
        true,
    );
    let details = tenant.license_details(Uuid::from_u128(100)).unwrap();
    assert_eq!(details[0].lock, Some(LicenseLock::OnlyThroughGroups));
    assert!(details[0].groups[0].synced);
    // Bought by a user: locked even though it is assigned directly.
    assert_eq!(details[1].lock, Some(LicenseLock::SelfService));
    assert!(tenant.license_details(Uuid::from_u128(999)).is_none());
}

#[test]
fn a_file_that_cannot_tell_switched_off_apps_says_so() {
    let mut tenant = picture(vec![held(SPB, None, Vec::new())], false);
    tenant.knowledge.disabled_plans = false;
    let details = tenant.license_details(Uuid::from_u128(100)).unwrap();
    assert!(details[0].apps.iter().all(|a| a.on.is_none()));
}
