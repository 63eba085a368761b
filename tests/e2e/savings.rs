//! Savings in the real window on the demo tenant: sign-ins read when asked,
//! the people not signed in for 90 days named (checked against the demo's
//! own dates), disabled holders, overlaps and idle seats; "Plan removal"
//! from the inactive finding runs and the seats are freed. In Swedish once.

use std::collections::BTreeSet;

use graph_emulator::directory::Directory;
use license_desk_e2e::{run_with_args, App, BoxError, Locator};
use license_desk_tenant::export::parse_iso_utc;

const DAY: u64 = 86_400;

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Licensed people of the demo whose last sign-in (or, never signed in,
/// their account's creation) is at least `days` ago, by user name.
fn inactive_in_demo(days: u64) -> BTreeSet<String> {
    let demo = Directory::new(graph_emulator::generate::demo());
    demo.users()
        .iter()
        .filter(|u| !demo.license_states(u).is_empty())
        .filter(|u| {
            let last = u.sign_in_activity.as_ref().and_then(|a| {
                a.last_successful_sign_in_date_time.clone().or_else(|| {
                    [
                        &a.last_sign_in_date_time,
                        &a.last_non_interactive_sign_in_date_time,
                    ]
                    .into_iter()
                    .flatten()
                    .max()
                    .cloned()
                })
            });
            let since = last.unwrap_or_else(|| u.created_date_time.clone());
            parse_iso_utc(&since).is_some_and(|at| now().saturating_sub(at) >= days * DAY)
        })
        .map(|u| u.user_principal_name.to_lowercase())
        .collect()
}

/// The user names a kind of finding lists, over every product.
async fn named(app: &App, kind: &str) -> Result<BTreeSet<String>, BoxError> {
    let mut names = BTreeSet::new();
    for row in app
        .client
        .find_all(Locator::Css(&format!("article[data-kind='{kind}'] li[data-upn]")))
        .await?
    {
        if let Some(upn) = row.attr("data-upn").await? {
            names.insert(upn.to_lowercase());
        }
    }
    Ok(names)
}

#[tokio::test]
async fn savings_finds_the_inactive_on_the_demo_and_frees_their_seats() {
    run_with_args("savings_on_the_demo", &["--demo"], |app| async move {
        let result = async {
            app.wait_for_text("[data-testid='connection']", "Demo tenant: nothing real changes")
                .await?;
            app.click("nav button[data-view='licenses']").await?;
            app.click("button[data-action='show-savings']").await?;
            app.wait_for_text("main h1", "Savings").await?;
            // Without sign-ins read, what the picture alone shows.
            app.wait_for(Locator::Css("article[data-kind='disabled_holding']"))
                .await;
            app.wait_for(Locator::Css("article[data-kind='overlap']")).await;
            app.wait_for(Locator::Css("article[data-kind='idle_seats']"))
                .await;
            app.wait_for_text_containing("[data-testid='activity-notes']", "Sign-ins are not read yet")
                .await?;

            app.click("button[data-action='read-activity']").await?;
            app.wait_for(Locator::Css("article[data-kind='inactive_sign_in']"))
                .await;
            let expected = inactive_in_demo(90);
            assert!(
                expected.len() >= 3,
                "the demo has people gone quiet: {expected:?}"
            );
            let shown = named(&app, "inactive_sign_in").await?;
            assert!(!shown.is_empty());
            // Everyone shown is inactive by the demo's own dates; the
            // seasonal worker (75 days) is not among them at 90 days.
            assert!(
                shown.is_subset(&expected),
                "shown {shown:?}, inactive {expected:?}"
            );
            assert!(!inactive_in_demo(60)
                .difference(&inactive_in_demo(90))
                .any(|u| shown.contains(u)));

            // Plan removal from the Business Premium holders gone quiet.
            let finding = "article[data-kind='inactive_sign_in'][data-part-number='SPB']";
            let people = app
                .client
                .find_all(Locator::Css(&format!("{finding} li[data-upn]")))
                .await?
                .len();
            assert!(people > 0);
            app.click(&format!("{finding} button[data-action='plan-finding']"))
                .await?;
            let counts = app
                .wait_for_text_containing("[data-testid='plan-counts']", "Will be removed:")
                .await?;
            app.click("button[data-action='confirm-removal']").await?;
            let done = app
                .wait_for_text_containing("[data-testid='run-result']", "Done:")
                .await?;
            assert!(done.contains(", 0 failed"), "{counts} → {done}");
            app.click("button[data-action='close-removal']").await?;
            // The picture is read again: they no longer hold it.
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
            while app.client.find(Locator::Css(finding)).await.is_ok() {
                assert!(
                    std::time::Instant::now() < deadline,
                    "the finding is still shown after the run"
                );
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            }

            // Swedish once: the same view, as a Swedish admin reads it.
            app.click("nav button[data-view='settings']").await?;
            app.click("#language option[value='sv']").await?;
            app.click("nav button[data-view='savings']").await?;
            app.wait_for_text("main h1", "Besparingar").await?;
            app.wait_for_text_containing(
                "article[data-kind='disabled_holding'] h2",
                "Inaktiverade konton som fortfarande har en licens",
            )
            .await?;
            Ok(())
        }
        .await;
        (app, result)
    })
    .await;
}

/// A tenant on Business Standard (no Entra ID P1 or P2) whose reports hide
/// names, as Microsoft's default has it, served by a local tenant.
fn small_business_tenant() -> std::path::PathBuf {
    let tenant = graph_emulator::generate::tenant_with(
        "Fabrikam",
        60,
        7,
        graph_emulator::generate::Options {
            entra_premium: false,
            savings_consent: true,
            concealed_names: true,
        },
    );
    let file = std::env::temp_dir().join(format!("license-desk-fabrikam-{}.json", std::process::id()));
    std::fs::write(&file, serde_json::to_vec(&tenant).unwrap_or_default()).unwrap_or_default();
    file
}

#[tokio::test]
async fn without_entra_premium_or_report_names_savings_says_why_and_shows_the_rest() {
    let fixture = small_business_tenant();
    let tenant = license_desk_e2e::LocalTenant::start_with(
        "admin@fabrikam.example",
        &["--tenant", fixture.to_str().unwrap_or_default()],
    );
    let env = [("LICENSE_DESK_LOCAL_TENANT", tenant.base_url.as_str())];
    license_desk_e2e::run_with_env("savings_without_premium", &env, |app| async move {
        let result = async {
            app.click("button[data-action='sign-in-with-code']").await?;
            app.wait_for(Locator::Css("[data-testid='users-summary']")).await;
            app.click("nav button[data-view='savings']").await?;
            app.click("button[data-action='read-activity']").await?;
            // No sign-in dates without Entra ID P1/P2, said in plain words;
            // the usage report's hashed names are explained, never matched.
            let notes = app
                .wait_for_text_containing("[data-testid='activity-notes']", "Microsoft Entra ID P1 or P2")
                .await?;
            assert!(
                notes.contains("hides user names in reports")
                    && notes.contains("Settings → Org settings → Services → Reports"),
                "{notes}"
            );
            assert!(app
                .client
                .find(Locator::Css("article[data-kind='inactive_sign_in']"))
                .await
                .is_err());
            assert!(app
                .client
                .find(Locator::Css("article[data-kind='inactive_usage']"))
                .await
                .is_err());
            // What the picture alone tells is still there.
            app.wait_for(Locator::Css("article[data-kind='idle_seats']"))
                .await;
            Ok(())
        }
        .await;
        (app, result)
    })
    .await;
    std::fs::remove_file(fixture).ok();
}
