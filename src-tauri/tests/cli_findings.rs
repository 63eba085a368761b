//! `license-desk findings` as a scheduled report would run it: against a
//! local tenant (the demo's people and their sign-ins) and from a file,
//! one row per (finding, person, product), priced from the app's settings.
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use std::path::Path;
use std::process::{Command, Output, Stdio};

use graph_emulator::apps::{APP_ONLY_CLIENT_ID, APP_ONLY_SECRET};
use graph_emulator::{generate, Config, Emulator};

/// A data folder whose settings price Business Premium at 220 SEK a month (in hundredths).
fn data_folder(name: &str) -> std::path::PathBuf {
    let home = std::env::temp_dir().join(format!("license-desk-findings-{name}-{}", std::process::id()));
    let app = home.join("com.licensedesk.desktop");
    std::fs::create_dir_all(&app).unwrap();
    std::fs::write(
        app.join("settings.json"),
        r#"{"settings":{"language":"en","cloud":"worldwide","tenant":"organizations","clientId":null,"currency":"SEK","seatPrices":{"SPB":22000}}}"#,
    )
    .unwrap();
    home
}

fn findings(data: &Path, args: &[impl AsRef<std::ffi::OsStr>]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_license-desk"))
        .arg("findings")
        .args(args)
        .env("XDG_DATA_HOME", data)
        .env("LICENSE_DESK_CLIENT_SECRET", APP_ONLY_SECRET)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

/// An app registration for scheduled reports, with the optional permissions.
const REPORTS_CLIENT_ID: uuid::Uuid = uuid::uuid!("5d0c3a9e-8f21-4b6d-a7e3-2c9b1f4e6a70");

fn signed_in(emulator: &Emulator, client_id: uuid::Uuid) -> Vec<String> {
    [
        "--local-tenant",
        emulator.base_url(),
        "--tenant",
        &emulator.tenant_id().to_string(),
        "--client-id",
        &client_id.to_string(),
    ]
    .map(str::to_owned)
    .to_vec()
}

#[tokio::test(flavor = "multi_thread")]
async fn findings_name_the_inactive_with_their_cost_as_json_and_csv() {
    // A scheduled report signs in app-only: its registration was granted
    // the optional permissions for sign-ins and usage.
    let mut demo = generate::demo();
    let mut reporter = graph_emulator::apps::built_in()
        .into_iter()
        .find(|a| a.app_id == APP_ONLY_CLIENT_ID)
        .unwrap();
    reporter.app_id = REPORTS_CLIENT_ID;
    reporter
        .application_permissions
        .extend(["AuditLog.Read.All", "Reports.Read.All", "ReportSettings.Read.All"].map(str::to_owned));
    demo.apps.push(reporter);
    let emulator = Emulator::start(Config::new(demo)).await.unwrap();
    let data = data_folder("live");
    let mut args = signed_in(&emulator, REPORTS_CLIENT_ID);
    args.push("--json".into());
    let json = findings(&data, &args);
    let stderr = String::from_utf8_lossy(&json.stderr);
    assert!(json.status.success(), "{stderr}");
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&json.stdout).unwrap();
    let kinds: std::collections::BTreeSet<&str> = rows.iter().map(|r| r["kind"].as_str().unwrap()).collect();
    assert!(
        ["inactive_sign_in", "disabled_holding", "overlap", "idle_seats"]
            .iter()
            .all(|k| kinds.contains(k)),
        "{kinds:?}\n{stderr}"
    );
    // The account made 120 days ago and never used is inactive at 90 days,
    // and its Business Premium seat is priced from the settings.
    let never = rows
        .iter()
        .find(|r| {
            r["kind"] == "inactive_sign_in"
                && r["displayName"] == "Gustav Eriksson"
                && r["partNumber"] == "SPB"
        })
        .unwrap_or_else(|| panic!("{rows:#?}"));
    assert_eq!(never["monthly"], 220.0);
    assert_eq!(never["currency"], "SEK");
    assert!(never["sinceDays"].as_u64().unwrap() >= 119);
    assert!(
        stderr.contains("seats") && stderr.contains("SEK a month"),
        "{stderr}"
    );

    let csv = findings(&data, &signed_in(&emulator, REPORTS_CLIENT_ID));
    assert!(csv.status.success());
    assert!(csv
        .stdout
        .starts_with(b"\xEF\xBB\xBF\"Finding\",\"Display name\""));
    let text = String::from_utf8(csv.stdout).unwrap();
    assert_eq!(
        text.lines().count(),
        rows.len() + 1,
        "one line per row, and the header"
    );
    assert!(text.contains("\"inactive_sign_in\",\"Gustav Eriksson\""));
    std::fs::remove_dir_all(data).ok();
}

#[tokio::test(flavor = "multi_thread")]
async fn findings_from_a_file_need_no_sign_in_and_say_what_they_could_not_read() {
    let emulator = Emulator::start(Config::new(generate::demo())).await.unwrap();
    let data = data_folder("file");
    let file = data.join("northwind.json");
    let exported = Command::new(env!("CARGO_BIN_EXE_license-desk"))
        .args(["export", "--out", file.to_str().unwrap()])
        .args(signed_in(&emulator, APP_ONLY_CLIENT_ID))
        .env("XDG_DATA_HOME", &data)
        .env("LICENSE_DESK_CLIENT_SECRET", APP_ONLY_SECRET)
        .output()
        .unwrap();
    assert!(
        exported.status.success(),
        "{}",
        String::from_utf8_lossy(&exported.stderr)
    );
    emulator.stop();
    let offline = findings(&data, &["--file", file.to_str().unwrap(), "--json"]);
    let stderr = String::from_utf8_lossy(&offline.stderr);
    assert!(offline.status.success(), "{stderr}");
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&offline.stdout).unwrap();
    assert!(rows.iter().any(|r| r["kind"] == "disabled_holding"));
    assert!(
        rows.iter().all(|r| r["kind"] != "inactive_sign_in"),
        "an export without sign-ins shows none"
    );
    assert!(stderr.contains("note: sign-ins: not read"), "{stderr}");
    std::fs::remove_dir_all(data).ok();
}
