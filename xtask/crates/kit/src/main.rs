//! `specgen-kit`: the command line of the contract kit (`mock`, `contract`, `proxy`,
//! `bench-mock`).
//!
//! `cargo xtask` forwards these commands here, so that generating code never compiles an HTTP
//! server or an async runtime. Flags are parsed by clap; the work is in the library
//! (`specgen_kit::mock`, `specgen_kit::contract`).

use clap::{Args, Parser, Subcommand};
use specgen_codegen::spec::load_spec;
use specgen_kit::contract::{self, ContractOptions, RunOptions};
use specgen_kit::mock::{self, MockOptions, bench};
use specgen_kit::proxy::{self, ProxyOptions};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

/// The contract kit's commands, run through `cargo xtask`.
#[derive(Parser)]
#[command(
    name = "xtask",
    bin_name = "cargo xtask",
    about = "specgen's contract kit"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve a validating mock of the specs (loopback only unless --allow-non-loopback).
    Mock(MockArgs),
    /// Check a server against the spec; exits 1 when a check fails.
    Contract(ContractArgs),
    /// Forward to an upstream (a vendor sandbox, or the mock) and check every request and answer.
    Proxy(ProxyArgs),
    /// Requests/s of the mock and of Prism on the same bounded POST load (a benchmark).
    BenchMock(BenchMockArgs),
}

#[derive(Args)]
struct MockArgs {
    /// A spec to serve: an OpenAPI file (its overlay beside it is applied) or a release-notes
    /// directory. Repeat to serve several specs from one server with shared state.
    #[arg(long = "spec", value_name = "FILE", required = true)]
    specs: Vec<PathBuf>,
    /// The address to listen on.
    #[arg(long, default_value = "127.0.0.1:4010", value_name = "IP:PORT")]
    addr: SocketAddr,
    /// Add the vendors' documented sandbox behaviour, with in-memory state.
    #[arg(long)]
    stateful: bool,
    /// The largest request body accepted, in bytes (larger ones get 413).
    #[arg(long, value_name = "BYTES", default_value_t = MockOptions::default().body_limit)]
    body_limit: usize,
    /// Listen on an address other than loopback.
    #[arg(long)]
    allow_non_loopback: bool,
    /// Verify request signatures with the shared secret in this environment variable.
    #[arg(long, value_name = "VAR")]
    signing_secret_env: Option<String>,
    /// Accept only this bearer token, API key or basic user (repeatable); without it any value
    /// is accepted.
    #[arg(long = "token", value_name = "VALUE")]
    tokens: Vec<String>,
    /// Records kept per sandbox store (and idempotency records); the oldest is evicted first.
    #[arg(long, value_name = "N", default_value_t = MockOptions::default().store_cap)]
    store_cap: usize,
    /// How long a sandbox or idempotency record lives, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = MockOptions::default().store_max_age.as_secs())]
    store_max_age_secs: u64,
    /// Time allowed to send a complete request head, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = MockOptions::default().head_timeout.as_secs())]
    head_timeout_secs: u64,
    /// Close keep-alive connections idle this long, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = MockOptions::default().idle_timeout.as_secs())]
    idle_timeout_secs: u64,
}

#[derive(Args)]
struct ContractArgs {
    /// The spec to check against: an OpenAPI file or a release-notes directory.
    #[arg(long, value_name = "FILE")]
    spec: PathBuf,
    /// The server to check, e.g. http://127.0.0.1:4010 or a vendor sandbox.
    #[arg(long, value_name = "URL", value_parser = http_url)]
    base_url: String,
    /// The environment variable holding the bearer token or API key.
    #[arg(long, value_name = "VAR")]
    token_env: Option<String>,
    /// Write a JUnit XML report to this path.
    #[arg(long, value_name = "PATH")]
    junit: Option<PathBuf>,
    /// The per-request timeout, in seconds.
    #[arg(long, value_name = "N", default_value_t = 30)]
    timeout_secs: u64,
    /// Sign requests with the shared secret in this environment variable.
    #[arg(long, value_name = "VAR")]
    signing_secret_env: Option<String>,
    /// Fail when an operation never got a documented 2xx (only documented errors, or none).
    #[arg(long)]
    require_success: bool,
    /// Also send schema-breaking bodies; each must be refused with a documented 4xx.
    #[arg(long)]
    negative: bool,
    /// Do not chain operations (create, then read, update, delete the resource it made).
    #[arg(long)]
    no_scenarios: bool,
    /// Write everything (every check, request, response and time) as JSON to this path.
    #[arg(long, value_name = "FILE.json")]
    report: Option<PathBuf>,
}

#[derive(Args)]
struct ProxyArgs {
    /// A spec the traffic must follow (repeatable): an OpenAPI file or a release-notes directory.
    #[arg(long = "spec", value_name = "FILE", required = true)]
    specs: Vec<PathBuf>,
    /// Where requests go, e.g. a vendor sandbox or http://127.0.0.1:4010.
    #[arg(long, value_name = "URL", value_parser = http_url)]
    upstream: String,
    /// The address to listen on.
    #[arg(long, default_value = "127.0.0.1:4020", value_name = "IP:PORT")]
    addr: SocketAddr,
    /// Write the JSON report here when stopped.
    #[arg(long, value_name = "FILE.json")]
    report: Option<PathBuf>,
    /// Write a JUnit XML report here when stopped.
    #[arg(long, value_name = "PATH")]
    junit: Option<PathBuf>,
    /// The environment variable that holds the credentials, so reports name it instead of the
    /// secret (the credentials themselves pass through untouched).
    #[arg(long, value_name = "VAR")]
    token_env: Option<String>,
    /// The upstream timeout per request, in seconds.
    #[arg(long, value_name = "N", default_value_t = 30)]
    timeout_secs: u64,
    /// The largest body forwarded either way, in bytes.
    #[arg(long, value_name = "BYTES", default_value_t = ProxyOptions::default().body_limit)]
    body_limit: usize,
    /// Listen on an address other than loopback.
    #[arg(long)]
    allow_non_loopback: bool,
    /// Do not log each violation as it happens (the report still has them).
    #[arg(long)]
    quiet: bool,
}

#[derive(Args)]
struct BenchMockArgs {
    /// The spec to load (its first JSON POST operation is the load).
    #[arg(long, value_name = "FILE")]
    spec: Option<PathBuf>,
    /// Requests per server.
    #[arg(long, default_value_t = 20_000)]
    requests: usize,
    /// Concurrent connections.
    #[arg(long, default_value_t = 16)]
    concurrency: usize,
    /// Stop each server's load after this many seconds.
    #[arg(long, default_value_t = 60)]
    max_seconds: u64,
    /// Where `npm install --prefix DIR @stoplight/prism-cli` put Prism.
    #[arg(long, value_name = "DIR")]
    prism: Option<PathBuf>,
}

/// Accepts only http:// and https:// URLs, so a typo is a usage error rather than a run of
/// connection failures.
fn http_url(value: &str) -> Result<String, String> {
    if value.starts_with("http://") || value.starts_with("https://") {
        Ok(value.to_owned())
    } else {
        Err("must start with http:// or https://".into())
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Mock(args) => mock(args),
        Command::Contract(args) => contract(args),
        Command::Proxy(args) => proxy(args),
        Command::BenchMock(args) => bench_mock(args, &repo_root()),
    }
}

/// The workspace root: this crate lives at `xtask/crates/kit`.
fn repo_root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest
        .ancestors()
        .nth(3)
        .map(PathBuf::from)
        .unwrap_or(manifest)
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime starts")
}

/// The value of the environment variable a `--...-env VAR` flag names, as bytes.
fn secret_from_env(var: Option<&str>) -> Result<Option<Vec<u8>>, ExitCode> {
    match var {
        None => Ok(None),
        Some(var) => match std::env::var(var) {
            Ok(v) if !v.is_empty() => Ok(Some(v.into_bytes())),
            _ => {
                eprintln!("error: the environment variable `{var}` is not set");
                Err(ExitCode::from(2))
            }
        },
    }
}

/// `cargo xtask mock`.
fn mock(args: MockArgs) -> ExitCode {
    let signing_secret = match secret_from_env(args.signing_secret_env.as_deref()) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let mut apis = Vec::new();
    for spec in &args.specs {
        match load_spec(spec) {
            Ok(loaded) => apis.push(loaded.api),
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    let options = MockOptions {
        addr: args.addr,
        stateful: args.stateful,
        body_limit: args.body_limit,
        allow_non_loopback: args.allow_non_loopback,
        faults: Vec::new(),
        check_answers: false,
        signing_secret,
        tokens: args.tokens,
        store_cap: args.store_cap,
        store_max_age: Duration::from_secs(args.store_max_age_secs),
        head_timeout: Duration::from_secs(args.head_timeout_secs),
        idle_timeout: Duration::from_secs(args.idle_timeout_secs),
    };
    let summary: Vec<String> = apis
        .iter()
        .map(|a| format!("{} ({} operations)", a.module, a.operations.len()))
        .collect();
    runtime().block_on(async move {
        let mut server = match mock::serve(apis, options.clone()).await {
            Ok(s) => s,
            Err(e) => {
                eprintln!("error: cannot start the mock on {}: {e}", options.addr);
                return ExitCode::FAILURE;
            }
        };
        println!(
            "mock of {} listening on {}{}",
            summary.join(", "),
            server.base_url(),
            if options.stateful { " (stateful)" } else { "" }
        );
        let stopped = tokio::select! {
            _ = tokio::signal::ctrl_c() => None,
            result = server.wait() => Some(result),
        };
        match stopped {
            None => {
                let _ = server.shutdown().await;
                ExitCode::SUCCESS
            }
            Some(Ok(())) => ExitCode::SUCCESS,
            Some(Err(e)) => {
                eprintln!("error: the mock stopped: {e}");
                ExitCode::FAILURE
            }
        }
    })
}

/// `cargo xtask contract`.
fn contract(args: ContractArgs) -> ExitCode {
    let token = match args.token_env.as_deref() {
        None => None,
        Some(var) => match std::env::var(var) {
            Ok(t) if !t.is_empty() => Some(t),
            _ => {
                eprintln!(
                    "error: `--token-env {var}`: the environment variable `{var}` is not set"
                );
                return ExitCode::from(2);
            }
        },
    };
    let timeout = Duration::from_secs(args.timeout_secs);
    let loaded = match load_spec(&args.spec) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    if token.is_none() {
        eprintln!("note: no --token-env given; secured operations are sent without credentials");
    }
    let signing_secret = match secret_from_env(args.signing_secret_env.as_deref()) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let options = ContractOptions {
        base_url: args.base_url,
        token,
        timeout,
        signing_secret,
    };
    let run = RunOptions {
        require_success: args.require_success,
        negative: args.negative,
        scenarios: !args.no_scenarios,
        token_env: args.token_env.clone(),
        report: args.report.clone(),
    };
    let report = runtime().block_on(contract::run_with(&loaded.api, &options, &run));
    print!("{}", report.render());
    if let Some(path) = &args.junit {
        if let Err(e) = std::fs::write(path, report.junit()) {
            eprintln!("error: cannot write {}: {e}", path.display());
            return ExitCode::FAILURE;
        }
    }
    if report.succeeded() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// `cargo xtask proxy`: runs until Ctrl-C, then writes the reports and prints the summary;
/// exits 1 when the traffic broke the spec.
fn proxy(args: ProxyArgs) -> ExitCode {
    let mut apis = Vec::new();
    for spec in &args.specs {
        match load_spec(spec) {
            Ok(loaded) => apis.push(loaded.api),
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    let options = ProxyOptions {
        timeout: Duration::from_secs(args.timeout_secs),
        body_limit: args.body_limit,
        log: !args.quiet,
        allow_non_loopback: args.allow_non_loopback,
        token_env: args.token_env,
        junit: args.junit,
        report: args.report,
    };
    runtime().block_on(async move {
        let mut server = match proxy::serve(apis, &args.upstream, args.addr, options).await {
            Ok(s) => s,
            Err(e) => {
                eprintln!("error: cannot start the proxy on {}: {e}", args.addr);
                return ExitCode::FAILURE;
            }
        };
        println!(
            "proxy on {} forwarding to {} (Ctrl-C writes the reports)",
            server.base_url(),
            args.upstream
        );
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            result = server.wait() => {
                if let Err(e) = result {
                    eprintln!("error: the proxy stopped: {e}");
                }
            }
        }
        match server.shutdown().await {
            Ok(report) => {
                print!("{}", report.render());
                if report.succeeded() {
                    ExitCode::SUCCESS
                } else {
                    ExitCode::FAILURE
                }
            }
            Err(e) => {
                eprintln!("error: cannot write the proxy's reports: {e}");
                ExitCode::FAILURE
            }
        }
    })
}

/// `cargo xtask bench-mock`.
fn bench_mock(args: BenchMockArgs, root: &Path) -> ExitCode {
    let (requests, concurrency, max_seconds) = (args.requests, args.concurrency, args.max_seconds);
    let xtask = match std::env::current_exe() {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: cannot find the xtask executable: {e}");
            return ExitCode::FAILURE;
        }
    };
    let options = bench::BenchOptions {
        spec: args
            .spec
            .unwrap_or_else(|| root.join("specs/customer-orchestration.yaml")),
        requests,
        concurrency,
        max_duration: Duration::from_secs(max_seconds),
        prism_dir: args.prism.unwrap_or_else(|| root.join(".cache/prism")),
        scratch: root.join(".cache/bench"),
        xtask,
    };
    match runtime().block_on(bench::compare_with_prism(&options)) {
        Ok(c) => {
            let line = |name: &str, m: &bench::Measurement| {
                println!(
                    "{name:<8} {:>10.0} req/s  ({} requests, {} 2xx, {:.2} s)",
                    m.requests_per_second(),
                    m.completed,
                    m.succeeded,
                    m.elapsed.as_secs_f64()
                )
            };
            println!(
                "{} of {}, {} connections",
                c.operation,
                options.spec.display(),
                options.concurrency
            );
            line("specgen", &c.ours);
            line("prism", &c.prism);
            println!(
                "ratio    {:>10.1}x",
                c.ours.requests_per_second() / c.prism.requests_per_second()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
