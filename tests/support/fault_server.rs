//! A server in front of another that changes its answers: the faults the mock cannot inject
//! itself (a wrong content type, a malformed header, a resource that stays readable after its
//! delete or is not readable after its create, a server that accepts anything).
//!
//! It forwards each request unchanged to the upstream and hands the answer to a closure that
//! may change it, so each test states its fault in a few lines.

#![allow(dead_code)]

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use http_body_util::BodyExt;
use std::sync::Arc;

/// The request as the fault sees it.
#[derive(Debug, Clone)]
pub struct Seen {
    /// The method.
    pub method: String,
    /// The path, without the query.
    pub path: String,
}

/// The upstream's answer, which the fault may change.
#[derive(Debug, Clone)]
pub struct Answer {
    /// The status.
    pub status: u16,
    /// The headers.
    pub headers: HeaderMap,
    /// The body.
    pub body: Vec<u8>,
}

type Fault = dyn Fn(&Seen, &mut Answer) + Send + Sync;

struct Front {
    upstream: String,
    http: reqwest::Client,
    fault: Box<Fault>,
}

/// A running front server.
pub struct FaultServer {
    /// `http://ADDR`.
    pub base_url: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<()>,
}

impl FaultServer {
    /// Stops the server.
    pub async fn shutdown(mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        let _ = (&mut self.task).await;
    }
}

/// Starts a server in front of `upstream` whose answers go through `fault`.
pub async fn front(
    upstream: String,
    fault: impl Fn(&Seen, &mut Answer) + Send + Sync + 'static,
) -> FaultServer {
    let state = Arc::new(Front {
        upstream,
        http: reqwest::Client::new(),
        fault: Box::new(fault),
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base_url = format!("http://{}", listener.local_addr().unwrap());
    let app = axum::Router::new().fallback(handle).with_state(state);
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = rx.await;
            })
            .await;
    });
    FaultServer {
        base_url,
        stop: Some(tx),
        task,
    }
}

async fn handle(State(front): State<Arc<Front>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let body = body.collect().await.unwrap().to_bytes();
    let seen = Seen {
        method: parts.method.as_str().to_owned(),
        path: parts.uri.path().to_owned(),
    };
    let url = format!(
        "{}{}",
        front.upstream,
        parts
            .uri
            .path_and_query()
            .map(|p| p.as_str())
            .unwrap_or("/")
    );
    let mut request = front.http.request(parts.method.clone(), &url).body(body);
    for (k, v) in parts.headers.iter() {
        if k != "host" && k != "content-length" {
            request = request.header(k, v);
        }
    }
    let response = request.send().await.unwrap();
    let mut answer = Answer {
        status: response.status().as_u16(),
        headers: response.headers().clone(),
        body: Vec::new(),
    };
    answer.body = response.bytes().await.unwrap().to_vec();
    (front.fault)(&seen, &mut answer);
    let mut out = Response::new(Body::from(answer.body));
    *out.status_mut() = StatusCode::from_u16(answer.status).unwrap();
    for (k, v) in answer.headers.iter() {
        if k != "content-length" && k != "transfer-encoding" {
            out.headers_mut().append(k, v.clone());
        }
    }
    out
}
