//! The report of a run (or of a proxy session): the readable text, JUnit XML, the JSON report,
//! and the coverage verdict of each operation.
//!
//! Every failure carries its reproduction: the `curl` command that sends the same request again
//! and an excerpt of what came back. The text ends with the coverage summary and then the
//! closing `N passed, N failed` line, which CI scripts grep for.

use super::cases::excerpt;
use super::{Check, Tally, operation_name};
use specgen_ir::ir::Operation;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// One request and its answer, as sent and received (credentials shown by variable name).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Exchange {
    /// The operation.
    pub operation: String,
    /// The case.
    pub case: String,
    /// The method.
    pub method: String,
    /// The URL with its query.
    pub url: String,
    /// Every request header.
    pub request_headers: Vec<(String, String)>,
    /// The request body (an excerpt when long; the size when not UTF-8).
    pub request_body: String,
    /// The command that sends the request again.
    pub curl: String,
    /// The answer's status; `None` when no answer arrived.
    pub status: Option<u16>,
    /// The answer's headers.
    pub response_headers: Vec<(String, String)>,
    /// The answer's body (an excerpt when long).
    pub response_body: String,
    /// How long the exchange took, in milliseconds.
    pub elapsed_ms: f64,
    /// Why no answer arrived.
    pub error: Option<String>,
}

/// How an operation ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// A documented 2xx was answered and every check of it passed.
    Reached,
    /// Only documented errors came back; the reason says which and why.
    Rejected,
    /// A check of the operation failed.
    Failed,
}

/// The verdict of one operation.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Coverage {
    /// The operation.
    pub operation: String,
    /// `METHOD /path`.
    pub route: String,
    /// The verdict.
    pub outcome: Outcome,
    /// Every status its conforming requests got.
    pub statuses: Vec<u16>,
    /// For `rejected`: which errors and why (`401: no credentials were sent; pass
    /// --token-env`); for `failed`: the failing checks; empty for `reached`.
    pub reason: String,
}

/// Every check of one run.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Report {
    /// The API's module name.
    pub module: String,
    /// The checks, in the order they ran.
    pub checks: Vec<Check>,
    /// Every request sent and its answer, in the order they were sent.
    pub exchanges: Vec<Exchange>,
    /// One verdict per operation, in document order.
    pub coverage: Vec<Coverage>,
    /// Whether an operation never reached fails the run.
    pub require_success: bool,
}

/// The verdicts of `ops` from what their requests got and the checks so far.
pub(crate) fn coverage(
    ops: &[Operation],
    tallies: &BTreeMap<String, Tally>,
    checks: &[Check],
) -> Vec<Coverage> {
    ops.iter()
        .map(|op| {
            let name = operation_name(op);
            let tally = tallies.get(&name);
            let failing: Vec<String> = checks
                .iter()
                .filter(|c| c.operation == name && c.failed())
                .map(|c| format!("{} [{}]", c.name, c.case))
                .collect();
            let reasons = tally.map(|t| t.reasons.join("; ")).unwrap_or_default();
            let (outcome, reason) = if !failing.is_empty() {
                // The refusals are named too: an undocumented 401 fails the status check, and
                // the fix is still to pass a credential.
                let mut reason = format!("failing: {}", failing.join(", "));
                if !reasons.is_empty() {
                    reason = format!("{reason}; answered {reasons}");
                }
                (Outcome::Failed, reason)
            } else if tally.is_some_and(|t| t.reached) {
                (Outcome::Reached, String::new())
            } else {
                let reason = if reasons.is_empty() {
                    "no conforming request got an answer".to_owned()
                } else {
                    reasons
                };
                (Outcome::Rejected, reason)
            };
            Coverage {
                operation: name,
                route: format!("{} {}", op.method.as_str(), op.path),
                outcome,
                statuses: tally
                    .map(|t| t.statuses.iter().copied().collect())
                    .unwrap_or_default(),
                reason,
            }
        })
        .collect()
}

impl Report {
    /// How many checks passed.
    pub fn passed(&self) -> usize {
        self.checks.iter().filter(|c| c.passed()).count()
    }

    /// How many checks failed.
    pub fn failed(&self) -> usize {
        self.checks.iter().filter(|c| c.failed()).count()
    }

    /// How many checks could not be decided.
    pub fn skipped(&self) -> usize {
        self.checks.iter().filter(|c| c.skipped).count()
    }

    /// The operations with the given verdict.
    pub fn with_outcome(&self, outcome: Outcome) -> Vec<&Coverage> {
        self.coverage
            .iter()
            .filter(|c| c.outcome == outcome)
            .collect()
    }

    /// Whether the run succeeded: no failing check (with `require_success`, an operation never
    /// reached is one).
    pub fn succeeded(&self) -> bool {
        self.failed() == 0
    }

    /// The coverage summary: `coverage: 3 reached, 1 rejected, 0 failed (of 4 operations)`.
    pub fn summary(&self) -> String {
        format!(
            "coverage: {} reached, {} rejected, {} failed (of {} operations)",
            self.with_outcome(Outcome::Reached).len(),
            self.with_outcome(Outcome::Rejected).len(),
            self.with_outcome(Outcome::Failed).len(),
            self.coverage.len()
        )
    }

    /// The readable report: one line per check, problems and the reproduction indented below a
    /// failing one, the coverage summary with a line per operation not reached, and the closing
    /// `N passed, N failed` line.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for c in &self.checks {
            let mark = if c.failed() {
                "FAIL"
            } else if c.skipped {
                "SKIP"
            } else {
                "PASS"
            };
            let seen = if c.occurrences > 1 {
                format!(" (seen {} times)", c.occurrences)
            } else {
                String::new()
            };
            let _ = writeln!(
                out,
                "{mark} {} [{}] {}: {}{seen}",
                c.operation, c.case, c.name, c.detail
            );
            if !c.failed() {
                continue;
            }
            for f in &c.failures {
                let _ = writeln!(out, "       - {f}");
            }
            if let Some(e) = c.exchange.and_then(|i| self.exchanges.get(i)) {
                let _ = writeln!(out, "       reproduce: {}", e.curl);
                let _ = writeln!(out, "       response: {}", response_line(e, 300));
            }
        }
        if !self.coverage.is_empty() {
            let _ = writeln!(out, "{}", self.summary());
            for c in &self.coverage {
                if c.outcome != Outcome::Reached {
                    let verdict = if c.outcome == Outcome::Failed {
                        "failed"
                    } else {
                        "rejected"
                    };
                    let _ = writeln!(
                        out,
                        "  {verdict} {} ({}): {}",
                        c.operation, c.route, c.reason
                    );
                }
            }
        }
        if self.skipped() > 0 {
            let _ = writeln!(out, "{} checks skipped (see SKIP lines)", self.skipped());
        }
        let _ = writeln!(out, "{} passed, {} failed", self.passed(), self.failed());
        out
    }

    /// JUnit XML: one test suite for the API, one test case per check, each with its time and,
    /// in `system-out`, its request (as `curl`) and its response.
    pub fn junit(&self) -> String {
        let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        let total: f64 = self.exchanges.iter().map(|e| e.elapsed_ms).sum::<f64>() / 1000.0;
        let (tests, failures, skipped) = (self.checks.len(), self.failed(), self.skipped());
        let _ = writeln!(
            out,
            "<testsuites name=\"specgen contract\" tests=\"{tests}\" failures=\"{failures}\" skipped=\"{skipped}\" time=\"{total:.3}\">"
        );
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{tests}\" failures=\"{failures}\" skipped=\"{skipped}\" time=\"{total:.3}\">",
            xml(&self.module)
        );
        for c in &self.checks {
            let exchange = c.exchange.and_then(|i| self.exchanges.get(i));
            let time = exchange.map_or(0.0, |e| e.elapsed_ms / 1000.0);
            let _ = writeln!(
                out,
                "    <testcase classname=\"{}.{}\" name=\"{}: {}\" time=\"{time:.3}\">",
                xml(&self.module),
                xml(&c.operation),
                xml(&c.case),
                xml(&c.name)
            );
            if c.failed() {
                let _ = writeln!(
                    out,
                    "      <failure message=\"{}\">{}</failure>",
                    xml(&c.detail),
                    xml(&c.failures.join("\n"))
                );
            } else if c.skipped {
                let _ = writeln!(out, "      <skipped message=\"{}\"/>", xml(&c.detail));
            }
            if let Some(e) = exchange {
                let _ = writeln!(
                    out,
                    "      <system-out>request: {}\nresponse: {}</system-out>",
                    xml(&e.curl),
                    xml(&response_line(e, 2000))
                );
            }
            out.push_str("    </testcase>\n");
        }
        out.push_str("  </testsuite>\n</testsuites>\n");
        out
    }

    /// The JSON report: the summary, every verdict, every check and every exchange.
    pub fn json(&self) -> String {
        let summary = serde_json::json!({
            "passed": self.passed(),
            "failed": self.failed(),
            "skipped": self.skipped(),
            "reached": self.with_outcome(Outcome::Reached).len(),
            "rejected": self.with_outcome(Outcome::Rejected).len(),
            "failed_operations": self.with_outcome(Outcome::Failed).len(),
        });
        let mut value = serde_json::to_value(self).unwrap_or_default();
        if let Some(map) = value.as_object_mut() {
            map.insert("summary".into(), summary);
        }
        serde_json::to_string_pretty(&value).unwrap_or_default() + "\n"
    }
}

/// `404 {"message": …}`: the status and a body excerpt, or why no answer came.
fn response_line(e: &Exchange, max: usize) -> String {
    match (e.status, &e.error) {
        (Some(status), _) => {
            let body = excerpt(&e.response_body, max);
            if body.is_empty() {
                format!("{status} (empty body)")
            } else {
                format!("{status} {body}")
            }
        }
        (None, Some(error)) => format!("no answer: {error}"),
        (None, None) => "no answer".into(),
    }
}

/// Text escaped for XML; control characters XML cannot carry become `?`.
fn xml(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_control() && c != '\n' && c != '\t' {
                '?'
            } else {
                c
            }
        })
        .collect::<String>()
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}
