//! `license-desk <command>`: the unassign engine without a window, for
//! admins who script or schedule. Same sign-in, same plans, same journals
//! (in the app's data folder) as the app, so a run started here can be
//! resumed or undone in either.
//!
//! Exit codes: 0 everything planned was done; 1 it could not run (sign-in,
//! network, a damaged journal); 2 wrong usage; 3 it ran and some items
//! failed or could not be done; 4 it needs `--yes` to change anything.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Args, Parser, Subcommand};
use license_desk_core::overview::{ExportFormat, RunState};
use license_desk_core::{Cloud, Error, ErrorCode, Settings};
use license_desk_engine::export;
use license_desk_engine::journal::{self, Outcome, RunKind};
use license_desk_engine::plan::{Plan, Selection};
use license_desk_engine::run::{self, Cancel, Report, RunOptions};
use license_desk_graph::auth::Session;
use license_desk_graph::keychain::{self, Secret};
use license_desk_graph::retry::RetryPolicy;
use license_desk_graph::{tenant, GraphClient};
use uuid::Uuid;

use crate::{cli_findings, cli_offline, sign_in};

/// The app's identifier: its data folder is named after it.
pub(crate) const APP_ID: &str = "com.licensedesk.desktop";
const SECRET_VARIABLE: &str = "LICENSE_DESK_CLIENT_SECRET";

#[derive(Parser)]
#[command(
    name = "license-desk",
    version,
    about = "License Desk without a window: plan, run, resume and undo license removals."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Removes one product from users: plans first, changes only with --yes.
    Unassign(UnassignArgs),
    /// Lists past runs, newest first.
    Runs(JournalArgs),
    /// Continues an interrupted run (checks what was in flight first).
    Resume(RunArgs),
    /// Puts back what a run removed, with the same disabled service plans.
    Undo(RunArgs),
    /// Saves the signed-in tenant's license picture to a file, for review offline.
    Export(cli_offline::ExportArgs),
    /// Says what a file is and what it tells: our export, or Microsoft's, PowerShell's, CIPP's.
    Inspect(cli_offline::InspectArgs),
    /// Plans removals from a file, with no sign-in, and saves the plan.
    Plan(cli_offline::PlanArgs),
    /// Checks a saved plan against the live tenant, shows what changed, and runs it.
    Apply(cli_offline::ApplyArgs),
    /// Lists the licenses nobody uses (inactive, disabled, overlapping, idle seats) with their cost.
    Findings(cli_findings::FindingsArgs),
}

#[derive(Args)]
pub(crate) struct SignInArgs {
    /// Microsoft cloud: worldwide, us_gov_gcc_high, us_gov_dod or china.
    #[arg(long, value_parser = parse_cloud)]
    pub(crate) cloud: Option<Cloud>,
    /// Tenant: a domain or tenant id (app-only needs one).
    #[arg(long)]
    pub(crate) tenant: Option<String>,
    /// An app registration for app-only sign-in; its secret comes from
    /// LICENSE_DESK_CLIENT_SECRET or the keychain (as the app remembered it).
    #[arg(long)]
    client_id: Option<String>,
    /// A local tenant's address instead of Microsoft (development, tests).
    #[arg(long, value_name = "URL", value_parser = parse_local_tenant)]
    local_tenant: Option<String>,
}

#[derive(Args)]
pub(crate) struct JournalArgs {
    /// Where run journals live (default: the app's data folder).
    #[arg(long)]
    journal_dir: Option<PathBuf>,
}

#[derive(Args)]
struct UnassignArgs {
    /// The product: its skuId or its part number (e.g. SPB). Repeat for several.
    #[arg(long, required_unless_present = "all_licenses")]
    sku: Vec<String>,
    /// A file of user principal names or object ids, one a line.
    #[arg(long, conflicts_with = "all_holders", required_unless_present = "all_holders")]
    users: Option<PathBuf>,
    /// Everyone who holds the product(s).
    #[arg(long)]
    all_holders: bool,
    /// Every license of the users in --users (one write a person).
    #[arg(long, requires = "users", conflicts_with_all = ["sku", "all_holders"])]
    all_licenses: bool,
    /// Show the plan only; change nothing.
    #[arg(long)]
    dry_run: bool,
    /// Change without asking (needed when not at a terminal).
    #[arg(long)]
    yes: bool,
    /// Print the per-user results as JSON instead of CSV (--format json).
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    results: ResultsArgs,
    #[command(flatten)]
    sign_in: SignInArgs,
    #[command(flatten)]
    journals: JournalArgs,
}

#[derive(Args)]
struct RunArgs {
    /// The run's id, as `license-desk runs` lists it.
    run: Uuid,
    /// Change without asking (needed when not at a terminal).
    #[arg(long)]
    yes: bool,
    /// Print the per-user results as JSON instead of CSV (--format json).
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    results: ResultsArgs,
    #[command(flatten)]
    sign_in: SignInArgs,
    #[command(flatten)]
    journals: JournalArgs,
}

/// How the per-user results are printed on standard output.
#[derive(Args)]
pub(crate) struct ResultsArgs {
    /// csv (the default: named people and products, UTF-8 with a byte order
    /// mark, for Excel), json (stable keys for scripts), or xlsx (an Excel
    /// workbook: redirect it to a file).
    #[arg(long, value_name = "FORMAT", value_parser = parse_format, conflicts_with = "json")]
    format: Option<ExportFormat>,
}

impl ResultsArgs {
    /// The format asked for (`--json` is `--format json`); a workbook is
    /// never written to a terminal.
    pub(crate) fn chosen(&self, json: bool) -> Result<ExportFormat, Error> {
        let format = match (self.format, json) {
            (Some(format), _) => format,
            (None, true) => ExportFormat::Json,
            (None, false) => ExportFormat::Csv,
        };
        if format == ExportFormat::Xlsx && std::io::stdout().is_terminal() {
            return Err(Error::new(
                ErrorCode::InvalidInput,
                "--format xlsx writes an Excel workbook: redirect it to a file (> results.xlsx).",
            ));
        }
        Ok(format)
    }
}

fn parse_format(text: &str) -> Result<ExportFormat, String> {
    serde_json::from_value(serde_json::Value::String(text.to_owned()))
        .map_err(|_| format!("'{text}' is not a format: use csv, xlsx or json"))
}

fn parse_cloud(text: &str) -> Result<Cloud, String> {
    serde_json::from_value(serde_json::Value::String(text.to_owned()))
        .map_err(|_| format!("'{text}' is not a cloud: use worldwide, us_gov_gcc_high, us_gov_dod or china"))
}

fn parse_local_tenant(text: &str) -> Result<String, String> {
    match url::Url::parse(text) {
        Ok(url) if matches!(url.scheme(), "http" | "https") && url.host().is_some() => Ok(text.to_owned()),
        _ => Err(format!(
            "'{text}' is not a local tenant's address: give one like http://127.0.0.1:8080"
        )),
    }
}

/// Whether the command line asks for the headless commands: any first word
/// that is not an option of the app's window (`--demo`).
pub fn is_command(first_argument: &str) -> bool {
    !first_argument.starts_with('-') || ["--help", "-h", "--version", "-V"].contains(&first_argument)
}

pub(crate) fn journal_dir(args: &JournalArgs) -> Result<PathBuf, Error> {
    match &args.journal_dir {
        Some(dir) => Ok(dir.clone()),
        None => dirs::data_dir()
            .map(|d| d.join(APP_ID).join("runs"))
            .ok_or_else(|| {
                Error::new(
                    ErrorCode::Internal,
                    "No data folder is known for this user; pass --journal-dir.",
                )
            }),
    }
}

pub(crate) async fn connect(args: &SignInArgs) -> Result<Arc<GraphClient>, Error> {
    if let Some(url) = &args.local_tenant {
        std::env::set_var(sign_in::LOCAL_TENANT_VARIABLE, url);
    }
    let defaults = Settings::default();
    let settings = Settings {
        cloud: args.cloud.unwrap_or(defaults.cloud),
        tenant: args.tenant.clone().unwrap_or(defaults.tenant),
        client_id: args.client_id.clone(),
        ..defaults
    };
    let target = sign_in::target(&settings)?;
    if args.client_id.is_some() {
        let secret = match std::env::var(SECRET_VARIABLE) {
            Ok(secret) if !secret.trim().is_empty() => secret,
            Ok(_) => {
                return Err(Error::new(
                    ErrorCode::InvalidInput,
                    "LICENSE_DESK_CLIENT_SECRET is set but empty: put the app registration's client secret in it, or unset it to use the one kept in the keychain.",
                ))
            }
            Err(_) => Secret::new(&keychain::client_secret_account(&target))?.load()?.ok_or_else(|| {
                Error::new(
                    ErrorCode::SignInFailed,
                    "No client secret: set LICENSE_DESK_CLIENT_SECRET, or sign in once in the app with \"keep the secret\".",
                )
            })?,
        };
        let session = Session::app_only(target, secret).await?;
        return Ok(Arc::new(GraphClient::new(
            Arc::new(session),
            RetryPolicy::default(),
        )?));
    }
    match sign_in::restore(target).await? {
        Some((client, _, _)) => Ok(Arc::new(client)),
        None => Err(Error::new(
            ErrorCode::SignedOut,
            "Not signed in: sign in once in the app, or use --client-id with a client secret.",
        )),
    }
}

pub(crate) fn confirm(question: &str, yes: bool) -> Result<bool, ExitCode> {
    if yes {
        return Ok(true);
    }
    if !std::io::stdin().is_terminal() {
        eprintln!("{question} Not at a terminal: pass --yes to go ahead.");
        return Err(ExitCode::from(4));
    }
    eprint!("{question} [y/N] ");
    let mut answer = String::new();
    let _ = std::io::stdin().read_line(&mut answer);
    Ok(matches!(answer.trim(), "y" | "Y" | "yes"))
}

/// Results on standard output (for scripts, or redirected to a file), in
/// English, people and products named as `picture` names them; everything
/// else on standard error. A closed pipe (`| head`) is not an error worth a
/// panic.
pub(crate) fn print_report(
    report: &Report,
    picture: Option<&license_desk_tenant::TenantPicture>,
    format: ExportFormat,
) -> ExitCode {
    let rows = report.named_rows(picture);
    match export::to_bytes(&rows, format, license_desk_core::Language::En) {
        Ok(bytes) => {
            let _ = std::io::stdout().lock().write_all(&bytes);
        }
        Err(error) => eprintln!("license-desk: {}", error.message),
    }
    let count = |result: &str| rows.iter().filter(|r| r.result == result).count();
    let (done, failed, skipped, not_run) =
        (count("done"), count("failed"), count("skipped"), count("not_run"));
    let unknown = count("unknown");
    // Ends the progress line.
    eprintln!();
    eprintln!(
        "run {} done={done} failed={failed} skipped={skipped} not_run={not_run} unknown={unknown} journal={}",
        report.run,
        report.journal.display()
    );
    for problem in &report.problems {
        eprintln!("warning: {problem}");
    }
    if unknown > 0 {
        eprintln!("Some changes got no answer: resume the run to check them against the tenant.");
    }
    if failed + skipped + not_run + unknown == 0 && report.problems.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(3)
    }
}

fn fail(error: &Error) -> ExitCode {
    tracing::error!(
        code = ?error.code,
        details = error.details.as_deref().unwrap_or_default(),
        "{}",
        error.message
    );
    eprintln!("license-desk: {}", error.message);
    if let Some(details) = &error.details {
        eprintln!("  {details}");
    }
    if error.code == ErrorCode::InvalidInput {
        ExitCode::from(2)
    } else {
        ExitCode::from(1)
    }
}

/// Runs a command line; never opens a window.
pub fn main(arguments: Vec<String>) -> ExitCode {
    // The command's name only: its other arguments stay out of the log.
    let command = arguments.get(1).cloned().unwrap_or_default();
    let cli = match Cli::try_parse_from(arguments) {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            return if error.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    crate::logging::start_in_platform_folder(crate::logging::COMMAND_LINE);
    sign_in::on_refresh_token_not_kept(|error| {
        eprintln!("warning: {}", error.message);
        eprintln!("  The sign-in works until this command ends; sign in again in the app to keep it.");
    });
    tracing::info!(command, "command started");
    crate::product_names::load_for_command_line();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            return fail(&Error::new(ErrorCode::Internal, "Could not start.").with_details(error.to_string()))
        }
    };
    let code = runtime.block_on(async move {
        match cli.command {
            Command::Runs(args) => {
                let dir = match journal_dir(&args) {
                    Ok(dir) => dir,
                    Err(error) => return fail(&error),
                };
                let mut out = String::from("run\tkind\tstarted\tstate\tdone\tfailed\ttenant\n");
                let (runs, unreadable) = journal::list_all(&dir);
                for (path, error) in unreadable {
                    eprintln!(
                        "warning: {} cannot be read: {}",
                        path.display(),
                        error.details.unwrap_or(error.message)
                    );
                }
                for (_, record) in runs {
                    let state = match record.state() {
                        RunState::Finished => "finished",
                        RunState::Cancelled => "cancelled",
                        RunState::Interrupted => "interrupted",
                        RunState::Damaged => "damaged",
                    };
                    let tenant = record.tenant.map(|t| t.to_string()).unwrap_or_else(|| "-".into());
                    let kind = if record.kind == RunKind::Undo {
                        "undo"
                    } else {
                        "unassign"
                    };
                    let done = record.count(|o| *o == Outcome::Done);
                    let failed = record.count(|o| matches!(o, Outcome::Failed { .. }));
                    out.push_str(&format!(
                        "{}\t{kind}\t{}\t{state}\t{done}\t{failed}\t{tenant}\n",
                        record.run, record.started_at
                    ));
                }
                let _ = std::io::stdout().lock().write_all(out.as_bytes());
                ExitCode::SUCCESS
            }
            Command::Findings(args) => match cli_findings::findings(args).await {
                Ok(code) => code,
                Err(error) => fail(&error),
            },
            Command::Unassign(args) => match unassign(args).await {
                Ok(code) => code,
                Err(error) => fail(&error),
            },
            Command::Resume(args) => match continue_run(args, false).await {
                Ok(code) => code,
                Err(error) => fail(&error),
            },
            Command::Undo(args) => match continue_run(args, true).await {
                Ok(code) => code,
                Err(error) => fail(&error),
            },
            Command::Export(args) => cli_offline::export(args).await.unwrap_or_else(|e| fail(&e)),
            Command::Inspect(args) => cli_offline::inspect(&args).unwrap_or_else(|e| fail(&e)),
            Command::Plan(args) => cli_offline::plan(&args).unwrap_or_else(|e| fail(&e)),
            Command::Apply(args) => cli_offline::apply(args).await.unwrap_or_else(|e| fail(&e)),
        }
    });
    tracing::info!(command, "command ended: {code:?}");
    code
}

async fn unassign(args: UnassignArgs) -> Result<ExitCode, Error> {
    let format = args.results.chosen(args.json)?;
    let client = connect(&args.sign_in).await?;
    let snapshot = tenant::load(&client, |_| {}).await?;
    let sku_ids = args
        .sku
        .iter()
        .map(|wanted| {
            snapshot
                .products
                .iter()
                .find(|p| {
                    p.sku_id.to_string().eq_ignore_ascii_case(wanted.trim())
                        || p.sku_part_number.eq_ignore_ascii_case(wanted.trim())
                })
                .map(|p| p.sku_id)
                .ok_or_else(|| {
                    Error::new(
                        ErrorCode::ProductNotInTenant,
                        format!("No product '{wanted}' in this tenant."),
                    )
                })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let users = match &args.users {
        Some(file) => {
            let users = read_users_file(file)?;
            if users.is_empty() {
                eprintln!("{} names no users: nothing to do.", file.display());
                return Ok(ExitCode::from(3));
            }
            Some(users)
        }
        None => None,
    };
    let selection = match users {
        Some(users) if args.all_licenses => Selection::EverythingOf { users },
        Some(users) => Selection::Users { users, sku_ids },
        None => Selection::Pairs {
            pairs: sku_ids
                .iter()
                .flat_map(|&sku| {
                    snapshot
                        .users
                        .iter()
                        .filter(move |u| u.license_assignment_states.iter().any(|s| s.sku_id == sku))
                        .map(move |u| (u.id.to_string(), sku))
                })
                .collect(),
        },
    };
    let plan = Plan::new(&snapshot, &selection);
    let mut total = license_desk_engine::plan::ProductCounts::default();
    for (sku_id, counts) in plan.counts() {
        if sku_id.is_nil() {
            eprintln!("Users not found: {}", counts.user_not_found);
        } else {
            let part = snapshot
                .products
                .iter()
                .find(|p| p.sku_id == sku_id)
                .map_or(String::new(), |p| p.sku_part_number.clone());
            eprintln!("Plan for {} ({part}):", snapshot.product_name(sku_id));
            eprintln!(
                "  will remove: {} (frees {} seats; {} also held through a group, seat stays taken)",
                counts.will_remove, counts.seats_freed, counts.seat_stays
            );
            eprintln!(
                "  cannot: {} held only through a group, {} self-service, {} not held, {} users not found",
                counts.inherited_only, counts.self_service, counts.already_gone, counts.user_not_found
            );
        }
        total.will_remove += counts.will_remove;
        total.inherited_only += counts.inherited_only;
        total.self_service += counts.self_service;
        total.user_not_found += counts.user_not_found;
    }
    if args.dry_run && args.json {
        let rows = license_desk_engine::export::plan_rows(&plan, &snapshot);
        let preview = plan.preview("", &snapshot, None);
        let _ = writeln!(
            std::io::stdout().lock(),
            "{}",
            serde_json::json!({ "plan": rows, "people": preview.people, "consequences": preview.consequences })
        );
    }
    let cannot = total.inherited_only + total.self_service + total.user_not_found;
    if total.will_remove == 0 {
        eprintln!("Nothing to remove.");
        // Nothing could be done for what was asked: say so to scripts.
        return Ok(if cannot > 0 {
            ExitCode::from(3)
        } else {
            ExitCode::SUCCESS
        });
    }
    if args.dry_run {
        return Ok(ExitCode::SUCCESS);
    }
    let people = plan
        .items
        .iter()
        .filter(|i| i.verdict.will_send())
        .map(|i| i.user.to_lowercase())
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    match confirm(
        &format!("Remove {} licenses from {people} users?", total.will_remove),
        args.yes,
    ) {
        Ok(true) => {}
        Ok(false) => return Ok(ExitCode::from(4)),
        Err(code) => return Ok(code),
    }
    let options = RunOptions::new(journal_dir(&args.journals)?, snapshot.organization.id);
    let report = run::unassign(client, &plan, &options, progress_line, Cancel::default()).await?;
    Ok(print_report(&report, Some(&snapshot), format))
}

pub(crate) fn progress_line(progress: run::Progress) {
    let waiting = progress
        .waiting_seconds
        .map(|s| format!(", waiting for Microsoft's limit ({s} s)"))
        .unwrap_or_default();
    eprint!(
        "\r{} done, {} failed, {} left{waiting}   ",
        progress.done, progress.failed, progress.remaining
    );
}

async fn continue_run(args: RunArgs, undo: bool) -> Result<ExitCode, Error> {
    let format = args.results.chosen(args.json)?;
    let dir = journal_dir(&args.journals)?;
    let path = dir.join(format!("{}.jsonl", args.run));
    let record = journal::read(&path)?;
    let client = connect(&args.sign_in).await?;
    let options = RunOptions::new(dir, signed_in_tenant(&client).await?);
    record.check_tenant(options.tenant)?;
    let report = if undo {
        let removed = record.outcomes.values().filter(|o| **o == Outcome::Done).count();
        match confirm(&format!("Put back {removed} licenses?"), args.yes) {
            Ok(true) => {}
            Ok(false) => return Ok(ExitCode::from(4)),
            Err(code) => return Ok(code),
        }
        run::undo(client, &path, &options, progress_line, Cancel::default()).await?
    } else {
        if !record.interrupted() {
            eprintln!("Run {} is {}: nothing to resume.", args.run, state_word(&record));
            for problem in record.problems() {
                eprintln!("warning: {problem}");
            }
            return Ok(if record.damaged() {
                ExitCode::from(3)
            } else {
                ExitCode::SUCCESS
            });
        }
        run::resume(client, &path, &options, progress_line, Cancel::default()).await?
    };
    Ok(print_report(&report, None, format))
}

fn state_word(record: &journal::Record) -> &'static str {
    match record.state() {
        RunState::Finished => "finished",
        RunState::Cancelled => "cancelled",
        RunState::Interrupted => "interrupted",
        RunState::Damaged => "damaged (its record is cut short or unreadable in part)",
    }
}

/// The organisation the sign-in is for: runs are bound to it.
pub(crate) async fn signed_in_tenant(client: &GraphClient) -> Result<Uuid, Error> {
    #[derive(serde::Deserialize)]
    struct Organizations {
        value: Vec<Organization>,
    }
    #[derive(serde::Deserialize)]
    struct Organization {
        id: Uuid,
    }
    let organizations: Organizations = client.get("/organization?$select=id").await?;
    organizations.value.first().map(|o| o.id).ok_or_else(|| {
        Error::new(
            ErrorCode::GraphRequestFailed,
            "Microsoft Graph returned no organisation for this sign-in.",
        )
    })
}

/// One user principal name or object id a line; `#` starts a comment.
pub(crate) fn read_users_file(file: &std::path::Path) -> Result<Vec<String>, Error> {
    let text = std::fs::read_to_string(file).map_err(|e| {
        Error::new(
            ErrorCode::InvalidInput,
            format!(
                "Cannot read the users file {}: give a text file (UTF-8) with one user name or object id a line.",
                file.display()
            ),
        )
        .with_details(e.to_string())
    })?;
    Ok(license_desk_engine::plan::users_listed(&text))
}
