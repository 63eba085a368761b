//! Signing in to Microsoft 365 as a desktop app does, and staying signed in.
//!
//! Access tokens live only in memory, inside a [`Session`]. A refresh token
//! replaces itself on every use; the new one is handed to `on_refresh_token`
//! at once (the app stores it in the OS keychain) and the old one forgotten.
//!
//! Each step is logged (`tracing`), never with a token, a code or a secret.

use std::sync::Arc;
use std::time::{Duration, Instant};

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use license_desk_core::{Error, ErrorCode};
use rand::{distributions::Alphanumeric, Rng};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::endpoints::Endpoints;

/// Who signs in where: the cloud's endpoints, the tenant (`organizations`,
/// a domain or a tenant id) and the app registration's client id.
#[derive(Debug, Clone)]
pub struct SignInTarget {
    pub endpoints: Endpoints,
    pub tenant: String,
    pub client_id: String,
}

impl SignInTarget {
    fn url(&self, endpoint: &str) -> String {
        format!("{}/{}/oauth2/v2.0/{endpoint}", self.endpoints.login, self.tenant)
    }

    /// The delegated permissions License Desk asks for: the licensing
    /// scopes, not `Directory.ReadWrite.All`.
    pub fn delegated_scopes(&self) -> String {
        let graph = self.endpoints.graph_resource();
        let permissions = [
            "User.Read.All",
            "LicenseAssignment.ReadWrite.All",
            "Organization.Read.All",
            "RoleManagement.Read.Directory",
            "GroupMember.Read.All",
        ];
        let mut scopes = vec![
            "openid".to_owned(),
            "profile".to_owned(),
            "offline_access".to_owned(),
        ];
        scopes.extend(permissions.iter().map(|p| format!("{graph}/{p}")));
        scopes.join(" ")
    }

    /// The delegated permissions the savings view needs on top, asked for
    /// only when it opens (incremental consent): users' sign-in dates
    /// (AuditLog.Read.All), the usage report (Reports.Read.All) and whether
    /// reports conceal names (ReportSettings.Read.All).
    pub fn savings_scopes(&self) -> String {
        let graph = self.endpoints.graph_resource();
        SAVINGS_PERMISSIONS
            .iter()
            .map(|p| format!("{graph}/{p}"))
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// The sign-in's scopes and `extra` (space separated), each once: what
    /// an interactive sign-in asks for when more is needed.
    pub fn delegated_scopes_with(&self, extra: &str) -> String {
        merge_scopes(&self.delegated_scopes(), extra)
    }
}

/// The permissions [`SignInTarget::savings_scopes`] names.
pub const SAVINGS_PERMISSIONS: [&str; 3] =
    ["AuditLog.Read.All", "Reports.Read.All", "ReportSettings.Read.All"];

/// A scope's permission name: `User.Read.All` of
/// `https://graph.microsoft.com/User.Read.All`.
fn permission(scope: &str) -> &str {
    scope.rsplit('/').next().unwrap_or(scope)
}

/// `base` and then whatever of `extra` it does not hold yet.
fn merge_scopes(base: &str, extra: &str) -> String {
    let mut scopes: Vec<&str> = base.split_whitespace().collect();
    for scope in extra.split_whitespace() {
        if !scopes
            .iter()
            .any(|s| permission(s).eq_ignore_ascii_case(permission(scope)))
        {
            scopes.push(scope);
        }
    }
    scopes.join(" ")
}

#[derive(Debug, Clone, Deserialize)]
pub struct TokenResponse {
    pub access_token: String,
    pub expires_in: u64,
    #[serde(default)]
    pub refresh_token: Option<String>,
    #[serde(default)]
    pub id_token: Option<String>,
    /// The permissions the access token carries, space separated.
    #[serde(default)]
    pub scope: Option<String>,
}

#[derive(Debug, Deserialize)]
struct OAuthError {
    error: String,
    #[serde(default)]
    error_description: String,
    #[serde(default)]
    error_codes: Vec<u64>,
    #[serde(default)]
    suberror: Option<String>,
}

impl OAuthError {
    /// The identity platform wants the user in a browser: to consent
    /// (AADSTS65001), for multi-factor authentication (AADSTS50076,
    /// AADSTS50079) or another challenge (AADSTS50158).
    fn needs_interaction(&self) -> bool {
        const CODES: [u64; 4] = [65001, 50076, 50079, 50158];
        matches!(self.error.as_str(), "interaction_required" | "consent_required")
            || (self.error == "invalid_grant"
                && (self.error_codes.iter().any(|c| CODES.contains(c))
                    || self.suberror.as_deref().is_some_and(|s| {
                        matches!(s, "consent_required" | "basic_action" | "additional_action")
                    })
                    || CODES
                        .iter()
                        .any(|c| self.error_description.starts_with(&format!("AADSTS{c}:")))))
    }
}

/// More permissions could not be had silently.
#[derive(Debug, Clone)]
pub enum ScopeError {
    /// The identity platform wants the user in a browser first: to consent
    /// to the permissions, or for another step (multi-factor
    /// authentication, a policy). Sign in interactively asking for
    /// `scopes` (`BrowserSignIn::start_with_scopes`), then make the session
    /// from that sign-in.
    InteractionRequired {
        /// Everything to ask for: the sign-in's scopes and the new ones.
        scopes: String,
        /// What the identity platform said.
        details: String,
    },
    /// Anything else: signed out, the network, the service.
    Failed(Error),
}

impl From<ScopeError> for Error {
    fn from(error: ScopeError) -> Self {
        match error {
            ScopeError::InteractionRequired { details, .. } => Error::new(
                ErrorCode::InsufficientPrivileges,
                "Microsoft wants you to approve more permissions for License Desk in the browser first. Sign in again to approve them; an administrator's approval may be needed.",
            )
            .with_details(details),
            ScopeError::Failed(error) => error,
        }
    }
}

fn network(error: reqwest::Error) -> Error {
    let error = error.without_url();
    crate::endpoints::office_network_problem(&error).unwrap_or_else(|| {
        Error::new(
            ErrorCode::Network,
            "Microsoft's sign-in service could not be reached. Check the connection and try again.",
        )
        .with_details(error.to_string())
    })
}

/// The first line of an `AADSTS…` description: its code and sentence, not
/// the trace ids after it.
fn first_line(description: &str) -> String {
    description.lines().next().unwrap_or_default().to_owned()
}

async fn post_token(
    http: &reqwest::Client,
    target: &SignInTarget,
    form: &[(&str, &str)],
) -> Result<TokenResponse, OAuthOutcome> {
    // Which grant this is (never a value that grants anything).
    let grant = form
        .iter()
        .find(|(name, _)| *name == "grant_type")
        .map_or("", |(_, value)| *value);
    let client_request_id = uuid::Uuid::new_v4().to_string();
    let response = http
        .post(target.url("token"))
        .header("client-request-id", &client_request_id)
        .header("return-client-request-id", "true")
        .form(form)
        .send()
        .await
        .map_err(|e| {
            let e = e.without_url();
            tracing::warn!(
                grant,
                client_request_id,
                "the sign-in service could not be reached: {e}"
            );
            OAuthOutcome::Failed(network(e))
        })?;
    let status = response.status();
    let body = response
        .bytes()
        .await
        .map_err(|e| OAuthOutcome::Failed(network(e)))?;
    if status.is_success() {
        return serde_json::from_slice::<TokenResponse>(&body)
            .inspect(|tokens| {
                tracing::info!(
                    grant,
                    client_request_id,
                    expires_in = tokens.expires_in,
                    refresh_token = tokens.refresh_token.is_some(),
                    "tokens received"
                )
            })
            .map_err(|e| {
                tracing::warn!(
                    grant,
                    client_request_id,
                    "the sign-in service's answer is unreadable"
                );
                OAuthOutcome::Failed(
                    Error::new(
                        ErrorCode::SignInFailed,
                        "The sign-in service sent an answer License Desk cannot read.",
                    )
                    .with_details(e.to_string()),
                )
            });
    }
    match serde_json::from_slice::<OAuthError>(&body) {
        Ok(error) => {
            // A device code sign-in asks every few seconds until the admin is done.
            if matches!(error.error.as_str(), "authorization_pending" | "slow_down") {
                tracing::debug!(grant, client_request_id, error = error.error, "not signed in yet");
            } else {
                tracing::warn!(
                    grant,
                    client_request_id,
                    status = status.as_u16(),
                    error = error.error,
                    "the sign-in service refused: {}",
                    first_line(&error.error_description)
                );
            }
            Err(OAuthOutcome::Refused(error))
        }
        Err(_) => {
            tracing::warn!(
                grant,
                client_request_id,
                status = status.as_u16(),
                "the sign-in service refused"
            );
            Err(OAuthOutcome::Failed(
                Error::new(
                    ErrorCode::SignInFailed,
                    "The sign-in service refused the request.",
                )
                .with_details(format!("HTTP {status}")),
            ))
        }
    }
}

enum OAuthOutcome {
    Refused(OAuthError),
    Failed(Error),
}

fn sign_in_error(outcome: OAuthOutcome) -> Error {
    match outcome {
        OAuthOutcome::Failed(error) => error,
        OAuthOutcome::Refused(refused) => {
            let details = format!("{}: {}", refused.error, first_line(&refused.error_description));
            let (code, message) = match refused.error.as_str() {
                "authorization_declined" | "access_denied" => {
                    (ErrorCode::SignInCancelled, "Signing in was declined.")
                }
                "expired_token" => (
                    ErrorCode::SignInTimedOut,
                    "The sign-in code expired before it was used. Start again.",
                ),
                "invalid_client" | "unauthorized_client" => (
                    ErrorCode::SignInFailed,
                    "The app registration was not accepted. Check the client id (and secret) in Settings.",
                ),
                "invalid_tenant" => (
                    ErrorCode::SignInFailed,
                    "No such organisation in this cloud. Check the tenant and the cloud in Settings.",
                ),
                _ => (ErrorCode::SignInFailed, "Signing in failed."),
            };
            Error::new(code, message).with_details(details)
        }
    }
}

/// Hears every new refresh token at once, to store it (and so forget the
/// old). A token it could not keep is an error: the session goes on with
/// the token in memory, the failure is logged, and the store's owner tells
/// the admin that the sign-in will not outlast this run.
pub type RefreshTokenStore = Arc<dyn Fn(&str) -> Result<(), Error> + Send + Sync>;

/// Hands `token` to `store`; a failure is logged, never dropped.
fn hand_to_store(store: &RefreshTokenStore, token: &str) {
    match store(token) {
        Ok(()) => tracing::debug!("the new refresh token is kept"),
        Err(error) => tracing::error!(
            code = ?error.code,
            details = error.details.as_deref().unwrap_or_default(),
            "the new refresh token could not be kept: {}",
            error.message
        ),
    }
}

/// Keeps a session's tokens: the access token in memory only, renewed
/// before it runs out or when Graph refuses it.
pub struct Session {
    http: reqwest::Client,
    target: SignInTarget,
    app_only_secret: Option<String>,
    tokens: tokio::sync::Mutex<Tokens>,
    on_refresh_token: Option<RefreshTokenStore>,
}

struct Tokens {
    access: Option<(String, Instant)>,
    refresh: Option<String>,
    /// What every renewal asks for (grows with [`Session::request_scopes`]).
    scopes: String,
}

/// Renew a little before the end, so a long request does not run out.
const EXPIRY_MARGIN: Duration = Duration::from_secs(120);

impl Session {
    fn new(
        target: SignInTarget,
        app_only_secret: Option<String>,
        tokens: Tokens,
        on_refresh_token: Option<RefreshTokenStore>,
    ) -> Result<Self, Error> {
        Ok(Self {
            http: target.endpoints.http_client()?,
            target,
            app_only_secret,
            tokens: tokio::sync::Mutex::new(tokens),
            on_refresh_token,
        })
    }

    fn tokens_from(response: &TokenResponse, scopes: String) -> Tokens {
        Tokens {
            access: Some((
                response.access_token.clone(),
                Instant::now() + Duration::from_secs(response.expires_in),
            )),
            refresh: response.refresh_token.clone(),
            scopes,
        }
    }

    /// A delegated session from a fresh sign-in.
    pub fn delegated(
        target: SignInTarget,
        response: &TokenResponse,
        on_refresh_token: Option<RefreshTokenStore>,
    ) -> Result<Self, Error> {
        if let (Some(store), Some(refresh)) = (&on_refresh_token, &response.refresh_token) {
            hand_to_store(store, refresh);
        }
        // A sign-in that asked for the savings permissions (and got them)
        // keeps asking for them at every renewal.
        let granted: Vec<&str> = response
            .scope
            .as_deref()
            .unwrap_or_default()
            .split_whitespace()
            .map(permission)
            .collect();
        let graph = target.endpoints.graph_resource();
        let extra: Vec<String> = SAVINGS_PERMISSIONS
            .iter()
            .filter(|p| granted.iter().any(|g| g.eq_ignore_ascii_case(p)))
            .map(|p| format!("{graph}/{p}"))
            .collect();
        let scopes = target.delegated_scopes_with(&extra.join(" "));
        Self::new(
            target,
            None,
            Self::tokens_from(response, scopes),
            on_refresh_token,
        )
    }

    /// A delegated session from a stored refresh token (after a restart).
    pub fn resume(
        target: SignInTarget,
        refresh_token: String,
        on_refresh_token: Option<RefreshTokenStore>,
    ) -> Result<Self, Error> {
        let tokens = Tokens {
            access: None,
            refresh: Some(refresh_token),
            scopes: target.delegated_scopes(),
        };
        Self::new(target, None, tokens, on_refresh_token)
    }

    /// App-only, with the app registration's client secret.
    pub async fn app_only(target: SignInTarget, secret: String) -> Result<Self, Error> {
        let scopes = format!("{}/.default", target.endpoints.graph_resource());
        let session = Self::new(
            target,
            Some(secret),
            Tokens {
                access: None,
                refresh: None,
                scopes,
            },
            None,
        )?;
        session.access_token().await?;
        Ok(session)
    }

    pub fn target(&self) -> &SignInTarget {
        &self.target
    }

    /// A valid access token, renewed if it is about to run out.
    pub async fn access_token(&self) -> Result<String, Error> {
        let mut tokens = self.tokens.lock().await;
        if let Some((token, expires)) = &tokens.access {
            if Instant::now() + EXPIRY_MARGIN < *expires {
                return Ok(token.clone());
            }
        }
        self.renew(&mut tokens).await
    }

    /// Graph refused `rejected` (401): renew, unless another request already
    /// did (then its token is tried; if that is refused too, the caller asks again).
    pub async fn renew_after_rejection(&self, rejected: &str) -> Result<String, Error> {
        let mut tokens = self.tokens.lock().await;
        if let Some((current, _)) = &tokens.access {
            if current != rejected {
                return Ok(current.clone());
            }
        }
        self.renew(&mut tokens).await
    }

    /// The scopes this session's tokens are asked for, space separated.
    pub async fn scopes(&self) -> String {
        self.tokens.lock().await.scopes.clone()
    }

    /// Whether the session's tokens carry `permission` (e.g.
    /// `AuditLog.Read.All`); an app-only session's are the app's own.
    pub async fn asks_for(&self, permission_name: &str) -> bool {
        self.tokens
            .lock()
            .await
            .scopes
            .split_whitespace()
            .any(|s| permission(s).eq_ignore_ascii_case(permission_name))
    }

    /// Asks for `extra` scopes on top (e.g. [`SignInTarget::savings_scopes`])
    /// with the refresh token, without a browser: granted when an
    /// administrator (or this user) has consented to them. Then every
    /// renewal asks for them too. When consent or another step in the
    /// browser is needed, [`ScopeError::InteractionRequired`] says what to
    /// ask for interactively; the session stays as it was. An app-only
    /// session has what its app was granted and asks for nothing.
    pub async fn request_scopes(&self, extra: &str) -> Result<(), ScopeError> {
        if self.app_only_secret.is_some() {
            return Ok(());
        }
        let mut tokens = self.tokens.lock().await;
        let wanted = merge_scopes(&tokens.scopes, extra);
        if wanted == tokens.scopes && tokens.access.is_some() {
            return Ok(());
        }
        let Some(refresh) = tokens.refresh.clone() else {
            return Err(ScopeError::Failed(signed_out("no refresh token is held")));
        };
        tracing::info!(scopes = extra, "asking for more permissions without a browser");
        let answer = post_token(
            &self.http,
            &self.target,
            &[
                ("client_id", self.target.client_id.as_str()),
                ("grant_type", "refresh_token"),
                ("refresh_token", &refresh),
                ("scope", &wanted),
            ],
        )
        .await;
        match answer {
            Ok(response) => {
                self.keep(&mut tokens, &response);
                tokens.scopes = wanted;
                Ok(())
            }
            Err(OAuthOutcome::Refused(refused)) if refused.needs_interaction() => {
                tracing::info!("the extra permissions need the browser first");
                Err(ScopeError::InteractionRequired {
                    scopes: merge_scopes(&self.target.delegated_scopes(), &wanted),
                    details: format!("{}: {}", refused.error, first_line(&refused.error_description)),
                })
            }
            Err(OAuthOutcome::Refused(refused)) if refused.error == "invalid_grant" => {
                Err(ScopeError::Failed(signed_out(&format!(
                    "{}: {}",
                    refused.error,
                    first_line(&refused.error_description)
                ))))
            }
            Err(other) => Err(ScopeError::Failed(sign_in_error(other))),
        }
    }

    /// Keeps what a token answer brought: the access token, and a rotated
    /// refresh token (stored at once, the old one forgotten).
    fn keep(&self, tokens: &mut Tokens, response: &TokenResponse) {
        if let Some(new_refresh) = &response.refresh_token {
            tokens.refresh = Some(new_refresh.clone());
            if let Some(store) = &self.on_refresh_token {
                hand_to_store(store, new_refresh);
            }
        }
        tokens.access = Some((
            response.access_token.clone(),
            Instant::now() + Duration::from_secs(response.expires_in),
        ));
    }

    async fn renew(&self, tokens: &mut Tokens) -> Result<String, Error> {
        tracing::info!(
            app_only = self.app_only_secret.is_some(),
            "renewing the access token"
        );
        match self.renew_once(tokens).await {
            // Consent to the extra scopes was withdrawn: carry on with the
            // sign-in's own.
            Err(OAuthOutcome::Refused(refused))
                if refused.needs_interaction() && tokens.scopes != self.target.delegated_scopes() =>
            {
                tracing::warn!(
                    "consent to the extra permissions was withdrawn: renewing with the sign-in's own"
                );
                tokens.scopes = self.target.delegated_scopes();
                self.renew_once(tokens).await.map_err(renewal_error)
            }
            other => other.map_err(renewal_error),
        }
    }

    async fn renew_once(&self, tokens: &mut Tokens) -> Result<String, OAuthOutcome> {
        let client_id = self.target.client_id.as_str();
        let response = if let Some(secret) = &self.app_only_secret {
            post_token(
                &self.http,
                &self.target,
                &[
                    ("client_id", client_id),
                    ("client_secret", secret),
                    ("grant_type", "client_credentials"),
                    ("scope", &tokens.scopes),
                ],
            )
            .await
        } else {
            let Some(refresh) = tokens.refresh.clone() else {
                return Err(OAuthOutcome::Failed(signed_out("no refresh token is held")));
            };
            post_token(
                &self.http,
                &self.target,
                &[
                    ("client_id", client_id),
                    ("grant_type", "refresh_token"),
                    ("refresh_token", &refresh),
                    ("scope", &tokens.scopes),
                ],
            )
            .await
        };
        let response = response?;
        // Rotation: keep only the new refresh token, and store it at once.
        self.keep(tokens, &response);
        Ok(response.access_token)
    }
}

fn renewal_error(outcome: OAuthOutcome) -> Error {
    match outcome {
        OAuthOutcome::Refused(refused) if refused.error == "invalid_grant" => signed_out(&format!(
            "{}: {}",
            refused.error,
            first_line(&refused.error_description)
        )),
        other => sign_in_error(other),
    }
}

fn signed_out(details: &str) -> Error {
    tracing::warn!("signed out: {details}");
    Error::new(
        ErrorCode::SignedOut,
        "Your sign-in has expired or was revoked. Sign in again to continue.",
    )
    .with_details(details)
}

fn random_text(length: usize) -> String {
    rand::thread_rng()
        .sample_iter(&Alphanumeric)
        .take(length)
        .map(char::from)
        .collect()
}

/// Sign-in in the system browser: authorization code with PKCE (S256),
/// redirected to a listener on 127.0.0.1 that waits for this sign-in's answer.
pub struct BrowserSignIn {
    /// Open this in the system browser.
    pub authorize_url: String,
    target: SignInTarget,
    scopes: String,
    listener: TcpListener,
    redirect_uri: String,
    verifier: String,
    state: String,
}

impl BrowserSignIn {
    /// Asks for the sign-in's scopes ([`SignInTarget::delegated_scopes`]).
    pub async fn start(target: SignInTarget) -> Result<Self, Error> {
        let scopes = target.delegated_scopes();
        Self::start_with_scopes(target, scopes).await
    }

    /// Asks for `scopes` (e.g. [`ScopeError::InteractionRequired`]'s, to
    /// consent to more): the session made from it keeps them.
    pub async fn start_with_scopes(target: SignInTarget, scopes: String) -> Result<Self, Error> {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await.map_err(|e| {
            Error::new(
                ErrorCode::SignInFailed,
                "License Desk could not listen for the sign-in to come back.",
            )
            .with_details(e.to_string())
        })?;
        let port = listener
            .local_addr()
            .map_err(|e| Error::new(ErrorCode::Internal, "No local port.").with_details(e.to_string()))?
            .port();
        let redirect_uri = format!("http://127.0.0.1:{port}");
        let verifier = random_text(64);
        let state = random_text(24);
        let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
        let mut url = url::Url::parse(&target.url("authorize")).map_err(|e| {
            Error::new(ErrorCode::SignInFailed, "The sign-in address is not valid.")
                .with_details(e.to_string())
        })?;
        url.query_pairs_mut()
            .append_pair("client_id", &target.client_id)
            .append_pair("response_type", "code")
            .append_pair("redirect_uri", &redirect_uri)
            .append_pair("response_mode", "query")
            .append_pair("scope", &scopes)
            .append_pair("state", &state)
            .append_pair("code_challenge", &challenge)
            .append_pair("code_challenge_method", "S256")
            .append_pair("prompt", "select_account");
        tracing::info!(
            port,
            "browser sign-in started: waiting for the browser to come back"
        );
        Ok(Self {
            authorize_url: url.into(),
            target,
            scopes,
            listener,
            redirect_uri,
            verifier,
            state,
        })
    }

    /// Waits for the browser to come back, then redeems the code. Drop the
    /// future to cancel; after `timeout` it gives up.
    pub async fn finish(self, timeout: Duration) -> Result<TokenResponse, Error> {
        let code = tokio::time::timeout(timeout, self.wait_for_code())
            .await
            .map_err(|_| {
                tracing::warn!("browser sign-in timed out after {} s", timeout.as_secs());
                Error::new(
                    ErrorCode::SignInTimedOut,
                    "Nobody finished signing in in the browser in time. Start again.",
                )
            })??;
        tracing::info!("browser sign-in came back: redeeming its code");
        let http = self.target.endpoints.http_client()?;
        post_token(
            &http,
            &self.target,
            &[
                ("client_id", self.target.client_id.as_str()),
                ("grant_type", "authorization_code"),
                ("code", &code),
                ("redirect_uri", &self.redirect_uri),
                ("code_verifier", &self.verifier),
                ("scope", &self.scopes),
            ],
        )
        .await
        .map_err(sign_in_error)
    }

    /// Serves each connection on its own task, so an idle one (browsers
    /// open spares) stalls nothing, until one brings this sign-in's answer.
    async fn wait_for_code(&self) -> Result<String, Error> {
        let (answers, mut answered) = tokio::sync::mpsc::channel(1);
        // Dropped on return or cancel, which closes every connection left.
        let mut connections = tokio::task::JoinSet::new();
        loop {
            tokio::select! {
                accepted = self.listener.accept() => {
                    if let Ok((stream, _)) = accepted {
                        connections.spawn(serve_callback(stream, self.state.clone(), answers.clone()));
                    }
                }
                Some(outcome) = answered.recv() => return outcome,
                Some(_) = connections.join_next(), if !connections.is_empty() => {}
            }
        }
    }
}

/// How long a connection to the loopback listener may take to send its request.
const CALLBACK_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// Answers one connection's request. Only the redirect to `/` carrying this
/// sign-in's `state` settles the sign-in (through `answers`, once the
/// browser has its page); anything else is refused and the wait goes on.
async fn serve_callback(
    mut stream: TcpStream,
    state: String,
    answers: tokio::sync::mpsc::Sender<Result<String, Error>>,
) {
    let Ok(Some(target)) =
        tokio::time::timeout(CALLBACK_READ_TIMEOUT, read_request_target(&mut stream)).await
    else {
        return;
    };
    let Ok(url) = url::Url::parse(&format!("http://127.0.0.1{target}")) else {
        return respond(&mut stream, "400 Bad Request", "").await;
    };
    let params: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    let get = |name: &str| params.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
    if url.path() != "/" || (get("code").is_none() && get("error").is_none()) {
        // A favicon or a stray request: not the redirect.
        tracing::debug!(
            path = url.path(),
            "a request to the sign-in listener that is not its answer: 404"
        );
        return respond(&mut stream, "404 Not Found", "").await;
    }
    if get("state").as_deref() != Some(state.as_str()) {
        // Not this sign-in's answer (forged, or from an older attempt): refuse
        // it and keep waiting for the real one.
        tracing::warn!("an answer that does not belong to this sign-in was refused; still waiting");
        return respond(
            &mut stream,
            "400 Bad Request",
            &page("<h1>Not signed in</h1><p>This answer does not belong to the sign-in License Desk is waiting for. Close this tab and finish signing in where License Desk sent you.</p>"),
        )
        .await;
    }
    let outcome = if let Some(error) = get("error") {
        let details = format!(
            "{error}: {}",
            first_line(&get("error_description").unwrap_or_default())
        );
        tracing::warn!("the browser sign-in came back without signing in: {details}");
        Err(if error == "access_denied" {
            Error::new(
                ErrorCode::SignInCancelled,
                "Signing in was cancelled in the browser.",
            )
            .with_details(details)
        } else {
            Error::new(ErrorCode::SignInFailed, "Signing in failed in the browser.").with_details(details)
        })
    } else {
        get("code").ok_or_else(|| Error::new(ErrorCode::SignInFailed, "The sign-in answer had no code."))
    };
    let text = match &outcome {
        Ok(_) => "<h1>Signed in</h1><p>You can close this tab and return to License Desk.</p>",
        Err(_) => "<h1>Not signed in</h1><p>You can close this tab; License Desk says what happened.</p>",
    };
    respond(&mut stream, "200 OK", &page(text)).await;
    let _ = answers.send(outcome).await;
}

/// The request target (`/?code=…`) of the request on `stream`, once its
/// head has arrived; `None` if the connection closes first.
async fn read_request_target(stream: &mut TcpStream) -> Option<String> {
    let mut buffer = vec![0u8; 8192];
    let mut read = 0;
    while read < buffer.len() {
        match stream.read(&mut buffer[read..]).await {
            Ok(0) | Err(_) => return None,
            Ok(n) => read += n,
        }
        if buffer[..read].windows(4).any(|w| w == b"\r\n\r\n") {
            break;
        }
    }
    let head = String::from_utf8_lossy(&buffer[..read]);
    head.lines()
        .next()
        .and_then(|line| line.split_whitespace().nth(1))
        .map(str::to_owned)
}

fn page(text: &str) -> String {
    format!("<!doctype html><html lang=\"en\"><meta charset=\"utf-8\"><title>License Desk</title><body style=\"font-family:sans-serif\">{text}</body></html>")
}

async fn respond(stream: &mut TcpStream, status: &str, html: &str) {
    let response = format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{html}",
        html.len()
    );
    let _ = stream.write_all(response.as_bytes()).await;
    let _ = stream.shutdown().await;
}

/// The device code flow: the admin opens a page anywhere and types a code.
pub struct DeviceSignIn {
    pub user_code: String,
    pub verification_uri: String,
    pub message: String,
    device_code: String,
    interval: Duration,
    expires_at: Instant,
    target: SignInTarget,
}

#[derive(Deserialize)]
struct DeviceCodeResponse {
    user_code: String,
    device_code: String,
    verification_uri: String,
    expires_in: u64,
    interval: u64,
    message: String,
}

impl DeviceSignIn {
    /// Asks for the sign-in's scopes ([`SignInTarget::delegated_scopes`]).
    pub async fn start(target: SignInTarget) -> Result<Self, Error> {
        let scopes = target.delegated_scopes();
        Self::start_with_scopes(target, scopes).await
    }

    /// Asks for `scopes`, as [`BrowserSignIn::start_with_scopes`].
    pub async fn start_with_scopes(target: SignInTarget, scopes: String) -> Result<Self, Error> {
        let http = target.endpoints.http_client()?;
        let response = http
            .post(target.url("devicecode"))
            .form(&[("client_id", target.client_id.as_str()), ("scope", &scopes)])
            .send()
            .await
            .map_err(network)?;
        let status = response.status();
        let body = response.bytes().await.map_err(network)?;
        if !status.is_success() {
            let outcome = serde_json::from_slice::<OAuthError>(&body)
                .map(OAuthOutcome::Refused)
                .unwrap_or_else(|_| {
                    OAuthOutcome::Failed(Error::new(
                        ErrorCode::SignInFailed,
                        "The sign-in service refused the request.",
                    ))
                });
            return Err(sign_in_error(outcome));
        }
        let started: DeviceCodeResponse = serde_json::from_slice(&body).map_err(|e| {
            Error::new(
                ErrorCode::SignInFailed,
                "The sign-in service sent an answer License Desk cannot read.",
            )
            .with_details(e.to_string())
        })?;
        tracing::info!(
            expires_in = started.expires_in,
            "device code sign-in started: waiting for the admin to enter the code"
        );
        Ok(Self {
            user_code: started.user_code,
            verification_uri: started.verification_uri,
            message: started.message,
            device_code: started.device_code,
            interval: Duration::from_secs(started.interval.max(1)),
            expires_at: Instant::now() + Duration::from_secs(started.expires_in),
            target,
        })
    }

    /// Polls until the admin has signed in, declined or let the code expire.
    /// Drop the future to cancel.
    pub async fn finish(self) -> Result<TokenResponse, Error> {
        let http = self.target.endpoints.http_client()?;
        let mut interval = self.interval;
        loop {
            let polled = post_token(
                &http,
                &self.target,
                &[
                    ("client_id", self.target.client_id.as_str()),
                    ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
                    ("device_code", &self.device_code),
                ],
            )
            .await;
            match polled {
                Ok(tokens) => return Ok(tokens),
                Err(OAuthOutcome::Refused(refused)) if refused.error == "authorization_pending" => {}
                Err(OAuthOutcome::Refused(refused)) if refused.error == "slow_down" => {
                    interval += Duration::from_secs(5);
                    tracing::info!(
                        "the sign-in service asked to be polled less often: every {} s",
                        interval.as_secs()
                    );
                }
                Err(other) => return Err(sign_in_error(other)),
            }
            if Instant::now() + interval > self.expires_at {
                tracing::warn!("the device code expired before it was used");
                return Err(Error::new(
                    ErrorCode::SignInTimedOut,
                    "The sign-in code expired before it was used. Start again.",
                ));
            }
            tokio::time::sleep(interval).await;
        }
    }
}
