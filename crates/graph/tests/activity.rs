//! Reading activity for savings against the local tenant: sign-in dates,
//! the usage report behind its redirect, concealed names, and permissions
//! asked for only when needed.
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use std::sync::Arc;
use std::time::Duration;

use graph_emulator::apps::PUBLIC_CLIENT_ID;
use graph_emulator::generate::{self, Options};
use graph_emulator::model::Tenant;
use graph_emulator::{Config, Emulator};
use license_desk_graph::activity::{
    load_activity, read_report_settings, read_sign_ins, read_usage_report, SignIns, Usage,
};
use license_desk_graph::auth::{BrowserSignIn, ScopeError, Session, SignInTarget};
use license_desk_graph::retry::RetryPolicy;
use license_desk_graph::tenant::load;
use license_desk_graph::{Endpoints, GraphClient};

fn target(emulator: &Emulator) -> SignInTarget {
    SignInTarget {
        endpoints: Endpoints::local(emulator.base_url(), None),
        tenant: "organizations".to_owned(),
        client_id: PUBLIC_CLIENT_ID.to_string(),
    }
}

/// Signs in in the "browser" asking for `scopes` (the sign-in's own when
/// `None`).
async fn sign_in(emulator: &Emulator, scopes: Option<String>) -> GraphClient {
    let target = target(emulator);
    let sign_in = match scopes {
        Some(scopes) => BrowserSignIn::start_with_scopes(target.clone(), scopes).await,
        None => BrowserSignIn::start(target.clone()).await,
    }
    .unwrap();
    let url = sign_in.authorize_url.clone();
    let browser = async {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let back = http.get(&url).send().await.unwrap().headers()["location"]
            .to_str()
            .unwrap()
            .to_owned();
        http.get(back).send().await.unwrap();
    };
    let (tokens, ()) = tokio::join!(sign_in.finish(Duration::from_secs(10)), browser);
    let session = Session::delegated(target, &tokens.unwrap(), None).unwrap();
    GraphClient::new(Arc::new(session), RetryPolicy::default()).unwrap()
}

async fn start(tenant: Tenant) -> Emulator {
    let admin = tenant.users[0].user_principal_name.clone();
    let mut config = Config::new(tenant);
    config.approve = Some(admin);
    Emulator::start(config).await.unwrap()
}

fn savings(emulator: &Emulator) -> Option<String> {
    let target = target(emulator);
    Some(target.delegated_scopes_with(&target.savings_scopes()))
}

/// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let of_era = year - era * 400;
    let of_year = (153 * (month + if month > 2 { -3 } else { 9 }) + 2) / 5 + day - 1;
    let of_era_days = of_era * 365 + of_era / 4 - of_era / 100 + of_year;
    era * 146_097 + of_era_days - 719_468
}

/// Days since an ISO 8601 date and time.
fn age(date: &str) -> i64 {
    let part = |range: std::ops::Range<usize>| date[range].parse::<i64>().unwrap();
    let today = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
        / 86_400;
    today - days_from_civil(part(0..4), part(5..7), part(8..10))
}

#[tokio::test]
async fn the_demo_tenants_activity_arrives_and_goes_into_the_picture() {
    let emulator = start(generate::demo()).await;
    let client = sign_in(&emulator, savings(&emulator)).await;
    // The app runs it on a task of its own, holding no lock meanwhile.
    fn on_a_task<F: std::future::Future + Send>(future: F) -> F {
        future
    }
    // The report's download must go without the sign-in: the local tenant
    // refuses a download that brings a token.
    let read = on_a_task(load_activity(&client, 30)).await.unwrap();
    assert!(matches!(read.activity.sign_ins, SignIns::Read { at } if at > 0));
    assert_eq!(read.users.len(), 150);
    assert!(read.users.values().all(|u| u.created_date_time.is_some()));
    let never: Vec<_> = read
        .users
        .values()
        .filter(|u| u.sign_in_activity.is_none())
        .collect();
    assert_eq!(never.len(), 1, "one account was never used");
    assert!((119..=121).contains(&age(never[0].created_date_time.as_deref().unwrap())));
    let Usage::Read(report) = &read.activity.usage else {
        panic!("the report is read: {:?}", read.activity.usage)
    };
    assert_eq!(report.period_days, 30);
    assert!(!report.concealed, "the demo shows names");
    assert!(report.refreshed_on.is_some());
    assert!(report.rows.len() > 100);
    assert!(report
        .rows
        .iter()
        .all(|r| r.user_principal_name.ends_with("@northwindtraders.example")));
    assert!(report.rows.iter().any(|r| r.last_activity.is_some()));
    assert!(
        report.rows.iter().any(|r| r.last_activity.is_none()),
        "the leavers"
    );
    assert!(report.rows.iter().any(|r| r
        .assigned_products
        .iter()
        .any(|p| p == "MICROSOFT 365 BUSINESS PREMIUM")));

    // Into the picture, read without the activity, in one cheap step.
    let mut picture = load(&client, |_| {}).await.unwrap();
    assert!(picture.users.iter().all(|u| u.sign_in_activity.is_none()));
    picture.set_activity(read.clone());
    assert_eq!(picture.activity, read.activity);
    let leavers: Vec<_> = picture
        .users
        .iter()
        .filter(|u| u.account_enabled == Some(false))
        .collect();
    assert!(!leavers.is_empty());
    for leaver in leavers {
        let last = leaver
            .sign_in_activity
            .as_ref()
            .and_then(|a| a.last_successful_sign_in_date_time.as_deref())
            .unwrap();
        assert!((100..=201).contains(&age(last)), "{last}");
    }
    assert!(picture.users.iter().all(|u| u.created_date_time.is_some()));
}

#[tokio::test]
async fn reading_activity_asks_for_its_permissions_silently() {
    // Signed in as the app does, with the licensing scopes only.
    let emulator = start(generate::demo()).await;
    let client = sign_in(&emulator, None).await;
    let read = load_activity(&client, 7).await.unwrap();
    assert!(matches!(read.activity.sign_ins, SignIns::Read { .. }));
    assert!(matches!(read.activity.usage, Usage::Read(_)));
    assert!(client.session().asks_for("ReportSettings.Read.All").await);
}

#[tokio::test]
async fn a_tenant_without_entra_premium_has_no_sign_in_dates() {
    let tenant = generate::tenant_with(
        "Small Shop",
        40,
        8,
        Options {
            entra_premium: false,
            ..Options::default()
        },
    );
    let emulator = start(tenant).await;
    let client = sign_in(&emulator, savings(&emulator)).await;
    let read = read_sign_ins(&client).await.unwrap();
    assert_eq!(read.sign_ins, SignIns::NotPremium);
    assert!(read.users.is_empty());
    // The usage report needs no premium.
    assert!(matches!(
        read_usage_report(&client, 7).await.unwrap(),
        Usage::Read(_)
    ));
}

#[tokio::test]
async fn without_the_permissions_nothing_is_read_and_nothing_fails() {
    let tenant = generate::tenant_with(
        "Careful Co",
        40,
        9,
        Options {
            savings_consent: false,
            ..Options::default()
        },
    );
    let emulator = start(tenant).await;
    let client = sign_in(&emulator, None).await;
    let read = load_activity(&client, 7).await.unwrap();
    assert_eq!(read.activity.sign_ins, SignIns::NotPermitted);
    assert_eq!(read.activity.usage, Usage::NotPermitted);
    assert!(read.users.is_empty());
    assert_eq!(read_report_settings(&client).await.unwrap(), None);
}

#[tokio::test]
async fn concealed_names_are_seen_in_the_report_and_the_settings() {
    // Generated tenants conceal names, as Microsoft's do by default.
    let emulator = start(generate::tenant("Hidden AB", 60, 10)).await;
    let client = sign_in(&emulator, savings(&emulator)).await;
    assert_eq!(read_report_settings(&client).await.unwrap(), Some(true));
    let Usage::Read(report) = read_usage_report(&client, 90).await.unwrap() else {
        panic!("the report is read")
    };
    assert!(report.concealed);
    assert!(!report.rows.is_empty());
    assert!(report
        .rows
        .iter()
        .all(|r| r.user_principal_name.len() == 32 && !r.user_principal_name.contains('@')));
    // A bad period is the caller's mistake, said before anything is sent.
    let error = read_usage_report(&client, 8).await.unwrap_err();
    assert_eq!(error.code, license_desk_core::ErrorCode::InvalidInput);
}

#[tokio::test]
async fn the_savings_permissions_come_silently_where_an_admin_consented() {
    let emulator = start(generate::demo()).await;
    let client = sign_in(&emulator, None).await;
    let session = client.session().clone();
    assert!(!session.asks_for("AuditLog.Read.All").await);
    assert_eq!(
        read_sign_ins(&client).await.unwrap().sign_ins,
        SignIns::NotPermitted
    );
    session
        .request_scopes(&session.target().savings_scopes())
        .await
        .unwrap();
    assert!(session.asks_for("AuditLog.Read.All").await);
    assert!(matches!(
        read_sign_ins(&client).await.unwrap().sign_ins,
        SignIns::Read { .. }
    ));
    // Renewed tokens keep them.
    emulator.expire_tokens();
    assert!(matches!(
        read_usage_report(&client, 7).await.unwrap(),
        Usage::Read(_)
    ));
}

#[tokio::test]
async fn without_consent_the_admin_is_sent_to_the_browser_once() {
    let tenant = generate::tenant_with(
        "Careful Co",
        40,
        9,
        Options {
            savings_consent: false,
            ..Options::default()
        },
    );
    let emulator = start(tenant).await;
    let client = sign_in(&emulator, None).await;
    let session = client.session().clone();
    let savings = session.target().savings_scopes();
    let Err(ScopeError::InteractionRequired { scopes, details }) = session.request_scopes(&savings).await
    else {
        panic!("consent is needed first")
    };
    assert!(details.contains("AADSTS65001"), "{details}");
    assert!(scopes.contains("AuditLog.Read.All") && scopes.contains("LicenseAssignment.ReadWrite.All"));
    // The session carries on as it was.
    assert!(!session.asks_for("AuditLog.Read.All").await);
    assert!(license_desk_graph::tenant::signed_in_admin(&client).await.is_ok());
    let error: license_desk_core::Error = session.request_scopes(&savings).await.unwrap_err().into();
    assert_eq!(error.code, license_desk_core::ErrorCode::InsufficientPrivileges);

    // Signing in asking for them consents; that session keeps them.
    let consented = sign_in(&emulator, Some(scopes)).await;
    assert!(consented.session().asks_for("Reports.Read.All").await);
    emulator.expire_tokens();
    assert!(matches!(
        read_sign_ins(&consented).await.unwrap().sign_ins,
        SignIns::Read { .. }
    ));
}

#[tokio::test]
async fn a_license_administrator_is_told_their_role_cannot_read_usage_reports() {
    let tenant = generate::tenant("Roles AB", 40, 11);
    let license_admin = tenant.users[1].user_principal_name.clone();
    assert!(license_admin.starts_with("licenses@"), "{license_admin}");
    let mut config = Config::new(tenant);
    config.approve = Some(license_admin);
    let emulator = Emulator::start(config).await.unwrap();
    // Granted Reports.Read.All, and still refused: the role is missing.
    let client = sign_in(&emulator, savings(&emulator)).await;
    assert!(client.session().asks_for("Reports.Read.All").await);
    let read = load_activity(&client, 30).await.unwrap();
    assert_eq!(read.activity.usage, Usage::RoleCannotRead);
    assert!(matches!(read.activity.sign_ins, SignIns::Read { .. }));
    // Without the permission it is the permission that is missing.
    let client = sign_in(&emulator, None).await;
    assert_eq!(read_usage_report(&client, 30).await.unwrap(), Usage::NotPermitted);
}
