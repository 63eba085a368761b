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
    // Real windows (10 s): spending one takes well under that even while
    // the other tests keep the machine busy.
    config.throttle = ThrottleMode::Scaled(1.0);
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

fn batch_posts(emulator: &Emulator) -> usize {
    emulator
        .request_log()
        .iter()
        .filter(|e| e.path == "/v1.0/$batch")
        .count()
}

fn changes_made(emulator: &Emulator) -> HashMap<String, usize> {
    let mut made: HashMap<String, usize> = HashMap::new();
    for entry in emulator
        .request_log()
        .iter()
        .filter(|e| e.in_batch && e.method == "POST")
    {
        *made.entry(entry.path.clone()).or_default() += 1;
    }
    made
}

async fn faulty(users: usize, faults: &str) -> Emulator {
    let mut config = Config::new(generate::tenant("Faulty", users, 21));
    config.throttle = ThrottleMode::Off;
    config.faults = faults.parse().unwrap();
    config.seed = 5;
    Emulator::start(config).await.unwrap()
}

#[tokio::test]
async fn a_batch_answered_without_responses_is_an_error_and_its_changes_are_not_resent() {
    let emulator = faulty(30, "no-responses=1").await;
    let client = app_client(&emulator).await;
    let sku = catalog::BUSINESS_PREMIUM.sku_id;
    let holders = holders_of(&emulator, sku);
    let writes: Vec<Request> = holders[..3].iter().map(|id| unassign(id, sku)).collect();

    let error = client.batch(&writes).await.unwrap_err();
    assert_eq!(error.code, ErrorCode::OutcomeUnknown, "{error:?}");
    assert_eq!(batch_posts(&emulator), 1, "the batch was sent once");
    assert!(changes_made(&emulator).values().all(|&n| n == 1));
    assert_eq!(
        holders_of(&emulator, sku).len(),
        holders.len() - 3,
        "the changes were made"
    );

    let reads: Vec<Request> = (0..3).map(|_| Request::get("/subscribedSkus")).collect();
    let error = client.batch(&reads).await.unwrap_err();
    assert_eq!(error.code, ErrorCode::GraphRequestFailed, "{error:?}");
    assert!(error.message.contains("proxy"), "{}", error.message);
    assert_eq!(batch_posts(&emulator), 2, "nor are reads resent blindly");
}

#[tokio::test]
async fn a_write_answered_503_after_it_was_made_is_reported_unknown_not_resent() {
    let emulator = faulty(30, "5xx-after=1").await;
    let client = app_client(&emulator).await;
    let sku = catalog::BUSINESS_PREMIUM.sku_id;
    let holders = holders_of(&emulator, sku);

    let error = client.send(&unassign(&holders[0], sku)).await.unwrap_err();
    assert_eq!(error.code, ErrorCode::OutcomeUnknown, "{error:?}");
    assert!(error.details.unwrap().contains("client-request-id"));
    let posts = |emulator: &Emulator| {
        emulator
            .request_log()
            .iter()
            .filter(|e| e.method == "POST" && !e.in_batch)
            .count()
    };
    assert_eq!(posts(&emulator), 1, "the single change was sent once");

    let writes: Vec<Request> = holders[1..4].iter().map(|id| unassign(id, sku)).collect();
    let error = client.batch(&writes).await.unwrap_err();
    assert_eq!(error.code, ErrorCode::OutcomeUnknown, "{error:?}");
    assert_eq!(posts(&emulator), 2, "the batch of changes was sent once");
    assert_eq!(holders_of(&emulator, sku).len(), holders.len() - 4);
}

#[tokio::test]
async fn inner_writes_answered_503_are_unknown_and_inner_reads_are_retried() {
    let emulator = faulty(40, "inner-5xx=0.5").await;
    let client = app_client(&emulator).await;
    let sku = catalog::BUSINESS_PREMIUM.sku_id;
    let holders = holders_of(&emulator, sku);
    let writes: Vec<Request> = holders[..20].iter().map(|id| unassign(id, sku)).collect();

    let outcomes = client.batch_each(&writes).await;
    let unknown = outcomes
        .iter()
        .filter(|o| matches!(o, Err(e) if e.code == ErrorCode::OutcomeUnknown))
        .count();
    let done = outcomes
        .iter()
        .filter(|o| matches!(o, Ok(a) if a.status == 200))
        .count();
    assert!(unknown > 0 && done > 0, "{outcomes:?}");
    assert_eq!(unknown + done, 20, "{outcomes:?}");
    assert_eq!(batch_posts(&emulator), 1, "no change was resent");
    assert!(changes_made(&emulator).values().all(|&n| n == 1));
    assert_eq!(
        holders_of(&emulator, sku).len(),
        holders.len() - 20,
        "each change was made, answered or not"
    );

    // The engine sees the whole batch as sent without an outcome.
    let more: Vec<Request> = holders[20..]
        .iter()
        .take(20)
        .map(|id| unassign(id, sku))
        .collect();
    let error = client.batch(&more).await.unwrap_err();
    assert_eq!(error.code, ErrorCode::OutcomeUnknown);

    let reads: Vec<Request> = (0..20).map(|_| Request::get("/organization")).collect();
    let answers = client.batch(&reads).await.unwrap();
    assert!(answers.iter().all(|a| a.status == 200));
}

#[tokio::test]
async fn retries_stop_at_the_attempt_cap_well_before_the_time_limit() {
    let emulator = faulty(10, "inner-5xx=1").await;
    let client = app_client(&emulator).await;
    let started = std::time::Instant::now();
    let error = client.batch(&[Request::get("/organization")]).await.unwrap_err();
    assert_eq!(error.code, ErrorCode::ServiceUnavailable, "{error:?}");
    assert_eq!(
        batch_posts(&emulator) as u32,
        license_desk_graph::retry::MAX_ATTEMPTS
    );
    assert!(started.elapsed() < Duration::from_secs(30));
}

#[tokio::test]
async fn a_token_refused_again_after_a_renewal_is_renewed_once_more() {
    let mut config = Config::new(generate::tenant("Keys", 10, 3));
    config.throttle = ThrottleMode::Off;
    config.latency = Duration::from_millis(400);
    let emulator = Emulator::start(config).await.unwrap();
    let client = Arc::new(app_client(&emulator).await);
    let first = client.session().access_token().await.unwrap();

    // A request leaves with the first token; while it is on its way, that
    // token is refused, another request renews it, and the renewed one is
    // refused too (as when the signing key changes twice).
    let in_flight = tokio::spawn({
        let client = client.clone();
        async move { client.get::<serde_json::Value>("/organization").await }
    });
    tokio::time::sleep(Duration::from_millis(100)).await;
    emulator.expire_tokens();
    let second = client.session().renew_after_rejection(&first).await.unwrap();
    assert_ne!(first, second);
    emulator.expire_tokens();

    let organization = in_flight.await.unwrap().unwrap();
    assert_eq!(organization["value"].as_array().unwrap().len(), 1);
    let refused = emulator.request_log().iter().filter(|e| e.status == 401).count();
    assert_eq!(refused, 2, "refused with each stale token, then renewed");
}

/// Passes every connection on to `target`: the same tenant, at another origin.
async fn relay(target: std::net::SocketAddr) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut inbound, _)) = listener.accept().await {
            tokio::spawn(async move {
                if let Ok(mut outbound) = tokio::net::TcpStream::connect(target).await {
                    let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                }
            });
        }
    });
    format!("http://{address}")
}

#[tokio::test]
async fn a_next_link_to_another_origin_is_not_followed() {
    let mut config = Config::new(generate::tenant("Links", 30, 4));
    config.throttle = ThrottleMode::Off;
    let emulator = Emulator::start(config).await.unwrap();
    let tenant_address = emulator.base_url().trim_start_matches("http://").parse().unwrap();
    let relayed = relay(tenant_address).await;
    let target = SignInTarget {
        endpoints: Endpoints::local(&relayed, None),
        tenant: emulator.tenant_id().to_string(),
        client_id: APP_ONLY_CLIENT_ID.to_string(),
    };
    let session = Session::app_only(target, APP_ONLY_SECRET.to_owned())
        .await
        .unwrap();
    let client = GraphClient::new(Arc::new(session), RetryPolicy::default()).unwrap();

    // The tenant names its own address in next links, not the relay's.
    let error = client
        .get_all::<User>(
            Request::get(format!("/users?$select={USER_FIELDS}&$top=10")),
            |_, _| {},
        )
        .await
        .unwrap_err();
    assert_eq!(error.code, ErrorCode::GraphRequestFailed);
    assert!(error.message.contains("another server"), "{}", error.message);
    assert!(error.details.unwrap().contains(emulator.base_url()));
    let pages = emulator
        .request_log()
        .iter()
        .filter(|e| e.path == "/v1.0/users")
        .count();
    assert_eq!(pages, 1, "the second page was never asked for");
}
