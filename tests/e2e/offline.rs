//! Offline review in the real window: an admin center CSV opened at start
//! (`--open`) and browsed read-only; our export handed to the running app,
//! a removal planned from it (saved, never run), then, signed in to the
//! tenant after it changed, the saved plan handed over too: what changed
//! since the export, the plan, one confirmation, and the tenant checked
//! afterwards. Once in Swedish.
//!
//! A second start with `--open FILE` is how a file reaches the window
//! already open (as a double-click in the file manager does): the native
//! dialogs cannot be driven over WebDriver, and a file dropped on the
//! window takes the same path (`FileHandedOver`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::key::Key;
use graph_emulator::apps::{APP_ONLY_CLIENT_ID, APP_ONLY_SECRET};
use graph_emulator::directory::Directory;
use graph_emulator::model::{AssignedLicense, Group, Tenant};
use license_desk_e2e::{
    app_binary, artifacts_dir, no_app_left_running, run_with_args, run_with_env, App, BoxError, LocalTenant,
    Locator,
};
use uuid::Uuid;

const PREMIUM: &str = "cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46";
const ADMIN: &str = "licenses@northwindtraders.example";

/// The admin center's Active users export, current layout (28 columns).
const ADMIN_CENTER_HEADER: &str = "Display name,DirSyncEnabled,User principal name,Object Id,First name,Last name,When created,Soft deletion time stamp,Title,Department,Preferred data location,City,CountryOrRegion,Office,StateOrProvince,Usage location,Last dirsync time,Block credential,Licenses,Password never expires,Last password change time stamp,Mobile Phone,Phone number,Postal code,Preferred language,Street address,Fax,Proxy addresses";

/// A folder for a test's files that the app's launch does not wipe.
fn files(test: &str) -> PathBuf {
    let dir = artifacts_dir(test).join("files");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("the test's file folder can be made");
    dir
}

/// Gives `path` to the window already open, as a second start does.
fn hand_over(path: &Path) -> Result<(), BoxError> {
    let mut second = Command::new(app_binary())
        .arg("--open")
        .arg(path)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()?;
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(status) = second.try_wait()? {
            return if status.success() {
                Ok(())
            } else {
                Err(format!("the second start ended with {status}").into())
            };
        }
        if Instant::now() > deadline {
            let _ = second.kill();
            return Err("the second start did not hand over and quit".into());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The headless command line (`license-desk export|plan`), with its own
/// data folders so it never touches the developer's.
fn license_desk(dir: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(app_binary());
    command
        .args(args)
        .env("XDG_DATA_HOME", dir.join("cli-data"))
        .env("XDG_CONFIG_HOME", dir.join("cli-config"))
        .env("XDG_CACHE_HOME", dir.join("cli-cache"))
        .stdin(Stdio::null());
    command
}

fn succeeded(mut command: Command) -> Result<(), BoxError> {
    let output = command.output()?;
    if output.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{command:?} failed ({}): {}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        )
        .into())
    }
}

fn admin_center_row(name: &str, upn: &str, id: &str, blocked: bool, licenses: &str) -> String {
    let (first, last) = name.split_once(' ').unwrap_or((name, ""));
    let mut cells = vec![""; 28];
    cells[0] = name;
    cells[1] = "False";
    cells[2] = upn;
    cells[3] = id;
    cells[4] = first;
    cells[5] = last;
    cells[6] = "2024-01-10 09:00:00Z";
    cells[15] = "SE";
    cells[17] = if blocked { "True" } else { "False" };
    cells[18] = licenses;
    cells[19] = "False";
    cells[20] = "2024-01-10 09:00:00Z";
    cells.join(",")
}

/// An export as the admin center saves it: a byte order mark, CRLF.
fn write_admin_center_csv(path: &Path) -> Result<(), BoxError> {
    let rows = [
        admin_center_row(
            "Adele Vance",
            "adele@contoso.com",
            "0e7b1a34-1f7a-4f0e-9a55-8f1c2d3e4a01",
            false,
            "Microsoft 365 Business Premium+Microsoft Power Automate Free",
        ),
        admin_center_row(
            "Ben Walters",
            "ben@contoso.com",
            "0e7b1a34-1f7a-4f0e-9a55-8f1c2d3e4a02",
            false,
            "Microsoft 365 Business Premium",
        ),
        admin_center_row(
            "Cara Lind",
            "cara@contoso.com",
            "0e7b1a34-1f7a-4f0e-9a55-8f1c2d3e4a03",
            false,
            "Unlicensed",
        ),
        admin_center_row(
            "Dan Berg",
            "dan@contoso.com",
            "0e7b1a34-1f7a-4f0e-9a55-8f1c2d3e4a04",
            true,
            "Microsoft 365 Business Basic",
        ),
        admin_center_row(
            "Eva Holm",
            "eva@contoso.com",
            "0e7b1a34-1f7a-4f0e-9a55-8f1c2d3e4a05",
            false,
            "Microsoft 365 Business Basic+Visio Plan 2",
        ),
    ];
    let mut text = String::from("\u{feff}");
    text.push_str(ADMIN_CENTER_HEADER);
    for row in rows {
        text.push_str("\r\n");
        text.push_str(&row);
    }
    text.push_str("\r\n");
    std::fs::write(path, text)?;
    Ok(())
}

async fn text(app: &App, css: &str) -> Result<String, BoxError> {
    Ok(app.wait_for(Locator::Css(css)).await.text().await?)
}

#[tokio::test]
async fn an_admin_center_csv_opened_at_start_is_browsed_read_only() {
    no_app_left_running();
    let test = "offline_admin_center_csv";
    let dir = files(test);
    let csv = dir.join("users_9_15_2025 9_17_18 PM.csv");
    write_admin_center_csv(&csv).expect("the CSV is written");
    let open = csv.display().to_string();
    run_with_args(test, &["--open", &open], |app| async move {
        let result = async {
            let banner = text(&app, "[data-testid='offline-banner']").await?;
            for said in [
                "users_9_15_2025 9_17_18 PM.csv: Microsoft 365 admin center",
                "The file does not say which licenses come from groups.",
                "The file does not give paid seats.",
                // A name the file writes for more than one product.
                "These names belong to more than one product",
            ] {
                assert!(banner.contains(said), "the banner says {said:?}: {banner}");
            }
            // The admin center's file has no date of its own: the file's is used.
            let status = app
                .wait_for_text_containing(
                    "[data-testid='connection']",
                    "Offline file users_9_15_2025 9_17_18 PM.csv, saved on ",
                )
                .await?;
            assert!(status.ends_with("(today)"), "{status}");

            // Users, searched and filtered as on a tenant.
            app.wait_for_text("[data-testid='user-count']", "5 users").await?;
            assert!(text(&app, "[data-testid='users-summary']")
                .await?
                .contains("5 users; 4 hold at least one license."));
            app.click("[data-testid='user-filter'] option[value='unlicensed']")
                .await?;
            app.wait_for_text("[data-testid='user-count']", "1 user").await?;
            app.wait_for(Locator::Css(".user-row[data-upn='cara@contoso.com']"))
                .await;
            app.click("[data-testid='user-filter'] option[value='all']")
                .await?;
            let search = app.wait_for(Locator::Css("[data-testid='user-search']")).await;
            search.send_keys("eva").await?;
            app.wait_for_text("[data-testid='user-count']", "1 user").await?;

            // Licenses: holders and counts from the file, seats not in it.
            app.click("nav button[data-view='licenses']").await?;
            let premium = "tr[data-part-number='SPB']";
            let row = text(&app, premium).await?;
            assert!(row.contains("Microsoft 365 Business Premium"), "{row}");
            assert!(row.contains("not in the file"), "{row}");
            // Named as the file writes it: it fits more than one product.
            let visio = text(&app, "tr[data-part-number='Visio Plan 2']").await?;
            assert!(visio.starts_with("Visio Plan 2"), "{visio}");
            assert!(
                app.client
                    .find_all(Locator::Css("[data-action='export-tenant']"))
                    .await?
                    .is_empty(),
                "a file cannot be exported again"
            );
            app.click(&format!("{premium} button[data-action='show-holders']"))
                .await?;
            app.wait_for_text("[data-testid='holders'] [data-testid='user-count']", "2 users")
                .await?;
            app.wait_for(Locator::Css(
                "[data-testid='holders'] .user-row[data-upn='adele@contoso.com']",
            ))
            .await;

            // Planning is offered; removing is not.
            let plan = app
                .wait_for(Locator::Css(
                    "[data-testid='holders'] button[data-action='plan-removal']",
                ))
                .await;
            assert_eq!(plan.text().await?, "Plan removal from all 2 holders…");
            plan.click().await?;
            app.wait_for_text_containing("[data-testid='plan-counts']", "Will be removed: 2")
                .await?;
            let heading = app.client.active_element().await?;
            assert_eq!(
                heading.text().await?,
                "Plan: remove Microsoft 365 Business Premium",
                "the dialog's heading has the focus"
            );
            assert_eq!(text(&app, "button[data-action='save-plan']").await?, "Save plan…");
            assert!(text(&app, "[data-testid='plan-later']")
                .await?
                .starts_with("Nothing changes now."));
            assert!(app
                .client
                .find_all(Locator::Css("button[data-action='confirm-removal']"))
                .await?
                .is_empty());
            heading.send_keys(&Key::Escape.to_string()).await?;
            wait_until_gone(&app, "dialog.removal").await?;

            // Closed, the file is among the recent ones: one click opens it again.
            app.click("button[data-action='close-file']").await?;
            app.wait_for_text("[data-testid='connection']", "Not connected")
                .await?;
            let recent = app
                .wait_for(Locator::Css(
                    "[data-testid='recent-files'] button[data-action='open-recent']",
                ))
                .await;
            assert_eq!(recent.text().await?, "users_9_15_2025 9_17_18 PM.csv");
            recent.click().await?;
            app.wait_for(Locator::Css("[data-testid='offline-banner']")).await;
            app.wait_for_text_containing(
                "[data-testid='connection']",
                "Offline file users_9_15_2025 9_17_18 PM.csv",
            )
            .await?;
            Ok(())
        }
        .await;
        (app, result)
    })
    .await;
}

/// Waits for the signed-in tenant (in the Licenses view), or says what went wrong instead.
async fn signed_in(app: &App) -> Result<(), BoxError> {
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if !app
            .client
            .find_all(Locator::Css("button[data-action='apply-plan']"))
            .await?
            .is_empty()
        {
            return Ok(());
        }
        if let Some(alert) = app.client.find_all(Locator::Css("[role='alert']")).await?.first() {
            return Err(format!("signing in failed: {}", alert.text().await?).into());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Err("no users after signing in".into())
}

#[tokio::test]
async fn a_file_that_cannot_be_used_says_why_and_changes_nothing() {
    no_app_left_running();
    let test = "offline_file_not_usable";
    let dir = files(test);
    let notes = dir.join("meeting notes.txt");
    std::fs::write(&notes, "Licences to review on Monday:\nAdele, Ben\n").expect("the file is written");
    let open = notes.display().to_string();
    run_with_args(test, &["--open", &open], |app| async move {
        let result = async {
            let alert = text(&app, "[role='alert']").await?;
            assert!(
                alert.contains("meeting notes.txt"),
                "the message names the file: {alert}"
            );
            app.wait_for_text("[data-testid='connection']", "Not connected")
                .await?;
            assert!(app
                .client
                .find_all(Locator::Css("[data-testid='offline-banner']"))
                .await?
                .is_empty());
            // The ways in are all still there.
            app.wait_for(Locator::Css("button[data-action='open-file']"))
                .await;
            app.wait_for(Locator::Css("button[data-action='open-demo']"))
                .await;
            Ok(())
        }
        .await;
        (app, result)
    })
    .await;
}

async fn wait_until_gone(app: &App, css: &str) -> Result<(), BoxError> {
    let deadline = Instant::now() + Duration::from_secs(15);
    while Instant::now() < deadline {
        if app.client.find_all(Locator::Css(css)).await?.is_empty() {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Err(format!("{css} is still there").into())
}

/// Every user's licenses as (product, through group) pairs, by user id.
fn holdings(tenant: &Directory) -> BTreeMap<Uuid, Vec<(Uuid, Option<Uuid>)>> {
    tenant
        .users()
        .iter()
        .map(|u| {
            let mut held: Vec<_> = tenant
                .license_states(u)
                .into_iter()
                .map(|s| (s.sku_id, s.assigned_by_group))
                .collect();
            held.sort();
            (u.id, held)
        })
        .collect()
}

/// What the test chose and changed: four holders of Business Premium, in
/// the order the app lists them.
struct Chosen {
    gone: String,
    via_group: String,
    removed: String,
    kept: String,
}

/// The same tenant (same id) as it is some days after the export: one
/// chosen holder left, one gets the product from a group now, one already
/// lost it.
fn changed_since(original: &Tenant, chosen: &Chosen, premium: Uuid) -> Tenant {
    let mut changed = original.clone();
    let group: Uuid = "5a1e5000-0000-4000-8000-00000000e2e0"
        .parse()
        .expect("a group id");
    changed.users.retain(|u| u.user_principal_name != chosen.gone);
    changed.groups.push(Group {
        id: group,
        display_name: "Sales licenses".into(),
        description: None,
        mail_enabled: false,
        mail: None,
        security_enabled: true,
        membership_rule: None,
        on_premises_sync_enabled: None,
        assigned_licenses: vec![AssignedLicense {
            sku_id: premium,
            disabled_plans: Vec::new(),
        }],
    });
    for user in &mut changed.users {
        if user.user_principal_name == chosen.via_group {
            user.assigned_licenses.retain(|l| l.sku_id != premium);
            user.member_of.push(group);
        }
        if user.user_principal_name == chosen.removed {
            user.assigned_licenses.retain(|l| l.sku_id != premium);
        }
    }
    changed
}

async fn plan_offline_then_apply_to_the_changed_tenant(test: &'static str, language: &'static str) {
    let premium: Uuid = PREMIUM.parse().expect("a sku id");
    let dir = files(test);
    let export = dir.join("License Desk export Northwind Traders.json");
    let plan = dir.join("License Desk plan.json");

    // The tenant as it was, exported from the command line.
    let before = LocalTenant::start(ADMIN);
    let original = before
        .control()
        .state()
        .await
        .expect("the tenant")
        .tenant()
        .clone();
    succeeded({
        let mut command = license_desk(&dir, &["export", "--out", &export.display().to_string()]);
        command
            .args(["--local-tenant", &before.base_url])
            .args(["--tenant", &original.id.to_string()])
            .args(["--client-id", &APP_ONLY_CLIENT_ID.to_string()])
            .env("LICENSE_DESK_CLIENT_SECRET", APP_ONLY_SECRET);
        command
    })
    .expect("the tenant is exported");
    drop(before);

    // Four who hold the product directly only, first by name as the app lists them.
    let directory = Directory::new(original.clone());
    let mut holders: Vec<_> = directory
        .users()
        .iter()
        .filter(|u| {
            let states = directory.license_states(u);
            let premium_states: Vec<_> = states.iter().filter(|s| s.sku_id == premium).collect();
            premium_states.len() == 1 && premium_states[0].assigned_by_group.is_none()
        })
        .collect();
    holders.sort_by_cached_key(|u| u.display_name.to_lowercase());
    let all_holders: Vec<_> = {
        let mut all: Vec<_> = directory
            .users()
            .iter()
            .filter(|u| directory.license_states(u).iter().any(|s| s.sku_id == premium))
            .collect();
        all.sort_by_cached_key(|u| u.display_name.to_lowercase());
        all.into_iter().map(|u| u.user_principal_name.clone()).collect()
    };
    let upns: Vec<String> = holders
        .iter()
        .take(4)
        .map(|u| u.user_principal_name.clone())
        .collect();
    assert_eq!(upns.len(), 4, "the demo tenant has four direct holders");
    let chosen = Chosen {
        gone: upns[0].clone(),
        via_group: upns[1].clone(),
        removed: upns[2].clone(),
        kept: upns[3].clone(),
    };

    // The plan is saved from the command line: the app's save dialog is
    // the system's own, which WebDriver cannot drive.
    let users = dir.join("chosen.txt");
    std::fs::write(&users, upns.join("\n") + "\n").expect("the users file is written");
    succeeded(license_desk(
        &dir,
        &[
            "plan",
            "--from",
            &export.display().to_string(),
            "--sku",
            "SPB",
            "--users",
            &users.display().to_string(),
            "--out",
            &plan.display().to_string(),
        ],
    ))
    .expect("the plan is made from the export");

    // The tenant now: same id, changed since the export.
    let fixture = dir.join("changed-tenant.json");
    std::fs::write(
        &fixture,
        serde_json::to_vec_pretty(&changed_since(&original, &chosen, premium))
            .expect("the fixture serialises"),
    )
    .expect("the fixture is written");
    let tenant = LocalTenant::start_with(ADMIN, &["--tenant", &fixture.display().to_string()]);
    let control = tenant.control();
    let env = [("LICENSE_DESK_LOCAL_TENANT", tenant.base_url.as_str())];
    let sv = language == "sv";
    no_app_left_running();
    run_with_env(test, &env, move |app| async move {
        let result = async {
            if sv {
                app.click("nav button[data-view='settings']").await?;
                app.click("#language option[value='sv']").await?;
            }
            app.click("nav button[data-view='licenses']").await?;

            // Our export, handed to the window: read-only, with its date.
            hand_over(&export)?;
            app.wait_for(Locator::Css("[data-testid='offline-banner']")).await;
            let status = app
                .wait_for_text_containing(
                    "[data-testid='connection']",
                    if sv {
                        "Offlinefil License Desk export Northwind Traders.json, exporterad "
                    } else {
                        "Offline file License Desk export Northwind Traders.json, taken on "
                    },
                )
                .await?;
            assert!(
                status.ends_with(if sv { "(i dag)" } else { "(today)" }),
                "{status}"
            );

            // Chosen holders of the product, planned from the file.
            app.click("tr[data-part-number='SPB'] button[data-action='show-holders']")
                .await?;
            for upn in &upns {
                let position = all_holders.iter().position(|h| h == upn).ok_or("a holder")?;
                assert!(position < 8, "{upn} is near the top of the list");
                app.click(&format!(
                    "[data-testid='holders'] .user-row[data-upn='{upn}'] input[type='checkbox']"
                ))
                .await?;
            }
            app.wait_for_text(
                "[data-testid='holders'] [data-testid='selected-count']",
                if sv { "4 markerade" } else { "4 selected" },
            )
            .await?;
            let button = app
                .wait_for(Locator::Css("button[data-action='unassign-chosen']"))
                .await;
            assert_eq!(
                button.text().await?,
                if sv {
                    "Planera borttagning för 4 användare"
                } else {
                    "Plan removal for 4 holders"
                }
            );
            button.click().await?;
            app.wait_for_text_containing(
                "[data-testid='plan-counts']",
                if sv { "Tas bort: 4" } else { "Will be removed: 4" },
            )
            .await?;
            assert_eq!(
                text(&app, "button[data-action='save-plan']").await?,
                if sv { "Spara planen…" } else { "Save plan…" }
            );
            assert!(app
                .client
                .find_all(Locator::Css("button[data-action='confirm-removal']"))
                .await?
                .is_empty());
            app.client
                .active_element()
                .await?
                .send_keys(&Key::Escape.to_string())
                .await?;
            wait_until_gone(&app, "dialog.removal").await?;

            // Close the file and sign in to the tenant as it is now.
            app.click("button[data-action='close-file']").await?;
            app.click("button[data-action='sign-in-with-code']").await?;
            signed_in(&app).await?;
            let before_run = holdings(&control.state().await?);

            // The saved plan, handed over: what changed since the export first.
            hand_over(&plan)?;
            app.wait_for(Locator::Css("[data-testid='apply-dialog'] [data-testid='drift']"))
                .await;
            let heading = app.client.active_element().await?;
            assert_eq!(
                heading.text().await?,
                if sv {
                    "Tillämpa en sparad plan"
                } else {
                    "Apply a saved plan"
                }
            );
            for (kind, upn, says) in [
                (
                    "user_gone",
                    &chosen.gone,
                    if sv {
                        "Finns inte längre i klientorganisationen"
                    } else {
                        "No longer in the tenant"
                    },
                ),
                (
                    "now_through_group",
                    &chosen.via_group,
                    if sv {
                        "Har den nu via en grupp"
                    } else {
                        "Now held through a group"
                    },
                ),
                (
                    "already_gone",
                    &chosen.removed,
                    if sv { "Redan borttagen" } else { "Already removed" },
                ),
            ] {
                let group = text(&app, &format!("[data-drift='{kind}']")).await?;
                assert!(group.contains(says), "{kind}: {group}");
                assert!(group.contains(upn.as_str()), "{kind} names {upn}: {group}");
                assert!(
                    group.contains("Microsoft 365 Business Premium"),
                    "{kind} names the product: {group}"
                );
            }
            let drift = text(&app, "[data-testid='drift']").await?;
            assert!(
                !drift.contains(&chosen.kept),
                "{} did not change: {drift}",
                chosen.kept
            );
            assert_eq!(
                control.license_writes().await?,
                0,
                "nothing changes before the confirmation"
            );

            app.click("button[data-action='show-plan']").await?;
            app.wait_for_text_containing(
                "[data-testid='plan-counts']",
                if sv { "Tas bort: 1" } else { "Will be removed: 1" },
            )
            .await?;
            let confirm = app
                .wait_for(Locator::Css("button[data-action='confirm-removal']"))
                .await;
            assert_eq!(
                confirm.text().await?,
                if sv {
                    "Ta bort 1 licens"
                } else {
                    "Remove 1 license"
                }
            );
            confirm.click().await?;
            app.wait_for_text_containing(
                "[data-testid='run-result']",
                if sv {
                    "Klart. Borttagna: 1, misslyckade: 0"
                } else {
                    "Done: 1 removed, 0 failed"
                },
            )
            .await?;

            // In the tenant: only the one still holding it directly lost it.
            let after = control.state().await?;
            let now = holdings(&after);
            for (user, held) in &before_run {
                let upn = &after
                    .find_user(&user.to_string())
                    .ok_or("the user is still there")?
                    .user_principal_name;
                if upn == &chosen.kept {
                    let expected: Vec<_> = held.iter().copied().filter(|(sku, _)| *sku != premium).collect();
                    assert_eq!(now[user], expected, "{upn} lost the product");
                } else {
                    assert_eq!(&now[user], held, "{upn} did not change");
                }
            }
            let via_group = after
                .find_user(&chosen.via_group)
                .ok_or("the user in the group")?;
            assert!(
                after
                    .license_states(via_group)
                    .iter()
                    .any(|s| s.sku_id == premium && s.assigned_by_group.is_some()),
                "the group still gives {} the product",
                chosen.via_group
            );
            assert!(after.find_user(&chosen.gone).is_none());

            // Undo, from the same dialog, puts it back.
            if !sv {
                app.click("button[data-action='undo-run']").await?;
                app.wait_for_text("[data-testid='run-result']", "Put back: 1, failed: 0.")
                    .await?;
                assert_eq!(
                    holdings(&control.state().await?),
                    before_run,
                    "undo restores the tenant"
                );
            }
            app.click("button[data-action='close-removal']").await?;
            wait_until_gone(&app, "[data-testid='apply-dialog']").await?;
            Ok(())
        }
        .await;
        (app, result)
    })
    .await;
    drop(tenant);
}

#[tokio::test]
async fn a_plan_made_from_an_export_is_applied_to_the_changed_tenant() {
    plan_offline_then_apply_to_the_changed_tenant("offline_plan_applied", "en").await;
}

#[tokio::test]
async fn a_plan_made_from_an_export_is_applied_in_swedish() {
    plan_offline_then_apply_to_the_changed_tenant("offline_plan_applied_sv", "sv").await;
}
