//! The built-in demo tenant in the real window: reached from the empty
//! views or with `--demo`, read with progress, shown by product name.

use license_desk_e2e::{run, run_with_args, App, Locator, TestResult};

async fn products_show(app: &App) -> TestResult {
    app.wait_for(Locator::Css("nav button[data-view='licenses']"))
        .await
        .click()
        .await?;
    let premium = app.wait_for(Locator::Css("tr[data-part-number='SPB']")).await;
    let text = premium.text().await?;
    assert!(text.contains("Microsoft 365 Business Premium"), "{text}");
    let visio = app
        .wait_for(Locator::Css("tr[data-part-number='VISIOCLIENT']"))
        .await;
    assert!(visio.text().await?.contains("self-service"));
    let project = app
        .wait_for(Locator::Css(
            "tr[data-part-number='PROJECTPROFESSIONAL'] .product-status",
        ))
        .await;
    assert!(project.text().await?.contains("grace period"));
    let rows = app
        .client
        .find_all(Locator::Css("table.products tbody tr"))
        .await?;
    assert_eq!(rows.len(), 10);
    Ok(())
}

#[tokio::test]
async fn the_demo_tenant_opens_from_the_empty_view() {
    run("the_demo_tenant_opens_from_the_empty_view", |app| async move {
        let result = async {
            app.wait_for(Locator::Css("button[data-action='open-demo']"))
                .await
                .click()
                .await?;
            // The same tenant, counted here from the fixture itself.
            let demo = graph_emulator::directory::Directory::new(graph_emulator::generate::demo());
            let licensed = demo
                .users()
                .iter()
                .filter(|u| !demo.assigned_licenses(u).is_empty())
                .count();
            let expected = format!("150 users; {licensed} hold at least one license.");
            app.wait_for_text("[data-testid='users-summary']", &expected)
                .await?;
            app.wait_for_text("[data-testid='connection']", "Demo tenant: nothing real changes")
                .await?;
            let admin = app.wait_for(Locator::Css(".admin")).await.text().await?;
            assert!(
                admin.contains("admin@northwindtraders.example") && admin.contains("Global Administrator"),
                "{admin}"
            );
            products_show(&app).await
        }
        .await;
        (app, result)
    })
    .await;
}

#[tokio::test]
async fn demo_flag_opens_the_demo_at_once() {
    run_with_args(
        "demo_flag_opens_the_demo_at_once",
        &["--demo"],
        |app| async move {
            let result = async {
                app.wait_for_text("[data-testid='connection']", "Demo tenant: nothing real changes")
                    .await?;
                products_show(&app).await
            }
            .await;
            (app, result)
        },
    )
    .await;
}

fn assigned(row_text: &str) -> Vec<String> {
    row_text.split_whitespace().map(str::to_owned).collect()
}

#[tokio::test]
async fn removes_a_product_from_every_holder_and_undoes_it() {
    run_with_args(
        "removes_a_product_from_every_holder",
        &["--demo"],
        |app| async move {
            let result = async {
                app.wait_for_text("[data-testid='connection']", "Demo tenant: nothing real changes")
                    .await?;
                app.wait_for(Locator::Css("nav button[data-view='licenses']"))
                    .await
                    .click()
                    .await?;
                let row = "tr[data-part-number='O365_BUSINESS_PREMIUM']";
                let before = app.wait_for(Locator::Css(row)).await.text().await?;
                app.plan_removal_from_all_holders("O365_BUSINESS_PREMIUM")
                    .await?
                    .click()
                    .await?;
                let counts = app
                    .wait_for(Locator::Css("[data-testid='plan-counts']"))
                    .await
                    .text()
                    .await?;
                assert!(counts.contains("Will be removed: 13"), "{counts}");
                app.wait_for(Locator::Css("button[data-action='confirm-removal']"))
                    .await
                    .click()
                    .await?;
                app.wait_for_text(
                    "[data-testid='run-result']",
                    "Done: 13 removed, 0 failed, 0 not run.",
                )
                .await?;
                app.wait_for(Locator::Css("button[data-action='undo-run']"))
                    .await
                    .click()
                    .await?;
                app.wait_for_text("[data-testid='run-result']", "Put back: 13, failed: 0.")
                    .await?;
                app.wait_for(Locator::Css("button[data-action='close-removal']"))
                    .await
                    .click()
                    .await?;
                let after = app.wait_for(Locator::Css(row)).await.text().await?;
                assert_eq!(
                    assigned(&after),
                    assigned(&before),
                    "the product is back with every holder"
                );
                Ok(())
            }
            .await;
            (app, result)
        },
    )
    .await;
}

#[tokio::test]
async fn one_user_loses_the_license_unticked_in_licenses_and_apps() {
    run_with_args(
        "one_user_loses_the_license_unticked",
        &["--demo"],
        |app| async move {
            let result = async {
                app.wait_for_text("[data-testid='connection']", "Demo tenant: nothing real changes")
                    .await?;
                app.wait_for(Locator::Css("[data-testid='user-search']"))
                    .await
                    .send_keys("reader@")
                    .await?;
                app.wait_for_text("[data-testid='user-count']", "1 user").await?;
                let row = ".user-row[data-upn='reader@northwindtraders.example']";
                let before = app.wait_for(Locator::Css(row)).await.text().await?;
                app.wait_for(Locator::Css(&format!("{row} button.user-open")))
                    .await
                    .click()
                    .await?;
                let panel = app
                    .wait_for(Locator::Css("[data-testid='licenses-and-apps']"))
                    .await;
                let direct = panel
                    .find(Locator::Css("input[type='checkbox']:not([disabled])"))
                    .await?;
                direct.click().await?;
                app.wait_for(Locator::Css("button[data-action='save-licenses']"))
                    .await
                    .click()
                    .await?;
                let counts = app
                    .wait_for(Locator::Css("[data-testid='plan-counts']"))
                    .await
                    .text()
                    .await?;
                assert!(counts.contains("Will be removed: 1"), "{counts}");
                app.wait_for(Locator::Css("button[data-action='confirm-removal']"))
                    .await
                    .click()
                    .await?;
                app.wait_for_text(
                    "[data-testid='run-result']",
                    "Done: 1 removed, 0 failed, 0 not run.",
                )
                .await?;
                app.wait_for(Locator::Css("button[data-action='close-removal']"))
                    .await
                    .click()
                    .await?;
                // "… 2 licenses" or "… 1 license" at the end of the row.
                let count = |text: &str| {
                    text.trim_end_matches('s')
                        .strip_suffix(" license")
                        .and_then(|rest| rest.rsplit(char::is_whitespace).next())
                        .and_then(|n| n.parse::<u32>().ok())
                };
                let mut after = String::new();
                for _ in 0..50 {
                    after = app.wait_for(Locator::Css(row)).await.text().await?;
                    if count(&after) != count(&before) {
                        break;
                    }
                    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                }
                assert_eq!(count(&after), count(&before).map(|n| n - 1), "{before} → {after}");
                Ok(())
            }
            .await;
            (app, result)
        },
    )
    .await;
}

#[tokio::test]
async fn the_removal_flow_in_swedish() {
    run_with_args("the_removal_flow_in_swedish", &["--demo"], |app| async move {
        let result = async {
            app.wait_for(Locator::Css("nav button[data-view='settings']"))
                .await
                .click()
                .await?;
            app.wait_for(Locator::Css("#language option[value='sv']"))
                .await
                .click()
                .await?;
            app.wait_for_text("[data-testid='connection']", "Demoklientorganisation: inget verkligt ändras")
                .await?;
            app.wait_for(Locator::Css("nav button[data-view='licenses']"))
                .await
                .click()
                .await?;
            app.wait_for_text("main h1", "Licenser").await?;
            let row = "tr[data-part-number='EXCHANGESTANDARD']";
            app.wait_for(Locator::Css(row)).await;
            let button = app.plan_removal_from_all_holders("EXCHANGESTANDARD").await?;
            assert_eq!(button.text().await?, "Ta bort licensen från alla 5 användare…");
            button.click().await?;
            let counts = app
                .wait_for(Locator::Css("[data-testid='plan-counts']"))
                .await
                .text()
                .await?;
            assert!(
                counts.contains("Tas bort: 5") && counts.contains("Licenser som frigörs: 5"),
                "{counts}"
            );
            let confirm = app
                .wait_for(Locator::Css("button[data-action='confirm-removal']"))
                .await;
            assert_eq!(confirm.text().await?, "Ta bort 5 licenser");
            confirm.click().await?;
            app.wait_for_text(
                "[data-testid='run-result']",
                "Klart. Borttagna: 5, misslyckade: 0, inte körda: 0.",
            )
            .await?;
            app.wait_for(Locator::Css("button[data-action='undo-run']"))
                .await
                .click()
                .await?;
            app.wait_for_text("[data-testid='run-result']", "Återställda: 5, misslyckade: 0.")
                .await?;
            Ok(())
        }
        .await;
        (app, result)
    })
    .await;
}
