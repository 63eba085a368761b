//! The window as an admin meets it, at 800x600, 1280x800 and 1920x1200, in
//! English and Swedish: axe-core (WCAG 2.2 AA and best practice, 24 px
//! targets included) finds nothing on any view, a user's panel, a product's
//! holders or the removal dialog; the document itself never scrolls and
//! nothing scrolls sideways; every disabled control looks disabled. And the
//! keyboard: the user list is one tab stop with arrow keys, Esc closes the
//! dialog and focus goes back to what opened it.
//!
//! `LICENSE_DESK_E2E_SHOTS=1` also saves a screenshot of each place checked
//! in `target/e2e/every_view_passes_axe/`.

use std::path::Path;
use std::time::Duration;

use license_desk_e2e::{artifacts_dir, run_with_args, run_with_env, App, BoxError, Key, Locator, SHOTS};

const TEST: &str = "every_view_passes_axe";
/// The smallest window License Desk supports, a laptop's, and a desktop
/// monitor's (the test screen is as large as the largest).
const SIZES: [(i64, i64); 3] = [(800, 600), (1280, 800), (1920, 1200)];

fn axe_source() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/node_modules/axe-core/axe.min.js");
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (install the UI's packages: `npm ci` in ui/)",
            path.display()
        )
    })
}

/// axe-core in the page, once per page load.
async fn inject_axe(app: &App, source: &str) -> Result<(), BoxError> {
    let present = app.client.execute("return typeof window.axe", vec![]).await?;
    if present.as_str() != Some("object") {
        app.client
            .execute(&format!("{source}\n;return typeof window.axe"), vec![])
            .await?;
    }
    Ok(())
}

/// What axe-core finds wrong on the page as it is now, one line per element.
async fn axe_violations(app: &App) -> Result<Vec<String>, BoxError> {
    let found = app
        .client
        .execute_async(
            r#"
            const done = arguments[arguments.length - 1];
            axe.run(document, {
                runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"] },
                rules: { "target-size": { enabled: true } },
                resultTypes: ["violations"],
            }).then(
                (r) => done(r.violations.flatMap((v) => v.nodes.map((n) => `${v.id} (${v.impact}): ${v.help}: ${n.target.join(" ")}: ${n.failureSummary}`))),
                (e) => done([`axe failed: ${e}`]),
            );
            "#,
            vec![],
        )
        .await?;
    Ok(serde_json::from_value(found)?)
}

/// The window's own layout: the document never scrolls (the views scroll
/// inside it), nothing scrolls sideways, and a disabled control looks
/// different from the same control enabled.
async fn layout_problems(app: &App) -> Result<Vec<String>, BoxError> {
    let found = app
        .client
        .execute(
            r##"
            const problems = [];
            const page = document.scrollingElement;
            if (page.scrollHeight > page.clientHeight) problems.push(`the document scrolls: ${page.scrollHeight} px in ${page.clientHeight}`);
            if (page.scrollWidth > page.clientWidth) problems.push(`the document scrolls sideways: ${page.scrollWidth} px in ${page.clientWidth}`);
            for (const box of document.querySelectorAll("main, dialog[open], .user-list, .people-scroll")) {
                if (box.scrollWidth > box.clientWidth + 1) {
                    const edge = box.getBoundingClientRect().left + box.clientWidth;
                    const name = (e) => `${e.tagName.toLowerCase()}${e.id ? "#" + e.id : ""}${typeof e.className === "string" && e.className ? "." + e.className.trim().split(/\s+/).join(".") : ""}`;
                    // Whatever reaches past the edge: an element, or text overflowing one.
                    const wide = [...box.querySelectorAll("*")]
                        .filter((e) => e.getBoundingClientRect().right > edge + 1 || (e.clientWidth > 0 && e.scrollWidth > e.clientWidth + 1))
                        .slice(-3)
                        .map((e) => `${name(e)} (${Math.round(e.getBoundingClientRect().right - edge)} px, ${e.scrollWidth} in ${e.clientWidth}) ${JSON.stringify(e.textContent.slice(0, 40))} ${getComputedStyle(e).whiteSpace}`);
                    problems.push(`${name(box)} scrolls sideways: ${box.scrollWidth} px in ${box.clientWidth}, past its edge: ${wide.join(", ")}`);
                }
            }
            const looks = ["color", "background-color", "opacity", "border-top-style", "border-top-color", "filter", "text-decoration-line"];
            for (const control of document.querySelectorAll("button:disabled, input:disabled, select:disabled, textarea:disabled, button[aria-disabled=true]")) {
                if (control.getClientRects().length === 0) continue;
                const twin = control.cloneNode(true);
                twin.disabled = false;
                twin.removeAttribute("aria-disabled");
                twin.removeAttribute("id");
                control.after(twin);
                const a = getComputedStyle(control), b = getComputedStyle(twin);
                const same = looks.every((p) => a.getPropertyValue(p) === b.getPropertyValue(p));
                twin.remove();
                if (same) problems.push(`looks enabled though disabled: ${control.outerHTML.slice(0, 160)}`);
            }
            return problems;
            "##,
            vec![],
        )
        .await?;
    Ok(serde_json::from_value(found)?)
}

/// Everything wrong with the window as it is now, each line naming `place`.
async fn check(app: &App, axe: &str, place: &str) -> Result<Vec<String>, BoxError> {
    // WebKitGTK can hand back the previous frame right after a change.
    tokio::time::sleep(Duration::from_millis(300)).await;
    if std::env::var_os(SHOTS).is_some() {
        let name = place.replace([' ', '/'], "-");
        std::fs::write(
            artifacts_dir(TEST).join(format!("{name}.png")),
            app.client.screenshot().await?,
        )?;
    }
    inject_axe(app, axe).await?;
    let mut problems = axe_violations(app).await?;
    problems.extend(layout_problems(app).await?);
    Ok(problems.into_iter().map(|p| format!("{place}: {p}")).collect())
}

/// The Users view's list reaches down to the bottom of the view, whatever
/// the window's height, with room for several people.
async fn list_fills_the_height(app: &App, place: &str) -> Result<Vec<String>, BoxError> {
    let found = app
        .client
        .execute(
            r#"
            const list = document.querySelector(".users-view .user-list").getBoundingClientRect();
            const main = document.querySelector("main");
            const bottom = main.getBoundingClientRect().top + main.clientHeight - parseFloat(getComputedStyle(main).paddingBottom);
            return [Math.round(bottom - list.bottom), Math.floor(list.height / 44)];
            "#,
            vec![],
        )
        .await?;
    let (gap, rows) = (
        found[0].as_i64().unwrap_or(i64::MAX),
        found[1].as_i64().unwrap_or(0),
    );
    let mut problems = Vec::new();
    if gap.abs() > 2 {
        problems.push(format!(
            "{place}: the user list ends {gap} px above the bottom of the view"
        ));
    }
    if rows < 5 {
        problems.push(format!("{place}: the user list shows only {rows} people"));
    }
    Ok(problems)
}

/// Sizes the window so that the page inside it is `width` by `height`.
async fn resize(app: &App, width: i64, height: i64) -> Result<(), BoxError> {
    let (mut outer_w, mut outer_h) = (width, height);
    for _ in 0..4 {
        app.client.set_window_size(outer_w as u32, outer_h as u32).await?;
        tokio::time::sleep(Duration::from_millis(400)).await;
        let inner = app
            .client
            .execute("return [window.innerWidth, window.innerHeight]", vec![])
            .await?;
        let (w, h) = (inner[0].as_i64().unwrap_or(0), inner[1].as_i64().unwrap_or(0));
        if (w, h) == (width, height) {
            return Ok(());
        }
        outer_w += width - w;
        outer_h += height - h;
    }
    Err(format!("the page could not be made {width}x{height}").into())
}

async fn show(app: &App, view: &str) -> Result<(), BoxError> {
    app.click(&format!("nav button[data-view='{view}']")).await?;
    app.wait_for(Locator::Css(&format!(
        "main section[aria-labelledby='{view}-heading'] h1"
    )))
    .await;
    Ok(())
}

async fn language(app: &App, code: &str, users: &str) -> Result<(), BoxError> {
    show(app, "settings").await?;
    app.click(&format!("#language option[value='{code}']")).await?;
    app.wait_for_text("nav button[data-view='users'] .label", users)
        .await
}

/// One small run, so the run history has a row to check.
async fn one_run(app: &App) -> Result<(), BoxError> {
    show(app, "licenses").await?;
    app.plan_removal_from_all_holders("EXCHANGESTANDARD")
        .await?
        .click()
        .await?;
    app.click("button[data-action='confirm-removal']").await?;
    app.wait_for_text_containing("[data-testid='run-result']", "Done: 5 removed")
        .await?;
    app.click("button[data-action='close-removal']").await
}

/// Types `keys` into whatever has focus, and lets the page answer.
async fn press(app: &App, keys: &str) -> Result<(), BoxError> {
    app.client.active_element().await?.send_keys(keys).await?;
    tokio::time::sleep(Duration::from_millis(200)).await;
    Ok(())
}

/// The user list is one tab stop: arrows move, Space ticks, Shift+Down
/// ticks on; Esc closes the removal dialog and focus goes back to the
/// button that opened it.
async fn keyboard(app: &App) -> Result<(), BoxError> {
    show(app, "users").await?;
    let first = app.wait_for(Locator::Css(".user-row[data-position='0']")).await;
    assert_eq!(first.attr("tabindex").await?.as_deref(), Some("0"));
    let stops = app
        .client
        .execute(
            "return [...document.querySelectorAll('.user-list [tabindex]')].filter((e) => e.tabIndex >= 0).length",
            vec![],
        )
        .await?;
    assert_eq!(stops.as_i64(), Some(1), "the list is one tab stop");
    app.client
        .execute(
            "document.querySelector('.user-row[data-position=\"0\"]').focus()",
            vec![],
        )
        .await?;
    press(app, &Key::Down.to_string()).await?;
    press(app, " ").await?;
    app.wait_for_text(".list-tools [data-testid='selected-count']", "1 selected")
        .await?;
    let focused = app.client.active_element().await?;
    assert_eq!(focused.attr("data-position").await?.as_deref(), Some("1"));
    assert_eq!(focused.attr("aria-selected").await?.as_deref(), Some("true"));
    press(app, &(Key::Shift + &Key::Down)).await?;
    app.wait_for_text(".list-tools [data-testid='selected-count']", "2 selected")
        .await?;

    show(app, "licenses").await?;
    let open = app.plan_removal_from_all_holders("SPB").await?;
    open.click().await?;
    app.wait_for(Locator::Css("[data-testid='plan-counts']")).await;
    press(app, &Key::Escape.to_string()).await?;
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    loop {
        let back = app.client.active_element().await?;
        if back.attr("data-action").await?.as_deref() == Some("plan-removal")
            && app.client.find(Locator::Css("dialog[open]")).await.is_err()
        {
            return Ok(());
        }
        if std::time::Instant::now() > deadline {
            return Err("Esc did not close the dialog and give focus back to its button".into());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn every_view_and_the_removal_dialog_pass_axe_and_fit_the_window() {
    run_with_args(TEST, &["--demo"], |app| async move {
        let result = async {
            let axe = axe_source();
            app.wait_for(Locator::Css(".user-row[data-upn]")).await;
            resize(&app, 1280, 800).await?;
            keyboard(&app).await?;
            one_run(&app).await?;
            // Prices, so Settings shows its table, and one typed wrong.
            show(&app, "settings").await?;
            app.click("#currency option[value='SEK']").await?;
            let price = app.wait_for(Locator::Css("#price-SPB")).await;
            price.send_keys(&format!("12 kr{}", Key::Tab)).await?;
            app.wait_for(Locator::Css("[data-testid='price-error']")).await;

            let mut problems = Vec::new();
            for (code, users) in [("en", "Users"), ("sv", "Användare")] {
                language(&app, code, users).await?;
                for (width, height) in SIZES {
                    resize(&app, width, height).await?;
                    let at = |place: &str| format!("{place} {code} {width}x{height}");

                    show(&app, "users").await?;
                    app.wait_for(Locator::Css(".user-row[data-upn]")).await;
                    problems.extend(check(&app, &axe, &at("users")).await?);
                    problems.extend(list_fills_the_height(&app, &at("users")).await?);
                    app.click(".user-row[data-position='1'] .user-open").await?;
                    app.wait_for(Locator::Css("[data-testid='licenses-and-apps'] .license"))
                        .await;
                    problems.extend(check(&app, &axe, &at("users-panel")).await?);

                    show(&app, "licenses").await?;
                    let plan = app.plan_removal_from_all_holders("SPB").await?;
                    app.wait_for(Locator::Css("[data-testid='holders'] .user-row[data-upn]"))
                        .await;
                    problems.extend(check(&app, &axe, &at("licenses")).await?);
                    plan.click().await?;
                    app.wait_for(Locator::Css("[data-testid='consequences']")).await;
                    problems.extend(check(&app, &axe, &at("removal-dialog")).await?);
                    app.click("dialog[open] .actions button:not(.primary)").await?;

                    for view in ["savings", "history", "settings"] {
                        show(&app, view).await?;
                        problems.extend(check(&app, &axe, &at(view)).await?);
                    }
                }
            }
            if problems.is_empty() {
                Ok(())
            } else {
                Err(problems.join("\n").into())
            }
        }
        .await;
        (app, result)
    })
    .await;
}

/// The dark theme, as WebKitGTK takes it from a dark GTK theme: the window
/// says it prefers dark, and axe finds nothing on the views and the dialog.
#[tokio::test]
async fn the_dark_theme_passes_axe() {
    run_with_env(TEST, &[("GTK_THEME", "Adwaita:dark")], |app| async move {
        let result = async {
            let axe = axe_source();
            app.click("button[data-action='open-demo']").await?;
            app.wait_for(Locator::Css(".user-row[data-upn]")).await;
            resize(&app, 1280, 800).await?;
            let dark = app
                .client
                .execute(
                    "return matchMedia('(prefers-color-scheme: dark)').matches",
                    vec![],
                )
                .await?;
            if dark.as_bool() != Some(true) {
                return Err("the window does not prefer dark under GTK_THEME=Adwaita:dark".into());
            }
            let mut problems = check(&app, &axe, "users dark").await?;
            show(&app, "licenses").await?;
            let plan = app.plan_removal_from_all_holders("SPB").await?;
            app.wait_for(Locator::Css("[data-testid='holders'] .user-row[data-upn]"))
                .await;
            problems.extend(check(&app, &axe, "licenses dark").await?);
            plan.click().await?;
            app.wait_for(Locator::Css("[data-testid='consequences']")).await;
            problems.extend(check(&app, &axe, "removal-dialog dark").await?);
            app.click("dialog[open] .actions button:not(.primary)").await?;
            for view in ["savings", "history", "settings"] {
                show(&app, view).await?;
                problems.extend(check(&app, &axe, &format!("{view} dark")).await?);
            }
            if problems.is_empty() {
                Ok(())
            } else {
                Err(problems.join("\n").into())
            }
        }
        .await;
        (app, result)
    })
    .await;
}
