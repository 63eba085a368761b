//! Measures how long reading a whole tenant takes over a slow link:
//! `cargo run --release -p license-desk-graph --example load_tenant -- 5000 50000`
//! (users per tenant; 80 ms of latency on every Graph answer, realistic throttling).

use std::sync::Arc;
use std::time::{Duration, Instant};

use graph_emulator::apps::{APP_ONLY_CLIENT_ID, APP_ONLY_SECRET};
use graph_emulator::{generate, Config, Emulator};
use license_desk_graph::auth::{Session, SignInTarget};
use license_desk_graph::retry::RetryPolicy;
use license_desk_graph::tenant::load;
use license_desk_graph::{Endpoints, GraphClient};

const RUNS: usize = 3;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .map(|n| n.parse())
        .collect::<Result<_, _>>()?;
    for users in if sizes.is_empty() {
        vec![5_000, 50_000]
    } else {
        sizes
    } {
        let mut config = Config::new(generate::tenant("Timed", users, 21));
        config.latency = Duration::from_millis(80);
        let emulator = Emulator::start(config).await?;
        let target = SignInTarget {
            endpoints: Endpoints::local(emulator.base_url(), None),
            tenant: emulator.tenant_id().to_string(),
            client_id: APP_ONLY_CLIENT_ID.to_string(),
        };
        let session = Session::app_only(target, APP_ONLY_SECRET.to_owned()).await?;
        let client = GraphClient::new(Arc::new(session), RetryPolicy::default())?;
        let mut times = Vec::new();
        for _ in 0..RUNS {
            let started = Instant::now();
            let snapshot = load(&client, |_| {}).await?;
            assert_eq!(snapshot.users.len(), users);
            times.push(started.elapsed());
        }
        times.sort();
        let log = emulator.request_log();
        let pages = log
            .iter()
            .filter(|e| e.method == "GET" && e.path.ends_with("/users"))
            .count()
            / RUNS;
        let throttled = log.iter().filter(|e| e.throttled).count();
        // Paging one page after another cannot beat one latency a page.
        let floor = users.div_ceil(999) as f64 * 0.08;
        println!(
            "{users} users, 80 ms latency: median of {RUNS} loads {:.2?} (all: {times:.2?}); sequential floor {floor:.2} s; {pages} user requests a load; {throttled} throttled",
            times[RUNS / 2]
        );
    }
    Ok(())
}
