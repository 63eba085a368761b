//! Our export: what is written is read back whole, newer versions are
//! refused with a message that says so, a write is all or nothing, and a
//! file from the admin center becomes a picture that says what it cannot
//! tell.
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use std::collections::HashMap;

use license_desk_core::overview::UserQuery;
use license_desk_core::{Cloud, ErrorCode};
use license_desk_tenant::activity::SignIns;
use license_desk_tenant::export::{read, to_text, write, Taken};
use license_desk_tenant::model::{
    AssignedLicense, CompanySubscription, Group, LicenseAssignmentState, Organization, PrepaidUnits,
    SignInActivity, SubscribedSku, User, VerifiedDomain,
};
use license_desk_tenant::open::open;
use license_desk_tenant::{Resolution, Source, TenantPicture};
use proptest::prelude::*;
use uuid::Uuid;

const SPB: Uuid = uuid::uuid!("cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46");
const GROUP: Uuid = Uuid::from_u128(77);

fn state(group: Option<Uuid>, disabled: Vec<Uuid>) -> LicenseAssignmentState {
    LicenseAssignmentState {
        sku_id: SPB,
        disabled_plans: disabled,
        assigned_by_group: group,
        state: Some("Active".into()),
        error: Some("None".into()),
    }
}

fn picture() -> TenantPicture {
    let user = |n: u128, name: &str, states: Vec<LicenseAssignmentState>| User {
        id: Uuid::from_u128(n),
        display_name: Some(name.into()),
        user_principal_name: format!("{}@contoso.com", name.to_lowercase().replace(' ', ".")),
        account_enabled: Some(n != 3),
        usage_location: Some("SE".into()),
        department: None,
        assigned_licenses: states
            .iter()
            .filter(|s| s.assigned_by_group.is_none())
            .map(|s| AssignedLicense {
                sku_id: s.sku_id,
                disabled_plans: s.disabled_plans.clone(),
            })
            .collect(),
        license_assignment_states: states,
        created_date_time: None,
        sign_in_activity: None,
    };
    TenantPicture::live(
        Organization {
            id: Uuid::from_u128(42),
            display_name: "Contoso".into(),
            verified_domains: vec![VerifiedDomain {
                name: "contoso.com".into(),
                is_default: true,
            }],
        },
        vec![SubscribedSku {
            sku_id: SPB,
            sku_part_number: "SPB".into(),
            applies_to: "User".into(),
            capability_status: "Enabled".into(),
            consumed_units: 3,
            prepaid_units: PrepaidUnits {
                enabled: 10,
                ..PrepaidUnits::default()
            },
            service_plans: Vec::new(),
            subscription_ids: vec!["s1".into()],
        }],
        vec![CompanySubscription {
            id: "s1".into(),
            sku_id: SPB,
            sku_part_number: Some("SPB".into()),
            owner_type: None,
            owner_id: None,
            status: "Enabled".into(),
            total_licenses: 10,
            is_trial: false,
            next_lifecycle_date_time: None,
        }],
        vec![
            user(1, "Åsa Öberg", vec![state(None, vec![Uuid::from_u128(9)])]),
            user(
                2,
                "Bo Ek",
                vec![state(None, Vec::new()), state(Some(GROUP), Vec::new())],
            ),
            user(3, "Cia Lund", vec![state(Some(GROUP), Vec::new())]),
            user(4, "Dan Berg", Vec::new()),
        ],
        HashMap::from([(
            GROUP,
            Group {
                id: GROUP,
                display_name: Some("Sales".into()),
                group_types: Vec::new(),
                membership_rule: None,
                on_premises_sync_enabled: Some(true),
                mail_enabled: Some(false),
            },
        )]),
    )
}

fn taken() -> Taken {
    Taken {
        at: 1_795_000_000,
        by: Some("admin@contoso.com".into()),
        cloud: Cloud::Worldwide,
    }
}

#[test]
fn sign_in_dates_travel_with_the_export_so_a_file_shows_the_same_findings() {
    let mut original = picture();
    // Not read: the file says nothing of sign-ins.
    let text = to_text(&original, &taken());
    assert!(!text.contains("signIns") && !text.contains("signInActivity"));
    assert_eq!(
        read(text.as_bytes(), "a.json").unwrap().activity.sign_ins,
        SignIns::NotRead
    );

    original.users[0].created_date_time = Some("2025-01-02T03:04:05Z".into());
    original.users[0].sign_in_activity = Some(SignInActivity {
        last_successful_sign_in_date_time: Some("2026-08-01T10:00:00Z".into()),
        ..SignInActivity::default()
    });
    original.activity.sign_ins = SignIns::Read { at: 1_795_000_000 };
    let text = to_text(&original, &taken());
    assert!(text.contains("\"lastSuccessfulSignInDateTime\": \"2026-08-01T10:00:00Z\""));
    let back = read(text.as_bytes(), "a.json").unwrap();
    assert_eq!(back.users, original.users);
    assert_eq!(back.activity.sign_ins, SignIns::Read { at: 1_795_000_000 });
}

#[test]
fn an_export_reads_back_whole() {
    let original = picture();
    let text = to_text(&original, &taken());
    assert!(text.contains("\"format\": \"license-desk-tenant-export\""));
    assert!(text.contains("\"takenAt\": \"2026-11-18T11:06:40Z\""));
    assert!(
        text.contains("\"name\": \"Microsoft 365 Business Premium\""),
        "Microsoft's name goes with the part number"
    );
    let read = read(text.as_bytes(), "contoso.json").unwrap();
    assert_eq!(
        read.users, original.users,
        "every user with every assignment, disabled plans included"
    );
    assert_eq!(read.products, original.products);
    assert_eq!(read.subscriptions, original.subscriptions);
    assert_eq!(read.groups, original.groups);
    assert_eq!(read.organization, original.organization);
    assert_eq!(
        read.source,
        Source::File {
            name: "contoso.json".into(),
            format: "license_desk_export".into(),
            taken_at: Some(1_795_000_000),
            taken_by: Some("admin@contoso.com".into()),
        }
    );
    assert!(read.knowledge.complete && read.knowledge.groups && read.knowledge.disabled_plans);
    // The views work on it as on a live tenant.
    let overview = read.overview(None);
    assert_eq!((overview.users_total, overview.users_licensed), (4, 3));
    let page = read.users_page(&UserQuery::everyone(), 0, 10);
    let bo = page.rows.iter().find(|r| r.display_name == "Bo Ek").unwrap();
    assert!(bo.licenses[0].direct && bo.licenses[0].groups == ["Sales"]);
}

#[test]
fn a_newer_or_damaged_export_is_refused_with_a_message_that_says_so() {
    let text = to_text(&picture(), &taken()).replace("\"version\": 1", "\"version\": 7");
    let error = read(text.as_bytes(), "new.json").err().unwrap();
    assert_eq!(error.code, ErrorCode::FileNotUsable);
    assert!(
        error.message.contains("newer License Desk") && error.message.contains("version 7"),
        "{}",
        error.message
    );

    let mut cut = to_text(&picture(), &taken());
    cut.truncate(cut.len() / 2);
    let error = open(cut.as_bytes(), "cut.json").err().unwrap();
    assert!(
        error.message.contains("cut.json") && error.message.contains("line"),
        "{}",
        error.message
    );
}

#[test]
fn a_write_is_all_or_nothing_and_replaces_the_old_file() {
    let dir = std::env::temp_dir().join(format!("license-desk-export-{}", Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("tenant.json");
    std::fs::write(&path, "old").unwrap();
    write(&picture(), &taken(), &path).unwrap();
    let names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["tenant.json"], "no temporary file is left behind");
    assert_eq!(
        read(&std::fs::read(&path).unwrap(), "tenant.json")
            .unwrap()
            .users
            .len(),
        4
    );
    let missing = write(&picture(), &taken(), &dir.join("no/such/folder/x.json"))
        .err()
        .unwrap();
    assert!(
        missing.message.contains("could not be saved"),
        "{}",
        missing.message
    );
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn an_admin_center_export_says_what_it_cannot_tell() {
    let header = license_desk_files::ADMIN_CENTER_HEADER.join(",");
    let row = |name: &str, upn: &str, id: &str, blocked: &str, licenses: &str| {
        let mut fields = vec![""; 28];
        fields[0] = name;
        fields[1] = "False";
        fields[2] = upn;
        fields[3] = id;
        fields[17] = blocked;
        fields[18] = licenses;
        fields.join(",")
    };
    let csv = format!(
        "\u{feff}{header}\r\n{}\r\n{}\r\n",
        row(
            "Adele",
            "adele@contoso.com",
            "15e91f38-3651-425f-810a-56e0fb00287a",
            "True",
            "Microsoft 365 Business Premium+Microsoft 365 Business Basic"
        ),
        row(
            "Alex",
            "alex@contoso.com",
            "25e91f38-3651-425f-810a-56e0fb00287a",
            "False",
            "Unlicensed"
        ),
    );
    let opened = open(csv.as_bytes(), "users.csv").unwrap();
    let picture = &opened.picture;
    assert!(!picture.knowledge.groups && !picture.knowledge.disabled_plans && !picture.knowledge.seats);
    assert!(picture.knowledge.object_ids && picture.knowledge.complete);
    assert_eq!(
        picture.users[0].account_enabled,
        Some(false),
        "Block credential True"
    );
    assert_eq!(
        picture.users[0].id,
        uuid::uuid!("15e91f38-3651-425f-810a-56e0fb00287a")
    );
    assert_eq!(picture.default_domain(), Some("contoso.com"));
    assert!(picture.organization.id.is_nil(), "the file names no tenant");
    let basic = picture
        .products
        .iter()
        .find(|p| picture.product_name(p.sku_id) == "Microsoft 365 Business Basic")
        .unwrap();
    match picture.resolution(basic.sku_id) {
        Resolution::Ambiguous { candidates, .. } => assert_eq!(candidates.len(), 2),
        other => panic!("{other:?}"),
    }
    assert_eq!(picture.resolution(SPB), Resolution::Exact);
}

#[test]
fn a_plan_opened_as_a_tenant_says_what_it_is_and_what_to_do() {
    let plan = br#"{
  "format": "license-desk-plan",
  "version": 1,
  "items": []
}"#;
    let error = open(plan, "plan.json").err().unwrap();
    assert_eq!(error.code, ErrorCode::FileNotUsable);
    assert!(
        error.message.contains("is a License Desk plan") && error.message.contains("apply"),
        "{}",
        error.message
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// No bytes make reading an export (or any file) panic.
    #[test]
    fn opening_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        let _ = open(&bytes, "x");
    }

    /// An export with one byte changed is read or refused, never a panic.
    #[test]
    fn a_changed_export_is_read_or_refused(at in 0usize..4000, byte in any::<u8>()) {
        let mut bytes = to_text(&picture(), &taken()).into_bytes();
        let at = at % bytes.len();
        bytes[at] = byte;
        let _ = open(&bytes, "x.json");
    }
}
