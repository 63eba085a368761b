//! Contract tests for what a savings view reads: users' sign-in activity
//! (only when selected, only with AuditLog.Read.All, only on Entra ID P1 or
//! P2), the active users report behind a one-time download link, the
//! tenant's report settings, and consent asked for only when needed.
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

mod common;

use common::*;
use graph_emulator::apps::{roles, PUBLIC_CLIENT_ID};
use graph_emulator::model::{SignInActivity, Tenant};
use graph_emulator::{generate, throttle::ThrottleMode, Config};
use serde_json::json;

const SIGN_INS: &str = "openid profile offline_access User.Read User.Read.All AuditLog.Read.All";
const REPORTS: &str = "openid profile offline_access User.Read Reports.Read.All ReportSettings.ReadWrite.All";
const HEADER: &str = "Report Refresh Date,User Principal Name,Display Name,Is Deleted,Deleted Date,Has Exchange License,Has OneDrive License,Has SharePoint License,Has Skype For Business License,Has Yammer License,Has Teams License,Exchange Last Activity Date,OneDrive Last Activity Date,SharePoint Last Activity Date,Skype For Business Last Activity Date,Yammer Last Activity Date,Teams Last Activity Date,Exchange License Assign Date,OneDrive License Assign Date,SharePoint License Assign Date,Skype For Business License Assign Date,Yammer License Assign Date,Teams License Assign Date,Assigned Products";

/// `days` days ago, as Graph writes a date and time.
fn days_ago(days: i64) -> String {
    let at = time::OffsetDateTime::now_utc() - time::Duration::days(days);
    format!(
        "{:04}-{:02}-{:02}T07:30:00Z",
        at.year(),
        u8::from(at.month()),
        at.day()
    )
}

/// The fixture, with the admin here three days ago, the reader 40 days
/// ago, and `direct@` never; the admin (a License Administrator) is a
/// Reports Reader too, as reading usage reports needs.
fn recent_fixture() -> Tenant {
    let mut tenant = fixture();
    for user in &mut tenant.users {
        if user.user_principal_name == ADMIN {
            user.directory_roles.push(roles::REPORTS_READER);
        }
        let last = match user.user_principal_name.as_str() {
            ADMIN => 3,
            READER => 40,
            _ => 2,
        };
        user.sign_in_activity = Some(SignInActivity {
            last_sign_in_date_time: Some(days_ago(last)),
            last_non_interactive_sign_in_date_time: Some(days_ago(last)),
            last_successful_sign_in_date_time: Some(days_ago(last)),
        });
        if user.user_principal_name == DIRECT {
            user.sign_in_activity = None;
        }
    }
    tenant
}

async fn start_tenant(tenant: Tenant) -> Local {
    let mut config = Config::new(tenant);
    config.throttle = ThrottleMode::Off;
    start_with(config).await
}

#[tokio::test]
async fn sign_in_activity_comes_only_when_selected() {
    let local = start_tenant(recent_fixture()).await;
    let token = local.user_token(ADMIN, SIGN_INS).await;
    let plain = local.get(&token, "/users").await;
    assert_eq!(plain.status, 200);
    assert!(plain.body["value"][0].get("signInActivity").is_none());

    let page = local
        .get(
            &token,
            "/users?$select=id,userPrincipalName,createdDateTime,signInActivity&$top=999",
        )
        .await;
    assert_eq!(page.status, 200, "{}", page.body);
    let users = page.body["value"].as_array().unwrap();
    assert_eq!(users.len(), 7);
    let admin = users.iter().find(|u| u["userPrincipalName"] == ADMIN).unwrap();
    assert_eq!(admin["createdDateTime"], "2024-01-01T00:00:00Z");
    let activity = admin["signInActivity"].as_object().unwrap();
    let mut keys: Vec<&str> = activity.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "lastNonInteractiveSignInDateTime",
            "lastNonInteractiveSignInRequestId",
            "lastSignInDateTime",
            "lastSignInRequestId",
            "lastSuccessfulSignInDateTime",
            "lastSuccessfulSignInRequestId"
        ]
    );
    assert_eq!(activity["lastSignInDateTime"], json!(days_ago(3)));
    assert_eq!(activity["lastSuccessfulSignInDateTime"], json!(days_ago(3)));
    assert!(uuid::Uuid::parse_str(activity["lastSignInRequestId"].as_str().unwrap()).is_ok());
    // Never signed in: the dates (and their request ids) are null.
    let never = users.iter().find(|u| u["userPrincipalName"] == DIRECT).unwrap();
    assert_eq!(never["signInActivity"]["lastSignInDateTime"], json!(null));
    assert_eq!(never["signInActivity"]["lastSignInRequestId"], json!(null));
    assert!(page.body["@odata.context"]
        .as_str()
        .unwrap()
        .ends_with("$metadata#users(id,userPrincipalName,createdDateTime,signInActivity)"));

    // Paging keeps the selection.
    let first = local.get(&token, "/users?$select=id,signInActivity&$top=2").await;
    let next = first.body["@odata.nextLink"].as_str().unwrap().to_owned();
    let second = local.get(&token, &next).await;
    assert_eq!(second.status, 200);
    assert!(second.body["value"][0]["signInActivity"].is_object());

    // One user, and the signed-in admin.
    let one = local
        .get(&token, &format!("/users/{READER}?$select=id,signInActivity"))
        .await;
    assert_eq!(
        one.body["signInActivity"]["lastSignInDateTime"],
        json!(days_ago(40))
    );
    let me = local.get(&token, "/me?$select=id,signInActivity").await;
    assert_eq!(me.status, 200);
    assert!(me.body["signInActivity"].is_object());
}

#[tokio::test]
async fn sign_in_activity_needs_audit_log_permission() {
    let local = start_tenant(recent_fixture()).await;
    let token = local
        .user_token(ADMIN, "openid offline_access User.Read.All")
        .await;
    for path in [
        "/users?$select=id,signInActivity".to_owned(),
        format!("/users/{READER}?$select=signInActivity"),
    ] {
        let denied = local.get(&token, &path).await;
        assert_eq!(
            (denied.status, denied.error_code(), denied.error_message()),
            (
                403,
                "Authorization_RequestDenied",
                "Insufficient privileges to complete the operation."
            ),
            "{path}"
        );
    }
    // The app-only registration was granted no AuditLog.Read.All either.
    let app = local.app_token().await;
    assert_eq!(
        local.get(&app, "/users?$select=id,signInActivity").await.status,
        403
    );
    assert_eq!(
        local.get(&app, "/users?$select=id,createdDateTime").await.status,
        200
    );
}

#[tokio::test]
async fn sign_in_activity_needs_entra_premium() {
    let tenant = generate::tenant_with(
        "Small Shop",
        30,
        4,
        generate::Options {
            entra_premium: false,
            ..generate::Options::default()
        },
    );
    let admin = tenant.users[0].user_principal_name.clone();
    let local = start_tenant(tenant).await;
    let token = local.user_token(&admin, SIGN_INS).await;
    let refused = local
        .get(
            &token,
            "/users?$select=id,createdDateTime,signInActivity&$top=999",
        )
        .await;
    assert_eq!(refused.status, 403);
    assert_eq!(
        refused.error_code(),
        "Authentication_RequestFromNonPremiumTenantOrB2CTenant"
    );
    assert_eq!(
        refused.error_message(),
        "Neither tenant is B2C or tenant doesn't have premium license"
    );
    let inner = &refused.body["error"]["innerError"];
    assert!(inner["request-id"].is_string() && inner["date"].is_string());
    // Everything else is read as ever.
    let plain = local
        .get(&token, "/users?$select=id,createdDateTime&$top=999")
        .await;
    assert_eq!(plain.status, 200);
    assert_eq!(plain.body["value"].as_array().unwrap().len(), 30);
}

/// Follows the report's redirect as a client must: to the link, without
/// the token.
async fn download(local: &Local, token: &str, period: &str) -> (String, Vec<u8>) {
    let found = local
        .get(
            token,
            &format!("/reports/getOffice365ActiveUserDetail(period='{period}')"),
        )
        .await;
    assert_eq!(found.status, 302, "{}", found.body);
    let location = found.headers["location"].to_str().unwrap().to_owned();
    // The link is the credential: one with a token is refused, and the
    // link stays good.
    let with_token = local.http.get(&location).bearer_auth(token).send().await.unwrap();
    assert_eq!(with_token.status().as_u16(), 400);
    let file = local.http.get(&location).send().await.unwrap();
    assert_eq!(file.status().as_u16(), 200);
    assert_eq!(file.headers()["content-type"], "application/octet-stream");
    (location, file.bytes().await.unwrap().to_vec())
}

#[tokio::test]
async fn the_usage_report_is_a_one_time_download_elsewhere() {
    let local = start_tenant(recent_fixture()).await;
    let token = local.user_token(ADMIN, REPORTS).await;
    let (location, bytes) = download(&local, &token, "D7").await;
    let port = local.emulator.base_url().rsplit(':').next().unwrap().to_owned();
    assert!(
        location.starts_with(&format!("http://localhost:{port}/data/download/")),
        "another host than Graph's: {location}"
    );
    assert_eq!(&bytes[..3], b"\xEF\xBB\xBF", "a byte order mark");
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    let lines: Vec<&str> = text.split("\r\n").collect();
    assert_eq!(lines[0], HEADER);
    assert_eq!(lines.last(), Some(&""), "every line ends in CRLF");
    let rows: Vec<Vec<&str>> = lines[1..lines.len() - 1]
        .iter()
        .map(|l| l.split(',').collect())
        .collect();
    assert_eq!(rows.len(), 6, "the licensed users");
    for row in &rows {
        assert_eq!(row.len(), 24);
        assert_eq!(row[1].len(), 32, "a concealed name: {}", row[1]);
        assert!(row[1]
            .chars()
            .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_lowercase()));
        assert_eq!(row[3], "False");
    }
    assert!(!text.contains('@'), "no names while they are concealed");
    // The same hash for the same person, report after report.
    let (_, again) = download(&local, &token, "D30").await;
    let again = String::from_utf8_lossy(&again).into_owned();
    assert!(rows.iter().all(|row| again.contains(row[1])));

    // The link works once.
    let spent = local.http.get(&location).send().await.unwrap();
    assert_eq!(spent.status().as_u16(), 404);
}

#[tokio::test]
async fn the_usage_report_shows_names_and_activity_when_not_concealed() {
    let mut tenant = recent_fixture();
    tenant.display_concealed_names = false;
    let local = start_tenant(tenant).await;
    let token = local.user_token(ADMIN, REPORTS).await;
    let (_, bytes) = download(&local, &token, "D7").await;
    let text = String::from_utf8(bytes).unwrap();
    let row = |upn: &str| -> Vec<String> {
        text.lines()
            .find(|l| l.split(',').nth(1) == Some(upn))
            .unwrap_or_else(|| panic!("{upn} in {text}"))
            .split(',')
            .map(str::to_owned)
            .collect()
    };
    let admin = row(ADMIN);
    assert_eq!(admin[2], "admin");
    assert_eq!(admin[23], "MICROSOFT 365 BUSINESS PREMIUM");
    assert_eq!(&admin[5..11], ["True"; 6]);
    let exchange = &admin[11];
    assert_eq!(exchange.len(), 10, "the admin used Exchange this week: {admin:?}");
    assert!(
        exchange.as_str() <= admin[0].as_str(),
        "not after the refresh date"
    );
    // Last here 40 days ago: nothing in a week, something in 90 days.
    assert!(row(READER)[11..17].iter().all(String::is_empty));
    let (_, longer) = download(&local, &token, "D90").await;
    let longer = String::from_utf8(longer).unwrap();
    let reader = longer.lines().find(|l| l.contains(READER)).unwrap();
    assert_eq!(reader.split(',').nth(11).unwrap().len(), 10);
    // Never signed in: no activity at all.
    assert!(row(DIRECT)[11..17].iter().all(String::is_empty));
    assert_eq!(row(DIRECT)[23], "MICROSOFT 365 BUSINESS PREMIUM+POWER BI PRO");
}

#[tokio::test]
async fn the_usage_report_needs_reports_permission_and_a_real_period() {
    let local = start_tenant(recent_fixture()).await;
    let token = local.user_token(ADMIN, SIGN_INS).await;
    let denied = local
        .get(&token, "/reports/getOffice365ActiveUserDetail(period='D7')")
        .await;
    assert_eq!(
        (denied.status, denied.error_code()),
        (403, "Authorization_RequestDenied")
    );
    let reports = local.user_token(ADMIN, REPORTS).await;
    let bad = local
        .get(&reports, "/reports/getOffice365ActiveUserDetail(period='D8')")
        .await;
    assert_eq!(bad.status, 400);
    // A link nobody was given.
    let made_up = local
        .http
        .get(local.url("/data/download/0123456789abcdef"))
        .send()
        .await
        .unwrap();
    assert_eq!(made_up.status().as_u16(), 404);
}

#[tokio::test]
async fn on_a_users_behalf_the_usage_report_needs_a_role_that_reads_reports() {
    // The plain fixture: the admin is a License Administrator only.
    let local = start_tenant(fixture()).await;
    for user in [ADMIN, READER] {
        let token = local.user_token(user, REPORTS).await;
        let denied = local
            .get(&token, "/reports/getOffice365ActiveUserDetail(period='D7')")
            .await;
        assert_eq!(
            (denied.status, denied.error_code()),
            (403, "Authorization_RequestDenied"),
            "{user}"
        );
    }
    // A Reports Reader may, with the same permission.
    let local = start_tenant(recent_fixture()).await;
    let token = local.user_token(ADMIN, REPORTS).await;
    let answer = local
        .get(&token, "/reports/getOffice365ActiveUserDetail(period='D7')")
        .await;
    assert_eq!(answer.status, 302);
}

#[tokio::test]
async fn report_settings_say_whether_names_are_concealed() {
    let local = start_tenant(recent_fixture()).await;
    let token = local.user_token(ADMIN, REPORTS).await;
    let settings = local.get(&token, "/admin/reportSettings").await;
    assert_eq!(settings.status, 200);
    assert_eq!(
        settings.body,
        json!({
            "@odata.context": format!("{}/v1.0/$metadata#admin/reportSettings/$entity", local.emulator.base_url()),
            "displayConcealedNames": true
        })
    );
    let reader_only = local
        .user_token(
            ADMIN,
            "openid offline_access ReportSettings.Read.All Reports.Read.All",
        )
        .await;
    let change = |token: String, concealed: bool| {
        let local = &local;
        async move {
            let response = local
                .http
                .patch(local.url("/v1.0/admin/reportSettings"))
                .bearer_auth(token)
                .json(&json!({"displayConcealedNames": concealed}))
                .send()
                .await
                .unwrap();
            response.status().as_u16()
        }
    };
    assert_eq!(change(reader_only.clone(), false).await, 403);
    assert_eq!(
        local.get(&reader_only, "/admin/reportSettings").await.body["displayConcealedNames"],
        true
    );
    assert_eq!(change(token.clone(), false).await, 204);
    assert_eq!(
        local.get(&token, "/admin/reportSettings").await.body["displayConcealedNames"],
        false
    );
    let (_, bytes) = download(&local, &token, "D7").await;
    assert!(String::from_utf8(bytes).unwrap().contains(ADMIN));

    let nothing = local
        .user_token(ADMIN, "openid offline_access User.Read.All")
        .await;
    let denied = local.get(&nothing, "/admin/reportSettings").await;
    assert_eq!(
        (denied.status, denied.error_code()),
        (403, "Authorization_RequestDenied")
    );
}

async fn refresh(local: &Local, refresh_token: &str, scope: &str) -> Answer {
    local
        .token_request(&[
            ("client_id", &PUBLIC_CLIENT_ID.to_string()),
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token),
            ("scope", scope),
        ])
        .await
}

#[tokio::test]
async fn more_permissions_need_consent_first() {
    let local = start().await;
    let signed_in = local
        .sign_in(ADMIN, "openid profile offline_access User.Read.All")
        .await;
    let refresh_token = signed_in["refresh_token"].as_str().unwrap();
    let asked = refresh(
        &local,
        refresh_token,
        "offline_access https://graph.microsoft.com/User.Read.All https://graph.microsoft.com/AuditLog.Read.All",
    )
    .await;
    assert_eq!(asked.status, 400);
    assert_eq!(asked.body["error"], "invalid_grant");
    assert_eq!(asked.body["suberror"], "consent_required");
    assert_eq!(asked.body["error_codes"], json!([65001]));
    let description = asked.body["error_description"].as_str().unwrap();
    assert!(
        description.starts_with(&format!(
            "AADSTS65001: The user or administrator has not consented to use the application with ID '{PUBLIC_CLIENT_ID}' named 'License Desk'. Send an interactive authorization request for this user and resource."
        )),
        "{description}"
    );
    // The refresh token still works for what was consented.
    let still = refresh(&local, refresh_token, "offline_access User.Read.All").await;
    assert_eq!(still.status, 200, "{}", still.body);

    // Asked for in the browser, it is consented from then on.
    let consented = local
        .sign_in(ADMIN, "openid offline_access User.Read.All AuditLog.Read.All")
        .await;
    let upgraded = refresh(
        &local,
        consented["refresh_token"].as_str().unwrap(),
        "offline_access User.Read.All AuditLog.Read.All",
    )
    .await;
    assert_eq!(upgraded.status, 200, "{}", upgraded.body);
    assert!(upgraded.body["scope"]
        .as_str()
        .unwrap()
        .contains("AuditLog.Read.All"));
}

#[tokio::test]
async fn a_tenant_whose_admin_consented_grants_them_silently() {
    let tenant = generate::demo();
    let admin = tenant.users[0].user_principal_name.clone();
    let local = start_tenant(tenant).await;
    let signed_in = local
        .sign_in(&admin, "openid profile offline_access User.Read.All")
        .await;
    let upgraded = refresh(
        &local,
        signed_in["refresh_token"].as_str().unwrap(),
        "offline_access User.Read.All AuditLog.Read.All Reports.Read.All ReportSettings.Read.All",
    )
    .await;
    assert_eq!(upgraded.status, 200, "{}", upgraded.body);
    let scope = upgraded.body["scope"].as_str().unwrap();
    for permission in ["AuditLog.Read.All", "Reports.Read.All", "ReportSettings.Read.All"] {
        assert!(scope.contains(permission), "{scope}");
    }
    let token = upgraded.body["access_token"].as_str().unwrap();
    let page = local
        .get(token, "/users?$select=id,createdDateTime,signInActivity&$top=999")
        .await;
    assert_eq!(page.status, 200);
    assert_eq!(page.body["value"].as_array().unwrap().len(), 150);
}
