//! The Microsoft identity platform's v2.0 endpoints: OpenID discovery, the
//! authorization code flow with PKCE, the device code flow, client
//! credentials and rotating refresh tokens, with Entra's `AADSTS` errors.

use std::collections::{HashMap, HashSet};

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::http::{Request, Response};
use crate::model::User;
use crate::token::Claims;
use crate::{lock, unix_now, Shared};

const TOKEN_LIFETIME: u64 = 3599;
const CODE_LIFETIME: u64 = 600;
const DEVICE_CODE_LIFETIME: u64 = 900;
const DEVICE_CODE_INTERVAL: u64 = 5;
const OIDC_SCOPES: [&str; 4] = ["openid", "profile", "offline_access", "email"];
const DEVICE_CODE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

#[derive(Clone, Serialize, Deserialize)]
struct Grant {
    user: Uuid,
    client: Uuid,
    scopes: Vec<String>,
    /// The Graph permissions the user consented to while signing in (on
    /// top of the tenant's admin consent): a refresh token is redeemed for
    /// these and the tenant's, nothing else.
    #[serde(default)]
    consented: Vec<String>,
}

struct AuthorizationCode {
    grant: Grant,
    redirect_uri: String,
    challenge: Option<String>,
    nonce: Option<String>,
    expires: u64,
}

enum DeviceState {
    Pending,
    Approved(Uuid),
    Declined,
}

struct DeviceCode {
    client: Uuid,
    scopes: Vec<String>,
    user_code: String,
    expires: u64,
    state: DeviceState,
}

/// Sign-in state: codes waiting to be redeemed, refresh tokens in use.
/// Only the refresh tokens outlive a restart (see [`crate::state`]); a code
/// lives minutes and is asked for again.
#[derive(Default, Serialize, Deserialize)]
pub struct Sessions {
    #[serde(skip)]
    codes: HashMap<String, AuthorizationCode>,
    #[serde(skip)]
    device_codes: HashMap<String, DeviceCode>,
    refresh_tokens: HashMap<String, Grant>,
    revoked: HashSet<String>,
}

impl Sessions {
    pub fn revoke_refresh_tokens(&mut self) {
        self.revoked
            .extend(self.refresh_tokens.drain().map(|(token, _)| token));
    }
}

fn random_token(bytes: usize) -> String {
    let mut raw = Vec::with_capacity(bytes);
    while raw.len() < bytes {
        raw.extend_from_slice(Uuid::new_v4().as_bytes());
    }
    raw.truncate(bytes);
    URL_SAFE_NO_PAD.encode(raw)
}

struct OAuthError {
    status: u16,
    error: &'static str,
    code: u32,
    description: String,
    /// What the client should do (`consent_required`, ...), where Entra says.
    suberror: Option<&'static str>,
}

fn oauth_error(error: &'static str, code: u32, description: impl Into<String>) -> OAuthError {
    OAuthError {
        status: if error == "invalid_client" { 401 } else { 400 },
        error,
        code,
        description: description.into(),
        suberror: None,
    }
}

impl OAuthError {
    fn into_response(self, base: &str) -> Response {
        let trace = Uuid::new_v4();
        let correlation = Uuid::new_v4();
        let timestamp = time::OffsetDateTime::now_utc()
            .format(time::macros::format_description!(
                "[year]-[month]-[day] [hour]:[minute]:[second]Z"
            ))
            .unwrap_or_default();
        let mut body = json!({
            "error": self.error,
            "error_description": format!("AADSTS{}: {}\r\nTrace ID: {trace}\r\nCorrelation ID: {correlation}\r\nTimestamp: {timestamp}", self.code, self.description),
            "error_codes": [self.code],
            "timestamp": timestamp,
            "trace_id": trace,
            "correlation_id": correlation,
            "error_uri": format!("{base}/error?code={}", self.code),
        });
        if let Some(suberror) = self.suberror {
            body["suberror"] = json!(suberror);
        }
        Response::json(self.status, &body)
    }
}

pub fn handle(shared: &Shared, request: &Request) -> Response {
    let segments: Vec<&str> = request.path.trim_matches('/').split('/').collect();
    let base = shared.base_url.as_str();
    match (request.method.as_str(), segments.as_slice()) {
        ("GET", [_, "discovery", "instance"]) => instance_discovery(shared, request),
        ("GET" | "POST", ["devicelogin"]) => device_login_page(shared, request),
        (_, [tenant, ..]) if !knows_tenant(shared, tenant) => oauth_error(
            "invalid_tenant",
            90002,
            format!("Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud."),
        )
        .into_response(base),
        ("GET", [tenant, "v2.0", ".well-known", "openid-configuration"]) => openid_configuration(shared, tenant),
        ("GET", [_, "discovery", "v2.0", "keys"]) => Response::json(200, &json!({"keys": []})),
        ("GET" | "POST", [_, "oauth2", "v2.0", "authorize"]) => authorize(shared, request),
        ("POST", [_, "oauth2", "v2.0", "token"]) => match token(shared, request) {
            Ok(body) => {
                shared.save_sign_in_state();
                Response::json(200, &body)
            }
            Err(error) => error.into_response(base),
        },
        ("POST", [_, "oauth2", "v2.0", "devicecode"]) => match device_code(shared, request) {
            Ok(body) => Response::json(200, &body),
            Err(error) => error.into_response(base),
        },
        ("GET", [_, "oauth2", "v2.0", "logout"]) => page("Signed out", "<p>You have signed out of the local tenant.</p>"),
        _ => Response::html(404, "<!doctype html><title>Not found</title><p>Not found.</p>".to_owned()),
    }
}

fn knows_tenant(shared: &Shared, segment: &str) -> bool {
    let tenant = &shared.config.tenant;
    ["common", "organizations"].contains(&segment.to_ascii_lowercase().as_str())
        || segment.eq_ignore_ascii_case(&tenant.id.to_string())
        || tenant.domains.iter().any(|d| d.eq_ignore_ascii_case(segment))
}

fn openid_configuration(shared: &Shared, tenant: &str) -> Response {
    let base = &shared.base_url;
    let tid = shared.config.tenant.id;
    Response::json(
        200,
        &json!({
            "token_endpoint": format!("{base}/{tenant}/oauth2/v2.0/token"),
            "token_endpoint_auth_methods_supported": ["client_secret_post", "private_key_jwt", "client_secret_basic"],
            "jwks_uri": format!("{base}/{tenant}/discovery/v2.0/keys"),
            "response_modes_supported": ["query", "fragment", "form_post"],
            "subject_types_supported": ["pairwise"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "response_types_supported": ["code", "id_token", "code id_token", "id_token token"],
            "scopes_supported": ["openid", "profile", "email", "offline_access"],
            "issuer": format!("{base}/{tid}/v2.0"),
            "request_uri_parameter_supported": false,
            "userinfo_endpoint": format!("{base}/oidc/userinfo"),
            "authorization_endpoint": format!("{base}/{tenant}/oauth2/v2.0/authorize"),
            "device_authorization_endpoint": format!("{base}/{tenant}/oauth2/v2.0/devicecode"),
            "http_logout_supported": true,
            "frontchannel_logout_supported": true,
            "end_session_endpoint": format!("{base}/{tenant}/oauth2/v2.0/logout"),
            "claims_supported": ["sub", "iss", "aud", "exp", "iat", "nonce", "preferred_username", "name", "tid", "ver", "oid"],
            "kerberos_endpoint": format!("{base}/{tenant}/kerberos"),
            "tenant_region_scope": "EU",
            "cloud_instance_name": "local.tenant",
            "cloud_graph_host_name": "graph.windows.net",
            "msgraph_host": base.trim_start_matches("https://").trim_start_matches("http://"),
        }),
    )
}

fn instance_discovery(shared: &Shared, request: &Request) -> Response {
    let base = &shared.base_url;
    let host = base.trim_start_matches("https://").trim_start_matches("http://");
    let tenant = request
        .query_value("authorization_endpoint")
        .and_then(|endpoint| endpoint.strip_prefix(base.as_str()))
        .and_then(|rest| rest.trim_start_matches('/').split('/').next())
        .unwrap_or("common")
        .to_owned();
    Response::json(
        200,
        &json!({
            "tenant_discovery_endpoint": format!("{base}/{tenant}/v2.0/.well-known/openid-configuration"),
            "api-version": "1.1",
            "metadata": [{"preferred_network": host, "preferred_cache": host, "aliases": [host]}],
        }),
    )
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

fn page(title: &str, body: &str) -> Response {
    Response::html(
        200,
        format!(
            "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title>\
             <style>body{{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem}}\
             button{{display:block;margin:.3rem 0;padding:.4rem .8rem}}input{{padding:.4rem;width:100%}}</style></head>\
             <body><h1>{title}</h1><p><strong>Local tenant</strong>: nothing here is Microsoft's.</p>{body}</body></html>",
            title = escape(title)
        ),
    )
}

fn with_query(uri: &str, pairs: &[(&str, &str)]) -> String {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        query.append_pair(k, v);
    }
    let separator = if uri.contains('?') { '&' } else { '?' };
    format!("{uri}{separator}{}", query.finish())
}

fn is_loopback_redirect(uri: &str) -> bool {
    url::Url::parse(uri).is_ok_and(|u| {
        u.scheme() == "http" && matches!(u.host_str(), Some("localhost" | "127.0.0.1" | "[::1]"))
    })
}

fn authorize(shared: &Shared, request: &Request) -> Response {
    let mut fields = request.query.clone();
    if request.method == "POST" {
        fields.extend(request.form());
    }
    let field = |name: &str| {
        fields
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let client_id = field("client_id").unwrap_or_default();
    let Some(app) = shared.app(client_id).filter(|a| a.secret.is_none()) else {
        return page(
            "Sign-in failed",
            &format!(
                "<p>AADSTS700016: Application with identifier '{}' was not found in the directory.</p>",
                escape(client_id)
            ),
        );
    };
    let redirect_uri = field("redirect_uri").unwrap_or_default();
    if !is_loopback_redirect(redirect_uri) {
        return page(
            "Sign-in failed",
            &format!(
                "<p>AADSTS50011: The redirect URI '{}' specified in the request does not match the redirect URIs configured for the application '{}'.</p>",
                escape(redirect_uri),
                app.app_id
            ),
        );
    }
    let state = field("state").unwrap_or_default();
    if field("response_type") != Some("code") {
        return Response::redirect(&with_query(
            redirect_uri,
            &[
                ("error", "unsupported_response_type"),
                (
                    "error_description",
                    "AADSTS70005: response_type 'token' is not enabled for the application.",
                ),
                ("state", state),
            ],
        ));
    }
    if field("code_challenge").is_some() && field("code_challenge_method") != Some("S256") {
        return Response::redirect(&with_query(
            redirect_uri,
            &[
                ("error", "invalid_request"),
                (
                    "error_description",
                    "AADSTS501491: Invalid size of Code_Challenge parameter.",
                ),
                ("state", state),
            ],
        ));
    }
    if field("cancel").is_some() {
        return Response::redirect(&with_query(
            redirect_uri,
            &[
                ("error", "access_denied"),
                (
                    "error_description",
                    "AADSTS65004: User declined to consent to access the app.",
                ),
                ("state", state),
            ],
        ));
    }
    let directory = lock(&shared.directory);
    let consent = directory.tenant().consented_permissions.clone();
    let chosen = field("login").or(shared.config.approve.as_deref());
    match chosen.map(|login| {
        directory
            .find_user(login)
            .filter(|u| u.account_enabled)
            .ok_or(login)
    }) {
        Some(Ok(user)) => {
            let code = random_token(48);
            let scopes: Vec<String> = field("scope")
                .unwrap_or_default()
                .split(' ')
                .map(str::to_owned)
                .collect();
            lock(&shared.sessions).codes.insert(
                code.clone(),
                AuthorizationCode {
                    grant: Grant {
                        user: user.id,
                        client: app.app_id,
                        // Signing in interactively, the user consents to what is asked.
                        consented: graph_scopes(&scopes, &consent),
                        scopes,
                    },
                    redirect_uri: redirect_uri.to_owned(),
                    challenge: field("code_challenge").map(str::to_owned),
                    nonce: field("nonce").map(str::to_owned),
                    expires: unix_now() + CODE_LIFETIME,
                },
            );
            Response::redirect(&with_query(redirect_uri, &[("code", &code), ("state", state)]))
        }
        problem => {
            let hidden: String = request
                .query
                .iter()
                .filter(|(k, _)| k != "login")
                .map(|(k, v)| {
                    format!(
                        "<input type=\"hidden\" name=\"{}\" value=\"{}\">",
                        escape(k),
                        escape(v)
                    )
                })
                .collect();
            let suggestions: String = directory
                .users()
                .iter()
                .filter(|u| !u.directory_roles.is_empty() || u.user_principal_name.starts_with("reader@"))
                .chain(directory.users().iter().take(5))
                .take(12)
                .map(|u: &User| {
                    format!(
                        "<button name=\"login\" value=\"{upn}\">{name} ({upn})</button>",
                        upn = escape(&u.user_principal_name),
                        name = escape(&u.display_name)
                    )
                })
                .collect();
            let notice = match problem {
                Some(Err(login)) => format!(
                    "<p role=\"alert\">No enabled account is called '{}'.</p>",
                    escape(login)
                ),
                _ => String::new(),
            };
            page(
                &format!("Sign in to {}", directory.tenant().display_name),
                &format!(
                    "{notice}<form method=\"post\">{hidden}<label>Account <input name=\"login\" autocomplete=\"username\"></label>\
                     <button type=\"submit\">Sign in</button><p>Or choose:</p>{suggestions}\
                     <button name=\"cancel\" value=\"1\">Cancel</button></form>"
                ),
            )
        }
    }
}

/// The Graph permissions among `scopes`, short names; `.default` stands
/// for the tenant's consented set.
fn graph_scopes(scopes: &[String], consented: &[String]) -> Vec<String> {
    let mut granted: Vec<String> = Vec::new();
    for scope in scopes.iter().filter(|s| !s.is_empty()) {
        let short = scope.rsplit('/').next().unwrap_or(scope);
        if OIDC_SCOPES.contains(&short) {
            continue;
        }
        if short == ".default" {
            granted.extend(consented.iter().cloned());
        } else {
            granted.push(short.to_owned());
        }
    }
    granted.sort();
    granted.dedup();
    granted
}

fn issue_access_token(shared: &Shared, claims: &Claims) -> String {
    lock(&shared.tokens).issue(&claims.uti);
    shared.signer.sign(claims)
}

fn issue(
    shared: &Shared,
    grant: &Grant,
    nonce: Option<&str>,
    client_info: bool,
) -> Result<Value, OAuthError> {
    let directory = lock(&shared.directory);
    let Some(user) = directory.find_user(&grant.user.to_string()).cloned() else {
        return Err(oauth_error(
            "invalid_grant",
            50034,
            "The user account does not exist in the directory.",
        ));
    };
    let scp = graph_scopes(&grant.scopes, &directory.tenant().consented_permissions);
    drop(directory);
    let now = unix_now();
    let tid = shared.config.tenant.id;
    let claims = Claims {
        aud: "https://graph.microsoft.com".to_owned(),
        iss: format!("https://sts.windows.net/{tid}/"),
        iat: now,
        nbf: now,
        exp: now + TOKEN_LIFETIME,
        tid,
        appid: grant.client,
        idtyp: "user".to_owned(),
        oid: Some(user.id),
        upn: Some(user.user_principal_name.clone()),
        name: Some(user.display_name.clone()),
        scp: Some(scp.join(" ")),
        roles: None,
        ver: "1.0".to_owned(),
        uti: random_token(16),
    };
    let asked = |s: &str| grant.scopes.iter().any(|g| g == s);
    let mut scope = scp.clone();
    scope.extend(
        OIDC_SCOPES
            .iter()
            .filter(|s| asked(s) && **s != "offline_access")
            .map(|s| (*s).to_owned()),
    );
    let mut body = json!({
        "token_type": "Bearer",
        "scope": scope.join(" "),
        "expires_in": TOKEN_LIFETIME,
        "ext_expires_in": TOKEN_LIFETIME,
        "access_token": issue_access_token(shared, &claims),
    });
    if asked("offline_access") {
        let refresh = random_token(64);
        lock(&shared.sessions)
            .refresh_tokens
            .insert(refresh.clone(), grant.clone());
        body["refresh_token"] = json!(refresh);
    }
    if asked("openid") {
        let mut id = json!({
            "aud": grant.client, "iss": format!("{}/{tid}/v2.0", shared.base_url), "iat": now, "nbf": now,
            "exp": now + TOKEN_LIFETIME, "name": user.display_name, "oid": user.id,
            "preferred_username": user.user_principal_name, "sub": user.id, "tid": tid, "ver": "2.0",
        });
        if let Some(nonce) = nonce {
            id["nonce"] = json!(nonce);
        }
        body["id_token"] = json!(shared.signer.sign(&id));
    }
    if client_info {
        body["client_info"] = json!(URL_SAFE_NO_PAD.encode(json!({"uid": user.id, "utid": tid}).to_string()));
    }
    Ok(body)
}

fn token(shared: &Shared, request: &Request) -> Result<Value, OAuthError> {
    let form = request.form();
    let field = |name: &str| form.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
    let client_id = field("client_id").unwrap_or_default();
    let app = shared.app(client_id).ok_or_else(|| {
        oauth_error(
            "unauthorized_client",
            700016,
            format!(
                "Application with identifier '{client_id}' was not found in the directory '{}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant.",
                shared.config.tenant.display_name
            ),
        )
    })?;
    let client_info = field("client_info") == Some("1");
    let scopes = |text: Option<&str>| {
        text.unwrap_or_default()
            .split(' ')
            .map(str::to_owned)
            .collect::<Vec<_>>()
    };
    match field("grant_type").unwrap_or_default() {
        "authorization_code" => {
            let code = field("code").unwrap_or_default();
            let stored = lock(&shared.sessions).codes.remove(code);
            let stored = stored.filter(|c| c.expires > unix_now()).ok_or_else(|| {
                oauth_error("invalid_grant", 70008, "The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.")
            })?;
            if stored.grant.client != app.app_id {
                return Err(oauth_error(
                    "invalid_grant",
                    70002,
                    "The authorization code was issued to another client.",
                ));
            }
            if field("redirect_uri") != Some(stored.redirect_uri.as_str()) {
                return Err(oauth_error("invalid_grant", 500117, "The reply uri specified in the request does not match the reply uri used in the authorization request."));
            }
            if let Some(challenge) = &stored.challenge {
                let verifier = field("code_verifier").unwrap_or_default();
                let computed = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
                if verifier.is_empty() || &computed != challenge {
                    return Err(oauth_error("invalid_grant", 501481, "The Code_Verifier does not match the code_challenge supplied in the authorization request."));
                }
            }
            issue(shared, &stored.grant, stored.nonce.as_deref(), client_info)
        }
        "refresh_token" => {
            let presented = field("refresh_token").unwrap_or_default();
            let asked = field("scope").filter(|s| !s.trim().is_empty());
            let consent = lock(&shared.directory).tenant().consented_permissions.clone();
            let mut sessions = lock(&shared.sessions);
            if sessions.revoked.contains(presented) {
                return Err(oauth_error("invalid_grant", 50173, "The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password."));
            }
            // A permission nobody consented to needs the user in a browser;
            // the refresh token stays good for what was consented.
            if let (Some(asked), Some(grant)) = (asked, sessions.refresh_tokens.get(presented)) {
                let consented = |p: &String| {
                    consent
                        .iter()
                        .chain(&grant.consented)
                        .any(|c| c.eq_ignore_ascii_case(p))
                };
                if !graph_scopes(&scopes(Some(asked)), &consent).iter().all(consented) {
                    return Err(OAuthError {
                        suberror: Some("consent_required"),
                        ..oauth_error(
                            "invalid_grant",
                            65001,
                            format!(
                                "The user or administrator has not consented to use the application with ID '{}' named '{}'. Send an interactive authorization request for this user and resource.",
                                app.app_id, app.display_name
                            ),
                        )
                    });
                }
            }
            // Rotation: the presented token is spent whatever happens next.
            let mut grant = sessions.refresh_tokens.remove(presented).ok_or_else(|| {
                oauth_error("invalid_grant", 70008, "The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.")
            })?;
            drop(sessions);
            if grant.client != app.app_id {
                return Err(oauth_error(
                    "invalid_grant",
                    700016,
                    "The refresh token was issued to another application.",
                ));
            }
            if let Some(asked) = asked {
                grant.scopes = scopes(Some(asked));
                // Keep offline access: the client holds a refresh token already.
                grant.scopes.push("offline_access".to_owned());
            }
            issue(shared, &grant, None, client_info)
        }
        "client_credentials" => {
            let secret = field("client_secret").unwrap_or_default();
            if app.secret.as_deref() != Some(secret) || secret.is_empty() {
                return Err(oauth_error(
                    "invalid_client",
                    7000215,
                    format!("Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '{}'.", app.app_id),
                ));
            }
            let scope = field("scope").unwrap_or_default();
            if !scope.ends_with("/.default") {
                return Err(oauth_error(
                    "invalid_scope",
                    1002012,
                    format!("The provided value for scope {scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI)."),
                ));
            }
            let now = unix_now();
            let tid = shared.config.tenant.id;
            let claims = Claims {
                aud: "https://graph.microsoft.com".to_owned(),
                iss: format!("https://sts.windows.net/{tid}/"),
                iat: now,
                nbf: now,
                exp: now + TOKEN_LIFETIME,
                tid,
                appid: app.app_id,
                idtyp: "app".to_owned(),
                oid: None,
                upn: None,
                name: None,
                scp: None,
                roles: Some(app.application_permissions.clone()),
                ver: "1.0".to_owned(),
                uti: random_token(16),
            };
            Ok(
                json!({"token_type": "Bearer", "expires_in": TOKEN_LIFETIME, "ext_expires_in": TOKEN_LIFETIME, "access_token": issue_access_token(shared, &claims)}),
            )
        }
        DEVICE_CODE_GRANT => {
            let device_code = field("device_code").or_else(|| field("code")).unwrap_or_default();
            // The directory before the sessions, as everywhere.
            let consent = lock(&shared.directory).tenant().consented_permissions.clone();
            let mut sessions = lock(&shared.sessions);
            let Some(pending) = sessions.device_codes.get(device_code) else {
                return Err(oauth_error(
                    "bad_verification_code",
                    70019,
                    "The provided value for the input parameter 'device_code' is not valid.",
                ));
            };
            if pending.expires <= unix_now() {
                sessions.device_codes.remove(device_code);
                return Err(oauth_error("expired_token", 70020, "The provided value for the input parameter 'device_code' is not valid. This device code has expired."));
            }
            match pending.state {
                DeviceState::Pending => Err(oauth_error(
                    "authorization_pending",
                    70016,
                    "OAuth 2.0 device flow error. Authorization is pending. Continue polling.",
                )),
                DeviceState::Declined => {
                    sessions.device_codes.remove(device_code);
                    Err(oauth_error(
                        "authorization_declined",
                        70000,
                        "The user declined the sign-in request.",
                    ))
                }
                DeviceState::Approved(user) => {
                    let grant = Grant {
                        user,
                        client: pending.client,
                        scopes: pending.scopes.clone(),
                        consented: graph_scopes(&pending.scopes, &consent),
                    };
                    sessions.device_codes.remove(device_code);
                    drop(sessions);
                    issue(shared, &grant, None, client_info)
                }
            }
        }
        other => Err(oauth_error(
            "unsupported_grant_type",
            70003,
            format!("The app requested an unsupported grant type '{other}'."),
        )),
    }
}

fn device_code(shared: &Shared, request: &Request) -> Result<Value, OAuthError> {
    let form = request.form();
    let field = |name: &str| form.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
    let client_id = field("client_id").unwrap_or_default();
    let app = shared
        .app(client_id)
        .filter(|a| a.secret.is_none())
        .ok_or_else(|| {
            oauth_error(
                "unauthorized_client",
                700016,
                format!("Application with identifier '{client_id}' was not found in the directory."),
            )
        })?;
    let user_code: String = random_token(12)
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .take(9)
        .collect();
    let device_code = random_token(48);
    let approved = shared
        .config
        .approve
        .as_deref()
        .and_then(|upn| lock(&shared.directory).find_user(upn).map(|u| u.id));
    lock(&shared.sessions).device_codes.insert(
        device_code.clone(),
        DeviceCode {
            client: app.app_id,
            scopes: field("scope")
                .unwrap_or_default()
                .split(' ')
                .map(str::to_owned)
                .collect(),
            user_code: user_code.clone(),
            expires: unix_now() + DEVICE_CODE_LIFETIME,
            state: approved.map_or(DeviceState::Pending, DeviceState::Approved),
        },
    );
    let verification_uri = format!("{}/devicelogin", shared.base_url);
    Ok(json!({
        "user_code": user_code,
        "device_code": device_code,
        "verification_uri": verification_uri,
        "expires_in": DEVICE_CODE_LIFETIME,
        "interval": DEVICE_CODE_INTERVAL,
        "message": format!("To sign in, use a web browser to open the page {verification_uri} and enter the code {user_code} to authenticate."),
    }))
}

fn device_login_page(shared: &Shared, request: &Request) -> Response {
    let form = request.form();
    let field = |name: &str| form.iter().find(|(k, _)| k == name).map(|(_, v)| v.trim());
    let form_html = "<form method=\"post\"><label>Code <input name=\"code\" autocomplete=\"one-time-code\"></label>\
                     <label>Account <input name=\"login\" autocomplete=\"username\"></label>\
                     <button type=\"submit\">Sign in</button><button name=\"decline\" value=\"1\">Decline</button></form>";
    if request.method == "GET" {
        return page("Enter code", form_html);
    }
    let code = field("code").unwrap_or_default().to_ascii_uppercase();
    let user = field("login").and_then(|login| {
        lock(&shared.directory)
            .find_user(login)
            .filter(|u| u.account_enabled)
            .map(|u| u.id)
    });
    let mut sessions = lock(&shared.sessions);
    let Some(pending) = sessions.device_codes.values_mut().find(|d| d.user_code == code) else {
        return page(
            "Enter code",
            &format!("<p role=\"alert\">That code is not valid or has expired.</p>{form_html}"),
        );
    };
    if field("decline").is_some() {
        pending.state = DeviceState::Declined;
        return page(
            "Sign-in declined",
            "<p>You declined. You can close this window.</p>",
        );
    }
    match user {
        Some(user) => {
            pending.state = DeviceState::Approved(user);
            page(
                "You are signed in",
                "<p>You can close this window and return to the app.</p>",
            )
        }
        None => page(
            "Enter code",
            &format!("<p role=\"alert\">No enabled account has that name.</p>{form_html}"),
        ),
    }
}
