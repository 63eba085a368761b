//! Opening files of 50,000 users to a picture the Users view can show:
//! the admin center's user export and our own export, median of five,
//! with the picture's resident memory.
//!
//! `cargo run --release -p license-desk-tenant --example open_bench [csv|export]`
//!
//! Memory is the growth of the process's resident set while the first
//! picture is held; give one kind per run so the other's freed memory is
//! not reused and hidden.
//!
//! "Usable" means what the app does before the Users view shows its first
//! rows: the file read into a picture, the overview, and the first page of
//! users sorted by name (which builds the search index).

use std::collections::HashMap;
use std::time::{Duration, Instant};

use license_desk_core::overview::UserQuery;
use license_desk_core::Cloud;
use license_desk_files::ADMIN_CENTER_HEADER;
use license_desk_tenant::export::{to_text, Taken};
use license_desk_tenant::model::{
    AssignedLicense, LicenseAssignmentState, Organization, PrepaidUnits, SubscribedSku, User, VerifiedDomain,
};
use license_desk_tenant::open::open;
use license_desk_tenant::TenantPicture;
use uuid::Uuid;

const USERS: usize = 50_000;
const RUNS: usize = 5;

const LICENSE_CELLS: &[&str] = &[
    "Microsoft 365 Business Premium",
    "Microsoft 365 Business Basic+Microsoft Power Automate Free",
    "Office 365 E3+Enterprise Mobility + Security E5",
    "Visio Plan 2+Microsoft Fabric (Free)+Microsoft 365 Business Standard",
    "Unlicensed",
];

fn admin_center_csv() -> Vec<u8> {
    let mut text = format!("\u{feff}{}\r\n", ADMIN_CENTER_HEADER.join(","));
    for index in 0..USERS {
        text.push_str(&format!(
            "User {index},False,user{index}@contoso.com,{index:08x}-3651-425f-810a-56e0fb00287a,User,{index},2022-03-18 19:49:35Z,,Engineer,Sales,EUR,Stockholm,Sweden,HQ,,SE,,False,{},False,2022-03-18 19:49:35Z,,,111 22,sv-SE,\"Storgatan 1, 4 tr\",,SMTP:user{index}@contoso.com\r\n",
            LICENSE_CELLS[index % LICENSE_CELLS.len()]
        ));
    }
    text.into_bytes()
}

fn our_export() -> Vec<u8> {
    let products: Vec<SubscribedSku> = ["SPB", "O365_BUSINESS_ESSENTIALS", "ENTERPRISEPACK", "EMS"]
        .iter()
        .enumerate()
        .map(|(i, part)| SubscribedSku {
            sku_id: Uuid::from_u128(i as u128 + 1),
            sku_part_number: (*part).to_owned(),
            applies_to: "User".to_owned(),
            capability_status: "Enabled".to_owned(),
            consumed_units: 0,
            prepaid_units: PrepaidUnits {
                enabled: USERS as u32,
                ..PrepaidUnits::default()
            },
            service_plans: Vec::new(),
            subscription_ids: Vec::new(),
        })
        .collect();
    let users: Vec<User> = (0..USERS)
        .map(|index| {
            let sku_id = products[index % products.len()].sku_id;
            let group = (index % 5 == 0).then(|| Uuid::from_u128(1000));
            User {
                id: Uuid::from_u128(0x5000_0000 + index as u128),
                display_name: Some(format!("User {index}")),
                user_principal_name: format!("user{index}@contoso.com"),
                account_enabled: Some(index % 17 != 0),
                usage_location: Some("SE".to_owned()),
                department: None,
                assigned_licenses: vec![AssignedLicense {
                    sku_id,
                    disabled_plans: Vec::new(),
                }],
                license_assignment_states: vec![LicenseAssignmentState {
                    sku_id,
                    disabled_plans: Vec::new(),
                    assigned_by_group: group,
                    state: Some("Active".to_owned()),
                    error: Some("None".to_owned()),
                }],
                created_date_time: None,
                sign_in_activity: None,
            }
        })
        .collect();
    let picture = TenantPicture::live(
        Organization {
            id: Uuid::from_u128(42),
            display_name: "Contoso".to_owned(),
            verified_domains: vec![VerifiedDomain {
                name: "contoso.com".to_owned(),
                is_default: true,
            }],
        },
        products,
        Vec::new(),
        users,
        HashMap::new(),
    );
    let taken = Taken {
        at: 1_795_000_000,
        by: None,
        cloud: Cloud::Worldwide,
    };
    to_text(&picture, &taken).into_bytes()
}

fn resident_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn usable(bytes: &[u8], name: &str) -> TenantPicture {
    let opened = open(bytes, name).unwrap_or_else(|e| panic!("{name}: {}", e.message));
    let picture = opened.picture;
    let _ = picture.overview(None);
    let first = picture.users_page(&UserQuery::everyone(), 0, 100);
    assert_eq!(first.rows.len(), 100);
    picture
}

fn main() {
    println!("| file | size | open to a usable Users view (median of {RUNS}) | picture's resident memory |");
    println!("|---|---|---|---|");
    let only = std::env::args().nth(1);
    type Maker = fn() -> Vec<u8>;
    let kinds: [(&str, &str, Maker); 2] = [
        ("csv", "admin center CSV", admin_center_csv),
        ("export", "License Desk export", our_export),
    ];
    for (kind, name, make) in kinds {
        if only.as_deref().is_some_and(|only| only != kind) {
            continue;
        }
        let bytes = make();
        let mut times: Vec<Duration> = Vec::new();
        let mut grown = None;
        for _ in 0..RUNS {
            let before = resident_kib();
            let started = Instant::now();
            let picture = usable(&bytes, name);
            times.push(started.elapsed());
            grown = grown.or_else(|| Some(resident_kib()?.saturating_sub(before?)));
            drop(picture);
        }
        times.sort();
        println!(
            "| {name}, {USERS} users | {:.1} MB | {:.0} ms | {} |",
            bytes.len() as f64 / 1e6,
            times[RUNS / 2].as_secs_f64() * 1000.0,
            grown.map_or("n/a".to_owned(), |kib| format!("{:.0} MiB", kib as f64 / 1024.0))
        );
    }
}
