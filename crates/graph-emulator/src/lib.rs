//! A local Microsoft 365 tenant: the Microsoft Graph v1.0 and Microsoft
//! identity platform (v2.0) endpoints License Desk uses, answering as the
//! real service does on the wire: shapes, exact error messages, paging,
//! batching and throttling, with latency and faults injected on demand.
//!
//! Use it in-process ([`Emulator::start`]) for the demo tenant and tests, or
//! as the `graph-emulator` binary. Graph lives under `/v1.0`, sign-in under
//! `/{tenant}/...`, and a few test controls under `/_emulator/`.

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
pub mod throttle;
mod tls;
pub mod token;

use std::io::Write;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use serde::Serialize;
use tokio::net::TcpListener;
use tokio::sync::watch;

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
    pub apps: Vec<AppRegistration>,
    log: Mutex<Vec<LogEntry>>,
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
    ca_certificate: Option<String>,
}

impl Emulator {
    /// Binds 127.0.0.1 and serves until [`Emulator::stop`] or drop.
    pub async fn start(config: Config) -> std::io::Result<Emulator> {
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
        let mut apps = apps::built_in().to_vec();
        apps.extend(config.tenant.apps.iter().cloned());
        let tenant_users = config.tenant.users.len();
        let mut key = [0u8; 32];
        key[..16].copy_from_slice(uuid::Uuid::new_v4().as_bytes());
        key[16..].copy_from_slice(uuid::Uuid::new_v4().as_bytes());
        let shared = Arc::new(Shared {
            base_url: format!("{scheme}://127.0.0.1:{port}"),
            directory: Mutex::new(Directory::new(config.tenant.clone())),
            throttle: Mutex::new(Throttle::new(config.throttle, config.tenant.id, tenant_users)),
            rng: Mutex::new(ChaCha8Rng::seed_from_u64(config.seed)),
            signer: Signer::new(key),
            sessions: Mutex::new(identity::Sessions::default()),
            tokens: Mutex::new(IssuedTokens::default()),
            apps,
            log: Mutex::new(Vec::new()),
            log_file,
            started: Instant::now(),
            config,
        });
        let (stop, stopped) = watch::channel(false);
        let handler_state = shared.clone();
        let handler = Arc::new(move |request: Request, _peer: SocketAddr| {
            let shared = handler_state.clone();
            async move { route(shared, request).await }
        });
        tokio::spawn(http::serve(listener, tls, handler, stopped));
        Ok(Emulator {
            shared,
            stop,
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

    /// Every access token issued so far is expired from now on.
    pub fn expire_tokens(&self) {
        expire_tokens(&self.shared);
    }

    /// Every refresh token issued so far is revoked, as when an admin
    /// resets a password or revokes sessions.
    pub fn revoke_refresh_tokens(&self) {
        lock(&self.shared.sessions).revoke_refresh_tokens();
    }

    /// A look at the tenant as it is now.
    pub fn directory<R>(&self, read: impl FnOnce(&Directory) -> R) -> R {
        read(&lock(&self.shared.directory))
    }

    pub fn stop(&self) {
        let _ = self.stop.send(true);
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        self.stop();
    }
}

fn expire_tokens(shared: &Shared) {
    let mut tokens = lock(&shared.tokens);
    let live = std::mem::take(&mut tokens.live);
    tokens.expired.extend(live);
}

#[derive(Default)]
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
    } else if let Some(control) = request.path.strip_prefix("/_emulator/") {
        Outcome::Respond(match (request.method.as_str(), control) {
            ("POST", "expire-tokens") => {
                expire_tokens(&shared);
                Response::new(204, "text/plain", Vec::new())
            }
            ("POST", "revoke-refresh-tokens") => {
                lock(&shared.sessions).revoke_refresh_tokens();
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
