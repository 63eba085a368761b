//! Runs that tell the truth, in the real window against a slow local
//! tenant: the plan names people and warns the admin among them; Stop says
//! what it finishes, then "Stopped" and "Remove the remaining"; the rest
//! runs with its dialog closed, in the status bar, and the tenant ends with
//! every seat freed exactly once.

use graph_emulator::directory::Directory;
use license_desk_e2e::{run_with_env, BoxError, LocalTenant, Locator, TenantControl};

const PREMIUM: &str = "cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46";
/// The License Administrator, who holds Business Premium themselves.
const ADMIN: &str = "licenses@northwindtraders.example";

async fn premium_direct(tenant: &TenantControl) -> Result<usize, BoxError> {
    let premium: uuid::Uuid = PREMIUM.parse()?;
    let state: Directory = tenant.state().await?;
    Ok(state
        .users()
        .iter()
        .filter(|u| u.assigned_licenses.iter().any(|l| l.sku_id == premium))
        .count())
}

#[tokio::test]
async fn a_stopped_run_says_so_and_the_rest_runs_in_the_background() {
    // Answers take 3 s: Stop lands while changes are on the way.
    let tenant = LocalTenant::start_with(ADMIN, &["--latency-ms", "3000"]);
    let control = tenant.control();
    let env = [("LICENSE_DESK_LOCAL_TENANT", tenant.base_url.as_str())];
    run_with_env("a_stopped_run", &env, |app| async move {
        let result = async {
            let before = premium_direct(&control).await?;
            app.click("button[data-action='sign-in-with-code']").await?;
            app.click("nav button[data-view='licenses']").await?;
            app.plan_removal_from_all_holders("SPB").await?.click().await?;

            // The plan names people, says what happens to them, and warns
            // the admin who is among them.
            app.wait_for(Locator::Css("[data-testid='consequences'] li[data-consequence]")).await;
            let people = app.wait_for(Locator::Css("[data-testid='plan-people']")).await.text().await?;
            let state = control.state().await?;
            let premium: uuid::Uuid = PREMIUM.parse()?;
            let holder = state
                .users()
                .iter()
                .find(|u| u.assigned_licenses.iter().any(|l| l.sku_id == premium))
                .ok_or("someone holds Business Premium")?;
            assert!(people.contains(&holder.display_name), "{people}");
            let admin_holds = state.users().iter().any(|u| {
                u.user_principal_name == ADMIN && u.assigned_licenses.iter().any(|l| l.sku_id == premium)
            });
            assert!(admin_holds, "the signed-in admin is among the holders");
            app.wait_for(Locator::Css("[data-testid='admin-warning']")).await;
            app.wait_for(Locator::Css("[data-testid='confirm-count']"))
                .await
                .send_keys(&before.to_string())
                .await?;
            app.click("button[data-action='confirm-removal']").await?;
            // Stop while the first batches are on the way (answers take
            // 3 s): what is in flight finishes, nothing more is sent.
            app.wait_for_text_containing("[data-testid='in-flight']", "on their way to Microsoft").await?;
            app.click("button[data-action='stop-run']").await?;
            app.wait_for_text_containing("[data-testid='stopping']", "Stopping… finishing").await?;
            let stopped = app
                .wait_for_text_containing("[data-testid='run-result']", "Stopped: ")
                .await?;
            let removed_so_far = before - premium_direct(&control).await?;
            let left = before - removed_so_far;
            assert!(removed_so_far > 0 && left > 0, "{stopped}");
            assert!(
                stopped.starts_with(&format!("Stopped: {removed_so_far} of {before} removed, 0 failed, {left} not run.")),
                "{stopped}"
            );

            // Everyone is named in the results, by what became of them.
            let not_run = app
                .wait_for(Locator::Css("[data-testid='run-people'] .verdict-group[data-result='not_run'] h4"))
                .await
                .text()
                .await?;
            assert!(not_run.starts_with(&format!("Not run: {left} people")), "{not_run}");

            // The rest, planned pair by pair, run with the dialog closed.
            app.click("button[data-action='plan-remaining']").await?;
            app.wait_for_text_containing("[data-testid='plan-counts']", &format!("Will be removed: {left}"))
                .await?;
            if left > 50 {
                app.wait_for(Locator::Css("[data-testid='confirm-count']"))
                    .await
                    .send_keys(&left.to_string())
                    .await?;
            }
            app.click("button[data-action='confirm-removal']").await?;
            app.click("button[data-action='run-in-background']").await?;
            let going = app.wait_for(Locator::Css("[data-testid='background-run']")).await.text().await?;
            assert!(going.contains("Microsoft 365 Business Premium"), "{going}");
            // The views keep working while it goes: the Users list pages
            // to its end (the demo's 150 people, 100 a page).
            app.click("nav button[data-view='users']").await?;
            app.wait_for_text("main h1", "Users").await?;
            app.wait_for(Locator::Css(".user-list .user-row[data-upn]")).await;
            app.client
                .execute("const list = document.querySelector('.user-list'); list.scrollTop = list.scrollHeight; list.dispatchEvent(new Event('scroll')); return null;", Vec::new())
                .await?;
            let last = state
                .users()
                .iter()
                .max_by_key(|u| u.display_name.to_lowercase())
                .map(|u| u.user_principal_name.clone())
                .ok_or("users")?;
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
            loop {
                let mut shown = Vec::new();
                for row in app.client.find_all(Locator::Css(".user-list .user-row[data-upn]")).await? {
                    shown.extend(row.attr("data-upn").await?);
                }
                if shown.contains(&last) {
                    break;
                }
                assert!(std::time::Instant::now() < deadline, "the last page never came: {shown:?}");
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            }
            assert!(
                app.client.find(Locator::Css("[data-testid='background-run'] progress")).await.is_ok(),
                "the run was still going while the list paged"
            );
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
            loop {
                let bar = app.wait_for(Locator::Css("[data-testid='background-run']")).await.text().await?;
                if bar.contains("Show results") {
                    assert!(bar.contains(&format!("done, {left} removed, 0 failed")), "{bar}");
                    break;
                }
                assert!(std::time::Instant::now() < deadline, "still going: {bar}");
                tokio::time::sleep(std::time::Duration::from_millis(200)).await;
            }
            app.click("button[data-action='show-run']").await?;
            app.wait_for_text_containing("[data-testid='run-result']", &format!("Done: {left} removed, 0 failed"))
                .await?;
            assert_eq!(premium_direct(&control).await?, 0, "every seat freed, none twice");
            Ok(())
        }
        .await;
        (app, result)
    })
    .await;
}
