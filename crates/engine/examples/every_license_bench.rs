//! Every license of N users who hold several: how many writes, and how
//! long, against the write quota's floor for one write a person and for
//! one write a license.
//!
//! `cargo run --release -p license-desk-engine --example every_license_bench -- 10000 [--real-quota]`
//!
//! By default the quota's windows are scaled to a hundredth (3,000 writes
//! per 1.5 s instead of per 150 s) so that 10,000 people fit in a run; the
//! floors are scaled alike. 80 ms of latency on every answer.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

use graph_emulator::apps::{APP_ONLY_CLIENT_ID, APP_ONLY_SECRET};
use graph_emulator::model::{AssignedLicense, PrepaidUnits};
use graph_emulator::throttle::ThrottleMode;
use graph_emulator::{catalog, generate, Config, Emulator};
use license_desk_engine::journal::Outcome;
use license_desk_engine::plan::{Plan, Selection};
use license_desk_engine::run::{self, Cancel, RunOptions};
use license_desk_graph::auth::{Session, SignInTarget};
use license_desk_graph::retry::RetryPolicy;
use license_desk_graph::{tenant, Endpoints, GraphClient};

const PRODUCTS: [&catalog::CatalogProduct; 3] = [
    &catalog::EXCHANGE_PLAN_1,
    &catalog::POWER_BI_PRO,
    &catalog::BUSINESS_PREMIUM,
];
const WRITES_PER_WINDOW: usize = 3_000;
const WINDOW_SECONDS: f64 = 150.0;

/// The fastest `writes` changes can go under the quota, in seconds.
fn floor(writes: usize, scale: f64) -> f64 {
    (writes.saturating_sub(1) / WRITES_PER_WINDOW) as f64 * WINDOW_SECONDS * scale
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut users = 10_000;
    let mut scale = 0.01;
    for arg in std::env::args().skip(1) {
        if arg == "--real-quota" {
            scale = 1.0;
        } else {
            users = arg.parse()?;
        }
    }
    // Everyone holds the first two products directly, every other person the third too: 2.5 a person.
    let mut fixture = generate::tenant("Every license", users, 40);
    for (index, user) in fixture.users.iter_mut().enumerate() {
        user.assigned_licenses.clear();
        user.member_of.clear();
        let held = if index % 2 == 0 { 3 } else { 2 };
        for product in &PRODUCTS[..held] {
            user.assigned_licenses.push(AssignedLicense {
                sku_id: product.sku_id,
                disabled_plans: Vec::new(),
            });
        }
    }
    for product in &mut fixture.products {
        product.prepaid_units = PrepaidUnits {
            enabled: users as u32 * 2,
            ..PrepaidUnits::default()
        };
    }
    let mut config = Config::new(fixture);
    config.latency = Duration::from_millis(80);
    config.throttle = ThrottleMode::Scaled(scale);
    let emulator = Emulator::start(config).await?;
    let target = SignInTarget {
        endpoints: Endpoints::local(emulator.base_url(), None),
        tenant: emulator.tenant_id().to_string(),
        client_id: APP_ONLY_CLIENT_ID.to_string(),
    };
    let session = Session::app_only(target, APP_ONLY_SECRET.to_owned()).await?;
    let client = Arc::new(GraphClient::new(Arc::new(session), RetryPolicy::default())?);
    let picture = tenant::load(&client, |_| {}).await?;
    let everyone: Vec<String> = picture.users.iter().map(|u| u.id.to_string()).collect();
    let plan = Plan::new(&picture, &Selection::EverythingOf { users: everyone });
    let licenses = plan.items.iter().filter(|i| i.verdict.will_send()).count();
    let people = plan
        .items
        .iter()
        .filter(|i| i.verdict.will_send())
        .filter_map(|i| i.user_id)
        .collect::<BTreeSet<_>>()
        .len();

    let journals = std::env::temp_dir().join(format!("license-desk-bench-{}", uuid::Uuid::new_v4()));
    let started = Instant::now();
    let report = run::unassign(
        client,
        &plan,
        &RunOptions::new(&journals, picture.organization.id),
        |_| {},
        Cancel::default(),
    )
    .await?;
    let took = started.elapsed().as_secs_f64();
    let log = emulator.request_log();
    let writes = log
        .iter()
        .filter(|e| e.method == "POST" && e.status == 200 && e.path.ends_with("/assignLicense"))
        .count();
    let throttled = log.iter().filter(|e| e.throttled).count();
    let done = report.count(|o| *o == Outcome::Done);
    assert_eq!(done, licenses, "every license removed");
    let per_person = floor(people, scale);
    println!("| people | licenses | writes | time | floor, one write a person | share of it | floor, one write a license | 429s |");
    println!("|---|---|---|---|---|---|---|---|");
    println!(
        "| {people} | {licenses} | {writes} | {took:.1} s | {per_person:.1} s | {} | {:.1} s | {throttled} |",
        if per_person > 0.0 {
            format!("{:.0} %", 100.0 * per_person / took)
        } else {
            "n/a".to_owned()
        },
        floor(licenses, scale)
    );
    std::fs::remove_dir_all(journals).ok();
    Ok(())
}
