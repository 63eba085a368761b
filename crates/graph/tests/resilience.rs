//! The client against a throttled, flaky local tenant: every request
//! completes, none is lost, no change is sent twice, and Graph's licensing
//! failures arrive as typed errors.
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use graph_emulator::apps::{APP_ONLY_CLIENT_ID, APP_ONLY_SECRET};
use graph_emulator::{catalog, generate, throttle::ThrottleMode, Config, Emulator};
use license_desk_core::ErrorCode;
use license_desk_graph::auth::{Session, SignInTarget};
use license_desk_graph::client::{Notice, Request};
use license_desk_graph::models::{SubscribedSku, User, USER_FIELDS};
use license_desk_graph::retry::RetryPolicy;
use license_desk_graph::{Endpoints, GraphClient};
use serde_json::json;

async fn app_client(emulator: &Emulator) -> GraphClient {
    let target = SignInTarget {
        endpoints: Endpoints::local(emulator.base_url(), None),
        tenant: emulator.tenant_id().to_string(),
        client_id: APP_ONLY_CLIENT_ID.to_string(),
    };
    let session = Arc::new(
        Session::app_only(target, APP_ONLY_SECRET.to_owned())
            .await
            .unwrap(),
    );
    let policy = RetryPolicy {
        base_delay: Duration::from_millis(20),
        max_delay: Duration::from_millis(500),
        max_elapsed: Duration::from_secs(60),
    };
    GraphClient::new(session, policy).unwrap()
}

fn unassign(user: &str, sku: uuid::Uuid) -> Request {
    Request::post(
        format!("/users/{user}/assignLicense"),
        json!({"addLicenses": [], "removeLicenses": [sku]}),
    )
}

fn holders_of(emulator: &Emulator, sku: uuid::Uuid) -> Vec<String> {
    emulator.directory(|d| {
        d.users()
            .iter()
            .filter(|u| u.assigned_licenses.iter().any(|l| l.sku_id == sku))
            .map(|u| u.id.to_string())
            .collect()
    })
}

#[tokio::test]
async fn a_throttling_storm_slows_the_client_but_loses_nothing() {
    // 40 users: 3,500 resource units per window; here a window lasts 3 s.
    let mut config = Config::new(generate::tenant("Storm", 40, 8));
    config.throttle = ThrottleMode::Scaled(0.3);
    let emulator = Emulator::start(config).await.unwrap();
    let waits = Arc::new(AtomicUsize::new(0));
    let seen = waits.clone();
    let client = Arc::new(app_client(&emulator).await);
    client.watch(Some(Arc::new(move |notice| {
        let Notice::Throttled { wait } = notice;
        assert!(wait >= Duration::from_secs(1));
        seen.fetch_add(1, Ordering::SeqCst);
    })));
    // 2,400 reads of 3 units each: twice what one window allows.
    let tasks: Vec<_> = (0..2_400)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.get::<serde_json::Value>("/subscribedSkus").await })
        })
        .collect();
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    let log = emulator.request_log();
    let answered = log.iter().filter(|e| e.status == 200).count();
    let throttled = log.iter().filter(|e| e.throttled).count();
    assert_eq!(answered, 2_400, "every request completed once");
    assert!(throttled > 0, "the storm happened");
    assert!(waits.load(Ordering::SeqCst) > 0, "the client said it was waiting");
}

#[tokio::test]
async fn server_errors_are_retried_and_dropped_writes_are_never_resent() {
    let mut config = Config::new(generate::tenant("Flaky", 60, 9));
    config.throttle = ThrottleMode::Off;
    config.faults = "5xx=0.1,drop=0.1".parse().unwrap();
    config.seed = 42;
    let emulator = Emulator::start(config).await.unwrap();
    let client = app_client(&emulator).await;

    // Reads: all complete, whatever the faults.
    let users: Vec<User> = client
        .get_all(
            Request::get(format!("/users?$select={USER_FIELDS}&$top=7")),
            |_, _| {},
        )
        .await
        .unwrap();
    assert_eq!(users.len(), 60);

    // Writes: each one ends as done, refused, or "outcome unknown" when its
    // connection dropped after sending, and none is sent twice.
    let sku = catalog::BUSINESS_PREMIUM.sku_id;
    let holders = holders_of(&emulator, sku);
    let mut unknown = 0;
    for id in &holders {
        match client.send(&unassign(id, sku)).await {
            Ok(answer) => assert_eq!(answer.status, 200, "{}", answer.body),
            Err(error) => {
                assert_eq!(error.code, ErrorCode::OutcomeUnknown, "{error:?}");
                assert!(error.details.unwrap().contains("client-request-id"));
                unknown += 1;
            }
        }
    }
    assert!(unknown > 0, "some connections dropped");
    let mut sends: HashMap<String, usize> = HashMap::new();
    for entry in emulator
        .request_log()
        .iter()
        .filter(|e| e.method == "POST" && e.status != 503 && e.status != 504)
    {
        *sends.entry(entry.path.clone()).or_default() += 1;
    }
    assert!(
        sends.values().all(|&n| n == 1),
        "a change reached the tenant at most once: {sends:?}"
    );
}

#[tokio::test]
async fn batches_retry_only_the_throttled_requests() {
    let mut config = Config::new(generate::tenant("Batch", 45, 10));
    config.throttle = ThrottleMode::Scaled(0.3);
    let emulator = Emulator::start(config).await.unwrap();
    let client = app_client(&emulator).await;
    let sku = catalog::BUSINESS_PREMIUM.sku_id;
    let holders = holders_of(&emulator, sku);
    assert!(holders.len() >= 20);

    // Spend most of the window first so that the batch gets throttled inside.
    let reads: Vec<Request> = (0..20).map(|_| Request::get("/subscribedSkus")).collect();
    for _ in 0..60 {
        client.batch(&reads).await.unwrap();
    }
    let writes: Vec<Request> = holders[..20].iter().map(|id| unassign(id, sku)).collect();
    let answers = client.batch(&writes).await.unwrap();
    assert_eq!(answers.len(), 20);
    assert!(
        answers.iter().all(|a| a.status == 200),
        "{:?}",
        answers.iter().map(|a| a.status).collect::<Vec<_>>()
    );
    let log = emulator.request_log();
    assert!(
        log.iter().any(|e| e.in_batch && e.throttled),
        "some inner requests were throttled"
    );
    let changes = log
        .iter()
        .filter(|e| e.in_batch && e.method == "POST" && e.status == 200)
        .count();
    assert_eq!(changes, 20, "each change made once");
    assert_eq!(holders_of(&emulator, sku).len(), holders.len() - 20);
}

#[tokio::test]
async fn pages_follow_next_links_and_errors_are_typed() {
    let mut config = Config::new(generate::tenant("Typed", 2_500, 12));
    config.throttle = ThrottleMode::Off;
    let emulator = Emulator::start(config).await.unwrap();
    let client = app_client(&emulator).await;
    let mut progress = Vec::new();
    let users: Vec<User> = client
        .get_all(
            Request::get(format!("/users?$select={USER_FIELDS}&$top=999")),
            |n, _| progress.push(n),
        )
        .await
        .unwrap();
    assert_eq!(users.len(), 2_500);
    assert_eq!(progress, [999, 1998, 2500]);
    assert!(users.iter().any(|u| u
        .license_assignment_states
        .iter()
        .any(|s| s.assigned_by_group.is_some())));

    let skus: serde_json::Value = client.get("/subscribedSkus").await.unwrap();
    let skus: Vec<SubscribedSku> = serde_json::from_value(skus["value"].clone()).unwrap();
    assert!(skus.iter().any(|s| s.capability_status == "Warning"));

    let unlicensed = users.iter().find(|u| u.assigned_licenses.is_empty()).unwrap();
    let error = client
        .send_ok(&unassign(
            &unlicensed.id.to_string(),
            catalog::BUSINESS_PREMIUM.sku_id,
        ))
        .await
        .unwrap_err();
    assert_eq!(error.code, ErrorCode::LicenseNotHeld);
    let inherited = users
        .iter()
        .find(|u| {
            u.license_assignment_states
                .iter()
                .any(|s| s.sku_id == catalog::ENTRA_ID_P1.sku_id)
        })
        .unwrap();
    let error = client
        .send_ok(&unassign(&inherited.id.to_string(), catalog::ENTRA_ID_P1.sku_id))
        .await
        .unwrap_err();
    assert_eq!(error.code, ErrorCode::LicenseInherited);
    let error = client
        .send_ok(&Request::get("/users/nobody@nowhere.example"))
        .await
        .unwrap_err();
    assert_eq!(error.code, ErrorCode::UserNotFound);
}
