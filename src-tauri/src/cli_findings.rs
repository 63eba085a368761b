//! `license-desk findings`: the savings finder without a window, for
//! scripts and scheduled reports. One row per (finding, person, product)
//! with the money a month, priced as the app's settings price seats.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use license_desk_core::savings::{ActivityStatus, Findings};
use license_desk_core::{Error, Settings};
use license_desk_engine::savings;
use license_desk_graph::{activity, tenant};
use license_desk_tenant::open::open_path;

use crate::cli::{connect, SignInArgs, APP_ID};

#[derive(Args)]
pub struct FindingsArgs {
    /// Days without a sign-in or any Microsoft 365 activity that count as inactive.
    #[arg(long, default_value_t = 90, value_parser = clap::value_parser!(u32).range(1..=3650))]
    inactive_days: u32,
    /// Print JSON (stable keys) instead of CSV.
    #[arg(long)]
    json: bool,
    /// Find savings in a file (our export, or any the app opens) instead
    /// of the signed-in tenant; no sign-in.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["cloud", "tenant", "client_id", "local_tenant"])]
    file: Option<PathBuf>,
    #[command(flatten)]
    sign_in: SignInArgs,
}

/// The app's settings (seat prices, currency), as the app saved them; the
/// defaults (no prices) when there are none.
fn app_settings() -> Settings {
    let stored = dirs::data_dir()
        .map(|d| d.join(APP_ID).join("settings.json"))
        .and_then(|path| std::fs::read(path).ok())
        .and_then(|bytes| serde_json::from_slice::<serde_json::Value>(&bytes).ok());
    Settings::from_stored(stored.as_ref().and_then(|v| v.get("settings")))
}

/// Why activity could not be used, in words, for standard error.
fn status_note(what: &str, status: ActivityStatus) -> Option<String> {
    let why = match status {
        ActivityStatus::Read => return None,
        ActivityStatus::NotRead => "not read",
        ActivityStatus::NotPremium => "the tenant has no Microsoft Entra ID P1 or P2, so Microsoft keeps no sign-in dates",
        ActivityStatus::NotPermitted => "permission not granted (AuditLog.Read.All for sign-ins, Reports.Read.All for usage)",
        ActivityStatus::RoleCannotRead => "your role cannot read usage reports (Reports Reader, Global Administrator or a service's administrator can)",
        ActivityStatus::Concealed => "the tenant hides user names in reports (turn off \"Display concealed user, group, and site names in all reports\" in the admin center: Settings > Org settings > Services > Reports)",
    };
    Some(format!("note: {what}: {why}"))
}

pub async fn findings(args: FindingsArgs) -> Result<ExitCode, Error> {
    let picture = match &args.file {
        Some(file) => open_path(file)?.picture,
        None => {
            let client = connect(&args.sign_in).await?;
            let mut picture = tenant::load(&client, |_| {}).await?;
            let period = [7, 30, 90, 180]
                .into_iter()
                .find(|p| *p >= args.inactive_days)
                .unwrap_or(180);
            picture.set_activity(activity::load_activity(&client, period).await?);
            picture
        }
    };
    let found: Findings = savings::findings(
        &picture,
        &app_settings(),
        args.inactive_days,
        license_desk_engine::journal::now(),
    );
    let rows = savings::finding_rows(&found);
    let bytes = if args.json {
        serde_json::to_vec_pretty(&rows).unwrap_or_default()
    } else {
        savings::findings_csv(&rows)
    };
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(&bytes);
    if args.json {
        let _ = out.write_all(b"\n");
    }
    for note in [
        status_note("sign-ins", found.sign_ins),
        status_note("usage report", found.usage),
    ]
    .into_iter()
    .flatten()
    {
        eprintln!("{note}");
    }
    let money = match (found.total_monthly, &found.currency) {
        (Some(amount), Some(currency)) => format!(", {amount:.2} {currency} a month"),
        _ => String::new(),
    };
    eprintln!(
        "{} findings, {} seats{money} ({} without a price)",
        found.findings.len(),
        found.seats,
        found.unpriced_seats
    );
    Ok(ExitCode::SUCCESS)
}
