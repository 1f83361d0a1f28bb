//! The contract runner: every operation of a spec sent to any server, every answer checked
//! against the spec, and a verdict per operation that cannot pass by accident.
//!
//! It works from the IR alone (no generated code), so it runs against the mock in this repo's
//! tests and against a vendor's sandbox in a user's CI alike. The stages, one file each:
//!
//! - [`cases`]: the requests of an operation (each documented example, else a synthesised one)
//!   and the order operations run in, creators before readers before deleters;
//! - [`scenarios`]: the values learned from earlier answers (an id in a create answer feeds the
//!   path parameter of the reads, updates and deletes of that resource), and the stateful checks
//!   `availability` (a created resource is readable) and `use-after-free` (a deleted one is not);
//! - [`bodies`]: real request bodies for every media type (JSON, form, multipart parts and files
//!   built from their schemas, raw bytes and text);
//! - [`send`]: the exact request on the wire, and the `curl` command that replays it with
//!   secrets replaced by the environment variable that holds them;
//! - [`checks`]: one check per concern of an answer (status, content type, body, headers);
//! - [`negative`]: requests that break the schema, which must be refused with a documented 4xx;
//! - [`report`]: the text report, JUnit XML and the JSON report, and the coverage verdicts;
//! - [`bench`]: the benchmark of a full run against the stateful mock next to schemathesis.
//!
//! Each operation ends `reached` (a documented 2xx was answered and every check of it passed),
//! `rejected` (it only ever got documented errors; the report says which and why) or `failed`.
//! With [`RunOptions::require_success`] an operation never reached is a failure of the run.

pub mod bench;
pub mod bodies;
pub mod cases;
pub mod checks;
pub mod negative;
pub mod report;
pub mod scenarios;
pub mod send;

pub use report::{Coverage, Exchange, Outcome, Report};

use crate::synth::Synth;
use cases::Case;
use scenarios::Scenario;
use send::{Answer, Sender};
use serde_json::Value;
use specgen_ir::ir::{Api, Operation, ParamLocation};
use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

/// Where and how to run.
#[derive(Debug, Clone)]
pub struct ContractOptions {
    /// The server's base URL (`http://127.0.0.1:4010`, `https://api-sandbox.circle.com`).
    pub base_url: String,
    /// The credential sent on operations that require one (bearer token, basic `user:pass`, or
    /// API key). `None` sends none, so secured operations are expected to answer 401.
    pub token: Option<String>,
    /// Per-request timeout.
    pub timeout: Duration,
    /// The shared secret for specs whose requests are signed (`x-specgen-request-signature`);
    /// without it a placeholder signature is sent, which only a mock without a secret accepts.
    pub signing_secret: Option<Vec<u8>>,
}

/// What to run beyond one request per case, and what counts as success.
///
/// Kept apart from [`ContractOptions`] (where to send) so callers that only say where keep
/// compiling; the command line fills both.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// Fail the run when an operation was never reached (`--require-success`): an operation
    /// that only ever answered documented errors is then a failing `coverage` check.
    pub require_success: bool,
    /// Also send requests that break the schema (`--negative`); each must be refused with a
    /// documented 4xx.
    pub negative: bool,
    /// Chain operations (ids from create answers feed later requests) and run the stateful
    /// checks `availability` and `use-after-free`.
    pub scenarios: bool,
    /// The environment variable that holds the token (`--token-env`), so reproductions say
    /// `$SANDBOX_TOKEN` instead of the secret.
    pub token_env: Option<String>,
    /// Write the JSON report here when the run ends (`--report FILE.json`).
    pub report: Option<std::path::PathBuf>,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            require_success: false,
            negative: false,
            scenarios: true,
            token_env: None,
            report: None,
        }
    }
}

/// The result of one check.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Check {
    /// The operation (`operationId`, else the generated method name).
    pub operation: String,
    /// The request case (`example 1`, `synthesised`, `idempotent replay`, `negative: ...`).
    pub case: String,
    /// What was checked (`status`, `content-type`, `body`, `headers`, `transport`, `replay`,
    /// `availability`, `use-after-free`, `negative`, `coverage`, `request`).
    pub name: String,
    /// What was found, in one line.
    pub detail: String,
    /// Every problem found; empty when the check passed.
    pub failures: Vec<String>,
    /// The check could not be decided (it is neither a pass nor a failure); `detail` says why.
    pub skipped: bool,
    /// The exchange it checked, an index into [`Report::exchanges`].
    pub exchange: Option<usize>,
    /// How many times the same result was seen (the proxy counts repeats instead of listing
    /// them); 1 for the runner.
    pub occurrences: usize,
}

impl Check {
    /// A check of `exchange` with no verdict yet beyond `failures`.
    pub fn new(
        operation: &str,
        case: &str,
        name: &str,
        detail: String,
        failures: Vec<String>,
        exchange: Option<usize>,
    ) -> Self {
        Check {
            operation: operation.to_owned(),
            case: case.to_owned(),
            name: name.to_owned(),
            detail,
            failures,
            skipped: false,
            exchange,
            occurrences: 1,
        }
    }

    /// Whether the check passed (neither failed nor skipped).
    pub fn passed(&self) -> bool {
        self.failures.is_empty() && !self.skipped
    }

    /// Whether the check failed.
    pub fn failed(&self) -> bool {
        !self.failures.is_empty()
    }
}

/// The name the report gives an operation.
pub fn operation_name(op: &Operation) -> String {
    op.operation_id
        .clone()
        .unwrap_or_else(|| op.fn_name.clone())
}

/// What one operation's positive requests got, for its coverage verdict.
#[derive(Debug, Default)]
pub(crate) struct Tally {
    /// Every status answered to a request that conforms to the schema.
    pub statuses: BTreeSet<u16>,
    /// A documented 2xx arrived and every check of that answer passed.
    pub reached: bool,
    /// Why the non-2xx answers came, one line each, in the order they arrived.
    pub reasons: Vec<String>,
}

/// The state of one run: where checks go, and what each operation got.
pub(crate) struct Run<'a> {
    pub api: &'a Api,
    pub synth: Synth,
    pub sender: Sender<'a>,
    pub options: &'a ContractOptions,
    pub run: &'a RunOptions,
    pub report: Report,
    pub tallies: BTreeMap<String, Tally>,
    pub scenario: Scenario,
}

/// Runs every operation of `api` against `options.base_url` with the default [`RunOptions`]
/// (scenarios on, negative cases off, coverage reported but not required).
pub async fn run(api: &Api, options: &ContractOptions) -> Report {
    run_with(api, options, &RunOptions::default()).await
}

/// Runs every operation of `api` against `options.base_url`, checks every answer, and gives
/// each operation its coverage verdict. Writes the JSON report when `run.report` names a file;
/// a file that cannot be written is a failing `report` check, not a panic.
pub async fn run_with(api: &Api, options: &ContractOptions, run: &RunOptions) -> Report {
    let synth = Synth::new(api);
    let mut state = Run {
        api,
        sender: Sender::new(api, options, run.token_env.as_deref()),
        synth,
        options,
        run,
        report: Report {
            module: api.module.clone(),
            ..Report::default()
        },
        tallies: BTreeMap::new(),
        scenario: Scenario::default(),
    };
    for op in cases::order(&api.operations) {
        state.tallies.entry(operation_name(op)).or_default();
        run_operation(&mut state, op).await;
    }
    let mut report = state.finish();
    if let Some(path) = &run.report {
        if let Err(e) = std::fs::write(path, report.json()) {
            report.checks.push(Check::new(
                "(run)",
                "report",
                "report",
                format!("cannot write {}", path.display()),
                vec![e.to_string()],
                None,
            ));
        }
    }
    report
}

async fn run_operation(state: &mut Run<'_>, op: &Operation) {
    let name = operation_name(op);
    for case in cases::cases(&state.synth, op) {
        let key = uuid::Uuid::new_v4().to_string();
        let (exchange, answer) = state.send(op, &case, &key).await;
        let ok = state.check_positive(op, &name, &case.name, exchange, &answer);
        if ok && state.run.scenarios {
            if let Ok(a) = &answer {
                scenarios::after_success(state, op, &case, a).await;
            }
        }
    }
    if idempotency_header(op).is_some() {
        replay(state, op, &name).await;
    }
    if state.run.negative {
        negative::run(state, op, &name).await;
    }
}

impl Run<'_> {
    /// Sends one case and records its exchange; the index is `None` only if recording failed.
    pub(crate) async fn send(
        &mut self,
        op: &Operation,
        case: &Case,
        key: &str,
    ) -> (Option<usize>, Result<Answer, String>) {
        let mut params = self.scenario.resolve(&self.synth, op, self.run.scenarios);
        for p in &mut params {
            if let Some(v) = case.path.get(&p.name) {
                p.value = v.clone();
                p.source = Some(case.name.clone());
            }
        }
        let prepared = self.sender.prepare(&self.synth, op, case, &params, key);
        let (exchange, answer) = self.sender.send(&prepared).await;
        self.report.exchanges.push(exchange);
        let index = self.report.exchanges.len() - 1;
        if let Ok(a) = &answer {
            if !(200..300).contains(&a.status) {
                let reason = cases::rejection_reason(self, op, &params, a);
                let tally = self.tallies.entry(operation_name(op)).or_default();
                if !case.negative && !tally.reasons.contains(&reason) {
                    tally.reasons.push(reason);
                }
            }
        }
        (Some(index), answer)
    }

    /// Checks a conforming request's answer and updates the operation's tally; true when a
    /// documented 2xx arrived and every check passed.
    pub(crate) fn check_positive(
        &mut self,
        op: &Operation,
        name: &str,
        case: &str,
        exchange: Option<usize>,
        answer: &Result<Answer, String>,
    ) -> bool {
        let before = self.report.checks.len();
        checks::check_answer(
            &self.synth,
            op,
            name,
            case,
            answer,
            exchange,
            &mut self.report.checks,
        );
        let clean = self.report.checks[before..].iter().all(|c| !c.failed());
        let tally = self.tallies.entry(name.to_owned()).or_default();
        let Ok(a) = answer else {
            return false;
        };
        tally.statuses.insert(a.status);
        let reached = clean && (200..300).contains(&a.status);
        tally.reached |= reached;
        reached
    }

    fn finish(self) -> Report {
        let mut report = self.report;
        report.coverage = report::coverage(&self.api.operations, &self.tallies, &report.checks);
        report.require_success = self.run.require_success;
        if self.run.require_success {
            for c in report
                .coverage
                .iter()
                .filter(|c| c.outcome == Outcome::Rejected)
            {
                report.checks.push(Check::new(
                    &c.operation,
                    "coverage",
                    "coverage",
                    "never reached (--require-success)".into(),
                    vec![format!("never answered a documented 2xx: {}", c.reason)],
                    None,
                ));
            }
        }
        report
    }
}

fn idempotency_header(op: &Operation) -> Option<&str> {
    op.params
        .iter()
        .find(|p| p.location == ParamLocation::Header && p.idempotency_key)
        .map(|p| p.wire_name.as_str())
}

/// The documented idempotency scenario: the same key and body again replays the answer.
async fn replay(state: &mut Run<'_>, op: &Operation, name: &str) {
    let Some(case) = cases::cases(&state.synth, op).into_iter().next() else {
        return;
    };
    let key = uuid::Uuid::new_v4().to_string();
    let (_, first) = state.send(op, &case, &key).await;
    let (exchange, second) = state.send(op, &case, &key).await;
    let scenario = "idempotent replay";
    let mut failures = Vec::new();
    let detail = match (&first, &second) {
        (Ok(a), Ok(b)) => {
            if a.status != b.status {
                failures.push(format!(
                    "the replay answered {} where the first request answered {}",
                    b.status, a.status
                ));
            }
            let (x, y) = (
                serde_json::from_slice::<Value>(&a.body).ok(),
                serde_json::from_slice::<Value>(&b.body).ok(),
            );
            if x != y || (x.is_none() && a.body != b.body) {
                failures.push("the replay's body differs from the first answer's".into());
            }
            format!("same key twice answered {} then {}", a.status, b.status)
        }
        (Err(e), _) | (_, Err(e)) => {
            failures.push(e.clone());
            "the request failed".into()
        }
    };
    state.report.checks.push(Check::new(
        name, scenario, "replay", detail, failures, exchange,
    ));
    if second.is_ok() {
        state.check_positive(op, name, scenario, exchange, &second);
    }
}
