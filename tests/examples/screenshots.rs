//! Retakes the README's screenshots from the real app, in English and Swedish:
//! `xvfb-run -a -s '-screen 0 1280x800x24' dbus-run-session -- cargo run -p license-desk-e2e --example screenshots`
//! (add `-- offline` for only those of offline review).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use graph_emulator::apps::{APP_ONLY_CLIENT_ID, APP_ONLY_SECRET};
use graph_emulator::directory::Directory;
use graph_emulator::model::{AssignedLicense, Tenant, User};
use license_desk_e2e::{App, LocalTenant, Locator};
use uuid::Uuid;

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

/// Prices per seat, so Savings speaks in money.
async fn prices(app: &App) {
    click(app, "nav button[data-view='settings']").await;
    click(app, "#currency option[value='SEK']").await;
    for (part, price) in [
        ("SPB", "220"),
        ("O365_BUSINESS_PREMIUM", "135"),
        ("EXCHANGESTANDARD", "45"),
        ("SPE_E3", "390"),
    ] {
        if let Ok(input) = app.client.find(Locator::Css(&format!("#price-{part}"))).await {
            input
                .send_keys(&format!("{price}\n"))
                .await
                .expect("a price is typed");
            // The field saves on change: leave it.
            app.client
                .execute("document.activeElement?.blur()", vec![])
                .await
                .expect("the price field is left");
        }
    }
}

/// Savings with sign-ins read: who has not signed in for 90 days, and the rest.
async fn savings(app: &App, out: &Path, code: &str) {
    click(app, "nav button[data-view='savings']").await;
    click(app, "button[data-action='read-activity']").await;
    app.wait_for(Locator::Css("article[data-kind='inactive_sign_in']"))
        .await;
    app.client
        .execute("document.querySelector(\"article[data-kind='inactive_sign_in'] details\")?.setAttribute('open', '')", vec![])
        .await
        .expect("the people open");
    shoot(app, out, &format!("savings-{code}")).await;
}

async fn take(app: &App, out: &Path, code: &str) {
    language(app, code).await;
    prices(app).await;
    savings(app, out, code).await;
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
    app.client
        .execute(
            "document.querySelector(\"tr[data-part-number='SPB'] button[data-action='show-holders']\").click()",
            vec![],
        )
        .await
        .expect("the holders of Microsoft 365 Business Premium");
    app.wait_for_text_containing("[data-testid='holders'] button[data-action='plan-removal']", "86")
        .await
        .expect("the removal from Microsoft 365 Business Premium's 86 holders");
    app.client
        .execute(
            "document.querySelector(\"[data-testid='holders'] button[data-action='plan-removal']\").click()",
            vec![],
        )
        .await
        .expect("plans the removal");
    app.wait_for(Locator::Css("[data-testid='plan-counts']")).await;
    // The first consequence opened to its people.
    app.client
        .execute(
            "document.querySelector('dialog.removal [aria-expanded=false]')?.click()",
            vec![],
        )
        .await
        .expect("a consequence opens");
    shoot(app, out, &format!("removal-plan-{code}")).await;
    // More than 50 people: their number is typed before removing.
    app.wait_for(Locator::Css("[data-testid='confirm-count']"))
        .await
        .send_keys("86")
        .await
        .expect("the count is typed");
    click(app, "button[data-action='confirm-removal']").await;
    app.wait_for(Locator::Css("[data-testid='run-result']")).await;
    click(app, "button[data-action='close-removal']").await;
    click(app, "nav button[data-view='history']").await;
    app.wait_for(Locator::Css("[data-testid='run-history']")).await;
    shoot(app, out, &format!("history-{code}")).await;
}

fn app_binary() -> PathBuf {
    std::env::var_os("LICENSE_DESK_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/debug/license-desk"))
}

/// Runs the headless command line with its own data folders.
fn license_desk(dir: &Path, args: &[&str], env: &[(&str, &str)]) {
    let output = Command::new(app_binary())
        .args(args)
        .env("XDG_DATA_HOME", dir.join("cli-data"))
        .env("XDG_CONFIG_HOME", dir.join("cli-config"))
        .env("XDG_CACHE_HOME", dir.join("cli-cache"))
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .output()
        .expect("license-desk runs");
    assert!(
        output.status.success(),
        "license-desk {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Gives a file to the window already open, as a second start does.
fn hand_over(path: &Path) {
    let status = Command::new(app_binary())
        .arg("--open")
        .arg(path)
        .stdin(Stdio::null())
        .status()
        .expect("a second start runs");
    assert!(status.success(), "the second start handed over");
}

/// An Active users export as the admin center saves it, for a small company.
fn write_admin_center_csv(path: &Path) {
    const HEADER: &str = "Display name,DirSyncEnabled,User principal name,Object Id,First name,Last name,When created,Soft deletion time stamp,Title,Department,Preferred data location,City,CountryOrRegion,Office,StateOrProvince,Usage location,Last dirsync time,Block credential,Licenses,Password never expires,Last password change time stamp,Mobile Phone,Phone number,Postal code,Preferred language,Street address,Fax,Proxy addresses";
    let first = [
        "Adele",
        "Alex",
        "Anna",
        "Bianca",
        "Diego",
        "Elin",
        "Erik",
        "Grady",
        "Henrietta",
        "Isaiah",
        "Johanna",
        "Joni",
        "Karin",
        "Lee",
        "Lidia",
        "Lynne",
        "Megan",
        "Miriam",
        "Nestor",
        "Nils",
        "Patti",
        "Pradeep",
        "Sara",
        "Sven",
    ];
    let last = [
        "Vance",
        "Wilber",
        "Lind",
        "Pisani",
        "Siciliani",
        "Berg",
        "Holm",
        "Archie",
        "Mueller",
        "Lopez",
    ];
    let mut text = String::from("\u{feff}");
    text.push_str(HEADER);
    for i in 0..96usize {
        let (given, family) = (
            first[i % first.len()],
            last[(i * 7 + i / first.len()) % last.len()],
        );
        let upn = format!(
            "{}.{}{}@contoso.se",
            given.to_lowercase(),
            family.to_lowercase(),
            i / first.len()
        );
        let mut licenses: Vec<&str> = Vec::new();
        match i % 12 {
            0..=6 => licenses.push("Microsoft 365 Business Premium"),
            7 | 8 => licenses.push("Microsoft 365 Business Standard"),
            9 => licenses.push("Exchange Online (Plan 1)"),
            10 => licenses.push("Microsoft 365 E3"),
            _ => {}
        }
        if i % 5 == 0 {
            licenses.push("Microsoft Power Automate Free");
        }
        if i % 9 == 0 {
            licenses.push("Power BI Pro");
        }
        if i % 31 == 3 {
            licenses.push("Visio Plan 2");
        }
        if i % 40 == 7 {
            licenses.push("Microsoft 365 Copilot");
        }
        let licenses = if licenses.is_empty() {
            "Unlicensed".to_owned()
        } else {
            licenses.join("+")
        };
        let id = format!("6f1c2b7e-4d3a-4c8e-9b1f-{i:012}");
        let name = format!("{given} {family}");
        let mut cells = vec![String::new(); 28];
        cells[0] = name;
        cells[1] = "False".into();
        cells[2] = upn.clone();
        cells[3] = id;
        cells[4] = given.into();
        cells[5] = family.into();
        cells[6] = "2024-02-12 08:14:03Z".into();
        cells[15] = "SE".into();
        cells[17] = if i % 23 == 5 { "True" } else { "False" }.into();
        cells[18] = licenses;
        cells[19] = "False".into();
        cells[20] = "2025-08-30 07:41:55Z".into();
        cells[27] = format!("SMTP:{upn}");
        text.push_str("\r\n");
        text.push_str(&cells.join(","));
    }
    text.push_str("\r\n");
    std::fs::write(path, text).expect("the CSV is written");
}

const PREMIUM: Uuid = uuid::uuid!("cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46");

/// A saved plan of the demo tenant, made from an export taken before the
/// demo's picture of today: one person has left since, one now holds a
/// product only through a group, one no longer holds it.
fn demo_plan(dir: &Path) -> PathBuf {
    let demo = graph_emulator::generate::demo();
    let directory = Directory::new(demo.clone());
    let mut then = demo.clone();
    // Someone who has left since.
    let mut former: User = then
        .users
        .iter()
        .find(|u| u.assigned_licenses.iter().any(|l| l.sku_id == PREMIUM))
        .expect("a holder")
        .clone();
    former.id = uuid::uuid!("0b5e1a2c-7d4e-4f60-9a1b-2c3d4e5f6a70");
    former.display_name = "Jonas Ek".into();
    former.given_name = Some("Jonas".into());
    former.surname = Some("Ek".into());
    former.user_principal_name = "jonas.ek@northwindtraders.example".into();
    former.mail = Some(former.user_principal_name.clone());
    former.directory_roles.clear();
    then.users.push(former.clone());
    // Someone who then held a product directly, now only through a group.
    let (through_group, product, group) = demo
        .users
        .iter()
        .find_map(|u| {
            directory.license_states(u).into_iter().find_map(|s| {
                let group = s.assigned_by_group?;
                (!u.assigned_licenses.iter().any(|l| l.sku_id == s.sku_id)).then_some((u.id, s.sku_id, group))
            })
        })
        .expect("a license held only through a group");
    // Someone who then held Business Premium, and no longer does.
    let removed = demo
        .users
        .iter()
        .find(|u| u.account_enabled && directory.license_states(u).is_empty())
        .expect("an unlicensed user")
        .id;
    let mut planned = vec![former.user_principal_name.clone()];
    for user in &mut then.users {
        if user.id == through_group {
            user.member_of.retain(|g| *g != group);
            user.assigned_licenses.push(AssignedLicense {
                sku_id: product,
                disabled_plans: Vec::new(),
            });
            planned.push(user.user_principal_name.clone());
        }
        if user.id == removed {
            user.assigned_licenses.push(AssignedLicense {
                sku_id: PREMIUM,
                disabled_plans: Vec::new(),
            });
            planned.push(user.user_principal_name.clone());
        }
    }
    // And three who still hold it as they did.
    let unchanged: Vec<String> = demo
        .users
        .iter()
        .filter(|u| u.account_enabled && u.assigned_licenses.iter().any(|l| l.sku_id == PREMIUM))
        .filter(|u| !planned.contains(&u.user_principal_name))
        .take(3)
        .map(|u| u.user_principal_name.clone())
        .collect();
    planned.extend(unchanged);
    let part = demo_part_number(&demo, product);
    let fixture = dir.join("then.json");
    std::fs::write(&fixture, serde_json::to_vec(&then).expect("serialises")).expect("written");
    let tenant = LocalTenant::start_with(
        "admin@northwindtraders.example",
        &["--tenant", &fixture.display().to_string()],
    );
    let export = dir.join("License Desk export Northwind Traders 2026-11-02.json");
    let secret = [("LICENSE_DESK_CLIENT_SECRET", APP_ONLY_SECRET)];
    let (export_text, id, client) = (
        export.display().to_string(),
        demo.id.to_string(),
        APP_ONLY_CLIENT_ID.to_string(),
    );
    license_desk(
        dir,
        &[
            "export",
            "--out",
            &export_text,
            "--local-tenant",
            &tenant.base_url,
            "--tenant",
            &id,
            "--client-id",
            &client,
        ],
        &secret,
    );
    drop(tenant);
    let users = dir.join("leavers.txt");
    std::fs::write(&users, planned.join("\n") + "\n").expect("written");
    let plan = dir.join("License Desk plan 2026-11-02.json");
    let mut args = vec!["plan", "--from", &export_text, "--sku", "SPB"];
    if part != "SPB" {
        args.extend(["--sku", part.as_str()]);
    }
    let (users_text, plan_text) = (users.display().to_string(), plan.display().to_string());
    args.extend(["--users", &users_text, "--out", &plan_text]);
    license_desk(dir, &args, &[]);
    plan
}

fn demo_part_number(tenant: &Tenant, sku: Uuid) -> String {
    tenant
        .products
        .iter()
        .find(|p| p.sku_id == sku)
        .map(|p| p.sku_part_number.clone())
        .expect("the product is the tenant's")
}

/// The welcome screen, a file opened offline, and a saved plan applied.
async fn take_offline(out: &Path, code: &str) {
    // A folder whose path reads as an admin's own, as it shows on screen.
    let dir = std::env::temp_dir().join("Downloads");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a folder for the files");
    let csv = dir.join("users_11_20_2026 4_12_09 PM.csv");
    write_admin_center_csv(&csv);
    let plan = demo_plan(&dir);

    let open = csv.display().to_string();
    let app = App::launch_with_args("screenshots-offline", &["--open", &open]).await;
    app.wait_for(Locator::Css("[data-testid='offline-banner']")).await;
    language(&app, code).await;
    click(&app, "nav button[data-view='licenses']").await;
    app.wait_for(Locator::Css("tr[data-part-number='SPB']")).await;
    shoot(&app, out, &format!("offline-licenses-{code}")).await;
    // The welcome screen, with the file among the recent ones.
    click(&app, "button[data-action='close-file']").await;
    click(&app, "nav button[data-view='users']").await;
    app.wait_for(Locator::Css("[data-testid='recent-files']")).await;
    shoot(&app, out, &format!("welcome-{code}")).await;
    app.quit().await;

    let app = App::launch_with_args("screenshots-offline", &["--demo"]).await;
    app.wait_for(Locator::Css("[data-testid='users-summary']")).await;
    language(&app, code).await;
    click(&app, "nav button[data-view='licenses']").await;
    hand_over(&plan);
    app.wait_for(Locator::Css("[data-testid='apply-dialog'] [data-testid='drift']"))
        .await;
    // The window was just brought to the front: let it paint first.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    shoot(&app, out, &format!("apply-plan-{code}")).await;
    app.quit().await;
}

#[tokio::main]
async fn main() {
    // Before any app starts: screenshots need WebKit's compositor.
    std::env::set_var(license_desk_e2e::SHOTS, "1");
    let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/screenshots");
    std::fs::create_dir_all(&out).expect("docs/screenshots can be made");
    let only_offline = std::env::args().any(|a| a == "offline");
    for code in ["en", "sv"] {
        if !only_offline {
            let app = App::launch_with_args("screenshots", &["--demo"]).await;
            app.wait_for(Locator::Css("[data-testid='users-summary']")).await;
            take(&app, &out, code).await;
            app.quit().await;
        }
        take_offline(&out, code).await;
    }
}
