//! `--state FILE`: a restarted local tenant carries on exactly where it
//! stopped, on the same port, accepting the tokens it issued before.
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

mod common;

use common::*;
use graph_emulator::apps::PUBLIC_CLIENT_ID;
use graph_emulator::throttle::ThrottleMode;
use graph_emulator::{catalog, generate, Config};
use serde_json::json;

#[tokio::test]
async fn a_restart_with_the_same_state_file_keeps_the_tenant_and_its_tokens() {
    let folder = std::env::temp_dir().join(format!("graph-emulator-state-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&folder).unwrap();
    let state_file = folder.join("tenant.json");
    let mut config = Config::new(fixture());
    config.throttle = ThrottleMode::Off;
    config.state_file = Some(state_file.clone());

    let local = start_with(config.clone()).await;
    let signed_in = local
        .sign_in(
            ADMIN,
            "offline_access User.Read.All LicenseAssignment.ReadWrite.All Organization.Read.All",
        )
        .await;
    let token = signed_in["access_token"].as_str().unwrap().to_owned();
    let refresh = signed_in["refresh_token"].as_str().unwrap().to_owned();
    let sku = catalog::BUSINESS_PREMIUM.sku_id;
    let removed = local.assign(&token, READER, json!([]), json!([sku])).await;
    assert_eq!(removed.status, 200, "{}", removed.body);
    let before = local.emulator.directory(|d| d.tenant().clone());
    let base_url = local.emulator.base_url().to_owned();
    let port: u16 = base_url.rsplit(':').next().unwrap().parse().unwrap();
    local.emulator.shut_down().await;

    // The same port and file; the fixture given is ignored, the file wins.
    config.port = port;
    config.tenant = generate::demo();
    let local = start_with(config).await;
    assert_eq!(local.emulator.base_url(), base_url);
    assert_eq!(local.emulator.directory(|d| d.tenant().clone()), before);
    let reader = local
        .get(&token, &format!("/users/{READER}?$select=assignedLicenses"))
        .await;
    assert_eq!(
        reader.status, 200,
        "a token from before the restart: {}",
        reader.body
    );
    assert_eq!(reader.body["assignedLicenses"], json!([]));
    assert_eq!(local.emulator.directory(|d| d.consumed_units(sku)), 3);

    let renewed = local
        .token_request(&[
            ("client_id", &PUBLIC_CLIENT_ID.to_string()),
            ("grant_type", "refresh_token"),
            ("refresh_token", &refresh),
            ("scope", "offline_access User.Read.All"),
        ])
        .await;
    assert_eq!(
        renewed.status, 200,
        "a refresh token from before: {}",
        renewed.body
    );
    let entries: Vec<String> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(entries, ["tenant.json"], "no temporary file is left behind");
    std::fs::remove_dir_all(folder).ok();
}
