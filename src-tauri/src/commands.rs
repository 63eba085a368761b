//! The IPC surface. Each command only converts between Tauri and the domain.

use std::sync::Arc;
use std::time::Duration;

use license_desk_core::overview::{
    DeviceCodePrompt, ExportFormat, FreedSeats, InterruptedRun, ItemResult, LicenseDetail, LoadProgress,
    PlanPreview, RemovalRequest, ResultItem, ResultPerson, RunEntry, RunFailure, RunProgress, RunSummary,
    SignedIn, TenantOverview, UserPage, UserProduct, UserQuery,
};
use license_desk_core::{cloud::CloudEndpoints, Cloud, Connection, Error, ErrorCode, Settings};
use license_desk_engine::journal::{self, RunKind};
use license_desk_engine::plan::{Plan, Selection};
use license_desk_engine::run::{self, Cancel, Report, RunOptions};
use license_desk_engine::{export, history};
use license_desk_graph::auth::{BrowserSignIn, DeviceSignIn, Session};
use license_desk_graph::keychain::{self, Secret};
use license_desk_graph::retry::RetryPolicy;
use license_desk_graph::{tenant, GraphClient};
use serde::Serialize;
use tauri::ipc::Channel;
use tauri::{AppHandle, State};
use tauri_plugin_opener::OpenerExt;

use crate::state::{AppState, OpenTenant};
use crate::{demo, notify, settings_store, sign_in};

/// How long a browser sign-in may take before it gives up.
pub(crate) const BROWSER_SIGN_IN_TIMEOUT: Duration = Duration::from_secs(300);

pub(crate) fn internal() -> Error {
    Error::new(
        ErrorCode::Internal,
        "License Desk hit an internal error. Restart the app.",
    )
}

pub(crate) fn cancelled() -> Error {
    Error::new(ErrorCode::SignInCancelled, "Signing in was cancelled.")
}

fn set_connection(state: &AppState, connection: Connection) -> Result<(), Error> {
    *state.connection.lock().map_err(|_| internal())? = connection;
    Ok(())
}

#[tauri::command]
#[specta::specta]
pub fn get_settings(app: AppHandle) -> Result<Settings, Error> {
    settings_store::load(&app)
}

#[tauri::command]
#[specta::specta]
pub fn save_settings(app: AppHandle, settings: Settings) -> Result<Settings, Error> {
    settings_store::save(&app, &settings)?;
    Ok(settings)
}

#[tauri::command]
#[specta::specta]
pub fn connection_status(state: State<'_, AppState>) -> Result<Connection, Error> {
    state
        .connection
        .lock()
        .map(|connection| connection.clone())
        .map_err(|_| internal())
}

/// The clouds offered at sign-in, with their hosts.
#[tauri::command]
#[specta::specta]
pub fn clouds() -> Vec<CloudEndpoints> {
    Cloud::ALL.iter().map(|cloud| cloud.endpoints()).collect()
}

/// How the app was started.
#[derive(Debug, Clone, Serialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct StartupOptions {
    /// `license-desk --demo`: open the demo tenant at once.
    pub demo: bool,
    /// `license-desk --open FILE`: open that file for review at once.
    pub open: Option<String>,
}

#[tauri::command]
#[specta::specta]
pub fn startup_options() -> StartupOptions {
    StartupOptions {
        demo: std::env::args().skip(1).any(|a| a == "--demo"),
        open: crate::file_to_open(&std::env::args().collect::<Vec<_>>()),
    }
}

/// The demo's runs, apart from real tenants' runs.
const DEMO_RUNS: &str = "demo-runs";

/// Opens the built-in demo tenant and reads it, reporting progress.
#[tauri::command]
#[specta::specta]
pub async fn open_demo(
    app: AppHandle,
    state: State<'_, AppState>,
    on_progress: Channel<LoadProgress>,
) -> Result<TenantOverview, Error> {
    let mut open = state.open.lock().await;
    // A fresh demo tenant, so a fresh history: runs of an earlier demo
    // would undo or resume changes this one never saw.
    if let Ok(data) = tauri::Manager::path(&app).app_data_dir() {
        let _ = std::fs::remove_dir_all(data.join(DEMO_RUNS));
    }
    // Started with `--demo`, the demo has been opening since the app
    // started; otherwise it opens now.
    let opening_at_start = state.demo_at_start.lock().ok().and_then(|mut task| task.take());
    let demo = match opening_at_start {
        Some(task) => task.await.map_err(|e| {
            Error::new(ErrorCode::Internal, "The demo tenant could not start.").with_details(e.to_string())
        })??,
        None => {
            demo::open_and_read(|progress| {
                // A closed window stops listening; loading goes on regardless.
                let _ = on_progress.send(progress);
            })
            .await?
        }
    };
    let overview = demo.snapshot.overview(Some(demo.admin.summary()));
    *open = Some(OpenTenant {
        client: Some(Arc::new(demo.client)),
        snapshot: demo.snapshot,
        admin: Some(demo.admin),
        pending_plan: None,
        keychain_account: None,
        demo_tenant: Some(demo.tenant),
        offline: None,
    });
    set_connection(&state, Connection::Demo)?;
    Ok(overview)
}

async fn finish_sign_in(
    state: &AppState,
    client: GraphClient,
    delegated: bool,
    keychain_account: Option<String>,
    cloud: Cloud,
    on_progress: &Channel<LoadProgress>,
) -> Result<SignedIn, Error> {
    let (open, signed_in, connection) =
        sign_in::open(client, delegated, keychain_account, cloud, |progress| {
            let _ = on_progress.send(progress);
        })
        .await?;
    *state.open.lock().await = Some(open);
    set_connection(state, connection)?;
    Ok(signed_in)
}

/// Signs in in the system browser (authorization code with PKCE).
#[tauri::command]
#[specta::specta]
pub async fn sign_in_with_browser(
    app: AppHandle,
    state: State<'_, AppState>,
    on_progress: Channel<LoadProgress>,
) -> Result<SignedIn, Error> {
    let settings = settings_store::load(&app)?;
    let target = sign_in::target(&settings)?;
    let pending = BrowserSignIn::start(target.clone()).await?;
    app.opener()
        .open_url(&pending.authorize_url, None::<&str>)
        .map_err(|e| {
            Error::new(
                ErrorCode::SignInFailed,
                "The system browser could not be opened. Sign in with a code instead.",
            )
            .with_details(e.to_string())
        })?;
    let tokens = tokio::select! {
        tokens = pending.finish(BROWSER_SIGN_IN_TIMEOUT) => tokens?,
        () = state.cancel_sign_in.notified() => return Err(cancelled()),
    };
    let (client, kept) = sign_in::delegated(target, &tokens)?;
    finish_sign_in(&state, client, true, kept, settings.cloud, &on_progress).await
}

/// Starts a device code sign-in: the admin opens the page and types the code.
#[tauri::command]
#[specta::specta]
pub async fn start_device_sign_in(
    app: AppHandle,
    state: State<'_, AppState>,
) -> Result<DeviceCodePrompt, Error> {
    let settings = settings_store::load(&app)?;
    let pending = DeviceSignIn::start(sign_in::target(&settings)?).await?;
    let prompt = DeviceCodePrompt {
        user_code: pending.user_code.clone(),
        verification_uri: pending.verification_uri.clone(),
    };
    *state.device.lock().await = Some(pending);
    Ok(prompt)
}

/// Waits for the device code sign-in started last, then reads the tenant.
#[tauri::command]
#[specta::specta]
pub async fn finish_device_sign_in(
    app: AppHandle,
    state: State<'_, AppState>,
    on_progress: Channel<LoadProgress>,
) -> Result<SignedIn, Error> {
    let settings = settings_store::load(&app)?;
    let target = sign_in::target(&settings)?;
    let pending = state.device.lock().await.take().ok_or_else(cancelled)?;
    let tokens = tokio::select! {
        tokens = pending.finish() => tokens?,
        () = state.cancel_sign_in.notified() => return Err(cancelled()),
    };
    let (client, kept) = sign_in::delegated(target, &tokens)?;
    finish_sign_in(&state, client, true, kept, settings.cloud, &on_progress).await
}

/// Signs in as an app registration of the admin's own, with its secret.
#[tauri::command]
#[specta::specta]
pub async fn sign_in_app_only(
    app: AppHandle,
    state: State<'_, AppState>,
    tenant: String,
    client_id: String,
    secret: String,
    remember: bool,
    on_progress: Channel<LoadProgress>,
) -> Result<SignedIn, Error> {
    let settings = Settings {
        tenant,
        client_id: Some(client_id),
        ..settings_store::load(&app)?
    };
    let target = sign_in::target(&settings)?;
    let account = keychain::client_secret_account(&target);
    let session = Session::app_only(target, secret.clone()).await?;
    let client = GraphClient::new(Arc::new(session), RetryPolicy::default())?;
    let kept = (remember && Secret::new(&account).and_then(|s| s.save(&secret)).is_ok()).then_some(account);
    // Restoring needs to know which app and tenant to look up next time.
    settings_store::save(&app, &settings)?;
    finish_sign_in(&state, client, false, kept, settings.cloud, &on_progress).await
}

/// Stops a sign-in that is waiting for the browser or for a code.
#[tauri::command]
#[specta::specta]
pub fn cancel_sign_in(state: State<'_, AppState>) {
    state.cancel_sign_in.notify_waiters();
}

/// Signs in again with what the keychain kept from last time, if anything.
#[tauri::command]
#[specta::specta]
pub async fn restore_sign_in(
    app: AppHandle,
    state: State<'_, AppState>,
    on_progress: Channel<LoadProgress>,
) -> Result<Option<SignedIn>, Error> {
    let settings = settings_store::load(&app)?;
    let target = sign_in::target(&settings)?;
    let Some((client, account, delegated)) = sign_in::restore(target).await? else {
        return Ok(None);
    };
    match finish_sign_in(
        &state,
        client,
        delegated,
        Some(account.clone()),
        settings.cloud,
        &on_progress,
    )
    .await
    {
        Err(error) if error.code == ErrorCode::SignedOut => {
            // Expired or revoked: what is kept opens nothing any more.
            let _ = sign_in::forget(&account);
            Err(error)
        }
        other => other.map(Some),
    }
}

/// Closes what is open; a sign-in is forgotten by the keychain too.
#[tauri::command]
#[specta::specta]
pub async fn sign_out(state: State<'_, AppState>) -> Result<(), Error> {
    let open = state.open.lock().await.take();
    set_connection(&state, Connection::None)?;
    if let Some(account) = open.and_then(|o| o.keychain_account) {
        sign_in::forget(&account)?;
    }
    Ok(())
}

pub(crate) fn no_tenant() -> Error {
    Error::new(
        ErrorCode::Internal,
        "No tenant is open. Sign in or open the demo first.",
    )
}

/// Where the runs of the open tenant are journaled: the demo's apart, as
/// its tenant starts anew each time it is opened.
fn journal_dir(app: &AppHandle, open: &OpenTenant) -> Result<std::path::PathBuf, Error> {
    use tauri::Manager;
    let folder = if open.demo_tenant.is_some() {
        DEMO_RUNS
    } else {
        "runs"
    };
    app.path()
        .app_data_dir()
        .map(|dir| dir.join(folder))
        .map_err(|e| {
            Error::new(ErrorCode::Internal, "The app's data folder is unknown.").with_details(e.to_string())
        })
}

/// Plans a removal (a product from all its holders, or chosen products
/// from chosen users) and keeps the plan until the admin confirms or plans
/// again.
#[tauri::command]
#[specta::specta]
pub async fn plan_removal(state: State<'_, AppState>, request: RemovalRequest) -> Result<PlanPreview, Error> {
    let mut open = state.open.lock().await;
    let open = open.as_mut().ok_or_else(no_tenant)?;
    let sku = |text: &str| {
        text.parse::<uuid::Uuid>().map_err(|_| {
            Error::new(
                ErrorCode::ProductNotInTenant,
                "This product is not in the tenant any more.",
            )
        })
    };
    let name = |sku_id: uuid::Uuid| open.snapshot.product_name(sku_id);
    let (selection, title) = match &request {
        RemovalRequest::AllHolders { sku_id } => {
            let sku_id = sku(sku_id)?;
            (Selection::AllHolders { sku_id }, Some(name(sku_id)))
        }
        RemovalRequest::Users { user_ids, sku_ids } => {
            let sku_ids = sku_ids.iter().map(|s| sku(s)).collect::<Result<Vec<_>, _>>()?;
            let title = (sku_ids.len() == 1).then(|| name(sku_ids[0]));
            (
                Selection::Users {
                    users: user_ids.clone(),
                    sku_ids,
                },
                title,
            )
        }
        RemovalRequest::EverythingOf { user_ids } => (
            Selection::EverythingOf {
                users: user_ids.clone(),
            },
            None,
        ),
        RemovalRequest::Items { items } => (
            Selection::Pairs {
                pairs: items
                    .iter()
                    .map(|i| Ok((i.user_id.clone(), sku(&i.sku_id)?)))
                    .collect::<Result<_, Error>>()?,
            },
            None,
        ),
    };
    let plan = Plan::new(&open.snapshot, &selection);
    // Named by the products the run will change (one product asked for
    // is named even when nobody holds it).
    let title = title.unwrap_or_else(|| {
        let touched: std::collections::BTreeSet<uuid::Uuid> = plan
            .items
            .iter()
            .filter(|i| i.verdict.will_send())
            .map(|i| i.sku_id)
            .filter(|s| !s.is_nil())
            .collect();
        touched.into_iter().map(name).collect::<Vec<_>>().join(", ")
    });
    let admin = open.admin.as_ref().map(|a| a.user_principal_name.clone());
    let preview = plan.preview(&title, &open.snapshot, admin.as_deref());
    open.pending_plan = Some(plan);
    Ok(preview)
}

/// One window of the open tenant's users, searched, filtered and sorted.
#[tauri::command]
#[specta::specta]
pub async fn users(
    state: State<'_, AppState>,
    query: UserQuery,
    offset: u32,
    limit: u32,
) -> Result<UserPage, Error> {
    let open = state.open.lock().await;
    let open = open.as_ref().ok_or_else(no_tenant)?;
    Ok(open
        .snapshot
        .users_page(&query, offset as usize, limit.min(500) as usize))
}

/// The ids of every user a query lists, in its order: for selecting them
/// all, or a range of them.
#[tauri::command]
#[specta::specta]
pub async fn user_ids(state: State<'_, AppState>, query: UserQuery) -> Result<Vec<String>, Error> {
    let open = state.open.lock().await;
    let open = open.as_ref().ok_or_else(no_tenant)?;
    Ok(open.snapshot.user_ids(&query))
}

/// One user's licenses in full: how each is held, what stops it being
/// removed here, and its apps.
#[tauri::command]
#[specta::specta]
pub async fn license_details(
    state: State<'_, AppState>,
    user_id: String,
) -> Result<Vec<LicenseDetail>, Error> {
    let open = state.open.lock().await;
    let open = open.as_ref().ok_or_else(no_tenant)?;
    let gone = || {
        Error::new(
            ErrorCode::UserNotFound,
            "This user is not in the tenant any more. Refresh to see who is.",
        )
    };
    let id: uuid::Uuid = user_id.parse().map_err(|_| gone())?;
    open.snapshot.license_details(id).ok_or_else(gone)
}

/// Everyone in a run, in the order the run listed them, with what became
/// of each of their items.
fn result_people(report: &Report, snapshot: &tenant::TenantPicture) -> Vec<ResultPerson> {
    let mut people: Vec<ResultPerson> = Vec::new();
    let mut index: std::collections::HashMap<String, usize> = Default::default();
    for row in report.named_rows(Some(snapshot)) {
        let result = match row.result.as_str() {
            "done" => ItemResult::Done,
            "failed" => ItemResult::Failed,
            "skipped" => ItemResult::Skipped,
            "not_run" => ItemResult::NotRun,
            _ => ItemResult::Unknown,
        };
        let user_principal_name = row
            .user_principal_name
            .clone()
            .unwrap_or_else(|| row.user.clone());
        let at = *index
            .entry(user_principal_name.to_lowercase())
            .or_insert_with(|| {
                people.push(ResultPerson {
                    display_name: row.display_name.clone(),
                    user_principal_name,
                    items: Vec::new(),
                });
                people.len() - 1
            });
        people[at].items.push(ResultItem {
            product: row.product,
            result,
            reason: (result == ItemResult::Failed).then_some(row.reason).flatten(),
        });
    }
    people
}

fn summary(report: &Report, snapshot: &tenant::TenantPicture, overview: TenantOverview) -> RunSummary {
    let rows = report.rows();
    let count = |result: &str| rows.iter().filter(|r| r.result == result).count() as u32;
    // An undo takes seats again; only a removal frees them.
    let mut freed: std::collections::BTreeMap<uuid::Uuid, u32> = Default::default();
    if report.kind != RunKind::Undo {
        for (index, item) in report.items.iter().enumerate() {
            if item.verdict.frees_a_seat() && report.outcomes.get(&index) == Some(&journal::Outcome::Done) {
                *freed.entry(item.sku_id).or_default() += 1;
            }
        }
    }
    RunSummary {
        run: report.run.to_string(),
        done: count("done"),
        seats_freed: freed.values().sum(),
        freed: freed
            .into_iter()
            .map(|(sku_id, seats)| FreedSeats {
                sku_id: sku_id.to_string(),
                part_number: snapshot
                    .products
                    .iter()
                    .find(|p| p.sku_id == sku_id)
                    .map(|p| p.sku_part_number.clone())
                    .unwrap_or_default(),
                name: snapshot.product_name(sku_id),
                seats,
            })
            .collect(),
        failed: count("failed"),
        not_run: count("not_run"),
        total: rows.len() as u32,
        stopped: report.cancelled,
        skipped: count("skipped"),
        not_run_items: report
            .items
            .iter()
            .zip(&rows)
            .filter(|(_, r)| r.result == "not_run")
            .filter_map(|(item, _)| {
                Some(UserProduct {
                    user_id: item.user_id?.to_string(),
                    sku_id: item.sku_id.to_string(),
                })
            })
            .collect(),
        people: result_people(report, snapshot),
        failures: report
            .items
            .iter()
            .zip(&rows)
            .filter(|(_, r)| r.result == "failed")
            .map(|(item, r)| RunFailure {
                user: r.user_principal_name.clone().unwrap_or_else(|| r.user.clone()),
                user_id: item.user_id.map(|id| id.to_string()),
                sku_id: item.sku_id.to_string(),
                reason: r.reason.clone().unwrap_or_default(),
            })
            .collect(),
        overview,
    }
}

fn progress_sender(on_progress: Channel<RunProgress>) -> impl Fn(run::Progress) + Send + Sync + 'static {
    move |p: run::Progress| {
        let _ = on_progress.send(RunProgress {
            done: p.done,
            failed: p.failed,
            remaining: p.remaining,
            per_second: p.per_second,
            seconds_left: p.seconds_left.map(|s| s.min(u64::from(u32::MAX)) as u32),
            waiting_seconds: p.waiting_seconds.map(|s| s.min(u64::from(u32::MAX)) as u32),
            in_flight: p.in_flight,
            stopping: p.stopping,
            silent_seconds: p.silent_seconds.map(|s| s.min(u64::from(u32::MAX)) as u32),
        });
    }
}

/// Reads the whole tenant again (the admin's "Refresh"). The read goes on
/// without holding the tenant, so the views keep answering meanwhile.
#[tauri::command]
#[specta::specta]
pub async fn refresh_tenant(state: State<'_, AppState>) -> Result<TenantOverview, Error> {
    let (client, tenant) = {
        let guard = state.open.lock().await;
        let open = guard.as_ref().ok_or_else(no_tenant)?;
        (open.client()?, open.snapshot.organization.id)
    };
    let fresh = tenant::load(&client, |_| {}).await?;
    let mut guard = state.open.lock().await;
    let open = guard.as_mut().ok_or_else(no_tenant)?;
    if open.snapshot.organization.id == tenant {
        open.snapshot = fresh;
    }
    Ok(open.overview())
}

/// Makes the run about to start the one `cancel_run` stops; one run at a
/// time.
fn cancellable(state: &AppState) -> Result<Cancel, Error> {
    let mut current = state.cancel_run.lock().map_err(|_| internal())?;
    if current.is_some() {
        return Err(Error::new(
            ErrorCode::RunInProgress,
            "A run is under way. Wait for it to end (or stop it), then try again.",
        ));
    }
    if crate::updates::installing() {
        return Err(Error::new(
            ErrorCode::RunInProgress,
            "An update is being installed and License Desk restarts in a moment: start the run after that.",
        ));
    }
    let cancel = Cancel::default();
    *current = Some(cancel.clone());
    Ok(cancel)
}

/// What a run needs, taken from the open tenant under its lock, which is
/// then let go: the views keep working while the run goes on.
struct RunStart {
    client: Arc<GraphClient>,
    options: RunOptions,
    cancel: Cancel,
    started: std::time::Instant,
}

async fn run_start(app: &AppHandle, state: &AppState, open: &OpenTenant) -> Result<RunStart, Error> {
    Ok(RunStart {
        client: open.client()?,
        options: run_options(app, open)?,
        cancel: cancellable(state)?,
        started: std::time::Instant::now(),
    })
}

/// After any run: nothing is left to cancel, the users it touched are read
/// again (not the whole tenant), and the results are summed up.
async fn after_run(
    app: &AppHandle,
    state: &AppState,
    tenant: uuid::Uuid,
    started: std::time::Instant,
    report: Result<Report, Error>,
) -> Result<RunSummary, Error> {
    *state.cancel_run.lock().map_err(|_| internal())? = None;
    let report = report.inspect_err(|_| notify::run_ended(app, started.elapsed(), &notify::Ended::Failed))?;
    let mut guard = state.open.lock().await;
    let open = guard.as_mut().ok_or_else(no_tenant)?;
    let ended = notify::Ended::of(&report, |sku_id| open.snapshot.product_name(sku_id));
    notify::run_ended(app, started.elapsed(), &ended);
    // The admin may have opened another tenant meanwhile: leave it be.
    if open.snapshot.organization.id == tenant {
        let touched: Vec<uuid::Uuid> = report
            .items
            .iter()
            .filter_map(|item| item.user_id)
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        let client = open.client()?;
        tenant::refresh_users(&client, &mut open.snapshot, &touched).await?;
    }
    Ok(summary(&report, &open.snapshot, open.overview()))
}

/// Where journals go, each naming the open tenant.
fn run_options(app: &AppHandle, open: &OpenTenant) -> Result<RunOptions, Error> {
    Ok(RunOptions::new(
        journal_dir(app, open)?,
        open.snapshot.organization.id,
    ))
}

/// Every run of the open tenant, newest first.
fn tenant_runs(app: &AppHandle, open: &OpenTenant) -> Result<Vec<journal::Record>, Error> {
    let tenant = open.snapshot.organization.id;
    Ok(journal::list(&journal_dir(app, open)?)
        .into_iter()
        .map(|(_, record)| record)
        .filter(|record| record.tenant == Some(tenant))
        .collect())
}

/// The journal of `run_id`, which must be a run of the open tenant: a run is
/// never resumed or undone anywhere else.
pub(crate) fn tenant_journal(
    app: &AppHandle,
    open: &OpenTenant,
    run_id: &str,
) -> Result<std::path::PathBuf, Error> {
    let run_id: uuid::Uuid = run_id.parse().map_err(|_| {
        Error::new(
            ErrorCode::RunNotFound,
            "That run is unknown. Open the run history to find it.",
        )
    })?;
    let path = journal_dir(app, open)?.join(format!("{run_id}.jsonl"));
    journal::read(&path)?.check_tenant(open.snapshot.organization.id)?;
    Ok(path)
}

/// Runs the plan the admin confirmed.
#[tauri::command]
#[specta::specta]
pub async fn run_plan(
    app: AppHandle,
    state: State<'_, AppState>,
    on_progress: Channel<RunProgress>,
) -> Result<RunSummary, Error> {
    let (start, plan) = {
        let mut guard = state.open.lock().await;
        let open = guard.as_mut().ok_or_else(no_tenant)?;
        let start = run_start(&app, &state, open).await?;
        let Some(plan) = open.pending_plan.take() else {
            *state.cancel_run.lock().map_err(|_| internal())? = None;
            return Err(Error::new(
                ErrorCode::Internal,
                "There is no plan to run. Plan again.",
            ));
        };
        (start, plan)
    };
    let tenant = start.options.tenant;
    let report = run::unassign(
        start.client,
        &plan,
        &start.options,
        progress_sender(on_progress),
        start.cancel,
    )
    .await;
    after_run(&app, &state, tenant, start.started, report).await
}

/// Puts back what a run removed.
#[tauri::command]
#[specta::specta]
pub async fn undo_run(
    app: AppHandle,
    state: State<'_, AppState>,
    run_id: String,
    on_progress: Channel<RunProgress>,
) -> Result<RunSummary, Error> {
    let (start, path) = {
        let guard = state.open.lock().await;
        let open = guard.as_ref().ok_or_else(no_tenant)?;
        let path = tenant_journal(&app, open, &run_id)?;
        (run_start(&app, &state, open).await?, path)
    };
    let tenant = start.options.tenant;
    let report = run::undo(
        start.client,
        &path,
        &start.options,
        progress_sender(on_progress),
        start.cancel,
    )
    .await;
    after_run(&app, &state, tenant, start.started, report).await
}

/// Stops the run under way: what is in flight finishes, the rest is not run.
#[tauri::command]
#[specta::specta]
pub fn cancel_run(state: State<'_, AppState>) -> Result<(), Error> {
    if let Some(cancel) = state.cancel_run.lock().map_err(|_| internal())?.as_ref() {
        cancel.cancel();
    }
    Ok(())
}

/// Runs of the open tenant that stopped before they finished.
#[tauri::command]
#[specta::specta]
pub async fn interrupted_runs(
    app: AppHandle,
    state: State<'_, AppState>,
) -> Result<Vec<InterruptedRun>, Error> {
    let open = state.open.lock().await;
    let Some(open) = open.as_ref() else {
        return Ok(Vec::new());
    };
    Ok(tenant_runs(&app, open)?
        .into_iter()
        .filter(journal::Record::interrupted)
        .map(|record| {
            let entry = history::entry(&record, |sku_id| open.snapshot.product_name(sku_id));
            InterruptedRun {
                run: record.run.to_string(),
                settled: record.outcomes.len() as u32,
                total: record.items.len() as u32,
                undo: record.kind == RunKind::Undo,
                products: entry.products,
                users: entry.users,
                started_at: entry.started_at,
            }
        })
        .collect())
}

/// Continues an interrupted run: what was in flight is checked first.
#[tauri::command]
#[specta::specta]
pub async fn resume_run(
    app: AppHandle,
    state: State<'_, AppState>,
    run_id: String,
    on_progress: Channel<RunProgress>,
) -> Result<RunSummary, Error> {
    let (start, path) = {
        let guard = state.open.lock().await;
        let open = guard.as_ref().ok_or_else(no_tenant)?;
        let path = tenant_journal(&app, open, &run_id)?;
        (run_start(&app, &state, open).await?, path)
    };
    let tenant = start.options.tenant;
    let report = run::resume(
        start.client,
        &path,
        &start.options,
        progress_sender(on_progress),
        start.cancel,
    )
    .await;
    after_run(&app, &state, tenant, start.started, report).await
}

/// Opens the admin center's subscriptions page of the chosen cloud, where
/// freed seats stop being paid for.
#[tauri::command]
#[specta::specta]
pub fn open_subscriptions(app: AppHandle) -> Result<(), Error> {
    let settings = settings_store::load(&app)?;
    app.opener()
        .open_url(settings.cloud.endpoints().subscriptions_page(), None::<&str>)
        .map_err(|e| {
            Error::new(ErrorCode::Internal, "The system browser could not be opened.")
                .with_details(e.to_string())
        })
}

/// Every past run of the open tenant, newest first.
#[tauri::command]
#[specta::specta]
pub async fn run_history(app: AppHandle, state: State<'_, AppState>) -> Result<Vec<RunEntry>, Error> {
    let open = state.open.lock().await;
    let Some(open) = open.as_ref() else {
        return Ok(Vec::new());
    };
    Ok(history::entries(&tenant_runs(&app, open)?, |sku_id| {
        open.snapshot.product_name(sku_id)
    }))
}

/// Saves a run's per-user results at `path` (where the save dialog of
/// `choose_file` said), in `format` and the app's language, all or
/// nothing, and says where.
#[tauri::command]
#[specta::specta]
pub async fn export_run(
    app: AppHandle,
    state: State<'_, AppState>,
    run_id: String,
    path: String,
    format: ExportFormat,
) -> Result<String, Error> {
    let open = state.open.lock().await;
    let open = open.as_ref().ok_or_else(no_tenant)?;
    let journal_path = tenant_journal(&app, open, &run_id)?;
    let report = Report::from_record(journal_path.clone(), journal::read(&journal_path)?);
    let rows = report.named_rows(Some(&open.snapshot));
    let language = crate::offline::export_language(&app);
    let written = export::write(std::path::Path::new(&path), &rows, format, language)?;
    Ok(written.display().to_string())
}
