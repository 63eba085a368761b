//! Harness for end-to-end tests of the real License Desk binary.
//!
//! Each [`App`] runs its own `tauri-driver` (which starts WebKitWebDriver,
//! which starts the app) with its own XDG data, config and cache folders, so
//! tests never share state and never touch the developer's real settings.
//! [`run`] saves a screenshot of the window when a test fails.
//!
//! Needs a display (Xvfb) and a session bus; `./dev test` provides both.

use std::future::Future;
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub use fantoccini::{elements::Element, key::Key, Client, Locator};

pub type BoxError = Box<dyn std::error::Error + Send + Sync>;
pub type TestResult = Result<(), BoxError>;

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The binary under test: `LICENSE_DESK_BIN`, or the workspace's debug build.
pub fn app_binary() -> PathBuf {
    let path = std::env::var_os("LICENSE_DESK_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target/debug/license-desk"));
    assert!(
        path.is_file(),
        "no app binary at {}: build it with `cargo build -p license-desk` or set LICENSE_DESK_BIN",
        path.display()
    );
    path.canonicalize().expect("the app binary path resolves")
}

/// The D-Bus name the app holds so that a second start hands over to it.
const SINGLE_INSTANCE: &str = "com.licensedesk.desktop.SingleInstance";

fn single_instance_owner() -> Option<u32> {
    let output = Command::new("dbus-send")
        .args([
            "--session",
            "--dest=org.freedesktop.DBus",
            "--type=method_call",
            "--print-reply",
            "/org/freedesktop/DBus",
            "org.freedesktop.DBus.GetConnectionUnixProcessID",
            &format!("string:{SINGLE_INSTANCE}"),
        ])
        .stderr(Stdio::null())
        .output()
        .ok()?;
    let reply = String::from_utf8_lossy(&output.stdout);
    reply.split("uint32").nth(1)?.trim().parse().ok()
}

/// Kills the running app at once (SIGKILL), as a crash or a power cut
/// would, and waits until it is gone.
pub fn kill_running_app() {
    if let Some(pid) = single_instance_owner() {
        let _ = Command::new("kill").args(["-KILL", &pid.to_string()]).status();
    }
    no_app_left_running();
}

/// An app of the test before may still be letting go of the single-instance
/// name: this test's app would then hand over to it and quit instead of
/// starting. Waits for the name to be free, and ends an app that outlived
/// its test.
pub fn no_app_left_running() {
    let deadline = Instant::now() + Duration::from_secs(10);
    while let Some(pid) = single_instance_owner() {
        if Instant::now() > deadline {
            eprintln!("an app of an earlier test (pid {pid}) is still running: ending it");
            let _ = Command::new("kill").args(["-KILL", &pid.to_string()]).status();
            std::thread::sleep(Duration::from_millis(500));
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Set (to anything) for runs that take screenshots on purpose. The app is
/// then painted with WebKit's compositor: without it (as the app paints
/// without a GPU) WebKitWebDriver's next command after a screenshot never
/// answers.
pub const SHOTS: &str = "LICENSE_DESK_E2E_SHOTS";

/// How long a command that may find the window unanswering is waited for.
const ANSWER_WITHIN: Duration = Duration::from_secs(10);

/// Where a test keeps its data folders and, on failure, its screenshot.
pub fn artifacts_dir(test: &str) -> PathBuf {
    workspace_root().join("target/e2e").join(test)
}

fn free_port() -> u16 {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|listener| listener.local_addr())
        .map(|address| address.port())
        .expect("a free loopback port")
}

/// One running app in a real window, driven over WebDriver.
pub struct App {
    pub client: Client,
    driver: Child,
    driver_port: u16,
    data: PathBuf,
    env: Vec<(String, String)>,
}

impl App {
    /// The app's data folder (where its run journals are, in `runs/`).
    pub fn data_dir(&self) -> PathBuf {
        self.data.join("data").join("com.licensedesk.desktop")
    }

    /// Starts the app with empty data folders for `test`.
    pub async fn launch(test: &str) -> App {
        Self::launch_with_args(test, &[]).await
    }

    /// Starts the app with command-line arguments (e.g. `--demo`).
    pub async fn launch_with_args(test: &str, args: &[&str]) -> App {
        let data = artifacts_dir(test).join("data");
        let _ = std::fs::remove_dir_all(&data);
        Self::launch_with(data, args, Vec::new()).await
    }

    /// Starts the app with extra environment variables (e.g. a local tenant).
    pub async fn launch_with_env(test: &str, env: &[(&str, &str)]) -> App {
        let data = artifacts_dir(test).join("data");
        let _ = std::fs::remove_dir_all(&data);
        let env = env
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        Self::launch_with(data, &[], env).await
    }

    /// Quits the app and starts it again on the same data folders, as a
    /// person closing and reopening it would.
    pub async fn relaunch(self) -> App {
        let data = self.data.clone();
        let env = self.env.clone();
        self.quit().await;
        Self::launch_with(data, &[], env).await
    }

    async fn launch_with(data: PathBuf, args: &[&str], env: Vec<(String, String)>) -> App {
        no_app_left_running();
        for folder in ["data", "config", "cache"] {
            std::fs::create_dir_all(data.join(folder)).expect("test data folders can be made");
        }
        let driver_port = free_port();
        let native_port = free_port();
        let driver = Command::new("tauri-driver")
            .args([
                "--port",
                &driver_port.to_string(),
                "--native-port",
                &native_port.to_string(),
            ])
            .env("XDG_DATA_HOME", data.join("data"))
            .env("XDG_CONFIG_HOME", data.join("config"))
            .env("XDG_CACHE_HOME", data.join("cache"))
            .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .envs(std::env::var_os(SHOTS).map(|_| ("WEBKIT_DISABLE_COMPOSITING_MODE", "0")))
            .stdout(Stdio::null())
            .spawn()
            .expect("tauri-driver runs: install it with `cargo install tauri-driver --locked`");
        // tauri-driver listens at once but only proxies to WebKitWebDriver,
        // which takes a moment longer: a session asked for earlier fails.
        wait_for_port(driver_port, Duration::from_secs(20));
        wait_for_port(native_port, Duration::from_secs(20));

        let mut capabilities = serde_json::Map::new();
        capabilities.insert("browserName".into(), "wry".into());
        capabilities.insert(
            "tauri:options".into(),
            serde_json::json!({ "application": app_binary(), "args": args }),
        );
        let client =
            fantoccini::ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
                .capabilities(capabilities)
                .connect(&format!("http://127.0.0.1:{driver_port}"))
                .await
                .expect("a WebDriver session with the app");
        let app = App {
            client,
            driver,
            driver_port,
            data,
            env,
        };
        app.wait_for(Locator::Css("nav button")).await;
        app
    }

    pub async fn quit(mut self) {
        // A session that no longer answers (see [`SHOTS`]) is ended by
        // stopping the driver all the same.
        let _ = tokio::time::timeout(ANSWER_WITHIN, self.client.clone().close()).await;
        self.stop_driver();
        // The next driver may reuse the port only once this one has let go.
        wait_for_port_closed(self.driver_port, Duration::from_secs(10));
    }

    /// Stops tauri-driver with SIGTERM, not SIGKILL, so that it stops
    /// WebKitWebDriver (and so the app) too.
    fn stop_driver(&mut self) {
        if !matches!(self.driver.try_wait(), Ok(None)) {
            return;
        }
        let stopped = Command::new("kill")
            .args(["-TERM", &self.driver.id().to_string()])
            .status()
            .is_ok_and(|s| s.success());
        if !stopped {
            let _ = self.driver.kill();
        }
        let _ = self.driver.wait();
    }

    pub async fn wait_for(&self, locator: Locator<'_>) -> Element {
        self.client
            .wait()
            .at_most(Duration::from_secs(15))
            .for_element(locator)
            .await
            .unwrap_or_else(|error| panic!("waited for {locator:?}: {error}"))
    }

    /// Waits until the element at `css` shows exactly `text`.
    pub async fn wait_for_text(&self, css: &str, text: &str) -> Result<(), BoxError> {
        let deadline = Instant::now() + Duration::from_secs(15);
        let mut last = String::new();
        while Instant::now() < deadline {
            if let Ok(element) = self.client.find(Locator::Css(css)).await {
                last = element.text().await.unwrap_or_default();
                if last == text {
                    return Ok(());
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Err(format!("`{css}` showed {last:?}, not {text:?}").into())
    }

    /// Waits for the element at `css` and clicks it.
    pub async fn click(&self, css: &str) -> Result<(), BoxError> {
        self.wait_for(Locator::Css(css)).await.click().await?;
        Ok(())
    }

    /// Waits until the element at `css` shows a text containing `part`, and
    /// gives the whole text.
    pub async fn wait_for_text_containing(&self, css: &str, part: &str) -> Result<String, BoxError> {
        let deadline = Instant::now() + Duration::from_secs(15);
        let mut last = String::new();
        while Instant::now() < deadline {
            if let Ok(element) = self.client.find(Locator::Css(css)).await {
                last = element.text().await.unwrap_or_default();
                if last.contains(part) {
                    return Ok(last);
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Err(format!("`{css}` showed {last:?}, nothing with {part:?}").into())
    }

    /// The text of the page's first `h1`: the view on screen.
    /// Opens a product's holders (Licenses view) and starts removing it from
    /// all of them: the action lives with the holders, naming their count.
    pub async fn plan_removal_from_all_holders(&self, part_number: &str) -> Result<Element, BoxError> {
        self.click(&format!(
            "tr[data-part-number='{part_number}'] button[data-action='show-holders']"
        ))
        .await?;
        Ok(self
            .wait_for(Locator::Css(
                "[data-testid='holders'] button[data-action='plan-removal']",
            ))
            .await)
    }

    pub async fn heading(&self) -> Result<String, BoxError> {
        Ok(self.wait_for(Locator::Css("main h1")).await.text().await?)
    }
}

impl Drop for App {
    /// A test that panicked still leaves no driver or app behind.
    fn drop(&mut self) {
        self.stop_driver();
    }
}

fn wait_for_port(port: u16, limit: Duration) {
    let deadline = Instant::now() + limit;
    while TcpStream::connect((Ipv4Addr::LOCALHOST, port)).is_err() {
        assert!(
            Instant::now() < deadline,
            "no WebDriver server listened on port {port}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn wait_for_port_closed(port: u16, limit: Duration) {
    let deadline = Instant::now() + limit;
    while TcpStream::connect((Ipv4Addr::LOCALHOST, port)).is_ok() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Runs one end-to-end test. On a failed assertion or an error it saves
/// `target/e2e/<test>/failure.png` before failing, so CI shows what the
/// window looked like.
pub async fn run<F, Fut>(test: &str, body: F)
where
    F: FnOnce(App) -> Fut,
    Fut: Future<Output = (App, TestResult)> + Send + 'static,
{
    run_with_args(test, &[], body).await;
}

/// [`run`], with the app started with `args`.
pub async fn run_with_args<F, Fut>(test: &str, args: &[&str], body: F)
where
    F: FnOnce(App) -> Fut,
    Fut: Future<Output = (App, TestResult)> + Send + 'static,
{
    finish(test, App::launch_with_args(test, args).await, body).await;
}

/// [`run`], with extra environment variables for the app.
pub async fn run_with_env<F, Fut>(test: &str, env: &[(&str, &str)], body: F)
where
    F: FnOnce(App) -> Fut,
    Fut: Future<Output = (App, TestResult)> + Send + 'static,
{
    finish(test, App::launch_with_env(test, env).await, body).await;
}

async fn finish<F, Fut>(test: &str, app: App, body: F)
where
    F: FnOnce(App) -> Fut,
    Fut: Future<Output = (App, TestResult)> + Send + 'static,
{
    let client = app.client.clone();
    let outcome = tokio::spawn(body(app)).await;
    let failure = match outcome {
        Ok((app, Ok(()))) => {
            app.quit().await;
            return;
        }
        Ok((app, Err(error))) => {
            save_screenshot(&client, test).await;
            app.quit().await;
            error.to_string()
        }
        Err(panic) => {
            save_screenshot(&client, test).await;
            let _ = tokio::time::timeout(ANSWER_WITHIN, client.close()).await;
            format!("{panic}")
        }
    };
    panic!("{test} failed: {failure}");
}

async fn save_screenshot(client: &Client, test: &str) {
    let path = artifacts_dir(test).join("failure.png");
    match tokio::time::timeout(ANSWER_WITHIN, client.screenshot()).await {
        Ok(Ok(png)) => match std::fs::write(&path, png) {
            Ok(()) => eprintln!("screenshot of the failure: {}", path.display()),
            Err(error) => eprintln!("could not save a screenshot to {}: {error}", path.display()),
        },
        Ok(Err(error)) => eprintln!("could not take a screenshot: {error}"),
        Err(_) => eprintln!("could not take a screenshot: the window did not answer"),
    }
}

/// A local tenant (`graph-emulator`) in its own process, as an admin would
/// point the app at with `LICENSE_DESK_LOCAL_TENANT`.
pub struct LocalTenant {
    process: Child,
    pub base_url: String,
}

impl LocalTenant {
    /// Starts the demo tenant, approving every sign-in as `approve`.
    pub fn start(approve: &str) -> LocalTenant {
        Self::start_with(approve, &[])
    }

    /// [`LocalTenant::start`] with more of `graph-emulator`'s flags.
    pub fn start_with(approve: &str, flags: &[&str]) -> LocalTenant {
        use std::io::BufRead;
        let binary = workspace_root().join("target/debug/graph-emulator");
        let mut process = Command::new(&binary)
            .args(["--approve", approve])
            .args(flags)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("{} runs (cargo build -p graph-emulator): {e}", binary.display()));
        let stdout = process.stdout.take().expect("the emulator's output");
        let mut first_line = String::new();
        std::io::BufReader::new(stdout)
            .read_line(&mut first_line)
            .expect("the emulator prints its address");
        LocalTenant {
            process,
            base_url: first_line.trim().to_owned(),
        }
    }
}

impl LocalTenant {
    /// A handle on the tenant's test controls, to move into a test body.
    pub fn control(&self) -> TenantControl {
        TenantControl {
            base_url: self.base_url.clone(),
        }
    }
}

/// The local tenant's test controls: what the tenant holds now, read
/// behind the app's back, to check what a flow really changed.
#[derive(Clone)]
pub struct TenantControl {
    pub base_url: String,
}

impl TenantControl {
    /// The tenant as it is now.
    pub async fn state(&self) -> Result<graph_emulator::directory::Directory, BoxError> {
        let tenant: graph_emulator::model::Tenant =
            serde_json::from_value(self.get("_emulator/tenant").await?)?;
        Ok(graph_emulator::directory::Directory::new(tenant))
    }

    /// How many license changes the tenant was asked to make, refused or not.
    pub async fn license_writes(&self) -> Result<usize, BoxError> {
        let log = self.get("_emulator/log").await?;
        Ok(log
            .as_array()
            .ok_or("the log is a list")?
            .iter()
            .filter(|entry| entry.to_string().contains("assignLicense"))
            .count())
    }

    /// A plain HTTP GET over a socket: the harness needs no HTTP client for this.
    async fn get(&self, path: &str) -> Result<serde_json::Value, BoxError> {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let host = self.base_url.strip_prefix("http://").ok_or("http only")?;
        let mut stream = tokio::net::TcpStream::connect(host).await?;
        stream
            .write_all(
                format!("GET /{path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").as_bytes(),
            )
            .await?;
        let mut response = Vec::new();
        stream.read_to_end(&mut response).await?;
        let text = String::from_utf8_lossy(&response);
        let body = text.split_once("\r\n\r\n").ok_or("no body")?.1;
        Ok(serde_json::from_str(body)?)
    }
}

impl Drop for LocalTenant {
    fn drop(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
    }
}
