//! The log support reads holds no secret: every way of signing in (the
//! browser with PKCE, a device code, an app's secret), token renewals, a
//! refresh token the keychain refused and a run against a throttled,
//! faulty local tenant are logged at the most detailed level, then the log
//! is searched for every token, code and secret handed out, for anything
//! shaped like a JWT and for any long opaque value.
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use std::sync::{Arc, Mutex};
use std::time::Duration;

use graph_emulator::apps::{APP_ONLY_CLIENT_ID, APP_ONLY_SECRET, PUBLIC_CLIENT_ID};
use graph_emulator::{catalog, generate, throttle::ThrottleMode, Config, Emulator};
use license_desk_core::{Error, ErrorCode};
use license_desk_engine::plan::{Plan, Selection};
use license_desk_engine::run::{self, Cancel, RunOptions};
use license_desk_graph::auth::{BrowserSignIn, DeviceSignIn, RefreshTokenStore, Session, SignInTarget};
use license_desk_graph::retry::RetryPolicy;
use license_desk_graph::{tenant, Endpoints, GraphClient};
use license_desk_lib::logging;

const ADMIN: &str = "admin@northwindtraders.example";

fn target(emulator: &Emulator, client_id: &str, tenant: &str) -> SignInTarget {
    SignInTarget {
        endpoints: Endpoints::local(emulator.base_url(), None),
        tenant: tenant.to_owned(),
        client_id: client_id.to_owned(),
    }
}

/// What the system browser does: follows the sign-in to the loopback
/// redirect, and tells the code and state it carried (to look for them).
async fn browse(url: &str) -> Vec<String> {
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let response = http.get(url).send().await.unwrap();
    assert_eq!(response.status().as_u16(), 302);
    let back = response.headers()["location"].to_str().unwrap().to_owned();
    let carried = query_values(&back, &["code", "state"]);
    assert_eq!(carried.len(), 2, "{back}");
    http.get(&back).send().await.unwrap();
    carried
}

/// The values of `names` in `url`'s query.
fn query_values(url: &str, names: &[&str]) -> Vec<String> {
    url::Url::parse(url)
        .unwrap()
        .query_pairs()
        .filter(|(name, _)| names.contains(&name.as_ref()))
        .map(|(_, value)| value.into_owned())
        .collect()
}

/// A store that keeps every refresh token it is handed, or refuses them.
fn store(seen: &Arc<Mutex<Vec<String>>>, refuse: bool) -> RefreshTokenStore {
    let seen = seen.clone();
    Arc::new(move |token: &str| {
        seen.lock().unwrap().push(token.to_owned());
        if refuse {
            Err(Error::new(
                ErrorCode::KeychainUnavailable,
                "The keychain is locked.",
            ))
        } else {
            Ok(())
        }
    })
}

/// Runs of at least 40 characters that could be a token: letters of both
/// cases and digits together (a UUID or a word never is).
fn opaque_values(log: &str) -> Vec<&str> {
    log.split(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '~')))
        .filter(|word| {
            word.len() >= 40
                && word.chars().any(|c| c.is_ascii_uppercase())
                && word.chars().any(|c| c.is_ascii_lowercase())
                && word.chars().any(|c| c.is_ascii_digit())
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_log_holds_no_token_code_or_secret() {
    let folder = std::env::temp_dir().join(format!("ld-log-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&folder);
    std::env::set_var(logging::FILTER_VARIABLE, "trace");
    logging::start(&folder, logging::APP).unwrap();

    let mut config = Config::new(generate::demo());
    config.approve = Some(ADMIN.to_owned());
    config.throttle = ThrottleMode::Scaled(0.01);
    config.faults = "5xx=0.2,drop=0.05,inner-5xx=0.1".parse().unwrap();
    let emulator = Arc::new(Emulator::start(config).await.unwrap());
    let public = PUBLIC_CLIENT_ID.to_string();
    let mut secrets: Vec<String> = vec![APP_ONLY_SECRET.to_owned()];
    let refresh_tokens = Arc::new(Mutex::new(Vec::new()));

    // The browser: the code and state come back on the redirect.
    let browser = BrowserSignIn::start(target(&emulator, &public, "organizations"))
        .await
        .unwrap();
    let url = browser.authorize_url.clone();
    let sent = query_values(&url, &["state", "code_challenge"]);
    assert_eq!(sent.len(), 2);
    secrets.extend(sent);
    let (tokens, carried) = tokio::join!(browser.finish(Duration::from_secs(10)), browse(&url));
    let tokens = tokens.unwrap();
    secrets.extend(carried);
    secrets.push(tokens.access_token.clone());
    secrets.extend(tokens.id_token.clone());
    let session = Arc::new(
        Session::delegated(
            target(&emulator, &public, "organizations"),
            &tokens,
            Some(store(&refresh_tokens, false)),
        )
        .unwrap(),
    );
    let policy = RetryPolicy {
        base_delay: Duration::from_millis(20),
        max_delay: Duration::from_millis(300),
        max_elapsed: Duration::from_secs(120),
    };
    let client = Arc::new(GraphClient::new(session.clone(), policy).unwrap());

    // A device code, whose sign-in the keychain then refuses to keep.
    let device = DeviceSignIn::start(target(&emulator, &public, "organizations"))
        .await
        .unwrap();
    secrets.push(device.user_code.clone());
    let device_tokens = device.finish().await.unwrap();
    secrets.push(device_tokens.access_token.clone());
    let refused = Arc::new(
        Session::delegated(
            target(&emulator, &public, "organizations"),
            &device_tokens,
            Some(store(&refresh_tokens, true)),
        )
        .unwrap(),
    );

    // An app's secret.
    let app_only = Session::app_only(
        target(
            &emulator,
            &APP_ONLY_CLIENT_ID.to_string(),
            &emulator.tenant_id().to_string(),
        ),
        APP_ONLY_SECRET.to_owned(),
    )
    .await
    .unwrap();
    secrets.push(app_only.access_token().await.unwrap());

    // A run, with tokens expiring under it: renewals and rotations.
    let picture = tenant::load(&client, |_| {}).await.unwrap();
    let plan = Plan::new(
        &picture,
        &Selection::AllHolders {
            sku_id: catalog::BUSINESS_PREMIUM.sku_id,
        },
    );
    assert!(plan.items.iter().filter(|item| item.verdict.will_send()).count() > 20);
    let journals = folder.join("runs");
    let options = RunOptions::new(&journals, picture.organization.id);
    let expiring = {
        let emulator = emulator.clone();
        tokio::spawn(async move {
            for _ in 0..3 {
                emulator.expire_tokens();
                tokio::time::sleep(Duration::from_millis(300)).await;
            }
        })
    };
    emulator.expire_tokens();
    let report = run::unassign(client.clone(), &plan, &options, |_| {}, Cancel::default())
        .await
        .unwrap();
    expiring.await.unwrap();
    assert!(report.count(|o| *o == license_desk_engine::journal::Outcome::Done) > 20);
    emulator.expire_tokens();
    let refused_client = GraphClient::new(refused.clone(), RetryPolicy::default()).unwrap();
    refused_client.get::<serde_json::Value>("/me").await.unwrap();
    secrets.push(session.access_token().await.unwrap());
    secrets.push(refused.access_token().await.unwrap());
    secrets.extend(refresh_tokens.lock().unwrap().iter().cloned());
    let handed = refresh_tokens.lock().unwrap().len();
    assert!(handed >= 4, "two sign-ins and their rotations: {handed}");

    let mut log = String::new();
    for entry in std::fs::read_dir(&folder).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            log.push_str(&std::fs::read_to_string(&path).unwrap());
        }
    }
    // What support needs is there…
    for expected in [
        "License Desk started",
        "browser sign-in started",
        "device code sign-in started",
        "tokens received",
        "renewing the access token",
        "the new refresh token could not be kept",
        "run started",
        "run ended",
        "client_request_id=",
    ] {
        assert!(log.contains(expected), "the log lacks {expected:?}:\n{log}");
    }
    let answered = emulator.request_log();
    if answered.iter().any(|entry| entry.throttled) {
        assert!(log.contains("throttled"), "a throttle wait is logged:\n{log}");
    }
    if answered.iter().any(|entry| matches!(entry.status, 503 | 504)) {
        assert!(
            log.contains("server error: trying again") || log.contains("its outcome is unknown"),
            "a server error is logged:\n{log}"
        );
    }
    // …and no secret is.
    for secret in secrets.iter().filter(|s| !s.is_empty()) {
        assert!(!log.contains(secret.as_str()), "a secret is in the log: {secret}");
    }
    assert!(!log.contains("eyJ"), "something shaped like a JWT is in the log");
    assert_eq!(
        opaque_values(&log),
        Vec::<&str>::new(),
        "opaque values in the log"
    );
    let _ = std::fs::remove_dir_all(&folder);
}
