//! Updates and product names, in the real window: a newer version in the
//! manifest (served here, as the project's releases serve `latest.json`) is
//! offered at start and shown with its notes in Settings; Microsoft's
//! product table (served here too) is downloaded in the background for the
//! next start; names in `product-names.csv` replace Microsoft's after a
//! restart, and a line that cannot be used is said in Settings.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use license_desk_e2e::{run_with_env, BoxError, Locator};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const MANIFEST: &str = r#"{
  "version": "9.9.0",
  "notes": "Names for every product.",
  "pub_date": "2026-12-01T09:00:00Z",
  "platforms": {
    "linux-x86_64": { "signature": "not checked until an install", "url": "https://example.invalid/License.Desk_9.9.0_amd64.AppImage" }
  }
}"#;

/// Microsoft's table as the repository carries it.
const TABLE: &str = include_str!("../../crates/files/data/product-names-and-service-plan-identifiers.csv");

/// Serves the manifest at `/latest.json` (counting the requests for it)
/// and the product table at `/table.csv`; gives the server's address.
async fn serve() -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("a free port");
    let base = format!("http://{}", listener.local_addr().expect("an address"));
    let asked = Arc::new(AtomicUsize::new(0));
    let count = asked.clone();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let mut request = vec![0u8; 4096];
            let read = stream.read(&mut request).await.unwrap_or(0);
            let table = String::from_utf8_lossy(&request[..read]).starts_with("GET /table.csv ");
            if !table {
                count.fetch_add(1, Ordering::SeqCst);
            }
            let (kind, body) = if table {
                ("text/csv", TABLE)
            } else {
                ("application/json", MANIFEST)
            };
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(head.as_bytes()).await;
            let _ = stream.write_all(body.as_bytes()).await;
        }
    });
    (base, asked)
}

/// Waits until `done` holds, 15 s at most.
async fn until(done: impl Fn() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(15);
    while !done() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn a_newer_version_is_offered_and_the_admins_product_names_are_shown() {
    let (base, asked) = serve().await;
    let manifest = format!("{base}/latest.json");
    let table = format!("{base}/table.csv");
    let env = [
        ("LICENSE_DESK_UPDATE_ENDPOINT", manifest.as_str()),
        ("LICENSE_DESK_PRODUCT_TABLE_URL", table.as_str()),
    ];
    run_with_env("updates_and_product_names", &env, |app| async move {
        let first = async {
            let notice = app
                .wait_for_text_containing(
                    "[data-testid='update-notice']",
                    "License Desk 9.9.0 is available.",
                )
                .await?;
            assert!(notice.contains("You have 0.1.0."), "{notice}");
            assert!(notice.contains("Install and restart"), "{notice}");
            assert_eq!(asked.load(Ordering::SeqCst), 1, "looked for once, at start");

            app.click("nav button[data-view='settings']").await?;
            app.click("button[data-action='check-for-updates']").await?;
            until(|| asked.load(Ordering::SeqCst) >= 2).await;
            assert_eq!(asked.load(Ordering::SeqCst), 2, "looked for again when asked");
            let section = app
                .wait_for_text_containing("[data-testid='updates']", "Names for every product.")
                .await?;
            assert!(section.contains("License Desk 9.9.0 is available."), "{section}");
            app.wait_for_text(
                "[data-testid='product-names-count']",
                "No names of your own: every product has Microsoft's name.",
            )
            .await?;
            app.wait_for_text_containing("[data-testid='product-table']", "carried with License Desk")
                .await?;

            // Microsoft's table, downloaded in the background for the next start.
            let downloaded = app.data_dir().join("microsoft-product-table.csv");
            until(|| downloaded.exists()).await;
            assert_eq!(std::fs::read_to_string(&downloaded)?, TABLE);

            std::fs::write(
                app.data_dir().join("product-names.csv"),
                "Part number,Name\r\nSPB,Business Premium (office staff)\r\nEMS,\r\n",
            )?;
            Ok::<_, BoxError>(())
        }
        .await;
        if let Err(error) = first {
            return (app, Err(error));
        }

        let app = app.relaunch().await;
        let second = async {
            app.wait_for(Locator::Css("button[data-action='open-demo']"))
                .await
                .click()
                .await?;
            app.wait_for_text("[data-testid='connection']", "Demo tenant: nothing real changes")
                .await?;
            app.click("nav button[data-view='licenses']").await?;
            app.wait_for_text_containing("tr[data-part-number='SPB']", "Business Premium (office staff)")
                .await?;
            app.click("nav button[data-view='settings']").await?;
            app.wait_for_text(
                "[data-testid='product-names-count']",
                "Your names are used for 1 product.",
            )
            .await?;
            let problems = app
                .wait_for_text_containing("[data-testid='product-names-problems']", "line 3")
                .await?;
            assert!(problems.contains("no name for EMS"), "{problems}");
            app.wait_for_text_containing("[data-testid='product-table']", "downloaded on")
                .await?;
            Ok(())
        }
        .await;
        (app, second)
    })
    .await;
}
