//! The headless commands as a script would use them, against a local
//! tenant: dry run, a run killed with SIGKILL mid-way and resumed, undo,
//! and the exit codes.
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use graph_emulator::apps::{APP_ONLY_CLIENT_ID, APP_ONLY_SECRET};
use graph_emulator::{catalog, generate, throttle::ThrottleMode, Config, Emulator};

fn license_desk(emulator: &Emulator, journals: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_license-desk"));
    command
        .args(args)
        .args([
            "--local-tenant",
            emulator.base_url(),
            "--tenant",
            &emulator.tenant_id().to_string(),
        ])
        .args([
            "--client-id",
            &APP_ONLY_CLIENT_ID.to_string(),
            "--journal-dir",
            journals.to_str().unwrap(),
        ])
        .env("LICENSE_DESK_CLIENT_SECRET", APP_ONLY_SECRET)
        .stdin(Stdio::null());
    command
}

fn output(mut command: Command) -> Output {
    command.output().unwrap()
}

fn direct_holders(emulator: &Emulator) -> usize {
    emulator.directory(|d| {
        d.users()
            .iter()
            .filter(|u| {
                u.assigned_licenses
                    .iter()
                    .any(|l| l.sku_id == catalog::BUSINESS_PREMIUM.sku_id)
            })
            .count()
    })
}

#[tokio::test(flavor = "multi_thread")]
async fn plan_kill_resume_and_undo_from_the_command_line() {
    let mut config = Config::new(generate::tenant("Cli", 400, 51));
    config.latency = Duration::from_millis(40);
    config.throttle = ThrottleMode::Scaled(0.01);
    let emulator = Emulator::start(config).await.unwrap();
    let journals = std::env::temp_dir().join(format!("license-desk-cli-{}", std::process::id()));
    let before = direct_holders(&emulator);
    assert!(before > 200);

    let dry = output(license_desk(
        &emulator,
        &journals,
        &["unassign", "--sku", "SPB", "--all-holders", "--dry-run"],
    ));
    assert!(dry.status.success());
    let plan = String::from_utf8_lossy(&dry.stderr);
    assert!(plan.contains(&format!("will remove: {before}")), "{plan}");
    assert_eq!(direct_holders(&emulator), before, "a dry run changes nothing");

    let refused = output(license_desk(
        &emulator,
        &journals,
        &["unassign", "--sku", "SPB", "--all-holders"],
    ));
    assert_eq!(
        refused.status.code(),
        Some(4),
        "no --yes and no terminal: nothing changes"
    );
    assert_eq!(direct_holders(&emulator), before);

    // Killed with SIGKILL once it has started sending.
    let mut run = license_desk(
        &emulator,
        &journals,
        &["unassign", "--sku", "spb", "--all-holders", "--yes"],
    )
    .stdout(Stdio::null())
    .stderr(Stdio::null())
    .spawn()
    .unwrap();
    let mut waited = 0;
    while direct_holders(&emulator) == before && waited < 400 {
        tokio::time::sleep(Duration::from_millis(10)).await;
        waited += 1;
    }
    run.kill().unwrap();
    run.wait().unwrap();
    let left = direct_holders(&emulator);
    assert!(
        left < before && left > 0,
        "killed mid-run: {left} of {before} left"
    );

    let mut list = Command::new(env!("CARGO_BIN_EXE_license-desk"));
    list.args(["runs", "--journal-dir", journals.to_str().unwrap()]);
    let runs = output(list);
    let listing = String::from_utf8_lossy(&runs.stdout).to_string();
    let line = listing.lines().nth(1).unwrap();
    assert!(line.contains("interrupted"), "{listing}");
    let run_id = line.split('\t').next().unwrap().to_owned();

    let resumed = output(license_desk(&emulator, &journals, &["resume", &run_id, "--json"]));
    assert!(
        resumed.status.success(),
        "{}",
        String::from_utf8_lossy(&resumed.stderr)
    );
    let rows: serde_json::Value = serde_json::from_slice(&resumed.stdout).unwrap();
    assert_eq!(rows.as_array().unwrap().len(), before, "every item accounted for");
    assert!(rows.as_array().unwrap().iter().all(|r| r["result"] == "done"));
    assert_eq!(direct_holders(&emulator), 0);
    let writes = emulator
        .request_log()
        .iter()
        .filter(|e| e.method == "POST" && e.status == 200 && e.path.ends_with("/assignLicense"))
        .count();
    assert_eq!(writes, before, "no change made twice, across the kill");

    let undone = output(license_desk(&emulator, &journals, &["undo", &run_id, "--yes"]));
    assert!(
        undone.status.success(),
        "{}",
        String::from_utf8_lossy(&undone.stderr)
    );
    let csv = String::from_utf8_lossy(&undone.stdout);
    assert!(
        csv.starts_with("\u{feff}\"Display name\",\"User principal name\",\"License\",\"Part number\",\"SKU ID\",\"Result\",\"Reason\"\r\n"),
        "{csv}"
    );
    let put_back = csv
        .lines()
        .filter(|l| l.contains(",\"SPB\",") && l.contains("\"Put back\""))
        .count();
    assert_eq!(
        put_back, before,
        "every row names the product and says it was put back: {csv}"
    );

    let wrong = output(license_desk(
        &emulator,
        &journals,
        &["undo", &run_id, "--format", "pdf"],
    ));
    assert_eq!(wrong.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&wrong.stderr).contains("use csv, xlsx or json"));
    assert_eq!(direct_holders(&emulator), before, "undo puts every license back");

    let unknown = output(license_desk(
        &emulator,
        &journals,
        &["unassign", "--sku", "NOPE", "--all-holders", "--yes"],
    ));
    assert_eq!(unknown.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("No product 'NOPE'"));
    std::fs::remove_dir_all(journals).ok();
}
