//! What the savings view reads beside the tenant: users' sign-in dates,
//! Microsoft 365's "active users" report, and whether reports conceal
//! names. Each comes back read, or with why it could not be (no Entra ID
//! P1 or P2, a permission not granted); only trouble worth a retry later is
//! an error.
//!
//! The reading takes no picture: run [`load_activity`] in the background
//! and hand its result to `TenantPicture::set_activity`, a cheap step. It
//! asks for the permissions it needs on the way, silently where an
//! administrator has consented to them.

use std::collections::HashMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use license_desk_core::{Error, ErrorCode};
pub use license_desk_tenant::activity::{Activity, ActivityRead, SignIns, Usage, UsageReport, UserSignIns};
use license_desk_tenant::model::SignInActivity;
use serde::Deserialize;
use serde_json::Value;
use uuid::Uuid;

use crate::auth::ScopeError;
use crate::client::{GraphClient, Request};
use crate::failure::GraphFailure;
use crate::retry::{retry_after, RetryPolicy, MAX_RENEWALS};

/// The user properties read for sign-ins.
pub const SIGN_IN_FIELDS: &str = "id,createdDateTime,signInActivity";

/// Graph's answer when the tenant has no Entra ID P1 or P2.
const NOT_PREMIUM: &str = "Authentication_RequestFromNonPremiumTenantOrB2CTenant";

/// The periods the usage report covers, in days.
pub const USAGE_PERIODS: [u32; 4] = [7, 30, 90, 180];

/// Users' sign-ins as read: whether they could be, and each user's dates.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SignInsRead {
    pub sign_ins: SignIns,
    /// By user id: when the account was made and its last sign-ins (none
    /// when the user never signed in). Empty unless `sign_ins` is `Read`.
    pub users: HashMap<Uuid, UserSignIns>,
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

fn unreadable(what: &str, details: impl ToString) -> Error {
    Error::new(
        ErrorCode::GraphRequestFailed,
        format!("Microsoft Graph sent {what} License Desk cannot read."),
    )
    .with_details(details.to_string())
}

/// A next page is asked for with the access token, so only of the server
/// that named it.
fn same_origin(previous: &str, next: &str) -> Result<(), Error> {
    let origin = |url: &str| url::Url::parse(url).map(|u| u.origin());
    match (origin(previous), origin(next)) {
        (Ok(from), Ok(to)) if from == to => Ok(()),
        _ => Err(Error::new(
            ErrorCode::GraphRequestFailed,
            "Microsoft Graph's answer sent the next page to another server, so License Desk stopped instead of sending your sign-in there. Try again; if it keeps happening, check for a proxy between this computer and Microsoft.",
        )
        .with_details(format!("next page link {next:?}"))),
    }
}

/// Every user's creation date and last sign-ins
/// (`/users?$select=id,createdDateTime,signInActivity`, 999 a page). A
/// tenant without Entra ID P1 or P2 is `NotPremium`; a sign-in without
/// AuditLog.Read.All (or an app without it) is `NotPermitted`.
pub async fn read_sign_ins(client: &GraphClient) -> Result<SignInsRead, Error> {
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct WireUser {
        id: Uuid,
        #[serde(default)]
        created_date_time: Option<String>,
        #[serde(default)]
        sign_in_activity: Option<SignInActivity>,
    }
    let graph = client.session().target().endpoints.graph.clone();
    let mut url = format!("{graph}/users?$select={SIGN_IN_FIELDS}&$top=999");
    let mut users = HashMap::new();
    loop {
        let answer = client.send(&Request::get(url.clone())).await?;
        match answer.status {
            200 => {}
            403 => {
                let failure = GraphFailure::from_body(403, &answer.body, &answer.client_request_id);
                let sign_ins = if failure.code == NOT_PREMIUM {
                    SignIns::NotPremium
                } else {
                    SignIns::NotPermitted
                };
                return Ok(SignInsRead {
                    sign_ins,
                    users: HashMap::new(),
                });
            }
            status => {
                return Err(
                    GraphFailure::from_body(status, &answer.body, &answer.client_request_id).into_error(),
                )
            }
        }
        let mut page = answer.body;
        let next = page
            .get("@odata.nextLink")
            .and_then(Value::as_str)
            .map(str::to_owned);
        if let Some(Value::Array(values)) = page.get_mut("value").map(Value::take) {
            for value in values {
                let user: WireUser =
                    serde_json::from_value(value).map_err(|e| unreadable("a user's sign-ins", e))?;
                // Graph gives null dates (or no object) for "never".
                let activity = user.sign_in_activity.filter(|a| {
                    a.last_sign_in_date_time.is_some()
                        || a.last_non_interactive_sign_in_date_time.is_some()
                        || a.last_successful_sign_in_date_time.is_some()
                });
                users.insert(
                    user.id,
                    UserSignIns {
                        created_date_time: user.created_date_time,
                        sign_in_activity: activity,
                    },
                );
            }
        }
        match next {
            Some(link) => {
                same_origin(&url, &link)?;
                url = link;
            }
            None => break,
        }
    }
    Ok(SignInsRead {
        sign_ins: SignIns::Read { at: now() },
        users,
    })
}

/// Whether the tenant's reports conceal names (`/admin/reportSettings`);
/// `None` when that is not for this sign-in to know (no
/// ReportSettings.Read.All).
pub async fn read_report_settings(client: &GraphClient) -> Result<Option<bool>, Error> {
    let answer = client.send(&Request::get("/admin/reportSettings")).await?;
    match answer.status {
        200 => Ok(answer.body["displayConcealedNames"].as_bool()),
        403 => Ok(None),
        status => Err(GraphFailure::from_body(status, &answer.body, &answer.client_request_id).into_error()),
    }
}

/// Where Graph said the report is.
enum Report {
    /// A short-lived, pre-authenticated download link.
    At(String),
    /// The file itself (something on the way followed the redirect).
    Here(Vec<u8>),
    NotPermitted,
}

/// Attempts at the report request, and at its download.
const REPORT_ATTEMPTS: u32 = 6;
const DOWNLOAD_ATTEMPTS: u32 = 3;
/// Redirects followed from the download link.
const DOWNLOAD_HOPS: u32 = 3;

/// Asks Graph for the report: a 302 to where it can be downloaded. Sent by
/// hand, not through [`GraphClient::send`], because the answer that
/// matters is a header. Throttling and server errors wait as the client's
/// policy does, a refused token is renewed.
async fn locate_report(client: &GraphClient, days: u32) -> Result<Report, Error> {
    let session = client.session();
    let endpoints = &session.target().endpoints;
    let http = endpoints.http_client()?;
    let url = format!(
        "{}/reports/getOffice365ActiveUserDetail(period='D{days}')",
        endpoints.graph
    );
    let policy = RetryPolicy::default();
    let mut rng = <rand::rngs::StdRng as rand::SeedableRng>::from_entropy();
    let mut token = session.access_token().await?;
    let mut renewals = 0;
    let mut attempt = 0;
    loop {
        attempt += 1;
        let client_request_id = Uuid::new_v4().to_string();
        let sent = http
            .get(&url)
            .bearer_auth(&token)
            .header("client-request-id", &client_request_id)
            .header("return-client-request-id", "true")
            .send()
            .await;
        let response = match sent {
            Ok(response) => response,
            // A read: safe to send again.
            Err(_) if attempt < REPORT_ATTEMPTS => {
                tokio::time::sleep(policy.backoff(attempt - 1, &mut rng)).await;
                continue;
            }
            Err(error) => {
                return Err(Error::new(
                    ErrorCode::Network,
                    "Microsoft's service could not be reached. Check the connection and try again.",
                )
                .with_details(error.without_url().to_string()))
            }
        };
        let status = response.status().as_u16();
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let location = header("location");
        let wait = retry_after(header("retry-after").as_deref());
        let bytes = response.bytes().await.map(|b| b.to_vec()).unwrap_or_default();
        let body = || serde_json::from_slice::<Value>(&bytes).unwrap_or(Value::Null);
        match status {
            301 | 302 | 303 | 307 | 308 => {
                return location
                    .map(Report::At)
                    .ok_or_else(|| unreadable("a report redirect without a location", status))
            }
            200 => return Ok(Report::Here(bytes)),
            401 if renewals < MAX_RENEWALS => {
                renewals += 1;
                token = session.renew_after_rejection(&token).await?;
            }
            403 => return Ok(Report::NotPermitted),
            429 | 503 | 504 if attempt < REPORT_ATTEMPTS => {
                let wait = wait.unwrap_or_else(|| policy.backoff(attempt - 1, &mut rng));
                tokio::time::sleep(wait.min(Duration::from_secs(120))).await;
            }
            _ => return Err(GraphFailure::from_body(status, &body(), &client_request_id).into_error()),
        }
    }
}

/// Downloads the report from its link, with no `Authorization`: the link
/// is the credential, and it leads to another host than Graph's. Only
/// HTTPS (plain HTTP only for a local tenant).
async fn download(client: &GraphClient, link: &str) -> Result<Vec<u8>, Error> {
    let endpoints = &client.session().target().endpoints;
    let http = endpoints.http_client()?;
    let mut url = link.to_owned();
    for _ in 0..=DOWNLOAD_HOPS {
        let parsed = url::Url::parse(&url).map_err(|e| unreadable("a report link", e))?;
        let allowed = parsed.scheme() == "https" || (endpoints.local && parsed.scheme() == "http");
        if !allowed {
            return Err(Error::new(
                ErrorCode::GraphRequestFailed,
                "Microsoft Graph sent the usage report to a link that is not secure, so License Desk did not download it.",
            )
            .with_details(format!("report link scheme {}", parsed.scheme())));
        }
        let response = http.get(parsed).send().await.map_err(|e| {
            Error::new(
                ErrorCode::Network,
                "The usage report could not be downloaded. Check the connection and try again.",
            )
            .with_details(e.without_url().to_string())
        })?;
        let status = response.status();
        if status.is_redirection() {
            url = response
                .headers()
                .get("location")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
                .ok_or_else(|| unreadable("a report redirect without a location", status))?;
            continue;
        }
        if !status.is_success() {
            return Err(Error::new(
                ErrorCode::GraphRequestFailed,
                "The usage report's download link did not work. Try again.",
            )
            .with_details(format!("HTTP {status} from the report link")));
        }
        return response.bytes().await.map(|b| b.to_vec()).map_err(|e| {
            Error::new(ErrorCode::Network, "The usage report was cut off. Try again.")
                .with_details(e.without_url().to_string())
        });
    }
    Err(Error::new(
        ErrorCode::GraphRequestFailed,
        "The usage report's download link kept pointing elsewhere, so License Desk stopped.",
    ))
}

/// Microsoft 365's active users report over `period_days` (7, 30, 90 or
/// 180), read: Graph's redirect followed to the download (without the
/// sign-in), the CSV parsed. A sign-in without Reports.Read.All is
/// `NotPermitted`; one with it whose admin's role may not read reports is
/// `RoleCannotRead`. Names count as concealed when the rows carry hashes; a
/// report of nobody takes the tenant's setting where this sign-in may read
/// it.
pub async fn read_usage_report(client: &GraphClient, period_days: u32) -> Result<Usage, Error> {
    if !USAGE_PERIODS.contains(&period_days) {
        return Err(Error::new(
            ErrorCode::InvalidInput,
            "The usage report covers 7, 30, 90 or 180 days.",
        )
        .with_details(format!("asked for {period_days} days")));
    }
    let mut attempt = 0;
    let bytes = loop {
        attempt += 1;
        let link = match locate_report(client, period_days).await? {
            // Refused with the permission granted: the role is missing.
            Report::NotPermitted if client.session().asks_for("Reports.Read.All").await => {
                return Ok(Usage::RoleCannotRead)
            }
            Report::NotPermitted => return Ok(Usage::NotPermitted),
            Report::Here(bytes) => break bytes,
            Report::At(link) => link,
        };
        // A link lives minutes and may work once: a failed download asks
        // Graph for a new one.
        match download(client, &link).await {
            Ok(bytes) => break bytes,
            Err(error) if attempt >= DOWNLOAD_ATTEMPTS => return Err(error),
            Err(_) => continue,
        }
    };
    let mut report = UsageReport::from_csv(&bytes, period_days).map_err(|e| {
        Error::new(
            ErrorCode::GraphRequestFailed,
            "Microsoft's usage report came in a form License Desk cannot read.",
        )
        .with_details(e.to_string())
    })?;
    if report.rows.is_empty() {
        // Settings are a hint only; the rows are what counts.
        report.concealed = read_report_settings(client).await.ok().flatten().unwrap_or(false);
    }
    Ok(Usage::Read(report))
}

/// Sign-ins and the usage report over `period_days`, read side by side,
/// ready for `TenantPicture::set_activity`. First the session asks, with
/// its refresh token, for the savings permissions it lacks
/// ([`crate::auth::Session::request_scopes`]); where that needs the admin
/// in a browser, the reading goes on without them and says `NotPermitted`
/// (the app can then ask for them interactively).
pub async fn load_activity(client: &GraphClient, period_days: u32) -> Result<ActivityRead, Error> {
    let session = client.session();
    match session.request_scopes(&session.target().savings_scopes()).await {
        Ok(()) | Err(ScopeError::InteractionRequired { .. }) => {}
        Err(ScopeError::Failed(error)) => return Err(error),
    }
    let (sign_ins, usage) = tokio::join!(read_sign_ins(client), read_usage_report(client, period_days));
    let SignInsRead { sign_ins, users } = sign_ins?;
    Ok(ActivityRead {
        activity: Activity {
            sign_ins,
            usage: usage?,
        },
        users,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_pages_only_from_where_the_first_came() {
        assert!(same_origin(
            "https://graph.microsoft.com/v1.0/users?$top=999",
            "https://graph.microsoft.com/v1.0/users?$skiptoken=x"
        )
        .is_ok());
        assert!(same_origin(
            "https://graph.microsoft.com/v1.0/users",
            "https://evil.example/v1.0/users?$skiptoken=x"
        )
        .is_err());
        assert!(same_origin("https://graph.microsoft.com/v1.0/users", "not a url").is_err());
    }
}
