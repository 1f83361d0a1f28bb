//! Flag parsing for the mock, contract, openapi and bench-mock commands; the work is in the
//! library (`xtask::mock`, `xtask::contract`, `xtask::spec`).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;
use xtask::contract::{self, ContractOptions};
use xtask::mock::{self, MockOptions, bench};
use xtask::spec::load_spec;

/// Flags as `--name value` pairs and bare `--switch`es, checked against what a command accepts.
struct Flags {
    values: Vec<(String, String)>,
    switches: Vec<String>,
}

impl Flags {
    fn parse(args: &[String], valued: &[&str], switches: &[&str]) -> Result<Flags, String> {
        let mut flags = Flags {
            values: Vec::new(),
            switches: Vec::new(),
        };
        let mut i = 0;
        while i < args.len() {
            let arg = args[i].as_str();
            let (name, inline) = match arg.split_once('=') {
                Some((n, v)) => (n, Some(v.to_owned())),
                None => (arg, None),
            };
            if valued.contains(&name) {
                let value = match inline {
                    Some(v) => v,
                    None => {
                        i += 1;
                        args.get(i)
                            .cloned()
                            .ok_or_else(|| format!("`{name}` needs a value"))?
                    }
                };
                flags.values.push((name.to_owned(), value));
            } else if switches.contains(&name) && inline.is_none() {
                flags.switches.push(name.to_owned());
            } else {
                return Err(format!("unknown flag `{arg}`"));
            }
            i += 1;
        }
        Ok(flags)
    }

    fn all(&self, name: &str) -> Vec<&str> {
        self.values
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    fn one(&self, name: &str) -> Option<&str> {
        self.all(name).last().copied()
    }

    fn has(&self, name: &str) -> bool {
        self.switches.iter().any(|s| s == name)
    }

    fn number<T: std::str::FromStr>(&self, name: &str, default: T) -> Result<T, String> {
        match self.one(name) {
            None => Ok(default),
            Some(v) => v
                .parse()
                .map_err(|_| format!("`{name}` takes a number, not `{v}`")),
        }
    }
}

fn usage_error(message: &str, usage: &str) -> ExitCode {
    eprintln!("error: {message}\n\n{usage}");
    ExitCode::from(2)
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
pub fn mock(args: &[String], usage: &str) -> ExitCode {
    let flags = match Flags::parse(
        args,
        &["--spec", "--addr", "--body-limit", "--signing-secret-env"],
        &["--stateful", "--allow-non-loopback"],
    ) {
        Ok(f) => f,
        Err(e) => return usage_error(&e, usage),
    };
    let specs = flags.all("--spec");
    if specs.is_empty() {
        return usage_error("`mock` needs at least one `--spec FILE`", usage);
    }
    let addr: SocketAddr = match flags.one("--addr").unwrap_or("127.0.0.1:4010").parse() {
        Ok(a) => a,
        Err(_) => return usage_error("`--addr` takes IP:PORT, such as 127.0.0.1:4010", usage),
    };
    let body_limit = match flags.number("--body-limit", MockOptions::default().body_limit) {
        Ok(n) => n,
        Err(e) => return usage_error(&e, usage),
    };
    let signing_secret = match secret_from_env(flags.one("--signing-secret-env")) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let mut apis = Vec::new();
    for spec in &specs {
        match load_spec(Path::new(spec)) {
            Ok(loaded) => apis.push(loaded.api),
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    let options = MockOptions {
        addr,
        stateful: flags.has("--stateful"),
        body_limit,
        allow_non_loopback: flags.has("--allow-non-loopback"),
        faults: Vec::new(),
        check_answers: false,
        signing_secret,
        ..MockOptions::default()
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
pub fn contract(args: &[String], usage: &str) -> ExitCode {
    let flags = match Flags::parse(
        args,
        &[
            "--spec",
            "--base-url",
            "--token-env",
            "--junit",
            "--timeout-secs",
        ],
        &[],
    ) {
        Ok(f) => f,
        Err(e) => return usage_error(&e, usage),
    };
    let (Some(spec), Some(base_url)) = (flags.one("--spec"), flags.one("--base-url")) else {
        return usage_error("`contract` needs `--spec FILE` and `--base-url URL`", usage);
    };
    if !(base_url.starts_with("http://") || base_url.starts_with("https://")) {
        return usage_error("`--base-url` must start with http:// or https://", usage);
    }
    let token = match flags.one("--token-env") {
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
    let timeout = match flags.number("--timeout-secs", 30u64) {
        Ok(n) => Duration::from_secs(n),
        Err(e) => return usage_error(&e, usage),
    };
    let loaded = match load_spec(Path::new(spec)) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    if token.is_none() {
        eprintln!("note: no --token-env given; secured operations are sent without credentials");
    }
    let signing_secret = match secret_from_env(flags.one("--signing-secret-env")) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let options = ContractOptions {
        base_url: base_url.to_owned(),
        token,
        timeout,
        signing_secret,
    };
    let report = runtime().block_on(contract::run(&loaded.api, &options));
    print!("{}", report.render());
    if let Some(path) = flags.one("--junit") {
        if let Err(e) = std::fs::write(path, report.junit()) {
            eprintln!("error: cannot write {path}: {e}");
            return ExitCode::FAILURE;
        }
    }
    if report.failed() == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// `cargo xtask openapi`.
pub fn openapi(args: &[String], usage: &str) -> ExitCode {
    let flags = match Flags::parse(args, &["--spec", "--out"], &[]) {
        Ok(f) => f,
        Err(e) => return usage_error(&e, usage),
    };
    let Some(spec) = flags.one("--spec") else {
        return usage_error("`openapi` needs `--spec FILE`", usage);
    };
    let loaded = match load_spec(Path::new(spec)) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let document = match loaded.document {
        Some(d) => d,
        None => {
            eprintln!(
                "note: `{spec}` is release notes; the document is written from the IR the mock serves"
            );
            xtask::spec::document_from_ir(&loaded.api)
        }
    };
    let text = serde_json::to_string_pretty(&document).unwrap_or_default();
    match flags.one("--out") {
        Some(path) => {
            if let Err(e) = std::fs::write(path, text) {
                eprintln!("error: cannot write {path}: {e}");
                return ExitCode::FAILURE;
            }
        }
        None => println!("{text}"),
    }
    ExitCode::SUCCESS
}

/// `cargo xtask bench-mock`.
pub fn bench_mock(args: &[String], usage: &str, root: &Path) -> ExitCode {
    let flags = match Flags::parse(
        args,
        &[
            "--spec",
            "--requests",
            "--concurrency",
            "--max-seconds",
            "--prism",
        ],
        &[],
    ) {
        Ok(f) => f,
        Err(e) => return usage_error(&e, usage),
    };
    let numbers = (|| -> Result<(usize, usize, u64), String> {
        Ok((
            flags.number("--requests", 20_000)?,
            flags.number("--concurrency", 16)?,
            flags.number("--max-seconds", 60)?,
        ))
    })();
    let (requests, concurrency, max_seconds) = match numbers {
        Ok(n) => n,
        Err(e) => return usage_error(&e, usage),
    };
    let xtask = match std::env::current_exe() {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: cannot find the xtask executable: {e}");
            return ExitCode::FAILURE;
        }
    };
    let options = bench::BenchOptions {
        spec: flags
            .one("--spec")
            .map(PathBuf::from)
            .unwrap_or_else(|| root.join("specs/customer-orchestration.yaml")),
        requests,
        concurrency,
        max_duration: Duration::from_secs(max_seconds),
        prism_dir: flags
            .one("--prism")
            .map(PathBuf::from)
            .unwrap_or_else(|| root.join(".cache/prism")),
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
