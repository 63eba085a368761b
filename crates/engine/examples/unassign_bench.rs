//! How fast one product comes off N users, against the local tenant with
//! 80 ms of latency and Microsoft's documented throttling, beside the naive
//! way (one request per user, one after another) on an identical tenant.
//!
//! `cargo run --release -p license-desk-engine --example unassign_bench -- 300 3000 10000`
//!
//! The write quota is a sliding window: 3,000 writes per 150 s per app and
//! tenant. So 10,000 changes cannot be made in under 450 s (three windows
//! after the first burst), whatever the client does.
//! (`--naive-up-to N` skips the naive run above N users; it takes about 85 ms a user.)

use std::sync::Arc;
use std::time::{Duration, Instant};

use graph_emulator::apps::{APP_ONLY_CLIENT_ID, APP_ONLY_SECRET};
use graph_emulator::model::{AssignedLicense, PrepaidUnits};
use graph_emulator::{catalog, generate, Config, Emulator};
use license_desk_engine::journal::Outcome;
use license_desk_engine::plan::{Plan, Selection};
use license_desk_engine::run::{self, Cancel, RunOptions};
use license_desk_graph::auth::{Session, SignInTarget};
use license_desk_graph::client::Request;
use license_desk_graph::retry::RetryPolicy;
use license_desk_graph::{tenant, Endpoints, GraphClient};
use serde_json::json;

const PRODUCT: &catalog::CatalogProduct = &catalog::EXCHANGE_PLAN_1;
/// Writes per sliding window of 150 seconds, per app and tenant.
const WRITES_PER_WINDOW: usize = 3_000;
const WINDOW_SECONDS: f64 = 150.0;

/// A tenant of `users` users, every one of them holding the product directly.
async fn tenant(users: usize) -> Result<(Emulator, Arc<GraphClient>), Box<dyn std::error::Error>> {
    let mut fixture = generate::tenant("Bench", users, 40);
    for user in &mut fixture.users {
        if !user.assigned_licenses.iter().any(|l| l.sku_id == PRODUCT.sku_id) {
            user.assigned_licenses.push(AssignedLicense {
                sku_id: PRODUCT.sku_id,
                disabled_plans: Vec::new(),
            });
        }
    }
    for product in &mut fixture.products {
        if product.sku_id == PRODUCT.sku_id {
            product.prepaid_units = PrepaidUnits {
                enabled: users as u32,
                ..PrepaidUnits::default()
            };
        }
    }
    let mut config = Config::new(fixture);
    config.latency = Duration::from_millis(80);
    let emulator = Emulator::start(config).await?;
    let target = SignInTarget {
        endpoints: Endpoints::local(emulator.base_url(), None),
        tenant: emulator.tenant_id().to_string(),
        client_id: APP_ONLY_CLIENT_ID.to_string(),
    };
    let session = Session::app_only(target, APP_ONLY_SECRET.to_owned()).await?;
    let client = Arc::new(GraphClient::new(Arc::new(session), RetryPolicy::default())?);
    Ok((emulator, client))
}

/// The fastest the write quota allows for `writes` changes, in seconds:
/// 3,000 at once, and each further 3,000 only when the window has slid on.
fn ceiling_seconds(writes: usize) -> f64 {
    (writes.saturating_sub(1) / WRITES_PER_WINDOW) as f64 * WINDOW_SECONDS
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut naive_up_to = usize::MAX;
    let mut sizes = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--naive-up-to" {
            naive_up_to = args.next().ok_or("--naive-up-to needs a number")?.parse()?;
        } else {
            sizes.push(arg.parse::<usize>()?);
        }
    }
    if sizes.is_empty() {
        sizes = vec![300, 3_000, 10_000];
    }
    println!("| users | License Desk | naive | ratio | write-quota floor | share of ceiling | 429s | changes made |");
    println!("|---|---|---|---|---|---|---|---|");
    for users in sizes {
        let (server, client) = tenant(users).await?;
        let snapshot = tenant::load(&client, |_| {}).await?;
        let plan = Plan::new(
            &snapshot,
            &Selection::AllHolders {
                sku_id: PRODUCT.sku_id,
            },
        );
        let journals = std::env::temp_dir().join(format!("license-desk-bench-{}", uuid::Uuid::new_v4()));
        let started = Instant::now();
        let report = run::unassign(
            client.clone(),
            &plan,
            &RunOptions::new(&journals, snapshot.organization.id),
            |_| {},
            Cancel::default(),
        )
        .await?;
        let engine = started.elapsed();
        let made = report.count(|o| *o == Outcome::Done);
        let log = server.request_log();
        let throttled = log.iter().filter(|e| e.throttled).count();
        let writes = log
            .iter()
            .filter(|e| e.method == "POST" && e.status == 200 && e.path.ends_with("/assignLicense"))
            .count();
        let left = server.directory(|d| d.consumed_units(PRODUCT.sku_id));
        assert_eq!(
            (made, writes, left),
            (users, users, 0),
            "every change made exactly once"
        );
        std::fs::remove_dir_all(&journals).ok();

        let naive = if users <= naive_up_to {
            let (server, client) = tenant(users).await?;
            let ids: Vec<String> = server.directory(|d| d.users().iter().map(|u| u.id.to_string()).collect());
            let started = Instant::now();
            for id in ids {
                client
                    .send_ok(&Request::post(
                        format!("/users/{id}/assignLicense"),
                        json!({"addLicenses": [], "removeLicenses": [PRODUCT.sku_id]}),
                    ))
                    .await?;
            }
            Some(started.elapsed())
        } else {
            None
        };
        let floor = ceiling_seconds(users);
        let share = if floor > 0.0 {
            format!("{:.0} %", 100.0 * floor / engine.as_secs_f64())
        } else {
            "n/a (within the burst)".to_owned()
        };
        println!(
            "| {users} | {:.2} s | {} | {} | {floor:.0} s | {share} | {throttled} | {made} |",
            engine.as_secs_f64(),
            naive.map_or("not run".to_owned(), |n| format!("{:.1} s", n.as_secs_f64())),
            naive.map_or("-".to_owned(), |n| format!(
                "{:.0}x",
                n.as_secs_f64() / engine.as_secs_f64()
            )),
        );
    }
    Ok(())
}
