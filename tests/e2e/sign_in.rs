//! Signing in to a local tenant in the real window: the device code flow,
//! still signed in after a restart (the keychain kept the refresh token),
//! nothing secret in any command's answer, and after signing out nothing of
//! ours left in the keychain.

use license_desk_core::DEFAULT_CLIENT_ID;
use license_desk_e2e::{run_with_env, BoxError, LocalTenant, Locator, TenantControl};
use license_desk_graph::auth::SignInTarget;
use license_desk_graph::keychain::{refresh_token_account, Secret};
use license_desk_graph::Endpoints;

fn kept_refresh_token(base_url: &str) -> Result<Option<String>, BoxError> {
    let target = SignInTarget {
        endpoints: Endpoints::local(base_url, None),
        tenant: "organizations".to_owned(),
        client_id: DEFAULT_CLIENT_ID.to_owned(),
    };
    Ok(Secret::new(&refresh_token_account(&target))?.load()?)
}

/// Every read command's answer, as the webview receives it.
const ANSWERS: &str = r#"
    const done = arguments[arguments.length - 1];
    const invoke = window.__TAURI_INTERNALS__.invoke;
    Promise.all(["connection_status", "get_settings", "startup_options", "clouds"].map((c) => invoke(c)))
      .then((answers) => done(JSON.stringify(answers)), (error) => done("failed: " + JSON.stringify(error)));
"#;

fn looks_like_a_token(text: &str) -> bool {
    text.split(|c: char| !(c.is_ascii_alphanumeric() || "-_.".contains(c)))
        .any(|word| word.split('.').count() == 3 && word.len() > 40)
}

#[tokio::test]
async fn signs_in_with_a_code_stays_signed_in_after_a_restart_and_signs_out_cleanly() {
    let tenant = LocalTenant::start("licenses@northwindtraders.example");
    let base_url = tenant.base_url.clone();
    let status = format!("Signed in to Northwind Traders on a local tenant at {base_url}: not Microsoft");
    let env = [("LICENSE_DESK_LOCAL_TENANT", tenant.base_url.as_str())];
    run_with_env("signs_in_with_a_code_stays_signed_in", &env, |app| async move {
        let first = async {
            assert_eq!(
                kept_refresh_token(&base_url)?,
                None,
                "nothing kept before signing in"
            );
            app.wait_for(Locator::Css("button[data-action='sign-in-with-code']"))
                .await
                .click()
                .await?;
            app.wait_for_text("[data-testid='connection']", &status).await?;
            let admin = app.wait_for(Locator::Css(".admin")).await.text().await?;
            assert!(admin.contains("License Administrator"), "{admin}");
            assert!(
                kept_refresh_token(&base_url)?.is_some(),
                "the keychain keeps the sign-in"
            );
            Ok::<_, BoxError>(())
        }
        .await;
        if let Err(error) = first {
            return (app, Err(error));
        }

        let app = app.relaunch().await;
        let second = async {
            app.wait_for_text("[data-testid='connection']", &status).await?;
            app.wait_for(Locator::Css("[data-testid='users-summary']")).await;

            let answers = app.client.execute_async(ANSWERS, vec![]).await?;
            let answers = answers.as_str().unwrap_or_default().to_owned();
            assert!(answers.starts_with('['), "{answers}");
            assert!(
                !looks_like_a_token(&answers),
                "no token-shaped value reaches the webview: {answers}"
            );
            let kept = kept_refresh_token(&base_url)?.ok_or("the refresh token is kept")?;
            assert!(!answers.contains(&kept));

            app.wait_for(Locator::Css("button[data-action='sign-out']"))
                .await
                .click()
                .await?;
            app.wait_for_text("[data-testid='connection']", "Not connected")
                .await?;
            assert_eq!(
                kept_refresh_token(&base_url)?,
                None,
                "signing out forgets the refresh token"
            );
            Ok(())
        }
        .await;
        (app, second)
    })
    .await;
    drop(tenant);
}

#[tokio::test]
async fn without_a_keychain_it_says_so_and_signs_in_for_this_run_only() {
    let tenant = LocalTenant::start("admin@northwindtraders.example");
    let env = [
        ("LICENSE_DESK_LOCAL_TENANT", tenant.base_url.as_str()),
        // No session bus: no Secret Service to keep anything in.
        (
            "DBUS_SESSION_BUS_ADDRESS",
            "unix:path=/nonexistent/license-desk-test-bus",
        ),
    ];
    run_with_env("without_a_keychain", &env, |app| async move {
        let result = async {
            app.wait_for(Locator::Css("button[data-action='sign-in-with-code']"))
                .await
                .click()
                .await?;
            app.wait_for(Locator::Css("[data-testid='users-summary']")).await;
            let notice = app.wait_for(Locator::Css("main .warning")).await.text().await?;
            assert!(notice.contains("No system keychain could be used"), "{notice}");
            Ok(())
        }
        .await;
        (app, result)
    })
    .await;
    drop(tenant);
}

/// Direct holders of Business Premium in the local tenant, read from its
/// test control (not through the app).
async fn premium_holders(tenant: &TenantControl) -> Result<usize, BoxError> {
    let premium: uuid::Uuid = "cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46".parse()?;
    let state = tenant.state().await?;
    Ok(state
        .users()
        .iter()
        .filter(|u| u.assigned_licenses.iter().any(|l| l.sku_id == premium))
        .count())
}

#[tokio::test]
async fn a_run_killed_with_the_app_is_offered_and_resumed_at_the_next_start() {
    // Slow answers: the app is killed while its first batches are on the way.
    let tenant = LocalTenant::start_with("admin@northwindtraders.example", &["--latency-ms", "1500"]);
    let tenant_ref = tenant.control();
    let env = [("LICENSE_DESK_LOCAL_TENANT", tenant.base_url.as_str())];
    run_with_env("a_run_killed_with_the_app", &env, |app| async move {
        let first = async {
            let before = premium_holders(&tenant_ref).await?;
            app.wait_for(Locator::Css("button[data-action='sign-in-with-code']"))
                .await
                .click()
                .await?;
            app.wait_for(Locator::Css("nav button[data-view='licenses']"))
                .await
                .click()
                .await?;
            app.plan_removal_from_all_holders("SPB").await?.click().await?;
            // More than 50 people: the count is typed before removing.
            let confirm = app
                .wait_for(Locator::Css("button[data-action='confirm-removal']"))
                .await;
            assert!(!confirm.is_enabled().await?, "not before the count is typed");
            app.wait_for(Locator::Css("[data-testid='confirm-count']"))
                .await
                .send_keys(&before.to_string())
                .await?;
            confirm.click().await?;
            // Killed as soon as the first changes are in: answers take 1.5 s,
            // so what was sent next is still on the way and the rest unsent.
            for _ in 0..500 {
                if premium_holders(&tenant_ref).await? < before {
                    break;
                }
                tokio::time::sleep(std::time::Duration::from_millis(10)).await;
            }
            license_desk_e2e::kill_running_app();
            Ok::<_, BoxError>(before)
        }
        .await;
        let before = match first {
            Ok(before) => before,
            Err(error) => return (app, Err(error)),
        };
        let app = app.relaunch().await;
        let second = async {
            let left = premium_holders(&tenant_ref).await?;
            assert!(
                left > 0 && left < before,
                "killed mid-run: {left} of {before} left"
            );
            let banner = app
                .wait_for(Locator::Css("[data-testid='interrupted']"))
                .await
                .text()
                .await?;
            assert!(banner.contains("stopped before it finished"), "{banner}");
            app.wait_for(Locator::Css("button[data-action='resume-run']"))
                .await
                .click()
                .await?;
            app.wait_for(Locator::Css("[data-testid='resume-result']")).await;
            let result = app
                .wait_for(Locator::Css("[data-testid='resume-result']"))
                .await
                .text()
                .await?;
            assert!(
                result.starts_with(&format!("Resumed: {before} done, 0 failed")),
                "{result}"
            );
            assert_eq!(
                premium_holders(&tenant_ref).await?,
                0,
                "the run finished in the tenant"
            );
            Ok(())
        }
        .await;
        (app, second)
    })
    .await;
    drop(tenant);
}
