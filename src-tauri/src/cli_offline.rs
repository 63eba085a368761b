//! Offline review from the command line: `export` a tenant's picture,
//! `inspect` any file an admin has, `plan` from a file with no sign-in, and
//! `apply` a saved plan to the live tenant after checking what changed.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use license_desk_core::{Error, ErrorCode};
use license_desk_engine::plan::{Plan, Selection};
use license_desk_engine::run::{self, Cancel, RunOptions};
use license_desk_engine::saved_plan::{Drift, SavedPlan};
use license_desk_graph::tenant;
use license_desk_tenant::export::{self as tenant_export, Taken};
use license_desk_tenant::open::{open_path, Opened};
use license_desk_tenant::{Resolution, TenantPicture};
use serde_json::json;
use uuid::Uuid;

use crate::cli::{
    confirm, connect, journal_dir, print_report, progress_line, read_users_file, signed_in_tenant,
    JournalArgs, ResultsArgs, SignInArgs,
};

#[derive(Args)]
pub struct ExportArgs {
    /// Where to write the export (JSON; see the README for its format).
    #[arg(long, value_name = "FILE")]
    out: PathBuf,
    #[command(flatten)]
    sign_in: SignInArgs,
}

#[derive(Args)]
pub struct InspectArgs {
    /// Our export, or the admin center's, PowerShell's, CIPP's or Graph's.
    file: PathBuf,
    /// Print one JSON object instead of text.
    #[arg(long)]
    json: bool,
    /// Also list every user with the products the file gives them.
    #[arg(long)]
    users: bool,
}

#[derive(Args)]
pub struct PlanArgs {
    /// The file to plan from (no sign-in needed).
    #[arg(long, value_name = "FILE")]
    from: PathBuf,
    /// The product: its part number, skuId, or its name as the file writes it.
    /// Repeat for several.
    #[arg(long, required_unless_present = "all_licenses")]
    sku: Vec<String>,
    /// Every holder of the product(s).
    #[arg(long, conflicts_with = "users")]
    all_holders: bool,
    /// A file of user principal names or object ids, one a line.
    #[arg(long)]
    users: Option<PathBuf>,
    /// Every license of the users in --users.
    #[arg(long, requires = "users", conflicts_with_all = ["sku", "all_holders"])]
    all_licenses: bool,
    /// Where to save the plan.
    #[arg(long, value_name = "PLAN")]
    out: PathBuf,
}

#[derive(Args)]
pub struct ApplyArgs {
    /// A plan saved by `license-desk plan` or the app.
    plan: PathBuf,
    /// Check the plan against the tenant and show what changed; change nothing.
    #[arg(long)]
    dry_run: bool,
    /// Change without asking (needed when not at a terminal).
    #[arg(long)]
    yes: bool,
    /// Print the drift check and the results as JSON.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    results: ResultsArgs,
    #[command(flatten)]
    sign_in: SignInArgs,
    #[command(flatten)]
    journals: JournalArgs,
}

fn usage(message: String) -> Error {
    Error::new(ErrorCode::InvalidInput, message)
}

pub async fn export(args: ExportArgs) -> Result<ExitCode, Error> {
    let client = connect(&args.sign_in).await?;
    let picture = tenant::load(&client, |_| {}).await?;
    let by = tenant::signed_in_admin(&client)
        .await
        .ok()
        .map(|a| a.user_principal_name);
    let taken = Taken {
        at: license_desk_engine::journal::now(),
        by,
        cloud: args.sign_in.cloud.unwrap_or_default(),
    };
    tenant_export::write(&picture, &taken, &args.out)?;
    eprintln!(
        "Exported {} users and {} products of {} to {}.",
        picture.users.len(),
        picture.products.len(),
        picture.organization.display_name,
        args.out.display()
    );
    Ok(ExitCode::SUCCESS)
}

/// `license-desk inspect FILE`: what the file is and says, and what it cannot.
pub fn inspect(args: &InspectArgs) -> Result<ExitCode, Error> {
    let opened = open_path(&args.file)?;
    let summary = summary(&opened, args.users);
    let text = if args.json {
        serde_json::to_string_pretty(&summary).unwrap_or_default() + "\n"
    } else {
        summary_text(&summary)
    };
    let _ = std::io::stdout().lock().write_all(text.as_bytes());
    Ok(ExitCode::SUCCESS)
}

/// The JSON `inspect --json` prints (documented in the README).
fn summary(opened: &Opened, with_users: bool) -> serde_json::Value {
    let picture = &opened.picture;
    let format = match &picture.source {
        license_desk_tenant::Source::File { format, .. } => format.clone(),
        license_desk_tenant::Source::Live => "live".to_owned(),
    };
    let holders = |sku: Uuid| {
        picture
            .users
            .iter()
            .filter(|u| u.license_assignment_states.iter().any(|s| s.sku_id == sku))
            .count()
    };
    let products: Vec<serde_json::Value> = picture
        .products
        .iter()
        .map(|p| {
            let resolution = picture.resolution(p.sku_id);
            let (kind, part_number) = match &resolution {
                Resolution::Exact => ("exact", Some(p.sku_part_number.clone())),
                Resolution::Alias { .. } => ("alias", Some(p.sku_part_number.clone())),
                Resolution::Ambiguous { .. } => ("ambiguous", None),
                Resolution::Unknown { .. } => ("unknown", None),
            };
            json!({
                "name": picture.product_name(p.sku_id),
                "part_number": part_number,
                "sku_ids": resolution.candidates(p.sku_id),
                "holders": holders(p.sku_id),
                "resolution": kind,
            })
        })
        .collect();
    let mut summary = json!({
        "format": format,
        "format_name": opened.format_name,
        "users": picture.users.len(),
        "licensed": picture.users.iter().filter(|u| !u.license_assignment_states.is_empty()).count(),
        "complete": picture.knowledge.complete,
        "knows": {
            "groups": picture.knowledge.groups,
            "disabled_plans": picture.knowledge.disabled_plans,
            "object_ids": picture.knowledge.object_ids,
        },
        "products": products,
        "warnings": opened.warnings.iter().map(|w| json!({"code": w.code, "message": w.message, "users": w.users})).collect::<Vec<_>>(),
    });
    if with_users {
        summary["user_rows"] = picture
            .users
            .iter()
            .map(|u| {
                let mut names: Vec<String> = u
                    .license_assignment_states
                    .iter()
                    .map(|s| picture.product_name(s.sku_id))
                    .collect();
                names.dedup();
                json!({
                    "user_principal_name": u.user_principal_name,
                    "display_name": u.display_name,
                    "account_enabled": u.account_enabled,
                    "products": names,
                })
            })
            .collect();
    }
    summary
}

fn summary_text(summary: &serde_json::Value) -> String {
    let mut text = format!(
        "{}\n{} users, {} licensed{}\n\nProducts:\n",
        summary["format_name"].as_str().unwrap_or_default(),
        summary["users"],
        summary["licensed"],
        if summary["complete"] == json!(true) {
            ""
        } else {
            " (the file does not list every user)"
        }
    );
    for product in summary["products"].as_array().into_iter().flatten() {
        text.push_str(&format!(
            "  {:>6}  {} [{}]\n",
            product["holders"],
            product["name"].as_str().unwrap_or_default(),
            product["resolution"].as_str().unwrap_or_default()
        ));
    }
    for warning in summary["warnings"].as_array().into_iter().flatten() {
        text.push_str(&format!(
            "warning: {}\n",
            warning["message"].as_str().unwrap_or_default()
        ));
    }
    for row in summary["user_rows"].as_array().into_iter().flatten() {
        text.push_str(&format!(
            "{}\t{}\n",
            row["user_principal_name"].as_str().unwrap_or_default(),
            row["products"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|p| p.as_str())
                .collect::<Vec<_>>()
                .join(" + ")
        ));
    }
    text
}

/// The products `wanted` names in `picture`: by part number, skuId, or the
/// name as the file writes it (case does not matter).
fn products_named(picture: &TenantPicture, wanted: &[String]) -> Result<Vec<Uuid>, Error> {
    wanted
        .iter()
        .map(|want| {
            let want = want.trim();
            picture
                .products
                .iter()
                .find(|p| {
                    p.sku_id.to_string().eq_ignore_ascii_case(want)
                        || p.sku_part_number.eq_ignore_ascii_case(want)
                        || picture.product_name(p.sku_id).eq_ignore_ascii_case(want)
                })
                .map(|p| p.sku_id)
                .ok_or_else(|| {
                    usage(format!(
                        "The file has no product '{want}'. `license-desk inspect` lists them."
                    ))
                })
        })
        .collect()
}

/// `license-desk plan --from FILE …`: the same plan as on a live tenant,
/// made from the file and saved.
pub fn plan(args: &PlanArgs) -> Result<ExitCode, Error> {
    let opened = open_path(&args.from)?;
    let picture = &opened.picture;
    let selection = if args.all_licenses {
        Selection::EverythingOf {
            users: read_users_file(args.users.as_deref().unwrap_or(Path::new("")))?,
        }
    } else {
        let sku_ids = products_named(picture, &args.sku)?;
        match (&args.users, args.all_holders) {
            (Some(users), false) => Selection::Users {
                users: read_users_file(users)?,
                sku_ids,
            },
            (None, true) => Selection::Pairs {
                pairs: sku_ids
                    .iter()
                    .flat_map(|&sku| {
                        picture
                            .users
                            .iter()
                            .filter(move |u| u.license_assignment_states.iter().any(|s| s.sku_id == sku))
                            .map(move |u| (u.id.to_string(), sku))
                    })
                    .collect(),
            },
            _ => {
                return Err(usage(
                    "Say whose licenses: --all-holders or --users FILE.".to_owned(),
                ))
            }
        }
    };
    let plan = Plan::new(picture, &selection);
    let saved = SavedPlan::new(picture, &plan, license_desk_engine::journal::now());
    tenant_export::write_atomically(&args.out, &saved.to_text())?;
    let will = plan.items.iter().filter(|i| i.verdict.will_send()).count();
    eprintln!(
        "Plan saved to {}: {} items, {will} to remove as the file shows them, {} that cannot be removed.",
        args.out.display(),
        plan.items.len(),
        plan.items.len() - will
    );
    if !picture.knowledge.object_ids {
        eprintln!("The file has no object ids: users will be matched by user name when the plan is applied.");
    }
    Ok(if will == 0 {
        ExitCode::from(3)
    } else {
        ExitCode::SUCCESS
    })
}

fn drift_word(drift: Drift) -> &'static str {
    match drift {
        Drift::Unchanged => "unchanged",
        Drift::AlreadyGone => "already gone",
        Drift::NowThroughGroup => "now held through a group",
        Drift::UserGone => "user no longer in the tenant",
        Drift::Renamed => "renamed",
        Drift::ProductGone => "product no longer in the tenant",
        Drift::Resolved => "name resolved by what the user holds",
        Drift::StillAmbiguous => "name fits several products the user holds: left alone",
        Drift::UnknownProduct => "unknown product: left alone",
    }
}

/// `license-desk apply PLAN`: check against the live tenant, show what
/// changed since the file, then run what still applies.
pub async fn apply(args: ApplyArgs) -> Result<ExitCode, Error> {
    let format = args.results.chosen(args.json)?;
    let bytes = std::fs::read(&args.plan)
        .map_err(|e| usage(format!("Cannot read the plan {}: {e}.", args.plan.display())))?;
    let saved = SavedPlan::parse(&bytes, &args.plan.display().to_string())?;
    let client = connect(&args.sign_in).await?;
    let live = tenant::load(&client, |_| {}).await?;
    let checked = saved.against(&live)?;
    if checked.matched_by_user_name {
        eprintln!("The plan's file had no object ids: users were matched by user name.");
    }
    let changed: Vec<_> = checked
        .drift
        .iter()
        .filter(|d| d.drift != Drift::Unchanged)
        .collect();
    eprintln!(
        "Checked {} items against {}: {} changed since the file.",
        checked.drift.len(),
        live.organization.display_name,
        changed.len()
    );
    for row in &changed {
        let renamed = row
            .now_user_principal_name
            .as_deref()
            .map(|now| format!(" (now {now})"))
            .unwrap_or_default();
        eprintln!(
            "  {}{renamed}, {}: {}",
            row.user_principal_name,
            row.product,
            drift_word(row.drift)
        );
    }
    let will = checked
        .plan
        .items
        .iter()
        .filter(|i| i.verdict.will_send())
        .count();
    if args.json && (args.dry_run || will == 0) {
        let _ = writeln!(std::io::stdout().lock(), "{}", json!({ "drift": checked.drift }));
    }
    if will == 0 {
        eprintln!("Nothing left to remove.");
        return Ok(ExitCode::from(3));
    }
    if args.dry_run {
        eprintln!("Would remove {will} licenses.");
        return Ok(ExitCode::SUCCESS);
    }
    match confirm(&format!("Remove {will} licenses?"), args.yes) {
        Ok(true) => {}
        Ok(false) => return Ok(ExitCode::from(4)),
        Err(code) => return Ok(code),
    }
    let options = RunOptions::new(journal_dir(&args.journals)?, signed_in_tenant(&client).await?);
    let report = run::unassign(client, &checked.plan, &options, progress_line, Cancel::default()).await?;
    Ok(print_report(&report, Some(&live), format))
}
