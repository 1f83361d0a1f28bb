//! `cargo xtask corpus`: how much of the world's OpenAPI the generator turns into compiling code.
//!
//! Each spec of a deterministic sample is generated in memory, written as one crate of a scratch
//! workspace, and all crates are checked by one `cargo check --keep-going` with a shared target
//! directory, so dependencies compile once. Every spec gets a verdict: `ok`, `generator-failed`
//! (diagnostics, with the first error), `generator-panicked` (a bug of ours), or `check-failed`
//! (the first compiler error). The sample is every k-th OpenAPI 3.x document of the sorted file
//! list, so the same corpus and size always give the same sample.

use specgen_codegen::{self as codegen, load};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::io::{self, BufRead as _};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// What happened to one spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Generated, and the crate checks.
    Ok,
    /// The generator reported errors.
    GeneratorFailed(String),
    /// The generator panicked (a generator bug).
    GeneratorPanicked(String),
    /// The generated crate does not compile.
    CheckFailed(String),
}

/// One spec's result.
#[derive(Debug, Clone)]
pub struct SpecResult {
    /// The spec file.
    pub path: PathBuf,
    /// The scratch crate's name.
    pub crate_name: String,
    /// The verdict.
    pub verdict: Verdict,
    /// Time spent generating.
    pub generate_time: Duration,
    /// Lines of generated code.
    pub lines: usize,
    /// Warnings the generator reported (schemas typed loosely, placeholders).
    pub warnings: usize,
}

/// Options for a corpus run.
#[derive(Debug, Clone)]
pub struct CorpusOptions {
    /// Directories to search, or files listing spec paths one per line.
    pub inputs: Vec<PathBuf>,
    /// How many specs to sample; `None` takes all.
    pub sample: Option<usize>,
    /// The scratch workspace.
    pub work_dir: PathBuf,
    /// Skip `cargo check` (generation only).
    pub no_check: bool,
}

/// True when the file looks like an OpenAPI 3.x document (JSON or YAML), judged from its start.
fn is_openapi3(path: &Path) -> bool {
    let Ok(file) = fs::File::open(path) else {
        return false;
    };
    let mut head = String::new();
    for line in io::BufReader::new(file)
        .lines()
        .take(50)
        .map_while(Result::ok)
    {
        head.push_str(&line);
        if head.len() > 4096 {
            break;
        }
    }
    head.contains("\"openapi\":\"3.")
        || head.contains("\"openapi\": \"3.")
        || head.contains("openapi: 3.")
        || head.contains("openapi: '3.")
        || head.contains("openapi: \"3.")
}

/// Every candidate spec file under the inputs, sorted.
pub fn collect(inputs: &[PathBuf]) -> io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for input in inputs {
        if input.is_dir() {
            let mut stack = vec![input.clone()];
            while let Some(dir) = stack.pop() {
                for entry in fs::read_dir(&dir)? {
                    let path = entry?.path();
                    if path.is_dir() {
                        stack.push(path);
                    } else if matches!(
                        path.extension().and_then(|e| e.to_str()),
                        Some("json" | "yaml" | "yml")
                    ) {
                        out.push(path);
                    }
                }
            }
        } else if matches!(
            input.extension().and_then(|e| e.to_str()),
            Some("json" | "yaml" | "yml")
        ) {
            out.push(input.clone());
        } else {
            let text = fs::read_to_string(input)?;
            out.extend(
                text.lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty() && !l.starts_with('#'))
                    .map(PathBuf::from),
            );
        }
    }
    out.sort();
    out.dedup();
    out.retain(|p| is_openapi3(p));
    Ok(out)
}

/// Every k-th element so that `n` are taken, spread over the whole list.
pub fn sample<T: Clone>(items: &[T], n: Option<usize>) -> Vec<T> {
    match n {
        Some(n) if n < items.len() => (0..n).map(|i| items[i * items.len() / n].clone()).collect(),
        _ => items.to_vec(),
    }
}

fn crate_name(index: usize, path: &Path) -> String {
    let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("spec");
    let slug: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    format!("c{index:04}_{}", slug.chars().take(40).collect::<String>())
}

/// Generates one spec in memory: the module's code, or a verdict explaining why not.
/// The `[features]` table of a standalone crate whose one module is `api`: empty for an API
/// compiled whole, else every tag feature of a split API (on by default, as in `generated/`).
pub fn standalone_features(api: &specgen_ir::ir::Api) -> String {
    if !api.features.is_split() {
        return String::new();
    }
    format!(
        "[features]\ndefault = [\"{}\"]\n{}\n",
        api.module,
        codegen::module_features(api)
    )
}

/// A generated standalone crate's texts: the `api` module, the runtime and the `[features]` table.
type CrateTexts = (String, String, String);

fn generate_one(path: &Path) -> (Result<CrateTexts, Verdict>, Duration, usize) {
    let started = Instant::now();
    let text = match fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => {
            return (
                Err(Verdict::GeneratorFailed(format!("cannot read: {e}"))),
                started.elapsed(),
                0,
            );
        }
    };
    let display = path.display().to_string();
    let input = load::SpecInput::OpenApi {
        module: "api".into(),
        document: load::SourceFile {
            path: display,
            text,
        },
        overlay: None,
    };
    let outcome = catch_unwind(AssertUnwindSafe(|| codegen::generate(&[input])));
    let elapsed = started.elapsed();
    match outcome {
        Err(panic) => {
            let message = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            (
                Err(Verdict::GeneratorPanicked(
                    message.lines().next().unwrap_or_default().to_owned(),
                )),
                elapsed,
                0,
            )
        }
        Ok(Err(diagnostics)) => {
            let first = diagnostics
                .sorted()
                .into_iter()
                .find(|d| d.severity == specgen_ir::diagnostics::Severity::Error)
                .map(|d| d.message.clone())
                .unwrap_or_default();
            (Err(Verdict::GeneratorFailed(first)), elapsed, 0)
        }
        Ok(Ok(generated)) => {
            let warnings = generated.warnings.iter().count();
            let module = generated.files[&PathBuf::from("src/api.rs")].clone();
            let runtime = generated.files[&PathBuf::from("src/runtime.rs")].clone();
            let features = generated
                .apis
                .first()
                .map(standalone_features)
                .unwrap_or_default();
            (Ok((module, runtime, features)), elapsed, warnings)
        }
    }
}

/// The dependencies of a standalone generated crate (the same as `generated/`'s).
pub const CRATE_DEPS: &str = r#"[dependencies]
base64 = "0.22"
chrono = { version = "0.4", default-features = false, features = ["std", "serde", "clock"] }
fastrand = "2"
futures-core = "0.3"
futures-util = { version = "0.3", default-features = false, features = ["std"] }
hmac = "0.12"
httpdate = "1"
regex = { version = "1", default-features = false, features = ["std", "unicode"] }
reqwest = { version = "0.13", default-features = false, features = ["json", "query", "form", "multipart"] }
serde = { version = "1", features = ["derive"] }
serde_json = "1"
sha2 = "0.10"
tokio = { version = "1", default-features = false, features = ["time"] }
uuid = { version = "1", features = ["v4", "serde"] }
"#;

/// Runs the corpus and returns one result per sampled spec.
pub fn run(options: &CorpusOptions, mut progress: impl FnMut(&str)) -> io::Result<Vec<SpecResult>> {
    let files = sample(&collect(&options.inputs)?, options.sample);
    progress(&format!(
        "{} OpenAPI 3.x documents in the sample",
        files.len()
    ));
    let _ = fs::remove_dir_all(options.work_dir.join("crates"));
    fs::create_dir_all(options.work_dir.join("crates"))?;
    let mut results = Vec::new();
    let mut members = Vec::new();
    let mut runtime_text = None;
    for (i, path) in files.iter().enumerate() {
        let name = crate_name(i, path);
        let (outcome, generate_time, warnings) = generate_one(path);
        let (verdict, lines) = match outcome {
            Err(verdict) => (verdict, 0),
            Ok((module, runtime, features)) => {
                let dir = options.work_dir.join("crates").join(&name);
                fs::create_dir_all(dir.join("src"))?;
                fs::write(
                    dir.join("Cargo.toml"),
                    format!(
                        "[package]\nname = \"{name}\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n{features}{CRATE_DEPS}"
                    ),
                )?;
                fs::write(
                    dir.join("src/lib.rs"),
                    "#![allow(warnings)]\n#[path = \"../../../runtime.rs\"]\npub mod runtime;\npub mod api;\n",
                )?;
                let lines = module.lines().count();
                fs::write(dir.join("src/api.rs"), module)?;
                runtime_text.get_or_insert(runtime);
                members.push(name.clone());
                (Verdict::Ok, lines)
            }
        };
        progress(&format!(
            "generated {}/{}: {}",
            i + 1,
            files.len(),
            path.display()
        ));
        results.push(SpecResult {
            path: path.clone(),
            crate_name: name,
            verdict,
            generate_time,
            lines,
            warnings,
        });
    }
    if let Some(runtime) = runtime_text {
        fs::write(options.work_dir.join("runtime.rs"), runtime)?;
    }
    let member_list: Vec<String> = members.iter().map(|m| format!("\"crates/{m}\"")).collect();
    fs::write(
        options.work_dir.join("Cargo.toml"),
        format!(
            "[workspace]\nresolver = \"3\"\nmembers = [{}]\n",
            member_list.join(", ")
        ),
    )?;
    if options.no_check || members.is_empty() {
        return Ok(results);
    }
    progress(&format!(
        "cargo check of {} crates (shared target dir)",
        members.len()
    ));
    let errors = check_workspace(&options.work_dir)?;
    for result in &mut results {
        if result.verdict == Verdict::Ok {
            if let Some(error) = errors.get(&result.crate_name) {
                result.verdict = Verdict::CheckFailed(error.clone());
            }
        }
    }
    Ok(results)
}

/// Checks every crate of the scratch workspace; returns the first error per crate.
fn check_workspace(dir: &Path) -> io::Result<BTreeMap<String, String>> {
    let mut child = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args([
            "check",
            "--workspace",
            "--keep-going",
            "--quiet",
            "--message-format=json",
        ])
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", dir.join("target"))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()?;
    let mut errors = BTreeMap::new();
    let stdout = child.stdout.take().expect("stdout is piped");
    for line in io::BufReader::new(stdout).lines() {
        let Ok(message) = serde_json::from_str::<serde_json::Value>(&line?) else {
            continue;
        };
        if message["reason"] != "compiler-message" || message["message"]["level"] != "error" {
            continue;
        }
        let target = message["target"]["name"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let text = message["message"]["rendered"]
            .as_str()
            .or(message["message"]["message"].as_str())
            .unwrap_or_default();
        let first = text
            .lines()
            .take(2)
            .collect::<Vec<_>>()
            .join(" ")
            .trim()
            .to_owned();
        errors.entry(target).or_insert(first);
    }
    child.wait()?;
    Ok(errors)
}

/// The report: one line per spec, then the success rate.
pub fn report(results: &[SpecResult]) -> String {
    let mut out = String::new();
    for r in results {
        let (label, detail) = match &r.verdict {
            Verdict::Ok => ("ok", String::new()),
            Verdict::GeneratorFailed(e) => ("generator-failed", e.clone()),
            Verdict::GeneratorPanicked(e) => ("generator-panicked", e.clone()),
            Verdict::CheckFailed(e) => ("check-failed", e.clone()),
        };
        let detail: String = detail.chars().take(160).collect();
        let _ = writeln!(
            out,
            "{label:<19} {:>7} lines {:>8.1} ms  {}  {detail}",
            r.lines,
            r.generate_time.as_secs_f64() * 1000.0,
            r.path.display()
        );
    }
    let ok = results.iter().filter(|r| r.verdict == Verdict::Ok).count();
    let count = |f: fn(&Verdict) -> bool| results.iter().filter(|r| f(&r.verdict)).count();
    let _ = writeln!(
        out,
        "\n{ok} of {} specs produce compiling code ({:.1}%): {} generator-failed, {} generator-panicked, {} check-failed",
        results.len(),
        if results.is_empty() {
            0.0
        } else {
            100.0 * ok as f64 / results.len() as f64
        },
        count(|v| matches!(v, Verdict::GeneratorFailed(_))),
        count(|v| matches!(v, Verdict::GeneratorPanicked(_))),
        count(|v| matches!(v, Verdict::CheckFailed(_))),
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn samples_are_spread_and_deterministic() {
        let items: Vec<usize> = (0..10).collect();
        assert_eq!(sample(&items, Some(3)), [0, 3, 6]);
        assert_eq!(sample(&items, Some(20)), items);
        assert_eq!(sample(&items, None), items);
    }

    #[test]
    fn crate_names_are_valid_and_unique_by_index() {
        assert_eq!(
            crate_name(7, Path::new("api/1forge.com.json")),
            "c0007_1forge_com"
        );
    }
}
