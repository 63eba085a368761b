//! The app shell in a real window: it starts, every view is reachable by
//! mouse and by keyboard, and settings survive a restart.

use license_desk_e2e::{run, App, Key, Locator, TestResult};

async fn click_nav(app: &App, view: &str) -> TestResult {
    app.wait_for(Locator::Css(&format!("nav button[data-view='{view}']")))
        .await
        .click()
        .await?;
    Ok(())
}

#[tokio::test]
async fn starts_with_its_title_views_and_status() {
    run("starts_with_its_title_views_and_status", |app| async move {
        let result = async {
            assert_eq!(app.client.title().await?, "License Desk");
            assert_eq!(app.heading().await?, "Users");
            let labels = futures_text(&app, "nav button").await?;
            assert_eq!(
                labels,
                ["Users", "Licenses", "Savings", "Run history", "Settings"]
            );
            app.wait_for_text("[data-testid='connection']", "Not connected")
                .await?;
            Ok(())
        }
        .await;
        (app, result)
    })
    .await;
}

#[tokio::test]
async fn every_view_is_reachable_by_mouse_and_keyboard() {
    run(
        "every_view_is_reachable_by_mouse_and_keyboard",
        |app| async move {
            let result = async {
                // Mouse.
                click_nav(&app, "licenses").await?;
                app.wait_for_text("main h1", "Licenses").await?;
                click_nav(&app, "settings").await?;
                app.wait_for_text("main h1", "Settings").await?;

                // Keyboard: Tab through the navigation and press Enter.
                let users = app.wait_for(Locator::Css("nav button[data-view='users']")).await;
                users.send_keys(&Key::Enter.to_string()).await?;
                app.wait_for_text("main h1", "Users").await?;
                users.send_keys(&Key::Tab.to_string()).await?;
                let focused = app.client.active_element().await?;
                assert_eq!(focused.attr("data-view").await?.as_deref(), Some("licenses"));
                focused.send_keys(&Key::Enter.to_string()).await?;
                app.wait_for_text("main h1", "Licenses").await?;

                // Keyboard: the Alt+number shortcuts, from wherever focus is.
                let focused = app.client.active_element().await?;
                focused.send_keys(&(Key::Alt + "5")).await?;
                app.wait_for_text("main h1", "Settings").await?;
                let focused = app.client.active_element().await?;
                focused.send_keys(&(Key::Alt + "1")).await?;
                app.wait_for_text("main h1", "Users").await?;
                Ok(())
            }
            .await;
            (app, result)
        },
    )
    .await;
}

#[tokio::test]
async fn settings_survive_a_restart() {
    run("settings_survive_a_restart", |app| async move {
        let result = async {
            click_nav(&app, "settings").await?;
            app.wait_for(Locator::Css("input[value='us_gov_dod']"))
                .await
                .click()
                .await?;
            app.wait_for_text("main .notice[role='status']", "Settings saved.")
                .await?;
            app.wait_for(Locator::Css("#language option[value='sv']"))
                .await
                .click()
                .await?;
            app.wait_for_text("nav button[data-view='users']", "Användare")
                .await?;
            Ok::<_, license_desk_e2e::BoxError>(())
        }
        .await;
        if let Err(error) = result {
            return (app, Err(error));
        }

        let app = app.relaunch().await;
        let result = async {
            app.wait_for_text("nav button[data-view='users']", "Användare")
                .await?;
            app.wait_for_text("main h1", "Användare").await?;
            click_nav(&app, "settings").await?;
            let language = app.wait_for(Locator::Css("#language")).await;
            assert_eq!(language.prop("value").await?.as_deref(), Some("sv"));
            let dod = app.wait_for(Locator::Css("input[value='us_gov_dod']")).await;
            assert!(
                dod.is_selected().await?,
                "the DoD cloud stays chosen after a restart"
            );
            Ok(())
        }
        .await;
        (app, result)
    })
    .await;
}

async fn futures_text(app: &App, css: &str) -> Result<Vec<String>, license_desk_e2e::BoxError> {
    let mut texts = Vec::new();
    for element in app.client.find_all(Locator::Css(css)).await? {
        texts.push(element.text().await?);
    }
    Ok(texts)
}
