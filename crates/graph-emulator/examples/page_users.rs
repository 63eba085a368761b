//! Measures how fast a client can page through every user of a large local
//! tenant (no latency injected), as License Desk does when it loads a tenant:
//! `cargo run --release -p graph-emulator --example page_users -- 50000`

use std::time::{Duration, Instant};

use graph_emulator::apps::{APP_ONLY_CLIENT_ID, APP_ONLY_SECRET};
use graph_emulator::{generate, throttle::ThrottleMode, Config, Emulator};
use serde_json::Value;

const RUNS: usize = 5;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let users: usize = std::env::args()
        .nth(1)
        .map(|n| n.parse())
        .transpose()?
        .unwrap_or(50_000);
    let built = Instant::now();
    let mut config = Config::new(generate::tenant("Large", users, 5));
    config.throttle = ThrottleMode::Off;
    let emulator = Emulator::start(config).await?;
    println!("tenant of {users} users ready in {:.2?}", built.elapsed());

    let http = reqwest::Client::new();
    let token: Value = http
        .post(format!(
            "{}/{}/oauth2/v2.0/token",
            emulator.base_url(),
            emulator.tenant_id()
        ))
        .form(&[
            ("client_id", APP_ONLY_CLIENT_ID.to_string().as_str()),
            ("client_secret", APP_ONLY_SECRET),
            ("grant_type", "client_credentials"),
            ("scope", "https://graph.microsoft.com/.default"),
        ])
        .send()
        .await?
        .json()
        .await?;
    let token = token["access_token"].as_str().ok_or("no token")?.to_owned();

    let mut times: Vec<Duration> = Vec::new();
    for _ in 0..RUNS {
        let started = Instant::now();
        let mut next = Some(format!(
            "{}/v1.0/users?$select=id,displayName,userPrincipalName,accountEnabled,usageLocation,assignedLicenses,licenseAssignmentStates&$top=999",
            emulator.base_url()
        ));
        let (mut seen, mut pages) = (0, 0);
        while let Some(url) = next {
            let page: Value = http.get(&url).bearer_auth(&token).send().await?.json().await?;
            seen += page["value"].as_array().map_or(0, Vec::len);
            pages += 1;
            next = page["@odata.nextLink"].as_str().map(str::to_owned);
        }
        assert_eq!(seen, users, "every user once");
        times.push(started.elapsed());
        println!("paged {seen} users in {pages} pages: {:.2?}", started.elapsed());
    }
    times.sort();
    println!("median of {RUNS}: {:.2?}", times[RUNS / 2]);
    Ok(())
}
