//! The built-in demo tenant in the real window: reached from the empty
//! views or with `--demo`, read with progress, shown by product name; a
//! run's results saved as a person opens them.

use std::path::{Path, PathBuf};

use license_desk_e2e::{artifacts_dir, run, run_with_args, run_with_env, App, BoxError, Locator, TestResult};

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
            app.wait_for_text(
                "[data-testid='connection']",
                "Demoklientorganisation: inget verkligt ändras",
            )
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

const EXCHANGE: &str = "4b9405b0-7788-4568-add1-99614e613b69";

/// The demo's holders of Exchange Online (Plan 1), as (display name, user
/// principal name), from the fixture itself.
fn exchange_holders() -> Vec<(String, String)> {
    let demo = graph_emulator::directory::Directory::new(graph_emulator::generate::demo());
    demo.users()
        .iter()
        .filter(|u| {
            demo.license_states(u)
                .iter()
                .any(|s| s.sku_id.to_string() == EXCHANGE)
        })
        .map(|u| (u.display_name.clone(), u.user_principal_name.clone()))
        .collect()
}

/// Clicks an export button and gives the file the status line says was
/// saved, which must be in `folder` under the name the dialog suggested.
async fn export(app: &App, button: &str, said: &str, folder: &Path, name: &str) -> Result<Vec<u8>, BoxError> {
    app.click(button).await?;
    let status = app
        .wait_for_text_containing("[data-testid='exported']", name)
        .await?;
    let path = PathBuf::from(status.strip_prefix(said).ok_or(status.clone())?);
    assert_eq!(path.parent(), Some(folder), "{status}");
    Ok(std::fs::read(&path)?)
}

/// The CSV's lines after the byte order mark Excel needs.
fn csv_lines(bytes: &[u8]) -> Vec<String> {
    let text = bytes
        .strip_prefix(b"\xEF\xBB\xBF")
        .expect("UTF-8 with a byte order mark");
    let text = String::from_utf8(text.to_vec()).expect("UTF-8");
    assert!(text.ends_with("\r\n"), "CRLF");
    text.split_terminator("\r\n").map(str::to_owned).collect()
}

/// The system's save dialog cannot be driven over WebDriver: the app is
/// started with `LICENSE_DESK_SAVE_DIALOG_FOLDER`, so each save dialog
/// answers with the name it suggests, in that folder. Then the bytes of
/// each file: CSV for Excel in English and (from the run history) Swedish,
/// the workbook, the JSON.
#[tokio::test]
async fn the_results_of_a_run_are_saved_for_a_person_to_open() {
    let test = "the_results_of_a_run_are_saved";
    let folder = artifacts_dir(test).join("saved");
    let _ = std::fs::remove_dir_all(&folder);
    std::fs::create_dir_all(&folder).expect("the save folder can be made");
    let folder = folder.canonicalize().expect("the save folder resolves");
    let answer = folder.to_str().expect("a UTF-8 path").to_owned();
    let env = [("LICENSE_DESK_SAVE_DIALOG_FOLDER", answer.as_str())];
    let holders = exchange_holders();
    assert_eq!(
        holders.len(),
        5,
        "the demo has five holders of Exchange Online (Plan 1)"
    );
    run_with_env(test, &env, |app| async move {
        let result = async {
            app.click("button[data-action='open-demo']").await?;
            app.wait_for_text("[data-testid='connection']", "Demo tenant: nothing real changes")
                .await?;
            app.click("nav button[data-view='licenses']").await?;
            app.plan_removal_from_all_holders("EXCHANGESTANDARD")
                .await?
                .click()
                .await?;
            app.wait_for_text_containing("[data-testid='plan-counts']", "Will be removed: 5")
                .await?;
            app.click("button[data-action='confirm-removal']").await?;
            app.wait_for_text("[data-testid='run-result']", "Done: 5 removed, 0 failed, 0 not run.")
                .await?;

            let named = "License Desk - Exchange Online (Plan 1) removed ";
            let csv = export(&app, "button[data-action='export-csv']", "Saved to ", &folder, ".csv").await?;
            let lines = csv_lines(&csv);
            assert_eq!(
                lines[0],
                r#""Display name","User principal name","License","Part number","SKU ID","Result","Reason""#
            );
            assert_eq!(lines.len(), 1 + holders.len(), "{lines:?}");
            for (name, upn) in &holders {
                let row = format!(
                    r#""{name}","{upn}","Exchange Online (Plan 1)","EXCHANGESTANDARD","{EXCHANGE}","Removed","""#
                );
                assert!(lines.contains(&row), "{row} in {lines:?}");
            }
            let files: Vec<String> = std::fs::read_dir(&folder)?
                .map(|e| e.map(|e| e.file_name().to_string_lossy().into_owned()))
                .collect::<Result<_, _>>()?;
            assert!(
                files.len() == 1 && files[0].starts_with(named) && files[0].ends_with(".csv"),
                "{files:?}"
            );

            let workbook = export(&app, "button[data-action='export-xlsx']", "Saved to ", &folder, ".xlsx").await?;
            assert!(workbook.starts_with(b"PK\x03\x04"), "an .xlsx is a zip");
            let has = |part: &[u8]| workbook.windows(part.len()).any(|w| w == part);
            assert!(has(b"xl/worksheets/sheet1.xml") && has(b"xl/sharedStrings.xml"));

            let json = export(&app, "button[data-action='export-json']", "Saved to ", &folder, ".json").await?;
            let rows: serde_json::Value = serde_json::from_slice(&json)?;
            let rows = rows.as_array().ok_or("a JSON array")?;
            assert_eq!(rows.len(), holders.len());
            for row in rows {
                let upn = row["userPrincipalName"].as_str().unwrap_or_default();
                let holder = holders.iter().find(|(_, u)| u == upn).ok_or(upn.to_owned())?;
                assert_eq!(row["displayName"], holder.0.as_str());
                assert_eq!(row["partNumber"], "EXCHANGESTANDARD");
                assert_eq!((row["action"].as_str(), row["result"].as_str()), (Some("remove"), Some("done")));
            }
            app.click("button[data-action='close-removal']").await?;

            // In Swedish, from the run history: semicolons and Swedish words.
            app.click("nav button[data-view='settings']").await?;
            app.click("#language option[value='sv']").await?;
            app.wait_for(Locator::Css("html[lang='sv']")).await;
            app.click("nav button[data-view='history']").await?;
            let csv = export(
                &app,
                "[data-testid='run-history'] button[data-action='export-csv']",
                "Sparat i ",
                &folder,
                "License Desk - Exchange Online (Plan 1) borttagen ",
            )
            .await?;
            let lines = csv_lines(&csv);
            assert_eq!(
                lines[0],
                r#""Visningsnamn";"Användarnamn";"Licens";"Artikelnummer";"SKU-ID";"Resultat";"Orsak""#
            );
            let (name, upn) = &holders[0];
            let row = format!(
                r#""{name}";"{upn}";"Exchange Online (Plan 1)";"EXCHANGESTANDARD";"{EXCHANGE}";"Borttagen";"""#
            );
            assert!(lines.contains(&row), "{row} in {lines:?}");
            Ok(())
        }
        .await;
        (app, result)
    })
    .await;
}
