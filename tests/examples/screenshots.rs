//! Retakes the README's screenshots from the real app:
//! `xvfb-run -a -s '-screen 0 1280x800x24' dbus-run-session -- cargo run -p license-desk-e2e --example screenshots`

use std::time::Duration;

use license_desk_e2e::{App, Locator};

#[tokio::main]
async fn main() {
    let out = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/screenshots");
    std::fs::create_dir_all(&out).expect("docs/screenshots can be made");
    let app = App::launch_with_args("screenshots", &["--demo"]).await;
    app.wait_for(Locator::Css("[data-testid='users-summary']")).await;
    for view in ["licenses", "users", "settings"] {
        app.wait_for(Locator::Css(&format!("nav button[data-view='{view}']")))
            .await
            .click()
            .await
            .expect("the view's button clicks");
        // WebKitGTK can hand back the previous frame right after a change.
        tokio::time::sleep(Duration::from_millis(300)).await;
        let png = app.client.screenshot().await.expect("a screenshot");
        let path = out.join(format!("{view}-en.png"));
        std::fs::write(&path, png).expect("the screenshot is written");
        println!("wrote {}", path.display());
    }
    // The plan before a removal.
    app.wait_for(Locator::Css("nav button[data-view='licenses']"))
        .await
        .click()
        .await
        .expect("licenses");
    app.wait_for(Locator::Css(
        "tr[data-part-number='SPE_E3'] button[data-action='plan-removal']",
    ))
    .await
    .click()
    .await
    .expect("the removal opens");
    app.wait_for(Locator::Css("[data-testid='plan-counts']")).await;
    app.client
        .execute(
            "document.querySelector('dialog.removal details')?.setAttribute('open', '')",
            vec![],
        )
        .await
        .expect("the notes open");
    tokio::time::sleep(Duration::from_millis(300)).await;
    let path = out.join("removal-plan-en.png");
    std::fs::write(&path, app.client.screenshot().await.expect("a screenshot"))
        .expect("the screenshot is written");
    println!("wrote {}", path.display());
    app.quit().await;
}
