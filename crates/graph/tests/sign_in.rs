//! Every sign-in flow against the local tenant: PKCE in a "browser",
//! device code, app-only; refresh rotation, expiry and revocation.
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use std::sync::{Arc, Mutex};
use std::time::Duration;

use graph_emulator::apps::{APP_ONLY_CLIENT_ID, APP_ONLY_SECRET, PUBLIC_CLIENT_ID};
use graph_emulator::{generate, Config, Emulator};
use license_desk_core::ErrorCode;
use license_desk_graph::auth::{BrowserSignIn, DeviceSignIn, Session, SignInTarget};
use license_desk_graph::models::Me;
use license_desk_graph::retry::RetryPolicy;
use license_desk_graph::{Endpoints, GraphClient};

const ADMIN: &str = "admin@northwindtraders.example";

async fn tenant(approve: Option<&str>) -> Emulator {
    let mut config = Config::new(generate::demo());
    config.approve = approve.map(str::to_owned);
    Emulator::start(config).await.unwrap()
}

fn target(emulator: &Emulator, client_id: &str) -> SignInTarget {
    SignInTarget {
        endpoints: Endpoints::local(emulator.base_url(), None),
        tenant: "organizations".to_owned(),
        client_id: client_id.to_owned(),
    }
}

/// What the system browser does: follow the sign-in to the loopback redirect.
async fn browse(url: &str) {
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let response = http.get(url).send().await.unwrap();
    assert_eq!(
        response.status().as_u16(),
        302,
        "{}",
        response.text().await.unwrap()
    );
    let back = response.headers()["location"].to_str().unwrap().to_owned();
    let page = http.get(&back).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("close this tab"), "{page}");
}

fn collecting_store() -> (
    Arc<Mutex<Vec<String>>>,
    license_desk_graph::auth::RefreshTokenStore,
) {
    let stored = Arc::new(Mutex::new(Vec::new()));
    let sink = stored.clone();
    (
        stored,
        Arc::new(move |token: &str| {
            sink.lock().unwrap().push(token.to_owned());
            Ok(())
        }),
    )
}

#[tokio::test]
async fn a_refresh_token_the_store_cannot_keep_does_not_stop_the_session() {
    let emulator = tenant(Some(ADMIN)).await;
    let target = target(&emulator, &PUBLIC_CLIENT_ID.to_string());
    let sign_in = BrowserSignIn::start(target.clone()).await.unwrap();
    let url = sign_in.authorize_url.clone();
    let (tokens, ()) = tokio::join!(sign_in.finish(Duration::from_secs(10)), browse(&url));
    let refused = Arc::new(Mutex::new(0));
    let count = refused.clone();
    let store: license_desk_graph::auth::RefreshTokenStore = Arc::new(move |_: &str| {
        *count.lock().unwrap() += 1;
        Err(license_desk_core::Error::new(
            ErrorCode::KeychainUnavailable,
            "locked",
        ))
    });
    let session = Arc::new(Session::delegated(target, &tokens.unwrap(), Some(store)).unwrap());
    let client = GraphClient::new(session, RetryPolicy::default()).unwrap();
    emulator.expire_tokens();
    // The rotation could not be kept: the store said so (its owner tells
    // the admin), and the session goes on with the new token in memory.
    assert_eq!(client.get::<Me>("/me").await.unwrap().user_principal_name, ADMIN);
    assert_eq!(
        *refused.lock().unwrap(),
        2,
        "the first token and its rotation were both handed over"
    );
    emulator.expire_tokens();
    assert_eq!(client.get::<Me>("/me").await.unwrap().user_principal_name, ADMIN);
}

#[tokio::test]
async fn browser_sign_in_with_pkce_then_rotation_expiry_and_revocation() {
    let emulator = tenant(Some(ADMIN)).await;
    let target = target(&emulator, &PUBLIC_CLIENT_ID.to_string());
    let sign_in = BrowserSignIn::start(target.clone()).await.unwrap();
    assert!(sign_in.authorize_url.contains("code_challenge_method=S256"));
    assert!(sign_in
        .authorize_url
        .contains("redirect_uri=http%3A%2F%2F127.0.0.1%3A"));
    let url = sign_in.authorize_url.clone();
    let (tokens, ()) = tokio::join!(sign_in.finish(Duration::from_secs(10)), browse(&url));
    let tokens = tokens.unwrap();

    let (stored, store) = collecting_store();
    let session = Arc::new(Session::delegated(target.clone(), &tokens, Some(store)).unwrap());
    assert_eq!(
        stored.lock().unwrap().len(),
        1,
        "the first refresh token is stored at once"
    );
    let client = GraphClient::new(session.clone(), RetryPolicy::default()).unwrap();
    let me: Me = client.get("/me").await.unwrap();
    assert_eq!(me.user_principal_name, ADMIN);

    // An expired access token: one 401, one refresh, the request succeeds,
    // and the rotated refresh token replaces the stored one.
    emulator.expire_tokens();
    let me: Me = client.get("/me").await.unwrap();
    assert_eq!(me.user_principal_name, ADMIN);
    let seen = stored.lock().unwrap().clone();
    assert_eq!(seen.len(), 2);
    assert_ne!(seen[0], seen[1]);

    // A restart: only the stored refresh token is left.
    let resumed = Arc::new(Session::resume(target.clone(), seen[1].clone(), None).unwrap());
    let client = GraphClient::new(resumed, RetryPolicy::default()).unwrap();
    assert_eq!(client.get::<Me>("/me").await.unwrap().user_principal_name, ADMIN);

    // Revoked: back to signed out, with a message that says so.
    emulator.revoke_refresh_tokens();
    emulator.expire_tokens();
    let error = client.get::<Me>("/me").await.unwrap_err();
    assert_eq!(error.code, ErrorCode::SignedOut);
    assert!(error.message.contains("Sign in again"));
}

#[tokio::test]
async fn a_cancelled_or_abandoned_browser_sign_in_fails_cleanly() {
    let emulator = tenant(None).await;
    let target = target(&emulator, &PUBLIC_CLIENT_ID.to_string());

    let cancelled = BrowserSignIn::start(target.clone()).await.unwrap();
    let url = format!("{}&cancel=1", cancelled.authorize_url);
    let (outcome, ()) = tokio::join!(cancelled.finish(Duration::from_secs(10)), browse(&url));
    assert_eq!(outcome.unwrap_err().code, ErrorCode::SignInCancelled);

    let abandoned = BrowserSignIn::start(target).await.unwrap();
    let error = abandoned.finish(Duration::from_millis(200)).await.unwrap_err();
    assert_eq!(error.code, ErrorCode::SignInTimedOut);
}

fn redirect_uri(sign_in: &BrowserSignIn) -> String {
    url::Url::parse(&sign_in.authorize_url)
        .unwrap()
        .query_pairs()
        .find(|(k, _)| k == "redirect_uri")
        .map(|(_, v)| v.into_owned())
        .unwrap()
}

#[tokio::test]
async fn an_idle_connection_does_not_stall_the_real_callback() {
    let emulator = tenant(Some(ADMIN)).await;
    let sign_in = BrowserSignIn::start(target(&emulator, &PUBLIC_CLIENT_ID.to_string()))
        .await
        .unwrap();
    let listener = redirect_uri(&sign_in).trim_start_matches("http://").to_owned();
    // A spare connection, opened and never used, as browsers do.
    let _idle = tokio::net::TcpStream::connect(&listener).await.unwrap();
    let url = sign_in.authorize_url.clone();
    let (tokens, ()) = tokio::join!(sign_in.finish(Duration::from_secs(5)), browse(&url));
    assert!(tokens.unwrap().refresh_token.is_some());
}

#[tokio::test]
async fn a_forged_answer_or_a_stray_request_is_refused_and_the_real_callback_still_signs_in() {
    let emulator = tenant(Some(ADMIN)).await;
    let sign_in = BrowserSignIn::start(target(&emulator, &PUBLIC_CLIENT_ID.to_string()))
        .await
        .unwrap();
    let redirect = redirect_uri(&sign_in);
    let url = sign_in.authorize_url.clone();
    let others = async {
        let stray = reqwest::get(format!("{redirect}/favicon.ico")).await.unwrap();
        assert_eq!(stray.status().as_u16(), 404);
        let forged = reqwest::get(format!("{redirect}/?code=stolen&state=wrong"))
            .await
            .unwrap();
        assert_eq!(forged.status().as_u16(), 400);
        assert!(forged.text().await.unwrap().contains("does not belong"));
        browse(&url).await;
    };
    let (tokens, ()) = tokio::join!(sign_in.finish(Duration::from_secs(10)), others);
    let tokens = tokens.unwrap();
    let session = Arc::new(
        Session::delegated(target(&emulator, &PUBLIC_CLIENT_ID.to_string()), &tokens, None).unwrap(),
    );
    let client = GraphClient::new(session, RetryPolicy::default()).unwrap();
    assert_eq!(client.get::<Me>("/me").await.unwrap().user_principal_name, ADMIN);
}

#[tokio::test]
async fn device_code_sign_in() {
    let emulator = tenant(Some(ADMIN)).await;
    let sign_in = DeviceSignIn::start(target(&emulator, &PUBLIC_CLIENT_ID.to_string()))
        .await
        .unwrap();
    assert!(sign_in.message.contains(&sign_in.user_code));
    assert!(sign_in.verification_uri.ends_with("/devicelogin"));
    let tokens = sign_in.finish().await.unwrap();
    assert!(tokens.refresh_token.is_some());

    // Declined on the page: cancelled.
    let emulator = tenant(None).await;
    let sign_in = DeviceSignIn::start(target(&emulator, &PUBLIC_CLIENT_ID.to_string()))
        .await
        .unwrap();
    reqwest::Client::new()
        .post(&sign_in.verification_uri)
        .form(&[("code", sign_in.user_code.as_str()), ("decline", "1")])
        .send()
        .await
        .unwrap();
    assert_eq!(
        sign_in.finish().await.unwrap_err().code,
        ErrorCode::SignInCancelled
    );
}

#[tokio::test]
async fn app_only_with_a_secret() {
    let emulator = tenant(None).await;
    let mut app = target(&emulator, &APP_ONLY_CLIENT_ID.to_string());
    app.tenant = emulator.tenant_id().to_string();
    let session = Arc::new(
        Session::app_only(app.clone(), APP_ONLY_SECRET.to_owned())
            .await
            .unwrap(),
    );
    let client = GraphClient::new(session, RetryPolicy::default()).unwrap();
    let users: serde_json::Value = client.get("/users?$top=1&$select=id").await.unwrap();
    assert_eq!(users["value"].as_array().unwrap().len(), 1);

    let error = Session::app_only(app, "wrong".to_owned()).await.err().unwrap();
    assert_eq!(error.code, ErrorCode::SignInFailed);
    assert!(error.message.contains("client id (and secret)"));
    assert!(error.details.unwrap().contains("AADSTS7000215"));
}
