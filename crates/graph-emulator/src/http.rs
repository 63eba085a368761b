//! A small HTTP server over hyper: HTTP/1.1 in plain text, HTTP/2 too over
//! TLS (as Microsoft Graph, to a client that offers it). It can also do
//! what the real service sometimes does to a client: drop a request
//! without an answer (the connection, over HTTP/1.1).

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::header::HeaderMap;
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio_rustls::TlsAcceptor;

/// A request, read whole.
pub struct Request {
    pub method: String,
    pub path: String,
    pub query: Vec<(String, String)>,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn query_value(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The body as `application/x-www-form-urlencoded` fields.
    pub fn form(&self) -> Vec<(String, String)> {
        url::form_urlencoded::parse(&self.body).into_owned().collect()
    }
}

#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn new(status: u16, content_type: &str, body: Vec<u8>) -> Self {
        Self {
            status,
            headers: vec![("Content-Type".to_owned(), content_type.to_owned())],
            body,
        }
    }

    pub fn json(status: u16, value: &serde_json::Value) -> Self {
        Self::new(
            status,
            "application/json; charset=utf-8",
            serde_json::to_vec(value).unwrap_or_default(),
        )
    }

    pub fn html(status: u16, text: String) -> Self {
        Self::new(status, "text/html; charset=utf-8", text.into_bytes())
    }

    pub fn redirect(location: &str) -> Self {
        let mut response = Self::new(302, "text/html; charset=utf-8", Vec::new());
        response
            .headers
            .push(("Location".to_owned(), location.to_owned()));
        response
    }

    pub fn with_header(mut self, name: &str, value: impl Into<String>) -> Self {
        self.headers.push((name.to_owned(), value.into()));
        self
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// What the server does with a request.
pub enum Outcome {
    Respond(Response),
    /// Close the connection without a word.
    Drop,
}

#[derive(Debug)]
struct DroppedOnPurpose;

impl std::fmt::Display for DroppedOnPurpose {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped on purpose")
    }
}

impl std::error::Error for DroppedOnPurpose {}

async fn read(request: hyper::Request<Incoming>) -> Option<Request> {
    let (parts, body) = request.into_parts();
    let body = body.collect().await.ok()?.to_bytes();
    let query = parts
        .uri
        .query()
        .map(|q| url::form_urlencoded::parse(q.as_bytes()).into_owned().collect())
        .unwrap_or_default();
    Some(Request {
        method: parts.method.as_str().to_owned(),
        path: parts.uri.path().to_owned(),
        query,
        headers: parts.headers,
        body,
    })
}

fn write(response: Response) -> hyper::Response<Full<Bytes>> {
    let mut builder = hyper::Response::builder().status(response.status);
    for (name, value) in &response.headers {
        builder = builder.header(name.as_str(), value.as_str());
    }
    builder
        .body(Full::new(Bytes::from(response.body)))
        .unwrap_or_else(|_| hyper::Response::new(Full::new(Bytes::new())))
}

/// Accepts connections until `stop` turns true, then closes them all.
pub async fn serve<H, F>(
    listener: TcpListener,
    tls: Option<TlsAcceptor>,
    handler: Arc<H>,
    mut stop: watch::Receiver<bool>,
) where
    H: Fn(Request, SocketAddr) -> F + Send + Sync + 'static,
    F: Future<Output = Outcome> + Send + 'static,
{
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(_) => continue,
            },
            _ = stop.changed() => return,
        };
        let handler = handler.clone();
        let tls = tls.clone();
        let mut stopped = stop.clone();
        tokio::spawn(async move {
            let service = service_fn(move |request: hyper::Request<Incoming>| {
                let handler = handler.clone();
                async move {
                    let Some(request) = read(request).await else {
                        return Err(DroppedOnPurpose);
                    };
                    match handler(request, peer).await {
                        Outcome::Respond(response) => Ok::<_, DroppedOnPurpose>(write(response)),
                        Outcome::Drop => Err(DroppedOnPurpose),
                    }
                }
            });
            let http = hyper::server::conn::http1::Builder::new();
            // A failed or dropped connection is the client's to notice.
            let connection = async {
                let _ = match tls {
                    Some(acceptor) => match acceptor.accept(stream).await {
                        Ok(stream) if stream.get_ref().1.alpn_protocol() == Some(b"h2") => {
                            hyper::server::conn::http2::Builder::new(TokioExecutor::new())
                                .serve_connection(TokioIo::new(stream), service)
                                .await
                        }
                        Ok(stream) => http.serve_connection(TokioIo::new(stream), service).await,
                        Err(_) => Ok(()),
                    },
                    None => http.serve_connection(TokioIo::new(stream), service).await,
                };
            };
            // A stopped emulator keeps no connection open: a client's next
            // request reaches whatever listens on the port then.
            tokio::select! {
                () = connection => {}
                _ = stopped.wait_for(|stopped| *stopped) => {}
            }
        });
    }
}
