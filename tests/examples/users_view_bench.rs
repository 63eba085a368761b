//! How the Users view holds up with 50,000 users, in the real window:
//! from the tenant's data reaching the webview to a usable list, from a
//! search keystroke to the updated list, scroll frame times, and the whole
//! app's memory (the app and its WebKit processes, proportional set size).
//!
//! ```text
//! cargo build --release -p license-desk -p graph-emulator
//! LICENSE_DESK_BIN=target/release/license-desk xvfb-run -a -s '-screen 0 1280x800x24' \
//!   dbus-run-session -- cargo run -p license-desk-e2e --example users_view_bench [users] [runs]
//! ```
//! Each run is a fresh app; the figures are the medians over the runs.

use std::path::Path;
use std::time::Duration;

use license_desk_e2e::{App, LocalTenant, Locator};

/// From the tenant's data reaching the page to the first users on screen:
/// the app's own User Timing marks, then the frame that paints them.
const ARRIVAL_TO_USABLE: &str = r#"
    const done = arguments[arguments.length - 1];
    const arrived = performance.getEntriesByName("tenant-arrived").at(-1);
    const shown = performance.getEntriesByName("users-shown").find((m) => m.startTime >= arrived.startTime);
    requestAnimationFrame(() => done(shown.startTime - arrived.startTime));
"#;

/// Types each search, then waits for the list to show its answer and for
/// the next frame.
const SEARCHES: &str = r#"
    const done = arguments[arguments.length - 1];
    const input = document.querySelector("[data-testid='user-search']");
    const terms = ["a", "an", "ann", "anna", "", "j", "jo", "joh", "", "s", "sv", "sve", "sven", ""];
    const times = [];
    (async () => {
      for (const term of terms) {
        const start = performance.now();
        input.value = term;
        input.dispatchEvent(new Event("input", { bubbles: true }));
        const end = await new Promise((resolve) => {
          const poll = (now) => {
            if (performance.getEntriesByName("users-shown").some((m) => m.startTime > start)) resolve(now);
            else requestAnimationFrame(poll);
          };
          requestAnimationFrame(poll);
        });
        times.push(end - start);
        const mark = performance.getEntriesByName("users-shown").find((m) => m.startTime > start);
        (window.__marks ??= []).push(mark.startTime - start);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      done(times);
    })();
"#;

/// Scrolls the list `arguments[0]` px a frame for 240 frames and gives each
/// frame's time (0 px: the machine's idle frame, for comparison).
const SCROLL: &str = r#"
    const done = arguments[arguments.length - 1];
    const distance = arguments[0];
    const list = document.querySelector(".user-list");
    const times = [];
    let last = null;
    const step = (now) => {
      if (last !== null) times.push(now - last);
      last = now;
      list.scrollTop += distance;
      if (times.length < 240) requestAnimationFrame(step);
      else done(times);
    };
    requestAnimationFrame(step);
"#;

fn numbers(value: serde_json::Value) -> Vec<f64> {
    value
        .as_array()
        .map(|a| a.iter().filter_map(serde_json::Value::as_f64).collect())
        .unwrap_or_default()
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn percentile(values: &mut [f64], share: f64) -> f64 {
    values.sort_by(f64::total_cmp);
    values[((values.len() - 1) as f64 * share).round() as usize]
}

/// The app and every process it started, by pid.
fn app_processes(binary: &Path) -> Vec<u32> {
    let parent_of = |pid: u32| -> Option<u32> {
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
        status
            .lines()
            .find_map(|l| l.strip_prefix("PPid:"))
            .and_then(|p| p.trim().parse().ok())
    };
    let pids: Vec<u32> = std::fs::read_dir("/proc")
        .map(|d| {
            d.filter_map(|e| e.ok()?.file_name().to_str()?.parse().ok())
                .collect()
        })
        .unwrap_or_default();
    let roots: Vec<u32> = pids
        .iter()
        .copied()
        .filter(|pid| std::fs::read_link(format!("/proc/{pid}/exe")).is_ok_and(|exe| exe == binary))
        .collect();
    pids.into_iter()
        .filter(|pid| {
            let mut current = Some(*pid);
            while let Some(p) = current {
                if roots.contains(&p) {
                    return true;
                }
                current = parent_of(p).filter(|parent| *parent > 1);
            }
            false
        })
        .collect()
}

/// Proportional set size in MiB, summed: shared pages counted once.
fn memory_mib(pids: &[u32]) -> f64 {
    pids.iter()
        .filter_map(|pid| std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).ok())
        .filter_map(|text| {
            text.lines()
                .find_map(|l| l.strip_prefix("Pss:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        })
        .sum::<f64>()
        / 1024.0
}

struct Figures {
    usable_ms: f64,
    search_median_ms: f64,
    search_max_ms: f64,
    search_to_dom_median_ms: f64,
    idle_frame_median_ms: f64,
    frame_median_ms: f64,
    frame_p95_ms: f64,
    frame_max_ms: f64,
    memory_mib: f64,
}

async fn one_run(users: usize, binary: &Path) -> Figures {
    let tenant = LocalTenant::start_with(
        "admin@contosogenerated.example",
        &["--users", &users.to_string(), "--throttle", "off"],
    );
    let app = App::launch_with_env(
        "users_view_bench",
        &[("LICENSE_DESK_LOCAL_TENANT", &tenant.base_url)],
    )
    .await;
    app.wait_for(Locator::Css("button[data-action='sign-in-with-code']"))
        .await
        .click()
        .await
        .expect("sign in");
    let expected = format!("{} users", thousands(users));
    let deadline = std::time::Instant::now() + Duration::from_secs(300);
    loop {
        let count = app.client.find(Locator::Css("[data-testid='user-count']")).await;
        if let Ok(count) = count {
            if count.text().await.unwrap_or_default() == expected {
                break;
            }
        }
        assert!(std::time::Instant::now() < deadline, "the users arrive");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let usable_ms = app
        .client
        .execute_async(ARRIVAL_TO_USABLE, vec![])
        .await
        .expect("the probe answers")
        .as_f64()
        .expect("both moments were seen");
    let mut searches = numbers(
        app.client
            .execute_async(SEARCHES, vec![])
            .await
            .expect("searches"),
    );
    let mut search_to_dom = numbers(
        app.client
            .execute("return window.__marks", vec![])
            .await
            .expect("marks"),
    );
    for pid in app_processes(binary) {
        let name = std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default();
        println!("  {}: {:.0} MiB", name.trim(), memory_mib(&[pid]));
    }
    let mut idle = numbers(
        app.client
            .execute_async(SCROLL, vec![0.into()])
            .await
            .expect("idles"),
    );
    let mut frames = numbers(
        app.client
            .execute_async(SCROLL, vec![600.into()])
            .await
            .expect("scrolls"),
    );
    let memory = memory_mib(&app_processes(binary));
    let figures = Figures {
        usable_ms,
        search_median_ms: median(&mut searches),
        search_max_ms: percentile(&mut searches, 1.0),
        search_to_dom_median_ms: median(&mut search_to_dom),
        idle_frame_median_ms: median(&mut idle),
        frame_median_ms: median(&mut frames),
        frame_p95_ms: percentile(&mut frames, 0.95),
        frame_max_ms: percentile(&mut frames, 1.0),
        memory_mib: memory,
    };
    app.quit().await;
    drop(tenant);
    figures
}

/// 50000 as the English UI writes it: 50,000.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let users: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(50_000);
    let runs: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(3);
    let binary = std::env::var_os("LICENSE_DESK_BIN")
        .map(std::path::PathBuf::from)
        .expect("LICENSE_DESK_BIN names the (release) app binary")
        .canonicalize()
        .expect("the app binary exists");
    let mut all = Vec::new();
    for run in 1..=runs {
        let f = one_run(users, &binary).await;
        println!(
            "run {run}: usable {:.0} ms; search median {:.1} ms (list updated in the page {:.1} ms), max {:.1} ms; \
             frames median {:.1} ms, p95 {:.1} ms, max {:.1} ms (idle frame {:.1} ms); memory {:.0} MiB",
            f.usable_ms,
            f.search_median_ms,
            f.search_to_dom_median_ms,
            f.search_max_ms,
            f.frame_median_ms,
            f.frame_p95_ms,
            f.frame_max_ms,
            f.idle_frame_median_ms,
            f.memory_mib
        );
        all.push(f);
    }
    let med = |pick: fn(&Figures) -> f64| median(&mut all.iter().map(pick).collect::<Vec<_>>());
    println!(
        "{users} users, median of {runs}: usable {:.0} ms (target < 1500); search median {:.1} ms \
         (in the page {:.1} ms), max {:.1} ms (target < 50); frames median {:.1} ms, p95 {:.1} ms, max {:.1} ms \
         (target none > 50; idle frame {:.1} ms); memory {:.0} MiB (target < 300)",
        med(|f| f.usable_ms),
        med(|f| f.search_median_ms),
        med(|f| f.search_to_dom_median_ms),
        med(|f| f.search_max_ms),
        med(|f| f.frame_median_ms),
        med(|f| f.frame_p95_ms),
        med(|f| f.frame_max_ms),
        med(|f| f.idle_frame_median_ms),
        med(|f| f.memory_mib),
    );
}
