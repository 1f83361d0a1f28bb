//! `cargo xtask bench`: generation speed, memory, output size and compile time against progenitor.
//!
//! Both generators run as child processes on the same documents in the same run: specgen's own
//! release binary (`xtask bench-generate`) and `cargo-progenitor` when it is installed. Wall time
//! is the median of several runs; peak memory is the child's maximum resident set size, read with
//! `wait4` so each child is measured alone. Each output crate is then checked three ways, with its
//! dependencies warm: **cold** (`cargo clean -p` of the crate itself first, so none of its own
//! incremental or fingerprint artefacts are left), and **re-check** after a one-line spec change
//! (one operation's description edited, the crate regenerated, `cargo check` again). For an API
//! that specgen splits into tag features, a consumer crate that enables one tag is also checked
//! cold, and its time is reported as a share of the full crate's cold check. Ratios are
//! progenitor ÷ specgen, so above 1 means specgen is better. Failures are reported as such: a
//! peer that cannot handle a document gets no ratio for it.

use specgen_codegen::{self as codegen, load};
use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The figures for one generator on one document.
#[derive(Debug, Clone)]
pub struct Run {
    /// Median wall time of generation.
    pub generate: Duration,
    /// Peak resident memory of the generator process, in KiB.
    pub peak_kib: u64,
    /// Non-blank lines of generated Rust.
    pub lines: usize,
    /// `cargo check` of the generated crate with warm dependencies and none of its own artefacts.
    pub cold: Option<Duration>,
    /// `cargo check` after a one-line change to the spec and regeneration.
    pub recheck: Option<Duration>,
    /// For an API split into tag features: the tag feature, and the cold check of a consumer
    /// crate that enables only it.
    pub consumer: Option<(String, Duration)>,
}

/// One document's results.
#[derive(Debug, Clone)]
pub struct Row {
    /// A short name for the document.
    pub name: String,
    /// specgen's figures, or why it failed.
    pub specgen: Result<Run, String>,
    /// progenitor's figures, why it failed, or `None` when it is not installed.
    pub progenitor: Option<Result<Run, String>>,
}

/// Writes a standalone crate for one OpenAPI document; the child process of a specgen run.
pub fn generate_crate(input: &Path, out: &Path) -> Result<(), String> {
    let text =
        fs::read_to_string(input).map_err(|e| format!("cannot read {}: {e}", input.display()))?;
    let spec = load::SpecInput::OpenApi {
        module: "api".into(),
        document: load::SourceFile {
            path: input.display().to_string(),
            text,
        },
        overlay: None,
    };
    let generated = codegen::generate(&[spec]).map_err(|d| d.to_string())?;
    let module = &generated.files[&PathBuf::from("src/api.rs")];
    let runtime = &generated.files[&PathBuf::from("src/runtime.rs")];
    let features = generated
        .apis
        .first()
        .map(crate::corpus::standalone_features)
        .unwrap_or_default();
    let write = || -> io::Result<()> {
        fs::create_dir_all(out.join("src"))?;
        fs::write(
            out.join("Cargo.toml"),
            format!(
                "[package]\nname = \"bench-specgen\"\nversion = \"0.1.0\"\nedition = \"2024\"\npublish = false\n\n[workspace]\n\n{features}{}",
                crate::corpus::CRATE_DEPS
            ),
        )?;
        fs::write(out.join("src/lib.rs"), "pub mod runtime;\npub mod api;\n")?;
        fs::write(out.join("src/runtime.rs"), runtime)?;
        fs::write(out.join("src/api.rs"), module)
    };
    write().map_err(|e| format!("cannot write the crate: {e}"))
}

/// Runs `command` to completion, returning its wall time and peak RSS (KiB; 0 where the
/// platform cannot tell), or the first line of its stderr.
fn measure(command: &mut Command) -> Result<(Duration, u64), String> {
    let started = Instant::now();
    let mut child = command
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start: {e}"))?;
    let mut stderr = child.stderr.take().expect("stderr is piped");
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = io::Read::read_to_string(&mut stderr, &mut text);
        text
    });
    let waited = wait_with_peak_rss(child);
    let elapsed = started.elapsed();
    let stderr = reader.join().unwrap_or_default();
    let (succeeded, peak_kib) = waited?;
    if !succeeded {
        let first = stderr
            .lines()
            .find(|l| !l.trim().is_empty() && !l.contains("Stack backtrace"))
            .unwrap_or("failed without a message");
        return Err(first.trim().chars().take(140).collect());
    }
    Ok((elapsed, peak_kib))
}

/// Waits for `child` and reads its own peak RSS with `wait4`, which measures that one child
/// rather than every child this process has had (as `getrusage(RUSAGE_CHILDREN)` would).
#[cfg(unix)]
fn wait_with_peak_rss(child: std::process::Child) -> Result<(bool, u64), String> {
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value for wait4 to overwrite.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `pid` is our own child, not yet waited for; status and usage are valid pointers.
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    if waited != pid {
        return Err(format!("wait4 failed: {}", io::Error::last_os_error()));
    }
    let succeeded = libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0;
    // ru_maxrss is in KiB on Linux.
    Ok((succeeded, usage.ru_maxrss as u64))
}

/// Elsewhere the benchmark still times generation; peak memory is reported as 0.
#[cfg(not(unix))]
fn wait_with_peak_rss(mut child: std::process::Child) -> Result<(bool, u64), String> {
    let status = child.wait().map_err(|e| format!("wait failed: {e}"))?;
    Ok((status.success(), 0))
}

fn count_lines(dir: &Path) -> usize {
    let mut total = 0;
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in fs::read_dir(&d).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                if path.file_name().is_some_and(|n| n != "target") {
                    stack.push(path);
                }
            } else if path.extension().is_some_and(|e| e == "rs") {
                total += fs::read_to_string(&path)
                    .map(|t| t.lines().filter(|l| !l.trim().is_empty()).count())
                    .unwrap_or(0);
            }
        }
    }
    total
}

/// Runs `cargo ARGS` quietly in `crate_dir` with the benchmark's target dir; `None` when it
/// fails.
fn quiet_cargo(crate_dir: &Path, target: &Path, args: &[&str]) -> Option<()> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    Command::new(&cargo)
        .args(args)
        .current_dir(crate_dir)
        .env("CARGO_TARGET_DIR", target)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .ok()
        .filter(|s| s.success())
        .map(|_| ())
}

/// `cargo check --lib` in `crate_dir` with the benchmark's target dir; `None` when it fails.
fn cargo_check(crate_dir: &Path, target: &Path) -> Option<Duration> {
    let started = Instant::now();
    quiet_cargo(crate_dir, target, &["check", "--quiet", "--lib"])?;
    Some(started.elapsed())
}

/// Removes every artefact of the packages `names` from `target` (`cargo clean -p`), leaving
/// the dependencies' ones, so the next check is cold for those packages alone.
fn clean_packages(crate_dir: &Path, target: &Path, names: &[&str]) -> Option<()> {
    let mut args = vec!["clean", "--quiet"];
    for name in names {
        args.extend(["-p", name]);
    }
    quiet_cargo(crate_dir, target, &args)
}

/// The outputs sit under this repository's target dir; a crate without its own `[workspace]`
/// would be taken for a stray member of ours and refused.
fn own_workspace(crate_dir: &Path) -> Option<()> {
    let manifest = crate_dir.join("Cargo.toml");
    let text = fs::read_to_string(&manifest).ok()?;
    if !text.contains("[workspace]") {
        fs::write(&manifest, format!("{text}\n[workspace]\n")).ok()?;
    }
    Some(())
}

/// The package name in a generated crate's manifest.
fn package_name(crate_dir: &Path) -> Option<String> {
    let text = fs::read_to_string(crate_dir.join("Cargo.toml")).ok()?;
    let line = text.lines().find(|l| l.trim_start().starts_with("name"))?;
    Some(line.split('"').nth(1)?.to_owned())
}

/// `document` with one line changed: the first operation's description gets a sentence more
/// (or one, when it has none), written as JSON beside the outputs. Both tools read JSON.
pub fn edit_one_description(document: &Path, out: &Path) -> Result<(), String> {
    let text = fs::read_to_string(document).map_err(|e| format!("cannot read: {e}"))?;
    let mut value: serde_json::Value = if text.trim_start().starts_with('{') {
        serde_json::from_str(&text).map_err(|e| e.to_string())?
    } else {
        serde_yaml_ng::from_str(&text).map_err(|e| e.to_string())?
    };
    let operation = value
        .get_mut("paths")
        .and_then(|p| p.as_object_mut())
        .and_then(|paths| paths.values_mut().next())
        .and_then(|item| item.as_object_mut())
        .and_then(|item| {
            item.iter_mut()
                .find(|(method, _)| METHODS.contains(&method.as_str()))
                .map(|(_, op)| op)
        })
        .and_then(|op| op.as_object_mut())
        .ok_or("the document has no operation to edit")?;
    let before = operation
        .get("description")
        .and_then(|d| d.as_str())
        .unwrap_or_default()
        .to_owned();
    operation.insert(
        "description".into(),
        format!("{before} Edited by the benchmark.").trim().into(),
    );
    let text = serde_json::to_string_pretty(&value).map_err(|e| e.to_string())?;
    fs::write(out, text).map_err(|e| format!("cannot write: {e}"))
}

const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// A consumer of one tag feature of the specgen crate in `full`: a crate beside it that depends on
/// it with `default-features = false` and names its `Client`.
fn write_consumer(full: &Path, dir: &Path, feature: &str) -> io::Result<()> {
    fs::create_dir_all(dir.join("src"))?;
    let path = full.display().to_string().replace('\\', "/");
    fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"bench-consumer\"\nversion = \"0.1.0\"\nedition = \"2024\"\npublish = false\n\n[workspace]\n\n\
             [dependencies]\nbench-specgen = {{ path = \"{path}\", default-features = false, features = [\"{feature}\"] }}\n"
        ),
    )?;
    fs::write(
        dir.join("src/lib.rs"),
        "pub use bench_specgen::api::Client;\n",
    )
}

/// The cold check of a consumer of the tag feature `tag` of the specgen crate in `out`, when that
/// crate has it.
fn consumer_check(out: &Path, tag: &str, target: &Path) -> Option<(String, Duration)> {
    let feature = format!("api-{}", specgen_codegen::passes::features::sanitize(tag));
    let manifest = fs::read_to_string(out.join("Cargo.toml")).ok()?;
    if !manifest.contains(&format!("\n{feature} = [")) {
        return None;
    }
    let dir = out.with_file_name(format!("{}-consumer", out.file_name()?.to_string_lossy()));
    write_consumer(out, &dir, &feature).ok()?;
    // Warm the dependencies once, then check the two crates cold.
    cargo_check(&dir, target)?;
    clean_packages(&dir, target, &["bench-consumer", "bench-specgen"])?;
    Some((feature, cargo_check(&dir, target)?))
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

/// Options for a benchmark run.
#[derive(Debug, Clone)]
pub struct BenchOptions {
    /// The documents, each with a short name.
    pub documents: Vec<(String, PathBuf)>,
    /// The specgen binary that implements `bench-generate` (a release build).
    pub specgen: PathBuf,
    /// The progenitor binary, when installed.
    pub progenitor: Option<PathBuf>,
    /// Generation runs per document and tool (the median is reported).
    pub repeat: usize,
    /// Also time `cargo check` of the generated crates.
    pub check: bool,
    /// The tag whose consumer is checked, for APIs split into tag features (`repos`).
    pub consumer_tag: String,
    /// Scratch directory for outputs and the shared target dir.
    pub work_dir: PathBuf,
}

/// One generation of `document` into `out` by specgen or progenitor, measured.
fn generate_once(
    options: &BenchOptions,
    document: &Path,
    out: &Path,
    progenitor: bool,
) -> Result<(Duration, u64), String> {
    let _ = fs::remove_dir_all(out);
    let mut command = if progenitor {
        let mut c = Command::new(options.progenitor.as_ref().expect("checked by the caller"));
        c.args(["progenitor", "-i"])
            .arg(document)
            .arg("-o")
            .arg(out)
            .args(["-n", "bench-progenitor", "-v", "0.1.0"]);
        c
    } else {
        let mut c = Command::new(&options.specgen);
        c.arg("bench-generate").arg(document).arg(out);
        c
    };
    measure(&mut command)
}

/// The check figures of the crate in `out`: cold, re-check after a one-line spec change, and
/// (specgen, split APIs) a one-tag consumer cold. `None` for a check that failed.
type Checks = (
    Option<Duration>,
    Option<Duration>,
    Option<(String, Duration)>,
);

fn check_figures(options: &BenchOptions, document: &Path, out: &Path, progenitor: bool) -> Checks {
    let tool = if progenitor { "progenitor" } else { "specgen" };
    let target = options.work_dir.join(format!("target-{tool}"));
    let cold = (|| {
        own_workspace(out)?;
        let name = package_name(out)?;
        // The first check builds or reuses the dependencies; the timed one is cold for the
        // crate alone.
        cargo_check(out, &target)?;
        clean_packages(out, &target, &[&name])?;
        cargo_check(out, &target)
    })();
    let edited = out.with_extension("edited.json");
    let recheck = (|| {
        cold?;
        edit_one_description(document, &edited).ok()?;
        generate_once(options, &edited, out, progenitor).ok()?;
        own_workspace(out)?;
        cargo_check(out, &target)
    })();
    // Last, because it cleans the crate's artefacts that the re-check needs warm.
    let consumer = (!progenitor && cold.is_some())
        .then(|| consumer_check(out, &options.consumer_tag, &target))
        .flatten();
    (cold, recheck, consumer)
}

fn bench_tool(
    options: &BenchOptions,
    document: &Path,
    out: &Path,
    progenitor: bool,
) -> Result<Run, String> {
    let mut times = Vec::new();
    let mut peak = 0;
    for _ in 0..options.repeat.max(1) {
        let (elapsed, kib) = generate_once(options, document, out, progenitor)?;
        times.push(elapsed);
        peak = peak.max(kib);
    }
    let lines = count_lines(&out.join("src"));
    let (cold, recheck, consumer) = if options.check {
        check_figures(options, document, out, progenitor)
    } else {
        (None, None, None)
    };
    Ok(Run {
        generate: median(times),
        peak_kib: peak,
        lines,
        cold,
        recheck,
        consumer,
    })
}

/// Benchmarks every document with both tools.
pub fn run(options: &BenchOptions, mut progress: impl FnMut(&str)) -> Vec<Row> {
    let mut rows = Vec::new();
    for (name, document) in &options.documents {
        progress(&format!("{name}: specgen"));
        let specgen = bench_tool(
            options,
            document,
            &options.work_dir.join(format!("{name}-specgen")),
            false,
        );
        let progenitor = options.progenitor.as_ref().map(|_| {
            progress(&format!("{name}: progenitor"));
            bench_tool(
                options,
                document,
                &options.work_dir.join(format!("{name}-progenitor")),
                true,
            )
        });
        rows.push(Row {
            name: name.clone(),
            specgen,
            progenitor,
        });
    }
    rows
}

fn seconds(d: Option<Duration>) -> String {
    d.map(|c| format!("{:.1} s", c.as_secs_f64()))
        .unwrap_or_else(|| "-".into())
}

fn cell(run: &Result<Run, String>) -> String {
    match run {
        Ok(r) => format!(
            "{:>9.1} ms {:>7.1} MiB {:>8} lines {:>9} {:>9}",
            r.generate.as_secs_f64() * 1000.0,
            r.peak_kib as f64 / 1024.0,
            r.lines,
            seconds(r.cold),
            seconds(r.recheck),
        ),
        Err(e) => format!("failed: {e}"),
    }
}

/// The ratio line of one document where both tools generated.
fn ratio_line(s: &Run, p: &Run, ratios: &mut Ratios) -> String {
    let generate = p.generate.as_secs_f64() / s.generate.as_secs_f64();
    let memory = p.peak_kib as f64 / s.peak_kib.max(1) as f64;
    let lines = p.lines as f64 / s.lines.max(1) as f64;
    ratios.generate.push(generate);
    let mut line = format!(
        "{:<26} {:<11} generate {generate:.1}x faster, {memory:.1}x less memory, {lines:.2}x fewer lines",
        "", "ratio"
    );
    if let (Some(sc), Some(pc)) = (s.cold, p.cold) {
        let cold = pc.as_secs_f64() / sc.as_secs_f64();
        ratios.cold.push(cold);
        let _ = write!(line, ", cold check {cold:.1}x faster");
    }
    if let (Some(sc), Some(pc)) = (s.recheck, p.recheck) {
        let recheck = pc.as_secs_f64() / sc.as_secs_f64();
        ratios.recheck.push(recheck);
        let _ = write!(line, ", re-check {recheck:.1}x faster");
    }
    line
}

/// Ratios collected over the documents, for the geometric means.
#[derive(Default)]
struct Ratios {
    generate: Vec<f64>,
    cold: Vec<f64>,
    recheck: Vec<f64>,
}

/// The report: a line per tool per document, ratios where both succeeded, the one-tag consumers,
/// and a summary.
pub fn report(rows: &[Row]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<26} {:<11} {:>12} {:>11} {:>14} {:>9} {:>9}",
        "document", "tool", "generate", "peak RSS", "output", "cold", "re-check"
    );
    let mut ratios = Ratios::default();
    let mut consumers = Vec::new();
    for row in rows {
        let _ = writeln!(
            out,
            "{:<26} {:<11} {}",
            row.name,
            "specgen",
            cell(&row.specgen)
        );
        if let Ok(Run {
            cold: Some(full),
            consumer: Some((feature, time)),
            ..
        }) = &row.specgen
        {
            consumers.push(format!(
                "{}: a consumer of `{feature}` alone checks cold in {:.1} s, {:.1}% of the full crate's {:.1} s",
                row.name,
                time.as_secs_f64(),
                100.0 * time.as_secs_f64() / full.as_secs_f64(),
                full.as_secs_f64()
            ));
        }
        if let Some(p) = &row.progenitor {
            let _ = writeln!(out, "{:<26} {:<11} {}", "", "progenitor", cell(p));
            if let (Ok(s), Ok(p)) = (&row.specgen, p) {
                let _ = writeln!(out, "{}", ratio_line(s, p, &mut ratios));
            }
        }
    }
    let geo = |v: &[f64]| (v.iter().map(|x| x.ln()).sum::<f64>() / v.len() as f64).exp();
    let ours = rows.iter().filter(|r| r.specgen.is_ok()).count();
    let _ = writeln!(
        out,
        "\nspecgen generated {ours} of {} documents",
        rows.len()
    );
    let theirs: Vec<&Result<Run, String>> =
        rows.iter().filter_map(|r| r.progenitor.as_ref()).collect();
    if !theirs.is_empty() {
        let _ = writeln!(
            out,
            "progenitor generated {} of {} documents",
            theirs.iter().filter(|r| r.is_ok()).count(),
            theirs.len()
        );
    }
    for (label, values) in [
        ("generation", &ratios.generate),
        ("cold check", &ratios.cold),
        ("re-check", &ratios.recheck),
    ] {
        if !values.is_empty() {
            let _ = writeln!(
                out,
                "geometric mean where both succeeded: {label} {:.1}x faster",
                geo(values)
            );
        }
    }
    for line in consumers {
        let _ = writeln!(out, "{line}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_description_changes_and_nothing_else() {
        let dir = std::env::temp_dir().join(format!("specgen-bench-edit-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let yaml = dir.join("doc.yaml");
        fs::write(
            &yaml,
            "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    parameters: []\n    get:\n      description: Lists.\n      responses: {}\n    post:\n      responses: {}\n",
        )
        .unwrap();
        let edited = dir.join("doc.edited.json");
        edit_one_description(&yaml, &edited).unwrap();
        let value: serde_json::Value =
            serde_json::from_str(&fs::read_to_string(&edited).unwrap()).unwrap();
        let mut expected: serde_json::Value =
            serde_yaml_ng::from_str(&fs::read_to_string(&yaml).unwrap()).unwrap();
        expected["paths"]["/a"]["get"]["description"] = "Lists. Edited by the benchmark.".into();
        assert_eq!(value, expected);
        fs::remove_dir_all(&dir).unwrap();
    }
}
