//! The contract benchmark: a full run of each spec against the stateful in-process mock, and
//! the same spec through schemathesis (`--checks all`) against a fresh mock, timed in the same
//! process so the two figures share a machine and a moment.
//!
//! schemathesis reads the OpenAPI document rebuilt from the IR ([`specgen_codegen::document::document_from_ir`]),
//! so it tests exactly what the runner tests. Its case count per operation (`--max-examples`) is
//! set to the runner's requests per operation, rounded up, so the counts are comparable; its
//! `examples`, `coverage`, `fuzzing` and `stateful` phases all run. The figures for
//! BENCHMARKS.md come from `scripts/bench-contract.sh`.

use super::{ContractOptions, RunOptions, run_with};
use crate::mock::{self, MockOptions};
use specgen_ir::ir::Api;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The figures for one spec.
#[derive(Debug, Clone)]
pub struct BenchRow {
    /// The API's module.
    pub module: String,
    /// Its operations.
    pub operations: usize,
    /// Requests the runner sent.
    pub requests: usize,
    /// Checks the runner made, and how many failed.
    pub checks: (usize, usize),
    /// Operations reached, rejected, failed.
    pub coverage: (usize, usize, usize),
    /// Wall time of the runner's run.
    pub runner: Duration,
    /// `--max-examples` given to schemathesis.
    pub max_examples: usize,
    /// Wall time of schemathesis, and its exit status; `None` when it did not run.
    pub schemathesis: Option<(Duration, Option<i32>)>,
    /// The test cases schemathesis generated (its `Test cases: N generated` line).
    pub schemathesis_cases: Option<usize>,
    /// What schemathesis reported: its failure kinds with counts (`ST401 API accepts invalid
    /// authentication: 3`), else its last line, or why it did not run.
    pub schemathesis_summary: String,
}

/// Runs the benchmark for each of `apis`; `schemathesis` is the `st` executable (`None` skips
/// it), `scratch` a directory for the rebuilt documents.
pub async fn compare(
    apis: &[Api],
    schemathesis: Option<&Path>,
    scratch: &Path,
) -> std::io::Result<Vec<BenchRow>> {
    let mut rows = Vec::new();
    for api in apis {
        let server = mock::serve(vec![api.clone()], stateful()).await?;
        let options = ContractOptions {
            base_url: server.base_url(),
            token: Some("bench-token".into()),
            timeout: Duration::from_secs(10),
            signing_secret: None,
        };
        let run = RunOptions {
            negative: true,
            ..RunOptions::default()
        };
        let started = Instant::now();
        let report = run_with(api, &options, &run).await;
        let runner = started.elapsed();
        server.shutdown().await?;
        let operations = api.operations.len();
        let max_examples = report.exchanges.len().div_ceil(operations.max(1)).max(1);
        let (schemathesis, cases, summary) = match schemathesis {
            None => (None, None, "not run (no schemathesis given)".to_owned()),
            Some(st) => {
                let (elapsed, code, stdout) =
                    run_schemathesis(api, st, scratch, max_examples).await?;
                let (cases, summary) = summarise(&stdout);
                (Some((elapsed, code)), cases, summary)
            }
        };
        rows.push(BenchRow {
            module: api.module.clone(),
            operations,
            requests: report.exchanges.len(),
            checks: (report.checks.len(), report.failed()),
            coverage: (
                report.with_outcome(super::Outcome::Reached).len(),
                report.with_outcome(super::Outcome::Rejected).len(),
                report.with_outcome(super::Outcome::Failed).len(),
            ),
            runner,
            max_examples,
            schemathesis,
            schemathesis_cases: cases,
            schemathesis_summary: summary,
        });
    }
    Ok(rows)
}

fn stateful() -> MockOptions {
    MockOptions {
        stateful: true,
        ..MockOptions::default()
    }
}

/// Runs schemathesis on `api` against a fresh stateful mock; its wall time, exit code and
/// output (also saved as `MODULE.schemathesis.txt` in `scratch`).
async fn run_schemathesis(
    api: &Api,
    st: &Path,
    scratch: &Path,
    max_examples: usize,
) -> std::io::Result<(Duration, Option<i32>, String)> {
    let document = scratch.join(format!("{}.openapi.json", api.module));
    let text = serde_json::to_string_pretty(&specgen_codegen::document::document_from_ir(api))
        .map_err(std::io::Error::other)?;
    std::fs::write(&document, text)?;
    let server = mock::serve(vec![api.clone()], stateful()).await?;
    let mut command = std::process::Command::new(st);
    command
        .arg("run")
        .arg(&document)
        .args(["--url", &server.base_url()])
        .args(["--checks", "all"])
        .args(["--max-examples", &max_examples.to_string()])
        .args(["--seed", "1"])
        .args(["--workers", "1"])
        .args(["--header", "Authorization: Bearer bench-token"])
        .current_dir(scratch);
    let started = Instant::now();
    let output = tokio::task::spawn_blocking(move || command.output())
        .await
        .map_err(std::io::Error::other)??;
    let elapsed = started.elapsed();
    server.shutdown().await?;
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    std::fs::write(
        scratch.join(format!("{}.schemathesis.txt", api.module)),
        &stdout,
    )?;
    Ok((elapsed, output.status.code(), stdout))
}

/// The case count and the failure kinds from schemathesis' summary.
fn summarise(stdout: &str) -> (Option<usize>, String) {
    let lines: Vec<&str> = stdout.lines().map(str::trim).collect();
    let cases = lines
        .iter()
        .position(|l| *l == "Test cases:")
        .and_then(|i| lines.get(i + 1))
        .and_then(|l| l.split_whitespace().next())
        .and_then(|n| n.parse().ok());
    let kinds: Vec<&str> = match lines.iter().position(|l| *l == "Failures:") {
        Some(start) => lines[start + 1..]
            .iter()
            .take_while(|l| l.starts_with('❌'))
            .map(|l| l.trim_start_matches('❌').trim())
            .collect(),
        None => Vec::new(),
    };
    let summary = if kinds.is_empty() {
        lines
            .iter()
            .rev()
            .find(|l| !l.is_empty())
            .map(|l| l.trim_matches(|c| c == '=' || c == ' ').to_owned())
            .unwrap_or_default()
    } else {
        kinds.join("; ")
    };
    (cases, summary)
}

/// The rows as a Markdown table for BENCHMARKS.md.
pub fn markdown(rows: &[BenchRow]) -> String {
    let mut out = String::from(
        "| spec | operations | runner requests | runner checks (failed) | reached / rejected / failed | runner | schemathesis `-n` | schemathesis cases | schemathesis | schemathesis found |\n|---|---|---|---|---|---|---|---|---|---|\n",
    );
    for r in rows {
        let st = match r.schemathesis {
            Some((d, code)) => format!(
                "{:.2} s (exit {})",
                d.as_secs_f64(),
                code.map_or("signal".into(), |c| c.to_string())
            ),
            None => "-".into(),
        };
        out.push_str(&format!(
            "| {} | {} | {} | {} ({}) | {} / {} / {} | {:.3} s | {} | {} | {} | {} |\n",
            r.module,
            r.operations,
            r.requests,
            r.checks.0,
            r.checks.1,
            r.coverage.0,
            r.coverage.1,
            r.coverage.2,
            r.runner.as_secs_f64(),
            r.max_examples,
            r.schemathesis_cases.map_or("-".into(), |n| n.to_string()),
            st,
            r.schemathesis_summary.replace('|', "/"),
        ));
    }
    out
}

/// Where the benchmark finds schemathesis: `$SCHEMATHESIS`, else `st` on the `PATH`.
pub fn find_schemathesis() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("SCHEMATHESIS") {
        return Some(PathBuf::from(path));
    }
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join("st"))
            .find(|p| p.is_file())
    })
}
