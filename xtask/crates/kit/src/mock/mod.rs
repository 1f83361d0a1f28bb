//! A mock server generated from the IR: every operation routed, every request validated, every
//! answer a documented status with a body that conforms to the spec.
//!
//! [`serve`] starts it in-process (the tests do) and `cargo xtask mock` starts it from the command
//! line. Per request it: routes by method and path template (unknown path → 404, known path with
//! another method → 405); reads the body up to a limit (→ 413); checks credentials (→ the
//! documented 401), parameters and the body with [`crate::validate`] (→ malformed JSON 400,
//! violations the documented 400 or 422 listing every violation with its pointer); then answers
//! with the documented example for the chosen status, or one synthesised by [`crate::synth`].
//! `Prefer: code=409` (and `example=N`) choose another documented answer, as in Prism.
//!
//! With `stateful` on, [`sandbox`] layers the vendors' documented behaviour on top (duplicate
//! clients, the onboarding lifecycles, preauthorisation rules, idempotency keys), keyed by method
//! and path template so the same rules apply to whichever spec declares those endpoints. Its
//! state lives in bounded stores (a cap and an age limit), so a long run cannot exhaust memory.
//!
//! The server listens on loopback unless `allow_non_loopback` says otherwise: it is a test
//! double, and a test double reachable from the network is a hole. Connections that never finish
//! their request head, and keep-alive connections left idle, are closed after stated timeouts.
//!
//! The module is split by concern: [`conn`] accepts and times out connections, `prepare` builds
//! the per-operation answers once, `handler` checks a request, `respond` builds the answer.

pub mod bench;
pub mod conn;
pub(crate) mod handler;
mod multipart;
mod prepare;
mod respond;
pub mod router;
pub mod sandbox;

pub use respond::MockResponse;
use specgen_ir::ir::Api;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// A deliberate breach of the spec, for proving that the contract runner catches one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaultKind {
    /// Remove the first required property found in the response body.
    DropRequiredField,
    /// Replace the first enum value found in the response body with an undocumented one.
    CorruptEnum,
    /// Answer with a status the operation does not document (418).
    UndocumentedStatus,
}

/// A fault injected into every answer of one operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    /// The operation, by `operationId` or generated method name.
    pub operation: String,
    /// What to break.
    pub kind: FaultKind,
}

/// How to run the mock.
#[derive(Debug, Clone)]
pub struct MockOptions {
    /// Where to listen; port 0 picks a free port.
    pub addr: SocketAddr,
    /// Layer the documented sandbox behaviour (state, idempotency) over the generic mock.
    pub stateful: bool,
    /// The largest request body accepted, in bytes; larger ones get 413.
    pub body_limit: usize,
    /// Allow listening on an address other than loopback.
    pub allow_non_loopback: bool,
    /// Faults to inject (tests of the contract runner only).
    pub faults: Vec<Fault>,
    /// Check every answer against its documented schema before sending it, and answer 500 with
    /// the violations instead when it breaks the spec (for tests of the sandbox rules, whose
    /// answers put state into documented bodies).
    pub check_answers: bool,
    /// The shared secret to verify request signatures with, for specs that require them; without
    /// it only the signature header's presence is checked.
    pub signing_secret: Option<Vec<u8>>,
    /// The only bearer tokens, basic credentials or API keys accepted (`--token VALUE`,
    /// repeatable). Empty accepts any non-empty value, as a sandbox that issues tokens would.
    pub tokens: Vec<String>,
    /// How many records each sandbox store keeps (idempotency keys, clients, applications,
    /// preauthorisations, ...); the oldest is evicted first (`--store-cap`, default 100,000).
    pub store_cap: usize,
    /// How long a sandbox record lives after it was written (`--store-max-age-secs`, default
    /// 3,600 seconds); older ones are dropped as if never made.
    pub store_max_age: Duration,
    /// How long a client has to send a complete request head (`--head-timeout-secs`, default
    /// 10 seconds); a connection that takes longer is closed.
    pub head_timeout: Duration,
    /// How long a keep-alive connection may sit idle between requests (`--idle-timeout-secs`,
    /// default 30 seconds) before the server closes it.
    pub idle_timeout: Duration,
}

impl Default for MockOptions {
    fn default() -> Self {
        MockOptions {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            stateful: false,
            body_limit: 1024 * 1024,
            allow_non_loopback: false,
            faults: Vec::new(),
            check_answers: false,
            signing_secret: None,
            tokens: Vec::new(),
            store_cap: 100_000,
            store_max_age: Duration::from_secs(3600),
            head_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(30),
        }
    }
}

/// A running mock server.
#[derive(Debug)]
pub struct MockServer {
    addr: SocketAddr,
    shutdown: Option<oneshot::Sender<()>>,
    task: JoinHandle<std::io::Result<()>>,
    handler: Handler,
}

impl MockServer {
    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://ADDR`, for a client's base URL.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The server's request handler, for driving it in-process without sockets (the memory
    /// measurement does); it shares the server's state.
    pub fn handler(&self) -> Handler {
        self.handler.clone()
    }

    /// Stops accepting requests, lets the ones in flight finish, and waits for the server.
    pub async fn shutdown(mut self) -> std::io::Result<()> {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        (&mut self.task)
            .await
            .map_err(|e| std::io::Error::other(e.to_string()))?
    }

    /// Waits until the server stops by itself (it does not, short of an I/O error). Dropping
    /// this future leaves the server running, so it can be raced against a signal and then
    /// [`MockServer::shutdown`].
    pub async fn wait(&mut self) -> std::io::Result<()> {
        (&mut self.task)
            .await
            .map_err(|e| std::io::Error::other(e.to_string()))?
    }
}

/// The mock's request handler with its prepared answers and sandbox state: what the server
/// runs per request, callable directly.
#[derive(Clone)]
pub struct Handler {
    shared: Arc<prepare::Shared>,
}

impl std::fmt::Debug for Handler {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Handler").finish_non_exhaustive()
    }
}

impl Handler {
    /// Builds the handler for `apis` without listening anywhere.
    pub fn new(apis: Vec<Api>, options: MockOptions) -> std::io::Result<Self> {
        Ok(Handler {
            shared: Arc::new(prepare::Shared::new(apis, options)?),
        })
    }

    /// Answers one request.
    pub async fn call(&self, request: axum::extract::Request) -> axum::response::Response {
        handler::handle(self.shared.clone(), request).await
    }

    /// How many records the sandbox holds across its stores (for memory measurements).
    pub fn records(&self) -> usize {
        self.shared.records()
    }
}

/// Starts a mock of `apis` (one server for all of them, so state is shared across specs: a
/// client created through one spec has its application readable through another).
pub async fn serve(apis: Vec<Api>, options: MockOptions) -> std::io::Result<MockServer> {
    if !options.addr.ip().is_loopback() && !options.allow_non_loopback {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            format!(
                "refusing to listen on {}: the mock listens on loopback only unless told otherwise (--allow-non-loopback)",
                options.addr
            ),
        ));
    }
    let handler = Handler::new(apis, options.clone())?;
    let listener = tokio::net::TcpListener::bind(options.addr).await?;
    let addr = listener.local_addr()?;
    let (tx, rx) = oneshot::channel::<()>();
    let limits = conn::Limits {
        head_timeout: options.head_timeout,
        idle_timeout: options.idle_timeout,
    };
    let task = tokio::spawn(conn::accept_loop(listener, handler.clone(), limits, rx));
    Ok(MockServer {
        addr,
        shutdown: Some(tx),
        task,
        handler,
    })
}
