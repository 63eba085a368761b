//! Every Graph request goes through [`GraphClient::send`], under one retry
//! policy, with a `client-request-id` kept with any error for support.

use std::sync::Arc;
use std::time::{Duration, Instant};

use license_desk_core::{Error, ErrorCode};
use rand::{rngs::StdRng, SeedableRng};
use serde::de::DeserializeOwned;
use serde_json::{json, Value};
use uuid::Uuid;

use crate::auth::Session;
use crate::failure::GraphFailure;
use crate::retry::{retry_after, RetryPolicy};

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
    /// with their status; transport trouble comes back as [`Error`].
    pub async fn send(&self, request: &Request) -> Result<Answer, Error> {
        let started = Instant::now();
        let deadline = started + self.policy.max_elapsed;
        let mut token = self.session.access_token().await?;
        let mut renewed = false;
        let mut attempt = 0u32;
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
            let wait = match builder.send().await {
                Err(error) => {
                    // Never sent: always safe to try again. Sent and lost:
                    // only a read may be repeated; a change may have happened.
                    if !error.is_connect() && !request.repeatable {
                        return Err(Error::new(
                            ErrorCode::OutcomeUnknown,
                            "The connection to Microsoft broke after a change was sent. It may or may not have been made; License Desk checks before sending it again.",
                        )
                        .with_details(format!("{} (client-request-id {client_request_id})", error.without_url())));
                    }
                    let wait = self.policy.backoff(attempt, &mut rng);
                    if Instant::now() + wait > deadline {
                        return Err(Error::new(
                            ErrorCode::Network,
                            "Microsoft's service could not be reached. Check the connection and try again.",
                        )
                        .with_details(error.without_url().to_string()));
                    }
                    wait
                }
                Ok(response) => {
                    let status = response.status().as_u16();
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
                            let wait = self.policy.backoff(attempt, &mut rng);
                            if Instant::now() + wait > deadline {
                                return Err(Error::new(ErrorCode::Network, "The answer from Microsoft was cut off.")
                                    .with_details(error.without_url().to_string()));
                            }
                            tokio::time::sleep(wait).await;
                            attempt += 1;
                            continue;
                        }
                        Err(error) => {
                            return Err(Error::new(ErrorCode::OutcomeUnknown, "The answer to a change was cut off. License Desk checks whether it was made before sending it again.")
                                .with_details(format!("{} (client-request-id {client_request_id})", error.without_url())))
                        }
                    };
                    match status {
                        401 if !renewed => {
                            renewed = true;
                            token = self.session.renew_after_rejection(&token).await?;
                            continue;
                        }
                        401 => {
                            let failure = GraphFailure::from_body(status, &body, &client_request_id);
                            return Err(Error::new(
                                ErrorCode::SignedOut,
                                "Microsoft no longer accepts this sign-in. Sign in again.",
                            )
                            .with_details(failure.message));
                        }
                        429 => {
                            let wait = header_wait.unwrap_or(Duration::from_secs(1));
                            if Instant::now() + wait > deadline {
                                return Err(
                                    GraphFailure::from_body(status, &body, &client_request_id).into_error()
                                );
                            }
                            self.throttled(wait);
                            wait
                        }
                        503 | 504 => {
                            let wait = header_wait.unwrap_or_else(|| self.policy.backoff(attempt, &mut rng));
                            if Instant::now() + wait > deadline {
                                return Err(
                                    GraphFailure::from_body(status, &body, &client_request_id).into_error()
                                );
                            }
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
            attempt += 1;
        }
    }

    /// Sends and wants a success; any error answer becomes an [`Error`].
    pub async fn send_ok(&self, request: &Request) -> Result<Value, Error> {
        let answer = self.send(request).await?;
        if (200..300).contains(&answer.status) {
            Ok(answer.body)
        } else {
            Err(GraphFailure::from_body(answer.status, &answer.body, &answer.client_request_id).into_error())
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
                    request = Request {
                        path: link,
                        ..request
                    }
                }
                None => return Ok(items),
            }
        }
    }

    /// Sends up to 20 requests as one `$batch` and answers each in the
    /// order given. Inner 429s wait their own `Retry-After` and inner
    /// 503/504s back off; only those requests are sent again.
    pub async fn batch(&self, requests: &[Request]) -> Result<Vec<Answer>, Error> {
        assert!(requests.len() <= 20, "a batch holds at most 20 requests");
        let started = Instant::now();
        let deadline = started + self.policy.max_elapsed;
        let mut answers: Vec<Option<Answer>> = vec![None; requests.len()];
        let mut attempt = 0u32;
        let mut rng = rng();
        loop {
            let pending: Vec<usize> = (0..requests.len()).filter(|i| answers[*i].is_none()).collect();
            if pending.is_empty() {
                return Ok(answers.into_iter().flatten().collect());
            }
            let body = json!({"requests": pending.iter().map(|&i| {
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
            }).collect::<Vec<_>>()});
            let outer = Request {
                // A batch of reads may be resent whole; one with changes may not.
                repeatable: pending.iter().all(|&i| requests[i].repeatable),
                ..Request::post("/$batch", body)
            };
            let outer_answer = self.send(&outer).await?;
            if outer_answer.status != 200 {
                return Err(GraphFailure::from_body(
                    outer_answer.status,
                    &outer_answer.body,
                    &outer_answer.client_request_id,
                )
                .into_error());
            }
            let mut longest_wait = Duration::ZERO;
            let mut backoff_needed = false;
            for response in outer_answer.body["responses"]
                .as_array()
                .map(Vec::as_slice)
                .unwrap_or_default()
            {
                let Some(index) = response["id"].as_str().and_then(|id| id.parse::<usize>().ok()) else {
                    continue;
                };
                if index >= requests.len() {
                    continue;
                }
                let status = response["status"].as_u64().unwrap_or(0) as u16;
                let header = |name: &str| {
                    response["headers"]
                        .as_object()
                        .and_then(|h| h.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)))
                        .and_then(|(_, v)| v.as_str())
                };
                match status {
                    429 => {
                        longest_wait = longest_wait
                            .max(retry_after(header("retry-after")).unwrap_or(Duration::from_secs(1)))
                    }
                    503 | 504 => match retry_after(header("retry-after")) {
                        Some(wait) => longest_wait = longest_wait.max(wait),
                        None => backoff_needed = true,
                    },
                    _ => {
                        answers[index] = Some(Answer {
                            status,
                            body: response["body"].clone(),
                            client_request_id: header("client-request-id")
                                .unwrap_or(&outer_answer.client_request_id)
                                .to_owned(),
                        })
                    }
                }
            }
            if answers.iter().all(Option::is_some) {
                continue;
            }
            let mut wait = longest_wait;
            if backoff_needed {
                wait = wait.max(self.policy.backoff(attempt, &mut rng));
            }
            if Instant::now() + wait > deadline {
                return Err(Error::new(ErrorCode::Throttled, "Microsoft's service kept refusing part of a batch past License Desk's time limit. Try again in a few minutes."));
            }
            if !longest_wait.is_zero() {
                self.throttled(longest_wait);
            }
            tokio::time::sleep(wait).await;
            attempt += 1;
        }
    }
}

fn unreadable(error: serde_json::Error) -> Error {
    Error::new(
        ErrorCode::GraphRequestFailed,
        "Microsoft Graph sent an answer License Desk cannot read.",
    )
    .with_details(error.to_string())
}
