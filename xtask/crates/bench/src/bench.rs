//! `cargo xtask bench`: generation speed, memory and output size against progenitor.
//!
//! Both generators run as child processes on the same documents in the same run: specgen's own
//! release binary (`xtask bench-generate`) and `cargo-progenitor` when it is installed. Wall time
//! is the median of several runs; peak memory is the child's maximum resident set size, read with
//! `wait4` so each child is measured alone. Each output crate is then checked once to warm its
//! dependencies and again, after touching it, to time `cargo check` of the generated code alone.
//! Ratios are progenitor ÷ specgen, so above 1 means specgen is better. Failures are reported as
//! such: a peer that cannot handle a document gets no ratio for it.

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
    /// `cargo check` time of the generated crate with warm dependencies.
    pub check: Option<Duration>,
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

/// `cargo check` once to warm dependencies, then again after touching the crate, timed.
fn check_time(crate_dir: &Path, target: &Path) -> Option<Duration> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    // The outputs sit under this repository's target dir; a crate without its own
    // `[workspace]` would be taken for a stray member of ours and refused.
    let manifest = crate_dir.join("Cargo.toml");
    let text = fs::read_to_string(&manifest).ok()?;
    if !text.contains("[workspace]") {
        fs::write(&manifest, format!("{text}\n[workspace]\n")).ok()?;
    }
    let run = || {
        Command::new(&cargo)
            .args(["check", "--quiet", "--lib"])
            .current_dir(crate_dir)
            .env("CARGO_TARGET_DIR", target)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .ok()
            .filter(|s| s.success())
    };
    run()?;
    let lib = crate_dir.join("src/lib.rs");
    let text = fs::read(&lib).ok()?;
    fs::write(&lib, text).ok()?;
    let started = Instant::now();
    run()?;
    Some(started.elapsed())
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
    /// Scratch directory for outputs and the shared target dir.
    pub work_dir: PathBuf,
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
        let (elapsed, kib) = measure(&mut command)?;
        times.push(elapsed);
        peak = peak.max(kib);
    }
    let check = if options.check {
        check_time(
            out,
            &options.work_dir.join(if progenitor {
                "target-progenitor"
            } else {
                "target-specgen"
            }),
        )
    } else {
        None
    };
    Ok(Run {
        generate: median(times),
        peak_kib: peak,
        lines: count_lines(&out.join("src")),
        check,
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

fn cell(run: &Result<Run, String>) -> String {
    match run {
        Ok(r) => format!(
            "{:>9.1} ms {:>7.1} MiB {:>8} lines {:>10}",
            r.generate.as_secs_f64() * 1000.0,
            r.peak_kib as f64 / 1024.0,
            r.lines,
            r.check
                .map(|c| format!("{:.1} s", c.as_secs_f64()))
                .unwrap_or_else(|| "-".into())
        ),
        Err(e) => format!("failed: {e}"),
    }
}

/// The report: a line per tool per document, ratios where both succeeded, and a summary.
pub fn report(rows: &[Row]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<26} {:<11} {:>12} {:>11} {:>14} {:>10}",
        "document", "tool", "generate", "peak RSS", "output", "check"
    );
    let mut gen_ratios = Vec::new();
    let mut check_ratios = Vec::new();
    for row in rows {
        let _ = writeln!(
            out,
            "{:<26} {:<11} {}",
            row.name,
            "specgen",
            cell(&row.specgen)
        );
        if let Some(p) = &row.progenitor {
            let _ = writeln!(out, "{:<26} {:<11} {}", "", "progenitor", cell(p));
            if let (Ok(s), Ok(p)) = (&row.specgen, p) {
                let generate = p.generate.as_secs_f64() / s.generate.as_secs_f64();
                let memory = p.peak_kib as f64 / s.peak_kib.max(1) as f64;
                let lines = p.lines as f64 / s.lines.max(1) as f64;
                gen_ratios.push(generate);
                let mut line = format!(
                    "{:<26} {:<11} generate {generate:.1}x faster, {memory:.1}x less memory, {lines:.2}x fewer lines",
                    "", "ratio"
                );
                if let (Some(sc), Some(pc)) = (s.check, p.check) {
                    let check = pc.as_secs_f64() / sc.as_secs_f64();
                    check_ratios.push(check);
                    let _ = write!(line, ", checks {check:.1}x faster");
                }
                let _ = writeln!(out, "{line}");
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
    if !gen_ratios.is_empty() {
        let _ = writeln!(
            out,
            "geometric mean where both generated: generation {:.1}x faster",
            geo(&gen_ratios)
        );
    }
    if !check_ratios.is_empty() {
        let _ = writeln!(
            out,
            "geometric mean where both checked: generated code checks {:.1}x faster",
            geo(&check_ratios)
        );
    }
    out
}
