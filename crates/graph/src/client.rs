//! Every Graph request goes through [`GraphClient::send`], under one retry
//! policy, with a `client-request-id` kept with any error for support.
//! Waits, retries and failures are logged with it; a request's query
//! (names searched for, paging tokens) and its token never are.

use std::sync::Arc;
use std::time::{Duration, Instant};

use license_desk_core::{Error, ErrorCode};
use rand::{rngs::StdRng, SeedableRng};
use serde::de::DeserializeOwned;
use serde_json::{json, Value};
use uuid::Uuid;

use crate::auth::Session;
use crate::failure::GraphFailure;
use crate::retry::{retry_after, RetryPolicy, MAX_ATTEMPTS, MAX_RENEWALS};

/// One Graph request.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: reqwest::Method,
    /// Relative to the Graph base (`/users?...`) or an absolute
    /// `@odata.nextLink`, followed exactly as given.
    pub path: String,
    pub body: Option<Value>,
    /// `ConsistencyLevel: eventual`, for advanced queries (every page).
    pub eventual: bool,
    /// Whether sending it twice can do no harm (reads, or a batch of reads).
    pub repeatable: bool,
}

impl Request {
    pub fn get(path: impl Into<String>) -> Self {
        Self {
            method: reqwest::Method::GET,
            path: path.into(),
            body: None,
            eventual: false,
            repeatable: true,
        }
    }

    pub fn post(path: impl Into<String>, body: Value) -> Self {
        Self {
            method: reqwest::Method::POST,
            path: path.into(),
            body: Some(body),
            eventual: false,
            repeatable: false,
        }
    }
}

/// What a request was answered, once the policy is done with it.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    pub body: Value,
    pub client_request_id: String,
}

/// Hears what the client notices while it works.
pub type Watcher = Arc<dyn Fn(Notice) + Send + Sync>;

/// Something a caller may watch: the client waiting on Microsoft's limit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Notice {
    Throttled { wait: Duration },
}

pub struct GraphClient {
    http: reqwest::Client,
    graph: String,
    session: Arc<Session>,
    policy: RetryPolicy,
    notices: std::sync::Mutex<Option<Watcher>>,
}

fn rng() -> StdRng {
    StdRng::from_entropy()
}

/// A request's path as the log shows it: without its query.
fn logged_path(path: &str) -> &str {
    path.split('?').next().unwrap_or_default()
}

impl GraphClient {
    pub fn new(session: Arc<Session>, policy: RetryPolicy) -> Result<Self, Error> {
        let endpoints = &session.target().endpoints;
        Ok(Self {
            http: endpoints.http_client()?,
            graph: endpoints.graph.clone(),
            session,
            policy,
            notices: std::sync::Mutex::new(None),
        })
    }

    /// Calls `watcher` whenever the client waits on a throttle (replacing
    /// any earlier one); `None` stops it.
    pub fn watch(&self, watcher: Option<Watcher>) {
        if let Ok(mut current) = self.notices.lock() {
            *current = watcher;
        }
    }

    pub fn session(&self) -> &Arc<Session> {
        &self.session
    }

    fn url(&self, path: &str) -> String {
        if path.starts_with("https://") || path.starts_with("http://") {
            path.to_owned()
        } else {
            format!("{}{}", self.graph, path)
        }
    }

    fn throttled(&self, wait: Duration) {
        let watcher = self.notices.lock().ok().and_then(|current| current.clone());
        if let Some(watch) = watcher {
            watch(Notice::Throttled { wait });
        }
    }

    /// Sends `request` until it is answered for good: success, or an
    /// error that retrying cannot mend. Errors come back as [`Answer`]s
    /// with their status; transport trouble comes back as [`Error`]. A
    /// change (`repeatable: false`) whose answer was lost, cut off or a
    /// 503/504 is never resent: it comes back as `OutcomeUnknown`.
    pub async fn send(&self, request: &Request) -> Result<Answer, Error> {
        self.send_until(request, Instant::now() + self.policy.max_elapsed)
            .await
    }

    /// Whether one more attempt fits: under the attempt cap, and its wait
    /// ends before `deadline`.
    fn may_retry(&self, sent: u32, wait: Duration, deadline: Instant) -> bool {
        sent < MAX_ATTEMPTS && Instant::now() + wait <= deadline
    }

    async fn send_until(&self, request: &Request, deadline: Instant) -> Result<Answer, Error> {
        let mut token = self.session.access_token().await?;
        let mut renewals = 0u32;
        let mut sent = 0u32;
        let mut rng = rng();
        loop {
            let client_request_id = Uuid::new_v4().to_string();
            let mut builder = self
                .http
                .request(request.method.clone(), self.url(&request.path))
                .bearer_auth(&token)
                .header("client-request-id", &client_request_id)
                .header("return-client-request-id", "true");
            if request.eventual {
                builder = builder.header("ConsistencyLevel", "eventual");
            }
            if let Some(body) = &request.body {
                builder = builder.json(body);
            }
            let outcome = builder.send().await;
            sent += 1;
            let method = request.method.as_str();
            let path = logged_path(&request.path);
            let wait = match outcome {
                Err(error) => {
                    let error = error.without_url();
                    tracing::warn!(
                        method,
                        path,
                        client_request_id,
                        attempt = sent,
                        "no answer from Microsoft Graph: {error}"
                    );
                    // Never sent: always safe to try again. Sent and lost:
                    // only a read may be repeated; a change may have happened.
                    if !error.is_connect() && !request.repeatable {
                        return Err(outcome_unknown(
                            "The connection to Microsoft broke after a change was sent.",
                            format!("{} (client-request-id {client_request_id})", error.without_url()),
                        ));
                    }
                    let wait = self.policy.backoff(sent - 1, &mut rng);
                    if !self.may_retry(sent, wait, deadline) {
                        tracing::error!(
                            method,
                            path,
                            client_request_id,
                            attempts = sent,
                            "giving up: Microsoft Graph could not be reached"
                        );
                        let error = error.without_url();
                        return Err(crate::endpoints::office_network_problem(&error).unwrap_or_else(|| {
                            Error::new(
                                ErrorCode::Network,
                                "Microsoft's service could not be reached. Check the connection and try again.",
                            )
                            .with_details(error.to_string())
                        }));
                    }
                    tracing::info!(
                        client_request_id,
                        wait_ms = wait.as_millis() as u64,
                        "trying again"
                    );
                    wait
                }
                Ok(response) => {
                    let status = response.status().as_u16();
                    tracing::debug!(
                        method,
                        path,
                        status,
                        client_request_id,
                        attempt = sent,
                        "answered"
                    );
                    let header_wait = retry_after(
                        response
                            .headers()
                            .get("retry-after")
                            .and_then(|v| v.to_str().ok()),
                    );
                    let body = match response.bytes().await {
                        Ok(bytes) if bytes.is_empty() => Value::Null,
                        Ok(bytes) => serde_json::from_slice(&bytes).unwrap_or(Value::Null),
                        Err(error) if request.repeatable => {
                            let error = error.without_url();
                            tracing::warn!(
                                method,
                                path,
                                status,
                                client_request_id,
                                "the answer was cut off: {error}"
                            );
                            let wait = self.policy.backoff(sent - 1, &mut rng);
                            if !self.may_retry(sent, wait, deadline) {
                                return Err(Error::new(
                                    ErrorCode::Network,
                                    "The answer from Microsoft was cut off.",
                                )
                                .with_details(error.without_url().to_string()));
                            }
                            tokio::time::sleep(wait).await;
                            continue;
                        }
                        Err(error) => {
                            let error = error.without_url();
                            tracing::warn!(
                                method,
                                path,
                                status,
                                client_request_id,
                                "the answer to a change was cut off: {error}"
                            );
                            return Err(outcome_unknown(
                                "The answer to a change was cut off.",
                                format!("{} (client-request-id {client_request_id})", error.without_url()),
                            ));
                        }
                    };
                    let failure = || GraphFailure::from_body(status, &body, &client_request_id).into_error();
                    match status {
                        401 if renewals < MAX_RENEWALS && sent < MAX_ATTEMPTS => {
                            tracing::info!(
                                method,
                                path,
                                client_request_id,
                                "the access token was refused (401): renewing it"
                            );
                            renewals += 1;
                            token = self.session.renew_after_rejection(&token).await?;
                            continue;
                        }
                        401 => {
                            tracing::warn!(
                                method,
                                path,
                                client_request_id,
                                "the access token was refused again (401): signed out"
                            );
                            return Err(Error::new(
                                ErrorCode::SignedOut,
                                "Microsoft no longer accepts this sign-in. Sign in again.",
                            )
                            .with_details(failure().details.unwrap_or_default()));
                        }
                        429 => {
                            let wait = header_wait.unwrap_or(Duration::from_secs(1));
                            if !self.may_retry(sent, wait, deadline) {
                                tracing::error!(
                                    method,
                                    path,
                                    client_request_id,
                                    attempts = sent,
                                    "giving up: still throttled (429)"
                                );
                                return Err(failure());
                            }
                            tracing::info!(
                                method,
                                path,
                                client_request_id,
                                wait_ms = wait.as_millis() as u64,
                                "throttled by Microsoft (429): waiting as asked"
                            );
                            self.throttled(wait);
                            wait
                        }
                        // A 503/504 does not say whether a change was made.
                        503 | 504 if !request.repeatable => {
                            tracing::warn!(
                                method,
                                path,
                                status,
                                client_request_id,
                                "a change was answered with a server error: its outcome is unknown"
                            );
                            return Err(outcome_unknown(
                                "Microsoft's service answered a change with a server error.",
                                failure().details.unwrap_or_default(),
                            ));
                        }
                        503 | 504 => {
                            let wait = header_wait.unwrap_or_else(|| self.policy.backoff(sent - 1, &mut rng));
                            if !self.may_retry(sent, wait, deadline) {
                                tracing::error!(
                                    method,
                                    path,
                                    status,
                                    client_request_id,
                                    attempts = sent,
                                    "giving up: Microsoft Graph kept failing"
                                );
                                return Err(failure());
                            }
                            tracing::warn!(
                                method,
                                path,
                                status,
                                client_request_id,
                                wait_ms = wait.as_millis() as u64,
                                "server error: trying again"
                            );
                            wait
                        }
                        _ => {
                            return Ok(Answer {
                                status,
                                body,
                                client_request_id,
                            })
                        }
                    }
                }
            };
            tokio::time::sleep(wait).await;
        }
    }

    /// Sends and wants a success; any error answer becomes an [`Error`].
    pub async fn send_ok(&self, request: &Request) -> Result<Value, Error> {
        let answer = self.send(request).await?;
        if (200..300).contains(&answer.status) {
            Ok(answer.body)
        } else {
            let failure = GraphFailure::from_body(answer.status, &answer.body, &answer.client_request_id);
            tracing::warn!(
                method = request.method.as_str(),
                path = logged_path(&request.path),
                status = answer.status,
                code = failure.code,
                client_request_id = answer.client_request_id,
                "Microsoft Graph refused: {}",
                failure.message
            );
            Err(failure.into_error())
        }
    }

    pub async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, Error> {
        let body = self.send_ok(&Request::get(path)).await?;
        serde_json::from_value(body).map_err(unreadable)
    }

    /// Every item of a collection, following `@odata.nextLink` exactly as
    /// given; `on_page` hears how many items have arrived so far, and the
    /// total when the first page carried `@odata.count`.
    pub async fn get_all<T: DeserializeOwned>(
        &self,
        first: Request,
        mut on_page: impl FnMut(usize, Option<usize>),
    ) -> Result<Vec<T>, Error> {
        let mut items = Vec::new();
        let mut total = None;
        let mut request = first;
        loop {
            let mut page = self.send_ok(&request).await?;
            let next = page
                .get("@odata.nextLink")
                .and_then(Value::as_str)
                .map(str::to_owned);
            if let Some(count) = page.get("@odata.count").and_then(Value::as_u64) {
                total = Some(count as usize);
            }
            if let Some(Value::Array(values)) = page.get_mut("value").map(Value::take) {
                items.reserve(values.len());
                for value in values {
                    items.push(serde_json::from_value(value).map_err(unreadable)?);
                }
            }
            on_page(items.len(), total);
            match next {
                Some(link) => {
                    self.check_same_origin(&request.path, &link)?;
                    request = Request {
                        path: link,
                        ..request
                    }
                }
                None => return Ok(items),
            }
        }
    }

    /// A next page is fetched with the access token, so only from the
    /// server (scheme, host and port) that named it.
    fn check_same_origin(&self, previous: &str, next: &str) -> Result<(), Error> {
        let origin = |path: &str| url::Url::parse(&self.url(path)).map(|url| url.origin());
        match (origin(previous), origin(next)) {
            (Ok(from), Ok(to)) if from == to => Ok(()),
            (_, to) => Err(Error::new(
                ErrorCode::GraphRequestFailed,
                "Microsoft Graph's answer sent the next page to another server, so License Desk stopped instead of sending your sign-in there. Try again; if it keeps happening, check for a proxy between this computer and Microsoft.",
            )
            .with_details(match to {
                Ok(origin) => format!("next page at {}", origin.ascii_serialization()),
                Err(error) => format!("next page link unreadable: {error}"),
            })),
        }
    }

    /// Sends up to 20 requests as one `$batch` and answers each in the
    /// order given. If the answer to any change is unknown (see
    /// [`GraphClient::batch_each`]) the whole batch is `OutcomeUnknown`:
    /// check the tenant before sending any of it again. Otherwise the first
    /// request that could not be answered decides the error.
    pub async fn batch(&self, requests: &[Request]) -> Result<Vec<Answer>, Error> {
        let outcomes = self.batch_each(requests).await;
        let unknown = outcomes.iter().find_map(|outcome| {
            outcome
                .as_ref()
                .err()
                .filter(|e| e.code == ErrorCode::OutcomeUnknown)
        });
        if let Some(unknown) = unknown {
            return Err(unknown.clone());
        }
        outcomes.into_iter().collect()
    }

    /// Sends up to 20 requests as one `$batch` and settles each on its own,
    /// in the order given. Inner 429s wait their own `Retry-After` and are
    /// sent again (Graph did not carry them out); so are reads answered
    /// 503/504 or not answered at all. A change answered 503/504, or not
    /// answered, is `Err(OutcomeUnknown)` and never resent; so is every
    /// change in a batch answered 503/504, cut off or not read as a batch.
    pub async fn batch_each(&self, requests: &[Request]) -> Vec<Result<Answer, Error>> {
        assert!(requests.len() <= 20, "a batch holds at most 20 requests");
        let deadline = Instant::now() + self.policy.max_elapsed;
        let mut settled: Vec<Option<Result<Answer, Error>>> = vec![None; requests.len()];
        // The last refusal of each request still waiting: what it gets if
        // it is never answered for good.
        let mut refused: Vec<Option<Error>> = vec![None; requests.len()];
        let mut rng = rng();
        let mut renewals = 0u32;
        for round in 1.. {
            let pending: Vec<usize> = (0..requests.len()).filter(|&i| settled[i].is_none()).collect();
            if pending.is_empty() {
                break;
            }
            let outer = Request {
                // A batch of reads may be resent whole; one with changes may not.
                repeatable: pending.iter().all(|&i| requests[i].repeatable),
                ..Request::post("/$batch", batch_body(requests, &pending))
            };
            // The token the batch goes with, to renew it if an inner request
            // finds it expired.
            let token = self.session.access_token().await.ok();
            let (responses, outer_request_id) = match self.send_until(&outer, deadline).await {
                Ok(answer) if answer.status == 200 => {
                    match answer.body.get("responses").and_then(Value::as_array) {
                        Some(responses) => (responses.clone(), answer.client_request_id),
                        None => {
                            let error = not_a_batch_answer(&answer, outer.repeatable);
                            settle_all(&mut settled, &pending, &error);
                            break;
                        }
                    }
                }
                Ok(answer) => {
                    let error =
                        GraphFailure::from_body(answer.status, &answer.body, &answer.client_request_id)
                            .into_error();
                    settle_all(&mut settled, &pending, &error);
                    break;
                }
                Err(error) => {
                    settle_all(&mut settled, &pending, &error);
                    break;
                }
            };
            let mut longest_throttle = Duration::ZERO;
            let mut server_wait = Duration::ZERO;
            let mut backoff_needed = false;
            let mut token_refused = false;
            let mut answered = vec![false; requests.len()];
            for response in &responses {
                let Some(index) = response["id"].as_str().and_then(|id| id.parse::<usize>().ok()) else {
                    continue;
                };
                if index >= requests.len() || settled[index].is_some() || answered[index] {
                    continue;
                }
                let Some(status) = response["status"].as_u64().and_then(|s| u16::try_from(s).ok()) else {
                    continue;
                };
                answered[index] = true;
                let header = |name: &str| {
                    response["headers"]
                        .as_object()
                        .and_then(|h| h.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)))
                        .and_then(|(_, v)| v.as_str())
                };
                let answer = Answer {
                    status,
                    body: response["body"].clone(),
                    client_request_id: header("client-request-id")
                        .unwrap_or(&outer_request_id)
                        .to_owned(),
                };
                let failure =
                    || GraphFailure::from_body(status, &answer.body, &answer.client_request_id).into_error();
                match status {
                    429 => {
                        longest_throttle = longest_throttle
                            .max(retry_after(header("retry-after")).unwrap_or(Duration::from_secs(1)));
                        refused[index] = Some(failure());
                    }
                    // An inner request whose token ran out was not carried
                    // out: renew the token and send it again, a change too.
                    401 if renewals < MAX_RENEWALS => {
                        token_refused = true;
                        refused[index] = Some(failure());
                    }
                    503 | 504 if !requests[index].repeatable => {
                        settled[index] = Some(Err(outcome_unknown(
                            "Microsoft's service answered a change in a batch with a server error.",
                            failure().details.unwrap_or_default(),
                        )));
                    }
                    503 | 504 => {
                        match retry_after(header("retry-after")) {
                            Some(wait) => server_wait = server_wait.max(wait),
                            None => backoff_needed = true,
                        }
                        refused[index] = Some(failure());
                    }
                    _ => settled[index] = Some(Ok(answer)),
                }
            }
            for &index in &pending {
                if answered[index] || settled[index].is_some() {
                    continue;
                }
                // Graph answers every request of a batch; one it left out may
                // or may not have been carried out.
                if requests[index].repeatable {
                    backoff_needed = true;
                    refused[index] = Some(no_answer_in_batch());
                } else {
                    settled[index] = Some(Err(outcome_unknown(
                        "Microsoft's answer to a batch left out a change.",
                        format!("request {index} of the batch had no answer"),
                    )));
                }
            }
            if token_refused {
                renewals += 1;
                if let Some(token) = &token {
                    if let Err(error) = self.session.renew_after_rejection(token).await {
                        for outcome in settled.iter_mut().filter(|o| o.is_none()) {
                            *outcome = Some(Err(error.clone()));
                        }
                        break;
                    }
                }
            }
            let mut wait = longest_throttle.max(server_wait);
            if backoff_needed {
                wait = wait.max(self.policy.backoff(round - 1, &mut rng));
            }
            let waiting = settled.iter().any(Option::is_none);
            if waiting {
                let again = settled.iter().filter(|outcome| outcome.is_none()).count();
                tracing::info!(
                    client_request_id = outer_request_id,
                    round,
                    again,
                    throttled = !longest_throttle.is_zero(),
                    wait_ms = wait.as_millis() as u64,
                    "a batch left requests to send again"
                );
            }
            if waiting && !self.may_retry(round, wait, deadline) {
                tracing::error!(
                    client_request_id = outer_request_id,
                    round,
                    "giving up on a batch's requests still unanswered"
                );
                for index in 0..requests.len() {
                    if settled[index].is_none() {
                        settled[index] = Some(Err(refused[index].take().unwrap_or_else(no_answer_in_batch)));
                    }
                }
                break;
            }
            if waiting {
                if !longest_throttle.is_zero() {
                    self.throttled(longest_throttle);
                }
                tokio::time::sleep(wait).await;
            }
        }
        settled
            .into_iter()
            .map(|outcome| outcome.unwrap_or_else(|| Err(no_answer_in_batch())))
            .collect()
    }
}

/// The `$batch` body for the `pending` requests, each with its index as id.
fn batch_body(requests: &[Request], pending: &[usize]) -> Value {
    json!({"requests": pending.iter().map(|&i| {
        let request = &requests[i];
        let mut item = json!({"id": i.to_string(), "method": request.method.as_str(), "url": request.path});
        let mut headers = serde_json::Map::new();
        if request.eventual {
            headers.insert("ConsistencyLevel".into(), json!("eventual"));
        }
        if let Some(body) = &request.body {
            headers.insert("Content-Type".into(), json!("application/json"));
            item["body"] = body.clone();
        }
        item["headers"] = Value::Object(headers);
        item
    }).collect::<Vec<_>>()})
}

fn settle_all(settled: &mut [Option<Result<Answer, Error>>], pending: &[usize], error: &Error) {
    for &index in pending {
        settled[index] = Some(Err(error.clone()));
    }
}

/// A change was sent and no answer says whether it was made.
fn outcome_unknown(what: &str, details: String) -> Error {
    Error::new(
        ErrorCode::OutcomeUnknown,
        format!("{what} It may or may not have been made; License Desk checks before sending it again."),
    )
    .with_details(details)
}

/// A 200 to `$batch` without `responses`: a proxy's page, or a broken answer.
fn not_a_batch_answer(answer: &Answer, only_reads: bool) -> Error {
    let details = format!(
        "HTTP 200 without \"responses\" (client-request-id {})",
        answer.client_request_id
    );
    if only_reads {
        Error::new(
            ErrorCode::GraphRequestFailed,
            "Something between this computer and Microsoft answered instead of Microsoft Graph. Try again; if it keeps happening, check the network's proxy.",
        )
        .with_details(details)
    } else {
        outcome_unknown(
            "Something between this computer and Microsoft answered a batch of changes instead of Microsoft Graph.",
            details,
        )
    }
}

fn no_answer_in_batch() -> Error {
    Error::new(
        ErrorCode::GraphRequestFailed,
        "Microsoft Graph kept leaving a request out of its answers. Try again in a few minutes.",
    )
}

fn unreadable(error: serde_json::Error) -> Error {
    Error::new(
        ErrorCode::GraphRequestFailed,
        "Microsoft Graph sent an answer License Desk cannot read.",
    )
    .with_details(error.to_string())
}
