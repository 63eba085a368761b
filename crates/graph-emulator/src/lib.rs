//! A local Microsoft 365 tenant: the Microsoft Graph v1.0 and Microsoft
//! identity platform (v2.0) endpoints License Desk uses, answering as the
//! real service does on the wire: shapes, exact error messages, paging,
//! batching and throttling, with latency and faults injected on demand.
//!
//! Use it in-process ([`Emulator::start`]) for the demo tenant and tests, or
//! as the `graph-emulator` binary. Graph lives under `/v1.0`, sign-in under
//! `/{tenant}/...`, report downloads under `/data/download/` (linked as
//! `localhost`, another host than Graph's, as Microsoft's are), and a few
//! test controls under `/_emulator/`.

pub mod apps;
pub mod catalog;
pub mod directory;
pub mod error;
pub mod faults;
pub mod generate;
mod graph;
mod http;
mod identity;
pub mod model;
pub mod odata;
pub mod reports;
mod state;
pub mod throttle;
mod tls;
pub mod token;

use std::io::Write;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use directory::Directory;
use faults::FaultSpec;
use http::{Outcome, Request, Response};
use model::{AppRegistration, Tenant};
use throttle::{Throttle, ThrottleMode};
use token::Signer;

/// How the emulator behaves.
#[derive(Debug, Clone)]
pub struct Config {
    pub tenant: Tenant,
    /// 0 picks any free port.
    pub port: u16,
    pub throttle: ThrottleMode,
    /// Added to every Graph answer, with ±25 % jitter.
    pub latency: Duration,
    pub faults: FaultSpec,
    pub seed: u64,
    /// Sign-in and device-code requests are approved as this user at once.
    pub approve: Option<String>,
    /// A JSON line per request.
    pub log_file: Option<PathBuf>,
    /// Serve HTTPS, with a certificate from a local CA written here.
    pub tls_ca_file: Option<PathBuf>,
    /// Keep the tenant and its sign-in state in this file: read at start
    /// when it exists (then it wins over `tenant`), written after every
    /// change. A restart with the same file carries on exactly.
    pub state_file: Option<PathBuf>,
}

impl Config {
    pub fn new(tenant: Tenant) -> Self {
        Self {
            tenant,
            port: 0,
            throttle: ThrottleMode::Scaled(1.0),
            latency: Duration::ZERO,
            faults: FaultSpec::default(),
            seed: 1,
            approve: None,
            log_file: None,
            tls_ca_file: None,
            state_file: None,
        }
    }
}

/// One line of the request log.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LogEntry {
    /// Milliseconds since the emulator started.
    pub at_ms: u64,
    pub method: String,
    pub path: String,
    pub status: u16,
    pub resource_units: u32,
    pub writes: u32,
    pub throttled: bool,
    /// Sent inside a `$batch`.
    pub in_batch: bool,
    pub client_request_id: Option<String>,
}

pub(crate) struct Shared {
    pub config: Config,
    pub base_url: String,
    pub directory: Mutex<Directory>,
    pub throttle: Mutex<Throttle>,
    pub rng: Mutex<ChaCha8Rng>,
    pub signer: Signer,
    pub sessions: Mutex<identity::Sessions>,
    /// Access tokens issued so far (by their `uti`) and those expired on
    /// demand: an expired token stays refused, a newer one works at once.
    pub tokens: Mutex<IssuedTokens>,
    /// Reports waiting behind their one-time download links.
    pub downloads: Mutex<reports::Downloads>,
    pub apps: Vec<AppRegistration>,
    log: Mutex<Vec<LogEntry>>,
    /// Where requests came from: one address a client connection.
    peers: Mutex<std::collections::HashSet<SocketAddr>>,
    log_file: Option<Mutex<std::fs::File>>,
    started: Instant,
}

/// A mutex whose holder panicked still holds consistent data here (every
/// change is validated before it is made), so carry on with it.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

pub(crate) fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

impl Shared {
    pub fn record(&self, mut entry: LogEntry) {
        entry.at_ms = self.started.elapsed().as_millis() as u64;
        if let Some(file) = &self.log_file {
            if let Ok(line) = serde_json::to_string(&entry) {
                let _ = writeln!(lock(file), "{line}");
            }
        }
        lock(&self.log).push(entry);
    }

    /// Writes the state file, if there is one, after a change to
    /// `directory`. Callers hold the directory's lock, so saves keep the
    /// order of the changes, and a change is saved before it is answered.
    pub fn save_state(&self, directory: &Directory) {
        let Some(path) = &self.config.state_file else {
            return;
        };
        if let Err(error) = self.write_state(path, directory) {
            eprintln!(
                "graph-emulator: cannot save the state to {}: {error}",
                path.display()
            );
        }
    }

    fn write_state(&self, path: &Path, directory: &Directory) -> std::io::Result<()> {
        state::save(
            path,
            self.signer.key(),
            directory.tenant(),
            &lock(&self.sessions),
            &lock(&self.tokens),
        )
    }

    /// Writes the state file, if there is one, after a sign-in change.
    pub fn save_sign_in_state(&self) {
        if self.config.state_file.is_some() {
            self.save_state(&lock(&self.directory));
        }
    }

    pub fn app(&self, client_id: &str) -> Option<&AppRegistration> {
        self.apps
            .iter()
            .find(|a| a.app_id.to_string().eq_ignore_ascii_case(client_id))
    }
}

/// A running local tenant.
pub struct Emulator {
    shared: Arc<Shared>,
    stop: watch::Sender<bool>,
    serving: Option<JoinHandle<()>>,
    ca_certificate: Option<String>,
}

impl Emulator {
    /// Binds 127.0.0.1 and serves until [`Emulator::stop`] or drop.
    pub async fn start(mut config: Config) -> std::io::Result<Emulator> {
        let restored = match &config.state_file {
            Some(path) => state::load(path)?,
            None => None,
        };
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, config.port)).await?;
        let port = listener.local_addr()?.port();
        let (tls, ca_certificate) = match &config.tls_ca_file {
            Some(path) => {
                let (acceptor, ca_pem) = tls::local_ca_and_acceptor()?;
                std::fs::write(path, &ca_pem)?;
                (Some(acceptor), Some(ca_pem))
            }
            None => (None, None),
        };
        let scheme = if tls.is_some() { "https" } else { "http" };
        let log_file = match &config.log_file {
            Some(path) => Some(Mutex::new(std::fs::File::create(path)?)),
            None => None,
        };
        let (key, sessions, tokens) = match restored {
            Some(restored) => {
                config.tenant = restored.tenant;
                (restored.signing_key, restored.sessions, restored.tokens)
            }
            None => (
                new_signing_key(),
                identity::Sessions::default(),
                IssuedTokens::default(),
            ),
        };
        let mut apps = apps::built_in().to_vec();
        apps.extend(config.tenant.apps.iter().cloned());
        let tenant_users = config.tenant.users.len();
        let shared = Arc::new(Shared {
            base_url: format!("{scheme}://127.0.0.1:{port}"),
            directory: Mutex::new(Directory::new(config.tenant.clone())),
            throttle: Mutex::new(Throttle::new(config.throttle, config.tenant.id, tenant_users)),
            rng: Mutex::new(ChaCha8Rng::seed_from_u64(config.seed)),
            signer: Signer::new(key),
            sessions: Mutex::new(sessions),
            tokens: Mutex::new(tokens),
            downloads: Mutex::new(reports::Downloads::default()),
            apps,
            log: Mutex::new(Vec::new()),
            peers: Mutex::new(std::collections::HashSet::new()),
            log_file,
            started: Instant::now(),
            config,
        });
        if let Some(path) = &shared.config.state_file {
            // Saved at once: the signing key stays the same from the first
            // start on, and a file that cannot be written fails the start.
            shared.write_state(path, &lock(&shared.directory))?;
        }
        let (stop, stopped) = watch::channel(false);
        let handler_state = shared.clone();
        let handler = Arc::new(move |request: Request, peer: SocketAddr| {
            let shared = handler_state.clone();
            lock(&shared.peers).insert(peer);
            async move { route(shared, request).await }
        });
        let serving = tokio::spawn(http::serve(listener, tls, handler, stopped));
        Ok(Emulator {
            shared,
            stop,
            serving: Some(serving),
            ca_certificate,
        })
    }

    /// `http://127.0.0.1:<port>` (or `https://`): Graph is at `/v1.0`,
    /// sign-in at `/{tenant}`.
    pub fn base_url(&self) -> &str {
        &self.shared.base_url
    }

    /// The local CA's certificate (PEM) when serving HTTPS.
    pub fn ca_certificate_pem(&self) -> Option<&str> {
        self.ca_certificate.as_deref()
    }

    pub fn tenant_id(&self) -> uuid::Uuid {
        self.shared.config.tenant.id
    }

    pub fn request_log(&self) -> Vec<LogEntry> {
        lock(&self.shared.log).clone()
    }

    /// How many client connections requests have come over: HTTP/2
    /// carries requests side by side over one, HTTP/1.1 needs one each.
    pub fn connections_used(&self) -> usize {
        lock(&self.shared.peers).len()
    }

    /// Every access token issued so far is expired from now on.
    pub fn expire_tokens(&self) {
        expire_tokens(&self.shared);
    }

    /// Every refresh token issued so far is revoked, as when an admin
    /// resets a password or revokes sessions.
    pub fn revoke_refresh_tokens(&self) {
        revoke_refresh_tokens(&self.shared);
    }

    /// A look at the tenant as it is now.
    pub fn directory<R>(&self, read: impl FnOnce(&Directory) -> R) -> R {
        read(&lock(&self.shared.directory))
    }

    /// Stops listening and closes every connection.
    pub fn stop(&self) {
        let _ = self.stop.send(true);
    }

    /// Stops, and returns once the port is free: a new emulator may listen
    /// on it at once (with the same `state_file`, a restart).
    pub async fn shut_down(mut self) {
        self.stop();
        if let Some(serving) = self.serving.take() {
            let _ = serving.await;
        }
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        self.stop();
    }
}

fn new_signing_key() -> [u8; 32] {
    let mut key = [0u8; 32];
    key[..16].copy_from_slice(uuid::Uuid::new_v4().as_bytes());
    key[16..].copy_from_slice(uuid::Uuid::new_v4().as_bytes());
    key
}

fn expire_tokens(shared: &Shared) {
    {
        let mut tokens = lock(&shared.tokens);
        let live = std::mem::take(&mut tokens.live);
        tokens.expired.extend(live);
    }
    shared.save_sign_in_state();
}

fn revoke_refresh_tokens(shared: &Shared) {
    lock(&shared.sessions).revoke_refresh_tokens();
    shared.save_sign_in_state();
}

#[derive(Default, Serialize, Deserialize)]
pub(crate) struct IssuedTokens {
    live: std::collections::HashSet<String>,
    expired: std::collections::HashSet<String>,
}

impl IssuedTokens {
    pub fn issue(&mut self, uti: &str) {
        self.live.insert(uti.to_owned());
    }

    pub fn is_expired(&self, uti: &str) -> bool {
        self.expired.contains(uti)
    }
}

async fn route(shared: Arc<Shared>, request: Request) -> Outcome {
    if request.path == "/v1.0" || request.path.starts_with("/v1.0/") {
        graph::handle(&shared, request).await
    } else if request.path.starts_with("/data/download/") {
        Outcome::Respond(graph::download(&shared, &request))
    } else if let Some(control) = request.path.strip_prefix("/_emulator/") {
        Outcome::Respond(match (request.method.as_str(), control) {
            ("POST", "expire-tokens") => {
                expire_tokens(&shared);
                Response::new(204, "text/plain", Vec::new())
            }
            ("POST", "revoke-refresh-tokens") => {
                revoke_refresh_tokens(&shared);
                Response::new(204, "text/plain", Vec::new())
            }
            ("GET", "log") => Response::json(
                200,
                &serde_json::to_value(&*lock(&shared.log)).unwrap_or_default(),
            ),
            ("GET", "tenant") => Response::json(
                200,
                &serde_json::to_value(lock(&shared.directory).tenant()).unwrap_or_default(),
            ),
            _ => Response::json(404, &serde_json::json!({"error": "unknown emulator control"})),
        })
    } else {
        Outcome::Respond(identity::handle(&shared, &request))
    }
}
