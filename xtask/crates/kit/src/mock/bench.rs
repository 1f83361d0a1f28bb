//! A bounded loopback load generator, for `cargo xtask bench-mock` (a benchmark, never a test).
//!
//! It sends one fixed POST request over a fixed number of keep-alive HTTP/1.1 connections until
//! a fixed number of requests is done or a time limit passes, whichever comes first, and stops by
//! itself. It only ever connects to a loopback address: the load is for servers on this machine.
//! It speaks HTTP through hyper's connection API directly, so the client costs as little CPU as
//! possible and the figure measures the server.

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::Request;
use hyper_util::rt::TokioIo;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// The load to apply.
#[derive(Debug, Clone)]
pub struct Load {
    /// The server; must be a loopback address.
    pub addr: SocketAddr,
    /// The request path (with query, if any).
    pub path: String,
    /// Request headers besides `Host`, `Content-Type` and `Content-Length`.
    pub headers: Vec<(String, String)>,
    /// A header whose value is a fresh UUID v4 per request (an idempotency key), if any.
    pub fresh_uuid_header: Option<String>,
    /// The JSON body.
    pub body: Bytes,
    /// Concurrent connections.
    pub concurrency: usize,
    /// Requests in total.
    pub requests: usize,
    /// Stop after this long even if requests remain.
    pub max_duration: Duration,
}

/// What a load run measured.
#[derive(Debug, Clone)]
pub struct Measurement {
    /// Requests answered.
    pub completed: usize,
    /// Of those, answered with a 2xx status.
    pub succeeded: usize,
    /// Wall time.
    pub elapsed: Duration,
}

impl Measurement {
    /// Answered requests per second.
    pub fn requests_per_second(&self) -> f64 {
        self.completed as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
}

/// Runs `load` and measures it. Errors when the address is not loopback or no connection opens.
pub async fn run(load: &Load) -> Result<Measurement, String> {
    if !load.addr.ip().is_loopback() {
        return Err(format!(
            "refusing to load {}: the benchmark only targets loopback addresses",
            load.addr
        ));
    }
    let remaining = Arc::new(AtomicUsize::new(load.requests));
    let completed = Arc::new(AtomicUsize::new(0));
    let succeeded = Arc::new(AtomicUsize::new(0));
    let deadline = Instant::now() + load.max_duration;
    let start = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..load.concurrency.max(1) {
        let load = load.clone();
        let (remaining, completed, succeeded) =
            (remaining.clone(), completed.clone(), succeeded.clone());
        tasks.push(tokio::spawn(async move {
            let stream = tokio::net::TcpStream::connect(load.addr)
                .await
                .map_err(|e| format!("connect {}: {e}", load.addr))?;
            let _ = stream.set_nodelay(true);
            let (mut sender, connection) =
                hyper::client::conn::http1::handshake(TokioIo::new(stream))
                    .await
                    .map_err(|e| e.to_string())?;
            tokio::spawn(connection);
            let host = load.addr.to_string();
            loop {
                if Instant::now() > deadline {
                    break;
                }
                // Claim one request of the fixed total; stop when none are left.
                if remaining
                    .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| n.checked_sub(1))
                    .is_err()
                {
                    break;
                }
                let mut builder = Request::post(load.path.as_str())
                    .header("host", host.as_str())
                    .header("content-type", "application/json")
                    .header("content-length", load.body.len());
                for (k, v) in &load.headers {
                    builder = builder.header(k.as_str(), v.as_str());
                }
                if let Some(h) = &load.fresh_uuid_header {
                    builder = builder.header(h.as_str(), uuid::Uuid::new_v4().to_string());
                }
                let request = builder
                    .body(Full::new(load.body.clone()))
                    .map_err(|e| e.to_string())?;
                sender.ready().await.map_err(|e| e.to_string())?;
                let response = sender
                    .send_request(request)
                    .await
                    .map_err(|e| e.to_string())?;
                let ok = response.status().is_success();
                response
                    .into_body()
                    .collect()
                    .await
                    .map_err(|e| e.to_string())?;
                completed.fetch_add(1, Ordering::Relaxed);
                if ok {
                    succeeded.fetch_add(1, Ordering::Relaxed);
                }
            }
            Ok::<(), String>(())
        }));
    }
    let mut errors = Vec::new();
    for t in tasks {
        match t.await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => errors.push(e),
            Err(e) => errors.push(e.to_string()),
        }
    }
    let elapsed = start.elapsed();
    let completed = completed.load(Ordering::Relaxed);
    if completed == 0 {
        return Err(format!("no request completed: {}", errors.join("; ")));
    }
    Ok(Measurement {
        completed,
        succeeded: succeeded.load(Ordering::Relaxed),
        elapsed,
    })
}

/// What `cargo xtask bench-mock` runs.
#[derive(Debug, Clone)]
pub struct BenchOptions {
    /// The spec both servers mock.
    pub spec: std::path::PathBuf,
    /// Requests per server.
    pub requests: usize,
    /// Concurrent connections.
    pub concurrency: usize,
    /// Time limit per server.
    pub max_duration: Duration,
    /// The npm prefix Prism is installed under (`.cache/prism`).
    pub prism_dir: std::path::PathBuf,
    /// Where to write the document Prism reads.
    pub scratch: std::path::PathBuf,
    /// The `xtask` executable, which serves our mock as a child process.
    pub xtask: std::path::PathBuf,
}

/// The two measurements.
#[derive(Debug, Clone)]
pub struct Comparison {
    /// The operation loaded (`POST /v1/partner/clients`).
    pub operation: String,
    /// Our mock.
    pub ours: Measurement,
    /// Prism.
    pub prism: Measurement,
}

/// A child process killed when dropped, so an early return never leaks a server.
struct Child(std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> Result<SocketAddr, String> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    listener.local_addr().map_err(|e| e.to_string())
}

async fn wait_until_listening(
    addr: SocketAddr,
    within: Duration,
    child: &mut Child,
) -> Result<(), String> {
    let deadline = Instant::now() + within;
    while Instant::now() < deadline {
        if tokio::net::TcpStream::connect(addr).await.is_ok() {
            return Ok(());
        }
        if let Ok(Some(status)) = child.0.try_wait() {
            return Err(format!("the server exited before listening ({status})"));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Err(format!("nothing listened on {addr} within {within:?}"))
}

/// Starts our mock and Prism on the same spec, applies the same POST load to each, and measures.
pub async fn compare_with_prism(options: &BenchOptions) -> Result<Comparison, String> {
    use crate::validate::Direction;
    use specgen_ir::ir::{BodyContent, Method, ParamLocation};

    let loaded = specgen_codegen::spec::load_spec(&options.spec)?;
    let api = &loaded.api;
    let document = loaded
        .document
        .as_ref()
        .ok_or("Prism needs an OpenAPI document; release notes have none")?;
    let synth = crate::synth::Synth::new(api);
    let op = api
        .operations
        .iter()
        .find(|o| {
            o.method == Method::Post
                && matches!(
                    o.body.as_ref().map(|b| &b.content),
                    Some(BodyContent::Json { .. })
                )
        })
        .ok_or("the spec has no POST operation with a JSON body")?;
    let Some(BodyContent::Json { ty, examples, .. }) = op.body.as_ref().map(|b| &b.content) else {
        unreachable!("checked above");
    };
    let body = synth.pick(ty, examples, Direction::Request);
    let mut path = op.path.clone();
    let mut headers = vec![("authorization".to_owned(), "Bearer bench".to_owned())];
    let mut fresh = None;
    for p in &op.params {
        let value = match synth.value_within(&p.ty, p.bounds.as_ref(), Direction::Request) {
            serde_json::Value::String(s) => s,
            other => other.to_string(),
        };
        match p.location {
            ParamLocation::Path => path = path.replace(&format!("{{{}}}", p.wire_name), &value),
            ParamLocation::Header if p.idempotency_key => fresh = Some(p.wire_name.clone()),
            ParamLocation::Header if p.required => headers.push((p.wire_name.clone(), value)),
            _ => {}
        }
    }

    std::fs::create_dir_all(&options.scratch).map_err(|e| e.to_string())?;
    let document_path = options.scratch.join(format!("{}.json", api.module));
    std::fs::write(
        &document_path,
        serde_json::to_vec_pretty(document).map_err(|e| e.to_string())?,
    )
    .map_err(|e| e.to_string())?;
    let prism_bin = options.prism_dir.join("node_modules/.bin/prism");
    if !prism_bin.exists() {
        return Err(format!(
            "Prism is not installed at {}; run `npm install --prefix {} @stoplight/prism-cli`",
            prism_bin.display(),
            options.prism_dir.display()
        ));
    }

    let load_for = |addr: SocketAddr, requests: usize| Load {
        addr,
        path: path.clone(),
        headers: headers.clone(),
        fresh_uuid_header: fresh.clone(),
        body: Bytes::from(serde_json::to_vec(&body).unwrap_or_default()),
        concurrency: options.concurrency,
        requests,
        max_duration: options.max_duration,
    };
    let warm_up = (options.requests / 10).max(100);

    let ours_addr = free_port()?;
    let mut ours = Child(
        std::process::Command::new(&options.xtask)
            .args(["mock", "--spec"])
            .arg(&options.spec)
            .args(["--addr", &ours_addr.to_string()])
            .stdout(std::process::Stdio::null())
            .spawn()
            .map_err(|e| format!("starting the mock: {e}"))?,
    );
    wait_until_listening(ours_addr, Duration::from_secs(30), &mut ours).await?;
    run(&load_for(ours_addr, warm_up)).await?;
    let ours_result = run(&load_for(ours_addr, options.requests)).await?;
    drop(ours);

    let prism_addr = free_port()?;
    let mut prism = Child(
        std::process::Command::new(&prism_bin)
            .args([
                "mock",
                "-h",
                "127.0.0.1",
                "-p",
                &prism_addr.port().to_string(),
            ])
            .arg(&document_path)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .map_err(|e| format!("starting Prism: {e}"))?,
    );
    wait_until_listening(prism_addr, Duration::from_secs(90), &mut prism).await?;
    run(&load_for(prism_addr, warm_up)).await?;
    let prism_result = run(&load_for(prism_addr, options.requests)).await?;
    drop(prism);

    Ok(Comparison {
        operation: format!("{} {}", op.method.as_str(), op.path),
        ours: ours_result,
        prism: prism_result,
    })
}
