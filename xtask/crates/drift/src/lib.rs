//! `cargo xtask drift`: every change between two versions of the APIs, classified twice — for
//! the wire (`breaking`, `warning`, `info`, from the point of view of a client built from the old
//! spec talking to a server that implements the new one) and for the generated Rust crate
//! (`major`, `minor`, `none`).
//!
//! The pipeline mirrors the generator's: `load` (the only disk access: a git revision's `specs/`
//! or two named documents) → `codegen::lower_inputs` (parse, overlay, lower to the IR, exactly as
//! `cargo xtask codegen` does) → `compare` and `types` (IR against IR, so OpenAPI documents and
//! release notes share every rule) → `report` (text, markdown, JSON, JUnit). Rules and their
//! verdicts live in one table, `rules::RULES`.

#![deny(missing_docs)]

mod bounds;
pub mod compare;
mod lines;
pub mod load;
pub mod model;
pub mod report;
pub mod rules;
pub mod shape;
mod types;

use model::{Change, Locations, Position, Report, Wire};
use specgen_codegen::load::SpecInput;
use specgen_codegen::lower_inputs;
use specgen_codegen::parse::source_map::SourceMap;
use specgen_ir::diagnostics::Diagnostics;
use specgen_ir::ir::Api;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Grouped by API and operation, breaking first, for a terminal.
    Text,
    /// A table per API, for a pull-request comment.
    Markdown,
    /// `{"changes": [...], "summary": {...}}`, documented in the README.
    Json,
    /// JUnit XML: one test case per breaking change.
    Junit,
}

/// The lowest wire level that makes the command exit with status 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    /// Fail on breaking changes.
    Breaking,
    /// Fail on breaking changes and warnings.
    Warning,
    /// Never fail because of changes (bad input still exits with 2).
    Never,
}

/// Arguments of `cargo xtask drift`.
#[derive(Debug, Clone, clap::Args)]
#[command(
    about = "Classify every change between two versions of the specs, for the wire and for the generated Rust API"
)]
pub struct DriftArgs {
    /// Two OpenAPI documents (YAML or JSON, 3.0 or 3.1) or two release-notes directories, OLD
    /// then NEW. Without them, `specs/` at `--base` is compared with the working tree.
    #[arg(value_names = ["OLD", "NEW"], num_args = 0..=2)]
    pub paths: Vec<PathBuf>,
    /// The git revision whose `specs/` is the base (ignored when OLD and NEW are given).
    #[arg(long, value_name = "REV", default_value = "HEAD")]
    pub base: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Exit with status 1 when a change at or above this wire level is found.
    #[arg(long, value_enum, default_value_t = FailOn::Breaking)]
    pub fail_on: FailOn,
}

/// The `--help` text of `cargo xtask drift`, for the README and its test.
pub fn help() -> String {
    use clap::Args;
    let command = clap::Command::new("drift")
        .bin_name("cargo xtask drift")
        .about("Classify every change between two versions of the specs, for the wire and for the generated Rust API");
    DriftArgs::augment_args(command)
        .render_long_help()
        .to_string()
}

/// Loads, lowers and compares the two versions `args` names.
pub fn drift(repo_root: &Path, args: &DriftArgs) -> Result<Report, Diagnostics> {
    let versions = match args.paths.as_slice() {
        [] => load::from_git(repo_root, &args.base)?,
        [old, new] => load::from_paths(old, new)?,
        _ => {
            let mut d = Diagnostics::new();
            d.push(
                specgen_ir::diagnostics::Diagnostic::error("drift", Default::default(), "give two paths, OLD and NEW, or none")
                    .with_hint("`cargo xtask drift OLD NEW` compares two documents; `cargo xtask drift --base REV` compares specs/ with REV"),
            );
            return Err(d);
        }
    };
    compare_versions(&versions)
}

/// Lowers both versions (in parallel, since each is independent) and compares them.
pub fn compare_versions(versions: &load::Versions) -> Result<Report, Diagnostics> {
    let ((base, mut diagnostics), (revision, more)) = std::thread::scope(|s| {
        let base = s.spawn(|| lower_inputs(&versions.base));
        let revision = lower_inputs(&versions.revision);
        (base.join().expect("lowering does not panic"), revision)
    });
    diagnostics.extend(more);
    if diagnostics.has_errors() {
        return Err(diagnostics);
    }
    // `SPECGEN_TIMINGS=1` prints the comparison's own stages, as codegen prints its own.
    let started = std::time::Instant::now();
    let mut changes = compare_apis(&base, &revision);
    let compared = started.elapsed();
    resolve_lines(&mut changes, &versions.base, |l| &mut l.base);
    resolve_lines(&mut changes, &versions.revision, |l| &mut l.revision);
    if std::env::var_os("SPECGEN_TIMINGS").is_some() {
        eprintln!(
            "drift: compare {compared:?}, lines {:?}",
            started.elapsed() - compared
        );
    }
    Ok(Report::new(changes))
}

/// Compares two sets of APIs, matched by module name.
pub fn compare_apis(base: &[Api], revision: &[Api]) -> Vec<Change> {
    let mut changes = Vec::new();
    let api_change = |id: &'static str, api: &Api, base: bool| {
        let rule = rules::rule_for(id);
        let pos = Position {
            file: api.sources.first().cloned().unwrap_or_default(),
            pointer: None,
            line: None,
        };
        Change {
            id,
            wire: rule.wire,
            rust: rule.rust,
            api: api.module.clone(),
            operation: "api".into(),
            location: Locations {
                base: base.then(|| pos.clone()),
                revision: (!base).then_some(pos),
            },
            message: format!(
                "API `{}` ({}) {}",
                api.module,
                api.title.trim(),
                if base { "removed" } else { "added" }
            ),
        }
    };
    for old in base {
        match revision.iter().find(|n| n.module == old.module) {
            Some(new) => changes.extend(compare::Comparer::new(old, new).run()),
            None => changes.push(api_change("api-removed", old, true)),
        }
    }
    for new in revision {
        if !base.iter().any(|o| o.module == new.module) {
            changes.push(api_change("api-added", new, false));
        }
    }
    changes
}

/// Fills in line numbers for JSON pointers, from the side's source texts. A pointer that does
/// not resolve (an overlay added it, or allOf merged it) falls back to its nearest ancestor.
fn resolve_lines(
    changes: &mut [Change],
    inputs: &[SpecInput],
    side: impl Fn(&mut Locations) -> &mut Option<Position>,
) {
    let texts: HashMap<&str, &str> = inputs
        .iter()
        .filter_map(|i| match i {
            SpecInput::OpenApi { document, .. } => {
                Some((document.path.as_str(), document.text.as_str()))
            }
            SpecInput::ReleaseNotes { .. } => None,
        })
        .collect();
    // Every pointer wanted per file, with its ancestors (the fallbacks).
    let mut wanted: HashMap<String, HashSet<String>> = HashMap::new();
    for change in changes.iter_mut() {
        let Some(pos) = side(&mut change.location).as_ref() else {
            continue;
        };
        if let (Some(pointer), None) = (&pos.pointer, pos.line) {
            let set = wanted.entry(pos.file.clone()).or_default();
            let mut p = pointer.trim_start_matches('#');
            while !p.is_empty() {
                set.insert(p.to_owned());
                p = &p[..p.rfind('/').unwrap_or(0)];
            }
        }
    }
    let mut lines: HashMap<String, HashMap<String, usize>> = HashMap::new();
    for (file, pointers) in wanted {
        let Some(text) = texts.get(file.as_str()) else {
            continue;
        };
        let found = if file.ends_with(".json") {
            lines::json_lines(text, &pointers)
        } else {
            let map = SourceMap::new(text);
            pointers
                .into_iter()
                .filter_map(|p| map.locate(&p).map(|(line, _)| (p, line)))
                .collect()
        };
        lines.insert(file, found);
    }
    for change in changes {
        let Some(pos) = side(&mut change.location).as_mut() else {
            continue;
        };
        let (Some(pointer), None) = (&pos.pointer, pos.line) else {
            continue;
        };
        let Some(found) = lines.get(&pos.file) else {
            continue;
        };
        let mut p = pointer.trim_start_matches('#');
        while !p.is_empty() {
            if let Some(line) = found.get(p) {
                pos.line = Some(*line);
                break;
            }
            p = &p[..p.rfind('/').unwrap_or(0)];
        }
    }
}

/// The exit status for `report` under `fail_on`: 1 when a change reaches the level, else 0.
pub fn exit_status(report: &Report, fail_on: FailOn) -> u8 {
    let limit = match fail_on {
        FailOn::Breaking => Wire::Breaking,
        FailOn::Warning => Wire::Warning,
        FailOn::Never => return 0,
    };
    u8::from(report.changes.iter().any(|c| c.wire <= limit))
}

/// Runs `cargo xtask drift`: prints the report (or the diagnostics) and returns the exit status:
/// 0 clean, 1 a change at or above `--fail-on`, 2 bad input.
pub fn run(repo_root: &Path, args: &DriftArgs) -> std::process::ExitCode {
    match drift(repo_root, args) {
        Ok(report) => {
            print!("{}", report::render(&report, args.format));
            std::process::ExitCode::from(exit_status(&report, args.fail_on))
        }
        Err(diagnostics) => {
            eprintln!("{diagnostics}");
            std::process::ExitCode::from(2)
        }
    }
}
