//! Runs: a plan's changes sent through `$batch`, twenty at a time, several
//! batches in flight, as fast as Microsoft's limits allow and never faster.
//!
//! Concurrency adapts: it halves whenever the client had to wait on a
//! throttle and grows by one after each batch answered without waiting.
//! Every item is journaled before it is sent and again with its outcome; an
//! item whose answer was lost is checked against the tenant before anything
//! is sent again, so no change is lost or made twice.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use license_desk_core::{Error, ErrorCode};
use license_desk_graph::client::{Answer, Notice, Request};
use license_desk_graph::failure::GraphFailure;
use license_desk_graph::GraphClient;
use license_desk_tenant::model::LicenseAssignmentState;
use serde::Deserialize;
use serde_json::json;
use tokio::task::JoinSet;
use uuid::Uuid;

use crate::journal::{self, Entry, Journal, Outcome, Record, RunKind};
use crate::plan::{Plan, PlanItem};

const BATCH_SIZE: usize = 20;
/// Batches of reads checking the tenant, side by side.
const PARALLEL_CHECKS: usize = 4;
/// Rounds of "check the tenant, resend what is missing" at a run's end.
const SETTLING_ROUNDS: usize = 3;

#[derive(Debug, Clone)]
pub struct RunOptions {
    /// Where journals live (the app's data folder).
    pub journal_dir: PathBuf,
    /// The tenant (organisation id) the run changes, kept in its journal;
    /// a run is only ever resumed or undone there.
    pub tenant: Uuid,
    /// The most batches in flight at once.
    pub max_in_flight: usize,
}

impl RunOptions {
    pub fn new(journal_dir: impl Into<PathBuf>, tenant: Uuid) -> Self {
        Self {
            journal_dir: journal_dir.into(),
            tenant,
            max_in_flight: 8,
        }
    }
}

/// Progress of a run, as often as batches are answered.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Progress {
    pub done: u32,
    pub failed: u32,
    pub remaining: u32,
    /// Changes made per second so far.
    pub per_second: f64,
    pub seconds_left: Option<u64>,
    /// Set while waiting on Microsoft's limit, for this many seconds.
    pub waiting_seconds: Option<u64>,
    /// Changes sent and not answered yet.
    pub in_flight: u32,
    /// Stop was asked for: what is in flight finishes, nothing more is sent.
    pub stopping: bool,
    /// Set when no answer has come for this many seconds (and no limit
    /// explains the wait); the time left is then unknown.
    pub silent_seconds: Option<u64>,
}

/// How long without an answer before a run says so.
const SILENCE_SHOWN_AFTER: Duration = Duration::from_secs(5);
/// How often progress is sent while nothing else happens.
const HEARTBEAT: Duration = Duration::from_millis(500);

/// Stops a run: batches in flight finish, the rest is marked not run.
#[derive(Debug, Clone, Default)]
pub struct Cancel(Arc<AtomicBool>);

impl Cancel {
    pub fn cancel(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    fn requested(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

/// How a run ended, item by item.
#[derive(Debug, Clone)]
pub struct Report {
    pub run: Uuid,
    pub kind: RunKind,
    pub journal: PathBuf,
    pub items: Vec<PlanItem>,
    pub outcomes: BTreeMap<usize, Outcome>,
    pub cancelled: bool,
    /// What the run's record could not say (damage, a record cut short).
    pub problems: Vec<String>,
}

impl Report {
    /// The report of a run as its journal (at `journal`) recorded it.
    pub fn from_record(journal: PathBuf, record: Record) -> Self {
        Self {
            run: record.run,
            kind: record.kind,
            journal,
            cancelled: record.cancelled(),
            problems: record.problems(),
            items: record.items,
            outcomes: record.outcomes,
        }
    }

    pub fn count(&self, wanted: fn(&Outcome) -> bool) -> usize {
        self.outcomes.values().filter(|o| wanted(o)).count()
    }
}

/// How an item's user is addressed in Graph: by id when known.
fn user_key(item: &PlanItem) -> String {
    item.user_id
        .map(|id| id.to_string())
        .unwrap_or_else(|| item.user.clone())
}

/// The one request that makes (or, for an undo, reverses) every item of
/// `group`, all of one user: one write for the person, however many
/// products.
fn request(kind: RunKind, items: &[PlanItem], group: &[usize]) -> Request {
    let user = user_key(&items[group[0]]);
    let body = match kind {
        RunKind::Unassign => json!({
            "addLicenses": [],
            "removeLicenses": group.iter().map(|&i| items[i].sku_id).collect::<Vec<_>>()
        }),
        RunKind::Undo => json!({
            "addLicenses": group
                .iter()
                .map(|&i| json!({"skuId": items[i].sku_id, "disabledPlans": items[i].disabled_plans_before}))
                .collect::<Vec<_>>(),
            "removeLicenses": []
        }),
    };
    Request::post(format!("/users/{user}/assignLicense"), body)
}

/// `indices` by user, in order of first appearance: one group a person.
fn by_user(items: &[PlanItem], indices: &[usize]) -> Vec<Vec<usize>> {
    let mut groups: Vec<Vec<usize>> = Vec::new();
    let mut at: HashMap<String, usize> = HashMap::new();
    for &index in indices {
        let key = user_key(&items[index]).to_lowercase();
        match at.get(&key) {
            Some(&group) => groups[group].push(index),
            None => {
                at.insert(key, groups.len());
                groups.push(vec![index]);
            }
        }
    }
    groups
}

fn outcome_of(kind: RunKind, item: &PlanItem, answer: &Answer) -> Outcome {
    if (200..300).contains(&answer.status) {
        return Outcome::Done;
    }
    let error = GraphFailure::from_body(answer.status, &answer.body, &answer.client_request_id).into_error();
    tracing::warn!(
        status = answer.status,
        code = ?error.code,
        client_request_id = answer.client_request_id,
        "a change was refused: {}",
        error.message
    );
    let message = match (kind, error.code) {
        (RunKind::Unassign, ErrorCode::LicenseInherited) => {
            let groups: Vec<String> = match &item.verdict {
                crate::plan::Verdict::RemoveDirectSeatStays { groups }
                | crate::plan::Verdict::InheritedOnly { groups } => groups
                    .iter()
                    .map(|g| g.name.clone().unwrap_or_else(|| g.id.to_string()))
                    .collect(),
                _ => Vec::new(),
            };
            if groups.is_empty() {
                error.message
            } else {
                format!("{} Group: {}.", error.message, groups.join(", "))
            }
        }
        (RunKind::Undo, ErrorCode::NoFreeSeats) => {
            "Its seat was taken meanwhile: free one or buy another, then put it back.".to_owned()
        }
        (RunKind::Undo, ErrorCode::ProductNotInTenant) => {
            "The product is no longer in your organisation, so it cannot be put back.".to_owned()
        }
        _ => error.message,
    };
    Outcome::Failed {
        code: error.code,
        message,
    }
}

/// Starts a run of `plan`: journals every item, then sends what will change.
pub async fn unassign(
    client: Arc<GraphClient>,
    plan: &Plan,
    options: &RunOptions,
    progress: impl Fn(Progress) + Send + Sync + 'static,
    cancel: Cancel,
) -> Result<Report, Error> {
    start(client, None, plan.items.clone(), &[], options, progress, cancel).await
}

/// Reverses a finished (or cancelled) run: puts back what it removed, with
/// the same disabled service plans, as a journaled run of its own.
pub async fn undo(
    client: Arc<GraphClient>,
    journal_path: &Path,
    options: &RunOptions,
    progress: impl Fn(Progress) + Send + Sync + 'static,
    cancel: Cancel,
) -> Result<Report, Error> {
    let record = journal::read(journal_path)?;
    record.check_tenant(options.tenant)?;
    // The run undone stays locked meanwhile: no resume of it, no second undo.
    let _original = journal::lock(journal_path)?;
    if record.kind != RunKind::Unassign {
        return Err(Error::new(
            ErrorCode::Internal,
            "Only a run that removed licenses can be undone.",
        ));
    }
    let removed: Vec<PlanItem> = record.done_items().cloned().collect();
    // What is back already (put back by hand, or the user is gone) is not
    // sent again: the undo says so rather than claim it.
    let every: Vec<usize> = (0..removed.len()).collect();
    let (already_back, _) = check_tenant(&client, RunKind::Undo, &removed, &every).await?;
    start(
        client,
        Some(record.run),
        removed,
        &already_back,
        options,
        progress,
        cancel,
    )
    .await
}

/// Journals and runs `items`: a removal, or (`undoes` naming the run it
/// reverses) an undo, with `already_made` the items found already back.
async fn start(
    client: Arc<GraphClient>,
    undoes: Option<Uuid>,
    items: Vec<PlanItem>,
    already_made: &[usize],
    options: &RunOptions,
    progress: impl Fn(Progress) + Send + Sync + 'static,
    cancel: Cancel,
) -> Result<Report, Error> {
    let kind = if undoes.is_some() {
        RunKind::Undo
    } else {
        RunKind::Unassign
    };
    let run = Uuid::new_v4();
    let mut journal = Journal::create(
        &options.journal_dir,
        run,
        kind,
        undoes,
        options.tenant,
        items.len(),
    )?;
    let mut entries: Vec<Entry> = items
        .iter()
        .enumerate()
        .map(|(item, plan)| Entry::Planned {
            item,
            plan: plan.clone(),
        })
        .collect();
    // A plan sends only what will change; an undo, what is not back yet.
    let skipped: Vec<usize> = match kind {
        RunKind::Unassign => (0..items.len())
            .filter(|&i| !items[i].verdict.will_send())
            .collect(),
        RunKind::Undo => already_made.to_vec(),
    };
    entries.extend(skipped.iter().map(|&item| Entry::Outcome {
        item,
        outcome: Outcome::Skipped,
    }));
    journal.write(&entries)?;
    let path = journal.path().to_owned();
    tracing::info!(
        run = %run,
        kind = ?kind,
        undoes = ?undoes,
        items = items.len(),
        to_send = items.len() - skipped.len(),
        "run started"
    );
    let report = execute(client, journal, &path, options, progress, cancel).await;
    log_end(run, &report);
    report
}

/// Logs how a run ended, with its counts, or why it stopped.
fn log_end(run: Uuid, report: &Result<Report, Error>) {
    match report {
        Ok(report) => tracing::info!(
            run = %run,
            done = report.count(|o| *o == Outcome::Done),
            failed = report.count(|o| matches!(o, Outcome::Failed { .. })),
            skipped = report.count(|o| *o == Outcome::Skipped),
            not_run = report.count(|o| *o == Outcome::NotRun),
            unsettled = report.items.len().saturating_sub(report.outcomes.len()),
            cancelled = report.cancelled,
            "run ended"
        ),
        Err(error) => tracing::error!(
            run = %run,
            code = ?error.code,
            details = error.details.as_deref().unwrap_or_default(),
            "run stopped: {}",
            error.message
        ),
    }
}

/// Continues an interrupted run: what was in flight is checked against the
/// tenant first, then whatever was never sent is sent.
pub async fn resume(
    client: Arc<GraphClient>,
    journal_path: &Path,
    options: &RunOptions,
    progress: impl Fn(Progress) + Send + Sync + 'static,
    cancel: Cancel,
) -> Result<Report, Error> {
    let record = journal::read(journal_path)?;
    record.check_tenant(options.tenant)?;
    let journal = Journal::reopen(journal_path)?;
    tracing::info!(
        run = %record.run,
        kind = ?record.kind,
        items = record.items.len(),
        settled = record.outcomes.len(),
        "run resumed"
    );
    let report = execute(client, journal, journal_path, options, progress, cancel).await;
    log_end(record.run, &report);
    report
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct States {
    #[serde(default)]
    license_assignment_states: Vec<LicenseAssignmentState>,
}

/// Of `indices`, which changes are already in the tenant, read afresh
/// (twenty users to a batch of reads): `(made, not_made)`.
async fn check_tenant(
    client: &GraphClient,
    kind: RunKind,
    items: &[PlanItem],
    indices: &[usize],
) -> Result<(Vec<usize>, Vec<usize>), Error> {
    let (mut made, mut not_made) = (Vec::new(), Vec::new());
    let groups = by_user(items, indices);
    // One read a person, however many of their items are in question;
    // batches of twenty reads, a few side by side.
    let chunks: Vec<&[Vec<usize>]> = groups.chunks(BATCH_SIZE).collect();
    let mut answered: Vec<(&[Vec<usize>], Vec<Answer>)> = Vec::new();
    for wave in chunks.chunks(PARALLEL_CHECKS) {
        let reads = wave.iter().map(|chunk| {
            let requests: Vec<Request> = chunk
                .iter()
                .map(|group| {
                    let user = user_key(&items[group[0]]);
                    Request::get(format!("/users/{user}?$select=id,licenseAssignmentStates"))
                })
                .collect();
            async move { client.batch(&requests).await }
        });
        for (chunk, answers) in wave.iter().zip(futures_util::future::join_all(reads).await) {
            answered.push((chunk, answers?));
        }
    }
    for (chunk, answers) in answered {
        for (group, answer) in chunk.iter().zip(answers) {
            let states: Option<States> = match answer.status {
                // The user is gone: nothing of theirs is left to change.
                404 => None,
                200..=299 => Some(serde_json::from_value(answer.body).unwrap_or(States {
                    license_assignment_states: Vec::new(),
                })),
                _ => {
                    return Err(GraphFailure::from_body(
                        answer.status,
                        &answer.body,
                        &answer.client_request_id,
                    )
                    .into_error())
                }
            };
            for &index in group {
                let done = states.as_ref().is_none_or(|states| {
                    let held_directly = states
                        .license_assignment_states
                        .iter()
                        .any(|s| s.sku_id == items[index].sku_id && s.assigned_by_group.is_none());
                    match kind {
                        RunKind::Unassign => !held_directly,
                        RunKind::Undo => held_directly,
                    }
                });
                if done {
                    made.push(index);
                } else {
                    not_made.push(index);
                }
            }
        }
    }
    Ok((made, not_made))
}

struct Shared {
    journal: Mutex<Journal>,
    done: AtomicU64,
    failed: AtomicU64,
    throttle: Arc<ThrottleSeen>,
}

/// What the client's watcher reports. Kept apart from the journal: the
/// client holds its watcher until told otherwise, and a run dropped
/// mid-way (a crash in tests) must still let go of its journal's lock.
#[derive(Default)]
struct ThrottleSeen {
    throttled: AtomicBool,
    waiting_until: Mutex<Option<Instant>>,
}

fn write(shared: &Shared, entries: &[Entry]) -> Result<(), Error> {
    shared
        .journal
        .lock()
        .map_err(|_| Error::new(ErrorCode::Internal, "The run's record is unusable."))?
        .write(entries)
}

/// Records a batch's answers, item by item, and counts them.
fn record_answers(
    shared: &Shared,
    kind: RunKind,
    items: &[PlanItem],
    answers: &[(usize, Answer)],
) -> Result<(), Error> {
    let entries: Vec<Entry> = answers
        .iter()
        .map(|&(item, ref answer)| {
            let outcome = outcome_of(kind, &items[item], answer);
            let counter = if outcome == Outcome::Done {
                &shared.done
            } else {
                &shared.failed
            };
            counter.fetch_add(1, Ordering::SeqCst);
            Entry::Outcome { item, outcome }
        })
        .collect();
    write(shared, &entries)
}

/// Sends one batch (already journaled as sending) and records what its
/// answers settle. A change whose answer was lost stays "sent, no outcome",
/// to be checked against the tenant; any other failure stops the run after
/// the settled answers are recorded, and the run can be resumed.
async fn send(
    client: &GraphClient,
    shared: &Shared,
    kind: RunKind,
    items: &[PlanItem],
    batch: &[usize],
) -> Result<(), Error> {
    let mut failure = None;
    let mut refused: Vec<usize> = Vec::new();
    for chunk in by_user(items, batch).chunks(BATCH_SIZE) {
        let requests: Vec<Request> = chunk.iter().map(|group| request(kind, items, group)).collect();
        let mut answered: Vec<(usize, Answer)> = Vec::new();
        for (group, result) in chunk.iter().zip(client.batch_each(&requests).await) {
            match result {
                Ok(answer) if (200..300).contains(&answer.status) || group.len() == 1 => {
                    answered.extend(group.iter().map(|&item| (item, answer.clone())));
                }
                // Graph checks a whole call before changing anything: one
                // product it refuses sinks the others, which go again alone.
                Ok(_) => refused.extend(group),
                Err(error) if error.code == ErrorCode::OutcomeUnknown => {}
                Err(error) => failure = failure.or(Some(error)),
            }
        }
        record_answers(shared, kind, items, &answered)?;
    }
    for chunk in refused.chunks(BATCH_SIZE) {
        let requests: Vec<Request> = chunk.iter().map(|&item| request(kind, items, &[item])).collect();
        let mut answered: Vec<(usize, Answer)> = Vec::new();
        for (&item, result) in chunk.iter().zip(client.batch_each(&requests).await) {
            match result {
                Ok(answer) => answered.push((item, answer)),
                Err(error) if error.code == ErrorCode::OutcomeUnknown => {}
                Err(error) => failure = failure.or(Some(error)),
            }
        }
        record_answers(shared, kind, items, &answered)?;
    }
    failure.map_or(Ok(()), Err)
}

/// Records items found already made in the tenant as done.
fn record_made(shared: &Shared, made: &[usize]) -> Result<(), Error> {
    let entries: Vec<Entry> = made
        .iter()
        .map(|&item| Entry::Outcome {
            item,
            outcome: Outcome::Done,
        })
        .collect();
    write(shared, &entries)?;
    shared.done.fetch_add(made.len() as u64, Ordering::SeqCst);
    Ok(())
}

async fn execute(
    client: Arc<GraphClient>,
    journal: Journal,
    path: &Path,
    options: &RunOptions,
    progress: impl Fn(Progress) + Send + Sync + 'static,
    cancel: Cancel,
) -> Result<Report, Error> {
    let record = journal::read(path)?;
    let kind = record.kind;
    let shared = Arc::new(Shared {
        journal: Mutex::new(journal),
        done: AtomicU64::new(record.outcomes.values().filter(|o| **o == Outcome::Done).count() as u64),
        failed: AtomicU64::new(
            record
                .outcomes
                .values()
                .filter(|o| matches!(o, Outcome::Failed { .. }))
                .count() as u64,
        ),
        throttle: Arc::default(),
    });

    // First settle what was in flight when the process stopped.
    let (made, mut to_send) = check_tenant(&client, kind, &record.items, &record.unknown()).await?;
    record_made(&shared, &made)?;
    to_send.extend(record.remaining());
    to_send.sort_unstable();

    let watcher_state = shared.throttle.clone();
    client.watch(Some(Arc::new(move |notice| {
        let Notice::Throttled { wait } = notice;
        watcher_state.throttled.store(true, Ordering::SeqCst);
        if let Ok(mut until) = watcher_state.waiting_until.lock() {
            *until = Some(Instant::now() + wait);
        }
    })));

    let total_to_send = to_send.len() as u64;
    let started = Instant::now();
    let done_before = shared.done.load(Ordering::SeqCst);
    let report_progress = |shared: &Shared, settled: u64, in_flight: u64, last_answer: Instant| {
        let done = shared.done.load(Ordering::SeqCst);
        let made_now = done.saturating_sub(done_before);
        let elapsed = started.elapsed().as_secs_f64().max(0.001);
        let per_second = made_now as f64 / elapsed;
        let remaining = total_to_send.saturating_sub(settled);
        let waiting_seconds = shared
            .throttle
            .waiting_until
            .lock()
            .ok()
            .and_then(|until| *until)
            .and_then(|until| until.checked_duration_since(Instant::now()))
            .map(|d| d.as_secs_f64().ceil() as u64)
            .filter(|s| *s > 0);
        // A wait Microsoft asked for is not silence; anything else past a
        // few seconds is, and then no time left is promised.
        let silent = last_answer.elapsed();
        let silent_seconds = (waiting_seconds.is_none() && in_flight > 0 && silent >= SILENCE_SHOWN_AFTER)
            .then_some(silent.as_secs());
        progress(Progress {
            done: done as u32,
            failed: shared.failed.load(Ordering::SeqCst) as u32,
            remaining: remaining as u32,
            per_second,
            seconds_left: (per_second > 0.0 && silent_seconds.is_none())
                .then(|| (remaining as f64 / per_second).ceil() as u64),
            waiting_seconds,
            in_flight: in_flight as u32,
            stopping: cancel.requested(),
            silent_seconds,
        });
    };

    let items: Arc<Vec<PlanItem>> = Arc::new(record.items.clone());
    // Twenty people a batch, each person's items in one request.
    let batches: Vec<Vec<usize>> = by_user(&items, &to_send)
        .chunks(BATCH_SIZE)
        .map(|people| people.concat())
        .collect();
    let mut queue = batches.into_iter();
    let mut in_flight: JoinSet<(usize, Result<(), Error>)> = JoinSet::new();
    let mut items_in_flight = 0u64;
    let mut limit = 2.min(options.max_in_flight.max(1));
    let mut settled = 0u64;
    let mut failure: Option<Error> = None;
    let mut last_answer = Instant::now();
    let mut heartbeat = tokio::time::interval(HEARTBEAT);
    heartbeat.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        while failure.is_none() && !cancel.requested() && in_flight.len() < limit {
            let Some(batch) = queue.next() else { break };
            write(&shared, &[Entry::Sending { items: batch.clone() }])?;
            items_in_flight += batch.len() as u64;
            let (client, shared, items) = (client.clone(), shared.clone(), items.clone());
            in_flight.spawn(async move {
                let sent = send(&client, &shared, kind, &items, &batch).await;
                (batch.len(), sent)
            });
        }
        if in_flight.is_empty() {
            break;
        }
        // While answers are awaited, progress still goes out: the admin
        // sees a stall, or a Stop being honoured, as it happens.
        let finished = tokio::select! {
            finished = in_flight.join_next() => finished,
            _ = heartbeat.tick() => {
                report_progress(&shared, settled, items_in_flight, last_answer);
                continue;
            }
        };
        let Some(finished) = finished else { break };
        last_answer = Instant::now();
        match finished {
            Ok((count, sent)) => {
                items_in_flight = items_in_flight.saturating_sub(count as u64);
                if let Err(error) = sent {
                    failure = failure.or(Some(error));
                    report_progress(&shared, settled, items_in_flight, last_answer);
                    continue;
                }
                settled += count as u64;
                // Additive increase, multiplicative decrease.
                if shared.throttle.throttled.swap(false, Ordering::SeqCst) {
                    limit = (limit / 2).max(1);
                } else {
                    limit = (limit + 1).min(options.max_in_flight.max(1));
                }
            }
            Err(join) => {
                failure = failure.or(Some(
                    Error::new(ErrorCode::Internal, "A batch stopped unexpectedly.")
                        .with_details(join.to_string()),
                ))
            }
        }
        report_progress(&shared, settled, items_in_flight, last_answer);
    }
    client.watch(None);
    if let Some(error) = failure {
        // The journal shows what is left; the run can be resumed.
        return Err(error);
    }

    // Answers lost in flight: look at the tenant, then send what is missing,
    // a few rounds at most; what is still unknown then waits for a resume.
    for _ in 0..SETTLING_ROUNDS {
        let lost = journal::read(path)?.unknown();
        if lost.is_empty() {
            break;
        }
        let (made, missing) = check_tenant(&client, kind, &items, &lost).await?;
        record_made(&shared, &made)?;
        for people in by_user(&items, &missing).chunks(BATCH_SIZE) {
            let chunk = people.concat();
            write(&shared, &[Entry::Sending { items: chunk.clone() }])?;
            send(&client, &shared, kind, &items, &chunk).await?;
        }
    }

    let record = journal::read(path)?;
    if !record.unknown().is_empty() {
        // Still no answer for some: the run stays open for a resume.
    } else if cancel.requested() {
        let not_run: Vec<Entry> = record
            .remaining()
            .into_iter()
            .map(|item| Entry::Outcome {
                item,
                outcome: Outcome::NotRun,
            })
            .chain(std::iter::once(Entry::Cancelled { at: journal::now() }))
            .collect();
        write(&shared, &not_run)?;
    } else if record.settled() {
        write(&shared, &[Entry::Finished { at: journal::now() }])?;
    }
    let record = journal::read(path)?;
    Ok(Report::from_record(path.to_owned(), record))
}
