//! The validating proxy: it stands between a client and a server (a vendor's sandbox, or the
//! mock), forwards every request and answer untouched, and checks both against the spec.
//!
//! A team's own integration tests pointed at the proxy instead of the sandbox double as
//! contract checks: each request is checked by the mock's rules ([`request`]) and each answer by
//! the contract runner's ([`crate::contract::checks`]), and every violation is logged once, with
//! its pointer, the first time it is seen (repeats are counted, not repeated). When the proxy is
//! stopped it hands back the same [`Report`] the runner makes (and writes its text, JUnit and
//! JSON forms where [`ProxyOptions`] says).
//!
//! Nothing is changed on the way through: credentials and request signatures reach the
//! upstream byte for byte (only hop-by-hop headers are dropped, as any proxy must), and the
//! client gets the upstream's status, headers and body, faults included. The report shows
//! credentials by name (`$TOKEN`), never their value. An upstream that cannot be reached is
//! answered 502 and recorded as a failing `transport` check.

pub mod request;

use crate::contract::send::{Answer, answer_parts, body_text, curl, read_limited};
use crate::contract::{Check, Exchange, Report, checks, operation_name};
use crate::mock::router::{Found, Router};
use crate::synth::Synth;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderName, StatusCode, header};
use axum::response::Response;
use http_body_util::{BodyExt, Limited};
use specgen_ir::ir::{Api, AuthKind, ParamLocation};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// How to run the proxy.
#[derive(Debug, Clone)]
pub struct ProxyOptions {
    /// How long to wait for the upstream's answer.
    pub timeout: Duration,
    /// The largest body forwarded either way, in bytes: a larger request gets 413, a larger
    /// answer 502.
    pub body_limit: usize,
    /// Print each new violation to stderr as it is seen.
    pub log: bool,
    /// Allow listening on an address other than loopback.
    pub allow_non_loopback: bool,
    /// How reproductions name the credential (`--token-env`): `$SANDBOX_TOKEN`.
    pub token_env: Option<String>,
    /// Write the JUnit XML here when stopped (`--junit`).
    pub junit: Option<PathBuf>,
    /// Write the JSON report here when stopped (`--report`).
    pub report: Option<PathBuf>,
}

impl Default for ProxyOptions {
    fn default() -> Self {
        ProxyOptions {
            timeout: Duration::from_secs(30),
            body_limit: 16 * 1024 * 1024,
            log: true,
            allow_non_loopback: false,
            token_env: None,
            junit: None,
            report: None,
        }
    }
}

/// A running proxy.
#[derive(Debug)]
pub struct ProxyServer {
    addr: SocketAddr,
    shutdown: Option<oneshot::Sender<()>>,
    task: JoinHandle<std::io::Result<()>>,
    shared: Arc<Shared>,
}

struct Entry {
    api: Api,
    synth: Synth,
}

/// What the proxy has seen so far.
#[derive(Default)]
struct Log {
    report: Report,
    /// (operation, check, failures) → the check's index, so a repeat is counted.
    seen: HashMap<(String, String, Vec<String>), usize>,
}

struct Shared {
    apis: Vec<Entry>,
    router: Router,
    upstream: String,
    http: reqwest::Client,
    options: ProxyOptions,
    log: Mutex<Log>,
}

impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shared")
            .field("upstream", &self.upstream)
            .finish_non_exhaustive()
    }
}

impl ProxyServer {
    /// The address the proxy listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://ADDR`, for a client's base URL.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The report so far.
    pub fn report(&self) -> Report {
        self.shared.lock().report.clone()
    }

    /// Waits until the proxy stops by itself (it does not, short of an I/O error); dropping the
    /// future leaves it running, so it can be raced against a signal and then shut down.
    pub async fn wait(&mut self) -> std::io::Result<()> {
        (&mut self.task)
            .await
            .map_err(|e| std::io::Error::other(e.to_string()))?
    }

    /// Stops accepting requests, lets those in flight finish, writes the reports the options
    /// name, and returns the report.
    pub async fn shutdown(mut self) -> std::io::Result<Report> {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        (&mut self.task)
            .await
            .map_err(|e| std::io::Error::other(e.to_string()))??;
        let report = self.report();
        if let Some(path) = &self.shared.options.junit {
            std::fs::write(path, report.junit())?;
        }
        if let Some(path) = &self.shared.options.report {
            std::fs::write(path, report.json())?;
        }
        Ok(report)
    }
}

impl Shared {
    fn lock(&self) -> std::sync::MutexGuard<'_, Log> {
        self.log.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Starts a proxy on `addr` that forwards to `upstream` and checks traffic against `apis`.
pub async fn serve(
    apis: Vec<Api>,
    upstream: &str,
    addr: SocketAddr,
    options: ProxyOptions,
) -> std::io::Result<ProxyServer> {
    if !addr.ip().is_loopback() && !options.allow_non_loopback {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            format!(
                "refusing to listen on {addr}: the proxy listens on loopback only unless told otherwise"
            ),
        ));
    }
    let url = reqwest::Url::parse(upstream).map_err(|e| {
        std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            format!("the upstream `{upstream}` is not a URL: {e}"),
        )
    })?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            format!("the upstream `{upstream}` must start with http:// or https://"),
        ));
    }
    let mut router = Router::default();
    for (ai, api) in apis.iter().enumerate() {
        for (oi, op) in api.operations.iter().enumerate() {
            router.add((ai, oi), op.method, &op.path);
        }
    }
    let module = apis
        .iter()
        .map(|a| a.module.as_str())
        .collect::<Vec<_>>()
        .join("+");
    let http = reqwest::Client::builder()
        .timeout(options.timeout)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(std::io::Error::other)?;
    let shared = Arc::new(Shared {
        apis: apis
            .into_iter()
            .map(|api| Entry {
                synth: Synth::new(&api),
                api,
            })
            .collect(),
        router,
        upstream: upstream.trim_end_matches('/').to_owned(),
        http,
        options,
        log: Mutex::new(Log {
            report: Report {
                module: format!("proxy {module}"),
                ..Report::default()
            },
            seen: HashMap::new(),
        }),
    });
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let addr = listener.local_addr()?;
    let app = axum::Router::new()
        .fallback(handle)
        .with_state(shared.clone());
    let (tx, rx) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = rx.await;
            })
            .await
    });
    Ok(ProxyServer {
        addr,
        shutdown: Some(tx),
        task,
        shared,
    })
}

/// Headers that belong to one connection, not to the message (RFC 9110 §7.6.1), plus the ones
/// the client library sets from the body it sends.
fn hop_by_hop(name: &HeaderName) -> bool {
    matches!(
        name.as_str(),
        "connection"
            | "keep-alive"
            | "proxy-connection"
            | "transfer-encoding"
            | "te"
            | "trailer"
            | "upgrade"
            | "host"
            | "content-length"
    )
}

fn plain(status: u16, message: &str) -> Response {
    let mut r = Response::new(Body::from(
        serde_json::json!({ "message": message }).to_string(),
    ));
    *r.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_GATEWAY);
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("application/json"),
    );
    r
}

/// One request through the proxy.
struct Traffic {
    method: String,
    path_and_query: String,
    headers: HeaderMap,
    body: bytes::Bytes,
}

async fn handle(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let limit = shared.options.body_limit;
    let body = match Limited::new(body, limit).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(e) => {
            return plain(
                413,
                &format!("the request body could not be read within {limit} bytes: {e}"),
            );
        }
    };
    let traffic = Traffic {
        method: parts.method.as_str().to_owned(),
        path_and_query: parts
            .uri
            .path_and_query()
            .map(|p| p.as_str().to_owned())
            .unwrap_or_else(|| "/".into()),
        headers: parts.headers,
        body,
    };
    let started = Instant::now();
    let answer = forward(&shared, &traffic).await;
    let elapsed_ms = started.elapsed().as_secs_f64() * 1000.0;
    record(
        &shared,
        &traffic,
        parts.uri.path(),
        parts.uri.query(),
        &answer,
        elapsed_ms,
    );
    match answer {
        Err(e) => plain(502, &format!("the upstream did not answer: {e}")),
        Ok(a) => {
            let mut response = Response::new(Body::from(a.body));
            *response.status_mut() =
                StatusCode::from_u16(a.status).unwrap_or(StatusCode::BAD_GATEWAY);
            for (name, value) in a.headers.iter().filter(|(n, _)| !hop_by_hop(n)) {
                response.headers_mut().append(name.clone(), value.clone());
            }
            response
        }
    }
}

async fn forward(shared: &Shared, traffic: &Traffic) -> Result<Answer, String> {
    let url = format!("{}{}", shared.upstream, traffic.path_and_query);
    let method =
        reqwest::Method::from_bytes(traffic.method.as_bytes()).map_err(|e| e.to_string())?;
    let mut request = shared.http.request(method, &url);
    for (name, value) in traffic.headers.iter().filter(|(n, _)| !hop_by_hop(n)) {
        request = request.header(name, value);
    }
    let response = request
        .body(traffic.body.clone())
        .send()
        .await
        .map_err(|e| format!("{} {url}: {e}", traffic.method))?;
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = read_limited(response, shared.options.body_limit).await?;
    Ok(Answer {
        status,
        headers,
        body,
    })
}

/// Header names whose values are secrets in `api`: `Authorization`, cookies, API-key headers.
fn secret_headers(api: Option<&Api>) -> Vec<String> {
    let mut names = vec![
        "authorization".to_owned(),
        "proxy-authorization".to_owned(),
        "cookie".to_owned(),
    ];
    for scheme in api
        .map(|a| a.security_schemes.as_slice())
        .unwrap_or_default()
    {
        if let AuthKind::ApiKey {
            location: ParamLocation::Header,
            name,
        } = &scheme.kind
        {
            names.push(name.to_ascii_lowercase());
        }
    }
    names
}

fn exchange(
    shared: &Shared,
    traffic: &Traffic,
    api: Option<&Api>,
    operation: &str,
    answer: &Result<Answer, String>,
    elapsed_ms: f64,
) -> Exchange {
    let shown = format!(
        "${}",
        shared.options.token_env.as_deref().unwrap_or("TOKEN")
    );
    let secrets = secret_headers(api);
    let request_headers: Vec<(String, String)> = traffic
        .headers
        .iter()
        .filter(|(n, _)| !hop_by_hop(n))
        .map(|(n, v)| {
            let text = String::from_utf8_lossy(v.as_bytes()).into_owned();
            let value = if !secrets.contains(&n.as_str().to_owned()) {
                text
            } else if let Some((scheme, _)) = text.split_once(' ') {
                format!("{scheme} {shown}")
            } else {
                shown.clone()
            };
            (n.as_str().to_owned(), value)
        })
        .collect();
    let url = format!("{}{}", shared.upstream, traffic.path_and_query);
    let body = (!traffic.body.is_empty()).then_some(&traffic.body[..]);
    let (status, response_headers, response_body, error) = answer_parts(answer);
    Exchange {
        operation: operation.to_owned(),
        case: "proxied".into(),
        method: traffic.method.clone(),
        curl: curl(&traffic.method, &url, &request_headers, body, Some(&shown)),
        url,
        request_headers,
        request_body: body.map(body_text).unwrap_or_default(),
        status,
        response_headers,
        response_body,
        elapsed_ms,
        error,
    }
}

/// Checks one request and its answer, and records each result once.
fn record(
    shared: &Shared,
    traffic: &Traffic,
    path: &str,
    query: Option<&str>,
    answer: &Result<Answer, String>,
    elapsed_ms: f64,
) {
    let mut found = Vec::new();
    let (api, operation) = match shared.router.find(&traffic.method, path) {
        Found::Operation((ai, oi), params) => {
            let entry = &shared.apis[ai];
            let op = &entry.api.operations[oi];
            let name = operation_name(op);
            let problems = request::violations(
                entry.synth.validator(),
                op,
                &params,
                query,
                &traffic.headers,
                &traffic.body,
            );
            let detail = if problems.is_empty() {
                "the request conforms".to_owned()
            } else {
                format!("the request breaks the spec in {} place(s)", problems.len())
            };
            found.push(Check::new(
                &name, "proxied", "request", detail, problems, None,
            ));
            checks::check_answer(&entry.synth, op, &name, "proxied", answer, None, &mut found);
            (Some(&entry.api), name)
        }
        Found::BadPath(reason) => {
            let name = format!("{} {path}", traffic.method);
            found.push(Check::new(
                &name,
                "proxied",
                "request",
                "the path does not decode".into(),
                vec![format!("the request path is not valid: {reason}")],
                None,
            ));
            (None, name)
        }
        Found::NotFound | Found::MethodNotAllowed(_) => {
            let name = format!("{} {path}", traffic.method);
            found.push(Check::new(
                &name,
                "proxied",
                "request",
                "no operation of the spec".into(),
                vec![format!(
                    "the spec has no operation {} {path}",
                    traffic.method
                )],
                None,
            ));
            (None, name)
        }
    };
    let mut log = shared.lock();
    // The exchange is kept once per request, and only when it shows something new.
    let mut kept: Option<usize> = None;
    for mut check in found {
        let key = (
            check.operation.clone(),
            check.name.clone(),
            check.failures.clone(),
        );
        if let Some(&i) = log.seen.get(&key) {
            log.report.checks[i].occurrences += 1;
            continue;
        }
        let index = *kept.get_or_insert_with(|| {
            let ex = exchange(shared, traffic, api, &operation, answer, elapsed_ms);
            log.report.exchanges.push(ex);
            log.report.exchanges.len() - 1
        });
        check.exchange = Some(index);
        if shared.options.log && check.failed() {
            for f in &check.failures {
                eprintln!("proxy: FAIL {} {}: {f}", check.operation, check.name);
            }
        }
        let index = log.report.checks.len();
        log.report.checks.push(check);
        log.seen.insert(key, index);
    }
}
