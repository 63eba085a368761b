//! The engine against the local tenant: plans classify every case, runs
//! make every change once, the journal accounts for every item, an
//! interrupted run resumes, and undo puts the tenant back exactly.
#![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use graph_emulator::apps::{APP_ONLY_CLIENT_ID, APP_ONLY_SECRET};
use graph_emulator::{catalog, generate, model::Tenant, throttle::ThrottleMode, Config, Emulator};
use license_desk_engine::journal::{self, Outcome};
use license_desk_engine::plan::{Plan, Selection, Verdict};
use license_desk_engine::run::{self, Cancel, RunOptions};
use license_desk_graph::auth::{Session, SignInTarget};
use license_desk_graph::retry::RetryPolicy;
use license_desk_graph::tenant::{load, TenantPicture};
use license_desk_graph::{Endpoints, GraphClient};

async fn connect(config: Config) -> (Emulator, Arc<GraphClient>) {
    let emulator = Emulator::start(config).await.unwrap();
    let target = SignInTarget {
        endpoints: Endpoints::local(emulator.base_url(), None),
        tenant: emulator.tenant_id().to_string(),
        client_id: APP_ONLY_CLIENT_ID.to_string(),
    };
    let session = Session::app_only(target, APP_ONLY_SECRET.to_owned())
        .await
        .unwrap();
    let policy = RetryPolicy {
        base_delay: Duration::from_millis(20),
        max_delay: Duration::from_millis(300),
        max_elapsed: Duration::from_secs(120),
    };
    (
        emulator,
        Arc::new(GraphClient::new(Arc::new(session), policy).unwrap()),
    )
}

async fn snapshot(client: &GraphClient) -> TenantPicture {
    load(client, |_| {}).await.unwrap()
}

fn journal_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("license-desk-runs-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The tenant with each user's licenses in a fixed order: Graph keeps no
/// order, so a license put back may stand elsewhere in the list.
fn normalized(mut tenant: Tenant) -> Tenant {
    for user in &mut tenant.users {
        user.assigned_licenses.sort_by_key(|l| l.sku_id);
        for license in &mut user.assigned_licenses {
            license.disabled_plans.sort();
        }
    }
    tenant
}

/// Compares two tenants user by user, naming the first difference.
fn assert_same_tenant(actual: Tenant, expected: &Tenant) {
    let (actual, expected) = (normalized(actual), normalized(expected.clone()));
    for (a, e) in actual.users.iter().zip(&expected.users) {
        assert_eq!(
            a.assigned_licenses, e.assigned_licenses,
            "{}",
            e.user_principal_name
        );
    }
    assert!(actual == expected, "the tenants differ outside users' licenses");
}

/// Waits until the run's journal satisfies `ready`.
async fn wait_for_journal(dir: &std::path::Path, ready: impl Fn(&journal::Record) -> bool) {
    for _ in 0..500 {
        if journal::list(dir)
            .first()
            .is_some_and(|(_, record)| ready(record))
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    panic!("the run's journal never got there");
}

/// Resumes once the run's lock is free: an aborted task's batches let go
/// of the journal only when the runtime drops them, as a killed process's
/// lock goes only when the process is gone.
async fn resume_once_free(
    client: Arc<GraphClient>,
    path: &std::path::Path,
    options: &RunOptions,
) -> Result<run::Report, license_desk_core::Error> {
    loop {
        match run::resume(client.clone(), path, options, |_| {}, Cancel::default()).await {
            Err(error) if error.code == license_desk_core::ErrorCode::RunInProgress => {
                tokio::time::sleep(Duration::from_millis(10)).await
            }
            other => return other,
        }
    }
}

fn direct_holders(tenant: &Tenant, sku: uuid::Uuid) -> usize {
    tenant
        .users
        .iter()
        .filter(|u| u.assigned_licenses.iter().any(|l| l.sku_id == sku))
        .count()
}

#[tokio::test]
async fn plans_say_what_will_change_and_what_cannot() {
    let mut config = Config::new(generate::demo());
    config.throttle = ThrottleMode::Off;
    let (_tenant, client) = connect(config).await;
    let snapshot = snapshot(&client).await;

    let e3 = Plan::new(
        &snapshot,
        &Selection::AllHolders {
            sku_id: catalog::M365_E3.sku_id,
        },
    );
    assert!(e3.items.iter().any(|i| matches!(&i.verdict, Verdict::InheritedOnly { groups } if groups[0].name.as_deref() == Some("Engineering (dynamic)"))));
    assert!(e3
        .items
        .iter()
        .any(|i| matches!(&i.verdict, Verdict::RemoveDirectSeatStays { .. })));
    let counts = &e3.counts()[&catalog::M365_E3.sku_id];
    assert_eq!(
        counts.seats_freed, 0,
        "every E3 holder keeps it through the group"
    );
    assert_eq!(counts.will_remove, counts.seat_stays);

    let visio = Plan::new(
        &snapshot,
        &Selection::AllHolders {
            sku_id: catalog::VISIO_PLAN_2.sku_id,
        },
    );
    assert!(visio.items.iter().all(|i| i.verdict == Verdict::SelfService));

    let premium = catalog::BUSINESS_PREMIUM.sku_id;
    let holder = snapshot
        .users
        .iter()
        .find(|u| u.assigned_licenses.iter().any(|l| l.sku_id == premium))
        .unwrap();
    let unlicensed = snapshot
        .users
        .iter()
        .find(|u| u.assigned_licenses.is_empty())
        .unwrap();
    let chosen = Plan::new(
        &snapshot,
        &Selection::Users {
            users: vec![
                holder.user_principal_name.to_uppercase(),
                unlicensed.id.to_string(),
                "ghost@nowhere.example".into(),
            ],
            sku_ids: vec![premium],
        },
    );
    let verdicts: Vec<&Verdict> = chosen.items.iter().map(|i| &i.verdict).collect();
    assert_eq!(
        verdicts,
        [&Verdict::Remove, &Verdict::AlreadyGone, &Verdict::UserNotFound]
    );

    let everything = Plan::new(
        &snapshot,
        &Selection::EverythingOf {
            users: vec![holder.id.to_string()],
        },
    );
    let mut held: Vec<_> = holder
        .license_assignment_states
        .iter()
        .map(|s| s.sku_id)
        .collect();
    held.sort();
    held.dedup();
    assert_eq!(everything.items.len(), held.len());
}

#[tokio::test]
async fn a_run_removes_every_planned_license_once_and_undo_restores_the_tenant_exactly() {
    let mut config = Config::new(generate::tenant("Runs", 300, 31));
    config.throttle = ThrottleMode::Scaled(0.01);
    let (tenant, client) = connect(config).await;
    let before = tenant.directory(|d| d.tenant().clone());
    let premium = catalog::BUSINESS_PREMIUM.sku_id;
    let plan = Plan::new(
        &snapshot(&client).await,
        &Selection::AllHolders { sku_id: premium },
    );
    let sends = plan.items.iter().filter(|i| i.verdict.will_send()).count();
    assert!(sends > 100);

    let dir = journal_dir();
    let options = RunOptions::new(&dir, tenant.tenant_id());
    let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
    let sink = seen.clone();
    let report = run::unassign(
        client.clone(),
        &plan,
        &options,
        move |p| sink.lock().unwrap().push(p),
        Cancel::default(),
    )
    .await
    .unwrap();
    assert_eq!(report.count(|o| *o == Outcome::Done), sends);
    assert_eq!(
        report.outcomes.len(),
        plan.items.len(),
        "the journal accounts for every item"
    );
    assert_eq!(tenant.directory(|d| direct_holders(d.tenant(), premium)), 0);
    let last = *seen.lock().unwrap().last().unwrap();
    assert_eq!((last.done as usize, last.remaining), (sends, 0));
    let writes = tenant
        .request_log()
        .iter()
        .filter(|e| e.in_batch && e.method == "POST" && e.status == 200)
        .count();
    assert_eq!(writes, sends, "no change was sent twice");
    let record = journal::read(&report.journal).unwrap();
    assert!(record.finished() && record.unknown().is_empty());

    let undone = run::undo(
        client.clone(),
        &report.journal,
        &options,
        |_| {},
        Cancel::default(),
    )
    .await
    .unwrap();
    assert_eq!(undone.count(|o| *o == Outcome::Done), sends);
    assert_same_tenant(tenant.directory(|d| d.tenant().clone()), &before);
    assert_eq!(journal::list(&dir).len(), 2);

    // Everything is back already: a second undo sends nothing and says so.
    let again = run::undo(
        client.clone(),
        &report.journal,
        &options,
        |_| {},
        Cancel::default(),
    )
    .await
    .unwrap();
    assert_eq!(again.count(|o| *o == Outcome::Done), 0);
    assert_eq!(again.count(|o| *o == Outcome::Skipped), sends);
    let batches_of_writes = tenant
        .request_log()
        .iter()
        .filter(|e| e.method == "POST" && e.in_batch && e.path.contains("assignLicense"))
        .count();
    assert_eq!(batches_of_writes, 2 * sends, "nothing was put back twice");
    assert_same_tenant(tenant.directory(|d| d.tenant().clone()), &before);
    std::fs::remove_dir_all(dir).ok();
}

#[tokio::test]
async fn a_cancelled_run_marks_the_rest_not_run() {
    let mut config = Config::new(generate::tenant("Cancel", 400, 32));
    config.throttle = ThrottleMode::Off;
    config.latency = Duration::from_millis(30);
    let (tenant, client) = connect(config).await;
    let premium = catalog::BUSINESS_PREMIUM.sku_id;
    let plan = Plan::new(
        &snapshot(&client).await,
        &Selection::AllHolders { sku_id: premium },
    );
    let cancel = Cancel::default();
    let stop = cancel.clone();
    let dir = journal_dir();
    let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
    let report = run::unassign(
        client,
        &plan,
        &RunOptions::new(&dir, tenant.tenant_id()),
        {
            let seen = seen.clone();
            move |progress| {
                stop.cancel();
                seen.lock().unwrap().push(progress);
            }
        },
        cancel,
    )
    .await
    .unwrap();
    assert!(report.cancelled);
    // After Stop the admin is told what is still being finished.
    let seen = seen.lock().unwrap();
    assert!(seen.iter().any(|p| p.stopping && p.in_flight > 0), "{seen:?}");
    assert_eq!(seen.last().map(|p| p.in_flight), Some(0));
    let done = report.count(|o| *o == Outcome::Done);
    let not_run = report.count(|o| *o == Outcome::NotRun);
    assert!(done > 0 && not_run > 0, "{done} done, {not_run} not run");
    assert_eq!(report.outcomes.len(), plan.items.len());
    let rows = report.rows();
    assert_eq!(rows.iter().filter(|r| r.result == "not_run").count(), not_run);
    assert!(rows
        .iter()
        .filter(|r| r.result == "not_run")
        .all(|r| r.reason.as_deref().is_some_and(|why| why.contains("cancelled"))));
    let held = plan.items.iter().filter(|i| i.verdict.will_send()).count();
    assert_eq!(
        tenant.directory(|d| direct_holders(d.tenant(), premium)),
        held - done
    );
    std::fs::remove_dir_all(dir).ok();
}

#[tokio::test]
async fn a_faulty_tenant_and_interruptions_still_end_exactly_as_planned() {
    let mut config = Config::new(generate::tenant("Soak", 500, 33));
    config.throttle = ThrottleMode::Scaled(0.01);
    config.latency = Duration::from_millis(30);
    config.faults = "5xx=0.1,drop=0.02".parse().unwrap();
    config.seed = 7;
    let (tenant, client) = connect(config).await;
    let before = tenant.directory(|d| d.tenant().clone());
    let premium = catalog::BUSINESS_PREMIUM.sku_id;
    let plan = Plan::new(
        &snapshot(&client).await,
        &Selection::AllHolders { sku_id: premium },
    );
    let dir = journal_dir();
    let options = RunOptions::new(&dir, tenant.tenant_id());

    // Interrupted twice, as a crash would: the task is dropped mid-run.
    let first = tokio::spawn({
        let (client, plan, options) = (client.clone(), plan.clone(), options.clone());
        async move { run::unassign(client, &plan, &options, |_| {}, Cancel::default()).await }
    });
    wait_for_journal(&dir, |record| !record.sent.is_empty()).await;
    first.abort();
    let _ = first.await;
    let (path, record) = journal::list(&dir).into_iter().next().unwrap();
    assert!(record.interrupted());

    let settled = record.outcomes.len();
    // The access token expires while the run is stopped: the next request is
    // refused once, the session renews, and the run goes on.
    tenant.expire_tokens();
    let second = tokio::spawn({
        let (client, options, path) = (client.clone(), options.clone(), path.clone());
        async move { resume_once_free(client, &path, &options).await }
    });
    for _ in 0..500 {
        let progressed = journal::read(&path).unwrap().outcomes.len() > settled + 20;
        if progressed || second.is_finished() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert!(!second.is_finished(), "the resume ended before it was stopped");
    second.abort();
    let _ = second.await;

    let report = resume_once_free(client.clone(), &path, &options).await.unwrap();
    let record = journal::read(&path).unwrap();
    assert!(record.finished());
    assert_eq!(
        record.outcomes.len(),
        plan.items.len(),
        "the journal accounts for every item"
    );
    assert!(
        record
            .outcomes
            .values()
            .all(|o| matches!(o, Outcome::Done | Outcome::Skipped)),
        "{:?}",
        record.outcomes
    );
    assert_eq!(
        tenant.directory(|d| direct_holders(d.tenant(), premium)),
        0,
        "the tenant ends as planned"
    );

    run::undo(client, &report.journal, &options, |_| {}, Cancel::default())
        .await
        .unwrap();
    assert_same_tenant(tenant.directory(|d| d.tenant().clone()), &before);
    std::fs::remove_dir_all(dir).ok();
}

/// Successful license writes the tenant received so far.
fn license_writes(tenant: &Emulator) -> usize {
    tenant
        .request_log()
        .iter()
        .filter(|e| e.method == "POST" && e.status == 200 && e.path.ends_with("/assignLicense"))
        .count()
}

#[tokio::test]
async fn every_license_of_a_person_goes_in_one_write_and_comes_back_in_one() {
    let mut config = Config::new(generate::tenant("Merged", 200, 41));
    config.throttle = ThrottleMode::Scaled(0.01);
    let (tenant, client) = connect(config).await;
    let before = tenant.directory(|d| d.tenant().clone());
    let picture = snapshot(&client).await;
    // Products with seats to spare, so that undo can take them all again
    // (a tenant over its seats refuses new assignments).
    let products: Vec<uuid::Uuid> = picture
        .products
        .iter()
        .filter(|p| p.prepaid_units.enabled >= p.consumed_units)
        .map(|p| p.sku_id)
        .collect();
    let people: Vec<String> = picture
        .users
        .iter()
        .filter(|u| {
            u.assigned_licenses
                .iter()
                .filter(|l| products.contains(&l.sku_id))
                .count()
                >= 2
        })
        .map(|u| u.id.to_string())
        .collect();
    assert!(people.len() > 10, "{}", people.len());
    let plan = Plan::new(
        &picture,
        &Selection::Users {
            users: people.clone(),
            sku_ids: products,
        },
    );
    let sends = plan.items.iter().filter(|i| i.verdict.will_send()).count();
    assert!(sends > people.len(), "several products a person");

    let dir = journal_dir();
    let options = RunOptions::new(&dir, tenant.tenant_id());
    let report = run::unassign(client.clone(), &plan, &options, |_| {}, Cancel::default())
        .await
        .unwrap();
    assert_eq!(
        report.count(|o| *o == Outcome::Done),
        sends,
        "each item keeps its own outcome"
    );
    let writers = plan
        .items
        .iter()
        .filter(|i| i.verdict.will_send())
        .map(|i| i.user_id)
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    assert_eq!(license_writes(&tenant), writers, "one write a person");

    let undone = run::undo(client, &report.journal, &options, |_| {}, Cancel::default())
        .await
        .unwrap();
    let failed: Vec<_> = undone
        .outcomes
        .values()
        .filter(|o| **o != Outcome::Done)
        .collect();
    assert!(failed.is_empty(), "{failed:?}");
    assert_eq!(
        license_writes(&tenant),
        2 * writers,
        "and one a person to put it all back"
    );
    assert_same_tenant(tenant.directory(|d| d.tenant().clone()), &before);
    std::fs::remove_dir_all(dir).ok();
}

#[tokio::test]
async fn a_merged_write_refused_for_one_product_is_split_and_the_rest_goes() {
    let mut config = Config::new(generate::tenant("Split", 60, 43));
    config.throttle = ThrottleMode::Off;
    let (tenant, client) = connect(config).await;
    let picture = snapshot(&client).await;
    let person = picture
        .users
        .iter()
        .find(|u| u.assigned_licenses.len() >= 2)
        .unwrap()
        .clone();
    let plan = Plan::new(
        &picture,
        &Selection::EverythingOf {
            users: vec![person.id.to_string()],
        },
    );
    // Someone else removes one of the products after the plan was made:
    // Graph now refuses the merged call as a whole.
    let gone = person.assigned_licenses[0].sku_id;
    client
        .send_ok(&license_desk_graph::client::Request::post(
            format!("/users/{}/assignLicense", person.id),
            serde_json::json!({"addLicenses": [], "removeLicenses": [gone]}),
        ))
        .await
        .unwrap();

    let dir = journal_dir();
    let options = RunOptions::new(&dir, tenant.tenant_id());
    let report = run::unassign(client, &plan, &options, |_| {}, Cancel::default())
        .await
        .unwrap();
    for (index, item) in report.items.iter().enumerate() {
        let outcome = &report.outcomes[&index];
        if item.sku_id == gone {
            assert!(
                matches!(
                    outcome,
                    Outcome::Failed {
                        code: license_desk_core::ErrorCode::LicenseNotHeld,
                        ..
                    }
                ),
                "{outcome:?}"
            );
        } else if item.verdict.will_send() {
            assert_eq!(*outcome, Outcome::Done, "{item:?}");
        }
    }
    let left = tenant.directory(|d| {
        d.users()
            .iter()
            .find(|u| u.id == person.id)
            .unwrap()
            .assigned_licenses
            .len()
    });
    assert_eq!(left, 0, "every other product went");
    std::fs::remove_dir_all(dir).ok();
}

#[tokio::test]
async fn a_run_of_merged_writes_stopped_mid_way_resumes_with_each_change_made_once() {
    let mut config = Config::new(generate::tenant("Merged resume", 400, 47));
    config.throttle = ThrottleMode::Scaled(0.01);
    config.latency = Duration::from_millis(20);
    config.faults = "5xx=0.05".parse().unwrap();
    config.seed = 11;
    let (tenant, client) = connect(config).await;
    let before = tenant.directory(|d| d.tenant().clone());
    let picture = snapshot(&client).await;
    let people: Vec<String> = picture
        .users
        .iter()
        .filter(|u| u.assigned_licenses.len() >= 2)
        .map(|u| u.id.to_string())
        .collect();
    let plan = Plan::new(&picture, &Selection::EverythingOf { users: people });
    let dir = journal_dir();
    let options = RunOptions::new(&dir, tenant.tenant_id());
    let first = tokio::spawn({
        let (client, plan, options) = (client.clone(), plan.clone(), options.clone());
        async move { run::unassign(client, &plan, &options, |_| {}, Cancel::default()).await }
    });
    wait_for_journal(&dir, |record| record.outcomes.len() > 40).await;
    first.abort();
    let _ = first.await;
    let (path, record) = journal::list(&dir).into_iter().next().unwrap();
    assert!(record.interrupted());

    let report = resume_once_free(client, &path, &options).await.unwrap();
    let record = journal::read(&report.journal).unwrap();
    assert!(record.finished(), "{:?}", record.problems());
    let sends = plan.items.iter().filter(|i| i.verdict.will_send()).count();
    assert_eq!(report.count(|o| *o == Outcome::Done), sends);
    let direct = |tenant: &Tenant| {
        tenant
            .users
            .iter()
            .map(|u| u.assigned_licenses.len())
            .sum::<usize>()
    };
    assert_eq!(
        direct(&tenant.directory(|d| d.tenant().clone())),
        direct(&before) - sends,
        "every planned license went once, nobody else's"
    );
    std::fs::remove_dir_all(dir).ok();
}

#[tokio::test]
async fn a_run_waiting_on_a_silent_tenant_says_so_and_promises_no_time() {
    // The same tenant twice: one answers at once (to plan), the other
    // takes seconds per answer (to run against).
    let quick = Config::new(generate::tenant("Silent", 20, 33));
    let (_planned_on, planning) = connect(quick).await;
    let plan = Plan::new(
        &snapshot(&planning).await,
        &Selection::AllHolders {
            sku_id: catalog::BUSINESS_PREMIUM.sku_id,
        },
    );
    assert!(plan.items.iter().any(|i| i.verdict.will_send()));
    let mut slow = Config::new(generate::tenant("Silent", 20, 33));
    slow.throttle = ThrottleMode::Off;
    slow.latency = Duration::from_secs(8);
    let (tenant, client) = connect(slow).await;
    let dir = journal_dir();
    let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
    let report = run::unassign(
        client,
        &plan,
        &RunOptions::new(&dir, tenant.tenant_id()),
        {
            let seen = seen.clone();
            move |progress| seen.lock().unwrap().push(progress)
        },
        Cancel::default(),
    )
    .await
    .unwrap();
    assert_eq!(
        report.count(|o| *o == Outcome::Done),
        plan.items.iter().filter(|i| i.verdict.will_send()).count()
    );
    let seen = seen.lock().unwrap();
    let silent: Vec<_> = seen.iter().filter(|p| p.silent_seconds.is_some()).collect();
    assert!(!silent.is_empty(), "no silence reported: {seen:?}");
    assert!(silent
        .iter()
        .all(|p| p.seconds_left.is_none() && p.in_flight > 0 && p.silent_seconds >= Some(5)));
    std::fs::remove_dir_all(dir).ok();
}
