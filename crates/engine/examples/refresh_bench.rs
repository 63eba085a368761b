//! What the app reads again after a run: only the people it touched, beside
//! reading the whole tenant, on a tenant of 50,000 users with 80 ms of
//! latency and Microsoft's documented throttling. Median of 3.
//!
//! `cargo run --release -p license-desk-engine --example refresh_bench -- 50000 300`

use std::sync::Arc;
use std::time::{Duration, Instant};

use graph_emulator::apps::{APP_ONLY_CLIENT_ID, APP_ONLY_SECRET};
use graph_emulator::{catalog, generate, Config, Emulator};
use license_desk_engine::journal::Outcome;
use license_desk_engine::plan::{Plan, Selection};
use license_desk_engine::run::{self, Cancel, RunOptions};
use license_desk_graph::auth::{Session, SignInTarget};
use license_desk_graph::retry::RetryPolicy;
use license_desk_graph::{tenant, Endpoints, GraphClient};

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1).map(|a| a.parse::<usize>());
    let users = args.next().transpose()?.unwrap_or(50_000);
    let people = args.next().transpose()?.unwrap_or(300);

    let mut config = Config::new(generate::tenant("Refresh", users, 42));
    config.latency = Duration::from_millis(80);
    let emulator = Emulator::start(config).await?;
    let target = SignInTarget {
        endpoints: Endpoints::local(emulator.base_url(), None),
        tenant: emulator.tenant_id().to_string(),
        client_id: APP_ONLY_CLIENT_ID.to_string(),
    };
    let session = Session::app_only(target, APP_ONLY_SECRET.to_owned()).await?;
    let client = Arc::new(GraphClient::new(Arc::new(session), RetryPolicy::default())?);
    let mut picture = tenant::load(&client, |_| {}).await?;

    let (mut targeted, mut whole) = (Vec::new(), Vec::new());
    for round in 0..3 {
        // `people` direct holders of Business Premium lose it.
        let holders: Vec<String> = picture
            .users
            .iter()
            .filter(|u| {
                u.license_assignment_states
                    .iter()
                    .any(|s| s.sku_id == catalog::BUSINESS_PREMIUM.sku_id && s.assigned_by_group.is_none())
            })
            .take(people)
            .map(|u| u.id.to_string())
            .collect();
        assert_eq!(holders.len(), people, "round {round}: enough holders left");
        let plan = Plan::new(
            &picture,
            &Selection::Users {
                users: holders,
                sku_ids: vec![catalog::BUSINESS_PREMIUM.sku_id],
            },
        );
        let journals = std::env::temp_dir().join(format!("license-desk-refresh-{}", uuid::Uuid::new_v4()));
        let report = run::unassign(
            client.clone(),
            &plan,
            &RunOptions::new(&journals, picture.organization.id),
            |_| {},
            Cancel::default(),
        )
        .await?;
        assert_eq!(report.count(|o| *o == Outcome::Done), people);
        std::fs::remove_dir_all(&journals).ok();
        let touched: Vec<uuid::Uuid> = report.items.iter().filter_map(|i| i.user_id).collect();

        let started = Instant::now();
        tenant::refresh_users(&client, &mut picture, &touched).await?;
        targeted.push(started.elapsed());
        let started = Instant::now();
        let fresh = tenant::load(&client, |_| {}).await?;
        whole.push(started.elapsed());
        assert_eq!(
            fresh.overview(None).products,
            picture.overview(None).products,
            "the targeted refresh sees what a whole read sees"
        );
        picture = fresh;
    }
    let (targeted, whole) = (median(targeted), median(whole));
    println!("| users | run of | read back the people it touched | read the whole tenant | ratio |");
    println!("|---|---|---|---|---|");
    println!(
        "| {users} | {people} | {:.2} s | {:.2} s | {:.0}x |",
        targeted.as_secs_f64(),
        whole.as_secs_f64(),
        whole.as_secs_f64() / targeted.as_secs_f64()
    );
    Ok(())
}
