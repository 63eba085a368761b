//! Sign-in contract: discovery, authorization code with PKCE, refresh
//! rotation, client credentials and the device code flow.
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

mod common;

use common::*;
use graph_emulator::apps::{APP_ONLY_CLIENT_ID, PUBLIC_CLIENT_ID};
use serde_json::Value;

fn aadsts(answer: &Answer) -> (u16, &str, u64) {
    (
        answer.status,
        answer.body["error"].as_str().unwrap_or_default(),
        answer.body["error_codes"][0].as_u64().unwrap_or_default(),
    )
}

#[tokio::test]
async fn discovery_answers_for_every_tenant_name_and_refuses_strangers() {
    let local = start().await;
    for tenant in [
        "organizations",
        "common",
        "fixture.example",
        "FIXTURE.onmicrosoft.com",
        &TENANT_ID.to_string(),
    ] {
        let answer = Local::answer(
            local
                .http
                .get(local.url(&format!("/{tenant}/v2.0/.well-known/openid-configuration")))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(answer.status, 200, "{tenant}");
        assert_eq!(
            answer.body["token_endpoint"],
            local.url(&format!("/{tenant}/oauth2/v2.0/token"))
        );
        assert_eq!(answer.body["issuer"], local.url(&format!("/{TENANT_ID}/v2.0")));
    }
    let stranger = Local::answer(
        local
            .http
            .get(local.url("/contoso.com/v2.0/.well-known/openid-configuration"))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(aadsts(&stranger), (400, "invalid_tenant", 90002));

    let instance = Local::answer(
        local
            .http
            .get(local.url("/common/discovery/instance"))
            .query(&[
                ("api-version", "1.1"),
                (
                    "authorization_endpoint",
                    &local.url("/organizations/oauth2/v2.0/authorize"),
                ),
            ])
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        instance.body["tenant_discovery_endpoint"],
        local.url("/organizations/v2.0/.well-known/openid-configuration")
    );
}

#[tokio::test]
async fn authorization_code_with_pkce_signs_a_user_in() {
    let local = start().await;
    let body = local
        .sign_in(
            ADMIN,
            "openid profile offline_access User.Read LicenseAssignment.ReadWrite.All",
        )
        .await;
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 3599);
    assert_eq!(body["access_token"].as_str().unwrap().split('.').count(), 3);
    assert!(body["refresh_token"].is_string() && body["id_token"].is_string());
    let scope = body["scope"].as_str().unwrap();
    assert!(scope.contains("LicenseAssignment.ReadWrite.All") && scope.contains("openid"));

    let me = local.get(body["access_token"].as_str().unwrap(), "/me").await;
    assert_eq!(me.body["userPrincipalName"], ADMIN);
}

#[tokio::test]
async fn a_wrong_verifier_or_a_reused_code_is_refused() {
    let local = start().await;
    let code = local
        .authorization_code(ADMIN, "User.Read", "bm90IHRoZSByaWdodCBjaGFsbGVuZ2U")
        .await;
    let wrong = local
        .token_request(&[
            ("client_id", &PUBLIC_CLIENT_ID.to_string()),
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", "http://localhost:5555/callback"),
            ("code_verifier", "something-else-entirely-0123456789-0123456789"),
        ])
        .await;
    assert_eq!(aadsts(&wrong), (400, "invalid_grant", 501481));
    assert!(wrong.body["error_description"]
        .as_str()
        .unwrap()
        .starts_with("AADSTS501481: The Code_Verifier does not match"));
    // The code was spent by the failed attempt.
    let again = local
        .token_request(&[
            ("client_id", &PUBLIC_CLIENT_ID.to_string()),
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", "http://localhost:5555/callback"),
        ])
        .await;
    assert_eq!(aadsts(&again), (400, "invalid_grant", 70008));
}

#[tokio::test]
async fn the_authorize_page_refuses_unknown_apps_and_foreign_redirects_and_can_be_cancelled() {
    let local = start().await;
    let page = |query: Vec<(&'static str, String)>| {
        let request = local
            .http
            .get(local.url("/organizations/oauth2/v2.0/authorize"))
            .query(&query);
        async move { request.send().await.unwrap() }
    };
    let unknown = page(vec![("client_id", "00000000-0000-0000-0000-000000000001".into())]).await;
    assert!(unknown.text().await.unwrap().contains("AADSTS700016"));
    let foreign = page(vec![
        ("client_id", PUBLIC_CLIENT_ID.to_string()),
        ("redirect_uri", "https://evil.example/cb".into()),
        ("response_type", "code".into()),
    ])
    .await;
    assert!(foreign.text().await.unwrap().contains("AADSTS50011"));
    let shown = page(vec![
        ("client_id", PUBLIC_CLIENT_ID.to_string()),
        ("redirect_uri", "http://127.0.0.1:7777/".into()),
        ("response_type", "code".into()),
        ("state", "xyz".into()),
    ])
    .await;
    assert_eq!(shown.status().as_u16(), 200);
    let html = shown.text().await.unwrap();
    assert!(html.contains("Sign in to Fixture AB") && html.contains(ADMIN));

    let cancelled = local
        .http
        .post(local.url("/organizations/oauth2/v2.0/authorize"))
        .form(&[
            ("client_id", PUBLIC_CLIENT_ID.to_string().as_str()),
            ("redirect_uri", "http://127.0.0.1:7777/"),
            ("response_type", "code"),
            ("state", "xyz"),
            ("cancel", "1"),
        ])
        .send()
        .await
        .unwrap();
    let location = cancelled.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        location.starts_with("http://127.0.0.1:7777/?error=access_denied"),
        "{location}"
    );
    assert!(location.contains("state=xyz"));
}

#[tokio::test]
async fn refresh_tokens_rotate_and_can_be_revoked() {
    let local = start().await;
    let first = local.sign_in(ADMIN, "offline_access User.Read.All").await;
    let refresh = |token: String| {
        let local = &local;
        async move {
            local
                .token_request(&[
                    ("client_id", &PUBLIC_CLIENT_ID.to_string()),
                    ("grant_type", "refresh_token"),
                    ("refresh_token", &token),
                ])
                .await
        }
    };
    let old = first["refresh_token"].as_str().unwrap().to_owned();
    let second = refresh(old.clone()).await;
    assert_eq!(second.status, 200);
    let new = second.body["refresh_token"].as_str().unwrap().to_owned();
    assert_ne!(new, old);
    assert_eq!(
        aadsts(&refresh(old).await),
        (400, "invalid_grant", 70008),
        "the old one stopped working"
    );

    local.emulator.revoke_refresh_tokens();
    let revoked = refresh(new).await;
    assert_eq!(aadsts(&revoked), (400, "invalid_grant", 50173));
}

#[tokio::test]
async fn client_credentials_need_the_secret_and_a_default_scope() {
    let local = start().await;
    let app = APP_ONLY_CLIENT_ID.to_string();
    let bad_secret = local
        .token_request(&[
            ("client_id", &app),
            ("client_secret", "nope"),
            ("grant_type", "client_credentials"),
            ("scope", "https://graph.microsoft.com/.default"),
        ])
        .await;
    assert_eq!(aadsts(&bad_secret), (401, "invalid_client", 7000215));
    let bad_scope = local
        .token_request(&[
            ("client_id", &app),
            ("client_secret", graph_emulator::apps::APP_ONLY_SECRET),
            ("grant_type", "client_credentials"),
            ("scope", "User.Read.All"),
        ])
        .await;
    assert_eq!(aadsts(&bad_scope), (400, "invalid_scope", 1002012));
    let unknown = local
        .token_request(&[
            ("client_id", "00000000-0000-0000-0000-000000000002"),
            ("grant_type", "client_credentials"),
        ])
        .await;
    assert_eq!(aadsts(&unknown), (400, "unauthorized_client", 700016));

    let token = local.app_token().await;
    assert_eq!(local.get(&token, "/users?$top=1").await.status, 200);
    let me = local.get(&token, "/me").await;
    assert_eq!(
        (me.status, me.error_message()),
        (
            400,
            "/me request is only valid with delegated authentication flow."
        )
    );
}

#[tokio::test]
async fn the_device_code_flow_waits_for_the_user_then_signs_them_in() {
    let local = start().await;
    let start = Local::answer(
        local
            .http
            .post(local.url("/organizations/oauth2/v2.0/devicecode"))
            .form(&[
                ("client_id", PUBLIC_CLIENT_ID.to_string().as_str()),
                ("scope", "offline_access User.Read.All"),
            ])
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(start.status, 200);
    let device_code = start.body["device_code"].as_str().unwrap().to_owned();
    let user_code = start.body["user_code"].as_str().unwrap().to_owned();
    assert_eq!(start.body["verification_uri"], local.url("/devicelogin"));
    assert!(start.body["message"].as_str().unwrap().contains(&user_code));
    assert_eq!(start.body["interval"], 5);

    let client_id = PUBLIC_CLIENT_ID.to_string();
    let form = [
        ("client_id", client_id.as_str()),
        ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
        ("device_code", device_code.as_str()),
    ];
    let poll = || local.token_request(&form);
    assert_eq!(aadsts(&poll().await), (400, "authorization_pending", 70016));

    let entered = local
        .http
        .post(local.url("/devicelogin"))
        .form(&[("code", user_code.to_lowercase().as_str()), ("login", ADMIN)])
        .send()
        .await
        .unwrap();
    assert!(entered.text().await.unwrap().contains("You are signed in"));
    let done = poll().await;
    assert_eq!(done.status, 200, "{}", done.body);
    assert!(done.body["refresh_token"].is_string());
    assert_eq!(
        aadsts(&poll().await),
        (400, "bad_verification_code", 70019),
        "a device code is spent once"
    );
}

#[tokio::test]
async fn approve_mode_signs_in_at_once() {
    let mut config = graph_emulator::Config::new(fixture());
    config.approve = Some(READER.to_owned());
    let local = start_with(config).await;
    let response = local
        .http
        .get(local.url("/organizations/oauth2/v2.0/authorize"))
        .query(&[
            ("client_id", PUBLIC_CLIENT_ID.to_string().as_str()),
            ("response_type", "code"),
            ("redirect_uri", "http://localhost:4321"),
            ("scope", "User.Read"),
            ("state", "q"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 302);
    assert!(response.headers()["location"]
        .to_str()
        .unwrap()
        .starts_with("http://localhost:4321?code="));
    let device = Local::answer(
        local
            .http
            .post(local.url("/organizations/oauth2/v2.0/devicecode"))
            .form(&[
                ("client_id", PUBLIC_CLIENT_ID.to_string().as_str()),
                ("scope", "User.Read"),
            ])
            .send()
            .await
            .unwrap(),
    )
    .await;
    let token = local
        .token_request(&[
            ("client_id", &PUBLIC_CLIENT_ID.to_string()),
            ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
            ("device_code", device.body["device_code"].as_str().unwrap()),
        ])
        .await;
    assert_eq!(token.status, 200);
    let me = local
        .get(token.body["access_token"].as_str().unwrap(), "/me")
        .await;
    assert_eq!(me.body["userPrincipalName"], Value::from(READER));
}
