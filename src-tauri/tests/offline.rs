//! Offline review from the command line, against local tenants: export a
//! tenant, inspect our export and an admin center CSV, plan from a file with
//! no sign-in, then apply the plan to the tenant after it changed, with the
//! drift named and the tenant checked afterwards.
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use graph_emulator::apps::{APP_ONLY_CLIENT_ID, APP_ONLY_SECRET};
use graph_emulator::model::{AssignedLicense, Group, Tenant};
use graph_emulator::{catalog, generate, throttle::ThrottleMode, Config, Emulator};
use uuid::Uuid;

const SPB: Uuid = catalog::BUSINESS_PREMIUM.sku_id;

fn license_desk(args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_license-desk"));
    command.args(args).stdin(Stdio::null());
    command
}

fn signed_in(mut command: Command, emulator: &Emulator, journals: &Path) -> Command {
    command
        .args(["--local-tenant", emulator.base_url()])
        .args(["--tenant", &emulator.tenant_id().to_string()])
        .args(["--client-id", &APP_ONLY_CLIENT_ID.to_string()])
        .env("LICENSE_DESK_CLIENT_SECRET", APP_ONLY_SECRET);
    if command.get_args().next().is_some_and(|first| first == "apply") {
        command.args(["--journal-dir", journals.to_str().unwrap()]);
    }
    command
}

fn run(mut command: Command) -> (Option<i32>, String, String) {
    let Output {
        status,
        stdout,
        stderr,
    } = command.output().unwrap();
    (
        status.code(),
        String::from_utf8_lossy(&stdout).into_owned(),
        String::from_utf8_lossy(&stderr).into_owned(),
    )
}

async fn start(tenant: Tenant) -> Emulator {
    let mut config = Config::new(tenant);
    config.throttle = ThrottleMode::Off;
    Emulator::start(config).await.unwrap()
}

fn folder() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("license-desk-offline-{}", Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn holds_directly(tenant: &Tenant, user: Uuid) -> bool {
    tenant
        .users
        .iter()
        .find(|u| u.id == user)
        .is_some_and(|u| u.assigned_licenses.iter().any(|l| l.sku_id == SPB))
}

#[tokio::test(flavor = "multi_thread")]
async fn export_inspect_plan_offline_then_apply_to_a_changed_tenant() {
    let original = generate::tenant("Offline", 80, 21);
    let emulator = start(original.clone()).await;
    let dir = folder();
    let export = dir.join("tenant.json");

    let (code, _, stderr) = run(signed_in(
        license_desk(&["export", "--out", export.to_str().unwrap()]),
        &emulator,
        &dir,
    ));
    assert_eq!(code, Some(0), "{stderr}");

    let (code, stdout, stderr) = run(license_desk(&[
        "inspect",
        export.to_str().unwrap(),
        "--json",
        "--users",
    ]));
    assert_eq!(code, Some(0), "{stderr}");
    let summary: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(summary["format"], "license_desk_export");
    assert_eq!(summary["users"], original.users.len());
    assert_eq!(summary["complete"], true);
    let premium = summary["products"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["part_number"] == "SPB")
        .unwrap();
    assert_eq!(premium["name"], "Microsoft 365 Business Premium");
    assert_eq!(premium["resolution"], "exact");
    assert_eq!(premium["sku_ids"], serde_json::json!([SPB]));
    let holders: Vec<Uuid> = original
        .users
        .iter()
        .filter(|u| u.assigned_licenses.iter().any(|l| l.sku_id == SPB))
        .map(|u| u.id)
        .collect();
    assert!(holders.len() >= 4, "{}", holders.len());
    assert_eq!(premium["holders"], holders.len());
    assert_eq!(
        summary["user_rows"].as_array().unwrap().len(),
        original.users.len()
    );

    // Plan with no sign-in at all.
    let plan = dir.join("plan.json");
    let (code, _, stderr) = run(license_desk(&[
        "plan",
        "--from",
        export.to_str().unwrap(),
        "--sku",
        "SPB",
        "--all-holders",
        "--out",
        plan.to_str().unwrap(),
    ]));
    assert_eq!(code, Some(0), "{stderr}");
    let saved: serde_json::Value = serde_json::from_slice(&std::fs::read(&plan).unwrap()).unwrap();
    assert_eq!(saved["format"], "license-desk-plan");
    assert_eq!(saved["items"].as_array().unwrap().len(), holders.len());
    emulator.stop();

    // Meanwhile the tenant changed: one holder left the company, one now
    // gets the product from a group, one already lost it.
    let (gone, via_group, removed) = (holders[0], holders[1], holders[2]);
    let mut changed = original.clone();
    changed.users.retain(|u| u.id != gone);
    let group = Group {
        id: Uuid::new_v4(),
        display_name: "Sales licenses".into(),
        description: None,
        mail_enabled: false,
        mail: None,
        security_enabled: true,
        membership_rule: None,
        on_premises_sync_enabled: None,
        assigned_licenses: vec![AssignedLicense {
            sku_id: SPB,
            disabled_plans: Vec::new(),
        }],
    };
    for user in &mut changed.users {
        if user.id == via_group {
            user.member_of.push(group.id);
            user.assigned_licenses.retain(|l| l.sku_id != SPB);
        }
        if user.id == removed {
            user.assigned_licenses.retain(|l| l.sku_id != SPB);
        }
    }
    changed.groups.push(group);
    let emulator = start(changed).await;

    let (code, stdout, stderr) = run(signed_in(
        license_desk(&["apply", plan.to_str().unwrap(), "--dry-run", "--json"]),
        &emulator,
        &dir,
    ));
    assert_eq!(code, Some(0), "{stderr}");
    let drift: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let kinds: Vec<&str> = drift["drift"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["drift"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds.iter().filter(|k| **k == "user_gone").count(),
        1,
        "{kinds:?}"
    );
    assert_eq!(
        kinds.iter().filter(|k| **k == "now_through_group").count(),
        1,
        "{kinds:?}"
    );
    assert_eq!(
        kinds.iter().filter(|k| **k == "already_gone").count(),
        1,
        "{kinds:?}"
    );
    assert_eq!(
        kinds.iter().filter(|k| **k == "unchanged").count(),
        holders.len() - 3
    );
    assert!(stderr.contains("3 changed since the file"), "{stderr}");
    let untouched = emulator.directory(|d| d.tenant().clone());
    assert!(
        holds_directly(&untouched, holders[3]),
        "a dry run changes nothing"
    );

    let (code, _, stderr) = run(signed_in(
        license_desk(&["apply", plan.to_str().unwrap(), "--yes"]),
        &emulator,
        &dir,
    ));
    assert_eq!(code, Some(3), "the three changed items are reported: {stderr}");
    let after = emulator.directory(|d| d.tenant().clone());
    for holder in &holders[3..] {
        assert!(!holds_directly(&after, *holder), "{holder} still holds it");
    }
    let still_through_group = emulator.directory(|d| {
        let user = d.users().iter().find(|u| u.id == via_group).unwrap();
        d.license_states(user).iter().any(|s| s.sku_id == SPB)
    });
    assert!(still_through_group, "the group's license stays with its member");
    assert!(!holds_directly(&after, via_group));
    std::fs::remove_dir_all(dir).ok();
}

#[tokio::test(flavor = "multi_thread")]
async fn a_plan_for_another_tenant_is_refused_naming_both() {
    let first = start(generate::tenant("Contoso", 30, 1)).await;
    let dir = folder();
    let export = dir.join("contoso.json");
    let (code, _, stderr) = run(signed_in(
        license_desk(&["export", "--out", export.to_str().unwrap()]),
        &first,
        &dir,
    ));
    assert_eq!(code, Some(0), "{stderr}");
    let plan = dir.join("plan.json");
    let (code, _, stderr) = run(license_desk(&[
        "plan",
        "--from",
        export.to_str().unwrap(),
        "--sku",
        "Microsoft 365 Business Premium",
        "--all-holders",
        "--out",
        plan.to_str().unwrap(),
    ]));
    assert_eq!(code, Some(0), "{stderr}");
    let other = start(generate::tenant("Fabrikam", 30, 2)).await;
    let (code, _, stderr) = run(signed_in(
        license_desk(&["apply", plan.to_str().unwrap(), "--yes"]),
        &other,
        &dir,
    ));
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains("made for Contoso") && stderr.contains("signed in to Fabrikam"),
        "{stderr}"
    );
    std::fs::remove_dir_all(dir).ok();
}

#[tokio::test(flavor = "multi_thread")]
async fn an_admin_center_csv_is_inspected_and_planned_from_with_no_sign_in() {
    let dir = folder();
    let csv = dir.join("users_9_15_2025 9_17_18 PM.csv");
    let header = license_desk_files::ADMIN_CENTER_HEADER.join(",");
    let row = |name: &str, upn: &str, id: &str, licenses: &str| {
        let mut fields = vec![""; 28];
        fields[0] = name;
        fields[1] = "False";
        fields[2] = upn;
        fields[3] = id;
        fields[17] = "False";
        fields[18] = licenses;
        fields.join(",")
    };
    let text = format!(
        "\u{feff}{header}\r\n{}\r\n{}\r\n{}\r\n",
        row(
            "Adele Vance",
            "adele@contoso.com",
            "15e91f38-3651-425f-810a-56e0fb00287a",
            "Microsoft 365 Business Premium+Enterprise Mobility + Security E3"
        ),
        row(
            "Alex Wilber",
            "alex@contoso.com",
            "25e91f38-3651-425f-810a-56e0fb00287a",
            "Microsoft 365 Business Basic"
        ),
        row(
            "Room 1",
            "room1@contoso.com",
            "35e91f38-3651-425f-810a-56e0fb00287a",
            "Unlicensed"
        ),
    );
    std::fs::write(&csv, text).unwrap();
    let (code, stdout, stderr) = run(license_desk(&["inspect", csv.to_str().unwrap(), "--json"]));
    assert_eq!(code, Some(0), "{stderr}");
    let summary: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(summary["format"], "admin_center_users");
    assert_eq!(
        (summary["users"].clone(), summary["licensed"].clone()),
        (3.into(), 2.into())
    );
    let products = summary["products"].as_array().unwrap();
    let basic = products
        .iter()
        .find(|p| p["name"] == "Microsoft 365 Business Basic")
        .unwrap();
    assert_eq!(basic["resolution"], "ambiguous");
    assert_eq!(
        basic["sku_ids"].as_array().unwrap().len(),
        2,
        "every candidate, never a guess"
    );
    assert!(products
        .iter()
        .any(|p| p["name"] == "Enterprise Mobility + Security E3" && p["resolution"] == "exact"));

    let plan = dir.join("plan.json");
    let (code, _, stderr) = run(license_desk(&[
        "plan",
        "--from",
        csv.to_str().unwrap(),
        "--sku",
        "Microsoft 365 Business Basic",
        "--all-holders",
        "--out",
        plan.to_str().unwrap(),
    ]));
    assert_eq!(code, Some(0), "{stderr}");
    let saved: serde_json::Value = serde_json::from_slice(&std::fs::read(&plan).unwrap()).unwrap();
    assert_eq!(saved["items"][0]["userPrincipalName"], "alex@contoso.com");
    assert_eq!(
        saved["items"][0]["product"]["skuIds"].as_array().unwrap().len(),
        2
    );
    assert_eq!(
        saved["items"][0]["disabledPlans"],
        serde_json::Value::Null,
        "the file does not say"
    );

    std::fs::write(
        &csv,
        "userPrincipalName,displayName,surname,mail\r\na@b.c,A,B,a@b.c\r\n",
    )
    .unwrap();
    let (code, _, stderr) = run(license_desk(&["inspect", csv.to_str().unwrap()]));
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains("users_9_15_2025"),
        "the message names the file: {stderr}"
    );
    std::fs::remove_dir_all(dir).ok();
}
