//! Retakes the README's screenshots from the real app, in English and Swedish:
//! `xvfb-run -a -s '-screen 0 1280x800x24' dbus-run-session -- cargo run -p license-desk-e2e --example screenshots`

use std::path::Path;
use std::time::Duration;

use license_desk_e2e::{App, Locator};

async fn click(app: &App, css: &str) {
    app.wait_for(Locator::Css(css))
        .await
        .click()
        .await
        .unwrap_or_else(|e| panic!("{css} clicks: {e}"));
}

async fn shoot(app: &App, out: &Path, name: &str) {
    // WebKitGTK can hand back the previous frame right after a change.
    tokio::time::sleep(Duration::from_millis(400)).await;
    let path = out.join(format!("{name}.png"));
    std::fs::write(&path, app.client.screenshot().await.expect("a screenshot"))
        .expect("the screenshot is written");
    println!("wrote {}", path.display());
}

async fn language(app: &App, code: &str) {
    click(app, "nav button[data-view='settings']").await;
    click(app, &format!("#language option[value='{code}']")).await;
}

async fn take(app: &App, out: &Path, code: &str) {
    language(app, code).await;
    for view in ["users", "settings"] {
        click(app, &format!("nav button[data-view='{view}']")).await;
        shoot(app, out, &format!("{view}-{code}")).await;
    }
    // Licenses, with a product's holders open.
    click(app, "nav button[data-view='licenses']").await;
    shoot(app, out, &format!("licenses-{code}")).await;
    click(
        app,
        "tr[data-part-number='SPB'] button[data-action='show-holders']",
    )
    .await;
    app.wait_for(Locator::Css("[data-testid='holders'] .user-row[data-upn]"))
        .await;
    let boxes = app
        .client
        .find_all(Locator::Css(
            "[data-testid='holders'] .user-row input[type='checkbox']",
        ))
        .await
        .expect("holders");
    for tick in boxes.iter().take(3) {
        tick.click().await.expect("a holder ticks");
    }
    app.client
        .execute(
            "document.querySelector('[data-testid=holders]').scrollIntoView()",
            vec![],
        )
        .await
        .expect("scrolls");
    shoot(app, out, &format!("holders-{code}")).await;

    // The plan before a removal.
    click(
        app,
        "tr[data-part-number='SPE_E3'] button[data-action='plan-removal']",
    )
    .await;
    app.wait_for(Locator::Css("[data-testid='plan-counts']")).await;
    app.client
        .execute(
            "document.querySelector('dialog.removal details')?.setAttribute('open', '')",
            vec![],
        )
        .await
        .expect("the notes open");
    shoot(app, out, &format!("removal-plan-{code}")).await;
    click(app, "button[data-action='confirm-removal']").await;
    app.wait_for(Locator::Css("[data-testid='run-result']")).await;
    click(app, "button[data-action='close-removal']").await;
    click(app, "nav button[data-view='history']").await;
    app.wait_for(Locator::Css("[data-testid='run-history']")).await;
    shoot(app, out, &format!("history-{code}")).await;
}

#[tokio::main]
async fn main() {
    let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/screenshots");
    std::fs::create_dir_all(&out).expect("docs/screenshots can be made");
    for code in ["en", "sv"] {
        let app = App::launch_with_args("screenshots", &["--demo"]).await;
        app.wait_for(Locator::Css("[data-testid='users-summary']")).await;
        take(&app, &out, code).await;
        app.quit().await;
    }
}
